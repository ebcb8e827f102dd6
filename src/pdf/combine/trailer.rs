//! The end of a combined file: the fonts its letters share, its page tree, bookmarks,
//! catalog, structure tree root, metadata and cross-reference stream.

use std::io::Write;

use lopdf::{Dictionary, Object, StringFormat};

use super::objects::{
    CATALOG, INFO, METADATA, OUTLINES, PAGES, STRUCT_DOCUMENT, STRUCT_TREE, serialize,
};
use super::read_back::renumber;
use super::{Combiner, Entry, PACK};
use crate::pdf::strings::text_string;

impl Combiner {
    /// Writes the font of each face the letters share: one subset with every glyph used.
    pub(super) fn write_fonts(&mut self) -> std::io::Result<()> {
        let fonts = std::mem::take(&mut self.fonts);
        for (i, font) in fonts.iter().enumerate() {
            // Tags of their own (`LF…`): the subsets of letters read back are `LH…`.
            let tag = format!("LF{}", &crate::pdf::subset_tag(i)[2..]);
            let mut objects = lopdf::Document::new();
            let type0 = crate::pdf::font::add_shared(&mut objects, &font.face, &tag, &font.glyphs)
                .map_err(std::io::Error::other)?;
            crate::pdf::finish::compress(&mut objects);
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

    pub(super) fn write_trailer(&mut self) -> std::io::Result<()> {
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
        let meta = crate::pdf::pdfa::xmp_claiming(
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
        let date = crate::pdf::finish::pdf_date(self.created).into_bytes();
        let mut info = Dictionary::new();
        info.set("Title", text_string(&title));
        info.set("Creator", text_string(&crate::pdf::creator()));
        info.set("Producer", text_string(&crate::pdf::strings::producer()));
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
        let rows = crate::pdf::save::deflate(&rows)
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
}
