//! Where lines may break besides the patterns' hyphenation points: the ties a typesetter puts
//! into running text (UAX #14's rules where they concern spaces, spaced dashes, number groups,
//! units and months) and the break points of web and mail addresses.
//!
//! It takes the paragraph's text (and its UAX #14 break opportunities) and gives yes/no answers
//! and byte offsets; it knows nothing of glyphs, widths or lines.

use unicode_linebreak::BreakOpportunity;

/// Units and signs that stay on the line of the number before them (`5 %`, `14 h`, `20 km`).
const UNITS: [&str; 18] = [
    "%", "‰", "€", "$", "£", "¥", "°", "°C", "h", "min", "s", "km", "m", "cm", "mm", "kg", "g", "l",
];

/// Words of magnitude that stay on the line of the number before them (`$2.4 million`,
/// `3 Mio.`, `1,5 millones`), compared without a final full stop and in lower case.
const MAGNITUDES: [&str; 16] = [
    "thousand",
    "million",
    "millions",
    "billion",
    "billions",
    "trillion",
    "tsd",
    "mio",
    "mrd",
    "millionen",
    "milliarden",
    "milliard",
    "milliards",
    "millón",
    "millones",
    "mil",
];

/// Whether a line may break at the space `text[before..after]` (UAX #14 and the typesetter's
/// ties): not before closing punctuation even after a space (`word )`, UAX #14's LB13), not
/// before a spaced dash (it ends the line, never starts one), and not inside a number group or
/// between a number and its unit, magnitude or month (`1 250,00`, `5 %`, `$2.4 million`,
/// `15 mars`, `March 3`).
pub fn may_break_at_space(
    text: &str,
    before: usize,
    after: usize,
    opportunities: &[(usize, BreakOpportunity)],
    lang: crate::lang::Language,
) -> bool {
    if after >= text.len() || text[after..].starts_with('\n') {
        return true;
    }
    if opportunities
        .binary_search_by_key(&after, |&(at, _)| at)
        .is_err()
    {
        return false;
    }
    let next = text[after..]
        .split(char::is_whitespace)
        .next()
        .unwrap_or_default();
    let prev = text[..before]
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or_default();
    if next.starts_with(['—', '–']) {
        return false;
    }
    let next_word = next.trim_end_matches(|c: char| c.is_ascii_punctuation() && c != '%');
    let prev_number = prev.ends_with(|c: char| c.is_ascii_digit())
        || (prev.ends_with('.') && prev[..prev.len() - 1].ends_with(|c: char| c.is_ascii_digit()));
    if prev_number {
        let group = next_word.split([',', '.']).next().unwrap_or_default();
        if group.len() == 3
            && group.chars().all(|c| c.is_ascii_digit())
            && prev.ends_with(|c: char| c.is_ascii_digit())
        {
            return false;
        }
        if UNITS.contains(&next_word)
            || MAGNITUDES.contains(&next_word.to_lowercase().as_str())
            || is_month(next_word, lang)
        {
            return false;
        }
    }
    // "March 3", "€ 1 250": a month or a currency sign before a number.
    let prev_word = prev.trim_start_matches(|c: char| c.is_ascii_punctuation());
    if next.starts_with(|c: char| c.is_ascii_digit())
        && (is_month(prev_word, lang) || ["€", "$", "£", "§", "Nr.", "No."].contains(&prev_word))
    {
        return false;
    }
    true
}

/// Whether `word` is a month's name in the language (or in English).
fn is_month(word: &str, lang: crate::lang::Language) -> bool {
    word.len() >= 3
        && word.chars().next().is_some_and(char::is_alphabetic)
        && crate::lang::Language::EnUs
            .months()
            .iter()
            .chain(lang.months())
            .any(|m| same_ignoring_case(m, word))
}

/// Whether `a` and `b` are the same lowercased; without allocating when `b` is ASCII (as most
/// words are): a name with letters beyond ASCII lowercases to letters beyond ASCII.
fn same_ignoring_case(a: &str, b: &str) -> bool {
    match (a.is_ascii(), b.is_ascii()) {
        (true, true) => a.eq_ignore_ascii_case(b),
        (_, true) => false,
        _ => a.to_lowercase() == b.to_lowercase(),
    }
}

/// Where a web or mail address may break (byte offsets of the piece after each break), by the
/// Chicago Manual's rules: after `/` (not between the two of `//`), `.`, `?`, `&`, `=` and `#`,
/// and before `-` and `@`, so that no line ends in a hyphen that could be read as a
/// hyphenation (and undone by a reader). No piece is shorter than two characters, and nothing
/// but closing punctuation is left after the last break.
pub fn url_breaks(word: &str) -> Vec<usize> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    // The address ends at its last letter, digit or slash: a sentence's `.` or `)` after it
    // is not a place to break.
    let end = chars
        .iter()
        .rposition(|&(_, c)| c.is_alphanumeric() || c == '/')
        .map_or(0, |i| chars[i].0);
    let mut cuts: Vec<usize> = Vec::new();
    let mut last = 0;
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next = chars.get(k + 1).map(|&(_, n)| n);
        let at = match c {
            '/' if next != Some('/') => Some(i + c.len_utf8()),
            '.' | '?' | '&' | '=' | '#' => Some(i + c.len_utf8()),
            '-' | '@' => Some(i),
            _ => None,
        };
        let Some(at) = at else { continue };
        // Two characters at least on each side of a break, and the part before the first
        // break holds something more than a scheme's letters.
        if at >= last + 2 && at > 0 && at <= end && word[at..].chars().count() >= 2 {
            cuts.push(at);
            last = at;
        }
    }
    cuts
}

/// Whether a word is a web or mail address (`https://…`, `www.…`, `name@host`).
pub fn looks_like_url(text: &str) -> bool {
    text.contains("://") || text.contains("www.") || text.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(url: &str) -> Vec<&str> {
        let cuts = url_breaks(url);
        std::iter::once(0)
            .chain(cuts.iter().copied())
            .zip(cuts.iter().copied().chain([url.len()]))
            .map(|(a, b)| &url[a..b])
            .collect()
    }

    #[test]
    fn addresses_break_after_slashes_and_dots_and_before_hyphens() {
        assert_eq!(
            pieces("https://www.example.org/guides/security-deposits?year=2025&form=pdf#top."),
            vec![
                "https://",
                "www.",
                "example.",
                "org/",
                "guides/",
                "security",
                "-deposits?",
                "year=",
                "2025&",
                "form=",
                "pdf#",
                "top."
            ]
        );
        // The hyphen opens a piece, never ends one; `//` stays whole; a sentence's full stop
        // or bracket is not a break.
        for url in [
            "https://www.mieterverein-nordstadt.example/a-b/c",
            "http://x.example/path/(see)",
            "info@mueller-schmidt.example",
        ] {
            let p = pieces(url);
            assert_eq!(p.concat(), url);
            assert!(
                p.iter()
                    .all(|p| !p.ends_with('-') && !p.ends_with("/:") && p.len() >= 2),
                "{p:?}"
            );
            assert!(!p.iter().any(|p| *p == "/" || p.ends_with(":/")), "{p:?}");
        }
        assert_eq!(
            pieces("info@mueller-schmidt.example"),
            vec!["info", "@mueller", "-schmidt.", "example"]
        );
    }

    #[test]
    fn the_rules_for_one_space() {
        let lang = crate::lang::Language::FrFr;
        let check = |text: &str, at: usize| {
            let opps: Vec<_> = unicode_linebreak::linebreaks(text).collect();
            may_break_at_space(text, at, at + 1, &opps, lang)
        };
        assert!(!check("€1 250,00", 3));
        assert!(!check("15 mars", 2));
        assert!(!check("5 %", 1));
        assert!(!check("mot — mot", 3));
        assert!(check("mot — mot", 7));
        assert!(!check("mot )", 3));
        assert!(!check("$2.4 million a year", 4));
        assert!(!check("3,5 Mio. Euro", 3));
        assert!(!check("1,5 millones", 3));
        assert!(check("2 millionaires", 1));
        assert!(check("15 chats", 2));
        assert!(check("1 2500", 1));
        assert!(check("mot mot", 3));
    }
}
