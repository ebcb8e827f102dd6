//! SVG logos: an SVG file parsed by `usvg` (which resolves CSS, `use`, transforms and units)
//! becomes a `frame::Vector` of filled and stroked paths, drawn as vector graphics in the PDF.
//!
//! What a letterhead's logo needs is shapes in solid colours. What cannot be drawn that way is
//! not dropped silently: gradients and patterns are painted in one colour (a gradient's middle
//! stop) and each of these, raster images inside the SVG, text (which `usvg` only turns into
//! shapes with a font database), opacity, clip paths, masks and filters is named in a warning.

use std::path::Path;

use crate::config::Color;
use crate::diag::{self, Diagnostic};
use crate::frame::{Segment, Shape, Vector};

/// Largest SVG file read, in bytes.
pub const MAX_BYTES: usize = 4_000_000;

/// Largest magnitude of a coordinate, stroke width or size, in the SVG's user units. PDF
/// readers hold numbers as 32-bit floats (or less: ISO 32000-1 Annex C), and the content
/// stream writes numbers in full, so a coordinate of `1e30` or one that overflowed to
/// infinity makes a file Ghostscript and MuPDF reject. Ten million units is far beyond any
/// logo's drawing (a poster in 1/1000 mm is 1.2 million) and well within 32-bit precision.
pub const MAX_COORDINATE: f64 = 1e7;

/// Smallest width or height of an SVG, in its user units: the drawing is scaled by the
/// logo's printed size over this, and a smaller one would scale three-decimal coordinates to
/// nothing.
pub const MIN_SIZE: f64 = 0.01;

/// Whether `path` names an SVG file (by its extension): `.svg`, or `.svgz` (gzip-compressed).
pub fn is_svg(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg") || e.eq_ignore_ascii_case("svgz"))
}

/// The first two bytes of a gzip stream (RFC 1952).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The SVG document in `bytes`: as it is, or decompressed when it is gzip (an `.svgz` file),
/// up to `MAX_BYTES` of it.
fn uncompressed(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    if !bytes.starts_with(&GZIP_MAGIC) {
        return Ok(bytes);
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes.as_slice())
        .take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|err| format!("its gzip compression is damaged ({err})"))?;
    if out.len() > MAX_BYTES {
        return Err(format!(
            "it is over the limit of {} MB for an SVG once decompressed",
            MAX_BYTES / 1_000_000
        ));
    }
    Ok(out)
}

/// Reads and converts an SVG file (what of it could not be drawn is in `left_out`).
///
/// # Errors
///
/// A file that cannot be read, is too large, or is not SVG.
pub fn load(path: &Path, what: &str) -> diag::Result<Vector> {
    let fail = |message: String| {
        Diagnostic::error(message)
            .in_file(path)
            .hint("use an SVG, PNG or JPEG file")
            .boxed()
    };
    let bytes = crate::files::read_capped(path, MAX_BYTES as u64).map_err(|err| {
        fail(format!(
            "failed to read {what} `{}` ({err})",
            path.display()
        ))
    })?;
    if bytes.len() > MAX_BYTES {
        return Err(fail(format!(
            "{what} `{}` is over the limit of {} MB for an SVG",
            path.display(),
            MAX_BYTES / 1_000_000
        )));
    }
    uncompressed(bytes)
        .and_then(|bytes| convert(&bytes))
        .map_err(|err| fail(format!("{what} `{}` cannot be used: {err}", path.display())))
}

/// Converts SVG bytes.
///
/// ```
/// let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">
///   <rect x="0" y="0" width="10" height="10" fill="#7a1f3d"/></svg>"##;
/// let vector = letterhead::internals::svg::convert(svg).unwrap();
/// assert_eq!((vector.width, vector.height), (20.0, 10.0));
/// assert_eq!(vector.shapes.len(), 1);
/// assert!(vector.left_out.is_empty());
/// ```
///
/// # Errors
///
/// Bytes that are not an SVG document `usvg` can read, or one without a size.
pub fn convert(bytes: &[u8]) -> Result<Vector, String> {
    let options = usvg::Options::default();
    let tree = usvg::Tree::from_data(bytes, &options).map_err(|e| e.to_string())?;
    let size = tree.size();
    for (what, value) in [("width", size.width()), ("height", size.height())] {
        let value = f64::from(value);
        if !(MIN_SIZE..=MAX_COORDINATE).contains(&value) {
            return Err(format!(
                "its {what} is {value} units, outside the {MIN_SIZE} to {MAX_COORDINATE:e} \
                 a PDF can draw (check the `{what}` and `viewBox` attributes)"
            ));
        }
    }
    let mut out = Vector {
        width: f64::from(size.width()),
        height: f64::from(size.height()),
        shapes: Vec::new(),
        left_out: Vec::new(),
    };
    let mut left_out = Vec::new();
    let mut note = |what: &str| {
        if !left_out.iter().any(|w| w == what) {
            left_out.push(what.to_string());
        }
    };
    // Text is gone from the tree when usvg has no fonts: look for it in the source.
    if memchr_text(bytes) {
        note("text (convert it to paths)");
    }
    // Depth-first, in painting order, with an explicit stack.
    let mut stack: Vec<std::slice::Iter<'_, usvg::Node>> = vec![tree.root().children().iter()];
    while let Some(top) = stack.last_mut() {
        let Some(node) = top.next() else {
            stack.pop();
            continue;
        };
        match node {
            usvg::Node::Group(group) => {
                if group.opacity().get() < 1.0 {
                    note("opacity");
                }
                if group.clip_path().is_some() {
                    note("clip paths");
                }
                if group.mask().is_some() {
                    note("masks");
                }
                if !group.filters().is_empty() {
                    note("filters");
                }
                stack.push(group.children().iter());
            }
            usvg::Node::Path(path) => {
                if !path.is_visible() {
                    continue;
                }
                if let Some(shape) = shape(path, &mut note) {
                    out.shapes.push(shape);
                }
            }
            usvg::Node::Image(_) => note("raster images"),
            usvg::Node::Text(_) => note("text (convert it to paths)"),
        }
    }
    out.left_out = left_out;
    check_numbers(&out)?;
    Ok(out)
}

/// Refuses a drawing with a number a PDF cannot hold: not finite, or beyond `MAX_COORDINATE`
/// (after the SVG's transforms are applied). Refused rather than clamped: a clamped
/// coordinate draws a different logo.
fn check_numbers(vector: &Vector) -> Result<(), String> {
    let bad = |v: f64| !v.is_finite() || v.abs() > MAX_COORDINATE;
    for shape in &vector.shapes {
        for segment in &shape.segments {
            let numbers: &[f64] = match segment {
                Segment::Move(x, y) | Segment::Line(x, y) => &[*x, *y],
                Segment::Cubic(a, b, c, d, e, f) => &[*a, *b, *c, *d, *e, *f],
                Segment::Close => &[],
            };
            if let Some(v) = numbers.iter().find(|v| bad(**v)) {
                return Err(format!(
                    "it has a coordinate of {v:.3e} units (after its transforms), beyond the \
                     ±{MAX_COORDINATE:e} a PDF can draw"
                ));
            }
        }
        if let Some((_, width)) = shape.stroke
            && bad(width)
        {
            return Err(format!(
                "it has a stroke {width:.3e} units wide (after its transforms), beyond the \
                 {MAX_COORDINATE:e} a PDF can draw"
            ));
        }
    }
    Ok(())
}

/// Whether the SVG source has a `<text` element.
fn memchr_text(bytes: &[u8]) -> bool {
    bytes.windows(5).any(|w| w == b"<text")
}

fn shape(path: &usvg::Path, note: &mut impl FnMut(&str)) -> Option<Shape> {
    let transform = path.abs_transform();
    let data = path.data().clone().transform(transform)?;
    let mut segments = Vec::new();
    let mut last = (0.0f64, 0.0f64);
    for segment in data.segments() {
        use usvg::tiny_skia_path::PathSegment;
        let p = |pt: usvg::tiny_skia_path::Point| (f64::from(pt.x), f64::from(pt.y));
        match segment {
            PathSegment::MoveTo(a) => {
                last = p(a);
                segments.push(Segment::Move(last.0, last.1));
            }
            PathSegment::LineTo(a) => {
                last = p(a);
                segments.push(Segment::Line(last.0, last.1));
            }
            PathSegment::QuadTo(c, a) => {
                // The same curve as a cubic: control points 2/3 of the way to the quadratic's.
                let (c, a) = (p(c), p(a));
                let c1 = (
                    last.0 + (c.0 - last.0) * 2.0 / 3.0,
                    last.1 + (c.1 - last.1) * 2.0 / 3.0,
                );
                let c2 = (a.0 + (c.0 - a.0) * 2.0 / 3.0, a.1 + (c.1 - a.1) * 2.0 / 3.0);
                segments.push(Segment::Cubic(c1.0, c1.1, c2.0, c2.1, a.0, a.1));
                last = a;
            }
            PathSegment::CubicTo(c1, c2, a) => {
                let (c1, c2, a) = (p(c1), p(c2), p(a));
                segments.push(Segment::Cubic(c1.0, c1.1, c2.0, c2.1, a.0, a.1));
                last = a;
            }
            PathSegment::Close => segments.push(Segment::Close),
        }
    }
    let fill = path.fill().map(|fill| {
        if fill.opacity().get() < 1.0 {
            note("opacity");
        }
        (
            colour(fill.paint(), note),
            fill.rule() == usvg::FillRule::EvenOdd,
        )
    });
    // Stroke widths scale with the transform (by its mean scale, for a non-uniform one).
    let scale = f64::from(
        (transform.sx * transform.sy - transform.kx * transform.ky)
            .abs()
            .sqrt(),
    );
    let stroke = path.stroke().map(|stroke| {
        if stroke.opacity().get() < 1.0 {
            note("opacity");
        }
        (
            colour(stroke.paint(), note),
            f64::from(stroke.width().get()) * scale,
        )
    });
    (fill.is_some() || stroke.is_some()).then_some(Shape {
        segments,
        fill,
        stroke,
    })
}

/// A paint as one colour: itself, or a gradient's middle stop (noted), or black for a
/// pattern (noted).
fn colour(paint: &usvg::Paint, note: &mut impl FnMut(&str)) -> Color {
    let from = |c: usvg::Color| Color {
        r: f32::from(c.red) / 255.0,
        g: f32::from(c.green) / 255.0,
        b: f32::from(c.blue) / 255.0,
    };
    let middle = |stops: &[usvg::Stop]| {
        stops
            .get(stops.len() / 2)
            .map_or(Color::BLACK, |s| from(s.color()))
    };
    match paint {
        usvg::Paint::Color(c) => from(*c),
        usvg::Paint::LinearGradient(g) => {
            note("gradients (painted in one colour)");
            middle(g.stops())
        }
        usvg::Paint::RadialGradient(g) => {
            note("gradients (painted in one colour)");
            middle(g.stops())
        }
        usvg::Paint::Pattern(_) => {
            note("patterns (painted black)");
            Color::BLACK
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transforms_are_applied_and_quadratics_become_cubics() {
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50">
            <g transform="translate(10 20)"><path d="M0 0 L10 0 Q20 0 20 10 Z" fill="red" stroke="#00f" stroke-width="2"/></g></svg>"##;
        let v = convert(svg).unwrap();
        assert!(v.left_out.is_empty(), "{:?}", v.left_out);
        let s = &v.shapes[0];
        assert_eq!(s.segments[0], Segment::Move(10.0, 20.0));
        assert_eq!(s.segments[1], Segment::Line(20.0, 20.0));
        let Segment::Cubic(x1, y1, _, _, x, y) = s.segments[2] else {
            panic!("{:?}", s.segments)
        };
        assert!((x1 - 80.0 / 3.0).abs() < 1e-4 && (y1 - 20.0).abs() < 1e-4);
        assert_eq!((x, y), (30.0, 30.0));
        assert_eq!(
            s.fill,
            Some((
                Color {
                    r: 1.0,
                    g: 0.0,
                    b: 0.0
                },
                false
            ))
        );
        assert_eq!(
            s.stroke,
            Some((
                Color {
                    r: 0.0,
                    g: 0.0,
                    b: 1.0
                },
                2.0
            ))
        );
    }

    #[test]
    fn what_cannot_be_drawn_is_named() {
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
            <defs><linearGradient id="g"><stop offset="0" stop-color="#000"/><stop offset="1" stop-color="#fff"/></linearGradient></defs>
            <rect width="10" height="10" fill="url(#g)"/><text x="1" y="9">Hi</text>
            <rect width="5" height="5" fill="red" opacity="0.5"/></svg>"##;
        let v = convert(svg).unwrap();
        assert!(!v.shapes.is_empty());
        assert_eq!(
            v.left_out,
            [
                "text (convert it to paths)",
                "gradients (painted in one colour)",
                "opacity"
            ]
        );
    }

    #[test]
    fn numbers_a_pdf_cannot_hold_are_refused() {
        let svg = |body: &str, size: &str| {
            format!(r#"<svg xmlns="http://www.w3.org/2000/svg" {size}>{body}</svg>"#)
        };
        let ok = r#"width="10" height="10""#;
        for (body, size) in [
            (r#"<path d="M0 0 L1e30 0 L0 10 Z"/>"#, ok),
            (
                r#"<path d="M0 0 L10 0" stroke="red" stroke-width="1e20"/>"#,
                ok,
            ),
            (
                r#"<g transform="scale(1e20)"><rect width="5" height="5"/></g>"#,
                ok,
            ),
            (
                r#"<rect width="5" height="5"/>"#,
                r#"width="1e30" height="10""#,
            ),
            (
                r#"<rect width="5" height="5"/>"#,
                r#"viewBox="0 0 1e-9 1e-9""#,
            ),
        ] {
            let err = match convert(svg(body, size).as_bytes()) {
                Ok(v) => panic!("{body} {size}: accepted as {:?}", v.shapes),
                Err(err) => err,
            };
            assert!(err.contains("a PDF can draw"), "{body} {size}: {err}");
        }
        let big = svg(r#"<rect width="5e6" height="5" fill="red"/>"#, ok);
        assert!(convert(big.as_bytes()).is_ok());
    }

    #[test]
    fn not_svg_is_an_error() {
        assert!(convert(b"\x89PNG not svg").is_err());
        assert!(convert(b"<svg").is_err());
    }
}
