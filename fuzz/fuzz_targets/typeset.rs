//! Fuzz target: a letter's text through the whole pipeline — parse, lay out, write the PDF.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Long inputs only slow the fuzzer down; the corpus holds the 10 MB case.
    if data.len() > 64 * 1024 {
        return;
    }
    let text = String::from_utf8_lossy(data);
    let _ = letterhead::internals::typeset_plain(&text);
});
