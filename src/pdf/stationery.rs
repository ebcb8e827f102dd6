//! The designer's stationery under the letter: the page of a one-page PDF becomes a Form
//! XObject (its content and resources as they are: vector, fonts embedded as the designer's
//! tool embedded them), held once in the file and drawn first on each page of the letter, as
//! an artifact (background, not content, for screen readers). `first` is drawn on page one,
//! `later` on the pages after it.
//!
//! Nothing but the page's content and resources comes across: no annotations, actions or
//! scripts (`import::copy` leaves out what could run in resources too).

use std::sync::Arc;

use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::import::{self, Foreign};
use crate::config::Stationery;

/// The resource names of the two forms.
const NAMES: [&str; 2] = ["LHStationery1", "LHStationery2"];

/// Where the stationery went: each letter page wrapped (its id and the id of the stream drawn
/// before its own content), and each form with the file it shows.
#[derive(Debug, Clone, Default)]
pub(super) struct Drawn {
    pub(super) wrapped: Vec<(ObjectId, ObjectId)>,
    pub(super) forms: Vec<(ObjectId, Arc<Foreign>)>,
}

/// The page of `pdf` as a Form XObject in `lo`.
fn form(lo: &mut lopdf::Document, pdf: &Foreign) -> Option<ObjectId> {
    let page = *pdf.pages.first()?;
    let g = pdf.geometry(0)?;
    let dict = import::with_inherited(&pdf.doc, page)?;
    let contents = pdf.doc.get_page_contents(page);
    let mut form = Dictionary::new();
    form.set("Type", Object::Name(b"XObject".to_vec()));
    form.set("Subtype", Object::Name(b"Form".to_vec()));
    form.set(
        "BBox",
        Object::Array(g.crop.iter().map(|&v| Object::Real(v as f32)).collect()),
    );
    form.set(
        "Resources",
        dict.get(b"Resources")
            .cloned()
            .unwrap_or_else(|_| Object::Dictionary(Dictionary::new())),
    );
    if let Ok(group) = dict.get(b"Group") {
        form.set("Group", group.clone());
    }
    let content = match contents.as_slice() {
        [one] => {
            let stream = pdf.doc.get_object(*one).ok()?.as_stream().ok()?;
            for key in [b"Filter".as_slice(), b"DecodeParms"] {
                if let Ok(value) = stream.dict.get(key) {
                    form.set(key, value.clone());
                }
            }
            stream.content.clone()
        }
        many => {
            let mut bytes = Vec::new();
            for id in many {
                bytes.extend(import::stream_bytes(&pdf.doc, *id)?);
                bytes.push(b'\n');
            }
            bytes
        }
    };
    let mut stream = Stream::new(form, content);
    stream.allows_compression = true;
    // A stand-in id the file does not use: `copy` takes the form from here.
    let root = (u32::MAX, 0);
    let replace = [(root, Object::Stream(stream))].into_iter().collect();
    let id = import::copy(lo, &pdf.doc, &[root], &replace)[0];
    (id.0 != 0).then_some(id)
}

/// Draws the stationery under the first `pages` pages of `lo` (the letter's).
pub(super) fn apply(lo: &mut lopdf::Document, stationery: &Stationery, pages: usize) -> Drawn {
    let mut drawn = Drawn::default();
    let page_ids: Vec<ObjectId> = lo.get_pages().into_values().take(pages).collect();
    let mut forms: [Option<(ObjectId, [f64; 4])>; 2] = [None, None];
    for (i, page) in page_ids.into_iter().enumerate() {
        let which = usize::from(i > 0);
        let source = if i == 0 {
            Some(&stationery.first)
        } else {
            stationery.later.as_ref()
        };
        let Some(source) = source else { continue };
        if forms[which].is_none() {
            let Some(g) = source.pdf.geometry(0) else {
                continue;
            };
            let Some(id) = form(lo, &source.pdf) else {
                continue;
            };
            drawn.forms.push((id, source.pdf.clone()));
            forms[which] = Some((id, g.crop));
        }
        let Some((form, crop)) = forms[which] else {
            continue;
        };
        let name = NAMES[which];
        if !add_resource(lo, page, name, form) {
            continue;
        }
        let r = super::round3;
        let prefix = format!(
            "/Artifact BMC q 1 0 0 1 {} {} cm /{name} Do Q EMC\n",
            r(-crop[0]),
            r(-crop[1])
        );
        let prefix = lo.add_object(Stream::new(Dictionary::new(), prefix.into_bytes()));
        if let Ok(dict) = lo.get_dictionary_mut(page) {
            let contents = match dict.get(b"Contents") {
                Ok(Object::Array(a)) => a.clone(),
                Ok(c) => vec![c.clone()],
                Err(_) => Vec::new(),
            };
            let mut all = vec![Object::Reference(prefix)];
            all.extend(contents);
            dict.set("Contents", Object::Array(all));
            drawn.wrapped.push((page, prefix));
        }
    }
    drawn
}

/// Names `form` in the page's XObject resources.
fn add_resource(lo: &mut lopdf::Document, page: ObjectId, name: &str, form: ObjectId) -> bool {
    let Ok(dict) = lo.get_dictionary(page) else {
        return false;
    };
    let resources = match dict.get(b"Resources") {
        Ok(Object::Reference(r)) => *r,
        Ok(Object::Dictionary(_)) | Err(_) => {
            // Made indirect, for one place to add to.
            let inline = match dict.get(b"Resources") {
                Ok(Object::Dictionary(d)) => d.clone(),
                _ => Dictionary::new(),
            };
            let id = lo.add_object(inline);
            if let Ok(dict) = lo.get_dictionary_mut(page) {
                dict.set("Resources", Object::Reference(id));
            }
            id
        }
        Ok(_) => return false,
    };
    let xobjects = lo
        .get_dictionary(resources)
        .ok()
        .and_then(|r| r.get(b"XObject").ok())
        .cloned();
    match xobjects {
        Some(Object::Reference(x)) => match lo.get_dictionary_mut(x) {
            Ok(x) => x.set(name, Object::Reference(form)),
            Err(_) => return false,
        },
        Some(Object::Dictionary(mut x)) => {
            x.set(name, Object::Reference(form));
            if let Ok(r) = lo.get_dictionary_mut(resources) {
                r.set("XObject", Object::Dictionary(x));
            }
        }
        _ => {
            if let Ok(r) = lo.get_dictionary_mut(resources) {
                r.set(
                    "XObject",
                    Object::Dictionary(Dictionary::from_iter([(name, Object::Reference(form))])),
                );
            }
        }
    }
    true
}

/// Gives the wrapped pages their own content alone again (the combined file's part is made
/// from them), see `rewrap`.
pub(super) fn unwrap(lo: &mut lopdf::Document, drawn: &Drawn) {
    for (page, prefix) in &drawn.wrapped {
        if let Ok(dict) = lo.get_dictionary_mut(*page)
            && let Ok(Object::Array(contents)) = dict.get(b"Contents")
            && contents.first() == Some(&Object::Reference(*prefix))
            && contents.len() == 2
        {
            let own = contents[1].clone();
            dict.set("Contents", own);
        }
    }
}

/// Draws the stationery again under pages `unwrap` gave their own content alone.
pub(super) fn rewrap(lo: &mut lopdf::Document, drawn: &Drawn) {
    for (page, prefix) in &drawn.wrapped {
        if let Ok(dict) = lo.get_dictionary_mut(*page)
            && let Ok(own @ Object::Reference(_)) = dict.get(b"Contents").cloned()
        {
            dict.set(
                "Contents",
                Object::Array(vec![Object::Reference(*prefix), own]),
            );
        }
    }
}
