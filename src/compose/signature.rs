//! The signature block: the closing, the space to sign in (with any scanned signatures), and
//! each signatory's name, title and contact lines. Several signatories (`[[signatures]]`) stand
//! side by side in columns of equal width. The block is one flow block, kept together and with
//! the last two lines of the body, so a signature never starts a page alone.

use super::links::{mailto, tel};
use super::tags::{LineTags, tag_line};
use super::{Composer, FlowBlock, FlowLine, Origin, SIGNING_SPACE, SIGNING_SPACE_MIN};
use crate::diag::Diagnostic;
use crate::fonts::Variant;
use crate::frame::{Item, Role, Structure, Tag};
use crate::length::Abs;
use crate::paragraph::{Line, Span};

/// Space between the columns of signatories, in em.
const COLUMN_GAP_EM: f64 = 2.0;
/// A scanned signature's height, as a share of the least space to sign in (it must fit when
/// that space shrinks to pull a sparse last page back).
const IMAGE_HEIGHT: f64 = 0.92;
/// A scanned signature's widest, as a share of the measure.
const IMAGE_WIDTH: f64 = 0.5;

/// The largest box a scanned signature can print in on a letterhead, (width, height), known
/// before the image is loaded: `image::load` keeps it at 300 dpi of this box.
pub fn signature_box(lh: &crate::config::Letterhead) -> (Abs, Abs) {
    let width = lh.page.width - lh.page.left - lh.page.right;
    let signing_space = lh.style.size * lh.style.leading * SIGNING_SPACE_MIN;
    (width * IMAGE_WIDTH, signing_space * IMAGE_HEIGHT)
}

impl Composer<'_> {
    /// Adds the signature block after a gap; `has_body` keeps it with the body's last lines.
    pub(super) fn signature(&mut self, gap: Abs, has_body: bool) {
        let front = &self.input.letter.front;
        let signatories = front.signatories();
        let images = self.input.signature_images.clone();
        let style = self.style(self.size, self.width);
        // The structure, in reading order: the closing, the scanned signatures, then each
        // signatory's lines.
        let block = self.structure.add(Structure::ROOT, Role::Div);
        let mut lines: Vec<(Line, Abs, LineTags)> = Vec::new();
        if let Some(closing) = &front.closing {
            let spans = [self.span(closing, Variant::Regular)];
            let p = self.structure.add(block, Role::P);
            let mut open = None;
            for mut l in self.set(&spans, &style) {
                let tags = tag_line(&mut self.structure, &mut l, p, &mut open);
                lines.push((l, self.line_height, tags));
            }
        }
        let figures: Vec<_> = images
            .iter()
            .enumerate()
            .map(|(i, image)| {
                image.as_ref().map(|_| {
                    let figure = self.structure.add(block, Role::Figure);
                    let name = signatories.get(i).map_or("", |s| s.name.as_str());
                    if let Some(f) = self.structure.get_mut(figure) {
                        f.alt = Some(if name.is_empty() {
                            "Signature".to_string()
                        } else {
                            format!("Signature of {name}")
                        });
                    }
                    figure
                })
            })
            .collect();
        let has_image = images.iter().any(Option::is_some);
        if has_image && lines.is_empty() {
            // No closing: the signatures still get their space, above the names.
            lines.push((empty_line(), Abs::ZERO, LineTags::default()));
        }
        let closing_line = lines.len().checked_sub(1);

        // Each signatory's lines, set in its column.
        let columns = signatories.len().max(1);
        let column_gap = self.size * COLUMN_GAP_EM;
        let column_width = (self.width - column_gap * (columns - 1) as f64) / columns as f64;
        let column_x = |i: usize| (column_width + column_gap) * i as f64;
        let column_style = self.style(self.size, column_width);
        let mut column_lines: Vec<Vec<(Line, LineTags)>> = Vec::new();
        for sig in &signatories {
            let column = self.structure.add(block, Role::Div);
            let lang = self.lang();
            let mut parts: Vec<Vec<Span>> = Vec::new();
            if !sig.name.is_empty() {
                parts.push(vec![self.span(&sig.name, Variant::Regular)]);
            }
            if let Some(title) = &sig.title {
                parts.push(vec![self.span(title, Variant::Regular)]);
            }
            if let Some(email) = &sig.email {
                let mut link = self.span(email, Variant::Regular);
                link.link = Some(mailto(email));
                link.color = self.input.letterhead.style.accent;
                let label = format!("{}{} ", lang.contact_labels().0, lang.colon());
                parts.push(vec![self.span(&label, Variant::Regular), link]);
            }
            if let Some(phone) = &sig.phone {
                let mut link = self.span(phone, Variant::Regular);
                link.link = Some(tel(phone));
                let label = format!("{}{} ", lang.contact_labels().1, lang.colon());
                parts.push(vec![self.span(&label, Variant::Regular), link]);
            }
            let mut set = Vec::new();
            for spans in parts {
                let p = self.structure.add(column, Role::P);
                let mut open = None;
                for mut line in self.set(&spans, &column_style) {
                    let tags = tag_line(&mut self.structure, &mut line, p, &mut open);
                    set.push((line, tags));
                }
            }
            column_lines.push(set);
        }
        let has_names = column_lines.iter().any(|c| !c.is_empty());
        // The space to sign in: the closing's line box grows by it, above the names. It may
        // shrink to its least to pull a sparse last page back.
        let signing_space = self.line_height * SIGNING_SPACE;
        let signing_least = self.line_height * SIGNING_SPACE_MIN;
        let signs = (has_names || has_image) && closing_line.is_some();
        if signs && let Some(closing) = lines.last_mut() {
            closing.1 += signing_space;
        }
        // Row by row, the columns' lines side by side.
        let rows = column_lines.iter().map(Vec::len).max().unwrap_or(0);
        let mut columns_iter: Vec<_> = column_lines.into_iter().map(Vec::into_iter).collect();
        for _ in 0..rows {
            let (row, tags): (Vec<_>, Vec<_>) = columns_iter
                .iter_mut()
                .enumerate()
                .filter_map(|(i, c)| c.next().map(|(l, t)| ((column_x(i), l), t)))
                .unzip();
            lines.push((
                side_by_side(row),
                self.line_height,
                LineTags::side_by_side(tags),
            ));
        }
        if lines.is_empty() {
            return;
        }
        let size = self.size;
        let mut flow_lines: Vec<FlowLine> = lines
            .into_iter()
            .map(|(line, height, tags)| FlowLine::plain(line, Abs::ZERO, height, size, tags))
            .collect();
        if let Some(closing) = closing_line.and_then(|i| flow_lines.get_mut(i))
            && closing.height > self.line_height
        {
            closing.space_below = closing.height - self.line_height;
            closing.shrink = signing_space - signing_least;
        }
        // The scanned signatures fill the signing space under the closing, each over its
        // signatory's column, so they always stay with the closing.
        if let Some(closing) = closing_line.and_then(|i| flow_lines.get_mut(i)) {
            let top = closing.height - signing_space;
            for (i, image) in images.into_iter().enumerate() {
                let Some(image) = image else { continue };
                let max_width = column_width.min(self.width * IMAGE_WIDTH);
                let mut height = signing_least * IMAGE_HEIGHT;
                let mut width = height * (f64::from(image.width) / f64::from(image.height.max(1)));
                if width > max_width {
                    height = height * (max_width / width);
                    width = max_width;
                }
                let needle = signatories
                    .get(i)
                    .and_then(|s| s.image.as_ref())
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if let Some(d) = super::reduced_warning("signature image", &image) {
                    self.origin = Origin::Letter(0);
                    let d = self.locate(d, &needle);
                    self.warnings.push(d);
                }
                let dpi = crate::image::dpi(&image, width.to_pt());
                if dpi < crate::image::MIN_DPI {
                    let d = Diagnostic::warning(format!(
                        "the signature image ({} × {} pixels) prints at {dpi:.0} dpi, under {:.0} dpi",
                        image.width,
                        image.height,
                        crate::image::MIN_DPI
                    ))
                    .hint("scan the signature at 300 dpi or more");
                    self.origin = Origin::Letter(0);
                    let d = self.locate(d, &needle);
                    self.warnings.push(d);
                }
                if let Some(Some(figure)) = figures.get(i) {
                    closing.extras.push(Item::Tag(Tag::Element(*figure)));
                }
                closing.extras.push(Item::Image {
                    image,
                    x: column_x(i),
                    y: top + (signing_space - height) / 2.0,
                    width,
                    height,
                });
            }
        }
        self.blocks.push(FlowBlock {
            lines: flow_lines,
            space_before: gap * 1.2,
            space_shrink: self.gap_shrink(gap * 1.2),
            notation: false,
            keep_together: true,
            keep_with_next: false,
            keep_lines_before: if has_body { 2 } else { 0 },
            header: None,
        });
    }
}

fn empty_line() -> Line {
    Line {
        runs: Vec::new(),
        width: Abs::ZERO,
        links: Vec::new(),
        hyphen: 0,
    }
}

/// One line made of several, each moved right by its offset.
pub(super) fn side_by_side(parts: Vec<(Abs, Line)>) -> Line {
    let mut merged = empty_line();
    for (x, line) in parts {
        for mut run in line.runs {
            run.glyphs.shift(x);
            merged.runs.push(run);
        }
        for (x0, x1, target) in line.links {
            merged.links.push((x0 + x, x1 + x, target));
        }
        merged.width = merged.width.max(x + line.width);
        merged.hyphen = line.hyphen;
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Color;
    use crate::paragraph::LineRun;

    #[test]
    fn side_by_side_moves_the_later_columns_and_their_links() {
        let face = crate::fonts::bundled().face(Variant::Regular).clone();
        let line = |x: f64| {
            let mut glyphs = crate::frame::Glyphs::default();
            glyphs.push(1, Abs::pt(x), "a");
            Line {
                runs: vec![LineRun {
                    face: face.clone(),
                    color: Color::BLACK,
                    glyphs,
                }],
                width: Abs::pt(10.0),
                links: vec![(Abs::ZERO, Abs::pt(10.0), "mailto:a@b.c".into())],
                hyphen: 0,
            }
        };
        let merged = side_by_side(vec![(Abs::ZERO, line(0.0)), (Abs::pt(100.0), line(2.0))]);
        let xs: Vec<f64> = merged
            .runs
            .iter()
            .map(|r| r.glyphs.first().unwrap().x().to_pt())
            .collect();
        assert_eq!(xs, [0.0, 102.0]);
        assert_eq!(merged.links[1].0, Abs::pt(100.0));
        assert_eq!(merged.links[1].1, Abs::pt(110.0));
        assert_eq!(merged.width, Abs::pt(110.0));
    }

    #[test]
    fn the_block_is_the_closing_the_signing_space_and_the_signatory() {
        let lh = crate::config::Letterhead::builtin();
        let front = r#"closing = "Yours sincerely,"
[signature]
name = "Penelope Saunders"
title = "Coordinator"
email = "p@example.org""#;
        let (lines, keep) = super::super::with_composer(front, &lh, |c| {
            c.signature(Abs::pt(10.0), true);
            assert_eq!(c.blocks.len(), 1);
            let block = &c.blocks[0];
            let lines: Vec<(String, Vec<String>, f64)> = block
                .lines
                .iter()
                .map(|l| {
                    let text = l.line.runs.iter().map(|r| r.glyphs.text()).collect();
                    let links = l.line.links.iter().map(|k| k.2.clone()).collect();
                    (text, links, (l.height / c.line_height * 1e6).round() / 1e6)
                })
                .collect();
            (lines, (block.keep_together, block.keep_lines_before))
        });
        let texts: Vec<&str> = lines.iter().map(|(t, _, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Yours sincerely,",
                "Penelope Saunders",
                "Coordinator",
                "Email: p@example.org"
            ]
        );
        assert_eq!(lines[3].1, ["mailto:p@example.org"]);
        // The closing's line box holds the space to sign in.
        let heights: Vec<f64> = lines.iter().map(|(_, _, h)| *h).collect();
        assert_eq!(heights, [1.0 + SIGNING_SPACE, 1.0, 1.0, 1.0]);
        assert_eq!(keep, (true, 2));
    }
}
