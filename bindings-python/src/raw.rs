//! `client.request()` and `twin.RawResponse`: any route, with the client's key, retries, time
//! limits, errors and redaction. Pairs with `core/src/raw.rs`.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString};

use crate::client::ClientRef;
use crate::convert;

/// The answer to `client.request()`: always a 2xx (any other status raises the usual
/// `twin.APIStatusError`).
#[pyclass(frozen, module = "twin", name = "RawResponse")]
pub struct RawResponse {
    inner: twin_core::RawResponse,
}

#[pymethods]
impl RawResponse {
    /// The HTTP status, e.g. 200.
    #[getter]
    fn status(&self) -> u16 {
        self.inner.status
    }

    /// The headers the SDK reads, by lowercase name, when sent: `content-type`,
    /// `x-request-id`, `retry-after`, `allow`. The key never appears.
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let headers = PyDict::new(py);
        for (name, value) in &self.inner.headers {
            headers.set_item(name, value)?;
        }
        Ok(headers)
    }

    /// The body decoded from JSON (dicts, lists, strings, numbers); `None` when empty.
    #[getter]
    fn json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match &self.inner.json {
            Some(value) => convert::to_py(py, value),
            None => Ok(py.None().into_bound(py)),
        }
    }

    /// The request id the service sent (`x-request-id`), if any.
    #[getter]
    fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    fn __repr__(&self) -> String {
        let id = self.inner.request_id.as_deref().unwrap_or("none");
        format!(
            "RawResponse(status={}, request_id={id:?})",
            self.inner.status
        )
    }
}

/// A query value as the service reads it: `true`/`false` for booleans, `str()` otherwise.
fn query_value(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if value.is_instance_of::<PyBool>() {
        return Ok(if value.is_truthy()? { "true" } else { "false" }.to_owned());
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    Ok(value.str()?.to_cow()?.into_owned())
}

/// `Client.request`: see its docstring in `client.rs`.
pub fn request(
    py: Python<'_>,
    client: &ClientRef,
    method: &str,
    path: &str,
    params: Option<&Bound<'_, PyDict>>,
    json: Option<&Bound<'_, PyAny>>,
) -> PyResult<RawResponse> {
    let mut query = Vec::new();
    if let Some(params) = params {
        for (name, value) in params.iter() {
            if !value.is_none() {
                query.push((name.str()?.to_cow()?.into_owned(), query_value(&value)?));
            }
        }
    }
    let body = json.map(convert::from_py).transpose()?;
    client
        .call(py, |c| c.request(method, path, &query, body.as_ref()))
        .map(|inner| RawResponse { inner })
}
