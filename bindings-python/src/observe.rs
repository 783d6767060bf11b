//! `Client(on_attempt=...)` and `twin.Attempt`: a record of every HTTP attempt handed to a
//! Python callable. Pairs with `core/src/observe.rs`.

use pyo3::prelude::*;

/// One HTTP attempt of a call, as handed to `Client(on_attempt=...)`: never the key, a query
/// string or a body.
#[pyclass(frozen, module = "twin", name = "Attempt")]
pub struct Attempt {
    inner: twin_core::Attempt,
}

#[pymethods]
impl Attempt {
    /// The HTTP method, e.g. `GET`.
    #[getter]
    fn method(&self) -> &str {
        &self.inner.method
    }

    /// The route with its ids replaced by names, e.g. `/v1/agents/{agent_id}/runs`.
    #[getter]
    fn route(&self) -> &str {
        &self.inner.route
    }

    /// The HTTP status, when an answer came (any status, 2xx or not).
    #[getter]
    fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// 1 for the first attempt, 2 for the first retry, ...
    #[getter]
    fn attempt(&self) -> u32 {
        self.inner.attempt
    }

    /// Seconds from sending the request to the end of reading the answer (or the failure).
    #[getter]
    fn duration(&self) -> f64 {
        self.inner.duration.as_secs_f64()
    }

    /// The request id the service sent (`x-request-id`), if any.
    #[getter]
    fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// Why no answer came: `timeout`, `connection`, `too_large` or `other`; `None` when an
    /// answer came.
    #[getter]
    fn error(&self) -> Option<&'static str> {
        self.inner.error
    }

    fn __repr__(&self) -> String {
        let a = &self.inner;
        let outcome = match (a.status, a.error) {
            (Some(status), _) => status.to_string(),
            (None, Some(error)) => error.to_owned(),
            (None, None) => "?".to_owned(),
        };
        format!(
            "Attempt({} {} -> {outcome}, attempt={}, {:.1} ms)",
            a.method,
            a.route,
            a.attempt,
            a.duration.as_secs_f64() * 1e3
        )
    }
}

thread_local! {
    /// The request id of the last attempt made on this thread (`None` when it sent none).
    static LAST_REQUEST_ID: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` and returns, with its result, the request id of the last attempt it made on this
/// thread (what the service sent with its answer), if any.
pub fn with_request_id<T>(f: impl FnOnce() -> T) -> (T, Option<String>) {
    LAST_REQUEST_ID.with(|l| l.borrow_mut().take());
    let result = f();
    (result, LAST_REQUEST_ID.with(|l| l.borrow_mut().take()))
}

/// The core callback of every Python client: it notes each attempt's request id for
/// [`with_request_id`], then calls `callable(twin.Attempt)` (if any) with the GIL taken (the call
/// runs with it released). An exception in the callable is reported as unraisable (it never
/// fails the call); at interpreter shutdown nothing is called.
pub fn hook(callable: Option<Py<PyAny>>) -> impl Fn(&twin_core::Attempt) + Send + Sync + 'static {
    move |attempt| {
        LAST_REQUEST_ID.with(|l| *l.borrow_mut() = attempt.request_id.clone());
        let Some(callable) = &callable else { return };
        Python::try_attach(|py| {
            let record = Attempt {
                inner: attempt.clone(),
            };
            if let Err(e) = callable.call1(py, (record,)) {
                e.write_unraisable(py, Some(callable.bind(py)));
            }
        });
    }
}
