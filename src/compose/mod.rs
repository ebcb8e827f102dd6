//! Composition: a parsed letter on its letterhead becomes a laid-out `frame::Document`. The
//! recipe:
//!
//! 1. letterhead — page one's head, and where the letter starts below it;
//! 2. flow — the letter's parts in order (date, recipient, subject, salutation, body, closing
//!    and signature, notations) become blocks of set lines (`paragraph`) with keep rules;
//! 3. paginate — the blocks are split into pages (`paginate`): page one is shorter, because the
//!    letterhead stands at its top. The gaps between paragraphs, before the closing and the
//!    signing space are glue that may shrink (within the limits below) to pull a last page that
//!    would hold only notations back onto the page before;
//! 4. decorate — once the page count is known: the letterhead and fold marks on page one, the
//!    continuation header ("Page N of M") on later pages, the footer on every page; lines are
//!    placed at the heights their page's glue is set to.
//!
//! Each part is tagged as it is set (`tags`): the letterhead a `Sect`, the parts of the letter
//! paragraphs, headings, lists, quotes and tables in the order of the source; what is not
//! content (rules, marks, the continuation header, the footer) is an artifact.
//!
//! Each part of the letter has its room: `letterhead` (page one's head), `window` (the
//! address field, the DIN information block, the fold marks), `opening` (date, recipient,
//! subject, salutation), `body` (the Markdown blocks; `table` for tables), `signature` (closing
//! and signatories), `notations` (enclosures, cc, P.S.), `continuation` (the header of later
//! pages) and `footer`; `links`, `tags` and `reuse` serve them, and `envelope` addresses the
//! envelope. This module holds the recipe, the flow's shared types and the setting of lines.
//!
//! It knows the letter and the letterhead but not how a PDF is written.

use std::borrow::Cow;
use std::sync::Arc;

use crate::config::{Color, Letterhead};
use crate::diag::Diagnostic;
use crate::fonts::{Family, Variant};
use crate::frame::{self, ElementId, Item, Role, Structure, Tag, TextRun};
use crate::lang::Language;
use crate::length::Abs;
use crate::letter::Letter;
use crate::markdown::Block;
use crate::paginate;
use crate::paragraph::{self, Line, ParStyle, Span, Warning};

mod body;
mod continuation;
pub mod envelope;
mod footer;
mod letterhead;
mod links;
mod notations;
mod opening;
mod reuse;
mod signature;
mod table;
mod tags;
mod window;

use tags::{LineTags, OpenLink, draw_tagged, tag_line};

/// Words that open a recipient's name line, in the languages letterhead sets (without a
/// full stop): the line is a name.
const FORMS_OF_ADDRESS: [&str; 20] = [
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Herrn", "Herr", "Frau", "Familie", "M", "Mme", "Mlle",
    "Monsieur", "Madame", "Sr", "Sra", "Srta", "Don", "Doña",
];
/// Space between paragraphs, in line heights (a block letter leaves a blank line).
const PARAGRAPH_GAP: f64 = 0.8;
/// The least a paragraph gap (and the space before the closing or a notation) shrinks to when a
/// sparse last page is pulled back, in line heights.
const PARAGRAPH_GAP_MIN: f64 = 0.5;
/// Space between list items, in line heights.
const ITEM_GAP: f64 = 0.25;
/// Indent of each list or quote level, in em.
const INDENT_EM: f64 = 1.6;
/// Space left to sign in, in line heights.
const SIGNING_SPACE: f64 = 3.5;
/// The least the space to sign in shrinks to when a sparse last page is pulled back, in line
/// heights; a scanned signature is sized to fit it.
const SIGNING_SPACE_MIN: f64 = 3.0;
/// Size of the organization's name, relative to the body size.
const NAME_SCALE: f64 = 1.9;
/// Size of the tagline and contact lines, relative to the body size.
const SMALL_SCALE: f64 = 0.78;
/// Letter-spacing of the capitalised tagline, in em. Kept under a tenth of an em so that text
/// extraction still sees words rather than letters.
const TAGLINE_TRACKING: f64 = 0.06;
/// An image reduced on load to a fourth of its side or less is reported (see `reduced_warning`).
const REDUCED_WARNING_FACTOR: u32 = 4;
/// Height of the logo, relative to the body size.
const LOGO_SCALE: f64 = 4.0;
/// A line may run this far past its measure without failing the letter: under a tenth of a
/// millimetre, which no reader sees.
const OVERFULL_TOLERANCE: Abs = Abs::pt(0.25);

/// What composition needs besides the letter and the letterhead.
pub struct Input<'a> {
    /// The letter.
    pub letter: &'a Letter,
    /// Its parsed body: borrowed, or owned, and then freed as soon as it is set (a long
    /// letter's parsed Markdown is megabytes that the pages do not need).
    pub body: Cow<'a, [Block]>,
    /// The letterhead.
    pub letterhead: &'a Letterhead,
    /// The font family.
    pub family: &'a Family,
    /// The decoded logo, if the letterhead has one.
    pub logo: Option<frame::Logo>,
    /// The scanned signature, if the letter has one.
    pub signature_images: Vec<Option<Arc<frame::Image>>>,
    /// The date line's text.
    pub date: String,
    /// The front matter's `your-letter`, formatted.
    pub your_letter: Option<String>,
    /// Creation time for the PDF, seconds since the epoch.
    pub created: i64,
}

#[derive(Clone)]
struct FlowLine {
    /// Left edge of the line, from the left margin.
    indent: Abs,
    /// Line box height (baseline to baseline).
    height: Abs,
    line: Line,
    /// Size of the line's text.
    size: Abs,
    /// Extra drawings relative to (left margin, line top): list markers, quote rules.
    extras: Vec<Item>,
    /// Space at the bottom of the line box, below the text (the signing space under the
    /// closing).
    space_below: Abs,
    /// How much of `space_below` may be given up to pull a sparse last page back.
    shrink: Abs,
    /// Quote bars beside the line: (x from the left margin, the quote's id). A bar runs on
    /// through the gap above the line when the line above on the page has the same one.
    bars: Vec<(Abs, usize)>,
    /// The structure element of each of the line's runs and links.
    tags: LineTags,
}

impl FlowLine {
    /// A line of text and nothing else: no extras, no space below, no quote bars.
    fn plain(line: Line, indent: Abs, height: Abs, size: Abs, tags: LineTags) -> FlowLine {
        FlowLine {
            indent,
            height,
            line,
            size,
            extras: Vec::new(),
            space_below: Abs::ZERO,
            shrink: Abs::ZERO,
            bars: Vec::new(),
            tags,
        }
    }
}

struct FlowBlock {
    lines: Vec<FlowLine>,
    space_before: Abs,
    /// How much of `space_before` may be given up to pull a sparse last page back.
    space_shrink: Abs,
    /// Enclosures, cc or P.S.: they should not stand alone on the last page.
    notation: bool,
    keep_together: bool,
    keep_with_next: bool,
    keep_lines_before: usize,
    /// The block drawn again above this one when a page starts with it (a table's header row
    /// above its body rows).
    header: Option<usize>,
}

struct Composer<'a> {
    input: &'a Input<'a>,
    size: Abs,
    line_height: Abs,
    width: Abs,
    warnings: Vec<Diagnostic>,
    blocks: Vec<FlowBlock>,
    /// Variants already reported as missing from the family.
    missing_variants: Vec<Variant>,
    /// Control characters already reported for this letter.
    controls_reported: Vec<char>,
    /// Where the text being set comes from, for diagnostics.
    origin: Origin,
    /// The lowest point of the letterhead on page one.
    letterhead_bottom: Abs,
    /// The first problem found while setting text that would make the page wrong (text past
    /// the margin): the letter fails with it once composition is done.
    damage: Option<Box<Diagnostic>>,
    /// The logical structure, built in reading order as the parts are set.
    structure: Structure,
    /// The level of the last heading tagged (the subject's is 1), so that none is skipped.
    heading: u8,
    /// Proper names from the front matter and the letterhead, which the body hyphenates only
    /// when nothing else will do (`paragraph::proper_names`).
    names: Arc<[String]>,
}

/// Where the text being set comes from, so that a warning about it points into the right file.
#[derive(Debug, Clone, Copy)]
enum Origin {
    /// The letter, from this byte offset on (0 for the front matter).
    Letter(usize),
    /// A value in letterhead.toml, by its keys.
    Letterhead(&'static [&'static str]),
}

/// The largest box a letterhead's logo can print in, (width, height): its height is set, its
/// width follows the image's shape and stays within the page. An image is kept at 300 dpi of
/// this box (`image::load`), which is known before the image is.
pub fn logo_box(lh: &Letterhead) -> (Abs, Abs) {
    let height = lh
        .organization
        .logo_height
        .as_ref()
        .map_or(lh.style.size * LOGO_SCALE, |h| h.0);
    (lh.page.width, height)
}

pub use signature::signature_box;

/// The warning for an image that had far more pixels than it can print with, and was reduced
/// on load: worth knowing (the file could be smaller), not a fault in the letter.
fn reduced_warning(what: &str, image: &frame::Image) -> Option<Diagnostic> {
    let (w, h) = image.reduced_from?;
    // An ordinary logo of a few hundred pixels is reduced too, quietly: only a file that holds
    // many times what it prints with (a scan at 1,200 dpi and more) is worth a word, since it
    // costs time and memory on every letter.
    if w.max(h)
        < image
            .width
            .max(image.height)
            .saturating_mul(REDUCED_WARNING_FACTOR)
    {
        return None;
    }
    Some(
        Diagnostic::warning(format!(
            "the {what} ({w} × {h} pixels) has far more pixels than it prints with at {:.0} dpi; \
             it was reduced to {} × {} pixels",
            crate::image::KEEP_DPI,
            image.width,
            image.height
        ))
        .hint("save a smaller image to load faster and use less memory"),
    )
}

/// The first line of text that would print past a page's edge, as an error; text set
/// within the margins never does, so this names the page and the text.
fn text_off_the_page(pages: &[frame::Page]) -> Option<Diagnostic> {
    for (n, page) in pages.iter().enumerate() {
        for item in &page.items {
            let Item::Text(run) = item else { continue };
            let top = run.y - run.size * run.face.ascender.min(1.0);
            let bottom = run.y + run.size * (-run.face.descender).min(0.5);
            let off = (-top).max(bottom - page.height).max(-run.x);
            if off > Abs::pt(0.5) {
                let text: String = run.glyphs.text().chars().take(40).collect();
                return Some(
                    Diagnostic::error(format!(
                        "`{}` on page {} would print {:.1} mm past the page's edge",
                        text.trim(),
                        n + 1,
                        off.to_mm()
                    ))
                    .hint("make the margins larger, or the letterhead shorter"),
                );
            }
        }
    }
    None
}

/// The words of the proper names the letter's front matter and letterhead give: the
/// recipient's name line (the first line of the address, and any line that starts with a form
/// of address, such as `Herrn` or `Ms.`), the signatories' names and the organization's name.
fn names(input: &Input<'_>) -> Vec<String> {
    let front = &input.letter.front;
    let addressed = |line: &&String| {
        let first = line.split_whitespace().next().unwrap_or_default();
        FORMS_OF_ADDRESS.contains(&first.trim_end_matches('.'))
    };
    let recipient = front
        .to
        .first()
        .into_iter()
        .chain(front.to.iter().skip(1).filter(addressed));
    let signatories = front.signatories().into_iter().map(|s| &s.name);
    paragraph::proper_names(
        recipient
            .chain(signatories)
            .map(String::as_str)
            .chain([input.letterhead.organization.name.as_str()]),
    )
}

/// Lays out a letter.
///
/// # Errors
///
/// What the layout cannot place: a recipient block that does not fit its window.
pub fn compose(mut input: Input<'_>) -> crate::diag::Result<(frame::Document, Vec<Diagnostic>)> {
    let body = std::mem::take(&mut input.body);
    let input = &input;
    let lh = input.letterhead;
    let mut composer = Composer::new(input, Structure::default());
    // 1. the letterhead (first: the flow below it depends on how tall it is), and what goes
    // in and beside the address field (before the flow: it comes first in reading order)
    let page = &lh.page;
    // On a designer's stationery, its letterhead is printed: ours only when asked for.
    let (mut letterhead_items, mut body_top) = match &lh.stationery {
        Some(s) if !s.draw_letterhead => (Vec::new(), page.top),
        _ => composer.letterhead()?,
    };
    // The DIN information block stands at 125 mm and is 75 mm wide: a narrower page than A4
    // cannot hold the layout at all (a wider one, US Letter, only risks the window).
    if page.layout.is_din() && page.width < Abs::mm(209.0) {
        let d = Diagnostic::error(format!(
            "the DIN 5008 layouts need a page as wide as A4 (210 mm) for the address field and the information block; this page is {:.0} mm wide",
            page.width.to_mm()
        ))
        .hint("use size = \"a4\", or layout = \"block\"");
        return Err(composer.letterhead_error(&["page", "layout"], d));
    }
    if let Some(field) = window::field(page) {
        let (items, bottom) = composer.window_items(&field)?;
        letterhead_items.extend(items);
        body_top = body_top.max(bottom + composer.line_height * 1.5);
    }
    let marks_end = Abs::mm(window::MARK_LEFT_MM + window::PUNCH_MARK_MM + 1.0);
    if page.fold_marks && page.left < marks_end {
        let d = Diagnostic::error(format!(
            "the fold and punch marks stand {:.0} to {:.0} mm from the left edge, and the left margin is {:.1} mm: they would print over the text",
            window::MARK_LEFT_MM,
            window::MARK_LEFT_MM + window::PUNCH_MARK_MM,
            page.left.to_mm()
        ))
        .hint(format!(
            "make the left margin {:.0} mm or more, or set fold-marks = false",
            marks_end.to_mm().round()
        ));
        return Err(composer.letterhead_error(&["page", "margins"], d));
    }
    // 2. flow
    composer.flow(body);
    // 3. paginate
    if page.layout.is_din()
        && ((page.width.to_mm() - 210.0).abs() > 1.0 || (page.height.to_mm() - 297.0).abs() > 1.0)
    {
        composer.letterhead_warning(
            &["page", "layout"],
            Diagnostic::warning(format!(
                "the DIN 5008 layouts are made for A4; this page is {:.0} × {:.0} mm, so the address may miss the window",
                page.width.to_mm(),
                page.height.to_mm()
            ))
            .hint("use size = \"a4\", or layout = \"block\" (with window = \"us-10\" for US envelopes)"),
        );
    }
    let header_height = composer.line_height * 2.0;
    // The footer columns take room above the bottom margin of the pages they are on.
    let (columns, columns_height) = composer.footer_columns();
    let on_later = lh.footer.columns_on == crate::config::ColumnsOn::EveryPage;
    let first_height = page.height - page.bottom - body_top - columns_height;
    let later_height = page.height
        - page.bottom
        - page.top
        - header_height
        - if on_later { columns_height } else { Abs::ZERO };
    // Pages must hold a few lines of the letter, or its content would have nowhere to go.
    let least = composer.line_height * 3.0;
    let checks: [(Abs, &str, &'static [&'static str]); 2] = [
        (
            first_height,
            "page one, under the letterhead,",
            &["organization"],
        ),
        (later_height, "later pages", &["page", "margins"]),
    ];
    for (height, which, keys) in checks {
        if height < least {
            let d = Diagnostic::error(format!(
                "{which} would hold {:.0} mm of the letter, less than three lines",
                height.to_mm().max(0.0)
            ))
            .hint("make the letterhead, the margins or the footer columns smaller");
            return Err(composer.letterhead_error(keys, d));
        }
    }
    let pblocks: Vec<paginate::Block> = composer
        .blocks
        .iter()
        .map(|b| paginate::Block {
            lines: b.lines.iter().map(|l| l.height).collect(),
            space_before: b.space_before,
            keep_together: b.keep_together,
            keep_with_next: b.keep_with_next,
            keep_lines_before: b.keep_lines_before,
            orphans: 2,
            widows: 2,
            space_shrink: b.space_shrink,
            line_shrink: b.lines.iter().map(|l| l.shrink).collect(),
            notation: b.notation,
            // The header's lines, and the gap between rows.
            head_room: b.header.map_or(Abs::ZERO, |h| {
                composer.blocks[h]
                    .lines
                    .iter()
                    .map(|l| l.height)
                    .sum::<Abs>()
                    + composer.line_height * ITEM_GAP
            }),
            hyphenated: (0..b.lines.len())
                .filter(|&i| {
                    b.lines[i]
                        .line
                        .runs
                        .last()
                        .is_some_and(|r| r.glyphs.text().ends_with('-'))
                })
                .collect(),
        })
        .collect();
    let pages = paginate::paginate(&pblocks, &|n| {
        if n == 0 { first_height } else { later_height }
    });
    // 4. decorate. Each line goes on one page, and moves there, at the height its page's glue
    // is set to; a repeated table header is copied, once for each page it heads.
    let flow = std::mem::take(&mut composer.blocks);
    let headers: Vec<Option<usize>> = flow.iter().map(|b| b.header).collect();
    let header_lines: std::collections::BTreeMap<usize, Vec<FlowLine>> = headers
        .iter()
        .flatten()
        .map(|&h| (h, flow[h].lines.clone()))
        .collect();
    let mut blocks: Vec<Vec<Option<FlowLine>>> = flow
        .into_iter()
        .map(|b| b.lines.into_iter().map(Some).collect())
        .collect();
    let total = pages.len().max(1);
    let footer = composer.footer();
    let mut out = Vec::with_capacity(total);
    for n in 0..total {
        let mut items = Vec::new();
        let top = if n == 0 {
            items.extend(letterhead_items.iter().cloned());
            body_top
        } else {
            items.push(Item::Tag(Tag::Pagination));
            items.extend(composer.continuation_header(n, total));
            page.top + header_height
        };
        if let Some(p) = pages.get(n) {
            let mut bars = Bars::default();
            if let Some(first) = p.pieces.first()
                && let Some(lines) = headers[first.block].and_then(|h| header_lines.get(&h))
            {
                let mut y = top;
                for mut line in lines.iter().cloned() {
                    // A repeated header row is not content again: an artifact.
                    line.tags = LineTags::default();
                    let height = line.height;
                    composer.draw_line(line, page.left, y, &mut bars, &mut items);
                    y += height;
                }
            }
            for piece in &p.pieces {
                let mut y = top + piece.y;
                for (i, line) in piece
                    .lines
                    .clone()
                    .zip(&mut blocks[piece.block][piece.lines.clone()])
                {
                    let Some(mut line) = line.take() else {
                        continue;
                    };
                    let height = pblocks[piece.block].set_height(i, p.shrink);
                    let given = line.height - height;
                    line.height = height;
                    line.space_below = (line.space_below - given).max(Abs::ZERO);
                    // A scanned signature stays centred in the signing space that is left.
                    for extra in &mut line.extras {
                        if let Item::Image { y, .. } = extra {
                            *y -= given / 2.0;
                        }
                    }
                    composer.draw_line(line, page.left, y, &mut bars, &mut items);
                    y += height;
                }
                // A block whose last line is drawn is done with: a long letter's lines do not
                // wait for the whole document.
                if piece.lines.end >= blocks[piece.block].len() {
                    blocks[piece.block] = Vec::new();
                }
            }
        }
        items.push(Item::Tag(Tag::Pagination));
        items.extend(footer.iter().cloned());
        if n == 0 || on_later {
            items.extend(columns.iter().cloned());
        }
        // Fold and punch marks are for the sheet folded into the window envelope: page one.
        if n == 0 {
            items.push(Item::Tag(Tag::Artifact));
            items.extend(composer.fold_marks());
        }
        out.push(frame::Page {
            width: page.width,
            height: page.height,
            items,
        });
    }
    let front = &input.letter.front;
    let file_stem = input
        .letter
        .source
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let meta = frame::Meta {
        // A title always (PDF/UA shows it instead of the file name): the subject, else whom
        // the letter is to.
        title: front
            .subject
            .clone()
            .or_else(|| front.to.first().map(|to| format!("Letter to {to}")))
            .unwrap_or(file_stem),
        author: Some(
            front
                .signatories()
                .iter()
                .map(|s| s.name.as_str())
                .filter(|n| !n.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
        )
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| lh.organization.name.clone()),
        subject: front.subject.clone().unwrap_or_default(),
        created: input.created,
        pdfa: lh.page.pdfa,
        lang: lh.style.language.clone(),
    };
    if let Some(damage) = composer.damage.take() {
        return Err(damage);
    }
    // The last safety net: whatever arrangement or margins led there, no text is printed
    // past the page's edges (a letterhead taller than the page, margins of nothing).
    if let Some(d) = text_off_the_page(&out) {
        return Err(composer.letterhead_error(&["page", "margins"], d));
    }
    // A warning about the continuation header would otherwise come once per page.
    let mut warnings = composer.warnings;
    let mut seen = std::collections::BTreeSet::new();
    warnings.retain(|w| seen.insert((w.message.clone(), w.path.clone(), w.line_col())));
    Ok((
        frame::Document {
            pages: out,
            meta,
            structure: std::mem::take(&mut composer.structure),
        },
        warnings,
    ))
}

impl<'a> Composer<'a> {
    /// A composer for `input` in its letterhead's body style, adding to `structure`.
    fn new(input: &'a Input<'a>, structure: Structure) -> Composer<'a> {
        let lh = input.letterhead;
        let size = lh.style.size;
        Composer {
            input,
            size,
            line_height: size * lh.style.leading,
            width: lh.page.width - lh.page.left - lh.page.right,
            warnings: Vec::new(),
            blocks: Vec::new(),
            missing_variants: Vec::new(),
            controls_reported: Vec::new(),
            origin: Origin::Letter(0),
            letterhead_bottom: Abs::ZERO,
            damage: None,
            structure,
            heading: 0,
            names: names(input).into(),
        }
    }
}

impl Composer<'_> {
    /// The letter's language.
    fn lang(&self) -> Language {
        Language::from_tag(&self.input.letterhead.style.language).unwrap_or_default()
    }

    fn style(&self, size: Abs, width: Abs) -> ParStyle {
        let s = &self.input.letterhead.style;
        ParStyle {
            size,
            line_height: size * s.leading,
            width,
            align: s.align,
            hyphenate: s.hyphenate,
            language: s.language.clone(),
            tracking: 0.0,
            names: self.names.clone(),
        }
    }

    /// The style of the letterhead's and the header's lines, of the date, recipient, subject,
    /// salutation and headings: ragged, never hyphenated.
    fn display_style(&self, size: Abs, width: Abs) -> ParStyle {
        ParStyle {
            align: crate::config::Align::Left,
            hyphenate: false,
            ..self.style(size, width)
        }
    }

    fn span(&self, text: &str, variant: Variant) -> Span {
        Span {
            text: text.to_string(),
            variant,
            color: Color::BLACK,
            link: None,
        }
    }

    /// Sets spans into lines and reports the paragraph's warnings against the letter.
    fn set(&mut self, spans: &[Span], style: &ParStyle) -> Vec<Line> {
        let family = self.input.family;
        for span in spans {
            if !family.provides(span.variant) && !self.missing_variants.contains(&span.variant) {
                self.missing_variants.push(span.variant);
                let d = Diagnostic::warning(format!(
                    "the font family `{}` has no {} face; that text is set in a stand-in face",
                    family.name,
                    variant_name(span.variant)
                ))
                .hint("add the face to `style.font` in letterhead.toml");
                self.letterhead_warning(&["style", "font"], d);
            }
        }
        let (lines, warnings) = reuse::layout(spans, self.input.family, style);
        for w in warnings {
            let d = match w {
                Warning::MissingGlyphs(chars) => {
                    let list: Vec<String> = chars
                        .iter()
                        .map(|c| format!("`{c}` (U+{:04X})", u32::from(*c)))
                        .collect();
                    let d = Diagnostic::warning(format!(
                        "the font `{}` has no glyph for {}",
                        self.input.family.name,
                        list.join(", ")
                    ))
                    .hint("configure a font that covers these characters in `style.font`");
                    // Point at the first place the first such character is written.
                    let needle = chars.first().map(char::to_string).unwrap_or_default();
                    self.locate(d, &needle)
                }
                Warning::Fallback(face, chars) => {
                    let list: Vec<String> =
                        chars.iter().take(8).map(|c| format!("`{c}`")).collect();
                    let more = if chars.len() > 8 { ", …" } else { "" };
                    let d = Diagnostic::warning(format!(
                        "{}{more} set in `{face}`, found among the system's fonts: the font `{}` has no glyph for {}",
                        list.join(", "),
                        self.input.family.name,
                        if chars.len() == 1 { "it" } else { "them" },
                    ))
                    .hint("to choose the face yourself, name its family in `style.fallback` (`letterhead fonts` lists them)");
                    let needle = chars.first().map(char::to_string).unwrap_or_default();
                    self.locate(d, &needle)
                }
                Warning::RightToLeft(chars) => {
                    let list: Vec<String> = chars
                        .iter()
                        .take(8)
                        .map(|c| format!("`{c}` (U+{:04X})", u32::from(*c)))
                        .collect();
                    let d = Diagnostic::error(format!(
                        "right-to-left text ({}) cannot be set yet: letterhead lays lines out left to right only, and would print it in the wrong order",
                        list.join(", ")
                    ))
                    .hint("write it in a Latin transcription, or set this letter with another tool");
                    let needle = chars.first().map(char::to_string).unwrap_or_default();
                    let d = self.locate(d, &needle);
                    self.damage.get_or_insert_with(|| d.boxed());
                    continue;
                }
                Warning::ControlChars(chars) => {
                    // Once per character and letter, named by code point only: the characters
                    // themselves could drive a terminal (an escape sequence).
                    let chars: Vec<char> = chars
                        .into_iter()
                        .filter(|c| !self.controls_reported.contains(c))
                        .collect();
                    let Some(&first) = chars.first() else {
                        continue;
                    };
                    self.controls_reported.extend(&chars);
                    let list: Vec<String> = chars
                        .iter()
                        .map(|c| format!("U+{:04X}", u32::from(*c)))
                        .collect();
                    let d = Diagnostic::warning(format!(
                        "the text holds control characters ({}), which are not printed",
                        list.join(", ")
                    ))
                    .hint("remove them: they come with text copied from some programs");
                    // As written in the Markdown, or as a TOML escape in the front matter.
                    let raw = first.to_string();
                    let escaped = format!("\\u{:04X}", u32::from(first));
                    let needle = if self.input.letter.source.text.contains(&raw) {
                        raw
                    } else if self.input.letter.source.text.contains(&escaped) {
                        escaped
                    } else {
                        escaped.to_lowercase()
                    };
                    self.locate(d, &needle)
                }
                Warning::Overfull(text, by) => {
                    // Ink past the margin (or into the next table column) is damage, not
                    // taste: an error, unless it is too little to see.
                    let message = format!(
                        "line `{}` runs {:.1}pt past the margin",
                        shorten(text.trim()),
                        by.to_pt()
                    );
                    let d = if by > OVERFULL_TOLERANCE {
                        Diagnostic::error(message)
                    } else {
                        Diagnostic::warning(message)
                    }
                    .hint("reword it, allow hyphenation, or give the word a break point");
                    // Point at the line's first word.
                    let first = text.split_whitespace().next().unwrap_or_default();
                    let word = first.trim_matches(|c: char| !c.is_alphanumeric());
                    let d = self.locate(d, word);
                    if by > OVERFULL_TOLERANCE {
                        self.damage.get_or_insert_with(|| d.boxed());
                        continue;
                    }
                    d
                }
                Warning::Loose(text, line, ratio) => {
                    let d = Diagnostic::warning(format!(
                        "loose line {line} of the paragraph: its spaces are stretched to {ratio:.2} times their width (`{}`)",
                        shorten(text.trim()),
                    ))
                    .hint(format!(
                        "more than {} looks gappy; reword the paragraph, or use align = \"left\"",
                        paragraph::LOOSE_SPACE_RATIO
                    ));
                    let first = text.split_whitespace().next().unwrap_or_default();
                    let word = first.trim_matches(|c: char| !c.is_alphanumeric());
                    self.locate(d, word)
                }
                Warning::CharacterBreak(word) => {
                    let d = Diagnostic::warning(format!(
                        "`{}` is wider than the line (overfull) and was broken between characters",
                        shorten(&word)
                    ));
                    self.locate(d, &word)
                }
            };
            self.warnings.push(d);
        }
        lines
    }

    /// Points a diagnostic at the first place `needle` is written in the text being set, or
    /// at where that text starts when it cannot be found (Markdown escapes, smart quotes).
    fn locate(&self, d: Diagnostic, needle: &str) -> Diagnostic {
        let (source, region) = match self.origin {
            Origin::Letter(from) => {
                let source = &self.input.letter.source;
                (source, from.min(source.text.len())..source.text.len())
            }
            Origin::Letterhead(keys) => {
                let lh = self.input.letterhead;
                match lh.span_of(keys) {
                    Some(span) => (&lh.source, span),
                    None => return d.in_file(lh.path.as_deref().unwrap_or(&lh.source.path)),
                }
            }
        };
        let text = source.text.get(region.clone()).unwrap_or_default();
        let span = match text.find(needle) {
            Some(i) if !needle.is_empty() => region.start + i..region.start + i + needle.len(),
            // A letterhead value is short: point at all of it.
            _ if matches!(self.origin, Origin::Letterhead(_)) => region,
            _ => region.start..region.start,
        };
        d.at(source, span)
    }

    /// Sets a letterhead value (at `keys` in letterhead.toml), with a warning pointing at it
    /// when it needs more than the `room` lines its place has.
    fn set_field(
        &mut self,
        keys: &'static [&'static str],
        spans: &[Span],
        style: &ParStyle,
        room: usize,
        hint: &str,
    ) -> Vec<Line> {
        self.origin = Origin::Letterhead(keys);
        let lines = self.set(spans, style);
        if lines.len() > room {
            let room = if room == 1 { "one" } else { "two" };
            let d = Diagnostic::warning(format!(
                "`{}` needs {} lines in the letterhead, which has room for {room}",
                keys.join("."),
                lines.len()
            ))
            .hint(hint);
            self.letterhead_warning(keys, d);
        }
        lines
    }

    /// A warning about a letterhead value, pointing at it.
    fn letterhead_warning(&mut self, keys: &'static [&'static str], d: Diagnostic) {
        let previous = std::mem::replace(&mut self.origin, Origin::Letterhead(keys));
        let d = self.locate(d, "");
        self.origin = previous;
        self.warnings.push(d);
    }

    fn push_lines(&mut self, lines: Vec<Line>, indent: Abs, size: Abs, space_before: Abs) -> usize {
        let height = size * self.input.letterhead.style.leading;
        self.blocks.push(FlowBlock {
            lines: lines
                .into_iter()
                .map(|line| FlowLine::plain(line, indent, height, size, LineTags::default()))
                .collect(),
            space_before,
            space_shrink: Abs::ZERO,
            notation: false,
            keep_together: false,
            keep_with_next: false,
            keep_lines_before: 0,
            header: None,
        });
        self.blocks.len() - 1
    }

    /// One block of simple lines (date, recipient, subject, salutation), each text an element
    /// of `role` in `parent`. They are set ragged right and unhyphenated whatever the body's
    /// alignment, as a typesetter sets an address or a heading: a justified two-line subject
    /// either gaps its first line or ends on a hyphen fragment (`Eigentümer-` / `versammlung`).
    fn simple_block(
        &mut self,
        texts: &[String],
        variant: Variant,
        space_before: Abs,
        parent: ElementId,
        role: Role,
    ) -> usize {
        let mut lines = Vec::new();
        let mut tags = Vec::new();
        let style = self.display_style(self.size, self.width);
        for text in texts {
            let spans = [self.span(text, variant)];
            let element = self.structure.add(parent, role);
            let mut open = None;
            for mut line in self.set(&spans, &style) {
                tags.push(tag_line(&mut self.structure, &mut line, element, &mut open));
                lines.push(line);
            }
        }
        let b = self.push_lines(lines, Abs::ZERO, self.size, space_before);
        for (line, tags) in self.blocks[b].lines.iter_mut().zip(tags) {
            line.tags = tags;
        }
        b
    }

    /// Tags every line of block `b` as content of a new element of `role` in `parent`.
    fn tag_block(&mut self, b: usize, parent: ElementId, role: Role) -> ElementId {
        let element = self.structure.add(parent, role);
        let mut open: OpenLink = None;
        for line in &mut self.blocks[b].lines {
            line.tags = tag_line(&mut self.structure, &mut line.line, element, &mut open);
        }
        element
    }

    /// Sets the letter's parts in order. An owned `body` is freed block by block as it is set:
    /// a long letter's parsed Markdown does not stand beside all of its set lines.
    fn flow(&mut self, body: Cow<'_, [Block]>) {
        self.origin = Origin::Letter(0);
        let gap = self.line_height * PARAGRAPH_GAP;
        let body_gap = self.opening(gap);
        // Body.
        let body_start = self.blocks.len();
        let mut first = true;
        let mut set = |composer: &mut Self, block: &Block| {
            let space = if first { body_gap } else { gap };
            composer.body_block(block, 0, space, Structure::ROOT);
            first = false;
        };
        match body {
            Cow::Borrowed(blocks) => blocks.iter().for_each(|block| set(self, block)),
            Cow::Owned(blocks) => blocks.into_iter().for_each(|block| set(self, &block)),
        }
        let body_end = self.blocks.len();
        self.origin = Origin::Letter(0);
        // Closing and signature, kept together and with the last body lines.
        self.signature(gap, body_end > body_start);
        // Notations.
        self.notations(gap);
    }

    /// How much a gap of `space` may shrink: down to [`PARAGRAPH_GAP_MIN`] lines, and never
    /// more than a paragraph gap's worth (a larger space is not all glue).
    fn gap_shrink(&self, space: Abs) -> Abs {
        let gap = self.line_height * PARAGRAPH_GAP;
        (space.min(gap) - self.line_height * PARAGRAPH_GAP_MIN).max(Abs::ZERO)
    }

    /// Draws a flow line whose box starts at `top`, and its quote bars: from the bottom of the
    /// line above on the page (`bars`, then updated) when that line has the same bar, so that a
    /// quote's bar runs through the gaps between its paragraphs.
    fn draw_line(
        &self,
        line: FlowLine,
        left: Abs,
        top: Abs,
        bars: &mut Bars,
        items: &mut Vec<Item>,
    ) {
        let text_height = line.height - line.space_below;
        let baseline = top + baseline_offset(self.input.family, line.size, text_height);
        let x = left + line.indent;
        let accent = self.input.letterhead.style.accent;
        if !line.bars.is_empty() {
            items.push(Item::Tag(Tag::Artifact));
        }
        for &(bar_x, quote) in &line.bars {
            let from = if bars.bars.contains(&(bar_x, quote)) {
                bars.bottom
            } else {
                top
            };
            items.push(Item::Rule {
                from: (left + bar_x, from),
                to: (left + bar_x, top + line.height),
                thickness: Abs::pt(1.2),
                color: accent,
            });
        }
        *bars = Bars {
            bottom: top + line.height,
            bars: line.bars.clone(),
        };
        draw_tagged(
            line.line,
            &line.tags,
            x,
            baseline,
            line.size,
            line.height,
            items,
        );
        for extra in &line.extras {
            items.push(offset(extra, left, top));
        }
    }
}

/// The quote bars of the line drawn last on a page, and where its box ends.
#[derive(Default)]
struct Bars {
    bottom: Abs,
    bars: Vec<(Abs, usize)>,
}

fn variant_name(variant: Variant) -> &'static str {
    match variant {
        Variant::Regular => "regular",
        Variant::Bold => "bold",
        Variant::Italic => "italic",
        Variant::BoldItalic => "bold italic",
    }
}

/// Distance from a line box's top to its baseline: the text is centred in the box.
fn baseline_offset(family: &Family, size: Abs, height: Abs) -> Abs {
    let face = family.face(Variant::Regular);
    let ascent = size * face.ascender;
    let descent = size * -face.descender;
    (height - ascent - descent) / 2.0 + ascent
}

/// Adds a set line's runs and links with its baseline at (x, baseline).
/// Draws a line, which is used up: its glyphs move into the page rather than being copied.
fn draw(line: Line, x: Abs, baseline: Abs, size: Abs, height: Abs, items: &mut Vec<Item>) {
    for mut run in line.runs {
        run.glyphs.shrink_to_fit();
        items.push(Item::Text(TextRun {
            face: run.face,
            size,
            color: run.color,
            x,
            y: baseline,
            glyphs: run.glyphs,
        }));
    }
    for (x0, x1, target) in line.links {
        let top = baseline - size * 0.9;
        items.push(Item::Link {
            x: x + x0,
            y: top,
            width: x1 - x0,
            height: height.max(size * 1.2).min(size * 1.4),
            target,
        });
    }
}

/// Moves an item drawn relative to (0, 0) to (dx, dy).
fn offset(item: &Item, dx: Abs, dy: Abs) -> Item {
    match item {
        Item::Text(run) => Item::Text(TextRun {
            x: run.x + dx,
            y: run.y + dy,
            ..run.clone()
        }),
        Item::Rule {
            from,
            to,
            thickness,
            color,
        } => Item::Rule {
            from: (from.0 + dx, from.1 + dy),
            to: (to.0 + dx, to.1 + dy),
            thickness: *thickness,
            color: *color,
        },
        Item::Image {
            image,
            x,
            y,
            width,
            height,
        } => Item::Image {
            image: image.clone(),
            x: *x + dx,
            y: *y + dy,
            width: *width,
            height: *height,
        },
        Item::Vector {
            graphic,
            x,
            y,
            width,
            height,
        } => Item::Vector {
            graphic: graphic.clone(),
            x: *x + dx,
            y: *y + dy,
            width: *width,
            height: *height,
        },
        Item::Link {
            x,
            y,
            width,
            height,
            target,
        } => Item::Link {
            x: *x + dx,
            y: *y + dy,
            width: *width,
            height: *height,
            target: target.clone(),
        },
        Item::Tag(tag) => Item::Tag(*tag),
    }
}

fn shorten(word: &str) -> String {
    if word.chars().count() > 40 {
        let head: String = word.chars().take(37).collect();
        format!("{}…", head.trim_end())
    } else {
        word.to_string()
    }
}

/// Runs `f` on a composer for a letter with front matter `front` (and one line of text) on
/// `lh`, in the built-in font, dated "5 August 2015": for the rooms' unit tests.
#[cfg(test)]
fn with_composer<R>(front: &str, lh: &Letterhead, f: impl FnOnce(&mut Composer<'_>) -> R) -> R {
    let letter = crate::letter::parse(crate::diag::Source {
        path: std::path::PathBuf::from("letter.md"),
        text: Arc::from(format!("+++\n{front}\n+++\nText.\n")),
    })
    .unwrap();
    let family = crate::fonts::bundled();
    let input = Input {
        letter: &letter,
        body: Cow::Borrowed(&[]),
        letterhead: lh,
        family: &family,
        logo: None,
        signature_images: Vec::new(),
        date: "5 August 2015".into(),
        your_letter: None,
        created: 0,
    };
    f(&mut Composer::new(&input, Structure::default()))
}
