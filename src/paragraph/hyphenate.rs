//! Hyphenation points, and the break points inside a web or mail address: where a word may
//! be cut into pieces. Words are matched against `hypher`'s TeX patterns for the paragraph's
//! language, with a per-thread cache of the words already hyphenated.

use super::ParStyle;
use crate::breakpoints;

/// Shortest word that is hyphenated.
pub(super) const MIN_HYPHENATED_WORD: usize = 5;
/// Longest word that is hyphenated: German compounds run to 60 letters and more
/// (`Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung`, 68 bytes), but
/// longer "words" are not language (a string of letters and digits, a pasted token), and are
/// better reported as overfull than cut where patterns happen to allow. Below 256, so every
/// syllable's length fits a byte.
const MAX_HYPHENATED_BYTES: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Cut {
    Hyphen,
    Url,
}

/// Break points inside a word: byte offsets (relative to the span) where a piece starts.
pub(super) fn inner_breaks(
    word: &str,
    offset: usize,
    is_url: bool,
    style: &ParStyle,
) -> Vec<(usize, Cut)> {
    let mut cuts = Vec::new();
    if is_url {
        return breakpoints::url_breaks(word)
            .into_iter()
            .map(|at| (offset + at, Cut::Url))
            .collect();
    }
    if !style.hyphenate
        || word.chars().count() < MIN_HYPHENATED_WORD
        || word.len() > MAX_HYPHENATED_BYTES
    {
        return cuts;
    }
    // Only plain alphabetic words; punctuation stays attached.
    let letters_start = word.find(|c: char| c.is_alphabetic()).unwrap_or(word.len());
    let letters_end = word
        .rfind(|c: char| c.is_alphabetic())
        .map_or(letters_start, |i| {
            i + word[i..].chars().next().map_or(1, char::len_utf8)
        });
    let core = &word[letters_start..letters_end];
    if core.chars().count() < MIN_HYPHENATED_WORD || !core.chars().all(char::is_alphabetic) {
        return cuts;
    }
    let lower = core.to_lowercase();
    if lower.len() != core.len() {
        return cuts;
    }
    let mut pos = letters_start;
    let lang = crate::lang::Language::from_tag(&style.language).unwrap_or_default();
    with_syllable_lengths(&lower, lang, |lengths| {
        for &length in lengths {
            pos += usize::from(length);
            cuts.push((offset + pos, Cut::Hyphen));
        }
    });
    cuts
}

/// Words hyphenated by this thread, with the byte lengths of their syllables but the last.
/// Most words of a letter recur (in it and in the letters after it), and the pattern match is
/// the costliest step of preparing a paragraph. Cleared when full, so memory stays bounded.
/// One map per language (only looked up, never iterated: its order reaches no output).
type HyphenCache = [std::collections::HashMap<Box<str>, Box<[u8]>>; crate::lang::TAGS.len()];
const HYPHEN_CACHE_WORDS: usize = 20_000;

thread_local! {
    static HYPHENATED: std::cell::RefCell<HyphenCache> = Default::default();
}

/// Calls `f` with the byte lengths of a lower-case word's syllables, but the last
/// (`MAX_HYPHENATED_BYTES` keeps each below 256).
fn with_syllable_lengths(word: &str, lang: crate::lang::Language, f: impl FnOnce(&[u8])) {
    HYPHENATED.with(|caches| {
        let mut caches = caches.borrow_mut();
        let cache = &mut caches[lang as usize];
        if let Some(lengths) = cache.get(word) {
            return f(lengths);
        }
        let syllables: Vec<&str> = hypher::hyphenate(word, lang.hyphenation()).collect();
        let lengths: Box<[u8]> = syllables[..syllables.len().saturating_sub(1)]
            .iter()
            .map(|s| u8::try_from(s.len()).unwrap_or(u8::MAX))
            .collect();
        f(&lengths);
        if cache.len() >= HYPHEN_CACHE_WORDS {
            cache.clear();
        }
        cache.insert(word.into(), lengths);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Align;
    use crate::fonts::bundled;
    use crate::paragraph::testing::{span, style_in, texts};
    use crate::paragraph::{Warning, layout};

    #[test]
    fn german_compounds_over_forty_bytes_are_hyphenated() {
        let de = style_in("de-DE", 300.0, Align::Justify);
        // 66 letters, 68 bytes.
        let word = "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung";
        assert!(word.len() > 40);
        let cuts = inner_breaks(word, 0, false, &de);
        let pieces: Vec<&str> = std::iter::once(0)
            .chain(cuts.iter().map(|&(at, _)| at))
            .zip(cuts.iter().map(|&(at, _)| at).chain([word.len()]))
            .map(|(a, b)| &word[a..b])
            .collect();
        assert!(pieces.len() > 10, "{pieces:?}");
        // The parts of the compound are among the break points.
        for joint in [
            "Grundstücks",
            "verkehrs",
            "genehmigungs",
            "zuständigkeits",
            "übertragungs",
        ] {
            let at = word.find(joint).unwrap();
            assert!(
                at == 0 || cuts.iter().any(|&(c, _)| c == at),
                "no break before `{joint}` in {pieces:?}"
            );
        }
        // Set in a narrow column, it breaks with hyphens instead of between characters.
        let (lines, warnings) = layout(
            &[span(word)],
            &bundled(),
            &style_in("de-DE", 120.0, Align::Justify),
        );
        assert!(
            warnings
                .iter()
                .all(|w| !matches!(w, Warning::CharacterBreak(_))),
            "{warnings:?}"
        );
        assert!(lines.len() >= 3);
        assert_eq!(texts(&lines).concat().replace('-', ""), word);
    }
}
