//! End-to-end tests of letters by email, against a real SMTP server (aiosmtpd, in a venv made
//! by tests/mail/venv.sh) on 127.0.0.1 with STARTTLS (a throw-away certificate authority) and
//! AUTH; what arrived is read back with Python's email parser (tests/mail/read_messages.py) and its
//! PDFs with pdftotext. Faults: a refused recipient, a deferred message, a dropped connection,
//! the sender killed at spread moments and run again; header injection; `.eml` files.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::{letterhead, repo, run, tool};
use serde_json::Value;

/// The venv's python, made on first use (never skipped: without it the tests fail).
fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("smtp-venv");
        let out = Command::new("bash")
            .arg(repo().join("tests/mail/venv.sh"))
            .arg(&venv)
            .output()
            .expect("bash runs tests/mail/venv.sh");
        assert!(
            out.status.success(),
            "cannot make the SMTP test venv (aiosmtpd, trustme from PyPI):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    })
}

/// A running SMTP server that stores what it accepts; killed when dropped.
struct Server {
    child: Child,
    port: u16,
    store: PathBuf,
    /// The certificate authority to trust, with `--tls`.
    ca: PathBuf,
    _dir: tempfile::TempDir,
}

/// The user and password the server wants, when started with them.
const USER: &str = "penelope";
const PASSWORD: &str = "s3cret pass";

impl Server {
    /// Starts the server with STARTTLS and AUTH, and `extra` options (faults).
    fn start(extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        let ready = dir.path().join("port");
        let ca = dir.path().join("ca.pem");
        let child = Command::new(python())
            .arg(repo().join("tests/mail/smtpd.py"))
            .arg("--store")
            .arg(&store)
            .arg("--ready")
            .arg(&ready)
            .arg("--tls")
            .arg(&ca)
            .arg("--auth")
            .arg(format!("{USER}:{PASSWORD}"))
            .args(extra)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("server.log")).unwrap())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let mut child = child;
        let port = loop {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "the SMTP server ended ({status}):\n{}",
                    std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default()
                );
            }
            if let Ok(text) = std::fs::read_to_string(&ready) {
                break text.trim().parse().unwrap();
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the SMTP server did not start:\n{}",
                std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        Server {
            child,
            port,
            store,
            ca,
            _dir: dir,
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages stored, in arrival order: the file and the envelope's recipients.
    fn messages(&self) -> Vec<(PathBuf, Vec<String>)> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.store)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "eml"));
        files.sort();
        files
            .into_iter()
            .map(|eml| {
                let envelope: Value = serde_json::from_str(
                    &std::fs::read_to_string(eml.with_extension("json")).unwrap(),
                )
                .unwrap();
                let rcpt = envelope["rcpt_tos"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect();
                assert_eq!(
                    envelope["tls"],
                    true,
                    "{} arrived without TLS",
                    eml.display()
                );
                assert_eq!(envelope["authenticated"], true);
                (eml, rcpt)
            })
            .collect()
    }

    /// How many messages each envelope recipient got.
    fn counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for (_, rcpt) in self.messages() {
            for r in rcpt {
                *counts.entry(r).or_default() += 1;
            }
        }
        counts
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads messages with Python's email parser: one JSON object each (tests/mail/read_messages.py).
fn inspect(files: &[PathBuf], out: &Path) -> Vec<Value> {
    let output = Command::new(python())
        .arg(repo().join("tests/mail/read_messages.py"))
        .arg(out)
        .args(files)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Value>(&output.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// A copy of the merge example with its email template; addresses at `localhost`.
fn merge_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(
        repo().join("letters/letterhead.toml"),
        d.join("letterhead.toml"),
    )
    .unwrap();
    for name in ["thank-you.template.md", "thank-you.email.template.md"] {
        std::fs::copy(repo().join("letters/merge").join(name), d.join(name)).unwrap();
    }
    let csv = std::fs::read_to_string(repo().join("letters/merge/supporters.csv")).unwrap();
    std::fs::write(
        d.join("supporters.csv"),
        csv.replace("@example.org", "@localhost"),
    )
    .unwrap();
    let email = std::fs::read_to_string(d.join("thank-you.email.template.md")).unwrap();
    std::fs::write(
        d.join("thank-you.email.template.md"),
        email.replace("@example.org", "@localhost"),
    )
    .unwrap();
    dir
}

/// The supporters: (id, first name, last name, address).
fn supporters(d: &Path) -> Vec<(String, String, String, String)> {
    let mut reader = csv_rows(&std::fs::read_to_string(d.join("supporters.csv")).unwrap());
    reader.remove(0);
    reader
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone(), r[7].clone()))
        .collect()
}

/// A small CSV reader for the example's rows (quoted fields with commas).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|line| {
            let mut fields = vec![String::new()];
            let mut quoted = false;
            for c in line.chars() {
                match c {
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields.push(String::new()),
                    c => fields.last_mut().unwrap().push(c),
                }
            }
            fields
        })
        .collect()
}

/// `letterhead merge` of the example with its email, into `d/out`, reporting JSON.
fn merge_email(d: &Path) -> Command {
    let mut cmd = letterhead();
    cmd.arg("merge")
        .arg(d.join("thank-you.template.md"))
        .arg("--data")
        .arg(d.join("supporters.csv"))
        .arg("--email")
        .arg(d.join("thank-you.email.template.md"))
        .args([
            "--name",
            "{{ last_name }}-{{ id }}",
            "--report",
            "json",
            "--out-dir",
        ])
        .arg(d.join("out"));
    cmd
}

/// The same, sending through `server` with its credentials and certificate authority.
fn send_to(d: &Path, server: &Server) -> Command {
    let mut cmd = merge_email(d);
    cmd.arg("--send")
        .arg(server.url())
        .env("SSL_CERT_FILE", &server.ca)
        .env("LETTERHEAD_SMTP_USER", USER)
        .env("LETTERHEAD_SMTP_PASSWORD", PASSWORD);
    cmd
}

/// The `email` objects of a JSON report's letters, by row number (the input is
/// ``row 3 of `…/supporters.csv` (line 4)``).
fn email_reports(stdout: &str) -> BTreeMap<String, Value> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["type"] == "letter")
        .map(|v| {
            let input = v["input"].as_str().unwrap();
            let row = input
                .strip_prefix("row ")
                .unwrap()
                .split(' ')
                .next()
                .unwrap();
            (row.to_string(), v["email"].clone())
        })
        .collect()
}

#[test]
fn eml_files_parse_without_defects_and_carry_the_pdf_byte_for_byte() {
    let dir = merge_dir();
    let d = dir.path();
    let r = run(&mut merge_email(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = d.join("out");
    let people = supporters(d);
    let emls: Vec<PathBuf> = people
        .iter()
        .map(|(id, _, last, _)| out.join(format!("{last}-{id}.eml")))
        .collect();
    let parsed = inspect(&emls, &d.join("parts"));
    assert_eq!(parsed.len(), 20);
    for ((id, first, last, address), m) in people.iter().zip(&parsed) {
        assert_eq!(m["defects"], serde_json::json!([]), "{m}");
        assert_eq!(m["ascii"], true);
        assert!(m["max_line"].as_u64().unwrap() <= 998, "{m}");
        assert_eq!(m["to"], format!("{first} {last} <{address}>"));
        assert_eq!(m["subject"], format!("Thank you for your support, {first}"));
        assert!(
            m["body"]
                .as_str()
                .unwrap()
                .starts_with(&format!("Dear {first},"))
        );
        let headers: Vec<&str> = m["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap())
            .collect();
        for h in [
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "Reply-To",
            "MIME-Version",
        ] {
            assert!(headers.contains(&h), "{h} missing: {headers:?}");
        }
        let attachments = m["attachments"].as_array().unwrap();
        assert_eq!(attachments.len(), 1);
        assert_eq!(attachments[0]["filename"], format!("{last}-{id}.pdf"));
        assert_eq!(attachments[0]["content_type"], "application/pdf");
        let sent = std::fs::read(attachments[0]["file"].as_str().unwrap()).unwrap();
        let pdf = std::fs::read(out.join(format!("{last}-{id}.pdf"))).unwrap();
        assert!(sent == pdf, "row {id}: the attachment differs from the PDF");
    }
    // The JSON report says where each went.
    let reports = email_reports(&r.stdout);
    assert_eq!(reports.len(), 20);
    assert!(
        reports.values().all(|e| e["status"] == "written"),
        "{reports:?}"
    );
    // Deterministic under SOURCE_DATE_EPOCH: a second run writes the same bytes.
    let first: Vec<Vec<u8>> = emls.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let r = run(&mut merge_email(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let second: Vec<Vec<u8>> = emls.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(first == second, "the .eml files differ between two runs");
    // Nothing was sent, so there is no journal.
    assert!(!out.join("sent.jsonl").exists());
}

#[test]
fn twenty_rows_arrive_over_starttls_with_auth_and_a_rerun_sends_none_again() {
    let server = Server::start(&[]);
    let dir = merge_dir();
    let d = dir.path();
    let r = run(&mut send_to(d, &server));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("emails: 20 sent"), "{}", r.stderr);
    let messages = server.messages();
    assert_eq!(messages.len(), 20);
    let files: Vec<PathBuf> = messages.iter().map(|(f, _)| f.clone()).collect();
    let parsed = inspect(&files, &d.join("parts"));
    let people = supporters(d);
    for ((id, first, last, address), (m, (_, rcpt))) in
        people.iter().zip(parsed.iter().zip(&messages))
    {
        assert_eq!(rcpt, &vec![address.clone()]);
        assert_eq!(m["to"], format!("{first} {last} <{address}>"));
        assert_eq!(m["subject"], format!("Thank you for your support, {first}"));
        assert_eq!(m["defects"], serde_json::json!([]));
        let body = m["body"].as_str().unwrap();
        assert!(body.starts_with(&format!("Dear {first},")), "{body}");
        let pdf = m["attachments"][0]["file"].as_str().unwrap();
        let text = tool("pdftotext", &[pdf, "-"]);
        assert!(
            text.contains(&format!("{first} {last}")) && text.contains(&format!("Dear {first},")),
            "row {id}: the PDF does not name its recipient:\n{text}"
        );
    }
    let reports = email_reports(&r.stdout);
    assert!(
        reports
            .values()
            .all(|e| e["status"] == "sent" && e["reply"].as_str().unwrap().starts_with("250")),
        "{reports:?}"
    );
    // The journal holds a `sending` and a `sent` line per row.
    let journal = std::fs::read_to_string(d.join("out/sent.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 40);
    // A rerun of the same command sends nothing again.
    let r = run(&mut send_to(d, &server));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("emails: 20 skipped"), "{}", r.stderr);
    assert_eq!(server.messages().len(), 20);
    assert!(
        email_reports(&r.stdout)
            .values()
            .all(|e| e["status"] == "skipped")
    );
}

#[test]
fn a_data_file_sorted_differently_sends_nobody_a_letter_twice() {
    let server = Server::start(&[]);
    let dir = merge_dir();
    let d = dir.path();
    let r = run(&mut send_to(d, &server));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.messages().len(), 20);
    // A new supporter sorted in at the top: every other row has another number (and another
    // default file name) than when it was sent, and the last has a number never sent.
    let csv = std::fs::read_to_string(d.join("supporters.csv")).unwrap();
    let mut lines: Vec<&str> = csv.lines().collect();
    let header = lines.remove(0);
    let new = "21,Grace,Hopper,1 Navy Yard,\"Arlington, VA 22202\",$10,,grace.hopper@localhost";
    std::fs::write(
        d.join("supporters.csv"),
        format!("{header}\n{new}\n{}\n", lines.join("\n")),
    )
    .unwrap();
    let r = run(&mut send_to(d, &server));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("emails: 1 sent, 20 skipped"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stdout.contains("changed since it was sent"),
        "{}",
        r.stdout
    );
    let messages = server.messages();
    assert_eq!(messages.len(), 21);
    assert_eq!(messages[20].1, vec!["grace.hopper@localhost".to_string()]);
    // Nobody twice.
    let mut recipients: Vec<&Vec<String>> = messages.iter().map(|(_, to)| to).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 21);
}

#[test]
fn rate_spaces_the_messages() {
    let server = Server::start(&[]);
    let dir = merge_dir();
    let d = dir.path();
    let csv = std::fs::read_to_string(d.join("supporters.csv")).unwrap();
    let four: Vec<&str> = csv.lines().take(5).collect();
    std::fs::write(d.join("supporters.csv"), four.join("\n") + "\n").unwrap();
    // 120 a minute: half a second from the start of one message to the next, so four
    // messages take at least three halves. (A lower bound only: a slow machine is slower.)
    let started = std::time::Instant::now();
    let r = run(send_to(d, &server).args(["--rate", "120/min"]));
    let took = started.elapsed();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.messages().len(), 4);
    assert!(took >= std::time::Duration::from_millis(1500), "{took:?}");
}

#[test]
fn a_refused_recipient_fails_its_row_and_the_others_arrive() {
    let server = Server::start(&["--reject", "chloe.moreau@localhost"]);
    let dir = merge_dir();
    let d = dir.path();
    let r = run(&mut send_to(d, &server));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("550"), "{}", r.stderr);
    let counts = server.counts();
    assert_eq!(counts.len(), 19);
    assert!(!counts.contains_key("chloe.moreau@localhost"));
    assert!(counts.values().all(|n| *n == 1));
    let reports = email_reports(&r.stdout);
    assert_eq!(reports["3"]["status"], "failed");
    // A rerun sends the refused row again (it was never accepted), and only it.
    let r = run(&mut send_to(d, &server));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("19 skipped, 1 failed"), "{}", r.stderr);
    assert_eq!(server.messages().len(), 19);
}

#[test]
fn a_message_deferred_twice_is_retried_and_arrives_once() {
    let server = Server::start(&["--defer", "dmitri.petrov@localhost:2"]);
    let dir = merge_dir();
    let d = dir.path();
    let r = run(&mut send_to(d, &server));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let counts = server.counts();
    assert_eq!(counts.len(), 20);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    // The journal shows the two refusals before the acceptance.
    let journal = std::fs::read_to_string(d.join("out/sent.jsonl")).unwrap();
    let row4: Vec<&str> = journal
        .lines()
        .filter(|l| l.contains("\"row\":4,"))
        .collect();
    let states: Vec<String> = row4
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["state"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        states,
        [
            "sending", "deferred", "sending", "deferred", "sending", "sent"
        ]
    );
}

#[test]
fn a_dropped_connection_is_reopened_and_every_row_arrives_once() {
    let server = Server::start(&["--drop-at", "6"]);
    let dir = merge_dir();
    let d = dir.path();
    let r = run(&mut send_to(d, &server));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let counts = server.counts();
    assert_eq!(counts.len(), 20);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
}

#[test]
fn a_sender_killed_at_ten_moments_delivers_every_row_exactly_once_in_the_end() {
    // A pause before the server stores each message, so that kills land while the sender
    // waits for replies as well as between messages.
    let server = Server::start(&["--pause", "0.15"]);
    let dir = merge_dir();
    let d = dir.path();
    for k in 0..10u64 {
        let mut child = send_to(d, &server)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(300 + 170 * k));
        // SIGKILL: no chance to write anything more.
        let _ = child.kill();
        let _ = child.wait();
    }
    // The kills landed mid-run: some rows were sent before the last run, and some were not.
    let journal = std::fs::read_to_string(d.join("out/sent.jsonl")).unwrap();
    let sent_before = journal
        .lines()
        .filter(|l| l.contains("\"state\":\"sent\""))
        .count();
    assert!((1..20).contains(&sent_before), "{journal}");
    // A last run sends what is left; rows reported unknown are left alone.
    let r = run(&mut send_to(d, &server));
    let reports = email_reports(&r.stdout);
    let unknown: Vec<String> = reports
        .values()
        .filter(|e| e["status"] == "unknown")
        .map(|e| e["to"][0].as_str().unwrap().to_string())
        .collect();
    for e in reports.values() {
        assert!(
            e["status"] == "sent" || e["status"] == "skipped" || e["status"] == "unknown",
            "{e}"
        );
    }
    assert_eq!(
        r.code,
        if unknown.is_empty() { 0 } else { 1 },
        "{}",
        r.stderr
    );
    let counts = server.counts();
    for (_, _, _, address) in supporters(d) {
        let n = counts.get(&address).copied().unwrap_or(0);
        if unknown.contains(&address) {
            assert!(n <= 1, "{address} (unknown) got {n} messages");
        } else {
            assert_eq!(n, 1, "{address} got {n} messages; unknown: {unknown:?}");
        }
    }
    // Unknown rows are named so, and `--resend` sends them.
    for address in &unknown {
        assert!(
            r.stderr.contains("unknown — check the outbox"),
            "{}",
            r.stderr
        );
        let row = supporters(d)
            .iter()
            .find(|s| &s.3 == address)
            .map(|s| s.0.clone())
            .unwrap();
        let r = run(send_to(d, &server).args(["--resend", &row]));
        assert_eq!(email_reports(&r.stdout)[&row]["status"], "sent");
    }
}

#[test]
fn a_value_with_a_line_break_adds_no_header_and_bcc_stays_out_of_the_message() {
    let server = Server::start(&[]);
    let dir = merge_dir();
    let d = dir.path();
    // Row 2's first name carries a header, as a spreadsheet cell with a line break can.
    let csv = std::fs::read_to_string(d.join("supporters.csv")).unwrap();
    let csv = csv.replacen("2,Björn,", "2,\"Björn\r\nBcc: attacker@localhost\",", 1);
    std::fs::write(d.join("supporters.csv"), csv).unwrap();
    let email = std::fs::read_to_string(d.join("thank-you.email.template.md")).unwrap();
    let email = email.replacen("+++\n", "+++\nbcc = \"archive@localhost\"\n", 1);
    std::fs::write(d.join("thank-you.email.template.md"), email).unwrap();
    let r = run(&mut send_to(d, &server));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("holds a line break"), "{}", r.stderr);
    let messages = server.messages();
    assert_eq!(messages.len(), 19);
    let files: Vec<PathBuf> = messages.iter().map(|(f, _)| f.clone()).collect();
    for ((file, rcpt), m) in messages.iter().zip(inspect(&files, &d.join("parts"))) {
        assert!(!rcpt.iter().any(|r| r.contains("attacker")), "{rcpt:?}");
        // The bcc address is a recipient of the envelope, never in the message.
        assert!(rcpt.contains(&"archive@localhost".to_string()), "{rcpt:?}");
        // The header block (the body's base64 may hold any letters).
        let raw = std::fs::read_to_string(file).unwrap();
        let head = raw.split("\r\n\r\n").next().unwrap();
        assert!(!head.to_ascii_lowercase().contains("bcc"), "{head}");
        assert!(!head.contains("archive@localhost"), "{head}");
        assert!(!head.contains("attacker"), "{head}");
        let headers = m["headers"].as_array().unwrap();
        assert!(
            !headers
                .iter()
                .any(|h| h.as_str().unwrap().eq_ignore_ascii_case("bcc"))
        );
        assert!(!m["body"].as_str().unwrap().contains("attacker"));
        assert_eq!(m["defects"], serde_json::json!([]));
    }
}

#[test]
fn check_validates_every_rows_addresses_and_writes_nothing() {
    let dir = merge_dir();
    let d = dir.path();
    let csv = std::fs::read_to_string(d.join("supporters.csv")).unwrap();
    let csv = csv
        .replacen("mei.chen@localhost", "mei.chen@@localhost", 1)
        .replacen(
            "kwame.mensah@localhost",
            "kwame.mensah@localhost, attacker@localhost",
            1,
        );
    std::fs::write(d.join("supporters.csv"), csv).unwrap();
    let r = run(letterhead()
        .arg("check")
        .arg(d.join("thank-you.template.md"))
        .arg("--data")
        .arg(d.join("supporters.csv"))
        .arg("--email")
        .arg(d.join("thank-you.email.template.md")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("row 13 of"), "{}", r.stderr);
    assert!(r.stderr.contains("row 11 of"), "{}", r.stderr);
    assert!(
        r.stderr.contains("is not one email address"),
        "{}",
        r.stderr
    );
    assert!(!d.join("thank-you").exists());
}

#[test]
fn a_server_certificate_not_trusted_sends_nothing() {
    let server = Server::start(&[]);
    let dir = merge_dir();
    let d = dir.path();
    // No SSL_CERT_FILE: the throw-away authority is not trusted.
    let r = run(send_to(d, &server)
        .env_remove("SSL_CERT_FILE")
        .env("SSL_CERT_FILE", d.join("none.pem")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("STARTTLS"), "{}", r.stderr);
    assert!(server.messages().is_empty());
    // Nothing was handed on, so a rerun with the authority trusted sends every row.
    let r = run(&mut send_to(d, &server));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.messages().len(), 20);
}

#[test]
fn credentials_on_the_command_line_are_refused() {
    let dir = merge_dir();
    let d = dir.path();
    let r = run(merge_email(d).args(["--send", "smtp://user:secret@127.0.0.1:25"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("never given on the command line"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("secret@"), "{}", r.stderr);
    assert!(!d.join("out").exists());
}

#[test]
fn an_unreachable_server_fails_every_row_after_one_rows_retries() {
    let dir = merge_dir();
    let d = dir.path();
    // A port nothing listens on (taken and released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let r = run(merge_email(d)
        .arg("--send")
        .arg(format!("smtp://127.0.0.1:{port}")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("cannot connect"), "{}", r.stderr);
    // The first row waits through its retries; the others fail at once with its reason.
    assert!(r.stderr.contains("20 failed"), "{}", r.stderr);
    let journal = std::fs::read_to_string(d.join("out/sent.jsonl")).unwrap();
    assert_eq!(
        journal
            .lines()
            .filter(|l| l.contains("\"state\":\"failed\""))
            .count(),
        20
    );
}

#[test]
fn credentials_come_from_a_private_file_and_a_changed_letter_is_not_sent_again() {
    use std::os::unix::fs::PermissionsExt;
    let server = Server::start(&[]);
    let dir = merge_dir();
    let d = dir.path();
    let file = d.join("smtp-credentials");
    std::fs::write(&file, format!("{USER}\n{PASSWORD}\n")).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let with_file = |d: &Path| {
        let mut cmd = merge_email(d);
        cmd.arg("--send")
            .arg(server.url())
            .env("SSL_CERT_FILE", &server.ca)
            .env("LETTERHEAD_SMTP_CREDENTIALS", &file);
        cmd
    };
    let r = run(&mut with_file(d));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("can be read by others"), "{}", r.stderr);
    assert!(!r.stderr.contains(PASSWORD), "{}", r.stderr);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let r = run(&mut with_file(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.messages().len(), 20);
    // A changed subject for rows already sent: a warning per row, nothing sent again.
    let email = std::fs::read_to_string(d.join("thank-you.email.template.md")).unwrap();
    std::fs::write(
        d.join("thank-you.email.template.md"),
        email.replace("Thank you for your support", "Thanks again"),
    )
    .unwrap();
    let r = run(&mut with_file(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Warnings are in the JSON report (standard error, not a terminal, has failures only).
    let warned = r
        .stdout
        .lines()
        .filter(|l| l.contains("changed since it was sent") && l.contains("--resend"))
        .count();
    assert_eq!(warned, 20, "{}", r.stdout);
    assert_eq!(server.messages().len(), 20);
}
