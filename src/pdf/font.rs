//! Our own font objects for every face: a `Type0` font with an Identity-H encoding over a
//! CID font, with `/W` widths and a `/ToUnicode` map. Codes are the subset's glyph ids (1/1000
//! em widths, truncated).
//!
//! - TrueType outlines (`.ttf`, TrueType collections): a `CIDFontType2` whose program
//!   (`/FontFile2`) is a subset made by `sfnt`.
//! - CFF outlines (`.otf`, CFF collections such as Noto Sans CJK's `.ttc`): a `CIDFontType0`
//!   whose program (`/FontFile3 /CIDFontType0C`) is the `CFF ` table of a subset made by the
//!   `subsetter` crate, which makes it CID-keyed with the subset's glyph ids as CIDs.
//!
//! Why not printpdf's: its font preparation parsed every face with allsorts and subset it by
//! reading the whole `glyf` table again for each document, then computed widths through a
//! glyph cache — together the costliest step of a short letter. A TrueType subset is a few
//! table copies (see `sfnt`).
//!
//! The letters of a run mostly use the same glyphs of the same faces: a subset, its widths, and
//! its font program and ToUnicode map already deflated are kept in a [`SubsetCache`] keyed by
//! the face and its glyphs with their texts, so a letter like the one before only copies them.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::panic::UnwindSafe;
use std::sync::{Arc, Mutex, Once};

use lopdf::Object::{Array, Dictionary, Integer, Name, Reference};
use lopdf::StringFormat::Literal;
use lopdf::{Dictionary as Dict, Object, Stream};

use crate::fonts::Face;
use crate::frame::{Document, Item};
use crate::sfnt::{Subset, TrueType};

/// A face's outlines, which decide the CID font type and how its program is embedded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outlines {
    /// `glyf`: `CIDFontType2`, `/FontFile2`.
    TrueType,
    /// `CFF `: `CIDFontType0`, `/FontFile3` of subtype `CIDFontType0C`.
    Cff,
}

/// One embedded face: its resource name and subset, and the widths the content stream
/// positions glyphs against.
pub(super) struct Font {
    /// The face.
    pub face: Arc<Face>,
    /// Resource name and subset tag (six capital letters).
    pub tag: String,
    /// The subset, ready to embed.
    prepared: Arc<Prepared>,
    /// The code (subset glyph id) of each original glyph id up to the largest the subset has
    /// (0, `.notdef`, for those it has not): looked up for every glyph written, where a binary
    /// search of the subset's glyphs was a third of writing a page's text. The letter's own,
    /// not kept with the cached subset (a few KB each).
    codes: Vec<u16>,
}

impl Font {
    /// Each glyph of the subset (its id in the face) and the text it stands for, shared with
    /// the subset rather than copied (a combined file's letters hand them to the thread
    /// appending them).
    pub fn glyph_texts(&self) -> GlyphTexts {
        GlyphTexts(self.prepared.clone())
    }

    /// The code (subset glyph id) and width of an original glyph id.
    pub fn glyph(&self, gid: u16) -> (u16, i64) {
        let code = self.codes.get(usize::from(gid)).copied().unwrap_or(0);
        let widths = &self.prepared.widths;
        (code, widths.get(usize::from(code)).copied().unwrap_or(0))
    }
}

/// The glyphs of a subset (their ids in the face) and the text each stands for.
pub(super) struct GlyphTexts(Arc<Prepared>);

impl GlyphTexts {
    pub(super) fn iter(&self) -> impl Iterator<Item = (u16, &str)> {
        self.0
            .subset
            .glyphs
            .iter()
            .copied()
            .zip(self.0.texts.iter().map(String::as_str))
    }
}

/// A face's subset for one set of glyphs (and the texts they stand for), with everything its
/// font objects need that does not depend on the letter.
struct Prepared {
    /// The face, kept alive: the cache knows it by its address, which must not be reused.
    _face: Arc<Face>,
    /// The subset's glyphs; its program is in `program`.
    subset: Subset,
    outlines: Outlines,
    /// Width of each subset glyph, in 1/1000 em, as written to `/W`.
    widths: Vec<i64>,
    name: String,
    metrics: crate::sfnt::Metrics,
    /// The font program's stream content, deflated where that made it smaller, and its
    /// length before (`/Length1`).
    program: Encoded,
    program_length: usize,
    /// The ToUnicode CMap's stream content.
    to_unicode: Encoded,
    /// The text each subset glyph stands for (for the combined file's one font per face).
    texts: Vec<String>,
}

impl Prepared {
    /// About the bytes it holds.
    fn size(&self) -> usize {
        std::mem::size_of::<Prepared>()
            + self.subset.glyphs.len() * 2
            + self.widths.len() * 8
            + self.name.len()
            + self.program.content.len()
            + self.to_unicode.content.len()
            + self
                .texts
                .iter()
                .map(|t| t.len() + std::mem::size_of::<String>())
                .sum::<usize>()
    }
}

/// A stream's content as `finish` would compress it: deflated (then `/Filter /FlateDecode`)
/// when that saves more than the filter entry costs, else as it is.
struct Encoded {
    content: Vec<u8>,
    deflated: bool,
}

impl Encoded {
    fn new(data: Vec<u8>) -> Encoded {
        match super::save::deflate(&data) {
            Some(c) if c.len() + 19 < data.len() => Encoded {
                content: c,
                deflated: true,
            },
            _ => Encoded {
                content: data,
                deflated: false,
            },
        }
    }

    fn stream(&self, mut dict: Dict) -> Stream {
        if self.deflated {
            dict.set("Filter", "FlateDecode");
        }
        // Set first, so `Length` comes before the keys of `dict` as when built otherwise.
        let mut stream = Stream::new(Dict::new(), self.content.clone());
        for (key, value) in dict {
            stream.dict.set(key, value);
        }
        stream
    }
}

/// Which subset: the face, its glyphs, and the text of each (lengths, then the texts joined).
type SubsetKey = (usize, Vec<u16>, Vec<u32>, String);

/// Subsets kept across the letters of a run, up to [`SubsetCache::BUDGET`] bytes; when a new
/// one would pass it, the least recently used go. A merge's letters differ in a name, a house
/// number, an amount: 5,000 rows of the example make some 350 glyph sets of the body face,
/// used in no order. Keeping 64 and forgetting them all when full found one letter in four;
/// this finds all but the first two of each. A subset is kept the second time it is made:
/// most glyph sets of a folder of different letters occur once, and keeping those would only
/// hold memory (7 MiB more for 1,000 letters).
#[derive(Default)]
pub struct SubsetCache {
    held: Mutex<Held>,
}

/// The subsets of a [`SubsetCache`]: each with the tick it was last used at and its size;
/// and a hash of each subset made once, not kept.
#[derive(Default)]
struct Held {
    map: HashMap<SubsetKey, (Arc<Prepared>, u64, usize)>,
    tick: u64,
    bytes: usize,
    made_once: std::collections::HashSet<u64>,
}

impl SubsetCache {
    /// About five hundred subsets of the bundled serif (a letter's is 2–6 KiB deflated): a
    /// 5,000-row merge's glyph sets all fit. Measured against 4 MiB: the same merge time, and
    /// 3 MiB less peak memory for a folder of 10,000 different letters (29.3 → 26.4 MiB).
    const BUDGET: usize = 2 << 20;
    /// Subsets made once that are remembered (by a hash of 8 bytes) at most.
    const MADE_ONCE: usize = 1 << 14;

    fn get(&self, key: &SubsetKey) -> Option<Arc<Prepared>> {
        let mut held = self.held.lock().ok()?;
        held.tick += 1;
        let tick = held.tick;
        let (prepared, used, _) = held.map.get_mut(key)?;
        *used = tick;
        Some(prepared.clone())
    }

    fn put(&self, key: SubsetKey, prepared: Arc<Prepared>) {
        let Ok(mut held) = self.held.lock() else {
            return;
        };
        let hash = {
            let mut hasher = std::hash::DefaultHasher::new();
            std::hash::Hash::hash(&key, &mut hasher);
            std::hash::Hasher::finish(&hasher)
        };
        if !held.made_once.remove(&hash) {
            if held.made_once.len() >= Self::MADE_ONCE {
                held.made_once.clear();
            }
            held.made_once.insert(hash);
            return;
        }
        let size = key.1.len() * 6 + key.3.len() + prepared.size();
        if let Some((_, _, replaced)) = held.map.remove(&key) {
            held.bytes -= replaced;
        }
        while held.bytes + size > Self::BUDGET {
            let Some(oldest) = held
                .map
                .iter()
                .min_by_key(|(_, (_, used, _))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((_, _, gone)) = held.map.remove(&oldest) {
                held.bytes -= gone;
            }
        }
        held.tick += 1;
        let tick = held.tick;
        held.map.insert(key, (prepared, tick, size));
        held.bytes += size;
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.held.lock().map_or(0, |h| h.map.len())
    }
}

/// Subsets every face the document uses, in order of first use. An error names a face that
/// cannot be subset (tables that do not hold together).
pub(super) fn subset_all(doc: &Document, cache: &SubsetCache) -> Result<Vec<Font>, String> {
    // The glyphs of each face, with the text each stands for (the last non-empty one wins),
    // by glyph id: a letter shows thousands of glyphs, and a tree's search for each was a
    // tenth of a batch's time.
    let mut used: Vec<(&Arc<Face>, Vec<Option<&str>>)> = Vec::new();
    for page in &doc.pages {
        for item in &page.items {
            let Item::Text(run) = item else { continue };
            if run.glyphs.is_empty() {
                continue;
            }
            let index = match used.iter().position(|(f, _)| Arc::ptr_eq(f, &run.face)) {
                Some(i) => i,
                None => {
                    used.push((&run.face, Vec::new()));
                    used.len() - 1
                }
            };
            let glyphs = &mut used[index].1;
            for (g, text) in run.glyphs.with_text() {
                let id = usize::from(g.id);
                if id >= glyphs.len() {
                    glyphs.resize(id + 1, None);
                }
                let entry = glyphs[id].get_or_insert("");
                if g.id == 0 {
                    // Glyph 0 (.notdef) stands for every character the face lacks: giving it
                    // one of their texts would extract all of them as that one ("👋 and 你好"
                    // as "好 and 好好"). It maps to U+FFFD, the replacement character.
                    *entry = "\u{FFFD}";
                } else if !text.is_empty() {
                    *entry = text;
                }
            }
        }
    }
    used.into_iter()
        .enumerate()
        .map(|(i, (face, by_id))| {
            // Ids below 65,536: `by_id` grew to a `u16` glyph id at most.
            let glyphs: Vec<(u16, &str)> = by_id
                .iter()
                .enumerate()
                .filter_map(|(id, text)| Some((id as u16, (*text)?)))
                .collect();
            let key: SubsetKey = (
                super::face_key(face),
                glyphs.iter().map(|&(id, _)| id).collect(),
                glyphs.iter().map(|(_, t)| t.len() as u32).collect(),
                glyphs.iter().map(|&(_, t)| t).collect(),
            );
            let prepared = match cache.get(&key) {
                Some(p) => p,
                None => {
                    let glyphs: BTreeMap<u16, &str> = glyphs.into_iter().collect();
                    let p = Arc::new(prepare(face, &glyphs).map_err(|e| cannot_embed(face, &e))?);
                    cache.put(key, p.clone());
                    p
                }
            };
            let glyphs = &prepared.subset.glyphs;
            let mut codes = vec![0; glyphs.last().map_or(0, |&g| usize::from(g) + 1)];
            for (code, &glyph) in glyphs.iter().enumerate() {
                codes[usize::from(glyph)] = u16::try_from(code).unwrap_or(0);
            }
            Ok(Font {
                face: face.clone(),
                tag: super::subset_tag(i),
                prepared,
                codes,
            })
        })
        .collect()
}

/// Subsets a face to `glyphs` (each with the text it stands for) and encodes its streams.
fn prepare(face: &Arc<Face>, glyphs: &BTreeMap<u16, &str>) -> Result<Prepared, String> {
    let font = TrueType::open(face.bytes(), face.index).ok_or("its tables cannot be read")?;
    let (mut subset, outlines) = subset(face, &font, glyphs.keys().copied())?;
    let upem = u64::from(font.units_per_em());
    let widths = subset
        .glyphs
        .iter()
        .map(|&g| (u64::from(font.advance(g)) * 1000 / upem) as i64)
        .collect();
    let texts: Vec<&str> = subset
        .glyphs
        .iter()
        .map(|g| glyphs.get(g).copied().unwrap_or(""))
        .collect();
    let program = std::mem::take(&mut subset.font);
    Ok(Prepared {
        _face: face.clone(),
        name: font
            .postscript_name()
            .unwrap_or_else(|| sanitize(&face.name)),
        metrics: {
            let mut m = font.metrics();
            // A face without an `OS/2` cap height (version 0 or 1): the top of its `H`.
            if m.cap_height.is_none() {
                m.cap_height = face
                    .font
                    .charmap()
                    .map_unicode('H')
                    .and_then(|g| u16::try_from(g.to_u32()).ok())
                    .and_then(|g| font.glyph_top(g));
            }
            m
        },
        program_length: program.len(),
        program: Encoded::new(program),
        to_unicode: Encoded::new(to_unicode(&texts)),
        texts: texts.iter().map(|t| (*t).to_string()).collect(),
        subset,
        outlines,
        widths,
    })
}

/// The error of a face that cannot be embedded.
fn cannot_embed(face: &Face, why: &str) -> String {
    format!("the font `{}` cannot be embedded: {why}", face.name)
}

/// A subset of `face` (read as `font`) with `glyphs` (ids in the face, any order) and glyph 0:
/// by `sfnt` for TrueType outlines; by `subsetter` for CFF, whose program is the subset's
/// `CFF ` table alone — all a `/FontFile3 /CIDFontType0C` holds. Both keep the glyphs in
/// ascending order, so `Subset::new_id` finds them.
fn subset(
    face: &Face,
    font: &TrueType<'_>,
    glyphs: impl IntoIterator<Item = u16>,
) -> Result<(Subset, Outlines), String> {
    if !font.is_cff() {
        let subset = font
            .subset(glyphs)
            .ok_or("its glyph outlines (`glyf`) cannot be read")?;
        return Ok((subset, Outlines::TrueType));
    }
    let used: Vec<u16> = glyphs.into_iter().collect();
    if used.iter().any(|&g| g >= font.glyph_count()) {
        return Err("it has fewer glyphs than its shaping tables use".into());
    }
    if !font.names_fit_in_16_bits() {
        return Err("its `name` table is damaged".into());
    }
    let remapper = subsetter::GlyphRemapper::new_from_glyphs_sorted(&used);
    // `subsetter` returns an error for the damage it looks for; for damage it does not, it can
    // panic (arithmetic overflow in checked builds, `unreachable!()` for a real number too
    // large for an f32 in a DICT), and a user's font must not end the run: that too becomes
    // the font's error, without the panic's message.
    let (bytes, index) = (face.bytes(), face.index);
    let program = quietly(|| subsetter::subset(bytes, index, &remapper))
        .map_err(|_| "its CFF outlines cannot be subset (they are damaged)".to_string())?
        .map_err(|e| format!("its CFF outlines cannot be subset ({e})"))?;
    let cff = crate::sfnt::table(&program, b"CFF ")
        .ok_or("its CFF outlines cannot be subset")?
        .to_vec();
    let glyphs: Vec<u16> = remapper.remapped_gids().collect();
    if !glyphs.is_sorted() {
        return Err("its CFF outlines cannot be subset".into());
    }
    Ok((Subset { font: cff, glyphs }, Outlines::Cff))
}

thread_local! {
    /// Whether this thread is inside `quietly`.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, catching a panic as `catch_unwind` does, without the panic hook's message: a
/// damaged font the user supplied must give an error, not "thread … panicked" on stderr. The
/// process-wide hook is wrapped once; it stays silent only for a panic on a thread inside
/// `quietly`, and passes every other panic to the hook it wrapped.
fn quietly<R>(f: impl FnOnce() -> R + UnwindSafe) -> std::thread::Result<R> {
    static WRAP: Once = Once::new();
    WRAP.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.try_with(Cell::get).unwrap_or(false) {
                previous(info);
            }
        }));
    });
    let outer = QUIET.replace(true);
    let result = std::panic::catch_unwind(f);
    QUIET.set(outer);
    result
}

/// A face name usable as a PDF name: printable ASCII without delimiters.
fn sanitize(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| c.is_ascii_graphic() && !"[](){}<>/%#".contains(*c))
        .take(63)
        .collect();
    if clean.is_empty() {
        "Font".into()
    } else {
        clean
    }
}

/// Adds the font's objects to the document; returns the id of its `Type0` dictionary.
pub(super) fn add(lo: &mut lopdf::Document, font: &Font) -> lopdf::ObjectId {
    let p = &font.prepared;
    let widths = Array(vec![
        Integer(0),
        Array(p.widths.iter().map(|&w| Integer(w)).collect()),
    ]);
    let parts = FontParts {
        name: format!("{}+{}", font.tag, p.name),
        metrics: &p.metrics,
        program: p.program.stream(Dict::new()),
        program_length: p.program_length,
        to_unicode: p.to_unicode.stream(Dict::new()),
        widths,
        outlines: p.outlines,
        cid_to_gid: Name(b"Identity".to_vec()),
    };
    add_parts(lo, parts)
}

/// One face's font for a whole combined print file: the subset of every glyph its letters
/// use, shown by the glyphs' ids in the face (the codes of `content::page_for_combining`). For
/// TrueType a `/CIDToGIDMap` maps those codes, which are the CIDs, to the subset's glyphs; a CFF
/// font has no such map (its CIDs are the subset's glyph ids), so an embedded CMap as its
/// encoding maps the codes to them. `glyphs` are the face's glyph ids with their texts. Its
/// streams are left uncompressed.
pub(super) fn add_shared(
    lo: &mut lopdf::Document,
    face: &Face,
    tag: &str,
    glyphs: &BTreeMap<u16, String>,
) -> Result<lopdf::ObjectId, String> {
    let font = TrueType::open(face.bytes(), face.index)
        .ok_or_else(|| cannot_embed(face, "its tables cannot be read"))?;
    let (subset, outlines) =
        subset(face, &font, glyphs.keys().copied()).map_err(|e| cannot_embed(face, &e))?;
    let upem = u64::from(font.units_per_em().max(1));
    let width = |g: u16| (u64::from(font.advance(g)) * 1000 / upem) as i64;
    let last = glyphs.keys().next_back().copied().unwrap_or(0);
    let mut texts = vec![""; usize::from(last) + 1];
    for (&g, text) in glyphs {
        texts[usize::from(g)] = text;
    }
    let name = font
        .postscript_name()
        .unwrap_or_else(|| sanitize(&face.name));
    let (widths, cid_to_gid, encoding) = match outlines {
        Outlines::TrueType => {
            let mut map = vec![0u8; (usize::from(last) + 1) * 2];
            for &g in glyphs.keys() {
                let new = subset.new_id(g).unwrap_or(0);
                map[usize::from(g) * 2..usize::from(g) * 2 + 2].copy_from_slice(&new.to_be_bytes());
            }
            let cid_to_gid = lo.add_object(Stream::new(Dict::new(), map));
            (
                runs_of_widths(glyphs.keys().map(|&g| (g, width(g)))),
                Some(Reference(cid_to_gid)),
                Name(b"Identity-H".to_vec()),
            )
        }
        Outlines::Cff => {
            let pairs: Vec<(u16, u16)> = glyphs
                .keys()
                .filter_map(|&g| Some((g, subset.new_id(g)?)))
                .collect();
            let cmap_name = format!("{tag}-{name}");
            let cmap = lo.add_object(Stream::new(
                Dict::from_iter([
                    ("Type", Name(b"CMap".to_vec())),
                    ("CMapName", Name(cmap_name.clone().into_bytes())),
                    ("CIDSystemInfo", Dictionary(identity_system_info())),
                ]),
                code_to_cid(&cmap_name, &pairs),
            ));
            (
                runs_of_widths(
                    subset
                        .glyphs
                        .iter()
                        .enumerate()
                        .map(|(cid, &g)| (cid as u16, width(g))),
                ),
                None,
                Reference(cmap),
            )
        }
    };
    let program_length = subset.font.len();
    let parts = FontParts {
        name: format!("{tag}+{name}"),
        metrics: &font.metrics(),
        program: Stream::new(Dict::new(), subset.font),
        program_length,
        to_unicode: Stream::new(Dict::new(), to_unicode(&texts)),
        widths,
        outlines,
        cid_to_gid: cid_to_gid.unwrap_or(Name(b"Identity".to_vec())),
    };
    let type0 = add_parts(lo, parts);
    if let Ok(dict) = lo.get_dictionary_mut(type0) {
        dict.set("Encoding", encoding);
    }
    Ok(type0)
}

/// A `/W` array from (CID, width) in ascending CIDs: runs of consecutive CIDs, each
/// `first [w w …]`.
fn runs_of_widths(widths: impl Iterator<Item = (u16, i64)>) -> Object {
    let mut out: Vec<Object> = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut previous: Option<u16> = None;
    for (g, w) in widths {
        if previous.is_none_or(|p| p.checked_add(1) != Some(g)) {
            if !run.is_empty() {
                out.push(Array(std::mem::take(&mut run)));
            }
            out.push(Integer(i64::from(g)));
        }
        run.push(Integer(w));
        previous = Some(g);
    }
    if !run.is_empty() {
        out.push(Array(run));
    }
    Array(out)
}

/// `/CIDSystemInfo` of Adobe-Identity-0: CIDs that mean nothing outside the font.
fn identity_system_info() -> Dict {
    Dict::from_iter([
        ("Registry", Object::String(b"Adobe".to_vec(), Literal)),
        ("Ordering", Object::String(b"Identity".to_vec(), Literal)),
        ("Supplement", Integer(0)),
    ])
}

/// An embedded CMap (ISO 32000-1 §9.7.5.3) for two-byte codes: each (code, CID) of `pairs`
/// (ascending in both), runs of consecutive codes with consecutive CIDs as one `cidrange`.
fn code_to_cid(name: &str, pairs: &[(u16, u16)]) -> Vec<u8> {
    let mut out = String::with_capacity(400 + pairs.len() * 8);
    let _ = write!(
        out,
        "%!PS-Adobe-3.0 Resource-CMap\n/CIDInit /ProcSet findresource begin\n12 dict begin\n\
         begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
         def\n/CMapName /{name} def\n/CMapType 1 def\n/WMode 0 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    );
    let mut ranges: Vec<(u16, u16, u16)> = Vec::new();
    for &(code, cid) in pairs {
        match ranges.last_mut() {
            Some((first, last, start))
                if last.checked_add(1) == Some(code)
                    && u32::from(*start) + u32::from(code - *first) == u32::from(cid) =>
            {
                *last = code;
            }
            _ => ranges.push((code, code, cid)),
        }
    }
    for block in ranges.chunks(100) {
        let _ = writeln!(out, "{} begincidrange", block.len());
        for (first, last, cid) in block {
            let _ = writeln!(out, "<{first:04X}> <{last:04X}> {cid}");
        }
        out.push_str("endcidrange\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out.into_bytes()
}

/// What a font's objects are made of.
struct FontParts<'m> {
    /// Tagged PostScript name.
    name: String,
    metrics: &'m crate::sfnt::Metrics,
    /// The font program's stream (deflated or not), and its length uncompressed.
    program: Stream,
    program_length: usize,
    /// The ToUnicode CMap's stream.
    to_unicode: Stream,
    /// The `/W` array.
    widths: Object,
    /// TrueType or CFF.
    outlines: Outlines,
    /// `/Identity` or a reference to a CID-to-glyph map (TrueType only).
    cid_to_gid: Object,
}

/// Adds a font's objects; returns the id of its `Type0` dictionary.
fn add_parts(lo: &mut lopdf::Document, parts: FontParts<'_>) -> lopdf::ObjectId {
    let FontParts {
        name,
        metrics: m,
        mut program,
        program_length,
        to_unicode,
        widths,
        outlines,
        cid_to_gid,
    } = parts;
    let upem = f64::from(m.units_per_em.max(1));
    let scale = |v: i16| (f64::from(v) * 1000.0 / upem).round() as i64;
    let ascent = scale(m.ascender);
    // ItalicAngle: counter-clockwise from vertical, so an italic face is negative.
    let (rise, run) = m.caret_slope;
    let italic_angle = if rise == 0 {
        0
    } else {
        (-(f64::from(run)).atan2(f64::from(rise)).to_degrees()).round() as i64
    };
    // Font descriptor flags (ISO 32000-1, table 123).
    const FIXED_PITCH: i64 = 1;
    const SERIF: i64 = 1 << 1;
    const NONSYMBOLIC: i64 = 1 << 5;
    const ITALIC: i64 = 1 << 6;
    let flags = NONSYMBOLIC
        | if italic_angle != 0 { ITALIC } else { 0 }
        | if m.serif { SERIF } else { 0 }
        | if m.fixed_pitch { FIXED_PITCH } else { 0 };
    // StemV: no table has it; estimated from the weight class as PDF producers do.
    let stem_v = if m.weight == 0 {
        80
    } else {
        50 + (f64::from(m.weight) / 65.0).powi(2).round() as i64
    };
    let (subtype, file) = match outlines {
        Outlines::TrueType => {
            program.dict.set("Length1", Integer(program_length as i64));
            (&b"CIDFontType2"[..], "FontFile2")
        }
        Outlines::Cff => {
            program.dict.set("Subtype", Name(b"CIDFontType0C".to_vec()));
            (&b"CIDFontType0"[..], "FontFile3")
        }
    };
    let program = lo.add_object(program);
    let descriptor = lo.add_object(Dict::from_iter([
        ("Type", Name(b"FontDescriptor".to_vec())),
        ("FontName", Name(name.clone().into_bytes())),
        ("Flags", Integer(flags)),
        (
            "FontBBox",
            Array(m.bbox.iter().map(|&v| Integer(scale(v))).collect()),
        ),
        ("ItalicAngle", Integer(italic_angle)),
        ("Ascent", Integer(ascent)),
        ("Descent", Integer(scale(m.descender))),
        ("CapHeight", Integer(m.cap_height.map_or(ascent, scale))),
        ("StemV", Integer(stem_v)),
        (file, Reference(program)),
    ]));
    let to_unicode = lo.add_object(to_unicode);
    let mut cid_font = Dict::from_iter([
        ("Type", Name(b"Font".to_vec())),
        ("Subtype", Name(subtype.to_vec())),
        ("BaseFont", Name(name.clone().into_bytes())),
        ("CIDSystemInfo", Dictionary(identity_system_info())),
        ("FontDescriptor", Reference(descriptor)),
        ("W", widths),
    ]);
    // A CIDFontType0's CIDs select glyphs through the CFF program's own charset.
    if outlines == Outlines::TrueType {
        cid_font.set("CIDToGIDMap", cid_to_gid);
    }
    lo.add_object(Dict::from_iter([
        ("Type", Name(b"Font".to_vec())),
        ("Subtype", Name(b"Type0".to_vec())),
        ("BaseFont", Name(name.into_bytes())),
        ("Encoding", Name(b"Identity-H".to_vec())),
        ("DescendantFonts", Array(vec![Dictionary(cid_font)])),
        ("ToUnicode", Reference(to_unicode)),
    ]))
}

/// A ToUnicode CMap for codes 0.. with these texts (empty: no entry). Runs of codes whose
/// single-unit texts also ascend by one become `bfrange` entries.
fn to_unicode(texts: &[&str]) -> Vec<u8> {
    let mut out = String::with_capacity(400 + texts.len() * 16);
    out.push_str(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    // (first code, last code, text of the first) for each entry.
    let mut ranges: Vec<(usize, usize, &str)> = Vec::new();
    let mut chars: Vec<(usize, &str)> = Vec::new();
    let single = |s: &str| {
        let mut units = s.encode_utf16();
        match (units.next(), units.next()) {
            (Some(u), None) => Some(u),
            _ => None,
        }
    };
    let mut code = 0;
    while code < texts.len() {
        let text = texts[code];
        if text.is_empty() {
            code += 1;
            continue;
        }
        let mut last = code;
        if let Some(first) = single(text) {
            // A range may not cross a 256-code boundary, in codes or in the text.
            while last + 1 < texts.len()
                && (last + 1) % 256 != 0
                && first
                    .checked_add((last + 1 - code) as u16)
                    .is_some_and(|want| single(texts[last + 1]) == Some(want))
                && (usize::from(first) + last + 1 - code) % 256 != 0
            {
                last += 1;
            }
        }
        if last > code {
            ranges.push((code, last, text));
        } else {
            chars.push((code, text));
        }
        code = last + 1;
    }
    let hex = |out: &mut String, text: &str| {
        for unit in text.encode_utf16() {
            let _ = write!(out, "{unit:04X}");
        }
    };
    for block in chars.chunks(100) {
        let _ = writeln!(out, "{} beginbfchar", block.len());
        for (code, text) in block {
            let _ = write!(out, "<{code:04X}> <");
            hex(&mut out, text);
            out.push_str(">\n");
        }
        out.push_str("endbfchar\n");
    }
    for block in ranges.chunks(100) {
        let _ = writeln!(out, "{} beginbfrange", block.len());
        for (first, last, text) in block {
            let _ = write!(out, "<{first:04X}> <{last:04X}> <");
            hex(&mut out, text);
            out.push_str(">\n");
        }
        out.push_str("endbfrange\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quietly_catches_a_panic_and_is_quiet_only_inside() {
        assert_eq!(quietly(|| 7).unwrap(), 7);
        assert!(quietly(|| -> u8 { unreachable!() }).is_err());
        assert!(quietly(|| quietly(|| -> u8 { panic!("inner") }).is_err()).unwrap());
        assert!(!QUIET.with(Cell::get));
    }

    #[test]
    fn the_subset_cache_keeps_what_was_used_last_within_its_budget() {
        let face = crate::fonts::bundled()
            .face(crate::fonts::Variant::Regular)
            .clone();
        let cache = SubsetCache::default();
        let key = |n: u16| -> SubsetKey {
            (
                super::super::face_key(&face),
                vec![n],
                vec![0],
                String::new(),
            )
        };
        let one = Arc::new(prepare(&face, &BTreeMap::from([(36, "A")])).unwrap());
        let fits = SubsetCache::BUDGET / (one.size() + 6);
        assert!(fits > 300, "a few hundred subsets fit: {fits}");
        // Made once, a subset is not kept; made again, it is.
        cache.put(key(0), one.clone());
        assert!(cache.get(&key(0)).is_none());
        for n in 0..fits as u16 {
            cache.put(key(n), one.clone());
            cache.put(key(n), one.clone());
        }
        assert_eq!(cache.len(), fits);
        // The first is used again: the second, not the first, makes room for one more.
        assert!(cache.get(&key(0)).is_some());
        cache.put(key(u16::MAX), one.clone());
        assert_eq!(cache.len(), fits);
        cache.put(key(u16::MAX), one.clone());
        assert_eq!(cache.len(), fits);
        assert!(cache.get(&key(0)).is_some());
        assert!(cache.get(&key(1)).is_none());
        assert!(cache.get(&key(2)).is_some());
        assert!(cache.get(&key(u16::MAX)).is_some());
        // Putting what it holds again takes no more room.
        cache.put(key(2), one.clone());
        cache.put(key(2), one.clone());
        assert_eq!(cache.len(), fits);
        assert!(cache.get(&key(3)).is_some());
    }

    #[test]
    fn code_to_cid_groups_consecutive_codes_and_cids_into_ranges() {
        let cmap = String::from_utf8(code_to_cid(
            "LFAAAA-X",
            &[(0, 0), (36, 1), (37, 2), (38, 3), (40, 4), (300, 5)],
        ))
        .unwrap();
        assert!(
            cmap.contains(
                "4 begincidrange\n<0000> <0000> 0\n<0024> <0026> 1\n<0028> <0028> 4\n\
                 <012C> <012C> 5\nendcidrange\n"
            ),
            "{cmap}"
        );
        assert!(cmap.contains("/CMapName /LFAAAA-X def"), "{cmap}");
    }

    #[test]
    fn to_unicode_groups_ascending_letters_into_ranges() {
        let cmap = String::from_utf8(to_unicode(&["", "a", "b", "c", "ffi", "", "x"])).unwrap();
        assert!(
            cmap.contains("2 beginbfchar\n<0004> <006600660069>\n<0006> <0078>\n"),
            "{cmap}"
        );
        assert!(
            cmap.contains("1 beginbfrange\n<0001> <0003> <0061>\n"),
            "{cmap}"
        );
    }
}
