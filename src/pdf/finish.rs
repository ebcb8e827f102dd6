//! The last touches on the lopdf document, whichever path built it: the header version, the
//! Info dictionary, catalog preferences, stream compression and a trailer `/ID` derived from
//! the content (so identical input gives identical bytes).

use sha2::{Digest, Sha256};

use super::strings::{creator, producer, text_string};
use crate::frame::Document;

/// Fixes what printpdf writes: version, Info dictionary, trailer ID; writes the structure tree
/// from each page's marked content (`marks`); appends the enclosures (`extras`), saying where
/// they landed; then compresses.
pub(super) fn finish(
    lo: &mut lopdf::Document,
    doc: &Document,
    marks: &[super::content::Marks],
    link_texts: &std::collections::BTreeMap<crate::frame::ElementId, String>,
    extras: &super::enclosure::Extras,
    written: Option<&mut super::save::Written>,
) -> super::enclosure::Appended {
    use lopdf::Object;
    use lopdf::StringFormat::{Hexadecimal, Literal};

    lo.version = "1.7".into();
    let date = pdf_date(doc.meta.created);
    let text = text_string;
    let mut info = lopdf::Dictionary::new();
    info.set("Title", text(&doc.meta.title));
    if !doc.meta.author.is_empty() {
        info.set("Author", text(&doc.meta.author));
    }
    if !doc.meta.subject.is_empty() {
        info.set("Subject", text(&doc.meta.subject));
    }
    info.set("Creator", text(&creator()));
    info.set("Producer", text(&producer()));
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
        // Print at 100 %: "fit to page" would move the address out of the envelope's window.
        prefs.set("PrintScaling", Object::Name(b"None".to_vec()));
        catalog.set("ViewerPreferences", Object::Dictionary(prefs));
    }
    annotations_indirect(lo);
    exact_page_boxes(lo, doc);
    super::tagged::write(lo, doc, marks, link_texts, written);
    let size = doc
        .pages
        .first()
        .map_or((0.0, 0.0), |p| (p.width.to_pt(), p.height.to_pt()));
    let drawn = extras
        .stationery
        .as_ref()
        .map(|s| super::stationery::apply(lo, s, doc.pages.len()))
        .unwrap_or_default();
    let mut appended = super::enclosure::append(lo, extras, doc.pages.len(), size);
    appended.stationery = drawn;
    // Enclosures written by other tools may hold their annotations in place too.
    annotations_indirect(lo);
    super::enclosure::outline(lo, &doc.meta.title, &appended);
    let claims = super::enclosure::claims(extras, doc.meta.pdfa);
    // Links are printed annotations (flag 4, Print), as PDF/A requires and printers expect:
    // without it an annotation is hidden in print (invisible ones anyway, but some printer
    // drivers warn).
    let print_flag = |dict: &mut lopdf::Dictionary| {
        if dict.get(b"Subtype").ok() == Some(&Object::Name(b"Link".to_vec())) {
            dict.set("F", Object::Integer(4));
        }
    };
    for object in lo.objects.values_mut() {
        if let Object::Dictionary(dict) = object {
            print_flag(dict);
        }
    }
    // Every letter: the XMP packet with the PDF/UA identification.
    super::pdfa::metadata(lo, doc, claims.pdfa, claims.pdfua);
    if claims.pdfa {
        super::pdfa::archival(lo);
    }
    if !claims.pdfua {
        super::tagged::suspect(lo);
    }
    compress(lo);
    // The document ID: the first 16 bytes of a SHA-256 of everything written so far. A hash
    // whose output we fix ourselves, not std's `DefaultHasher`, whose algorithm may change with
    // the toolchain: identical input must give identical bytes after an update too. Each part
    // is written with its length, so no two different sequences of parts read alike.
    let mut sha = Sha256::new();
    let mut part = |bytes: &[u8]| {
        sha.update((bytes.len() as u64).to_be_bytes());
        sha.update(bytes);
    };
    // The streams (pages, fonts, images) and the document information identify the document.
    for (id, object) in &lo.objects {
        if let Object::Stream(s) = object {
            part(&id.0.to_be_bytes());
            part(&id.1.to_be_bytes());
            part(&s.content);
        }
    }
    for text in [&doc.meta.title, &doc.meta.author, &doc.meta.subject] {
        part(text.as_bytes());
    }
    part(&doc.meta.created.to_be_bytes());
    let digest = sha.finalize()[..16].to_vec();
    lo.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(digest.clone(), Hexadecimal),
            Object::String(digest, Hexadecimal),
        ]),
    );
    appended
}

/// The page boxes as the page's size in points to a thousandth, a whole number where it is
/// one: printpdf takes sizes in millimetres as `f32` and writes US Letter as
/// `612.00006 792.00006`, which print dialogs and preflight tools show as a custom size.
fn exact_page_boxes(lo: &mut lopdf::Document, doc: &Document) {
    use lopdf::Object;
    let number = |pt: f64| {
        let thousandths = (pt * 1000.0).round();
        if thousandths % 1000.0 == 0.0 {
            Object::Integer((thousandths / 1000.0) as i64)
        } else {
            Object::Real((thousandths / 1000.0) as f32)
        }
    };
    let pages: Vec<lopdf::ObjectId> = lo.get_pages().into_values().collect();
    for (id, page) in pages.into_iter().zip(&doc.pages) {
        let Some(Object::Dictionary(dict)) = lo.objects.get_mut(&id) else {
            continue;
        };
        let bounds = Object::Array(vec![
            Object::Integer(0),
            Object::Integer(0),
            number(page.width.to_pt()),
            number(page.height.to_pt()),
        ]);
        for key in [
            b"MediaBox".as_slice(),
            b"CropBox",
            b"TrimBox",
            b"BleedBox",
            b"ArtBox",
        ] {
            if dict.has(key) || key == b"MediaBox" {
                dict.set(key, bounds.clone());
            }
        }
    }
}

/// Makes every annotation in a page's `/Annots` an indirect object. printpdf 0.12 writes link
/// annotations as dictionaries inside the array, but ISO 32000-1 (§12.5.2, and Table 30:
/// "an array of annotation dictionaries, each of which shall be an indirect reference") wants
/// references, and strict validators (`pdfcpu validate -m strict`) reject the file otherwise.
/// Each one also gets its page as `/P`. The combined print file copies these objects as they
/// are, so it needs no step of its own.
fn annotations_indirect(lo: &mut lopdf::Document) {
    use lopdf::Object;
    let pages: Vec<lopdf::ObjectId> = lo
        .objects
        .iter()
        .filter_map(|(id, object)| match object {
            Object::Dictionary(dict) => match dict.get(b"Annots") {
                Ok(Object::Array(annots)) if annots.iter().any(|a| a.as_dict().is_ok()) => {
                    Some(*id)
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    for page in pages {
        let Some(Object::Dictionary(dict)) = lo.objects.get_mut(&page) else {
            continue;
        };
        let Ok(Object::Array(annots)) = dict.get_mut(b"Annots") else {
            continue;
        };
        let annots = std::mem::take(annots);
        let annots: Vec<Object> = annots
            .into_iter()
            .map(|annot| match annot {
                Object::Dictionary(mut annot) => {
                    annot.set("P", Object::Reference(page));
                    Object::Reference(lo.add_object(annot))
                }
                other => other,
            })
            .collect();
        if let Some(Object::Dictionary(dict)) = lo.objects.get_mut(&page) {
            dict.set("Annots", Object::Array(annots));
        }
    }
}

/// Deflates every stream that has no filter yet, where that makes it smaller.
pub(super) fn compress(lo: &mut lopdf::Document) {
    for object in lo.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            compress_stream(stream);
        }
    }
}

/// Deflates a stream that has no filter yet, where that makes it smaller.
pub(super) fn compress_stream(stream: &mut lopdf::Stream) {
    compress_stream_with(stream, super::save::deflate);
}

/// `compress_stream` at a fast level: for the streams only a combined print file holds.
pub(super) fn compress_stream_fast(stream: &mut lopdf::Stream) {
    compress_stream_with(stream, super::save::deflate_fast);
}

fn compress_stream_with(stream: &mut lopdf::Stream, deflate: fn(&[u8]) -> Option<Vec<u8>>) {
    if stream.dict.get(b"Filter").is_ok() || !stream.allows_compression {
        return;
    }
    let Some(compressed) = deflate(&stream.content) else {
        return;
    };
    if compressed.len() + 19 < stream.content.len() {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(compressed);
    }
}

/// A PDF date string (`D:20150805000000Z`) for seconds since the epoch.
pub(super) fn pdf_date(seconds: i64) -> String {
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
    fn pdf_dates_are_utc() {
        assert_eq!(pdf_date(1_438_732_800), "D:20150805000000Z");
    }
}
