//! Slimming of embedded TrueType font programs: drops the hinting (the `fpgm`, `prep` and
//! `cvt ` tables and every glyph's instructions), which PDF viewers do not need and which is
//! a third of a subset Noto face.
//!
//! It takes the bytes of one (already subset) TrueType font and gives smaller bytes, or the
//! same bytes untouched when anything is not as expected. It knows nothing about PDF.
//!
//! Written by hand: the subsetters on crates.io either keep hinting or come with a second
//! font-handling stack; this is one small table rewrite.

/// Tables that only serve hinting.
const HINTING_TABLES: [&[u8; 4]; 3] = [b"fpgm", b"prep", b"cvt "];

/// Composite glyph flags (OpenType `glyf` table).
const ARG_1_AND_2_ARE_WORDS: u16 = 0x0001;
const WE_HAVE_A_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE: u16 = 0x0040;
const WE_HAVE_A_TWO_BY_TWO: u16 = 0x0080;
const WE_HAVE_INSTRUCTIONS: u16 = 0x0100;

/// Returns the font without hinting, or `font` itself when it is not a TrueType font this
/// can read.
///
/// ```
/// assert_eq!(letterhead::sfnt::strip_hinting(b"not a font"), b"not a font".to_vec());
/// ```
pub fn strip_hinting(font: &[u8]) -> Vec<u8> {
    rewrite(font).unwrap_or_else(|| font.to_vec())
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn rewrite(font: &[u8]) -> Option<Vec<u8>> {
    if u32_at(font, 0)? != 0x0001_0000 {
        return None;
    }
    let count = usize::from(u16_at(font, 4)?);
    let mut tables: Vec<([u8; 4], &[u8])> = Vec::with_capacity(count);
    for i in 0..count {
        let record = 12 + 16 * i;
        let tag: [u8; 4] = font.get(record..record + 4)?.try_into().ok()?;
        let offset = u32_at(font, record + 8)? as usize;
        let length = u32_at(font, record + 12)? as usize;
        tables.push((tag, font.get(offset..offset.checked_add(length)?)?));
    }
    let find = |tag: &[u8; 4]| tables.iter().find(|(t, _)| t == tag).map(|(_, d)| *d);
    let head = find(b"head")?;
    let long_loca = u16_at(head, 50)? == 1;
    let loca = find(b"loca")?;
    let glyf = find(b"glyf")?;
    let glyphs = usize::from(u16_at(find(b"maxp")?, 4)?);

    // New glyf and loca, glyph by glyph.
    let offset_at = |i: usize| -> Option<usize> {
        if long_loca {
            u32_at(loca, 4 * i).map(|o| o as usize)
        } else {
            u16_at(loca, 2 * i).map(|o| usize::from(o) * 2)
        }
    };
    let mut new_glyf = Vec::with_capacity(glyf.len());
    let mut offsets = Vec::with_capacity(glyphs + 1);
    for i in 0..glyphs {
        let (start, end) = (offset_at(i)?, offset_at(i + 1)?);
        offsets.push(new_glyf.len());
        if end > start {
            new_glyf.extend(strip_glyph(glyf.get(start..end)?)?);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
    }
    offsets.push(new_glyf.len());
    let mut new_loca = Vec::new();
    for o in offsets {
        if long_loca {
            new_loca.extend(u32::try_from(o).ok()?.to_be_bytes());
        } else {
            new_loca.extend(u16::try_from(o / 2).ok()?.to_be_bytes());
        }
    }

    let mut out_tables: Vec<([u8; 4], Vec<u8>)> = Vec::new();
    for (tag, data) in &tables {
        if HINTING_TABLES.contains(&tag) {
            continue;
        }
        let data = match tag {
            b"glyf" => new_glyf.clone(),
            b"loca" => new_loca.clone(),
            b"head" => {
                let mut h = data.to_vec();
                // checkSumAdjustment is recomputed below.
                h.get_mut(8..12)?.copy_from_slice(&[0; 4]);
                h
            }
            _ => data.to_vec(),
        };
        out_tables.push((*tag, data));
    }
    Some(assemble(out_tables))
}

/// One glyph without its instructions.
fn strip_glyph(glyph: &[u8]) -> Option<Vec<u8>> {
    let contours = i16::from_be_bytes(glyph.get(0..2)?.try_into().ok()?);
    if contours >= 0 {
        let ends = 10 + 2 * contours as usize;
        let length = usize::from(u16_at(glyph, ends)?);
        let rest = glyph.get(ends + 2 + length..)?;
        let mut out = glyph.get(..ends)?.to_vec();
        out.extend([0, 0]);
        out.extend(rest);
        return Some(out);
    }
    // Composite: clear the instructions flag and drop the trailing instructions.
    let mut out = glyph.to_vec();
    let mut at = 10;
    loop {
        let flags = u16_at(glyph, at)?;
        out.get_mut(at..at + 2)?
            .copy_from_slice(&(flags & !WE_HAVE_INSTRUCTIONS).to_be_bytes());
        at += 4 + if flags & ARG_1_AND_2_ARE_WORDS != 0 {
            4
        } else {
            2
        };
        at += if flags & WE_HAVE_A_SCALE != 0 {
            2
        } else if flags & WE_HAVE_AN_X_AND_Y_SCALE != 0 {
            4
        } else if flags & WE_HAVE_A_TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        if flags & MORE_COMPONENTS == 0 {
            break;
        }
    }
    out.truncate(at);
    Some(out)
}

/// Writes a table directory and the tables, 4-byte aligned, with checksums.
fn assemble(mut tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    tables.sort_by_key(|t| t.0);
    let count = tables.len() as u16;
    let mut power = 1u16;
    let mut log = 0u16;
    while power * 2 <= count {
        power *= 2;
        log += 1;
    }
    let mut out = Vec::new();
    out.extend(0x0001_0000u32.to_be_bytes());
    out.extend(count.to_be_bytes());
    out.extend((power * 16).to_be_bytes());
    out.extend(log.to_be_bytes());
    out.extend((count * 16 - power * 16).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        out.extend(tag);
        out.extend(checksum(data).to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in &tables {
        out.extend(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        if let Some(slot) = out.get_mut(at + 8..at + 12) {
            slot.copy_from_slice(&adjustment.to_be_bytes());
        }
    }
    out
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTO: &[u8] = include_bytes!("../fonts/noto-serif/NotoSerif-Regular.ttf");

    #[test]
    fn stripped_font_is_smaller_and_keeps_glyphs_and_advances() {
        let slim = strip_hinting(NOTO);
        assert!(
            slim.len() < NOTO.len() * 9 / 10,
            "{} vs {}",
            slim.len(),
            NOTO.len()
        );
        let before = harfrust::Font::new(NOTO, 0).unwrap();
        let after = harfrust::Font::new(slim.clone(), 0).unwrap();
        assert_eq!(before.metrics().num_glyphs, after.metrics().num_glyphs);
        // Same advances and glyph mapping.
        let a = crate::shape::advance_units_of(&before, 36);
        let b = crate::shape::advance_units_of(&after, 36);
        assert_eq!(a, b);
        assert!(!slim.windows(4).any(|w| w == b"fpgm"));
    }

    #[test]
    fn the_checksum_adjustment_balances_the_font() {
        let slim = strip_hinting(NOTO);
        assert_eq!(checksum(&slim), 0xB1B0_AFBA);
    }

    #[test]
    fn garbage_is_returned_untouched() {
        let mut broken = NOTO[..200].to_vec();
        broken.extend([0xFF; 10]);
        assert_eq!(strip_hinting(&broken), broken);
    }
}
