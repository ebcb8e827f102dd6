//! Serialising a finished lopdf document to bytes: streams as they are, every other object
//! in compressed object streams, and a compressed cross-reference stream (PDF 1.5).
//!
//! Why not lopdf's own `save_with_options`: it clones every object into its object streams,
//! writes each object three times to measure it, sets up a new compressor (some hundred KiB of
//! tables) per object stream, and leaves the cross-reference stream uncompressed (seven bytes
//! per object, about a tenth of a short letter). Here every object is written once, streams and
//! cross-references go through one compressor per thread, and cross-reference entries are as
//! narrow as the file allows. Objects are written the way lopdf writes them.
//!
//! It takes the document as it is; what goes into it is the business of the rest of `pdf`.

use std::cell::RefCell;
use std::io::Write;

use lopdf::{Dictionary, Object, StringFormat};

/// At most this many objects share an object stream (lopdf's default): a reader that needs
/// one of them inflates the whole stream.
const OBJECTS_PER_STREAM: usize = 100;

/// Trailer keys that the cross-reference stream's dictionary sets itself.
const XREF_KEYS: [&[u8]; 9] = [
    b"Type",
    b"Size",
    b"W",
    b"Index",
    b"Length",
    b"Filter",
    b"DecodeParms",
    b"Prev",
    b"XRefStm",
];

/// Where an object is found, for the cross-reference stream.
#[derive(Clone, Copy)]
enum Entry {
    Free,
    /// Byte offset in the file.
    Direct(usize),
    /// Object stream number and index in it.
    InStream(u32, usize),
}

/// Objects of the document already written out in PDF syntax (none of them a stream), for
/// `save` to put into object streams with the others. A long letter's structure tree held as
/// lopdf dictionaries was the largest part of its memory: some 1.5 KB an element, against
/// about 60 bytes written.
#[derive(Default)]
pub(super) struct Written {
    /// The objects' bytes, one after another.
    bytes: Vec<u8>,
    /// Each object and where its bytes end.
    objects: Vec<(lopdf::ObjectId, usize)>,
}

impl Written {
    /// Adds object `id`, which `write` writes out.
    pub(super) fn push_with(&mut self, id: lopdf::ObjectId, write: impl FnOnce(&mut Vec<u8>)) {
        write(&mut self.bytes);
        self.objects.push((id, self.bytes.len()));
    }

    /// Each object with its bytes, in the order they were added.
    fn iter(&self) -> impl Iterator<Item = (lopdf::ObjectId, &[u8])> {
        let starts = std::iter::once(0).chain(self.objects.iter().map(|&(_, end)| end));
        self.objects
            .iter()
            .zip(starts)
            .map(|(&(id, end), start)| (id, &self.bytes[start..end]))
    }
}

/// An object for an object stream: one of the document's, or one written before.
#[derive(Clone, Copy)]
enum Packed<'a> {
    Object(&'a Object),
    Written(&'a [u8]),
}

/// The document, with the objects in `written`, as PDF bytes. With `free_streams`, each
/// stream's data is freed once it is written (the document is not needed afterwards): a long
/// letter's deflated pages are not held twice, in the document and in the file's bytes.
pub(super) fn save(lo: &mut lopdf::Document, written: &Written, free_streams: bool) -> Vec<u8> {
    // Room for the streams as they are and for the rest deflated, so that a long letter's
    // bytes are not copied from one doubled buffer into the next (both held while copying).
    let streams: usize = lo
        .objects
        .values()
        .map(|object| match object {
            Object::Stream(stream) => stream.content.len() + 64,
            _ => 0,
        })
        .sum();
    let mut out = Vec::with_capacity(16 * 1024 + streams + written.bytes.len() / 4);
    let _ = write!(out, "%PDF-{}\n%", lo.version);
    out.extend_from_slice(&lo.binary_mark);
    out.push(b'\n');

    let max_id = lo
        .objects
        .keys()
        .map(|id| id.0)
        .chain(written.iter().map(|(id, _)| id.0))
        .max()
        .unwrap_or(0);
    let mut entries = vec![Entry::Free; max_id as usize + 1];
    // Streams (and the rare object of a later generation) are written directly; the rest is
    // gathered into object streams, in the order of their numbers.
    let mut packed: Vec<(u32, Packed<'_>)> =
        Vec::with_capacity(lo.objects.len() + written.objects.len());
    for (&(id, generation), object) in &mut lo.objects {
        if matches!(object, Object::Stream(_)) || generation != 0 {
            entries[id as usize] = Entry::Direct(out.len());
            let _ = writeln!(out, "{id} {generation} obj");
            write_object(&mut out, object);
            out.extend_from_slice(b"\nendobj\n");
            if free_streams && let Object::Stream(stream) = object {
                stream.content = Vec::new();
            }
        } else {
            packed.push((id, Packed::Object(object)));
        }
    }
    packed.extend(
        written
            .iter()
            .map(|(id, bytes)| (id.0, Packed::Written(bytes))),
    );
    packed.sort_by_key(|&(id, _)| id);
    let mut next_id = max_id + 1;
    let mut header = Vec::new();
    let mut body = Vec::new();
    for group in packed.chunks(OBJECTS_PER_STREAM) {
        let stream_id = next_id;
        next_id += 1;
        header.clear();
        body.clear();
        for (index, &(id, object)) in group.iter().enumerate() {
            let _ = write!(header, "{id} {} ", body.len());
            match object {
                Packed::Object(object) => write_object(&mut body, object),
                Packed::Written(bytes) => body.extend_from_slice(bytes),
            }
            body.push(b'\n');
            entries[id as usize] = Entry::InStream(stream_id, index);
        }
        header.extend_from_slice(&body);
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"ObjStm".to_vec()));
        dict.set("N", Object::Integer(group.len() as i64));
        dict.set("First", Object::Integer((header.len() - body.len()) as i64));
        entries.push(Entry::Direct(out.len()));
        write_stream(&mut out, stream_id, dict, &header, None);
    }

    // The cross-reference stream describes itself too.
    let xref_id = next_id;
    let xref_offset = out.len();
    entries.push(Entry::Direct(xref_offset));
    let widest = entries
        .iter()
        .map(|e| match *e {
            Entry::Free => (0, 0),
            Entry::Direct(offset) => (offset, 0),
            Entry::InStream(stream, index) => (stream as usize, index),
        })
        .fold((0, 0), |(a, b), (x, y)| (a.max(x), b.max(y)));
    let w = [1, bytes_for(widest.0), bytes_for(widest.1)];
    let row = w.iter().sum::<usize>();
    let mut table = Vec::with_capacity(entries.len() * row);
    for entry in &entries {
        let (kind, field2, field3) = match *entry {
            // Object 0 heads the list of free objects; its generation is 65535, truncated to
            // the column's width (readers take the generation of a free entry as a hint).
            Entry::Free => (0, 0, 0),
            Entry::Direct(offset) => (1, offset, 0),
            Entry::InStream(stream, index) => (2, stream as usize, index),
        };
        table.push(kind);
        table.extend_from_slice(&field2.to_be_bytes()[usize::BITS as usize / 8 - w[1]..]);
        table.extend_from_slice(&field3.to_be_bytes()[usize::BITS as usize / 8 - w[2]..]);
    }
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XRef".to_vec()));
    dict.set("Size", Object::Integer(entries.len() as i64));
    dict.set(
        "W",
        Object::Array(w.iter().map(|&n| Object::Integer(n as i64)).collect()),
    );
    for (key, value) in &lo.trailer {
        if !XREF_KEYS.contains(&key.as_slice()) {
            dict.set(key.clone(), value.clone());
        }
    }
    write_stream(&mut out, xref_id, dict, &table, Some(row));
    let _ = write!(out, "startxref\n{xref_offset}\n%%EOF");
    out
}

/// How many bytes hold `n` (at least one).
fn bytes_for(n: usize) -> usize {
    let bits = usize::BITS - n.leading_zeros();
    (bits as usize).div_ceil(8).max(1)
}

/// Writes a deflated stream object. With `row`, the data is a table of rows of that many
/// bytes, deflated after the PNG "up" predictor (neighbouring cross-reference entries differ
/// in a byte or two, so the differences deflate to little).
fn write_stream(out: &mut Vec<u8>, id: u32, mut dict: Dictionary, data: &[u8], row: Option<usize>) {
    let compressed = match row {
        Some(row) => deflate(&up_predicted(data, row)).inspect(|_| {
            let mut parms = Dictionary::new();
            parms.set("Predictor", Object::Integer(12));
            parms.set("Columns", Object::Integer(row as i64));
            dict.set("DecodeParms", Object::Dictionary(parms));
        }),
        None => deflate(data),
    };
    // Deflating into memory does not fail; if it ever did, the data goes as it is.
    let content = match &compressed {
        Some(c) => {
            dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            c.as_slice()
        }
        None => data,
    };
    dict.set("Length", Object::Integer(content.len() as i64));
    let _ = writeln!(out, "{id} 0 obj");
    write_dictionary(out, &dict);
    out.extend_from_slice(b"stream\n");
    out.extend_from_slice(content);
    out.extend_from_slice(b"\nendstream\nendobj\n");
}

/// Rows of `row` bytes, each prefixed by PNG filter type 2 (up) and written as the difference
/// from the row above.
fn up_predicted(data: &[u8], row: usize) -> Vec<u8> {
    let row = row.max(1);
    let mut out = Vec::with_capacity(data.len() + data.len() / row + 1);
    let mut above: &[u8] = &[];
    for current in data.chunks(row) {
        out.push(2);
        for (i, &byte) in current.iter().enumerate() {
            out.push(byte.wrapping_sub(above.get(i).copied().unwrap_or(0)));
        }
        above = current;
    }
    out
}

/// A compressor and the scratch buffer it writes into.
type Deflater = (libdeflater::Compressor, Vec<u8>);

thread_local! {
    /// One compressor per thread: setting one up (its tables) costs more than compressing a
    /// letter's small streams.
    static DEFLATE: RefCell<Option<Deflater>> = const { RefCell::new(None) };
    static DEFLATE_FAST: RefCell<Option<Deflater>> = const { RefCell::new(None) };
}

/// `data` as a zlib stream at the default level (6).
///
/// libdeflate, a whole-buffer compressor: on the streams of 1,000 varied letters it deflated
/// content streams in 60 % of zlib-rs's time at the same level (fonts 51 %, object streams
/// 62 %), and 0.6–1.7 % smaller.
pub(super) fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    deflate_with(&DEFLATE, libdeflater::CompressionLvl::default(), data)
}

/// `data` as a zlib stream at libdeflate's level 1, for the streams only a combined print file
/// holds: its pages' content as the file's shared fonts show it, and the object streams its
/// appending writes. Measured on a 5,000-row merge with `--combine --duplex`: 3.8 % less CPU
/// than level 6 (paired medians) for a print file 5 % larger (13.9 → 14.6 MB; level 4:
/// 14.3 MB).
pub(super) fn deflate_fast(data: &[u8]) -> Option<Vec<u8>> {
    deflate_with(&DEFLATE_FAST, fast_level(), data)
}

/// libdeflate's level 1. Not `CompressionLvl::fastest()`: that is level 0, which stores the
/// data as it is (a combined print file of 5,000 letters was 38 MB).
fn fast_level() -> libdeflater::CompressionLvl {
    libdeflater::CompressionLvl::new(1).unwrap_or_default()
}

/// The largest scratch buffer a thread keeps between streams (a letter's are a few KB).
const SCRATCH_KEPT: usize = 1 << 20;

fn deflate_with(
    compressor: &'static std::thread::LocalKey<RefCell<Option<Deflater>>>,
    level: libdeflater::CompressionLvl,
    data: &[u8],
) -> Option<Vec<u8>> {
    compressor.with(|cell| {
        let mut cell = cell.borrow_mut();
        let (z, scratch) =
            cell.get_or_insert_with(|| (libdeflater::Compressor::new(level), Vec::new()));
        // Into the thread's scratch buffer, then copied out at its exact length: a buffer of
        // the bound for each stream was zeroed first, and kept its whole capacity (a long
        // letter's deflated pages held three times their size).
        scratch.resize(z.zlib_compress_bound(data.len()), 0);
        let out = z
            .zlib_compress(data, scratch)
            .ok()
            .map(|length| scratch[..length].to_vec());
        // An image's stream can be megabytes: the thread does not keep a buffer that large.
        if scratch.capacity() > SCRATCH_KEPT {
            *scratch = Vec::new();
        }
        out
    })
}

/// Objects that need a space before them when they follow a name or a number.
fn needs_separator(object: &Object) -> bool {
    matches!(
        object,
        Object::Null
            | Object::Boolean(_)
            | Object::Integer(_)
            | Object::Real(_)
            | Object::Reference(_)
    )
}

/// Writes an object in PDF syntax, as lopdf's writer does.
pub(super) fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(n) => {
            let _ = write!(out, "{n}");
        }
        Object::Real(r) => {
            let _ = write!(out, "{r}");
        }
        Object::Name(name) => write_name(out, name),
        Object::String(text, format) => write_string(out, text, *format),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 && needs_separator(item) {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dictionary(out, dict),
        Object::Stream(stream) => {
            let mut dict = stream.dict.clone();
            dict.set("Length", Object::Integer(stream.content.len() as i64));
            write_dictionary(out, &dict);
            out.extend_from_slice(b"stream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            let _ = write!(out, "{id} {generation} R");
        }
    }
}

fn write_dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict {
        write_name(out, key);
        if needs_separator(value) {
            out.push(b' ');
        }
        write_object(out, value);
    }
    out.extend_from_slice(b">>");
}

/// A name, with white space, delimiters and bytes outside `!`..`~` as `#` escapes.
pub(super) fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &byte in name {
        if b" \t\n\r\x0C()<>[]{}/%#".contains(&byte) || !(33..=126).contains(&byte) {
            let _ = write!(out, "#{byte:02X}");
        } else {
            out.push(byte);
        }
    }
}

/// A string: literal, with backslashes, carriage returns and unbalanced parentheses escaped;
/// or hexadecimal.
fn write_string(out: &mut Vec<u8>, text: &[u8], format: StringFormat) {
    match format {
        StringFormat::Literal => {
            // Which bytes need a backslash: unbalanced parentheses, backslashes, CRs.
            let mut escape = vec![false; text.len()];
            let mut open = Vec::new();
            for (i, &byte) in text.iter().enumerate() {
                match byte {
                    b'(' => open.push(i),
                    b')' if open.pop().is_none() => escape[i] = true,
                    b'\\' | b'\r' => escape[i] = true,
                    _ => {}
                }
            }
            for i in open {
                escape[i] = true;
            }
            out.push(b'(');
            for (i, &byte) in text.iter().enumerate() {
                if escape[i] {
                    out.push(b'\\');
                    out.push(if byte == b'\r' { b'r' } else { byte });
                } else {
                    out.push(byte);
                }
            }
            out.push(b')');
        }
        StringFormat::Hexadecimal => {
            out.push(b'<');
            for &byte in text {
                let _ = write!(out, "{byte:02X}");
            }
            out.push(b'>');
        }
    }
}
