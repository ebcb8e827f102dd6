//! Logos and scanned signatures end to end: what the PDF stores (read back with lopdf), how it
//! prints (rendered with `pdftoppm`), how big the file is and how much memory the run takes.
//! Fixtures are made here as real ones are — a PNG logo with alpha on a transparent ground, a
//! JPEG turned by its EXIF orientation, a large scanned signature — or committed
//! (`tests/fixtures/cmyk-red.jpg`: an Adobe CMYK JPEG written by ImageMagick;
//! `cmyk-noapp14-red*.jpg`: CMYK JPEGs without the Adobe marker).

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

/// The halves of the test JPEGs: left red, right blue.
const RED: [u8; 3] = [220, 20, 20];
const BLUE: [u8; 3] = [20, 20, 220];

use std::path::Path;

use common::{jpeg_with_orientation, letter, letterhead, qpdf_ok, repo, run};
use lopdf::Object;

/// A 600 × 200 logo on a transparent ground: a red disc at the left and a dark bar, with
/// anti-aliased edges; transparent pixels are black with zero alpha, as many tools save them.
fn logo_png(path: &Path) {
    let img = image::RgbaImage::from_fn(600, 200, |x, y| {
        let d = ((f64::from(x) - 100.0).hypot(f64::from(y) - 100.0)) - 80.0;
        let a = (0.5 - d).clamp(0.0, 1.0);
        if a > 0.0 {
            image::Rgba([200, 30, 50, (a * 255.0) as u8])
        } else if (220..=580).contains(&x) && (80..=120).contains(&y) {
            image::Rgba([40, 40, 40, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    img.save(path).unwrap();
}

/// Renders `letter.md` in `d` to `out.pdf`, expecting success.
fn render(d: &Path) -> std::path::PathBuf {
    let out = d.join("out.pdf");
    let r = run(letterhead()
        .current_dir(d)
        .args(["render", "letter.md", "-o"])
        .arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(qpdf_ok(&out));
    out
}

/// The image XObjects of a PDF (soft masks included), with their dictionaries.
fn images(pdf: &Path) -> Vec<(lopdf::ObjectId, lopdf::Stream)> {
    let doc = lopdf::Document::load(pdf).unwrap();
    doc.objects
        .into_iter()
        .filter_map(|(id, o)| match o {
            Object::Stream(s)
                if s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image") =>
            {
                Some((id, s))
            }
            _ => None,
        })
        .collect()
}

/// The first page rendered at `dpi` as RGB pixels.
fn rendered(pdf: &Path, dpi: u32) -> image::RgbImage {
    let prefix = pdf.with_extension("render");
    common::tool(
        "pdftoppm",
        &[
            "-r",
            &dpi.to_string(),
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    image::open(format!("{}.png", prefix.display()))
        .unwrap()
        .into_rgb8()
}

/// The bounding box (x0, y0, x1, y1) of the pixels that match.
fn bbox(img: &image::RgbImage, f: impl Fn([u8; 3]) -> bool) -> Option<(u32, u32, u32, u32)> {
    let mut b: Option<(u32, u32, u32, u32)> = None;
    for (x, y, p) in img.enumerate_pixels() {
        if f(p.0) {
            b = Some(match b {
                None => (x, y, x, y),
                Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
            });
        }
    }
    b
}

fn red(p: [u8; 3]) -> bool {
    p[0] > 150 && p[1] < 90 && p[2] < 110
}

fn blue(p: [u8; 3]) -> bool {
    p[2] > 150 && p[0] < 90 && p[1] < 110
}

fn with_logo(d: &Path, logo: &str) {
    std::fs::write(
        d.join("letterhead.toml"),
        format!("[organization]\nname = \"Acme\"\nlogo = \"{logo}\"\nlogo-height = \"20mm\"\n"),
    )
    .unwrap();
    std::fs::write(d.join("letter.md"), letter("to = [\"Jane Doe\"]", "Hello.")).unwrap();
}

#[test]
fn png_logo_with_alpha_is_small_and_keeps_its_transparency_as_a_soft_mask() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    logo_png(&d.join("logo.png"));
    with_logo(d, "logo.png");
    let pdf = render(d);
    // Budget: 1.5 × the PNG + 20 KiB (it was 360 KB of raw pixels).
    let png = std::fs::metadata(d.join("logo.png")).unwrap().len();
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(
        size <= png * 3 / 2 + 20 * 1024,
        "{size} bytes for a {png}-byte PNG"
    );
    let images = images(&pdf);
    let masked: Vec<_> = images
        .iter()
        .filter(|(_, s)| s.dict.has(b"SMask"))
        .collect();
    assert_eq!(masked.len(), 1, "one image with a soft mask: {images:?}");
    let (_, logo) = masked[0];
    assert_eq!(
        logo.dict.get(b"Filter").unwrap().as_name().unwrap(),
        b"FlateDecode"
    );
    // Printed: the disc is red, and the transparent ground beside it is paper, not black.
    let page = rendered(&pdf, 100);
    let (x0, y0, x1, y1) = bbox(&page, red).expect("the red disc is printed");
    let scale = f64::from(x1 - x0) / 160.0;
    let right_of_disc = x1 + (10.0 * scale) as u32..x0 + (180.0 * scale) as u32;
    for x in right_of_disc {
        for y in [y0, y1] {
            let p = page.get_pixel(x, y).0;
            assert!(p.iter().all(|&c| c > 240), "({x}, {y}) is {p:?}, not paper");
        }
    }
}

#[test]
fn cmyk_jpeg_passes_through_and_prints_in_its_colours() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let jpeg = std::fs::read(repo().join("tests/fixtures/cmyk-red.jpg")).unwrap();
    std::fs::write(d.join("logo.jpg"), &jpeg).unwrap();
    with_logo(d, "logo.jpg");
    let pdf = render(d);
    let images = images(&pdf);
    assert_eq!(images.len(), 1);
    let (_, s) = &images[0];
    assert_eq!(
        s.dict.get(b"Filter").unwrap().as_name().unwrap(),
        b"DCTDecode"
    );
    assert_eq!(
        s.dict.get(b"ColorSpace").unwrap().as_name().unwrap(),
        b"DeviceCMYK"
    );
    assert_eq!(s.content, jpeg, "the file's own bytes");
    let decode = s.dict.get(b"Decode").unwrap().as_array().unwrap();
    assert_eq!(decode.len(), 8);
    // #c8203c, not its negative.
    let page = rendered(&pdf, 72);
    let (x0, y0, x1, y1) = bbox(&page, red).expect("the logo prints red");
    assert!(x1 - x0 > 20 && y1 - y0 > 10, "{:?}", (x0, y0, x1, y1));
}

/// The commonest colour on a page that is not paper: a logo of one colour outnumbers the
/// anti-aliased text by far.
fn commonest_ink(page: &image::RgbImage) -> [u8; 3] {
    let mut counts = std::collections::BTreeMap::new();
    for p in page.pixels().filter(|p| p.0.iter().any(|&c| c < 230)) {
        *counts.entry(p.0).or_insert(0u32) += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(_, n)| n)
        .map_or([255; 3], |(p, _)| p)
}

/// CMYK JPEGs without an Adobe (APP14) marker, of one ink colour (C 0, M 214, Y 178, K 55 of
/// 255: the red #c8203c) stored inverted as Adobe software and libjpeg-based tools store CMYK:
/// `cmyk-noapp14-red.jpg` (96 × 48, written as it is) and `cmyk-noapp14-red-large.jpg`
/// (800 × 400, reduced on load). Written by the `jpeg-encoder` crate (`ColorType::Cmyk`), with
/// its APP14 segment removed, as a metadata stripper leaves such a file. Both must print red:
/// they printed near-black (passed through, read as not inverted) and the reduced one agreed
/// with neither.
#[test]
fn cmyk_jpeg_without_adobe_marker_prints_its_colour_passed_through_or_reduced() {
    for (file, passed) in [
        ("cmyk-noapp14-red.jpg", true),
        ("cmyk-noapp14-red-large.jpg", false),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let jpeg = std::fs::read(repo().join("tests/fixtures").join(file)).unwrap();
        std::fs::write(d.join("logo.jpg"), &jpeg).unwrap();
        with_logo(d, "logo.jpg");
        let pdf = render(d);
        let images = images(&pdf);
        assert_eq!(images.len(), 1, "{file}");
        let (_, s) = &images[0];
        assert_eq!(s.content == jpeg, passed, "{file}: passed through?");
        let got = commonest_ink(&rendered(&pdf, 72));
        let want = [200, 32, 60];
        let off = got
            .iter()
            .zip(want)
            .map(|(&a, b)| a.abs_diff(b))
            .max()
            .unwrap();
        assert!(off <= 24, "{file} prints {got:?}, not {want:?}");
    }
}

#[test]
fn exif_rotated_jpeg_is_drawn_upright_from_its_own_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Stored 80 × 40, red left, blue right; orientation 6 shows it turned clockwise: 40 wide,
    // 80 tall, red on top.
    let jpeg = jpeg_with_orientation(80, 40, 6, RED, BLUE);
    std::fs::write(d.join("photo.jpg"), &jpeg).unwrap();
    with_logo(d, "photo.jpg");
    let pdf = render(d);
    let images = images(&pdf);
    assert_eq!(images[0].1.content, jpeg, "passed through, not re-encoded");
    let page = rendered(&pdf, 100);
    let r = bbox(&page, red).expect("red printed");
    let b = bbox(&page, blue).expect("blue printed");
    assert!(r.3 < b.1, "red {r:?} above blue {b:?}");
    assert!(
        (r.2 - r.0) < (r.3 - r.1) * 2,
        "red half is wider than tall: {r:?}"
    );
}

#[test]
fn truncated_jpeg_is_refused_with_no_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let jpeg = jpeg_with_orientation(200, 100, 1, RED, BLUE);
    std::fs::write(d.join("logo.jpg"), &jpeg[..jpeg.len() / 2]).unwrap();
    with_logo(d, "logo.jpg");
    let r = run(letterhead().current_dir(d).args(["render", "letter.md"]));
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("logo `") && r.stderr.contains("cut short"),
        "{}",
        r.stderr
    );
    assert!(!d.join("letter.pdf").exists());
}

#[test]
fn same_image_file_used_twice_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    logo_png(&d.join("mark.png"));
    std::fs::copy(d.join("mark.png"), d.join("copy.png")).unwrap();
    with_logo(d, "mark.png");
    // The logo as one signatory's signature, and a copy of it as the other's.
    let front = "to = [\"Jane Doe\"]\nclosing = \"Yours,\"\n\
                 [[signatures]]\nname = \"A\"\nimage = \"mark.png\"\n\
                 [[signatures]]\nname = \"B\"\nimage = \"copy.png\"";
    std::fs::write(d.join("letter.md"), letter(front, "Hello.")).unwrap();
    let pdf = render(d);
    let images = images(&pdf);
    let colour: Vec<_> = images
        .iter()
        .filter(|(_, s)| s.dict.has(b"SMask"))
        .collect();
    // Neither is reduced (both boxes need about its 200 pixels' height): one image, once.
    assert_eq!(colour.len(), 1, "{images:?}");
    assert_eq!(images.len(), 2, "the image and its soft mask");
    let content = common::tool("qpdf", &["--qdf", pdf.to_str().unwrap(), "-"]);
    assert!(content.matches(" Do").count() >= 3, "three placements");
}

/// The largest resident set of any child process so far, in kilobytes.
fn children_peak_kb() -> i64 {
    use nix::sys::resource::{UsageWho, getrusage};
    getrusage(UsageWho::RUSAGE_CHILDREN).unwrap().max_rss()
}

#[test]
fn large_signatures_are_reduced_on_load_with_a_warning_and_little_memory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A 3,000² RGBA scan (36 MB of pixels decoded): four of them, as four signatories.
    let scan = image::RgbaImage::from_fn(3000, 3000, |x, y| {
        let on = (i64::from(x) - 1500 - (i64::from(y) - 1500) / 2).abs() < 30;
        image::Rgba(if on {
            [16, 32, 96, 255]
        } else {
            [255, 255, 255, 0]
        })
    });
    scan.save(d.join("sig1.png")).unwrap();
    for i in 2..=4 {
        std::fs::copy(d.join("sig1.png"), d.join(format!("sig{i}.png"))).unwrap();
    }
    std::fs::write(
        d.join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\n",
    )
    .unwrap();
    let mut front = "to = [\"Jane Doe\"]\nclosing = \"Yours,\"".to_string();
    for i in 1..=4 {
        front.push_str(&format!(
            "\n[[signatures]]\nname = \"S{i}\"\nimage = \"sig{i}.png\""
        ));
    }
    std::fs::write(d.join("letter.md"), letter(&front, "Hello.")).unwrap();
    let r = run(letterhead().current_dir(d).args(["check", "letter.md"]));
    assert!(
        r.stderr
            .contains("(3000 × 3000 pixels) has far more pixels than it prints with"),
        "{}",
        r.stderr
    );
    let pdf = render(d);
    // Before: each scan decoded whole, flattened, copied for printpdf: over 250 MB.
    let peak_mb = children_peak_kb() / 1024;
    assert!(peak_mb < 100, "peak {peak_mb} MB");
    for (_, s) in images(&pdf) {
        let w = s.dict.get(b"Width").unwrap().as_i64().unwrap();
        assert!(w < 1000, "kept {w} pixels wide");
    }
}

#[test]
fn merge_with_png_signature_stays_within_budget_and_combined_file_holds_images_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    logo_png(&d.join("logo.png"));
    logo_png(&d.join("sig.png"));
    std::fs::write(
        d.join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\nlogo = \"logo.png\"\n",
    )
    .unwrap();
    let front = "to = [\"{{ name }}\"]\nclosing = \"Yours,\"\n\
                 [signature]\nname = \"Ada\"\nimage = \"sig.png\"";
    std::fs::write(
        d.join("t.template.md"),
        letter(front, "Thank you, {{ name }}."),
    )
    .unwrap();
    let mut csv = "name\n".to_string();
    for i in 0..50 {
        csv.push_str(&format!("Person {i}\n"));
    }
    std::fs::write(d.join("data.csv"), csv).unwrap();
    let r = run(letterhead().current_dir(d).args([
        "merge",
        "t.template.md",
        "--data",
        "data.csv",
        "--out-dir",
        "out",
        "--combine",
        "print.pdf",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let letters = common::pdfs_in(&d.join("out"));
    assert_eq!(letters.len(), 50);
    let total: u64 = letters
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    // 30 MB for 1,000 letters (benches/images.sh measures those): 1.5 MB for 50.
    assert!(total < 1_500_000, "{total} bytes for 50 letters");
    let combined = d.join("print.pdf");
    assert!(qpdf_ok(&combined));
    let images = images(&combined);
    // The logo and the signature (each with its soft mask), once for the whole file.
    assert!(images.len() <= 4, "{} image objects", images.len());
}

#[test]
fn images_on_later_pages_are_named_in_their_resources() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    logo_png(&d.join("logo.png"));
    logo_png(&d.join("sig.png"));
    with_logo(d, "logo.png");
    let body: String = (1..=70)
        .map(|i| format!("Paragraph {i} of a long letter.\n\n"))
        .collect();
    let front = "to = [\"Jane Doe\"]\nclosing = \"Yours,\"\n[signature]\nname = \"Ada\"\nimage = \"sig.png\"";
    std::fs::write(d.join("letter.md"), letter(front, &body)).unwrap();
    let pdf = render(d);
    let list = common::tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    let pages: Vec<&str> = list
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        pages.len() >= 2 && pages.iter().any(|p| *p != "1"),
        "{list}"
    );
}

/// Writes a `width` × `height` RGBA PNG interlaced with Adam7, row by row of each pass (the
/// `png` crate writes no interlaced files): a dark stroke from corner to corner on a
/// transparent ground, as a scanned signature is saved. Rows are made and compressed one at a
/// time, so a large file costs the test little memory.
fn adam7_png(path: &Path, width: u32, height: u32) {
    use std::io::Write;
    const PASSES: [(u32, u32, u32, u32); 7] = [
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    ];
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    for (x0, y0, dx, dy) in PASSES {
        let columns = width.saturating_sub(x0).div_ceil(dx);
        if columns == 0 {
            continue;
        }
        let mut row = vec![0u8; 1 + columns as usize * 4];
        for y in (y0..height).step_by(dy as usize) {
            row.fill(0);
            // The stroke: pixels within 3% of the diagonal's x at this row.
            let centre = u64::from(y) * u64::from(width) / u64::from(height);
            let half = u64::from(width / 33 + 1);
            for i in 0..columns {
                let x = u64::from(x0 + i * dx);
                if x.abs_diff(centre) < half {
                    let at = 1 + i as usize * 4;
                    row[at..at + 4].copy_from_slice(&[16, 32, 96, 255]);
                }
            }
            z.write_all(&row).unwrap();
        }
    }
    let data = z.finish().unwrap();
    let chunk = |out: &mut Vec<u8>, kind: &[u8], body: &[u8]| {
        out.extend(u32::try_from(body.len()).unwrap().to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(body);
        out.extend(kind);
        out.extend(body);
        out.extend(crc.sum().to_be_bytes());
    };
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    // 8 bits, RGBA, deflate, adaptive filters, Adam7.
    ihdr.extend([8, 6, 0, 0, 1]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &data);
    chunk(&mut png, b"IEND", &[]);
    std::fs::write(path, png).unwrap();
}

/// An interlaced PNG is decoded whole (its rows come in seven passes over the whole image), so
/// one whose frame passes the memory limit is refused, naming why and what to do; it took
/// 404 MB for a 10,000² RGBA file, past the 256 MB limit every other image keeps. A small one
/// prints as it should.
#[test]
fn interlaced_png_past_the_memory_limit_is_refused_and_a_small_one_prints() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    adam7_png(&d.join("sig.png"), 10_000, 10_000);
    adam7_png(&d.join("small.png"), 600, 300);
    std::fs::write(
        d.join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\n",
    )
    .unwrap();
    let front = "to = [\"Jane Doe\"]\nclosing = \"Yours,\"\n\
                 [signature]\nname = \"Ada\"\nimage = \"sig.png\"";
    std::fs::write(d.join("letter.md"), letter(front, "Hello.")).unwrap();
    let r = run(letterhead().current_dir(d).args(["render", "letter.md"]));
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("sig.png")
            && r.stderr.contains("interlaced PNG of 10000 × 10000 pixels")
            && r.stderr.contains("without interlacing"),
        "{}",
        r.stderr
    );
    assert!(!d.join("letter.pdf").exists());
    let peak_mb = children_peak_kb() / 1024;
    assert!(peak_mb < 200, "peak {peak_mb} MB");

    let front = front.replace("sig.png", "small.png");
    std::fs::write(d.join("letter.md"), letter(&front, "Hello.")).unwrap();
    let pdf = render(d);
    let page = rendered(&pdf, 100);
    let dark_blue = |p: [u8; 3]| p[2] > 60 && p[2] < 140 && p[0] < 50 && p[1] < 70;
    let (x0, y0, x1, y1) = bbox(&page, dark_blue).expect("the stroke prints");
    assert!(x1 - x0 > 50 && y1 - y0 > 20, "{:?}", (x0, y0, x1, y1));
}
