//! Error bodies of any status, content type and bytes become a Problem, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = u16::from_le_bytes([data[0], data[1]]);
    let content_type = ["application/problem+json", "text/plain; charset=utf-8", "text/html", "application/json", ""]
        [usize::from(data[2]) % 5];
    let p = twin_core::Problem::from_response(status, Some(content_type), None, &data[3..]);
    assert!(!p.title.is_empty());
});
