//! Font families: the bundled default (Noto Serif, compiled into the binary) and families loaded
//! from font files named in `letterhead.toml`.
//!
//! It takes a `FontChoice` and gives a `Family` of four faces with their bytes, their vertical
//! metrics and a shaping handle. It neither shapes text (that is `shape`) nor embeds fonts (that
//! is `pdf`).

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::config::FontChoice;
use crate::diag::{self, Diagnostic};

/// Names of the bundled families (`default` is Noto Serif).
pub const BUNDLED: [&str; 2] = ["default", "noto-serif"];

static NOTO_SERIF: [&[u8]; 4] = [
    include_bytes!("../fonts/noto-serif/NotoSerif-Regular.ttf"),
    include_bytes!("../fonts/noto-serif/NotoSerif-Bold.ttf"),
    include_bytes!("../fonts/noto-serif/NotoSerif-Italic.ttf"),
    include_bytes!("../fonts/noto-serif/NotoSerif-BoldItalic.ttf"),
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
    pub key: (String, Variant),
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
    pub(crate) plans: crate::shape::PlanCache,
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
    ) -> Option<Face> {
        let font = harfrust::Font::new(data.clone(), 0)?;
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
        Some(Face {
            name,
            key: (family.to_string(), variant),
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
        self.font.charmap().map_unicode(c).is_some()
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

/// Four faces of one family.
#[derive(Debug, Clone)]
pub struct Family {
    /// The family's name.
    pub name: String,
    faces: [Arc<Face>; 4],
    /// Which variants have a face of their own (others borrow a neighbour's).
    given: [bool; 4],
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

    /// All four faces (some may be the same face).
    pub fn faces(&self) -> &[Arc<Face>; 4] {
        &self.faces
    }
}

/// Loads the family a letterhead asks for.
pub fn load(choice: &FontChoice, config_path: Option<&Path>) -> diag::Result<Family> {
    match choice {
        FontChoice::Bundled(name) => {
            if !BUNDLED.contains(&name.as_str()) {
                let mut d = Diagnostic::error(format!("`{name}` is not a bundled font family"))
                    .hint(format!(
                        "use one of {}, or give font files: font = {{ regular = \"…\", bold = \"…\" }}",
                        BUNDLED.map(|b| format!("`{b}`")).join(", ")
                    ));
                if let Some(path) = config_path {
                    d = d.in_file(path);
                }
                return Err(d.boxed());
            }
            Ok(bundled())
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
            let regular_face = Arc::new(load_file(&family, Variant::Regular, regular)?);
            let load_or = |path: &Option<std::path::PathBuf>, variant, fallback: &Arc<Face>| {
                path.as_ref()
                    .map(|p| load_file(&family, variant, p).map(Arc::new))
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
            })
        }
    }
}

/// The bundled default family.
pub fn bundled() -> Family {
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
    let faces = std::array::from_fn(|i| {
        let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(NOTO_SERIF[i]);
        match Face::new("noto-serif", variants[i], names[i].to_string(), data) {
            Some(face) => Arc::new(face),
            None => unreachable!("the bundled fonts are valid"),
        }
    });
    Family {
        name: "Noto Serif".into(),
        faces,
        given: [true; 4],
    }
}

fn load_file(family: &str, variant: Variant, path: &Path) -> diag::Result<Face> {
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
    Face::new(family, variant, name, data).ok_or_else(|| {
        Diagnostic::error(format!(
            "`{}` is not a usable font (expected a TrueType or OpenType file with a Unicode character map)",
            path.display()
        ))
        .in_file(path)
        .boxed()
    })
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
