//! The wire: one ureq `Agent` per client, timeouts, the retry policy, backoff, `Retry-After`
//! and the call's deadline. Knows nothing of endpoints; `client.rs` calls [`Transport::send`].

use std::hash::{BuildHasher, Hasher};
use std::io::{ErrorKind, Read};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::Agent;
use ureq::http::{self, Method};

use crate::error::{Error, Result, Source};
use crate::scrub::{Secrets, clean_text};

/// Cap of one backoff pause.
const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// First backoff pause; doubled each retry.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// Longest `Retry-After` waited for before a retry: a longer one ends the retries (the error
/// carries it).
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Longest `Retry-After` reported ([`Error::retry_after`]); a larger or later one is clamped.
pub(crate) const MAX_REPORTED_RETRY_AFTER: Duration = Duration::from_secs(3600);
/// Most of an error (non-2xx) body read; the rest is dropped with the connection.
const MAX_ERROR_BODY_BYTES: u64 = 64 * 1024;
/// Longest request id kept, in characters.
const MAX_REQUEST_ID_CHARS: usize = 128;

/// Largest 2xx body read, per kind of answer, counted after decompression. A larger one is
/// [`Error::Decode`] (`response too large`), not retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyLimit {
    /// One object or a short list (me, an agent, a webhook, keys, workspaces): 4 MiB.
    Object,
    /// A page of agents or runs, instructions and their history: 32 MiB.
    Page,
    /// A page of up to 500 events, whose tool outputs can be large: 64 MiB.
    Events,
}

/// Whether `e` is a 2xx body over its [`BodyLimit`].
pub(crate) fn is_too_large(e: &Error) -> bool {
    matches!(e, Error::Decode { message, .. } if message.starts_with(TOO_LARGE))
}

/// How a [`BodyLimit`] error's message starts.
const TOO_LARGE: &str = "response too large";

impl BodyLimit {
    pub(crate) fn bytes(self) -> u64 {
        match self {
            BodyLimit::Object => 4 << 20,
            BodyLimit::Page => 32 << 20,
            BodyLimit::Events => 64 << 20,
        }
    }
}

/// Time limits and retries, per client and overridable per call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Establishing a connection (default 10 s).
    pub connect: Duration,
    /// One attempt, from sending to the last byte of the response (default 60 s).
    pub attempt: Duration,
    /// The whole call, retries and pauses included (default 120 s).
    pub total: Duration,
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
}

setters!(Timeouts {
    into: [],
    some: [],
    set: [connect: Duration, attempt: Duration, total: Duration, max_retries: u32],
});

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            attempt: Duration::from_secs(60),
            total: Duration::from_secs(120),
            max_retries: 2,
        }
    }
}

/// Whether an endpoint may be sent again after it may have reached the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Idempotency {
    /// GET, PUT, DELETE, cancel, pause, resume, reorder, move: retried after a dropped
    /// connection, a timeout, 408, 429 and 5xx.
    Safe,
    /// Creating a run, an agent without an explicit id, a webhook, a key, a workspace, a new
    /// version of instructions: retried only when it certainly was not sent (refused,
    /// DNS, TLS). Never after a 429: nothing says the service did not act on it.
    Unsafe,
}

/// A response with its body read.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: Option<String>,
    pub request_id: Option<String>,
    pub retry_after: Option<Duration>,
    pub allow: Option<String>,
    pub body: Vec<u8>,
    /// Whether an earlier attempt of this call may have reached the service (so a conflict
    /// in this reply may be with our own earlier attempt).
    pub retried_after_delivery: bool,
    /// What must never be shown of this reply: the API key.
    pub secrets: Secrets,
}

#[cfg(test)]
impl Reply {
    /// A reply as a test needs it: a status, a content type and a body, nothing else.
    pub(crate) fn fake(status: u16, content_type: Option<&str>, body: &str) -> Reply {
        Reply {
            status,
            content_type: content_type.map(str::to_owned),
            request_id: None,
            retry_after: None,
            allow: None,
            body: body.as_bytes().to_vec(),
            retried_after_delivery: false,
            secrets: Secrets::default(),
        }
    }
}

/// A request ready to send (and to send again).
pub(crate) struct Outgoing<'a> {
    pub method: Method,
    pub url: &'a str,
    /// For logs: the path without the query, never the key.
    pub path: &'a str,
    pub body: Option<Vec<u8>>,
    pub idempotency: Idempotency,
    pub limit: BodyLimit,
}

pub(crate) struct Transport {
    agent: Agent,
    api_key: Arc<str>,
    /// The agent's own per-call limit (the client's attempt timeout): a call within it needs
    /// no request-level configuration (a copy of the whole ureq config per request).
    attempt_limit: Duration,
    /// The agent's own connect limit; another one (`Client::with_timeouts`) is set per request.
    connect_limit: Duration,
    /// The per-attempt callback, if the client has one (`core/src/observe.rs`).
    pub(crate) on_attempt: crate::observe::Hook,
}

impl Transport {
    pub fn new(
        api_key: String,
        user_agent: &str,
        timeouts: &Timeouts,
        tls: ureq::tls::TlsConfig,
    ) -> Transport {
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(timeouts.connect))
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(user_agent)
            .tls_config(tls)
            .timeout_global(Some(timeouts.attempt))
            .build();
        let agent = Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::default(),
            crate::resolve::Resolver::default(),
        );
        Transport {
            agent,
            api_key: api_key.into(),
            attempt_limit: timeouts.attempt,
            connect_limit: timeouts.connect,
            on_attempt: Default::default(),
        }
    }

    /// Sends with retries, all within `timeouts.total`. Returns the final reply, whatever its
    /// status; errors are what prevented a reply. A connection or timeout error says whether
    /// any attempt may have reached the service ([`Error::maybe_sent`]).
    pub fn send(&self, req: &Outgoing<'_>, timeouts: &Timeouts) -> Result<Reply> {
        let started = Instant::now();
        let deadline = started + timeouts.total;
        let secrets = Secrets::new(self.api_key.clone());
        let mut attempt: u32 = 0;
        let mut maybe_delivered = false;
        loop {
            let now = Instant::now();
            let Some(left) = deadline
                .checked_duration_since(now)
                .filter(|d| !d.is_zero())
            else {
                return Err(Error::Timeout {
                    message: format!("call took longer than {:?}", timeouts.total),
                    maybe_sent: maybe_delivered,
                    source: None,
                });
            };
            let outcome = self
                .attempt(req, timeouts.attempt.min(left), timeouts.connect, &secrets)
                .map(|mut reply| {
                    reply.retried_after_delivery = maybe_delivered;
                    reply
                });
            let elapsed = now.elapsed();
            self.on_attempt.report(
                req.method.as_str(),
                req.path,
                attempt + 1,
                elapsed,
                outcome
                    .as_ref()
                    .map(|r| (r.status, r.request_id.as_deref()))
                    .map_err(|f| &f.error),
            );
            let retry = match &outcome {
                Ok(reply) => {
                    log::debug!(
                        "{} {} -> {} (attempt {}, {} ms)",
                        req.method,
                        req.path,
                        reply.status,
                        attempt + 1,
                        elapsed.as_millis()
                    );
                    retry_reply(reply, req.idempotency)
                }
                Err(failure) => {
                    log::debug!(
                        "{} {} -> {} (attempt {}, {} ms)",
                        req.method,
                        req.path,
                        failure.error,
                        attempt + 1,
                        elapsed.as_millis()
                    );
                    retry_failure(failure, req.idempotency)
                }
            };
            // Only an ambiguous outcome counts as maybe delivered: a dropped connection or a
            // timeout after sending, 408 or 5xx. A 429 or another answer says it was not acted
            // on (or is final anyway).
            maybe_delivered |= match &outcome {
                Ok(reply) => matches!(reply.status, 408 | 500..=599),
                Err(f) => f.maybe_sent,
            };
            let outcome = outcome.map_err(|f| f.error.with_maybe_sent(maybe_delivered));
            let Some(hint) = retry.filter(|_| attempt < timeouts.max_retries) else {
                return outcome;
            };
            // Never sooner than the jittered backoff, even for `Retry-After: 0`; a longer hint
            // is obeyed.
            let pause = hint.map_or_else(|| backoff(attempt), |h| h.max(backoff(attempt)));
            if Instant::now() + pause >= deadline {
                return outcome; // no time left for another attempt: report what we have
            }
            log::debug!(
                "{} {}: retrying in {} ms",
                req.method,
                req.path,
                pause.as_millis()
            );
            std::thread::sleep(pause);
            attempt += 1;
        }
    }

    fn attempt(
        &self,
        req: &Outgoing<'_>,
        limit: Duration,
        connect: Duration,
        secrets: &Secrets,
    ) -> std::result::Result<Reply, Failure> {
        let mut builder = http::Request::builder()
            .method(req.method.clone())
            .uri(req.url)
            .header("x-api-key", &*self.api_key)
            .header("accept", "application/json");
        if req.body.is_some() {
            builder = builder.header("content-type", "application/json");
        }
        let request = builder
            .body(req.body.clone().unwrap_or_default())
            .map_err(|e| {
                Failure::unsent(Error::InvalidArgument(format!("cannot build request: {e}")))
            })?;
        let request = if limit == self.attempt_limit && connect == self.connect_limit {
            request // the agent's own limits apply
        } else {
            self.agent
                .configure_request(request)
                .timeout_global(Some(limit))
                .timeout_connect(Some(connect))
                .build()
        };
        let mut response = self.agent.run(request).map_err(Failure::from_ureq)?;
        let header = |name: &str| -> Option<String> {
            let value = response.headers().get(name)?.to_str().ok()?;
            Some(secrets.text(value).into_owned())
        };
        let (content_type, allow) = (header("content-type"), header("allow"));
        let request_id = header("x-request-id").filter(|id| {
            id.len() <= MAX_REQUEST_ID_CHARS && id.bytes().all(|b| b.is_ascii_graphic())
        });
        let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v));
        let status = response.status().as_u16();
        let body = if (200..300).contains(&status) {
            let max = req.limit.bytes();
            response
                .body_mut()
                .with_config()
                .limit(max)
                .read_to_vec()
                .map_err(|e| Failure::body(e, max))?
        } else {
            // Enough of an error body for its problem details; the rest is not read.
            let mut prefix = Vec::new();
            response
                .body_mut()
                .with_config()
                .reader()
                .take(MAX_ERROR_BODY_BYTES)
                .read_to_end(&mut prefix)
                .map_err(|e| Failure::body(ureq::Error::from(e), MAX_ERROR_BODY_BYTES))?;
            prefix
        };
        Ok(Reply {
            status,
            content_type: content_type.map(|c| clean_text(&c, 200)),
            request_id,
            retry_after,
            allow: allow.map(|a| clean_text(&a, 200)),
            // A server or proxy that echoes the key must not put it into a model.
            body: secrets.data(body),
            retried_after_delivery: false,
            secrets: secrets.clone(),
        })
    }
}

/// An attempt that produced no reply, and whether the request may have reached the server.
struct Failure {
    error: Error,
    maybe_sent: bool,
}

impl Failure {
    fn unsent(error: Error) -> Failure {
        Failure {
            error,
            maybe_sent: false,
        }
    }

    fn from_ureq(e: ureq::Error) -> Failure {
        use ureq::Timeout as T;
        let (error, maybe_sent) = match e {
            ureq::Error::Timeout(phase) => {
                let unsent = matches!(phase, T::Resolve | T::Connect);
                (
                    timeout(format!("no response in time ({phase})"), e),
                    !unsent,
                )
            }
            ureq::Error::HostNotFound => (connection("host not found", e), false),
            ureq::Error::ConnectionFailed => (connection("connection failed", e), false),
            ureq::Error::Io(io) => {
                let unsent = matches!(
                    io.kind(),
                    ErrorKind::ConnectionRefused | ErrorKind::AddrNotAvailable
                );
                (connection(&io.to_string(), ureq::Error::Io(io)), !unsent)
            }
            ureq::Error::BadUri(uri) => (Error::InvalidArgument(format!("bad url: {uri}")), false),
            e if is_tls(&e) => (connection(&format!("tls: {e}"), e), false),
            other => (connection(&other.to_string(), other), true),
        };
        Failure { error, maybe_sent }
    }

    /// The response started but its body could not be read: it was processed. A body over
    /// the limit is not retried (it would be as large again).
    fn body(e: ureq::Error, limit: u64) -> Failure {
        let error = match e {
            ureq::Error::Timeout(_) => timeout("response body too slow".into(), e),
            ureq::Error::BodyExceedsLimit(_) => Error::Decode {
                message: format!(
                    "{TOO_LARGE}: over {} MiB, this endpoint's limit",
                    limit >> 20
                ),
                excerpt: String::new(),
            },
            other => connection(&format!("response body cut off: {other}"), other),
        };
        Failure {
            error,
            maybe_sent: true,
        }
    }
}

/// A TLS failure (a refused certificate, a failed handshake): before anything was sent. Its
/// variants depend on the TLS feature.
fn is_tls(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::Tls(_) | ureq::Error::TlsRequired | ureq::Error::Pem(_) => true,
        #[cfg(any(feature = "rustls", feature = "platform-verifier"))]
        ureq::Error::Rustls(_) => true,
        #[cfg(feature = "native-tls")]
        ureq::Error::NativeTls(_) | ureq::Error::Der(_) => true,
        _ => false,
    }
}

/// ureq's error as a source: its `io::Error` itself when it has one (so that
/// [`Error::io_error_kind`] finds the kind).
fn source(e: ureq::Error) -> Source {
    match e {
        ureq::Error::Io(io) => Box::new(io),
        other => Box::new(other),
    }
}

fn connection(message: &str, cause: ureq::Error) -> Error {
    Error::Connection {
        message: message.to_lowercase(),
        maybe_sent: false, // set by `send` from what the attempts did
        source: Some(source(cause)),
    }
}

/// A timeout of ureq's: its source is an `io::Error` of kind `TimedOut` wrapping ureq's error.
fn timeout(message: String, cause: ureq::Error) -> Error {
    Error::Timeout {
        message,
        maybe_sent: true, // set by `send` from what the attempts did
        source: Some(Box::new(std::io::Error::new(ErrorKind::TimedOut, cause))),
    }
}

impl Error {
    /// The same error, saying whether the call may have reached the service.
    fn with_maybe_sent(mut self, sent: bool) -> Error {
        if let Error::Connection { maybe_sent, .. } | Error::Timeout { maybe_sent, .. } = &mut self
        {
            *maybe_sent = sent;
        }
        self
    }
}

/// `Some(pause hint)` when the reply should be retried (`Some(None)`: use the backoff). Only
/// safe calls are retried on an answer; a `Retry-After` over [`MAX_RETRY_AFTER`] ends the
/// retries.
fn retry_reply(reply: &Reply, idempotency: Idempotency) -> Option<Option<Duration>> {
    if idempotency != Idempotency::Safe || reply.retry_after.is_some_and(|d| d > MAX_RETRY_AFTER) {
        return None;
    }
    retryable_status(reply.status).then_some(reply.retry_after)
}

/// The statuses a safe call is retried on (and [`Error::is_retryable`] answers true for).
pub(crate) const fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

fn retry_failure(failure: &Failure, idempotency: Idempotency) -> Option<Option<Duration>> {
    let retryable = matches!(
        failure.error,
        Error::Connection { .. } | Error::Timeout { .. }
    ) && (!failure.maybe_sent || idempotency == Idempotency::Safe);
    retryable.then_some(None)
}

/// `min(0.5 s * 2^n, 8 s)`, with "equal jitter": between half and all of it.
pub(crate) fn backoff(retry: u32) -> Duration {
    let full = FIRST_BACKOFF
        .saturating_mul(1u32 << retry.min(16))
        .min(MAX_BACKOFF);
    let half = full / 2;
    half + half.mul_f64(random_unit())
}

/// A uniformly distributed number in `[0, 1)`, from the standard library's hasher seeds.
fn random_unit() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(Instant::now().elapsed().as_nanos() as u64);
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// `Retry-After` as seconds or an HTTP date (RFC 9110 10.2.3), clamped to
/// [`MAX_REPORTED_RETRY_AFTER`].
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    let max = MAX_REPORTED_RETRY_AFTER;
    let wait = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs.min(max.as_secs()))
    } else if let Ok(secs) = value.parse::<f64>() {
        if !(secs.is_finite() && secs >= 0.0) {
            return None;
        }
        Duration::from_secs_f64(secs.min(max.as_secs_f64()))
    } else {
        let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        let wait = when.to_utc() - chrono::Utc::now();
        wait.to_std().unwrap_or(Duration::ZERO)
    };
    Some(wait.min(max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        for (n, full) in [
            (0, 500),
            (1, 1000),
            (2, 2000),
            (3, 4000),
            (4, 8000),
            (9, 8000),
            (40, 8000),
        ] {
            for _ in 0..50 {
                let d = backoff(n).as_millis() as u64;
                assert!(
                    d >= full / 2 && d <= full,
                    "retry {n}: {d} ms not in [{}, {full}]",
                    full / 2
                );
            }
        }
    }

    #[test]
    fn jitter_varies() {
        let samples: std::collections::HashSet<u128> =
            (0..20).map(|_| backoff(3).as_micros()).collect();
        assert!(samples.len() > 5, "{samples:?}");
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("0"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let soon = (chrono::Utc::now() + chrono::TimeDelta::seconds(30)).to_rfc2822();
        let d = parse_retry_after(&soon).unwrap();
        assert!(
            d > Duration::from_secs(28) && d <= Duration::from_secs(30),
            "{d:?}"
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-3"), None);
        // A hostile server cannot make a caller wait for days.
        assert_eq!(parse_retry_after("999999"), Some(MAX_REPORTED_RETRY_AFTER));
        assert_eq!(parse_retry_after("1e12"), Some(MAX_REPORTED_RETRY_AFTER));
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT"),
            Some(MAX_REPORTED_RETRY_AFTER)
        );
    }

    fn reply(status: u16, retry_after: Option<u64>) -> Reply {
        Reply {
            status,
            content_type: None,
            request_id: None,
            retry_after: retry_after.map(Duration::from_secs),
            allow: None,
            body: Vec::new(),
            retried_after_delivery: false,
            secrets: Secrets::default(),
        }
    }

    #[test]
    fn which_statuses_are_retried() {
        use Idempotency::*;
        assert_eq!(
            retry_reply(&reply(429, Some(3)), Safe),
            Some(Some(Duration::from_secs(3)))
        );
        // Nothing says a 429 was not acted on: an unsafe call is never re-sent after one.
        assert_eq!(retry_reply(&reply(429, Some(3)), Unsafe), None);
        // A wait longer than MAX_RETRY_AFTER is the caller's to decide.
        assert_eq!(retry_reply(&reply(429, Some(600)), Safe), None);
        assert_eq!(retry_reply(&reply(503, Some(61)), Safe), None);
        assert_eq!(retry_reply(&reply(429, None), Safe), Some(None));
        for s in [408, 500, 502, 503, 504] {
            assert!(retry_reply(&reply(s, None), Safe).is_some(), "{s}");
            assert!(retry_reply(&reply(s, None), Unsafe).is_none(), "{s}");
        }
        for s in [200, 201, 204, 400, 401, 403, 404, 405, 409, 422, 501] {
            assert!(retry_reply(&reply(s, None), Safe).is_none(), "{s}");
        }
    }

    #[test]
    fn failures_before_sending_are_always_retried() {
        use Idempotency::*;
        let io = |kind: ErrorKind| Failure::from_ureq(ureq::Error::Io(kind.into()));
        let refused = io(ErrorKind::ConnectionRefused);
        assert!(!refused.maybe_sent);
        assert_eq!(
            refused.error.io_error_kind(),
            Some(ErrorKind::ConnectionRefused)
        );
        let dropped = io(ErrorKind::ConnectionReset);
        assert!(dropped.maybe_sent && dropped.error.is_retryable());
        assert_eq!(
            dropped.error.io_error_kind(),
            Some(ErrorKind::ConnectionReset)
        );
        let timeout = Failure::from_ureq(ureq::Error::Timeout(ureq::Timeout::RecvResponse));
        assert!(timeout.maybe_sent && timeout.error.is_timeout());
        assert_eq!(timeout.error.io_error_kind(), Some(ErrorKind::TimedOut));
        let source = std::error::Error::source(&timeout.error).expect("a source");
        assert!(source.to_string().contains("timeout"), "{source}");
        let unsent = Failure::from_ureq(ureq::Error::Timeout(ureq::Timeout::Connect));
        assert!(!unsent.maybe_sent);
        let too_large = Failure::body(ureq::Error::BodyExceedsLimit(9), 4 << 20);
        assert!(
            retry_failure(&too_large, Safe).is_none(),
            "a huge body is not fetched again"
        );
        assert!(
            too_large
                .error
                .to_string()
                .contains("response too large: over 4 MiB")
        );
        let invalid = Failure {
            error: Error::InvalidArgument("x".into()),
            maybe_sent: false,
        };
        assert!(retry_failure(&refused, Unsafe).is_some());
        assert!(retry_failure(&dropped, Unsafe).is_none());
        assert!(retry_failure(&dropped, Safe).is_some());
        assert!(retry_failure(&timeout, Unsafe).is_none());
        assert!(retry_failure(&timeout, Safe).is_some());
        assert!(retry_failure(&invalid, Safe).is_none());
    }
}
