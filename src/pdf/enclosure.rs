//! Enclosure PDFs appended after a letter: their pages, in order, each enclosure starting on a
//! new sheet (on an odd page when the letters are printed on both sides), with a bookmark for
//! the letter and one for each enclosure.
//!
//! The pages are copied whole with `import::copy` (content, fonts, images, annotations and
//! links), keeping their size, or scaled to the letter's page with `fit`. The letter's "Page N
//! of M" is laid out before and counts the letter only.
//!
//! What the file claims follows what is in it: an enclosure's tags are not joined to the
//! letter's structure tree, so a letter with enclosures no longer claims PDF/UA (its own tags
//! stay, with `/Suspects true`); it stays PDF/A only if every enclosure says it is PDF/A.

use std::sync::Arc;

use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::import::{self, Foreign, Geometry};
use super::strings::text_string;

/// One enclosure with a file, read.
#[derive(Debug, Clone)]
pub struct Enclosure {
    /// Its title, for the bookmark.
    pub title: String,
    /// The file's name as the letter gives it, for messages.
    pub name: String,
    /// Its pages.
    pub pdf: Arc<Foreign>,
    /// Scale pages of another size to the letter's page.
    pub fit: bool,
}

impl Enclosure {
    /// Why the file will not claim what the letter alone would (warnings for the letter).
    pub fn claims_dropped(&self, pdfa: bool) -> Vec<String> {
        let mut out = Vec::new();
        if pdfa && !self.pdf.archival() {
            out.push(format!(
                "the enclosure `{}` is not PDF/A: the letter's PDF is written without the PDF/A claim",
                self.name
            ));
        }
        if self.pdf.tagged() {
            out.push(format!(
                "the enclosure `{}` is tagged, but its tags are not joined to the letter's: the letter's PDF no longer claims PDF/UA",
                self.name
            ));
        } else {
            out.push(format!(
                "the enclosure `{}` is not a tagged PDF: the letter's PDF no longer claims PDF/UA",
                self.name
            ));
        }
        out
    }
}

/// What the letter's PDF is given beyond its own pages.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Enclosures with files, in order.
    pub enclosures: Vec<Enclosure>,
    /// Printed on both sides: each enclosure starts on an odd page.
    pub duplex: bool,
    /// The designer's stationery, drawn under the letter's pages.
    pub stationery: Option<crate::config::Stationery>,
}

/// What the file may still claim, once its enclosures are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Claims {
    pub(super) pdfa: bool,
    pub(super) pdfua: bool,
}

/// Where the enclosures landed: each one's title and the index of its first page.
#[derive(Debug, Clone, Default)]
pub(super) struct Appended {
    pub(super) bookmarks: Vec<(String, usize)>,
    /// Where the stationery went.
    pub(super) stationery: super::stationery::Drawn,
}

/// The page tree's root and its kids.
fn page_tree(lo: &lopdf::Document) -> Option<(ObjectId, Vec<Object>)> {
    let root = lo.catalog().ok()?.get(b"Pages").ok()?.as_reference().ok()?;
    let kids = lo
        .get_dictionary(root)
        .ok()?
        .get(b"Kids")
        .ok()?
        .as_array()
        .ok()?;
    Some((root, kids.clone()))
}

/// Appends the enclosures' pages after the letter's (`letter_pages` of them, the last of size
/// `size` in points).
pub(super) fn append(
    lo: &mut lopdf::Document,
    extras: &Extras,
    letter_pages: usize,
    size: (f64, f64),
) -> Appended {
    let mut appended = Appended::default();
    if extras.enclosures.is_empty() {
        return appended;
    }
    let Some((root, mut kids)) = page_tree(lo) else {
        return appended;
    };
    let mut count = letter_pages;
    let mut last_box = page_box(size);
    for enclosure in &extras.enclosures {
        if extras.duplex && count % 2 == 1 {
            let mut blank = Dictionary::new();
            blank.set("Type", Object::Name(b"Page".to_vec()));
            blank.set("Parent", Object::Reference(root));
            blank.set("MediaBox", last_box.clone());
            blank.set("Resources", Object::Dictionary(Dictionary::new()));
            kids.push(Object::Reference(lo.add_object(blank)));
            count += 1;
        }
        let from = &enclosure.pdf;
        let replace = from
            .pages
            .iter()
            .filter_map(|&p| {
                let mut dict = import::with_inherited(&from.doc, p)?;
                for key in [b"Parent".as_slice(), b"B", b"Thumb"] {
                    dict.remove(key);
                }
                Some((p, Object::Dictionary(dict)))
            })
            .collect();
        let pages = import::copy(lo, &from.doc, &from.pages, &replace);
        appended.bookmarks.push((enclosure.title.clone(), count));
        for (i, page) in pages.into_iter().enumerate() {
            if page.0 == 0 {
                continue;
            }
            let geometry = from.geometry(i);
            if let Some(Object::Dictionary(dict)) = lo.objects.get_mut(&page) {
                dict.set("Parent", Object::Reference(root));
            }
            if enclosure.fit
                && let Some(g) = geometry
            {
                fit(lo, page, g, size);
            }
            if let Ok(b) = lo.get_dictionary(page).and_then(|d| d.get(b"MediaBox")) {
                last_box = b.clone();
            }
            kids.push(Object::Reference(page));
            count += 1;
        }
    }
    if let Ok(dict) = lo.get_dictionary_mut(root) {
        dict.set("Count", Object::Integer(kids.len() as i64));
        dict.set("Kids", Object::Array(kids));
    }
    appended
}

fn page_box((w, h): (f64, f64)) -> Object {
    Object::Array(vec![
        Object::Integer(0),
        Object::Integer(0),
        Object::Real(w as f32),
        Object::Real(h as f32),
    ])
}

/// Scales a page to the letter's size (`width`, `height` in points), centred, unless it has
/// that size already: its content is drawn through a matrix and clipped to what it showed, its
/// annotations are moved with it.
fn fit(lo: &mut lopdf::Document, page: ObjectId, g: Geometry, (width, height): (f64, f64)) {
    let (shown_w, shown_h) = g.shown_size();
    if (shown_w - width).abs() < 0.5 && (shown_h - height).abs() < 0.5 {
        return;
    }
    // The box the page is drawn in, before its rotation.
    let (tw, th) = if g.rotate % 180 == 0 {
        (width, height)
    } else {
        (height, width)
    };
    let [llx, lly, urx, ury] = g.crop;
    let (w, h) = (urx - llx, ury - lly);
    let s = (tw / w).min(th / h);
    let dx = (tw - s * w) / 2.0 - s * llx;
    let dy = (th - s * h) / 2.0 - s * lly;
    let map = |x: f64, y: f64| (s * x + dx, s * y + dy);
    let r = super::round3;
    let before = format!(
        "q {} 0 0 {} {} {} cm {} {} {} {} re W n\n",
        r(s),
        r(s),
        r(dx),
        r(dy),
        r(llx),
        r(lly),
        r(w),
        r(h)
    );
    let before = lo.add_object(Stream::new(Dictionary::new(), before.into_bytes()));
    let after = lo.add_object(Stream::new(Dictionary::new(), b"\nQ\n".to_vec()));
    let annots: Vec<ObjectId> = match lo.get_dictionary(page).and_then(|d| d.get(b"Annots")) {
        Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
        _ => Vec::new(),
    };
    let Ok(dict) = lo.get_dictionary_mut(page) else {
        return;
    };
    let contents = match dict.get(b"Contents") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(c @ Object::Reference(_)) => vec![c.clone()],
        _ => Vec::new(),
    };
    let mut all = vec![Object::Reference(before)];
    all.extend(contents);
    all.push(Object::Reference(after));
    dict.set("Contents", Object::Array(all));
    dict.set(
        "MediaBox",
        Object::Array(
            [0.0, 0.0, tw, th]
                .iter()
                .map(|&v| Object::Real(r(v) as f32))
                .collect(),
        ),
    );
    for key in [b"CropBox".as_slice(), b"BleedBox", b"TrimBox", b"ArtBox"] {
        dict.remove(key);
    }
    for annot in annots {
        let Ok(dict) = lo.get_dictionary_mut(annot) else {
            continue;
        };
        if let Some([a, b, c, d]) = dict.get(b"Rect").ok().and_then(import::rect) {
            let (a, b) = map(a, b);
            let (c, d) = map(c, d);
            dict.set(
                "Rect",
                Object::Array(
                    [a, b, c, d]
                        .iter()
                        .map(|&v| Object::Real(r(v) as f32))
                        .collect(),
                ),
            );
        }
        if let Ok(Object::Array(q)) = dict.get(b"QuadPoints") {
            let q: Vec<Object> = q
                .chunks(2)
                .flat_map(|p| match p {
                    [x, y] => {
                        let (x, y) = map(
                            x.as_float().map_or(0.0, f64::from),
                            y.as_float().map_or(0.0, f64::from),
                        );
                        vec![Object::Real(r(x) as f32), Object::Real(r(y) as f32)]
                    }
                    _ => Vec::new(),
                })
                .collect();
            dict.set("QuadPoints", Object::Array(q));
        }
    }
}

/// Writes the bookmarks of a letter with enclosures: the letter (`title`, its first page),
/// then each enclosure. A letter without enclosures gets none, as before.
pub(super) fn outline(lo: &mut lopdf::Document, title: &str, appended: &Appended) {
    if appended.bookmarks.is_empty() {
        return;
    }
    let pages: Vec<ObjectId> = lo.get_pages().into_values().collect();
    let mut items: Vec<(String, ObjectId)> = Vec::new();
    if let Some(first) = pages.first() {
        items.push((title.to_string(), *first));
    }
    for (t, index) in &appended.bookmarks {
        if let Some(page) = pages.get(*index) {
            items.push((t.clone(), *page));
        }
    }
    let Ok(Object::Reference(catalog)) = lo.trailer.get(b"Root").cloned() else {
        return;
    };
    let outlines = lo.new_object_id();
    let ids: Vec<ObjectId> = items.iter().map(|_| lo.new_object_id()).collect();
    for (i, ((t, page), id)) in items.iter().zip(&ids).enumerate() {
        let mut item = Dictionary::new();
        item.set("Title", text_string(t));
        item.set("Parent", Object::Reference(outlines));
        if i > 0 {
            item.set("Prev", Object::Reference(ids[i - 1]));
        }
        if let Some(next) = ids.get(i + 1) {
            item.set("Next", Object::Reference(*next));
        }
        item.set(
            "Dest",
            Object::Array(vec![
                Object::Reference(*page),
                Object::Name(b"Fit".to_vec()),
            ]),
        );
        lo.objects.insert(*id, Object::Dictionary(item));
    }
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Outlines".to_vec()));
    if let (Some(first), Some(last)) = (ids.first(), ids.last()) {
        dict.set("First", Object::Reference(*first));
        dict.set("Last", Object::Reference(*last));
        dict.set("Count", Object::Integer(ids.len() as i64));
    }
    lo.objects.insert(outlines, Object::Dictionary(dict));
    if let Ok(cat) = lo.get_dictionary_mut(catalog) {
        cat.set("Outlines", Object::Reference(outlines));
        cat.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }
}

/// Takes the bookmarks out again (the combined print file writes its own).
pub(super) fn remove_outline(lo: &mut lopdf::Document) {
    let Ok(Object::Reference(catalog)) = lo.trailer.get(b"Root").cloned() else {
        return;
    };
    let Some(outlines) = lo
        .get_dictionary(catalog)
        .ok()
        .and_then(|c| c.get(b"Outlines").ok())
        .and_then(|o| o.as_reference().ok())
    else {
        return;
    };
    let mut item = lo
        .get_dictionary(outlines)
        .ok()
        .and_then(|o| o.get(b"First").ok())
        .and_then(|o| o.as_reference().ok());
    lo.objects.remove(&outlines);
    while let Some(id) = item {
        item = lo
            .get_dictionary(id)
            .ok()
            .and_then(|o| o.get(b"Next").ok())
            .and_then(|o| o.as_reference().ok());
        lo.objects.remove(&id);
    }
    if let Ok(cat) = lo.get_dictionary_mut(catalog) {
        cat.remove(b"Outlines");
        cat.remove(b"PageMode");
    }
}

/// The claims a file with these enclosures may make.
pub(super) fn claims(extras: &Extras, pdfa: bool) -> Claims {
    let stationery = extras
        .stationery
        .iter()
        .flat_map(|s| std::iter::once(&s.first).chain(&s.later));
    Claims {
        pdfa: pdfa
            && extras.enclosures.iter().all(|e| e.pdf.archival())
            && stationery.into_iter().all(|s| s.pdf.archival()),
        pdfua: extras.enclosures.is_empty(),
    }
}
