//! The letterhead on page one: logo, organization name, tagline and contact column, and the rule
//! under them.
//!
//! The parts are arranged so that none overlaps another and none leaves the measure. The
//! preferred arrangement puts the logo beside the name and the contact column at the right;
//! when that leaves the name too little room, the contact column moves below the name, then the
//! logo moves above it (a wide wordmark), then both. What still does not fit (a logo wider than
//! the measure, a word of the name wider than its room) is an error naming the part and the
//! sizes, never a letterhead printed over itself. The parts' boxes are checked at the end, so no
//! arrangement can slip through with two parts on top of each other.
//!
//! It knows the letterhead's parts and their text; the letter below it, the window fields and
//! the PDF are not its business.

use crate::config::Color;
use crate::diag::{self, Diagnostic};
use crate::fonts::Variant;
use crate::frame::{self, Item, Role, Structure};
use crate::length::Abs;
use crate::paragraph::{Line, Span};

use super::links::{mailto, tel};
use super::{
    Composer, LOGO_SCALE, NAME_SCALE, Origin, SMALL_SCALE, TAGLINE_TRACKING, draw, reduced_warning,
    shorten,
};

/// The smallest size, as a fraction of its own, at which the organization's name is set on
/// one line rather than wrapped: 90 %, a difference the eye accepts as the same size.
const NAME_MIN_FIT: f64 = 0.9;

/// Parts nearer than this count as touching: about a third of a millimetre, well under what
/// an eye sees as two parts running into each other.
const TOUCH: Abs = Abs::pt(1.0);

/// Where the logo and the contact column go relative to the name.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Arrangement {
    /// The logo on a row of its own above the name, not beside it.
    logo_above: bool,
    /// The contact column below the name and tagline, not beside them.
    contact_below: bool,
}

impl Arrangement {
    /// In order of preference: the compact letterhead first.
    const ALL: [Arrangement; 4] = [
        Arrangement {
            logo_above: false,
            contact_below: false,
        },
        Arrangement {
            logo_above: false,
            contact_below: true,
        },
        Arrangement {
            logo_above: true,
            contact_below: false,
        },
        Arrangement {
            logo_above: true,
            contact_below: true,
        },
    ];
}

/// A drawn part of the letterhead and the box its ink may take, for the overlap check.
struct PartBox {
    /// The part, as a user names it ("the name").
    part: &'static str,
    /// Its key in letterhead.toml.
    keys: &'static [&'static str],
    x0: Abs,
    y0: Abs,
    x1: Abs,
    y1: Abs,
}

impl PartBox {
    fn overlaps(&self, other: &PartBox) -> bool {
        self.x0 + TOUCH < other.x1
            && other.x0 + TOUCH < self.x1
            && self.y0 + TOUCH < other.y1
            && other.y0 + TOUCH < self.y1
    }
}

impl Composer<'_> {
    /// The letterhead on page one, and where the body starts below it.
    ///
    /// # Errors
    ///
    /// A logo wider than the measure, or parts that would overlap or leave the measure in every
    /// arrangement.
    pub(super) fn letterhead(&mut self) -> diag::Result<(Vec<Item>, Abs)> {
        let lh = self.input.letterhead;
        let org = &lh.organization;
        let page = &lh.page;
        let accent = lh.style.accent;
        let left = page.left;
        let right = page.width - page.right;
        let measure = right - left;
        let top = (page.top - Abs::inches(0.45)).max(Abs::inches(0.4));
        let small = self.size * SMALL_SCALE;
        let small_lh = small * 1.3;
        let gap = self.size;
        let sect = self.structure.add(Structure::ROOT, Role::Sect);

        // The contact column: web address, email, phone, address.
        let contact_lines = self.contact_lines(measure * 0.45);
        let contact_width = contact_lines
            .iter()
            .map(|(_, l)| l.width)
            .fold(Abs::ZERO, Abs::max);

        // The logo's size, and its room.
        // Without a set height, a logo is four times the text size, or less when that would
        // make it wider than the measure (a wide wordmark).
        let logo = self.input.logo.clone().map(|logo| {
            let (w, h) = match &logo {
                frame::Logo::Raster(image) => (f64::from(image.width), f64::from(image.height)),
                frame::Logo::Vector(graphic) => (graphic.width, graphic.height),
            };
            let aspect = w / h.max(f64::MIN_POSITIVE);
            let height = org.logo_height.as_ref().map_or_else(
                || (self.size * LOGO_SCALE).min(measure / aspect.max(f64::MIN_POSITIVE)),
                |h| h.0,
            );
            (logo, height * aspect, height)
        });
        if let Some((_, width, height)) = &logo
            && *width > measure + TOUCH
        {
            let fits = measure.to_mm() * height.to_mm() / width.to_mm();
            return Err(self.letterhead_error(
                &["organization", "logo"],
                Diagnostic::error(format!(
                    "the logo is {:.0} mm wide at {:.0} mm high, wider than the {:.0} mm between the margins",
                    width.to_mm(),
                    height.to_mm(),
                    measure.to_mm()
                ))
                .hint(format!(
                    "set logo-height = \"{}mm\" or less, or crop the logo's empty sides",
                    (fits * 10.0).floor() / 10.0
                )),
            ));
        }
        let at_right = org.logo_position == Some(crate::config::LogoPosition::Right);

        // The name's natural width on one line, to know when its room is enough.
        let name_size = self.size * NAME_SCALE;
        let name_spans = [Span {
            text: org.name.clone(),
            variant: Variant::Bold,
            color: accent,
            link: None,
        }];
        // And its longest word's, which must fit unbroken.
        self.origin = Origin::Letterhead(&["organization", "name"]);
        let unbounded = self.display_style(name_size, measure * 100.0);
        let mut natural = |text: &str| -> Abs {
            let spans = [Span {
                text: text.to_string(),
                ..name_spans[0].clone()
            }];
            self.set(&spans, &unbounded)
                .iter()
                .map(|l| l.width)
                .fold(Abs::ZERO, Abs::max)
        };
        let name_natural = natural(&org.name);
        let longest_word = org
            .name
            .split_whitespace()
            .map(&mut natural)
            .fold(Abs::ZERO, Abs::max);

        // The first arrangement that leaves the name its room: its whole width, or enough for
        // two lines and at least half the measure.
        let has_logo = logo.is_some();
        let has_contact = !contact_lines.is_empty();
        let room = |a: Arrangement| -> (Abs, Abs) {
            let (mut text_left, mut text_right) = (left, right);
            if let Some((_, width, _)) = &logo
                && !a.logo_above
            {
                if at_right {
                    text_right = right - *width - gap;
                } else {
                    text_left = left + *width + gap;
                }
            }
            (text_left, text_right)
        };
        let name_room = |a: Arrangement| -> Abs {
            let (l, r) = room(a);
            let beside = if a.contact_below || !has_contact {
                Abs::ZERO
            } else {
                contact_width + gap * 2.0
            };
            r - l - beside
        };
        // The tagline, set in the same room, asks the same: a long one must not become a
        // narrow tower of lines beside a wide logo.
        let tagline_natural = match &org.tagline {
            Some(tagline) => {
                let mut style = self.display_style(small, measure * 100.0);
                style.tracking = TAGLINE_TRACKING;
                let spans = [Span {
                    text: tagline.to_uppercase(),
                    variant: Variant::Regular,
                    color: Color::GREY,
                    link: None,
                }];
                self.origin = Origin::Letterhead(&["organization", "tagline"]);
                self.set(&spans, &style)
                    .iter()
                    .map(|l| l.width)
                    .fold(Abs::ZERO, Abs::max)
            }
            None => Abs::ZERO,
        };
        let wants = |natural: Abs| natural.min((measure / 2.0).max(natural * 0.55));
        let needed = wants(name_natural)
            .max(wants(tagline_natural))
            .max(longest_word);
        // The preferred arrangement is the first that leaves the name its room; when its parts
        // still overlap or leave the measure (a tall contact column beside a wide logo), the
        // next ones are tried, and only when none fits is it an error (the first one's).
        let candidates: Vec<Arrangement> = Arrangement::ALL
            .into_iter()
            .filter(|a| (has_logo || !a.logo_above) && (has_contact || !a.contact_below))
            .collect();
        let start = candidates
            .iter()
            .position(|&a| name_room(a) >= needed)
            .unwrap_or(candidates.len().saturating_sub(1));
        let mut placed = None;
        let mut first_error = None;
        // The tags an arrangement adds are taken back when it is not used.
        let tree_before = self.structure.clone();
        for &arrangement in &candidates[start..] {
            self.structure = tree_before.clone();
            let mut items = Vec::new();
            let mut boxes = Vec::new();
            let (text_left, text_right) = room(arrangement);
            let name_width = name_room(arrangement).max(Abs::pt(1.0));

            let mut bottom = top;
            let mut text_top = top;
            if let Some((logo, width, height)) = logo.clone() {
                let x = if at_right { right - width } else { left };
                self.tag_logo(sect, &mut items);
                self.draw_logo(logo, x, top, width, height, &mut items);
                boxes.push(PartBox {
                    part: "the logo",
                    keys: &["organization", "logo"],
                    x0: x,
                    y0: top,
                    x1: x + width,
                    y1: top + height,
                });
                bottom = bottom.max(top + height);
                if arrangement.logo_above {
                    text_top = top + height + gap;
                }
            }

            // Name and tagline.
            let mut y = text_top;
            if !org.name.is_empty() {
                let (name_size, width) = self.name_setting(&name_spans, name_size, name_width);
                let style = self.display_style(name_size, width);
                let lines = self.set_field(
                    &["organization", "name"],
                    &name_spans,
                    &style,
                    2,
                    "shorten the name, or the contact lines beside it",
                );
                let face = self.input.family.face(Variant::Bold);
                let (ascent, descent, cap) = (face.ascender, -face.descender, face.cap_height);
                self.tag_next(sect, Role::P, &mut items);
                for line in lines {
                    let baseline = if y == text_top {
                        text_top + name_size * cap
                    } else {
                        y + name_size * 1.15
                    };
                    boxes.push(PartBox {
                        part: "the name",
                        keys: &["organization", "name"],
                        x0: text_left,
                        // The cap height, not the ascender: the name's first line is set by its
                        // capitals, and accents above them may reach into the rule's space.
                        y0: baseline - name_size * cap.max(ascent * 0.75),
                        x1: text_left + line.width,
                        y1: baseline + name_size * descent * 0.75,
                    });
                    draw(
                        line,
                        text_left,
                        baseline,
                        name_size,
                        name_size * 1.15,
                        &mut items,
                    );
                    y = baseline;
                }
                y += name_size * 0.3;
            }
            if let Some(tagline) = &org.tagline {
                let mut style = self.display_style(small, name_width);
                style.tracking = TAGLINE_TRACKING;
                let spans = [Span {
                    text: tagline.to_uppercase(),
                    variant: Variant::Regular,
                    color: Color::GREY,
                    link: None,
                }];
                let lines = self.set_field(
                    &["organization", "tagline"],
                    &spans,
                    &style,
                    2,
                    "shorten the tagline",
                );
                self.tag_next(sect, Role::P, &mut items);
                for line in lines {
                    let baseline = y + small_lh;
                    boxes.push(self.small_box(
                        "the tagline",
                        &["organization", "tagline"],
                        &line,
                        text_left,
                        baseline,
                        small,
                    ));
                    draw(line, text_left, baseline, small, small_lh, &mut items);
                    y = baseline;
                }
            }
            bottom = bottom.max(y + small * 0.5);

            // The contact column, right-aligned. Beside the name, its last baseline is level with
            // the tagline's (or the name's) when it is short enough, else it starts at the top;
            // below them, it starts a line under the tagline.
            let stacked = small_lh * contact_lines.len().saturating_sub(1) as f64;
            let mut cy = if arrangement.contact_below {
                y + small_lh * 1.4
            } else {
                (y - stacked).max(text_top + small * 0.9)
            };
            for (keys, line) in contact_lines.clone() {
                let x = text_right - line.width;
                boxes.push(self.small_box("the contact column", keys, &line, x, cy, small));
                self.draw_contact(line, sect, (x, cy), small, small_lh, &mut items);
                bottom = bottom.max(cy + small * 0.4);
                cy += small_lh;
            }

            match self.check_parts(&boxes, left, right) {
                Ok(()) => {
                    placed = Some((items, bottom));
                    break;
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        let (mut items, mut bottom) = match (placed, first_error) {
            (Some(placed), _) => placed,
            (None, Some(e)) => return Err(e),
            (None, None) => (Vec::new(), top),
        };

        if bottom > top {
            let rule_y = bottom + self.size * 0.6;
            items.push(Item::Tag(frame::Tag::Artifact));
            items.push(Item::Rule {
                from: (left, rule_y),
                to: (right, rule_y),
                thickness: Abs::pt(0.75),
                color: accent,
            });
            bottom = rule_y;
        }
        self.letterhead_bottom = bottom;
        let body_top = (bottom + self.line_height * 2.0).max(page.top);
        if body_top > page.height * 0.4 {
            self.letterhead_warning(
                &["organization"],
                Diagnostic::warning(format!(
                    "the letterhead takes {:.0} % of page one's height, leaving little room for the letter",
                    body_top / page.height * 100.0
                ))
                .hint("shorten the name, tagline or address, or use a smaller logo"),
            );
        }
        Ok((items, body_top))
    }

    /// The size and line width to set the organization's name at, in `room` at `size`.
    ///
    /// A name that fits on one line at no less than [`NAME_MIN_FIT`] of its size is set on one
    /// line, that much smaller. One that must wrap is balanced: set at the narrowest width
    /// that still gives it as few lines as `room` does, so the lines come out about equal
    /// ("Northside Tenants / Legal Aid Center", not "Northside Tenants Legal / Aid Center";
    /// no word left alone on the last line when others could join it).
    fn name_setting(&self, spans: &[Span], size: Abs, room: Abs) -> (Abs, Abs) {
        let family = self.input.family;
        let lines = |size: Abs, width: Abs| -> Vec<Line> {
            super::reuse::layout(spans, family, &self.display_style(size, width)).0
        };
        let at_room = lines(size, room);
        if at_room.len() <= 1 {
            return (size, room);
        }
        let one_line = lines(size, room * 1000.0);
        let natural = one_line.first().map_or(Abs::ZERO, |l| l.width);
        if natural > Abs::ZERO && room >= natural * NAME_MIN_FIT {
            // Scale to fit exactly (widths scale with the size); a hair less for rounding.
            let scaled = size * (room / natural * 0.999).min(1.0);
            if lines(scaled, room).len() == 1 {
                return (scaled, room);
            }
        }
        let count = at_room.len();
        // Bisect for the narrowest width that needs no more lines: as the width shrinks the
        // lines even out, until one more line is needed.
        let (mut low, mut high) = (Abs::ZERO, room);
        for _ in 0..20 {
            let mid = (low + high) * 0.5;
            if lines(size, mid).len() <= count {
                high = mid;
            } else {
                low = mid;
            }
        }
        (size, high)
    }

    /// The contact column's lines, each with its key, set at most `width` wide. A value that
    /// needs more than one line takes them, with a warning.
    fn contact_lines(&mut self, width: Abs) -> Vec<(&'static [&'static str], Line)> {
        let lh = self.input.letterhead;
        let org = &lh.organization;
        let accent = lh.style.accent;
        let span = |text: &str, link: Option<String>, color: Color| Span {
            text: text.to_string(),
            variant: Variant::Regular,
            color,
            link,
        };
        let mut contact: Vec<(&'static [&'static str], Vec<Span>)> = Vec::new();
        if let Some(url) = &org.url {
            let shown = url
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/');
            let target = match crate::uri::clickable(url) {
                Ok(uri) => Some(uri),
                Err(why) => {
                    self.letterhead_warning(
                        &["organization", "url"],
                        Diagnostic::warning(why).hint("write an http or https address"),
                    );
                    None
                }
            };
            contact.push((&["organization", "url"], vec![span(shown, target, accent)]));
        }
        if let Some(email) = &org.email {
            contact.push((
                &["organization", "email"],
                vec![span(
                    email,
                    crate::uri::clickable(&mailto(email)).ok(),
                    Color::GREY,
                )],
            ));
        }
        if let Some(phone) = &org.phone {
            contact.push((
                &["organization", "phone"],
                vec![span(phone, Some(tel(phone)), Color::GREY)],
            ));
        }
        for line in &org.address {
            contact.push((
                &["organization", "address"],
                vec![span(line, None, Color::GREY)],
            ));
        }
        let style = self.display_style(self.size * SMALL_SCALE, width);
        let mut out = Vec::new();
        for (keys, spans) in contact {
            self.origin = Origin::Letterhead(keys);
            let lines = self.set(&spans, &style);
            if lines.len() > 1 {
                let text: String = spans.iter().map(|s| s.text.as_str()).collect();
                let d = Diagnostic::warning(format!(
                    "`{}` does not fit on one line of the letterhead's contact column",
                    shorten(&text)
                ))
                .hint("shorten it, or split an address into more lines");
                self.warnings.push(self.locate(d, &text));
            }
            out.extend(lines.into_iter().map(|l| (keys, l)));
        }
        out
    }

    /// Draws the logo in its box, with a warning when a raster logo prints under the lowest
    /// resolution for sharp print, or an SVG has parts the PDF does not draw.
    fn draw_logo(
        &mut self,
        logo: frame::Logo,
        x: Abs,
        y: Abs,
        width: Abs,
        height: Abs,
        items: &mut Vec<Item>,
    ) {
        match logo {
            frame::Logo::Raster(image) => {
                let dpi = crate::image::dpi(&image, width.to_pt());
                if dpi < crate::image::MIN_DPI {
                    let d = Diagnostic::warning(format!(
                        "the logo ({} × {} pixels) prints at {dpi:.0} dpi, under {:.0} dpi",
                        image.width,
                        image.height,
                        crate::image::MIN_DPI
                    ))
                    .hint(format!(
                        "use an image at least {:.0} pixels wide for sharp print, or an SVG",
                        (width.to_pt() / 72.0 * crate::image::MIN_DPI).ceil()
                    ));
                    self.letterhead_warning(&["organization", "logo"], d);
                }
                if let Some(d) = reduced_warning("logo", &image) {
                    self.letterhead_warning(&["organization", "logo"], d);
                }
                items.push(Item::Image {
                    image,
                    x,
                    y,
                    width,
                    height,
                });
            }
            frame::Logo::Vector(graphic) => {
                if !graphic.left_out.is_empty() {
                    let d = Diagnostic::warning(format!(
                        "the SVG logo has what a PDF logo does not draw as it is: {}",
                        graphic.left_out.join(", ")
                    ))
                    .hint("flatten the logo to paths in solid colours");
                    self.letterhead_warning(&["organization", "logo"], d);
                }
                items.push(Item::Vector {
                    graphic,
                    x,
                    y,
                    width,
                    height,
                });
            }
        }
    }

    /// The box of a line of small regular text at (x, baseline).
    fn small_box(
        &self,
        part: &'static str,
        keys: &'static [&'static str],
        line: &Line,
        x: Abs,
        baseline: Abs,
        size: Abs,
    ) -> PartBox {
        let face = self.input.family.face(Variant::Regular);
        PartBox {
            part,
            keys,
            x0: x,
            y0: baseline - size * face.cap_height.max(face.ascender * 0.75),
            x1: x + line.width,
            y1: baseline + size * -face.descender * 0.75,
        }
    }

    /// Refuses a letterhead whose parts overlap or leave the measure.
    fn check_parts(&mut self, boxes: &[PartBox], left: Abs, right: Abs) -> diag::Result<()> {
        for b in boxes {
            let past = (left - b.x0).max(b.x1 - right);
            if past > TOUCH {
                let side = if b.x0 < left { "left" } else { "right" };
                return Err(self.letterhead_error(
                    b.keys,
                    Diagnostic::error(format!(
                        "{} of the letterhead would reach {:.1} mm past the {side} margin",
                        b.part,
                        past.to_mm()
                    ))
                    .hint(format!(
                        "shorten {}, or make the logo smaller (logo-height)",
                        b.part
                    )),
                ));
            }
        }
        for (i, a) in boxes.iter().enumerate() {
            if let Some(b) = boxes[i + 1..]
                .iter()
                .find(|b| b.part != a.part && a.overlaps(b))
            {
                let (a_part, b_part) = (a.part, b.part);
                return Err(self.letterhead_error(
                    b.keys,
                    Diagnostic::error(format!(
                        "{b_part} of the letterhead would overlap {a_part} ({:.0} mm down, {:.0} mm across)",
                        b.y0.max(a.y0).to_mm(),
                        b.x0.max(a.x0).to_mm()
                    ))
                    .hint(format!("shorten {b_part}, or make the logo smaller (logo-height)")),
                ));
            }
        }
        Ok(())
    }

    /// An error about a letterhead value, pointing at it.
    pub(super) fn letterhead_error(
        &mut self,
        keys: &'static [&'static str],
        d: Diagnostic,
    ) -> Box<Diagnostic> {
        let previous = std::mem::replace(&mut self.origin, Origin::Letterhead(keys));
        let d = self.locate(d, "");
        self.origin = previous;
        d.boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::super::with_composer;
    use crate::config::Letterhead;
    use crate::length::Abs;

    #[test]
    fn the_contact_column_is_web_email_phone_then_address_with_links() {
        let mut lh = Letterhead::builtin();
        let org = &mut lh.organization;
        org.url = Some("https://www.example.org/".into());
        org.email = Some("info@example.org".into());
        org.phone = Some("+49 (0)211 123 45-0".into());
        org.address = vec!["Königsallee 1".into(), "40212 Düsseldorf".into()];
        let lines = with_composer("", &lh, |c| {
            let lines = c.contact_lines(Abs::mm(80.0));
            assert!(c.warnings.is_empty());
            lines
        });
        let got: Vec<_> = lines
            .iter()
            .map(|(keys, line)| {
                let text: String = line.runs.iter().map(|r| r.glyphs.text()).collect();
                let links: Vec<&str> = line.links.iter().map(|l| l.2.as_str()).collect();
                (keys[1], text, links)
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "url",
                    "www.example.org".into(),
                    vec!["https://www.example.org/"]
                ),
                (
                    "email",
                    "info@example.org".into(),
                    vec!["mailto:info@example.org"]
                ),
                (
                    "phone",
                    "+49 (0)211 123 45-0".into(),
                    vec!["tel:+49211123450"]
                ),
                ("address", "Königsallee 1".into(), vec![]),
                ("address", "40212 Düsseldorf".into(), vec![]),
            ]
        );
    }

    #[test]
    fn a_contact_line_too_long_for_the_column_takes_two_lines_and_warns() {
        let mut lh = Letterhead::builtin();
        lh.organization.address = vec!["Kurfürstendamm 195, 10707 Berlin-Charlottenburg".into()];
        let (lines, warnings) = with_composer("", &lh, |c| {
            let lines = c.contact_lines(Abs::mm(30.0));
            (lines.len(), c.warnings.len())
        });
        assert!(lines >= 2, "{lines} lines");
        assert_eq!(warnings, 1);
    }
}
