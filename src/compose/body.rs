//! The body: the letter's Markdown blocks — paragraphs, headings, lists, quotes, code, tables
//! and rules — set as flow blocks in the order of the source, each tagged as it is set. A list
//! item's marker stands in the indent beside its first line; a quote has a bar in the accent
//! colour beside its lines, and its attribution ("— Name") never starts a page alone. A
//! paragraph ending in a colon stays with the list or table it introduces.

use super::{Composer, INDENT_EM, ITEM_GAP, Origin, PARAGRAPH_GAP, baseline_offset, reuse};
use crate::config::Color;
use crate::fonts::Variant;
use crate::frame::{ElementId, Item, Role, Tag, TextRun};
use crate::length::Abs;
use crate::markdown::{Block, Inline};
use crate::paragraph::{Line, Span};

impl Composer<'_> {
    pub(super) fn inline_spans(&self, runs: &[Inline], bold: bool) -> Vec<Span> {
        let accent = self.input.letterhead.style.accent;
        // Quotation marks and French spaces of the letter's language (code is left as written).
        let texts: Vec<(&str, bool)> = runs
            .iter()
            .map(|r| (r.text.as_str(), r.style.code))
            .collect();
        runs.iter()
            .zip(crate::punct::localize(&texts, self.lang()))
            .map(|(r, text)| Span {
                text,
                variant: Variant::new(bold || r.style.strong, r.style.emphasis),
                color: if r.link.is_some() {
                    accent
                } else {
                    Color::BLACK
                },
                // Already a clickable URI: the Markdown parser asked `uri` (and warned).
                link: r.link.clone(),
            })
            .collect()
    }

    pub(super) fn body_block(
        &mut self,
        block: &Block,
        level: usize,
        space_before: Abs,
        parent: ElementId,
    ) {
        if let Block::Paragraph(runs) | Block::Heading(_, runs) = block
            && let Some(first) = runs.first()
        {
            self.origin = Origin::Letter(first.at);
        }
        let indent = self.size * INDENT_EM * level as f64;
        let width = (self.width - indent).max(self.size * 8.0);
        match block {
            Block::Paragraph(runs) => {
                let style = self.style(self.size, width);
                let spans = self.inline_spans(runs, false);
                let lines = self.set(&spans, &style);
                let b = self.push_lines(lines, indent, self.size, space_before);
                self.blocks[b].space_shrink = self.gap_shrink(space_before);
                self.tag_block(b, parent, Role::P);
            }
            Block::Heading(level_h, runs) => {
                let scale = match level_h {
                    1 => 1.25,
                    2 => 1.1,
                    _ => 1.0,
                };
                let size = self.size * scale;
                // Ragged and unhyphenated, like the subject.
                let style = self.display_style(size, width);
                let spans = self.inline_spans(runs, true);
                let lines = self.set(&spans, &style);
                let b = self.push_lines(lines, indent, size, space_before * 1.3);
                self.blocks[b].keep_with_next = true;
                self.blocks[b].keep_together = true;
                // Below the subject's level, and never more than one level deeper than the
                // heading before (a screen reader's outline has no gaps).
                let base = u8::from(self.input.letter.front.subject.is_some());
                let wanted = level_h.saturating_add(base);
                let h = wanted.min(self.heading + 1).clamp(1, 6);
                self.heading = h;
                self.tag_block(b, parent, Role::H(h));
            }
            Block::List { start, items } => {
                self.keep_intro_with_next();
                let list = self.structure.add(parent, Role::L);
                let item_gap = self.line_height * ITEM_GAP;
                for (i, item) in items.iter().enumerate() {
                    let marker = match start {
                        Some(n) => format!("{}.", n.saturating_add(i as u64)),
                        None => if level.is_multiple_of(2) {
                            "•"
                        } else {
                            "–"
                        }
                        .to_string(),
                    };
                    let first_block = self.blocks.len();
                    let gap = if i == 0 { space_before } else { item_gap };
                    let li = self.structure.add(list, Role::LI);
                    let label = self.structure.add(li, Role::Lbl);
                    let body = self.structure.add(li, Role::LBody);
                    for (j, b) in item.iter().enumerate() {
                        self.body_block(
                            b,
                            level + 1,
                            if j == 0 { gap } else { item_gap * 2.0 },
                            body,
                        );
                    }
                    // The marker goes beside the item's first line.
                    self.add_marker(first_block, &marker, indent, label);
                }
            }
            Block::Quote(blocks) => {
                let quote = self.structure.add(parent, Role::BlockQuote);
                let first_block = self.blocks.len();
                let mut attribution_block = None;
                for (j, b) in blocks.iter().enumerate() {
                    if j + 1 == blocks.len() && j > 0 && is_attribution(b) {
                        attribution_block = Some(self.blocks.len());
                    }
                    self.body_block(
                        b,
                        level + 1,
                        if j == 0 {
                            space_before
                        } else {
                            self.line_height * PARAGRAPH_GAP
                        },
                        quote,
                    );
                }
                // The attribution ("— Frederick Douglass") never starts a page: the quote's
                // last lines go with it.
                if let Some(a) = attribution_block
                    && a > first_block
                {
                    self.blocks[a - 1].keep_with_next = true;
                    self.blocks[a].keep_together = true;
                }
                // A bar in the accent colour beside every line of the quote, unbroken through
                // the gaps between its paragraphs (drawn with the lines: the gaps are known
                // once the pages are).
                let x = indent + self.size * 0.4;
                for block in &mut self.blocks[first_block..] {
                    for line in &mut block.lines {
                        line.bars.push((x, first_block));
                    }
                }
            }
            Block::Code(code_lines) => {
                let style = self.style(self.size, width);
                let mut lines = Vec::new();
                for text in code_lines {
                    let spans =
                        [self.span(if text.is_empty() { " " } else { text }, Variant::Regular)];
                    lines.extend(self.set(&spans, &style));
                }
                let b = self.push_lines(lines, indent + self.size, self.size, space_before);
                self.blocks[b].keep_together = self.blocks[b].lines.len() <= 6;
                // `Code` is inline-level (ISO 32000-1, Table 338): a block of code is a
                // paragraph of it.
                let p = self.structure.add(parent, Role::P);
                self.tag_block(b, p, Role::Code);
            }
            Block::Table {
                align,
                header,
                rows,
            } => {
                self.keep_intro_with_next();
                self.table(align, header, rows, (indent, width), space_before, parent);
            }
            Block::Rule => {
                let mut line = Line {
                    runs: Vec::new(),
                    width: Abs::ZERO,
                    links: Vec::new(),
                    hyphen: 0,
                };
                line.width = Abs::ZERO;
                let b = self.push_lines(vec![line], indent, self.size, space_before);
                let h = self.blocks[b].lines[0].height;
                self.blocks[b].lines[0]
                    .extras
                    .push(Item::Tag(Tag::Artifact));
                self.blocks[b].lines[0].extras.push(Item::Rule {
                    from: (indent, h / 2.0),
                    to: (indent + width, h / 2.0),
                    thickness: Abs::pt(0.5),
                    color: Color::GREY,
                });
            }
        }
    }

    /// A paragraph that introduces what follows ("…, to:") stays with its start: a list's
    /// first item, a table's first row.
    fn keep_intro_with_next(&mut self) {
        if let Some(intro) = self.blocks.last_mut() {
            let ends_with_colon = intro.lines.last().is_some_and(|l| {
                let text: String = l.line.runs.iter().map(|r| r.glyphs.text()).collect();
                text.trim_end().ends_with(':')
            });
            if ends_with_colon {
                intro.keep_with_next = true;
            }
        }
    }

    fn add_marker(&mut self, block: usize, marker: &str, indent: Abs, label: ElementId) {
        let style = self.style(self.size, self.size * 4.0);
        let spans = [self.span(marker, Variant::Regular)];
        let (lines, _) = reuse::layout(&spans, self.input.family, &style);
        let Some(marker_line) = lines.into_iter().next() else {
            return;
        };
        let Some(first) = self.blocks.get_mut(block).and_then(|b| b.lines.first_mut()) else {
            return;
        };
        // Right-aligned in the indent, a little before the text.
        let x = indent + self.size * INDENT_EM - self.size * 0.5 - marker_line.width;
        let baseline = baseline_offset(self.input.family, first.size, first.height);
        first.extras.push(Item::Tag(Tag::Element(label)));
        for run in marker_line.runs {
            first.extras.push(Item::Text(TextRun {
                face: run.face,
                size: first.size,
                color: run.color,
                x,
                y: baseline,
                glyphs: run.glyphs,
            }));
        }
    }
}

/// Whether a quote's paragraph is its attribution: it starts with a dash ("— Name", "-- Name").
fn is_attribution(block: &Block) -> bool {
    let Block::Paragraph(runs) = block else {
        return false;
    };
    let text: String = runs.iter().map(|r| r.text.as_str()).collect();
    let text = text.trim_start();
    text.starts_with(['\u{2014}', '\u{2013}', '\u{2015}']) || text.starts_with("--")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::InlineStyle;

    fn paragraph(texts: &[&str]) -> Block {
        Block::Paragraph(
            texts
                .iter()
                .map(|t| Inline {
                    text: (*t).to_string(),
                    style: InlineStyle::default(),
                    link: None,
                    at: 0,
                })
                .collect(),
        )
    }

    #[test]
    fn an_attribution_is_a_paragraph_starting_with_a_dash() {
        assert!(is_attribution(&paragraph(&["— Frederick Douglass"])));
        assert!(is_attribution(&paragraph(&["  – ", "Audre Lorde"])));
        assert!(is_attribution(&paragraph(&["\u{2015}Anon."])));
        assert!(is_attribution(&paragraph(&["-- Name"])));
        // A single hyphen is a list marker's look, not an attribution; a dash inside is text.
        assert!(!is_attribution(&paragraph(&["- Name"])));
        assert!(!is_attribution(&paragraph(&[
            "Power concedes nothing — without a demand."
        ])));
        assert!(!is_attribution(&paragraph(&[])));
        assert!(!is_attribution(&Block::Rule));
    }
}
