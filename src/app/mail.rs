//! Letters by email: the `--email` options of `merge` (and `check --data --email`) resolved
//! into a `Mailer`, which turns each row's outcome, in input order, into an `.eml` file
//! beside its PDF or a message sent through the server, recorded in the journal.
//!
//! This is where the credentials are read (from the environment or a private file, never the
//! command line) and where the journal's entries are matched against the rows: a row sent
//! before is skipped, a row whose delivery is unknown is not sent again without `--resend`.
//! Messages, the journal file and SMTP are `crate::mail`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diag::{self, Diagnostic};
use crate::mail::message::hex;
use crate::mail::smtp::Step;
use crate::mail::{self, Delivery, Draft, EmailTemplate, Entry, Journal, Report, Sender, State};

use super::Mode;
use super::batch::Outcome;
use super::load::{Resources, read_source};
use super::plan::{self, Input, Job, Output};

/// The journal's file name, beside the PDFs.
pub(super) const JOURNAL: &str = "sent.jsonl";

/// What the command line asks of the emails.
pub(super) struct Request {
    pub(super) template: PathBuf,
    pub(super) send: Option<String>,
    pub(super) insecure: bool,
    pub(super) rate: Option<u32>,
    pub(super) resend: Vec<usize>,
}

/// Makes and sends the emails of a merge, row by row.
pub(super) struct Mailer {
    /// Every row's draft (or why it has none), by row index.
    drafts: Vec<diag::Result<Draft>>,
    sender: Option<Sender>,
    journal: Option<Journal>,
    resend: BTreeSet<usize>,
    now: i64,
    /// How many rows came to each status.
    counts: BTreeMap<&'static str, usize>,
    /// A warning about the journal, for the first row's outcome.
    pending: Option<Diagnostic>,
}

impl Mailer {
    /// Reads the email template, fills in every row, and (for `--send`) reads the
    /// credentials, opens the journal and sets up the connection. Any problem here stops the
    /// run before anything is written or sent.
    pub(super) fn prepare(
        mode: Mode,
        request: &Request,
        jobs: &[Job],
        resources: &Resources,
        now: i64,
    ) -> diag::Result<Mailer> {
        let source = read_source(&request.template, "email template")?;
        let template = EmailTemplate::parse(source)?;
        let Some(merge) = &resources.merge else {
            return Err(Diagnostic::error("`--email` needs `--data`").boxed());
        };
        let folder = jobs
            .iter()
            .find_map(|j| match &j.input {
                Input::Row(row) => Some(row.folder.to_path_buf()),
                _ => None,
            })
            .unwrap_or_default();
        let (org_name, org_email) = resources.organization_near(&folder);
        let default_from = org_email.and_then(|email| {
            let address = email.parse().ok()?;
            Some(lettre::message::Mailbox::new(Some(org_name), address).to_string())
        });
        let drafts = merge
            .data
            .rows
            .iter()
            .map(|row| template.fill(row, &merge.data.path, default_from.as_deref()))
            .collect();
        let mut mailer = Mailer {
            drafts,
            sender: None,
            journal: None,
            resend: request.resend.iter().copied().collect(),
            now,
            counts: BTreeMap::new(),
            pending: None,
        };
        if mode == Mode::Check {
            return Ok(mailer);
        }
        let Some(url) = &request.send else {
            return Ok(mailer);
        };
        let server = mail::Server::parse(url, request.insecure)
            .map_err(|why| Diagnostic::error(format!("--send: {why}")).boxed())?;
        let credentials = credentials()?;
        mailer.sender = Some(
            Sender::new(server, credentials, request.rate)
                .map_err(|why| Diagnostic::error(why).boxed())?,
        );
        let out_dir = jobs
            .iter()
            .find_map(|j| match j.output() {
                Output::File(path) => Some(plan::folder_of(&path)),
                _ => None,
            })
            .unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&out_dir).map_err(|err| {
            Diagnostic::error(format!("cannot create `{}` ({err})", out_dir.display())).boxed()
        })?;
        let path = out_dir.join(JOURNAL);
        let journal = Journal::open(&path).map_err(|err| {
            Diagnostic::error(format!(
                "cannot open the send journal `{}` ({err})",
                path.display()
            ))
            .boxed()
        })?;
        mailer.pending = journal_problems(&journal);
        mailer.journal = Some(journal);
        Ok(mailer)
    }
}

/// A warning naming the lines of the journal that could not be read, if any.
fn journal_problems(journal: &Journal) -> Option<Diagnostic> {
    if journal.unreadable.is_empty() {
        return None;
    }
    let lines: Vec<String> = journal.unreadable.iter().map(ToString::to_string).collect();
    Some(
            Diagnostic::warning(format!(
                "line {} of the send journal could not be read (cut short by a crash?) and is left out; each row counts by its last line that could",
                lines.join(", ")
            ))
            .in_file(journal.path()),
        )
}

impl Mailer {
    /// Makes (and sends) a row's email, once its letter is done. The email's outcome goes
    /// into `outcome`: its report, and an error when it failed.
    pub(super) fn deliver(&mut self, job: &Job, outcome: &mut Outcome, resources: &Resources) {
        let Input::Row(row) = &job.input else {
            return;
        };
        let index = &row.index;
        if let Some(warning) = self.pending.take() {
            outcome.warnings.push(warning);
        }
        if outcome.error.is_some() || outcome.skipped {
            return;
        }
        let draft = match self.drafts.get(*index) {
            Some(Ok(draft)) => draft.clone(),
            Some(Err(d)) => {
                outcome.error = Some(d.clone());
                self.count("failed");
                return;
            }
            None => return,
        };
        let row_number = resources
            .merge
            .as_ref()
            .and_then(|m| m.data.rows.get(*index))
            .map_or(index + 1, |r| r.number);
        let Output::File(pdf_path) = &job.output() else {
            // `check`: the draft was made, which is the check.
            return;
        };
        let attachment_name = pdf_path
            .file_name()
            .map_or_else(|| "letter.pdf".into(), |n| n.to_string_lossy().into_owned());
        let pdf = match outcome.pdf.clone() {
            Some(pdf) => pdf,
            None => match std::fs::read(pdf_path) {
                Ok(pdf) => pdf,
                Err(err) => {
                    outcome.error = Some(self.fail(
                        job,
                        format!("cannot read `{}` to attach it ({err})", pdf_path.display()),
                    ));
                    return;
                }
            },
        };
        let letter_text = resources
            .read_letter(&job.input)
            .map(|s| s.text.to_string())
            .unwrap_or_default();
        let digest = digest(&letter_text, &draft);
        let to: Vec<String> = draft.to.iter().map(|m| m.email.to_string()).collect();
        let previous = self
            .journal
            .as_ref()
            .and_then(|j| j.find(row_number, &to, &hex(&digest)))
            .cloned();
        let resend = self.resend.contains(&row_number);
        // A message sent again keeps its Message-ID, so that mail clients can tell.
        let message_id = match &previous {
            Some(entry) if resend => entry.message_id.clone(),
            _ => mail::message_id(&digest, self.now, &draft.from),
        };
        let built = match mail::build(
            &draft,
            &message_id,
            self.now,
            Some((&attachment_name, &pdf)),
        ) {
            Ok(built) => built,
            Err(why) => {
                outcome.error = Some(self.fail(job, format!("cannot build the email ({why})")));
                return;
            }
        };
        if self.sender.is_none() {
            // No `--send`: the message is written beside the PDF.
            let eml = pdf_path.with_extension("eml");
            match write_atomically(&eml, &built.bytes) {
                Ok(()) => {
                    self.count("written");
                    outcome.email = Some(Report {
                        to,
                        message_id,
                        status: "written",
                        file: Some(eml.display().to_string()),
                        reply: None,
                    });
                }
                Err(err) => {
                    outcome.error =
                        Some(self.fail(job, format!("cannot write `{}` ({err})", eml.display())));
                }
            }
            return;
        }
        let digest_hex = hex(&digest);
        if let Some(entry) = &previous
            && !resend
        {
            let report = |status| Report {
                to: entry.to.clone(),
                message_id: entry.message_id.clone(),
                status,
                file: None,
                reply: entry.reply.clone(),
            };
            match entry.state {
                State::Sent => {
                    if entry.digest != digest_hex || entry.to != to {
                        outcome.warnings.push(
                            Diagnostic::warning(format!(
                                "the letter or its email changed since it was sent to {}; it is not sent again",
                                entry.to.join(", ")
                            ))
                            .in_file(job.input.display())
                            .hint(format!("to send the new one, add `--resend {row_number}`")),
                        );
                    }
                    self.count("skipped");
                    outcome.email = Some(report("skipped"));
                    return;
                }
                State::Sending | State::Unknown => {
                    self.count("unknown");
                    outcome.error = Some(
                        Diagnostic::error(format!(
                            "unknown — check the outbox: an earlier run handed its email ({}) to the server but did not hear whether the server took it",
                            entry.message_id
                        ))
                        .in_file(job.input.display())
                        .hint(format!(
                            "if the recipient did not get it, send it again with `--resend {row_number}`"
                        ))
                        .boxed(),
                    );
                    outcome.email = Some(report("unknown"));
                    return;
                }
                State::Failed | State::Deferred => {}
            }
        }
        let (Some(sender), Some(journal)) = (self.sender.as_mut(), self.journal.as_mut()) else {
            return;
        };
        let now = self.now;
        let entry = |state: State, reply: Option<String>| Entry {
            row: row_number,
            state,
            message_id: message_id.clone(),
            digest: digest_hex.clone(),
            to: to.clone(),
            time: now,
            reply,
        };
        let journal_error = |err: std::io::Error| {
            format!(
                "cannot write the send journal `{}` ({err}); the email was not sent",
                journal_path_text(journal_path(pdf_path))
            )
        };
        let mut record = |step: Step| -> Result<(), String> {
            let state = match step {
                Step::Text => State::Sending,
                Step::Refused => State::Deferred,
            };
            journal.record(entry(state, None)).map_err(journal_error)
        };
        let delivery = sender.send(&built.envelope, &built.bytes, &mut record);
        let (status, state, reply) = match &delivery {
            Delivery::Accepted(reply) => ("sent", State::Sent, reply.clone()),
            Delivery::Rejected(reply) | Delivery::Deferred(reply) | Delivery::NotSent(reply) => {
                ("failed", State::Failed, reply.clone())
            }
            Delivery::Unknown(reply) => ("unknown", State::Unknown, reply.clone()),
        };
        if let Err(err) = journal.record(entry(state, Some(reply.clone()))) {
            outcome.warnings.push(
                Diagnostic::warning(format!(
                    "cannot write the send journal ({err}); a rerun will report this row as unknown"
                ))
                .in_file(journal.path()),
            );
        }
        self.count(status);
        outcome.email = Some(Report {
            to: to.clone(),
            message_id: message_id.clone(),
            status,
            file: None,
            reply: Some(reply.clone()),
        });
        match delivery {
            Delivery::Accepted(_) => {}
            Delivery::Unknown(why) => {
                outcome.error = Some(
                    Diagnostic::error(format!(
                        "unknown — check the outbox: {why}"
                    ))
                    .in_file(job.input.display())
                    .hint(format!(
                        "if the recipient did not get it, send it again with `--resend {row_number}`"
                    ))
                    .boxed(),
                );
            }
            Delivery::Rejected(why) | Delivery::Deferred(why) | Delivery::NotSent(why) => {
                outcome.error = Some(
                    Diagnostic::error(format!(
                        "the email to {} was not sent: {why}",
                        to.join(", ")
                    ))
                    .in_file(job.input.display())
                    .hint("a rerun of the same command sends the rows not sent yet")
                    .boxed(),
                );
            }
        }
    }

    fn fail(&mut self, job: &Job, message: String) -> Box<Diagnostic> {
        self.count("failed");
        Diagnostic::error(message)
            .in_file(job.input.display())
            .boxed()
    }

    fn count(&mut self, status: &'static str) {
        *self.counts.entry(status).or_default() += 1;
    }

    /// Ends the session; a line for the summary: `emails: 19 sent, 1 failed`.
    pub(super) fn finish(&mut self) -> Option<(String, BTreeMap<&'static str, usize>)> {
        if let Some(sender) = self.sender.as_mut() {
            sender.quit();
        }
        if self.counts.is_empty() {
            return None;
        }
        let order = ["written", "sent", "skipped", "unknown", "failed"];
        let parts: Vec<String> = order
            .iter()
            .filter_map(|k| self.counts.get(k).map(|n| format!("{n} {k}")))
            .collect();
        let journal = self
            .journal
            .as_ref()
            .map(|j| format!(" (journal: {})", j.path().display()))
            .unwrap_or_default();
        Some((
            format!("emails: {}{journal}", parts.join(", ")),
            self.counts.clone(),
        ))
    }
}

fn journal_path(pdf: &Path) -> PathBuf {
    plan::folder_of(pdf).join(JOURNAL)
}

fn journal_path_text(path: PathBuf) -> String {
    path.display().to_string()
}

/// SHA-256 of what the recipient reads: the letter's text, the message's fields and the
/// attachment's name (not the PDF's bytes, which hold the time they were made).
fn digest(letter: &str, draft: &Draft) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    field(letter);
    field(&draft.from.to_string());
    for list in [&draft.to, &draft.cc, &draft.bcc, &draft.reply_to] {
        field(&list.len().to_string());
        for m in list {
            field(&m.to_string());
        }
    }
    field(&draft.subject);
    field(&draft.body);
    // Not the attachment's name: with the default names (`thank-you-0003.pdf`) it follows the
    // row's place in the data, and a data file sorted differently is the same mailing.
    h.finalize().into()
}

/// Writes `bytes` to a temporary file beside `path` and renames it into place.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let (tmp, mut file) = plan::create_temporary(path)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_data())
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// The SMTP user name and password: LETTERHEAD_SMTP_USER and LETTERHEAD_SMTP_PASSWORD, or
/// the file LETTERHEAD_SMTP_CREDENTIALS names (user on the first line, password on the
/// second), which no one but its owner may read. None when neither is set.
fn credentials() -> diag::Result<Option<(String, String)>> {
    if let Some(path) = std::env::var_os("LETTERHEAD_SMTP_CREDENTIALS") {
        let path = PathBuf::from(path);
        let meta = std::fs::metadata(&path).map_err(|err| {
            Diagnostic::error(format!(
                "cannot read the credentials file `{}` ({err})",
                path.display()
            ))
            .boxed()
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if meta.permissions().mode() & 0o077 != 0 {
                return Err(Diagnostic::error(format!(
                    "the credentials file `{}` can be read by others",
                    path.display()
                ))
                .hint(format!("make it private: chmod 600 {}", path.display()))
                .boxed());
            }
        }
        let _ = meta;
        let text = std::fs::read_to_string(&path).map_err(|err| {
            Diagnostic::error(format!(
                "cannot read the credentials file `{}` ({err})",
                path.display()
            ))
            .boxed()
        })?;
        let mut lines = text.lines();
        let user = lines.next().unwrap_or("").trim().to_string();
        let password = lines.next().unwrap_or("").to_string();
        if user.is_empty() || password.is_empty() {
            return Err(Diagnostic::error(format!(
                "the credentials file `{}` must hold the user name on its first line and the password on its second",
                path.display()
            ))
            .boxed());
        }
        return Ok(Some((user, password)));
    }
    let user = std::env::var("LETTERHEAD_SMTP_USER").ok();
    let password = std::env::var("LETTERHEAD_SMTP_PASSWORD").ok();
    match (user, password) {
        (Some(user), Some(password)) if !user.is_empty() => Ok(Some((user, password))),
        (None, None) => Ok(None),
        _ => Err(Diagnostic::error(
            "set both LETTERHEAD_SMTP_USER and LETTERHEAD_SMTP_PASSWORD, or neither",
        )
        .boxed()),
    }
}
