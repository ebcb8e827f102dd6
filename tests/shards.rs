//! End-to-end tests of shards: `--shard I/N` splits a merge's rows (and `render`'s inputs)
//! into N parts that together render every letter exactly once, byte for byte as one run
//! does; the shards' combined print files join with `letterhead combine`.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{files_below, letterhead, pages, qpdf_ok, repo, run, tool};

/// A copy of the merge example's template and letterhead, with `rows` generated rows.
fn merge_dir(rows: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("letters/letterhead.toml"),
        dir.path().join("letterhead.toml"),
    )
    .unwrap();
    std::fs::copy(
        repo().join("letters/merge/thank-you.template.md"),
        dir.path().join("thank-you.template.md"),
    )
    .unwrap();
    let first = ["Amara", "Björn", "Chloé", "Dmitri", "Eun-ji", "Farid"];
    let last = ["Okafor", "Lindqvist", "Moreau", "Petrov", "Kim", "Haddad"];
    let mut csv = String::from("id,first_name,last_name,street,city,amount,member_since\n");
    for i in 1..=rows {
        csv.push_str(&format!(
            "{i},{},{},{} Willow Lane,\"Brooklyn, NY 11201\",${},{}\n",
            first[i % first.len()],
            last[(i / 7) % last.len()],
            i % 97 + 1,
            10 + i % 90,
            if i % 3 == 0 {
                String::new()
            } else {
                (1990 + i % 30).to_string()
            }
        ));
    }
    std::fs::write(dir.path().join("rows.csv"), csv).unwrap();
    dir
}

fn merge(d: &Path, out: &str) -> std::process::Command {
    let mut cmd = letterhead();
    cmd.arg("merge")
        .arg(d.join("thank-you.template.md"))
        .arg("--data")
        .arg(d.join("rows.csv"))
        .arg("--out-dir")
        .arg(d.join(out))
        .args(["--name", "{{ id }}-{{ last_name }}"]);
    cmd
}

/// The bookmark titles of a PDF, in order.
fn bookmarks(pdf: &Path) -> Vec<String> {
    let outline = tool(
        "qpdf",
        &["--json", "--json-key=outlines", pdf.to_str().unwrap()],
    );
    let outline: serde_json::Value = serde_json::from_str(&outline).unwrap();
    outline["outlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["title"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn four_shards_in_parallel_render_what_one_run_does_each_letter_once() {
    let dir = merge_dir(1000);
    let d = dir.path();
    let whole = run(merge(d, "whole")
        .arg("--combine")
        .arg(d.join("whole.pdf"))
        .arg("--duplex"));
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    // Four shards at once, as a scheduler would start them.
    let children: Vec<_> = (0..4)
        .map(|i| {
            merge(d, "sharded")
                .args(["--shard", &format!("{i}/4"), "--report", "json", "-j", "1"])
                .arg("--combine")
                .arg(d.join(format!("shard-{i}.pdf")))
                .arg("--duplex")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut outputs = Vec::new();
    let mut reports = Vec::new();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "shard {i}: {stderr}");
        let report = String::from_utf8(out.stdout).unwrap();
        for line in report.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            if v["type"] == "letter" {
                outputs.push(v["output"].as_str().unwrap().to_string());
            } else if v["type"] == "summary" {
                assert_eq!(v["shard"]["index"], i, "{v}");
                assert_eq!(v["shard"]["first"], i * 250, "{v}");
                assert_eq!(v["letters"], 250, "{v}");
            }
        }
        let path = d.join(format!("shard-{i}.json"));
        std::fs::write(&path, report).unwrap();
        reports.push(path);
    }
    // No letter twice, none left out.
    let distinct: BTreeSet<&String> = outputs.iter().collect();
    assert_eq!(outputs.len(), 1000);
    assert_eq!(distinct.len(), 1000);
    // The union is the unsharded run, byte for byte.
    let names = |sub: &str| -> Vec<String> {
        files_below(&d.join(sub))
            .iter()
            .map(|p| p.strip_prefix(d.join(sub)).unwrap().display().to_string())
            .collect()
    };
    assert_eq!(names("whole"), names("sharded"));
    assert_eq!(names("whole").len(), 1000);
    for name in names("whole") {
        let a = std::fs::read(d.join("whole").join(&name)).unwrap();
        let b = std::fs::read(d.join("sharded").join(&name)).unwrap();
        assert!(
            a == b,
            "{name} differs between the sharded and the whole run"
        );
    }
    // The README's recipe sums the shards' reports into one summary.
    let mut jq = std::process::Command::new("jq");
    jq.args(["-s", "-c", "-f"])
        .arg(repo().join("examples/shards-summary.jq"))
        .args(&reports);
    let summary = run(&mut jq);
    assert_eq!(summary.code, 0, "jq: {}", summary.stderr);
    let summary: serde_json::Value = serde_json::from_str(summary.stdout.trim()).unwrap();
    assert_eq!(summary["letters"], 1000, "{summary}");
    assert_eq!(summary["succeeded"], 1000, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(summary["shards"], 4, "{summary}");
    assert_eq!(summary["of"], serde_json::json!([4]), "{summary}");
    assert_eq!(summary["exit_code"], 0, "{summary}");
    // The shards' print files, joined in order, are the whole run's pages and bookmarks.
    let all = d.join("all.pdf");
    let mut combine = letterhead();
    combine.arg("combine");
    for i in 0..4 {
        combine.arg(d.join(format!("shard-{i}.pdf")));
    }
    let joined = run(combine.arg("-o").arg(&all));
    assert_eq!(joined.code, 0, "{}", joined.stderr);
    assert!(qpdf_ok(&all));
    assert_eq!(pages(&all), pages(&d.join("whole.pdf")));
    assert_eq!(bookmarks(&all), bookmarks(&d.join("whole.pdf")));
    let text = |pdf: &Path| tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert_eq!(text(&all), text(&d.join("whole.pdf")));
    // One structure tree, a section per letter.
    let structure = tool("pdfinfo", &["-struct", all.to_str().unwrap()]);
    assert_eq!(
        structure.lines().filter(|l| l.trim() == "Sect").count(),
        1000,
        "{}",
        &structure[..structure.len().min(2000)]
    );
}

#[test]
fn render_shards_split_the_inputs_in_path_order() {
    let dir = common::example_dir();
    let d = dir.path();
    let letters: Vec<String> = files_below(d)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut seen = Vec::new();
    for i in 0..3 {
        let out = d.join(format!("out-{i}"));
        let r = run(letterhead()
            .arg("render")
            .arg(d)
            .arg("--out-dir")
            .arg(&out)
            .args(["--shard", &format!("{i}/3"), "-q"]));
        assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
        if out.exists() {
            for pdf in files_below(&out) {
                seen.push(pdf.file_stem().unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let r = run(letterhead()
        .arg("render")
        .arg(d)
        .arg("--out-dir")
        .arg(d.join("whole"))
        .arg("-q"));
    let whole: Vec<String> = files_below(&d.join("whole"))
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(!whole.is_empty(), "{}", r.stderr);
    assert!(whole.len() <= letters.len());
    // The shards together wrote what one run wrote, in the same order, each once.
    assert_eq!(seen, whole);
}

#[test]
fn shard_arguments_are_checked() {
    let dir = merge_dir(3);
    let d = dir.path();
    for (arg, says) in [
        ("4/4", "numbered from 0 to 3"),
        ("1/0", "at least 1"),
        ("a/b", "is not I/N"),
    ] {
        let r = run(merge(d, "out").args(["--shard", arg]));
        assert_eq!(r.code, 2, "{arg}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{arg}: {}", r.stderr);
    }
    let r = run(merge(d, "out")
        .args(["--shard", "auto/2"])
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("SLURM_ARRAY_TASK_ID"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("JOB_COMPLETION_INDEX"), "{}", r.stderr);
    // Slurm's index picks the second half: rows 2 and 3 of 3.
    let r = run(merge(d, "out")
        .args(["--shard", "auto/2", "-q"])
        .env_remove("JOB_COMPLETION_INDEX")
        .env("SLURM_ARRAY_TASK_ID", "1"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written: Vec<String> = files_below(&d.join("out"))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written.len(), 2, "{written:?}");
    assert!(written[0].starts_with("2-"), "{written:?}");
    // More shards than rows: an empty shard writes nothing and succeeds.
    let r = run(merge(d, "none")
        .args(["--shard", "0/5", "-q", "--combine"])
        .arg(d.join("none.pdf")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!d.join("none.pdf").exists());
}

#[test]
fn combine_refuses_pdfs_letterhead_did_not_write() {
    let dir = merge_dir(2);
    let d = dir.path();
    let r = run(merge(d, "out").arg("-q"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A PDF another program wrote: qpdf copies one of ours into a new document.
    let ours = files_below(&d.join("out")).remove(0);
    let foreign = d.join("foreign.pdf");
    tool(
        "qpdf",
        &[
            "--empty",
            "--pages",
            ours.to_str().unwrap(),
            "--",
            foreign.to_str().unwrap(),
        ],
    );
    let all = d.join("all.pdf");
    let r = run(letterhead()
        .arg("combine")
        .arg(&ours)
        .arg(&foreign)
        .arg("-o")
        .arg(&all));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("foreign.pdf"), "{}", r.stderr);
    assert!(
        r.stderr.contains("letterhead did not write it"),
        "{}",
        r.stderr
    );
    assert!(!all.exists());
    // Letters letterhead wrote join, each a bookmark.
    let letters = files_below(&d.join("out"));
    let r = run(letterhead()
        .arg("combine")
        .args(&letters)
        .arg("-o")
        .arg(&all));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(qpdf_ok(&all));
    assert_eq!(bookmarks(&all), ["1-Okafor", "2-Okafor"]);
}

#[test]
fn the_readme_recipe_with_gnu_parallel_works() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = &readme[readme.find("With GNU parallel").unwrap()..];
    let start = section.find("```sh\n").unwrap() + 6;
    let recipe = &section[start..start + section[start..].find("```").unwrap()];
    assert!(recipe.contains("parallel"), "{recipe}");
    let dir = merge_dir(40);
    let d = dir.path();
    std::fs::rename(d.join("rows.csv"), d.join("donors.csv")).unwrap();
    std::fs::create_dir(d.join("examples")).unwrap();
    std::fs::copy(
        repo().join("examples/shards-summary.jq"),
        d.join("examples/shards-summary.jq"),
    )
    .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("letterhead");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let r = run(std::process::Command::new("bash")
        .args(["-o", "pipefail", "-e", "-c", recipe])
        .current_dir(d)
        .env("PATH", path)
        .env("SOURCE_DATE_EPOCH", common::EPOCH));
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let pdfs = files_below(&d.join("out"))
        .into_iter()
        .filter(|p| {
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("print-")
        })
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .count();
    assert_eq!(pdfs, 40);
    assert!(qpdf_ok(&d.join("print.pdf")));
    assert_eq!(bookmarks(&d.join("print.pdf")).len(), 40);
    let summary: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(summary["letters"], 40, "{summary}");
    assert_eq!(summary["shards"], 4, "{summary}");
}
