//! Bare web and email addresses in a letter body (`https://…`, `www.…`, `name@example.org`):
//! where each starts and ends in the Markdown text, what it prints and where it links.
//!
//! Addresses are found in the Markdown text before it is parsed, so that each is one link
//! printed exactly as typed: parsed first, `--` would become a dash, `'` a curly apostrophe and
//! `__init__` emphasis inside the address, and the address would be cut into pieces. The
//! `linkify` crate finds the boundaries (balanced parentheses kept, trailing sentence
//! punctuation left out). An address inside a code span or block, a link, an autolink, a link
//! definition or HTML is left alone.
//!
//! Each address found is replaced, for the parser, by an autolink of the same length
//! (`<lh:xxxx>`), which it takes as one unit; the byte offsets of everything else are kept.
//!
//! It takes the body's text and gives byte ranges, texts and targets; it knows nothing of the
//! tree built from the body.

use std::ops::Range;

use linkify::{LinkFinder, LinkKind};
use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use super::options;

/// A bare address in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct BareLink {
    /// Its bytes in the body.
    pub range: Range<usize>,
    /// What it prints: the address as typed, with Markdown's backslash escapes resolved.
    pub text: String,
    /// Where it links (`https://`, `http://` or `mailto:`), not yet percent-encoded.
    pub target: String,
}

/// The shortest address that its stand-in autolink (`<lh:>`) fits in.
const SHORTEST: usize = 5;

/// The bare addresses of a Markdown body, in order.
pub fn bare_links(body: &str) -> Vec<BareLink> {
    let mut links = candidates(body);
    // Each stand-in must come back from the parser as an autolink of its own; one that does
    // not (an unusual neighbourhood of brackets, say) is left as text. Leaving one out can
    // change the parse of another only in contrived text, so a few rounds settle it.
    for _ in 0..3 {
        if links.is_empty() {
            return links;
        }
        let text = with_stand_ins(body, &links);
        let found = autolinks_at(&text);
        let before = links.len();
        links.retain(|l| found.binary_search(&(l.range.start, l.range.end)).is_ok());
        if links.len() == before {
            return links;
        }
    }
    Vec::new()
}

/// The body with each address replaced by an autolink of the same length.
pub fn with_stand_ins(body: &str, links: &[BareLink]) -> String {
    let mut out = String::with_capacity(body.len());
    let mut done = 0;
    for link in links {
        out.push_str(&body[done..link.range.start]);
        out.push_str("<lh:");
        out.extend(std::iter::repeat_n('x', link.range.len() - SHORTEST));
        out.push('>');
        done = link.range.end;
    }
    out.push_str(&body[done..]);
    out
}

/// The ranges of the autolinks that stand outside any other link, sorted.
fn autolinks_at(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { link_type, .. }) => {
                if depth == 0 && link_type == LinkType::Autolink {
                    found.push((range.start, range.end));
                }
                depth += 1;
            }
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    found.sort_unstable();
    found
}

/// Addresses that linkify finds in text the parser shows as text.
fn candidates(body: &str) -> Vec<BareLink> {
    let view = View::new(body);
    let mut finder = LinkFinder::new();
    finder.url_must_have_scheme(false);
    let mut found = finder.links(&view.text).peekable();
    // Most letters have no address: then the body need not be parsed to place them.
    if found.peek().is_none() {
        return Vec::new();
    }
    let (texts, excluded) = regions(body);
    let mut links = Vec::new();
    for found in found {
        let shown = found.as_str();
        let lower = shown.get(..8).unwrap_or(shown).to_ascii_lowercase();
        let target = match found.kind() {
            LinkKind::Email => format!("mailto:{shown}"),
            LinkKind::Url if lower.starts_with("https://") || lower.starts_with("http://") => {
                shown.to_string()
            }
            LinkKind::Url if lower.starts_with("www.") => format!("https://{shown}"),
            _ => continue,
        };
        let mut range = view.raw(found.start())..view.raw(found.end());
        let mut text = shown.to_string();
        let mut target = target;
        // A backslash at the end of a line is a hard line break, not part of the address.
        if body[range.clone()].ends_with('\\')
            && matches!(body.as_bytes().get(range.end), None | Some(b'\n' | b'\r'))
        {
            range.end -= 1;
            text.pop();
            target.pop();
        }
        let raw = &body[range.clone()];
        let plain = range.len() >= SHORTEST
            // A backtick pairs with others into code spans: the stand-in has none.
            && !raw.contains('`')
            // A backslash before the address would escape the stand-in's `<`.
            && !body[..range.start].ends_with('\\')
            && inside(&texts, range.start)
            && !overlaps(&excluded, &range);
        if plain {
            links.push(BareLink {
                range,
                text,
                target,
            });
        }
    }
    links
}

/// The ranges of the parser's text events (sorted), and the ranges where an address is not
/// bare: links, images, code, HTML and link reference definitions.
fn regions(body: &str) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let mut texts = Vec::new();
    let mut excluded = Vec::new();
    let parser = Parser::new_ext(body, options());
    for (_, def) in parser.reference_definitions().iter() {
        excluded.push(def.span.clone());
    }
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Text(_) => texts.push(range),
            Event::Start(
                Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_) | Tag::HtmlBlock,
            )
            | Event::Code(_)
            | Event::Html(_)
            | Event::InlineHtml(_) => excluded.push(range),
            _ => {}
        }
    }
    texts.sort_by_key(|r| r.start);
    (texts, excluded)
}

fn inside(sorted: &[Range<usize>], at: usize) -> bool {
    let i = sorted.partition_point(|r| r.start <= at);
    i > 0 && sorted[i - 1].contains(&at)
}

fn overlaps(ranges: &[Range<usize>], range: &Range<usize>) -> bool {
    ranges
        .iter()
        .any(|r| r.start < range.end && range.start < r.end)
}

/// The body with Markdown's backslash escapes resolved (`\_` is `_`), so that an address typed
/// with them, or filled in by a mail merge that escapes its values, is found whole.
struct View {
    text: String,
    /// Where each resolved escape's character is in `text`, ascending.
    escapes: Vec<usize>,
}

impl View {
    fn new(body: &str) -> View {
        let mut text = String::with_capacity(body.len());
        let mut escapes = Vec::new();
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\'
                && let Some(&next) = chars.peek()
                && next.is_ascii_punctuation()
            {
                escapes.push(text.len());
                text.push(next);
                chars.next();
                continue;
            }
            text.push(c);
        }
        View { text, escapes }
    }

    /// The body's offset of `text`'s offset `at` (an escaped character's is its backslash's).
    fn raw(&self, at: usize) -> usize {
        at + self.escapes.partition_point(|&e| e < at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(body: &str) -> Vec<(&str, String, String)> {
        bare_links(body)
            .into_iter()
            .map(|l| (&body[l.range], l.text, l.target))
            .collect()
    }

    #[test]
    fn addresses_are_found_whole() {
        let body = "See https://example.org/a--b and \
                    https://en.wikipedia.org/wiki/Sex_work_(disambiguation) and \
                    https://example.org/it's and www.example.org/~user/__init__.py, \
                    or ann.o'brien@example.org.\n";
        let targets: Vec<String> = found(body).into_iter().map(|(_, _, t)| t).collect();
        assert_eq!(
            targets,
            [
                "https://example.org/a--b",
                "https://en.wikipedia.org/wiki/Sex_work_(disambiguation)",
                "https://example.org/it's",
                "https://www.example.org/~user/__init__.py",
                "mailto:ann.o'brien@example.org",
            ]
        );
    }

    #[test]
    fn trailing_punctuation_and_unbalanced_parentheses_stay_outside() {
        let body =
            "(see https://example.org/x). Or https://example.org/y; https://example.org/z!\n";
        let shown: Vec<String> = found(body).into_iter().map(|(_, s, _)| s).collect();
        assert_eq!(
            shown,
            [
                "https://example.org/x",
                "https://example.org/y",
                "https://example.org/z"
            ]
        );
    }

    #[test]
    fn escapes_are_resolved_and_a_hard_break_is_not_part_of_it() {
        let body = "Go to https://example.org/?ref=A\\-1\\_x\\\nnext, ann\\@example\\.org\n";
        let all = found(body);
        assert_eq!(all[0].0, "https://example.org/?ref=A\\-1\\_x");
        assert_eq!(all[0].1, "https://example.org/?ref=A-1_x");
        assert_eq!(all[1].2, "mailto:ann@example.org");
    }

    #[test]
    fn code_links_html_and_definitions_are_left_alone() {
        let body = "`https://a.org/x` [https://b.org](https://c.org) <https://d.org> \
                    <a href=\"https://e.org\">\n\n```\nhttps://f.org\n```\n\n[r]: https://g.org\n";
        assert!(found(body).is_empty(), "{:?}", found(body));
    }
}
