//! Image XObjects, written by us on the lopdf document rather than by printpdf: printpdf 0.12
//! stores a raw image's pixels uncompressed (`image_optimization: None`) or re-encodes them as
//! lossy JPEG (its default), knows no soft masks, passes no JPEG through and cannot draw an
//! image turned by its EXIF orientation. So printpdf is never given the pixels: its pages only
//! say `/ImN Do`, and this step puts the images, as `image` loaded them, into the XObject
//! resources those names refer to.
//!
//! It takes a `frame::Document`'s images and gives names, placement matrices and PDF objects.
//! It decodes nothing.

use std::sync::Arc;

use lopdf::{Dictionary, Object, ObjectId, Stream};

use crate::frame::{Colour, Document, Image, ImageData, Item};
use crate::length::Abs;

/// The distinct images of a document, in order of first use, each with its resource name
/// (`Im1`, `Im2`, …). Images with the same digest (the same file, loaded twice: a logo used
/// as a signature, two signatories with one scan) are one image.
pub(super) fn collect(doc: &Document) -> Vec<(Arc<Image>, String)> {
    let mut images: Vec<(Arc<Image>, String)> = Vec::new();
    for item in doc.pages.iter().flat_map(|p| &p.items) {
        if let Item::Image { image, .. } = item
            && !images.iter().any(|(i, _)| i.digest == image.digest)
        {
            let name = format!("Im{}", images.len() + 1);
            images.push((image.clone(), name));
        }
    }
    images
}

/// The resource name of an image.
pub(super) fn name<'a>(images: &'a [(Arc<Image>, String)], image: &Image) -> Option<&'a str> {
    images
        .iter()
        .find(|(i, _)| i.digest == image.digest)
        .map(|(_, name)| name.as_str())
}

/// The matrix (`cm`) that draws an image's unit square upright into the box at (`x`, `y`, top
/// down) of `width` × `height` on a page `page_height` tall: the EXIF orientation is a turn or
/// flip of the matrix, never of the pixels, so a JPEG is still written as it is.
pub(super) fn matrix(
    image: &Image,
    (x, y): (Abs, Abs),
    (width, height): (Abs, Abs),
    page_height: f32,
) -> [f32; 6] {
    let (w, h) = (width.to_pt() as f32, height.to_pt() as f32);
    let x0 = x.to_pt() as f32;
    let y0 = page_height - (y.to_pt() + height.to_pt()) as f32;
    // Unit square (u right, v up) → page. The stored image's top row is at v = 1; EXIF says
    // where its rows and columns belong when seen upright.
    match image.orientation {
        2 => [-w, 0.0, 0.0, h, x0 + w, y0],
        3 => [-w, 0.0, 0.0, -h, x0 + w, y0 + h],
        4 => [w, 0.0, 0.0, -h, x0, y0 + h],
        5 => [0.0, -h, -w, 0.0, x0 + w, y0 + h],
        6 => [0.0, -h, w, 0.0, x0, y0 + h],
        7 => [0.0, h, w, 0.0, x0, y0],
        8 => [0.0, h, -w, 0.0, x0 + w, y0],
        _ => [w, 0.0, 0.0, h, x0, y0],
    }
}

/// Adds the images as XObjects and names them in every page's XObject resources. printpdf
/// gives each page a `/XObject` entry (one dictionary shared by all pages); a page without
/// one gets a dictionary of its own.
pub(super) fn add(lo: &mut lopdf::Document, images: &[(Arc<Image>, String)]) {
    if images.is_empty() {
        return;
    }
    let mut entries = Dictionary::new();
    for (image, name) in images {
        let id = xobject(lo, image);
        entries.set(name.as_str(), Object::Reference(id));
    }
    let pages: Vec<ObjectId> = lo.get_pages().into_values().collect();
    for page in pages {
        let resources = match lo.get_dictionary(page).and_then(|d| d.get(b"Resources")) {
            Ok(Object::Reference(id)) => *id,
            _ => continue,
        };
        let existing = match lo.get_dictionary(resources).and_then(|d| d.get(b"XObject")) {
            Ok(Object::Reference(id)) => Some(*id),
            _ => None,
        };
        match existing.and_then(|id| lo.get_dictionary_mut(id).ok()) {
            // `set`, not `Dictionary::extend`: lopdf's extend turns a key present twice into an
            // array, and pages share this dictionary.
            Some(dict) => {
                for (name, value) in entries.iter() {
                    dict.set(name.clone(), value.clone());
                }
            }
            None => {
                let id = lo.add_object(Object::Dictionary(entries.clone()));
                if let Ok(dict) = lo.get_dictionary_mut(resources) {
                    dict.set("XObject", Object::Reference(id));
                }
            }
        }
    }
}

/// One image as an XObject (with its soft mask), already compressed: `finish` leaves it be.
fn xobject(lo: &mut lopdf::Document, image: &Image) -> ObjectId {
    let (width, height) = image.stored_size();
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", Object::Name(b"Image".to_vec()));
    dict.set("Width", Object::Integer(i64::from(width)));
    dict.set("Height", Object::Integer(i64::from(height)));
    let content = match &image.data {
        ImageData::Jpeg {
            bytes,
            components,
            inverted,
        } => {
            let space: &[u8] = match components {
                1 => b"DeviceGray",
                4 => b"DeviceCMYK",
                _ => b"DeviceRGB",
            };
            dict.set("ColorSpace", Object::Name(space.to_vec()));
            dict.set("BitsPerComponent", Object::Integer(8));
            dict.set("Filter", Object::Name(b"DCTDecode".to_vec()));
            if *inverted {
                // CMYK JPEGs hold 255 − ink, as Adobe writes them, APP14 marker or not (see
                // `image::load_jpeg`); ISO 32000-1 §8.9.5.2, `/Decode`.
                let decode = (0..4).flat_map(|_| [Object::Integer(1), Object::Integer(0)]);
                dict.set("Decode", Object::Array(decode.collect()));
            }
            bytes.to_vec()
        }
        ImageData::Flate {
            colour,
            bits,
            data,
            alpha,
        } => {
            let colours = match colour {
                Colour::Gray => {
                    dict.set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
                    1
                }
                Colour::Rgb => {
                    dict.set("ColorSpace", Object::Name(b"DeviceRGB".to_vec()));
                    3
                }
                Colour::Indexed(palette) => {
                    let high = (palette.len() / 3).saturating_sub(1) as i64;
                    dict.set(
                        "ColorSpace",
                        Object::Array(vec![
                            Object::Name(b"Indexed".to_vec()),
                            Object::Name(b"DeviceRGB".to_vec()),
                            Object::Integer(high),
                            Object::String(palette.clone(), lopdf::StringFormat::Hexadecimal),
                        ]),
                    );
                    1
                }
            };
            flate(&mut dict, colours, *bits, width);
            if let Some(alpha) = alpha {
                let mut mask = Dictionary::new();
                mask.set("Type", Object::Name(b"XObject".to_vec()));
                mask.set("Subtype", Object::Name(b"Image".to_vec()));
                mask.set("Width", Object::Integer(i64::from(width)));
                mask.set("Height", Object::Integer(i64::from(height)));
                mask.set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
                flate(&mut mask, 1, 8, width);
                let mask = Stream::new(mask, alpha.clone()).with_compression(false);
                let mask_id = lo.add_object(Object::Stream(mask));
                dict.set("SMask", Object::Reference(mask_id));
            }
            data.clone()
        }
    };
    lo.add_object(Object::Stream(
        Stream::new(dict, content).with_compression(false),
    ))
}

/// `/FlateDecode` with PNG predictors (ISO 32000-1 §7.4.4.4): rows each led by a filter byte.
fn flate(dict: &mut Dictionary, colours: i64, bits: u8, columns: u32) {
    dict.set("BitsPerComponent", Object::Integer(i64::from(bits)));
    dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    let mut parms = Dictionary::new();
    parms.set("Predictor", Object::Integer(15));
    parms.set("Colors", Object::Integer(colours));
    parms.set("BitsPerComponent", Object::Integer(i64::from(bits)));
    parms.set("Columns", Object::Integer(i64::from(columns)));
    dict.set("DecodeParms", Object::Dictionary(parms));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(orientation: u8) -> Image {
        Image {
            width: 2,
            height: 1,
            orientation,
            data: ImageData::Flate {
                colour: Colour::Gray,
                bits: 8,
                data: Vec::new(),
                alpha: None,
            },
            reduced_from: None,
            digest: 1,
        }
    }

    /// Where the matrix sends a point of the unit square.
    fn apply(m: [f32; 6], (u, v): (f32, f32)) -> (f32, f32) {
        (m[0] * u + m[2] * v + m[4], m[1] * u + m[3] * v + m[5])
    }

    #[test]
    fn every_orientation_fills_the_box() {
        let b = (
            (Abs::pt(10.0), Abs::pt(20.0)),
            (Abs::pt(40.0), Abs::pt(30.0)),
        );
        for o in 1..=8 {
            let m = matrix(&image(o), b.0, b.1, 100.0);
            let mut corners: Vec<(i32, i32)> = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]
                .into_iter()
                .map(|p| {
                    let (x, y) = apply(m, p);
                    (x.round() as i32, y.round() as i32)
                })
                .collect();
            corners.sort_unstable();
            assert_eq!(corners, vec![(10, 50), (10, 80), (50, 50), (50, 80)], "{o}");
        }
    }

    #[test]
    fn orientation_6_puts_the_stored_top_left_at_the_top_right() {
        // The stored top-left pixel is at (u, v) = (0, 1).
        let m = matrix(
            &image(6),
            (Abs::ZERO, Abs::ZERO),
            (Abs::pt(10.0), Abs::pt(10.0)),
            10.0,
        );
        assert_eq!(apply(m, (0.0, 1.0)), (10.0, 10.0));
    }
}
