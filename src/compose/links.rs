//! The links of contact details: an e-mail address becomes a `mailto:` URI and a phone number
//! a `tel:` URI, on the letterhead's contact column and under a signatory's name. It knows how
//! an address or a number is written, not where it stands.

/// A `mailto:` URI, percent-encoding what needs it.
pub(super) fn mailto(address: &str) -> String {
    format!("mailto:{}", percent_encode(address.trim()))
}

/// The `tel:` link of a phone number as written on a letterhead (RFC 3966 global numbers):
/// the digits, without the trunk prefix `(0)` written after a country code
/// (`+49 (0)211 …` dials `+49211…`), and without an extension (`ext. 12`, `x12`), which a
/// dialled number cannot carry.
pub(super) fn tel(phone: &str) -> String {
    let lower = phone.to_ascii_lowercase();
    let number = ["ext", "x", "#", "durchwahl"]
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .map_or(phone, |at| &phone[..at]);
    let number = if number.trim_start().starts_with('+') {
        number.replacen("(0)", "", 1)
    } else {
        number.to_string()
    };
    let digits: String = number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// Percent-encodes non-ASCII and unsafe bytes (PDF URIs are written byte for byte).
fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@+:/?#&=!$*,;%".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_dial_without_trunk_prefix_or_extension() {
        assert_eq!(tel("+1 555 0100"), "tel:+15550100");
        assert_eq!(tel("+49 (0)211 123 45-0"), "tel:+49211123450");
        assert_eq!(tel("+1 (555) 010-0100 ext. 12"), "tel:+15550100100");
        assert_eq!(tel("030 1234567 x 3"), "tel:0301234567");
        // A national number keeps its leading zero, in brackets or not.
        assert_eq!(tel("(0221) 99 88 77-0"), "tel:02219988770");
    }

    #[test]
    fn mail_addresses_are_trimmed_and_percent_encoded() {
        assert_eq!(mailto(" info@example.org "), "mailto:info@example.org");
        assert_eq!(mailto("a+b@example.org"), "mailto:a+b@example.org");
        assert_eq!(mailto("jürgen@example.de"), "mailto:j%C3%BCrgen@example.de");
        assert_eq!(mailto("a b@example.org"), "mailto:a%20b@example.org");
        assert_eq!(percent_encode("<x>\\"), "%3Cx%3E%5C");
    }
}
