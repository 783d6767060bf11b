//! libtwin: the C ABI over twin-core (`include/twin.h`, generated from this crate by cbindgen).
//!
//! Each module mirrors the core file it wraps (`runs.rs` pairs with
//! `core/src/resources/runs.rs`); `ffi.rs` is the boundary, the only module that touches raw
//! pointers; `error.rs` holds the status codes, the one mapping from core's errors and the
//! thread's last error. The conventions C users rely on are written in the header's preamble
//! (`cbindgen.toml`).
#![allow(non_camel_case_types)]

// In the order the header presents them (cbindgen follows the module order).
mod ffi;

mod error;

mod hooks;

mod client;

mod logging;

mod cancel;

mod me;

mod api_keys;

mod workspaces;

mod agents;

mod runs;

mod events;

mod webhooks;

mod signature;

mod schedules;

mod instructions;

mod cron;

use std::ffi::{CStr, c_char};

pub use error::twin_status;

/// The library's version, e.g. `0.1.0`: the same as TWIN_VERSION_STRING of the header it was
/// built with. A static string.
#[unsafe(no_mangle)]
pub extern "C" fn twin_version() -> *const c_char {
    ffi::call_or(std::ptr::null(), || Ok(ffi::static_str(VERSION)))
}

/// The library's version as one number, 0xMMmmpp (major, minor and patch, 8 bits each): the
/// TWIN_VERSION_NUMBER of the header it was built with. A program built against one header and
/// run with another library can check what it got: `twin_version_number() >= 0x000100`.
#[unsafe(no_mangle)]
pub extern "C" fn twin_version_number() -> u32 {
    const fn parse(text: &str) -> u32 {
        let bytes = text.as_bytes();
        let (mut value, mut i) = (0, 0);
        while i < bytes.len() {
            value = value * 10 + (bytes[i] - b'0') as u32;
            i += 1;
        }
        value
    }
    const NUMBER: u32 = (parse(env!("CARGO_PKG_VERSION_MAJOR")) << 16)
        | (parse(env!("CARGO_PKG_VERSION_MINOR")) << 8)
        | parse(env!("CARGO_PKG_VERSION_PATCH"));
    NUMBER
}

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("the version has no NUL"),
    };

/// Frees a string the library gave to the caller (a `char **..._out` argument). NULL does
/// nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_string_free(string: *mut c_char) {
    ffi::call_or((), || {
        ffi::free_string(string);
        Ok(())
    })
}

/// A timestamp as Unix seconds.
pub(crate) fn unix(t: Option<chrono::DateTime<chrono::Utc>>) -> Option<i64> {
    t.map(|t| t.timestamp())
}

/// Unix seconds as a timestamp; out of range is an invalid argument.
pub(crate) fn from_unix(
    secs: i64,
    name: &str,
) -> Result<chrono::DateTime<chrono::Utc>, error::Failure> {
    chrono::DateTime::from_timestamp(secs, 0)
        .ok_or_else(|| error::invalid(format!("{name} is out of range: {secs}")))
}

/// A JSON value as compact text.
pub(crate) fn json(value: &serde_json::Value) -> String {
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_generated_with_cargos_version() {
        let header = include_str!("../../include/twin.h");
        let expect = |name: &str, value: &str| {
            let line = format!("#define {name} {value}");
            assert!(header.contains(&line), "missing {line}");
        };
        expect("TWIN_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR"));
        expect("TWIN_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR"));
        expect("TWIN_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH"));
        expect(
            "TWIN_VERSION_STRING",
            &format!("\"{}\"", env!("CARGO_PKG_VERSION")),
        );
        assert_eq!(
            ffi::read_c(twin_version()).as_deref(),
            Some(env!("CARGO_PKG_VERSION"))
        );
        expect(
            "TWIN_VERSION_NUMBER",
            &format!("{:#08x}", twin_version_number()),
        );
    }
}
