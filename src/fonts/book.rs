//! The fonts installed on the system and in font folders (`--font-path`,
//! `LETTERHEAD_FONT_PATHS`), found with `fontdb`: families by name, the faces of a family, and
//! the first face that has a character (the fallback of last resort).
//!
//! It finds font files and says which face of which file to use; reading and parsing a face
//! for layout is `fonts`'. The folders are scanned on first use, never for a letter that needs
//! nothing from them. It does not read the environment: `app` says where to look.

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use super::Variant;

/// Where fonts are looked for besides the bundled family and the files a letterhead names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FontSources {
    /// Folders (searched recursively) or font files, searched before the system's fonts.
    pub paths: Vec<PathBuf>,
    /// Whether the system's fonts are searched too.
    pub system: bool,
}

/// The fonts of `FontSources`, scanned on first use.
#[derive(Debug, Default)]
pub struct FontBook {
    sources: FontSources,
    scanned: OnceLock<Scanned>,
    /// The characters of each face fallback has looked into, by file and index: each file is
    /// read once, however many characters are searched.
    coverage: Mutex<Vec<(FaceKey, Ranges)>>,
}

/// A face's file and index in it.
type FaceKey = (PathBuf, u32);

/// Characters as sorted, inclusive ranges of code points.
type Ranges = Vec<(u32, u32)>;

#[derive(Debug)]
struct Scanned {
    db: fontdb::Database,
    /// Every face, in a fixed order: folder and system faces by family, then file and index,
    /// so that the choice of a fallback face does not depend on the order a folder lists.
    faces: Vec<fontdb::ID>,
    /// Family names (the first, usually English, name of each face), sorted, once each.
    families: Vec<String>,
}

/// One face of a font file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FaceRef {
    /// The font file.
    pub path: PathBuf,
    /// The face's index in a collection (`.ttc`), 0 otherwise.
    pub index: u32,
    /// The face's family name.
    pub family: String,
    /// The face's PostScript name.
    pub postscript: String,
    /// Its weight (400 normal, 700 bold).
    pub weight: u16,
    /// Whether it is italic or oblique.
    pub italic: bool,
}

impl FaceRef {
    /// Whether the face is what `variant` asks for (bold from semi-bold up).
    pub fn is(&self, variant: Variant) -> bool {
        let bold = self.weight >= 600;
        matches!(
            (variant, bold, self.italic),
            (Variant::Regular, false, false)
                | (Variant::Bold, true, false)
                | (Variant::Italic, false, true)
                | (Variant::BoldItalic, true, true)
        )
    }

    /// How the face's style reads in a listing: "Regular", "Bold Italic", "Light (300)".
    pub fn style_name(&self) -> String {
        let weight = match self.weight {
            400 => String::new(),
            700 => "Bold".into(),
            w => {
                let name = match w {
                    0..=150 => "Thin",
                    151..=250 => "Extra Light",
                    251..=350 => "Light",
                    351..=450 => "Regular",
                    451..=550 => "Medium",
                    551..=650 => "Semi Bold",
                    651..=750 => "Bold",
                    751..=850 => "Extra Bold",
                    _ => "Black",
                };
                format!("{name} ({w})")
            }
        };
        match (weight.is_empty(), self.italic) {
            (true, false) => "Regular".into(),
            (true, true) => "Italic".into(),
            (false, false) => weight,
            (false, true) => format!("{weight} Italic"),
        }
    }
}

impl FontBook {
    /// A book of the fonts in `sources` (nothing is read yet).
    pub fn new(sources: FontSources) -> FontBook {
        FontBook {
            sources,
            scanned: OnceLock::new(),
            coverage: Mutex::default(),
        }
    }

    /// Where the book looks.
    pub fn sources(&self) -> &FontSources {
        &self.sources
    }

    fn scanned(&self) -> &Scanned {
        self.scanned.get_or_init(|| scan(&self.sources))
    }

    /// Every family name found, sorted.
    pub fn families(&self) -> &[String] {
        &self.scanned().families
    }

    /// The family called `name` (ignoring case and spaces, so `noto sans` and `NotoSans`
    /// find `Noto Sans`), by its own spelling.
    pub fn find(&self, name: &str) -> Option<&str> {
        let key = fold(name);
        self.families()
            .iter()
            .find(|f| fold(f) == key)
            .map(String::as_str)
    }

    /// The found family closest to `name`, for a "did you mean".
    pub fn suggest(&self, name: &str) -> Option<&str> {
        let key = fold(name);
        self.families()
            .iter()
            .map(|f| (strsim::jaro_winkler(&key, &fold(f)), f))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, f)| f.as_str())
    }

    /// Every face of a family (by its spelling from `find`), regular first.
    pub fn faces_of(&self, family: &str) -> Vec<FaceRef> {
        let scanned = self.scanned();
        let mut faces: Vec<FaceRef> = scanned
            .faces
            .iter()
            .filter_map(|&id| face_ref(&scanned.db, id))
            .filter(|f| f.family == family)
            .collect();
        faces.sort_by_key(|f| (f.italic, f.weight.abs_diff(400), f.weight, f.path.clone()));
        faces
    }

    /// The face of a family that suits `variant` best (CSS font matching): the variant
    /// itself when the family has it, else the nearest weight and style.
    pub fn face(&self, family: &str, variant: Variant) -> Option<FaceRef> {
        let scanned = self.scanned();
        let (weight, style) = match variant {
            Variant::Regular => (fontdb::Weight::NORMAL, fontdb::Style::Normal),
            Variant::Bold => (fontdb::Weight::BOLD, fontdb::Style::Normal),
            Variant::Italic => (fontdb::Weight::NORMAL, fontdb::Style::Italic),
            Variant::BoldItalic => (fontdb::Weight::BOLD, fontdb::Style::Italic),
        };
        let families = [fontdb::Family::Name(family)];
        let id = scanned.db.query(&fontdb::Query {
            families: &families,
            weight,
            stretch: fontdb::Stretch::Normal,
            style,
        })?;
        face_ref(&scanned.db, id)
    }

    /// The faces fallback searches for a character, in order: those of the font folders first,
    /// then the system's; within each, upright normal-weight faces whose family names the
    /// character's script (`hint`: "Arabic", "CJK"), then families named "Noto …" (which cover
    /// most scripts between them), then the others, by family.
    pub fn fallback_candidates(&self, hint: Option<&str>) -> Vec<FaceRef> {
        let hint = hint.map(fold);
        let scanned = self.scanned();
        let in_paths = |f: &FaceRef| {
            self.sources
                .paths
                .iter()
                .any(|p| f.path.starts_with(p) || f.path == *p)
        };
        let mut faces: Vec<FaceRef> = scanned
            .faces
            .iter()
            .filter_map(|&id| face_ref(&scanned.db, id))
            .filter(|f| f.is(Variant::Regular))
            .collect();
        faces.sort_by_key(|f| {
            (
                !in_paths(f),
                !hint
                    .as_ref()
                    .is_some_and(|h| fold(&f.family).contains(h.as_str())),
                !f.family.starts_with("Noto "),
                f.family.clone(),
                f.path.clone(),
                f.index,
            )
        });
        faces
    }
}

impl FontBook {
    /// The first face that has `c`, in the order of `fallback_candidates(hint)`. Each font
    /// file is read at most once for all searches: what it covers is kept, not its bytes.
    pub fn covering(&self, c: char, hint: Option<&str>) -> Option<FaceRef> {
        let code = u32::from(c);
        for candidate in self.fallback_candidates(hint) {
            let key = (candidate.path.clone(), candidate.index);
            let mut coverage = self.coverage.lock().ok()?;
            let at = match coverage.iter().position(|(k, _)| *k == key) {
                Some(at) => at,
                None => {
                    let ranges = read_coverage(&candidate.path, candidate.index);
                    coverage.push((key, ranges));
                    coverage.len() - 1
                }
            };
            let ranges = &coverage[at].1;
            let i = ranges.partition_point(|&(_, end)| end < code);
            if ranges.get(i).is_some_and(|&(start, _)| start <= code) {
                return Some(candidate);
            }
        }
        None
    }
}

/// The characters a face maps, as sorted, inclusive ranges (empty when it cannot be read).
fn read_coverage(path: &std::path::Path, index: u32) -> Vec<(u32, u32)> {
    use read_fonts::TableProvider;
    use read_fonts::tables::cmap::PlatformId;
    let too_big = std::fs::metadata(path).map_or(true, |m| m.len() > super::MAX_FONT_BYTES);
    let Some(data) = (!too_big).then(|| std::fs::read(path).ok()).flatten() else {
        return Vec::new();
    };
    let Ok(font) = read_fonts::FontRef::from_index(&data, index) else {
        return Vec::new();
    };
    let Ok(cmap) = font.cmap() else {
        return Vec::new();
    };
    let mut codes: Vec<u32> = Vec::new();
    for record in cmap.encoding_records() {
        let unicode = match record.platform_id() {
            PlatformId::Unicode => true,
            PlatformId::Windows => matches!(record.encoding_id(), 1 | 10),
            _ => false,
        };
        if !unicode {
            continue;
        }
        if let Ok(subtable) = record.subtable(cmap.offset_data()) {
            codes.extend(
                subtable
                    .iter()
                    .filter(|(_, gid)| gid.to_u32() != 0)
                    .map(|(code, _)| code),
            );
        }
    }
    codes.sort_unstable();
    codes.dedup();
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for code in codes {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == code => *end = code,
            _ => ranges.push((code, code)),
        }
    }
    ranges
}

/// Reads the font folders and the system's fonts.
fn scan(sources: &FontSources) -> Scanned {
    let mut db = fontdb::Database::new();
    for path in &sources.paths {
        if path.is_dir() {
            db.load_fonts_dir(path);
        } else {
            // A file that is not a font is left out, as in a folder.
            let _ = db.load_font_file(path);
        }
    }
    if sources.system {
        db.load_system_fonts();
    }
    let mut faces: Vec<(String, PathBuf, u32, fontdb::ID)> = db
        .faces()
        .filter_map(|info| {
            let fontdb::Source::File(path) = &info.source else {
                return None;
            };
            let family = info.families.first()?.0.clone();
            Some((family, path.clone(), info.index, info.id))
        })
        .collect();
    faces.sort();
    let mut families: Vec<String> = faces.iter().map(|f| f.0.clone()).collect();
    families.dedup();
    Scanned {
        db,
        faces: faces.into_iter().map(|f| f.3).collect(),
        families,
    }
}

fn face_ref(db: &fontdb::Database, id: fontdb::ID) -> Option<FaceRef> {
    let info = db.face(id)?;
    let fontdb::Source::File(path) = &info.source else {
        return None;
    };
    Some(FaceRef {
        path: path.clone(),
        index: info.index,
        family: info.families.first()?.0.clone(),
        postscript: info.post_script_name.clone(),
        weight: info.weight.0,
        italic: info.style != fontdb::Style::Normal,
    })
}

/// A family name folded for comparison: lower case, without spaces, hyphens or underscores.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The font folders of a `LETTERHEAD_FONT_PATHS` value: separated like `PATH` (`:` on Unix,
/// `;` on Windows), empty entries left out.
pub fn split_paths(value: &std::ffi::OsStr) -> Vec<PathBuf> {
    std::env::split_paths(value)
        .filter(|p| !p.as_os_str().is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(weight: u16, italic: bool) -> FaceRef {
        FaceRef {
            path: PathBuf::from("a.ttf"),
            index: 0,
            family: "A".into(),
            postscript: "A".into(),
            weight,
            italic,
        }
    }

    #[test]
    fn semi_bold_counts_as_bold_and_medium_does_not() {
        assert!(face(600, false).is(Variant::Bold));
        assert!(face(500, false).is(Variant::Regular));
        assert!(face(700, true).is(Variant::BoldItalic));
    }

    #[test]
    fn style_names_read_like_a_font_menu() {
        assert_eq!(face(400, false).style_name(), "Regular");
        assert_eq!(face(700, true).style_name(), "Bold Italic");
        assert_eq!(face(300, false).style_name(), "Light (300)");
    }

    #[test]
    fn names_match_without_case_or_spaces() {
        assert_eq!(fold("Noto Sans CJK SC"), fold("noto-sans-cjk-sc"));
        assert_ne!(fold("Noto Sans"), fold("Noto Serif"));
    }

    #[test]
    fn font_paths_split_like_path() {
        let paths = split_paths(std::ffi::OsStr::new("/a::/b"));
        assert_eq!(paths, [PathBuf::from("/a"), PathBuf::from("/b")]);
    }
}
