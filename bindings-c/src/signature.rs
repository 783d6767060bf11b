//! Webhook deliveries: verify `X-Cobb-Signature`, sign bodies for tests, and unwrap a delivery
//! into a twin_delivery (core's `signature.rs`). The delivery model and the unwrap options
//! are generated (`generated/signature.rs`).

use std::ffi::c_char;

use twin_core::webhooks::{self, WebhookEventKind};

use crate::error::twin_status;
use crate::ffi;
#[path = "generated/signature.rs"]
mod generated;
pub use generated::*;

/// The type of a webhook delivery, from its `event` name.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum twin_delivery_type {
    /// An event name this version does not know (read it with twin_delivery_event()).
    TWIN_DELIVERY_UNKNOWN = 0,
    /// `run.started`: a run began.
    TWIN_DELIVERY_RUN_STARTED = 1,
    /// `run.completed`: a run finished, whatever its outcome.
    TWIN_DELIVERY_RUN_COMPLETED = 2,
    /// `run.failed`: a run hit a policy error.
    TWIN_DELIVERY_RUN_FAILED = 3,
    /// `run.stopped`: a user stopped the run.
    TWIN_DELIVERY_RUN_STOPPED = 4,
    /// `run.paused`: the run was paused.
    TWIN_DELIVERY_RUN_PAUSED = 5,
}

impl From<&WebhookEventKind> for twin_delivery_type {
    fn from(kind: &WebhookEventKind) -> Self {
        use twin_delivery_type::*;
        match kind {
            WebhookEventKind::RunStarted => TWIN_DELIVERY_RUN_STARTED,
            WebhookEventKind::RunCompleted => TWIN_DELIVERY_RUN_COMPLETED,
            WebhookEventKind::RunFailed => TWIN_DELIVERY_RUN_FAILED,
            WebhookEventKind::RunStopped => TWIN_DELIVERY_RUN_STOPPED,
            WebhookEventKind::RunPaused => TWIN_DELIVERY_RUN_PAUSED,
            _ => TWIN_DELIVERY_UNKNOWN,
        }
    }
}

/// Checks `signature_header` (the value of `X-Cobb-Signature`, `sha256=<hex>`) against the raw
/// body with each of the `secrets_len` secrets (several while rotating), in constant time.
/// `signature_header` may be NULL: the request had no such header. Fails with
/// TWIN_ERR_SIGNATURE; twin_last_error_signature_kind() then says why (`MissingHeader`,
/// `MalformedHeader`, `NoMatch`, `NoSecrets`). Empty secrets are ignored.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_signature_verify(
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
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_signature_sign(
    body: *const u8,
    body_len: usize,
    secret: *const c_char,
    signature_out: *mut *mut c_char,
) -> twin_status {
    ffi::call(|| {
        let signature_out = ffi::out(signature_out, "signature_out")?;
        let body = ffi::bytes_arg(body, body_len, "body")?;
        let secret = ffi::str_arg(secret, "secret")?;
        signature_out.give_string(&webhooks::sign(body, secret));
        Ok(())
    })
}

/// Verifies and reads a delivery: a body over the cap (1 MiB) is refused before hashing; the
/// signature is checked (see twin_signature_verify()); the body is parsed; `event_header`
/// (`X-Cobb-Event`), when not NULL, must name the body's `event`; the body's `timestamp` must
/// be within the tolerance (300 s) of now, either way. `options` may be NULL: those defaults
/// and the system clock (twin_signature_options_new() changes them). `signature_header` may be
/// NULL. `event_header` may be NULL. Failures are TWIN_ERR_SIGNATURE with
/// twin_last_error_signature_kind() set. On success `*delivery_out` is a new twin_delivery.
/// Deliveries can repeat: deduplicate on (agent id, run id, event).
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_signature_unwrap(
    body: *const u8,
    body_len: usize,
    signature_header: *const c_char,
    event_header: *const c_char,
    secrets: *const *const c_char,
    secrets_len: usize,
    options: *const twin_signature_options,
    delivery_out: *mut *mut twin_delivery,
) -> twin_status {
    ffi::call(|| {
        let delivery_out = ffi::out(delivery_out, "delivery_out")?;
        let body = ffi::bytes_arg(body, body_len, "body")?;
        let signature_header = ffi::opt_str_arg(signature_header, "signature_header")?;
        let event_header = ffi::opt_str_arg(event_header, "event_header")?;
        let secrets = ffi::str_array_arg(secrets, secrets_len, "secrets")?;
        let options = twin_signature_options::value_or_default(options);
        let delivery = webhooks::unwrap(body, signature_header, event_header, &secrets, &options)?;
        delivery_out.give(twin_delivery::from(delivery));
        Ok(())
    })
}

/// The delivery's type, from its `event` name; TWIN_DELIVERY_UNKNOWN for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_delivery_kind(delivery: *const twin_delivery) -> twin_delivery_type {
    ffi::get(
        delivery,
        "delivery",
        twin_delivery_type::TWIN_DELIVERY_UNKNOWN,
        |h| twin_delivery_type::from(&h.inner.kind),
    )
}
