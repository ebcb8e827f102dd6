//! Page one's window fields: where the recipient's address goes so that it shows through the
//! window of the envelope (DIN 5008 form A or B, or a US #10 envelope with the block layout),
//! the DIN information block beside it, and the fold and punch marks on the left edge.
//!
//! It gives positions and lines to draw; what flows below them is `compose`'s. All positions are
//! from the page's top-left corner, top-down, like the rest of the layout.

use super::{Composer, draw};
use crate::config::{Color, Layout, Page, Window};
use crate::diag::{self, Diagnostic};
use crate::fonts::Variant;
use crate::frame::{ElementId, Item, Role, Structure, Tag};
use crate::lang::Reference;
use crate::length::Abs;
use crate::paragraph::{Line, Span};

/// A rectangle on the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: Abs,
    /// Top edge.
    pub y: Abs,
    /// Width.
    pub width: Abs,
    /// Height.
    pub height: Abs,
}

impl Rect {
    /// The bottom edge.
    pub fn bottom(&self) -> Abs {
        self.y + self.height
    }
}

/// The address field of a window layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// What shows through the window.
    pub outer: Rect,
    /// The sender's return address, one small line at the top of the field (DIN).
    pub return_line: Option<Rect>,
    /// Where the recipient's lines go.
    pub recipient: Rect,
    /// Most lines the recipient zone holds.
    pub max_lines: usize,
    /// The DIN information block beside the field: its top-left corner and width (it is as
    /// tall as its lines).
    pub info: Option<Rect>,
    /// The layout's name, for messages.
    pub name: &'static str,
}

/// DIN 5008's address field: 85 × 45 mm, 20 mm from the left edge; from its top, 5 mm for the
/// return address, 12.7 mm for endorsements (left empty), 27.3 mm (six lines) for the
/// recipient. Text starts 5 mm in, at the 25 mm left margin of the letter, and may run to the
/// field's right edge (80 mm).
const DIN_FIELD_X_MM: f64 = 20.0;
const DIN_FIELD_WIDTH_MM: f64 = 85.0;
const DIN_FIELD_HEIGHT_MM: f64 = 45.0;
const DIN_INSET_MM: f64 = 5.0;
const DIN_RETURN_MM: f64 = 5.0;
const DIN_ENDORSEMENT_MM: f64 = 12.7;
const DIN_RECIPIENT_LINES: usize = 6;
/// The field's top: 27 mm in form A, 45 mm in form B.
const DIN_A_TOP_MM: f64 = 27.0;
const DIN_B_TOP_MM: f64 = 45.0;
/// The information block: 125 mm from the left edge, 75 mm wide, level with the field's
/// return-address line's bottom.
const DIN_INFO_X_MM: f64 = 125.0;
const DIN_INFO_WIDTH_MM: f64 = 75.0;
/// The smallest a value of the information block is set, as a fraction of the block's size,
/// to stay on one line rather than wrap (at 10.5 pt body text, 7.4 pt instead of 8.2 pt).
const INFO_VALUE_MIN: f64 = 0.9;

/// The US #10 envelope (9.5 × 4.125 in) and its window (4.5 × 1.125 in, 7/8 in from the left
/// and 1/2 in from the bottom).
const US10_ENVELOPE_WIDTH_IN: f64 = 9.5;
const US10_WINDOW_LEFT_IN: f64 = 0.875;
const US10_WINDOW_BOTTOM_IN: f64 = 0.5;
const US10_WINDOW_WIDTH_IN: f64 = 4.5;
const US10_WINDOW_HEIGHT_IN: f64 = 1.125;
/// Room kept clear inside the window, across and up and down, for the letter's play in the
/// envelope.
const US10_INSET_X_IN: f64 = 0.125;
const US10_INSET_Y_IN: f64 = 0.0625;
/// Most baseline-to-baseline distance of the recipient's lines in the window.
const US10_LINE_PT: f64 = 13.0;

/// The address field of the page's layout; `None` for a block letter without a window.
pub fn field(page: &Page) -> Option<Field> {
    match (page.layout, page.window) {
        (Layout::Din5008A, _) => Some(din(Abs::mm(DIN_A_TOP_MM), "layout din5008-a")),
        (Layout::Din5008B, _) => Some(din(Abs::mm(DIN_B_TOP_MM), "layout din5008-b")),
        (Layout::Block, Some(Window::Us10)) => Some(us10(page)),
        (Layout::Block, None) => None,
    }
}

fn din(top: Abs, name: &'static str) -> Field {
    din_at(Abs::mm(DIN_FIELD_X_MM), top, name)
}

/// DIN 5008's address field with its top-left corner at (`x`, `top`): the window's field on
/// the letter, or the same field printed on an envelope's face.
pub(super) fn din_at(x: Abs, top: Abs, name: &'static str) -> Field {
    let inset = Abs::mm(DIN_INSET_MM);
    let width = Abs::mm(DIN_FIELD_WIDTH_MM);
    let height = Abs::mm(DIN_FIELD_HEIGHT_MM);
    let recipient_top = top + Abs::mm(DIN_RETURN_MM + DIN_ENDORSEMENT_MM);
    Field {
        outer: Rect {
            x,
            y: top,
            width,
            height,
        },
        return_line: Some(Rect {
            x: x + inset,
            y: top,
            width: width - inset,
            height: Abs::mm(DIN_RETURN_MM),
        }),
        recipient: Rect {
            x: x + inset,
            y: recipient_top,
            width: width - inset,
            height: top + height - recipient_top,
        },
        max_lines: DIN_RECIPIENT_LINES,
        info: Some(Rect {
            x: Abs::mm(DIN_INFO_X_MM),
            y: top + Abs::mm(DIN_RETURN_MM),
            width: Abs::mm(DIN_INFO_WIDTH_MM),
            height: height - Abs::mm(DIN_RETURN_MM),
        }),
        name,
    }
}

/// The letter is folded in three and slides to the bottom of the envelope, centred across it:
/// the window falls on the top third, 1/2 in above the first fold.
fn us10(page: &Page) -> Field {
    let inches = Abs::inches;
    let fold = page.height / 3.0;
    let shift = (inches(US10_ENVELOPE_WIDTH_IN) - page.width) / 2.0;
    let outer = Rect {
        x: inches(US10_WINDOW_LEFT_IN) - shift,
        y: fold - inches(US10_WINDOW_BOTTOM_IN + US10_WINDOW_HEIGHT_IN),
        width: inches(US10_WINDOW_WIDTH_IN),
        height: inches(US10_WINDOW_HEIGHT_IN),
    };
    let x = (outer.x + inches(US10_INSET_X_IN)).max(page.left);
    let recipient = Rect {
        x,
        y: outer.y + inches(US10_INSET_Y_IN),
        width: outer.x + outer.width - inches(US10_INSET_X_IN) - x,
        height: outer.height - inches(US10_INSET_Y_IN) * 2.0,
    };
    Field {
        outer,
        return_line: None,
        recipient,
        max_lines: (recipient.height / Abs::pt(US10_LINE_PT)).floor().max(1.0) as usize,
        info: None,
        name: "the us-10 window",
    }
}

/// Baseline-to-baseline distance of the recipient's lines: the body's, or less so that
/// `max_lines` lines fit in the zone with their ascent and descent (`extent`: the two together)
/// inside it.
pub fn recipient_line_height(field: &Field, body: Abs, extent: Abs) -> Abs {
    let room = field.recipient.height - extent;
    body.min(room / (field.max_lines.max(2) - 1) as f64)
}

/// Where the fold marks go (from the top), and the punch mark.
pub fn marks(page: &Page) -> (Vec<Abs>, Option<Abs>) {
    match page.layout {
        // DIN 5008: folds for a DL or C6/5 envelope; the punch mark halves the page.
        Layout::Din5008A => (vec![Abs::mm(87.0), Abs::mm(192.0)], Some(page.height / 2.0)),
        Layout::Din5008B => (
            vec![Abs::mm(105.0), Abs::mm(210.0)],
            Some(page.height / 2.0),
        ),
        // Folded in three for a #10 envelope.
        Layout::Block => (vec![page.height / 3.0, page.height * (2.0 / 3.0)], None),
    }
}

/// Left end of the fold and punch marks, their lengths: in from the edge by what a printer
/// leaves unprinted.
pub const MARK_LEFT_MM: f64 = 4.0;
/// Length of a fold mark.
pub const FOLD_MARK_MM: f64 = 5.0;
/// Length of the punch mark.
pub const PUNCH_MARK_MM: f64 = 8.0;

impl Composer<'_> {
    /// Fold and punch marks on the left edge, when the letterhead asks for them.
    pub(super) fn fold_marks(&self) -> Vec<Item> {
        let page = &self.input.letterhead.page;
        let mut items = Vec::new();
        if page.fold_marks {
            let (folds, punch) = marks(page);
            let left = Abs::mm(MARK_LEFT_MM);
            let marks = folds
                .into_iter()
                .map(|y| (y, FOLD_MARK_MM))
                .chain(punch.map(|y| (y, PUNCH_MARK_MM)));
            for (y, length) in marks {
                items.push(Item::Rule {
                    from: (left, y),
                    to: (left + Abs::mm(length), y),
                    thickness: Abs::pt(0.4),
                    color: Color::GREY,
                });
            }
        }
        items
    }

    /// The lines of the reference block: `your-ref`, `your-letter`, `our-ref`, `customer`, each
    /// "Label: value", in that order.
    pub(super) fn references(&self) -> Vec<(Reference, String)> {
        let front = &self.input.letter.front;
        [
            (Reference::YourRef, front.your_ref.clone()),
            (Reference::YourLetter, self.input.your_letter.clone()),
            (Reference::OurRef, front.our_ref.clone()),
            (Reference::Customer, front.customer.clone()),
        ]
        .into_iter()
        .filter_map(|(r, v)| v.filter(|v| !v.is_empty()).map(|v| (r, v)))
        .collect()
    }

    /// The date line and the reference lines under it (block layout).
    pub(super) fn date_lines(&self) -> Vec<String> {
        let lang = self.lang();
        let mut lines = vec![self.input.date.clone()];
        for (field, value) in self.references() {
            lines.push(format!(
                "{}{} {value}",
                lang.reference_label(field),
                lang.colon()
            ));
        }
        lines
    }

    /// Whether the date goes above the window (block layout with a window): when it fits
    /// between the letterhead and the window, where it would be in a block letter. Else it
    /// flows below the window, with the references.
    pub(super) fn date_above_window(&self) -> bool {
        self.date_top().is_some()
    }

    fn date_top(&self) -> Option<Abs> {
        let page = &self.input.letterhead.page;
        if page.layout.is_din() {
            return None;
        }
        let field = field(page)?;
        let top = (self.letterhead_bottom + self.line_height * 2.0).max(page.top);
        (top + self.line_height * 1.5 <= field.outer.y).then_some(top)
    }

    /// Draws what goes in and beside the address field: the return address, the recipient and
    /// the DIN information block. Gives the items and the lowest point they reach.
    ///
    /// # Errors
    ///
    /// A recipient block with more lines than the window holds, or a line wider than it.
    pub(super) fn window_items(&mut self, field: &Field) -> diag::Result<(Vec<Item>, Abs)> {
        let lh = self.input.letterhead;
        let mut items = Vec::new();
        let mut bottom = field.outer.bottom();
        if self.letterhead_bottom > field.outer.y {
            let d = Diagnostic::error(format!(
                "the letterhead reaches {:.1} mm down the page, into the address field of {}, which starts at {:.1} mm",
                self.letterhead_bottom.to_mm(),
                field.name,
                field.outer.y.to_mm()
            ))
            .hint(format!(
                "make it {:.1} mm shorter: shorten the tagline or the contact lines (the footer columns can hold them), use a smaller logo-height{}",
                (self.letterhead_bottom - field.outer.y).to_mm(),
                if field.name.contains("din5008-a") { ", or use din5008-b, whose field is 18 mm lower" } else { "" }
            ));
            return Err(self.letterhead_error(&["page", "layout"], d));
        }
        // The return address: the organization and its address, small, on one line.
        if let Some(zone) = field.return_line {
            // Content (the sender, as the envelope shows it), read before the recipient.
            let p = self.structure.add(Structure::ROOT, Role::P);
            items.push(Item::Tag(Tag::Element(p)));
            items.extend(self.return_address(zone)?);
        }
        // The date, when it fits above the window.
        if let Some(top) = self.date_top() {
            let style = self.style(self.size, self.width);
            let spans = [self.span(&self.input.date, Variant::Regular)];
            self.origin = super::Origin::Letter(0);
            if let Some(line) = self.set(&spans, &style).into_iter().next() {
                let baseline =
                    top + super::baseline_offset(self.input.family, self.size, self.line_height);
                let p = self.structure.add(Structure::ROOT, Role::P);
                items.push(Item::Tag(Tag::Element(p)));
                draw(
                    line,
                    lh.page.left,
                    baseline,
                    self.size,
                    self.line_height,
                    &mut items,
                );
            }
        }
        // The recipient.
        items.extend(self.recipient_items(field, Structure::ROOT)?);
        let front = &self.input.letter.front;
        let letter = self.input.letter;
        // The DIN information block: references, the signer to contact, the date.
        if let Some(info) = field.info {
            let lang = self.lang();
            let mut rows = self.references();
            let first = front.signatories().first().copied();
            if let Some(sig) = first
                && !sig.name.is_empty()
            {
                rows.push((Reference::Name, sig.name.clone()));
            }
            let mut rows: Vec<(String, String)> = rows
                .into_iter()
                .map(|(r, v)| (lang.reference_label(r).to_string(), v))
                .collect();
            if let Some(sig) = first {
                let (email, phone) = lang.contact_labels();
                if let Some(p) = &sig.phone {
                    rows.push((phone.to_string(), p.clone()));
                }
                if let Some(e) = &sig.email {
                    rows.push((email.to_string(), e.clone()));
                }
            }
            rows.push((
                lang.reference_label(Reference::Date).to_string(),
                self.input.date.clone(),
            ));
            let size = self.size * super::SMALL_SCALE;
            let row_height = size * 1.45;
            // The block ends at the right margin, whatever the standard's 75 mm would reach.
            let right = lh.page.width - lh.page.right;
            let width = info.width.min(right - info.x);
            let label_span = |text: &str| Span {
                text: format!("{text}{} ", lang.colon()),
                variant: Variant::Regular,
                color: Color::GREY,
                link: None,
            };
            // The values line up on one tab, after the widest label.
            self.origin = super::Origin::Letter(0);
            let unbounded = self.display_style(size, width * 1000.0);
            let mut labels = Vec::with_capacity(rows.len());
            for (label, _) in &rows {
                labels.push(self.set(&[label_span(label)], &unbounded));
            }
            let tab = labels
                .iter()
                .flatten()
                .map(|l| l.width)
                .fold(Abs::ZERO, Abs::max)
                + size * 0.6;
            let value_style = self.display_style(size, width - tab);
            let face = self.input.family.face(Variant::Regular);
            let mut baseline = info.y + size * face.ascender;
            // The information block: one paragraph per row, "Label: value".
            let block = self.structure.add(Structure::ROOT, Role::Div);
            for ((label, value), label_lines) in rows.into_iter().zip(labels) {
                let p = self.structure.add(block, Role::P);
                items.push(Item::Tag(Tag::Element(p)));
                let spans = [self.span(&value, Variant::Regular)];
                let mut value_lines = self.set(&spans, &value_style);
                // A value that would wrap (an e-mail address broken after its dot) is set a
                // little smaller, down to INFO_VALUE_MIN of the block's size, if that keeps it
                // on one line.
                let mut value_size = size;
                if value_lines.len() > 1 {
                    // Quarter points down, the smallest size last.
                    let smallest = size * INFO_VALUE_MIN;
                    let steps = ((size - smallest).to_pt() / 0.25).ceil().max(1.0) as usize;
                    for k in 1..=steps {
                        let smaller = (size - Abs::pt(0.25 * k as f64)).max(smallest);
                        let style = self.display_style(smaller, width - tab);
                        let (lines, _) =
                            crate::paragraph::layout(&spans, self.input.family, &style);
                        if lines.len() == 1 {
                            value_lines = lines;
                            value_size = smaller;
                            break;
                        }
                    }
                }
                if let Some(wide) = value_lines
                    .iter()
                    .find(|l| l.width > width - tab + Abs::pt(0.5))
                {
                    let d = Diagnostic::error(format!(
                        "`{value}` ({label}) is {:.0} mm wide, wider than the {:.0} mm the information block has for it",
                        wide.width.to_mm(),
                        (width - tab).to_mm()
                    ))
                    .hint("shorten it: the information block ends at the right margin");
                    return Err(match letter.source.text.find(value.as_str()) {
                        Some(at) => d.at(&letter.source, at..at + value.len()),
                        None => d.in_file(&letter.source.path),
                    }
                    .boxed());
                }
                for line in label_lines {
                    draw(line, info.x, baseline, size, row_height, &mut items);
                }
                for line in value_lines {
                    draw(
                        line,
                        info.x + tab,
                        baseline,
                        value_size,
                        row_height,
                        &mut items,
                    );
                    bottom = bottom.max(baseline + size * 0.4);
                    baseline += row_height;
                }
            }
        }
        Ok((items, bottom))
    }
}

impl Composer<'_> {
    /// The recipient's lines (the front matter's `to`) in the field's recipient zone, as one
    /// `Div` under `parent` with a paragraph per line: at the letter's size, or smaller down to
    /// 8 pt when a line is too wide, hanging from the zone's top. Also used for an envelope's
    /// address field and an address label, which are fields of their own.
    ///
    /// # Errors
    ///
    /// A recipient block with more lines than the field holds, or a line wider than it.
    pub(super) fn recipient_items(
        &mut self,
        field: &Field,
        parent: ElementId,
    ) -> diag::Result<Vec<Item>> {
        let front = &self.input.letter.front;
        let letter = self.input.letter;
        let at_to = |d: Diagnostic| match letter.span_of(&["to"]) {
            Some(span) => d.at(&letter.source, span),
            None => d.in_file(&letter.source.path),
        };
        if front.to.len() > field.max_lines {
            return Err(at_to(Diagnostic::error(format!(
                "the recipient has {} lines; the address field of {} holds {}",
                front.to.len(),
                field.name,
                field.max_lines
            )))
            .hint("join lines (the name and the company, say) or leave out what the post does not need")
            .boxed());
        }
        let zone = field.recipient;
        // At the letter's size, or smaller (down to 8 pt, as DIN 5008 allows) when a line is
        // too wide for the field: the whole block at one size, never a line cut or wrapped.
        self.origin = super::Origin::Letter(0);
        let (size, fitted) = match self.fit_lines(
            &front.to,
            zone.width,
            self.size,
            Abs::pt(RECIPIENT_MIN_PT),
        ) {
            Ok(fitted) => fitted,
            Err(text) => {
                return Err(at_to(Diagnostic::error(format!(
                        "the recipient line `{text}` is wider than the {:.0} mm of the address field of {}, even at {RECIPIENT_MIN_PT} pt",
                        zone.width.to_mm(),
                        field.name
                    )))
                    .hint("shorten it (abbreviate a title or department), or split it into two lines")
                    .boxed());
            }
        };
        // Lines hang from the zone's top by their ascent, so that every glyph (by the font's
        // ascent and descent, as PDF tools measure it) lies inside the zone.
        let face = self.input.family.face(Variant::Regular);
        let ascent = size * face.ascender;
        let extent = ascent + size * -face.descender;
        let height = recipient_line_height(field, self.line_height * (size / self.size), extent);
        let mut baseline = zone.y + ascent;
        let mut items = Vec::new();
        // The recipient block: one paragraph per line of the address.
        let block = self.structure.add(parent, Role::Div);
        for line in fitted {
            if let Some(line) = line {
                let p = self.structure.add(block, Role::P);
                items.push(Item::Tag(Tag::Element(p)));
                draw(line, zone.x, baseline, size, height, &mut items);
            }
            baseline += height;
        }
        Ok(items)
    }

    /// Sets `texts` one line each, no wider than `width`: at `start`, or in steps of 1/2 pt
    /// down to `min` until every one fits. Gives the size and the lines (`None` for an empty
    /// text), or the first text that is too wide even at `min`.
    pub(super) fn fit_lines<'t>(
        &mut self,
        texts: &'t [String],
        width: Abs,
        start: Abs,
        min: Abs,
    ) -> Result<(Abs, Vec<Option<Line>>), &'t str> {
        let mut size = start;
        loop {
            let style = self.display_style(size, width);
            let mut set = Vec::with_capacity(texts.len());
            let mut too_wide = None;
            for text in texts {
                let spans = [self.span(text, Variant::Regular)];
                let mut lines = self.set(&spans, &style);
                if lines.len() > 1 || lines.iter().any(|l| l.width > width + Abs::pt(0.01)) {
                    too_wide = Some(text.as_str());
                    break;
                }
                set.push(lines.pop());
            }
            match too_wide {
                None => return Ok((size, set)),
                Some(_) if size - Abs::pt(0.5) >= min => size -= Abs::pt(0.5),
                Some(text) => return Err(text),
            }
        }
    }
}

/// The return address in parts: `return-address` cut at its ` · ` and line breaks, or the
/// organization's name and address lines; with the keys in letterhead.toml it comes from.
pub(super) fn return_parts(
    org: &crate::config::Organization,
) -> (Vec<String>, &'static [&'static str]) {
    match &org.return_address {
        // A line break in it separates parts like ` · ` (the line is one line).
        Some(line) => (
            line.lines()
                .flat_map(|l| l.split(" · "))
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            &["organization", "return-address"],
        ),
        None => (
            std::iter::once(org.name.as_str())
                .chain(org.address.iter().map(String::as_str))
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect(),
            &["organization", "address"],
        ),
    }
}

impl Composer<'_> {
    /// The return address on one line of its zone: the organization's name and address, at
    /// 7.5 pt, smaller (down to 6 pt) when it is too long, never cut.
    ///
    /// # Errors
    ///
    /// A return address that is wider than the zone even at 6 pt, naming the first part that
    /// does not fit.
    fn return_address(&mut self, zone: Rect) -> diag::Result<Vec<Item>> {
        let org = &self.input.letterhead.organization;
        // The line as given, cut at its ` · ` to name the part that does not fit; or the
        // name and the address joined.
        let (parts, keys) = return_parts(org);
        if parts.iter().all(String::is_empty) {
            return Ok(Vec::new());
        }
        self.origin = super::Origin::Letterhead(keys);
        let width_at = |composer: &mut Self, text: &str, size: Abs| -> (Abs, Option<Line>) {
            // Set without a measure to break at: one line, however long.
            let style = composer.display_style(size, zone.width * 1000.0);
            let spans = [Span {
                text: text.to_string(),
                variant: Variant::Regular,
                color: Color::GREY,
                link: None,
            }];
            let mut lines = composer.set(&spans, &style);
            let width = lines.iter().map(|l| l.width).fold(Abs::ZERO, Abs::max);
            (width, (lines.len() == 1).then(|| lines.remove(0)))
        };
        let text = parts.join(" · ");
        let mut size = RETURN_ADDRESS_PT;
        while size >= RETURN_ADDRESS_MIN_PT {
            let (width, line) = width_at(self, &text, Abs::pt(size));
            if width <= zone.width
                && let Some(line) = line
            {
                let mut items = Vec::new();
                let size = Abs::pt(size);
                // On the zone's bottom, like the line of a window envelope's return address.
                let baseline = zone.bottom() - size * 0.45;
                draw(line, zone.x, baseline, size, size * 1.2, &mut items);
                return Ok(items);
            }
            size -= 0.25;
        }
        // Which part is the first that does not fit at the smallest size.
        let smallest = Abs::pt(RETURN_ADDRESS_MIN_PT);
        let mut first_out = parts.len() - 1;
        for i in 0..parts.len() {
            if width_at(self, &parts[..=i].join(" · "), smallest).0 > zone.width {
                first_out = i;
                break;
            }
        }
        let (width, _) = width_at(self, &text, smallest);
        let d = Diagnostic::error(format!(
            "the return address `{text}` is {:.0} mm long at {RETURN_ADDRESS_MIN_PT} pt, longer than the {:.0} mm of its line in the address field: `{}` does not fit",
            width.to_mm(),
            zone.width.to_mm(),
            parts[first_out]
        ))
        .hint(if org.return_address.is_some() {
            "shorten `return-address`".to_string()
        } else {
            "the return address is the organization's name and address on one line: set a shorter one, e.g. return-address = \"Short Name · Street 1 · 12345 City\" in [organization]".to_string()
        });
        Err(self.letterhead_error(keys, d))
    }
}

/// Size of the return address in the DIN field (DIN 5008: 7 to 8 pt).
const RETURN_ADDRESS_PT: f64 = 7.5;
/// The smallest the recipient is set before a line too wide for the field is refused (DIN 5008
/// allows 8 pt in the address field).
const RECIPIENT_MIN_PT: f64 = 8.0;
/// The smallest the return address is set, before it is refused: still legible in print.
const RETURN_ADDRESS_MIN_PT: f64 = 6.0;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Letterhead;

    fn page(layout: Layout, window: Option<Window>, a4: bool) -> Page {
        let mut page = Letterhead::builtin().page;
        if a4 {
            page.width = Abs::mm(210.0);
            page.height = Abs::mm(297.0);
        }
        page.layout = layout;
        page.window = window;
        page
    }

    fn mm(a: Abs) -> f64 {
        (a.to_mm() * 100.0).round() / 100.0
    }

    #[test]
    fn din_form_a_field_and_zones_are_where_the_standard_puts_them() {
        let f = field(&page(Layout::Din5008A, None, true)).unwrap();
        assert_eq!(
            [f.outer.x, f.outer.y, f.outer.width, f.outer.height].map(mm),
            [20.0, 27.0, 85.0, 45.0]
        );
        let r = f.recipient;
        assert_eq!(
            [r.x, r.y, r.width, r.height].map(mm),
            [25.0, 44.7, 80.0, 27.3]
        );
        let info = f.info.unwrap();
        assert_eq!([info.x, info.y, info.width].map(mm), [125.0, 32.0, 75.0]);
        assert_eq!(f.max_lines, 6);
    }

    #[test]
    fn din_form_b_field_is_18_mm_lower() {
        let f = field(&page(Layout::Din5008B, None, true)).unwrap();
        assert_eq!(mm(f.outer.y), 45.0);
        assert_eq!(mm(f.recipient.y), 62.7);
        assert_eq!(mm(f.info.unwrap().y), 50.0);
    }

    #[test]
    fn us10_window_falls_on_the_top_third_of_a_letter_page() {
        let f = field(&page(Layout::Block, Some(Window::Us10), false)).unwrap();
        let inch = |a: Abs| (a.to_pt() / 72.0 * 10_000.0).round() / 10_000.0;
        // Centred in the envelope: 1/2 in of play each side; window 7/8 in from its left.
        assert_eq!(inch(f.outer.x), 0.375);
        // 11/3 in (the first fold) − 1/2 − 1 1/8 in.
        assert_eq!(inch(f.outer.y), 2.0417);
        assert_eq!(inch(f.recipient.x), 1.0);
        assert_eq!(inch(f.recipient.width), 3.75);
        assert_eq!(f.max_lines, 5);
    }

    #[test]
    fn a_block_letter_without_window_has_no_field() {
        assert_eq!(field(&page(Layout::Block, None, false)), None);
    }

    #[test]
    fn marks_for_each_layout() {
        let (folds, punch) = marks(&page(Layout::Din5008A, None, true));
        assert_eq!(folds.into_iter().map(mm).collect::<Vec<_>>(), [87.0, 192.0]);
        assert_eq!(punch.map(mm), Some(148.5));
        let (folds, _) = marks(&page(Layout::Din5008B, None, true));
        assert_eq!(
            folds.into_iter().map(mm).collect::<Vec<_>>(),
            [105.0, 210.0]
        );
        let (folds, punch) = marks(&page(Layout::Block, None, false));
        assert_eq!(
            folds.into_iter().map(mm).collect::<Vec<_>>(),
            [93.13, 186.27]
        );
        assert_eq!(punch, None);
    }

    #[test]
    fn fold_marks_are_drawn_only_when_asked_for() {
        let mut lh = Letterhead::builtin();
        lh.page = page(Layout::Din5008A, None, true);
        lh.page.fold_marks = true;
        let rules: Vec<_> = super::super::with_composer("", &lh, |c| c.fold_marks())
            .into_iter()
            .map(|item| match item {
                Item::Rule { from, to, .. } => [from.0, from.1, to.0, to.1].map(mm),
                _ => panic!("a fold mark is a rule"),
            })
            .collect();
        assert_eq!(
            rules,
            [
                [4.0, 87.0, 9.0, 87.0],
                [4.0, 192.0, 9.0, 192.0],
                [4.0, 148.5, 12.0, 148.5],
            ]
        );
        lh.page.fold_marks = false;
        assert!(super::super::with_composer("", &lh, |c| c.fold_marks()).is_empty());
    }
}
