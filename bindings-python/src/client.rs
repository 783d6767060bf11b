//! `twin.Client`: configuration, `close()`, the context manager, and the resource handles.
//! Pairs with `core/src/client.rs`.

use std::sync::{Arc, RwLock};

use pyo3::prelude::*;

use crate::errors::{self, Ctx};
use crate::{
    agents, api_keys, convert, events, instructions, logging, me, observe, raw, runs, schedules,
    webhooks, workspaces,
};

/// A shared handle on the core client; `None` once closed. Resource handles and runs hold a
/// clone, so closing the client closes them all.
#[derive(Clone, Default)]
pub struct ClientRef(Arc<RwLock<Option<twin_core::Client>>>);

impl ClientRef {
    /// The core client, or an error if closed.
    pub fn get(&self) -> PyResult<twin_core::Client> {
        self.0
            .read()
            .map_err(|_| errors::closed())?
            .clone()
            .ok_or_else(errors::closed)
    }

    fn close(&self) {
        if let Ok(mut c) = self.0.write() {
            *c = None;
        }
    }

    /// Runs one blocking core call with the GIL released and maps its error.
    pub fn call<T, F>(&self, py: Python<'_>, f: F) -> PyResult<T>
    where
        T: Send,
        F: FnOnce(&twin_core::Client) -> twin_core::Result<T> + Send,
    {
        self.call_with_id(py, f).map(|(value, _)| value)
    }

    /// [`ClientRef::call`], with the request id the service sent with the call's last answer.
    pub fn call_with_id<T, F>(&self, py: Python<'_>, f: F) -> PyResult<(T, Option<String>)>
    where
        T: Send,
        F: FnOnce(&twin_core::Client) -> twin_core::Result<T> + Send,
    {
        let client = self.get()?;
        logging::refresh(py);
        let (result, id) = py.detach(|| observe::with_request_id(|| f(&client)));
        result
            .map(|value| (value, id))
            .map_err(|e| errors::to_py(py, e, Ctx::Call))
    }

    /// [`ClientRef::call`] for a call that returns one model: the model, carrying the request
    /// id of the answer (its `request_id`).
    pub fn model<T, M, F>(&self, py: Python<'_>, f: F) -> PyResult<M>
    where
        T: Send,
        M: From<T> + crate::model::Identified,
        F: FnOnce(&twin_core::Client) -> twin_core::Result<T> + Send,
    {
        self.call_with_id(py, f)
            .map(|(value, id)| M::from(value).with_request_id(id))
    }
}

/// A client of the Twin API. One client serves many threads; every call releases the GIL.
///
/// `api_key` defaults to `TWIN_API_KEY` and `base_url` to `TWIN_BASE_URL`, else
/// `https://build.twin.so`; without a key, or with a base URL that is not an http(s) URL, it
/// raises `twin.ConfigurationError`. Timeouts are in seconds, `None` for no limit: `timeout`
/// per attempt (default 60), `connect_timeout` to connect (10), `total_timeout` for a call
/// including its retries (120).
/// HTTPS certificates are always verified, against Mozilla's roots and, unless
/// `system_roots=False`, the system's trust store (`SSL_CERT_FILE` / `SSL_CERT_DIR` when set);
/// `ca_cert_pem` (PEM text or bytes) adds certificates to those, e.g. a private CA's.
/// `on_attempt`, a callable, receives a `twin.Attempt` for every HTTP attempt (retries
/// included), on the thread making the call, for metrics and traces.
#[pyclass(frozen, module = "twin", name = "Client")]
pub struct Client {
    pub(crate) inner: ClientRef,
    base_url: String,
    timeouts: twin_core::Timeouts,
    /// API keys of the account: list, create, revoke.
    #[pyo3(get)]
    api_keys: Py<api_keys::ApiKeysResource>,
    /// Workspaces: list, create, update, delete, reorder.
    #[pyo3(get)]
    workspaces: Py<workspaces::WorkspacesResource>,
    /// Agents: list (paged), create, get, delete, move.
    #[pyo3(get)]
    agents: Py<agents::AgentsResource>,
    /// Runs: list (paged), start, get, wait, cancel, delete.
    #[pyo3(get)]
    runs: Py<runs::RunsResource>,
    /// Run events: list (paged), follow as they happen.
    #[pyo3(get)]
    events: Py<events::EventsResource>,
    /// Webhooks of agents: create, list, get, update, delete.
    #[pyo3(get)]
    webhooks: Py<webhooks::WebhooksResource>,
    /// Cron schedules of agents: get, set, pause, resume, delete, list.
    #[pyo3(get)]
    schedules: Py<schedules::SchedulesResource>,
    /// Instructions of agents: get, update, history.
    #[pyo3(get)]
    instructions: Py<instructions::InstructionsResource>,
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(
        signature = (api_key=None, base_url=None, *, timeout=Some(60.0), connect_timeout=Some(10.0), total_timeout=Some(120.0), max_retries=2, ca_cert_pem=None, system_roots=true, on_attempt=None),
        text_signature = "(api_key=None, base_url=None, *, timeout=60.0, connect_timeout=10.0, total_timeout=120.0, max_retries=2, ca_cert_pem=None, system_roots=True, on_attempt=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        api_key: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        total_timeout: Option<f64>,
        max_retries: u32,
        ca_cert_pem: Option<Pem>,
        system_roots: bool,
        on_attempt: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let config = || -> PyResult<twin_core::ClientBuilder> {
            Ok(twin_core::Client::builder()
                .system_roots(system_roots)
                .timeout(convert::limit("timeout", timeout)?)
                .connect_timeout(convert::limit("connect_timeout", connect_timeout)?)
                .total_timeout(convert::limit("total_timeout", total_timeout)?)
                .max_retries(max_retries)
                .user_agent_suffix(python_suffix(py)))
        };
        let mut builder = config().map_err(|e| errors::configuration(py, e))?;
        if let Some(key) = api_key {
            builder = builder.api_key(key);
        }
        if let Some(url) = base_url {
            builder = builder.base_url(url);
        }
        let on_attempt = on_attempt.filter(|f| !f.is_none());
        if on_attempt.as_ref().is_some_and(|f| !f.is_callable()) {
            return Err(errors::configuration(
                py,
                pyo3::exceptions::PyValueError::new_err(
                    "on_attempt must be a callable taking a twin.Attempt",
                ),
            ));
        }
        builder = builder.on_attempt(observe::hook(on_attempt.map(Bound::unbind)));
        if let Some(pem) = ca_cert_pem {
            builder = builder.add_root_certificate_pem(match pem {
                Pem::Text(text) => text.into_bytes(),
                Pem::Bytes(bytes) => bytes,
            });
        }
        let core = builder
            .build()
            .map_err(|e| errors::to_py(py, e, Ctx::Config))?;
        Client::wrap(py, core)
    }

    /// A client with other limits that shares this one's connections (and key and base URL),
    /// for one call or several: `client.with_options(timeout=5, max_retries=0).agents.get(id)`.
    /// Each of `timeout`, `total_timeout`, `connect_timeout` (seconds, `None` for no limit)
    /// and `max_retries` left out keeps this client's. Closing either closes only that one.
    #[pyo3(
        signature = (**options),
        text_signature = "($self, *, timeout=..., total_timeout=..., connect_timeout=..., max_retries=...)"
    )]
    fn with_options(
        &self,
        py: Python<'_>,
        options: Option<&Bound<'_, pyo3::types::PyDict>>,
    ) -> PyResult<Client> {
        let core = self.inner.get()?;
        let mut t = core.timeouts();
        for (name, value) in options.into_iter().flat_map(|o| o.iter()) {
            let name: String = name.extract()?;
            let limit = |what: &str| -> PyResult<std::time::Duration> {
                convert::limit(what, value.extract()?).map_err(|e| errors::configuration(py, e))
            };
            match name.as_str() {
                "timeout" => t.attempt = limit("timeout")?,
                "total_timeout" => t.total = limit("total_timeout")?,
                "connect_timeout" => t.connect = limit("connect_timeout")?,
                "max_retries" => t.max_retries = value.extract()?,
                other => {
                    return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                        "with_options() got an unexpected keyword argument '{other}' (it takes \
                         timeout, total_timeout, connect_timeout, max_retries)"
                    )));
                }
            }
        }
        Client::wrap(py, core.with_timeouts(t))
    }

    /// Calls any route of the API, for what the SDK does not model yet, with this client's
    /// key, retries, time limits, errors and redaction: `method` is `GET`, `POST`, `PUT`,
    /// `PATCH` or `DELETE`; `path` the part after the base URL (`/v1/agents/abc`, segments
    /// unencoded); `params` the query (`None` values left out); `json` the body. Returns a
    /// `twin.RawResponse` (status, headers, decoded JSON, request id); an error status raises
    /// as from any call. `POST` and `PATCH` are retried only when they certainly were not sent.
    #[pyo3(signature = (method, path, *, params=None, json=None))]
    fn request(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        params: Option<&Bound<'_, pyo3::types::PyDict>>,
        json: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<raw::RawResponse> {
        raw::request(py, &self.inner, method, path, params, json)
    }

    /// The base URL requests go to, without a trailing slash.
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Seconds allowed for one attempt; `None`: no limit.
    #[getter]
    fn timeout(&self) -> Option<f64> {
        convert::limit_secs(self.timeouts.attempt)
    }

    /// Seconds allowed to connect; `None`: no limit.
    #[getter]
    fn connect_timeout(&self) -> Option<f64> {
        convert::limit_secs(self.timeouts.connect)
    }

    /// Seconds allowed for a whole call, retries included; `None`: no limit.
    #[getter]
    fn total_timeout(&self) -> Option<f64> {
        convert::limit_secs(self.timeouts.total)
    }

    /// Retries after the first attempt.
    #[getter]
    fn max_retries(&self) -> u32 {
        self.timeouts.max_retries
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.get().is_err()
    }

    /// The account the API key belongs to.
    fn me(&self, py: Python<'_>) -> PyResult<me::Me> {
        self.inner.model(py, |c| c.me())
    }

    /// Closes the client's connections; later calls raise `RuntimeError`.
    fn close(&self) {
        self.inner.close();
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, pyo3::types::PyTuple>) {
        self.close();
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let url = pyo3::types::PyString::new(py, &self.base_url).repr()?;
        Ok(format!("Client(base_url={url})"))
    }
}

impl Client {
    /// The Python client over a core client, with its resource handles.
    fn wrap(py: Python<'_>, core: twin_core::Client) -> PyResult<Client> {
        let base_url = core.base_url().to_owned();
        let timeouts = core.timeouts();
        let inner = ClientRef(Arc::new(RwLock::new(Some(core))));
        Ok(Client {
            api_keys: Py::new(py, api_keys::ApiKeysResource::new(inner.clone()))?,
            workspaces: Py::new(py, workspaces::WorkspacesResource::new(inner.clone()))?,
            agents: Py::new(py, agents::AgentsResource::new(inner.clone()))?,
            runs: Py::new(py, runs::RunsResource::new(inner.clone()))?,
            events: Py::new(py, events::EventsResource::new(inner.clone()))?,
            webhooks: Py::new(py, webhooks::WebhooksResource::new(inner.clone()))?,
            schedules: Py::new(py, schedules::SchedulesResource::new(inner.clone()))?,
            instructions: Py::new(py, instructions::InstructionsResource::new(inner.clone()))?,
            inner,
            base_url,
            timeouts,
        })
    }
}

/// PEM-encoded certificates, as `str` or `bytes`.
#[derive(FromPyObject)]
enum Pem {
    Text(String),
    Bytes(Vec<u8>),
}

/// `python/3.11` for the User-Agent.
fn python_suffix(py: Python<'_>) -> String {
    let v = py.version_info();
    format!("python/{}.{}", v.major, v.minor)
}

/// Defines a resource handle class holding a `ClientRef`.
macro_rules! resource {
    ($(#[$meta:meta])* $name:ident as $pyname:literal) => {
        $(#[$meta])*
        #[pyclass(frozen, module = "twin", name = $pyname)]
        pub struct $name {
            pub(crate) client: $crate::client::ClientRef,
        }

        impl $name {
            pub fn new(client: $crate::client::ClientRef) -> Self {
                $name { client }
            }
        }
    };
}
pub(crate) use resource;
