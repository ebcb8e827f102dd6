//! A letter's objects made ready for the combined print file by the worker that wrote the
//! letter, so that the thread appending letters does as little as it can: it writes them in
//! order and gives them their ids in the file, which only it knows.
//!
//! Everything that does not depend on the letters before is done here: the letter's catalog,
//! page tree, info and structure tree root are marked to be left out, its pages inherit what
//! they inherited from its page tree, its structure tree is read, and its objects are
//! serialised. A serialised object marks where its references and structure parent keys go
//! (`REF`, `KEY`): the appending thread writes the ids and keys the file gives them. The few
//! objects the file changes (structure elements that become sections, subset fonts it
//! retags, images it holds once) stay objects.
//!
//! No serialised object holds the bytes 0 or 1 of its own: numbers, names (`#xx` escapes),
//! strings (octal escapes below space) and hex strings are all printable, and stream data is
//! kept apart.

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;
use std::sync::Arc;

use lopdf::{Object, ObjectId};

use super::objects::{PAGES, inherited_attributes, is_packing, serialize_with};
use crate::fonts::Face;
use crate::pdf::import::{Foreign, each_reference};

/// Marks a reference: the object number follows as 4 bytes and the generation as 2, little
/// endian.
pub(super) const REF: u8 = 0;
/// Marks a structure parent key (`/StructParents`, `/StructParent`): the key follows as 8
/// bytes, little endian.
pub(super) const KEY: u8 = 1;

/// What a page's `/Parent` is set to before it is serialised: the file's page tree, written
/// as it is rather than marked (no object of the letter has this number).
pub(super) const FILE_PAGES: ObjectId = (u32::MAX, u16::MAX);

/// A font a part's pages use and the file holds once: the id its font resources give it (no
/// object of the part has it), its face, and the glyphs used with the text each stands for.
pub(in crate::pdf) struct PartFont {
    pub(super) id: u32,
    pub(super) face: Arc<Face>,
    pub(super) glyphs: crate::pdf::font::GlyphTexts,
}

impl PartFont {
    pub(in crate::pdf) fn new(
        id: u32,
        face: Arc<Face>,
        glyphs: crate::pdf::font::GlyphTexts,
    ) -> PartFont {
        PartFont { id, face, glyphs }
    }
}

impl Part {
    /// The glyphs (ids in the face, with their texts) of each font the part's pages use.
    pub(in crate::pdf) fn font_glyphs(&self) -> impl Iterator<Item = BTreeMap<u16, String>> + '_ {
        self.fonts.iter().map(|f| {
            f.glyphs
                .iter()
                .map(|(g, text)| (g, text.to_string()))
                .collect()
        })
    }
}

/// Copies a part's marked text (see the module's documentation) to `out`, each reference written as the object
/// `resolve` gives and each structure parent key moved up by `key_offset`.
pub(super) fn resolve_marked(
    mut text: &[u8],
    out: &mut Vec<u8>,
    resolve: &dyn Fn(ObjectId) -> u32,
    key_offset: i64,
) {
    while let Some(at) = text.iter().position(|&b| b == REF || b == KEY) {
        out.extend_from_slice(&text[..at]);
        let rest = &text[at + 1..];
        if text[at] == REF && rest.len() >= 6 {
            let number = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
            let generation = u16::from_le_bytes([rest[4], rest[5]]);
            let _ = write!(out, "{} 0 R", resolve((number, generation)));
            text = &rest[6..];
        } else if text[at] == KEY && rest.len() >= 8 {
            let mut key = [0; 8];
            key.copy_from_slice(&rest[..8]);
            let _ = write!(out, "{}", i64::from_le_bytes(key) + key_offset);
            text = &rest[8..];
        } else {
            // Not made by `part` (it never cuts a mark short): left out.
            text = &[];
        }
    }
    out.extend_from_slice(text);
}

/// A letter's objects for the combined file, as its PDF was built (see
/// `export_for_combining`), before they are made ready.
pub struct RawPart {
    doc: lopdf::Document,
    fonts: Vec<PartFont>,
    enclosures: Vec<(String, usize)>,
    pdfua: bool,
    stationery: Vec<(ObjectId, Arc<Foreign>)>,
}

impl RawPart {
    pub(in crate::pdf) fn new(doc: lopdf::Document, fonts: Vec<PartFont>) -> RawPart {
        RawPart {
            doc,
            fonts,
            enclosures: Vec::new(),
            pdfua: true,
            stationery: Vec::new(),
        }
    }

    /// The part with its stationery drawn again under its pages (it was taken off for
    /// `part_of`), its forms to be held once in the file.
    pub(in crate::pdf) fn with_stationery(
        mut self,
        drawn: &crate::pdf::stationery::Drawn,
    ) -> RawPart {
        crate::pdf::stationery::rewrap(&mut self.doc, drawn);
        self.stationery.clone_from(&drawn.forms);
        self
    }

    /// The part with enclosures: their bookmarks, and whether PDF/UA may still be claimed.
    pub(in crate::pdf) fn with_enclosures(
        self,
        enclosures: Vec<(String, usize)>,
        pdfua: bool,
    ) -> RawPart {
        RawPart {
            enclosures,
            pdfua,
            ..self
        }
    }

    /// The part, ready to be appended.
    pub(in crate::pdf) fn ready(self) -> Part {
        prepare(self)
    }
}

/// One letter's objects, ready for the combined file.
pub struct Part {
    /// The letter's objects in the order of their ids, object and cross-reference streams
    /// left out.
    pub(super) objects: Vec<(ObjectId, Piece)>,
    /// The serialised objects' text, end to end.
    pub(super) text: Vec<u8>,
    /// Its pages in order.
    pub(super) pages: Vec<ObjectId>,
    /// The last page's `/MediaBox` (a blank page after it takes the same).
    pub(super) last_media_box: Option<Object>,
    /// Its structure tree, if it has one that can be read.
    pub(super) tree: Option<Tree>,
    pub(super) fonts: Vec<PartFont>,
    /// Its enclosures' titles and first pages (0-based, within the part).
    pub(super) enclosures: Vec<(String, usize)>,
    /// Whether it may be claimed PDF/UA (no pages from other files).
    pub(super) pdfua: bool,
    /// Its stationery forms, each with the objects it takes along when the file holds the
    /// form already, and the file it shows.
    pub(super) stationery: Vec<(ObjectId, Vec<ObjectId>, Arc<Foreign>)>,
}

/// One object of a part.
pub(super) enum Piece {
    /// Left out of the file (the letter's catalog, page tree, info, metadata and structure
    /// tree root), though it takes an id as the others do.
    Skipped,
    /// Serialised: the object's text in `Part::text`.
    Text(Range<usize>),
    /// A stream: its dictionary's text in `Part::text`, and its data.
    Stream(Range<usize>, Vec<u8>),
    /// Kept as an object, for the file to change.
    Object(Object),
}

/// A letter's structure tree.
pub(super) struct Tree {
    /// The catalog's `/Lang`.
    pub(super) lang: Option<Object>,
    /// `/ParentTreeNextKey`.
    pub(super) next_key: i64,
    /// The parent tree's entries: a key and its value, an object of the letter or one
    /// written in the tree (its text in `Part::text`).
    pub(super) nums: Vec<(i64, Num)>,
    /// The document elements, which become sections.
    pub(super) kids: Vec<ObjectId>,
}

/// A parent-tree value: an object of the letter, or an object written in the tree itself.
pub(super) enum Num {
    Ref(ObjectId),
    Text(Range<usize>),
}

fn prepare(draft: RawPart) -> Part {
    let RawPart {
        mut doc,
        fonts,
        enclosures,
        pdfua,
        stationery,
    } = draft;
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let mut text = Vec::new();
    let (mut skipped, tree) = catalog(&doc, &mut text);
    let mut kept: Vec<ObjectId> = tree.iter().flat_map(|t| t.kids.iter().copied()).collect();
    for (id, object) in &doc.objects {
        match object {
            Object::Dictionary(dict) => {
                let kind = dict.get(b"Type").and_then(Object::as_name).ok();
                if kind == Some(b"Pages".as_slice()) {
                    skipped.push(*id);
                }
                // Fonts, with the objects `retag_subsets` reads and may rename: a descendant
                // font, descriptors and their programs, whatever their `/Type` says.
                if kind == Some(b"Font".as_slice()) || kind == Some(b"FontDescriptor".as_slice()) {
                    kept.push(*id);
                    kept.extend(font_objects(&doc, dict));
                }
            }
            Object::Stream(stream)
                if stream.dict.get(b"Subtype").and_then(Object::as_name).ok()
                    == Some(b"Image".as_slice()) =>
            {
                kept.push(*id);
            }
            _ => {}
        }
    }
    skipped.sort_unstable();
    kept.sort_unstable();
    // What leaving a form out takes along: every object it reaches (before the pages point
    // at the file's page tree).
    let stationery = stationery
        .into_iter()
        .map(|(form, pdf)| (form, reached(&doc, form), pdf))
        .collect();
    let last_media_box = join_page_tree(&mut doc, &pages);
    let mut objects = Vec::with_capacity(doc.objects.len());
    for (id, object) in std::mem::take(&mut doc.objects) {
        if is_packing(&object) {
            continue;
        }
        let piece = if skipped.binary_search(&id).is_ok() {
            Piece::Skipped
        } else if kept.binary_search(&id).is_ok() {
            Piece::Object(object)
        } else if let Object::Stream(stream) = object {
            let start = text.len();
            marked_dictionary(&stream.dict, Some(stream.content.len()), &mut text);
            Piece::Stream(start..text.len(), stream.content)
        } else {
            let start = text.len();
            serialize_marked(&object, &mut text);
            Piece::Text(start..text.len())
        };
        objects.push((id, piece));
    }
    Part {
        objects,
        text,
        pages,
        last_media_box,
        tree,
        fonts,
        enclosures,
        pdfua,
        stationery,
    }
}

/// What the letter's catalog says: the objects the file leaves out (the catalog, info,
/// metadata and structure tree root), and its structure tree, whose parent-tree values
/// written in the tree itself are serialised into `text`.
pub(super) fn catalog(doc: &lopdf::Document, text: &mut Vec<u8>) -> (Vec<ObjectId>, Option<Tree>) {
    let catalog_id = doc.trailer.get(b"Root").and_then(Object::as_reference).ok();
    let catalog = catalog_id.and_then(|r| doc.get_dictionary(r).ok());
    let mut skipped: Vec<ObjectId> = Vec::new();
    skipped.extend(catalog_id);
    skipped.extend(doc.trailer.get(b"Info").and_then(Object::as_reference).ok());
    skipped.extend(
        catalog
            .and_then(|c| c.get(b"Metadata").ok())
            .and_then(|m| m.as_reference().ok()),
    );
    let tree_id = catalog
        .and_then(|c| c.get(b"StructTreeRoot").ok())
        .and_then(|t| t.as_reference().ok());
    let (Some(tree_id), Some(tree)) = (tree_id, tree_id.and_then(|t| doc.get_dictionary(t).ok()))
    else {
        return (skipped, None);
    };
    skipped.push(tree_id);
    let nums = match tree.get(b"ParentTree") {
        Ok(Object::Dictionary(d)) => d.get(b"Nums").ok(),
        Ok(Object::Reference(r)) => doc
            .get_dictionary(*r)
            .ok()
            .and_then(|d| d.get(b"Nums").ok()),
        _ => None,
    };
    let mut entries = Vec::new();
    if let Some(Object::Array(nums)) = nums {
        for pair in nums.chunks(2) {
            let [Object::Integer(k), value] = pair else {
                continue;
            };
            let value = match value {
                Object::Reference(r) => Num::Ref(*r),
                other => {
                    // Written as an object of its own: its own keys are not the page's, and
                    // stay as they are.
                    let start = text.len();
                    serialize_with(other, text, &mut mark);
                    Num::Text(start..text.len())
                }
            };
            entries.push((*k, value));
        }
    }
    let kids: Vec<ObjectId> = match tree.get(b"K") {
        Ok(Object::Reference(r)) => vec![*r],
        Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
        _ => Vec::new(),
    };
    let tree = Tree {
        lang: catalog.and_then(|c| c.get(b"Lang").ok()).cloned(),
        next_key: tree
            .get(b"ParentTreeNextKey")
            .and_then(Object::as_i64)
            .unwrap_or(0),
        nums: entries,
        kids,
    };
    (skipped, Some(tree))
}

/// Every object `form` reaches, itself included.
fn reached(doc: &lopdf::Document, form: ObjectId) -> Vec<ObjectId> {
    let mut reached = std::collections::BTreeSet::new();
    let mut todo = vec![form];
    while let Some(id) = todo.pop() {
        if let Some(object) = doc.objects.get(&id)
            && reached.insert(id)
        {
            each_reference(object, &mut |r| todo.push(r));
        }
    }
    reached.into_iter().collect()
}

/// Makes `pages` pages of the file's page tree: each takes what it inherited from the
/// letter's. Gives the last page's `/MediaBox`.
fn join_page_tree(doc: &mut lopdf::Document, pages: &[ObjectId]) -> Option<Object> {
    let mut last_media_box = None;
    for page in pages {
        let inherited = inherited_attributes(doc, *page);
        if let Ok(Object::Dictionary(dict)) = doc.get_object_mut(*page) {
            for (key, value) in inherited {
                if !dict.has(&key) {
                    dict.set(key, value);
                }
            }
            dict.set("Parent", Object::Reference(FILE_PAGES));
            last_media_box = dict.get(b"MediaBox").ok().cloned();
        }
    }
    last_media_box
}

/// The objects a font's names are in besides its own dictionary: the descendant font of a
/// `Type0` font, the font descriptors of either, and the descriptors' font programs.
fn font_objects(doc: &lopdf::Document, font: &lopdf::Dictionary) -> Vec<ObjectId> {
    let mut found = Vec::new();
    let mut holders = vec![font];
    if let Ok(Object::Array(list)) = font.get(b"DescendantFonts") {
        match list.first() {
            Some(Object::Reference(r)) => {
                found.push(*r);
                holders.extend(doc.get_dictionary(*r).ok());
            }
            Some(Object::Dictionary(d)) => holders.push(d),
            _ => {}
        }
    }
    for holder in holders {
        if let Ok(descriptor) = holder.get(b"FontDescriptor").and_then(Object::as_reference) {
            found.push(descriptor);
            if let Ok(d) = doc.get_dictionary(descriptor) {
                for key in [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"] {
                    found.extend(d.get(key).and_then(Object::as_reference).ok());
                }
            }
        }
    }
    found
}

/// Serialises `object` with its references marked, and in a dictionary (not a stream's) the
/// structure parent keys at its top: those the file moves up.
fn serialize_marked(object: &Object, out: &mut Vec<u8>) {
    match object {
        Object::Dictionary(dict) => marked_dictionary(dict, None, out),
        _ => serialize_with(object, out, &mut mark),
    }
}

/// A dictionary with its references marked: a stream's (`length`: its data's length, set as
/// `/Length` where the dictionary has one, else last) or, without one, an object's, whose
/// structure parent keys are marked too.
fn marked_dictionary(dict: &lopdf::Dictionary, length: Option<usize>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        crate::pdf::save::write_name(out, key);
        out.push(b' ');
        match (value, length) {
            (_, Some(length)) if key.as_slice() == b"Length" => {
                let _ = write!(out, "{length}");
            }
            (Object::Integer(k), None)
                if key.as_slice() == b"StructParents" || key.as_slice() == b"StructParent" =>
            {
                out.push(KEY);
                out.extend_from_slice(&k.to_le_bytes());
            }
            _ => serialize_with(value, out, &mut mark),
        }
    }
    if let Some(length) = length
        && !dict.has(b"Length")
    {
        let _ = write!(out, "/Length {length}");
    }
    out.extend_from_slice(b">>");
}

/// Writes a reference marked, or the file's page tree as it is.
fn mark(out: &mut Vec<u8>, id: ObjectId) {
    if id == FILE_PAGES {
        let _ = write!(out, "{PAGES} 0 R");
    } else {
        out.push(REF);
        out.extend_from_slice(&id.0.to_le_bytes());
        out.extend_from_slice(&id.1.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Dictionary, StringFormat};

    /// A marked object's text, its marks resolved to the same numbers and keys, is the
    /// object serialised: whatever bytes its strings and names hold.
    #[test]
    fn marked_text_resolved_is_the_object_serialised() {
        let awkward: Vec<u8> = (0u8..=255).collect();
        let page = Object::Dictionary(Dictionary::from_iter([
            ("Type", Object::Name(b"Page".to_vec())),
            ("StructParents", Object::Integer(7)),
            (
                "Annots",
                Object::Array(vec![
                    Object::Reference((12, 0)),
                    Object::Reference((300, 2)),
                ]),
            ),
            (
                "Title",
                Object::String(awkward.clone(), StringFormat::Literal),
            ),
            (
                "ID",
                Object::String(awkward.clone(), StringFormat::Hexadecimal),
            ),
            ("Odd", Object::Name(awkward)),
            (
                "Nested",
                Object::Dictionary(Dictionary::from_iter([
                    ("StructParent", Object::Integer(3)),
                    ("Pg", Object::Reference((4, 0))),
                ])),
            ),
            ("Scale", Object::Real(0.5)),
        ]));
        let mut marked = Vec::new();
        serialize_marked(&page, &mut marked);
        let mut resolved = Vec::new();
        resolve_marked(&marked, &mut resolved, &|(id, _)| id, 0);
        let mut plain = Vec::new();
        super::super::objects::serialize(&page, &mut plain);
        // Generation 2 becomes 0: the file gives every object generation 0.
        let plain = String::from_utf8_lossy(&plain).replace("300 2 R", "300 0 R");
        assert_eq!(String::from_utf8_lossy(&resolved), plain);
        // The keys move up at the top of the dictionary only, references go where they are
        // told.
        let mut moved = Vec::new();
        resolve_marked(&marked, &mut moved, &|(id, _)| id + 1000, 40);
        let moved = String::from_utf8_lossy(&moved);
        assert!(moved.contains("/StructParents 47"), "{moved}");
        assert!(moved.contains("/StructParent 3"), "{moved}");
        assert!(moved.contains("[1012 0 R 1300 0 R]"), "{moved}");
        assert!(moved.contains("/Pg 1004 0 R"), "{moved}");
    }

    /// A stream's dictionary gets its data's length, where it had one or else last, as
    /// `serialize` writes it.
    #[test]
    fn a_stream_dictionary_gets_its_length() {
        for dict in [
            Dictionary::from_iter([
                ("Length", Object::Integer(1)),
                ("Filter", Object::Name(b"FlateDecode".to_vec())),
            ]),
            Dictionary::from_iter([
                ("Subtype", Object::Name(b"Image".to_vec())),
                ("SMask", Object::Reference((9, 0))),
            ]),
        ] {
            let stream = lopdf::Stream::new(dict.clone(), b"0123456789".to_vec());
            let mut marked = Vec::new();
            marked_dictionary(&stream.dict, Some(stream.content.len()), &mut marked);
            marked.extend_from_slice(b"\nstream\n0123456789\nendstream");
            let mut resolved = Vec::new();
            resolve_marked(&marked, &mut resolved, &|(id, _)| id, 0);
            let mut plain = Vec::new();
            super::super::objects::serialize(&Object::Stream(stream), &mut plain);
            assert_eq!(resolved, plain);
        }
    }
}
