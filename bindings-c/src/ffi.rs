//! The boundary between C and Rust: the only module that reads or writes through raw pointers.
//!
//! Every exported function has the same skeleton (after rustls-ffi's `client.rs`). An endpoint
//! is written as a safe Rust function in its resource module (`fn agents_get(c: &Client,
//! agent_id: &str) -> Result<twin_agent, Failure>`), and codegen/generate.py writes its
//! exported twin through `client::call_out` (or `client::call` when nothing is handed out):
//!
//! ```ignore
//! #[must_use]
//! #[unsafe(no_mangle)]
//! pub extern "C" fn twin_agents_get(
//!     client: *const twin_client,
//!     agent_id: *const c_char,
//!     agent_out: *mut *mut twin_agent,
//! ) -> twin_status {
//!     // `agent_out` and `client` checked first, inside `ffi::call`, then the other
//!     // arguments, then the safe Rust function; the out-write and the status follow.
//!     call_out(client, agent_out, "agent_out", |c| {
//!         super::agents_get(c, ffi::str_arg(agent_id, "agent_id")?)
//!     })
//! }
//! ```
//!
//! Getters and setters (generated too) go through [`get`], [`get_optional`] and [`set`].
//!
//! [`call`] catches panics and turns a failure into a status plus the thread's last error;
//! [`call_or`] does the same for functions that return a value instead of a status. The argument
//! helpers check for NULL and UTF-8 and give Rust references; [`Out`] writes results.

use std::any::Any;
use std::collections::HashMap;
use std::ffi::{CStr, CString, c_char};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

use crate::error::{self, Failure, twin_status};

/// Runs the body of an exported function that returns a status: `TWIN_OK` when `body` succeeds,
/// otherwise the failure's status, recorded as the thread's last error. Panics are caught.
pub(crate) fn call(body: impl FnOnce() -> Result<(), Failure>) -> twin_status {
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => twin_status::TWIN_OK,
        Ok(Err(failure)) => error::record(failure),
        Err(payload) => error::record(Failure::Panic(panic_message(payload.as_ref()))),
    }
}

/// Runs the body of an exported function that returns a value (a getter, a constructor, a
/// `_free`): `fallback` when `body` fails or panics, with the failure recorded as the last error.
pub(crate) fn call_or<T>(fallback: T, body: impl FnOnce() -> Result<T, Failure>) -> T {
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(failure)) => {
            error::record(failure);
            fallback
        }
        Err(payload) => {
            error::record(Failure::Panic(panic_message(payload.as_ref())));
            fallback
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// The body of a getter: `read` applied to the handle, or `fallback` (NULL, 0, false) when the
/// handle is NULL, which also records TWIN_ERR_NULL_ARGUMENT. An absent value gives the same
/// fallback without touching the last error.
pub(crate) fn get<H, T>(
    handle: *const H,
    name: &'static str,
    fallback: T,
    read: impl FnOnce(&H) -> T,
) -> T {
    call_or(fallback, || Ok(read(arg(handle, name)?)))
}

/// The body of a getter of an optional number: like [`get`], and `*has_value` (which may be
/// NULL) is written on every path, false for an absent value and for a NULL handle.
pub(crate) fn get_optional<H, T: Default>(
    handle: *const H,
    name: &'static str,
    has_value: *mut bool,
    read: impl FnOnce(&H) -> Option<T>,
) -> T {
    optional(call_or(None, || Ok(read(arg(handle, name)?))), has_value)
}

/// The body of a setter on a params or options handle: `body` applied to the handle.
pub(crate) fn set<H>(
    handle: *mut H,
    name: &'static str,
    body: impl FnOnce(&mut H) -> Result<(), Failure>,
) -> twin_status {
    call(|| body(arg_mut(handle, name)?))
}

/// A count or a pause that must not be 0 (a page of nothing, a poll loop without a pause).
pub(crate) fn nonzero<T: Default + PartialEq + std::fmt::Display>(
    value: T,
    name: &str,
) -> Result<T, Failure> {
    if value == T::default() {
        return Err(error::invalid(format!("{name} must be greater than 0")));
    }
    Ok(value)
}

/// A time limit in milliseconds: one too far in the future to represent as a deadline
/// (UINT64_MAX) is no limit.
pub(crate) fn timeout(ms: u64) -> Option<std::time::Duration> {
    let timeout = std::time::Duration::from_millis(ms);
    std::time::Instant::now()
        .checked_add(timeout)
        .map(|_| timeout)
}

/// A required pointer argument, as a shared reference.
pub(crate) fn arg<'a, T>(ptr: *const T, name: &'static str) -> Result<&'a T, Failure> {
    // SAFETY: the C caller passes either NULL or a pointer to a live object of this type, as the
    // header requires; it stays valid for the call.
    unsafe { ptr.as_ref() }.ok_or(Failure::NullArgument(name))
}

/// A required pointer argument, as an exclusive reference (a handle the call changes).
pub(crate) fn arg_mut<'a, T>(ptr: *mut T, name: &'static str) -> Result<&'a mut T, Failure> {
    // SAFETY: as in `arg`; the header says these handles are used by one thread at a time.
    unsafe { ptr.as_mut() }.ok_or(Failure::NullArgument(name))
}

/// An optional pointer argument: `None` for NULL.
pub(crate) fn opt_arg<'a, T>(ptr: *const T) -> Option<&'a T> {
    // SAFETY: as in `arg`.
    unsafe { ptr.as_ref() }
}

/// A required NUL-terminated UTF-8 string.
pub(crate) fn str_arg<'a>(ptr: *const c_char, name: &'static str) -> Result<&'a str, Failure> {
    opt_str_arg(ptr, name)?.ok_or(Failure::NullArgument(name))
}

/// An optional NUL-terminated UTF-8 string: `None` for NULL; invalid UTF-8 is still refused.
pub(crate) fn opt_str_arg<'a>(
    ptr: *const c_char,
    name: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller passes a NUL-terminated string that lives for the call.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes
        .to_str()
        .map(Some)
        .map_err(|_| Failure::InvalidUtf8(name))
}

/// A required byte buffer; NULL is accepted when `len` is 0.
pub(crate) fn bytes_arg<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(Failure::NullArgument(name));
    }
    // SAFETY: the caller passes `len` readable bytes at `ptr`, alive for the call.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A required array of `len` strings; NULL is accepted when `len` is 0. Each element must be a
/// non-NULL UTF-8 string.
pub(crate) fn str_array_arg<'a>(
    ptr: *const *const c_char,
    len: usize,
    name: &'static str,
) -> Result<Vec<&'a str>, Failure> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if ptr.is_null() {
        return Err(Failure::NullArgument(name));
    }
    // SAFETY: the caller passes `len` string pointers at `ptr`, alive for the call.
    let items = unsafe { std::slice::from_raw_parts(ptr, len) };
    items.iter().map(|&item| str_arg(item, name)).collect()
}

/// An optional string array: `None` for NULL (whatever `len` is).
pub(crate) fn opt_str_array_arg<'a>(
    ptr: *const *const c_char,
    len: usize,
    name: &'static str,
) -> Result<Option<Vec<&'a str>>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    str_array_arg(ptr, len, name).map(Some)
}

/// A required out-parameter; written with [`Out`]'s methods once the call has succeeded, never
/// on a failure (a variable that holds a live handle may be passed: it keeps it).
pub(crate) fn out<'a, T>(ptr: *mut T, name: &'static str) -> Result<Out<'a, T>, Failure> {
    arg_mut(ptr, name).map(Out)
}

/// A required output array of `len` elements; NULL is accepted when `len` is 0.
pub(crate) fn out_slice<'a, T>(
    ptr: *mut T,
    len: usize,
    name: &'static str,
) -> Result<&'a mut [T], Failure> {
    if len == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(Failure::NullArgument(name));
    }
    // SAFETY: the caller passes room for `len` elements at `ptr`, alive for the call.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// Where a result goes: checked for NULL before the work, written after it.
pub(crate) struct Out<'a, T>(&'a mut T);

impl<T> Out<'_, *mut T> {
    /// Hands a new handle to the caller, who frees it with the matching `_free`.
    pub(crate) fn give(self, value: T) {
        *self.0 = Box::into_raw(Box::new(value));
    }

    /// Hands a new handle to the caller, or NULL for `None`.
    pub(crate) fn give_opt(self, value: Option<T>) {
        *self.0 = value.map_or(std::ptr::null_mut(), |v| Box::into_raw(Box::new(v)));
    }
}

impl Out<'_, *mut c_char> {
    /// Hands a new string to the caller, who frees it with `twin_string_free`.
    pub(crate) fn give_string(self, value: &str) {
        *self.0 = text(value).into_raw();
    }
}

/// A new handle for a `_new` function that cannot fail.
pub(crate) fn new_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Frees a handle made by [`Out::give`] or [`new_handle`]; NULL does nothing.
pub(crate) fn free<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: non-NULL handles passed to `_free` were made by `Box::into_raw` in this
        // library and are freed once, as the header requires.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Frees a string made by [`Out::give_string`]; NULL does nothing.
pub(crate) fn free_string(ptr: *mut c_char) {
    if !ptr.is_null() {
        // SAFETY: strings passed to `twin_string_free` were made by `CString::into_raw` here.
        drop(unsafe { CString::from_raw(ptr) });
    }
}

/// Reports whether an optional number is present through a nullable `bool *has_value`, and
/// returns the number or 0.
pub(crate) fn optional<T: Default>(value: Option<T>, has_value: *mut bool) -> T {
    // SAFETY: `has_value` is NULL or points to a writable bool, as the header requires.
    if let Some(flag) = unsafe { has_value.as_mut() } {
        *flag = value.is_some();
    }
    value.unwrap_or_default()
}

/// Element `index` of a list; past the end is an invalid argument.
pub(crate) fn element<T>(items: &[T], index: usize) -> Result<&T, Failure> {
    items.get(index).ok_or_else(|| {
        Failure::Core(twin_core::Error::InvalidArgument(format!(
            "index {index} is out of range (length {})",
            items.len()
        )))
    })
}

/// A C copy of `s`, cut at an interior NUL (which C could not see past anyway).
pub(crate) fn text(s: &str) -> CString {
    let bytes = s.as_bytes();
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).unwrap_or_default()
}

/// The failure of a value that holds a NUL byte, which a C string cannot carry (a getter
/// returns NULL rather than a value cut short).
pub(crate) fn holds_nul(what: &str) -> Failure {
    Failure::Core(twin_core::Error::Decode {
        message: format!(
            "the value of {what} contains a NUL byte, which a C string cannot carry: read it \
             from the model's _json()"
        ),
        excerpt: String::new(),
    })
}

/// A static C string's pointer.
pub(crate) fn static_str(s: &'static CStr) -> *const c_char {
    s.as_ptr()
}

/// The C strings a handle has handed out, made on first use and kept until the handle is freed,
/// so the pointers getters return stay valid that long. Thread-safe, so models can be read from
/// several threads.
#[derive(Debug, Default)]
pub(crate) struct CStrings(Mutex<HashMap<&'static str, CString>>);

impl CStrings {
    /// The C copy of the field `key` (whose value is `value`). A value with a NUL byte, which a
    /// C string cannot carry, is never cut short: NULL, with TWIN_ERR_DECODE recorded as the
    /// last error (the model's `_json()` has the value, the NUL escaped as `\u0000`).
    pub(crate) fn get(&self, key: &'static str, value: &str) -> *const c_char {
        if value.as_bytes().contains(&0) {
            crate::error::record(holds_nul(key));
            return std::ptr::null();
        }
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // The CString's buffer lives on the heap: moving the map's entries does not move it.
        map.entry(key).or_insert_with(|| text(value)).as_ptr()
    }

    /// Like [`CStrings::get`], NULL for an absent value.
    pub(crate) fn get_opt(&self, key: &'static str, value: Option<&str>) -> *const c_char {
        value.map_or(std::ptr::null(), |v| self.get(key, v))
    }

    /// The field `key`, computed by `make` on first use (for JSON renderings).
    pub(crate) fn get_with(
        &self,
        key: &'static str,
        make: impl FnOnce() -> String,
    ) -> *const c_char {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key).or_insert_with(|| text(&make())).as_ptr()
    }
}

/// For tests: reads a string the library returned (NULL as `None`).
#[cfg(test)]
pub(crate) fn read_c(ptr: *const c_char) -> Option<String> {
    // SAFETY: tests pass NULL or strings the library just returned.
    unsafe { ptr.as_ref() }.map(|_| {
        unsafe { CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned()
    })
}
