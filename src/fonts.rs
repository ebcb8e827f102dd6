//! Font families: the bundled default (Noto Serif, compiled into the binary), families loaded
//! from font files named in `letterhead.toml`, and families found by name among the system's
//! fonts and the font folders (`book`); and the fallback faces tried, character by character,
//! for what a family lacks.
//!
//! It takes a `FontChoice` and gives a `Family` of four faces with their bytes, their vertical
//! metrics and a shaping handle. It neither shapes text (that is `shape`) nor embeds fonts (that
//! is `pdf`).

mod book;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use book::{FaceRef, FontBook, FontSources, split_paths};

use crate::config::{FallbackChoice, FontChoice};
use crate::diag::{self, Diagnostic};

/// Names of the bundled families (`default` is Noto Serif).
pub const BUNDLED: [&str; 2] = ["default", "noto-serif"];

static NOTO_SERIF: [&[u8]; 4] = [
    include_bytes!("../fonts/noto-serif/NotoSerif-Regular.ttf"),
    include_bytes!("../fonts/noto-serif/NotoSerif-Bold.ttf"),
    include_bytes!("../fonts/noto-serif/NotoSerif-Italic.ttf"),
    include_bytes!("../fonts/noto-serif/NotoSerif-BoldItalic.ttf"),
];

/// Symbols the bundled family lacks (− ≈ ≤ → ☐ ☑ ✓ ★ …), from Noto Sans Math and Noto Sans
/// Symbols 2 cut down to those blocks (see `fonts/noto-symbols/OFL.txt`): every family's first
/// fallback faces.
static SYMBOLS: [(&str, &[u8]); 2] = [
    (
        "NotoSansMath-Regular",
        include_bytes!("../fonts/noto-symbols/NotoSansMath-Symbols.ttf"),
    ),
    (
        "NotoSansSymbols2-Regular",
        include_bytes!("../fonts/noto-symbols/NotoSansSymbols2-Symbols.ttf"),
    ),
];

/// Which of a family's four faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// Upright, normal weight.
    Regular,
    /// Upright, bold.
    Bold,
    /// Italic, normal weight.
    Italic,
    /// Italic, bold.
    BoldItalic,
}

impl Variant {
    /// The variant for a combination of bold and italic.
    pub fn new(bold: bool, italic: bool) -> Variant {
        match (bold, italic) {
            (false, false) => Variant::Regular,
            (true, false) => Variant::Bold,
            (false, true) => Variant::Italic,
            (true, true) => Variant::BoldItalic,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One font face, ready to shape with and to embed.
pub struct Face {
    /// A name for messages and for the PDF (`NotoSerif-Bold` or the file name).
    pub name: String,
    /// Stable identity within a family (the variant), used to key caches.
    #[expect(
        dead_code,
        reason = "read by nothing since the crate's modules stopped being public; removing it changes `Face::new` and its callers"
    )]
    pub key: (String, Variant),
    /// The face's index in a font collection (`.ttc`), 0 otherwise.
    pub index: u32,
    /// Whether it has every printable ASCII character (most text needs no other look-up).
    ascii: bool,
    /// The font file's bytes.
    pub data: Arc<dyn AsRef<[u8]> + Send + Sync>,
    /// The font for shaping.
    pub font: harfrust::Font,
    /// Units per em.
    pub units_per_em: f64,
    /// Ascender, as a fraction of the em.
    pub ascender: f64,
    /// Descender (negative), as a fraction of the em.
    pub descender: f64,
    /// Cap height, as a fraction of the em.
    pub cap_height: f64,
    /// Shaping plans by script and language, built on first use (see `shape`).
    pub(crate) plans: PlanCache,
}

/// Shaping plans of one face, by script and language: compiling a plan costs more than
/// shaping a paragraph with it.
#[derive(Default)]
pub(crate) struct PlanCache(Mutex<Vec<PlanEntry>>);

type PlanEntry = (Option<harfrust::Script>, String, Arc<harfrust::ShapePlan>);

impl PlanCache {
    pub(crate) fn get(
        &self,
        font: &harfrust::Font,
        script: Option<harfrust::Script>,
        language: &str,
    ) -> Option<Arc<harfrust::ShapePlan>> {
        let mut plans = self.0.lock().ok()?;
        if let Some((_, _, plan)) = plans.iter().find(|(s, l, _)| *s == script && l == language) {
            return Some(plan.clone());
        }
        let lang = language.parse::<harfrust::Language>().ok();
        let plan = Arc::new(harfrust::ShapePlan::new(
            font,
            harfrust::Direction::LeftToRight,
            script,
            lang.as_ref(),
            &[],
        ));
        plans.push((script, language.to_string(), plan.clone()));
        Some(plan)
    }
}

impl fmt::Debug for Face {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Face").field("name", &self.name).finish()
    }
}

impl Face {
    /// Parses a face from bytes; `name` is used in messages.
    fn new(
        family: &str,
        variant: Variant,
        name: String,
        data: Arc<dyn AsRef<[u8]> + Send + Sync>,
        index: u32,
    ) -> Option<Face> {
        let font = harfrust::Font::new(data.clone(), index)?;
        let metrics = font.metrics();
        let units_per_em = f64::from(metrics.units_per_em.max(1));
        let line = metrics.typo_line.or(metrics.hhea_line)?;
        let em = |v: f32| f64::from(v) / units_per_em;
        let ascender = em(line.ascender.to_f32());
        let descender = em(line.descender.to_f32());
        let cap_height = metrics
            .cap_height
            .map_or(ascender * 0.7, |c| em(c.to_f32()));
        // Without a Unicode cmap nothing can be shaped with it.
        if !font.charmap().has_unicode() {
            return None;
        }
        let charmap = font.charmap();
        let ascii = (' '..='~').all(|c| charmap.map_unicode(c).is_some());
        Some(Face {
            name,
            key: (family.to_string(), variant),
            index,
            ascii,
            data,
            font,
            units_per_em,
            ascender,
            descender,
            cap_height,
            plans: Default::default(),
        })
    }

    /// The font file's bytes.
    pub fn bytes(&self) -> &[u8] {
        (*self.data).as_ref()
    }

    /// Whether the face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        (self.ascii && (' '..='~').contains(&c)) || self.font.charmap().map_unicode(c).is_some()
    }

    /// What the face covers: the number of characters it maps, and per script (punctuation,
    /// digits and other characters common to all scripts left out) how many of that script's
    /// characters, most first. It walks all of Unicode, so it is for listings, not layout.
    pub fn coverage(&self) -> (usize, Vec<(&'static str, usize)>) {
        use unicode_script::{Script, UnicodeScript};
        let charmap = self.font.charmap();
        let mut total = 0;
        let mut counts: Vec<(&'static str, usize)> = Vec::new();
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            if charmap.map_unicode(c).is_none() {
                continue;
            }
            total += 1;
            let script = c.script();
            if matches!(script, Script::Common | Script::Inherited | Script::Unknown) {
                continue;
            }
            let name = script.full_name();
            match counts.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => counts.push((name, 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        (total, counts)
    }
}

/// Four faces of one family, and the faces tried for characters it lacks.
#[derive(Debug, Clone)]
pub struct Family {
    /// The family's name.
    pub name: String,
    faces: [Arc<Face>; 4],
    /// Which variants have a face of their own (others borrow a neighbour's).
    given: [bool; 4],
    /// Faces for characters the family lacks.
    fallback: Arc<Fallback>,
}

impl Family {
    /// The face for a variant.
    pub fn face(&self, variant: Variant) -> &Arc<Face> {
        &self.faces[variant.index()]
    }

    /// Whether the variant has a face of its own rather than a stand-in.
    pub fn provides(&self, variant: Variant) -> bool {
        self.given[variant.index()]
    }

    /// The first face that has `c`: the variant's own face, then the configured fallback faces
    /// in order, then (when the family searches them) the fonts of its `FontBook`. `None` when
    /// no face has it.
    pub fn face_for(&self, variant: Variant, c: char) -> Option<Arc<Face>> {
        let own = self.face(variant);
        if own.covers(c) {
            return Some(own.clone());
        }
        self.fallback.face_for(variant, c)
    }

    /// Whether `face` is one the letterhead chose (the family's or a configured fallback face),
    /// rather than one found among the system's fonts.
    pub fn chose(&self, face: &Arc<Face>) -> bool {
        self.faces.iter().any(|f| Arc::ptr_eq(f, face))
            || self
                .fallback
                .configured
                .iter()
                .any(|faces| faces.iter().any(|f| Arc::ptr_eq(f, face)))
    }

    /// The same family with other fallback faces.
    pub fn with_fallback(mut self, fallback: Fallback) -> Family {
        self.fallback = Arc::new(fallback);
        self
    }
}

/// The faces tried for characters a family lacks: the configured ones (`style.fallback`), in
/// order, then, when there is a book, the first of its fonts that has the character.
#[derive(Debug, Default)]
pub struct Fallback {
    /// Configured faces, each as four variants (a single file serves all four).
    configured: Vec<[Arc<Face>; 4]>,
    /// The fonts searched last, when searched.
    book: Option<Arc<FontBook>>,
    /// What was found in the book.
    found: Mutex<Found>,
}

/// Faces found in a book for characters, kept for the next letters.
#[derive(Debug, Default)]
struct Found {
    /// Faces read so far, in order of first use.
    faces: Vec<Arc<Face>>,
    /// For each character searched: the index of its face in `faces`, or `None` (no font has it).
    chars: BTreeMap<char, Option<usize>>,
}

impl Fallback {
    /// Fallback faces: `configured` first, then the fonts of `book` when given.
    pub fn new(configured: Vec<[Arc<Face>; 4]>, book: Option<Arc<FontBook>>) -> Fallback {
        Fallback {
            configured,
            book,
            found: Mutex::default(),
        }
    }

    fn face_for(&self, variant: Variant, c: char) -> Option<Arc<Face>> {
        if let Some(faces) = self
            .configured
            .iter()
            .find(|f| f[variant.index()].covers(c))
        {
            return Some(faces[variant.index()].clone());
        }
        let book = self.book.as_ref()?;
        let mut found = self.found.lock().ok()?;
        if let Some(at) = found.chars.get(&c) {
            return at.and_then(|i| found.faces.get(i).cloned());
        }
        // A face already read may have it.
        if let Some(i) = found.faces.iter().position(|f| f.covers(c)) {
            found.chars.insert(c, Some(i));
            return found.faces.get(i).cloned();
        }
        // A font that cannot be read or used is passed over: it is not the letter's fault.
        let face = book
            .covering(c, script_hint(c))
            .and_then(|candidate| load_found(&candidate, Variant::Regular).ok())
            .filter(|face| face.covers(c));
        let Some(face) = face else {
            found.chars.insert(c, None);
            return None;
        };
        found.faces.push(Arc::new(face));
        let i = found.faces.len() - 1;
        found.chars.insert(c, Some(i));
        found.faces.get(i).cloned()
    }
}

/// A word that family names of fonts for `c`'s script contain ("Noto Sans Arabic", "Noto Sans
/// CJK SC"), to try those fonts first.
fn script_hint(c: char) -> Option<&'static str> {
    use unicode_script::{Script, UnicodeScript};
    match c.script() {
        Script::Common | Script::Inherited | Script::Unknown => None,
        // Han characters alone do not say which language: Simplified Chinese forms, the most
        // widely read.
        Script::Han | Script::Bopomofo => Some("CJK SC"),
        Script::Hiragana | Script::Katakana => Some("CJK JP"),
        Script::Hangul => Some("CJK KR"),
        script => Some(script.full_name()),
    }
}

/// Loads the family a letterhead asks for: `choice`, with `fallback` and then (when `book`
/// searches anything) the book's fonts for characters it lacks.
pub fn load(
    choice: &FontChoice,
    fallback: &[FallbackChoice],
    config_path: Option<&Path>,
    book: &Arc<FontBook>,
) -> diag::Result<Family> {
    let family = load_family(choice, config_path, book)?;
    let configured = symbols()
        .into_iter()
        .map(Ok)
        .chain(fallback.iter().map(|entry| match entry {
            FallbackChoice::Named(name) => {
                let family = load_family(&FontChoice::Named(name.clone()), config_path, book)?;
                Ok(family.faces)
            }
            FallbackChoice::File(path) => {
                let key = path.display().to_string();
                let face = Arc::new(load_file(&key, Variant::Regular, path, 0)?);
                Ok(std::array::from_fn(|_| face.clone()))
            }
        }))
        .collect::<diag::Result<Vec<_>>>()?;
    let searches = !book.sources().paths.is_empty() || book.sources().system;
    Ok(family.with_fallback(Fallback::new(configured, searches.then(|| book.clone()))))
}

fn load_family(
    choice: &FontChoice,
    config_path: Option<&Path>,
    book: &FontBook,
) -> diag::Result<Family> {
    match choice {
        FontChoice::Named(name) => {
            if BUNDLED.contains(&name.as_str()) {
                return Ok(bundled());
            }
            let in_file = |d: Diagnostic| match config_path {
                Some(path) => d.in_file(path),
                None => d,
            };
            let Some(found) = book.find(name).map(str::to_string) else {
                let mut d = Diagnostic::error(format!("no font family `{name}` was found"));
                d = match book.suggest(name) {
                    Some(close) => d.hint(format!("did you mean `{close}`?")),
                    None => d.hint(format!(
                        "use a bundled family ({}), a family `letterhead fonts` lists, \
                         or font files: font = {{ regular = \"…\", bold = \"…\" }}",
                        BUNDLED.map(|b| format!("`{b}`")).join(", ")
                    )),
                };
                return Err(in_file(d).boxed());
            };
            let variants = [
                Variant::Regular,
                Variant::Bold,
                Variant::Italic,
                Variant::BoldItalic,
            ];
            let refs = variants.map(|v| book.face(&found, v));
            let mut faces: Vec<Arc<Face>> = Vec::with_capacity(4);
            // The same file and face serve every variant they stand in for.
            let mut read: Vec<(FaceRef, Arc<Face>)> = Vec::new();
            for (variant, face_ref) in variants.iter().zip(&refs) {
                let Some(face_ref) = face_ref else {
                    return Err(in_file(Diagnostic::error(format!(
                        "the font family `{found}` has no face that can be used"
                    )))
                    .boxed());
                };
                let face = match read.iter().find(|(r, _)| r == face_ref) {
                    Some((_, face)) => face.clone(),
                    None => {
                        let face = Arc::new(load_found(face_ref, *variant)?);
                        read.push((face_ref.clone(), face.clone()));
                        face
                    }
                };
                faces.push(face);
            }
            let given =
                std::array::from_fn(|i| refs[i].as_ref().is_some_and(|r| r.is(variants[i])));
            let mut faces = faces.into_iter();
            let faces = std::array::from_fn(|_| faces.next().unwrap_or_else(|| bundled_face(0)));
            Ok(Family {
                name: found,
                faces,
                given,
                fallback: Arc::default(),
            })
        }
        FontChoice::Files {
            regular,
            bold,
            italic,
            bold_italic,
        } => {
            let family = regular
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "custom".into());
            let regular_face = Arc::new(load_file(&family, Variant::Regular, regular, 0)?);
            let load_or = |path: &Option<PathBuf>, variant, fallback: &Arc<Face>| {
                path.as_ref()
                    .map(|p| load_file(&family, variant, p, 0).map(Arc::new))
                    .unwrap_or_else(|| Ok(fallback.clone()))
            };
            let bold_face = load_or(bold, Variant::Bold, &regular_face)?;
            let italic_face = load_or(italic, Variant::Italic, &regular_face)?;
            let bold_italic_face = load_or(bold_italic, Variant::BoldItalic, &bold_face)?;
            Ok(Family {
                name: family,
                faces: [regular_face, bold_face, italic_face, bold_italic_face],
                given: [
                    true,
                    bold.is_some(),
                    italic.is_some(),
                    bold_italic.is_some(),
                ],
                fallback: Arc::default(),
            })
        }
    }
}

/// The key that tells faces from a book apart: the file and the face's index in it.
fn face_key_of(face: &FaceRef) -> String {
    format!("{}#{}", face.path.display(), face.index)
}

/// Reads a face the book found.
fn load_found(face: &FaceRef, variant: Variant) -> diag::Result<Face> {
    let mut loaded = load_file(&face_key_of(face), variant, &face.path, face.index)?;
    if !face.postscript.is_empty() {
        loaded.name = face.postscript.clone();
    }
    Ok(loaded)
}

/// The bundled default family, with the bundled symbols as its fallback.
pub fn bundled() -> Family {
    Family {
        name: "Noto Serif".into(),
        faces: std::array::from_fn(bundled_face),
        given: [true; 4],
        fallback: Arc::new(Fallback::new(symbols(), None)),
    }
}

/// The bundled symbol faces, each standing in for all four variants, parsed once per process.
fn symbols() -> Vec<[Arc<Face>; 4]> {
    static FACES: std::sync::OnceLock<Vec<[Arc<Face>; 4]>> = std::sync::OnceLock::new();
    FACES
        .get_or_init(|| {
            SYMBOLS
                .iter()
                .filter_map(|&(name, bytes)| {
                    let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(bytes);
                    let face = Face::new(name, Variant::Regular, name.to_string(), data, 0)?;
                    let face = Arc::new(face);
                    Some(std::array::from_fn(|_| face.clone()))
                })
                .collect()
        })
        .clone()
}

/// The bundled family's faces, parsed once per process.
fn bundled_face(i: usize) -> Arc<Face> {
    static FACES: std::sync::OnceLock<[Arc<Face>; 4]> = std::sync::OnceLock::new();
    let faces = FACES.get_or_init(|| {
        let names = [
            "NotoSerif-Regular",
            "NotoSerif-Bold",
            "NotoSerif-Italic",
            "NotoSerif-BoldItalic",
        ];
        let variants = [
            Variant::Regular,
            Variant::Bold,
            Variant::Italic,
            Variant::BoldItalic,
        ];
        std::array::from_fn(|i| {
            let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(NOTO_SERIF[i]);
            match Face::new("noto-serif", variants[i], names[i].to_string(), data, 0) {
                Some(face) => Arc::new(face),
                None => unreachable!("the bundled fonts are valid"),
            }
        })
    });
    faces[i.min(3)].clone()
}

fn load_file(family: &str, variant: Variant, path: &Path, index: u32) -> diag::Result<Face> {
    let bytes = crate::files::read_capped(path, MAX_FONT_BYTES).map_err(|err| {
        Diagnostic::error(format!("failed to read font `{}` ({err})", path.display()))
            .in_file(path)
            .hint("check the path in `style.font`; it is relative to letterhead.toml")
            .boxed()
    })?;
    // A font cut short (an interrupted download or copy) parses, but its glyph outlines are
    // missing: every letter would print blank. Its table directory says how long it must be.
    if let Some(end) = end_past_file(&bytes) {
        return Err(Diagnostic::error(format!(
            "font `{}` is cut short: its tables reach to byte {end}, but the file has {} bytes",
            path.display(),
            bytes.len()
        ))
        .in_file(path)
        .hint("the file is truncated; download or copy the font again")
        .boxed());
    }
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| family.to_string());
    let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(bytes);
    Face::new(family, variant, name, data, index).ok_or_else(|| {
        Diagnostic::error(format!(
            "`{}` is not a usable font (expected a TrueType or OpenType file with a Unicode character map)",
            path.display()
        ))
        .in_file(path)
        .boxed()
    })
}

/// A face from a font file's bytes, with the checks a font file of `style.font` gets (a file
/// cut short, a face without a Unicode character map); `None` when they fail. For the fuzz
/// target `font` (`fuzz/`), which feeds it arbitrary bytes.
#[doc(hidden)]
pub fn face_from_bytes(bytes: Vec<u8>, index: u32) -> Option<Face> {
    if end_past_file(&bytes).is_some() {
        return None;
    }
    let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(bytes);
    Face::new("fuzz", Variant::Regular, "fuzz".into(), data, index)
}

/// Largest font file read, in bytes. The largest single fonts in use (CJK families with every
/// glyph) are some 20–30 MB; anything beyond 100 MB is not a font to embed in a letter.
pub const MAX_FONT_BYTES: u64 = 100_000_000;

/// Where the font's tables end, by its table directory, when that is past the end of the
/// file: a truncated file. `None` when every table is inside the file, or when the directory
/// cannot be read (the parser then says what is wrong). For a collection, its first font (the
/// one used) is looked at.
fn end_past_file(font: &[u8]) -> Option<u64> {
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(font.get(at..at + 4)?.try_into().ok()?))
    };
    // Only a file that starts as a font is looked into; anything else the parser refuses.
    let start = match font.get(0..4)? {
        b"ttcf" => u32_at(12)? as usize,
        [0, 1, 0, 0] | b"OTTO" | b"true" => 0,
        _ => return None,
    };
    let tables = u16::from_be_bytes(font.get(start + 4..start + 6)?.try_into().ok()?);
    let mut end = 0;
    for i in 0..usize::from(tables) {
        let record = start + 12 + 16 * i;
        // A directory cut short is cut short too.
        let table_end = match (u32_at(record + 8), u32_at(record + 12)) {
            (Some(offset), Some(length)) => u64::from(offset) + u64::from(length),
            _ => (record + 16) as u64,
        };
        end = end.max(table_end);
    }
    (end > font.len() as u64).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_family_takes_missing_symbols_from_the_bundled_symbol_faces() {
        let family = bundled();
        for (c, face) in [
            ('a', "NotoSerif-Bold"),
            ('−', "NotoSansMath-Regular"),
            ('≈', "NotoSansMath-Regular"),
            ('→', "NotoSansMath-Regular"),
            ('☐', "NotoSansSymbols2-Regular"),
            ('☑', "NotoSansSymbols2-Regular"),
            ('✓', "NotoSansSymbols2-Regular"),
        ] {
            let found = family.face_for(Variant::Bold, c).map(|f| f.name.clone());
            assert_eq!(found.as_deref(), Some(face), "{c}");
            assert!(
                family.chose(
                    &family
                        .face_for(Variant::Bold, c)
                        .unwrap_or_else(|| bundled_face(0))
                )
            );
        }
        assert!(family.face_for(Variant::Regular, '王').is_none());
    }
}
