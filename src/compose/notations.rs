//! The notations below the signature: enclosures, cc and the postscript. Each is one flow block
//! marked as a notation (pagination pulls a last page holding only notations back onto the page
//! before). One item stands on the label's line ("Enclosure: Annual report"); several stand one
//! per line under the label, indented. A line too long for the measure hangs: its continuation
//! lines are indented further than its first. The postscript is a paragraph at full measure.

use super::tags::tag_line;
use super::{Composer, FlowLine, INDENT_EM};
use crate::fonts::Variant;
use crate::frame::{ElementId, Role, Structure};
use crate::length::Abs;
use crate::paragraph::Span;

/// A notation of up to this many lines is never split across pages.
const KEEP_TOGETHER_LINES: usize = 6;

impl Composer<'_> {
    /// Adds the enclosures, cc and P.S. blocks, each after a gap (`gap` before the first two,
    /// more before the postscript).
    pub(super) fn notations(&mut self, gap: Abs) {
        let front = &self.input.letter.front;
        let lang = self.lang();
        if !front.enclosures.is_empty() {
            let label = lang.enclosures(front.enclosures.len());
            let titles: Vec<String> = front.enclosures.iter().map(|e| e.title.clone()).collect();
            self.labelled_list(&label, &titles, gap);
        }
        if !front.cc.is_empty() {
            self.labelled_list(lang.cc(), &front.cc, gap);
        }
        if let Some(ps) = &front.ps {
            let spans = [
                self.span(&format!("{} ", lang.ps()), Variant::Bold),
                self.span(ps, Variant::Regular),
            ];
            // A paragraph, not a list: set to the full measure, without a hang.
            self.hanging(&spans, Abs::ZERO, Abs::ZERO, gap * 1.5);
        }
    }

    /// A label and its items: "Label: item" on one line for one item, else the label alone and
    /// the items one per line below it, indented.
    fn labelled_list(&mut self, label: &str, items: &[String], gap: Abs) {
        let colon = self.lang().colon();
        let indent = self.size * INDENT_EM;
        if let [item] = items {
            let spans = [self.span(&format!("{label}{colon} {item}"), Variant::Regular)];
            self.hanging(&spans, Abs::ZERO, indent, gap);
            return;
        }
        let spans = [self.span(&format!("{label}{colon}"), Variant::Regular)];
        let b = self.hanging(&spans, Abs::ZERO, indent, gap);
        for item in items {
            let spans = [self.span(item, Variant::Regular)];
            let style = self.style(self.size, self.width - indent * 1.5);
            let lines = self.set(&spans, &style);
            let p = self.structure.add(Structure::ROOT, Role::P);
            self.append_hanging(b, lines, indent, indent * 1.5, p);
        }
        let block = &mut self.blocks[b];
        block.keep_together = block.lines.len() <= KEEP_TOGETHER_LINES;
    }

    /// A new notation block of `spans`: the first line at `first` from the margin, the others
    /// at `rest`. Gives the block's index.
    fn hanging(&mut self, spans: &[Span], first: Abs, rest: Abs, space_before: Abs) -> usize {
        let style = self.style(self.size, self.width - rest.max(first));
        let lines = self.set(spans, &style);
        let b = self.push_lines(Vec::new(), Abs::ZERO, self.size, space_before);
        let p = self.structure.add(Structure::ROOT, Role::P);
        self.append_hanging(b, lines, first, rest, p);
        let shrink = self.gap_shrink(space_before);
        let block = &mut self.blocks[b];
        block.space_shrink = shrink;
        block.notation = true;
        block.keep_together = block.lines.len() <= KEEP_TOGETHER_LINES;
        b
    }

    /// Appends set lines to block `b`, the first at `first` from the margin, the others at `rest`.
    fn append_hanging(
        &mut self,
        b: usize,
        lines: Vec<crate::paragraph::Line>,
        first: Abs,
        rest: Abs,
        element: ElementId,
    ) {
        let height = self.line_height;
        let size = self.size;
        let mut open = None;
        for (i, mut line) in lines.into_iter().enumerate() {
            let tags = tag_line(&mut self.structure, &mut line, element, &mut open);
            let indent = if i == 0 { first } else { rest };
            self.blocks[b]
                .lines
                .push(FlowLine::plain(line, indent, height, size, tags));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::with_composer;
    use crate::config::Letterhead;
    use crate::length::Abs;

    /// The notations' lines as (text, indent in em) per block, each block marked as a notation.
    fn notations(front: &str) -> Vec<Vec<(String, f64)>> {
        let lh = Letterhead::builtin();
        with_composer(front, &lh, |c| {
            c.notations(Abs::pt(10.0));
            c.blocks
                .iter()
                .map(|b| {
                    assert!(b.notation);
                    b.lines
                        .iter()
                        .map(|l| {
                            let text = l.line.runs.iter().map(|r| r.glyphs.text()).collect();
                            (text, l.indent / c.size)
                        })
                        .collect()
                })
                .collect()
        })
    }

    fn block(lines: &[(&str, f64)]) -> Vec<(String, f64)> {
        lines.iter().map(|(t, x)| ((*t).to_string(), *x)).collect()
    }

    #[test]
    fn one_item_stands_on_the_label_line_several_under_it() {
        let front = r#"enclosures = ["Annual report"]
cc = ["Jane Roe", "John Doe"]
ps = "See you in May.""#;
        assert_eq!(
            notations(front),
            [
                block(&[("Enclosure: Annual report", 0.0)]),
                block(&[("cc:", 0.0), ("Jane Roe", 1.6), ("John Doe", 1.6)]),
                block(&[("P.S. See you in May.", 0.0)]),
            ]
        );
    }

    #[test]
    fn no_notations_no_blocks() {
        assert!(notations("").is_empty());
    }
}
