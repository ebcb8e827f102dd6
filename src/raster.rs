//! PNG previews: the laid-out pages painted into pixels, one PNG per page (`render --format
//! png`), so that a letter can be looked at in a chat or a pull request without a PDF viewer.
//!
//! Why it exists beside `pdf`: rasterising the PDF would need a PDF engine (hayro, pdfium,
//! MuPDF); the pages are already plain data (`frame`), so this is a second, small consumer of
//! the same frames. It takes a `frame::Document` and gives PNG bytes; it reads no file and
//! writes none (`write_pages` hands the bytes to the caller's writer).
//!
//! Glyph outlines come from the faces layout already loaded (`read-fonts`, which harfrust's
//! font is), paths are filled by `tiny-skia`, images are decoded with `image` and `flate2`,
//! the PNG is written by `png`. The output is deterministic: the same document at the same
//! resolution gives the same bytes.
//!
//! What it does not do, or does only approximately — it is a preview, the PDF is the letter:
//! - no hinting, and anti-aliasing of its own: glyph edges differ slightly from a PDF viewer's;
//! - CMYK JPEGs are converted to RGB naively (no colour profile), as `image` does;
//! - images are reduced to the resolution of the preview with a triangle filter, then drawn
//!   with bilinear sampling;
//! - links, bookmarks, the structure tree and document information have no pixels; what the
//!   PDF writer adds beyond the frames (pages of other PDFs enclosed or used as stationery,
//!   where a letter has them) is not shown;
//! - a page is painted on white; nothing is transparent.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use read_fonts::model::glyph::outline::{DrawMemory, DrawOptions, PathSink};
use tiny_skia::{
    FillRule, FilterQuality, LineCap, Paint, PathBuilder, Pixmap, PixmapPaint, Stroke, Transform,
};

use crate::config::Color;
use crate::diag::{self, Diagnostic};
use crate::fonts::Face;
use crate::frame::{Colour, Document, Image, ImageData, Item, Page, Segment, TextRun, Vector};

/// The resolutions a preview can have, in dots per inch: from a thumbnail to print quality.
/// The upper end keeps an A4 page under 140 MB of pixels.
pub const DPI: std::ops::RangeInclusive<u32> = 10..=600;

/// The default resolution (a screen's).
pub const DEFAULT_DPI: u32 = 96;

/// Pixels a page may have: a poster-sized custom page at high resolution is refused rather
/// than allocated (A3 at 600 dpi is 70 million).
const MAX_PIXELS: u64 = 100_000_000;

/// Renders every page at `dpi` and returns one PNG file's bytes per page.
pub fn render(doc: &Document, dpi: u32) -> Result<Vec<Vec<u8>>, String> {
    let mut glyphs = GlyphCache::default();
    doc.pages
        .iter()
        .map(|page| {
            let pixmap = paint(page, dpi, &mut glyphs)?;
            encode(&pixmap)
        })
        .collect()
}

/// The pixel size of a page at `dpi`: its size in points scaled and rounded up, as
/// `pdftoppm -r DPI` makes it.
pub fn pixel_size(page: &Page, dpi: u32) -> (u32, u32) {
    let scale = f64::from(dpi) / 72.0;
    let side = |pt: f64| (pt * scale - 1e-6).ceil().max(1.0) as u32;
    (side(page.width.to_pt()), side(page.height.to_pt()))
}

/// The files of a preview whose base is `base`: `DIR/NAME.png` gives `DIR/NAME-1.png`,
/// `DIR/NAME-2.png`, … (any extension of `base` is replaced). Numbered even when there is one
/// page, so that a letter that grows a page keeps its first file's name.
pub fn page_path(base: &Path, page: usize) -> PathBuf {
    let stem = base
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "page".to_string());
    base.with_file_name(format!("{stem}-{page}.png"))
}

/// The base of a preview written where a letter's PDF would go: `appeal.pdf` → `appeal.png`.
pub fn base_for(pdf: &Path) -> PathBuf {
    pdf.with_extension("png")
}

/// Renders `doc` and writes its pages beside `base` (see `page_path`) with `write`, which
/// writes one file whole and says whether it changed it. Pages left over from a longer
/// earlier version of the letter (`NAME-3.png` after a page was cut) are removed. Returns the
/// bytes written and whether every file already held its bytes. `source` names the letter in
/// errors.
pub fn write_pages(
    doc: &Document,
    dpi: u32,
    base: &Path,
    source: &Path,
    mut write: impl FnMut(&Path, &[u8]) -> diag::Result<bool>,
) -> diag::Result<(usize, bool)> {
    let pngs = render(doc, dpi).map_err(|err| {
        Diagnostic::error(format!("cannot draw the PNG preview: {err}"))
            .in_file(source)
            .boxed()
    })?;
    // A page may replace an earlier preview, never anything else (a photo named like a page).
    for i in 1..=pngs.len() {
        let path = page_path(base, i);
        if std::fs::symlink_metadata(&path).is_ok() && !is_png(&path) {
            return Err(Diagnostic::error(format!(
                "`{}` exists and is not a PNG; it would be overwritten",
                path.display()
            ))
            .in_file(source)
            .hint("letterhead only replaces PNG previews: choose another name with -o or remove the file")
            .boxed());
        }
    }
    let mut bytes = 0;
    let mut unchanged = true;
    for (i, png) in pngs.iter().enumerate() {
        bytes += png.len();
        unchanged &= !write(&page_path(base, i + 1), png)?;
    }
    unchanged &= remove_pages(base, pngs.len() + 1) == 0;
    Ok((bytes, unchanged))
}

/// Removes the pages of an earlier preview from page `from` on, as long as they are PNG
/// files (a letter that failed, or pages a shorter version no longer has); returns how many.
pub fn remove_pages(base: &Path, from: usize) -> usize {
    let mut page = from;
    loop {
        let stale = page_path(base, page);
        if !is_png(&stale) || std::fs::remove_file(&stale).is_err() {
            return page - from;
        }
        page += 1;
    }
}

/// Whether `path` is a regular file that starts like a PNG.
fn is_png(path: &Path) -> bool {
    let mut head = [0u8; 8];
    // A pipe or a device is never opened (reading a FIFO would wait for a writer).
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
        && std::fs::File::open(path)
            .and_then(|mut f| f.read_exact(&mut head))
            .is_ok_and(|()| head == *b"\x89PNG\r\n\x1a\n")
}

/// Glyph outlines in font units (y up), by face and glyph id; `None` for a glyph without one
/// (a space) or one the font cannot draw.
#[derive(Default)]
struct GlyphCache {
    paths: HashMap<(usize, u16), Option<tiny_skia::Path>>,
}

impl GlyphCache {
    fn get(&mut self, face: &Arc<Face>, id: u16) -> Option<&tiny_skia::Path> {
        // The face is kept alive by the document for as long as the cache lives.
        let key = (Arc::as_ptr(face) as usize, id);
        self.paths
            .entry(key)
            .or_insert_with(|| outline(face, id))
            .as_ref()
    }
}

/// A glyph's outline in font units.
fn outline(face: &Face, id: u16) -> Option<tiny_skia::Path> {
    let glyph = face
        .font
        .outline_glyphs()
        .get(harfrust::GlyphId::new(u32::from(id)))?;
    let mut sink = Sink(PathBuilder::new());
    glyph
        .draw(&DrawOptions::new(), DrawMemory::Scratch, &mut sink)
        .ok()?;
    sink.0.finish()
}

/// Collects an outline into a tiny-skia path.
struct Sink(PathBuilder);

impl PathSink for Sink {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.0.quad_to(cx0, cy0, x, y);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.0.cubic_to(cx0, cy0, cx1, cy1, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

/// Paints one page on white.
fn paint(page: &Page, dpi: u32, glyphs: &mut GlyphCache) -> Result<Pixmap, String> {
    let (w, h) = pixel_size(page, dpi);
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!(
            "a page of {w} × {h} pixels is too large; choose a lower --dpi"
        ));
    }
    let mut pixmap =
        Pixmap::new(w, h).ok_or_else(|| format!("cannot make a page of {w} × {h} pixels"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    // Points (y down, as frames measure) to pixels.
    let scale = (f64::from(dpi) / 72.0) as f32;
    let page_transform = Transform::from_scale(scale, scale);
    for item in &page.items {
        match item {
            Item::Text(run) => text(&mut pixmap, run, scale, glyphs),
            Item::Rule {
                from,
                to,
                thickness,
                color,
            } => {
                let from = (from.0.to_pt() as f32 * scale, from.1.to_pt() as f32 * scale);
                let to = (to.0.to_pt() as f32 * scale, to.1.to_pt() as f32 * scale);
                rule(
                    &mut pixmap,
                    from,
                    to,
                    thickness.to_pt() as f32 * scale,
                    *color,
                );
            }
            Item::Image {
                image,
                x,
                y,
                width,
                height,
            } => {
                let at = (x.to_pt() as f32, y.to_pt() as f32);
                let size = (width.to_pt() as f32, height.to_pt() as f32);
                draw_image(&mut pixmap, image, at, size, scale);
            }
            Item::Vector {
                graphic,
                x,
                y,
                width,
                height,
            } => {
                if graphic.width > 0.0 && graphic.height > 0.0 {
                    let transform = page_transform
                        .pre_translate(x.to_pt() as f32, y.to_pt() as f32)
                        .pre_scale(
                            (width.to_pt() / graphic.width) as f32,
                            (height.to_pt() / graphic.height) as f32,
                        );
                    vector(&mut pixmap, graphic, transform);
                }
            }
            Item::Tag(_) | Item::Link { .. } => {}
        }
    }
    Ok(pixmap)
}

/// A rule from `from` to `to` (pixels), `width` pixels thick. A horizontal or vertical rule
/// has its edges on whole pixels and is at least a pixel thick, as PDF viewers draw thin
/// rules ("stroke adjustment"): a hairline anti-aliased over two rows would look faint.
fn rule(pixmap: &mut Pixmap, from: (f32, f32), to: (f32, f32), width: f32, color: Color) {
    let paint = paint_of(color);
    // The pixel edges of a band from `a - width / 2` to `a + width / 2`, at least one apart.
    let snap = |a: f32| {
        let (lo, hi) = ((a - width / 2.0).round(), (a + width / 2.0).round());
        if hi > lo {
            (lo, hi)
        } else {
            (a.floor(), a.floor() + 1.0)
        }
    };
    let rect = if from.1 == to.1 {
        let (top, bottom) = snap(from.1);
        let (left, right) = (from.0.min(to.0).round(), from.0.max(to.0).round());
        tiny_skia::Rect::from_ltrb(left, top, right.max(left + 1.0), bottom)
    } else if from.0 == to.0 {
        let (left, right) = snap(from.0);
        let (top, bottom) = (from.1.min(to.1).round(), from.1.max(to.1).round());
        tiny_skia::Rect::from_ltrb(left, top, right, bottom.max(top + 1.0))
    } else {
        let mut pb = PathBuilder::new();
        pb.move_to(from.0, from.1);
        pb.line_to(to.0, to.1);
        if let Some(path) = pb.finish() {
            let stroke = Stroke {
                width: width.max(1.0),
                line_cap: LineCap::Butt,
                ..Stroke::default()
            };
            pixmap.stroke_path(&path, &paint, &stroke, Transform::identity(), None);
        }
        return;
    };
    if let Some(rect) = rect {
        let mut solid = paint;
        solid.anti_alias = false;
        pixmap.fill_rect(rect, &solid, Transform::identity(), None);
    }
}

/// A run's glyphs, each outline scaled from font units (y up) to the run's size on its
/// baseline (y down). As poppler (and most screen renderers) place glyphs: the baseline on a
/// whole pixel, which keeps a line's letters sharp and level at small sizes, and each glyph
/// at a quarter pixel across.
fn text(pixmap: &mut Pixmap, run: &TextRun, scale: f32, glyphs: &mut GlyphCache) {
    let paint = paint_of(run.color);
    let em = (run.size.to_pt() / run.face.units_per_em) as f32;
    let x0 = run.x.to_pt() as f32;
    let baseline = (run.y.to_pt() as f32 * scale).floor();
    for g in run.glyphs.iter() {
        let Some(path) = glyphs.get(&run.face, g.id) else {
            continue;
        };
        let x = ((x0 + g.x().to_pt() as f32) * scale * 4.0).floor() / 4.0;
        let transform = Transform::from_row(em * scale, 0.0, 0.0, -em * scale, x, baseline);
        pixmap.fill_path(path, &paint, FillRule::Winding, transform, None);
    }
}

/// A vector graphic's shapes through `transform` (its units to pixels).
fn vector(pixmap: &mut Pixmap, graphic: &Vector, transform: Transform) {
    for shape in &graphic.shapes {
        let mut pb = PathBuilder::new();
        for segment in &shape.segments {
            match *segment {
                Segment::Move(x, y) => pb.move_to(x as f32, y as f32),
                Segment::Line(x, y) => pb.line_to(x as f32, y as f32),
                Segment::Cubic(x1, y1, x2, y2, x, y) => pb.cubic_to(
                    x1 as f32, y1 as f32, x2 as f32, y2 as f32, x as f32, y as f32,
                ),
                Segment::Close => pb.close(),
            }
        }
        let Some(path) = pb.finish() else { continue };
        if let Some((color, even_odd)) = shape.fill {
            let rule = if even_odd {
                FillRule::EvenOdd
            } else {
                FillRule::Winding
            };
            pixmap.fill_path(&path, &paint_of(color), rule, transform, None);
        }
        if let Some((color, width)) = shape.stroke {
            let stroke = Stroke {
                width: width as f32,
                ..Stroke::default()
            };
            pixmap.stroke_path(&path, &paint_of(color), &stroke, transform, None);
        }
    }
}

fn paint_of(color: Color) -> Paint<'static> {
    let channel = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    let mut paint = Paint::default();
    paint.set_color_rgba8(channel(color.r), channel(color.g), channel(color.b), 255);
    paint.anti_alias = true;
    paint
}

/// An image drawn upright into its box (`at`, `size` in points, y down): its stored pixels
/// turned by the EXIF orientation, as `pdf::image::matrix` does for the PDF. An image that
/// cannot be decoded is drawn as a gray box.
fn draw_image(pixmap: &mut Pixmap, image: &Image, at: (f32, f32), size: (f32, f32), scale: f32) {
    let (x, y) = at;
    let (w, h) = size;
    // The unit square (u right, v down, the stored image's first row at v = 0) → the box
    // (points, y down), for each orientation.
    let [a, b, c, d, e, f] = match image.orientation {
        2 => [-w, 0.0, 0.0, h, x + w, y],
        3 => [-w, 0.0, 0.0, -h, x + w, y + h],
        4 => [w, 0.0, 0.0, -h, x, y + h],
        5 => [0.0, h, w, 0.0, x, y],
        6 => [0.0, h, -w, 0.0, x + w, y],
        7 => [0.0, -h, -w, 0.0, x + w, y + h],
        8 => [0.0, -h, w, 0.0, x, y + h],
        _ => [w, 0.0, 0.0, h, x, y],
    };
    let unit = Transform::from_row(a, b, c, d, e, f);
    // The stored image at the preview's resolution, at least a pixel each way.
    let (stored_w, stored_h) = if image.transposed() { (h, w) } else { (w, h) };
    let target = (
        ((stored_w * scale).ceil() as u32).max(1),
        ((stored_h * scale).ceil() as u32).max(1),
    );
    let page = Transform::from_scale(scale, scale);
    match decode(image, target) {
        Some(pixels) => {
            let to_unit =
                Transform::from_scale(1.0 / pixels.width() as f32, 1.0 / pixels.height() as f32);
            let transform = page.pre_concat(unit).pre_concat(to_unit);
            let paint = PixmapPaint {
                quality: FilterQuality::Bilinear,
                ..PixmapPaint::default()
            };
            pixmap.draw_pixmap(0, 0, pixels.as_ref(), &paint, transform, None);
        }
        None => {
            if let Some(rect) = tiny_skia::Rect::from_xywh(x, y, w, h) {
                let gray = Color {
                    r: 0.8,
                    g: 0.8,
                    b: 0.8,
                };
                pixmap.fill_rect(rect, &paint_of(gray), page, None);
            }
        }
    }
}

/// An image's stored pixels (before its orientation), reduced to at most `target` pixels
/// each way, premultiplied for tiny-skia.
fn decode(image: &Image, target: (u32, u32)) -> Option<Pixmap> {
    let (sw, sh) = image.stored_size();
    let rgba = match &image.data {
        ImageData::Jpeg { bytes, .. } => {
            let mut reader = ::image::ImageReader::with_format(
                std::io::Cursor::new(&bytes[..]),
                ::image::ImageFormat::Jpeg,
            );
            let mut limits = ::image::Limits::default();
            limits.max_image_width = Some(sw.max(1));
            limits.max_image_height = Some(sh.max(1));
            limits.max_alloc = Some(u64::from(sw) * u64::from(sh) * 8 + (1 << 20));
            reader.limits(limits);
            reader.decode().ok()?.to_rgba8()
        }
        ImageData::Flate {
            colour,
            bits,
            data,
            alpha,
        } => flate_rgba(colour, *bits, data, alpha.as_deref(), sw, sh)?,
    };
    if rgba.dimensions() != (sw, sh) {
        return None;
    }
    let rgba = if target.0 < sw || target.1 < sh {
        ::image::imageops::resize(
            &rgba,
            target.0.min(sw),
            target.1.min(sh),
            ::image::imageops::FilterType::Triangle,
        )
    } else {
        rgba
    };
    let (w, h) = rgba.dimensions();
    let mut data = rgba.into_raw();
    for px in data.chunks_exact_mut(4) {
        let alpha = u16::from(px[3]);
        for c in &mut px[..3] {
            *c = ((u16::from(*c) * alpha + 127) / 255) as u8;
        }
    }
    Pixmap::from_vec(data, tiny_skia::IntSize::from_wh(w, h)?)
}

/// PDF-style Flate image data (zlib, rows led by their PNG filter byte) as RGBA pixels.
fn flate_rgba(
    colour: &Colour,
    bits: u8,
    data: &[u8],
    alpha: Option<&[u8]>,
    w: u32,
    h: u32,
) -> Option<::image::RgbaImage> {
    let components: usize = match colour {
        Colour::Rgb => 3,
        Colour::Gray | Colour::Indexed(_) => 1,
    };
    let bits = usize::from(bits);
    if !matches!(bits, 1 | 2 | 4 | 8) || (components == 3 && bits != 8) || w == 0 || h == 0 {
        return None;
    }
    let (wu, hu) = (w as usize, h as usize);
    let samples = unfilter(
        data,
        (wu * components * bits).div_ceil(8),
        hu,
        components * bits,
    )?;
    let opacity = match alpha {
        Some(a) => Some(unfilter(a, wu, hu, 8)?),
        None => None,
    };
    let row_bytes = (wu * components * bits).div_ceil(8);
    let sample = |row: &[u8], i: usize| -> u8 {
        match bits {
            8 => row[i],
            _ => {
                let bit = i * bits;
                let byte = row[bit / 8];
                let shift = 8 - bits - bit % 8;
                (byte >> shift) & ((1u8 << bits) - 1)
            }
        }
    };
    let max = ((1u32 << bits) - 1) as u8;
    let mut out = ::image::RgbaImage::new(w, h);
    for (y, row) in samples.chunks_exact(row_bytes).enumerate().take(hu) {
        for x in 0..wu {
            let rgb = match colour {
                Colour::Rgb => [row[x * 3], row[x * 3 + 1], row[x * 3 + 2]],
                Colour::Gray => {
                    let v = (u32::from(sample(row, x)) * 255 / u32::from(max)) as u8;
                    [v, v, v]
                }
                Colour::Indexed(palette) => {
                    let i = usize::from(sample(row, x)) * 3;
                    let p = palette.get(i..i + 3)?;
                    [p[0], p[1], p[2]]
                }
            };
            let a = opacity.as_ref().map_or(255, |o| o[y * wu + x]);
            out.put_pixel(
                x as u32,
                y as u32,
                ::image::Rgba([rgb[0], rgb[1], rgb[2], a]),
            );
        }
    }
    Some(out)
}

/// Inflates zlib data and undoes the PNG filters of its `rows` rows of `row_bytes` bytes
/// (each led by its filter byte), `bits_per_pixel` apart. Refuses data of the wrong size.
fn unfilter(data: &[u8], row_bytes: usize, rows: usize, bits_per_pixel: usize) -> Option<Vec<u8>> {
    let expected = (row_bytes + 1).checked_mul(rows)?;
    let mut raw = Vec::with_capacity(expected);
    flate2::read::ZlibDecoder::new(data)
        .take(expected as u64 + 1)
        .read_to_end(&mut raw)
        .ok()?;
    if raw.len() < expected {
        return None;
    }
    let bpp = bits_per_pixel.div_ceil(8).max(1);
    let mut out = vec![0u8; row_bytes * rows];
    for y in 0..rows {
        let line = &raw[y * (row_bytes + 1)..(y + 1) * (row_bytes + 1)];
        let (filter, line) = (line[0], &line[1..]);
        let (done, rest) = out.split_at_mut(y * row_bytes);
        let prev = if y == 0 {
            None
        } else {
            Some(&done[(y - 1) * row_bytes..])
        };
        let cur = &mut rest[..row_bytes];
        for i in 0..row_bytes {
            let a = if i >= bpp { cur[i - bpp] } else { 0 };
            let b = prev.map_or(0, |p| p[i]);
            let c = if i >= bpp {
                prev.map_or(0, |p| p[i - bpp])
            } else {
                0
            };
            let predicted = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                _ => return None,
            };
            cur[i] = line[i].wrapping_add(predicted);
        }
    }
    Some(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// A page as PNG: 8-bit gray when every pixel is gray (most letters), else 8-bit RGB.
fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, String> {
    // The page is opaque (painted on white), so the premultiplied pixels are the colours.
    let pixels = pixmap.data();
    let gray = pixels.chunks_exact(4).all(|p| p[0] == p[1] && p[1] == p[2]);
    let (colour, samples) = if gray {
        let mut samples = Vec::with_capacity(pixels.len() / 4);
        for p in pixels.chunks_exact(4) {
            samples.push(p[0]);
        }
        (png::ColorType::Grayscale, samples)
    } else {
        let mut samples = Vec::with_capacity(pixels.len() / 4 * 3);
        for p in pixels.chunks_exact(4) {
            samples.extend_from_slice(&p[..3]);
        }
        (png::ColorType::Rgb, samples)
    };
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(colour);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Balanced);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer
        .write_image_data(&samples)
        .map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::length::Abs;

    fn blank(width: f64, height: f64) -> Page {
        Page {
            width: Abs::pt(width),
            height: Abs::pt(height),
            items: Vec::new(),
        }
    }

    #[test]
    fn an_a4_page_has_the_size_pdftoppm_gives_it() {
        let a4 = blank(595.276, 841.89);
        assert_eq!(pixel_size(&a4, 80), (662, 936));
        assert_eq!(pixel_size(&a4, 96), (794, 1123));
        assert_eq!(pixel_size(&blank(72.0, 144.0), 72), (72, 144));
    }

    #[test]
    fn pages_are_numbered_beside_the_base() {
        let base = base_for(Path::new("out/appeal.pdf"));
        assert_eq!(base, Path::new("out/appeal.png"));
        assert_eq!(page_path(&base, 2), Path::new("out/appeal-2.png"));
        assert_eq!(
            page_path(Path::new("preview"), 1),
            Path::new("preview-1.png")
        );
    }

    #[test]
    fn png_filters_are_undone() {
        use std::io::Write as _;
        // Two rows of three gray bytes: Sub on the first, Up on the second.
        let raw = [1u8, 10, 5, 5, 2, 1, 1, 1];
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&raw).unwrap();
        let data = z.finish().unwrap();
        assert_eq!(
            unfilter(&data, 3, 2, 8).unwrap(),
            vec![10, 15, 20, 11, 16, 21]
        );
        // Short data is refused, not read past.
        assert!(unfilter(&data, 3, 3, 8).is_none());
    }

    fn zlib(raw: &[u8]) -> Vec<u8> {
        use std::io::Write as _;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(raw).unwrap();
        z.finish().unwrap()
    }

    #[test]
    fn packed_gray_and_palette_samples_become_rgba() {
        // One row of three 1-bit gray pixels: white, black, white.
        let img = flate_rgba(&Colour::Gray, 1, &zlib(&[0, 0b1010_0000]), None, 3, 1).unwrap();
        let reds: Vec<u8> = img.pixels().map(|p| p.0[0]).collect();
        assert_eq!(reds, [255, 0, 255]);
        // Two 2-bit palette indices (2, 1) with half opacity on the second pixel.
        let palette = Colour::Indexed(vec![0, 0, 0, 10, 20, 30, 200, 100, 50]);
        let alpha = zlib(&[0, 255, 128]);
        let img = flate_rgba(&palette, 2, &zlib(&[0, 0b1001_0000]), Some(&alpha), 2, 1).unwrap();
        assert_eq!(img.get_pixel(0, 0).0, [200, 100, 50, 255]);
        assert_eq!(img.get_pixel(1, 0).0, [10, 20, 30, 128]);
        // An index past the palette is no image, not a panic.
        assert!(flate_rgba(&palette, 2, &zlib(&[0, 0b1111_0000]), None, 2, 1).is_none());
    }

    #[test]
    fn a_rule_is_drawn_where_it_lies() {
        let mut page = blank(72.0, 72.0);
        page.items.push(Item::Rule {
            from: (Abs::pt(0.0), Abs::pt(36.0)),
            to: (Abs::pt(72.0), Abs::pt(36.0)),
            thickness: Abs::pt(2.0),
            color: Color::BLACK,
        });
        // A hairline is one whole pixel, not two faint ones.
        page.items.push(Item::Rule {
            from: (Abs::pt(0.0), Abs::pt(50.2)),
            to: (Abs::pt(72.0), Abs::pt(50.2)),
            thickness: Abs::pt(0.3),
            color: Color::BLACK,
        });
        let pixmap = paint(&page, 72, &mut GlyphCache::default()).unwrap();
        let at = |x: u32, y: u32| pixmap.pixel(x, y).unwrap().red();
        assert_eq!(at(10, 35), 0);
        assert_eq!(at(10, 36), 0);
        assert_eq!(at(10, 33), 255);
        assert_eq!(at(10, 38), 255);
        assert_eq!([at(10, 49), at(10, 50), at(10, 51)], [255, 0, 255]);
    }
}
