//! Status codes, the one mapping from core's errors to them, and the last error of each thread.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char, c_int};

use twin_core::Error;

use crate::ffi;

/// What a fallible function returns: `TWIN_OK` (0) on success, otherwise the kind of failure.
/// Details are read with the `twin_last_error_*` functions.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum twin_status {
    /// Success; the outputs were written.
    TWIN_OK = 0,
    /// A pointer argument that must not be NULL was NULL.
    TWIN_ERR_NULL_ARGUMENT = 1,
    /// An argument was refused before any request was sent: a string that is not UTF-8, an
    /// empty id, an unknown run mode, an index out of range, a missing API key, ...
    TWIN_ERR_INVALID_ARGUMENT = 2,
    /// The service answered with a status outside 2xx; see twin_last_error_http_status() and
    /// the problem details (twin_last_error_problem_type(), twin_last_error_title(),
    /// twin_last_error_detail()).
    TWIN_ERR_API = 3,
    /// No usable response arrived: the connection failed, dropped, or the body was cut off.
    /// twin_last_error_maybe_sent() says whether the request may have reached the service.
    TWIN_ERR_CONNECTION = 4,
    /// The call, an attempt, or a wait ran past its time limit.
    TWIN_ERR_TIMEOUT = 5,
    /// A response could not be read as the expected answer: JSON that is not the expected
    /// object, a body over the endpoint's size limit ("response too large": 4 MiB for one
    /// object, 32 MiB for a page of agents or runs, 64 MiB for a page of events), or a list
    /// whose pages do not advance. Never retried.
    TWIN_ERR_DECODE = 6,
    /// A 2xx response that is not an API answer (application/grpc, text/html, not JSON).
    TWIN_ERR_UNEXPECTED_RESPONSE = 7,
    /// A webhook delivery failed verification; see twin_last_error_signature_kind().
    TWIN_ERR_SIGNATURE = 8,
    /// A cron expression is not a valid 7-field Twin schedule.
    TWIN_ERR_INVALID_CRON = 9,
    /// A wait or a follow was stopped through its twin_cancel_token.
    TWIN_ERR_CANCELLED = 10,
    /// A bug: the library panicked. The panic was caught; the message says where.
    TWIN_ERR_PANIC = 11,
    /// The service answered 2xx but said the operation was not done (`{"success": false,
    /// "error": "..."}`, `{"deleted": false}`, `{"revoked": false}`, `{"workspace": null}`):
    /// nothing was changed. twin_last_error_detail() has the service's words, if any;
    /// twin_last_error_http_status() the answer's status.
    TWIN_ERR_OPERATION_FAILED = 12,
}

/// Why a call failed, inside this crate: core's errors plus what only the boundary can see.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A required pointer argument (named) was NULL.
    NullArgument(&'static str),
    /// A string argument (named) was not UTF-8.
    InvalidUtf8(&'static str),
    /// Anything core reports.
    Core(Error),
    /// A caught panic, with its message.
    Panic(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Core(e)
    }
}

impl From<twin_core::SignatureError> for Failure {
    fn from(e: twin_core::SignatureError) -> Failure {
        Failure::Core(Error::Signature(e))
    }
}

/// A [`Failure::Core`] of kind invalid argument.
pub(crate) fn invalid(message: impl Into<String>) -> Failure {
    Failure::Core(Error::InvalidArgument(message.into()))
}

/// The last failure of a thread, as C strings that stay valid until the next failure.
struct LastError {
    status: twin_status,
    message: Option<CString>,
    http_status: u16,
    problem_type: Option<CString>,
    title: Option<CString>,
    detail: Option<CString>,
    request_id: Option<CString>,
    retry_after_ms: Option<u64>,
    signature_kind: Option<CString>,
    maybe_sent: bool,
}

impl Default for LastError {
    fn default() -> Self {
        LastError {
            status: twin_status::TWIN_OK,
            message: None,
            http_status: 0,
            problem_type: None,
            title: None,
            detail: None,
            request_id: None,
            retry_after_ms: None,
            signature_kind: None,
            maybe_sent: false,
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::default();
}

/// Reads the calling thread's last failure; `default` when there is none to read (the thread
/// is being torn down: its thread-locals are gone, and reading them must not abort).
fn read<T>(pick: impl FnOnce(&LastError) -> T, default: T) -> T {
    LAST_ERROR
        .try_with(|cell| cell.try_borrow().ok().map(|last| pick(&last)))
        .ok()
        .flatten()
        .unwrap_or(default)
}

/// Replaces the calling thread's last failure (nothing during the thread's teardown).
fn write(last: LastError) {
    let _ = LAST_ERROR.try_with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = last;
        }
    });
}

/// The one mapping from a failure to its status and last-error details; records them for the
/// calling thread and returns the status.
pub(crate) fn record(failure: Failure) -> twin_status {
    let text = |s: &str| Some(ffi::text(s));
    let mut last = LastError {
        message: text(&message(&failure)),
        ..LastError::default()
    };
    let status = match &failure {
        Failure::NullArgument(_) => twin_status::TWIN_ERR_NULL_ARGUMENT,
        Failure::InvalidUtf8(_) => twin_status::TWIN_ERR_INVALID_ARGUMENT,
        Failure::Panic(_) => twin_status::TWIN_ERR_PANIC,
        Failure::Core(e) => {
            last.http_status = e.status().unwrap_or(0);
            last.maybe_sent = e.maybe_sent();
            match e {
                Error::Api {
                    problem,
                    request_id,
                    retry_after,
                    ..
                } => {
                    last.problem_type = text(&problem.type_);
                    last.title = text(&problem.title);
                    last.detail = problem.detail.as_deref().and_then(text);
                    last.request_id = request_id.as_deref().and_then(text);
                    last.retry_after_ms =
                        retry_after.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
                    twin_status::TWIN_ERR_API
                }
                Error::Connection { .. } => twin_status::TWIN_ERR_CONNECTION,
                Error::Timeout { .. } => twin_status::TWIN_ERR_TIMEOUT,
                Error::Decode { .. } => twin_status::TWIN_ERR_DECODE,
                Error::UnexpectedResponse { .. } => twin_status::TWIN_ERR_UNEXPECTED_RESPONSE,
                Error::InvalidArgument(_) => twin_status::TWIN_ERR_INVALID_ARGUMENT,
                Error::Signature(kind) => {
                    last.signature_kind = text(kind.name());
                    twin_status::TWIN_ERR_SIGNATURE
                }
                Error::InvalidCron(_) => twin_status::TWIN_ERR_INVALID_CRON,
                Error::Cancelled => twin_status::TWIN_ERR_CANCELLED,
                Error::OperationFailed { detail, .. } => {
                    last.detail = detail.as_deref().and_then(text);
                    twin_status::TWIN_ERR_OPERATION_FAILED
                }
                // A variant newer than this binding: the response was not what it expected.
                _ => twin_status::TWIN_ERR_UNEXPECTED_RESPONSE,
            }
        }
    };
    last.status = status;
    write(last);
    status
}

/// The message of a failure: short, lower case, never a secret (core's messages redact them;
/// the boundary names arguments, never their values).
fn message(failure: &Failure) -> String {
    match failure {
        Failure::NullArgument(name) => format!("argument {name} is NULL"),
        Failure::InvalidUtf8(name) => format!("argument {name} is not valid UTF-8"),
        Failure::Core(e) => e.to_string(),
        Failure::Panic(what) => format!("panic in libtwin (a bug): {what}"),
    }
}

fn last_str(pick: impl FnOnce(&LastError) -> Option<&CString>) -> *const c_char {
    // The CString lives in the thread-local until the next failure (or a clear), so the
    // pointer outlives the borrow.
    read(
        |last| pick(last).map_or(std::ptr::null(), |s| s.as_ptr()),
        std::ptr::null(),
    )
}

/// The status of the last failure on this thread, or TWIN_OK when nothing failed since the
/// thread started or since twin_last_error_clear(). Successful calls do not change it: check
/// it only after a function returned a failure, or clear it first.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_last_error_status() -> twin_status {
    ffi::call_or(twin_status::TWIN_OK, || {
        Ok(read(|last| last.status, twin_status::TWIN_OK))
    })
}

/// Forgets the last failure of this thread: twin_last_error_status() is TWIN_OK and the other
/// twin_last_error_* functions report nothing until the next failure. Strings they returned
/// before become invalid. Use it before a call whose failure is told only by a NULL (a getter
/// of an optional value), to tell "absent" from "failed".
#[unsafe(no_mangle)]
pub extern "C" fn twin_last_error_clear() {
    ffi::call_or((), || {
        write(LastError::default());
        Ok(())
    })
}

/// The message of the last failure on this thread, e.g. `403 forbidden: you do not have access
/// to this agent`; an empty string if nothing failed yet. Valid until the next failure on this
/// thread.
#[unsafe(no_mangle)]
pub extern "C" fn twin_last_error_message() -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let message = last_str(|e| e.message.as_ref());
        Ok(if message.is_null() {
            ffi::static_str(c"")
        } else {
            message
        })
    })
}

/// The HTTP status of the last failure on this thread (TWIN_ERR_API, or
/// TWIN_ERR_UNEXPECTED_RESPONSE), or 0 when it had none.
#[unsafe(no_mangle)]
pub extern "C" fn twin_last_error_http_status() -> u16 {
    ffi::call_or(0, || Ok(read(|last| last.http_status, 0)))
}

/// The problem type URI of the last TWIN_ERR_API failure on this thread (`about:blank` when the
/// service did not say), or NULL for other failures.
#[unsafe(no_mangle)]
pub extern "C" fn twin_last_error_problem_type() -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        Ok(last_str(|e| e.problem_type.as_ref()))
    })
}

/// The problem title of the last TWIN_ERR_API failure on this thread (the HTTP reason phrase,
/// e.g. `Forbidden`, when the service did not say), or NULL for other failures.
#[unsafe(no_mangle)]
pub extern "C" fn twin_last_error_title() -> *const c_char {
    ffi::call_or(std::ptr::null(), || Ok(last_str(|e| e.title.as_ref())))
}

/// The problem detail of the last TWIN_ERR_API failure on this thread, e.g. `you do not have
/// access to this agent`, or NULL when there is none.
#[unsafe(no_mangle)]
pub extern "C" fn twin_last_error_detail() -> *const c_char {
    ffi::call_or(std::ptr::null(), || Ok(last_str(|e| e.detail.as_ref())))
}

/// The request id (`x-request-id`) of the last TWIN_ERR_API failure on this thread, or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_last_error_request_id() -> *const c_char {
    ffi::call_or(std::ptr::null(), || Ok(last_str(|e| e.request_id.as_ref())))
}

/// How long the service asked to wait (`Retry-After`) in the last TWIN_ERR_API failure on this
/// thread, in milliseconds. `has_value` may be NULL; it is set to whether there was one.
#[unsafe(no_mangle)]
pub extern "C" fn twin_last_error_retry_after_ms(has_value: *mut bool) -> u64 {
    ffi::call_or(0, || {
        let value = read(|last| last.retry_after_ms, None);
        Ok(ffi::optional(value, has_value))
    })
}

/// Whether the request of the last failure on this thread may have reached the service and
/// been acted on although no answer says so: the connection dropped or timed out after
/// sending (TWIN_ERR_CONNECTION, TWIN_ERR_TIMEOUT), or the answer was 408 or 5xx
/// (TWIN_ERR_API). After such a failure of a call that is not safe to repeat
/// (twin_runs_start, creating an object without an id) check before trying again: it may
/// have happened. False when the request certainly did not get through (refused, DNS, TLS,
/// an argument refused before sending) and for other failures.
#[unsafe(no_mangle)]
pub extern "C" fn twin_last_error_maybe_sent() -> bool {
    ffi::call_or(false, || Ok(read(|last| last.maybe_sent, false)))
}

/// Why the last TWIN_ERR_SIGNATURE failure on this thread happened, as a stable name:
/// `MissingHeader`, `MalformedHeader`, `NoMatch`, `NoSecrets`, `BodyTooLarge`, `EventMismatch`,
/// `StaleTimestamp` or `InvalidPayload`; NULL for other failures.
#[unsafe(no_mangle)]
pub extern "C" fn twin_last_error_signature_kind() -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        Ok(last_str(|e| e.signature_kind.as_ref()))
    })
}

/// The name of a status as a static string, e.g. `TWIN_ERR_API`; `TWIN_ERR_UNKNOWN` for a value
/// that is not a twin_status.
#[unsafe(no_mangle)]
pub extern "C" fn twin_status_str(status: c_int) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        Ok(ffi::static_str(status_name(status)))
    })
}

fn status_name(status: c_int) -> &'static CStr {
    use twin_status::*;
    const ALL: [(twin_status, &CStr); 13] = [
        (TWIN_OK, c"TWIN_OK"),
        (TWIN_ERR_NULL_ARGUMENT, c"TWIN_ERR_NULL_ARGUMENT"),
        (TWIN_ERR_INVALID_ARGUMENT, c"TWIN_ERR_INVALID_ARGUMENT"),
        (TWIN_ERR_API, c"TWIN_ERR_API"),
        (TWIN_ERR_CONNECTION, c"TWIN_ERR_CONNECTION"),
        (TWIN_ERR_TIMEOUT, c"TWIN_ERR_TIMEOUT"),
        (TWIN_ERR_DECODE, c"TWIN_ERR_DECODE"),
        (
            TWIN_ERR_UNEXPECTED_RESPONSE,
            c"TWIN_ERR_UNEXPECTED_RESPONSE",
        ),
        (TWIN_ERR_SIGNATURE, c"TWIN_ERR_SIGNATURE"),
        (TWIN_ERR_INVALID_CRON, c"TWIN_ERR_INVALID_CRON"),
        (TWIN_ERR_CANCELLED, c"TWIN_ERR_CANCELLED"),
        (TWIN_ERR_PANIC, c"TWIN_ERR_PANIC"),
        (TWIN_ERR_OPERATION_FAILED, c"TWIN_ERR_OPERATION_FAILED"),
    ];
    ALL.iter()
        .find(|(s, _)| *s as c_int == status)
        .map_or(c"TWIN_ERR_UNKNOWN", |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use twin_core::{Problem, SignatureError};

    use crate::ffi::read_c as read;

    #[test]
    fn every_core_error_has_its_own_status() {
        let cases: Vec<(Error, twin_status)> = vec![
            (
                Error::Api {
                    status: 403,
                    problem: Box::new(Problem::from_status(403)),
                    request_id: None,
                    retry_after: None,
                },
                twin_status::TWIN_ERR_API,
            ),
            (
                Error::Connection {
                    message: "x".into(),
                    maybe_sent: true,
                    source: None,
                },
                twin_status::TWIN_ERR_CONNECTION,
            ),
            (
                Error::Timeout {
                    message: "x".into(),
                    maybe_sent: false,
                    source: None,
                },
                twin_status::TWIN_ERR_TIMEOUT,
            ),
            (
                Error::Decode {
                    message: "x".into(),
                    excerpt: String::new(),
                },
                twin_status::TWIN_ERR_DECODE,
            ),
            (
                Error::UnexpectedResponse {
                    status: 200,
                    content_type: None,
                    excerpt: String::new(),
                },
                twin_status::TWIN_ERR_UNEXPECTED_RESPONSE,
            ),
            (
                Error::InvalidArgument("x".into()),
                twin_status::TWIN_ERR_INVALID_ARGUMENT,
            ),
            (
                Error::Signature(SignatureError::NoMatch),
                twin_status::TWIN_ERR_SIGNATURE,
            ),
            (
                Error::InvalidCron("x".into()),
                twin_status::TWIN_ERR_INVALID_CRON,
            ),
            (Error::Cancelled, twin_status::TWIN_ERR_CANCELLED),
            (
                Error::OperationFailed {
                    status: 200,
                    detail: Some("no schedule".into()),
                },
                twin_status::TWIN_ERR_OPERATION_FAILED,
            ),
        ];
        for (error, status) in cases {
            let maybe_sent = error.maybe_sent();
            assert_eq!(record(Failure::Core(error)), status);
            assert_eq!(twin_last_error_maybe_sent(), maybe_sent, "{status:?}");
        }
        assert_eq!(
            record(Failure::NullArgument("x")),
            twin_status::TWIN_ERR_NULL_ARGUMENT
        );
        assert_eq!(
            record(Failure::InvalidUtf8("x")),
            twin_status::TWIN_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            record(Failure::Panic("x".into())),
            twin_status::TWIN_ERR_PANIC
        );
    }

    #[test]
    fn api_details_are_recorded_and_replaced() {
        let mut problem = Problem::from_status(429);
        problem.detail = Some("slow down".into());
        record(Failure::Core(Error::Api {
            status: 429,
            problem: Box::new(problem),
            request_id: Some("req-9".into()),
            retry_after: Some(Duration::from_millis(1500)),
        }));
        assert_eq!(twin_last_error_http_status(), 429);
        assert_eq!(
            read(twin_last_error_title()).as_deref(),
            Some("Too Many Requests")
        );
        assert_eq!(read(twin_last_error_detail()).as_deref(), Some("slow down"));
        assert_eq!(
            read(twin_last_error_problem_type()).as_deref(),
            Some("about:blank")
        );
        assert_eq!(read(twin_last_error_request_id()).as_deref(), Some("req-9"));
        let mut has = false;
        assert_eq!(twin_last_error_retry_after_ms(&mut has), 1500);
        assert!(has);
        record(Failure::NullArgument("agent_id"));
        assert_eq!(twin_last_error_http_status(), 0);
        assert_eq!(read(twin_last_error_detail()), None);
        assert_eq!(
            read(twin_last_error_message()).as_deref(),
            Some("argument agent_id is NULL")
        );
        assert_eq!(twin_last_error_retry_after_ms(&mut has), 0);
        assert!(!has);
    }

    #[test]
    fn status_names() {
        assert_eq!(read(twin_status_str(0)).as_deref(), Some("TWIN_OK"));
        assert_eq!(read(twin_status_str(11)).as_deref(), Some("TWIN_ERR_PANIC"));
        assert_eq!(
            read(twin_status_str(99)).as_deref(),
            Some("TWIN_ERR_UNKNOWN")
        );
    }

    #[test]
    fn panics_become_a_status() {
        let status = ffi::call(|| panic!("boom"));
        assert_eq!(status, twin_status::TWIN_ERR_PANIC);
        assert!(read(twin_last_error_message()).unwrap().contains("boom"));
    }
}
