//! PDF objects as the combined print file writes them: its serialiser (lopdf writes whole
//! documents only), the ids it reserves for its own objects, and what it reads from a
//! letter's objects.

use std::io::Write;

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

/// Ids reserved for the combined file's own objects.
pub(super) const CATALOG: u32 = 1;
pub(super) const PAGES: u32 = 2;
pub(super) const OUTLINES: u32 = 3;
pub(super) const INFO: u32 = 4;
pub(super) const STRUCT_TREE: u32 = 5;
pub(super) const STRUCT_DOCUMENT: u32 = 6;
pub(super) const METADATA: u32 = 7;
/// Never written: what a reference to an object a PDF lacks points at (read as null).
pub(super) const NOTHING: u32 = 8;
pub(super) const FIRST_FREE: u32 = 9;

/// An object or cross-reference stream: packing of a PDF as written, not content. lopdf reads
/// the objects they hold as objects of their own, which the combined file writes one by one.
pub(super) fn is_packing(object: &Object) -> bool {
    matches!(object, Object::Stream(stream)
        if matches!(stream.dict.get(b"Type").and_then(Object::as_name), Ok(b"ObjStm" | b"XRef")))
}

/// Page attributes a page may inherit from its page-tree ancestors.
pub(super) fn inherited_attributes(
    doc: &lopdf::Document,
    page: ObjectId,
) -> Vec<(Vec<u8>, Object)> {
    let mut found: Vec<(Vec<u8>, Object)> = Vec::new();
    let mut node = doc
        .get_dictionary(page)
        .ok()
        .and_then(|d| d.get(b"Parent").ok().cloned());
    let mut depth = 0;
    while let Some(Object::Reference(id)) = node {
        depth += 1;
        let Ok(dict) = doc.get_dictionary(id) else {
            break;
        };
        if depth > 64 {
            break;
        }
        for key in [b"MediaBox".as_slice(), b"Resources", b"CropBox", b"Rotate"] {
            if !found.iter().any(|(k, _)| k == key)
                && let Ok(value) = dict.get(key)
            {
                found.push((key.to_vec(), value.clone()));
            }
        }
        node = dict.get(b"Parent").ok().cloned();
    }
    found
}

/// Serialises one PDF object (PDF 1.7, section 7.3).
pub(super) fn serialize(object: &Object, out: &mut Vec<u8>) {
    serialize_with(object, out, &mut write_reference);
}

pub(super) fn write_reference(out: &mut Vec<u8>, (id, generation): ObjectId) {
    let _ = write!(out, "{id} {generation} R");
}

/// `serialize`, with each reference written by `reference`.
pub(super) fn serialize_with(
    object: &Object,
    out: &mut Vec<u8>,
    reference: &mut dyn FnMut(&mut Vec<u8>, ObjectId),
) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Object::Real(r) => {
            // Four decimals, trailing zeros and a bare point left out.
            let start = out.len();
            let _ = write!(out, "{r:.4}");
            while out.len() > start && out.last() == Some(&b'0') {
                out.pop();
            }
            if out.last() == Some(&b'.') {
                out.pop();
            }
            if out.len() == start || out[start..] == *b"-" {
                out.truncate(start);
                out.push(b'0');
            }
        }
        Object::Name(name) => crate::pdf::save::write_name(out, name),
        Object::String(bytes, StringFormat::Literal) => {
            out.push(b'(');
            for &b in bytes {
                match b {
                    b'(' | b')' | b'\\' => {
                        out.push(b'\\');
                        out.push(b);
                    }
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    0x20..=0x7e => out.push(b),
                    _ => {
                        let _ = write!(out, "\\{b:03o}");
                    }
                }
            }
            out.push(b')');
        }
        Object::String(bytes, StringFormat::Hexadecimal) => {
            out.push(b'<');
            for b in bytes {
                let _ = write!(out, "{b:02X}");
            }
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                serialize_with(item, out, reference);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => serialize_dict(dict, out, reference),
        Object::Stream(stream) => {
            // The dictionary with its `/Length` set: in its place when it has one, else last.
            let length = Object::Integer(stream.content.len() as i64);
            out.extend_from_slice(b"<<");
            for (key, value) in stream.dict.iter() {
                crate::pdf::save::write_name(out, key);
                out.push(b' ');
                serialize_with(
                    if key == b"Length" { &length } else { value },
                    out,
                    reference,
                );
            }
            if !stream.dict.has(b"Length") {
                crate::pdf::save::write_name(out, b"Length");
                out.push(b' ');
                serialize_with(&length, out, reference);
            }
            out.extend_from_slice(b">>");
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference(id) => reference(out, *id),
    }
}

pub(super) fn serialize_dict(
    dict: &Dictionary,
    out: &mut Vec<u8>,
    reference: &mut dyn FnMut(&mut Vec<u8>, ObjectId),
) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        crate::pdf::save::write_name(out, key);
        out.push(b' ');
        serialize_with(value, out, reference);
    }
    out.extend_from_slice(b">>");
}

/// Moves the parent-tree keys of a document's pages and annotations up by `offset`.
pub(super) fn shift_struct_parents(doc: &mut lopdf::Document, offset: i64) {
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

/// Points every reference in `object` where `map` says.
pub(super) fn renumber_object(object: &mut Object, map: &dyn Fn(ObjectId) -> ObjectId) {
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
