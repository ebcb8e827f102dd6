//! The combined print file of a mail merge: letters' PDFs appended one after another into one
//! PDF, with a bookmark per letter and, for duplex printing, a blank page after each letter with
//! an odd page count so that every letter starts on a front side.
//!
//! Letters are streamed: each letter's objects, made ready by the worker that wrote its PDF (a
//! `Part`: serialised, with marks where the ids and keys only the file knows go), are given
//! their ids and written out at once, so memory holds only the byte offsets, page references
//! and the glyphs used, however many letters there are. The objects are serialised by our own
//! writer because lopdf writes whole documents only (its object writer is private), and holding
//! thousands of letters as one lopdf document is what streaming avoids. It writes a temporary
//! file that `finish` renames into place.
//!
//! The thread appending letters does one letter at a time while the workers make the next:
//! when it renumbered and serialised each letter's lopdf objects itself (and freed what the
//! workers had allocated), a 5,000-row merge spent a sixth of its CPU time there.
//!
//! Fonts are held once per face for the whole file: a letter's part leaves its font subsets
//! out and shows glyphs by their ids in the face, and `finish` writes one subset of each face
//! with every glyph the letters used (`font::add_shared`). Images are held once too.
//!
//! `letterhead combine` joins PDFs letterhead wrote (letters, or combined files of the shards
//! of a merge) with the same code, reading each back with lopdf: their fonts stay theirs, their
//! bookmarks and sections are kept.
//!
//! The file has one structure tree: each letter's `Document` element becomes a `Sect` titled
//! like its bookmark, under one `Document`; the letters' parent-tree keys move up by the keys
//! of the letters before them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::strings::text_string;
use crate::fonts::Face;

mod objects;
mod part;

use objects::{
    CATALOG, FIRST_FREE, INFO, METADATA, NOTHING, OUTLINES, PAGES, STRUCT_DOCUMENT, STRUCT_TREE,
    inherited_attributes, is_packing, serialize, serialize_dict, write_reference,
};
pub use part::Part;
use part::{Num, Piece, resolve_marked};
pub(super) use part::{PartFont, RawPart};

/// A face's font in the file: its face, the id reserved for its `Type0` dictionary, and every
/// glyph used so far with its text.
struct SharedFont {
    face: Arc<Face>,
    id: u32,
    glyphs: BTreeMap<u16, String>,
}

/// Objects packed into one object stream at most.
const PACK: usize = 100;

/// Where an object is in the file, for the cross-reference stream, in 8 bytes (a file holds
/// about 60 per letter): 0 when it is not written, the byte offset + 1 when it is written as it
/// is, else `IN` with the object stream's id and the index in it.
#[derive(Debug, Clone, Copy)]
struct Entry(u64);

const IN: u64 = 1 << 63;

impl Entry {
    const FREE: Entry = Entry(0);

    fn at(offset: u64) -> Entry {
        Entry(offset + 1)
    }

    fn inside(stream: u32, index: u16) -> Entry {
        Entry(IN | (u64::from(stream) << 16) | u64::from(index))
    }

    /// The entry's type, second and third field in the cross-reference stream.
    fn fields(self) -> (u8, u64, u16) {
        match self.0 {
            0 => (0, 0, 65535),
            v if v & IN != 0 => (2, (v & !IN) >> 16, (v & 0xffff) as u16),
            v => (1, v - 1, 0),
        }
    }
}

/// Where a letter landed in the combined file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// 1-based number of the letter's first page.
    pub first_page: usize,
    /// The letter's pages (blank padding not counted).
    pub pages: usize,
}

/// A combined PDF being written.
pub struct Combiner {
    out: BufWriter<File>,
    tmp: PathBuf,
    path: PathBuf,
    /// Bytes written so far.
    offset: u64,
    /// Where each object is, by id.
    entries: Vec<Entry>,
    next_id: u32,
    /// Page objects in order.
    kids: Vec<u32>,
    /// Bookmarks: title and first page object.
    bookmarks: Vec<(String, u32)>,
    duplex: bool,
    /// Hash of everything written, for the document ID.
    hash: u64,
    /// Image XObjects written so far, by a digest of their dictionary and data: every letter
    /// of a merge carries the same logo and signature, which the combined file holds once.
    images: BTreeMap<u128, u32>,
    /// Renamed into place: the temporary file is gone.
    finished: bool,
    /// Seconds since the epoch the file is dated (`SOURCE_DATE_EPOCH` when set).
    created: i64,
    /// Subset tags given out so far: the tag of each distinct subset, and the tags in use
    /// for each font name (see `retag_subsets`).
    subsets: BTreeMap<(Vec<u8>, u64), Vec<u8>>,
    tags_used: BTreeSet<(Vec<u8>, Vec<u8>)>,
    next_tag: usize,
    /// The structure tree: each letter's section, the parent tree's entries (key and the
    /// object holding the value), the next free key, the first letter's language, and
    /// whether every letter so far was tagged.
    sections: Vec<u32>,
    parent_tree: Vec<(i64, u32)>,
    next_key: i64,
    lang: Option<Object>,
    all_tagged: bool,
    /// One font per face, in order of first use.
    fonts: Vec<SharedFont>,
    /// PDFs read back and appended (`letterhead combine`), and whether every one of them said
    /// it is for duplex printing.
    read_back: usize,
    duplex_inputs: bool,
    /// No letter so far carried pages from another file: the file may claim PDF/UA.
    pdfua: bool,
    /// Stationery forms written, by the file they show: the id and the file (kept, so that
    /// its address is not another's).
    stationery: BTreeMap<usize, (u32, Arc<super::import::Foreign>)>,
    /// Why writing the file failed (a full disk), when it did: the file is lost, while the
    /// letters being appended are not at fault.
    broken: Option<String>,
    /// An object serialised before it is written, and an object stream's offsets and bodies
    /// as it is filled: kept from object to object.
    scratch: Vec<u8>,
    packing: Pack,
}

/// An object stream being filled: its objects' ids, the offsets of their bodies, and the
/// bodies.
#[derive(Default)]
struct Pack {
    ids: Vec<u32>,
    header: String,
    body: Vec<u8>,
}

impl Pack {
    fn clear(&mut self) {
        self.ids.clear();
        self.header.clear();
        self.body.clear();
    }
}

/// The largest buffer the combiner keeps between objects (an image's stream can be
/// megabytes).
const SCRATCH_KEPT: usize = 1 << 20;

impl Drop for Combiner {
    /// A combined file never finished (an error, a panic) leaves no temporary file behind.
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

impl Combiner {
    /// Starts writing the combined file `path` (through a temporary file beside it), dated
    /// `created` (seconds since the epoch).
    pub fn create(
        path: &Path,
        tmp: &Path,
        duplex: bool,
        created: i64,
    ) -> std::io::Result<Combiner> {
        let file = File::create(tmp)?;
        let mut c = Combiner {
            out: BufWriter::with_capacity(1 << 16, file),
            tmp: tmp.to_path_buf(),
            path: path.to_path_buf(),
            offset: 0,
            entries: vec![Entry::FREE; FIRST_FREE as usize],
            next_id: FIRST_FREE,
            kids: Vec::new(),
            bookmarks: Vec::new(),
            duplex,
            hash: 0xcbf2_9ce4_8422_2325,
            images: BTreeMap::new(),
            finished: false,
            created,
            subsets: BTreeMap::new(),
            tags_used: BTreeSet::new(),
            next_tag: 0,
            sections: Vec::new(),
            parent_tree: Vec::new(),
            next_key: 0,
            lang: None,
            all_tagged: true,
            fonts: Vec::new(),
            read_back: 0,
            duplex_inputs: true,
            pdfua: true,
            stationery: BTreeMap::new(),
            broken: None,
            scratch: Vec::new(),
            packing: Pack::default(),
        };
        // A binary comment after the header marks the file as binary for transfer tools.
        c.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")?;
        Ok(c)
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if let Err(err) = self.out.write_all(bytes) {
            self.broken.get_or_insert_with(|| err.to_string());
            return Err(err);
        }
        self.offset += bytes.len() as u64;
        // FNV-1a over the content: the same letters give the same ID.
        for b in bytes {
            self.hash = (self.hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        Ok(())
    }

    fn set_entry(&mut self, id: u32, entry: Entry) {
        let index = id as usize;
        if self.entries.len() <= index {
            self.entries.resize(index + 1, Entry::FREE);
        }
        self.entries[index] = entry;
    }

    fn write_object(&mut self, id: u32, object: &Object) -> std::io::Result<()> {
        self.set_entry(id, Entry::at(self.offset));
        // Into the buffer kept for it: a new one for each object grew, copy by copy, to the
        // size of each content stream.
        let mut buf = std::mem::take(&mut self.scratch);
        buf.clear();
        let _ = writeln!(buf, "{id} 0 obj");
        serialize(object, &mut buf);
        buf.extend_from_slice(b"\nendobj\n");
        let written = self.write(&buf);
        if buf.capacity() <= SCRATCH_KEPT {
            self.scratch = buf;
        }
        written
    }

    /// Writes objects, those that are not streams packed into compressed object streams (PDF
    /// 1.5, §7.5.7) of up to `PACK` objects: dictionaries (pages, structure elements,
    /// annotations, bookmarks) are two thirds of a letter's bytes, and shrink to a fifth.
    fn write_packed<'o>(
        &mut self,
        objects: impl IntoIterator<Item = (u32, &'o Object)>,
    ) -> std::io::Result<()> {
        for (id, object) in objects {
            if matches!(object, Object::Stream(_)) {
                self.write_object(id, object)?;
            } else {
                self.pack(id, |out| serialize(object, out))?;
            }
        }
        self.flush_pack()
    }

    /// Adds object `id`, which `fill` serialises, to the object stream being filled, and
    /// writes that stream once it holds `PACK` objects.
    fn pack(&mut self, id: u32, fill: impl FnOnce(&mut Vec<u8>)) -> std::io::Result<()> {
        let pack = &mut self.packing;
        if !pack.body.is_empty() {
            pack.body.push(b'\n');
            pack.header.push(' ');
        }
        let _ =
            std::fmt::Write::write_fmt(&mut pack.header, format_args!("{id} {}", pack.body.len()));
        fill(&mut pack.body);
        pack.ids.push(id);
        if pack.ids.len() == PACK {
            self.flush_pack()?;
        }
        Ok(())
    }

    /// Writes the object stream being filled, if it holds any object, as one object stream
    /// (its dictionary as `serialize` writes a stream's: `/Type /ObjStm /N /First /Length`,
    /// then `/Filter` when deflating made it smaller, as lopdf's `Stream::new` sets the
    /// length first).
    fn flush_pack(&mut self) -> std::io::Result<()> {
        if self.packing.ids.is_empty() {
            return Ok(());
        }
        let mut pack = std::mem::take(&mut self.packing);
        let stream_id = self.next_id;
        self.next_id += 1;
        pack.header.push('\n');
        let first = pack.header.len();
        let mut content = std::mem::take(&mut self.scratch);
        content.clear();
        content.extend_from_slice(pack.header.as_bytes());
        content.extend_from_slice(&pack.body);
        let compressed = super::save::deflate_fast(&content)
            .filter(|compressed| compressed.len() + 19 < content.len());
        let count = pack.ids.len();
        for (index, id) in pack.ids.iter().enumerate() {
            self.set_entry(*id, Entry::inside(stream_id, index as u16));
        }
        self.set_entry(stream_id, Entry::at(self.offset));
        let data = compressed.as_deref().unwrap_or(&content);
        let mut head = Vec::with_capacity(96);
        let _ = writeln!(head, "{stream_id} 0 obj");
        head.extend_from_slice(b"<<");
        let integer = |head: &mut Vec<u8>, key: &[u8], value: usize| {
            super::save::write_name(head, key);
            head.push(b' ');
            serialize(&Object::Integer(value as i64), head);
        };
        super::save::write_name(&mut head, b"Type");
        head.push(b' ');
        super::save::write_name(&mut head, b"ObjStm");
        integer(&mut head, b"N", count);
        integer(&mut head, b"First", first);
        integer(&mut head, b"Length", data.len());
        if compressed.is_some() {
            super::save::write_name(&mut head, b"Filter");
            head.push(b' ');
            super::save::write_name(&mut head, b"FlateDecode");
        }
        head.extend_from_slice(b">>\nstream\n");
        let written = self
            .write(&head)
            .and_then(|()| self.write(data))
            .and_then(|()| self.write(b"\nendstream\nendobj\n"));
        if content.capacity() <= SCRATCH_KEPT {
            self.scratch = content;
        }
        pack.clear();
        if pack.body.capacity() <= SCRATCH_KEPT {
            self.packing = pack;
        }
        written
    }

    /// Appends one letter's objects; `title` is its bookmark.
    pub fn append(&mut self, part: Part, title: &str) -> Result<Placement, String> {
        let Part {
            objects,
            text,
            pages,
            last_media_box,
            tree,
            fonts,
            enclosures,
            pdfua,
            stationery,
        } = part;
        if pages.is_empty() {
            return Err("it has no pages".into());
        }
        // What a letter that failed halfway (a panic) left in the object stream being filled.
        self.packing.clear();
        // The letter's fonts become references to the file's font of each face.
        let mut fixed: BTreeMap<u32, u32> = BTreeMap::new();
        for font in fonts {
            let index = match self
                .fonts
                .iter()
                .position(|f| Arc::ptr_eq(&f.face, &font.face))
            {
                Some(i) => i,
                None => {
                    let id = self.next_id;
                    self.next_id += 1;
                    self.fonts.push(SharedFont {
                        face: font.face,
                        id,
                        glyphs: BTreeMap::new(),
                    });
                    self.fonts.len() - 1
                }
            };
            let shared = &mut self.fonts[index];
            for (glyph, text) in font.glyphs.iter() {
                let entry = shared.glyphs.entry(glyph).or_default();
                if entry.is_empty() {
                    text.clone_into(entry);
                }
            }
            fixed.insert(font.id, shared.id);
        }
        let local: Vec<ObjectId> = objects.iter().map(|(id, _)| *id).collect();
        let index = |id: ObjectId| local.binary_search(&id).ok();
        // A stationery form the file holds already is left out, with what it reaches; a new
        // one is written with the letter, under the id it is about to get.
        let mut gone = vec![false; objects.len()];
        let mut new_forms = Vec::new();
        for (form, reached, pdf) in stationery {
            let key = Arc::as_ptr(&pdf) as usize;
            match self.stationery.get(&key) {
                Some((shared, _)) => {
                    for i in reached.into_iter().filter_map(index) {
                        gone[i] = true;
                    }
                    fixed.insert(form.0, *shared);
                }
                None => new_forms.push((form, pdf)),
            }
        }
        for (form, pdf) in new_forms {
            if let Some(i) = index(form).filter(|&i| !gone[i]) {
                let position = gone[..i].iter().filter(|g| !**g).count() as u32;
                let key = Arc::as_ptr(&pdf) as usize;
                self.stationery.insert(key, (self.next_id + position, pdf));
            }
        }
        // The letter's ids in the file, in the order of its own.
        let mut ids = vec![NOTHING; objects.len()];
        let mut next = self.next_id;
        for (id, g) in ids.iter_mut().zip(&gone) {
            if !g {
                *id = next;
                next += 1;
            }
        }
        self.next_id = next;
        let number = |id: ObjectId| -> u32 {
            if id == part::FILE_PAGES {
                return PAGES;
            }
            match (fixed.get(&id.0), index(id).filter(|&i| !gone[i])) {
                (Some(&to), _) => to,
                (None, Some(i)) => ids[i],
                (None, None) => NOTHING,
            }
        };
        // The objects the file may change, under their ids in the file.
        let mut changed = lopdf::Document::new();
        let mut objects = objects;
        for (i, (_, piece)) in objects.iter_mut().enumerate() {
            if let Piece::Object(object) = piece
                && !gone[i]
            {
                let mut object = std::mem::replace(object, Object::Null);
                renumber_object(&mut object, &|id| (number(id), 0));
                changed.objects.insert((ids[i], 0), object);
            }
        }
        self.retag_subsets(&mut changed);
        let mut skip = BTreeSet::new();
        let images = self.share_images(&mut changed, &mut skip);
        let resolve = |id: ObjectId| -> u32 {
            let to = number(id);
            images.get(&(to, 0)).map_or(to, |shared| shared.0)
        };
        let write_error = |e: std::io::Error| format!("cannot write the combined file: {e}");
        let mut key_offset = 0;
        match tree {
            None => self.all_tagged = false,
            Some(tree) => {
                if self.lang.is_none() {
                    self.lang = tree.lang.clone();
                }
                key_offset = self.next_key;
                self.next_key += tree.next_key;
                shift_struct_parents(&mut changed, key_offset);
                for (k, value) in tree.nums {
                    let id = match value {
                        Num::Ref(r) => resolve(r),
                        Num::Text(range) => {
                            let id = self.next_id;
                            self.next_id += 1;
                            self.write_marked(id, &text[range], None, &resolve, key_offset)
                                .map_err(write_error)?;
                            id
                        }
                    };
                    self.parent_tree.push((k + key_offset, id));
                }
                // The document element becomes the letter's section.
                for kid in tree.kids {
                    let id = resolve(kid);
                    if let Ok(dict) = changed.get_dictionary_mut((id, 0)) {
                        dict.set("S", Object::Name(b"Sect".to_vec()));
                        dict.set("T", text_string(title));
                        dict.set("P", Object::Reference((STRUCT_DOCUMENT, 0)));
                        if let Some(lang) = &tree.lang {
                            dict.set("Lang", lang.clone());
                        }
                        self.sections.push(id);
                    }
                }
            }
        }
        let first_page = self.kids.len() + 1;
        for page in &pages {
            self.kids.push(resolve(*page));
        }
        let page_one = resolve(pages[0]);
        for (i, (_, piece)) in objects.into_iter().enumerate() {
            let id = ids[i];
            if gone[i] || skip.contains(&(id, 0)) {
                continue;
            }
            let written = match piece {
                Piece::Skipped => continue,
                Piece::Text(range) => self.pack(id, |out| {
                    resolve_marked(&text[range], out, &resolve, key_offset);
                }),
                Piece::Stream(range, data) => {
                    self.write_marked(id, &text[range], Some(&data), &resolve, key_offset)
                }
                Piece::Object(_) => match changed.objects.remove(&(id, 0)) {
                    Some(object @ Object::Stream(_)) => self.write_object(id, &object),
                    Some(object) => self.pack(id, |out| serialize(&object, out)),
                    None => continue,
                },
            };
            written.map_err(write_error)?;
        }
        self.flush_pack().map_err(write_error)?;
        self.bookmarks.push((title.to_string(), page_one));
        if self.duplex && pages.len() % 2 == 1 {
            let media_box = last_media_box.map(|mut m| {
                renumber_object(&mut m, &|id| (resolve(id), 0));
                m
            });
            self.write_blank(media_box).map_err(write_error)?;
        }
        let placement = Placement {
            first_page,
            pages: pages.len(),
        };
        // Each enclosure's bookmark, after the letter's.
        for (enclosure, index) in enclosures {
            if let Some(&page) = self.kids.get(placement.first_page - 1 + index) {
                self.bookmarks.push((format!("{title}: {enclosure}"), page));
            }
        }
        self.pdfua &= pdfua;
        Ok(placement)
    }

    /// Writes object `id` from its marked text (see `part`): a dictionary, array or number,
    /// or with `data` a stream's dictionary and the stream.
    fn write_marked(
        &mut self,
        id: u32,
        text: &[u8],
        data: Option<&[u8]>,
        resolve: &dyn Fn(ObjectId) -> u32,
        key_offset: i64,
    ) -> std::io::Result<()> {
        self.set_entry(id, Entry::at(self.offset));
        let mut buf = std::mem::take(&mut self.scratch);
        buf.clear();
        let _ = writeln!(buf, "{id} 0 obj");
        resolve_marked(text, &mut buf, resolve, key_offset);
        if data.is_some() {
            buf.extend_from_slice(b"\nstream\n");
        }
        let mut written = self.write(&buf);
        if let Some(data) = data {
            written = written
                .and_then(|()| self.write(data))
                .and_then(|()| self.write(b"\nendstream"));
        }
        written = written.and_then(|()| self.write(b"\nendobj\n"));
        if buf.capacity() <= SCRATCH_KEPT {
            self.scratch = buf;
        }
        written
    }

    /// A blank page after a letter with an odd page count, as large as its last page.
    fn write_blank(&mut self, media_box: Option<Object>) -> std::io::Result<()> {
        let mut blank = Dictionary::new();
        blank.set("Type", Object::Name(b"Page".to_vec()));
        blank.set("Parent", Object::Reference((PAGES, 0)));
        if let Some(media_box) = media_box {
            blank.set("MediaBox", media_box);
        }
        blank.set("Resources", Object::Dictionary(Dictionary::new()));
        let id = self.next_id;
        self.next_id += 1;
        self.write_object(id, &Object::Dictionary(blank))?;
        self.kids.push(id);
        Ok(())
    }

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
    fn append_combined(&mut self, mut doc: lopdf::Document) -> Result<Placement, String> {
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
    fn write_objects(
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
    fn append_document(
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

    /// Makes the letter's structure tree part of the file's: its document element becomes a
    /// section (titled like its bookmark) of the file's document, its parent-tree keys move up
    /// past those of the letters before it, and its tree root is left out (`skip`). The parent
    /// tree's arrays are written at once, so memory holds one key and id per page and link.
    fn join_structure(
        &mut self,
        doc: &mut lopdf::Document,
        skip: &mut BTreeSet<ObjectId>,
        title: &str,
    ) -> std::io::Result<()> {
        let catalog = doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .and_then(|r| doc.get_dictionary(r))
            .ok();
        let lang = catalog.and_then(|c| c.get(b"Lang").ok()).cloned();
        // The letter's metadata is the file's no more (the file writes its own).
        if let Some(metadata) = catalog
            .and_then(|c| c.get(b"Metadata").ok())
            .and_then(|m| m.as_reference().ok())
        {
            skip.insert(metadata);
        }
        let tree_id = catalog
            .and_then(|c| c.get(b"StructTreeRoot").ok())
            .and_then(|t| t.as_reference().ok());
        let Some(tree_id) = tree_id else {
            self.all_tagged = false;
            return Ok(());
        };
        let Ok(tree) = doc.get_dictionary(tree_id).cloned() else {
            self.all_tagged = false;
            return Ok(());
        };
        skip.insert(tree_id);
        if self.lang.is_none() {
            self.lang = lang.clone();
        }
        let offset = self.next_key;
        let next = tree
            .get(b"ParentTreeNextKey")
            .and_then(Object::as_i64)
            .unwrap_or(0);
        self.next_key += next;
        shift_struct_parents(doc, offset);
        // The parent tree's entries.
        let nums = match tree.get(b"ParentTree") {
            Ok(Object::Dictionary(d)) => d.get(b"Nums").ok().cloned(),
            Ok(Object::Reference(r)) => doc
                .get_dictionary(*r)
                .ok()
                .and_then(|d| d.get(b"Nums").ok().cloned()),
            _ => None,
        };
        if let Some(Object::Array(nums)) = nums {
            for pair in nums.chunks(2) {
                let [Object::Integer(k), value] = pair else {
                    continue;
                };
                let id = match value {
                    Object::Reference(r) => r.0,
                    other => {
                        let id = self.next_id;
                        self.next_id += 1;
                        self.write_object(id, other)?;
                        id
                    }
                };
                self.parent_tree.push((k + offset, id));
            }
        }
        // The document element becomes the letter's section.
        let kids = match tree.get(b"K") {
            Ok(Object::Reference(r)) => vec![*r],
            Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
            _ => Vec::new(),
        };
        for kid in kids {
            if let Ok(dict) = doc.get_dictionary_mut(kid) {
                dict.set("S", Object::Name(b"Sect".to_vec()));
                dict.set("T", text_string(title));
                dict.set("P", Object::Reference((STRUCT_DOCUMENT, 0)));
                if let Some(lang) = &lang {
                    dict.set("Lang", lang.clone());
                }
                self.sections.push(kid.0);
            }
        }
        Ok(())
    }

    /// Gives each distinct font subset of the letter a subset tag no other subset of the same
    /// font in the file has (ISO 32000-1 §9.6.4: distinct subsets, distinct tags). Every letter
    /// tags its own subsets `LHAAAA`, `LHAAAB`, …, so in the combined file letters with
    /// different text would name different programs `LHAAAA+NotoSerif`, and a reader that
    /// takes fonts by name could draw one letter with another's glyphs. A subset is known by
    /// its font name and a hash of its program; the same subset keeps the tag it got first.
    fn retag_subsets(&mut self, doc: &mut lopdf::Document) {
        let mut fonts: Vec<SubsetFont> = Vec::new();
        for (id, object) in &doc.objects {
            let Object::Dictionary(dict) = object else {
                continue;
            };
            if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"Font".as_slice())
                || dict.get(b"Subtype").and_then(Object::as_name).ok()
                    == Some(b"CIDFontType2".as_slice())
                || dict.get(b"Subtype").and_then(Object::as_name).ok()
                    == Some(b"CIDFontType0".as_slice())
            {
                continue;
            }
            let Ok(name) = dict.get(b"BaseFont").and_then(Object::as_name) else {
                continue;
            };
            if subset_tag_of(name).is_none() {
                continue;
            }
            let descendant = match dict.get(b"DescendantFonts") {
                Ok(Object::Array(list)) => list.first().and_then(|d| d.as_reference().ok()),
                _ => None,
            };
            let holder = match descendant {
                Some(d) => doc.get_dictionary(d).ok(),
                None => Some(dict),
            };
            let inline = match dict.get(b"DescendantFonts") {
                Ok(Object::Array(list)) => list.first().and_then(|d| d.as_dict().ok()),
                _ => None,
            };
            let descriptor = [holder, inline]
                .into_iter()
                .flatten()
                .find_map(|d| d.get(b"FontDescriptor").and_then(Object::as_reference).ok());
            fonts.push((*id, descendant, descriptor, name.to_vec()));
        }
        for (font, descendant, descriptor, name) in fonts {
            let Some((tag, base)) = subset_tag_of(&name) else {
                continue;
            };
            let program = descriptor
                .and_then(|d| doc.get_dictionary(d).ok())
                .and_then(|d| {
                    [b"FontFile2".as_slice(), b"FontFile3", b"FontFile"]
                        .iter()
                        .find_map(|key| d.get(key).and_then(Object::as_reference).ok())
                })
                .and_then(|p| doc.get_object(p).ok())
                .and_then(|p| p.as_stream().ok())
                .map_or(&[][..], |p| p.content.as_slice());
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            for b in program {
                hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
            }
            let key = (base.to_vec(), hash);
            let new_tag = match self.subsets.get(&key) {
                Some(tag) => tag.clone(),
                None => {
                    let mut candidate = tag.to_vec();
                    while self.tags_used.contains(&(candidate.clone(), base.to_vec())) {
                        candidate = super::subset_tag(self.next_tag).into_bytes();
                        self.next_tag += 1;
                    }
                    self.tags_used.insert((candidate.clone(), base.to_vec()));
                    self.subsets.insert(key, candidate.clone());
                    candidate
                }
            };
            if new_tag == tag {
                continue;
            }
            let mut renamed = new_tag;
            renamed.push(b'+');
            renamed.extend_from_slice(base);
            let rename = |dict: &mut Dictionary, key: &[u8]| {
                if dict.has(key) {
                    dict.set(key.to_vec(), Object::Name(renamed.clone()));
                }
            };
            if let Ok(dict) = doc.get_dictionary_mut(font) {
                rename(dict, b"BaseFont");
                if let Ok(Object::Array(list)) = dict.get_mut(b"DescendantFonts")
                    && let Some(Object::Dictionary(cid)) = list.first_mut()
                {
                    rename(cid, b"BaseFont");
                }
            }
            if let Some(id) = descendant
                && let Ok(dict) = doc.get_dictionary_mut(id)
            {
                rename(dict, b"BaseFont");
            }
            if let Some(id) = descriptor
                && let Ok(dict) = doc.get_dictionary_mut(id)
            {
                rename(dict, b"FontName");
            }
        }
    }

    /// Points the letter at image XObjects an earlier letter wrote already, and leaves its own
    /// copies out (`skip`). Soft masks come first, so that an image's `/SMask` reference is
    /// already the shared one when the image itself is compared.
    fn share_images(
        &mut self,
        doc: &mut lopdf::Document,
        skip: &mut BTreeSet<ObjectId>,
    ) -> BTreeMap<ObjectId, ObjectId> {
        let is_image = |o: &Object| match o {
            Object::Stream(s) => {
                s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image")
            }
            _ => false,
        };
        let mut remap: BTreeMap<ObjectId, ObjectId> = BTreeMap::new();
        for masked in [false, true] {
            let ids: Vec<ObjectId> = doc
                .objects
                .iter()
                .filter(|(_, o)| is_image(o))
                .filter(|(_, o)| matches!(o, Object::Stream(s) if s.dict.has(b"SMask") == masked))
                .map(|(id, _)| *id)
                .collect();
            for id in ids {
                let Some(Object::Stream(stream)) = doc.objects.get_mut(&id) else {
                    continue;
                };
                rewrite(&mut stream.dict, &remap);
                let key = image_digest(stream);
                match self.images.get(&key) {
                    Some(&shared) => {
                        remap.insert(id, (shared, 0));
                        skip.insert(id);
                    }
                    None => {
                        self.images.insert(key, id.0);
                    }
                }
            }
        }
        if !remap.is_empty() {
            for object in doc.objects.values_mut() {
                match object {
                    Object::Dictionary(dict) => rewrite(dict, &remap),
                    Object::Stream(stream) => rewrite(&mut stream.dict, &remap),
                    _ => {}
                }
            }
        }
        remap
    }

    /// Pages in the combined file so far (blank padding included).
    pub fn page_count(&self) -> usize {
        self.kids.len()
    }

    /// Why writing the file failed, once it has: appending a letter then fails because of the
    /// file, not the letter, and the file cannot be finished.
    pub fn broken(&self) -> Option<&str> {
        self.broken.as_deref()
    }

    /// Writes the page tree, the bookmarks, the catalog and the cross-reference table, and
    /// renames the file into place.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.write_trailer()?;
        self.out.get_ref().sync_all()?;
        std::fs::rename(&self.tmp, &self.path)?;
        self.finished = true;
        Ok(())
    }

    /// Like `finish`, but the whole file is then copied to `out` (standard output) and the
    /// temporary file removed: nothing reaches `out` unless the file was complete.
    pub fn finish_into(mut self, out: &mut dyn Write) -> std::io::Result<()> {
        self.write_trailer()?;
        let mut file = File::open(&self.tmp)?;
        std::io::copy(&mut file, out)?;
        out.flush()
    }

    /// Writes the font of each face the letters share: one subset with every glyph used.
    fn write_fonts(&mut self) -> std::io::Result<()> {
        let fonts = std::mem::take(&mut self.fonts);
        for (i, font) in fonts.iter().enumerate() {
            // Tags of their own (`LF…`): the subsets of letters read back are `LH…`.
            let tag = format!("LF{}", &super::subset_tag(i)[2..]);
            let mut objects = lopdf::Document::new();
            let type0 = super::font::add_shared(&mut objects, &font.face, &tag, &font.glyphs)
                .map_err(std::io::Error::other)?;
            super::finish::compress(&mut objects);
            // The Type0 dictionary was added last: its new id is the last one, and it is
            // written under the id the letters' pages refer to instead.
            if objects.objects.keys().next_back() != Some(&type0) {
                return Err(std::io::Error::other("font objects out of order"));
            }
            let next = renumber(&mut objects, self.next_id);
            for (id, object) in &objects.objects {
                let id = if id.0 + 1 == next { font.id } else { id.0 };
                self.write_object(id, object)?;
            }
            self.next_id = next - 1;
        }
        Ok(())
    }

    fn write_trailer(&mut self) -> std::io::Result<()> {
        self.write_fonts()?;
        let reference = |id: u32| Object::Reference((id, 0));
        let mut pages = Dictionary::new();
        pages.set("Type", Object::Name(b"Pages".to_vec()));
        pages.set(
            "Kids",
            Object::Array(self.kids.iter().map(|id| reference(*id)).collect()),
        );
        pages.set("Count", Object::Integer(self.kids.len() as i64));
        self.write_object(PAGES, &Object::Dictionary(pages))?;

        // One bookmark per letter, in order, each opening its first page.
        let first_item = self.next_id;
        let n = self.bookmarks.len() as u32;
        self.next_id += n;
        let bookmarks = std::mem::take(&mut self.bookmarks);
        // Made and written a pack at a time: memory holds a hundred items, not all of them.
        for (chunk, marks) in bookmarks.chunks(PACK).enumerate() {
            let mut items = Vec::with_capacity(marks.len());
            for (j, (title, page)) in marks.iter().enumerate() {
                let i = chunk * PACK + j;
                let id = first_item + i as u32;
                let mut item = Dictionary::new();
                item.set("Title", text_string(title));
                item.set("Parent", reference(OUTLINES));
                if i > 0 {
                    item.set("Prev", reference(id - 1));
                }
                if (i as u32) + 1 < n {
                    item.set("Next", reference(id + 1));
                }
                item.set(
                    "Dest",
                    Object::Array(vec![reference(*page), Object::Name(b"Fit".to_vec())]),
                );
                items.push((id, Object::Dictionary(item)));
            }
            self.write_packed(items.iter().map(|(id, item)| (*id, item)))?;
        }
        drop(bookmarks);
        let mut outlines = Dictionary::new();
        outlines.set("Type", Object::Name(b"Outlines".to_vec()));
        if n > 0 {
            outlines.set("First", reference(first_item));
            outlines.set("Last", reference(first_item + n - 1));
            outlines.set("Count", Object::Integer(i64::from(n)));
        }
        self.write_object(OUTLINES, &Object::Dictionary(outlines))?;

        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", reference(PAGES));
        catalog.set("Outlines", reference(OUTLINES));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        // Print at 100 %, as each letter asks: "fit to page" would move the address out of
        // the envelope's window. A duplex file says so to the print dialogue too.
        let mut prefs = Dictionary::new();
        prefs.set("DisplayDocTitle", Object::Boolean(true));
        prefs.set("PrintScaling", Object::Name(b"None".to_vec()));
        if self.duplex || (self.read_back > 0 && self.duplex_inputs) {
            prefs.set("Duplex", Object::Name(b"DuplexFlipLongEdge".to_vec()));
        }
        catalog.set("ViewerPreferences", Object::Dictionary(prefs));
        // One structure tree for the file.
        let document = Dictionary::from_iter([
            ("Type", Object::Name(b"StructElem".to_vec())),
            ("S", Object::Name(b"Document".to_vec())),
            ("P", reference(STRUCT_TREE)),
            (
                "K",
                Object::Array(self.sections.iter().map(|id| reference(*id)).collect()),
            ),
        ]);
        self.write_object(STRUCT_DOCUMENT, &Object::Dictionary(document))?;
        let parent_tree = std::mem::take(&mut self.parent_tree);
        let nums: Vec<Object> = parent_tree
            .iter()
            .flat_map(|&(k, id)| [Object::Integer(k), reference(id)])
            .collect();
        let tree = Dictionary::from_iter([
            ("Type", Object::Name(b"StructTreeRoot".to_vec())),
            ("K", reference(STRUCT_DOCUMENT)),
            (
                "ParentTree",
                Object::Dictionary(Dictionary::from_iter([("Nums", Object::Array(nums))])),
            ),
            ("ParentTreeNextKey", Object::Integer(self.next_key)),
        ]);
        self.write_object(STRUCT_TREE, &Object::Dictionary(tree))?;
        catalog.set("StructTreeRoot", reference(STRUCT_TREE));
        if self.all_tagged && !self.sections.is_empty() {
            let mut info = Dictionary::from_iter([("Marked", Object::Boolean(true))]);
            if !self.pdfua {
                // Pages from other files (enclosures) carry no tags of this tree.
                info.set("Suspects", Object::Boolean(true));
            }
            catalog.set("MarkInfo", info);
        }
        if let Some(lang) = &self.lang {
            catalog.set("Lang", lang.clone());
        }
        let file_title = self
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let meta = super::pdfa::xmp_claiming(
            &crate::frame::Document {
                pages: Vec::new(),
                meta: crate::frame::Meta {
                    title: file_title,
                    created: self.created,
                    ..crate::frame::Meta::default()
                },
                structure: crate::frame::Structure::default(),
            },
            false,
            self.pdfua,
        );
        let metadata = lopdf::Stream::new(
            Dictionary::from_iter([
                ("Type", Object::Name(b"Metadata".to_vec())),
                ("Subtype", Object::Name(b"XML".to_vec())),
            ]),
            meta.into_bytes(),
        );
        self.write_object(METADATA, &Object::Stream(metadata))?;
        catalog.set("Metadata", reference(METADATA));
        self.write_object(CATALOG, &Object::Dictionary(catalog))?;

        let title = self
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let date = super::finish::pdf_date(self.created).into_bytes();
        let mut info = Dictionary::new();
        info.set("Title", text_string(&title));
        info.set("Creator", text_string(&super::creator()));
        info.set("Producer", text_string(&super::strings::producer()));
        info.set(
            "CreationDate",
            Object::String(date.clone(), StringFormat::Literal),
        );
        info.set("ModDate", Object::String(date, StringFormat::Literal));
        self.write_object(INFO, &Object::Dictionary(info))?;

        // Cross-reference stream (objects in object streams need one): ids never written
        // (the letters' own catalogs and page trees) are free entries.
        let xref_id = self.next_id;
        self.next_id += 1;
        let size = self.entries.len().max(self.next_id as usize);
        self.entries.resize(size, Entry::FREE);
        let xref_at = self.offset;
        self.entries[xref_id as usize] = Entry::at(xref_at);
        let wide = if xref_at > u64::from(u32::MAX) { 8 } else { 4 };
        // The rows, then deflated whole by libdeflate: fed to a streaming compressor 7 bytes
        // at a time they took 60 ms for 5,000 letters, in larger pieces they came out larger.
        // Memory holds 7 bytes a row for a moment, as `entries` holds 8 all along.
        let mut rows = Vec::with_capacity(self.entries.len() * (3 + wide));
        for entry in &self.entries {
            let (kind, field, index) = entry.fields();
            rows.push(kind);
            rows.extend_from_slice(&field.to_be_bytes()[8 - wide..]);
            rows.extend_from_slice(&index.to_be_bytes());
        }
        let rows = super::save::deflate(&rows)
            .ok_or_else(|| std::io::Error::other("cannot compress the cross-reference table"))?;
        let mut id = self.hash.to_be_bytes().to_vec();
        id.extend_from_slice(&(self.hash.rotate_left(29) ^ self.offset).to_be_bytes());
        let id = Object::String(id, StringFormat::Hexadecimal);
        let mut xref = lopdf::Stream::new(
            Dictionary::from_iter([
                ("Type", Object::Name(b"XRef".to_vec())),
                ("Size", Object::Integer(size as i64)),
                (
                    "W",
                    Object::Array(vec![
                        Object::Integer(1),
                        Object::Integer(wide as i64),
                        Object::Integer(2),
                    ]),
                ),
                ("Root", reference(CATALOG)),
                ("Info", reference(INFO)),
                ("ID", Object::Array(vec![id.clone(), id])),
                ("Filter", Object::Name(b"FlateDecode".to_vec())),
            ]),
            rows,
        );
        xref.allows_compression = false;
        let mut buf = format!("{xref_id} 0 obj\n").into_bytes();
        serialize(&Object::Stream(xref), &mut buf);
        buf.extend_from_slice(format!("\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
        self.write(&buf)?;
        self.out.flush().inspect_err(|err| {
            self.broken.get_or_insert_with(|| err.to_string());
        })
    }

    /// Gives up: the temporary file is removed, the previous combined file stays.
    pub fn abandon(self) {
        drop(self);
    }
}

/// A subset font of a letter: its font dictionary, its descendant CID font when that is an
/// object of its own, its font descriptor, and its tagged name.
type SubsetFont = (ObjectId, Option<ObjectId>, Option<ObjectId>, Vec<u8>);

/// Moves the parent-tree keys of a document's pages and annotations up by `offset`.
fn shift_struct_parents(doc: &mut lopdf::Document, offset: i64) {
    for object in doc.objects.values_mut() {
        if let Object::Dictionary(dict) = object {
            for key in [b"StructParents".as_slice(), b"StructParent"] {
                if let Ok(k) = dict.get(key).and_then(Object::as_i64) {
                    dict.set(key.to_vec(), Object::Integer(k + offset));
                }
            }
        }
    }
}

/// Gives a document's objects the ids from `first` on, in the order of their ids; a reference
/// to an object the document lacks points at `NOTHING`. Returns the next free id.
fn renumber(doc: &mut lopdf::Document, first: u32) -> u32 {
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

/// Points every reference in `object` where `map` says.
fn renumber_object(object: &mut Object, map: &dyn Fn(ObjectId) -> ObjectId) {
    match object {
        Object::Reference(id) => *id = map(*id),
        Object::Array(items) => items.iter_mut().for_each(|i| renumber_object(i, map)),
        Object::Dictionary(dict) => dict.iter_mut().for_each(|(_, v)| renumber_object(v, map)),
        Object::Stream(stream) => stream
            .dict
            .iter_mut()
            .for_each(|(_, v)| renumber_object(v, map)),
        _ => {}
    }
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

/// The subset tag and the font name of a subset font's name (`ABCDEF+Name`).
fn subset_tag_of(name: &[u8]) -> Option<(&[u8], &[u8])> {
    let (tag, rest) = name.split_at_checked(6)?;
    let base = rest.strip_prefix(b"+")?;
    tag.iter()
        .all(u8::is_ascii_uppercase)
        .then_some((tag, base))
}

/// Replaces references by `remap`, anywhere in a dictionary.
fn rewrite(dict: &mut Dictionary, remap: &BTreeMap<ObjectId, ObjectId>) {
    fn walk(object: &mut Object, remap: &BTreeMap<ObjectId, ObjectId>) {
        match object {
            Object::Reference(id) => {
                if let Some(to) = remap.get(id) {
                    *id = *to;
                }
            }
            Object::Array(items) => items.iter_mut().for_each(|i| walk(i, remap)),
            Object::Dictionary(dict) => dict.iter_mut().for_each(|(_, v)| walk(v, remap)),
            _ => {}
        }
    }
    dict.iter_mut().for_each(|(_, v)| walk(v, remap));
}

/// A 128-bit digest of an image stream: its dictionary as written and its data.
fn image_digest(stream: &lopdf::Stream) -> u128 {
    let mut bytes = Vec::new();
    serialize_dict(&stream.dict, &mut bytes, &mut write_reference);
    let mut a = std::collections::hash_map::DefaultHasher::new();
    let mut b = std::collections::hash_map::DefaultHasher::new();
    "letterhead-combined-image".hash(&mut b);
    for h in [&mut a, &mut b] {
        bytes.hash(h);
        stream.content.hash(h);
    }
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serialized(object: &Object) -> String {
        let mut out = Vec::new();
        serialize(object, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn objects_serialise_as_pdf_syntax() {
        assert_eq!(serialized(&Object::Real(0.5)), "0.5");
        assert_eq!(serialized(&Object::Real(12.0)), "12");
        assert_eq!(serialized(&Object::Name(b"A B#".to_vec())), "/A#20B#23");
        assert_eq!(
            serialized(&Object::String(b"a(b)\\".to_vec(), StringFormat::Literal)),
            "(a\\(b\\)\\\\)"
        );
        let mut dict = Dictionary::new();
        dict.set(
            "Kids",
            Object::Array(vec![Object::Reference((4, 0)), Object::Integer(-3)]),
        );
        assert_eq!(
            serialized(&Object::Dictionary(dict)),
            "<</Kids [4 0 R -3]>>"
        );
    }

    #[test]
    fn cross_reference_entries_keep_their_fields() {
        assert_eq!(Entry::FREE.fields(), (0, 0, 65535));
        assert_eq!(Entry::at(0).fields(), (1, 0, 0));
        assert_eq!(Entry::at(5_000_000_000).fields(), (1, 5_000_000_000, 0));
        assert_eq!(
            Entry::inside(u32::MAX, 99).fields(),
            (2, u64::from(u32::MAX), 99)
        );
    }

    #[test]
    fn titles_outside_ascii_are_utf16() {
        assert_eq!(
            text_string("é"),
            Object::String(vec![0xFE, 0xFF, 0x00, 0xE9], StringFormat::Hexadecimal)
        );
    }
}
