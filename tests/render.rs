//! End-to-end tests: run the `letterhead` binary on real letters and read the PDFs back with
//! independent tools (poppler's `pdftotext` and `pdffonts`, `qpdf`). These tools are required:
//! `.ci/run` installs them, and a missing tool fails the test rather than skipping it.

#![allow(clippy::unwrap_used)] // Test helpers: a failed unwrap is a failed test.

mod common;

use std::path::{Path, PathBuf};

use common::{example_dir, letterhead, repo, run, tool};

fn render(dir: &Path, letter: &str) -> PathBuf {
    let r = run(letterhead().arg("render").arg(dir.join(letter)));
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir.join(letter).with_extension("pdf")
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

const SEED: &str = "amnesty-draft-policy.md";
const LONG: &str = "comments-on-outreach-guidelines.md";

#[test]
fn seed_letter_text_extracts_every_word_in_order() {
    let dir = example_dir();
    let pdf = render(dir.path(), SEED);
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    for needle in [
        "“Draft Policy on Sex Work”",
        "AI’s",
        "people—such",
        "10,000s",
        "HOLDING THE US ACCOUNTABLE FOR SEX WORKER RIGHTS",
        "www.bestpracticespolicy.org",
        "Wednesday August 5, 2015",
        "Penelope.saunders@gmail.com",
    ] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
    // Every word of the body, in order (a hyphenated word comes back whole).
    let source = std::fs::read_to_string(dir.path().join(SEED)).unwrap();
    let body = source.rsplit("+++").next().unwrap().replace("- ", " ");
    let extracted = words(&text);
    let mut at = 0;
    for word in words(&body) {
        let found = extracted[at..].iter().position(|w| *w == word);
        let Some(offset) = found else {
            panic!(
                "`{word}` missing after word {at} of:\n{}",
                extracted[at..].join(" ")
            );
        };
        at += offset + 1;
    }
}

#[test]
fn hyphenated_words_extract_whole() {
    let dir = example_dir();
    let config = std::fs::read_to_string(dir.path().join("letterhead.toml")).unwrap();
    let config = config
        .replace("align       = \"left\"", "align = \"justify\"")
        .replace("size        = \"10.5pt\"", "size = \"12pt\"");
    assert!(config.contains("justify"));
    std::fs::write(dir.path().join("letterhead.toml"), config).unwrap();
    let pdf = render(dir.path(), LONG);
    let layout = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    let flowing = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let lines: Vec<&str> = layout
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut joined = 0;
    for pair in lines.windows(2) {
        let Some(fragment) = pair[0].strip_suffix('-') else {
            continue;
        };
        let head = fragment.split_whitespace().last().unwrap();
        let tail = pair[1].split_whitespace().next().unwrap();
        let word = format!("{head}{tail}");
        assert!(
            flowing.contains(&word),
            "`{word}` is not whole in the extracted text"
        );
        joined += 1;
    }
    assert!(
        joined >= 3,
        "expected hyphenated lines in justified 12pt text, found {joined}"
    );
}

#[test]
fn fonts_are_embedded_and_subset() {
    let dir = example_dir();
    let pdf = render(dir.path(), LONG);
    let listing = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert!(rows.len() >= 2, "{listing}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "not embedded+subset+unicode: {row}"
        );
        assert!(cols[0].contains('+'), "no subset tag: {row}");
        assert!(!row.contains("Type 3"), "{row}");
    }
}

#[test]
fn qpdf_finds_no_errors() {
    let dir = example_dir();
    for letter in [SEED, LONG] {
        let pdf = render(dir.path(), letter);
        let out = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
        assert!(out.contains("No syntax or stream encoding errors"), "{out}");
    }
}

#[test]
fn links_are_borderless_annotations() {
    let dir = example_dir();
    let pdf = render(dir.path(), SEED);
    let qdf = dir.path().join("qdf.pdf");
    tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            pdf.to_str().unwrap(),
            qdf.to_str().unwrap(),
        ],
    );
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    assert!(
        raw.contains("/URI (mailto:Penelope.saunders@gmail.com)"),
        "mailto link missing"
    );
    assert!(
        raw.contains("/URI (http://www.bestpracticespolicy.org)"),
        "web link missing"
    );
    assert!(raw.contains("/Subtype /Link"));
    assert!(
        !raw.contains("/Border [ 1"),
        "links must not have a visible border"
    );
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    let dir = example_dir();
    let first = std::fs::read(render(dir.path(), LONG)).unwrap();
    let second = std::fs::read(render(dir.path(), LONG)).unwrap();
    assert_eq!(first, second);
    // A batch writes the same bytes as a single render.
    let r = run(letterhead().arg("render").arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read(dir.path().join(LONG).with_extension("pdf")).unwrap(),
        first
    );
}

#[test]
fn no_text_lies_outside_the_margins() {
    let dir = example_dir();
    for letter in [SEED, LONG] {
        let pdf = render(dir.path(), letter);
        let html = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
        let attr = |line: &str, name: &str| -> f64 {
            let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            line[start..].split('"').next().unwrap().parse().unwrap()
        };
        let mut count = 0;
        for line in html.lines().filter(|l| l.contains("<word ")) {
            let (x0, x1) = (attr(line, "xMin"), attr(line, "xMax"));
            let (y0, y1) = (attr(line, "yMin"), attr(line, "yMax"));
            // Letter paper, one-inch side margins; nothing in the outer quarter inch top or bottom.
            assert!(
                x0 >= 71.5 && x1 <= 540.5,
                "outside the side margins: {line}"
            );
            assert!(y0 >= 18.0 && y1 <= 792.0 - 18.0, "outside the page: {line}");
            count += 1;
        }
        assert!(count > 300, "only {count} words found");
    }
}

#[test]
fn later_pages_carry_the_continuation_header() {
    let dir = example_dir();
    let pdf = render(dir.path(), LONG);
    let page1 = tool(
        "pdftotext",
        &["-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"],
    );
    let page2 = tool(
        "pdftotext",
        &["-f", "2", "-l", "2", pdf.to_str().unwrap(), "-"],
    );
    assert!(page1.contains("Best Practices Policy Project"));
    assert!(
        !page1.contains("Page 1 of"),
        "page one shows no page number"
    );
    assert!(page2.contains("Office of Policy Review"), "{page2}");
    assert!(page2.contains("Page 2 of 2"), "{page2}");
    assert!(
        !page2.contains("HOLDING THE US"),
        "the letterhead is on page one only"
    );
}

#[test]
fn signature_stays_with_the_last_body_lines() {
    let dir = example_dir();
    let pdf = render(dir.path(), LONG);
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let last = tool(
        "pdftotext",
        &[
            "-f",
            &pages.to_string(),
            "-l",
            &pages.to_string(),
            pdf.to_str().unwrap(),
            "-",
        ],
    );
    assert!(last.contains("With thanks for your attention,"));
    assert!(last.contains("Penelope Saunders"));
    assert!(
        last.contains("taken into account."),
        "closing without body lines:\n{last}"
    );
}

#[test]
fn metadata_names_title_author_and_creator() {
    let dir = example_dir();
    let pdf = render(dir.path(), SEED);
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let field = |name: &str| -> String {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    assert_eq!(field("Title"), "Draft Policy on Sex Work");
    assert_eq!(field("Author"), "Penelope Saunders");
    assert_eq!(
        field("Creator"),
        format!("letterhead {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(field("PDF version"), "1.7");
    assert!(field("CreationDate").contains("2015"), "{info}");
}

#[test]
fn stdin_renders_to_stdout() {
    let source = std::fs::read(repo().join("letters").join(SEED)).unwrap();
    let mut cmd = letterhead();
    cmd.args(["render", "-", "-l"])
        .arg(repo().join("letters/letterhead.toml"));
    let out = assert_cmd::Command::from_std(cmd)
        .write_stdin(source)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.starts_with(b"%PDF-1.7"));
}

#[test]
fn a_reader_that_closes_standard_output_early_fails_no_letter() {
    let mut cmd = letterhead();
    cmd.args(["render", "-o", "-"])
        .arg(repo().join("letters").join(SEED))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // Like `| head -c 0`: the reader closes the pipe before the PDF is written, so every
    // write meets a closed pipe (reading a byte first would race with the writes).
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("failed") && !stderr.contains("error"),
        "{stderr}"
    );
}

#[test]
fn a_full_disk_on_standard_output_fails_the_letter_plainly() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let r = run(letterhead()
        .args(["render", "-o", "-"])
        .arg(repo().join("letters").join(SEED))
        .stdout(full));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the PDF could not be written whole to standard output")
            && r.stderr.contains("No space left on device"),
        "{}",
        r.stderr
    );
}

#[test]
fn output_option_writes_where_asked() {
    let dir = example_dir();
    let target = dir.path().join("out/letter.pdf");
    let r = run(letterhead()
        .arg("render")
        .arg(dir.path().join(SEED))
        .arg("-o")
        .arg(&target));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::read(&target).unwrap().starts_with(b"%PDF"));
    // --out-dir mirrors the folder.
    let out = dir.path().join("mirror");
    let r = run(letterhead()
        .arg("render")
        .arg(dir.path())
        .arg("--out-dir")
        .arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.join("amnesty-draft-policy.pdf").is_file());
    assert!(out.join("comments-on-outreach-guidelines.pdf").is_file());
}

// Bad input: a clear error naming the file (and line), the right exit code, no PDF.

fn bad_letter(front: &str, body: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\n",
    )
    .unwrap();
    let path = dir.path().join("letter.md");
    std::fs::write(&path, format!("{front}{body}")).unwrap();
    (dir, path)
}

fn assert_fails(path: &Path, code: i32, needles: &[&str]) {
    // The human format: every diagnostic with its hints (not only a line per failure).
    let r = run(letterhead()
        .args(["render", "--diagnostic-format", "human"])
        .arg(path));
    assert_eq!(r.code, code, "{}", r.stderr);
    for needle in needles {
        assert!(
            r.stderr.contains(needle),
            "`{needle}` not in:\n{}",
            r.stderr
        );
    }
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(!path.with_extension("pdf").exists(), "a PDF was written");
}

#[test]
fn unclosed_front_matter_is_an_error_at_line_one() {
    let (_dir, path) = bad_letter("+++\ndate = 2015-08-05\n", "Body.\n");
    assert_fails(&path, 1, &["front matter is never closed", "letter.md:1:1"]);
}

#[test]
fn toml_syntax_error_points_at_its_line() {
    let (_dir, path) = bad_letter("+++\nsubject = \"Hi\"\nto = [\"a\",\n+++\n", "Body.\n");
    assert_fails(&path, 1, &["unclosed array", "letter.md:3:11"]);
}

#[test]
fn wrong_type_names_the_expected_type() {
    let (_dir, path) = bad_letter("+++\nsubject = 3\n+++\n", "Body.\n");
    assert_fails(&path, 1, &["letter.md:2:11", "string"]);
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let (_dir, path) = bad_letter("+++\nsubjet = \"Hi\"\n+++\n", "Body.\n");
    assert_fails(
        &path,
        1,
        &[
            "unknown field `subjet`",
            "did you mean `subject`?",
            "letter.md:2:1",
        ],
    );
}

#[test]
fn letter_that_is_not_utf8_is_refused() {
    let (_dir, path) = bad_letter("", "");
    std::fs::write(&path, b"+++\n+++\nCaf\xe9\n").unwrap();
    assert_fails(&path, 1, &["is not UTF-8", "line 3"]);
}

#[test]
fn missing_logo_is_a_configuration_error() {
    let (dir, path) = bad_letter("+++\n+++\n", "Body.\n");
    std::fs::write(
        dir.path().join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\nlogo = \"nowhere.png\"\n",
    )
    .unwrap();
    assert_fails(&path, 2, &["failed to read logo", "nowhere.png"]);
}

#[test]
fn corrupt_logo_is_a_configuration_error() {
    let (dir, path) = bad_letter("+++\n+++\n", "Body.\n");
    std::fs::write(
        dir.path().join("logo.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRgarbage",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\nlogo = \"logo.png\"\n",
    )
    .unwrap();
    assert_fails(&path, 2, &["logo", "logo.png", "cannot be used"]);
}

#[test]
fn unknown_letterhead_key_is_a_configuration_error() {
    let (dir, path) = bad_letter("+++\n+++\n", "Body.\n");
    std::fs::write(
        dir.path().join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\ntagine = \"x\"\n",
    )
    .unwrap();
    assert_fails(
        &path,
        2,
        &["letterhead.toml:3:1", "did you mean `tagline`?"],
    );
}

#[test]
fn one_bad_letter_does_not_stop_the_batch() {
    let dir = example_dir();
    std::fs::write(dir.path().join("broken.md"), "+++\nsubject = \n+++\nBody\n").unwrap();
    let r = run(letterhead().arg("render").arg(dir.path()));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("broken.md:2:"), "{}", r.stderr);
    assert!(
        r.stderr.contains("2 letters rendered (4 pages), 1 failed"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("1 failed"), "{}", r.stderr);
    assert!(!dir.path().join("broken.pdf").exists());
    assert!(dir.path().join("amnesty-draft-policy.pdf").is_file());
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn output_over_an_input_is_refused_before_anything_is_written() {
    let dir = example_dir();
    let input = dir.path().join(SEED);
    let before = std::fs::read(&input).unwrap();
    let r = run(letterhead().arg("render").arg(&input).arg("-o").arg(&input));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is one of the inputs"), "{}", r.stderr);
    assert_eq!(
        std::fs::read(&input).unwrap(),
        before,
        "the input was changed"
    );
}

#[test]
fn a_folder_named_like_a_letter_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("odd.md")).unwrap();
    let r = run(letterhead().arg("render").arg(dir.path().join("odd.md")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("is a folder"), "{}", r.stderr);
}

#[test]
fn missing_glyphs_are_a_warning_naming_the_character() {
    let (_dir, path) = bad_letter("+++\n+++\n", "Tea 🍵 time.\n");
    // Without the system's fonts, one of which may have the emoji.
    let r = run(letterhead()
        .args([
            "render",
            "--ignore-system-fonts",
            "--diagnostic-format",
            "human",
        ])
        .arg(&path));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("has no glyph for `🍵` (U+1F375)"),
        "{}",
        r.stderr
    );
}

#[test]
fn logo_is_embedded_as_an_image() {
    let dir = example_dir();
    let logo = image::RgbaImage::from_fn(300, 200, |x, _| {
        image::Rgba([120, 30, 60, if x < 150 { 255 } else { 0 }])
    });
    logo.save(dir.path().join("logo.png")).unwrap();
    let config = std::fs::read_to_string(dir.path().join("letterhead.toml")).unwrap();
    let config = config.replacen(
        "[organization]\n",
        "[organization]\nlogo = \"logo.png\"\n",
        1,
    );
    std::fs::write(dir.path().join("letterhead.toml"), config).unwrap();
    let pdf = render(dir.path(), SEED);
    let list = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    let rows: Vec<&str> = list.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{list}");
    fn cols(row: &str) -> Vec<&str> {
        row.split_whitespace().take(6).collect()
    }
    // page, num, type, width, height, color: one 300 × 200 RGB image on page one, its
    // transparency kept as a soft mask (not flattened onto white).
    assert_eq!(
        cols(rows[0]),
        ["1", "0", "image", "300", "200", "rgb"],
        "{list}"
    );
    assert_eq!(
        cols(rows[1]),
        ["1", "1", "smask", "300", "200", "gray"],
        "{list}"
    );
    tool("qpdf", &["--check", pdf.to_str().unwrap()]);
}

#[test]
fn font_files_can_replace_the_bundled_family() {
    let (dir, path) = bad_letter("+++\n+++\n", "Plain *and italic* text.\n");
    let regular = repo().join("fonts/noto-serif/NotoSerif-Regular.ttf");
    std::fs::write(
        dir.path().join("letterhead.toml"),
        format!(
            "[organization]\nname = \"Acme\"\n[style]\nfont = {{ regular = \"{}\" }}\n",
            regular.display()
        ),
    )
    .unwrap();
    let r = run(letterhead()
        .args(["render", "--diagnostic-format", "short"])
        .arg(&path));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let fonts = tool("pdffonts", &[path.with_extension("pdf").to_str().unwrap()]);
    // Bold and italic fall back to the regular face, which is embedded once.
    assert_eq!(fonts.lines().skip(2).count(), 1, "{fonts}");
    assert!(fonts.contains("+NotoSerif-Regular"), "{fonts}");
    assert!(r.stderr.contains("has no italic face"), "{}", r.stderr);
    assert!(r.stderr.contains("has no bold face"), "{}", r.stderr);
}

#[test]
fn a_file_that_is_not_a_font_is_a_configuration_error() {
    let (dir, path) = bad_letter("+++\n+++\n", "Body.\n");
    std::fs::write(dir.path().join("fake.ttf"), b"this is not a font").unwrap();
    std::fs::write(
        dir.path().join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\n[style]\nfont = { regular = \"fake.ttf\" }\n",
    )
    .unwrap();
    assert_fails(&path, 2, &["fake.ttf", "is not a usable font"]);
}

#[test]
fn german_letter_has_german_quotes_date_hyphenation_and_labels() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("letterhead.toml"),
        "[organization]\nname = \"Verein für Wohnungsfragen\"\n[page]\nsize = \"a5\"\n\
         [style]\nlanguage = \"de-DE\"\nalign = \"justify\"\nsize = \"11pt\"\n",
    )
    .unwrap();
    let compounds = "Die Donaudampfschifffahrtsgesellschaft und die \
        Rechtsschutzversicherungsgesellschaften verhandeln über \
        Kraftfahrzeughaftpflichtversicherungen und Grundstücksverkehrsgenehmigungen. ";
    std::fs::write(
        d.join("brief.md"),
        format!(
            "+++\ndate = 2026-05-05\nto = [\"Frau Erika Mustermann\"]\nenclosures = [\"Satzung\", \"Protokoll\"]\n\
             cc = [\"Vorstand\"]\n+++\n\nWir nennen das \"gute Nachbarschaft\".\n\n{}\n",
            compounds.repeat(14)
        ),
    )
    .unwrap();
    let pdf = render(d, "brief.md");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    for needle in [
        "„gute Nachbarschaft“",
        "5. Mai 2026",
        "Seite 2 von ",
        "Anlagen (2):",
        "Kopie an: Vorstand",
    ] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
    // Lines ending in a hyphen break a word where the German patterns allow it.
    let layout = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    let lines: Vec<&str> = layout.lines().map(str::trim).collect();
    let mut breaks = 0;
    for pair in lines.windows(2) {
        let Some(head) = pair[0].strip_suffix('-') else {
            continue;
        };
        let head = head.rsplit(' ').next().unwrap();
        let tail = pair[1].split([' ', '.', ',']).next().unwrap();
        if head.is_empty() || !head.chars().all(char::is_alphabetic) {
            continue;
        }
        let word = format!("{head}{tail}").to_lowercase();
        let syllables: Vec<&str> = hypher::hyphenate(&word, hypher::Lang::German).collect();
        let mut at = 0;
        let points: Vec<usize> = syllables
            .iter()
            .map(|s| {
                at += s.len();
                at
            })
            .collect();
        assert!(
            points.contains(&head.to_lowercase().len()),
            "`{head}-{tail}` is not a German hyphenation point ({syllables:?})"
        );
        breaks += 1;
    }
    assert!(breaks > 0, "no word was hyphenated:\n{layout}");
}

#[test]
fn letters_print_at_full_size_and_their_links_print() {
    let dir = example_dir();
    let pdf = render(dir.path(), SEED);
    let qdf = dir.path().join("seed.qdf");
    tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            pdf.to_str().unwrap(),
            qdf.to_str().unwrap(),
        ],
    );
    let text = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    assert!(
        text.contains("/PrintScaling /None"),
        "no /PrintScaling /None"
    );
    // Every link annotation carries the Print flag (no other object of ours has an /F 4).
    let links = text.matches("/Subtype /Link").count();
    assert!(links >= 3, "only {links} links");
    assert_eq!(text.matches("/F 4").count(), links, "a link lacks /F 4");
}

/// Page numbers of the images of a PDF (`pdfimages -list`).
fn image_pages(pdf: &Path) -> Vec<usize> {
    tool("pdfimages", &["-list", pdf.to_str().unwrap()])
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect()
}

/// The number of the page whose text contains `needle`.
fn page_of(pdf: &Path, needle: &str) -> Option<usize> {
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    text.split('\u{c}')
        .position(|page| page.contains(needle))
        .map(|i| i + 1)
}

#[test]
fn signature_image_stays_with_the_closing_at_the_foot_of_a_page() {
    let dir = tempfile::tempdir().unwrap();
    common::write_png(&dir.path().join("sig.png"), 900, 300);
    let mut pages_seen = Vec::new();
    // Bodies of growing length: the closing reaches the foot of page one and then moves on.
    for lines in 14..32 {
        let body: String = (1..=lines)
            .map(|i| format!("Paragraph {i} of this letter, one line long.\n\n"))
            .collect();
        let letter = format!(
            "+++\nto = [\"A\"]\nclosing = \"Sincerely,\"\n[signature]\nname = \"Pat Doe\"\n\
             image = \"sig.png\"\n+++\n\n{body}"
        );
        std::fs::write(dir.path().join("letter.md"), letter).unwrap();
        let r = run(letterhead()
            .current_dir(dir.path())
            .args(["render", "letter.md", "-q"]));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let pdf = dir.path().join("letter.pdf");
        let closing = page_of(&pdf, "Sincerely,").unwrap();
        assert_eq!(image_pages(&pdf), [closing], "{lines} paragraphs");
        assert_eq!(
            page_of(&pdf, "Pat Doe"),
            Some(closing),
            "{lines} paragraphs"
        );
        let last_paragraph = format!("Paragraph {lines} of");
        assert_eq!(
            page_of(&pdf, &last_paragraph),
            Some(closing),
            "{lines} paragraphs"
        );
        pages_seen.push(closing);
    }
    assert!(
        pages_seen.contains(&1) && pages_seen.contains(&2),
        "the closing never crossed the page break: {pages_seen:?}"
    );
}

#[test]
fn several_signatories_sign_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    common::write_png(&dir.path().join("a.png"), 900, 300);
    common::write_png(&dir.path().join("b.png"), 900, 300);
    let letter = "+++\nto = [\"A\"]\nclosing = \"Sincerely,\"\n\
                  [[signatures]]\nname = \"Penelope Saunders\"\ntitle = \"Coordinator\"\nimage = \"a.png\"\n\
                  [[signatures]]\nname = \"Darby Hickey\"\ntitle = \"Policy Director\"\nimage = \"b.png\"\n\
                  +++\n\nWe write together.\n";
    std::fs::write(dir.path().join("letter.md"), letter).unwrap();
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["render", "letter.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = dir.path().join("letter.pdf");
    assert_eq!(image_pages(&pdf), [1, 1]);
    let html = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    let word = |text: &str| -> (f64, f64) {
        let line = html
            .lines()
            .find(|l| l.ends_with(&format!(">{text}</word>")))
            .unwrap_or_else(|| panic!("`{text}` not found"));
        let attr = |name: &str| -> f64 {
            let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            line[start..].split('"').next().unwrap().parse().unwrap()
        };
        (attr("xMin"), attr("yMin"))
    };
    let (penelope_x, penelope_y) = word("Penelope");
    let (darby_x, darby_y) = word("Darby");
    let (_, coordinator_y) = word("Coordinator");
    let (director_x, director_y) = word("Director");
    // On one line, the second in the right half (Letter: 612 pt wide, 72 pt margins).
    assert!((penelope_y - darby_y).abs() < 0.5, "names not side by side");
    assert!(
        (coordinator_y - director_y).abs() < 0.5,
        "titles not side by side"
    );
    assert!(
        penelope_x < 80.0 && darby_x > 306.0,
        "{penelope_x} {darby_x}"
    );
    assert!(director_x > darby_x, "the title is not under its name");
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Penelope Saunders, Darby Hickey"), "{info}");
}

#[test]
fn a_table_crossing_a_page_repeats_its_header_and_never_splits_a_row() {
    let dir = example_dir();
    let rows: String = (1..=45)
        .map(|i| {
            let event = if i % 3 == 0 {
                "Workshop and outreach in the region, with partners from three states"
            } else {
                "Workshop"
            };
            format!("| {i} | {event} | Place{i} | {}.00 |\n", 100 + i * 7)
        })
        .collect();
    let letter = format!(
        "+++\nto = [\"A\"]\n+++\n\nThe budget:\n\n| No. | Event | Place | Cost (USD) |\n\
         |--:|:--|:-:|--:|\n{rows}\nThat is all.\n"
    );
    std::fs::write(dir.path().join("table.md"), letter).unwrap();
    let pdf = render(dir.path(), "table.md");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 2, "the table does not cross a page");
    for (n, page) in pages.iter().enumerate() {
        let first_row = (1..=45).find(|i| page.contains(&format!("Place{i}\n")));
        let Some(first_row) = first_row else { continue };
        // The header stands above the first row of every page the table is on.
        let header = page
            .find("Cost (USD)")
            .unwrap_or_else(|| panic!("page {} has rows but no header:\n{page}", n + 1));
        assert!(
            header < page.find(&format!("Place{first_row}\n")).unwrap(),
            "page {}: the header is not above the rows",
            n + 1
        );
    }
    // Every row's cells on one page: its place and its cost together.
    for i in 1..=45 {
        let place = format!("Place{i}\n");
        let cost = format!("{}.00", 100 + i * 7);
        let page = pages.iter().position(|p| p.contains(&place)).unwrap();
        assert!(pages[page].contains(&cost), "row {i} is split across pages");
    }
    assert!(
        text.matches("Cost (USD)").count() >= 2,
        "the header is not repeated"
    );
}

#[test]
fn a_jpeg_logo_is_written_as_it_is_at_its_height_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let mut jpeg = Vec::new();
    image::RgbImage::from_fn(600, 300, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    })
    .write_to(
        &mut std::io::Cursor::new(&mut jpeg),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    std::fs::write(dir.path().join("logo.jpg"), &jpeg).unwrap();
    std::fs::write(
        dir.path().join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\nlogo = \"logo.jpg\"\nlogo-height = \"20mm\"\n\
         logo-position = \"right\"\nemail = \"info@acme.example\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("letter.md"),
        "+++\nto = [\"A\"]\n+++\n\nHello.\n",
    )
    .unwrap();
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["render", "letter.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = dir.path().join("letter.pdf");
    let list = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    let row: Vec<&str> = list.lines().nth(2).unwrap().split_whitespace().collect();
    // page num type width height color comp bpc enc ...: the JPEG itself, not re-encoded.
    assert_eq!(
        &row[3..9],
        ["600", "300", "rgb", "3", "8", "jpeg"],
        "{list}"
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        bytes.windows(jpeg.len()).any(|w| w == jpeg.as_slice()),
        "the JPEG's bytes are not in the PDF unchanged"
    );
    // 20 mm high at 600 × 300 pixels: 40 mm wide, 2 × 72 / 25.4 × 20 ≈ 113 pt, at the right
    // margin (612 − 72 pt); the name keeps the left margin, the email stands left of the logo.
    let html = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    let x_of = |word: &str, attr: &str| -> f64 {
        let line = html
            .lines()
            .find(|l| l.ends_with(&format!(">{word}</word>")))
            .unwrap();
        let start = line.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    assert!((x_of("Acme", "xMin") - 72.0).abs() < 1.0);
    let logo_left = 612.0 - 72.0 - 2.0 * 20.0 / 25.4 * 72.0;
    assert!(x_of("info@acme.example", "xMax") < logo_left, "{html}");
}

const RED_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50" width="100" height="50">
             <rect width="100" height="50" fill="#7a1f3d"/></svg>"##;

#[test]
fn an_svg_logo_is_drawn_as_vector_graphics() {
    svg_logo_is_drawn("logo.svg", RED_SVG.as_bytes());
}

#[test]
fn a_compressed_svgz_logo_is_drawn_like_the_svg() {
    use std::io::Write as _;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(RED_SVG.as_bytes()).unwrap();
    svg_logo_is_drawn("logo.svgz", &gz.finish().unwrap());
}

/// Renders a letter whose letterhead's logo is `name` holding `bytes` (a 2:1 rectangle in the
/// accent colour) and checks it is drawn as paths where the logo belongs.
fn svg_logo_is_drawn(name: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), bytes).unwrap();
    std::fs::write(
        dir.path().join("letterhead.toml"),
        format!("[organization]\nname = \"Acme\"\nlogo = \"{name}\"\nlogo-height = \"1in\"\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("letter.md"),
        "+++\nto = [\"A\"]\n+++\n\nHello.\n",
    )
    .unwrap();
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["render", "letter.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = dir.path().join("letter.pdf");
    // No raster image: the logo is paths.
    assert_eq!(image_pages(&pdf), Vec::<usize>::new());
    // Rendered at 72 dpi, the logo fills 144 × 72 pixels from the top-left margin corner
    // (the letterhead starts 0.55 in down): its middle is the logo's colour.
    let prefix = dir.path().join("page");
    tool(
        "pdftoppm",
        &[
            "-r",
            "72",
            "-f",
            "1",
            "-l",
            "1",
            "-x",
            "144",
            "-y",
            "70",
            "-W",
            "1",
            "-H",
            "1",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let ppm = std::fs::read(dir.path().join("page.ppm")).unwrap();
    let pixel = &ppm[ppm.len() - 3..];
    let expected = [122u8, 31, 61];
    assert!(
        pixel.iter().zip(expected).all(|(&p, e)| p.abs_diff(e) <= 3),
        "the logo's middle is {pixel:?}, not {expected:?}"
    );
}

#[test]
fn bare_addresses_link_whole_and_print_as_typed() {
    let dir = tempfile::tempdir().unwrap();
    let letter = "+++\nto = [\"A\"]\n+++\n\nSee https://example.org/a--b and \
                  https://en.wikipedia.org/wiki/Sex_work_(disambiguation) and \
                  https://example.org/it's and www.example.org/~user/__init__.py, or write to \
                  ann.o'brien@example.org.\n";
    std::fs::write(dir.path().join("letter.md"), letter).unwrap();
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["render", "letter.md", "-q"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = dir.path().join("letter.pdf");
    let qdf = dir.path().join("letter.qdf");
    tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            pdf.to_str().unwrap(),
            qdf.to_str().unwrap(),
        ],
    );
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    // Each `/URI (…)` string, unescaped (a PDF string escapes its parentheses).
    let uris: std::collections::BTreeSet<String> = raw
        .split("/URI (")
        .skip(1)
        .map(|s| {
            let mut uri = String::new();
            let mut chars = s.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => uri.extend(chars.next()),
                    ')' => break,
                    c => uri.push(c),
                }
            }
            uri
        })
        .collect();
    // Exactly these, whole: no cut-off address, no link to the wrong person.
    let ours: Vec<&str> = uris
        .iter()
        .map(String::as_str)
        .filter(|u| u.contains("example.org") || u.contains("wikipedia"))
        .collect();
    assert_eq!(
        ours,
        [
            "https://en.wikipedia.org/wiki/Sex_work_(disambiguation)",
            "https://example.org/a--b",
            "https://example.org/it's",
            "https://www.example.org/~user/__init__.py",
            "mailto:ann.o'brien@example.org",
        ]
    );
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for typed in [
        "a--b",
        "(disambiguation)",
        "it's",
        "__init__.py",
        // An address may break before its `@` (Chicago), so the two halves are looked for.
        "ann.o'brien",
        "@example.org",
    ] {
        assert!(
            text.contains(typed),
            "`{typed}` not printed as typed: {text}"
        );
    }
}
