//! TrueType font programs for embedding: subsetting (the glyphs a document uses, renumbered
//! from 0, without hinting).
//!
//! It takes the bytes of a TrueType (`glyf`) font, or a face of a collection, and gives smaller
//! font bytes plus the metrics a font descriptor needs, or `None` when the font is not one it
//! can read (broken tables). Of a CFF face it reads the metrics, names and advances; `pdf`
//! subsets its outlines with the `subsetter` crate. It knows nothing about PDF.
//!
//! Written by hand: printpdf's subsetter (allsorts) parses the whole `glyf` table and every
//! glyph on each call, which made subsetting the costliest step of a short letter; a TrueType
//! subset is a few table copies and one pass over the glyphs kept. The subsetters on crates.io
//! either keep hinting or come with a second font-handling stack.
//!
//! A subset keeps only what a PDF viewer reads from an embedded TrueType program (`head`,
//! `hhea`, `maxp`, `hmtx`, `loca`, `glyf`): no `cmap` (the PDF maps codes to glyphs itself), no
//! `name`, no `post`, no hinting (`fpgm`, `prep`, `cvt `, instructions).

/// Composite glyph flags (OpenType `glyf` table).
const ARG_1_AND_2_ARE_WORDS: u16 = 0x0001;
const WE_HAVE_A_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE: u16 = 0x0040;
const WE_HAVE_A_TWO_BY_TWO: u16 = 0x0080;
const WE_HAVE_INSTRUCTIONS: u16 = 0x0100;

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// One table of a single font (not a collection), by its tag.
///
/// ```
/// assert!(letterhead::internals::sfnt::table(b"not a font", b"CFF ").is_none());
/// ```
pub fn table<'a>(font: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let count = usize::from(u16_at(font, 4)?);
    (0..count).find_map(|i| {
        let record = 12 + 16 * i;
        if font.get(record..record + 4)? != tag {
            return None;
        }
        let offset = u32_at(font, record + 8)? as usize;
        let length = u32_at(font, record + 12)? as usize;
        font.get(offset..offset.checked_add(length)?)
    })
}

/// A TrueType font's tables, read in place: enough to subset it and to describe it.
pub struct TrueType<'a> {
    head: &'a [u8],
    hhea: &'a [u8],
    maxp: &'a [u8],
    hmtx: &'a [u8],
    loca: &'a [u8],
    glyf: &'a [u8],
    post: Option<&'a [u8]>,
    os2: Option<&'a [u8]>,
    name: Option<&'a [u8]>,
    long_loca: bool,
    glyphs: u16,
    h_metrics: u16,
    /// CFF outlines (`OTTO`): no `glyf` and `loca` (left empty).
    cff: bool,
}

/// What a font descriptor says about a face, in font units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    /// Units per em.
    pub units_per_em: u16,
    /// Bounding box of all glyphs: x min, y min, x max, y max.
    pub bbox: [i16; 4],
    /// Ascender (`hhea`).
    pub ascender: i16,
    /// Descender (`hhea`, negative).
    pub descender: i16,
    /// Cap height (`OS/2` version 2 and later).
    pub cap_height: Option<i16>,
    /// Caret slope (`hhea`): rise and run; upright is (1, 0).
    pub caret_slope: (i16, i16),
    /// Weight class (`OS/2`), 0 when unknown.
    pub weight: u16,
    /// Whether the face has serifs: by its `OS/2` family class, or when it has none, by its
    /// PANOSE serif style.
    pub serif: bool,
    /// Whether every glyph has the same width (`post`).
    pub fixed_pitch: bool,
}

/// A subset font: its bytes, and the original glyph id of each of its glyphs (ascending;
/// the subset's glyph `i` is the original glyph `glyphs[i]`, and glyph 0 stays `.notdef`).
pub struct Subset {
    /// The font program.
    pub font: Vec<u8>,
    /// Original glyph ids, indexed by new glyph id.
    pub glyphs: Vec<u16>,
}

impl Subset {
    /// The new glyph id of an original glyph id, if the subset has it.
    pub fn new_id(&self, original: u16) -> Option<u16> {
        self.glyphs
            .binary_search(&original)
            .ok()
            .and_then(|i| u16::try_from(i).ok())
    }
}

impl<'a> TrueType<'a> {
    /// Reads a TrueType font's table directory (of a collection: its first face's), or `None`
    /// when it is not a font with `glyf` outlines and sound tables.
    ///
    /// ```
    /// assert!(letterhead::internals::sfnt::TrueType::parse(b"not a font").is_none());
    /// ```
    pub fn parse(font: &'a [u8]) -> Option<TrueType<'a>> {
        TrueType::open(font, 0).filter(|f| !f.cff)
    }

    /// Reads face `index` of a font file — a single font (index 0) or a collection (`.ttc`) —
    /// with TrueType (`glyf`) or CFF outlines, or `None` when its tables are not sound. A CFF
    /// face gives its metrics, names and advances, but no subset (see [`TrueType::is_cff`]).
    ///
    /// ```
    /// assert!(letterhead::internals::sfnt::TrueType::open(b"ttcf\0\x01\0\0\0\0\0\x01", 0).is_none());
    /// ```
    pub fn open(font: &'a [u8], index: u32) -> Option<TrueType<'a>> {
        // A collection's header lists where each face's table directory starts; the tables'
        // offsets are from the start of the file, as in a single font.
        let start = if font.get(0..4)? == b"ttcf" {
            let faces = u32_at(font, 8)?;
            if index >= faces {
                return None;
            }
            u32_at(font, 12 + 4 * index as usize)? as usize
        } else if index == 0 {
            0
        } else {
            return None;
        };
        let version = u32_at(font, start)?;
        let cff = match version {
            0x0001_0000 | 0x7472_7565 => false,
            0x4F54_544F => true,
            _ => return None,
        };
        let count = usize::from(u16_at(font, start + 4)?);
        let find = |wanted: &[u8; 4]| -> Option<&'a [u8]> {
            (0..count).find_map(|i| {
                let record = start.checked_add(12 + 16 * i)?;
                if font.get(record..record + 4)? != wanted {
                    return None;
                }
                let offset = u32_at(font, record + 8)? as usize;
                let length = u32_at(font, record + 12)? as usize;
                font.get(offset..offset.checked_add(length)?)
            })
        };
        let head = find(b"head")?;
        let hhea = find(b"hhea")?;
        let maxp = find(b"maxp")?;
        let hmtx = find(b"hmtx")?;
        let (loca, glyf) = if cff {
            find(b"CFF ")?;
            (&[][..], &[][..])
        } else {
            (find(b"loca")?, find(b"glyf")?)
        };
        let (post, os2, name) = (find(b"post"), find(b"OS/2"), find(b"name"));
        if head.len() < 54 || hhea.len() < 36 || maxp.len() < 6 {
            return None;
        }
        let long_loca = u16_at(head, 50)? == 1;
        let glyphs = u16_at(maxp, 4)?;
        let h_metrics = u16_at(hhea, 34)?;
        let loca_entries = loca.len() / if long_loca { 4 } else { 2 };
        if glyphs == 0
            || h_metrics == 0
            || h_metrics > glyphs
            || (!cff && loca_entries <= usize::from(glyphs))
            || hmtx.len() < 4 * usize::from(h_metrics)
            || u16_at(head, 18)? == 0
        {
            return None;
        }
        Some(TrueType {
            head,
            hhea,
            maxp,
            hmtx,
            loca,
            glyf,
            post,
            os2,
            name,
            long_loca,
            glyphs,
            h_metrics,
            cff,
        })
    }

    /// Whether the face has CFF outlines: `subset` cannot subset it (the `subsetter` crate
    /// does, in `pdf`), but its metrics, names and advances are read here all the same.
    pub fn is_cff(&self) -> bool {
        self.cff
    }

    /// Number of glyphs.
    pub fn glyph_count(&self) -> u16 {
        self.glyphs
    }

    /// Units per em.
    pub fn units_per_em(&self) -> u16 {
        u16_at(self.head, 18).unwrap_or(1000)
    }

    /// A glyph's advance width in font units (0 for a glyph the font does not have).
    pub fn advance(&self, gid: u16) -> u16 {
        if gid >= self.glyphs {
            return 0;
        }
        let index = usize::from(gid.min(self.h_metrics - 1));
        u16_at(self.hmtx, 4 * index).unwrap_or(0)
    }

    /// A glyph's left side bearing in font units.
    fn side_bearing(&self, gid: u16) -> u16 {
        if gid < self.h_metrics {
            u16_at(self.hmtx, 4 * usize::from(gid) + 2)
        } else {
            let at = 4 * usize::from(self.h_metrics) + 2 * usize::from(gid - self.h_metrics);
            u16_at(self.hmtx, at)
        }
        .unwrap_or(0)
    }

    /// The descriptor metrics.
    pub fn metrics(&self) -> Metrics {
        let i16_at = |data: &[u8], at| u16_at(data, at).map_or(0, |v| v as i16);
        let os2_version = self.os2.and_then(|t| u16_at(t, 0)).unwrap_or(0);
        Metrics {
            units_per_em: self.units_per_em(),
            bbox: [36, 38, 40, 42].map(|at| i16_at(self.head, at)),
            ascender: i16_at(self.hhea, 4),
            descender: i16_at(self.hhea, 6),
            cap_height: self
                .os2
                .filter(|_| os2_version >= 2)
                .and_then(|t| u16_at(t, 88))
                .map(|v| v as i16),
            caret_slope: (i16_at(self.hhea, 18), i16_at(self.hhea, 20)),
            weight: self.os2.and_then(|t| u16_at(t, 4)).unwrap_or(0),
            serif: self.os2.is_some_and(|t| {
                // sFamilyClass (OS/2 offset 30): classes 1–5 and 7 are serif faces, 8 sans
                // serif. Unclassified (0): PANOSE (offset 32) Latin text (2) with a serif
                // style of 2–10 (11–13 are sans serif).
                match u16_at(t, 30).map_or(0, |v| v >> 8) {
                    0 => t.get(32) == Some(&2) && t.get(33).is_some_and(|s| (2..=10).contains(s)),
                    class => (1..=5).contains(&class) || class == 7,
                }
            }),
            fixed_pitch: self
                .post
                .and_then(|t| u32_at(t, 12))
                .is_some_and(|v| v != 0),
        }
    }

    /// Whether the `name` table (if any) can be rewritten by a subsetter that counts in 16
    /// bits, as `subsetter` does: each string inside the table's storage, the strings together
    /// and the record list each under 64 KiB. A font's own table always is; a damaged or
    /// hostile one may not be (`subsetter` then overflows).
    pub fn names_fit_in_16_bits(&self) -> bool {
        let Some(name) = self.name else {
            return true;
        };
        let (Some(count), Some(storage)) = (u16_at(name, 2), u16_at(name, 4)) else {
            return false;
        };
        let storage = name.len().saturating_sub(usize::from(storage));
        let mut total = 0usize;
        for i in 0..usize::from(count) {
            let record = 6 + 12 * i;
            let (Some(length), Some(offset)) =
                (u16_at(name, record + 8), u16_at(name, record + 10))
            else {
                return false;
            };
            let (length, offset) = (usize::from(length), usize::from(offset));
            if offset + length > usize::from(u16::MAX) || offset + length > storage {
                return false;
            }
            total += length;
        }
        total <= usize::from(u16::MAX) && 6 + 12 * usize::from(count) <= usize::from(u16::MAX)
    }

    /// The top of a glyph's outline (`yMax` of its `glyf` header), if it has one.
    pub fn glyph_top(&self, gid: u16) -> Option<i16> {
        let glyph = self.glyph(gid)?;
        u16_at(glyph, 8).map(|v| v as i16)
    }

    /// The PostScript name (`name` table, id 6), when the font has a usable one.
    pub fn postscript_name(&self) -> Option<String> {
        let name = self.name?;
        let count = usize::from(u16_at(name, 2)?);
        let strings = usize::from(u16_at(name, 4)?);
        for i in 0..count {
            let record = 6 + 12 * i;
            let (platform, encoding) = (u16_at(name, record)?, u16_at(name, record + 2)?);
            if u16_at(name, record + 6)? != 6 {
                continue;
            }
            let length = usize::from(u16_at(name, record + 8)?);
            let start = strings + usize::from(u16_at(name, record + 10)?);
            let bytes = name.get(start..start + length)?;
            let text: String = match (platform, encoding) {
                (1, 0) => bytes.iter().map(|&b| char::from(b)).collect(),
                (0, _) | (3, 1) | (3, 10) => {
                    let units = bytes
                        .chunks_exact(2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]]));
                    char::decode_utf16(units).collect::<Result<_, _>>().ok()?
                }
                _ => continue,
            };
            // PostScript names are printable ASCII without PDF delimiters.
            let usable = !text.is_empty()
                && text.len() <= 63
                && text
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && !b"[](){}<>/%#".contains(&b));
            if usable {
                return Some(text);
            }
        }
        None
    }

    /// The bytes of one glyph (empty for a glyph without outline).
    fn glyph(&self, gid: u16) -> Option<&'a [u8]> {
        let i = usize::from(gid);
        let (start, end) = if self.long_loca {
            (
                u32_at(self.loca, 4 * i)? as usize,
                u32_at(self.loca, 4 * i + 4)? as usize,
            )
        } else {
            (
                usize::from(u16_at(self.loca, 2 * i)?) * 2,
                usize::from(u16_at(self.loca, 2 * i + 2)?) * 2,
            )
        };
        if end <= start {
            return Some(&[]);
        }
        self.glyf.get(start..end)
    }

    /// A subset with the given glyphs (original ids, any order, duplicates allowed), glyph 0
    /// and every component of a composite glyph kept. `None` when a glyph cannot be read.
    pub fn subset(&self, used: impl IntoIterator<Item = u16>) -> Option<Subset> {
        if self.cff {
            return None;
        }
        // Which glyphs: the used ones, .notdef, and the components of composites (which
        // may themselves be composite).
        let mut kept = vec![0u64; usize::from(self.glyphs).div_ceil(64)];
        let mut pending: Vec<u16> = vec![0];
        kept[0] |= 1;
        let mark = |gid: u16, kept: &mut Vec<u64>, pending: &mut Vec<u16>| -> Option<()> {
            if gid >= self.glyphs {
                return None;
            }
            let (word, bit) = (usize::from(gid / 64), gid % 64);
            if kept[word] & (1 << bit) == 0 {
                kept[word] |= 1 << bit;
                pending.push(gid);
            }
            Some(())
        };
        for gid in used {
            mark(gid, &mut kept, &mut pending)?;
        }
        while let Some(gid) = pending.pop() {
            let glyph = self.glyph(gid)?;
            for_each_component(glyph, |at| {
                mark(u16_at(glyph, at + 2)?, &mut kept, &mut pending)
            })?;
        }
        let mut glyphs = Vec::new();
        for (word, bits) in kept.iter().enumerate() {
            let mut bits = *bits;
            while bits != 0 {
                glyphs.push((word * 64) as u16 + bits.trailing_zeros() as u16);
                bits &= bits - 1;
            }
        }
        let subset_ids = |original: u16| -> Option<u16> {
            glyphs
                .binary_search(&original)
                .ok()
                .and_then(|i| u16::try_from(i).ok())
        };

        // glyf (without instructions, composites pointing at the new ids), hmtx, loca.
        let mut glyf = Vec::with_capacity(glyphs.len() * 64);
        let mut offsets = Vec::with_capacity(glyphs.len() + 1);
        let mut hmtx = Vec::with_capacity(glyphs.len() * 4);
        for &gid in &glyphs {
            offsets.push(glyf.len());
            let glyph = self.glyph(gid)?;
            if !glyph.is_empty() {
                let start = glyf.len();
                strip_glyph(glyph, &mut glyf)?;
                let copy = glyf.get_mut(start..)?;
                for_each_component(glyph, |at| {
                    let new = subset_ids(u16_at(glyph, at + 2)?)?;
                    copy.get_mut(at + 2..at + 4)?
                        .copy_from_slice(&new.to_be_bytes());
                    Some(())
                })?;
                while glyf.len() % 4 != 0 {
                    glyf.push(0);
                }
            }
            hmtx.extend(self.advance(gid).to_be_bytes());
            hmtx.extend(self.side_bearing(gid).to_be_bytes());
        }
        offsets.push(glyf.len());
        let short_loca = glyf.len() / 2 <= usize::from(u16::MAX);
        let mut loca = Vec::with_capacity(offsets.len() * 4);
        for o in offsets {
            if short_loca {
                loca.extend(u16::try_from(o / 2).ok()?.to_be_bytes());
            } else {
                loca.extend(u32::try_from(o).ok()?.to_be_bytes());
            }
        }

        let count = u16::try_from(glyphs.len()).ok()?;
        let mut head = self.head.get(..54)?.to_vec();
        head.get_mut(8..12)?.copy_from_slice(&[0; 4]);
        head.get_mut(50..52)?
            .copy_from_slice(&u16::from(!short_loca).to_be_bytes());
        let mut hhea = self.hhea.get(..36)?.to_vec();
        hhea.get_mut(34..36)?.copy_from_slice(&count.to_be_bytes());
        let mut maxp = self.maxp.to_vec();
        maxp.get_mut(4..6)?.copy_from_slice(&count.to_be_bytes());
        // No `post`: its glyph names, italic angle and underline metrics are nothing a PDF
        // reader takes from an embedded program (the descriptor has the angle), and ISO
        // 32000-1 §9.9 does not ask for it.
        let tables = vec![
            (*b"glyf", glyf),
            (*b"head", head),
            (*b"hhea", hhea),
            (*b"hmtx", hmtx),
            (*b"loca", loca),
            (*b"maxp", maxp),
        ];
        Some(Subset {
            font: assemble(tables),
            glyphs,
        })
    }
}

/// Calls `f` with the offset of each component record of a composite glyph (the glyph id is
/// at offset + 2); does nothing for a simple glyph.
fn for_each_component(glyph: &[u8], mut f: impl FnMut(usize) -> Option<()>) -> Option<()> {
    if glyph.is_empty() || i16::from_be_bytes(glyph.get(0..2)?.try_into().ok()?) >= 0 {
        return Some(());
    }
    let mut at = 10;
    loop {
        let flags = u16_at(glyph, at)?;
        u16_at(glyph, at + 2)?;
        f(at)?;
        at += component_length(flags);
        if flags & MORE_COMPONENTS == 0 {
            return Some(());
        }
    }
}

/// Length of a composite glyph's component record with these flags.
fn component_length(flags: u16) -> usize {
    4 + if flags & ARG_1_AND_2_ARE_WORDS != 0 {
        4
    } else {
        2
    } + if flags & WE_HAVE_A_SCALE != 0 {
        2
    } else if flags & WE_HAVE_AN_X_AND_Y_SCALE != 0 {
        4
    } else if flags & WE_HAVE_A_TWO_BY_TWO != 0 {
        8
    } else {
        0
    }
}

/// Appends one glyph without its instructions to `out`.
fn strip_glyph(glyph: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let contours = i16::from_be_bytes(glyph.get(0..2)?.try_into().ok()?);
    if contours >= 0 {
        let ends = 10 + 2 * contours as usize;
        let length = usize::from(u16_at(glyph, ends)?);
        let rest = glyph.get(ends + 2 + length..)?;
        out.extend_from_slice(glyph.get(..ends)?);
        out.extend([0, 0]);
        out.extend_from_slice(rest);
        return Some(());
    }
    // Composite: clear the instructions flag and drop the trailing instructions.
    let start = out.len();
    let mut at = 10;
    loop {
        let flags = u16_at(glyph, at)?;
        at += component_length(flags);
        if flags & MORE_COMPONENTS == 0 {
            break;
        }
    }
    out.extend_from_slice(glyph.get(..at)?);
    let copy = out.get_mut(start..)?;
    let mut at = 10;
    loop {
        let flags = u16_at(copy, at)?;
        copy.get_mut(at..at + 2)?
            .copy_from_slice(&(flags & !WE_HAVE_INSTRUCTIONS).to_be_bytes());
        at += component_length(flags);
        if flags & MORE_COMPONENTS == 0 {
            return Some(());
        }
    }
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
    fn subset_renumbers_glyphs_and_keeps_their_advances() {
        let font = TrueType::parse(NOTO).unwrap();
        let subset = font.subset([36, 68, 36, 1]).unwrap();
        assert_eq!(subset.glyphs, [0, 1, 36, 68]);
        assert_eq!(subset.new_id(68), Some(3));
        assert_eq!(subset.new_id(37), None);
        let small = TrueType::parse(&subset.font).unwrap();
        assert_eq!(small.glyph_count(), 4);
        assert_eq!(small.units_per_em(), font.units_per_em());
        for (new, &old) in subset.glyphs.iter().enumerate() {
            assert_eq!(small.advance(new as u16), font.advance(old));
        }
        assert_eq!(checksum(&subset.font), 0xB1B0_AFBA);
        let shaper = harfrust::Font::new(subset.font.clone(), 0).unwrap();
        assert_eq!(shaper.metrics().num_glyphs, 4);
        assert!(subset.font.len() < 4000, "{}", subset.font.len());
    }

    #[test]
    fn subset_keeps_the_components_of_composite_glyphs() {
        let font = TrueType::parse(NOTO).unwrap();
        // The first composite glyph of the font (an accented letter).
        let composite = (1..font.glyph_count())
            .find(|&g| {
                font.glyph(g)
                    .is_some_and(|d| d.len() > 2 && i16::from_be_bytes([d[0], d[1]]) < 0)
            })
            .unwrap();
        let subset = font.subset([composite]).unwrap();
        assert!(subset.glyphs.len() > 2, "{:?}", subset.glyphs);
        let small = TrueType::parse(&subset.font).unwrap();
        let glyph = small.glyph(subset.new_id(composite).unwrap()).unwrap();
        for_each_component(glyph, |at| {
            let id = u16_at(glyph, at + 2)?;
            assert!(id < small.glyph_count());
            Some(())
        })
        .unwrap();
    }

    #[test]
    fn metrics_and_name_come_from_the_tables() {
        let font = TrueType::parse(NOTO).unwrap();
        assert_eq!(font.postscript_name().as_deref(), Some("NotoSerif-Regular"));
        let m = font.metrics();
        assert_eq!(m.units_per_em, 1000);
        assert!(m.ascender > 0 && m.descender < 0);
        assert_eq!(m.caret_slope, (1, 0));
        assert!(m.serif && !m.fixed_pitch);
        assert_eq!(m.cap_height, Some(714));
    }

    /// A TrueType collection of two faces whose second is `font`: its tables moved behind
    /// the collection header, their offsets shifted.
    fn collection_of(font: &[u8]) -> Vec<u8> {
        let shift = 20u32;
        let mut ttc = b"ttcf".to_vec();
        ttc.extend(0x0001_0000u32.to_be_bytes());
        ttc.extend(2u32.to_be_bytes());
        ttc.extend(shift.to_be_bytes());
        ttc.extend(shift.to_be_bytes());
        let mut moved = font.to_vec();
        for i in 0..usize::from(u16_at(font, 4).unwrap()) {
            let at = 12 + 16 * i + 8;
            let offset = u32_at(font, at).unwrap() + shift;
            moved[at..at + 4].copy_from_slice(&offset.to_be_bytes());
        }
        ttc.extend(moved);
        ttc
    }

    #[test]
    fn a_face_of_a_collection_subsets_like_the_font_alone() {
        let ttc = collection_of(NOTO);
        assert!(TrueType::open(&ttc, 0).is_some());
        assert!(TrueType::open(&ttc, 2).is_none(), "only two faces");
        let alone = TrueType::parse(NOTO).unwrap().subset([36, 68]).unwrap();
        let face = TrueType::open(&ttc, 1).unwrap();
        assert!(!face.is_cff());
        assert_eq!(face.postscript_name().as_deref(), Some("NotoSerif-Regular"));
        let subset = face.subset([36, 68]).unwrap();
        assert_eq!(subset.glyphs, alone.glyphs);
        assert_eq!(subset.font, alone.font);
    }

    #[test]
    fn a_cff_face_gives_metrics_and_advances_but_no_subset() {
        let Ok(otf) = std::fs::read("/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf")
        else {
            panic!("fonts-urw-base35 is needed for this test (installed with gs)");
        };
        assert!(TrueType::parse(&otf).is_none());
        let face = TrueType::open(&otf, 0).unwrap();
        assert!(face.is_cff());
        assert_eq!(
            face.postscript_name().as_deref(),
            Some("NimbusRoman-Regular")
        );
        assert!(face.advance(36) > 0);
        assert!(face.subset([36]).is_none());
        assert!(table(&otf, b"CFF ").is_some());
    }
}
