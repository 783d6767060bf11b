//! Any JSON event item unwraps to a typed event (or an error); Value trees decode; no panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let _ = twin_core::decode_value(&v);
    if let Ok(event) = twin_core::Event::from_value(v) {
        let _ = twin_core::final_output(&[event]);
    }
});
