//! The PDF writer: a `frame::Document` becomes PDF bytes. printpdf builds the document —
//! pages, link annotations, images, catalog — and `lopdf` (the version printpdf builds on)
//! writes it, after we fix what printpdf gets wrong for us: the header version, the Info
//! dictionary, and a trailer `/ID` derived from the content, so identical input gives
//! identical bytes.
//!
//! The recipe, in `export`:
//! 1. fonts: subset every face ourselves (`font`: TrueType with `sfnt`, CFF with `subsetter`);
//! 2. document: printpdf pages carrying the link annotations;
//! 3. images: our own image XObjects (`image`), compressed, with soft masks, deduplicated;
//! 4. content: our own content streams (`content`) and font objects replace printpdf's;
//! 5. finish: Info, catalog preferences, compression, `/ID` (`finish`);
//! 6. save: serialise, with object streams and a cross-reference stream (`save`).
//!
//! It knows frames and fonts, nothing about letters or Markdown; it is the only module that
//! uses printpdf. It writes no file: `app` does, atomically.

pub mod combine;
mod content;
pub mod enclosure;
mod finish;
mod font;
mod image;
pub mod import;
mod pdfa;
mod save;
mod stationery;
mod strings;
mod tagged;

use std::sync::Arc;

use printpdf::{
    Actions, BorderArray, ColorArray, LinkAnnotation, Op, PdfDocument, PdfPage, PdfSaveOptions, Pt,
    Rect,
};

use crate::fonts::Face;
use crate::frame::{Document, Image, Item};

pub use enclosure::{Enclosure, Extras};
pub use strings::creator;

/// Identity of a face within a run: the address of its shared `Face`. The cache keeps the
/// face alive, so an address is never reused for another face.
type FaceKey = usize;

fn face_key(face: &Arc<Face>) -> FaceKey {
    Arc::as_ptr(face) as usize
}

/// Fonts shared by every letter of a run: subsets are kept for the letters that use the same
/// glyphs of the same face.
#[derive(Default)]
pub struct FontCache {
    subsets: font::SubsetCache,
}

/// Writes a document as PDF bytes. Warnings (a font that could not be subset) are returned
/// beside the bytes.
pub fn export(doc: Document, fonts: &FontCache) -> Result<(Vec<u8>, Vec<String>), String> {
    export_with(doc, fonts, &Extras::default())
}

/// `export`, with enclosures appended after the letter.
pub fn export_with(
    doc: Document,
    fonts: &FontCache,
    extras: &Extras,
) -> Result<(Vec<u8>, Vec<String>), String> {
    export_inner(doc, fonts, extras, false).map(|(bytes, problems, _)| (bytes, problems))
}

/// `export`, and the letter's objects for the combined print file of a merge, which takes
/// them as they are instead of reading the PDF back.
pub fn export_for_combining(
    doc: Document,
    fonts: &FontCache,
    extras: &Extras,
) -> Result<(Vec<u8>, Vec<String>, combine::Part), String> {
    let (bytes, problems, part) = export_inner(doc, fonts, extras, true)?;
    let part = part.ok_or_else(|| "the letter's objects were not kept".to_string())?;
    Ok((bytes, problems, part))
}

/// A letter's PDF, the writer's warnings, and (when kept) its objects for the combined file.
type Exported = (Vec<u8>, Vec<String>, Option<combine::Part>);

fn export_inner(
    mut doc: Document,
    fonts: &FontCache,
    extras: &Extras,
    keep: bool,
) -> Result<Exported, String> {
    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    if doc.meta.pdfa
        && let Some(missing) = pdfa::notdef(&doc)
    {
        return Err(format!(
            "PDF/A allows no character without a glyph, and no font has `{missing}`; \
             `letterhead check` shows where they are"
        ));
    }
    let mut warnings = Vec::new();
    let images = image::collect(&doc);
    let subsets = font::subset_all(&doc, &fonts.subsets)?;
    let pdf = document(&doc);
    let mut lo = pdf.to_lopdf_document(&options, &mut warnings);
    image::add(&mut lo, &images);
    let links = tagged::link_texts(&doc);
    // Each page's items go once its content is written: a long letter's glyphs need not
    // outlive their page (and its structure tree is built after the pages). For the combined
    // file, each page's content as it shows glyphs is made with it.
    let (marks, combined) = replace_content(&mut lo, &mut doc, &subsets, &images, keep)?;
    let problems: Vec<String> = warnings
        .iter()
        .filter(|w| w.severity == printpdf::PdfParseErrorSeverity::Error)
        .map(|w| w.msg.clone())
        .collect();
    // The structure tree's elements are written out at once, unless the combined file takes
    // them as objects.
    let mut written = save::Written::default();
    let appended = finish::finish(
        &mut lo,
        &doc,
        &marks,
        &links,
        extras,
        (!keep).then_some(&mut written),
    );
    // Dictionaries in compressed object streams, and a compressed cross-reference stream
    // (PDF 1.5): a fifth of a short letter's size is dictionaries and cross-references.
    let bytes = save::save(&mut lo, &written, !keep);
    if !keep {
        return Ok((bytes, problems, None));
    }
    // The objects written stay in the document: they become the combined file's, which
    // writes its own bookmarks.
    enclosure::remove_outline(&mut lo);
    stationery::unwrap(&mut lo, &appended.stationery);
    let part = part_of(lo, combined, &subsets)?
        .with_enclosures(
            appended.bookmarks,
            enclosure::claims(extras, doc.meta.pdfa).pdfua,
        )
        .with_stationery(&appended.stationery)
        .ready();
    Ok((bytes, problems, Some(part)))
}

/// Puts a font file's bytes through what a letter does with a user's font: loaded with the
/// checks of `style.font` files, a line of text in it (each character's glyph, and the first
/// glyphs of the face) subset and embedded in a one-page PDF, then in a combined print file's
/// one font per face. Gives the PDF's size; an error is the message a user would see. For the
/// fuzz target `font` (`fuzz/`): whatever the bytes, this must return, never panic.
#[doc(hidden)]
pub fn embed_font_bytes(bytes: Vec<u8>) -> Result<usize, String> {
    use crate::length::Abs;
    let face = crate::fonts::face_from_bytes(bytes, 0).ok_or("not a usable font")?;
    let face = Arc::new(face);
    let mut glyphs = crate::frame::Glyphs::default();
    let mut x = 0.0;
    let mut push = |id: u16, text: &str| {
        glyphs.push(id, Abs::pt(x), text);
        x += 6.0;
    };
    let charmap = face.font.charmap();
    for c in "Hello, Wörld — ﬁne ffi 你好 ✓ −".chars() {
        if let Some(g) = charmap.map_unicode(c) {
            push(
                u16::try_from(g.to_u32()).unwrap_or(0),
                c.encode_utf8(&mut [0; 4]),
            );
        }
    }
    let count = u16::try_from(face.font.metrics().num_glyphs).unwrap_or(u16::MAX);
    for id in (0..count.min(24)).step_by(3) {
        push(id, "");
    }
    let run = crate::frame::TextRun {
        face: face.clone(),
        size: Abs::pt(11.0),
        color: crate::config::Color::BLACK,
        x: Abs::pt(72.0),
        y: Abs::pt(72.0),
        glyphs,
    };
    let doc = Document {
        pages: vec![crate::frame::Page {
            width: Abs::mm(210.0),
            height: Abs::mm(297.0),
            items: vec![Item::Text(run)],
        }],
        meta: Default::default(),
        structure: Default::default(),
    };
    let (pdf, _, part) = export_for_combining(doc, &FontCache::default(), &Extras::default())?;
    let mut shared = lopdf::Document::new();
    for glyphs in part.font_glyphs() {
        font::add_shared(&mut shared, &face, "LFAAAA", &glyphs)?;
    }
    Ok(pdf.len())
}

/// A letter's objects for the combined print file: its pages' content is `combined`, which
/// shows glyphs by their ids in the face (`content::page_for_combining`), and its font objects
/// are left out for the file's one font per face, which covers the glyphs listed with the
/// part.
fn part_of(
    mut lo: lopdf::Document,
    combined: Vec<lopdf::Stream>,
    fonts: &[font::Font],
) -> Result<combine::RawPart, String> {
    use lopdf::Object;
    let broken = || "the letter's pages cannot be read".to_string();
    let page_ids: Vec<lopdf::ObjectId> = lo.get_pages().into_values().collect();
    // The letter's own pages come first; enclosures' pages after them keep their content.
    if page_ids.len() < combined.len() {
        return Err(broken());
    }
    let mut font_dict = None;
    for (stream, id) in combined.into_iter().zip(page_ids) {
        let dict = lo.get_dictionary(id).map_err(|_| broken())?;
        let contents = dict
            .get(b"Contents")
            .and_then(Object::as_reference)
            .map_err(|_| broken())?;
        if font_dict.is_none() {
            font_dict = dict
                .get(b"Resources")
                .and_then(Object::as_reference)
                .and_then(|r| lo.get_dictionary(r))
                .and_then(|r| r.get(b"Font"))
                .and_then(Object::as_reference)
                .ok();
        }
        lo.objects.insert(contents, Object::Stream(stream));
    }
    let mut shared = Vec::with_capacity(fonts.len());
    let font_dict = font_dict.ok_or_else(broken)?;
    for font in fonts {
        let type0 = lo
            .get_dictionary(font_dict)
            .and_then(|d| d.get(font.tag.as_bytes()))
            .and_then(Object::as_reference)
            .map_err(|_| broken())?;
        // The Type0 font, its ToUnicode map, descriptor and program go.
        let mut gone = vec![type0];
        if let Ok(dict) = lo.get_dictionary(type0) {
            gone.extend(dict.get(b"ToUnicode").and_then(Object::as_reference));
            let descriptor = match dict.get(b"DescendantFonts") {
                Ok(Object::Array(list)) => list
                    .first()
                    .and_then(|d| d.as_dict().ok())
                    .and_then(|d| d.get(b"FontDescriptor").ok())
                    .and_then(|d| d.as_reference().ok()),
                _ => None,
            };
            if let Some(descriptor) = descriptor {
                gone.push(descriptor);
                if let Ok(d) = lo.get_dictionary(descriptor) {
                    gone.extend(
                        [b"FontFile2".as_slice(), b"FontFile3"]
                            .iter()
                            .find_map(|key| d.get(key).and_then(Object::as_reference).ok()),
                    );
                }
            }
        }
        for id in gone {
            lo.objects.remove(&id);
        }
        shared.push(combine::PartFont::new(
            type0.0,
            font.face.clone(),
            font.glyph_texts(),
        ));
    }
    Ok(combine::RawPart::new(lo, shared))
}

/// printpdf pages with only what printpdf writes for us: link annotations. Their content
/// comes later, from `content`; the images from `image`.
fn document(doc: &Document) -> PdfDocument {
    let mut pdf = PdfDocument::new(&doc.meta.title);
    let mut pages = Vec::with_capacity(doc.pages.len());
    for page in &doc.pages {
        let height = page.height.to_pt() as f32;
        let mut ops = Vec::new();
        for item in &page.items {
            if let Item::Link { .. } = item {
                ops.extend(link_op(item, height));
            }
        }
        pages.push(PdfPage::new(
            printpdf::Mm(page.width.to_mm() as f32),
            printpdf::Mm(page.height.to_mm() as f32),
            ops,
        ));
    }
    pdf.with_pages(pages);
    pdf
}

/// Puts our content streams into printpdf's pages and our fonts into its font resources;
/// when `combining`, gives each page's content as the combined print file shows it too.
fn replace_content(
    lo: &mut lopdf::Document,
    doc: &mut Document,
    fonts: &[font::Font],
    images: &[(Arc<Image>, String)],
    combining: bool,
) -> Result<(Vec<content::Marks>, Vec<lopdf::Stream>), String> {
    use lopdf::Object;
    let mut marks = Vec::with_capacity(doc.pages.len());
    let mut combined = Vec::new();
    let broken = || "printpdf wrote pages we cannot read".to_string();
    let page_ids: Vec<lopdf::ObjectId> = lo.get_pages().into_values().collect();
    if page_ids.len() != doc.pages.len() {
        return Err(broken());
    }
    let mut font_dict = None;
    let mut empty = Vec::new();
    let actual = tagged::actual_texts(doc);
    for (p, (page, id)) in doc.pages.iter_mut().zip(page_ids).enumerate() {
        let dict = lo.get_dictionary(id).map_err(|_| broken())?;
        let contents = dict
            .get(b"Contents")
            .and_then(Object::as_reference)
            .map_err(|_| broken())?;
        let resources_id = dict
            .get(b"Resources")
            .and_then(Object::as_reference)
            .map_err(|_| broken())?;
        let resources = lo.get_dictionary(resources_id).map_err(|_| broken())?;
        if font_dict.is_none() {
            font_dict = Some(
                resources
                    .get(b"Font")
                    .and_then(Object::as_reference)
                    .map_err(|_| broken())?,
            );
        }
        // printpdf gives every page all resource kinds; the empty ones (no shadings, no
        // graphics states, often no images) go.
        let unused: Vec<(Vec<u8>, lopdf::ObjectId)> = resources
            .iter()
            .filter_map(|(key, value)| {
                let id = value.as_reference().ok()?;
                let dict = lo.get_dictionary(id).ok()?;
                (dict.is_empty() && key.as_slice() != b"Font").then(|| (key.clone(), id))
            })
            .collect();
        let resources = lo.get_dictionary_mut(resources_id).map_err(|_| broken())?;
        for (key, id) in unused {
            resources.remove(&key);
            empty.push(id);
        }
        let (bytes, page_marks) = if !combining {
            content::page(page, &doc.structure, fonts, images, actual.get(p))
        } else {
            // The combined file's too, deflated at once (see `part_of`).
            let (bytes, original, page_marks) =
                content::page_for_combining(page, &doc.structure, fonts, images, actual.get(p));
            let mut stream = lopdf::Stream::new(lopdf::Dictionary::new(), original);
            finish::compress_stream_fast(&mut stream);
            combined.push(stream);
            (bytes, page_marks)
        };
        marks.push(page_marks);
        page.items = Vec::new();
        // Deflated now, not with the other streams at the end: a long letter holds its pages'
        // content compressed (a 1,001-page letter's peak is 1.7 MB lower).
        let mut stream = lopdf::Stream::new(lopdf::Dictionary::new(), bytes);
        finish::compress_stream(&mut stream);
        lo.objects.insert(contents, Object::Stream(stream));
    }
    for id in empty {
        lo.objects.remove(&id);
    }
    if let Some(font_dict) = font_dict {
        let entries: Vec<(String, lopdf::ObjectId)> = fonts
            .iter()
            .map(|f| (f.tag.clone(), font::add(lo, f)))
            .collect();
        let dict = lo.get_dictionary_mut(font_dict).map_err(|_| broken())?;
        for (tag, id) in entries {
            dict.set(tag, Object::Reference(id));
        }
    }
    Ok((marks, combined))
}

/// The annotation of a link item, without a visible border.
fn link_op(item: &Item, page_height: f32) -> Option<Op> {
    let Item::Link {
        x,
        y,
        width,
        height,
        target,
    } = item
    else {
        return None;
    };
    let rect = Rect {
        x: Pt(x.to_pt() as f32),
        y: Pt(page_height - (y.to_pt() + height.to_pt()) as f32),
        width: Pt(width.to_pt() as f32),
        height: Pt(height.to_pt() as f32),
        mode: None,
        winding_order: None,
    };
    Some(Op::LinkAnnotation {
        link: LinkAnnotation::new(
            rect,
            Actions::Uri(target.clone()),
            Some(BorderArray::Solid([0.0, 0.0, 0.0])),
            Some(ColorArray::Transparent),
            None,
        ),
    })
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

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_bytes_embed_or_fail_with_a_message() {
        let serif = include_bytes!("../../fonts/noto-serif/NotoSerif-Regular.ttf");
        assert!(embed_font_bytes(serif.to_vec()).is_ok_and(|n| n > 1000));
        if let Ok(otf) =
            std::fs::read("/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf")
        {
            assert!(embed_font_bytes(otf).is_ok_and(|n| n > 1000));
        }
        assert_eq!(
            embed_font_bytes(b"not a font".to_vec()),
            Err("not a usable font".to_string())
        );
    }

    #[test]
    fn subset_tags_are_six_capitals_and_distinct() {
        assert_eq!(subset_tag(0), "LHAAAA");
        assert_eq!(subset_tag(27), "LHAABB");
        assert!(subset_tag(5).chars().all(|c| c.is_ascii_uppercase()));
    }
}
