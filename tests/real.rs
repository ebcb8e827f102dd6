//! The realistic corpus: organizations built the way real ones are (`tests/real/*/`: a PNG
//! emblem with transparency, a photographic JPEG, a CMYK JPEG, an SVG wordmark, a very wide
//! and a very tall logo, long two-word and five-word names, DIN 5008 form A and B, a US #10
//! window, a spreadsheet's CSV with a BOM, CRLF line ends, quoted commas and empty cells, other
//! scripts, an EXIF-rotated scan). Each folder is rendered as a batch, the food bank's merge
//! with its CSV, and every PDF is read back with independent tools: every word in order
//! (`pdftotext`), no two words and no word and image overlapping and nothing outside the page
//! (`pdftotext -bbox`, `mutool trace`), the file within its size budget, `qpdf --check` clean.
//! (`tests/readers.sh` also validates these PDFs with `pdfcpu validate -m strict`.)

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::{Path, PathBuf};

use common::pdfread::{Bbox, attr, word_pages};
use common::{letterhead, qpdf_ok, run, tool};

/// A page: its size, its words with their boxes, and its images' boxes.
struct Page {
    width: f64,
    height: f64,
    words: Vec<(String, Bbox)>,
    images: Vec<Bbox>,
}

/// Every page of a PDF, from `pdftotext -bbox` (words) and `mutool trace` (images).
fn pages(pdf: &Path) -> Vec<Page> {
    let mut pages: Vec<Page> = word_pages(pdf, false)
        .into_iter()
        .map(|p| Page {
            width: p.width,
            height: p.height,
            words: p.words,
            images: Vec::new(),
        })
        .collect();
    let trace = tool("mutool", &["trace", pdf.to_str().unwrap()]);
    let mut page = 0;
    for line in trace.lines() {
        if line.trim_start().starts_with("<page ") {
            page += 1;
        } else if line.contains("<fill_image ") {
            // The unit square through the image's matrix, in the page's top-down space.
            let m: Vec<f64> = attr(line, "transform")
                .unwrap()
                .split_whitespace()
                .map(|v| v.parse().unwrap())
                .collect();
            let corners = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]
                .map(|(u, v)| (m[0] * u + m[2] * v + m[4], m[1] * u + m[3] * v + m[5]));
            let xs = corners.map(|c| c.0);
            let ys = corners.map(|c| c.1);
            let min = |v: [f64; 4]| v.into_iter().fold(f64::INFINITY, f64::min);
            let max = |v: [f64; 4]| v.into_iter().fold(f64::NEG_INFINITY, f64::max);
            pages[page - 1].images.push(Bbox {
                x0: min(xs),
                y0: min(ys),
                x1: max(xs),
                y1: max(ys),
            });
        }
    }
    pages
}

/// Words of the text, as `pdftotext` separates them.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// Each of `expected` found in `extracted`, in order.
fn assert_in_order(label: &str, extracted: &[String], expected: &[String]) {
    let mut at = 0;
    for word in expected {
        let Some(offset) = extracted[at..].iter().position(|w| w == word) else {
            panic!(
                "{label}: `{word}` missing after word {at} of:\n{}",
                extracted[at..].join(" ")
            );
        };
        at += offset + 1;
    }
}

/// The words a letter must show, in reading order: recipient, subject, salutation, body,
/// closing, signer. Taken from its source with plain string handling: the corpus's letters
/// use no Markdown syntax in their bodies and write their punctuation as it prints.
fn expected_words(source: &str) -> Vec<String> {
    let (front, body) = source.trim_start_matches("+++").split_once("+++").unwrap();
    let value = |key: &str| -> Option<String> {
        front
            .lines()
            .find(|l| l.starts_with(&format!("{key} ")))
            .and_then(|l| l.split_once('=').map(|(_, v)| v.trim().to_string()))
    };
    let strings = |raw: &str| -> Vec<String> {
        raw.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let mut out = Vec::new();
    for key in ["to", "subject", "salutation"] {
        if let Some(v) = value(key) {
            for s in strings(&v) {
                out.extend(words(&s));
            }
        }
    }
    out.extend(words(body));
    if let Some(v) = value("closing") {
        out.extend(strings(&v).iter().flat_map(|s| words(s)));
    }
    if let Some(v) = value("name") {
        out.extend(strings(&v).iter().flat_map(|s| words(s)));
    }
    out
}

/// The size budget of a folder's letters: half as much again as its image files, and 20 KiB
/// for the rest (fonts, text, structure).
fn budget(folder: &Path) -> u64 {
    let images: u64 = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "png" || e == "jpg" || e == "svg")
        })
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    images * 3 / 2 + 20 * 1024
}

/// Reads one PDF back and checks what every PDF of the corpus must satisfy.
fn check_pdf(label: &str, pdf: &Path, budget: u64) {
    assert!(qpdf_ok(pdf), "{label}: qpdf --check fails");
    let bytes = std::fs::metadata(pdf).unwrap().len();
    assert!(
        bytes <= budget,
        "{label}: {bytes} bytes, over the budget of {budget}"
    );
    let pages = pages(pdf);
    assert!(!pages.is_empty(), "{label}: no pages");
    for (n, page) in pages.iter().enumerate() {
        let label = format!("{label}, page {}", n + 1);
        // Fold and punch marks stand in the left edge; no text goes there or past the right.
        let edge = 8.0 * 72.0 / 25.4;
        for (text, b) in &page.words {
            assert!(
                b.x0 >= edge && b.x1 <= page.width - edge && b.y0 >= 0.0 && b.y1 <= page.height,
                "{label}: `{text}` at {b:?} is outside the page"
            );
        }
        for (i, (a, ab)) in page.words.iter().enumerate() {
            for (b, bb) in &page.words[i + 1..] {
                assert!(
                    !ab.core().overlaps(&bb.core()),
                    "{label}: `{a}` at {ab:?} overlaps `{b}` at {bb:?}"
                );
            }
        }
        for image in &page.images {
            assert!(
                image.x0 >= edge - 0.5
                    && image.x1 <= page.width - edge + 0.5
                    && image.y0 >= 0.0
                    && image.y1 <= page.height,
                "{label}: an image at {image:?} is outside the page"
            );
            for (text, b) in &page.words {
                assert!(
                    !b.core().overlaps(image),
                    "{label}: `{text}` at {b:?} overlaps an image at {image:?}"
                );
            }
        }
    }
}

/// A copy of the corpus in a fresh folder.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = common::repo().join("tests/real");
    for org in std::fs::read_dir(&from).unwrap() {
        let org = org.unwrap().path();
        let to = dir.path().join(org.file_name().unwrap());
        std::fs::create_dir(&to).unwrap();
        for file in std::fs::read_dir(&org).unwrap() {
            let file = file.unwrap().path();
            std::fs::copy(&file, to.join(file.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn folders(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    out.sort();
    out
}

#[test]
fn every_letter_of_the_real_corpus_renders_whole_in_place_and_small() {
    let dir = corpus();
    let orgs = folders(dir.path());
    assert!(
        orgs.len() >= 6,
        "the corpus has {} organizations",
        orgs.len()
    );
    let r = run(letterhead().arg("render").arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut letters = 0;
    for org in &orgs {
        let budget = budget(org);
        for md in folders(org) {
            let name = md.file_name().unwrap().to_string_lossy().into_owned();
            if !name.ends_with(".md") || name.ends_with(".template.md") {
                continue;
            }
            let label = format!("{}/{name}", org.file_name().unwrap().to_string_lossy());
            let pdf = md.with_extension("pdf");
            check_pdf(&label, &pdf, budget);
            let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
            let source = std::fs::read_to_string(&md).unwrap();
            assert_in_order(&label, &words(&text), &expected_words(&source));
            letters += 1;
        }
    }
    assert!(letters >= 7, "only {letters} letters in the corpus");
}

#[test]
fn a_spreadsheet_csv_merges_every_row_with_its_own_values() {
    let dir = corpus();
    let org = dir.path().join("foodbank");
    let r = run(letterhead()
        .arg("merge")
        .arg(org.join("thank-you.template.md"))
        .arg("--data")
        .arg(org.join("donors.csv"))
        .args(["--name", "{{ last_name }}"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("read 4 rows"), "{}", r.stderr);
    // What each row must print, written out here rather than read with a CSV parser: the
    // quoted commas, the doubled quotes and the empty cells are what is tested.
    let rows = [
        (
            "Núñez",
            "José Núñez",
            "1200 Orange Grove Ave, Apt 4",
            "Riverside, CA 92501",
            "$250.00",
        ),
        (
            "Ångström-Baker",
            "Zoë Ångström-Baker",
            "77 Magnolia Ave, Building B, Unit 12",
            "Corona, CA 92879",
            "$1,000.00",
        ),
        (
            "Zhang",
            "Wei Zhang",
            "4410 Canyon Crest Dr",
            "Riverside, CA 92507",
            "$75.00",
        ),
        (
            "O'Sullivan",
            "Mary-Catherine \"Kit\" O'Sullivan",
            "9 Via Zapata, #3",
            "Moreno Valley, CA 92557",
            "$40.00",
        ),
    ];
    let budget = budget(&org);
    for (file, name, street, city, amount) in rows {
        let pdf = org.join("thank-you").join(format!("{file}.pdf"));
        check_pdf(file, &pdf, budget);
        let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
        // Quotes compared straight: which quotation marks a merged value gets is typography
        // (the language's), not data.
        let text = words(&text)
            .join(" ")
            .replace(['“', '”', '„'], "\"")
            .replace(['’', '‘'], "'");
        for needle in [name, street, city, &format!("gift of {amount}")] {
            assert!(
                text.contains(needle),
                "{file}: `{needle}` missing from:\n{text}"
            );
        }
    }
    let written = std::fs::read_dir(org.join("thank-you")).unwrap().count();
    assert_eq!(written, 4, "an empty last line of the CSV made a letter");
}
