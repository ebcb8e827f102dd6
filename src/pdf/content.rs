//! Content streams, written directly: a page's glyph runs, rules and images become PDF
//! operators, with the text state (font, size, colours, line width) set only when it changes
//! and every run of a page inside as few text objects as the rules and images allow. Glyph
//! codes are binary literal strings: half the bytes of hex, and about a tenth less after
//! compression. A run straight below the one before is placed by a `Td` move.
//!
//! Why not printpdf's: it turned each run into a list of operations, translated them into
//! lopdf's operation objects (one heap object per number and per glyph) and encoded those —
//! the costliest part of its serialisation. The output is the same drawing.
//!
//! Every item is inside a marked-content sequence: `/P <</MCID 3>> BDC … EMC` for content of a
//! structure element (the page's MCIDs count from 0), `/Artifact BMC … EMC` for the rest. A
//! sequence opened inside a text object ends inside it (ISO 32000-1 §14.6: marked content and
//! text objects nest, they never overlap). A run with replacement text is a sequence of its
//! own, `/Span <</MCID 4 /ActualText (…)>> BDC … EMC`.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::sync::Arc;

use super::font::Font;
use super::round3;
use crate::config::Color;
use crate::frame::{ElementId, Image, Item, Page, Segment, Structure, Tag, TextRun, Vector};
use crate::length::Abs;

/// What a page's content stream holds of the logical structure.
#[derive(Debug, Default)]
pub(super) struct Marks {
    /// The element of each marked-content sequence, by MCID.
    pub mcids: Vec<ElementId>,
    /// The element of each link annotation, in the order of the page's link items.
    pub links: Vec<Option<ElementId>>,
    /// The box each element's images and graphics cover, in PDF coordinates
    /// (left, bottom, right, top).
    pub boxes: Vec<(ElementId, [f64; 4])>,
}

/// The content stream of a page, and its marked content. `images` names each image (`Im1`, ...);
/// `actual` gives text items their replacement text (`tagged::actual_texts`).
pub(super) fn page(
    page: &Page,
    structure: &Structure,
    fonts: &[Font],
    images: &[(Arc<Image>, String)],
    actual: Option<&BTreeMap<usize, String>>,
) -> (Vec<u8>, Marks) {
    let (bytes, marks, _) = page_with(page, structure, fonts, images, actual, false);
    (bytes, marks)
}

/// `page`, and the same stream as the combined print file shows it: glyphs by their ids in
/// the face (its one font per face covers every letter's glyphs; the widths are the same).
/// That stream is the page's own with each glyph's code replaced, not written a second time.
pub(super) fn page_for_combining(
    page: &Page,
    structure: &Structure,
    fonts: &[Font],
    images: &[(Arc<Image>, String)],
    actual: Option<&BTreeMap<usize, String>>,
) -> (Vec<u8>, Vec<u8>, Marks) {
    let (bytes, marks, glyphs) = page_with(page, structure, fonts, images, actual, true);
    let mut original = Vec::with_capacity(bytes.len());
    let mut at = 0;
    for (offset, length, glyph) in glyphs {
        original.extend_from_slice(&bytes[at..offset]);
        code(&mut original, glyph);
        at = offset + usize::from(length);
    }
    original.extend_from_slice(&bytes[at..]);
    (bytes, original, marks)
}

/// `page`; with `record`, also where each glyph's code is (its offset and length in the
/// stream) and the glyph's id in the face.
fn page_with(
    page: &Page,
    structure: &Structure,
    fonts: &[Font],
    images: &[(Arc<Image>, String)],
    actual: Option<&BTreeMap<usize, String>>,
    record: bool,
) -> (Vec<u8>, Marks, Vec<(usize, u8, u16)>) {
    let mut w = Writer {
        glyphs: record.then(Vec::new),
        out: Vec::with_capacity(4096),
        height: page.height.to_pt() as f32,
        in_text: false,
        line: (0, 0),
        font: None,
        fill: None,
        stroke: None,
        line_width: None,
        open: None,
        marks: Marks::default(),
    };
    let mut tag = Tag::Artifact;
    for (i, item) in page.items.iter().enumerate() {
        match item {
            Item::Tag(t) => tag = *t,
            Item::Text(run) => {
                if let Some(index) = fonts.iter().position(|f| Arc::ptr_eq(&f.face, &run.face)) {
                    if run.glyphs.is_empty() {
                        continue;
                    }
                    match actual.and_then(|a| a.get(&i)) {
                        Some(text) if matches!(tag, Tag::Element(_)) => {
                            // A sequence of its own, closed after the run.
                            w.replaced(tag, text);
                            w.text(run, &fonts[index], index);
                            w.close();
                        }
                        _ => {
                            w.mark(tag, structure, true);
                            w.text(run, &fonts[index], index);
                        }
                    }
                }
            }
            Item::Rule {
                from,
                to,
                thickness,
                color,
            } => {
                w.mark(tag, structure, false);
                if w.stroke != Some(*color) {
                    w.color(*color);
                    w.out.extend_from_slice(b"RG\n");
                    w.stroke = Some(*color);
                }
                let thickness = thickness.to_pt() as f32;
                if w.line_width != Some(thickness) {
                    let _ = writeln!(w.out, "{thickness} w");
                    w.line_width = Some(thickness);
                }
                let h = w.height;
                let (x0, y0) = (from.0.to_pt() as f32, h - from.1.to_pt() as f32);
                let (x1, y1) = (to.0.to_pt() as f32, h - to.1.to_pt() as f32);
                let _ = write!(w.out, "{x0} {y0} m\n{x1} {y1} l\nS\n");
            }
            Item::Image {
                image,
                x,
                y,
                width,
                height,
            } => {
                let Some(name) = super::image::name(images, image) else {
                    continue;
                };
                w.mark(tag, structure, false);
                w.cover(tag, (*x, *y), (*width, *height));
                let [a, b, c, d, e, f] =
                    super::image::matrix(image, (*x, *y), (*width, *height), w.height);
                let _ = write!(w.out, "q\n{a} {b} {c} {d} {e} {f} cm\n/{name} Do\nQ\n");
            }
            Item::Vector {
                graphic,
                x,
                y,
                width,
                height,
            } => {
                w.mark(tag, structure, false);
                w.cover(tag, (*x, *y), (*width, *height));
                w.vector(graphic, (*x, *y), (*width, *height));
            }
            Item::Link { .. } => w.marks.links.push(match tag {
                Tag::Element(e) => Some(e),
                _ => None,
            }),
        }
    }
    w.close();
    w.end_text();
    (w.out, w.marks, w.glyphs.unwrap_or_default())
}

struct Writer {
    /// Where each glyph's code went and the glyph's id in the face, when they are recorded
    /// (see `page_for_combining`).
    glyphs: Option<Vec<(usize, u8, u16)>>,
    out: Vec<u8>,
    /// Page height in points (frames measure y downwards, PDF upwards).
    height: f32,
    in_text: bool,
    /// Where the current text line starts (the text line matrix's translation), in 1/1000
    /// point: runs are placed by `Td` moves from it, exact because both ends are rounded to
    /// 1/1000 point. `BT` puts it at the origin.
    line: (i64, i64),
    /// Current font (its index in `fonts`) and size.
    font: Option<(usize, f32)>,
    fill: Option<Color>,
    stroke: Option<Color>,
    line_width: Option<f32>,
    /// The open marked-content sequence: its tag, and whether it was opened inside a text
    /// object (and must end there).
    open: Option<(Tag, bool)>,
    marks: Marks,
}

impl Writer {
    fn begin_text(&mut self) {
        if !self.in_text {
            self.out.extend_from_slice(b"BT\n");
            self.in_text = true;
            self.line = (0, 0);
        }
    }

    fn end_text(&mut self) {
        if self.in_text {
            if let Some((_, true)) = self.open {
                self.out.extend_from_slice(b"EMC\n");
                self.open = None;
            }
            self.out.extend_from_slice(b"ET\n");
            self.in_text = false;
        }
    }

    /// Ends the open marked-content sequence.
    fn close(&mut self) {
        if let Some((_, inside)) = self.open {
            if !inside {
                self.end_text();
            }
            self.out.extend_from_slice(b"EMC\n");
            self.open = None;
        }
    }

    /// Makes what comes next part of a sequence tagged `tag`: the open one if it fits, else a
    /// new one — inside the text object for `text`, outside any for the rest.
    fn mark(&mut self, tag: Tag, structure: &Structure, text: bool) {
        if let Some((open, inside)) = self.open {
            if open == tag && (!inside || (text && self.in_text)) {
                if text {
                    self.begin_text();
                }
                return;
            }
            self.close();
        }
        if text {
            self.begin_text();
        } else {
            self.end_text();
        }
        match tag {
            Tag::Element(e) => {
                let role = structure.get(e).map_or("Span", |e| e.role.name());
                let mcid = self.marks.mcids.len();
                let _ = writeln!(self.out, "/{role} <</MCID {mcid}>> BDC");
                self.marks.mcids.push(e);
            }
            Tag::Artifact => self.out.extend_from_slice(b"/Artifact BMC\n"),
            Tag::Pagination => self
                .out
                .extend_from_slice(b"/Artifact <</Type /Pagination>> BDC\n"),
        }
        self.open = Some((tag, text));
    }

    /// Opens a sequence for one text run whose content reads as `text` (`/ActualText`), in
    /// the text object. Tagged `Span` whatever its element (its role is the element's /S):
    /// readers take replacement text from a `Span` only (poppler), and a span nested in the
    /// element's sequence instead ends that sequence early in poppler's structure text.
    fn replaced(&mut self, tag: Tag, text: &str) {
        self.close();
        self.begin_text();
        if let Tag::Element(e) = tag {
            let _ = write!(self.out, "/Span <</MCID {} ", self.marks.mcids.len());
            self.marks.mcids.push(e);
        }
        self.out.extend_from_slice(b"/ActualText ");
        self.out.extend(super::strings::content_string(text));
        self.out.extend_from_slice(b">> BDC\n");
        self.open = Some((tag, true));
    }

    /// Notes the box an element's picture covers (a figure's `/BBox`).
    fn cover(&mut self, tag: Tag, at: (Abs, Abs), size: (Abs, Abs)) {
        let Tag::Element(e) = tag else { return };
        let h = f64::from(self.height);
        let b = [
            at.0.to_pt(),
            h - (at.1 + size.1).to_pt(),
            (at.0 + size.0).to_pt(),
            h - at.1.to_pt(),
        ];
        match self.marks.boxes.iter_mut().find(|(id, _)| *id == e) {
            Some((_, a)) => {
                *a = [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ];
            }
            None => self.marks.boxes.push((e, b)),
        }
    }

    /// A vector graphic scaled into its box: its units mapped by one matrix (y flipped), each
    /// shape as a path filled, stroked or both. Inside `q … Q`, so the colours and line width
    /// the writer remembers stay true after it.
    fn vector(&mut self, graphic: &Vector, at: (Abs, Abs), size: (Abs, Abs)) {
        if graphic.width <= 0.0 || graphic.height <= 0.0 {
            return;
        }
        let sx = round3(size.0.to_pt() / graphic.width);
        let sy = round3(size.1.to_pt() / graphic.height);
        let tx = round3(at.0.to_pt());
        let ty = round3(f64::from(self.height) - at.1.to_pt());
        let _ = writeln!(self.out, "q\n{sx} 0 0 {} {tx} {ty} cm", -sy);
        for shape in &graphic.shapes {
            for segment in &shape.segments {
                let _ = match *segment {
                    Segment::Move(x, y) => writeln!(self.out, "{} {} m", round3(x), round3(y)),
                    Segment::Line(x, y) => writeln!(self.out, "{} {} l", round3(x), round3(y)),
                    Segment::Cubic(x1, y1, x2, y2, x, y) => writeln!(
                        self.out,
                        "{} {} {} {} {} {} c",
                        round3(x1),
                        round3(y1),
                        round3(x2),
                        round3(y2),
                        round3(x),
                        round3(y)
                    ),
                    Segment::Close => writeln!(self.out, "h"),
                };
            }
            if let Some((color, _)) = shape.fill {
                self.color(color);
                self.out.extend_from_slice(b"rg\n");
            }
            if let Some((color, width)) = shape.stroke {
                self.color(color);
                let _ = writeln!(self.out, "RG\n{} w", round3(width));
            }
            let even_odd = shape.fill.is_some_and(|(_, even_odd)| even_odd);
            let op: &[u8] = match (shape.fill.is_some(), shape.stroke.is_some(), even_odd) {
                (true, true, false) => b"B\n",
                (true, true, true) => b"B*\n",
                (true, false, false) => b"f\n",
                (true, false, true) => b"f*\n",
                (false, true, _) => b"S\n",
                (false, false, _) => b"n\n",
            };
            self.out.extend_from_slice(op);
        }
        self.out.extend_from_slice(b"Q\n");
    }

    fn color(&mut self, c: Color) {
        let _ = write!(self.out, "{} {} {} ", c.r, c.g, c.b);
    }

    /// One run: the text matrix at its origin, then its glyphs in one `TJ` with offsets that
    /// put each glyph exactly where layout placed it, measured against the `/W` widths.
    fn text(&mut self, run: &TextRun, font: &Font, index: usize) {
        let Some(first) = run.glyphs.first() else {
            return;
        };
        self.begin_text();
        let size = run.size.to_pt();
        let key = (index, size as f32);
        if self.font != Some(key) {
            let _ = writeln!(self.out, "/{} {} Tf", font.tag, size as f32);
            self.font = Some(key);
        }
        if self.fill != Some(run.color) {
            self.color(run.color);
            self.out.extend_from_slice(b"rg\n");
            self.fill = Some(run.color);
        }
        let at = (
            thousandths((run.x + first.x()).to_pt()),
            thousandths(f64::from(self.height) - run.y.to_pt()),
        );
        if at.0 == self.line.0 || self.line == (0, 0) {
            // From the origin (after `BT`) or straight down from the line before: a `Td`
            // move, shorter than a whole `Tm` matrix. Not sideways: a reader adds the move to
            // where the line was in floating point, and an x off by a rounding error puts a
            // glyph into another subpixel position (poppler then draws it differently).
            write_thousandths(&mut self.out, at.0 - self.line.0);
            self.out.push(b' ');
            write_thousandths(&mut self.out, at.1 - self.line.1);
            self.out.extend_from_slice(b" Td\n[(");
        } else {
            self.out.extend_from_slice(b"1 0 0 1 ");
            write_thousandths(&mut self.out, at.0);
            self.out.push(b' ');
            write_thousandths(&mut self.out, at.1);
            self.out.extend_from_slice(b" Tm\n[(");
        }
        self.line = at;
        // Track where the PDF pen really is and correct it only when it strays by half a
        // unit (1/2000 em) or more: kerning and justification become offsets, rounding noise
        // does not, which keeps the content stream small. The pen is counted in the units
        // themselves, from the first glyph: a whole number, so it never drifts, and no
        // division per glyph (the divisions were a third of writing a page's text).
        let units_per_pt = 1000.0 / size;
        let mut pen: i64 = 0;
        let mut open = true;
        for (i, g) in run.glyphs.iter().enumerate() {
            let (glyph, width) = font.glyph(g.id);
            if !open {
                self.out.push(b'(');
                open = true;
            }
            let at = self.out.len();
            code(&mut self.out, glyph);
            if let Some(glyphs) = &mut self.glyphs {
                glyphs.push((at, (self.out.len() - at) as u8, g.id));
            }
            pen += width;
            if let Some(next) = run.glyphs.get(i + 1) {
                let target = (next.x() - first.x()).to_pt() * units_per_pt;
                let units = round(target - pen as f64) as i64;
                if units != 0 {
                    pen += units;
                    let _ = write!(self.out, "){}", -units);
                    open = false;
                }
            }
        }
        if open {
            self.out.push(b')');
        }
        self.out.extend_from_slice(b"] TJ\n");
    }
}

/// A glyph code as the two bytes of a literal string, escaped where PDF requires it.
fn code(out: &mut Vec<u8>, code: u16) {
    for byte in code.to_be_bytes() {
        match byte {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', byte]),
            // A raw carriage return would be read as a line end.
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(byte),
        }
    }
}

/// A length in points as a whole number of 1/1000 point.
fn thousandths(v: f64) -> i64 {
    round(v * 1000.0) as i64
}

/// `v.round()` (halves away from zero), without a call into the C library: the x86-64
/// baseline has no rounding instruction, and the call was a fifth of writing a page's text.
/// Exact: below 2⁵² the truncation and the difference from it are exact in `f64`.
fn round(v: f64) -> f64 {
    // Also NaN and the infinities.
    if !v.is_finite() || v.abs() >= 4_503_599_627_370_496.0 {
        return v.round();
    }
    let whole = v as i64 as f64;
    let rest = v - whole;
    if rest >= 0.5 {
        whole + 1.0
    } else if rest <= -0.5 {
        whole - 1.0
    } else {
        whole
    }
}

/// A number of 1/1000 point written in points, without trailing zeros (`72`, `-14.49`).
fn write_thousandths(out: &mut Vec<u8>, m: i64) {
    if m < 0 {
        out.push(b'-');
    }
    let m = m.unsigned_abs();
    let _ = write!(out, "{}", m / 1000);
    let mut frac = m % 1000;
    if frac != 0 {
        let mut digits = 3;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        let _ = write!(out, ".{frac:0digits$}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_the_standard_librarys() {
        let mut values = vec![
            0.5,
            -0.5,
            1.5,
            2.5,
            -2.5,
            0.49999999999999994,
            -0.49999999999999994,
            4_503_599_627_370_495.5,
            4_503_599_627_370_497.0,
            -9.1e18,
            1e300,
            f64::INFINITY,
            f64::MIN_POSITIVE,
        ];
        // A spread of magnitudes and fractions, halves among them.
        let mut x = 0.000_123_f64;
        while x < 1e17 {
            for v in [x, x + 0.5, x.floor() + 0.5, -x, -(x.floor() + 0.5)] {
                values.push(v);
            }
            x *= 1.37;
        }
        for v in values {
            assert_eq!(
                round(v).to_bits() & !(1 << 63),
                v.round().to_bits() & !(1 << 63),
                "{v}"
            );
            assert_eq!(round(v), v.round(), "{v}");
        }
        assert!(round(f64::NAN).is_nan());
    }

    #[test]
    fn coordinates_are_written_to_the_thousandth_without_trailing_zeros() {
        let mut out = Vec::new();
        for v in [72.0, 738.1564, -0.25, 0.0004, 12.05] {
            write_thousandths(&mut out, thousandths(v));
            out.push(b' ');
        }
        assert_eq!(String::from_utf8(out).unwrap(), "72 738.156 -0.25 0 12.05 ");
    }

    /// A page of runs of the bundled regular face, each (x, y, glyph ids) set 6.1 pt apart,
    /// and its fonts.
    fn page_of_runs(runs: &[(f64, f64, &[u16])]) -> (crate::frame::Document, Vec<Font>) {
        let face = crate::fonts::bundled()
            .face(crate::fonts::Variant::Regular)
            .clone();
        let items = runs
            .iter()
            .map(|&(x, y, ids)| {
                let mut glyphs = crate::frame::Glyphs::default();
                for (i, &id) in ids.iter().enumerate() {
                    glyphs.push(id, Abs::pt(i as f64 * 6.1), "x");
                }
                Item::Text(TextRun {
                    face: face.clone(),
                    size: Abs::pt(10.0),
                    color: Color::BLACK,
                    x: Abs::pt(x),
                    y: Abs::pt(y),
                    glyphs,
                })
            })
            .collect();
        let doc = crate::frame::Document {
            pages: vec![Page {
                width: Abs::pt(600.0),
                height: Abs::pt(800.0),
                items,
            }],
            meta: Default::default(),
            structure: Default::default(),
        };
        let fonts = super::super::font::subset_all(&doc, &Default::default()).unwrap();
        (doc, fonts)
    }

    #[test]
    fn lines_below_each_other_move_by_td_and_sideways_ones_are_placed_by_tm() {
        let (doc, fonts) = page_of_runs(&[
            (72.0, 100.0, &[36]),
            (72.0, 114.49, &[36]),
            (90.5, 128.98, &[36]),
        ]);
        let (bytes, _) = page(&doc.pages[0], &doc.structure, &fonts, &[], None);
        let text = String::from_utf8_lossy(&bytes);
        let moves: Vec<&str> = text
            .lines()
            .filter(|l| l.ends_with(" Td") || l.ends_with(" Tm"))
            .collect();
        assert_eq!(
            moves,
            ["72 700 Td", "0 -14.49 Td", "1 0 0 1 90.5 671.02 Tm"],
            "{text}"
        );
    }

    /// The literal strings of a content stream, unescaped, and the stream with each emptied.
    fn strings(stream: &[u8]) -> (Vec<Vec<u8>>, Vec<u8>) {
        let (mut found, mut rest) = (Vec::new(), Vec::new());
        let mut bytes = stream.iter().copied();
        while let Some(b) = bytes.next() {
            rest.push(b);
            if b != b'(' {
                continue;
            }
            let mut string = Vec::new();
            while let Some(b) = bytes.next() {
                match b {
                    b')' => break,
                    b'\\' => string.push(match bytes.next() {
                        Some(b'r') => b'\r',
                        Some(other) => other,
                        None => break,
                    }),
                    other => string.push(other),
                }
            }
            rest.push(b')');
            found.push(string);
        }
        (found, rest)
    }

    /// The combined file's stream is the page's own but for the glyph codes: the glyphs' ids
    /// in the face instead of their codes in the subset, escaped on their own where either
    /// needs it (`(`, `)`, `\`, carriage return), whatever the lengths.
    #[test]
    fn a_page_for_combining_shows_the_same_glyphs_by_their_ids_in_the_face() {
        let ids: Vec<u16> = vec![
            36, 40, 41, 92, 13, 0x0128, 0x0129, 0x015C, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77,
        ];
        let (doc, fonts) = page_of_runs(&[(72.0, 100.0, &ids), (72.0, 120.0, &ids[3..9])]);
        let (own, original, _) =
            page_for_combining(&doc.pages[0], &doc.structure, &fonts, &[], None);
        assert_eq!(
            own,
            page(&doc.pages[0], &doc.structure, &fonts, &[], None).0
        );
        let (own_strings, own_rest) = strings(&own);
        let (original_strings, original_rest) = strings(&original);
        assert_eq!(own_rest, original_rest);
        let codes = |strings: &[Vec<u8>]| -> Vec<u16> {
            strings
                .iter()
                .flat_map(|s| s.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])))
                .collect()
        };
        let shown: Vec<u16> = ids.iter().chain(&ids[3..9]).copied().collect();
        assert_eq!(codes(&original_strings), shown);
        let subset: Vec<u16> = shown.iter().map(|&g| fonts[0].glyph(g).0).collect();
        assert_eq!(codes(&own_strings), subset);
        assert_ne!(subset, shown);
    }

    #[test]
    fn codes_are_two_bytes_escaped_where_needed() {
        let mut out = Vec::new();
        for c in [0x1F, 0x0028, 0x5C0D, 0xAB29] {
            code(&mut out, c);
        }
        assert_eq!(out, b"\0\x1F\0\\(\\\\\\r\xAB\\)");
    }
}
