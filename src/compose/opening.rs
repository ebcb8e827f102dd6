//! The opening: what stands between the letterhead and the body — the date (and DIN 5008's
//! references, which the information block holds instead), the recipient's address (which a
//! window layout places in its field instead), the subject and the salutation. Each is a flow
//! block; the address and the date are kept together, the subject and the salutation with
//! what follows. The subject is the letter's title: a heading of level 1.

use super::{Composer, window};
use crate::fonts::Variant;
use crate::frame::{Role, Structure};
use crate::length::Abs;

impl Composer<'_> {
    /// The parts before the body, as flow blocks; gives the space before the body's first
    /// block.
    pub(super) fn opening(&mut self, gap: Abs) -> Abs {
        let front = &self.input.letter.front;
        // Date and references, recipient, subject, salutation. A window layout places the
        // recipient in its address field, and DIN 5008 the date and references in its
        // information block.
        let page = &self.input.letterhead.page;
        let windowed = window::field(page).is_some();
        let mut first_gap = Abs::ZERO;
        if !page.layout.is_din() {
            let mut lines = self.date_lines();
            if self.date_above_window() {
                lines.remove(0);
            }
            if !lines.is_empty() {
                let b = self.simple_block(
                    &lines,
                    Variant::Regular,
                    Abs::ZERO,
                    Structure::ROOT,
                    Role::P,
                );
                self.blocks[b].keep_together = true;
                first_gap = gap * 1.5;
            }
        }
        if !front.to.is_empty() && !windowed {
            // The recipient block: one paragraph per line of the address.
            let block = self.structure.add(Structure::ROOT, Role::Div);
            let b = self.simple_block(&front.to, Variant::Regular, first_gap, block, Role::P);
            self.blocks[b].keep_together = true;
        }
        if let Some(subject) = &front.subject {
            let space = if self.blocks.is_empty() {
                Abs::ZERO
            } else {
                gap * 1.5
            };
            // The subject is the letter's title (and the PDF's): a heading of level 1, so
            // that a screen reader's heading navigation starts at it; the body's Markdown
            // headings come one level below it.
            let b = self.simple_block(
                std::slice::from_ref(subject),
                Variant::Bold,
                space,
                Structure::ROOT,
                Role::H(1),
            );
            self.heading = 1;
            self.blocks[b].keep_with_next = true;
        }
        let mut body_gap = gap;
        if let Some(salutation) = &front.salutation {
            let space = if front.subject.is_some() {
                gap
            } else {
                gap * 1.5
            };
            let b = self.simple_block(
                std::slice::from_ref(salutation),
                Variant::Regular,
                space,
                Structure::ROOT,
                Role::P,
            );
            self.blocks[b].keep_with_next = true;
        } else if front.subject.is_none() {
            body_gap = gap * 1.5;
        }
        body_gap
    }
}

#[cfg(test)]
mod tests {
    use super::super::with_composer;
    use crate::config::Letterhead;
    use crate::length::Abs;

    /// The opening's blocks as (text of each line, keep together, keep with next), and the
    /// space before the body in paragraph gaps.
    fn opening(front: &str) -> (Vec<(Vec<String>, bool, bool)>, f64) {
        let lh = Letterhead::builtin();
        with_composer(front, &lh, |c| {
            let gap = Abs::pt(10.0);
            let body_gap = c.opening(gap);
            let blocks = c
                .blocks
                .iter()
                .map(|b| {
                    let lines = b
                        .lines
                        .iter()
                        .map(|l| l.line.runs.iter().map(|r| r.glyphs.text()).collect())
                        .collect();
                    (lines, b.keep_together, b.keep_with_next)
                })
                .collect();
            (blocks, body_gap / gap)
        })
    }

    fn lines(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|t| (*t).to_string()).collect()
    }

    #[test]
    fn date_recipient_subject_and_salutation_in_that_order() {
        let front = r#"to = ["Ms Ada Lovelace", "London"]
subject = "Our grant"
salutation = "Dear Ms Lovelace,""#;
        let (blocks, body_gap) = opening(front);
        assert_eq!(
            blocks,
            [
                (lines(&["5 August 2015"]), true, false),
                (lines(&["Ms Ada Lovelace", "London"]), true, false),
                (lines(&["Our grant"]), false, true),
                (lines(&["Dear Ms Lovelace,"]), false, true),
            ]
        );
        assert_eq!(body_gap, 1.0);
    }

    #[test]
    fn without_subject_or_salutation_the_body_stands_further_off() {
        let (blocks, body_gap) = opening(r#"to = ["Ms Ada Lovelace"]"#);
        assert_eq!(blocks.len(), 2);
        assert_eq!(body_gap, 1.5);
    }
}
