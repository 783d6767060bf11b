//! Any delivery (header, event header, body, secret) is verified and parsed without a panic,
//! and a body signed with the secret always verifies.
#![no_main]
use libfuzzer_sys::fuzz_target;
use twin_core::webhooks::{self, UnwrapOptions};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |b| *b == 0);
    let header = parts.next().and_then(|h| std::str::from_utf8(h).ok());
    let event = parts.next().and_then(|e| std::str::from_utf8(e).ok());
    let secret = parts.next().and_then(|s| std::str::from_utf8(s).ok()).unwrap_or("s");
    let body = parts.next().unwrap_or_default();
    let _ = webhooks::verify(body, header, &[secret]);
    let _ = webhooks::unwrap(body, header, event, &[secret], &UnwrapOptions::default());
    if !secret.is_empty() {
        let signed = webhooks::sign(body, secret);
        assert!(webhooks::verify(body, Some(&signed), &[secret]).is_ok());
    }
});
