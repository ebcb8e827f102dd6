//! End-to-end tests of `merge`: one letter per row, names, values as plain text, failures per
//! row, data read strictly (spreadsheet exports, ragged rows, open quotes, tabs), the template
//! checked against the columns once, JSON and TOML structure, and the combined print file with
//! its bookmarks.

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
    // Quotes in the front matter are curled like the template's own: as text.
    for literal in [
        "Eve”””",
        "**bold** <script>alert(1)</script>",
        "+++",
        "subject = “pwned”",
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
fn values_in_the_body_get_the_same_punctuation_as_the_template() {
    let dir = merge_dir();
    let d = dir.path();
    // A spreadsheet's straight quotes, doubled hyphens and three dots, in the body (`amount`)
    // and in a table cell and code span, where code stays as written.
    std::fs::write(
        d.join("quotes.csv"),
        "id,first_name,last_name,street,city,amount,member_since\n\
         1,Ann,O'Brien,1 Main St,Town,\"the \"\"Fair Rent\"\" fund's gift -- and more...\",2011\n",
    )
    .unwrap();
    let out = d.join("out");
    let r = run(merge(d, "quotes.csv").arg("--out-dir").arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = text_of(&out.join("thank-you-0001.pdf"));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("gift of the “Fair Rent” fund’s gift – and more… to the"),
        "merged value not curled like the template:\n{flat}"
    );
    assert!(flat.contains("Dear Ann,"), "{flat}");
    assert!(!flat.contains('"') && !flat.contains("O'Brien"), "{flat}");
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
fn a_row_with_too_few_fields_fails_alone() {
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
        r.stderr.contains("ragged.csv:3:1: error: row 2 of")
            && r.stderr
                .contains("(line 3) has 3 fields; the header has 7\n"),
        "{}",
        r.stderr
    );
    assert!(out.join("thank-you-0001.pdf").exists());
    assert!(!out.join("thank-you-0002.pdf").exists());
    assert!(out.join("thank-you-0003.pdf").exists());
    // The JSON report says which row, of which file, at which line, as fields.
    let r = run(merge(d, "ragged.csv")
        .args(["--report", "json", "--out-dir"])
        .arg(&out));
    let rows: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|o: &serde_json::Value| o["type"] == "letter")
        .collect();
    let fields: Vec<(u64, u64, &str)> = rows
        .iter()
        .map(|o| {
            assert!(o["data"].as_str().unwrap().ends_with("ragged.csv"), "{o}");
            (
                o["row"].as_u64().unwrap(),
                o["line"].as_u64().unwrap(),
                o["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(fields, [(1, 2, "ok"), (2, 3, "failed"), (3, 4, "ok")]);
}

#[test]
fn a_json_row_without_a_key_the_template_uses_fails_alone() {
    let dir = merge_dir();
    let d = dir.path();
    let row = |id: u32, city: &str| {
        format!(
            r#"{{"id": {id}, "first_name": "A{id}", "last_name": "B", "street": "1 St", {city} "amount": "$1", "member_since": ""}}"#
        )
    };
    std::fs::write(
        d.join("rows.json"),
        format!("[{}, {}]", row(1, r#""city": "Oslo","#), row(2, "")),
    )
    .unwrap();
    let out = d.join("out");
    let r = run(merge(d, "rows.json")
        .args(["--diagnostic-format", "short", "--out-dir"])
        .arg(&out));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("thank-you.template.md:5:")
            && r.stderr.contains("error: row 2 of")
            && r.stderr.contains(": it has no column `city`"),
        "{}",
        r.stderr
    );
    assert!(out.join("thank-you-0001.pdf").exists());
    assert!(!out.join("thank-you-0002.pdf").exists());
}

/// A data file as a spreadsheet saves it: a byte-order mark, Windows line endings, quoted
/// fields holding commas, quotes and line breaks, empty cells, a long name, another script,
/// rows the user cleared (`,,,`) and empty lines at the end.
const SPREADSHEET: &str = "\u{feff}id,first_name,last_name,street,city,amount,member_since\r\n\
    1,Maximiliane,Müller-Lüdenscheidt,\"c/o Praxis Dr. Weiß\r\nKönigsallee 106\",\"40215 Düsseldorf, NRW\",€ 250,2009\r\n\
    2,Αλέξανδρος,Παπαδόπουλος,Οδός Ερμού 12,\"Αθήνα, 105 63\",€ 40,\r\n\
    ,,,,,,\r\n\
    3,Jean-Luc,O'Brien,\"12, Rue de la \"\"Paix\"\"\",Paris,€ 15,\r\n\
    4,Ada,Lovelace,,London,,\r\n\
    \r\n\r\n";

#[test]
fn a_spreadsheet_export_is_read_as_written() {
    let dir = merge_dir();
    let d = dir.path();
    std::fs::write(d.join("members.csv"), SPREADSHEET).unwrap();
    let out = d.join("out");
    let r = run(merge(d, "members.csv")
        .args(["--name", "{{ id }}-{{ last_name }}", "--out-dir"])
        .arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "read 4 rows of `{}` (1 empty row left out): rendered 4 letters",
            d.join("members.csv").display()
        )),
        "{}",
        r.stderr
    );
    assert_eq!(pdfs_in(&out).len(), 4);
    let expect = [
        (
            "1-Müller-Lüdenscheidt",
            &[
                "Maximiliane Müller-Lüdenscheidt",
                "c/o Praxis Dr. Weiß",
                "Königsallee 106",
                "40215 Düsseldorf, NRW",
                "€ 250",
                "since 2009",
            ][..],
        ),
        (
            "2-Παπαδόπουλος",
            &[
                "Αλέξανδρος Παπαδόπουλος",
                "Οδός Ερμού 12",
                "Αθήνα, 105 63",
                "€ 40",
            ][..],
        ),
        (
            "3-O'Brien",
            &[
                // Curled like the template's own quotes (issue 12).
                "Jean-Luc O’Brien",
                "12, Rue de la “Paix”",
                "Paris",
                "Dear Jean-Luc,",
            ][..],
        ),
        ("4-Lovelace", &["Ada Lovelace", "London", "Dear Ada,"][..]),
    ];
    for (name, words) in expect {
        let text = text_of(&out.join(format!("{name}.pdf")));
        for w in words {
            assert!(text.contains(w), "{name}: `{w}` missing:\n{text}");
        }
    }
    // Empty cells print nothing, and the optional paragraph is left out.
    let ada = text_of(&out.join("4-Lovelace.pdf"));
    assert!(!ada.contains("stood with us"), "{ada}");
}

#[test]
fn an_unquoted_comma_fails_its_row_and_no_city_moves() {
    let dir = merge_dir();
    let d = dir.path();
    std::fs::write(
        d.join("members.csv"),
        "id,first_name,last_name,street,city,amount,member_since\n\
         1,Ada,Lovelace,1 Main St,London,$5,\n\
         2,Bo,Diddley,8 Harbour Rd,Portland, ME,$25,\n\
         3,Cy,Twombly,3 Via Roma,Rome,$7,\n",
    )
    .unwrap();
    let out = d.join("out");
    let r = run(merge(d, "members.csv")
        .args(["--diagnostic-format", "short", "--out-dir"])
        .arg(&out));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("members.csv:3:1: error: row 2 of")
            && r.stderr
                .contains("(line 3) has 8 fields; the header has 7 — an unquoted comma?"),
        "{}",
        r.stderr
    );
    assert!(!out.join("thank-you-0002.pdf").exists());
    assert!(text_of(&out.join("thank-you-0001.pdf")).contains("London"));
    assert!(text_of(&out.join("thank-you-0003.pdf")).contains("Rome"));
}

#[test]
fn a_quote_left_open_stops_the_merge_before_anything_is_written() {
    let dir = merge_dir();
    let d = dir.path();
    std::fs::write(
        d.join("members.csv"),
        "id,first_name,last_name,street,city,amount,member_since\r\n\
         1,Ada,Lovelace,\"1 Main St,London,$5,\r\n\
         2,Bo,Diddley,8 Harbour Rd,\"Portland, ME\",$25,\r\n\
         3,Cy,Twombly,3 Via Roma,Rome,$7,\r\n",
    )
    .unwrap();
    let out = d.join("out");
    let r = run(merge(d, "members.csv")
        .args(["--diagnostic-format", "short", "--out-dir"])
        .arg(&out));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("members.csv:2:16: error: the quoted field opened at line 2"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
}

#[test]
fn tab_and_semicolon_files_are_read_without_a_delimiter_option() {
    let dir = merge_dir();
    let d = dir.path();
    let csv = std::fs::read_to_string(d.join("supporters.csv")).unwrap();
    // `.tsv`, tabs in a `.csv`, and semicolons; commas inside quoted fields stay.
    for (file, delimiter) in [("s.tsv", '\t'), ("tabs.csv", '\t'), ("semi.csv", ';')] {
        let converted: String = csv
            .lines()
            .map(|l| {
                let mut quoted = false;
                let mut out: String = l
                    .chars()
                    .map(|c| {
                        if c == '"' {
                            quoted = !quoted;
                        }
                        if c == ',' && !quoted { delimiter } else { c }
                    })
                    .collect();
                out.push_str("\r\n");
                out
            })
            .collect();
        std::fs::write(d.join(file), converted).unwrap();
        let out = d.join(format!("out-{file}"));
        let r = run(merge(d, file).arg("--out-dir").arg(&out));
        assert_eq!(r.code, 0, "{file}: {}", r.stderr);
        let text = text_of(&out.join("thank-you-0002.pdf"));
        assert!(
            text.contains("Björn Lindqvist") && text.contains("Portland, ME 04101"),
            "{file}:\n{text}"
        );
    }
    // An explicit --delimiter wins, and says what the header looks like.
    let r = run(merge(d, "tabs.csv").args(["--delimiter", ",", "--diagnostic-format", "human"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--delimiter tab"), "{}", r.stderr);
}

#[test]
fn a_misspelt_column_is_one_error_before_any_row() {
    let dir = merge_dir();
    let d = dir.path();
    let template = std::fs::read_to_string(d.join("thank-you.template.md")).unwrap();
    std::fs::write(
        d.join("thank-you.template.md"),
        template.replace("{{ street }}", "{{ stret }}"),
    )
    .unwrap();
    let r = run(merge(d, "supporters.csv").args(["--diagnostic-format", "short"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr.matches("error:").count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("thank-you.template.md:5:")
            && r.stderr
                .contains("error: the template uses `stret`, which is not a column of"),
        "{}",
        r.stderr
    );
    // The human format shows the closest column.
    let r = run(merge(d, "supporters.csv").args(["--diagnostic-format", "human"]));
    assert!(
        r.stderr.contains("hint: did you mean `street`?"),
        "{}",
        r.stderr
    );
    assert!(pdfs_in(d).is_empty());
}

#[test]
fn json_and_toml_lists_and_tables_can_be_looped_over() {
    let dir = merge_dir();
    let d = dir.path();
    std::fs::write(
        d.join("gifts.template.md"),
        "+++\nto = [\"{{ name }}\", \"{{ address.street }}\", \"{{ address.city }}\"]\n+++\n\n\
         Thank you for:\n\n{% for gift in gifts %}- {{ gift.what }} ({{ gift.amount }})\n{% endfor %}\n\
         You gave {{ gifts | length }} times.\n",
    )
    .unwrap();
    std::fs::write(
        d.join("gifts.json"),
        r#"[{"name": "Zoë Ng", "address": {"street": "1 \"A\" St", "city": "Oslo"},
            "gifts": [{"what": "**books**", "amount": 30}, {"what": "a <b>bike</b>", "amount": 120.5}]}]"#,
    )
    .unwrap();
    std::fs::write(
        d.join("gifts.toml"),
        "[[person]]\nname = \"Ana Ruiz\"\naddress = { street = \"2 B St\", city = \"Lima\" }\n\
         gifts = [{ what = \"seeds\", amount = 4 }, { what = \"tools\", amount = 9 }, { what = \"time\", amount = 0 }]\n",
    )
    .unwrap();
    for (data, expected) in [
        (
            "gifts.json",
            &[
                "Zoë Ng",
                "1 “A” St",
                "Oslo",
                "**books** (30)",
                "a <b>bike</b> (120.5)",
                "You gave 2 times.",
            ][..],
        ),
        (
            "gifts.toml",
            &[
                "Ana Ruiz",
                "Lima",
                "seeds (4)",
                "time (0)",
                "You gave 3 times.",
            ][..],
        ),
    ] {
        let out = d.join(format!("out-{data}"));
        let r = run(letterhead()
            .arg("merge")
            .arg(d.join("gifts.template.md"))
            .arg("--data")
            .arg(d.join(data))
            .arg("--out-dir")
            .arg(&out));
        assert_eq!(r.code, 0, "{data}: {}", r.stderr);
        let text = text_of(&out.join("gifts-0001.pdf"));
        for e in expected {
            assert!(text.contains(e), "{data}: `{e}` missing:\n{text}");
        }
    }
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
    assert_eq!(summary["data"]["rows"], 20, "{summary}");
    assert_eq!(summary["data"]["empty_rows"], 0, "{summary}");
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
    assert!(
        r.stderr.contains(&format!(
            "read 20 rows of `{}`: checked 20 letters",
            d.join("semi.csv").display()
        )),
        "{}",
        r.stderr
    );
    assert!(pdfs_in(d).is_empty());
    // With `--delimiter ,` the header is one column, and the hint says why.
    let r = run(letterhead()
        .arg("check")
        .arg(d.join("thank-you.template.md"))
        .arg("--data")
        .arg(d.join("semi.csv"))
        .args(["--delimiter", ","]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--delimiter ';'"), "{}", r.stderr);
}

#[test]
fn a_row_of_blank_cells_is_left_out_not_a_letter_to_nobody() {
    let dir = merge_dir();
    let d = dir.path();
    std::fs::write(
        d.join("cleared.csv"),
        "id,first_name,last_name,street,city,amount,member_since\r\n\
         1,Ada,Lovelace,1 Main St,London,$5,2001\r\n\
         \x20, , , ,\x20,\x20,\x20\r\n",
    )
    .unwrap();
    let out = d.join("out");
    let r = run(merge(d, "cleared.csv").arg("--out-dir").arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("1 empty row left out"), "{}", r.stderr);
    assert_eq!(pdfs_in(&out).len(), 1);
}

#[test]
fn values_print_whole_in_code_links_tables_and_headings() {
    let dir = merge_dir();
    let d = dir.path();
    std::fs::write(
        d.join("t.template.md"),
        "+++\nto = [\"{{ name }}\"]\n+++\n\n\
         Your member number is `{{ id }}`. Visit <https://example.org/m/{{ id }}> or \
         https://example.org/donate?ref={{ id }} today.\n\n\
         | Item | Value |\n|------|-------|\n| Address | {{ street }} |\n| Member | {{ member }} |\n\n\
         ## For {{ street }}\n",
    )
    .unwrap();
    // A spreadsheet's multi-line cell (Alt+Enter) comes quoted, with a CRLF inside.
    std::fs::write(
        d.join("d.csv"),
        "id,name,street,member\r\nA-1_x,Ann,\"Line1\r\nLine2\",yes\r\n",
    )
    .unwrap();
    let out = d.join("out");
    let r = run(letterhead()
        .arg("merge")
        .arg(d.join("t.template.md"))
        .args(["--data", "d.csv", "--out-dir"])
        .arg(&out)
        .current_dir(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = out.join("t-0001.pdf");
    let text = text_of(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for whole in [
        "Your member number is A-1_x.",
        "https://example.org/m/A-1_x",
        // (The line may break after a `/` of the address.)
        "donate?ref=A-1_x today.",
        "Address Line1 Line2 Member yes",
        "For Line1 Line2",
    ] {
        assert!(text.contains(whole), "`{whole}` missing:\n{text}");
    }
    assert!(!text.contains('\\'), "{text}");
    let qdf = d.join("t.qdf");
    tool(
        "qpdf",
        &["--qdf", pdf.to_str().unwrap(), qdf.to_str().unwrap()],
    );
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    for uri in [
        "/URI (https://example.org/m/A-1_x)",
        "/URI (https://example.org/donate?ref=A-1_x)",
    ] {
        assert!(raw.contains(uri), "no {uri}");
    }
}

#[test]
fn a_json_table_or_list_printed_whole_fails_its_row() {
    let dir = merge_dir();
    let d = dir.path();
    std::fs::write(
        d.join("t.template.md"),
        "+++\nto = [\"{{ name }}\"]\n+++\n\nYou live in {{ city }}; member: {{ member }}.\n",
    )
    .unwrap();
    std::fs::write(
        d.join("d.json"),
        r#"[{"name": "Ann", "city": {"name": "Berlin", "zip": "10115"}, "member": true},
            {"name": "Bob", "city": ["Paris", "FR"], "member": false},
            {"name": "Cy", "city": "Rome", "member": true}]"#,
    )
    .unwrap();
    let out = d.join("out");
    let r = run(letterhead()
        .arg("merge")
        .arg(d.join("t.template.md"))
        .args(["--data", "d.json", "--out-dir"])
        .arg(&out)
        .current_dir(d));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("row 1 of `d.json`: `city` is a table, not text"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("{{ city.name }}"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("row 2 of `d.json`: `city` is a list, not text"),
        "{}",
        r.stderr
    );
    assert_eq!(pdfs_in(&out).len(), 1);
    let text = text_of(&out.join("t-0003.pdf"));
    assert!(text.contains("You live in Rome; member: true."), "{text}");
}

/// The merge's letters into `out`, and the combined print file to `combine`.
fn combined_merge(d: &Path, combine: &str) -> std::process::Command {
    let mut cmd = merge(d, "supporters.csv");
    cmd.current_dir(d)
        .args([
            "--name",
            "{{ id }}-{{ last_name }}",
            "--duplex",
            "--out-dir",
        ])
        .arg(d.join("out"))
        .args(["--combine", combine]);
    cmd
}

#[test]
fn combined_file_to_standard_output_is_the_same_file_and_no_file_named_dash() {
    let dir = merge_dir();
    let d = dir.path();
    // Titled after its name, the file is `combined` on standard output.
    let r = run(&mut combined_merge(d, "combined.pdf"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let file = std::fs::read(d.join("combined.pdf")).unwrap();

    let out = combined_merge(d, "-").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        out.stdout == file,
        "standard output differs from the combined file"
    );
    assert!(!d.join("-").exists(), "a file named `-` was written");
    assert!(
        stderr.contains("standard output"),
        "the summary does not say where the combined PDF went: {stderr}"
    );
    // `letterhead combine … -o -` writes the same bytes as `-o FILE`.
    let letters = pdfs_in(&d.join("out"));
    let mut join = letterhead();
    join.arg("combine").args(&letters[..3]).args(["-o", "-"]);
    let piped = join.output().unwrap();
    assert_eq!(piped.status.code(), Some(0));
    let joined = d.join("joined").join("combined.pdf");
    let r = run(letterhead()
        .arg("combine")
        .args(&letters[..3])
        .arg("-o")
        .arg(&joined));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(piped.stdout == std::fs::read(&joined).unwrap());
}

#[test]
fn combined_file_to_standard_output_refuses_the_json_report_there_too() {
    let dir = merge_dir();
    let d = dir.path();
    let r = run(combined_merge(d, "-").args(["--report", "json"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    // The report asked for is JSON: the error is its one line.
    let error: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--combine -"),
        "{error}"
    );
    assert!(
        !d.join("out").exists(),
        "letters were written after a usage error"
    );
}

/// A file system that fills up while the combined file is written (here a file size limit,
/// which fails writes past it like a full disk does): the combined file fails, once and by
/// name, while every letter, whose own PDF is small enough, is written and reported so.
/// Checked both ways it fails: while letters are added, and at the end.
#[test]
fn a_full_disk_fails_the_combined_file_not_the_letters() {
    let dir = merge_dir();
    let d = dir.path();
    // 200 rows: the combined file outgrows the limit while letters are still being added.
    let csv = std::fs::read_to_string(d.join("supporters.csv")).unwrap();
    let mut lines = csv.lines();
    let mut many = format!("{}\n", lines.next().unwrap());
    let rows: Vec<&str> = lines.collect();
    for i in 0..200 {
        let row = rows[i % rows.len()];
        let rest = row.split_once(',').unwrap().1;
        many.push_str(&format!("{},{rest}\n", i + 1));
    }
    std::fs::write(d.join("supporters.csv"), many).unwrap();
    let out = std::process::Command::new("bash")
        .current_dir(d)
        .env("SOURCE_DATE_EPOCH", common::EPOCH)
        .args([
            "-c",
            // Ignored, SIGXFSZ makes a write past the limit fail with EFBIG instead of ending
            // the process; 40 KiB holds any one letter, not the 20 together.
            "trap '' XFSZ; ulimit -f 40; exec \"$@\"",
            "bash",
            env!("CARGO_BIN_EXE_letterhead"),
            "merge",
            "thank-you.template.md",
            "--data",
            "supporters.csv",
            "--out-dir",
            "out",
            "--combine",
            "print.pdf",
            "--report",
            "json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(pdfs_in(&d.join("out")).len(), 200, "{stderr}");
    for pdf in pdfs_in(&d.join("out")) {
        assert!(qpdf_ok(&pdf), "{}", pdf.display());
    }
    let letters: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v["type"] == "letter")
        .collect();
    assert_eq!(letters.len(), 200, "{stdout}");
    for letter in &letters {
        assert!(letter["error"].is_null(), "a letter failed: {letter}");
    }
    let failures: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("\"type\":\"failure\""))
        .collect();
    assert_eq!(failures.len(), 1, "{stdout}");
    assert!(failures[0].contains("print.pdf"), "{}", failures[0]);
    assert!(stderr.contains("print.pdf"), "{stderr}");
    assert_eq!(
        stderr.matches("not written").count(),
        1,
        "the combined file's failure is said once: {stderr}"
    );
    assert!(!d.join("print.pdf").exists());
    let temporaries = files_below(d)
        .into_iter()
        .filter(|f| f.to_string_lossy().ends_with(".tmp"))
        .count();
    assert_eq!(temporaries, 0, "a temporary file was left behind");
}

/// The streams of a combined print file that were left as they are (no `/Filter`), other than
/// its XMP metadata, by `qpdf --json`: `(object, length)`.
fn unfiltered_streams(pdf: &Path) -> Vec<(String, u64)> {
    let json: serde_json::Value =
        serde_json::from_str(&tool("qpdf", &["--json", pdf.to_str().unwrap()])).unwrap();
    let objects = json["qpdf"][1]
        .as_object()
        .expect("qpdf --json gives the objects");
    objects
        .iter()
        .filter_map(|(name, object)| {
            let dict = object["stream"]["dict"].as_object()?;
            let metadata = dict.get("/Type").and_then(|t| t.as_str()) == Some("/Metadata");
            (!dict.contains_key("/Filter") && !metadata)
                .then(|| (name.clone(), dict["/Length"].as_u64().unwrap_or(0)))
        })
        .collect()
}

#[test]
fn a_combined_file_is_compressed() {
    let dir = merge_dir();
    let d = dir.path();
    let r = run(&mut combined_merge(d, "print.pdf"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let combined = d.join("print.pdf");
    assert!(qpdf_ok(&combined));
    // Its pages and object streams are deflated like the letters' own.
    let unfiltered = unfiltered_streams(&combined);
    assert!(unfiltered.is_empty(), "left as they are: {unfiltered:?}");
    // And it is smaller than the letters it holds, whose fonts it holds once per face.
    let letters: u64 = pdfs_in(&d.join("out"))
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    let size = std::fs::metadata(&combined).unwrap().len();
    assert!(
        size < letters,
        "{size} bytes against the letters' {letters}"
    );
}
