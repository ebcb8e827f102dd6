//! The letter body: CommonMark (with smart punctuation) parsed by `pulldown-cmark` into a small
//! tree of blocks and styled inline runs.
//!
//! It takes the body text and its offset in the file and gives `Block`s plus warnings for what
//! the layout cannot show (raw HTML, images), each pointing into the file. This is the one
//! place that sets the parser's options. It knows nothing about fonts or pages.
//!
//! The tree is built with an explicit stack, never by recursion, and nesting deeper than
//! `MAX_DEPTH` is flattened (with a warning): a hostile letter cannot overflow the stack here or
//! in the stages that walk the tree.

mod autolink;

use std::collections::BTreeMap;

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::diag::{Diagnostic, Source};

pub use autolink::{BareLink, bare_links, with_stand_ins};

/// The parser's options: CommonMark with smart punctuation, tables and footnotes (GFM's).
pub fn options() -> Options {
    Options::ENABLE_SMART_PUNCTUATION | Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES
}

/// Deepest nesting of lists and block quotes that is laid out as such.
pub const MAX_DEPTH: usize = 16;

/// Most Markdown elements a letter may have: paragraphs, headings, list items, quotes, table
/// rows and cells, emphasis, links, inline code, hard line breaks and code-block lines. Each
/// costs memory all the way to the PDF (a list item about 2 KB); this keeps a letter within a
/// few hundred MB. Ordinary text is not counted: 10 MB of plain paragraphs has some 30,000.
pub const MAX_ELEMENTS: usize = 100_000;

/// Most links a letter may have (each is an annotation object in the PDF, about 6 KB while the
/// PDF is built).
pub const MAX_LINKS: usize = 10_000;

/// Counts elements and links as the body is parsed, against `MAX_ELEMENTS` and `MAX_LINKS`.
#[derive(Default)]
struct Budget {
    elements: usize,
    links: usize,
}

impl Budget {
    fn spend(
        &mut self,
        elements: usize,
        links: usize,
        source: &Source,
        at: usize,
    ) -> crate::diag::Result<()> {
        self.elements += elements;
        self.links += links;
        let over = if self.elements > MAX_ELEMENTS {
            format!("the letter has more than {MAX_ELEMENTS} Markdown elements")
        } else if self.links > MAX_LINKS {
            format!("the letter has more than {MAX_LINKS} links")
        } else {
            return Ok(());
        };
        Err(Diagnostic::error(over)
            .at(source, at..at)
            .hint(
                "split it into several letters; paragraphs, list items, emphasis, links and \
                 line breaks count (this is where the limit was reached)",
            )
            .boxed())
    }
}

/// A block of the body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph of inline runs.
    Paragraph(Vec<Inline>),
    /// A heading (level 1–6).
    Heading(u8, Vec<Inline>),
    /// A list; `start` is the first number of an ordered list.
    List {
        /// First number, for ordered lists.
        start: Option<u64>,
        /// Each item's blocks.
        items: Vec<Vec<Block>>,
    },
    /// A block quote.
    Quote(Vec<Block>),
    /// A code block, line by line.
    Code(Vec<String>),
    /// A thematic break.
    Rule,
    /// A table (GFM): the header row and the body rows, each a list of cells.
    Table {
        /// Each column's alignment, from the delimiter row.
        align: Vec<CellAlign>,
        /// The header row's cells.
        header: Vec<Vec<Inline>>,
        /// The body rows' cells.
        rows: Vec<Vec<Vec<Inline>>>,
    },
}

/// How a table column is aligned (`:--`, `:-:`, `--:`; none is left).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellAlign {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
}

/// Inline style flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct InlineStyle {
    /// `**strong**`.
    pub strong: bool,
    /// `*emphasis*`.
    pub emphasis: bool,
    /// `` `code` ``.
    pub code: bool,
}

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq)]
pub struct Inline {
    /// The text; `"\n"` is a hard line break.
    pub text: String,
    /// Its style.
    pub style: InlineStyle,
    /// The link target, if the run is (part of) a link.
    pub link: Option<String>,
    /// Byte offset in the file where the run's source starts, for diagnostics.
    pub at: usize,
}

enum Frame {
    Root(Vec<Block>),
    Quote(Vec<Block>),
    List(Option<u64>, Vec<Vec<Block>>),
    Item(Vec<Block>),
    Inlines(InlineKind, Vec<Inline>),
    Code(String),
    /// A table being read: alignments, header, body rows, the row being read.
    Table(
        Vec<CellAlign>,
        Vec<Vec<Inline>>,
        Vec<Vec<Vec<Inline>>>,
        Vec<Vec<Inline>>,
    ),
    /// A footnote's definition being read: its label and blocks.
    Note(String, Vec<Block>),
    /// A construct that is parsed but not laid out (nested too deep, image alt text, HTML).
    Skip,
}

#[derive(Clone, Copy, PartialEq)]
enum InlineKind {
    Paragraph,
    Implicit,
    Heading(u8),
    Cell,
}

/// Parses a letter body. `offset` is where the body starts in `source`.
///
/// ```
/// use letterhead::internals::diag::Source;
/// use letterhead::internals::markdown::{parse, Block};
/// let source = Source { path: "a.md".into(), text: "Say \"hi\" -- now.".into() };
/// let (blocks, warnings) = parse(&source, 0).unwrap();
/// let Block::Paragraph(runs) = &blocks[0] else { panic!() };
/// assert_eq!(runs[0].text, "Say “hi” – now.");
/// assert!(warnings.is_empty());
/// ```
///
/// # Errors
///
/// A body with more than `MAX_ELEMENTS` elements or `MAX_LINKS` links, pointing at where the
/// limit was reached.
pub fn parse(source: &Source, offset: usize) -> crate::diag::Result<(Vec<Block>, Vec<Diagnostic>)> {
    let body = &source.text[offset..];
    // Bare addresses are parsed as autolinks of the same length standing in for them.
    let bare = bare_links(body);
    let parsed = with_stand_ins(body, &bare);
    let bare: BTreeMap<usize, BareLink> = bare.into_iter().map(|l| (l.range.start, l)).collect();
    // Inside a bare address's stand-in: its text is not printed.
    let mut in_bare = false;
    let mut warnings = Vec::new();
    let mut stack = vec![Frame::Root(Vec::new())];
    let mut depth = 0usize;
    let mut skipped_depth = 0usize;
    let mut style = InlineStyle::default();
    // The targets of the links being read, innermost last; `None` for one printed as text.
    let mut links: Vec<Option<String>> = Vec::new();
    let mut warned_depth = false;
    let mut budget = Budget::default();
    // Footnotes: labels in the order of their first reference (which numbers them), and
    // each definition's blocks and place.
    let mut note_order: Vec<String> = Vec::new();
    let mut notes: BTreeMap<String, (Vec<Block>, usize)> = BTreeMap::new();
    // GFM strikethrough and task list boxes, which print as typed: reported once each.
    let mut warned_tilde = false;
    let mut warned_task = false;
    let mut item_starts = false;
    let warn = |warnings: &mut Vec<Diagnostic>,
                message: &str,
                hint: &str,
                range: std::ops::Range<usize>| {
        warnings.push(
            Diagnostic::warning(message)
                .at(source, range.start + offset..range.end + offset)
                .hint(hint),
        );
    };

    for (event, range) in Parser::new_ext(&parsed, options()).into_offset_iter() {
        let (elements, new_links) = match &event {
            Event::Start(Tag::Link { .. }) => (1, 1),
            // Nested too deep: flattened, so it costs nothing.
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Item)
                if depth >= MAX_DEPTH * 2 =>
            {
                (0, 0)
            }
            Event::Start(_) | Event::HardBreak | Event::Code(_) => (1, 0),
            Event::Text(text) if matches!(stack.last(), Some(Frame::Code(_))) => {
                (text.matches('\n').count(), 0)
            }
            _ => (0, 0),
        };
        budget.spend(elements, new_links, source, range.start + offset)?;
        if skipped_depth > 0 {
            match &event {
                Event::Start(_) => skipped_depth += 1,
                Event::End(_) => skipped_depth -= 1,
                _ => {}
            }
            if skipped_depth > 0 {
                continue;
            }
            if matches!(event, Event::End(_)) {
                continue;
            }
        }
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {
                    close_implicit(&mut stack);
                    stack.push(Frame::Inlines(InlineKind::Paragraph, Vec::new()));
                }
                Tag::Heading { level, .. } => {
                    close_implicit(&mut stack);
                    stack.push(Frame::Inlines(
                        InlineKind::Heading(heading_level(level)),
                        Vec::new(),
                    ));
                }
                Tag::BlockQuote(_) | Tag::List(_) | Tag::Item if depth >= MAX_DEPTH * 2 => {
                    // Deeper content joins the innermost laid-out container.
                    if !warned_depth {
                        warned_depth = true;
                        warn(
                            &mut warnings,
                            &format!(
                                "lists and quotes nested deeper than {MAX_DEPTH} levels are flattened"
                            ),
                            "nest less deeply",
                            // The marker that goes too deep, not all it holds: the message stays
                            // a few lines long however much follows.
                            range.start..range.start + 1,
                        );
                    }
                    stack.push(Frame::Skip);
                }
                Tag::BlockQuote(_) => {
                    close_implicit(&mut stack);
                    depth += 1;
                    stack.push(Frame::Quote(Vec::new()));
                }
                Tag::List(start) => {
                    close_implicit(&mut stack);
                    depth += 1;
                    stack.push(Frame::List(start, Vec::new()));
                }
                Tag::Item => {
                    close_implicit(&mut stack);
                    depth += 1;
                    stack.push(Frame::Item(Vec::new()));
                    item_starts = true;
                }
                Tag::FootnoteDefinition(label) => {
                    close_implicit(&mut stack);
                    stack.push(Frame::Note(label.to_string(), Vec::new()));
                }
                Tag::CodeBlock(_) => {
                    close_implicit(&mut stack);
                    stack.push(Frame::Code(String::new()));
                }
                Tag::Emphasis => style.emphasis = true,
                Tag::Strong => style.strong = true,
                Tag::Link {
                    link_type: LinkType::Autolink,
                    ..
                } if bare.contains_key(&range.start) => {
                    let (text, target) = bare
                        .get(&range.start)
                        .map(|link| (link.text.as_str(), link.target.as_str()))
                        .unwrap_or_default();
                    // Bare addresses are http(s) and mailto only, so always clickable; this
                    // encodes them.
                    let target = crate::uri::clickable(target).ok();
                    push_text(
                        inlines(&mut stack),
                        text,
                        style,
                        target.clone(),
                        range.start + offset,
                    );
                    links.push(target);
                    in_bare = true;
                }
                Tag::Link { dest_url, .. } => match crate::uri::clickable(&dest_url) {
                    Ok(uri) => links.push(Some(uri)),
                    Err(why) => {
                        warn(
                            &mut warnings,
                            &why,
                            "write an http, https, mailto or tel address, or no link",
                            range.clone(),
                        );
                        links.push(None);
                    }
                },
                Tag::Image { .. } => {
                    warn(
                        &mut warnings,
                        "images in the body are not shown",
                        "put logos in letterhead.toml and signatures in the front matter",
                        range.clone(),
                    );
                    skipped_depth = 1;
                }
                Tag::HtmlBlock => {
                    warn(
                        &mut warnings,
                        "raw HTML is not shown",
                        "write it in Markdown instead",
                        range.clone(),
                    );
                    skipped_depth = 1;
                }
                Tag::Table(alignments) => {
                    close_implicit(&mut stack);
                    let align = alignments
                        .iter()
                        .map(|a| match a {
                            pulldown_cmark::Alignment::Center => CellAlign::Center,
                            pulldown_cmark::Alignment::Right => CellAlign::Right,
                            _ => CellAlign::Left,
                        })
                        .collect();
                    stack.push(Frame::Table(align, Vec::new(), Vec::new(), Vec::new()));
                }
                Tag::TableCell => {
                    stack.push(Frame::Inlines(InlineKind::Cell, Vec::new()));
                }
                _ => {}
            },
            Event::End(end) => match end {
                TagEnd::TableCell => {
                    if let Some(Frame::Inlines(InlineKind::Cell, runs)) = stack.pop()
                        && let Some(Frame::Table(_, _, _, row)) = stack.last_mut()
                    {
                        row.push(runs);
                    }
                }
                TagEnd::TableHead | TagEnd::TableRow => {
                    if let Some(Frame::Table(_, header, rows, row)) = stack.last_mut() {
                        let row = std::mem::take(row);
                        if matches!(end, TagEnd::TableHead) {
                            *header = row;
                        } else {
                            rows.push(row);
                        }
                    }
                }
                TagEnd::Table => {
                    if let Some(Frame::Table(align, header, rows, _)) = stack.pop() {
                        push_block(
                            &mut stack,
                            Block::Table {
                                align,
                                header,
                                rows,
                            },
                        );
                    }
                }
                TagEnd::Paragraph | TagEnd::Heading(_) => {
                    close_implicit(&mut stack);
                    if let Some(Frame::Inlines(kind, runs)) = stack.pop() {
                        let block = match kind {
                            InlineKind::Heading(level) => Block::Heading(level, runs),
                            _ => Block::Paragraph(runs),
                        };
                        push_block(&mut stack, block);
                    }
                }
                TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item => {
                    close_implicit(&mut stack);
                    match stack.pop() {
                        Some(Frame::Skip) => {}
                        Some(Frame::Quote(blocks)) => {
                            depth -= 1;
                            push_block(&mut stack, Block::Quote(blocks));
                        }
                        Some(Frame::List(start, items)) => {
                            depth -= 1;
                            push_block(&mut stack, Block::List { start, items });
                        }
                        Some(Frame::Item(blocks)) => {
                            depth -= 1;
                            if let Some(Frame::List(_, items)) = stack.last_mut() {
                                items.push(blocks);
                            } else {
                                for block in blocks {
                                    push_block(&mut stack, block);
                                }
                            }
                        }
                        Some(other) => stack.push(other),
                        None => {}
                    }
                }
                TagEnd::FootnoteDefinition => {
                    close_implicit(&mut stack);
                    if let Some(Frame::Note(label, blocks)) = stack.pop() {
                        notes.entry(label).or_insert((blocks, range.start));
                    }
                }
                TagEnd::CodeBlock => {
                    if let Some(Frame::Code(text)) = stack.pop() {
                        let lines = text.lines().map(str::to_string).collect();
                        push_block(&mut stack, Block::Code(lines));
                    }
                }
                TagEnd::Emphasis => style.emphasis = false,
                TagEnd::Strong => style.strong = false,
                TagEnd::Link => {
                    links.pop();
                    in_bare = false;
                }
                _ => {}
            },
            Event::Text(_) if in_bare => {}
            Event::Text(text) => {
                let starts_item = std::mem::take(&mut item_starts);
                if let Some(Frame::Code(code)) = stack.last_mut() {
                    code.push_str(&text);
                } else {
                    if !warned_tilde && text.contains("~~") {
                        warned_tilde = true;
                        let at = range.start + text.find("~~").unwrap_or(0);
                        warn(
                            &mut warnings,
                            "strikethrough (`~~text~~`) is not drawn: the tildes print as typed",
                            "delete the words, or say they are withdrawn",
                            at..at + 2,
                        );
                    }
                    if !warned_task
                        && starts_item
                        && ["[ ] ", "[x] ", "[X] "]
                            .iter()
                            .any(|b| parsed[range.start..].starts_with(b))
                    {
                        warned_task = true;
                        warn(
                            &mut warnings,
                            "task list boxes (`[ ]`, `[x]`) print as typed, not as check boxes",
                            "write ☐ and ☑ with a font that has them, or say done and to do in words",
                            range.start..range.start + 3,
                        );
                    }
                    let link = links.last().cloned().flatten();
                    push_text(
                        inlines(&mut stack),
                        &text,
                        style,
                        link,
                        range.start + offset,
                    );
                }
            }
            Event::Code(text) => {
                let code = InlineStyle {
                    code: true,
                    ..style
                };
                push_text(
                    inlines(&mut stack),
                    &text,
                    code,
                    links.last().cloned().flatten(),
                    range.start + offset,
                );
            }
            Event::SoftBreak => push_text(
                inlines(&mut stack),
                " ",
                style,
                links.last().cloned().flatten(),
                range.start + offset,
            ),
            Event::HardBreak => {
                push_text(inlines(&mut stack), "\n", style, None, range.start + offset)
            }
            Event::Rule => {
                close_implicit(&mut stack);
                push_block(&mut stack, Block::Rule);
            }
            Event::FootnoteReference(label) => {
                let number = match note_order.iter().position(|l| *l == *label) {
                    Some(i) => i + 1,
                    None => {
                        note_order.push(label.to_string());
                        note_order.len()
                    }
                };
                push_text(
                    inlines(&mut stack),
                    &superscript(number),
                    style,
                    None,
                    range.start + offset,
                );
            }
            Event::Html(_) | Event::InlineHtml(_) => warn(
                &mut warnings,
                "raw HTML is not shown",
                "write it in Markdown instead",
                range,
            ),
            _ => {}
        }
    }
    close_implicit(&mut stack);
    // Unwind anything left open (the parser closes everything, so this is only a safeguard).
    while stack.len() > 1 {
        match stack.pop() {
            Some(Frame::Quote(blocks) | Frame::Item(blocks) | Frame::Note(_, blocks)) => {
                for block in blocks {
                    push_block(&mut stack, block);
                }
            }
            Some(Frame::List(start, items)) => push_block(&mut stack, Block::List { start, items }),
            Some(Frame::Inlines(_, runs)) => push_block(&mut stack, Block::Paragraph(runs)),
            _ => {}
        }
    }
    let mut blocks = match stack.pop() {
        Some(Frame::Root(blocks)) => blocks,
        _ => Vec::new(),
    };
    // Footnotes are set as notes at the end of the body, after a rule, numbered in the order
    // they are first referred to: a letter has no page foot of its own to spare.
    let mut items = Vec::new();
    for label in &note_order {
        match notes.remove(label) {
            Some((note, _)) => items.push(note),
            // The parser only makes references to defined notes; kept numbered regardless.
            None => items.push(Vec::new()),
        }
    }
    for (label, (_, at)) in notes {
        warn(
            &mut warnings,
            &format!("the footnote `[^{label}]` is never referred to, so it is not printed"),
            &format!("refer to it with `[^{label}]` in the text, or delete it"),
            at..at + label.len() + 3,
        );
    }
    if !items.is_empty() {
        blocks.push(Block::Rule);
        blocks.push(Block::List {
            start: Some(1),
            items,
        });
    }
    Ok((blocks, warnings))
}

/// A footnote number in superscript digits (`¹`, `¹²`), which the bundled face has.
fn superscript(number: usize) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    number
        .to_string()
        .bytes()
        .map(|b| DIGITS[usize::from(b - b'0')])
        .collect()
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Closes the paragraph opened implicitly for the text of a tight list item.
fn close_implicit(stack: &mut Vec<Frame>) {
    if let Some(Frame::Inlines(InlineKind::Implicit, _)) = stack.last()
        && let Some(Frame::Inlines(_, runs)) = stack.pop()
    {
        push_block(stack, Block::Paragraph(runs));
    }
}

/// The inline runs being collected, opening an implicit paragraph where needed.
fn inlines(stack: &mut Vec<Frame>) -> &mut Vec<Inline> {
    if !matches!(stack.last(), Some(Frame::Inlines(..))) {
        stack.push(Frame::Inlines(InlineKind::Implicit, Vec::new()));
    }
    match stack.last_mut() {
        Some(Frame::Inlines(_, runs)) => runs,
        _ => unreachable!("an inline frame was just pushed"),
    }
}

fn push_block(stack: &mut [Frame], block: Block) {
    for frame in stack.iter_mut().rev() {
        match frame {
            Frame::Root(blocks)
            | Frame::Quote(blocks)
            | Frame::Item(blocks)
            | Frame::Note(_, blocks) => {
                blocks.push(block);
                return;
            }
            Frame::List(_, items) => {
                items.push(vec![block]);
                return;
            }
            _ => {}
        }
    }
}

fn push_text(
    runs: &mut Vec<Inline>,
    text: &str,
    style: InlineStyle,
    link: Option<String>,
    at: usize,
) {
    if let Some(last) = runs.last_mut()
        && last.style == style
        && last.link == link
        && text != "\n"
        && last.text != "\n"
    {
        last.text.push_str(text);
        return;
    }
    runs.push(Inline {
        text: text.to_string(),
        style,
        link,
        at,
    });
}

/// The plain text of inline runs.
#[cfg(test)]
pub fn plain_text(runs: &[Inline]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> (Vec<Block>, Vec<Diagnostic>) {
        let source = Source {
            path: "a.md".into(),
            text: text.into(),
        };
        parse(&source, 0).unwrap()
    }

    fn limit_error(text: &str) -> Box<Diagnostic> {
        let source = Source {
            path: "a.md".into(),
            text: text.into(),
        };
        parse(&source, 0).unwrap_err()
    }

    #[test]
    fn elements_up_to_the_limit_parse_and_one_more_is_an_error_where_it_is() {
        let item = "- a\n";
        let at_limit = item.repeat(MAX_ELEMENTS - 1); // the list itself is one element
        let (b, _) = blocks(&at_limit);
        let Block::List { items, .. } = &b[0] else {
            panic!()
        };
        assert_eq!(items.len(), MAX_ELEMENTS - 1);
        let err = limit_error(&format!("{at_limit}{item}"));
        assert_eq!(
            err.message,
            format!("the letter has more than {MAX_ELEMENTS} Markdown elements")
        );
        assert_eq!(err.line_col(), Some((MAX_ELEMENTS, 1)));
    }

    #[test]
    fn bare_addresses_count_as_links() {
        let text = "see https://example.org/x\n".repeat(MAX_LINKS + 1);
        let err = limit_error(&text);
        assert_eq!(
            err.message,
            format!("the letter has more than {MAX_LINKS} links")
        );
        assert_eq!(err.line_col(), Some((MAX_LINKS + 1, 5)));
    }

    #[test]
    fn code_block_lines_count_as_elements() {
        let text = format!("```\n{}```\n", "x\n".repeat(MAX_ELEMENTS));
        let err = limit_error(&text);
        assert!(err.message.contains("Markdown elements"), "{}", err.message);
    }

    #[test]
    fn tables_keep_their_cells_rows_and_alignment() {
        let (b, w) =
            blocks("| Item | Qty | Price |\n|:--|:-:|--:|\n| *Tea* | 2 | 4.00 |\n| Cake | 1 | |\n");
        assert!(w.is_empty(), "{w:?}");
        let Block::Table {
            align,
            header,
            rows,
        } = &b[0]
        else {
            panic!("{b:?}")
        };
        assert_eq!(
            align,
            &[CellAlign::Left, CellAlign::Center, CellAlign::Right]
        );
        let text = |cell: &Vec<Inline>| cell.iter().map(|r| r.text.as_str()).collect::<String>();
        assert_eq!(
            header.iter().map(text).collect::<Vec<_>>(),
            ["Item", "Qty", "Price"]
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].iter().map(text).collect::<Vec<_>>(),
            ["Tea", "2", "4.00"]
        );
        assert!(rows[0][0][0].style.emphasis);
        assert_eq!(
            rows[1].iter().map(text).collect::<Vec<_>>(),
            ["Cake", "1", ""]
        );
    }

    #[test]
    fn tight_list_items_become_paragraphs() {
        let (b, _) = blocks("- one\n- two *em*\n");
        let Block::List { start: None, items } = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(items.len(), 2);
        let Block::Paragraph(runs) = &items[1][0] else {
            panic!()
        };
        assert_eq!(runs[1].text, "em");
        assert!(runs[1].style.emphasis);
    }

    #[test]
    fn links_and_hard_breaks_are_kept() {
        let (b, _) = blocks("Name  \n[site](https://x.org)\n");
        let Block::Paragraph(runs) = &b[0] else {
            panic!()
        };
        assert_eq!(runs[1].text, "\n");
        assert_eq!(runs[2].link.as_deref(), Some("https://x.org"));
    }

    #[test]
    fn bare_addresses_become_links() {
        let (b, _) = blocks("See www.example.org/x, or write to info@example.org (thanks).\n");
        let Block::Paragraph(runs) = &b[0] else {
            panic!()
        };
        let linked: Vec<(&str, Option<&str>)> = runs
            .iter()
            .map(|r| (r.text.as_str(), r.link.as_deref()))
            .collect();
        assert_eq!(
            linked,
            vec![
                ("See ", None),
                ("www.example.org/x", Some("https://www.example.org/x")),
                (", or write to ", None),
                ("info@example.org", Some("mailto:info@example.org")),
                (" (thanks).", None),
            ]
        );
    }

    #[test]
    fn bare_addresses_are_one_link_printed_as_typed() {
        let (b, _) = blocks(
            "See https://example.org/a--b and \
             https://en.wikipedia.org/wiki/Sex_work_(disambiguation) and \
             **https://example.org/it's** and www.example.org/~user/__init__.py, or \
             ann.o'brien@example.org -- \"thanks\".\n",
        );
        let Block::Paragraph(runs) = &b[0] else {
            panic!()
        };
        let linked: Vec<(&str, Option<&str>, bool)> = runs
            .iter()
            .map(|r| (r.text.as_str(), r.link.as_deref(), r.style.strong))
            .collect();
        assert_eq!(
            linked,
            vec![
                ("See ", None, false),
                (
                    "https://example.org/a--b",
                    Some("https://example.org/a--b"),
                    false
                ),
                (" and ", None, false),
                (
                    "https://en.wikipedia.org/wiki/Sex_work_(disambiguation)",
                    Some("https://en.wikipedia.org/wiki/Sex_work_(disambiguation)"),
                    false
                ),
                (" and ", None, false),
                (
                    "https://example.org/it's",
                    Some("https://example.org/it's"),
                    true
                ),
                (" and ", None, false),
                (
                    "www.example.org/~user/__init__.py",
                    Some("https://www.example.org/~user/__init__.py"),
                    false
                ),
                (", or ", None, false),
                (
                    "ann.o'brien@example.org",
                    Some("mailto:ann.o'brien@example.org"),
                    false
                ),
                // Outside the addresses, punctuation is still smart.
                (" – “thanks”.", None, false),
            ]
        );
        assert_eq!(runs[3].at, 33, "a run still points at its source");
    }

    #[test]
    fn html_and_images_are_reported() {
        let (_, w) = blocks("a <b>x</b> ![logo](x.png)\n");
        assert_eq!(w.len(), 3, "{w:?}");
    }

    #[test]
    fn deep_nesting_is_flattened_without_recursion() {
        let text = "> ".repeat(100_000) + "deep\n";
        let (b, w) = blocks(&text);
        assert!(!b.is_empty());
        let deep = w.iter().find(|d| d.message.contains("flattened")).unwrap();
        // One marker underlined, not the 200 KB it holds.
        assert!(deep.render().len() < 1_000, "{}", deep.render().len());
        assert_eq!(deep.line_col(), Some((1, 65)));
    }

    #[test]
    fn nested_lists_keep_their_structure() {
        let (b, _) = blocks("1. a\n   - b\n2. c\n");
        let Block::List {
            start: Some(1),
            items,
        } = &b[0]
        else {
            panic!("{b:?}")
        };
        assert!(matches!(items[0][1], Block::List { start: None, .. }));
    }

    #[test]
    fn footnotes_become_numbered_notes_after_the_body() {
        let (b, w) = blocks(
            "A word[^a] and more[^b], again[^a].\n\n\
             [^b]: Second.\n[^a]: First, *stressed*.\n[^unused]: Never.\n",
        );
        let Block::Paragraph(runs) = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(plain_text(runs), "A word¹ and more², again¹.");
        assert!(matches!(b[1], Block::Rule), "{b:?}");
        let Block::List {
            start: Some(1),
            items,
        } = &b[2]
        else {
            panic!("{b:?}")
        };
        let texts: Vec<String> = items
            .iter()
            .map(|item| match &item[0] {
                Block::Paragraph(runs) => plain_text(runs),
                other => panic!("{other:?}"),
            })
            .collect();
        // Numbered by first reference, not by where they are defined.
        assert_eq!(texts, ["First, stressed.", "Second."]);
        assert_eq!(b.len(), 3);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].message.contains("`[^unused]` is never referred to"));
        assert_eq!(w[0].line_col(), Some((5, 1)));
        assert_eq!(superscript(120), "¹²⁰");
    }

    #[test]
    fn strikethrough_and_task_boxes_print_as_typed_with_a_warning_each() {
        let (b, w) = blocks("~~a~~ and ~~b~~\n\n- [ ] one\n- [x] two\n");
        let Block::Paragraph(runs) = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(plain_text(runs), "~~a~~ and ~~b~~");
        let messages: Vec<(&str, Option<(usize, usize)>)> = w
            .iter()
            .map(|d| (d.message.as_str(), d.line_col()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    "strikethrough (`~~text~~`) is not drawn: the tildes print as typed",
                    Some((1, 1))
                ),
                (
                    "task list boxes (`[ ]`, `[x]`) print as typed, not as check boxes",
                    Some((3, 3))
                ),
            ]
        );
    }
}
