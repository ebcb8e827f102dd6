//! PDF strings, shared by the writer's stages: the text strings of metadata and structure, the
//! strings of content streams, and the names letterhead signs the PDF with. It uses no other
//! part of the writer, so every stage can use it.

/// Producer and creator string.
pub fn creator() -> String {
    format!("letterhead {}", env!("CARGO_PKG_VERSION"))
}

/// The PDF's Producer: letterhead and the library it writes with.
pub fn producer() -> String {
    format!("{} (printpdf)", creator())
}

/// A PDF text string: UTF-16BE with BOM for anything beyond ASCII, as PDF text strings require.
/// It is metadata (Info, alternative text, link descriptions) a viewer shows on one line:
/// control characters from the front matter are left out, and line breaks and tabs become
/// spaces.
pub(super) fn text_string(s: &str) -> lopdf::Object {
    use lopdf::StringFormat::{Hexadecimal, Literal};
    let printable;
    let s = if s.chars().any(char::is_control) {
        printable = s
            .chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect::<String>();
        printable.as_str()
    } else {
        s
    };
    if s.is_ascii() {
        lopdf::Object::String(s.as_bytes().to_vec(), Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in s.encode_utf16() {
            bytes.extend(unit.to_be_bytes());
        }
        lopdf::Object::String(bytes, Hexadecimal)
    }
}

/// `text` as a PDF string for a content stream: literal when it is printable ASCII, else
/// UTF-16BE with its byte-order mark, in hex.
pub(super) fn content_string(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 2);
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        out.push(b'(');
        for b in text.bytes() {
            if matches!(b, b'(' | b')' | b'\\') {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b')');
    } else {
        out.extend_from_slice(b"<FEFF");
        for unit in text.encode_utf16() {
            out.extend_from_slice(format!("{unit:04X}").as_bytes());
        }
        out.push(b'>');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacement_text_is_a_literal_when_ascii_else_utf16_hex() {
        assert_eq!(
            content_string("https://a.org/(x)\\"),
            b"(https://a.org/\\(x\\)\\\\)"
        );
        assert_eq!(content_string(""), b"()");
        assert_eq!(
            content_string("bücher/é"),
            b"<FEFF006200FC0063006800650072002F00E9>"
        );
    }
}
