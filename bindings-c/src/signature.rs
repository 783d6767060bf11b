//! Webhook deliveries: verify `X-Cobb-Signature`, sign bodies for tests, and unwrap a delivery
//! into a twin_webhook_event (core's `signature.rs`).

use std::ffi::c_char;
use std::time::Duration;

use twin_core::webhooks::{self, UnwrapOptions, WebhookEvent, WebhookEventKind};

use crate::error::twin_status;
use crate::ffi::{self, CStrings};

/// The type of a webhook delivery, from its `event` name.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum twin_webhook_event_type {
    /// An event name this version does not know (read it with twin_webhook_event_event()).
    TWIN_WEBHOOK_EVENT_UNKNOWN = 0,
    /// `run.started`: a run began.
    TWIN_WEBHOOK_EVENT_RUN_STARTED = 1,
    /// `run.completed`: a run finished, whatever its outcome.
    TWIN_WEBHOOK_EVENT_RUN_COMPLETED = 2,
    /// `run.failed`: a run hit a policy error.
    TWIN_WEBHOOK_EVENT_RUN_FAILED = 3,
    /// `run.stopped`: a user stopped the run.
    TWIN_WEBHOOK_EVENT_RUN_STOPPED = 4,
    /// `run.paused`: the run was paused.
    TWIN_WEBHOOK_EVENT_RUN_PAUSED = 5,
}

impl From<&WebhookEventKind> for twin_webhook_event_type {
    fn from(kind: &WebhookEventKind) -> Self {
        use twin_webhook_event_type::*;
        match kind {
            WebhookEventKind::RunStarted => TWIN_WEBHOOK_EVENT_RUN_STARTED,
            WebhookEventKind::RunCompleted => TWIN_WEBHOOK_EVENT_RUN_COMPLETED,
            WebhookEventKind::RunFailed => TWIN_WEBHOOK_EVENT_RUN_FAILED,
            WebhookEventKind::RunStopped => TWIN_WEBHOOK_EVENT_RUN_STOPPED,
            WebhookEventKind::RunPaused => TWIN_WEBHOOK_EVENT_RUN_PAUSED,
            _ => TWIN_WEBHOOK_EVENT_UNKNOWN,
        }
    }
}

/// A verified webhook delivery.
#[derive(Debug)]
pub struct twin_webhook_event {
    event: WebhookEvent,
    strings: CStrings,
}

/// How twin_webhook_unwrap_with_options() checks a delivery beyond its signature. Use from one
/// thread at a time.
#[derive(Debug, Default)]
pub struct twin_webhook_unwrap_options {
    options: UnwrapOptions,
}

/// Checks `signature_header` (the value of `X-Cobb-Signature`, `sha256=<hex>`) against the raw
/// body with each of the `secrets_len` secrets (several while rotating), in constant time.
/// `signature_header` may be NULL: the request had no such header. Fails with
/// TWIN_ERR_SIGNATURE; twin_last_error_signature_kind() then says why (`MissingHeader`,
/// `MalformedHeader`, `NoMatch`, `NoSecrets`). Empty secrets are ignored.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_verify(
    body: *const u8,
    body_len: usize,
    signature_header: *const c_char,
    secrets: *const *const c_char,
    secrets_len: usize,
) -> twin_status {
    ffi::call(|| {
        let body = ffi::bytes_arg(body, body_len, "body")?;
        let signature_header = ffi::opt_str_arg(signature_header, "signature_header")?;
        let secrets = ffi::str_array_arg(secrets, secrets_len, "secrets")?;
        webhooks::verify(body, signature_header, &secrets)?;
        Ok(())
    })
}

/// Signs a body the way Twin does, for tests and tools: on success `*signature_out` is
/// `sha256=` followed by the lowercase hex HMAC-SHA256 of the body keyed with `secret`, a new
/// string freed with twin_string_free().
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_sign(
    body: *const u8,
    body_len: usize,
    secret: *const c_char,
    signature_out: *mut *mut c_char,
) -> twin_status {
    ffi::call(|| {
        let body = ffi::bytes_arg(body, body_len, "body")?;
        let secret = ffi::str_arg(secret, "secret")?;
        let signature_out = ffi::out(signature_out, "signature_out")?;
        signature_out.give_string(&webhooks::sign(body, secret));
        Ok(())
    })
}

/// Verifies and reads a delivery: a body over 1 MiB is refused before hashing; the signature is
/// checked (see twin_webhook_verify()); the body is parsed; `event_header` (`X-Cobb-Event`), when
/// not NULL, must name the body's `event`; the body's `timestamp` must be within
/// `tolerance_secs` seconds of now, either way (negative: no check; 300 is the usual value).
/// `signature_header` may be NULL. `event_header` may be NULL. Failures are TWIN_ERR_SIGNATURE
/// with twin_last_error_signature_kind() set. On success `*event_out` is a new
/// twin_webhook_event. Deliveries can repeat: deduplicate on (agent id, run id, event).
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_unwrap(
    body: *const u8,
    body_len: usize,
    signature_header: *const c_char,
    event_header: *const c_char,
    secrets: *const *const c_char,
    secrets_len: usize,
    tolerance_secs: i64,
    event_out: *mut *mut twin_webhook_event,
) -> twin_status {
    ffi::call(|| {
        let body = ffi::bytes_arg(body, body_len, "body")?;
        let signature_header = ffi::opt_str_arg(signature_header, "signature_header")?;
        let event_header = ffi::opt_str_arg(event_header, "event_header")?;
        let secrets = ffi::str_array_arg(secrets, secrets_len, "secrets")?;
        let event_out = ffi::out(event_out, "event_out")?;
        let mut options = UnwrapOptions::default();
        options.tolerance = tolerance(tolerance_secs);
        let event = webhooks::unwrap(body, signature_header, event_header, &secrets, &options)?;
        event_out.give(twin_webhook_event::from(event));
        Ok(())
    })
}

/// twin_webhook_unwrap() with every check configurable: `options` may be NULL (the defaults: a
/// 300 s tolerance, a 1 MiB body cap, the system clock). `signature_header` may be NULL.
/// `event_header` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_unwrap_with_options(
    body: *const u8,
    body_len: usize,
    signature_header: *const c_char,
    event_header: *const c_char,
    secrets: *const *const c_char,
    secrets_len: usize,
    options: *const twin_webhook_unwrap_options,
    event_out: *mut *mut twin_webhook_event,
) -> twin_status {
    ffi::call(|| {
        let body = ffi::bytes_arg(body, body_len, "body")?;
        let signature_header = ffi::opt_str_arg(signature_header, "signature_header")?;
        let event_header = ffi::opt_str_arg(event_header, "event_header")?;
        let secrets = ffi::str_array_arg(secrets, secrets_len, "secrets")?;
        let options = ffi::opt_arg(options)
            .map(|o| o.options.clone())
            .unwrap_or_default();
        let event_out = ffi::out(event_out, "event_out")?;
        let event = webhooks::unwrap(body, signature_header, event_header, &secrets, &options)?;
        event_out.give(twin_webhook_event::from(event));
        Ok(())
    })
}

fn tolerance(secs: i64) -> Option<Duration> {
    u64::try_from(secs).ok().map(Duration::from_secs)
}

/// New unwrap options with the defaults, freed with twin_webhook_unwrap_options_free(). NULL
/// only if the library panicked.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_unwrap_options_new() -> *mut twin_webhook_unwrap_options {
    ffi::call_or(std::ptr::null_mut(), || {
        Ok(ffi::new_handle(twin_webhook_unwrap_options::default()))
    })
}

/// The largest allowed difference between the body's `timestamp` and now, either way, in
/// seconds (default 300; negative: no check).
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_unwrap_options_set_tolerance_secs(
    options: *mut twin_webhook_unwrap_options,
    tolerance_secs: i64,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        options.options.tolerance = tolerance(tolerance_secs);
        Ok(())
    })
}

/// The largest accepted body, in bytes, checked before hashing (default 1 MiB).
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_unwrap_options_set_max_body(
    options: *mut twin_webhook_unwrap_options,
    max_body: usize,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        options.options.max_body = max_body;
        Ok(())
    })
}

/// The time to compare timestamps with, in Unix seconds (default: the system clock), for tests.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_unwrap_options_set_now(
    options: *mut twin_webhook_unwrap_options,
    now_unix: i64,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        options.options.now = Some(crate::from_unix(now_unix, "now_unix")?);
        Ok(())
    })
}

/// Frees unwrap options. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_unwrap_options_free(options: *mut twin_webhook_unwrap_options) {
    ffi::call_or((), || {
        ffi::free(options);
        Ok(())
    })
}

impl From<WebhookEvent> for twin_webhook_event {
    fn from(event: WebhookEvent) -> Self {
        twin_webhook_event {
            event,
            strings: CStrings::default(),
        }
    }
}

/// The delivery's type, from its `event` name; TWIN_WEBHOOK_EVENT_UNKNOWN for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_event_kind(
    event: *const twin_webhook_event,
) -> twin_webhook_event_type {
    ffi::call_or(twin_webhook_event_type::TWIN_WEBHOOK_EVENT_UNKNOWN, || {
        let event = ffi::arg(event, "event")?;
        Ok(twin_webhook_event_type::from(&event.event.kind))
    })
}

/// The event's name as sent (`event`), e.g. `run.completed`.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_event_event(event: *const twin_webhook_event) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let event = ffi::arg(event, "event")?;
        Ok(event.strings.get("event", &event.event.event))
    })
}

/// When Twin emitted the event (`timestamp`), in Unix seconds.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_event_timestamp(event: *const twin_webhook_event) -> i64 {
    ffi::call_or(0, || {
        let event = ffi::arg(event, "event")?;
        Ok(event.event.timestamp.timestamp())
    })
}

/// The run the event is about (`data.run_id`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_event_run_id(event: *const twin_webhook_event) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let event = ffi::arg(event, "event")?;
        Ok(event.strings.get("run_id", &event.event.run_id))
    })
}

/// The agent the run belongs to (`data.agent_id`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_event_agent_id(event: *const twin_webhook_event) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let event = ffi::arg(event, "event")?;
        Ok(event.strings.get("agent_id", &event.event.agent_id))
    })
}

/// The run's status (`data.status`), or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_event_status(event: *const twin_webhook_event) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let event = ffi::arg(event, "event")?;
        Ok(event
            .strings
            .get_opt("status", event.event.status.as_ref().map(|s| s.as_str())))
    })
}

/// The run's outcome (`data.outcome`; only on `run.completed`), or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_event_outcome(event: *const twin_webhook_event) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let event = ffi::arg(event, "event")?;
        Ok(event
            .strings
            .get_opt("outcome", event.event.outcome.as_ref().map(|o| o.as_str())))
    })
}

/// When the run finished (`data.finished_at`; only on terminal events), in Unix seconds.
/// `has_value` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_event_finished_at(
    event: *const twin_webhook_event,
    has_value: *mut bool,
) -> i64 {
    ffi::call_or(0, || {
        let event = ffi::arg(event, "event")?;
        Ok(ffi::optional(
            crate::unix(event.event.finished_at),
            has_value,
        ))
    })
}

/// The whole body as JSON text.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_event_json(event: *const twin_webhook_event) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let event = ffi::arg(event, "event")?;
        Ok(event
            .strings
            .get_with("json", || crate::json(&event.event.raw)))
    })
}

/// Frees a twin_webhook_event. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_event_free(event: *mut twin_webhook_event) {
    ffi::call_or((), || {
        ffi::free(event);
        Ok(())
    })
}
