//! Fuzz target: a letter's text (front matter + Markdown) through the parsers.
#![no_main]

use letterhead::internals::diag::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let source = Source {
        path: "letter.md".into(),
        text: text.as_ref().into(),
    };
    if let Ok(letter) = letterhead::internals::letter::parse(source) {
        let _ = letterhead::internals::markdown::parse(&letter.source, letter.body_offset);
    }
});
