//! Any bytes through `resingest_extract::render` as text: it must return, Ok or a typed
//! error, without panicking, within libFuzzer's time and memory limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resingest_extract::{Format, Limits};

fuzz_target!(|data: &[u8]| {
    // Tighter than the defaults so one input cannot use libFuzzer's whole RSS budget.
    let limits = Limits {
        max_bytes: 4 << 20,
        max_pages: 100,
        max_stream_bytes: 16 << 20,
        max_document_bytes: 64 << 20,
        ..Limits::default()
    };
    let _ = resingest_extract::render(data, Format::Text, &limits);
});
