//! The continuation header: on every page after the first, a small grey line with the
//! recipient (or, without one, the organization), the date and "Page N of M", and a rule under
//! it. It is an artifact, not content: the letter's text says all of it already.

use super::{Composer, Origin, SMALL_SCALE, draw};
use crate::config::Color;
use crate::fonts::Variant;
use crate::frame::Item;
use crate::length::Abs;
use crate::paragraph::Span;

impl Composer<'_> {
    /// The header of pages after the first: recipient · date · Page N of M.
    pub(super) fn continuation_header(&mut self, n: usize, total: usize) -> Vec<Item> {
        self.origin = Origin::Letter(0);
        let lh = self.input.letterhead;
        let page = &lh.page;
        let front = &self.input.letter.front;
        let mut parts = Vec::new();
        if let Some(to) = front.to.first() {
            parts.push(to.clone());
        } else if !lh.organization.name.is_empty() {
            parts.push(lh.organization.name.clone());
        }
        parts.push(self.input.date.clone());
        if lh.footer.page_numbers {
            parts.push(self.lang().page_of(n + 1, total));
        }
        let small = self.size * SMALL_SCALE;
        let style = self.display_style(small, self.width);
        let spans = [Span {
            text: parts.join("  ·  "),
            variant: Variant::Regular,
            color: Color::GREY,
            link: None,
        }];
        let mut items = Vec::new();
        let baseline = page.top + small;
        if let Some(line) = self.set(&spans, &style).into_iter().next() {
            draw(line, page.left, baseline, small, small * 1.3, &mut items);
        }
        let rule_y = baseline + small * 0.7;
        items.push(Item::Rule {
            from: (page.left, rule_y),
            to: (page.width - page.right, rule_y),
            thickness: Abs::pt(0.4),
            color: Color::GREY,
        });
        items
    }
}

#[cfg(test)]
mod tests {
    use super::super::with_composer;
    use super::*;
    use crate::config::Letterhead;

    /// The text and the rules of the continuation header of page `n` (from 0) of `total`.
    fn header(front: &str, lh: &Letterhead, n: usize, total: usize) -> (String, usize) {
        let items = with_composer(front, lh, |c| c.continuation_header(n, total));
        let text = items
            .iter()
            .filter_map(|item| match item {
                Item::Text(run) => Some(run.glyphs.text().to_string()),
                _ => None,
            })
            .collect();
        let rules = items
            .iter()
            .filter(|item| matches!(item, Item::Rule { .. }))
            .count();
        (text, rules)
    }

    #[test]
    fn the_header_names_the_recipient_the_date_and_the_page() {
        let lh = Letterhead::builtin();
        let front = r#"to = ["Ms Ada Lovelace", "12 St James's Square", "London"]"#;
        assert_eq!(
            header(front, &lh, 1, 3),
            (
                "Ms Ada Lovelace  ·  5 August 2015  ·  Page 2 of 3".to_string(),
                1
            )
        );
    }

    #[test]
    fn without_recipient_or_page_numbers_it_names_the_organization_and_the_date() {
        let mut lh = Letterhead::builtin();
        lh.organization.name = "Best Practices Policy Project".into();
        lh.footer.page_numbers = false;
        assert_eq!(
            header("", &lh, 1, 2),
            (
                "Best Practices Policy Project  ·  5 August 2015".to_string(),
                1
            )
        );
    }
}
