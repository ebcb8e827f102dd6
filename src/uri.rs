//! Link targets: which ones become clickable in the PDF, and how they are written there.
//!
//! It takes a link target as written (in a letter's Markdown, or the letterhead's web address)
//! and gives either the URI for the PDF's link annotation or the reason it stays plain text. It
//! is the one place that decides: the Markdown parser asks it for every body link (and warns
//! where the link is in the letter), the composer for the letterhead's address. It knows
//! nothing of files or PDF objects.
//!
//! Only `http`, `https`, `mailto` and `tel` are clickable: a letter is read by people who
//! receive it, and a `javascript:`, `file:` or `data:` link in it is at best dead, at worst an
//! attack on the reader. A target without a scheme is taken as a web address (`example.org`)
//! or, with an `@`, an email address, as people write them in letters.
//!
//! PDF writes a URI as bytes and says they are 7-bit ASCII (ISO 32000-1 §12.6.4.7), so
//! everything else is percent-encoded as UTF-8 (RFC 3986 §2.1), a host name too: the URL
//! parsers of browsers decode a percent-encoded host and apply IDNA themselves, so no punycode
//! table is needed here. `%XX` already in the target and the reserved characters are kept.

/// The schemes that become clickable links, in lower case.
pub const SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// The URI a link target is written as in the PDF, or, when it is printed as text only, a
/// warning's message that names the target and says why.
pub fn clickable(target: &str) -> Result<String, String> {
    let target = target.trim();
    let refused = |why: String| {
        format!(
            "the link `{}` is printed as text, not as a link: {why}",
            shorten(target)
        )
    };
    let uri = match scheme(target) {
        _ if target.is_empty() => return Err(refused("it has no target".into())),
        Some(scheme) if SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) => {
            target.to_string()
        }
        Some(scheme) => {
            return Err(refused(format!(
                "its scheme `{scheme}:` is not one of {}",
                SCHEMES.join(", ")
            )));
        }
        None if target.starts_with(['#', '/', '.', '?']) => {
            return Err(refused(
                "it is relative, and a PDF has no address to resolve it against".into(),
            ));
        }
        None if target.contains('@') && !target.contains('/') => format!("mailto:{target}"),
        None => format!("https://{target}"),
    };
    Ok(percent_encode(&uri))
}

/// The scheme of a URI (RFC 3986 §3.1: a letter, then letters, digits, `+`, `-`, `.`, up to
/// the first `:`), if it has one.
fn scheme(target: &str) -> Option<&str> {
    let (scheme, _) = target.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// Percent-encodes every byte that is not an unreserved or reserved URI character (RFC 3986
/// §2.2, §2.3) as UTF-8; a `%` that does not start a `%XX` escape is encoded too.
pub fn percent_encode(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = String::with_capacity(uri.len());
    for (i, &b) in bytes.iter().enumerate() {
        let escape = b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if escape || b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A long target cut for a message.
fn shorten(target: &str) -> String {
    if target.chars().count() > 60 {
        let head: String = target.chars().take(57).collect();
        format!("{head}…")
    } else {
        target.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_mail_and_phone_links_are_clickable() {
        assert_eq!(
            clickable("https://example.org/a").unwrap(),
            "https://example.org/a"
        );
        assert_eq!(
            clickable("HTTP://example.org").unwrap(),
            "HTTP://example.org"
        );
        assert_eq!(clickable("mailto:a@b.org").unwrap(), "mailto:a@b.org");
        assert_eq!(clickable("tel:+4930123").unwrap(), "tel:+4930123");
        assert_eq!(clickable("example.org").unwrap(), "https://example.org");
        assert_eq!(clickable("a@b.org").unwrap(), "mailto:a@b.org");
    }

    #[test]
    fn other_schemes_and_relative_links_are_refused() {
        for target in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<b>x</b>",
            "ftp://example.org/",
            "#top",
            "../other.pdf",
            "",
        ] {
            assert!(clickable(target).is_err(), "{target}");
        }
        let why = clickable("javascript:alert(1)").unwrap_err();
        assert!(
            why.contains("`javascript:alert(1)`") && why.contains("`javascript:`"),
            "{why}"
        );
    }

    #[test]
    fn uris_are_percent_encoded_to_ascii() {
        assert_eq!(
            clickable("https://de.wikipedia.org/wiki/Straße?q=a b").unwrap(),
            "https://de.wikipedia.org/wiki/Stra%C3%9Fe?q=a%20b"
        );
        // Escapes already there stay; a lone `%` is encoded; reserved characters stay.
        assert_eq!(
            clickable("https://x.org/a%20b/100%/[x]?a=1&b=(2)").unwrap(),
            "https://x.org/a%20b/100%25/[x]?a=1&b=(2)"
        );
        // A host outside ASCII is percent-encoded UTF-8 too.
        assert_eq!(
            clickable("https://bücher.de/").unwrap(),
            "https://b%C3%BCcher.de/"
        );
        assert!(clickable("mailto:zoë@example.org").unwrap().is_ascii());
    }
}
