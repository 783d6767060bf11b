//! The one place where core errors become Python exceptions.
//!
//! The exception classes are plain Python classes defined in `twin/_exceptions.py`; they are
//! looked up by name here (the module is imported once and then cached by Python).

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use twin_core::Error;

use crate::convert;

const MODULE: &str = "twin._exceptions";

/// Where an error happened, which decides a few mappings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ctx {
    /// An API call: the usual mapping.
    Call,
    /// A `wait` or `follow`; `expired` is true when its own deadline had passed, so a
    /// timeout is the wait's (`WaitTimeoutError`) rather than one call's (`APITimeoutError`).
    Wait { expired: bool },
    /// Decoding data the user handed in (`from_dict`, `from_json`): a `ValueError`.
    Data,
    /// Building a client: an invalid argument is a `ConfigurationError`.
    Config,
}

/// Maps a core error to the Python exception users catch. Messages come from the core's
/// `Display`, which never contains a key or a secret.
pub fn to_py(py: Python<'_>, err: Error, ctx: Ctx) -> PyErr {
    build(py, err, ctx).unwrap_or_else(|e| e)
}

fn build(py: Python<'_>, err: Error, ctx: Ctx) -> PyResult<PyErr> {
    let message = err.to_string();
    let maybe_sent = err.maybe_sent();
    if ctx == Ctx::Data {
        return Ok(PyValueError::new_err(message));
    }
    let kwargs = PyDict::new(py);
    if maybe_sent {
        kwargs.set_item("maybe_sent", true)?;
    }
    let class = match err {
        Error::Api {
            status,
            problem,
            request_id,
            retry_after,
        } => {
            kwargs.set_item("status", status)?;
            kwargs.set_item("problem", problem_object(py, &problem)?)?;
            kwargs.set_item("request_id", request_id)?;
            kwargs.set_item("retry_after", retry_after.map(|d| d.as_secs_f64()))?;
            match status {
                400 => "BadRequestError",
                401 => "AuthenticationError",
                403 => "PermissionDeniedError",
                404 => "NotFoundError",
                409 => "ConflictError",
                422 => "UnprocessableEntityError",
                429 => "RateLimitError",
                500..=599 => "InternalServerError",
                _ => "APIStatusError",
            }
        }
        Error::Timeout { .. } if matches!(ctx, Ctx::Wait { expired: true }) => "WaitTimeoutError",
        Error::Timeout { .. } => "APITimeoutError",
        Error::Connection { .. } => "APIConnectionError",
        Error::Decode { excerpt, .. } => {
            kwargs.set_item("body_excerpt", excerpt)?;
            "UnexpectedResponseError"
        }
        Error::UnexpectedResponse {
            status,
            content_type,
            excerpt,
        } => {
            kwargs.set_item("status", status)?;
            kwargs.set_item("content_type", content_type)?;
            kwargs.set_item("body_excerpt", excerpt)?;
            "UnexpectedResponseError"
        }
        Error::Signature(e) => {
            kwargs.set_item("reason", e.name())?;
            "WebhookVerificationError"
        }
        Error::OperationFailed { status, detail } => {
            kwargs.set_item("status", status)?;
            kwargs.set_item("detail", detail)?;
            "OperationFailedError"
        }
        Error::InvalidCron(_) => "InvalidCronError",
        Error::InvalidArgument(_) if ctx == Ctx::Config => "ConfigurationError",
        Error::InvalidArgument(_) => return Ok(PyValueError::new_err(message)),
        Error::Cancelled => "TwinError",
        _ => "TwinError",
    };
    let class = py.import(MODULE)?.getattr(class)?;
    let value = class.call((message,), Some(&kwargs))?;
    Ok(PyErr::from_value(value))
}

/// A `ValueError` raised while reading a client's configuration (a bad timeout) as the
/// `twin.ConfigurationError` it is; any other error as it is.
pub fn configuration(py: Python<'_>, err: PyErr) -> PyErr {
    if !err.is_instance_of::<PyValueError>(py) {
        return err;
    }
    let class = py
        .import(MODULE)
        .and_then(|m| m.getattr("ConfigurationError"));
    match class.and_then(|c| c.call1((err.value(py).str()?,))) {
        Ok(value) => PyErr::from_value(value),
        Err(e) => e,
    }
}

/// A `twin.Problem` (RFC 9457 problem details) for an API error.
fn problem_object<'py>(
    py: Python<'py>,
    problem: &twin_core::Problem,
) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("type", &problem.type_)?;
    kwargs.set_item("title", &problem.title)?;
    kwargs.set_item("status", problem.status)?;
    kwargs.set_item("detail", &problem.detail)?;
    kwargs.set_item("instance", &problem.instance)?;
    let extensions = serde_json::Value::Object(problem.extensions.clone());
    kwargs.set_item("extensions", convert::to_py(py, &extensions)?)?;
    py.import(MODULE)?
        .getattr("Problem")?
        .call((), Some(&kwargs))
}

/// The `twin.Problem` the SDK reads from an error response (status, body, content type and
/// `Allow` header), for replaying stored responses and for the shared test vectors.
#[pyfunction]
#[pyo3(signature = (status, body, content_type=None, allow=None))]
pub fn problem_from_response<'py>(
    py: Python<'py>,
    status: u16,
    body: &[u8],
    content_type: Option<&str>,
    allow: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let problem = twin_core::Problem::from_response(status, content_type, allow, body);
    problem_object(py, &problem)
}

/// The error for a worker thread that panicked: a bug, reported as such.
pub fn panicked() -> PyErr {
    PyRuntimeError::new_err("internal error in twin (a worker thread panicked)")
}

/// The error for a client used after `close()`.
pub fn closed() -> PyErr {
    PyRuntimeError::new_err("the client is closed")
}
