//! Letters by email: the email template of a merge (`template`), each row's message with its
//! letter attached (`message`), the journal that makes sending exactly-once (`journal`), and
//! the SMTP session that hands messages to the organization's server (`smtp`).
//!
//! It takes filled-in rows, PDFs and a server to talk to, and gives messages, deliveries and
//! journal entries. It does not read the environment, print, or decide exit codes (that is
//! `app`); it knows nothing of layout. lettre is used from here only.

pub mod journal;
pub mod message;
pub mod smtp;
pub mod template;
pub mod text;

pub use journal::{Entry, Journal, State};
pub use message::{build, message_id};
pub use smtp::{Delivery, Sender, Server};
pub use template::{Draft, EmailTemplate};

/// What became of one row's email, for the report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// The `To` addresses.
    pub to: Vec<String>,
    /// The `Message-ID`, angle brackets included.
    pub message_id: String,
    /// `written` (an `.eml` file), `sent`, `failed`, `skipped` (sent before), `unknown`.
    pub status: &'static str,
    /// The `.eml` file, when one was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The server's last reply (code and text), when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
}
