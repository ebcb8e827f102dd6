//! Proper names: the words of a letter's names (recipient, signatory, organization) that
//! hyphenation could break, and whether a word of the text is one of them.

use super::hyphenate::MIN_HYPHENATED_WORD;

/// Whether `word` (with any punctuation around it) is one of `names`, or one followed by a
/// genitive `s`.
pub(super) fn is_name(word: &str, names: &[String]) -> bool {
    if names.is_empty() {
        return false;
    }
    let core = word.trim_matches(|c: char| !c.is_alphabetic());
    names.iter().any(|name| {
        core.strip_prefix(name.as_str())
            .is_some_and(|rest| rest.is_empty() || rest == "s")
    })
}

/// The words of proper names in `texts` (a recipient's name line, a signatory's name, the
/// organization's name) that hyphenation could break: capitalised, all letters, five or more
/// of them (`MIN_HYPHENATED_WORD`); the parts of a double name (`Müller-Lüdenscheidt`) each.
/// Sorted, without duplicates.
///
/// ```
/// use letterhead::internals::paragraph::proper_names;
/// assert_eq!(
///     proper_names(["Herrn Dipl.-Ing. Thomas Reinhardt", "Anna Müller-Lüdenscheidt"]),
///     ["Herrn", "Lüdenscheidt", "Müller", "Reinhardt", "Thomas"].map(String::from)
/// );
/// ```
pub fn proper_names<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut names: Vec<String> = texts
        .into_iter()
        .flat_map(|t| t.split(|c: char| c.is_whitespace() || c == '-' || c == '\u{2010}'))
        .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()))
        .filter(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(char::is_alphabetic)
                && w.chars().count() >= MIN_HYPHENATED_WORD
        })
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_recognised_with_punctuation_and_a_genitive_s() {
        let names = proper_names(["Herrn Dipl.-Ing. Thomas Reinhardt", "Dr. Annette Brandt"]);
        assert_eq!(names, ["Annette", "Brandt", "Herrn", "Reinhardt", "Thomas"]);
        for word in [
            "Reinhardt",
            "Reinhardts",
            "„Reinhardt“,",
            "(Brandt)",
            "Annette.",
        ] {
            assert!(is_name(word, &names), "{word}");
        }
        for word in ["Reinhardtstraße", "reinhardt", "Brandtschutz", "Anne"] {
            assert!(!is_name(word, &names), "{word}");
        }
        assert!(!is_name("Reinhardt", &[]));
    }
}
