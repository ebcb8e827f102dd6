//! Fuzz target: `letterhead.toml` through the configuration parser.
#![no_main]

use letterhead::internals::diag::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let source = Source {
        path: "letterhead.toml".into(),
        text: text.as_ref().into(),
    };
    if let Ok(letterhead) = letterhead::internals::config::parse(&source) {
        let _ = letterhead.span_of(&["organization", "name"]);
    }
});
