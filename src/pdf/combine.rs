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
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lopdf::{Dictionary, Object, ObjectId};

use super::strings::text_string;
use crate::fonts::Face;

mod objects;
mod part;
mod read_back;
mod share;
mod trailer;

use objects::{
    FIRST_FREE, NOTHING, PAGES, STRUCT_DOCUMENT, renumber_object, serialize, shift_struct_parents,
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
        self.write_indirect(id, |buf| serialize(object, buf), None)
    }

    /// Writes object `id`: what `head` serialises, and with `data` a stream of it (`head`
    /// then writes the stream's dictionary).
    fn write_indirect(
        &mut self,
        id: u32,
        head: impl FnOnce(&mut Vec<u8>),
        data: Option<&[u8]>,
    ) -> std::io::Result<()> {
        self.set_entry(id, Entry::at(self.offset));
        // Into the buffer kept for it: a new one for each object grew, copy by copy, to the
        // size of each content stream.
        let mut buf = std::mem::take(&mut self.scratch);
        buf.clear();
        let _ = writeln!(buf, "{id} 0 obj");
        head(&mut buf);
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
        // The offsets, then the bodies.
        pack.body.splice(0..0, pack.header.bytes());
        let content = &pack.body;
        let compressed = super::save::deflate_fast(content)
            .filter(|compressed| compressed.len() + 19 < content.len());
        let count = pack.ids.len();
        for (index, id) in pack.ids.iter().enumerate() {
            self.set_entry(*id, Entry::inside(stream_id, index as u16));
        }
        let data = compressed.as_deref().unwrap_or(content);
        let dictionary = |head: &mut Vec<u8>| {
            let integer = |head: &mut Vec<u8>, key: &[u8], value: usize| {
                super::save::write_name(head, key);
                head.push(b' ');
                serialize(&Object::Integer(value as i64), head);
            };
            head.extend_from_slice(b"<<");
            super::save::write_name(head, b"Type");
            head.push(b' ');
            super::save::write_name(head, b"ObjStm");
            integer(head, b"N", count);
            integer(head, b"First", first);
            integer(head, b"Length", data.len());
            if compressed.is_some() {
                super::save::write_name(head, b"Filter");
                head.push(b' ');
                super::save::write_name(head, b"FlateDecode");
            }
            head.extend_from_slice(b">>");
        };
        let written = self.write_indirect(stream_id, dictionary, Some(data));
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
        let mut fixed = self.share_fonts(fonts);
        let local: Vec<ObjectId> = objects.iter().map(|(id, _)| *id).collect();
        let index = |id: ObjectId| local.binary_search(&id).ok();
        let gone = self.share_forms(stationery, &local, &mut fixed);
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
        let key_offset = match tree {
            None => {
                self.all_tagged = false;
                0
            }
            Some(tree) => self
                .join_sections(tree, &text, &mut changed, &resolve, title)
                .map_err(write_error)?,
        };
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

    /// Adds a letter's glyphs to the file's font of each face (made at its first use), and
    /// gives the ids its font resources are to point at instead of its own fonts.
    fn share_fonts(&mut self, fonts: Vec<PartFont>) -> BTreeMap<u32, u32> {
        let mut fixed = BTreeMap::new();
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
        fixed
    }

    /// Holds each stationery form once: a form the file holds already is left out, with what
    /// it reaches (which of the letter's objects, `local` in order, are gone), and points at
    /// the file's (`fixed`); a new one is written with the letter, under the id it is about
    /// to get.
    fn share_forms(
        &mut self,
        forms: Vec<(ObjectId, Vec<ObjectId>, Arc<super::import::Foreign>)>,
        local: &[ObjectId],
        fixed: &mut BTreeMap<u32, u32>,
    ) -> Vec<bool> {
        let index = |id: ObjectId| local.binary_search(&id).ok();
        let mut gone = vec![false; local.len()];
        let mut new_forms = Vec::new();
        for (form, reached, pdf) in forms {
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
        gone
    }

    /// Makes a letter's structure tree part of the file's: its document element becomes a
    /// section (titled like its bookmark) of the file's document, and its parent-tree keys
    /// move up past those of the letters before it; values written in its tree are written
    /// as objects now. Gives how far the keys moved.
    fn join_sections(
        &mut self,
        tree: part::Tree,
        text: &[u8],
        changed: &mut lopdf::Document,
        resolve: &dyn Fn(ObjectId) -> u32,
        title: &str,
    ) -> std::io::Result<i64> {
        if self.lang.is_none() {
            self.lang = tree.lang.clone();
        }
        let key_offset = self.next_key;
        self.next_key += tree.next_key;
        shift_struct_parents(changed, key_offset);
        for (k, value) in tree.nums {
            let id = match value {
                Num::Ref(r) => resolve(r),
                Num::Text(range) => {
                    let id = self.next_id;
                    self.next_id += 1;
                    self.write_marked(id, &text[range], None, resolve, key_offset)?;
                    id
                }
            };
            self.parent_tree.push((k + key_offset, id));
        }
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
        Ok(key_offset)
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
        self.write_indirect(
            id,
            |buf| resolve_marked(text, buf, resolve, key_offset),
            data,
        )
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

    /// Gives up: the temporary file is removed, the previous combined file stays.
    pub fn abandon(self) {
        drop(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::StringFormat;

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
