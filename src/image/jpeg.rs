//! What a JPEG file says about itself, read from its markers without decoding it: the frame
//! (size, sample precision, colour components, coding), the EXIF orientation, and whether the file runs to its end-of-image
//! marker (a download cut short does not).
//!
//! It takes bytes and gives facts or a reason the file is broken; it decodes no pixels.

/// The facts of a JPEG file.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Header {
    pub(super) width: u32,
    pub(super) height: u32,
    /// Bits per sample (8 for all but rare medical and archival files).
    pub(super) precision: u8,
    pub(super) components: u8,
    /// Baseline, extended or progressive Huffman coding: what PDF's `/DCTDecode` reads.
    pub(super) dct: bool,
    /// EXIF orientation, 1 to 8 (1 when there is none).
    pub(super) orientation: u8,
}

/// Reads the markers of a JPEG file to its end-of-image marker.
pub(super) fn header(bytes: &[u8]) -> Result<Header, String> {
    let cut = || "it is cut short: the JPEG data ends before its end-of-image marker".to_string();
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err("it is not a JPEG image".into());
    }
    let mut frame: Option<Header> = None;
    let mut orientation = 1;
    let mut at = 2;
    loop {
        // Markers may be padded with any number of 0xFF bytes.
        if *bytes.get(at).ok_or_else(cut)? != 0xFF {
            return Err(format!("it is not a valid JPEG (no marker at byte {at})"));
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let marker = *bytes.get(at).ok_or_else(cut)?;
        at += 1;
        match marker {
            0xD9 => break,
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let length = match bytes.get(at..at + 2) {
            Some(&[a, b]) => usize::from(u16::from_be_bytes([a, b])),
            _ => return Err(cut()),
        };
        let segment = bytes.get(at + 2..at + length).ok_or_else(cut)?;
        if length < 2 {
            return Err(format!(
                "it is not a valid JPEG (a marker at byte {at} has no length)"
            ));
        }
        match marker {
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                if let [precision, h1, h0, w1, w0, components, ..] = *segment {
                    frame = Some(Header {
                        width: u32::from(u16::from_be_bytes([w1, w0])),
                        height: u32::from(u16::from_be_bytes([h1, h0])),
                        precision,
                        components,
                        dct: matches!(marker, 0xC0..=0xC2),
                        orientation: 1,
                    });
                }
            }
            0xE1 if segment.starts_with(b"Exif\0\0") => {
                if let Some(o) = image::metadata::Orientation::from_exif_chunk(&segment[6..]) {
                    orientation = o.to_exif();
                }
            }
            _ => {}
        }
        at += length;
        if marker == 0xDA {
            // Entropy-coded data runs to the next marker that is not a stuffed zero or a
            // restart marker.
            loop {
                let next = bytes
                    .get(at..)
                    .and_then(|rest| rest.iter().position(|&b| b == 0xFF))
                    .ok_or_else(cut)?;
                at += next;
                match bytes.get(at + 1) {
                    None => return Err(cut()),
                    Some(0x00 | 0xD0..=0xD7 | 0xFF) => at += 1,
                    Some(_) => break,
                }
            }
        }
    }
    let mut frame = frame.ok_or("it is not a valid JPEG (it has no frame header)")?;
    frame.orientation = orientation;
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg() -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbImage::from_pixel(16, 8, image::Rgb([200, 30, 60]))
            .write_to(
                &mut std::io::Cursor::new(&mut out),
                image::ImageFormat::Jpeg,
            )
            .expect("encodes");
        out
    }

    #[test]
    fn a_whole_jpeg_is_read() {
        let h = header(&jpeg()).expect("reads");
        assert_eq!(
            (h.width, h.height, h.components, h.precision),
            (16, 8, 3, 8)
        );
        assert!(h.dct);
        assert_eq!(h.orientation, 1);
    }

    #[test]
    fn a_jpeg_cut_anywhere_is_refused() {
        let whole = jpeg();
        for len in [2, 3, 20, whole.len() / 2, whole.len() - 2, whole.len() - 1] {
            let err = header(&whole[..len]).expect_err("cut short");
            assert!(err.contains("cut short"), "{len}: {err}");
        }
    }

    #[test]
    fn a_12_bit_frame_is_not_dct_8() {
        let bytes = [
            0xFF, 0xD8, 0xFF, 0xC3, 0, 11, 12, 0, 1, 0, 1, 3, 0, 0, 0, 0xFF, 0xD9,
        ];
        let h = header(&bytes).expect("reads");
        assert!(!h.dct);
        assert_eq!(h.precision, 12);
    }
}
