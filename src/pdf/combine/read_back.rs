//! PDFs letterhead wrote, read back and appended (`letterhead combine`): letters, or the
//! combined files of a merge's shards, whose bookmarks and sections are kept. They are read
//! with lopdf and renumbered here, on the thread appending them.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Object, ObjectId};

use super::objects::{
    NOTHING, PAGES, STRUCT_DOCUMENT, inherited_attributes, is_packing, renumber_object,
    shift_struct_parents,
};
use super::{Combiner, Placement, part};

impl Combiner {
    /// Appends a PDF letterhead wrote, read back: a letter (`title` is its bookmark) or a
    /// combined file, whose bookmarks and sections are kept.
    pub fn append_pdf(&mut self, pdf: &[u8], title: &str) -> Result<Placement, String> {
        let mut doc = lopdf::Document::load_mem(pdf).map_err(|e| format!("cannot read it: {e}"))?;
        if doc.trailer.get(b"Encrypt").is_ok() {
            return Err("it is encrypted".into());
        }
        let producer = doc
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .and_then(|r| doc.get_dictionary(r))
            .and_then(|i| i.get(b"Producer"))
            .and_then(Object::as_str)
            .map(|p| p.to_vec())
            .unwrap_or_default();
        if !producer.starts_with(b"letterhead ") {
            return Err(
                "letterhead did not write it (only letterhead's own letters and combined files can be joined)"
                    .into(),
            );
        }
        let catalog = doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .and_then(|r| doc.get_dictionary(r))
            .map_err(|_| "it has no catalog".to_string())?;
        let duplex = catalog
            .get(b"ViewerPreferences")
            .and_then(Object::as_dict)
            .is_ok_and(|p| p.has(b"Duplex"));
        let combined = catalog.has(b"Outlines");
        // A file whose tags do not cover all of it (a letter with enclosures) is not PDF/UA,
        // nor is a file joining it.
        let suspects = catalog
            .get(b"MarkInfo")
            .and_then(Object::as_dict)
            .and_then(|m| m.get(b"Suspects"))
            .and_then(Object::as_bool)
            .unwrap_or(false);
        self.pdfua &= !suspects;
        self.duplex_inputs &= duplex;
        self.read_back += 1;
        self.next_id = renumber(&mut doc, self.next_id);
        self.retag_subsets(&mut doc);
        if combined {
            return self.append_combined(doc);
        }
        self.append_document(doc, title)
    }

    /// Appends a combined file: its pages, its bookmarks and its letters' sections.
    pub(super) fn append_combined(
        &mut self,
        mut doc: lopdf::Document,
    ) -> Result<Placement, String> {
        let bad = || "its bookmarks or structure cannot be read".to_string();
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        if pages.is_empty() {
            return Err("it has no pages".into());
        }
        let root = doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .map_err(|_| bad())?;
        let catalog = doc.get_dictionary(root).map_err(|_| bad())?.clone();
        let mut skip: BTreeSet<ObjectId> = BTreeSet::new();
        skip.insert(root);
        for key in [
            b"Outlines".as_slice(),
            b"Metadata",
            b"StructTreeRoot",
            b"Pages",
        ] {
            if let Ok(id) = catalog.get(key).and_then(Object::as_reference) {
                skip.insert(id);
            }
        }
        if let Ok(info) = doc.trailer.get(b"Info").and_then(Object::as_reference) {
            skip.insert(info);
        }
        // The bookmarks: the items' titles and pages, the items themselves left out.
        let mut item = catalog
            .get(b"Outlines")
            .and_then(Object::as_reference)
            .and_then(|o| doc.get_dictionary(o))
            .and_then(|o| o.get(b"First"))
            .and_then(Object::as_reference)
            .ok();
        while let Some(id) = item {
            if !skip.insert(id) {
                return Err(bad());
            }
            let dict = doc.get_dictionary(id).map_err(|_| bad())?;
            let title = match dict.get(b"Title") {
                Ok(Object::String(bytes, _)) => decode_text(bytes),
                _ => String::new(),
            };
            let page = match dict.get(b"Dest") {
                Ok(Object::Array(dest)) => dest.first().and_then(|p| p.as_reference().ok()),
                _ => None,
            };
            if let Some(page) = page {
                self.bookmarks.push((title, page.0));
            }
            item = dict.get(b"Next").and_then(Object::as_reference).ok();
        }
        // The structure: the file's sections become this file's.
        let tree = catalog
            .get(b"StructTreeRoot")
            .and_then(Object::as_reference)
            .and_then(|t| doc.get_dictionary(t))
            .ok()
            .cloned();
        match tree {
            Some(tree) => {
                if self.lang.is_none() {
                    self.lang = catalog.get(b"Lang").ok().cloned();
                }
                let offset = self.next_key;
                self.next_key += tree
                    .get(b"ParentTreeNextKey")
                    .and_then(Object::as_i64)
                    .unwrap_or(0);
                shift_struct_parents(&mut doc, offset);
                if let Ok(Object::Dictionary(parent_tree)) = tree.get(b"ParentTree")
                    && let Ok(Object::Array(nums)) = parent_tree.get(b"Nums")
                {
                    for pair in nums.chunks(2) {
                        if let [Object::Integer(k), Object::Reference(r)] = pair {
                            self.parent_tree.push((k + offset, r.0));
                        }
                    }
                }
                let document = tree.get(b"K").and_then(Object::as_reference).ok();
                if let Some(document) = document {
                    skip.insert(document);
                    let kids = match doc.get_dictionary(document).and_then(|d| d.get(b"K")) {
                        Ok(Object::Array(kids)) => {
                            kids.iter().filter_map(|k| k.as_reference().ok()).collect()
                        }
                        _ => Vec::new(),
                    };
                    for kid in kids {
                        if let Ok(dict) = doc.get_dictionary_mut(kid) {
                            dict.set("P", Object::Reference((STRUCT_DOCUMENT, 0)));
                            self.sections.push(kid.0);
                        }
                    }
                }
                self.all_tagged &= catalog.has(b"MarkInfo");
            }
            None => self.all_tagged = false,
        }
        let _ = self.share_images(&mut doc, &mut skip);
        let first_page = self.kids.len() + 1;
        for page in &pages {
            if let Ok(Object::Dictionary(dict)) = doc.get_object_mut(*page) {
                dict.set("Parent", Object::Reference((PAGES, 0)));
            }
            self.kids.push(page.0);
        }
        self.write_objects(&doc, &skip)?;
        Ok(Placement {
            first_page,
            pages: pages.len(),
        })
    }

    /// Writes every object of `doc` but those in `skip`, and moves the next free id past them.
    pub(super) fn write_objects(
        &mut self,
        doc: &lopdf::Document,
        skip: &BTreeSet<ObjectId>,
    ) -> Result<(), String> {
        if let Some(last) = doc.objects.keys().next_back() {
            self.next_id = self.next_id.max(last.0 + 1);
        }
        let objects = doc
            .objects
            .iter()
            .filter(|(id, object)| !skip.contains(id) && !is_packing(object))
            .map(|(id, object)| (id.0, object));
        self.write_packed(objects)
            .map_err(|e| format!("cannot write the combined file: {e}"))
    }

    /// Appends one letter, renumbered for this file; `title` is its bookmark.
    pub(super) fn append_document(
        &mut self,
        mut doc: lopdf::Document,
        title: &str,
    ) -> Result<Placement, String> {
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        if pages.is_empty() {
            return Err("it has no pages".into());
        }
        // The letter's own catalog, page tree and info are replaced by the combined file's.
        let mut skip: BTreeSet<ObjectId> = BTreeSet::new();
        if let Ok(root) = doc.trailer.get(b"Root").and_then(Object::as_reference) {
            skip.insert(root);
        }
        if let Ok(info) = doc.trailer.get(b"Info").and_then(Object::as_reference) {
            skip.insert(info);
        }
        for (id, object) in &doc.objects {
            // Page-tree nodes are replaced.
            if let Object::Dictionary(dict) = object
                && dict.get(b"Type").and_then(Object::as_name).ok() == Some(b"Pages".as_slice())
            {
                skip.insert(*id);
            }
        }
        // Subsets of faces the file does not hold once (PDFs read back).
        self.retag_subsets(&mut doc);
        let _ = self.share_images(&mut doc, &mut skip);
        self.join_structure(&mut doc, &mut skip, title)
            .map_err(|e| format!("cannot write the combined file: {e}"))?;
        let first_page = self.kids.len() + 1;
        let mut last_media_box = None;
        for page in &pages {
            let inherited = inherited_attributes(&doc, *page);
            if let Ok(Object::Dictionary(dict)) = doc.get_object_mut(*page) {
                for (key, value) in inherited {
                    if !dict.has(&key) {
                        dict.set(key, value);
                    }
                }
                dict.set("Parent", Object::Reference((PAGES, 0)));
                last_media_box = dict.get(b"MediaBox").ok().cloned();
            }
            self.kids.push(page.0);
        }
        self.write_objects(&doc, &skip)?;
        self.bookmarks.push((title.to_string(), pages[0].0));
        if self.duplex && pages.len() % 2 == 1 {
            self.write_blank(last_media_box)
                .map_err(|e| format!("cannot write the combined file: {e}"))?;
        }
        Ok(Placement {
            first_page,
            pages: pages.len(),
        })
    }

    /// Makes the letter's structure tree part of the file's (see `join_sections`), and
    /// leaves out its metadata and tree root (`skip`).
    pub(super) fn join_structure(
        &mut self,
        doc: &mut lopdf::Document,
        skip: &mut BTreeSet<ObjectId>,
        title: &str,
    ) -> std::io::Result<()> {
        let mut text = Vec::new();
        let (left_out, tree) = part::catalog(doc, &mut text);
        skip.extend(left_out);
        match tree {
            None => self.all_tagged = false,
            Some(tree) => {
                self.join_sections(tree, &text, doc, &|id| id.0, title)?;
            }
        }
        Ok(())
    }
}

/// Gives a document's objects the ids from `first` on, in the order of their ids; a reference
/// to an object the document lacks points at `NOTHING`. Returns the next free id.
pub(super) fn renumber(doc: &mut lopdf::Document, first: u32) -> u32 {
    let objects = std::mem::take(&mut doc.objects);
    let objects: Vec<(ObjectId, Object)> = objects
        .into_iter()
        .filter(|(_, object)| !is_packing(object))
        .collect();
    let ids: BTreeMap<ObjectId, u32> = objects
        .iter()
        .zip(first..)
        .map(|((id, _), new)| (*id, new))
        .collect();
    let map = |id: ObjectId| -> ObjectId { (ids.get(&id).copied().unwrap_or(NOTHING), 0) };
    let next = first + ids.len() as u32;
    doc.objects = objects
        .into_iter()
        .map(|(id, mut object)| {
            renumber_object(&mut object, &map);
            (map(id), object)
        })
        .collect();
    doc.trailer
        .iter_mut()
        .for_each(|(_, v)| renumber_object(v, &map));
    doc.max_id = next.saturating_sub(1);
    next
}

/// A PDF text string's text: UTF-16BE after a byte-order mark, else PDFDocEncoding (read as
/// Latin-1, which it is for the text letterhead writes).
fn decode_text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}
