//! Tagged PDF (ISO 32000-1 §14.7–14.8): the structure tree of a document, written from the
//! frame's `Structure` and the marked content `content` wrote on each page — the
//! `/StructTreeRoot` with its `/ParentTree`, one `/StructElem` per element that has content,
//! `/StructParents` and `/Tabs /S` on pages, `/StructParent` and `/Contents` on link
//! annotations, `/MarkInfo` and `/Lang` in the catalog.
//!
//! An element's kids are its own content (in the order it is drawn) and its child elements (in
//! the order they were made), merged by where each first appears; elements without content are
//! left out. It knows frames, not letters.

use std::collections::BTreeMap;
use std::io::Write as _;

use lopdf::{Dictionary, Object, ObjectId};

use super::content::Marks;
use super::strings::text_string;
use crate::frame::{Document, ElementId, Item, Role, Structure, Tag};
use crate::length::Abs;

/// One kid of an element: marked content on a page, an annotation, or a child element.
#[derive(Debug, Clone, Copy)]
enum Kid {
    /// Page index and MCID.
    Mcid(usize, usize),
    /// Page index and the annotation.
    Annot(usize, ObjectId),
    Element(ElementId),
}

/// A kid as the element's dictionary names it.
#[derive(Debug, Clone, Copy)]
enum KidRef {
    /// Marked content on the element's own page (`/Pg`).
    Mcid(usize),
    /// Marked content on another page: a marked-content reference.
    Mcr(ObjectId, usize),
    /// An annotation on a page: an object reference.
    Objr(ObjectId, ObjectId),
    Element(ObjectId),
}

/// One `/StructElem` dictionary. A letter's own file gets it written straight into bytes (a
/// letter has a few hundred elements, and building each as an lopdf dictionary only to write it
/// out was a quarter of a batch's allocations); a combined print file, which takes the letter's
/// objects, gets the lopdf object. Both say the same (`element_bytes_are_its_object_written`).
struct Element<'a> {
    role: Role,
    parent: ObjectId,
    kids: &'a [KidRef],
    page: Option<ObjectId>,
    alt: Option<&'a str>,
    lang: Option<&'a str>,
    /// A figure's bounding box (its layout attributes).
    bbox: Option<[f32; 4]>,
}

impl Element<'_> {
    /// The dictionary in PDF syntax, as `save::write_object` writes `to_object`.
    fn write(&self, out: &mut Vec<u8>) {
        let reference = |out: &mut Vec<u8>, (id, generation): ObjectId| {
            let _ = write!(out, "{id} {generation} R");
        };
        out.extend_from_slice(b"<</Type/StructElem/S/");
        out.extend_from_slice(self.role.name().as_bytes());
        out.extend_from_slice(b"/P ");
        reference(out, self.parent);
        out.extend_from_slice(b"/K");
        let kid = |out: &mut Vec<u8>, kid: &KidRef| match *kid {
            KidRef::Mcid(mcid) => {
                let _ = write!(out, "{mcid}");
            }
            KidRef::Mcr(page, mcid) => {
                out.extend_from_slice(b"<</Type/MCR/Pg ");
                reference(out, page);
                let _ = write!(out, "/MCID {mcid}>>");
            }
            KidRef::Objr(page, annot) => {
                out.extend_from_slice(b"<</Type/OBJR/Pg ");
                reference(out, page);
                out.extend_from_slice(b"/Obj ");
                reference(out, annot);
                out.extend_from_slice(b">>");
            }
            KidRef::Element(id) => reference(out, id),
        };
        // A number or a reference needs a space after what comes before it (a name, or
        // another kid); a dictionary does not.
        let spaced = |kid: &KidRef| !matches!(kid, KidRef::Mcr(..) | KidRef::Objr(..));
        match self.kids {
            [one] => {
                if spaced(one) {
                    out.push(b' ');
                }
                kid(out, one);
            }
            kids => {
                out.push(b'[');
                for (i, k) in kids.iter().enumerate() {
                    if i > 0 && spaced(k) {
                        out.push(b' ');
                    }
                    kid(out, k);
                }
                out.push(b']');
            }
        }
        if let Some(page) = self.page {
            out.extend_from_slice(b"/Pg ");
            reference(out, page);
        }
        for (key, text) in [(&b"/Alt"[..], self.alt), (b"/Lang", self.lang)] {
            if let Some(text) = text {
                out.extend_from_slice(key);
                super::save::write_object(out, &text_string(text));
            }
        }
        match (self.role, self.bbox) {
            (Role::Figure, Some(b)) => {
                let _ = write!(
                    out,
                    "/A<</O/Layout/BBox[{} {} {} {}]/Placement/Block>>",
                    b[0], b[1], b[2], b[3]
                );
            }
            (Role::TH, _) => out.extend_from_slice(b"/A<</O/Table/Scope/Column>>"),
            _ => {}
        }
        out.extend_from_slice(b">>");
    }

    /// The dictionary as an lopdf object.
    fn to_object(&self) -> Object {
        let kid = |kid: &KidRef| match *kid {
            KidRef::Mcid(mcid) => Object::Integer(mcid as i64),
            KidRef::Mcr(page, mcid) => Object::Dictionary(Dictionary::from_iter([
                ("Type", Object::Name(b"MCR".to_vec())),
                ("Pg", Object::Reference(page)),
                ("MCID", Object::Integer(mcid as i64)),
            ])),
            KidRef::Objr(page, annot) => Object::Dictionary(Dictionary::from_iter([
                ("Type", Object::Name(b"OBJR".to_vec())),
                ("Pg", Object::Reference(page)),
                ("Obj", Object::Reference(annot)),
            ])),
            KidRef::Element(id) => Object::Reference(id),
        };
        let mut dict = Dictionary::from_iter([
            ("Type", Object::Name(b"StructElem".to_vec())),
            ("S", Object::Name(self.role.name().as_bytes().to_vec())),
            ("P", Object::Reference(self.parent)),
        ]);
        // One kid stands alone (the usual case for a heading or a link): shorter, and what
        // checkers that expect an MCID read most reliably.
        match self.kids {
            [one] => dict.set("K", kid(one)),
            kids => dict.set("K", Object::Array(kids.iter().map(kid).collect())),
        }
        if let Some(page) = self.page {
            dict.set("Pg", Object::Reference(page));
        }
        if let Some(alt) = self.alt {
            dict.set("Alt", text_string(alt));
        }
        if let Some(lang) = self.lang {
            dict.set("Lang", text_string(lang));
        }
        match (self.role, self.bbox) {
            (Role::Figure, Some(b)) => dict.set(
                "A",
                Dictionary::from_iter([
                    ("O", Object::Name(b"Layout".to_vec())),
                    ("BBox", Object::Array(b.map(Object::Real).to_vec())),
                    ("Placement", Object::Name(b"Block".to_vec())),
                ]),
            ),
            (Role::TH, _) => dict.set(
                "A",
                Dictionary::from_iter([
                    ("O", Object::Name(b"Table".to_vec())),
                    ("Scope", Object::Name(b"Column".to_vec())),
                ]),
            ),
            _ => {}
        }
        Object::Dictionary(dict)
    }
}

/// Items grouped by element, each element's in the order given: a few allocations for a
/// letter's few hundred elements instead of a list each.
struct Grouped<T> {
    /// Element `e`'s items are `items[starts[e]..starts[e + 1]]`.
    starts: Vec<usize>,
    items: Vec<T>,
}

impl<T> Grouped<T> {
    fn new(n: usize, mut items: Vec<(ElementId, T)>) -> Grouped<T> {
        // A stable sort: each element's items keep their order.
        items.sort_by_key(|&(e, _)| e);
        let mut starts = vec![0; n + 1];
        for &(e, _) in &items {
            starts[e + 1] += 1;
        }
        for e in 0..n {
            starts[e + 1] += starts[e];
        }
        Grouped {
            starts,
            items: items.into_iter().map(|(_, item)| item).collect(),
        }
    }

    fn of(&self, e: ElementId) -> &[T] {
        &self.items[self.starts[e]..self.starts[e + 1]]
    }
}

/// Writes the structure tree for `doc`, whose pages' marked content is `marks` (one per page,
/// in order). With `written`, its elements go there already written out, not into `lo`
/// (which keeps them only for a combined file).
pub(super) fn write(
    lo: &mut lopdf::Document,
    doc: &Document,
    marks: &[Marks],
    link_text: &BTreeMap<ElementId, String>,
    mut written: Option<&mut super::save::Written>,
) {
    let Ok(Object::Reference(catalog)) = lo.trailer.get(b"Root").cloned() else {
        return;
    };
    let pages: Vec<ObjectId> = lo.get_pages().into_values().collect();
    if pages.len() != marks.len() {
        return;
    }
    let elements = doc.structure.elements();
    let n = elements.len();
    // Each element's own content, in the order it is drawn, with its position in the document.
    let mut own: Vec<(ElementId, (usize, Kid))> = Vec::new();
    let mut annots_of: Vec<(ObjectId, ElementId)> = Vec::new();
    let mut pos = 0;
    for (p, (page, m)) in pages.iter().zip(marks).enumerate() {
        for (mcid, &e) in m.mcids.iter().enumerate() {
            if e < n {
                own.push((e, (pos, Kid::Mcid(p, mcid))));
            }
            pos += 1;
        }
        let annots: Vec<ObjectId> = lo
            .get_dictionary(*page)
            .ok()
            .and_then(|d| d.get(b"Annots").ok())
            .and_then(|a| a.as_array().ok())
            .map(|a| a.iter().filter_map(|o| o.as_reference().ok()).collect())
            .unwrap_or_default();
        for (annot, e) in annots.into_iter().zip(&m.links) {
            if let Some(e) = e.filter(|&e| e < n) {
                own.push((e, (pos, Kid::Annot(p, annot))));
                annots_of.push((annot, e));
                pos += 1;
            }
        }
    }
    // Where each element first appears (its own content or its children's); parents are made
    // before their children, so one pass from the end carries it up.
    let own = Grouped::new(n, own);
    let mut first: Vec<Option<usize>> = (0..n).map(|e| own.of(e).first().map(|k| k.0)).collect();
    for e in (1..n).rev() {
        if let Some(f) = first[e] {
            let p = elements[e].parent;
            first[p] = Some(first[p].map_or(f, |g| g.min(f)));
        }
    }
    // Elements without content are left out, except empty table cells: a row keeps all its
    // cells, or the columns would no longer line up for a screen reader.
    let keep: Vec<bool> = (0..n)
        .map(|e| {
            e == Structure::ROOT
                || first[e].is_some()
                || (matches!(elements[e].role, Role::TD | Role::TH)
                    && first[elements[e].parent].is_some())
        })
        .collect();
    let children = Grouped::new(
        n,
        (1..n)
            .filter(|&e| keep[e])
            .map(|e| (elements[e].parent, e))
            .collect(),
    );
    let ids: Vec<Option<ObjectId>> = (0..n)
        .map(|e| keep[e].then(|| lo.new_object_id()))
        .collect();
    let tree_root = lo.new_object_id();
    // Reused from element to element.
    let mut kids = Vec::new();
    let mut kid_refs = Vec::new();
    for e in 0..n {
        let Some(id) = ids[e] else { continue };
        let el = &elements[e];
        let (own, children) = (own.of(e), children.of(e));
        // Own content and children, merged by first appearance.
        kids.clear();
        let (mut i, mut j) = (0, 0);
        while i < own.len() || j < children.len() {
            let take_own = match (own.get(i), children.get(j)) {
                (Some((p, _)), Some(&c)) => first[c].is_none_or(|f| *p < f),
                (Some(_), None) => true,
                _ => false,
            };
            if take_own {
                kids.push(own[i].1);
                i += 1;
            } else {
                kids.push(Kid::Element(children[j]));
                j += 1;
            }
        }
        let page_of = kids.iter().find_map(|k| match k {
            Kid::Mcid(p, _) | Kid::Annot(p, _) => Some(*p),
            Kid::Element(_) => None,
        });
        let element = Element {
            role: el.role,
            parent: if e == Structure::ROOT {
                tree_root
            } else {
                ids[el.parent].unwrap_or(tree_root)
            },
            kids: {
                kid_refs.clear();
                kid_refs.extend(kids.iter().filter_map(|kid| match *kid {
                    Kid::Mcid(p, mcid) if Some(p) == page_of => Some(KidRef::Mcid(mcid)),
                    Kid::Mcid(p, mcid) => Some(KidRef::Mcr(pages[p], mcid)),
                    Kid::Annot(p, annot) => Some(KidRef::Objr(pages[p], annot)),
                    Kid::Element(c) => ids[c].map(KidRef::Element),
                }));
                &kid_refs
            },
            page: page_of.map(|p| pages[p]),
            alt: el.alt.as_deref(),
            lang: el.lang.as_deref(),
            bbox: match el.role {
                Role::Figure => marks
                    .iter()
                    .flat_map(|m| &m.boxes)
                    .find(|(id, _)| *id == e)
                    .map(|(_, b)| b.map(|v| super::round3(v) as f32)),
                _ => None,
            },
        };
        match written.as_deref_mut() {
            Some(written) => written.push_with(id, |out| element.write(out)),
            None => _ = lo.objects.insert(id, element.to_object()),
        }
    }
    // The parent tree: for each page the element of each MCID, for each annotation its
    // element.
    let mut nums = Vec::new();
    for (p, m) in marks.iter().enumerate() {
        let parents: Vec<Object> = m
            .mcids
            .iter()
            .map(|&e| {
                ids.get(e)
                    .copied()
                    .flatten()
                    .map_or(Object::Null, Object::Reference)
            })
            .collect();
        nums.push(Object::Integer(p as i64));
        nums.push(Object::Array(parents));
        if let Some(Object::Dictionary(page)) = lo.objects.get_mut(&pages[p]) {
            page.set("StructParents", Object::Integer(p as i64));
            // Tab order follows the structure.
            page.set("Tabs", Object::Name(b"S".to_vec()));
        }
    }
    let mut key = marks.len();
    for (annot, e) in annots_of {
        let Some(elem) = ids[e] else { continue };
        nums.push(Object::Integer(key as i64));
        nums.push(Object::Reference(elem));
        if let Some(Object::Dictionary(a)) = lo.objects.get_mut(&annot) {
            a.set("StructParent", Object::Integer(key as i64));
            let contents = elements[e]
                .alt
                .clone()
                .or_else(|| link_text.get(&e).map(|t| t.trim().to_string()))
                .unwrap_or_default();
            if !contents.is_empty() {
                a.set("Contents", text_string(&contents));
            }
        }
        key += 1;
    }
    let root_kids = ids[Structure::ROOT]
        .map(|r| vec![Object::Reference(r)])
        .unwrap_or_default();
    lo.objects.insert(
        tree_root,
        Object::Dictionary(Dictionary::from_iter([
            ("Type", Object::Name(b"StructTreeRoot".to_vec())),
            ("K", Object::Array(root_kids)),
            (
                "ParentTree",
                Object::Dictionary(Dictionary::from_iter([("Nums", Object::Array(nums))])),
            ),
            ("ParentTreeNextKey", Object::Integer(key as i64)),
        ])),
    );
    if let Some(Object::Dictionary(cat)) = lo.objects.get_mut(&catalog) {
        cat.set("StructTreeRoot", Object::Reference(tree_root));
        cat.set(
            "MarkInfo",
            Dictionary::from_iter([("Marked", Object::Boolean(true))]),
        );
        if !doc.meta.lang.is_empty() {
            cat.set("Lang", text_string(&doc.meta.lang));
        }
    }
}

/// Says the tags may not cover everything (`/MarkInfo /Suspects true`): pages appended from
/// other files carry no tags of the letter's structure tree.
pub(super) fn suspect(lo: &mut lopdf::Document) {
    let Ok(Object::Reference(catalog)) = lo.trailer.get(b"Root").cloned() else {
        return;
    };
    if let Ok(cat) = lo.get_dictionary_mut(catalog)
        && cat.has(b"MarkInfo")
    {
        cat.set(
            "MarkInfo",
            Dictionary::from_iter([
                ("Marked", Object::Boolean(true)),
                ("Suspects", Object::Boolean(true)),
            ]),
        );
    }
}

/// The text of each link element (what its annotations' `/Contents` say when it has no
/// alternative text). Read before the pages' content is written, which lets their items go.
pub(super) fn link_texts(doc: &Document) -> BTreeMap<ElementId, String> {
    let mut out = BTreeMap::new();
    let structure = &doc.structure;
    for page in &doc.pages {
        let mut tag = Tag::Artifact;
        for item in &page.items {
            match item {
                Item::Tag(t) => tag = *t,
                Item::Text(run) => {
                    if let Tag::Element(e) = tag
                        && structure.get(e).is_some_and(|el| el.role == Role::Link)
                    {
                        out.entry(e)
                            .or_insert_with(String::new)
                            .push_str(run.glyphs.text());
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Replacement texts (ISO 32000-1 §14.9.4) for the pieces of a link's text that a line break
/// cuts without a space or hyphen (a URL broken after a `/`): the first piece reads as the
/// whole of its word, the later ones as nothing, so that extraction that goes line by line
/// (`pdftotext`) gives the address whole. The logical structure needs none: a link's
/// pieces are one element, read end to end. For each page, by item index.
pub(super) fn actual_texts(doc: &Document) -> Vec<BTreeMap<usize, String>> {
    let mut out = vec![BTreeMap::new(); doc.pages.len()];
    // Each link element's runs, in order: (page, item, baseline, text).
    let mut links: BTreeMap<ElementId, Vec<(usize, usize, Abs, &str)>> = BTreeMap::new();
    for (p, page) in doc.pages.iter().enumerate() {
        let mut tag = Tag::Artifact;
        for (i, item) in page.items.iter().enumerate() {
            match item {
                Item::Tag(t) => tag = *t,
                Item::Text(run) if !run.glyphs.is_empty() => {
                    if let Tag::Element(e) = tag
                        && doc.structure.get(e).is_some_and(|el| el.role == Role::Link)
                    {
                        links
                            .entry(e)
                            .or_default()
                            .push((p, i, run.y, run.glyphs.text()));
                    }
                }
                _ => {}
            }
        }
    }
    for runs in links.values() {
        // Words: runs joined, cut where one line ends or the next begins with a space.
        let mut word: Vec<usize> = Vec::new();
        let mut flush = |word: &mut Vec<usize>| {
            let broken = word
                .windows(2)
                .any(|w| (runs[w[0]].0, runs[w[0]].2) != (runs[w[1]].0, runs[w[1]].2));
            if broken {
                let text: String = word.iter().map(|&r| runs[r].3).collect();
                for (k, &r) in word.iter().enumerate() {
                    let replacement = if k == 0 { text.clone() } else { String::new() };
                    out[runs[r].0].insert(runs[r].1, replacement);
                }
            }
            word.clear();
        };
        for r in 0..runs.len() {
            if let Some(&before) = word.last() {
                let new_line = (runs[before].0, runs[before].2) != (runs[r].0, runs[r].2);
                let spaced = runs[before].3.ends_with(char::is_whitespace)
                    || runs[r].3.starts_with(char::is_whitespace);
                if new_line && spaced {
                    flush(&mut word);
                }
            }
            word.push(r);
        }
        flush(&mut word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(element: &Element<'_>) -> (String, String) {
        let mut direct = Vec::new();
        element.write(&mut direct);
        let mut via_lopdf = Vec::new();
        super::super::save::write_object(&mut via_lopdf, &element.to_object());
        (
            String::from_utf8_lossy(&direct).into_owned(),
            String::from_utf8_lossy(&via_lopdf).into_owned(),
        )
    }

    #[test]
    fn element_bytes_are_its_object_written() {
        let page = (4, 0);
        let cases = [
            Element {
                role: Role::P,
                parent: (7, 0),
                kids: &[KidRef::Mcid(3)],
                page: Some(page),
                alt: None,
                lang: None,
                bbox: None,
            },
            Element {
                role: Role::Link,
                parent: (7, 0),
                kids: &[KidRef::Objr(page, (12, 0))],
                page: None,
                alt: Some("Spenden (online) \\ überweisen"),
                lang: Some("de-DE"),
                bbox: None,
            },
            Element {
                role: Role::Figure,
                parent: (2, 0),
                kids: &[
                    KidRef::Mcid(0),
                    KidRef::Mcr((9, 0), 1),
                    KidRef::Element((10, 0)),
                    KidRef::Objr((9, 0), (11, 0)),
                    KidRef::Mcid(5),
                ],
                page: Some(page),
                alt: Some("Logo"),
                lang: None,
                bbox: Some([56.693, 700.5, 120.0, 0.125]),
            },
            Element {
                role: Role::TH,
                parent: (2, 0),
                kids: &[KidRef::Mcr(page, 2)],
                page: None,
                alt: None,
                lang: None,
                bbox: None,
            },
            Element {
                role: Role::Document,
                parent: (1, 0),
                kids: &[KidRef::Element((3, 0)), KidRef::Element((5, 0))],
                page: None,
                alt: None,
                lang: Some("en"),
                bbox: None,
            },
        ];
        for element in &cases {
            let (direct, via_lopdf) = written(element);
            assert_eq!(direct, via_lopdf);
        }
        assert_eq!(
            written(&cases[0]).0,
            "<</Type/StructElem/S/P/P 7 0 R/K 3/Pg 4 0 R>>"
        );
        assert_eq!(
            written(&cases[2]).0,
            "<</Type/StructElem/S/Figure/P 2 0 R/K[0<</Type/MCR/Pg 9 0 R/MCID 1>> 10 0 R\
             <</Type/OBJR/Pg 9 0 R/Obj 11 0 R>> 5]/Pg 4 0 R/Alt(Logo)\
             /A<</O/Layout/BBox[56.693 700.5 120 0.125]/Placement/Block>>>>"
        );
    }
}
