//! One row's message: RFC 5322 headers and a MIME body (the text, then the letter's PDF as
//! an attachment), built with lettre, which encodes non-ASCII names and subjects (RFC 2047)
//! and file names (RFC 2231).
//!
//! The message is deterministic: its `Message-ID` and MIME boundary are derived from the
//! row's content and the run's time, and `Date` is that time, so under `SOURCE_DATE_EPOCH`
//! the same inputs give the same bytes. `Bcc` recipients are in the envelope only. It takes
//! a draft and bytes, and gives bytes; it writes and sends nothing.

use std::time::{Duration, SystemTime};

use lettre::address::Envelope;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, Mailbox, Mailboxes, MultiPart, SinglePart, header};
use sha2::{Digest, Sha256};

use super::template::Draft;

/// A built message.
pub struct Built {
    /// The message as it goes on the wire (CRLF line ends, 7-bit).
    pub bytes: Vec<u8>,
    /// Sender and every recipient (`to`, `cc` and `bcc`).
    pub envelope: Envelope,
}

/// The `Message-ID` of a row's message: a digest of the row's content (`digest`) and the run
/// (`run`, seconds since 1970), at the sender's domain.
///
/// ```
/// use letterhead::internals::mail::message_id;
/// let from = "info@example.org".parse().unwrap();
/// let id = message_id(&[0; 32], 1438732800, &from);
/// assert!(id.starts_with('<') && id.ends_with("@example.org>"));
/// assert_eq!(id, message_id(&[0; 32], 1438732800, &from));
/// ```
pub fn message_id(digest: &[u8; 32], run: i64, from: &Mailbox) -> String {
    let mut hasher = Sha256::new();
    hasher.update(digest);
    hasher.update(run.to_be_bytes());
    let hash = hasher.finalize();
    format!("<{}@{}>", hex(&hash[..16]), from.email.domain())
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Builds a row's message. `attachment` is the PDF's file name and bytes; `date` the
/// message's `Date`, in seconds since 1970.
pub fn build(
    draft: &Draft,
    message_id: &str,
    date: i64,
    attachment: Option<(&str, &[u8])>,
) -> Result<Built, String> {
    let seconds = u64::try_from(date).unwrap_or(0);
    let mut builder = lettre::Message::builder()
        .from(draft.from.clone())
        .subject(draft.subject.clone())
        .date(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
        .message_id(Some(message_id.to_string()));
    for to in &draft.to {
        builder = builder.to(to.clone());
    }
    for cc in &draft.cc {
        builder = builder.cc(cc.clone());
    }
    // Given to the builder for the envelope; it takes the header out again when it builds.
    for bcc in &draft.bcc {
        builder = builder.bcc(bcc.clone());
    }
    if !draft.reply_to.is_empty() {
        let list: Mailboxes = draft.reply_to.iter().cloned().collect();
        builder = builder.header(header::ReplyTo::from(list));
    }
    // The boundaries from the Message-ID: `=_` cannot occur in base64 or quoted-printable
    // text, and the same message gets the same bytes.
    let id = message_id.trim_matches(['<', '>']);
    let digest = Sha256::digest(id.as_bytes());
    let boundary = format!("=_{}", hex(&digest[..12]));
    // The text, and the same words as HTML for clients that show it.
    let text = MultiPart::alternative()
        .boundary(format!("=_{}", hex(&digest[12..24])))
        .singlepart(SinglePart::plain(draft.body.clone()))
        .singlepart(SinglePart::html(draft.html.clone()));
    let message = match attachment {
        Some((name, pdf)) => {
            // Base64 always: a PDF is binary, whatever its first bytes look like.
            let pdf = Body::new_with_encoding(pdf.to_vec(), ContentTransferEncoding::Base64)
                .map_err(|_| "the PDF cannot be encoded".to_string())?;
            let pdf_part = Attachment::new(name.to_string()).body(
                pdf,
                ContentType::parse("application/pdf").map_err(|e| e.to_string())?,
            );
            builder.multipart(
                MultiPart::mixed()
                    .boundary(boundary)
                    .multipart(text)
                    .singlepart(pdf_part),
            )
        }
        None => builder.multipart(text),
    }
    .map_err(|e| e.to_string())?;
    Ok(Built {
        bytes: message.formatted(),
        envelope: message.envelope().clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        let mb = |s: &str| s.parse::<Mailbox>().expect("mailbox");
        Draft {
            from: mb("Best Practices Policy Project <info@example.org>"),
            to: vec![mb("Björn Lindqvist <bjorn@example.org>")],
            cc: vec![],
            bcc: vec![mb("archive@example.org")],
            reply_to: vec![mb("office@example.org")],
            subject: "Tack för ditt stöd, Björn".into(),
            body: "Dear Björn,\n\nthank you.\n".into(),
            html: "<p>Dear Björn,</p>\n<p>thank you.</p>\n".into(),
        }
    }

    #[test]
    fn bcc_is_in_the_envelope_and_not_in_the_message() {
        let built = build(
            &draft(),
            "<x@example.org>",
            0,
            Some(("Lindqvist-2.pdf", b"%PDF-1.7\n")),
        )
        .expect("built");
        let text = String::from_utf8(built.bytes).expect("ascii");
        assert!(!text.to_ascii_lowercase().contains("bcc"), "{text}");
        assert!(!text.contains("archive@example.org"), "{text}");
        let to: Vec<String> = built
            .envelope
            .to()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(to, ["bjorn@example.org", "archive@example.org"]);
    }

    #[test]
    fn non_ascii_is_encoded_and_the_message_is_ascii() {
        let built = build(
            &draft(),
            "<x@example.org>",
            1_438_732_800,
            Some(("Lindqvist-Björn.pdf", b"%PDF")),
        )
        .expect("built");
        assert!(built.bytes.is_ascii());
        let text = String::from_utf8(built.bytes).expect("ascii");
        assert!(
            text.contains("Subject: Tack =?utf-8?b?ZsO2cg==?="),
            "{text}"
        );
        assert!(text.contains("Content-Transfer-Encoding: base64"), "{text}");
        assert!(text.contains("filename*"), "{text}");
        assert!(
            text.contains("Date: Wed, 05 Aug 2015 00:00:00 +0000"),
            "{text}"
        );
        assert!(text.contains("Message-ID: <x@example.org>"), "{text}");
        // The text and its HTML form are alternatives, before the attachment.
        let alternative = text
            .find("Content-Type: multipart/alternative")
            .expect("alternative");
        let plain = text.find("Content-Type: text/plain").expect("text part");
        let html = text.find("Content-Type: text/html").expect("html part");
        let pdf = text
            .find("Content-Type: application/pdf")
            .expect("pdf part");
        assert!(alternative < plain && plain < html && html < pdf, "{text}");
    }

    #[test]
    fn same_inputs_give_the_same_bytes() {
        let a = build(&draft(), "<x@example.org>", 7, Some(("a.pdf", b"%PDF"))).expect("a");
        let b = build(&draft(), "<x@example.org>", 7, Some(("a.pdf", b"%PDF"))).expect("b");
        assert_eq!(a.bytes, b.bytes);
    }
}
