//! Tagged PDF end to end: the structure tree of a letter with every kind of part (read back with
//! poppler's `pdfinfo -struct-text`), its text in source order, the alternative texts and link
//! annotations (read with lopdf), and that every drawing operator of every page is inside a
//! marked-content sequence (content or artifact).

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::{Path, PathBuf};

use common::{letter, letterhead, qpdf_ok, run, tool};
use lopdf::Object;

/// A solid RGB PNG of `width` × `height` pixels.
fn png(path: &Path, width: u32, height: u32) {
    common::write_png(path, width, height);
}

const LETTERHEAD: &str = r#"
[organization]
name = "Harbour Trust"
tagline = "Clean water for every town"
url = "https://harbour.example.org"
email = "office@harbour.example.org"
logo = "logo.png"
logo-alt = "Harbour Trust: a blue wave"

[style]
language = "en-GB"
hyphenate = false
align = "left"
"#;

const FRONT: &str = r#"to = ["Penelope Saunders", "12 Quay Street"]
subject = "Survey results"
salutation = "Dear Ms Saunders,"
closing = "Yours sincerely,"
date = 2026-11-30

[signature]
name = "Ada Lovelace"
image = "sig.png""#;

const BODY: &str = "# Findings

Please read the full report at [the survey pages of our website, where every table and \
chart of this year is kept with its sources](https://harbour.example.org/survey/2026) before \
the meeting. The raw data is at \
https://harbour.example.org/survey/2026/raw-data/nitrate-and-turbidity-by-town.csv for anyone.

## What we found

- Water quality
  - nitrate below the limit
  - turbidity rising
- Pipe age

| Town | Wells |
|------|------:|
| Ayr  | 12    |
| Troon | 7    |

> Water is the driving force of all nature.

```
print(\"ok\")
```

With thanks.";

/// Renders the rich letter into a fresh folder.
fn rich() -> (tempfile::TempDir, PathBuf) {
    rich_with("")
}

/// Renders the rich letter into a fresh folder, with `style` added to the letterhead's
/// `[style]`.
fn rich_with(style: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("letterhead.toml"), format!("{LETTERHEAD}{style}\n")).unwrap();
    std::fs::write(d.join("letter.md"), letter(FRONT, BODY)).unwrap();
    png(&d.join("logo.png"), 300, 100);
    png(&d.join("sig.png"), 400, 120);
    let out = d.join("out.pdf");
    let r = run(letterhead()
        .current_dir(d)
        .args(["render", "letter.md", "-o"])
        .arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(qpdf_ok(&out));
    (dir, out)
}

/// The element names of `pdfinfo -struct-text`, indented by depth (two spaces a level).
fn tags(struct_text: &str) -> String {
    let mut out = String::new();
    for line in struct_text.lines() {
        let trimmed = line.trim_start();
        let first = trimmed.split_whitespace().next().unwrap_or("");
        // Text, object references and attributes are not elements.
        if first.is_empty()
            || trimmed.starts_with('"')
            || trimmed.starts_with('/')
            || first == "Object"
        {
            continue;
        }
        let depth = (line.len() - trimmed.len()) / 2;
        out.push_str(&"  ".repeat(depth));
        out.push_str(first.trim_end_matches(':'));
        out.push('\n');
    }
    out
}

/// The text under the tags of each block-level element (`P`, `H1`, `TD`, `Lbl`, … — not a
/// `Link`, `Span` or `Code`), in order: its pieces of content joined as a reader joins them,
/// end to end. Elements without text (figures) are left out.
fn block_texts(struct_text: &str) -> Vec<String> {
    // The open elements: (depth, line number, inline).
    let mut stack: Vec<(usize, usize, bool)> = Vec::new();
    let mut blocks: Vec<(usize, String)> = Vec::new();
    for (n, line) in struct_text.lines().enumerate() {
        let trimmed = line.trim_start();
        let depth = (line.len() - trimmed.len()) / 2;
        if trimmed.is_empty() || trimmed.starts_with('/') || trimmed.starts_with("Object ") {
            continue;
        }
        while stack.last().is_some_and(|&(d, _, _)| d >= depth) {
            stack.pop();
        }
        if let Some(text) = trimmed.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            let Some(&(_, block, _)) = stack.iter().rev().find(|&&(_, _, inline)| !inline) else {
                continue;
            };
            match blocks.iter_mut().find(|(b, _)| *b == block) {
                Some((_, t)) => t.push_str(text),
                None => blocks.push((block, text.to_string())),
            }
        } else {
            stack.push((depth, n, trimmed.contains("(inline)")));
        }
    }
    blocks
        .into_iter()
        .map(|(_, t)| t)
        .filter(|t| !t.is_empty())
        .collect()
}

#[test]
fn a_letter_is_tagged_in_source_order() {
    let (_dir, out) = rich();
    let text = tool("pdfinfo", &["-struct-text", out.to_str().unwrap()]);
    let expected = "\
Document
  Sect
    Figure
    P
    P
    P
      Link
    P
      Link
  P
  Div
    P
    P
  H1
  P
  H2
  P
    Link
    Link
  H3
  L
    LI
      Lbl
      LBody
        P
        L
          LI
            Lbl
            LBody
              P
          LI
            Lbl
            LBody
              P
    LI
      Lbl
      LBody
        P
  Table
    THead
      TR
        TH
        TH
    TBody
      TR
        TD
        TD
      TR
        TD
        TD
  BlockQuote
    P
  P
    Code
  P
  Div
    P
    Figure
    Div
      P
";
    let got = tags(&text).replace(" (block)", "").replace(" (inline)", "");
    assert_eq!(got, expected, "{text}");
    // The text under the tags is the source's, in the source's order, a space between words
    // where lines break (none inside the broken URL).
    let source = [
        "Harbour Trust",
        "CLEAN WATER FOR EVERY TOWN",
        "harbour.example.org",
        "office@harbour.example.org",
        "30 November 2026",
        "Penelope Saunders",
        "12 Quay Street",
        "Survey results",
        "Dear Ms Saunders,",
        "Findings",
        "Please read the full report at the survey pages of our website, where every table and \
         chart of this year is kept with its sources before the meeting. The raw data is at \
         https://harbour.example.org/survey/2026/raw-data/nitrate-and-turbidity-by-town.csv for \
         anyone.",
        "What we found",
        "•",
        "Water quality",
        "–",
        "nitrate below the limit",
        "–",
        "turbidity rising",
        "•",
        "Pipe age",
        "Town",
        "Wells",
        "Ayr",
        "12",
        "Troon",
        "7",
        "Water is the driving force of all nature.",
        "print(\"ok\")",
        "With thanks.",
        "Yours sincerely,",
        "Ada Lovelace",
    ];
    assert_eq!(block_texts(&text), source, "{text}");
    // A wrapped link is one element with an annotation on each of its lines.
    let link = text
        .split("Link (inline)")
        .nth(3)
        .unwrap()
        .split(" before the meeting")
        .next()
        .unwrap();
    assert_eq!(link.matches("Object ").count(), 2, "{link}");
    // The broken URL extracts whole from poppler's text too (its first piece's replacement
    // text), where the words around it stay.
    let plain = tool("pdftotext", &[out.to_str().unwrap(), "-"]);
    assert!(
        plain.contains(
            "The raw data is at https://harbour.example.org/survey/2026/raw-data/\
             nitrate-and-turbidity-by-town.csv\nfor anyone."
        ),
        "{plain}"
    );
}

/// Words a justified column this narrow can only set by hyphenating.
const HYPHENATED: &str = "Administratively, the internationalization responsibilities \
    characteristically notwithstanding, incomprehensibilities remain. Counterrevolutionaries \
    misunderstand the telecommunications infrastructure.";

#[test]
fn a_hyphenated_word_reads_whole_under_the_tags_and_pdftotext_still_joins_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\n[page]\nmargins = { left = \"2.8in\", right = \"2.8in\" }\n\
         [style]\nalign = \"justify\"\nhyphenate = true\nlanguage = \"en-US\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("h.md"),
        letter(
            "to = [\"A\"]",
            &format!("{HYPHENATED}  \nA second line after a hard break."),
        ),
    )
    .unwrap();
    let r = run(letterhead().current_dir(d).args(["render", "h.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = d.join("h.pdf");
    // The lines are hyphenated: MuPDF shows the hyphens as drawn.
    let mu = d.join("h.txt");
    tool(
        "mutool",
        &[
            "draw",
            "-q",
            "-F",
            "txt",
            "-o",
            mu.to_str().unwrap(),
            pdf.to_str().unwrap(),
        ],
    );
    let drawn = std::fs::read_to_string(&mu).unwrap();
    assert!(drawn.matches("-\n").count() >= 2, "{drawn}");
    // Under the tags each word is whole and the lines are joined by one space, the hard break
    // too.
    let text = tool("pdfinfo", &["-struct-text", pdf.to_str().unwrap()]);
    let body = format!("{HYPHENATED} A second line after a hard break.");
    let body = body.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(block_texts(&text).contains(&body), "{text}");
    // pdftotext joins the hyphenated lines itself, as before: every word whole.
    let plain = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let words: Vec<&str> = plain.split_whitespace().collect();
    for word in body.split_whitespace() {
        assert!(words.contains(&word), "`{word}` not in {plain}");
    }
    all_content_marked(&pdf);
}

#[test]
fn figures_have_alternative_text_and_links_a_description() {
    let (_dir, out) = rich();
    let doc = lopdf::Document::load(&out).unwrap();
    let mut alts = Vec::new();
    let mut contents = Vec::new();
    for object in doc.objects.values() {
        let Object::Dictionary(d) = object else {
            continue;
        };
        if d.get(b"S").and_then(Object::as_name).ok() == Some(b"Figure") {
            let alt = d.get(b"Alt").and_then(Object::as_str).unwrap();
            alts.push(String::from_utf8_lossy(alt).into_owned());
            let a = d.get(b"A").and_then(Object::as_dict).unwrap();
            assert_eq!(a.get(b"BBox").and_then(Object::as_array).unwrap().len(), 4);
        }
        if d.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Link") {
            assert!(d.get(b"StructParent").is_ok(), "{d:?}");
            let c = d.get(b"Contents").and_then(Object::as_str).unwrap();
            contents.push(String::from_utf8_lossy(c).into_owned());
        }
    }
    alts.sort();
    assert_eq!(
        alts,
        ["Harbour Trust: a blue wave", "Signature of Ada Lovelace"]
    );
    contents.sort();
    let url = "https://harbour.example.org/survey/2026/raw-data/nitrate-and-turbidity-by-town.csv";
    let survey = "the survey pages of our website, where every table and chart of this year is \
                  kept with its sources";
    // A link broken over two lines has two annotations, each described by the whole link.
    assert_eq!(
        contents,
        [
            "harbour.example.org",
            url,
            url,
            "office@harbour.example.org",
            survey,
            survey
        ],
    );
    // The catalog says the file is tagged, and in which language.
    let catalog = doc.catalog().unwrap();
    let mark = catalog.get(b"MarkInfo").and_then(Object::as_dict).unwrap();
    assert_eq!(mark.get(b"Marked").unwrap(), &Object::Boolean(true));
    assert_eq!(
        catalog.get(b"Lang").and_then(Object::as_str).unwrap(),
        b"en-GB"
    );
    // And the metadata that it claims PDF/UA-1.
    let xmp = catalog
        .get(b"Metadata")
        .and_then(Object::as_reference)
        .unwrap();
    let xmp = doc.get_object(xmp).and_then(Object::as_stream).unwrap();
    let xmp = xmp
        .decompressed_content()
        .unwrap_or_else(|_| xmp.content.clone());
    let xmp = String::from_utf8(xmp).unwrap();
    assert!(xmp.contains("<pdfuaid:part>1</pdfuaid:part>"), "{xmp}");
}

/// Checks that every text, path and image operator of `pdf`'s pages lies inside a
/// marked-content sequence, and that marked content and text objects nest.
fn all_content_marked(pdf: &Path) {
    let doc = lopdf::Document::load(pdf).unwrap();
    for (n, page) in doc.get_pages() {
        let content = doc.get_page_content(page);
        let ops = lopdf::content::Content::decode(&content)
            .unwrap()
            .operations;
        assert!(
            ops.iter().any(|op| op.operator == "TJ"),
            "page {n}: no text read"
        );
        let mut stack: Vec<&str> = Vec::new();
        for op in &ops {
            match op.operator.as_str() {
                "BDC" | "BMC" => stack.push("MC"),
                "BT" => stack.push("BT"),
                "EMC" => assert_eq!(stack.pop(), Some("MC"), "page {n}: EMC out of place"),
                "ET" => assert_eq!(stack.pop(), Some("BT"), "page {n}: ET out of place"),
                "Tj" | "TJ" | "'" | "\"" | "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b"
                | "b*" | "n" | "Do" | "sh" => assert!(
                    stack.contains(&"MC"),
                    "page {n}: `{}` outside marked content",
                    op.operator
                ),
                _ => {}
            }
        }
        assert!(stack.is_empty(), "page {n}: unclosed {stack:?}");
    }
}

#[test]
fn every_drawing_operator_is_marked_content_or_artifact() {
    let (_dir, out) = rich();
    all_content_marked(&out);
    // And the example letters: two pages with a continuation header and a footer, and the
    // DIN and window layouts.
    let dir = common::example_dir();
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["render", "amnesty-draft-policy.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    all_content_marked(&dir.path().join("amnesty-draft-policy.pdf"));
    for sub in ["din", "window"] {
        let from = common::repo().join("letters").join(sub);
        for entry in std::fs::read_dir(&from).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                let out = dir.path().join(format!("{sub}.pdf"));
                let r = run(letterhead().arg("render").arg(&path).arg("-o").arg(&out));
                assert_eq!(r.code, 0, "{}", r.stderr);
                all_content_marked(&out);
            }
        }
    }
}

#[test]
fn a_combined_print_file_has_one_structure_tree_with_a_section_per_letter() {
    let dir = common::example_dir();
    let d = dir.path();
    std::fs::write(
        d.join("letter.md"),
        letter(
            "to = [\"{{ name }}\"]\nsubject = \"Thanks\"",
            "Dear {{ name }}, thank you.",
        ),
    )
    .unwrap();
    std::fs::write(d.join("people.csv"), "name\nAda\nGrace\nKatherine\n").unwrap();
    let r = run(letterhead().current_dir(d).args([
        "merge",
        "letter.md",
        "--data",
        "people.csv",
        "--combine",
        "print.pdf",
        "--duplex",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = d.join("print.pdf");
    assert!(qpdf_ok(&pdf));
    let text = tool("pdfinfo", &["-struct-text", pdf.to_str().unwrap()]);
    let sections: Vec<&str> = text.lines().filter(|l| l.starts_with("  Sect ")).collect();
    assert_eq!(sections.len(), 3, "{text}");
    assert!(text.starts_with("Document\n"), "{text}");
    // Each letter's text is under its own section, in order.
    let names: Vec<usize> = ["Ada", "Grace", "Katherine"]
        .iter()
        .map(|n| text.find(&format!("\"Dear {n}, thank you.\"")).unwrap())
        .collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "{text}");
    let doc = lopdf::Document::load(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    assert!(catalog.get(b"MarkInfo").is_ok());
    // Every page's key in the parent tree is its own.
    let mut keys: Vec<i64> = doc
        .get_pages()
        .values()
        .filter_map(|p| {
            doc.get_dictionary(*p)
                .ok()?
                .get(b"StructParents")
                .ok()?
                .as_i64()
                .ok()
        })
        .collect();
    let count = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), count);
    assert_eq!(count, 3);
}

#[test]
fn the_writer_for_cff_fonts_tags_the_same_tree() {
    let urw = "/usr/share/fonts/opentype/urw-base35";
    let (_dir, cff) = rich_with(&format!(
        "font = {{ regular = \"{urw}/NimbusRoman-Regular.otf\", bold = \"{urw}/NimbusRoman-Bold.otf\", italic = \"{urw}/NimbusRoman-Italic.otf\" }}"
    ));
    let fonts = tool("pdffonts", &[cff.to_str().unwrap()]);
    assert!(fonts.contains("Type 0C"), "not the CFF writer: {fonts}");
    let (_dir2, ttf) = rich();
    let tree = |pdf: &Path| tags(&tool("pdfinfo", &["-struct-text", pdf.to_str().unwrap()]));
    assert_eq!(tree(&cff), tree(&ttf));
    all_content_marked(&cff);
}

#[test]
fn a_letter_without_a_subject_is_titled_by_its_recipient() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("note.md"),
        letter("to = [\"Grace Hopper\", \"Arlington\"]", "Thank you."),
    )
    .unwrap();
    let r = run(letterhead().current_dir(d).args(["render", "note.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let info = tool("pdfinfo", &[d.join("note.pdf").to_str().unwrap()]);
    assert!(
        info.contains("Title:           Letter to Grace Hopper\n"),
        "{info}"
    );
}

#[test]
fn empty_table_cells_keep_their_place_in_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\n",
    )
    .unwrap();
    let body = "| Town | Wells | Note |\n|---|---|---|\n| Ayr | | dry |\n| | 7 | |";
    std::fs::write(d.join("t.md"), letter("to = [\"A\"]", body)).unwrap();
    let r = run(letterhead().current_dir(d).args(["render", "t.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = tool(
        "pdfinfo",
        &["-struct-text", d.join("t.pdf").to_str().unwrap()],
    );
    let rows: Vec<usize> = text
        .split("TR\n")
        .skip(1)
        .map(|row| {
            row.lines()
                .filter(|l| l.trim_start().starts_with("TD") || l.trim_start().starts_with("TH"))
                .count()
        })
        .collect();
    assert_eq!(rows, [3, 3, 3], "{text}");
}
