//! An email body written in Markdown, as the two parts a mail client shows: plain text that
//! reads as the author wrote it without the markup (`**thank you**` is `thank you`, a link
//! `text <address>`), and HTML for clients that prefer it.
//!
//! It takes the filled-in Markdown (values already escaped where they landed, as in a letter)
//! and gives text and HTML; it knows nothing of rows or messages. pulldown-cmark parses both,
//! with the options letters use, so quotes and dashes come out the same as in the PDF. The
//! plain-text rendering is ours: pulldown-cmark writes HTML only.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// The body as plain text: paragraphs separated by a blank line, lines kept as written,
/// list items marked `-` or numbered, quotes marked `>`, code as it is, links followed by
/// their address in angle brackets (unless the text is the address).
///
/// ```
/// use letterhead::internals::mail::text::plain;
/// let text = plain("Dear *Ada*,\n\nsee [our report](https://example.org/r) -- or:\n\n- one\n- two\n");
/// assert_eq!(text, "Dear Ada,\n\nsee our report <https://example.org/r> – or:\n\n- one\n- two\n");
/// ```
pub fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    // Open lists, innermost last: the next number of an ordered one.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut quote = 0usize;
    // Each open link's address and where its text starts in `out`.
    let mut links: Vec<(String, usize)> = Vec::new();
    let mut in_code_block = false;
    // A list item just begun: its first paragraph goes on the marker's line.
    let mut item_open = false;
    let start_line = |out: &mut String, quote: usize| {
        for _ in 0..quote {
            out.push_str("> ");
        }
    };
    for event in Parser::new_ext(markdown, crate::markdown::options()) {
        match event {
            // The first paragraph of a list item goes on the item's line.
            Event::Start(Tag::Paragraph | Tag::Heading { .. }) if item_open => item_open = false,
            Event::Start(Tag::Paragraph | Tag::Heading { .. }) => {
                blank_line(&mut out);
                start_line(&mut out, quote);
                out.push_str(&"  ".repeat(lists.len()));
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) => out.push('\n'),
            Event::Start(Tag::BlockQuote(_)) => {
                blank_line(&mut out);
                quote += 1;
            }
            Event::End(TagEnd::BlockQuote(_)) => quote = quote.saturating_sub(1),
            Event::Start(Tag::List(start)) => {
                if lists.is_empty() {
                    blank_line(&mut out);
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                start_line(&mut out, quote);
                let depth = lists.len().saturating_sub(1);
                out.push_str(&"  ".repeat(depth));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("- "),
                }
                item_open = true;
            }
            Event::End(TagEnd::Item) if !out.ends_with('\n') => out.push('\n'),
            Event::Start(Tag::CodeBlock(_)) => {
                blank_line(&mut out);
                in_code_block = true;
            }
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Start(Tag::Link { dest_url, .. }) => {
                links.push((dest_url.to_string(), out.len()))
            }
            Event::End(TagEnd::Link) => {
                if let Some((address, from)) = links.pop() {
                    let text = &out[from..];
                    let bare = address.strip_prefix("mailto:").unwrap_or(&address);
                    if text != address && text != bare {
                        out.push_str(&format!(" <{address}>"));
                    }
                }
            }
            Event::Text(text) if in_code_block => {
                for line in text.lines() {
                    start_line(&mut out, quote);
                    out.push_str("    ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Event::Text(text) | Event::Code(text) => {
                item_open = false;
                out.push_str(&text);
            }
            Event::SoftBreak | Event::HardBreak => {
                out.push('\n');
                start_line(&mut out, quote);
                if !lists.is_empty() {
                    out.push_str(&"  ".repeat(lists.len()));
                }
            }
            Event::Rule => {
                blank_line(&mut out);
                out.push_str("----\n");
            }
            Event::Html(html) | Event::InlineHtml(html) => out.push_str(&html),
            Event::FootnoteReference(label) => out.push_str(&format!("[{label}]")),
            _ => {}
        }
    }
    let trimmed = out.trim_end_matches('\n').trim_start_matches('\n');
    format!("{trimmed}\n")
}

/// The body as an HTML document (UTF-8), for the `text/html` alternative.
///
/// ```
/// let html = letterhead::internals::mail::text::html("Dear **Ada**,");
/// assert!(html.contains("<p>Dear <strong>Ada</strong>,</p>"));
/// ```
pub fn html(markdown: &str) -> String {
    let mut body = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(
        &mut body,
        Parser::new_ext(markdown, crate::markdown::options()),
    );
    format!(
        "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"></head>\n<body>\n{body}</body>\n</html>\n"
    )
}

/// Ends what `out` holds with an empty line (nothing at the start).
fn blank_line(out: &mut String) {
    if out.is_empty() {
        return;
    }
    while !out.ends_with("\n\n") {
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_goes_and_the_words_stay_as_written() {
        let md = "Dear Björn,\n\nthank you for your gift of $25.\nIt helps \"a lot\".\n\n\
                  > A quote\n> on two lines.\n\n1. First\n2. Second\n   - nested\n\n\
                  Write to <info@example.org> or [us](mailto:info@example.org).\n\n    code line\n";
        assert_eq!(
            plain(md),
            "Dear Björn,\n\nthank you for your gift of $25.\nIt helps “a lot”.\n\n\
             > A quote\n> on two lines.\n\n1. First\n2. Second\n  - nested\n\n\
             Write to info@example.org or us <mailto:info@example.org>.\n\n    code line\n"
        );
    }

    #[test]
    fn loose_list_items_keep_their_text_on_the_marker_line() {
        assert_eq!(
            plain("- one\n\n  more of one\n\n- two\n"),
            "- one\n\n  more of one\n- two\n"
        );
    }

    #[test]
    fn escaped_values_print_as_they_were() {
        // Values are escaped for Markdown before rendering: `\*` prints a star.
        assert_eq!(plain("Dear Ann \\*VIP\\*,"), "Dear Ann *VIP*,\n");
        assert!(html("a \\<script\\>").contains("a &lt;script&gt;"));
    }
}
