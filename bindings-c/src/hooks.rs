//! Per-attempt hooks: twin_client_options_set_on_attempt() hands a program's function a
//! twin_attempt for every HTTP attempt (core's `observe.rs`).

use std::ffi::{CString, c_char, c_void};
use std::ptr;

use twin_core::{Attempt, ClientBuilder};

/// One HTTP attempt of a call, as passed to a twin_attempt_fn. Never the key, a query string
/// or a body. The strings are NUL-terminated UTF-8, valid only during the call.
#[repr(C)]
#[derive(Debug)]
pub struct twin_attempt {
    /// The HTTP method, e.g. "GET".
    pub method: *const c_char,
    /// The route with its ids replaced by names, e.g. "/v1/agents/{agent_id}/runs".
    pub route: *const c_char,
    /// The HTTP status (any, 2xx or not); 0 when no answer came.
    pub status: u16,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// Microseconds from sending the request to the end of reading the answer (or the failure).
    pub duration_us: u64,
    /// The request id the service sent (x-request-id), or NULL.
    pub request_id: *const c_char,
    /// Why no answer came: "timeout", "connection", "too_large" or "other"; NULL when an
    /// answer came.
    pub error: *const c_char,
}

/// Receives a twin_attempt and the `user_data` given to twin_client_options_set_on_attempt().
/// It is called on the thread making the call, before the call goes on (keep it short),
/// possibly from several threads at once.
pub type twin_attempt_fn =
    Option<extern "C" fn(attempt: *const twin_attempt, user_data: *mut c_void)>;

/// A program's function and its `user_data` (kept as an address).
#[derive(Clone, Copy, Debug)]
pub(crate) struct AttemptHook {
    callback: extern "C" fn(*const twin_attempt, *mut c_void),
    user_data: usize,
}

impl AttemptHook {
    /// `None` for a NULL callback (no hook).
    pub(crate) fn new(callback: twin_attempt_fn, user_data: *mut c_void) -> Option<AttemptHook> {
        callback.map(|callback| AttemptHook {
            callback,
            user_data: user_data as usize,
        })
    }

    /// The builder with this hook installed.
    pub(crate) fn install(self, builder: ClientBuilder) -> ClientBuilder {
        builder.on_attempt(move |a: &Attempt| self.call(a))
    }

    fn call(&self, a: &Attempt) {
        // Nothing the core puts in a record holds a NUL; if one did, the field reads NULL.
        let text = |s: &str| CString::new(s).ok();
        let (method, route) = (text(&a.method), text(&a.route));
        let request_id = a.request_id.as_deref().and_then(text);
        let error = a.error.and_then(text);
        let ptr_of = |s: &Option<CString>| s.as_ref().map_or(ptr::null(), |s| s.as_ptr());
        let record = twin_attempt {
            method: ptr_of(&method),
            route: ptr_of(&route),
            status: a.status.unwrap_or(0),
            attempt: a.attempt,
            duration_us: u64::try_from(a.duration.as_micros()).unwrap_or(u64::MAX),
            request_id: ptr_of(&request_id),
            error: ptr_of(&error),
        };
        (self.callback)(&record, self.user_data as *mut c_void);
    }
}

/// Sets a function that receives a twin_attempt for every HTTP attempt of the client's calls
/// (retries included), with `user_data`, for metrics and traces; see twin_attempt_fn.
/// `callback` may be NULL (no hook); `user_data` may be NULL.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_options_set_on_attempt(
    options: *mut crate::client::twin_client_options,
    callback: twin_attempt_fn,
    user_data: *mut c_void,
) -> crate::error::twin_status {
    crate::ffi::set(options, "options", |h| {
        h.inner.on_attempt = AttemptHook::new(callback, user_data);
        Ok(())
    })
}
