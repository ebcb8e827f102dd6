//! The email template of a merge: TOML front matter (`to`, `cc`, `bcc`, `reply-to`, `from`,
//! `subject`) and a plain-text body, each with `{{ column }}` placeholders, filled in once per
//! row into a `Draft`.
//!
//! The front matter is parsed once, before any row: every field is its own small template,
//! so a value can never change the TOML around it. After filling in, header values are
//! checked: a line break or other control character is an error for that row (a value with
//! `\r\nBcc: …` cannot add a header), and every address field is parsed as exactly one
//! mailbox per entry (a value with `a@x, b@y` cannot add a recipient) whose lengths obey
//! RFC 5321. It knows nothing of PDFs, files or servers.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use lettre::message::Mailbox;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Deserialize;

use crate::config;
use crate::diag::{self, Diagnostic, Source};
use crate::letter;
use crate::merge::{self, FUEL, Markers, Row};

use super::text;

/// Longest local part of an address (RFC 5321 4.5.3.1.1), in octets.
const MAX_LOCAL_PART: usize = 64;
/// Longest domain (RFC 5321 4.5.3.1.2), in octets.
const MAX_DOMAIN: usize = 255;
/// Longest address in a reverse or forward path (RFC 5321 4.5.3.1.3: 256 with the angle
/// brackets), in octets.
const MAX_ADDRESS: usize = 254;
/// Largest body a row may fill in, in bytes.
const MAX_BODY: usize = 1_000_000;

/// One address or a list of them, as the front matter writes it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// The front matter as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Front {
    to: Option<OneOrMany>,
    cc: Option<OneOrMany>,
    bcc: Option<OneOrMany>,
    reply_to: Option<OneOrMany>,
    from: Option<String>,
    subject: String,
}

/// The header fields a template fills in, in the order they are checked and reported.
const FIELDS: [&str; 6] = ["from", "to", "cc", "bcc", "reply-to", "subject"];

/// A compiled email template.
pub struct EmailTemplate {
    source: Source,
    env: Environment<'static>,
    /// The body, whose values are escaped by where they land in its Markdown (as in a
    /// letter), with the markers that find them.
    body_env: Environment<'static>,
    markers: Markers,
    /// The names of the compiled entries of each field (`to.0`, `to.1`, …).
    entries: BTreeMap<&'static str, Vec<String>>,
}

impl std::fmt::Debug for EmailTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailTemplate")
            .field("path", &self.source.path)
            .finish()
    }
}

/// One row's message before it is built: addresses parsed, header values checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The sender (`from` of the template, else the default given to `fill`).
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    /// Recipients in the envelope only, never in the message.
    pub bcc: Vec<Mailbox>,
    pub reply_to: Vec<Mailbox>,
    pub subject: String,
    /// The body as plain text, with `\n` line ends.
    pub body: String,
    /// The body as an HTML document.
    pub html: String,
}

impl EmailTemplate {
    /// Compiles an email template; a mistake points at its place in the file.
    pub fn parse(source: Source) -> diag::Result<EmailTemplate> {
        let parts = letter::split(&source)?;
        let Some(range) = parts.front.clone() else {
            return Err(Diagnostic::error("the email template has no front matter")
                .in_file(&source.path)
                .hint("start it with `+++`, `subject = \"…\"` and `+++`, then the body")
                .boxed());
        };
        let front: Front = config::from_toml(&source, range.start, &source.text[range])?;
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(FUEL));
        env.set_keep_trailing_newline(true);
        let mut entries: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        let mut add = |field: &'static str, texts: Vec<String>| -> diag::Result<()> {
            for (i, text) in texts.into_iter().enumerate() {
                let name = format!("{field}.{i}");
                env.add_template_owned(name.clone(), text).map_err(|e| {
                    Diagnostic::error(format!(
                        "`{field}` is not a valid template: {}",
                        e.detail().unwrap_or(&e.to_string())
                    ))
                    .in_file(&source.path)
                    .boxed()
                })?;
                entries.entry(field).or_default().push(name);
            }
            Ok(())
        };
        // A missing `to` is the row's `email` column.
        add(
            "to",
            front
                .to
                .map_or_else(|| vec!["{{ email }}".to_string()], OneOrMany::into_vec),
        )?;
        add("cc", front.cc.map_or_else(Vec::new, OneOrMany::into_vec))?;
        add("bcc", front.bcc.map_or_else(Vec::new, OneOrMany::into_vec))?;
        add(
            "reply-to",
            front.reply_to.map_or_else(Vec::new, OneOrMany::into_vec),
        )?;
        add("from", front.from.into_iter().collect())?;
        add("subject", vec![front.subject])?;
        let body = source.text[parts.body_offset..].to_string();
        let markers = Markers::new(&body);
        let mut body_env = merge::environment(move |s| {
            let mut marked = String::with_capacity(2 * s.len() + 8);
            markers.write(&mut marked, s);
            marked
        });
        body_env.add_template_owned("body", body).map_err(|e| {
            Diagnostic::error(format!(
                "the email body is not a valid template: {}",
                e.detail().unwrap_or(&e.to_string())
            ))
            .in_file(&source.path)
            .boxed()
        })?;
        Ok(EmailTemplate {
            source,
            env,
            body_env,
            markers,
            entries,
        })
    }

    /// Fills in one row. `default_from` is the sender when the template names none (the
    /// letterhead's `[email] from` or organization address). The error names the row and
    /// the field.
    pub fn fill(&self, row: &Row, data: &Path, default_from: Option<&str>) -> diag::Result<Draft> {
        let label = format!("row {} of `{}`", row.number, data.display());
        let fail = |field: &str, why: String| {
            Diagnostic::error(format!("{label}: the email's `{field}` {why}"))
                .in_file(&self.source.path)
                .boxed()
        };
        if let Some(problem) = &row.problem {
            return Err(problem.clone());
        }
        let context = Value::from(row.values.clone());
        let mut filled: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for field in FIELDS {
            for name in self.entries.get(field).into_iter().flatten() {
                let text = self
                    .env
                    .get_template(name)
                    .and_then(|t| t.render(&context))
                    .map_err(|e| fail(field, format!("cannot be filled in: {}", detail(&e))))?;
                if let Some(c) = text.chars().find(|c| c.is_control()) {
                    return Err(fail(
                        field,
                        format!(
                            "holds {} after filling in; a header value is one line of text",
                            describe(c)
                        ),
                    ));
                }
                filled.entry(field).or_default().push(text);
            }
        }
        let mut mailboxes = |field: &'static str| -> diag::Result<Vec<Mailbox>> {
            let mut out = Vec::new();
            for text in filled.remove(field).unwrap_or_default() {
                // An empty `cc = "{{ cc }}"` for a row without one adds nobody.
                if text.trim().is_empty() && field != "to" {
                    continue;
                }
                out.push(parse_mailbox(&text).map_err(|why| fail(field, why))?);
            }
            Ok(out)
        };
        let to = mailboxes("to")?;
        let cc = mailboxes("cc")?;
        let bcc = mailboxes("bcc")?;
        let reply_to = mailboxes("reply-to")?;
        let from = match mailboxes("from")?.into_iter().next() {
            Some(from) => from,
            None => match default_from {
                Some(text) => parse_mailbox(text).map_err(|why| {
                    Diagnostic::error(format!("the sender address {why}"))
                        .hint("set `from` in the email template or `email` in the letterhead's [organization]")
                        .boxed()
                })?,
                None => {
                    return Err(Diagnostic::error("the email has no sender")
                        .in_file(&self.source.path)
                        .hint("set `from = \"Name <address>\"` in the email template's front matter, or `email` in the letterhead's [organization]")
                        .boxed());
                }
            },
        };
        let subject = filled
            .remove("subject")
            .and_then(|v| v.into_iter().next())
            .unwrap_or_default();
        if subject.trim().is_empty() {
            return Err(fail("subject", "is empty".to_string()));
        }
        let body = self
            .body_env
            .get_template("body")
            .and_then(|t| t.render(&context))
            .map_err(|e| {
                Diagnostic::error(format!(
                    "{label}: the email body cannot be filled in: {}",
                    detail(&e)
                ))
                .in_file(&self.source.path)
                .boxed()
            })?;
        if body.len() > MAX_BODY {
            return Err(
                Diagnostic::error(format!("{label}: the email body is over 1 MB"))
                    .in_file(&self.source.path)
                    .boxed(),
            );
        }
        let body = body.replace("\r\n", "\n").replace('\r', "\n");
        // Values escaped for where they land, then the Markdown set as text and as HTML.
        let body = self.markers.place(&body).map_err(|why| {
            Diagnostic::error(format!("{label}: {why}"))
                .in_file(&self.source.path)
                .boxed()
        })?;
        let body = body.trim_start_matches('\n');
        Ok(Draft {
            from,
            to,
            cc,
            bcc,
            reply_to,
            subject: subject.trim().to_string(),
            body: text::plain(body),
            html: text::html(body),
        })
    }
}

/// minijinja's error without its template name.
fn detail(e: &minijinja::Error) -> String {
    e.detail()
        .map_or_else(|| e.kind().to_string(), str::to_string)
}

/// A control character, named for a message.
fn describe(c: char) -> String {
    match c {
        '\r' | '\n' => "a line break".to_string(),
        '\t' => "a tab".to_string(),
        c => format!("the control character U+{:04X}", u32::from(c)),
    }
}

/// Parses exactly one mailbox (`Name <user@domain>` or `user@domain`) and checks the
/// lengths of RFC 5321.
///
/// ```
/// use letterhead::internals::mail::template::parse_mailbox;
/// assert!(parse_mailbox("Amara Okafor <amara@example.org>").is_ok());
/// assert!(parse_mailbox("a@example.org, b@example.org").is_err());
/// // A name with a comma is one name.
/// let smith = parse_mailbox("Smith, Jr. <john@example.org>").unwrap();
/// assert_eq!(smith.name.as_deref(), Some("Smith, Jr."));
/// assert_eq!(smith.email.to_string(), "john@example.org");
/// assert!(parse_mailbox("a@example.org, <b@example.org>").is_err());
/// ```
pub fn parse_mailbox(text: &str) -> Result<Mailbox, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("is empty".to_string());
    }
    let not_one =
        || format!("`{text}` is not one email address (`user@domain` or `Name <user@domain>`)");
    let mailbox = Mailbox::from_str(text).or_else(|_| {
        // A display name with a comma or another special (`Smith, Jr. <…>`, as a data file's
        // name column gives it) is quoted: the address in angle brackets is still the one
        // recipient.
        let (name, rest) = text.rsplit_once('<').ok_or_else(not_one)?;
        let address = rest.strip_suffix('>').ok_or_else(not_one)?;
        let name = name.trim();
        // A name holding `@` looks like a second address: not one recipient, as written.
        if name.is_empty() || name.starts_with('"') || name.contains('@') {
            return Err(not_one());
        }
        let address = address.trim().parse().map_err(|_| not_one())?;
        Ok(Mailbox::new(Some(name.to_string()), address))
    })?;
    let address = &mailbox.email;
    if address.user().len() > MAX_LOCAL_PART {
        return Err(format!(
            "`{address}`: the part before `@` is over {MAX_LOCAL_PART} bytes"
        ));
    }
    if address.domain().len() > MAX_DOMAIN {
        return Err(format!(
            "`{address}`: the domain is over {MAX_DOMAIN} bytes"
        ));
    }
    if address.to_string().len() > MAX_ADDRESS {
        return Err(format!(
            "`{address}` is over {MAX_ADDRESS} bytes, the longest address a server takes"
        ));
    }
    if address.domain().starts_with('[') {
        return Err(format!(
            "`{address}`: an address literal is not accepted; write a domain name"
        ));
    }
    Ok(mailbox)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn template(text: &str) -> EmailTemplate {
        let source = Source {
            path: "t.email.md".into(),
            text: Arc::from(text),
        };
        EmailTemplate::parse(source).expect("template")
    }

    fn row(values: &[(&str, &str)]) -> Row {
        Row {
            number: 3,
            line: 4,
            values: values
                .iter()
                .map(|(k, v)| ((*k).to_string(), Value::from(*v)))
                .collect(),
            problem: None,
        }
    }

    const BASIC: &str = "+++\nsubject = \"Thank you, {{ name }}\"\nfrom = \"BPPP <info@example.org>\"\n+++\nDear {{ name }},\n";

    #[test]
    fn to_defaults_to_the_email_column() {
        let t = template(BASIC);
        let d = t
            .fill(
                &row(&[("name", "Amara"), ("email", "amara@example.org")]),
                Path::new("d.csv"),
                None,
            )
            .expect("draft");
        assert_eq!(d.to.len(), 1);
        assert_eq!(d.to[0].email.to_string(), "amara@example.org");
        assert_eq!(d.subject, "Thank you, Amara");
        assert_eq!(d.body, "Dear Amara,\n");
        assert_eq!(d.from.email.to_string(), "info@example.org");
    }

    #[test]
    fn the_body_is_markdown_set_as_text_and_html_with_values_as_written() {
        let t = template(
            "+++\nsubject = \"Hi\"\nfrom = \"BPPP <info@example.org>\"\n+++\n\
             Dear {{ name }},\n\nthank you for **your gift** of {{ amount }}: see\n\
             [the report](https://example.org/r?id={{ id }}).\n",
        );
        let d = t
            .fill(
                &row(&[
                    ("name", "Ann O'Brien <*VIP*>"),
                    ("amount", "$25 -- with `thanks`"),
                    ("id", "a b"),
                    ("email", "a@example.org"),
                ]),
                Path::new("d.csv"),
                None,
            )
            .expect("draft");
        // Values print as written (curled like the text around them), never as markup.
        assert_eq!(
            d.body,
            "Dear Ann O’Brien <*VIP*>,\n\nthank you for your gift of $25 – with `thanks`: see\n\
             the report <https://example.org/r?id=a%20b>.\n"
        );
        assert!(
            d.html.contains("<strong>your gift</strong>")
                && d.html.contains("Ann O’Brien &lt;*VIP*&gt;")
                && d.html.contains("href=\"https://example.org/r?id=a%20b\""),
            "{}",
            d.html
        );
    }

    #[test]
    fn a_line_break_in_a_value_is_an_error_for_the_row() {
        let t = template(BASIC);
        let err = t
            .fill(
                &row(&[
                    ("name", "Amara\r\nBcc: attacker@example.org"),
                    ("email", "a@example.org"),
                ]),
                Path::new("d.csv"),
                None,
            )
            .expect_err("injection");
        assert!(err.message.contains("row 3 of `d.csv`"), "{}", err.message);
        assert!(
            err.message.contains("`subject` holds a line break"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_value_cannot_add_a_recipient() {
        let t = template(BASIC);
        for bad in [
            "a@example.org, attacker@example.org",
            "a@example.org attacker@example.org",
            "a@example.org>, <attacker@example.org",
            "not an address",
        ] {
            let err = t
                .fill(
                    &row(&[("name", "A"), ("email", bad)]),
                    Path::new("d.csv"),
                    None,
                )
                .expect_err(bad);
            assert!(
                err.message.contains("is not one email address"),
                "{bad}: {}",
                err.message
            );
        }
    }

    #[test]
    fn rfc_5321_lengths_are_checked() {
        let long_local = format!("{}@example.org", "a".repeat(65));
        assert!(parse_mailbox(&long_local).is_err());
        assert!(parse_mailbox(&format!("{}@example.org", "a".repeat(64))).is_ok());
        let long_domain = format!("a@{}.org", vec!["b".repeat(60); 5].join("."));
        assert!(parse_mailbox(&long_domain).is_err());
    }

    #[test]
    fn empty_optional_addresses_add_nobody() {
        let t = template("+++\nsubject = \"Hi\"\ncc = \"{{ cc }}\"\n+++\nHi\n");
        let d = t
            .fill(
                &row(&[("cc", ""), ("email", "a@example.org")]),
                Path::new("d.csv"),
                Some("x@example.org"),
            )
            .expect("draft");
        assert!(d.cc.is_empty());
    }

    #[test]
    fn a_missing_sender_is_an_error() {
        let t = template("+++\nsubject = \"Hi\"\n+++\nHi\n");
        let err = t
            .fill(
                &row(&[("email", "a@example.org")]),
                Path::new("d.csv"),
                None,
            )
            .expect_err("no from");
        assert!(err.message.contains("no sender"), "{}", err.message);
    }

    #[test]
    fn unknown_front_matter_keys_are_refused() {
        let source = Source {
            path: "t.email.md".into(),
            text: Arc::from("+++\nsubject = \"Hi\"\nsubjet = \"x\"\n+++\nHi\n"),
        };
        assert!(EmailTemplate::parse(source).is_err());
    }
}
