//! Envelopes and address labels: the recipients of a letter or a mail merge, each on an
//! envelope page (the page is the envelope, landscape, for a printer's envelope feed) or on a
//! label of a sheet, in the letterhead's fonts.
//!
//! Envelope sizes and label sheets are data (`ENVELOPES`, `SHEETS`), each row citing where its
//! numbers come from. The recipient is placed by the window layouts' own code (`window`): an
//! envelope's address field and a label are `window::Field`s, filled exactly as a letter's
//! window is, so a line too wide is shrunk to 8 pt and then refused, never cut.
//!
//! It lays out; it knows nothing of data files, rows or output paths (the caller names the
//! row a failure belongs to).

use super::window::{self, Field, Rect};
use super::{Composer, Input, Origin, draw};
use crate::diag::{self, Diagnostic};
use crate::fonts::Variant;
use crate::frame::{self, ElementId, Item, Role, Structure, Tag};
use crate::length::Abs;

/// Where an envelope's numbers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Post {
    /// Deutsche Post's zones for machine-readable letters ("Automationsfähige
    /// Briefsendungen"): stamp zone 74 × 40 mm at the top right, sender zone left of it, read
    /// zone 15 mm in from the left and right edges, 40 mm below the top and above the 15 mm
    /// coding strip at the bottom; the address itself in DIN 5008's 85 × 45 mm field.
    Din,
    /// USPS Publication 28, appendix A1: the OCR read area runs from 5/8 in to 2 3/4 in above
    /// the bottom edge with 1/2 in margins each side; the return address goes in the top-left
    /// corner, above the read area (Publication 25).
    Usps,
}

/// An envelope size and where its parts go. Lengths in mm, from the top-left corner of the
/// envelope lying landscape, flap at the back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Envelope {
    /// The name `--size` takes.
    pub name: &'static str,
    /// Width and height, landscape.
    pub width_mm: f64,
    pub height_mm: f64,
    /// The area the post reads the address in: x, y, width, height.
    pub read_zone_mm: [f64; 4],
    /// The top-left corner of the address field (DIN) or of the address block (USPS).
    pub address_mm: [f64; 2],
    /// The sender's zone: x, y, width, height.
    pub sender_mm: [f64; 4],
    /// Whose rules place it.
    pub post: Post,
}

const IN: f64 = 25.4;

/// The envelope sizes offered. Sizes: ISO 269 / DIN 678 (C4, C5, C6, DL, C6/5) and ANSI/USPS
/// (#10, 4 1/8 × 9 1/2 in). The DIN address field stands in Deutsche Post's read zone
/// (15 mm from the sides, 40 mm from the top, 15 mm from the bottom), right of centre, so that
/// nothing lies right of or below the address; the sender zone sits left of the 74 mm stamp
/// zone, 10 mm in from the edges (what an envelope feed prints), above the read zone.
pub const ENVELOPES: &[Envelope] = &[
    Envelope {
        name: "dl",
        width_mm: 220.0,
        height_mm: 110.0,
        read_zone_mm: [15.0, 40.0, 190.0, 55.0],
        address_mm: [105.0, 45.0],
        sender_mm: [10.0, 10.0, 126.0, 27.0],
        post: Post::Din,
    },
    Envelope {
        name: "c6/5",
        width_mm: 229.0,
        height_mm: 114.0,
        read_zone_mm: [15.0, 40.0, 199.0, 59.0],
        address_mm: [110.0, 47.0],
        sender_mm: [10.0, 10.0, 135.0, 27.0],
        post: Post::Din,
    },
    Envelope {
        name: "c6",
        width_mm: 162.0,
        height_mm: 114.0,
        read_zone_mm: [15.0, 40.0, 132.0, 59.0],
        address_mm: [60.0, 47.0],
        sender_mm: [10.0, 10.0, 68.0, 27.0],
        post: Post::Din,
    },
    Envelope {
        name: "c5",
        width_mm: 229.0,
        height_mm: 162.0,
        read_zone_mm: [15.0, 40.0, 199.0, 107.0],
        address_mm: [110.0, 75.0],
        sender_mm: [10.0, 10.0, 135.0, 27.0],
        post: Post::Din,
    },
    Envelope {
        name: "c4",
        width_mm: 324.0,
        height_mm: 229.0,
        read_zone_mm: [15.0, 40.0, 294.0, 174.0],
        address_mm: [160.0, 110.0],
        sender_mm: [10.0, 10.0, 230.0, 27.0],
        post: Post::Din,
    },
    // USPS #10: read area 1/2 in from each side, 5/8 to 2 3/4 in above the bottom; the
    // address block 4 in from the left edge (where envelope printers put it), 1 3/4 in from
    // the top; the return address 3/8 in from the top-left corner, ending above the read area.
    Envelope {
        name: "us-10",
        width_mm: 9.5 * IN,
        height_mm: 4.125 * IN,
        read_zone_mm: [0.5 * IN, 1.375 * IN, 8.5 * IN, 2.125 * IN],
        address_mm: [4.0 * IN, 1.625 * IN],
        sender_mm: [0.375 * IN, 0.375 * IN, 3.5 * IN, 0.9375 * IN],
        post: Post::Usps,
    },
];

/// The envelope named `name` (any case).
pub fn envelope(name: &str) -> Option<&'static Envelope> {
    ENVELOPES.iter().find(|e| e.name.eq_ignore_ascii_case(name))
}

/// USPS: the address block, 4 3/4 in wide (to 1/4 in inside the read area's right edge) and
/// 1 5/8 in tall (to the read area's bottom), six lines at most.
const USPS_BLOCK_MM: [f64; 2] = [4.75 * IN, 1.625 * IN];
const USPS_MAX_LINES: usize = 6;

/// A sheet of address labels: `columns` × `rows` labels of `label_mm`, the first at
/// `margin_mm` (left, top), the next across and down at `pitch_mm`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sheet {
    /// The name `--labels` takes.
    pub name: &'static str,
    /// How messages name one of its labels.
    pub label_name: &'static str,
    pub page_mm: [f64; 2],
    pub label_mm: [f64; 2],
    pub margin_mm: [f64; 2],
    pub pitch_mm: [f64; 2],
    pub columns: usize,
    pub rows: usize,
}

impl Sheet {
    /// Labels on one sheet.
    pub fn per_sheet(&self) -> usize {
        self.columns * self.rows
    }

    /// Label `n` of a sheet (0 at the top left, across, then down).
    pub fn label(&self, n: usize) -> Rect {
        let (column, row) = (n % self.columns, n / self.columns);
        Rect {
            x: Abs::mm(self.margin_mm[0] + self.pitch_mm[0] * column as f64),
            y: Abs::mm(self.margin_mm[1] + self.pitch_mm[1] * row as f64),
            width: Abs::mm(self.label_mm[0]),
            height: Abs::mm(self.label_mm[1]),
        }
    }
}

/// The label sheets offered, from Avery's published template specifications (label size,
/// top and side margins, horizontal and vertical pitch).
pub const SHEETS: &[Sheet] = &[
    // Avery L7160: A4, 21 labels 63.5 × 38.1 mm, 3 × 7; top 15.15 mm, side 7.21 mm,
    // pitch 66.04 × 38.1 mm.
    Sheet {
        name: "avery-l7160",
        label_name: "an Avery L7160 label",
        page_mm: [210.0, 297.0],
        label_mm: [63.5, 38.1],
        margin_mm: [7.21, 15.15],
        pitch_mm: [66.04, 38.1],
        columns: 3,
        rows: 7,
    },
    // Avery L7163: A4, 14 labels 99.1 × 38.1 mm, 2 × 7; top 15.15 mm, side 4.65 mm,
    // pitch 101.6 × 38.1 mm.
    Sheet {
        name: "avery-l7163",
        label_name: "an Avery L7163 label",
        page_mm: [210.0, 297.0],
        label_mm: [99.1, 38.1],
        margin_mm: [4.65, 15.15],
        pitch_mm: [101.6, 38.1],
        columns: 2,
        rows: 7,
    },
    // Avery 5160: US Letter, 30 labels 2 5/8 × 1 in, 3 × 10; top 1/2 in, side 3/16 in,
    // pitch 2 3/4 × 1 in.
    Sheet {
        name: "avery-5160",
        label_name: "an Avery 5160 label",
        page_mm: [8.5 * IN, 11.0 * IN],
        label_mm: [2.625 * IN, 1.0 * IN],
        margin_mm: [0.1875 * IN, 0.5 * IN],
        pitch_mm: [2.75 * IN, 1.0 * IN],
        columns: 3,
        rows: 10,
    },
    // Avery 5163: US Letter, 10 labels 4 × 2 in, 2 × 5; top 1/2 in, side 5/32 in (0.16 in),
    // pitch 4 3/16 (4.19) × 2 in.
    Sheet {
        name: "avery-5163",
        label_name: "an Avery 5163 label",
        page_mm: [8.5 * IN, 11.0 * IN],
        label_mm: [4.0 * IN, 2.0 * IN],
        margin_mm: [0.15625 * IN, 0.5 * IN],
        pitch_mm: [4.1875 * IN, 2.0 * IN],
        columns: 2,
        rows: 5,
    },
];

/// The label sheet named `name` (any case).
pub fn sheet(name: &str) -> Option<&'static Sheet> {
    SHEETS.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// Space kept clear inside a label's edges: Deutsche Post asks 3 mm round an address on a
/// label; a little more across, for the sheet's play in the printer.
const LABEL_PAD_X_MM: f64 = 4.0;
const LABEL_PAD_Y_MM: f64 = 3.0;
/// The smallest size a label's address is set at before it is refused (as in the window).
const LABEL_MIN_PT: f64 = 8.0;
/// Line height of a label's address at the least, in em: so tight a block still reads.
const LABEL_LEADING_MIN: f64 = 1.15;
/// Size of the sender's lines on an envelope, and the smallest they shrink to.
const SENDER_PT: f64 = 9.0;
const SENDER_MIN_PT: f64 = 6.0;

/// A failure of one recipient, by its index in the inputs.
pub type Failure = (usize, Box<Diagnostic>);

/// Laid-out envelopes or labels, with the warnings of each recipient by index.
pub type Laid = (frame::Document, Vec<(usize, Diagnostic)>);

fn rect(mm: [f64; 4]) -> Rect {
    Rect {
        x: Abs::mm(mm[0]),
        y: Abs::mm(mm[1]),
        width: Abs::mm(mm[2]),
        height: Abs::mm(mm[3]),
    }
}

/// The address field of an envelope: DIN 5008's field (without a return line: the sender has
/// its own zone) or the USPS address block.
pub fn address_field(env: &Envelope) -> Field {
    let [x, y] = env.address_mm;
    match env.post {
        Post::Din => Field {
            return_line: None,
            info: None,
            ..window::din_at(Abs::mm(x), Abs::mm(y), envelope_label(env))
        },
        Post::Usps => {
            let outer = rect([x, y, USPS_BLOCK_MM[0], USPS_BLOCK_MM[1]]);
            Field {
                outer,
                return_line: None,
                recipient: outer,
                max_lines: USPS_MAX_LINES,
                info: None,
                name: envelope_label(env),
            }
        }
    }
}

fn envelope_label(env: &Envelope) -> &'static str {
    match env.name {
        "dl" => "a DL envelope",
        "c6/5" => "a C6/5 envelope",
        "c6" => "a C6 envelope",
        "c5" => "a C5 envelope",
        "c4" => "a C4 envelope",
        _ => "a #10 envelope",
    }
}

fn meta(inputs: &[Input<'_>], title: &str) -> frame::Meta {
    let lh = inputs.first().map(|i| i.letterhead);
    frame::Meta {
        title: title.to_string(),
        author: lh
            .map(|lh| lh.organization.name.clone())
            .unwrap_or_default(),
        subject: String::new(),
        created: inputs.first().map_or(0, |i| i.created),
        pdfa: lh.is_some_and(|lh| lh.page.pdfa),
        lang: lh.map(|lh| lh.style.language.clone()).unwrap_or_default(),
    }
}

/// One envelope page per input: the sender in its zone, the recipient in the address field.
///
/// # Errors
///
/// Every recipient that does not fit (too many lines, a line too wide even at 8 pt), and a
/// sender too long for its zone, by index.
pub fn envelopes(inputs: &[Input<'_>], env: &Envelope) -> Result<Laid, Vec<Failure>> {
    let field = address_field(env);
    let (width, height) = (Abs::mm(env.width_mm), Abs::mm(env.height_mm));
    let mut structure = Structure::default();
    let mut pages = Vec::with_capacity(inputs.len());
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let mut c = Composer::new(input, std::mem::take(&mut structure));
        // Each envelope a section: the sender, then the recipient, as they are read.
        let sect = c.structure.add(Structure::ROOT, Role::Sect);
        let result = c
            .sender_items(rect(env.sender_mm), sect)
            .and_then(|mut items| {
                items.extend(c.recipient_items(&field, sect)?);
                Ok(items)
            });
        match result {
            Ok(items) => pages.push(frame::Page {
                width,
                height,
                items,
            }),
            Err(d) => failures.push((i, d)),
        }
        warnings.extend(c.warnings.drain(..).map(|w| (i, w)));
        structure = std::mem::take(&mut c.structure);
    }
    if !failures.is_empty() {
        return Err(failures);
    }
    let doc = frame::Document {
        pages,
        meta: meta(inputs, "Envelopes"),
        structure,
    };
    Ok((doc, warnings))
}

/// The inputs' addresses on label sheets, in order, the first on label `skip + 1`.
///
/// # Errors
///
/// Every address that does not fit its label even at 8 pt, by index.
pub fn labels(inputs: &[Input<'_>], sheet: &Sheet, skip: usize) -> Result<Laid, Vec<Failure>> {
    let per_sheet = sheet.per_sheet();
    let (width, height) = (Abs::mm(sheet.page_mm[0]), Abs::mm(sheet.page_mm[1]));
    let mut structure = Structure::default();
    let mut pages: Vec<frame::Page> = Vec::new();
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let position = skip + i;
        let (page, n) = (position / per_sheet, position % per_sheet);
        while pages.len() <= page {
            pages.push(frame::Page {
                width,
                height,
                items: Vec::new(),
            });
        }
        let mut c = Composer::new(input, std::mem::take(&mut structure));
        match c.label_items(sheet.label(n), sheet.label_name) {
            Ok(items) => pages[page].items.extend(items),
            Err(d) => failures.push((i, d)),
        }
        warnings.extend(c.warnings.drain(..).map(|w| (i, w)));
        structure = std::mem::take(&mut c.structure);
    }
    if !failures.is_empty() {
        return Err(failures);
    }
    let doc = frame::Document {
        pages,
        meta: meta(inputs, "Address labels"),
        structure,
    };
    Ok((doc, warnings))
}

impl Composer<'_> {
    /// The sender's name and address, a line each, at 9 pt (smaller, down to 6 pt, when a
    /// line is too wide), hanging from the zone's top.
    fn sender_items(&mut self, zone: Rect, parent: ElementId) -> diag::Result<Vec<Item>> {
        let (lines, keys) = window::return_parts(&self.input.letterhead.organization);
        if lines.is_empty() {
            return Ok(Vec::new());
        }
        self.origin = Origin::Letterhead(keys);
        let (size, fitted) = match self.fit_lines(
            &lines,
            zone.width,
            Abs::pt(SENDER_PT),
            Abs::pt(SENDER_MIN_PT),
        ) {
            Ok(fitted) => fitted,
            Err(text) => {
                let d = Diagnostic::error(format!(
                    "the sender's line `{text}` is wider than the {:.0} mm of the envelope's sender zone, even at {SENDER_MIN_PT} pt",
                    zone.width.to_mm()
                ))
                .hint("shorten it in letterhead.toml, or set a shorter `return-address` in [organization]");
                return Err(self.letterhead_error(keys, d));
            }
        };
        let face = self.input.family.face(Variant::Regular);
        let ascent = size * face.ascender;
        let extent = ascent + size * -face.descender;
        let line_height = size * 1.25;
        let needed = extent + line_height * (lines.len() - 1) as f64;
        if needed > zone.height + Abs::pt(0.01) {
            let d = Diagnostic::error(format!(
                "the sender's {} lines need {:.0} mm, more than the {:.0} mm of the envelope's sender zone",
                lines.len(),
                needed.to_mm(),
                zone.height.to_mm()
            ))
            .hint("leave out address lines, or set a shorter `return-address` in [organization]");
            return Err(self.letterhead_error(keys, d));
        }
        let mut items = Vec::new();
        let block = self.structure.add(parent, Role::Div);
        let mut baseline = zone.y + ascent;
        for line in fitted.into_iter().flatten() {
            let p = self.structure.add(block, Role::P);
            items.push(Item::Tag(Tag::Element(p)));
            draw(line, zone.x, baseline, size, line_height, &mut items);
            baseline += line_height;
        }
        Ok(items)
    }

    /// The recipient on a label: at the letter's size, or smaller (to 8 pt) for more lines or
    /// wider ones than the label takes there, centred down the label.
    fn label_items(&mut self, label: Rect, sheet: &'static str) -> diag::Result<Vec<Item>> {
        let inner = Rect {
            x: label.x + Abs::mm(LABEL_PAD_X_MM),
            y: label.y + Abs::mm(LABEL_PAD_Y_MM),
            width: label.width - Abs::mm(LABEL_PAD_X_MM * 2.0),
            height: label.height - Abs::mm(LABEL_PAD_Y_MM * 2.0),
        };
        let lines = self.input.letter.front.to.len().max(1);
        let face = self.input.family.face(Variant::Regular);
        let extent_em = face.ascender - face.descender;
        let leading = self.input.letterhead.style.leading;
        // The block's height at size s, with the letter's leading (or the least, if need be).
        let block = |s: Abs, lead: f64| s * extent_em + s * lead * (lines - 1) as f64;
        let mut size = self.size;
        while block(size, LABEL_LEADING_MIN) > inner.height && size > Abs::pt(LABEL_MIN_PT) {
            size = (size - Abs::pt(0.5)).max(Abs::pt(LABEL_MIN_PT));
        }
        // How many lines the label takes at that size: the most `recipient_items` allows.
        let room = inner.height - size * extent_em;
        let max_lines = (room / (size * LABEL_LEADING_MIN)).floor().max(0.0) as usize + 1;
        // Centred down the label, at the letter's leading when there is room for it.
        let used = block(size, leading).min(inner.height);
        let top = inner.y + (inner.height - used) / 2.0;
        let field = Field {
            outer: label,
            return_line: None,
            recipient: Rect {
                y: top,
                height: used,
                ..inner
            },
            max_lines: max_lines.min(lines.max(2)),
            info: None,
            name: sheet,
        };
        let saved = (self.size, self.line_height);
        self.line_height = self.line_height * (size / self.size);
        self.size = size;
        let items = self.recipient_items(&field, Structure::ROOT);
        (self.size, self.line_height) = saved;
        items.map_err(|d| {
            if d.message.starts_with("the recipient has") {
                let mut d = *d;
                d.message = format!(
                    "the address has {lines} lines; {sheet} holds {max_lines}, even at {LABEL_MIN_PT} pt"
                );
                d.boxed()
            } else {
                d
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(inner: Rect, outer: Rect) -> bool {
        let eps = Abs::mm(0.001);
        inner.x + eps >= outer.x
            && inner.y + eps >= outer.y
            && inner.x + inner.width <= outer.x + outer.width + eps
            && inner.bottom() <= outer.bottom() + eps
    }

    #[test]
    fn every_address_field_lies_in_its_read_zone_and_clear_of_the_sender() {
        for env in ENVELOPES {
            let field = address_field(env);
            let read = rect(env.read_zone_mm);
            assert!(inside(field.outer, read), "{}: {:?}", env.name, field.outer);
            let sender = rect(env.sender_mm);
            assert!(sender.bottom() <= read.y, "{}", env.name);
            let page = rect([0.0, 0.0, env.width_mm, env.height_mm]);
            assert!(inside(read, page) && inside(sender, page), "{}", env.name);
        }
    }

    #[test]
    fn din_sender_zone_stays_left_of_the_stamp_zone() {
        for env in ENVELOPES.iter().filter(|e| e.post == Post::Din) {
            let s = env.sender_mm;
            assert!(s[0] + s[2] <= env.width_mm - 74.0, "{}", env.name);
            assert!(s[1] + s[3] <= 40.0, "{}", env.name);
        }
    }

    #[test]
    fn din_envelope_field_is_the_letters_field_without_return_line() {
        let f = address_field(envelope("DL").unwrap());
        let mm = |a: Abs| (a.to_mm() * 100.0).round() / 100.0;
        assert_eq!(
            [
                f.recipient.x,
                f.recipient.y,
                f.recipient.width,
                f.recipient.height
            ]
            .map(mm),
            [110.0, 62.7, 80.0, 27.3]
        );
        assert_eq!(f.max_lines, 6);
        assert!(f.return_line.is_none() && f.info.is_none());
    }

    #[test]
    fn sheets_fit_their_pages_and_hold_what_their_makers_say() {
        let counts = [
            ("avery-l7160", 21),
            ("avery-l7163", 14),
            ("avery-5160", 30),
            ("avery-5163", 10),
        ];
        for (name, count) in counts {
            let s = sheet(name).unwrap();
            assert_eq!(s.per_sheet(), count, "{name}");
            let page = rect([0.0, 0.0, s.page_mm[0], s.page_mm[1]]);
            let last = s.label(count - 1);
            assert!(inside(last, page), "{name}: {last:?}");
            // The sheet is symmetric: the last label ends as far from the right and bottom
            // edges as the first starts from the left and top.
            let right = s.page_mm[0] - (last.x + last.width).to_mm();
            let bottom = s.page_mm[1] - last.bottom().to_mm();
            assert!((right - s.margin_mm[0]).abs() < 0.05, "{name}: {right}");
            assert!((bottom - s.margin_mm[1]).abs() < 0.05, "{name}: {bottom}");
        }
    }
}
