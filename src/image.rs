//! Raster images (logos, scanned signatures): PNG or JPEG read with the `image` crate under
//! explicit decoder limits, flattened onto white, as a `frame::Image`.
//!
//! It takes a path and gives pixels, or a diagnostic naming the file. It does not place the
//! image on a page and knows nothing about PDF.

use std::io::Cursor;
use std::path::Path;

use crate::diag::{self, Diagnostic};
use crate::frame::Image;

/// Largest image accepted, in pixels per side.
pub const MAX_SIDE: u32 = 10_000;
/// Largest decoded image accepted, in bytes.
pub const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// Lowest resolution at print size that passes without a warning.
pub const MIN_DPI: f64 = 150.0;

/// Reads and decodes an image file. `what` names it in messages ("logo", "signature image").
pub fn load(path: &Path, what: &str) -> diag::Result<Image> {
    let bytes = crate::files::read_capped(path, MAX_ALLOC).map_err(|err| {
        Diagnostic::error(format!(
            "failed to read {what} `{}` ({err})",
            path.display()
        ))
        .in_file(path)
        .hint("check the path; it is relative to the file that names it")
        .boxed()
    })?;
    decode(&bytes).map_err(|err| {
        Diagnostic::error(format!("{what} `{}` cannot be used: {err}", path.display()))
            .in_file(path)
            .hint("use a PNG or JPEG image")
            .boxed()
    })
}

/// Decodes PNG or JPEG bytes under the decoder limits.
pub fn decode(bytes: &[u8]) -> Result<Image, String> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    if reader.format().is_none() {
        return Err("it is not a PNG or JPEG image".into());
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            format!("it is larger than the limit of {MAX_SIDE} × {MAX_SIDE} pixels")
        }
        other => other.to_string(),
    })?;
    let (width, height) = (decoded.width(), decoded.height());
    if width == 0 || height == 0 {
        return Err("it has no pixels".into());
    }
    let has_colour = decoded.color().has_color();
    let jpeg = jpeg_components(bytes)
        .filter(|&n| n == if has_colour { 3 } else { 1 })
        .map(|_| std::sync::Arc::from(bytes));
    let rgba = decoded.into_rgba8();
    // Flatten transparency onto white paper: no soft masks, no transparency groups.
    let blend = |c: u8, a: u8| -> u8 {
        let (c, a) = (u32::from(c), u32::from(a));
        ((c * a + 255 * (255 - a) + 127) / 255) as u8
    };
    let mut pixels = Vec::with_capacity((width * height * if has_colour { 3 } else { 1 }) as usize);
    for p in rgba.pixels() {
        let [r, g, b, a] = p.0;
        if has_colour {
            pixels.extend([blend(r, a), blend(g, a), blend(b, a)]);
        } else {
            pixels.push(blend(r, a));
        }
    }
    Ok(Image {
        width,
        height,
        pixels,
        rgb: has_colour,
        jpeg,
    })
}

/// The number of colour components of a baseline or progressive 8-bit JPEG, from its start
/// of frame; `None` for anything else (not a JPEG, 12-bit, lossless, arithmetic coding).
fn jpeg_components(bytes: &[u8]) -> Option<u8> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        match marker {
            // SOF0 (baseline), SOF1 (extended), SOF2 (progressive): precision, height,
            // width, components.
            0xC0..=0xC2 => {
                let precision = *bytes.get(at + 4)?;
                let components = *bytes.get(at + 9)?;
                return (precision == 8).then_some(components);
            }
            // Huffman and arithmetic tables, and a reserved marker: ordinary segments.
            0xC4 | 0xC8 | 0xCC => at += 2 + length,
            // Other frame types, or the scan started without a frame we know.
            0xC3..=0xCF | 0xDA => return None,
            _ => at += 2 + length,
        }
    }
    None
}

/// Resolution of an image printed `width_pt` points wide, in dots per inch.
pub fn dpi(image: &Image, width_pt: f64) -> f64 {
    f64::from(image.width) / (width_pt / 72.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32, colour: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if colour {
            let img = image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 60]));
            img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
                .unwrap();
        } else {
            let img = image::GrayImage::from_pixel(width, height, image::Luma([90]));
            img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
                .unwrap();
        }
        out
    }

    #[test]
    fn jpegs_keep_their_bytes_to_be_written_as_they_are() {
        let colour = jpeg(40, 20, true);
        let img = decode(&colour).unwrap();
        assert!(img.rgb);
        assert_eq!(img.jpeg.as_deref(), Some(&colour[..]));
        let gray = jpeg(40, 20, false);
        let img = decode(&gray).unwrap();
        assert!(!img.rgb);
        assert_eq!(jpeg_components(&gray), Some(1));
        assert_eq!(img.jpeg.as_deref(), Some(&gray[..]));
    }

    #[test]
    fn pngs_and_odd_jpegs_are_not_passed_through() {
        let mut png = Vec::new();
        image::RgbImage::from_pixel(4, 4, image::Rgb([1, 2, 3]))
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert_eq!(decode(&png).unwrap().jpeg, None);
        // A 12-bit frame header.
        assert_eq!(
            jpeg_components(&[0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 12, 0, 1, 0, 1, 3]),
            None
        );
        assert_eq!(jpeg_components(b"not a jpeg"), None);
    }

    #[test]
    fn corrupt_bytes_are_refused() {
        assert!(decode(b"\x89PNG\r\n\x1a\nnot really").is_err());
        assert!(decode(b"hello").unwrap_err().contains("not a PNG or JPEG"));
    }

    #[test]
    fn transparent_pixels_become_white() {
        let mut png = Vec::new();
        let img = image::RgbaImage::from_pixel(2, 1, image::Rgba([255, 0, 0, 0]));
        img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let decoded = decode(&png).unwrap();
        assert_eq!(decoded.pixels[..3], [255, 255, 255]);
    }
}
