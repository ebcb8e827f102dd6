//! PNG files: decoded row by row (never whole, so a large scan costs a few rows of memory; an
//! interlaced file is decoded whole, and refused when that would pass the memory limit), and
//! stored as PDF takes them — the file's own compressed data when PDF can read it as it is
//! (8-bit gray or RGB, or a palette, not interlaced), or its pixels compressed again with PNG
//! predictors, with opacity as a separate plane.
//!
//! It takes bytes and a pixel bound and gives the `frame::ImageData`; it knows nothing about
//! pages or PDF objects.

use std::io::Cursor;

use ::png::{BitDepth, ColorType, Transformations};

use super::reduce::{self, Reducer};
use crate::frame::{Colour, ImageData};

/// A PNG as the PDF will store it.
pub(super) struct Stored {
    /// Stored size in pixels (before orientation).
    pub(super) size: (u32, u32),
    /// The file's size in pixels, when reduced.
    pub(super) reduced_from: Option<(u32, u32)>,
    pub(super) orientation: u8,
    pub(super) data: ImageData,
}

/// Decodes a PNG, reducing it to fit `bound` (stored pixels) when it is much larger.
pub(super) fn load(bytes: &[u8], bound: (u32, u32), max_side: u32) -> Result<Stored, String> {
    let mut decoder = ::png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let info = reader.info();
    let size = (info.width, info.height);
    if size.0 > max_side || size.1 > max_side {
        return Err(format!(
            "it is larger than the limit of {max_side} × {max_side} pixels"
        ));
    }
    let orientation = info
        .exif_metadata
        .as_deref()
        .and_then(image::metadata::Orientation::from_exif_chunk)
        .map_or(1, |o| o.to_exif());
    let bound = if orientation >= 5 {
        (bound.1, bound.0)
    } else {
        bound
    };
    let (colour_type, depth, interlaced) = (info.color_type, info.bit_depth, info.interlaced);
    let has_trns = info.trns.is_some();
    let palette = info.palette.as_deref().map(<[u8]>::to_vec);
    let target = reduce::target(size, bound);

    // The file's own rows, when PDF reads them as they are: only opacity may need decoding.
    let own = match (colour_type, depth) {
        _ if interlaced || target.is_some() => None,
        (ColorType::Grayscale, BitDepth::Sixteen) | (ColorType::Rgb, BitDepth::Sixteen) => None,
        (ColorType::Grayscale, d) if !has_trns => Some((Colour::Gray, d)),
        (ColorType::Rgb, d) if !has_trns => Some((Colour::Rgb, d)),
        (ColorType::Indexed, d) => palette.map(|p| (Colour::Indexed(p), d)),
        _ => None,
    };
    let (out_colour_type, _) = reader.output_color_type();
    let gray = matches!(
        colour_type,
        ColorType::Grayscale | ColorType::GrayscaleAlpha
    );
    let colours = if gray { 1 } else { 3 };
    let alpha = matches!(out_colour_type, ColorType::GrayscaleAlpha | ColorType::Rgba);
    let to = target.unwrap_or(size);
    // Every row is decoded, even of a file stored as it is: that checks it is whole.
    let mut reducer = Reducer::new(size, to, colours, alpha);
    if interlaced {
        // Interlaced (Adam7) rows come in seven passes, each a sparse grid over the whole
        // image, so the frame is decoded whole before any row is reduced. A frame past
        // `MAX_ALLOC` is refused rather than reduced pass by pass: summing the passes into
        // the output costs several times the output's own size (a page-high logo at 300 dpi
        // would take more than the limit that way too), while interlacing is a web preview
        // feature that a scan or logo seldom has and that saving the file again removes.
        let frame = reader.output_buffer_size().ok_or("it is too large")?;
        if frame as u64 > super::MAX_ALLOC {
            return Err(format!(
                "it is an interlaced PNG of {} × {} pixels, which is decoded whole: {} MB, \
                 over the limit of {} MB (save it again without interlacing, or smaller)",
                size.0,
                size.1,
                frame as u64 >> 20,
                super::MAX_ALLOC >> 20
            ));
        }
        let _big = super::large_decode(frame);
        let mut buffer = vec![0; frame];
        reader.next_frame(&mut buffer).map_err(|e| e.to_string())?;
        let line = reader.output_line_size(size.0).ok_or("it is too large")?;
        for (y, row) in buffer.chunks_exact(line).enumerate() {
            reducer.push(y as u32, row);
        }
    } else {
        let mut y = 0;
        while let Some(row) = reader.next_row().map_err(|e| e.to_string())? {
            reducer.push(y, row.data());
            y += 1;
        }
        if y != size.1 {
            return Err("unexpected end of file".into());
        }
    }
    reader.finish().map_err(|e| e.to_string())?;
    let (colour_plane, alpha_plane) = reducer.finish();
    let alpha = alpha_plane
        .map(|a| compress(&a, to.0, to.1, ColorType::Grayscale))
        .transpose()?;
    let data = match own {
        Some((colour, depth)) => ImageData::Flate {
            colour,
            bits: depth as u8,
            data: idat(bytes),
            alpha,
        },
        None => {
            let kind = if gray {
                ColorType::Grayscale
            } else {
                ColorType::Rgb
            };
            ImageData::Flate {
                colour: if gray { Colour::Gray } else { Colour::Rgb },
                bits: 8,
                data: compress(&colour_plane, to.0, to.1, kind)?,
                alpha,
            }
        }
    };
    Ok(Stored {
        size: to,
        reduced_from: target.map(|_| size),
        orientation,
        data,
    })
}

/// Samples compressed as a PNG encoder does (adaptive filters, then deflate), which is what
/// PDF's `/FlateDecode` with `/Predictor 15` reads: the IDAT data of the PNG it writes.
pub(super) fn compress(
    samples: &[u8],
    width: u32,
    height: u32,
    kind: ColorType,
) -> Result<Vec<u8>, String> {
    let mut file = Vec::new();
    let mut encoder = ::png::Encoder::new(&mut file, width, height);
    encoder.set_color(kind);
    encoder.set_depth(BitDepth::Eight);
    encoder.set_compression(::png::Compression::High);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer
        .write_image_data(samples)
        .map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(idat(&file))
}

/// The image data of a PNG file: its IDAT chunks' contents, end to end (a zlib stream of
/// filtered rows). The file has been decoded already, so its chunks are sound.
fn idat(file: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = 8;
    while let Some(&[a, b, c, d, ..]) = file.get(at..at + 8) {
        let length = u32::from_be_bytes([a, b, c, d]) as usize;
        let kind = &file[at + 4..at + 8];
        let Some(data) = file.get(at + 8..at + 8 + length) else {
            break;
        };
        if kind == b"IDAT" {
            out.extend_from_slice(data);
        } else if kind == b"IEND" {
            break;
        }
        at += 12 + length;
    }
    out
}
