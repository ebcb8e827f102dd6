//! Fuzz target: bytes as a user's font file (`style.font`), through what a letter does with
//! it — loaded, a line of text subset (TrueType by `sfnt`, CFF by `subsetter`) and embedded,
//! then the combined print file's font of the face. It must end in a PDF or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = letterhead::internals::embed_font_bytes(data.to_vec());
});
