//! Raster images (logos, scanned signatures): PNG or JPEG files read under explicit decoder
//! limits and kept as the PDF will store them — a JPEG as its own bytes, a PNG compressed with
//! its opacity as a separate plane — never as decoded pixels. An image with far more pixels
//! than it can print at 300 dpi is averaged down on load, row by row for a PNG, so a large scan
//! costs its printed size in memory, not its pixel count.
//!
//! It takes a path and the largest box the image can print in, and gives a `frame::Image`, or
//! a diagnostic naming the file. It does not place the image on a page and writes no PDF.

mod jpeg;
mod png;
mod reduce;

use std::hash::{Hash, Hasher};
use std::io::Cursor;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::diag::{self, Diagnostic};
use crate::frame::{Image, ImageData};
use crate::length::Abs;

/// Largest image accepted, in pixels per side.
pub const MAX_SIDE: u32 = 10_000;
/// Largest decoded image accepted, in bytes.
pub const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// Lowest resolution at print size that passes without a warning.
pub const MIN_DPI: f64 = 150.0;
/// The resolution an image is kept at when it has far more pixels than that (print shows no
/// more detail; the PDF and the memory would only grow).
pub const KEEP_DPI: f64 = 300.0;
/// Decoding an image of more bytes than this takes a process-wide turn (see `large_decode`).
const LARGE_DECODE: usize = 32 * 1024 * 1024;

/// Reads an image file. `what` names it in messages ("logo", "signature image"); `max_print`
/// is the largest box (width, height) it can print in, which bounds the pixels kept.
pub fn load(path: &Path, what: &str, max_print: (Abs, Abs)) -> diag::Result<Image> {
    let bytes = crate::files::read_capped(path, MAX_ALLOC).map_err(|err| {
        Diagnostic::error(format!(
            "failed to read {what} `{}` ({err})",
            path.display()
        ))
        .in_file(path)
        .hint("check the path; it is relative to the file that names it")
        .boxed()
    })?;
    decode(&bytes, max_print).map_err(|err| {
        Diagnostic::error(format!("{what} `{}` cannot be used: {err}", path.display()))
            .in_file(path)
            .hint("use a whole PNG or JPEG image (open it in an image viewer and save it again)")
            .boxed()
    })
}

/// Decodes PNG or JPEG bytes under the decoder limits, for a box of at most `max_print`.
pub fn decode(bytes: &[u8], max_print: (Abs, Abs)) -> Result<Image, String> {
    let pixels = |l: Abs| {
        (l.to_pt().max(0.0) / 72.0 * KEEP_DPI)
            .ceil()
            .clamp(1.0, f64::from(MAX_SIDE)) as u32
    };
    let bound = (pixels(max_print.0), pixels(max_print.1));
    let (size, reduced_from, orientation, data) = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let stored = png::load(bytes, bound, MAX_SIDE)?;
        (
            stored.size,
            stored.reduced_from,
            stored.orientation,
            stored.data,
        )
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        load_jpeg(bytes, bound)?
    } else {
        return Err("it is not a PNG or JPEG image".into());
    };
    if size.0 == 0 || size.1 == 0 {
        return Err("it has no pixels".into());
    }
    let mut a = std::collections::hash_map::DefaultHasher::new();
    let mut b = std::collections::hash_map::DefaultHasher::new();
    "letterhead-image".hash(&mut b);
    for h in [&mut a, &mut b] {
        bytes.hash(h);
        size.hash(h);
    }
    let (width, height) = if orientation >= 5 {
        (size.1, size.0)
    } else {
        size
    };
    Ok(Image {
        width,
        height,
        orientation,
        data,
        reduced_from,
        digest: (u128::from(a.finish()) << 64) | u128::from(b.finish()),
    })
}

type Loaded = ((u32, u32), Option<(u32, u32)>, u8, ImageData);

/// A JPEG: its own bytes when PDF reads them as they are and they are not far larger than
/// needed; otherwise decoded, reduced and encoded again.
fn load_jpeg(bytes: &[u8], bound: (u32, u32)) -> Result<Loaded, String> {
    let header = jpeg::header(bytes)?;
    let size = (header.width, header.height);
    if size.0 > MAX_SIDE || size.1 > MAX_SIDE {
        return Err(format!(
            "it is larger than the limit of {MAX_SIDE} × {MAX_SIDE} pixels"
        ));
    }
    let bound = if header.orientation >= 5 {
        (bound.1, bound.0)
    } else {
        bound
    };
    let target = reduce::target(size, bound);
    // Decoded even when written as it is: a file the decoder refuses would print as garbage.
    let decoded = {
        let bytes_needed = size.0 as usize * size.1 as usize * usize::from(header.components);
        let _turn = large_decode(bytes_needed);
        decode_with_limits(bytes)?
    };
    let passes = header.dct && header.precision == 8 && matches!(header.components, 1 | 3 | 4);
    if passes && target.is_none() {
        drop(decoded);
        let data = ImageData::Jpeg {
            bytes: Arc::from(bytes),
            components: header.components,
            // Every CMYK JPEG is read as inverted (255 − ink), with an Adobe (APP14) marker or
            // without. A JPEG does not say which way round its CMYK samples are: Adobe's
            // software writes them inverted (with APP14), and so does ImageMagick. A file
            // without APP14 is ambiguous, and in practice is such a file with its markers
            // stripped. Readers of image files take it as inverted: MuPDF (`invert_cmyk = 1`
            // for every JPEG file it opens), pdf.js (`JpegImage` inverts CMYK unless the data
            // comes from a PDF), ImageMagick, and zune-jpeg, which decodes for us below.
            // libjpeg takes no side (APP14 decides YCCK or plain CMYK, not polarity), and
            // inside a PDF poppler and MuPDF read DCT samples as ink unless `/Decode` inverts
            // them — so every CMYK JPEG needs it, or a file without APP14 prints as its
            // negative passed through and right when reduced.
            inverted: header.components == 4,
        };
        return Ok((size, None, header.orientation, data));
    }
    let to = target.unwrap_or(size);
    // The decoder turns CMYK into RGB as inverted samples, APP14 or not (zune-jpeg's
    // `blinn_8x8(c, k)`: c × k / 255 of the stored values), as the pass-through reads them;
    // tests/images.rs holds both paths to the file's colour.
    let gray = !decoded.color().has_color();
    let (samples, colours, kind) = if gray {
        (
            decoded.into_luma8().into_raw(),
            1,
            image::ExtendedColorType::L8,
        )
    } else {
        (
            decoded.into_rgb8().into_raw(),
            3,
            image::ExtendedColorType::Rgb8,
        )
    };
    let mut reducer = reduce::Reducer::new(size, to, colours, false);
    for (y, row) in samples.chunks_exact(size.0 as usize * colours).enumerate() {
        reducer.push(y as u32, row);
    }
    drop(samples);
    let (plane, _) = reducer.finish();
    // A photograph stays a JPEG: compressed without loss it would be several times larger.
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode(&plane, to.0, to.1, kind)
        .map_err(|e| e.to_string())?;
    let data = ImageData::Jpeg {
        bytes: Arc::from(out),
        components: colours as u8,
        inverted: false,
    };
    Ok((to, target.map(|_| size), header.orientation, data))
}

/// Decodes a whole image with the `image` crate under our limits.
fn decode_with_limits(bytes: &[u8]) -> Result<image::DynamicImage, String> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            format!("it is larger than the limit of {MAX_SIDE} × {MAX_SIDE} pixels")
        }
        other => other.to_string(),
    })
}

/// A turn for decoding `bytes` of pixels whole: large decodes (a JPEG scan, an interlaced PNG)
/// take turns across the worker threads, so that a batch's peak memory is one large image,
/// not one per thread. Small ones go at once.
fn large_decode(bytes: usize) -> Option<MutexGuard<'static, ()>> {
    static TURN: Mutex<()> = Mutex::new(());
    (bytes > LARGE_DECODE).then(|| {
        TURN.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    })
}

/// Resolution of an image printed `width_pt` points wide, in dots per inch.
pub fn dpi(image: &Image, width_pt: f64) -> f64 {
    f64::from(image.width) / (width_pt / 72.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Colour;

    /// A box large enough that nothing is reduced.
    const ROOMY: (Abs, Abs) = (Abs::pt(2000.0), Abs::pt(2000.0));

    fn encoded(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), format).unwrap();
        out
    }

    #[test]
    fn jpegs_keep_their_bytes_to_be_written_as_they_are() {
        let colour = encoded(
            image::RgbImage::from_pixel(40, 20, image::Rgb([200, 30, 60])).into(),
            image::ImageFormat::Jpeg,
        );
        let img = decode(&colour, ROOMY).unwrap();
        let ImageData::Jpeg {
            bytes,
            components,
            inverted,
        } = &img.data
        else {
            panic!("not passed through: {:?}", img.data)
        };
        assert_eq!(
            (&bytes[..], *components, *inverted),
            (&colour[..], 3, false)
        );
        let gray = encoded(
            image::GrayImage::from_pixel(40, 20, image::Luma([90])).into(),
            image::ImageFormat::Jpeg,
        );
        let img = decode(&gray, ROOMY).unwrap();
        assert!(matches!(img.data, ImageData::Jpeg { components: 1, .. }));
    }

    #[test]
    fn rgb_pngs_keep_their_own_compressed_rows() {
        let png = encoded(
            image::RgbImage::from_pixel(30, 10, image::Rgb([1, 2, 3])).into(),
            image::ImageFormat::Png,
        );
        let img = decode(&png, ROOMY).unwrap();
        let ImageData::Flate {
            colour,
            bits,
            data,
            alpha,
        } = &img.data
        else {
            panic!("not Flate")
        };
        assert_eq!((colour, *bits, alpha), (&Colour::Rgb, 8, &None));
        assert!(png.windows(data.len()).any(|w| w == &data[..]));
        assert_eq!((img.width, img.height, img.reduced_from), (30, 10, None));
    }

    #[test]
    fn transparency_is_kept_as_an_opacity_plane() {
        let mut rgba = image::RgbaImage::from_pixel(4, 2, image::Rgba([255, 0, 0, 0]));
        rgba.put_pixel(0, 0, image::Rgba([10, 20, 30, 255]));
        let img = decode(&encoded(rgba.into(), image::ImageFormat::Png), ROOMY).unwrap();
        let ImageData::Flate {
            colour: Colour::Rgb,
            alpha: Some(_),
            ..
        } = img.data
        else {
            panic!("no opacity plane: {:?}", img.data)
        };
        // An opaque RGBA file needs none.
        let opaque = image::RgbaImage::from_pixel(4, 2, image::Rgba([9, 9, 9, 255]));
        let img = decode(&encoded(opaque.into(), image::ImageFormat::Png), ROOMY).unwrap();
        assert!(matches!(img.data, ImageData::Flate { alpha: None, .. }));
    }

    #[test]
    fn images_far_larger_than_their_print_size_are_reduced() {
        let big = image::GrayImage::from_pixel(1200, 600, image::Luma([90]));
        let png = encoded(big.into(), image::ImageFormat::Png);
        // One inch wide at most: 300 pixels.
        let img = decode(&png, (Abs::pt(72.0), Abs::pt(720.0))).unwrap();
        assert_eq!((img.width, img.height), (300, 150));
        assert_eq!(img.reduced_from, Some((1200, 600)));
    }

    #[test]
    fn the_same_bytes_give_the_same_digest() {
        let png = encoded(
            image::RgbImage::from_pixel(3, 3, image::Rgb([1, 2, 3])).into(),
            image::ImageFormat::Png,
        );
        let other = encoded(
            image::RgbImage::from_pixel(3, 3, image::Rgb([1, 2, 4])).into(),
            image::ImageFormat::Png,
        );
        let digest = |b: &[u8]| decode(b, ROOMY).unwrap().digest;
        assert_eq!(digest(&png), digest(&png));
        assert_ne!(digest(&png), digest(&other));
    }

    #[test]
    fn corrupt_and_truncated_bytes_are_refused() {
        assert!(decode(b"\x89PNG\r\n\x1a\nnot really", ROOMY).is_err());
        assert!(
            decode(b"hello", ROOMY)
                .unwrap_err()
                .contains("not a PNG or JPEG")
        );
        let jpeg = encoded(
            image::RgbImage::from_pixel(40, 20, image::Rgb([200, 30, 60])).into(),
            image::ImageFormat::Jpeg,
        );
        let err = decode(&jpeg[..jpeg.len() - 40], ROOMY).unwrap_err();
        assert!(err.contains("cut short"), "{err}");
        let png = encoded(
            image::RgbImage::from_pixel(40, 20, image::Rgb([200, 30, 60])).into(),
            image::ImageFormat::Png,
        );
        assert!(decode(&png[..png.len() - 20], ROOMY).is_err());
    }
}
