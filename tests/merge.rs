//! End-to-end tests of `merge`: one letter per row, names, values as plain text, failures per
//! row, and the combined print file with its bookmarks.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::Path;

use common::{files_below, letterhead, pdfs_in, qpdf_ok, repo, run, tool};

/// A copy of the merge example (template, supporters.csv) with the example letterhead.
fn merge_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("letters/letterhead.toml"),
        dir.path().join("letterhead.toml"),
    )
    .unwrap();
    for name in ["thank-you.template.md", "supporters.csv"] {
        std::fs::copy(
            repo().join("letters/merge").join(name),
            dir.path().join(name),
        )
        .unwrap();
    }
    dir
}

/// `letterhead merge thank-you.template.md --data DATA` in `d`, before the test's own options.
fn merge(d: &Path, data: &str) -> std::process::Command {
    let mut cmd = letterhead();
    cmd.arg("merge")
        .arg(d.join("thank-you.template.md"))
        .arg("--data")
        .arg(d.join(data));
    cmd
}

fn text_of(pdf: &Path) -> String {
    tool("pdftotext", &[pdf.to_str().unwrap(), "-"])
}

#[test]
fn twenty_rows_give_twenty_letters_named_by_the_pattern() {
    let dir = merge_dir();
    let d = dir.path();
    let out = d.join("out");
    let r = run(merge(d, "supporters.csv")
        .args(["--name", "{{ last_name }}-{{ id }}", "--out-dir"])
        .arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(pdfs_in(&out).len(), 20);
    let csv = std::fs::read_to_string(d.join("supporters.csv")).unwrap();
    for line in csv.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let (id, first, last) = (fields[0], fields[1], fields[2]);
        let pdf = out.join(format!("{last}-{id}.pdf"));
        let text = text_of(&pdf);
        assert!(
            text.contains(&format!("{first} {last}")) && text.contains(&format!("Dear {first},")),
            "{} lacks its recipient:\n{text}",
            pdf.display()
        );
    }
    // The optional paragraph shows only for rows with `member_since`.
    assert!(text_of(&out.join("Okafor-1.pdf")).contains("since 2011"));
    assert!(!text_of(&out.join("Lindqvist-2.pdf")).contains("You have stood with us"));
}

#[test]
fn values_are_printed_as_text_never_as_markup() {
    let dir = merge_dir();
    let d = dir.path();
    std::fs::write(
        d.join("evil.csv"),
        "id,first_name,last_name,street,city,amount,member_since\n\
         1,\"Eve\"\"\"\"\"\"\",\"**bold** <script>alert(1)</script>\",\"+++\nsubject = \"\"pwned\"\"\",Town,$1,\n",
    )
    .unwrap();
    let out = d.join("out");
    let r = run(merge(d, "evil.csv").arg("--out-dir").arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = text_of(&out.join("thank-you-0001.pdf"));
    for literal in [
        "Eve\"\"\"",
        "**bold** <script>alert(1)</script>",
        "+++",
        "subject = \"pwned\"",
        "Thank you for your support",
    ] {
        assert!(
            text.contains(literal),
            "`{literal}` not shown as written:\n{text}"
        );
    }
    assert!(!r.stderr.contains("HTML"), "{}", r.stderr);
}

#[test]
fn duplicate_names_are_refused_before_anything_is_written() {
    let dir = merge_dir();
    let d = dir.path();
    let out = d.join("out");
    let r = run(merge(d, "supporters.csv")
        .args(["--name", "gift-{{ amount }}", "--out-dir"])
        .arg(&out));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("rows 2 and 12 of")
            && r.stderr.contains("would both be written to `gift-$25.pdf`"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
}

#[test]
fn a_row_with_a_missing_column_fails_alone() {
    let dir = merge_dir();
    let d = dir.path();
    std::fs::write(
        d.join("ragged.csv"),
        "id,first_name,last_name,street,city,amount,member_since\n\
         1,Ada,Lovelace,1 Main St,London,$5,2001\n\
         2,Bob,Short\n\
         3,Cy,Young,3 Main St,Paris,$7,\n",
    )
    .unwrap();
    let out = d.join("out");
    let r = run(merge(d, "ragged.csv")
        .args(["--diagnostic-format", "short", "--out-dir"])
        .arg(&out));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("thank-you.template.md:5:")
            && r.stderr.contains("error: row 2 of")
            && r.stderr.contains("(line 3): it has no column `street`"),
        "{}",
        r.stderr
    );
    assert!(out.join("thank-you-0001.pdf").exists());
    assert!(!out.join("thank-you-0002.pdf").exists());
    assert!(out.join("thank-you-0003.pdf").exists());
}

#[test]
fn combined_duplex_file_has_bookmarks_and_matches_the_report() {
    let dir = merge_dir();
    let d = dir.path();
    let combined = d.join("print.pdf");
    let r = run(merge(d, "supporters.csv")
        .args([
            "--name",
            "{{ id }}-{{ last_name }}",
            "--duplex",
            "--report",
            "json",
            "--combine",
        ])
        .arg(&combined));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(qpdf_ok(&combined));
    let summary: serde_json::Value =
        serde_json::from_str(r.stdout.lines().last().unwrap()).unwrap();
    let placements = summary["combined"]["letters"].as_array().unwrap();
    assert_eq!(placements.len(), 20);
    let total = summary["combined"]["pages"].as_u64().unwrap();
    let info = tool("pdfinfo", &[combined.to_str().unwrap()]);
    assert!(
        info.contains(&format!("Pages:           {total}")),
        "{info}"
    );
    let mut expected_first = 1;
    for (i, p) in placements.iter().enumerate() {
        let first = p["first_page"].as_u64().unwrap();
        let pages = p["pages"].as_u64().unwrap();
        assert_eq!(first, expected_first, "letter {i}");
        // Every letter starts on a front (odd) page.
        assert_eq!(first % 2, 1);
        expected_first += pages + pages % 2;
        // The letter's first page in the combined file is that letter.
        let page_text = tool(
            "pdftotext",
            &[
                "-f",
                &first.to_string(),
                "-l",
                &first.to_string(),
                combined.to_str().unwrap(),
                "-",
            ],
        );
        let own = d.join("thank-you").join(format!("{}-", i + 1));
        let name = files_below(&d.join("thank-you"))
            .into_iter()
            .find(|f| {
                f.to_string_lossy()
                    .starts_with(own.to_string_lossy().as_ref())
            })
            .unwrap();
        let last = name
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .split('-')
            .nth(1)
            .unwrap()
            .to_string();
        assert!(
            page_text.contains(&last),
            "page {first} is not {last}'s letter"
        );
    }
    assert_eq!(expected_first - 1, total);
    // One bookmark per letter, titled with its file name.
    let outline = tool(
        "qpdf",
        &["--json", "--json-key=outlines", combined.to_str().unwrap()],
    );
    let outline: serde_json::Value = serde_json::from_str(&outline).unwrap();
    let titles: Vec<&str> = outline["outlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 20);
    assert_eq!(titles[0], "1-Okafor");
    assert_eq!(titles[2], "3-Moreau");
}

#[test]
fn json_and_toml_data_work_like_csv() {
    let dir = merge_dir();
    let d = dir.path();
    std::fs::write(
        d.join("people.json"),
        r#"[{"id": 1, "first_name": "Zoë", "last_name": "Ng", "street": "1 A St", "city": "Oslo", "amount": "$3", "member_since": null}]"#,
    )
    .unwrap();
    std::fs::write(
        d.join("people.toml"),
        "[[person]]\nid = 2\nfirst_name = \"Ana\"\nlast_name = \"Ruiz\"\nstreet = \"2 B St\"\ncity = \"Lima\"\namount = \"$4\"\nmember_since = \"2003\"\n",
    )
    .unwrap();
    for (data, expected) in [("people.json", "Dear Zoë,"), ("people.toml", "since 2003")] {
        let out = d.join(format!("out-{data}"));
        let r = run(merge(d, data).arg("--out-dir").arg(&out));
        assert_eq!(r.code, 0, "{data}: {}", r.stderr);
        let text = text_of(&out.join("thank-you-0001.pdf"));
        assert!(text.contains(expected), "{data}:\n{text}");
    }
}

#[test]
fn check_with_data_checks_every_row_and_writes_nothing() {
    let dir = merge_dir();
    let d = dir.path();
    // Semicolons and a byte-order mark, as spreadsheets export them.
    let csv = std::fs::read_to_string(d.join("supporters.csv")).unwrap();
    let semicolons: String = csv
        .lines()
        .map(|l| {
            // Commas between fields become semicolons; commas inside quotes stay.
            let mut quoted = false;
            let mut out: String = l
                .chars()
                .map(|c| {
                    if c == '"' {
                        quoted = !quoted;
                    }
                    if c == ',' && !quoted { ';' } else { c }
                })
                .collect();
            out.push('\n');
            out
        })
        .collect();
    std::fs::write(d.join("semi.csv"), format!("\u{feff}{semicolons}")).unwrap();
    let r = run(letterhead()
        .arg("check")
        .arg(d.join("thank-you.template.md"))
        .arg("--data")
        .arg(d.join("semi.csv"))
        .args(["--delimiter", ";", "--deny-warnings"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("checked 20 letters"), "{}", r.stderr);
    assert!(pdfs_in(d).is_empty());
    // Without the delimiter, the header is one column and the hint says why.
    let r = run(letterhead()
        .arg("check")
        .arg(d.join("thank-you.template.md"))
        .arg("--data")
        .arg(d.join("semi.csv")));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--delimiter ';'"), "{}", r.stderr);
}
