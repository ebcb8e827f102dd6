//! PNG previews (`render --format png`): each page drawn from the laid-out frames must look
//! like the PDF of the same letter as poppler draws it (`pdftoppm -r 80`): the same pixel size
//! and page count, few pixels that differ much in gray, and the ink in the same place. Also
//! the file names, byte-identical output, and the options it refuses.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::{Path, PathBuf};

use common::{jpeg_with_orientation, letter, letterhead, repo, run};

const DPI: u32 = 80;

/// A page as gray values.
struct Gray {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

fn gray(path: &Path) -> Gray {
    let img = image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .into_luma8();
    Gray {
        width: img.width(),
        height: img.height(),
        pixels: img.into_raw(),
    }
}

/// The bounding box (x0, y0, x1, y1) of the dark pixels (gray below 128).
fn ink(page: &Gray) -> Option<(u32, u32, u32, u32)> {
    let mut b: Option<(u32, u32, u32, u32)> = None;
    for (i, &v) in page.pixels.iter().enumerate() {
        if v < 128 {
            let (x, y) = (i as u32 % page.width, i as u32 / page.width);
            b = Some(match b {
                None => (x, y, x, y),
                Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
            });
        }
    }
    b
}

/// The share of pixels whose gray values differ by more than 64.
fn differing(a: &Gray, b: &Gray) -> f64 {
    let n = a
        .pixels
        .iter()
        .zip(&b.pixels)
        .filter(|(x, y)| x.abs_diff(**y) > 64)
        .count();
    n as f64 / a.pixels.len() as f64
}

/// The share of dark pixels.
fn inked(a: &Gray) -> f64 {
    a.pixels.iter().filter(|&&v| v < 128).count() as f64 / a.pixels.len() as f64
}

/// Renders `letter` (in its folder, with its letterhead) as PDF and as PNG into `out`, and
/// returns poppler's pages of the PDF and the preview's pages, in order.
fn both(letter: &Path, out: &Path, name: &str) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let pdf = out.join(format!("{name}.pdf"));
    let r = run(letterhead().arg("render").arg(letter).arg("-o").arg(&pdf));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(letterhead()
        .arg("render")
        .arg(letter)
        .args(["--format", "png", "--dpi", &DPI.to_string(), "-o"])
        .arg(out.join(format!("{name}.png"))));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let prefix = out.join(format!("{name}-poppler"));
    common::tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            &DPI.to_string(),
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let mut poppler = Vec::new();
    let mut ours = Vec::new();
    for entry in std::fs::read_dir(out).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(rest) = file.strip_prefix(&format!("{name}-poppler-")) {
            let n: usize = rest.trim_end_matches(".png").parse().unwrap();
            poppler.push((n, path));
        } else if let Some(rest) = file.strip_prefix(&format!("{name}-"))
            && let Ok(n) = rest.trim_end_matches(".png").parse::<usize>()
        {
            ours.push((n, path));
        }
    }
    poppler.sort();
    ours.sort();
    (
        poppler.into_iter().map(|(_, p)| p).collect(),
        ours.into_iter().map(|(_, p)| p).collect(),
    )
}

/// Asserts that the preview of `letter` looks like poppler's drawing of its PDF.
fn looks_like_the_pdf(letter: &Path, name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (poppler, ours) = both(letter, dir.path(), name);
    assert!(!poppler.is_empty());
    assert_eq!(ours.len(), poppler.len(), "{name}: page count");
    for (page, (theirs, ours)) in poppler.iter().zip(&ours).enumerate() {
        let (a, b) = (gray(theirs), gray(ours));
        assert_eq!(
            (b.width, b.height),
            (a.width, a.height),
            "{name} page {}: pixel size",
            page + 1
        );
        let share = differing(&a, &b);
        eprintln!(
            "{name} page {}: {:.3} % differ, ink {:.2} %",
            page + 1,
            share * 100.0,
            inked(&a) * 100.0
        );
        assert!(
            share < 0.005,
            "{name} page {}: {:.2} % of the pixels differ (ink: {:.2} %)",
            page + 1,
            share * 100.0,
            inked(&a) * 100.0
        );
        let (ia, ib) = (ink(&a).unwrap(), ink(&b).unwrap());
        let off = [
            ia.0.abs_diff(ib.0),
            ia.1.abs_diff(ib.1),
            ia.2.abs_diff(ib.2),
            ia.3.abs_diff(ib.3),
        ];
        assert!(
            off.iter().all(|&d| d <= 2),
            "{name} page {}: ink at {ib:?}, poppler's at {ia:?}",
            page + 1
        );
    }
}

#[test]
fn example_letters_look_like_their_pdfs() {
    let letters = repo().join("letters");
    for (file, name) in [
        ("amnesty-draft-policy.md", "amnesty"),
        ("comments-on-outreach-guidelines.md", "comments"),
        ("din/bauantrag.md", "din"),
        ("din-a/bauantrag.md", "din-a"),
        ("window/grant-report.md", "window"),
    ] {
        looks_like_the_pdf(&letters.join(file), name);
    }
}

/// A 600 × 200 logo on a transparent ground: a red disc at the left and a dark bar.
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

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100">
  <rect x="5" y="5" width="90" height="90" rx="15" fill="#1a4d8f"/>
  <path d="M120 20 L290 20 L290 40 L120 40 Z M120 60 L250 60 L250 80 L120 80 Z" fill="#333"/>
  <circle cx="50" cy="50" r="30" fill="none" stroke="#fff" stroke-width="8"/>
</svg>
"##;

#[test]
fn logos_look_like_their_pdfs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    logo_png(&d.join("logo.png"));
    std::fs::write(
        d.join("photo.jpg"),
        jpeg_with_orientation(160, 80, 6, [20, 20, 120], [230, 200, 60]),
    )
    .unwrap();
    std::fs::write(d.join("logo.svg"), SVG).unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/cmyk-red.jpg"),
        d.join("cmyk.jpg"),
    )
    .unwrap();
    // Large enough that a logo drawn turned or misplaced changes over 1 % of the page.
    for (logo, height) in [
        ("logo.png", 40),
        ("photo.jpg", 60),
        ("logo.svg", 40),
        ("cmyk.jpg", 40),
    ] {
        let folder = d.join(logo.replace('.', "-"));
        std::fs::create_dir(&folder).unwrap();
        std::fs::copy(d.join(logo), folder.join(logo)).unwrap();
        std::fs::write(
            folder.join("letterhead.toml"),
            format!(
                "[organization]\nname = \"Acme\"\nlogo = \"{logo}\"\nlogo-height = \"{height}mm\"\n"
            ),
        )
        .unwrap();
        std::fs::write(
            folder.join("letter.md"),
            letter("to = [\"Jane Doe\"]", "Hello."),
        )
        .unwrap();
        looks_like_the_pdf(&folder.join("letter.md"), "letter");
    }
}

#[test]
fn pages_are_numbered_files_and_the_same_letter_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let long = "A paragraph that goes on. ".repeat(40);
    let body = vec![long; 12].join("\n\n");
    std::fs::write(d.join("long.md"), letter("to = [\"Jane Doe\"]", &body)).unwrap();
    // Beside the letter, named after it.
    let r = run(letterhead()
        .current_dir(d)
        .args(["render", "long.md", "--format", "png", "-q"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = std::fs::read(d.join("long-1.png")).unwrap();
    let second = std::fs::read(d.join("long-2.png")).unwrap();
    assert!(!d.join("long.pdf").exists(), "no PDF is written");
    assert_eq!(&first[..8], b"\x89PNG\r\n\x1a\n");
    // 96 dpi by default: an A4 or letter page is 794 or 816 pixels wide.
    let page = gray(&d.join("long-1.png"));
    assert!(matches!(page.width, 794 | 816), "{}", page.width);
    // Again, into another folder: the same bytes.
    let r = run(letterhead().current_dir(d).args([
        "render",
        "long.md",
        "--format",
        "png",
        "--out-dir",
        "again",
        "-q",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(d.join("again/long-1.png")).unwrap(), first);
    assert_eq!(std::fs::read(d.join("again/long-2.png")).unwrap(), second);
    // -o names the set; a page left over from a longer version is removed, other files stay.
    std::fs::write(
        d.join("long.md"),
        letter("to = [\"Jane Doe\"]", "Short now."),
    )
    .unwrap();
    std::fs::write(d.join("long-9.png"), b"not ours").unwrap();
    let r = run(letterhead()
        .current_dir(d)
        .args(["render", "long.md", "--format", "png", "-o", "long.png"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(d.join("long-1.png").exists());
    assert!(
        !d.join("long-2.png").exists(),
        "the stale second page stays"
    );
    assert_eq!(std::fs::read(d.join("long-9.png")).unwrap(), b"not ours");
    // A letter failed by --deny-warnings leaves no earlier preview, and nothing else, behind.
    std::fs::write(d.join("long.png"), b"a picture of mine").unwrap();
    let r = run(letterhead().current_dir(d).args([
        "render",
        "long.md",
        "--format",
        "png",
        "--deny-warnings",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!d.join("long-1.png").exists(), "the earlier preview stays");
    assert_eq!(
        std::fs::read(d.join("long.png")).unwrap(),
        b"a picture of mine"
    );
    // A file that is not a PNG is never replaced by a page.
    std::fs::write(d.join("photo-1.png"), b"my holiday").unwrap();
    let r = run(letterhead().current_dir(d).args([
        "render",
        "long.md",
        "--format",
        "png",
        "-o",
        "photo.png",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("is not a PNG"), "{}", r.stderr);
    assert_eq!(std::fs::read(d.join("photo-1.png")).unwrap(), b"my holiday");
}

#[test]
fn senseless_options_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.md"), letter("to = [\"Jane Doe\"]", "Hello.")).unwrap();
    for (args, says) in [
        (&["--format", "png", "--dpi", "0"][..], "--dpi"),
        (&["--format", "png", "--dpi", "10000"][..], "--dpi"),
        (&["--format", "png", "--dpi", "ninety"][..], "--dpi"),
        (&["--format", "png", "--pdfa"][..], "--pdfa"),
        (&["--format", "png", "--open"][..], "--open"),
        (&["--format", "png", "-o", "-"][..], "standard output"),
        (&["--dpi", "150"][..], "--format png"),
        (&["--format", "gif"][..], "--format"),
    ] {
        let r = run(letterhead()
            .current_dir(d)
            .args(["render", "a.md"])
            .args(args));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
    }
    let left: Vec<_> = std::fs::read_dir(d).unwrap().collect();
    assert_eq!(left.len(), 1, "nothing written");
}
