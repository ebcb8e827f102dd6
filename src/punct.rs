//! Punctuation as a typesetter sets it, in the letter's language: curly quotes and apostrophes,
//! dashes and the ellipsis for text that is not Markdown (front matter, letterhead), the
//! language's quotation marks, and French no-break spaces before `; : ! ? »` and after `«`.
//!
//! It takes text and a language and gives text. The body's straight quotes and dashes are
//! curled by the Markdown parser (pulldown-cmark's smart punctuation, in `markdown`); `curl`
//! does the same for the other strings, so that the front matter and the body match. Web and
//! mail addresses, times (`10:30`) and code are left as written. It knows nothing of Markdown,
//! fonts or layout; which strings are prose is for their owners (`letter`, `config`) to say.

use crate::lang::{Language, QuoteState};

/// The narrow no-break space French sets before `; : ! ? »` and after `«` (the bundled Noto
/// Serif has it in all four faces).
pub const NARROW_NO_BREAK_SPACE: char = '\u{202F}';

/// Text that is not Markdown — a front-matter or letterhead string — as the body would set it:
/// straight quotes curled, `--` and `---` as dashes, `...` as an ellipsis, then the language's
/// quotation marks and, in French, its no-break spaces.
///
/// ```
/// use letterhead::internals::lang::Language;
/// use letterhead::internals::punct::smarten;
/// assert_eq!(smarten("Dear Mr. O'Brien,", Language::EnUs), "Dear Mr. O’Brien,");
/// assert_eq!(smarten("\"Ja\" -- gut", Language::DeDe), "„Ja“ – gut");
/// assert_eq!(smarten("Objet : \"oui\"", Language::FrFr), "Objet\u{202F}: «\u{202F}oui\u{202F}»");
/// ```
pub fn smarten(text: &str, lang: Language) -> String {
    let curled = curl(text);
    localize(&[(&curled, false)], lang)
        .pop()
        .unwrap_or_default()
}

/// The runs of one paragraph, each with whether it is code, whose straight punctuation is
/// already curled (by the Markdown parser or `curl`): the language's quotation marks, and in
/// French the no-break spaces, also where a run ends and the next begins (`**Objet** :`).
/// Code runs come back as they were.
///
/// ```
/// use letterhead::internals::lang::Language;
/// use letterhead::internals::punct::localize;
/// let runs = localize(&[("Il dit ", false), ("non", true), ("!", false)], Language::FrFr);
/// assert_eq!(runs, ["Il dit ", "non", "\u{202F}!"]);
/// ```
pub fn localize(runs: &[(&str, bool)], lang: Language) -> Vec<String> {
    let mut state = QuoteState::default();
    let quoted: Vec<String> = runs
        .iter()
        .map(|&(text, code)| {
            if code {
                text.to_string()
            } else {
                lang.quotes_in(text, &mut state)
            }
        })
        .collect();
    if lang != Language::FrFr {
        return quoted;
    }
    let texts: Vec<(&str, bool)> = quoted
        .iter()
        .zip(runs)
        .map(|(text, &(_, code))| (text.as_str(), code))
        .collect();
    french_spaces(&texts)
}

/// Straight quotes and apostrophes curled, `--` as an en dash, `---` as an em dash and `...`
/// as an ellipsis, following pulldown-cmark's smart punctuation (CommonMark's flanking rules
/// for quotes), in English marks: `Language::quotes` makes them the language's. Web and mail
/// addresses are left as written.
///
/// ```
/// use letterhead::internals::punct::curl;
/// assert_eq!(curl("\"Fair Rent\" -- a 'draft'... in the '90s"),
///            "“Fair Rent” – a ‘draft’… in the ’90s");
/// assert_eq!(curl("o'neil--x@example.org"), "o'neil--x@example.org");
/// ```
pub fn curl(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let fixed = addresses(&chars);
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if fixed[i] {
            out.push(c);
            i += 1;
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        match c {
            '"' | '\'' => out.push(curl_quote(c, prev, &chars[i + 1..])),
            '-' => {
                let n = chars[i..]
                    .iter()
                    .zip(&fixed[i..])
                    .take_while(|&(&c, &f)| c == '-' && !f)
                    .count();
                push_dashes(&mut out, n);
                i += n;
                continue;
            }
            '.' if chars[i..].starts_with(&['.', '.', '.']) && !fixed[i + 1] && !fixed[i + 2] => {
                out.push('…');
                i += 3;
                continue;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// A straight quote as an opening or closing one, by what stands either side of it
/// (CommonMark's left- and right-flanking delimiter runs).
fn curl_quote(c: char, prev: Option<char>, rest: &[char]) -> char {
    let next = rest.first().copied();
    let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let punct = |c: Option<char>| c.is_some_and(is_punctuation);
    let left = !space(next) && (!punct(next) || space(prev) || punct(prev));
    let right = !space(prev) && (!punct(prev) || space(next) || punct(next));
    let opens = left && !right;
    if c == '"' {
        return if opens { '“' } else { '”' };
    }
    // An apostrophe after a letter (O'Brien, don't), or for the missing digits of a year.
    let elided_year = rest.len() >= 2
        && rest[..2].iter().all(char::is_ascii_digit)
        && rest
            .get(2)
            .is_none_or(|&c| c == 's' || !c.is_alphanumeric());
    if opens && !elided_year && !prev.is_some_and(char::is_alphanumeric) {
        '‘'
    } else {
        '’'
    }
}

/// `n` hyphens as dashes, as CommonMark's smart punctuation reads them: em dashes if `n` is a
/// multiple of three, else en dashes if it is even, else as many em dashes as leave an even
/// rest for en dashes. One hyphen stays a hyphen.
fn push_dashes(out: &mut String, n: usize) {
    if n < 2 {
        out.extend(std::iter::repeat_n('-', n));
        return;
    }
    let (em, en) = if n.is_multiple_of(3) {
        (n / 3, 0)
    } else if n.is_multiple_of(2) {
        (0, n / 2)
    } else if n % 3 == 2 {
        (n / 3, 1)
    } else {
        ((n - 4) / 3, 2)
    };
    out.extend(std::iter::repeat_n('—', em));
    out.extend(std::iter::repeat_n('–', en));
}

/// Punctuation for the flanking rules: ASCII punctuation and the marks letters use.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || "“”‘’„‚«»‹›–—…¡¿·§¶†‡•".contains(c)
}

/// Which characters belong to a web or mail address (`https://…`, `www.…`, `a@b.org`,
/// `mailto:…`, `tel:…`), without the brackets, quotes and sentence punctuation around it.
fn addresses(chars: &[char]) -> Vec<bool> {
    let mut fixed = vec![false; chars.len()];
    let mut start = 0;
    while start < chars.len() {
        if chars[start].is_whitespace() {
            start += 1;
            continue;
        }
        let end = chars[start..]
            .iter()
            .position(|c| c.is_whitespace())
            .map_or(chars.len(), |n| start + n);
        // The token without what surrounds an address in a sentence.
        let mut a = start;
        let mut b = end;
        while a < b && "([{<\"'“‘«„‚".contains(chars[a]) {
            a += 1;
        }
        while b > a && ")]}>\"'”’»“‘.,;:!?".contains(chars[b - 1]) {
            b -= 1;
        }
        let token: String = chars[a..b].iter().collect();
        if is_address(&token) {
            fixed[a..b].fill(true);
        }
        start = end;
    }
    fixed
}

/// Whether a word is a web or mail address.
fn is_address(token: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    if lower.contains("://")
        || lower.starts_with("www.")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
    {
        return true;
    }
    // user@host.tld
    token
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !host.ends_with('.'))
}

/// One character of a paragraph for the French spacing: the run it belongs to, and whether it
/// is left as written (code, an address).
#[derive(Clone, Copy)]
struct Cell {
    c: char,
    run: usize,
    fixed: bool,
}

/// French no-break spaces: before `; : ! ? »` and `›`, and after `«` and `‹`, a narrow
/// no-break space, replacing the ordinary spaces there or added where there are none, so that
/// no line starts with the one or ends with the other. Not inside code or addresses, not in a
/// time or ratio (`10:30`), not between marks that go together (`?!`), and not at the start
/// or end of the text.
fn french_spaces(runs: &[(&str, bool)]) -> Vec<String> {
    let mut cells: Vec<Cell> = Vec::new();
    for (run, &(text, code)) in runs.iter().enumerate() {
        cells.extend(text.chars().map(|c| Cell {
            c,
            run,
            fixed: code,
        }));
    }
    let chars: Vec<char> = cells.iter().map(|cell| cell.c).collect();
    for (cell, address) in cells.iter_mut().zip(addresses(&chars)) {
        cell.fixed |= address;
    }
    // A space the rule may replace: ordinary or thin, which a line may break at.
    let plain = |cell: &Cell| matches!(cell.c, ' ' | '\u{2009}') && !cell.fixed;
    let mut out: Vec<Cell> = Vec::with_capacity(cells.len() + 8);
    let mut i = 0;
    while i < cells.len() {
        let cell = cells[i];
        if !cell.fixed && spaced_before(&chars, i) {
            // Ordinary spaces before it become one no-break space; none gets one.
            let kept = out.len() - out.iter().rev().take_while(|c| plain(c)).count();
            let before = kept.checked_sub(1).map(|k| out[k].c);
            if before.is_some_and(|b| !b.is_whitespace() && !opens(b)) {
                let run = if kept < out.len() {
                    out[out.len() - 1].run
                } else {
                    cell.run
                };
                out.truncate(kept);
                out.push(Cell {
                    c: NARROW_NO_BREAK_SPACE,
                    run,
                    fixed: false,
                });
            }
        }
        out.push(cell);
        i += 1;
        if !cell.fixed && matches!(cell.c, '«' | '‹') {
            let spaces = cells[i..].iter().take_while(|c| plain(c)).count();
            if cells
                .get(i + spaces)
                .is_some_and(|next| !next.c.is_whitespace())
            {
                let run = if spaces > 0 { cells[i].run } else { cell.run };
                out.push(Cell {
                    c: NARROW_NO_BREAK_SPACE,
                    run,
                    fixed: false,
                });
                i += spaces;
            }
        }
    }
    let mut texts = vec![String::new(); runs.len()];
    for cell in out {
        texts[cell.run].push(cell.c);
    }
    texts
}

/// Whether the character at `i` takes a no-break space before it in French.
fn spaced_before(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    let prev = i.checked_sub(1).map(|p| chars[p]);
    let next = chars.get(i + 1).copied();
    match c {
        '»' | '›' => true,
        ';' | ':' | '!' | '?' => {
            let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
            // `?!`, `!!`: the space goes before the first only.
            let doubled = prev.is_some_and(|p| matches!(p, ';' | ':' | '!' | '?'));
            // 10:30, 1:2.
            let time = c == ':' && digit(prev) && digit(next);
            // ;-) and :) are not punctuation.
            let smiley = matches!(c, ';' | ':') && matches!(next, Some('-' | ')' | '('));
            !doubled && !time && !smiley
        }
        _ => false,
    }
}

/// Opening brackets and quotes, after which `; : ! ?` take no space (`(?)`).
fn opens(c: char) -> bool {
    "([{“‘„‚".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NNBSP: &str = "\u{202F}";

    fn fr(text: &str) -> String {
        smarten(text, Language::FrFr).replace(NARROW_NO_BREAK_SPACE, "_")
    }

    #[test]
    fn each_language_sets_its_quotes() {
        let source = "\"Fair Rent\" -- O'Brien's 'draft'...";
        let cases = [
            (Language::EnUs, "“Fair Rent” – O’Brien’s ‘draft’…"),
            (Language::EnGb, "“Fair Rent” – O’Brien’s ‘draft’…"),
            (Language::DeDe, "„Fair Rent“ – O’Brien’s ‚draft‘…"),
            (
                Language::FrFr,
                "«\u{202F}Fair Rent\u{202F}» – O’Brien’s ‹\u{202F}draft\u{202F}›…",
            ),
            (Language::EsEs, "«Fair Rent» – O’Brien’s “draft”…"),
        ];
        for (lang, expected) in cases {
            assert_eq!(smarten(source, lang), expected, "{lang:?}");
        }
    }

    #[test]
    fn quotes_the_writer_typed_in_the_language_are_kept() {
        let de = "Projekt „Sichere Schulwege“ und ‚Hof‘";
        assert_eq!(smarten(de, Language::DeDe), de);
        // Across runs: `„**Sichere** Schulwege“`.
        let runs = localize(
            &[("„", false), ("Sichere", false), (" Schulwege“", false)],
            Language::DeDe,
        );
        assert_eq!(runs.concat(), "„Sichere Schulwege“");
        assert_eq!(
            smarten("«Dijo \"no\"» y \"sí\"", Language::EsEs),
            "«Dijo “no”» y «sí»"
        );
        assert_eq!(
            smarten("«il a dit \"non\"»", Language::FrFr),
            "«\u{202F}il a dit “non”\u{202F}»"
        );
    }

    #[test]
    fn quotes_open_and_close_by_their_neighbours() {
        assert_eq!(curl("(\"a\")"), "(“a”)");
        assert_eq!(curl("\"'Hi,' she said.\""), "“‘Hi,’ she said.”");
        assert_eq!(curl("say \"yes\"."), "say “yes”.");
        assert_eq!(curl("—\"No\""), "—“No”");
        assert_eq!(curl("5' 10\""), "5’ 10”");
        assert_eq!(curl("the '90s, '95"), "the ’90s, ’95");
        assert_eq!(curl("Dear Mr. O'Brien,"), "Dear Mr. O’Brien,");
        assert_eq!(curl("it's"), "it’s");
    }

    #[test]
    fn hyphens_become_dashes_as_commonmark_counts_them() {
        assert_eq!(curl("a - b"), "a - b");
        assert_eq!(curl("a -- b --- c"), "a – b — c");
        assert_eq!(curl("----"), "––");
        assert_eq!(curl("-----"), "—–");
        assert_eq!(curl("1998-2000"), "1998-2000");
    }

    #[test]
    fn addresses_are_left_as_written() {
        for text in [
            "https://example.org/a--b/'x'/",
            "www.example.org/--/...x",
            "mailto:o'brien@example.org",
            "j.o'brien@example.org",
        ] {
            assert_eq!(curl(text), text);
            assert_eq!(smarten(text, Language::FrFr), text);
        }
        // The sentence around an address is still set.
        assert_eq!(
            curl("see \"https://example.org/--\"..."),
            "see “https://example.org/--”…"
        );
        assert_eq!(
            fr("Voir https://example.org/?q=1&a=b:c !"),
            "Voir https://example.org/?q=1&a=b:c_!"
        );
        assert_eq!(fr("Écrivez à <a@b.fr> ?"), "Écrivez à <a@b.fr>_?");
    }

    #[test]
    fn french_spaces_replace_a_space_or_fill_none() {
        assert_eq!(
            fr("Oui ; non : peut-être ! Vraiment ?"),
            "Oui_; non_: peut-être_! Vraiment_?"
        );
        assert_eq!(
            fr("Oui; non: peut-être! Vraiment?"),
            "Oui_; non_: peut-être_! Vraiment_?"
        );
        assert_eq!(fr("« oui »"), "«_oui_»");
        assert_eq!(fr("«oui»"), "«_oui_»");
        assert_eq!(fr("«  oui  »"), "«_oui_»");
        assert_eq!(fr("\"oui\""), "«_oui_»");
        assert_eq!(fr("« Vraiment ! »"), "«_Vraiment_!_»");
        assert_eq!(fr("Quoi ?!"), "Quoi_?!");
        assert_eq!(fr("Quoi?!"), "Quoi_?!");
        // Already spaced: left alone (so applying it twice changes nothing).
        let once = smarten("Objet : « oui » ?", Language::FrFr);
        assert_eq!(smarten(&once, Language::FrFr), once);
        assert_eq!(fr("a\u{a0}: b"), "a\u{a0}: b");
    }

    #[test]
    fn french_spaces_leave_times_code_and_edges() {
        assert_eq!(fr("à 10:30 ou 14:00"), "à 10:30 ou 14:00");
        assert_eq!(fr("rapport 1:2"), "rapport 1:2");
        assert_eq!(fr(": début"), ": début");
        assert_eq!(fr("fin «"), "fin «");
        assert_eq!(fr("(?)"), "(?)");
        assert_eq!(fr("Salut ;-)"), "Salut ;-)");
        let runs = localize(
            &[("Tapez ", false), ("a:b ; c", true), (" : fini", false)],
            Language::FrFr,
        );
        assert_eq!(
            runs,
            ["Tapez ", "a:b ; c", format!("{NNBSP}: fini").as_str()]
        );
    }

    #[test]
    fn french_spaces_cross_runs() {
        // `**Objet** : x` and `**Objet**: x`: the space goes where the space was.
        let runs = localize(&[("Objet", false), (" : x", false)], Language::FrFr);
        assert_eq!(runs, ["Objet", format!("{NNBSP}: x").as_str()]);
        let runs = localize(&[("Objet ", false), (": x", false)], Language::FrFr);
        assert_eq!(runs, [format!("Objet{NNBSP}").as_str(), ": x"]);
        let runs = localize(
            &[("«", false), ("oui", false), ("»", false)],
            Language::FrFr,
        );
        assert_eq!(
            runs,
            [
                format!("«{NNBSP}").as_str(),
                "oui",
                format!("{NNBSP}»").as_str()
            ]
        );
    }

    #[test]
    fn other_languages_get_no_spaces() {
        for lang in [
            Language::EnUs,
            Language::EnGb,
            Language::DeDe,
            Language::EsEs,
        ] {
            assert_eq!(
                smarten("Note: yes; no!", lang),
                "Note: yes; no!",
                "{lang:?}"
            );
        }
        assert_eq!(
            smarten("\"Sí\", dijo: 'no'", Language::EsEs),
            "«Sí», dijo: “no”"
        );
    }
}
