//! The letter's logical structure, for tagged PDF: which element of the `frame::Structure`
//! each set line's runs and links belong to. A run that crosses a link's edge is cut there,
//! so that a link element holds exactly its text; a link broken over two lines stays one
//! element (with an annotation on each line).
//!
//! It knows set lines and the structure, not how the PDF writer marks content.

use crate::frame::{ElementId, Glyphs, Item, Role, Structure, Tag};
use crate::length::Abs;
use crate::paragraph::{Line, LineRun};

/// What each run and each link area of a set line is in the structure: the runs' tags (an
/// element, or an artifact for a hyphen added at a line break) and the links' elements; empty
/// for a line that is not content (a repeated table header), which is drawn as an artifact.
#[derive(Debug, Clone, Default)]
pub(super) struct LineTags {
    runs: Vec<Tag>,
    links: Vec<ElementId>,
}

impl LineTags {
    /// The tags of lines set side by side (`signature::side_by_side`), in the same order.
    pub(super) fn side_by_side(parts: Vec<LineTags>) -> LineTags {
        let mut out = LineTags::default();
        for p in parts {
            out.runs.extend(p.runs);
            out.links.extend(p.links);
        }
        out
    }
}

/// A link element still open at the end of a line: its target and element.
pub(super) type OpenLink = Option<(String, ElementId)>;

/// What a piece of a run is: text outside any link, text of link area `n`, or the hyphen
/// added where the line breaks a word.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Text,
    Link(usize),
    Hyphen,
}

/// Tags `line` as content of `parent`: the runs over a link area become content of a `Link`
/// element, made here (or continued from the line before, `open`, when the same link goes on
/// at this line's start). A hyphen added where the line breaks a word is an artifact: drawn,
/// but no part of the text, so the word reads whole. The space after the line's end (see
/// `paragraph`) belongs to what comes before it.
pub(super) fn tag_line(
    structure: &mut Structure,
    line: &mut Line,
    parent: ElementId,
    open: &mut OpenLink,
) -> LineTags {
    let mut tags = LineTags::default();
    let start = line
        .runs
        .iter()
        .filter_map(|r| r.glyphs.first())
        .map(|g| g.x())
        .fold(None, |m: Option<Abs>, x| Some(m.map_or(x, |m| m.min(x))));
    let half = Abs::pt(0.5);
    for (i, (x0, _, target)) in line.links.iter().enumerate() {
        let continued = i == 0
            && start.is_some_and(|s| *x0 <= s + half)
            && open.as_ref().is_some_and(|(t, _)| t == target);
        let id = match open.as_ref() {
            Some((_, id)) if continued => *id,
            _ => structure.add(parent, Role::Link),
        };
        tags.links.push(id);
    }
    // The last link stays open when it ends the line.
    *open = match (line.links.last(), tags.links.last()) {
        (Some((_, x1, target)), Some(&id)) if *x1 + half >= line.width => {
            Some((target.clone(), id))
        }
        _ => None,
    };
    let tag_of = |part: Part| match part {
        Part::Text => Tag::Element(parent),
        Part::Link(l) => Tag::Element(tags.links[l]),
        Part::Hyphen => Tag::Artifact,
    };
    if line.links.is_empty() && line.hyphen == 0 {
        tags.runs = vec![Tag::Element(parent); line.runs.len()];
        return tags;
    }
    // A glyph's position is kept to 1/65,536 pt (`PlacedGlyph`): the one just after a link,
    // placed where the link ends, may read as a hair before that end. Glyphs are far wider
    // than the 0.01 pt allowed either way.
    let link_at = |x: Abs| {
        line.links
            .iter()
            .position(|(x0, x1, _)| x + Abs::pt(0.01) >= *x0 && x + Abs::pt(0.01) < *x1)
    };
    // Where the added hyphen starts: (run, glyph).
    let hyphen = line.runs.len().checked_sub(1).and_then(|r| {
        let n = line.runs[r].glyphs.len();
        (line.hyphen > 0 && line.hyphen <= n).then(|| (r, n - line.hyphen))
    });
    let end = line.width - Abs::pt(0.01);
    let mut runs = Vec::with_capacity(line.runs.len());
    let mut runs_tags = Vec::with_capacity(line.runs.len());
    let mut last = Part::Text;
    for (r, run) in std::mem::take(&mut line.runs).into_iter().enumerate() {
        // Cut the run where it enters or leaves a link, and before the added hyphen.
        let mut piece: Option<(Part, Glyphs)> = None;
        for (i, (g, text)) in run.glyphs.with_text().enumerate() {
            let part = if hyphen.is_some_and(|(hr, hi)| r == hr && i >= hi) {
                Part::Hyphen
            } else if g.x() >= end {
                last
            } else {
                link_at(g.x()).map_or(Part::Text, Part::Link)
            };
            last = part;
            match &mut piece {
                Some((p, glyphs)) if *p == part => glyphs.push(g.id, g.x(), text),
                _ => {
                    if let Some((p, glyphs)) = piece.take() {
                        runs.push(LineRun {
                            face: run.face.clone(),
                            color: run.color,
                            glyphs,
                        });
                        runs_tags.push(tag_of(p));
                    }
                    let mut glyphs = Glyphs::default();
                    glyphs.push(g.id, g.x(), text);
                    piece = Some((part, glyphs));
                }
            }
        }
        if let Some((p, glyphs)) = piece {
            runs.push(LineRun {
                face: run.face.clone(),
                color: run.color,
                glyphs,
            });
            runs_tags.push(tag_of(p));
        }
    }
    line.runs = runs;
    tags.runs = runs_tags;
    tags
}

/// Adds a set line's runs and links with its baseline at (x, baseline), each after the tag of
/// its element (an artifact when the line has no tags).
pub(super) fn draw_tagged(
    line: Line,
    tags: &LineTags,
    x: Abs,
    baseline: Abs,
    size: Abs,
    height: Abs,
    items: &mut Vec<Item>,
) {
    let mut drawn = Vec::new();
    super::draw(line, x, baseline, size, height, &mut drawn);
    let mut current = None;
    let (mut run, mut link) = (0, 0);
    for item in drawn {
        let tag = match &item {
            Item::Text(_) => {
                run += 1;
                tags.runs.get(run - 1).copied().unwrap_or(Tag::Artifact)
            }
            Item::Link { .. } => {
                link += 1;
                tags.links
                    .get(link - 1)
                    .map_or(Tag::Artifact, |&e| Tag::Element(e))
            }
            _ => Tag::Artifact,
        };
        if current != Some(tag) {
            items.push(Item::Tag(tag));
            current = Some(tag);
        }
        items.push(item);
    }
}

impl super::Composer<'_> {
    /// Makes a new element of `role` in `parent`, and tags the items drawn after this as its
    /// content.
    pub(super) fn tag_next(
        &mut self,
        parent: ElementId,
        role: Role,
        items: &mut Vec<Item>,
    ) -> ElementId {
        let element = self.structure.add(parent, role);
        items.push(Item::Tag(Tag::Element(element)));
        element
    }

    /// Tags the items drawn after this as the logo: a figure in `parent`, whose alternative
    /// text is `organization.logo-alt`, or "Logo of" the organization.
    pub(super) fn tag_logo(&mut self, parent: ElementId, items: &mut Vec<Item>) {
        let org = &self.input.letterhead.organization;
        let alt = match &org.logo_alt {
            Some(alt) => alt.clone(),
            None if org.name.is_empty() => "Logo".to_string(),
            None => format!("Logo of {}", org.name),
        };
        let figure = self.tag_next(parent, Role::Figure, items);
        if let Some(f) = self.structure.get_mut(figure) {
            f.alt = Some(alt);
        }
    }

    /// Draws a line of the letterhead's contact column as a paragraph of `parent`, its web or
    /// email address a link.
    pub(super) fn draw_contact(
        &mut self,
        mut line: Line,
        parent: ElementId,
        (x, baseline): (Abs, Abs),
        size: Abs,
        height: Abs,
        items: &mut Vec<Item>,
    ) {
        let p = self.structure.add(parent, Role::P);
        let tags = tag_line(&mut self.structure, &mut line, p, &mut None);
        draw_tagged(line, &tags, x, baseline, size, height, items);
    }
}
