//! [`Client`] and its builder, and the private generic request functions: the only place that
//! builds URLs (every path segment percent-encoded) and calls the transport.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use ureq::http::Method;

use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::scrub::Secrets;
use crate::transport::{BodyLimit, Idempotency, Outgoing, Reply, Timeouts, Transport};

/// The only host that serves the API (twin-api.md 1.1).
pub const DEFAULT_BASE_URL: &str = "https://build.twin.so";
/// Environment variable read for the API key.
pub const ENV_API_KEY: &str = "TWIN_API_KEY";
/// Environment variable read for the base URL.
pub const ENV_BASE_URL: &str = "TWIN_BASE_URL";

/// Everything but RFC 3986 unreserved characters is encoded, so an id with `/`, `?`, `#`, `%`,
/// spaces or non-ASCII reaches the server as exactly one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'~')
    .remove(b'.');

/// A client of the Twin API. Cheap to clone (clones share connections); `Send + Sync`, so one
/// client serves many threads. Its `Debug` output never shows the API key.
///
/// ```no_run
/// let client = twin_core::Client::builder().api_key("twin_...").build()?;
/// for agent in client.agents().list(&Default::default()) {
///     println!("{}", agent?.agent_id);
/// }
/// # Ok::<(), twin_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    timeouts: Timeouts,
}

struct Inner {
    transport: Transport,
    base_url: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_key", &"<redacted>")
            .field("timeouts", &self.timeouts)
            .finish()
    }
}

/// Builds a [`Client`]. Explicit values win over the environment (`TWIN_API_KEY`,
/// `TWIN_BASE_URL`), which wins over the defaults.
#[derive(Default)]
#[must_use = "a builder does nothing until `build()`"]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    timeouts: Timeouts,
    user_agent_suffix: Option<String>,
    root_certificates: Vec<Vec<u8>>,
    without_system_roots: bool,
    on_attempt: crate::observe::Hook,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A callback that receives a record of every HTTP attempt ([`Attempt`](crate::Attempt):
    /// method, route template, status, attempt number, duration, request id, error kind;
    /// never the key or a body), for metrics and traces. Clients made with
    /// [`Client::with_timeouts`] share it.
    pub fn on_attempt(mut self, f: impl Fn(&crate::Attempt) + Send + Sync + 'static) -> Self {
        self.on_attempt = crate::observe::Hook(Some(Arc::new(f)));
        self
    }

    /// The API key sent as `x-api-key` (default: `TWIN_API_KEY`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The API's base URL (default: `TWIN_BASE_URL`, else `https://build.twin.so`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Time to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.timeouts.connect = d;
        self
    }

    /// Time for one attempt (default 60 s).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeouts.attempt = d;
        self
    }

    /// Time for a whole call, retries included (default 120 s).
    pub fn total_timeout(mut self, d: Duration) -> Self {
        self.timeouts.total = d;
        self
    }

    /// Retries after the first attempt (default 2). See [`Client`] for what is retried.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.timeouts.max_retries = n;
        self
    }

    /// Appended to the `User-Agent` (`twin-sdk/<version> <suffix>`), e.g. `python/3.12`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Trusts this PEM-encoded certificate (or bundle) in addition to the default roots (see
    /// [`ClientBuilder::system_roots`]), e.g. a private CA or a test server's self-signed
    /// certificate. Certificates are always verified; adding one never removes another.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// Whether the operating system's trust store is trusted beside Mozilla's roots, which
    /// are built in (default: true). The store is read once per process, at the first client
    /// built: `SSL_CERT_FILE` and `SSL_CERT_DIR` name it when set (as for OpenSSL), otherwise
    /// the system's bundle (`/etc/ssl/certs/...` on Linux). `false`: Mozilla's roots and the
    /// added certificates only, e.g. where the system store holds an intercepting proxy's CA
    /// that must not be trusted.
    pub fn system_roots(mut self, trust: bool) -> Self {
        self.without_system_roots = !trust;
        self
    }

    /// Builds the client. Fails with [`Error::InvalidArgument`] when no API key is given or
    /// set in the environment, or the base URL is not an http(s) URL.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when no API key is given or set in `TWIN_API_KEY` (or it is blank
    /// or has control characters), the base URL is not an http(s) URL without a query, a timeout is
    /// zero, or an added root certificate is not a PEM certificate. Nothing is sent.
    pub fn build(self) -> Result<Client> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let api_key = self.api_key.or_else(|| env(ENV_API_KEY)).ok_or_else(|| {
            Error::InvalidArgument(format!("no API key: pass one or set {ENV_API_KEY}"))
        })?;
        if api_key.trim().is_empty() || api_key.chars().any(|c| c.is_control()) {
            return Err(Error::InvalidArgument(
                "the API key is empty or has control characters".into(),
            ));
        }
        let base_url = self
            .base_url
            .or_else(|| env(ENV_BASE_URL))
            .unwrap_or_else(|| DEFAULT_BASE_URL.into());
        let base_url = check_base_url(&base_url)?;
        let t = &self.timeouts;
        if [t.connect, t.attempt, t.total]
            .iter()
            .any(Duration::is_zero)
        {
            return Err(Error::InvalidArgument(
                "timeouts must be greater than zero".into(),
            ));
        }
        let user_agent = match self.user_agent_suffix {
            Some(s) => format!("twin-sdk/{} {s}", env!("CARGO_PKG_VERSION")),
            None => format!("twin-sdk/{} rust", env!("CARGO_PKG_VERSION")),
        };
        let tls = tls_config(&self.root_certificates, !self.without_system_roots)?;
        let mut transport = Transport::new(api_key, &user_agent, &self.timeouts, tls);
        transport.on_attempt = self.on_attempt;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                base_url,
            }),
            timeouts: self.timeouts,
        })
    }
}

fn check_base_url(url: &str) -> Result<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let uri: ureq::http::Uri = trimmed
        .parse()
        .map_err(|_| Error::InvalidArgument(format!("base url {trimmed:?} is not a URL")))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none_or(str::is_empty) {
        return Err(Error::InvalidArgument(format!(
            "base url {trimmed:?} must be an http or https URL"
        )));
    }
    if uri.query().is_some() {
        return Err(Error::InvalidArgument(format!(
            "base url {trimmed:?} must not have a query"
        )));
    }
    Ok(trimmed.to_string())
}

#[cfg(not(any(
    feature = "rustls",
    feature = "platform-verifier",
    feature = "native-tls"
)))]
compile_error!(
    "twin-core needs a TLS feature: rustls (the default), platform-verifier or native-tls"
);

/// The TLS library and verifier chosen by the crate's features (see docs/RUST.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TlsFeature {
    /// rustls with a list of roots: Mozilla's, the system's (unless turned off), the added.
    Rustls,
    /// rustls with the operating system's verifier.
    PlatformVerifier,
    /// The system's TLS library with its own roots.
    NativeTls,
}

/// The feature in force: native-tls over platform-verifier over rustls.
const TLS: TlsFeature = if cfg!(feature = "native-tls") {
    TlsFeature::NativeTls
} else if cfg!(feature = "platform-verifier") {
    TlsFeature::PlatformVerifier
} else {
    TlsFeature::Rustls
};

/// The roots a client trusts. With the `rustls` feature: Mozilla's (built in), the system's
/// (unless turned off) and the added certificates, all together. With `platform-verifier` or
/// `native-tls`: the operating system's verifier or TLS library with its own roots; but when
/// certificates are added or the system store is turned off, the same list as `rustls` (the
/// platform's verifier cannot take extra roots through ureq), so an added certificate always
/// adds to the roots and never replaces them.
fn tls_config(pems: &[Vec<u8>], system: bool) -> Result<ureq::tls::TlsConfig> {
    use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};
    let mut added: Vec<Certificate<'static>> = Vec::new();
    for pem in pems {
        for item in ureq::tls::parse_pem(pem) {
            match item {
                Ok(PemItem::Certificate(c)) => added.push(c),
                Ok(_) => {}
                Err(e) => {
                    return Err(Error::InvalidArgument(format!(
                        "bad root certificate pem: {e}"
                    )));
                }
            }
        }
    }
    if !pems.is_empty() && added.is_empty() {
        return Err(Error::InvalidArgument(
            "no certificate in the root certificate pem".into(),
        ));
    }
    let provider = match TLS {
        TlsFeature::NativeTls => TlsProvider::NativeTls,
        TlsFeature::Rustls | TlsFeature::PlatformVerifier => TlsProvider::Rustls,
    };
    let roots = if TLS != TlsFeature::Rustls && system && added.is_empty() {
        RootCerts::PlatformVerifier
    } else {
        let roots = default_roots(system);
        if added.is_empty() {
            RootCerts::Specific(roots)
        } else {
            RootCerts::new_with_certs(&[roots.as_slice(), &added].concat())
        }
    };
    Ok(TlsConfig::builder()
        .provider(provider)
        .root_certs(roots)
        .build())
}

/// Mozilla's roots, and the system's when asked for; computed once per process.
fn default_roots(system: bool) -> Arc<Vec<ureq::tls::Certificate<'static>>> {
    use std::sync::OnceLock;
    use ureq::tls::Certificate;
    static MOZILLA: OnceLock<Arc<Vec<Certificate<'static>>>> = OnceLock::new();
    static WITH_SYSTEM: OnceLock<Arc<Vec<Certificate<'static>>>> = OnceLock::new();
    let mozilla = MOZILLA.get_or_init(|| {
        let certs = webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter();
        Arc::new(certs.map(|c| Certificate::from_der(c).to_owned()).collect())
    });
    if !system {
        return mozilla.clone();
    }
    WITH_SYSTEM
        .get_or_init(|| {
            let found = rustls_native_certs::load_native_certs();
            if !found.errors.is_empty() {
                log::debug!("system trust store: {} unreadable", found.errors.len());
            }
            let mut all = mozilla.as_ref().clone();
            all.extend(
                found
                    .certs
                    .iter()
                    .map(|c| Certificate::from_der(c).to_owned()),
            );
            Arc::new(all)
        })
        .clone()
}

impl Client {
    /// A builder; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `TWIN_API_KEY` and `TWIN_BASE_URL` alone.
    ///
    /// # Errors
    ///
    /// As [`ClientBuilder::build`]: [`Error::InvalidArgument`] when `TWIN_API_KEY` is not set or
    /// `TWIN_BASE_URL` is not an http(s) URL.
    pub fn from_env() -> Result<Client> {
        Client::builder().build()
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The time limits and retries in force.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// A client that shares this one's connections but uses other limits, for one call or
    /// several: `client.with_timeouts(client.timeouts().max_retries(0))`. Every limit applies,
    /// the connect timeout included.
    #[must_use]
    pub fn with_timeouts(&self, timeouts: Timeouts) -> Client {
        Client {
            inner: self.inner.clone(),
            timeouts,
        }
    }

    /// Sends a request and returns the raw reply of a 2xx API answer; every other outcome is an
    /// error (see [`classify`]).
    pub(crate) fn reply(&self, call: Call) -> Result<Reply> {
        classify(self.execute_raw(call)?)
    }

    /// Sends a request and returns its final reply, whatever the status.
    fn execute_raw(&self, call: Call) -> Result<Reply> {
        let path = call.path?;
        let mut url = format!("{}{}", self.inner.base_url, path);
        if !call.query.is_empty() {
            url.push('?');
            url.push_str(&encode_query(&call.query));
        }
        let body = call
            .body
            .map(|b| serde_json::to_vec(&b))
            .transpose()
            .map_err(|e| Error::InvalidArgument(format!("cannot encode request body: {e}")))?;
        let outgoing = Outgoing {
            method: call.method,
            url: &url,
            path: &path,
            body,
            idempotency: call.idempotency,
            limit: call.limit,
        };
        self.inner.transport.send(&outgoing, &self.timeouts)
    }

    /// This client limited to end by `deadline`: each attempt and the whole call get at most
    /// the time left. `None` once the deadline has passed. Waits and follows poll with it, so
    /// a slow poll cannot outlast them.
    pub(crate) fn until(&self, deadline: std::time::Instant) -> Option<Client> {
        let left = deadline
            .checked_duration_since(std::time::Instant::now())
            .filter(|d| !d.is_zero())?;
        Some(self.with_timeouts(Timeouts {
            total: self.timeouts.total.min(left),
            attempt: self.timeouts.attempt.min(left),
            ..self.timeouts
        }))
    }

    /// This client with what is left of a call's total time since `started`, for the requests
    /// that finish a call (a read-back after a conflict): a call never outlives its limit.
    pub(crate) fn rest_of_call(&self, started: std::time::Instant) -> Result<Client> {
        let total = self.timeouts.total;
        self.until(started + total).ok_or_else(|| Error::Timeout {
            message: format!("call took longer than {total:?}"),
            maybe_sent: true,
            source: None,
        })
    }

    /// A request whose answer is JSON.
    pub(crate) fn json(&self, call: Call) -> Result<Value> {
        let reply = self.reply(call)?;
        parse_json(&reply)
    }

    /// A create that is safe to retry because it names its id: `Ok(None)` when the final answer
    /// is a 409 Conflict after an earlier attempt may have reached the service, i.e. when the
    /// conflict is most likely with our own first attempt. The caller then reads the object.
    pub(crate) fn reply_unless_own_conflict(&self, call: Call) -> Result<Option<Reply>> {
        let reply = self.execute_raw(call)?;
        if reply.status == 409 && reply.retried_after_delivery {
            log::debug!("409 after a possibly delivered attempt: reading the object back");
            return Ok(None);
        }
        classify(reply).map(Some)
    }

    /// A request whose answer only says whether it was done: 204, or a flag
    /// (`{"success": bool, "error"?}`, `{"deleted": bool}`, `{"revoked": bool}`) whose
    /// `false` is [`Error::OperationFailed`] (see [`refusal`]).
    /// A DELETE answered 404 (or 403, the service's answer for a missing agent) after an
    /// earlier attempt may have reached the service deleted the thing then: it succeeded.
    pub(crate) fn send(&self, call: Call) -> Result<()> {
        let delete = call.method == Method::DELETE;
        let reply = self.execute_raw(call)?;
        if delete && reply.retried_after_delivery && matches!(reply.status, 403 | 404) {
            log::debug!(
                "{} after a possibly delivered delete: already gone",
                reply.status
            );
            return Ok(());
        }
        let reply = classify(reply)?;
        match serde_json::from_slice::<Value>(&reply.body) {
            Ok(body) => refusal(&reply, &body).map_or(Ok(()), Err),
            Err(_) => Ok(()), // 204, or an answer with nothing to say
        }
    }
}

/// The [`Error::OperationFailed`] of a 2xx answer whose flag says the operation was not done:
/// `success`, `deleted` or `revoked` set to `false` (its `error` text, cleaned of control
/// characters and secrets, as the detail).
pub(crate) fn refusal(reply: &Reply, body: &Value) -> Option<Error> {
    let refused = ["success", "deleted", "revoked"]
        .iter()
        .any(|flag| body.get(flag) == Some(&Value::Bool(false)));
    refused.then(|| operation_failed(reply, body))
}

/// [`Error::OperationFailed`] for a 2xx answer that says the operation was not done, with its
/// `error` text as the detail.
pub(crate) fn operation_failed(reply: &Reply, body: &Value) -> Error {
    Error::OperationFailed {
        status: reply.status,
        detail: error_text(reply, body),
    }
}

/// The service's own words in a 2xx answer (its `error` member), safe to show: without the
/// key or control characters, at most 500 characters; `None` when absent or empty.
pub(crate) fn error_text(reply: &Reply, body: &Value) -> Option<String> {
    body.get("error")
        .and_then(Value::as_str)
        .map(|e| crate::scrub::clean_text(&reply.secrets.text(e), 500))
        .filter(|e| !e.is_empty())
}

/// One API call, described; the client turns it into a URL and a request.
pub(crate) struct Call {
    method: Method,
    /// The encoded path, or why it could not be built.
    path: Result<String>,
    query: Vec<(String, String)>,
    body: Option<Value>,
    idempotency: Idempotency,
    limit: BodyLimit,
}

impl Call {
    /// A GET of `path` (segments, each encoded).
    pub fn get(path: &[&str]) -> Self {
        Call::new(Method::GET, path, Idempotency::Safe)
    }
    /// A POST; `idempotency` says whether it may be repeated.
    pub fn post(path: &[&str], idempotency: Idempotency) -> Self {
        Call::new(Method::POST, path, idempotency)
    }
    pub fn put(path: &[&str]) -> Self {
        Call::new(Method::PUT, path, Idempotency::Safe)
    }
    pub fn patch(path: &[&str]) -> Self {
        Call::new(Method::PATCH, path, Idempotency::Safe)
    }
    pub fn delete(path: &[&str]) -> Self {
        Call::new(Method::DELETE, path, Idempotency::Safe)
    }
    fn new(method: Method, path: &[&str], idempotency: Idempotency) -> Self {
        Call {
            method,
            path: build_path(path),
            query: Vec::new(),
            body: None,
            idempotency,
            limit: BodyLimit::Object,
        }
    }
    /// Not repeated once it may have reached the service (see [`Idempotency::Unsafe`]).
    pub fn unsafe_to_repeat(mut self) -> Self {
        self.idempotency = Idempotency::Unsafe;
        self
    }
    /// The largest answer this call may read (default: [`BodyLimit::Object`]).
    pub fn limit(mut self, limit: BodyLimit) -> Self {
        self.limit = limit;
        self
    }

    /// Adds the non-null fields of `params` as query parameters.
    pub fn query(mut self, params: &impl Serialize) -> Self {
        self.query.extend(query_pairs(params));
        self
    }
    /// Sends `body` as JSON.
    pub fn body(mut self, body: &impl Serialize) -> Self {
        self.body = serde_json::to_value(body).ok();
        self
    }
}

/// `/seg/seg/...`, each segment percent-encoded; `.` and `..` too, so no client or proxy
/// folds them. An empty segment is refused: it would change which route is called.
fn build_path(segments: &[&str]) -> Result<String> {
    let mut path = String::new();
    for seg in segments {
        if seg.is_empty() {
            return Err(Error::InvalidArgument("an id in the path is empty".into()));
        }
        path.push('/');
        match *seg {
            "." => path.push_str("%2E"),
            ".." => path.push_str("%2E%2E"),
            s => path.extend(utf8_percent_encode(s, SEGMENT)),
        }
    }
    Ok(path)
}

/// The non-null fields of a `Serialize` struct, as query pairs (strings as-is, others as JSON).
fn query_pairs(params: &impl Serialize) -> Vec<(String, String)> {
    let Ok(Value::Object(map)) = serde_json::to_value(params) else {
        return Vec::new();
    };
    map.into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| match v {
            Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect()
}

fn encode_query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, SEGMENT),
                utf8_percent_encode(v, SEGMENT)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A reply is an API answer only if it is 2xx and not `application/grpc` or `text/html`
/// (twin-api.md 1.1, 1.3). Other statuses become [`Error::Api`] with a [`Problem`].
pub(crate) fn classify(reply: Reply) -> Result<Reply> {
    if !(200..300).contains(&reply.status) {
        // The key is removed from the body in every spelling before its text is read (and
        // possibly cut), then from each decoded string.
        let problem = Problem::from_response(
            reply.status,
            reply.content_type.as_deref(),
            reply.allow.as_deref(),
            &reply.secrets.errors(reply.body.clone()),
        )
        .scrubbed(&reply.secrets);
        let problem = Box::new(hint_wrong_host(problem, &reply));
        return Err(Error::Api {
            status: reply.status,
            problem,
            request_id: reply.request_id,
            retry_after: reply.retry_after,
        });
    }
    let mime = reply
        .content_type
        .as_deref()
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    if matches!(mime.as_deref(), Some(m) if m.starts_with("application/grpc") || m == "text/html") {
        return Err(unexpected(&reply));
    }
    Ok(reply)
}

/// What an error says when the answer came from some other web service than the Twin API.
pub(crate) const WRONG_HOST_HINT: &str =
    "not an answer of the Twin API: is the base URL right? The API is at https://build.twin.so";

/// The Twin API answers errors with problem details (a `title`, a `status`); another service
/// on a wrong host answers in its own way: `api.twin.so` (FastAPI) with a bare
/// `{"detail": "Not Found"}` in `application/json` (see tests/vectors/real/http-exchanges.json).
/// Such a problem's detail says the base URL is probably wrong.
fn hint_wrong_host(mut problem: Problem, reply: &Reply) -> Problem {
    let bare_detail = serde_json::from_slice::<serde_json::Map<String, Value>>(&reply.body)
        .is_ok_and(|members| {
            members.len() == 1 && members.get("detail").is_some_and(Value::is_string)
        });
    let plain_json = reply.content_type.as_deref().is_some_and(|c| {
        c.trim()
            .to_ascii_lowercase()
            .starts_with("application/json")
    });
    if bare_detail && plain_json {
        problem.detail = Some(match problem.detail.take() {
            Some(detail) => format!("{detail} ({WRONG_HOST_HINT})"),
            None => WRONG_HOST_HINT.to_owned(),
        });
    }
    problem
}

fn unexpected(reply: &Reply) -> Error {
    Error::unexpected(
        reply.status,
        reply.content_type.as_deref(),
        &reply.body,
        &reply.secrets,
    )
}

pub(crate) fn parse_json(reply: &Reply) -> Result<Value> {
    if reply.body.iter().all(u8::is_ascii_whitespace) {
        return Err(unexpected(reply)); // JSON was due, nothing came
    }
    serde_json::from_slice(&reply.body).map_err(|e| {
        let says_json = reply
            .content_type
            .as_deref()
            .is_some_and(|c| c.to_ascii_lowercase().contains("json"));
        if says_json {
            Error::decode(e.to_string(), &reply.body, &reply.secrets)
        } else {
            unexpected(reply) // not JSON, and never said it was
        }
    })
}

/// [`parse_json`] for an answer that has a lighter reader for its usual shape: in any other
/// shape a body over [`BodyLimit::Object`] is refused rather than built into a tree (a
/// `Value` tree takes many times the text's size).
pub(crate) fn parse_unusual(reply: &Reply) -> Result<Value> {
    let limit = BodyLimit::Object.bytes();
    if reply.body.len() as u64 > limit {
        return Err(Error::decode(
            format!(
                "response too large: {} MiB in an unusual shape (limit {} MiB)",
                reply.body.len() >> 20,
                limit >> 20
            ),
            &[],
            &reply.secrets,
        ));
    }
    parse_json(reply)
}

/// Decodes a JSON value of the expected shape; a mismatch is [`Error::Decode`] naming the field.
pub(crate) fn decode_ref<T: DeserializeOwned>(value: &Value) -> Result<T> {
    T::deserialize(value).map_err(|e| decode_error(e, value))
}

/// An [`Error::Decode`] for a value that does not have the expected shape. The value comes
/// from a reply whose long secrets were already removed; secret members are hidden here.
pub(crate) fn decode_error(message: impl fmt::Display, value: &Value) -> Error {
    Error::decode(
        message.to_string(),
        value.to_string().as_bytes(),
        &Secrets::default(),
    )
}

/// Takes the object out of its envelope (`{"agent": {...}}`), or the object itself when the
/// service sent it top-level.
pub(crate) fn unwrap_one(mut value: Value, key: &str) -> Value {
    match value.get_mut(key) {
        Some(inner) if inner.is_object() => inner.take(),
        _ => value,
    }
}

/// Takes the list out of its envelope (`{"agents": [...]}`), falling back to `data` and to a
/// bare array (twin-api.md 7).
pub(crate) fn unwrap_list(mut value: Value, key: &str) -> Result<Vec<Value>> {
    let list = match &mut value {
        Value::Array(items) => std::mem::take(items),
        Value::Object(map) => match map.remove(key).or_else(|| map.remove("data")) {
            Some(Value::Array(items)) => items,
            Some(Value::Null) | None => Vec::new(),
            Some(other) => return Err(decode_error(format!("{key} is not a list"), &other)),
        },
        other => {
            return Err(decode_error(
                format!("expected an object with {key}"),
                other,
            ));
        }
    };
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded_one_each() {
        assert_eq!(
            build_path(&["v1", "agents", "a/b"]).unwrap(),
            "/v1/agents/a%2Fb"
        );
        assert_eq!(build_path(&["x", ".."]).unwrap(), "/x/%2E%2E");
        assert_eq!(build_path(&["x", "."]).unwrap(), "/x/%2E");
        assert_eq!(build_path(&["x", "a..b"]).unwrap(), "/x/a..b");
        assert_eq!(
            build_path(&["x", "q?#% é"]).unwrap(),
            "/x/q%3F%23%25%20%C3%A9"
        );
        assert_eq!(
            build_path(&["019db5a5-56b8-7a40_~"]).unwrap(),
            "/019db5a5-56b8-7a40_~"
        );
        assert!(matches!(
            build_path(&["v1", ""]),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn query_skips_none_and_encodes() {
        #[derive(Serialize)]
        struct Q {
            a: Option<String>,
            b: Option<u32>,
            c: Option<bool>,
        }
        let pairs = query_pairs(&Q {
            a: Some("x y&z".into()),
            b: None,
            c: Some(true),
        });
        assert_eq!(encode_query(&pairs), "a=x%20y%26z&c=true");
    }

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        assert_eq!(
            check_base_url("https://build.twin.so/").unwrap(),
            "https://build.twin.so"
        );
        assert_eq!(
            check_base_url("http://127.0.0.1:8080/proxy/").unwrap(),
            "http://127.0.0.1:8080/proxy"
        );
        for bad in ["build.twin.so", "ftp://x", "https://", "https://x/?a=1", ""] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }

    fn reply(status: u16, ct: Option<&str>, body: &str) -> Reply {
        Reply {
            request_id: Some("req-1".into()),
            ..Reply::fake(status, ct, body)
        }
    }

    #[test]
    fn only_2xx_api_answers_succeed() {
        assert!(classify(reply(200, Some("application/json"), "{}")).is_ok());
        assert!(classify(reply(204, None, "")).is_ok());
        let grpc = classify(reply(200, Some("application/grpc"), "")).unwrap_err();
        assert!(
            matches!(grpc, Error::UnexpectedResponse { status: 200, .. }),
            "{grpc:?}"
        );
        let html = classify(reply(
            200,
            Some("text/html; charset=utf-8"),
            "<html></html>",
        ))
        .unwrap_err();
        assert!(matches!(html, Error::UnexpectedResponse { .. }));
        let e = classify(reply(403, Some("application/problem+json"), r#"{"detail":"you do not have access to this agent","status":403,"title":"Forbidden","type":"about:blank"}"#)).unwrap_err();
        match e {
            Error::Api {
                status: 403,
                problem,
                request_id,
                ..
            } => {
                assert_eq!(
                    problem.detail.as_deref(),
                    Some("you do not have access to this agent")
                );
                assert_eq!(request_id.as_deref(), Some("req-1"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_false_flag_is_an_operation_failure() {
        let check = |body: &str| {
            let r = reply(200, Some("application/json"), body);
            refusal(&r, &serde_json::from_str(body).unwrap())
        };
        for body in [
            r#"{"success": false, "error": "no \u001b[31mschedule"}"#,
            r#"{"deleted": false, "error": "no \u001b[31mschedule"}"#,
        ] {
            let e = check(body).expect("refused");
            assert_eq!(e.to_string(), "operation failed: no [31mschedule");
            assert_eq!(e.status(), Some(200));
            assert!(!e.maybe_sent());
        }
        let e = check(r#"{"revoked": false}"#).expect("refused");
        assert_eq!(
            e.to_string(),
            "operation failed: the service said it was not done"
        );
        for fine in [
            r#"{"success": true}"#,
            r#"{"success": true, "error": "run already completed"}"#,
            r#"{"revoked": true}"#,
            "{}",
        ] {
            assert!(check(fine).is_none(), "{fine}");
        }
    }

    #[test]
    fn answers_of_another_service_name_the_right_host() {
        // api.twin.so, recorded in tests/vectors/real/http-exchanges.json.
        let e = classify(reply(
            404,
            Some("application/json"),
            r#"{"detail": "Not Found"}"#,
        ))
        .unwrap_err();
        assert!(e.is_not_found());
        assert_eq!(
            e.to_string(),
            format!("404 not found: Not Found ({WRONG_HOST_HINT})")
        );
        // The Twin API's own problems are left alone.
        let own = classify(reply(
            404,
            Some("application/problem+json"),
            r#"{"detail":"run r not found","status":404,"title":"Not Found","type":"about:blank"}"#,
        ))
        .unwrap_err();
        assert_eq!(own.to_string(), "404 not found: run r not found");
        // builder.twin.so answers with the web app's HTML.
        let html = classify(reply(
            200,
            Some("text/html; charset=utf-8"),
            "<html></html>",
        ));
        assert!(
            html.unwrap_err()
                .to_string()
                .contains("https://build.twin.so")
        );
    }

    #[test]
    fn envelopes_and_fallbacks() {
        let v = serde_json::json!({ "agent": { "agent_id": "a" } });
        assert_eq!(unwrap_one(v, "agent")["agent_id"], "a");
        let top = serde_json::json!({ "webhook_id": "w" });
        assert_eq!(unwrap_one(top, "webhook")["webhook_id"], "w");
        assert_eq!(
            unwrap_list(serde_json::json!({ "agents": [1, 2] }), "agents")
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            unwrap_list(serde_json::json!({ "data": [1] }), "agents")
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            unwrap_list(serde_json::json!([1, 2, 3]), "agents")
                .unwrap()
                .len(),
            3
        );
        assert_eq!(
            unwrap_list(serde_json::json!({}), "agents").unwrap().len(),
            0
        );
        assert!(unwrap_list(serde_json::json!({ "agents": 5 }), "agents").is_err());
    }

    #[test]
    fn debug_hides_the_key() {
        let c = Client::builder()
            .api_key("twin_secret_marker_123")
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("secret_marker"), "{shown}");
        assert!(shown.contains("127.0.0.1:9"));
    }

    #[test]
    fn added_certificates_add_to_the_default_roots() {
        use ureq::tls::{RootCerts, TlsProvider};
        let count =
            |pems: &[Vec<u8>], system: bool| match tls_config(pems, system).unwrap().root_certs() {
                RootCerts::Specific(certs) => certs.len(),
                other => panic!("{other:?}"),
            };
        let mozilla = count(&[], false);
        assert_eq!(mozilla, webpki_root_certs::TLS_SERVER_ROOT_CERTS.len());
        assert!(mozilla > 100, "{mozilla}");
        let with_system = default_roots(true).len();
        assert!(with_system >= mozilla);
        // The feature's own verifier, unless certificates are added or the system is not trusted.
        let plain = tls_config(&[], true).unwrap();
        match TLS {
            TlsFeature::Rustls => assert_eq!(count(&[], true), with_system),
            TlsFeature::PlatformVerifier | TlsFeature::NativeTls => {
                assert!(matches!(plain.root_certs(), RootCerts::PlatformVerifier))
            }
        }
        let native = TLS == TlsFeature::NativeTls;
        assert_eq!(plain.provider() == TlsProvider::NativeTls, native);
        // A private CA is one more root, beside all the others.
        let private = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        let cert = private.cert.pem().into_bytes();
        assert_eq!(count(std::slice::from_ref(&cert), true), with_system + 1);
        assert_eq!(count(&[cert], false), mozilla + 1);
        assert!(tls_config(&[b"not a pem".to_vec()], true).is_err());
    }

    #[test]
    fn missing_key_is_a_clear_error() {
        // An empty explicit key is refused even if the environment has one.
        let e = Client::builder().api_key("  ").build().unwrap_err();
        assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}");
    }
}
