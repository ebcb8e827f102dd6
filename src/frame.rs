//! Frames: the finished pages as plain data — positioned glyph runs, rules, images and links.
//!
//! This is the whole contract between layout and the PDF writer: layout produces a `Document`,
//! `pdf` consumes it. Coordinates have their origin at the top-left corner of the page with y
//! growing downwards (the PDF writer flips them). Nothing here knows about letters or Markdown.

use std::sync::Arc;

use crate::config::Color;
use crate::fonts::Face;
use crate::length::Abs;

/// A laid-out document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The pages, in order.
    pub pages: Vec<Page>,
    /// Title, author and the rest of the document information.
    pub meta: Meta,
    /// The logical structure: the elements the pages' `Item::Tag`s refer to.
    pub structure: Structure,
}

/// Document information.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    /// Title (the subject, or the file name).
    pub title: String,
    /// Author (the signer, or the organization).
    pub author: String,
    /// Subject.
    pub subject: String,
    /// Creation time, seconds since the Unix epoch.
    pub created: i64,
    /// Whether to write PDF/A-2b.
    pub pdfa: bool,
    /// The document's natural language (a BCP 47 tag, `en-US`); empty when unknown.
    pub lang: String,
}

/// One page.
#[derive(Debug, Clone)]
pub struct Page {
    /// Page width.
    pub width: Abs,
    /// Page height.
    pub height: Abs,
    /// What is drawn, in painting order.
    pub items: Vec<Item>,
}

/// Something drawn on a page.
#[derive(Debug, Clone)]
pub enum Item {
    /// What the items after this one (up to the next `Tag`) are in the logical structure.
    Tag(Tag),
    /// Glyphs of one face, size and colour on one baseline.
    Text(TextRun),
    /// A straight line.
    Rule {
        /// Start point.
        from: (Abs, Abs),
        /// End point.
        to: (Abs, Abs),
        /// Line thickness.
        thickness: Abs,
        /// Colour.
        color: Color,
    },
    /// A raster image scaled into a box.
    Image {
        /// The image.
        image: Arc<Image>,
        /// Left edge.
        x: Abs,
        /// Top edge.
        y: Abs,
        /// Width on the page.
        width: Abs,
        /// Height on the page.
        height: Abs,
    },
    /// A vector graphic (an SVG logo) scaled into a box.
    Vector {
        /// The graphic.
        graphic: Arc<Vector>,
        /// Left edge.
        x: Abs,
        /// Top edge.
        y: Abs,
        /// Width on the page.
        width: Abs,
        /// Height on the page.
        height: Abs,
    },
    /// A clickable area.
    Link {
        /// Left edge.
        x: Abs,
        /// Top edge.
        y: Abs,
        /// Width.
        width: Abs,
        /// Height.
        height: Abs,
        /// The URI (`https://…`, `mailto:…`).
        target: String,
    },
}

/// What drawn items are in the logical structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// Content of this element of the document's `Structure`.
    Element(ElementId),
    /// Not content: rules, marks, decoration.
    Artifact,
    /// Not content: running headers and footers, page numbers (repeated on every page).
    Pagination,
}

/// An element's index in its `Structure`.
pub type ElementId = usize;

/// The logical structure of a document: a tree of elements, in reading order. Element 0 is the
/// document itself; every other element has a parent created before it, and siblings are read
/// in the order they were created.
#[derive(Debug, Clone)]
pub struct Structure {
    elements: Vec<Element>,
}

impl Default for Structure {
    fn default() -> Self {
        Structure {
            elements: vec![Element::new(Role::Document, 0)],
        }
    }
}

impl Structure {
    /// The document element.
    pub const ROOT: ElementId = 0;

    /// Adds an element of `role` as the last child of `parent`.
    pub fn add(&mut self, parent: ElementId, role: Role) -> ElementId {
        let parent = parent.min(self.elements.len() - 1);
        self.elements.push(Element::new(role, parent));
        self.elements.len() - 1
    }

    /// Element `id`, to set its alternative text or language.
    pub fn get_mut(&mut self, id: ElementId) -> Option<&mut Element> {
        self.elements.get_mut(id)
    }

    /// Element `id`.
    pub fn get(&self, id: ElementId) -> Option<&Element> {
        self.elements.get(id)
    }

    /// All elements, the document first.
    pub fn elements(&self) -> &[Element] {
        &self.elements
    }
}

/// One element of the logical structure.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// What it is.
    pub role: Role,
    /// The element it is part of (the document's is itself).
    pub parent: ElementId,
    /// Alternative text: what a figure shows, or what a link does.
    pub alt: Option<String>,
    /// Its language, when it differs from the document's (a BCP 47 tag).
    pub lang: Option<String>,
}

impl Element {
    fn new(role: Role, parent: ElementId) -> Element {
        Element {
            role,
            parent,
            alt: None,
            lang: None,
        }
    }
}

/// Standard structure types (ISO 32000-1, §14.8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The whole document.
    Document,
    /// A section.
    Sect,
    /// A generic block.
    Div,
    /// A paragraph.
    P,
    /// A heading of level 1 to 6.
    H(u8),
    /// A list.
    L,
    /// A list item.
    LI,
    /// A list item's label (bullet, number).
    Lbl,
    /// A list item's body.
    LBody,
    /// A quotation of one or more paragraphs.
    BlockQuote,
    /// A table.
    Table,
    /// A table's header rows.
    THead,
    /// A table's body rows.
    TBody,
    /// A table row.
    TR,
    /// A header cell, heading its column.
    TH,
    /// A data cell.
    TD,
    /// Computer code.
    Code,
    /// A link: its text and its annotations.
    Link,
    /// A picture; needs alternative text.
    Figure,
}

impl Role {
    /// The PDF name of the structure type.
    pub fn name(self) -> &'static str {
        match self {
            Role::Document => "Document",
            Role::Sect => "Sect",
            Role::Div => "Div",
            Role::P => "P",
            Role::H(1) => "H1",
            Role::H(2) => "H2",
            Role::H(3) => "H3",
            Role::H(4) => "H4",
            Role::H(5) => "H5",
            Role::H(_) => "H6",
            Role::L => "L",
            Role::LI => "LI",
            Role::Lbl => "Lbl",
            Role::LBody => "LBody",
            Role::BlockQuote => "BlockQuote",
            Role::Table => "Table",
            Role::THead => "THead",
            Role::TBody => "TBody",
            Role::TR => "TR",
            Role::TH => "TH",
            Role::TD => "TD",
            Role::Code => "Code",
            Role::Link => "Link",
            Role::Figure => "Figure",
        }
    }
}

/// A run of glyphs on one baseline.
#[derive(Debug, Clone)]
pub struct TextRun {
    /// The face.
    pub face: Arc<Face>,
    /// Font size.
    pub size: Abs,
    /// Fill colour.
    pub color: Color,
    /// Baseline origin, left.
    pub x: Abs,
    /// Baseline origin, top-down.
    pub y: Abs,
    /// The glyphs, left to right.
    pub glyphs: Glyphs,
}

/// A glyph at a position relative to its run's origin: six bytes, as a long letter holds
/// millions (with the position as an `f64` and a 32-bit text length they took 16, and with a
/// 16-bit text length and 4-byte alignment 8: the largest part of a 1,000-page letter's
/// memory). What text a glyph stands for is kept by its run ([`Glyphs::with_text`]).
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C, packed(2))]
pub struct PlacedGlyph {
    /// Horizontal position from the run's origin, in 1/65,536 pt: within 8 × 10⁻⁶ pt of where
    /// layout put it, a thousandth of the 1/1000 em a content stream places glyphs to.
    x: i32,
    /// Glyph id in the run's face.
    pub id: u16,
}

/// Units of `PlacedGlyph::x` in a point.
const GLYPH_UNITS_PER_PT: f64 = 65_536.0;

impl PlacedGlyph {
    /// Horizontal position from the run's origin.
    pub fn x(&self) -> Abs {
        Abs::pt(f64::from(self.x) / GLYPH_UNITS_PER_PT)
    }

    /// `x` in the units it is kept in (beyond ±32,768 pt, which no page reaches, held at the
    /// limit).
    fn units(x: Abs) -> i32 {
        // `as` saturates, and takes NaN to 0.
        (x.to_pt() * GLYPH_UNITS_PER_PT).round() as i32
    }
}

/// The glyphs of a run, left to right, with the text each stands for (for copy and paste: a
/// ligature stands for several letters; the later glyphs of a multi-glyph cluster stand for
/// nothing). The texts are kept end to end in one string rather than one string per glyph: a
/// long letter has millions of glyphs, and a string each tripled the memory it took.
///
/// A clone shares the glyphs (they are copied only when one of the two is changed): a
/// paragraph set again from the cache of set paragraphs (`compose::reuse`), as every letter of
/// a merge does with the template's, costs no copy of its lines' glyphs and no memory for
/// them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Glyphs(Arc<GlyphList>);

#[derive(Debug, Clone, Default, PartialEq)]
struct GlyphList {
    placed: Vec<PlacedGlyph>,
    text: String,
    /// The glyphs that do not stand for exactly one character of `text`, in order, each as
    /// (its index in `placed`, the bytes of text it stands for): a ligature, the later glyphs
    /// of a cluster (nothing), a letter under combining marks. Most glyphs stand for one
    /// character, so their lengths follow from the text itself.
    other_lengths: Vec<(u32, u32)>,
}

impl Glyphs {
    /// Adds a glyph standing for `text`.
    pub fn push(&mut self, id: u16, x: Abs, text: &str) {
        let list = Arc::make_mut(&mut self.0);
        let mut chars = text.chars();
        let one_char = chars.next().is_some() && chars.next().is_none();
        if !one_char {
            // A run of over 4 G glyphs, or a cluster of over 4 GB, cannot occur (letters are
            // limited far below that); saturating keeps the lengths honest even so.
            let index = u32::try_from(list.placed.len()).unwrap_or(u32::MAX);
            let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
            list.other_lengths.push((index, len));
            list.text.push_str(&text[..len as usize]);
        } else {
            list.text.push_str(text);
        }
        list.placed.push(PlacedGlyph {
            x: PlacedGlyph::units(x),
            id,
        });
    }

    /// The number of glyphs.
    pub fn len(&self) -> usize {
        self.0.placed.len()
    }

    /// Whether there are no glyphs.
    pub fn is_empty(&self) -> bool {
        self.0.placed.is_empty()
    }

    /// The first glyph.
    pub fn first(&self) -> Option<&PlacedGlyph> {
        self.0.placed.first()
    }

    /// Glyph `i`.
    pub fn get(&self, i: usize) -> Option<&PlacedGlyph> {
        self.0.placed.get(i)
    }

    /// The glyphs in order.
    pub fn iter(&self) -> std::slice::Iter<'_, PlacedGlyph> {
        self.0.placed.iter()
    }

    /// The glyphs in order, each with the text it stands for.
    pub fn with_text(&self) -> impl Iterator<Item = (&PlacedGlyph, &str)> {
        let list = &*self.0;
        let mut at = 0;
        let mut others = list.other_lengths.iter().peekable();
        list.placed.iter().enumerate().map(move |(i, g)| {
            let len = match others.next_if(|&&(index, _)| index as usize == i) {
                Some(&(_, len)) => len as usize,
                // One character: as many bytes as its first byte says (`at` is at a
                // character's start, as every glyph's text was pushed whole).
                None => list.text.as_bytes().get(at).map_or(0, |&b| utf8_len(b)),
            };
            let end = (at + len).min(list.text.len());
            let text = &list.text[at..end];
            at = end;
            (g, text)
        })
    }

    /// The text of all the glyphs.
    pub fn text(&self) -> &str {
        &self.0.text
    }

    /// Moves every glyph `dx` to the right.
    pub fn shift(&mut self, dx: Abs) {
        for g in &mut Arc::make_mut(&mut self.0).placed {
            g.x = PlacedGlyph::units(g.x() + dx);
        }
    }

    /// Gives back spare capacity (a line's runs are built glyph by glyph), unless the glyphs
    /// are shared: then they were given back before they were first cloned.
    pub fn shrink_to_fit(&mut self) {
        if let Some(list) = Arc::get_mut(&mut self.0) {
            list.placed.shrink_to_fit();
            list.text.shrink_to_fit();
            list.other_lengths.shrink_to_fit();
        }
    }
}

/// The length in bytes of a UTF-8 character that starts with `first`.
fn utf8_len(first: u8) -> usize {
    match first {
        0..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// A vector graphic: filled and stroked paths in its own units, y downwards, within
/// `width` × `height`.
#[derive(Debug, Clone, PartialEq)]
pub struct Vector {
    /// Width in its units.
    pub width: f64,
    /// Height in its units.
    pub height: f64,
    /// The shapes, painted in order.
    pub shapes: Vec<Shape>,
    /// What of the source could not be drawn as it is (gradients, text, …), for a warning.
    pub left_out: Vec<String>,
}

/// One path of a vector graphic, filled, stroked or both.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The outline.
    pub segments: Vec<Segment>,
    /// Fill colour, and whether the even-odd rule decides what is inside (else non-zero).
    pub fill: Option<(Color, bool)>,
    /// Stroke colour and width (in the graphic's units).
    pub stroke: Option<(Color, f64)>,
}

/// A piece of an outline, in the graphic's units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Segment {
    /// Start a subpath.
    Move(f64, f64),
    /// A straight line.
    Line(f64, f64),
    /// A cubic Bézier curve: two control points, then the end.
    Cubic(f64, f64, f64, f64, f64, f64),
    /// Close the subpath.
    Close,
}

/// A logo: a raster image, or a vector graphic from an SVG file.
#[derive(Debug, Clone)]
pub enum Logo {
    /// PNG or JPEG.
    Raster(Arc<Image>),
    /// SVG.
    Vector(Arc<Vector>),
}

/// A raster image as the PDF stores it: already compressed, never as decoded pixels (a logo
/// is kept for a whole batch, and pixels are ten to a hundred times its compressed size).
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// Width in pixels, as the image is seen (after its orientation).
    pub width: u32,
    /// Height in pixels, as the image is seen.
    pub height: u32,
    /// How the stored pixels are turned to be seen upright: the EXIF orientation, 1 to 8
    /// (1: as stored; 6: stored rotated a quarter turn anticlockwise, shown turned clockwise).
    pub orientation: u8,
    /// The samples.
    pub data: ImageData,
    /// The size of the file's pixels when they were more than the image can print at 300 dpi
    /// and were averaged down on load (for a warning); `None` when kept as they were.
    pub reduced_from: Option<(u32, u32)>,
    /// Identity of the content: the same file (at the same size) loaded twice gives the same
    /// digest, so a PDF stores it once.
    pub digest: u128,
}

impl Image {
    /// Whether the orientation swaps width and height (a quarter turn, or a transposition).
    pub fn transposed(&self) -> bool {
        self.orientation >= 5
    }

    /// Width and height of the stored pixels (before the orientation turns them).
    pub fn stored_size(&self) -> (u32, u32) {
        if self.transposed() {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }
}

/// The samples of an image, compressed as a PDF image stream carries them.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageData {
    /// A JPEG file's own bytes (baseline or progressive, 8-bit), written unchanged.
    Jpeg {
        /// The file.
        bytes: Arc<[u8]>,
        /// Colour components: 1 (gray), 3 (RGB) or 4 (CMYK).
        components: u8,
        /// Whether the samples are inverted, as Adobe (APP14) CMYK JPEGs store them.
        inverted: bool,
    },
    /// zlib-compressed rows, each led by its PNG filter byte (PDF's PNG predictors).
    Flate {
        /// The colour of a sample.
        colour: Colour,
        /// Bits per sample: 1, 2, 4 or 8.
        bits: u8,
        /// The compressed rows.
        data: Vec<u8>,
        /// Opacity, one 8-bit sample per pixel, compressed the same way; `None` when opaque.
        alpha: Option<Vec<u8>>,
    },
}

/// The colour of an image's samples.
#[derive(Debug, Clone, PartialEq)]
pub enum Colour {
    /// One gray sample.
    Gray,
    /// Red, green, blue.
    Rgb,
    /// An index into a palette of RGB triples.
    Indexed(Vec<u8>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyphs_give_back_their_texts_and_positions() {
        let long = "e\u{301}".repeat(40_000); // 120,000 bytes: one cluster
        let mut glyphs = Glyphs::default();
        glyphs.push(1, Abs::pt(0.0), "a");
        glyphs.push(2, Abs::pt(5.25), &long);
        glyphs.push(3, Abs::pt(7.0), "");
        glyphs.push(4, Abs::pt(612.123_456), &long[..70_000]);
        glyphs.push(5, Abs::pt(-3.5), "fi");
        glyphs.push(6, Abs::pt(1.0), "é");
        glyphs.push(7, Abs::pt(2.0), "\u{2019}");
        glyphs.push(8, Abs::pt(3.0), "\u{1F600}");
        glyphs.push(9, Abs::pt(4.0), "e\u{301}");
        glyphs.push(10, Abs::pt(5.0), "");
        let got: Vec<(u16, f64, usize)> = glyphs
            .with_text()
            .map(|(g, t)| (g.id, g.x().to_pt(), t.len()))
            .collect();
        assert_eq!(got.len(), 10);
        let want = [
            (1, 0.0, 1),
            (2, 5.25, 120_000),
            (3, 7.0, 0),
            (4, 612.123_456, 70_000),
            (5, -3.5, 2),
            (6, 1.0, 2),
            (7, 2.0, 3),
            (8, 3.0, 4),
            (9, 4.0, 3),
            (10, 5.0, 0),
        ];
        for ((id, x, len), (wid, wx, wlen)) in got.into_iter().zip(want) {
            assert_eq!((id, len), (wid, wlen));
            assert!((x - wx).abs() <= 0.5 / 65_536.0, "{x} for {wx}");
        }
        assert_eq!(
            glyphs.text().len(),
            1 + 120_000 + 70_000 + 2 + 2 + 3 + 4 + 3
        );
        assert!(glyphs.text().ends_with("fié\u{2019}\u{1F600}e\u{301}"));
    }

    #[test]
    fn a_placed_glyph_takes_six_bytes() {
        assert_eq!(std::mem::size_of::<PlacedGlyph>(), 6);
    }

    #[test]
    fn a_clone_shares_its_glyphs_until_one_of_them_changes() {
        let mut a = Glyphs::default();
        a.push(7, Abs::pt(1.0), "x");
        let mut b = a.clone();
        assert!(Arc::ptr_eq(&a.0, &b.0));
        b.shift(Abs::pt(2.0));
        assert!(!Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a.first().map(|g| g.x().to_pt()), Some(1.0));
        assert_eq!(b.first().map(|g| g.x().to_pt()), Some(3.0));
    }
}
