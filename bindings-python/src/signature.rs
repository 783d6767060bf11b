//! Webhook deliveries: `sign`, `verify`, `unwrap` and `twin.WebhookEvent`. Pairs with
//! `core/src/signature.rs`; the public functions are in `twin/webhooks.py`, which normalises
//! arguments (one secret or several, any mapping of headers, bytes-like bodies).

use std::time::Duration;

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use twin_core::webhooks::{self, UnwrapOptions, WebhookEvent as CoreEvent};

use crate::errors::{self, Ctx};
use crate::generated::signature::webhook_event_model;
use crate::model::CoreModel;

impl CoreModel for CoreEvent {
    fn raw_json(&self) -> serde_json::Value {
        self.raw.clone()
    }
    fn decode(value: serde_json::Value) -> twin_core::Result<Self> {
        CoreEvent::from_value(value).map_err(twin_core::Error::Signature)
    }
}

webhook_event_model! {
    /// A verified webhook delivery (`run.started`, `run.completed`, `run.failed`,
    /// `run.stopped`, `run.paused`, or a newer event name).
    class WebhookEvent;
    repr: [event, run_id, status];
}

fn fail(py: Python<'_>, e: twin_core::SignatureError) -> PyErr {
    errors::to_py(py, twin_core::Error::Signature(e), Ctx::Call)
}

/// `sha256=<hex HMAC-SHA256 of body keyed with secret>`, as Twin signs deliveries.
#[pyfunction]
pub fn webhooks_sign(body: &[u8], secret: &str) -> String {
    webhooks::sign(body, secret)
}

/// Checks a signature header against the body with each secret (constant-time).
#[pyfunction]
#[pyo3(signature = (body, signature, secrets))]
pub fn webhooks_verify(
    py: Python<'_>,
    body: &[u8],
    signature: Option<&str>,
    secrets: Vec<String>,
) -> PyResult<()> {
    webhooks::verify(body, signature, &secrets).map_err(|e| fail(py, e))
}

/// Verifies and reads a delivery: size cap, signature, payload, event header, timestamp.
#[pyfunction]
#[pyo3(signature = (body, signature, event, secrets, *, tolerance=300.0, max_body=1048576, now=None))]
#[allow(clippy::too_many_arguments)]
pub fn webhooks_unwrap(
    py: Python<'_>,
    body: &[u8],
    signature: Option<&str>,
    event: Option<&str>,
    secrets: Vec<String>,
    tolerance: Option<f64>,
    max_body: usize,
    now: Option<DateTime<Utc>>,
) -> PyResult<WebhookEvent> {
    let tolerance = match tolerance {
        None => None,
        Some(t) if t.is_finite() && t >= 0.0 => Some(Duration::from_secs_f64(t)),
        Some(t) if t == f64::INFINITY => None,
        Some(t) => {
            return Err(PyValueError::new_err(format!(
                "tolerance must be a number of seconds >= 0 or None, got {t}"
            )));
        }
    };
    let mut opts = UnwrapOptions::default();
    opts.tolerance = tolerance;
    opts.max_body = max_body;
    opts.now = now;
    webhooks::unwrap(body, signature, event, &secrets, &opts)
        .map(WebhookEvent::from)
        .map_err(|e| fail(py, e))
}
