//! Pages of another PDF, read safely and copied into ours: the enclosures appended after a
//! letter, and the designer's stationery drawn under it.
//!
//! `read` takes a file another tool wrote and gives a `Foreign` PDF, or says why not: too
//! large, not a PDF, damaged, encrypted, without pages, with too many pages or objects. The
//! limits keep a hostile file (a PDF bomb: deep nesting, a page tree of millions of pages) from
//! taking the machine; lopdf's parser refuses nesting deeper than 100 on its own.
//!
//! `copy` brings objects across: everything a page needs (its content, fonts, images,
//! annotations), renumbered into our document, with what may run code or open other files
//! left out (JavaScript, launch and other actions that leave the document, additional
//! actions, file attachments) and with the keys that tie an object to the other file's page
//! tree or structure tree dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use lopdf::{Dictionary, Object, ObjectId};

/// The largest PDF read (an enclosure, a stationery file), in bytes.
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;
/// The most pages an enclosure may have.
pub const MAX_PAGES: usize = 500;
/// The most objects a PDF read may hold.
const MAX_OBJECTS: usize = 500_000;
/// The most bytes one stream may decode to while a PDF is read (object streams, page content
/// joined for stationery, metadata): a few kilobytes of deflated zeros can stand for
/// gigabytes.
const MAX_DECODED: usize = 64 * 1024 * 1024;

/// Actions that leave the document or run something: never carried into our file.
const UNSAFE_ACTIONS: &[&[u8]] = &[
    b"JavaScript",
    b"Launch",
    b"GoToR",
    b"GoToE",
    b"SubmitForm",
    b"ImportData",
    b"ResetForm",
    b"Rendition",
    b"Movie",
    b"Sound",
    b"RichMediaExecute",
];

/// Keys dropped from every object copied: additional actions (run on opening a page, on
/// focus…), JavaScript, and the ties to the other file's structure tree, whose keys would
/// otherwise point into ours.
const DROPPED_KEYS: &[&[u8]] = &[b"AA", b"JS", b"StructParent", b"StructParents"];

/// A PDF read from a file another tool wrote.
pub struct Foreign {
    pub(super) doc: lopdf::Document,
    /// Its pages, in order.
    pub(super) pages: Vec<ObjectId>,
}

impl std::fmt::Debug for Foreign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Foreign({} pages)", self.pages.len())
    }
}

/// Reads a PDF file; `Err` says what is wrong with it (the caller names the file).
pub fn read(path: &Path) -> Result<Foreign, String> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "it does not exist".to_string(),
        _ => format!("it cannot be read ({e})"),
    })?;
    if !meta.is_file() {
        return Err("it is not a file".into());
    }
    if meta.len() > MAX_BYTES {
        return Err(format!(
            "it is {:.0} MB, more than the {} MB a PDF letterhead reads may have",
            meta.len() as f64 / 1_048_576.0,
            MAX_BYTES / 1_048_576
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("it cannot be read ({e})"))?;
    parse(&bytes)
}

/// Reads PDF bytes (see `read`).
pub fn parse(bytes: &[u8]) -> Result<Foreign, String> {
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!(
            "it is more than the {} MB a PDF letterhead reads may have",
            MAX_BYTES / 1_048_576
        ));
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err("it is not a PDF".into());
    }
    // lopdf reads an unterminated file from whatever cross-reference it finds, and may give
    // pages whose objects are gone: a file must end as PDFs do.
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err("it is damaged: it ends early (truncated?)".into());
    }
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_DECODED),
        ..lopdf::LoadOptions::default()
    };
    let doc = lopdf::Document::load_mem_with_options(bytes, options)
        .map_err(|e| format!("it is damaged and cannot be read ({e})"))?;
    if doc.trailer.get(b"Encrypt").is_ok() || doc.encryption_state.is_some() {
        return Err("it is encrypted; save it without a password or restrictions first".into());
    }
    // lopdf leaves out an object it cannot read (an object stream that would decode past the
    // limit, an object nested past its depth) and reads on: the file is damaged, or built to
    // exhaust a reader.
    for (&number, entry) in &doc.reference_table.entries {
        if let lopdf::xref::XrefEntry::Normal { generation, .. } = entry
            && !doc.objects.contains_key(&(number, *generation))
        {
            return Err(format!(
                "it is damaged, or built to exhaust a reader: its object {number} {generation} cannot be read (cut off, nested too deep, or decoding to more than {} MB?)",
                MAX_DECODED / 1_048_576
            ));
        }
    }
    if doc.objects.len() > MAX_OBJECTS {
        return Err(format!(
            "it holds more than {MAX_OBJECTS} objects, more than a PDF letterhead reads may have"
        ));
    }
    let count = declared_pages(&doc);
    if count > MAX_PAGES as i64 {
        return Err(format!(
            "it says it has {count} pages, more than the {MAX_PAGES} an enclosure may have"
        ));
    }
    let pages: Vec<ObjectId> = doc.page_iter().take(MAX_PAGES + 1).collect();
    if pages.len() > MAX_PAGES {
        return Err(format!(
            "it has more than the {MAX_PAGES} pages an enclosure may have"
        ));
    }
    if pages.is_empty() {
        return Err("it has no pages (damaged?)".into());
    }
    let mut seen = BTreeSet::new();
    for page in &pages {
        if !seen.insert(*page) {
            return Err("it is damaged: its page tree lists a page twice".into());
        }
        let dict = doc
            .get_dictionary(*page)
            .map_err(|_| "it is damaged: a page cannot be read".to_string())?;
        if media_box(&doc, *page, dict).is_none() {
            return Err("it is damaged: a page has no size".into());
        }
        for content in doc.get_page_contents(*page) {
            if !matches!(doc.objects.get(&content), Some(Object::Stream(_))) {
                return Err("it is damaged: a page's content is missing".into());
            }
        }
    }
    unreadable_objects(&doc, &pages)?;
    Ok(Foreign { doc, pages })
}

/// Fails when a page needs an object the file lists but lopdf could not read (nested past
/// its limit, cut off, mangled): the page would be drawn without it.
fn unreadable_objects(doc: &lopdf::Document, pages: &[ObjectId]) -> Result<(), String> {
    let mut seen: BTreeSet<ObjectId> = BTreeSet::new();
    let mut todo: Vec<ObjectId> = pages.to_vec();
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        match doc.objects.get(&id) {
            Some(object) => references(object, &mut |r| todo.push(r)),
            None if doc.reference_table.get(id.0).is_some() => {
                return Err(format!(
                    "it is damaged: its object {} {} cannot be read (nested too deep, or cut off?)",
                    id.0, id.1
                ));
            }
            None => {}
        }
    }
    Ok(())
}

/// Reads a stationery file: one page, of the letter's size (`width` × `height` points),
/// unrotated.
pub fn stationery(path: &Path, width: f64, height: f64) -> Result<Foreign, String> {
    let pdf = read(path)?;
    if pdf.pages.len() != 1 {
        return Err(format!(
            "it has {} pages, and stationery is one page (give `first` and `later` a file each)",
            pdf.pages.len()
        ));
    }
    let g = pdf
        .geometry(0)
        .ok_or_else(|| "it is damaged: its page has no size".to_string())?;
    if g.rotate != 0 {
        return Err(format!("its page is rotated by {}°", g.rotate));
    }
    let contents = pdf.doc.get_page_contents(pdf.pages[0]);
    if contents.len() > 1
        && contents
            .iter()
            .any(|c| stream_bytes(&pdf.doc, *c).is_none())
    {
        return Err("it is damaged: its page's content cannot be decoded".into());
    }
    let (w, h) = g.shown_size();
    if (w - width).abs() > 1.0 || (h - height).abs() > 1.0 {
        let mm = |pt: f64| pt / 72.0 * 25.4;
        return Err(format!(
            "its page is {:.0} × {:.0} mm, and the letter's is {:.0} × {:.0} mm",
            mm(w),
            mm(h),
            mm(width),
            mm(height)
        ));
    }
    Ok(pdf)
}

/// A stream's data, decoded (or as it is when it has no filter).
pub(super) fn stream_bytes(doc: &lopdf::Document, id: ObjectId) -> Option<Vec<u8>> {
    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
    if stream.dict.has(b"Filter") {
        stream.decompressed_content_with_limit(MAX_DECODED).ok()
    } else {
        Some(stream.content.clone())
    }
}

/// The `/Count` of the page tree's root, which a bomb sets to billions.
fn declared_pages(doc: &lopdf::Document) -> i64 {
    doc.catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").ok())
        .and_then(|p| p.as_reference().ok())
        .and_then(|p| doc.get_dictionary(p).ok())
        .and_then(|p| p.get(b"Count").ok())
        .and_then(|c| c.as_i64().ok())
        .unwrap_or(0)
}

/// A number of a PDF array.
fn number(object: &Object) -> Option<f64> {
    match object {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// A rectangle `[llx lly urx ury]`, normalised.
pub(super) fn rect(object: &Object) -> Option<[f64; 4]> {
    let Object::Array(a) = object else {
        return None;
    };
    let v: Vec<f64> = a.iter().map(number).collect::<Option<_>>()?;
    let [a, b, c, d] = v[..] else { return None };
    let r = [a.min(c), b.min(d), a.max(c), b.max(d)];
    (r.iter().all(|x| x.is_finite()) && r[2] - r[0] > 0.0 && r[3] - r[1] > 0.0).then_some(r)
}

/// A page attribute, from the page or the page-tree node it inherits from.
fn inherited<'a>(doc: &'a lopdf::Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut dict = page;
    for _ in 0..32 {
        if let Ok(value) = dict.get(key) {
            return match value {
                Object::Reference(r) => doc.get_object(*r).ok(),
                v => Some(v),
            };
        }
        let parent = dict.get(b"Parent").and_then(Object::as_reference).ok()?;
        dict = doc.get_dictionary(parent).ok()?;
    }
    None
}

fn media_box(doc: &lopdf::Document, _id: ObjectId, page: &Dictionary) -> Option<[f64; 4]> {
    inherited(doc, page, b"MediaBox").and_then(rect)
}

/// What a page shows: its crop box within its media box, and its rotation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Geometry {
    pub(super) media: [f64; 4],
    pub(super) crop: [f64; 4],
    /// 0, 90, 180 or 270.
    pub(super) rotate: i64,
}

impl Geometry {
    /// The visible size in points as shown (rotation applied).
    pub(super) fn shown_size(&self) -> (f64, f64) {
        let (w, h) = (self.crop[2] - self.crop[0], self.crop[3] - self.crop[1]);
        if self.rotate % 180 == 0 {
            (w, h)
        } else {
            (h, w)
        }
    }
}

impl Foreign {
    /// The size in points (width, height) its first page shows.
    pub fn first_page_size(&self) -> Option<(f64, f64)> {
        self.geometry(0).map(|g| g.shown_size())
    }

    /// The geometry of page `index`.
    pub(super) fn geometry(&self, index: usize) -> Option<Geometry> {
        let id = *self.pages.get(index)?;
        let dict = self.doc.get_dictionary(id).ok()?;
        let media = media_box(&self.doc, id, dict)?;
        let crop = inherited(&self.doc, dict, b"CropBox")
            .and_then(rect)
            .map(|c| {
                [
                    c[0].max(media[0]),
                    c[1].max(media[1]),
                    c[2].min(media[2]),
                    c[3].min(media[3]),
                ]
            })
            .filter(|c| c[2] > c[0] && c[3] > c[1])
            .unwrap_or(media);
        let rotate = inherited(&self.doc, dict, b"Rotate")
            .and_then(|r| r.as_i64().ok())
            .unwrap_or(0)
            .rem_euclid(360);
        let rotate = if rotate % 90 == 0 { rotate } else { 0 };
        Some(Geometry {
            media,
            crop,
            rotate,
        })
    }

    /// The catalog's XMP metadata, if it has any we can read.
    fn metadata(&self) -> Option<Vec<u8>> {
        let id = self
            .doc
            .catalog()
            .ok()?
            .get(b"Metadata")
            .ok()?
            .as_reference()
            .ok()?;
        let stream = self.doc.get_object(id).ok()?.as_stream().ok()?;
        if stream.dict.has(b"Filter") {
            stream.decompressed_content_with_limit(MAX_DECODED).ok()
        } else {
            Some(stream.content.clone())
        }
    }

    /// Whether it says it is a tagged PDF (`/MarkInfo /Marked true` and a structure tree).
    pub fn tagged(&self) -> bool {
        let Ok(catalog) = self.doc.catalog() else {
            return false;
        };
        let marked = match catalog.get(b"MarkInfo") {
            Ok(Object::Dictionary(d)) => d.get(b"Marked").and_then(Object::as_bool).ok(),
            Ok(Object::Reference(r)) => self
                .doc
                .get_dictionary(*r)
                .ok()
                .and_then(|d| d.get(b"Marked").and_then(Object::as_bool).ok()),
            _ => None,
        };
        marked == Some(true) && catalog.has(b"StructTreeRoot")
    }

    /// Whether it says it is PDF/A (part 1, 2 or 3) with no output intent other than an RGB
    /// one, so that under our sRGB output intent it stays what it says.
    pub fn archival(&self) -> bool {
        let Some(xmp) = self.metadata() else {
            return false;
        };
        let xmp = String::from_utf8_lossy(&xmp);
        let part = ["pdfaid:part>", "pdfaid:part=\"", "pdfaid:part='"]
            .iter()
            .filter_map(|tag| xmp.find(tag).map(|at| &xmp[at + tag.len()..]))
            .filter_map(|rest| rest.trim_start().chars().next())
            .next();
        if !matches!(part, Some('1' | '2' | '3')) {
            return false;
        }
        let Ok(catalog) = self.doc.catalog() else {
            return false;
        };
        let intents = match catalog.get(b"OutputIntents") {
            Ok(Object::Array(a)) => a.clone(),
            Ok(Object::Reference(r)) => match self.doc.get_object(*r) {
                Ok(Object::Array(a)) => a.clone(),
                _ => return false,
            },
            _ => Vec::new(),
        };
        intents.iter().all(|intent| {
            let intent = match intent {
                Object::Reference(r) => self.doc.get_dictionary(*r).ok(),
                Object::Dictionary(d) => Some(d),
                _ => None,
            };
            let components = intent
                .and_then(|i| i.get(b"DestOutputProfile").ok())
                .and_then(|p| p.as_reference().ok())
                .and_then(|p| self.doc.get_object(p).ok())
                .and_then(|p| p.as_stream().ok())
                .and_then(|p| p.dict.get(b"N").and_then(Object::as_i64).ok());
            matches!(components, None | Some(3))
        })
    }
}

/// Copies objects of `from` into `to`, renumbered, starting at `roots`, each root taken as
/// `replace` has it when it is there (a page with its inherited attributes); gives each root's
/// new id. Page-tree parents are not followed (the caller sets them), unsafe actions and the
/// keys in `DROPPED_KEYS` are left out, and a reference to an object not copied becomes null.
pub(super) fn copy(
    to: &mut lopdf::Document,
    from: &lopdf::Document,
    roots: &[ObjectId],
    replace: &BTreeMap<ObjectId, Object>,
) -> Vec<ObjectId> {
    let get = |id: &ObjectId| replace.get(id).or_else(|| from.objects.get(id));
    let mut next = to
        .objects
        .keys()
        .next_back()
        .map_or(0, |k| k.0)
        .max(to.max_id);
    // Which objects are reached, without following `/Parent`.
    let mut map: BTreeMap<ObjectId, ObjectId> = BTreeMap::new();
    let mut todo: Vec<ObjectId> = roots.iter().rev().copied().collect();
    let mut order = Vec::new();
    while let Some(id) = todo.pop() {
        if map.contains_key(&id) {
            continue;
        }
        let Some(object) = get(&id) else {
            continue;
        };
        if is_unsafe_action(from, object) {
            continue;
        }
        next += 1;
        map.insert(id, (next, 0));
        order.push(id);
        let mut found = Vec::new();
        references(object, &mut |r| found.push(r));
        todo.extend(found.into_iter().rev());
    }
    to.max_id = next;
    let mut retag = Retag::new(to);
    for id in &order {
        let Some(object) = get(id) else {
            continue;
        };
        let mut object = object.clone();
        clean(&mut object, from);
        remap(&mut object, &map);
        retag.apply(&mut object);
        to.objects.insert(map[id], object);
    }
    roots
        .iter()
        .map(|r| map.get(r).copied().unwrap_or((0, 0)))
        .collect()
}

/// New subset tags for fonts copied in whose names the document has already: two different
/// subsets named alike (`LHAAAA+NotoSerif`, a letter of letterhead's as an enclosure) would
/// break ISO 32000-1 §9.6.4, and a reader that takes fonts by name could draw one with the
/// other's glyphs.
struct Retag {
    taken: BTreeSet<Vec<u8>>,
    renamed: BTreeMap<Vec<u8>, Vec<u8>>,
    next: usize,
}

impl Retag {
    fn new(doc: &lopdf::Document) -> Retag {
        let mut taken = BTreeSet::new();
        for object in doc.objects.values() {
            if let Object::Dictionary(d) = object {
                for key in [b"BaseFont".as_slice(), b"FontName"] {
                    if let Ok(name) = d.get(key).and_then(Object::as_name) {
                        taken.insert(name.to_vec());
                    }
                }
            }
        }
        Retag {
            taken,
            renamed: BTreeMap::new(),
            next: 0,
        }
    }

    fn apply(&mut self, object: &mut Object) {
        let Object::Dictionary(d) = object else {
            return;
        };
        for key in [b"BaseFont".as_slice(), b"FontName"] {
            let Ok(name) = d.get(key).and_then(Object::as_name) else {
                continue;
            };
            let name = name.to_vec();
            let tagged =
                name.len() > 7 && name[6] == b'+' && name[..6].iter().all(u8::is_ascii_uppercase);
            if !tagged || !self.taken.contains(&name) {
                continue;
            }
            let new = match self.renamed.get(&name) {
                Some(new) => new.clone(),
                None => loop {
                    let mut tag = *b"LEAAAA";
                    let mut n = self.next;
                    self.next += 1;
                    for slot in tag.iter_mut().rev().take(4) {
                        *slot = b'A' + (n % 26) as u8;
                        n /= 26;
                    }
                    let mut candidate = tag.to_vec();
                    candidate.extend_from_slice(&name[6..]);
                    if !self.taken.contains(&candidate) {
                        self.renamed.insert(name.clone(), candidate.clone());
                        break candidate;
                    }
                },
            };
            d.set(key, Object::Name(new));
        }
    }
}

/// Each reference in `object`, wherever it is.
pub(super) fn each_reference(object: &Object, found: &mut dyn FnMut(ObjectId)) {
    let mut stack = vec![object];
    while let Some(o) = stack.pop() {
        match o {
            Object::Reference(r) => found(*r),
            Object::Array(a) => stack.extend(a.iter()),
            Object::Dictionary(d) => stack.extend(d.iter().map(|(_, v)| v)),
            Object::Stream(s) => stack.extend(s.dict.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// Each reference in `object`, but those under `/Parent`, `/P` and the dropped keys.
fn references(object: &Object, found: &mut dyn FnMut(ObjectId)) {
    let mut stack = vec![object];
    while let Some(o) = stack.pop() {
        match o {
            Object::Reference(r) => found(*r),
            Object::Array(a) => stack.extend(a.iter()),
            Object::Dictionary(d) => stack.extend(followed(d)),
            Object::Stream(s) => stack.extend(followed(&s.dict)),
            _ => {}
        }
    }
}

fn followed(d: &Dictionary) -> impl Iterator<Item = &Object> {
    d.iter()
        .filter(|(k, _)| {
            let k = k.as_slice();
            k != b"Parent" && k != b"P" && !DROPPED_KEYS.contains(&k)
        })
        .map(|(_, v)| v)
}

/// Whether an object is an action we never carry, or a file attachment.
fn is_unsafe_action(doc: &lopdf::Document, object: &Object) -> bool {
    let dict = match object {
        Object::Dictionary(d) => d,
        Object::Reference(r) => match doc.objects.get(r) {
            Some(Object::Dictionary(d)) => d,
            _ => return false,
        },
        _ => return false,
    };
    let name = |key: &[u8]| dict.get(key).and_then(Object::as_name).ok();
    if let Some(s) = name(b"S")
        && UNSAFE_ACTIONS.contains(&s)
    {
        return true;
    }
    name(b"Subtype") == Some(b"FileAttachment".as_slice()) || name(b"Type") == Some(b"Filespec")
}

/// Leaves out what never comes across: the dropped keys, unsafe actions in place (`/A`,
/// `/Next`, `/OpenAction`), and direct file attachments in annotation lists.
fn clean(object: &mut Object, doc: &lopdf::Document) {
    let mut stack = vec![object];
    while let Some(o) = stack.pop() {
        let dict = match o {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &mut s.dict,
            Object::Array(a) => {
                a.retain(|item| !is_unsafe_action(doc, item));
                stack.extend(a.iter_mut());
                continue;
            }
            _ => continue,
        };
        for key in DROPPED_KEYS {
            dict.remove(key);
        }
        for key in [b"A".as_slice(), b"Next", b"OpenAction"] {
            if dict.get(key).is_ok_and(|a| is_unsafe_action(doc, a)) {
                dict.remove(key);
            }
        }
        // A `/Next` chain given as an array.
        for (_, value) in dict.iter_mut() {
            stack.push(value);
        }
    }
}

/// Points every reference at the copy; one to an object not copied becomes null.
fn remap(object: &mut Object, map: &BTreeMap<ObjectId, ObjectId>) {
    let mut stack = vec![object];
    while let Some(o) = stack.pop() {
        match o {
            Object::Reference(r) => match map.get(r) {
                Some(new) => *r = *new,
                None => *o = Object::Null,
            },
            Object::Array(a) => stack.extend(a.iter_mut()),
            Object::Dictionary(d) => stack.extend(d.iter_mut().map(|(_, v)| v)),
            Object::Stream(s) => stack.extend(s.dict.iter_mut().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// The page's attributes it inherits from the page tree, set on the page itself (its copy
/// hangs under our page tree, not the other file's).
pub(super) fn with_inherited(doc: &lopdf::Document, page: ObjectId) -> Option<Dictionary> {
    let mut dict = doc.get_dictionary(page).ok()?.clone();
    for key in [b"Resources".as_slice(), b"MediaBox", b"CropBox", b"Rotate"] {
        if !dict.has(key)
            && let Some(value) = inherited(doc, &dict.clone(), key)
        {
            dict.set(key, value.clone());
        }
    }
    Some(dict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_pdf_and_truncated_pdfs_are_refused() {
        assert!(parse(b"hello").unwrap_err().contains("not a PDF"));
        assert!(
            parse(b"%PDF-1.7\n1 0 obj\n<<")
                .unwrap_err()
                .contains("ends early")
        );
    }

    #[test]
    fn rectangles_are_normalised_and_empty_ones_refused() {
        let r = |v: [i64; 4]| Object::Array(v.iter().map(|&x| Object::Integer(x)).collect());
        assert_eq!(rect(&r([10, 20, 0, 0])), Some([0.0, 0.0, 10.0, 20.0]));
        assert_eq!(rect(&r([0, 0, 0, 5])), None);
    }
}
