//! The PDF writer: a `frame::Document` becomes PDF bytes with `printpdf` (fonts embedded as
//! subset CID fonts with a ToUnicode map) and `lopdf` for what printpdf gets wrong for us:
//! the header version, the Info dictionary, and a trailer `/ID` derived from the content, so
//! identical input gives identical bytes.
//!
//! It knows frames and fonts, nothing about letters or Markdown; it is the only module that
//! uses printpdf. It writes no file: `app` does, atomically.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use printpdf::{
    Actions, BorderArray, Codepoint, ColorArray, CurTransMat, FontId, Line, LinePoint,
    LinkAnnotation, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    RawImage, RawImageData, RawImageFormat, Rect, TextItem, TextMatrix, XObjectId,
    XObjectTransform,
};

use crate::config::Color;
use crate::fonts::{Face, Variant};
use crate::frame::{Document, Image, Item, TextRun};
use crate::shape;

type FaceKey = (String, Variant);

/// Parsed fonts, shared by every letter of a run: printpdf's font parsing is the costliest
/// step of a small letter, so it is done once per face.
#[derive(Default)]
pub struct FontCache {
    parsed: Mutex<BTreeMap<FaceKey, Arc<ParsedFont>>>,
}

impl FontCache {
    fn get(&self, face: &Face) -> Result<Arc<ParsedFont>, String> {
        let mut map = self
            .parsed
            .lock()
            .map_err(|_| "font cache poisoned".to_string())?;
        if let Some(parsed) = map.get(&face.key) {
            return Ok(parsed.clone());
        }
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(face.bytes(), 0, &mut warnings)
            .ok_or_else(|| format!("the font `{}` cannot be embedded", face.name))?;
        let parsed = Arc::new(parsed);
        map.insert(face.key.clone(), parsed.clone());
        Ok(parsed)
    }
}

/// Producer and creator string.
pub fn creator() -> String {
    format!("letterhead {}", env!("CARGO_PKG_VERSION"))
}

/// Writes a document as PDF bytes. Warnings (a font that could not be subset) are returned
/// beside the bytes.
pub fn export(doc: &Document, fonts: &FontCache) -> Result<(Vec<u8>, Vec<String>), String> {
    let mut pdf = PdfDocument::new(&doc.meta.title);
    // Fonts in order of first use, with ids we choose (their first six letters become the
    // subset tag), so that output does not depend on a process-wide counter.
    let mut font_ids: BTreeMap<FaceKey, FontId> = BTreeMap::new();
    let mut widths: BTreeMap<(FaceKey, u16), f32> = BTreeMap::new();
    let mut images: Vec<(Arc<Image>, XObjectId)> = Vec::new();
    let mut pages = Vec::with_capacity(doc.pages.len());
    for page in &doc.pages {
        let height = page.height.to_pt() as f32;
        let mut ops = Vec::new();
        for item in &page.items {
            match item {
                Item::Text(run) => {
                    if run.glyphs.is_empty() {
                        continue;
                    }
                    let id = match font_ids.get(&run.face.key) {
                        Some(id) => id.clone(),
                        None => {
                            let parsed = fonts.get(&run.face)?;
                            let id = FontId(subset_tag(font_ids.len()));
                            pdf.resources.fonts.map.insert(
                                id.clone(),
                                printpdf::font::PdfFont::new((*parsed).clone()),
                            );
                            font_ids.insert(run.face.key.clone(), id.clone());
                            id
                        }
                    };
                    text_ops(run, id, height, &mut widths, &mut ops);
                }
                Item::Rule {
                    from,
                    to,
                    thickness,
                    color,
                } => {
                    ops.push(Op::SetOutlineColor { col: rgb(*color) });
                    ops.push(Op::SetOutlineThickness {
                        pt: Pt(thickness.to_pt() as f32),
                    });
                    let point = |(x, y): (crate::length::Abs, crate::length::Abs)| LinePoint {
                        p: Point {
                            x: Pt(x.to_pt() as f32),
                            y: Pt(height - y.to_pt() as f32),
                        },
                        bezier: false,
                    };
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![point(*from), point(*to)],
                            is_closed: false,
                        },
                    });
                }
                Item::Image {
                    image,
                    x,
                    y,
                    width,
                    height: h,
                } => {
                    let id = match images.iter().find(|(i, _)| Arc::ptr_eq(i, image)) {
                        Some((_, id)) => id.clone(),
                        None => {
                            let id = XObjectId(format!("Im{}", images.len() + 1));
                            pdf.resources
                                .xobjects
                                .map
                                .insert(id.clone(), printpdf::XObject::Image(raw_image(image)));
                            images.push((image.clone(), id.clone()));
                            id
                        }
                    };
                    ops.push(Op::SaveGraphicsState);
                    ops.push(Op::SetTransformationMatrix {
                        matrix: CurTransMat::Raw([
                            width.to_pt() as f32,
                            0.0,
                            0.0,
                            h.to_pt() as f32,
                            x.to_pt() as f32,
                            height - (y.to_pt() + h.to_pt()) as f32,
                        ]),
                    });
                    ops.push(Op::UseXobject {
                        id,
                        transform: XObjectTransform {
                            no_auto_scale: true,
                            ..XObjectTransform::default()
                        },
                    });
                    ops.push(Op::RestoreGraphicsState);
                }
                Item::Link {
                    x,
                    y,
                    width,
                    height: h,
                    target,
                } => {
                    let rect = Rect {
                        x: Pt(x.to_pt() as f32),
                        y: Pt(height - (y.to_pt() + h.to_pt()) as f32),
                        width: Pt(width.to_pt() as f32),
                        height: Pt(h.to_pt() as f32),
                        mode: None,
                        winding_order: None,
                    };
                    ops.push(Op::LinkAnnotation {
                        link: LinkAnnotation::new(
                            rect,
                            Actions::Uri(target.clone()),
                            Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                            Some(ColorArray::Transparent),
                            None,
                        ),
                    });
                }
            }
        }
        pages.push(PdfPage::new(
            printpdf::Mm(page.width.to_mm() as f32),
            printpdf::Mm(page.height.to_mm() as f32),
            ops,
        ));
    }
    pdf.with_pages(pages);

    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = pdf.to_lopdf_document(&options, &mut warnings);
    let problems: Vec<String> = warnings
        .iter()
        .filter(|w| w.severity == printpdf::PdfParseErrorSeverity::Error)
        .map(|w| w.msg.clone())
        .collect();
    finish(&mut lo, doc);
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes)
        .map_err(|e| format!("failed to serialise the PDF: {e}"))?;
    Ok((bytes, problems))
}

/// Six capital letters, distinct for each font of a document.
fn subset_tag(index: usize) -> String {
    let mut tag = *b"LHAAAA";
    let mut n = index;
    for slot in tag.iter_mut().rev().take(4) {
        *slot = b'A' + (n % 26) as u8;
        n /= 26;
    }
    String::from_utf8_lossy(&tag).into_owned()
}

fn rgb(c: Color) -> printpdf::Color {
    printpdf::Color::Rgb(printpdf::Rgb {
        r: c.r,
        g: c.g,
        b: c.b,
        icc_profile: None,
    })
}

/// One text object: the run's glyphs with TJ offsets that put each glyph exactly where layout
/// placed it, measured against the widths printpdf writes into `/W` (truncated to 1/1000 em).
fn text_ops(
    run: &TextRun,
    id: FontId,
    page_height: f32,
    widths: &mut BTreeMap<(FaceKey, u16), f32>,
    ops: &mut Vec<Op>,
) {
    let size = run.size.to_pt();
    let mut width_of = |gid: u16| -> f64 {
        let key = (run.face.key.clone(), gid);
        let w = *widths.entry(key).or_insert_with(|| {
            let units = shape::advance_units(&run.face, gid) as f32;
            let scale = 1000.0 / (run.face.units_per_em as f32);
            ((units * scale) as i64) as f32
        });
        f64::from(w)
    };
    // Track where the PDF pen really is and correct it only when it strays by half a unit
    // (1/2000 em) or more: kerning and justification become offsets, rounding noise does not,
    // which keeps the content stream small.
    let mut codepoints = Vec::with_capacity(run.glyphs.len());
    let mut pen = run.glyphs[0].x.to_pt();
    for (i, g) in run.glyphs.iter().enumerate() {
        pen += width_of(g.id) * size / 1000.0;
        let offset = match run.glyphs.get(i + 1) {
            Some(next) => {
                let units = ((next.x.to_pt() - pen) * 1000.0 / size).round();
                pen += units * size / 1000.0;
                -units
            }
            None => 0.0,
        };
        codepoints.push(Codepoint {
            gid: g.id,
            offset: offset as f32,
            cid: Some(g.text.clone()),
        });
    }
    let x0 = run.x + run.glyphs[0].x;
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFont {
        font: PdfFontHandle::External(id),
        size: Pt(size as f32),
    });
    ops.push(Op::SetFillColor {
        col: rgb(run.color),
    });
    ops.push(Op::SetTextMatrix {
        matrix: TextMatrix::Translate(
            Pt(round3(x0.to_pt()) as f32),
            Pt(round3(f64::from(page_height) - run.y.to_pt()) as f32),
        ),
    });
    ops.push(Op::ShowText {
        items: vec![TextItem::GlyphIds(codepoints)],
    });
    ops.push(Op::EndTextSection);
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn raw_image(image: &Image) -> RawImage {
    RawImage {
        pixels: RawImageData::U8(image.pixels.clone()),
        width: image.width as usize,
        height: image.height as usize,
        data_format: if image.rgb {
            RawImageFormat::RGB8
        } else {
            RawImageFormat::R8
        },
        tag: Vec::new(),
    }
}

/// Fixes what printpdf writes: version, Info dictionary, trailer ID; then compresses.
fn finish(lo: &mut lopdf::Document, doc: &Document) {
    use lopdf::Object;
    use lopdf::StringFormat::{Hexadecimal, Literal};

    lo.version = "1.7".into();
    let date = pdf_date(doc.meta.created);
    let text = |s: &str| {
        // UTF-16BE with BOM for anything beyond ASCII, as PDF text strings require.
        if s.is_ascii() {
            Object::String(s.as_bytes().to_vec(), Literal)
        } else {
            let mut bytes = vec![0xFE, 0xFF];
            for unit in s.encode_utf16() {
                bytes.extend(unit.to_be_bytes());
            }
            Object::String(bytes, Hexadecimal)
        }
    };
    let mut info = lopdf::Dictionary::new();
    info.set("Title", text(&doc.meta.title));
    if !doc.meta.author.is_empty() {
        info.set("Author", text(&doc.meta.author));
    }
    if !doc.meta.subject.is_empty() {
        info.set("Subject", text(&doc.meta.subject));
    }
    info.set("Creator", text(&creator()));
    info.set("Producer", text(&format!("{} (printpdf)", creator())));
    info.set(
        "CreationDate",
        Object::String(date.clone().into_bytes(), Literal),
    );
    info.set("ModDate", Object::String(date.into_bytes(), Literal));
    if let Ok(Object::Reference(id)) = lo.trailer.get(b"Info").cloned() {
        lo.objects.insert(id, Object::Dictionary(info));
    }
    // Catalog: open at 100 %, show the title rather than the file name.
    if let Ok(Object::Reference(root)) = lo.trailer.get(b"Root").cloned()
        && let Some(Object::Dictionary(catalog)) = lo.objects.get_mut(&root)
    {
        let mut prefs = lopdf::Dictionary::new();
        prefs.set("DisplayDocTitle", Object::Boolean(true));
        catalog.set("ViewerPreferences", Object::Dictionary(prefs));
    }
    slim_fonts(lo);
    compress(lo);
    // The document ID: a digest of everything written so far (deterministic).
    let mut a = std::collections::hash_map::DefaultHasher::new();
    let mut b = std::collections::hash_map::DefaultHasher::new();
    "letterhead-id-b".hash(&mut b);
    // The streams (pages, fonts, images) and the document information identify the document.
    for (id, object) in &lo.objects {
        if let Object::Stream(s) = object {
            id.hash(&mut a);
            id.hash(&mut b);
            s.content.hash(&mut a);
            s.content.hash(&mut b);
        }
    }
    for text in [&doc.meta.title, &doc.meta.author, &doc.meta.subject] {
        text.hash(&mut a);
        text.hash(&mut b);
    }
    doc.meta.created.hash(&mut a);
    doc.meta.created.hash(&mut b);
    let mut digest = a.finish().to_be_bytes().to_vec();
    digest.extend(b.finish().to_be_bytes());
    lo.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(digest.clone(), Hexadecimal),
            Object::String(digest, Hexadecimal),
        ]),
    );
}

/// Deflates every stream that has no filter yet, where that makes it smaller.
fn compress(lo: &mut lopdf::Document) {
    use std::io::Write;
    for object in lo.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.get(b"Filter").is_ok() || !stream.allows_compression {
            continue;
        }
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        let Ok(compressed) = encoder
            .write_all(&stream.content)
            .and_then(|()| encoder.finish())
        else {
            continue;
        };
        if compressed.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
}

/// Removes the hinting from every embedded TrueType program (`/FontFile2`).
fn slim_fonts(lo: &mut lopdf::Document) {
    use lopdf::Object;
    let programs: Vec<lopdf::ObjectId> = lo
        .objects
        .values()
        .filter_map(|o| match o {
            Object::Dictionary(d) => match d.get(b"FontFile2") {
                Ok(Object::Reference(id)) => Some(*id),
                _ => None,
            },
            _ => None,
        })
        .collect();
    for id in programs {
        if let Some(Object::Stream(stream)) = lo.objects.get_mut(&id) {
            let Ok(bytes) = stream
                .decompressed_content()
                .or_else(|_| Ok::<_, ()>(stream.content.clone()))
            else {
                continue;
            };
            let slim = crate::sfnt::strip_hinting(&bytes);
            stream
                .dict
                .set("Length1", Object::Integer(slim.len() as i64));
            stream.set_plain_content(slim);
        }
    }
}

/// A PDF date string (`D:20150805000000Z`) for seconds since the epoch.
fn pdf_date(seconds: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(seconds)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_tags_are_six_capitals_and_distinct() {
        assert_eq!(subset_tag(0), "LHAAAA");
        assert_eq!(subset_tag(27), "LHAABB");
        assert!(subset_tag(5).chars().all(|c| c.is_ascii_uppercase()));
    }

    #[test]
    fn pdf_dates_are_utc() {
        assert_eq!(pdf_date(1_438_732_800), "D:20150805000000Z");
    }
}
