//! The wire: one ureq `Agent` per client, timeouts, the retry policy, backoff, `Retry-After`
//! and the call's deadline. Knows nothing of endpoints; `client.rs` calls [`Transport::send`].

use std::hash::{BuildHasher, Hasher};
use std::io::ErrorKind;
use std::time::{Duration, Instant};

use ureq::Agent;
use ureq::http::{self, Method};

use crate::error::{Error, Result};

/// Cap of one backoff pause.
const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// First backoff pause; doubled each retry.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// Longest `Retry-After` obeyed.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Largest response body read (a page of 500 big events is a few MB).
const MAX_BODY_BYTES: u64 = 256 * 1024 * 1024;

/// Time limits and retries, per client and overridable per call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    /// GET, PUT, DELETE, cancel, pause, resume, reorder, move.
    Safe,
    /// Creating a run, an agent without an explicit id, a webhook, a key, a workspace.
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
}

/// A request ready to send (and to send again).
pub(crate) struct Outgoing<'a> {
    pub method: Method,
    pub url: &'a str,
    /// For logs: the path without the query, never the key.
    pub path: &'a str,
    pub body: Option<Vec<u8>>,
    pub idempotency: Idempotency,
}

pub(crate) struct Transport {
    agent: Agent,
    api_key: String,
    /// The agent's own per-call limit (the client's attempt timeout): a call within it needs
    /// no request-level configuration (a copy of the whole ureq config per request).
    attempt_limit: Duration,
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
            api_key,
            attempt_limit: timeouts.attempt,
        }
    }

    /// Sends with retries, all within `timeouts.total`. Returns the final reply, whatever its
    /// status; errors are what prevented a reply.
    pub fn send(&self, req: &Outgoing<'_>, timeouts: &Timeouts) -> Result<Reply> {
        let started = Instant::now();
        let deadline = started + timeouts.total;
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
                });
            };
            let outcome = self
                .attempt(req, timeouts.attempt.min(left))
                .map(|mut reply| {
                    reply.retried_after_delivery = maybe_delivered;
                    reply
                });
            let elapsed = now.elapsed();
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
            maybe_delivered |= outcome.as_ref().map_or_else(|f| f.maybe_sent, |_| true);
            let outcome = outcome.map_err(|f| f.error);
            let Some(hint) = retry.filter(|_| attempt < timeouts.max_retries) else {
                return outcome;
            };
            let pause = hint.unwrap_or_else(|| backoff(attempt));
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

    fn attempt(&self, req: &Outgoing<'_>, limit: Duration) -> std::result::Result<Reply, Failure> {
        let mut builder = http::Request::builder()
            .method(req.method.clone())
            .uri(req.url)
            .header("x-api-key", &self.api_key)
            .header("accept", "application/json");
        if req.body.is_some() {
            builder = builder.header("content-type", "application/json");
        }
        let request = builder
            .body(req.body.clone().unwrap_or_default())
            .map_err(|e| {
                Failure::unsent(Error::InvalidArgument(format!("cannot build request: {e}")))
            })?;
        let request = if limit == self.attempt_limit {
            request // the agent's own limit applies
        } else {
            self.agent
                .configure_request(request)
                .timeout_global(Some(limit))
                .build()
        };
        let mut response = self.agent.run(request).map_err(Failure::from_ureq)?;
        let key = self.api_key.as_bytes();
        let header = |name: &str| {
            let value = response.headers().get(name)?.to_str().ok()?;
            String::from_utf8(redact(value.as_bytes().to_vec(), key)).ok()
        };
        let (content_type, request_id, allow) = (
            header("content-type"),
            header("x-request-id"),
            header("allow"),
        );
        let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v));
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()
            .map_err(Failure::body)?;
        // A server or proxy that echoes the key must not put it into an error or a model.
        let body = redact(body, key);
        Ok(Reply {
            status,
            content_type,
            request_id,
            retry_after,
            allow,
            body,
            retried_after_delivery: false,
        })
    }
}

const REDACTED: &[u8] = b"<redacted>";

/// `bytes` with every occurrence of `key` replaced by `<redacted>`.
fn redact(bytes: Vec<u8>, key: &[u8]) -> Vec<u8> {
    if key.is_empty() || bytes.len() < key.len() {
        return bytes;
    }
    // A vectorised search: a page of several MB is scanned in a fraction of a millisecond
    // (comparing the key at every offset took milliseconds). The searcher is built once per
    // key and thread, not per reply.
    thread_local! {
        static FINDER: std::cell::RefCell<Option<memchr::memmem::Finder<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    let first = FINDER.with_borrow_mut(|cached| {
        let finder = match cached {
            Some(f) if f.needle() == key => f,
            _ => cached.insert(memchr::memmem::Finder::new(key).into_owned()),
        };
        finder.find(&bytes)
    });
    let Some(first) = first else {
        return bytes; // the usual case: no copy
    };
    let finder = memchr::memmem::Finder::new(key);
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = &bytes[..];
    let mut next = Some(first);
    while let Some(at) = next {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(REDACTED);
        rest = &rest[at + key.len()..];
        next = finder.find(rest);
    }
    out.extend_from_slice(rest);
    out
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
                    Error::Timeout {
                        message: format!("no response in time ({phase})"),
                    },
                    !unsent,
                )
            }
            ureq::Error::HostNotFound => (connection("host not found"), false),
            ureq::Error::ConnectionFailed => (connection("connection failed"), false),
            ureq::Error::Io(io) => {
                let unsent = matches!(
                    io.kind(),
                    ErrorKind::ConnectionRefused | ErrorKind::AddrNotAvailable
                );
                (connection(&io.to_string()), !unsent)
            }
            ureq::Error::BadUri(uri) => (Error::InvalidArgument(format!("bad url: {uri}")), false),
            ureq::Error::Tls(_)
            | ureq::Error::Rustls(_)
            | ureq::Error::Pem(_)
            | ureq::Error::TlsRequired => (connection(&format!("tls: {e}")), false),
            other => (connection(&other.to_string()), true),
        };
        Failure { error, maybe_sent }
    }

    /// The response started but its body could not be read: it was processed.
    fn body(e: ureq::Error) -> Failure {
        let error = match e {
            ureq::Error::Timeout(_) => Error::Timeout {
                message: "response body too slow".into(),
            },
            ureq::Error::BodyExceedsLimit(n) => {
                connection(&format!("response body over {n} bytes"))
            }
            other => connection(&format!("response body cut off: {other}")),
        };
        Failure {
            error,
            maybe_sent: true,
        }
    }
}

fn connection(message: &str) -> Error {
    Error::Connection {
        message: message.to_lowercase(),
    }
}

/// `Some(pause hint)` when the reply should be retried (`Some(None)`: use the backoff).
fn retry_reply(reply: &Reply, idempotency: Idempotency) -> Option<Option<Duration>> {
    let hint = reply.retry_after.map(|d| d.min(MAX_RETRY_AFTER));
    match reply.status {
        429 => Some(hint),
        408 | 500 | 502 | 503 | 504 if idempotency == Idempotency::Safe => Some(hint),
        _ => None,
    }
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

/// `Retry-After` as seconds or an HTTP date (RFC 9110 10.2.3).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(1e6)));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.to_utc() - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_keys_are_redacted() {
        let key = b"twin_k3y";
        assert_eq!(redact(b"no key here".to_vec(), key), b"no key here");
        assert_eq!(
            redact(b"twin_k3y: bad key twin_k3ytwin_k3y!".to_vec(), key),
            b"<redacted>: bad key <redacted><redacted>!"
        );
        assert_eq!(redact(b"twin_k3".to_vec(), key), b"twin_k3");
    }

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
        }
    }

    #[test]
    fn which_statuses_are_retried() {
        use Idempotency::*;
        assert_eq!(
            retry_reply(&reply(429, Some(3)), Unsafe),
            Some(Some(Duration::from_secs(3)))
        );
        assert_eq!(
            retry_reply(&reply(429, Some(600)), Unsafe),
            Some(Some(MAX_RETRY_AFTER))
        );
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
        let refused = Failure {
            error: connection("refused"),
            maybe_sent: false,
        };
        let dropped = Failure {
            error: connection("reset"),
            maybe_sent: true,
        };
        let timeout = Failure {
            error: Error::Timeout {
                message: "t".into(),
            },
            maybe_sent: true,
        };
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
