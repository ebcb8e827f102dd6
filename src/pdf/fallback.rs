//! The whole page through printpdf: text as printpdf operations, fonts parsed, subset and
//! embedded by printpdf (allsorts). Used for documents with a face the own TrueType path
//! (`font`, `content`) cannot embed — CFF (`OTTO`) outlines, font collections, fonts whose
//! tables `sfnt` cannot read — because printpdf handles every outline format.
//!
//! It is slower (printpdf parses each font once per process and subsets with allsorts, which
//! reads the whole `glyf` or `CFF ` table for every document), but complete.
//!
//! Tagged like the own path: each text object, rule and image inside a marked-content
//! sequence of its element (with an MCID) or an artifact; the marks go to `tagged`.

use std::collections::BTreeMap;

use printpdf::{
    Codepoint, CurTransMat, DictItem, FontId, Line, LinePoint, Op, PdfDocument, PdfFontHandle,
    PdfPage, Point, Pt, TextItem, TextMatrix, XObjectId, XObjectTransform,
};

use std::sync::Arc;

use super::content::Marks;
use super::{FaceKey, FontCache, link_op, rgb, round3, subset_tag};
use crate::frame::{Document, ElementId, Image, Item, Structure, Tag, TextRun};
use crate::shape;

/// The document as printpdf pages, with printpdf's fonts, ready for `to_lopdf_document`, and
/// each page's marked content. Images are only named (`images`, from
/// `super::image::collect`): `super::image::add` writes them.
pub(super) fn document(
    doc: &Document,
    fonts: &FontCache,
    images: &[(Arc<Image>, String)],
) -> Result<(PdfDocument, Vec<Marks>), String> {
    let mut all_marks = Vec::with_capacity(doc.pages.len());
    let mut pdf = PdfDocument::new(&doc.meta.title);
    // Fonts in order of first use, with ids we choose (their first six letters become the
    // subset tag), so that output does not depend on a process-wide counter.
    let mut font_ids: BTreeMap<FaceKey, FontId> = BTreeMap::new();
    let mut widths: BTreeMap<(FaceKey, u16), f32> = BTreeMap::new();
    let mut pages = Vec::with_capacity(doc.pages.len());
    let actual = super::tagged::actual_texts(doc);
    for (p, page) in doc.pages.iter().enumerate() {
        let height = page.height.to_pt() as f32;
        let mut ops = Vec::new();
        let mut marks = Marks::default();
        let mut tag = Tag::Artifact;
        let mut open: Option<Tag> = None;
        for (i, item) in page.items.iter().enumerate() {
            // A text run with replacement text is a sequence of its own.
            let replaced = match (item, tag) {
                (Item::Text(run), Tag::Element(e)) if !run.glyphs.is_empty() => {
                    actual.get(p).and_then(|a| a.get(&i)).map(|text| (e, text))
                }
                _ => None,
            };
            if let Some((e, text)) = replaced {
                if open.take().is_some() {
                    ops.push(Op::EndMarkedContent);
                }
                ops.push(actual_text(e, text, &mut marks));
            } else if !matches!(item, Item::Tag(_) | Item::Link { .. })
                && !(matches!(item, Item::Text(run) if run.glyphs.is_empty()))
                && open != Some(tag)
            {
                if open.is_some() {
                    ops.push(Op::EndMarkedContent);
                }
                ops.push(mark(tag, &doc.structure, &mut marks));
                open = Some(tag);
            }
            match item {
                Item::Text(run) => {
                    if run.glyphs.is_empty() {
                        continue;
                    }
                    let key = super::face_key(&run.face);
                    let id = match font_ids.get(&key) {
                        Some(id) => id.clone(),
                        None => {
                            let parsed = fonts.parsed(&run.face)?;
                            let id = FontId(subset_tag(font_ids.len()));
                            pdf.resources.fonts.map.insert(
                                id.clone(),
                                printpdf::font::PdfFont::new((*parsed).clone()),
                            );
                            font_ids.insert(key, id.clone());
                            id
                        }
                    };
                    text_ops(run, key, id, height, &mut widths, &mut ops);
                    if replaced.is_some() {
                        ops.push(Op::EndMarkedContent);
                    }
                }
                Item::Rule {
                    from,
                    to,
                    thickness,
                    color,
                } => {
                    ops.push(Op::SetOutlineColor { col: rgb(*color) });
                    ops.push(Op::SetOutlineThickness {
                        pt: Pt(thickness.to_pt() as f32),
                    });
                    let point = |(x, y): (crate::length::Abs, crate::length::Abs)| LinePoint {
                        p: Point {
                            x: Pt(x.to_pt() as f32),
                            y: Pt(height - y.to_pt() as f32),
                        },
                        bezier: false,
                    };
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![point(*from), point(*to)],
                            is_closed: false,
                        },
                    });
                }
                Item::Image {
                    image,
                    x,
                    y,
                    width,
                    height: h,
                } => {
                    let Some(name) = super::image::name(images, image) else {
                        continue;
                    };
                    let id = XObjectId(name.to_string());
                    if let Tag::Element(e) = tag {
                        let b = [
                            x.to_pt(),
                            f64::from(height) - (*y + *h).to_pt(),
                            (*x + *width).to_pt(),
                            f64::from(height) - y.to_pt(),
                        ];
                        marks.boxes.push((e, b));
                    }
                    ops.push(Op::SaveGraphicsState);
                    ops.push(Op::SetTransformationMatrix {
                        matrix: CurTransMat::Raw(super::image::matrix(
                            image,
                            (*x, *y),
                            (*width, *h),
                            height,
                        )),
                    });
                    ops.push(Op::UseXobject {
                        id,
                        transform: XObjectTransform {
                            no_auto_scale: true,
                            ..XObjectTransform::default()
                        },
                    });
                    ops.push(Op::RestoreGraphicsState);
                }
                Item::Link { .. } => {
                    marks.links.push(match tag {
                        Tag::Element(e) => Some(e),
                        _ => None,
                    });
                    ops.extend(link_op(item, height));
                }
                Item::Tag(t) => tag = *t,
                Item::Vector { .. } => {
                    return Err("an SVG logo needs TrueType fonts (.ttf); the font family \
                                has CFF outlines (.otf), written by another path that does \
                                not draw vector graphics yet"
                        .into());
                }
            }
        }
        if open.is_some() {
            ops.push(Op::EndMarkedContent);
        }
        all_marks.push(marks);
        pages.push(PdfPage::new(
            printpdf::Mm(page.width.to_mm() as f32),
            printpdf::Mm(page.height.to_mm() as f32),
            ops,
        ));
    }
    pdf.with_pages(pages);
    Ok((pdf, all_marks))
}

/// The operator that opens a marked-content sequence tagged `tag` (its MCID noted in `marks`).
fn mark(tag: Tag, structure: &Structure, marks: &mut Marks) -> Op {
    match tag {
        Tag::Element(e) => {
            let role = structure.get(e).map_or("Span", |e| e.role.name());
            let mcid = marks.mcids.len() as i64;
            marks.mcids.push(e);
            Op::BeginMarkedContentWithProperties {
                tag: role.to_string(),
                properties: DictItem::Dict {
                    map: BTreeMap::from([("MCID".to_string(), DictItem::Int(mcid))]),
                },
            }
        }
        Tag::Artifact => Op::BeginMarkedContent {
            tag: "Artifact".to_string(),
        },
        Tag::Pagination => Op::BeginMarkedContentWithProperties {
            tag: "Artifact".to_string(),
            properties: DictItem::Dict {
                map: BTreeMap::from([("Type".to_string(), DictItem::Name(b"Pagination".to_vec()))]),
            },
        },
    }
}

/// The operator that opens a sequence of element `e` whose content reads as `text`
/// (`/ActualText`; tagged `Span`, where readers look for it, see `content`).
fn actual_text(e: ElementId, text: &str, marks: &mut Marks) -> Op {
    let (data, literal) = if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        (text.as_bytes().to_vec(), true)
    } else {
        let mut data = vec![0xFE, 0xFF];
        data.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        (data, false)
    };
    let mcid = marks.mcids.len() as i64;
    marks.mcids.push(e);
    Op::BeginMarkedContentWithProperties {
        tag: "Span".to_string(),
        properties: DictItem::Dict {
            map: BTreeMap::from([
                ("MCID".to_string(), DictItem::Int(mcid)),
                ("ActualText".to_string(), DictItem::String { data, literal }),
            ]),
        },
    }
}

/// One text object: the run's glyphs with TJ offsets that put each glyph exactly where layout
/// placed it, measured against the widths printpdf writes into `/W` (truncated to 1/1000 em).
fn text_ops(
    run: &TextRun,
    key: FaceKey,
    id: FontId,
    page_height: f32,
    widths: &mut BTreeMap<(FaceKey, u16), f32>,
    ops: &mut Vec<Op>,
) {
    let size = run.size.to_pt();
    let mut width_of = |gid: u16| -> f64 {
        let w = *widths.entry((key, gid)).or_insert_with(|| {
            let units = shape::advance_units(&run.face, gid) as f32;
            let scale = 1000.0 / (run.face.units_per_em as f32);
            ((units * scale) as i64) as f32
        });
        f64::from(w)
    };
    // Track where the PDF pen really is and correct it only when it strays by half a unit
    // (1/2000 em) or more: kerning and justification become offsets, rounding noise does not,
    // which keeps the content stream small.
    let mut codepoints = Vec::with_capacity(run.glyphs.len());
    let Some(first) = run.glyphs.first() else {
        return;
    };
    let mut pen = first.x.to_pt();
    for (i, (g, text)) in run.glyphs.with_text().enumerate() {
        pen += width_of(g.id) * size / 1000.0;
        let offset = match run.glyphs.get(i + 1) {
            Some(next) => {
                let units = ((next.x.to_pt() - pen) * 1000.0 / size).round();
                pen += units * size / 1000.0;
                -units
            }
            None => 0.0,
        };
        codepoints.push(Codepoint {
            gid: g.id,
            offset: offset as f32,
            // Glyph 0 (.notdef) stands for every character the face lacks: no text for it
            // (printpdf writes U+FFFD), or all of them would extract as the last one's.
            cid: (g.id != 0).then(|| text.to_string()),
        });
    }
    let x0 = run.x + first.x;
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFont {
        font: PdfFontHandle::External(id),
        size: Pt(size as f32),
    });
    ops.push(Op::SetFillColor {
        col: rgb(run.color),
    });
    ops.push(Op::SetTextMatrix {
        matrix: TextMatrix::Translate(
            Pt(round3(x0.to_pt()) as f32),
            Pt(round3(f64::from(page_height) - run.y.to_pt()) as f32),
        ),
    });
    ops.push(Op::ShowText {
        items: vec![TextItem::GlyphIds(codepoints)],
    });
    ops.push(Op::EndTextSection);
}

/// Removes the hinting from every embedded TrueType program (`/FontFile2`).
pub(super) fn slim_fonts(lo: &mut lopdf::Document) {
    use lopdf::Object;
    let programs: Vec<lopdf::ObjectId> = lo
        .objects
        .values()
        .filter_map(|o| match o {
            Object::Dictionary(d) => match d.get(b"FontFile2") {
                Ok(Object::Reference(id)) => Some(*id),
                _ => None,
            },
            _ => None,
        })
        .collect();
    for id in programs {
        if let Some(Object::Stream(stream)) = lo.objects.get_mut(&id) {
            let Ok(bytes) = stream
                .decompressed_content()
                .or_else(|_| Ok::<_, ()>(stream.content.clone()))
            else {
                continue;
            };
            let slim = crate::sfnt::strip_hinting(&bytes);
            stream
                .dict
                .set("Length1", Object::Integer(slim.len() as i64));
            stream.set_plain_content(slim);
        }
    }
}
