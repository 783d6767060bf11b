//! The one error type of the crate.

use std::fmt;
use std::time::Duration;

use crate::problem::Problem;
use crate::scrub::{Secrets, clean_text};
use crate::signature::SignatureError;

/// The underlying cause of an [`Error::Connection`] or [`Error::Timeout`].
pub type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A `Result` whose error is [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// The detail the live service gives, with status 403, for an agent that does not exist or was
/// deleted (twin-api.md 1.3): it never answers 404 for agents.
pub const AGENT_NOT_FOUND_DETAIL: &str = "you do not have access to this agent";

/// Longest body excerpt kept in [`Error::Decode`] and [`Error::UnexpectedResponse`], in characters.
pub(crate) const EXCERPT_CHARS: usize = 200;

/// Everything that can go wrong when talking to Twin, verifying a webhook delivery or reading a
/// cron expression.
///
/// Messages are short and lower case. None of them contains the API key or a signing secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a status outside 2xx. `problem` always exists: it is parsed
    /// from the body (problem+json or a legacy shape) or synthesized from the status, its reason
    /// phrase and the text of the body (see [`Problem::from_response`]).
    #[error("{status} {}", ApiSummary(problem))]
    Api {
        /// The HTTP status, e.g. 403.
        status: u16,
        /// What went wrong, as RFC 9457 problem details.
        problem: Box<Problem>,
        /// The request id the service or a proxy reported (`x-request-id`), if any.
        request_id: Option<String>,
        /// How long the service asked us to wait (`Retry-After`), if it did.
        retry_after: Option<Duration>,
    },
    /// No usable response arrived: the connection could not be made (DNS, refused, TLS), it
    /// dropped, or the body was cut off while being read.
    #[error("connection failed: {message}{}", MaybeSent(*maybe_sent))]
    Connection {
        /// What happened, e.g. `connection refused`.
        message: String,
        /// Whether the request may have reached the service (and been acted on): see
        /// [`Error::maybe_sent`].
        maybe_sent: bool,
        /// The underlying failure, when there was one (an [`std::io::Error`] for refused,
        /// reset or unreachable: see [`Error::io_error_kind`]); also [`std::error::Error::source`].
        source: Option<Source>,
    },
    /// The call, an attempt or a wait ran past its time limit.
    #[error("timed out: {message}{}", MaybeSent(*maybe_sent))]
    Timeout {
        /// Which limit was hit, e.g. `no response within 60s`.
        message: String,
        /// Whether the request may have reached the service: see [`Error::maybe_sent`].
        maybe_sent: bool,
        /// The underlying failure for a timeout of the connection or of an attempt: an
        /// [`std::io::Error`] of kind [`std::io::ErrorKind::TimedOut`]; `None` for the call's
        /// or a wait's own deadline. Also [`std::error::Error::source`].
        source: Option<Source>,
    },
    /// A response could not be read as the expected answer: JSON that is not the expected
    /// object, a body over the endpoint's size limit (`response too large`), or a list whose
    /// pages do not advance (the same cursor or events again). Never retried.
    #[error("could not decode response: {message}")]
    Decode {
        /// What did not fit, e.g. `missing field agent_id`.
        message: String,
        /// The first ~200 characters of the body (lossy UTF-8, secrets redacted).
        excerpt: String,
    },
    /// A 2xx response that is not an API answer: `application/grpc` (a routed but unimplemented
    /// path), `text/html` (the web UI's host, see twin-api.md 1.1) or not JSON when JSON was due.
    #[error("unexpected {status} response{}", UnexpectedSummary(content_type.as_deref()))]
    UnexpectedResponse {
        /// The HTTP status, e.g. 200.
        status: u16,
        /// The response's content type, if it had one.
        content_type: Option<String>,
        /// The first ~200 characters of the body (lossy UTF-8, secrets redacted).
        excerpt: String,
    },
    /// An argument was rejected before any request was sent (an empty id, a bad option).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A webhook delivery failed verification (see [`SignatureError`]).
    #[error("webhook verification failed: {0}")]
    Signature(#[from] SignatureError),
    /// A cron expression is not a valid 7-field Twin schedule.
    #[error("invalid cron expression: {0}")]
    InvalidCron(String),
    /// A wait or follow was stopped through its cancellation token.
    #[error("cancelled")]
    Cancelled,
    /// The service answered 2xx but said the operation did not happen: `{"success": false,
    /// "error": "..."}` (setting, pausing, resuming or deleting a schedule, moving an agent,
    /// writing instructions, cancelling a run, reordering workspaces), `{"deleted": false}`
    /// (deleting a workspace), `{"revoked": false}` (revoking a key), or `{"workspace": null}`
    /// after an update. Nothing was changed.
    #[error("operation failed: {}", detail.as_deref().unwrap_or("the service said it was not done"))]
    OperationFailed {
        /// The HTTP status of the answer, e.g. 200.
        status: u16,
        /// The service's own words (its `error` member), if it gave any.
        detail: Option<String>,
    },
}

struct ApiSummary<'a>(&'a Problem);

impl fmt::Display for ApiSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.title.to_lowercase())?;
        match self.0.detail.as_deref().map(str::trim) {
            Some(detail) if !detail.is_empty() => write!(f, ": {detail}"),
            _ => Ok(()),
        }
    }
}

struct MaybeSent(bool);

impl fmt::Display for MaybeSent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 {
            f.write_str(" (the request may have reached the service)")?;
        }
        Ok(())
    }
}

struct UnexpectedSummary<'a>(Option<&'a str>);

impl fmt::Display for UnexpectedSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(ct) if ct.trim().to_ascii_lowercase().starts_with("text/html") => write!(
                f,
                " with content type {ct}: {}",
                crate::client::WRONG_HOST_HINT
            ),
            Some(ct) => write!(f, " with content type {ct}"),
            None => f.write_str(" without a content type"),
        }
    }
}

impl Error {
    /// The HTTP status of an [`Error::Api`] or [`Error::UnexpectedResponse`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedResponse { status, .. }
            | Error::OperationFailed { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The problem details of an [`Error::Api`].
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Api { problem, .. } => Some(problem),
            _ => None,
        }
    }

    /// True when the thing asked for does not exist: a 404, or a 403 whose detail is
    /// `you do not have access to this agent`, which is how the live service reports a missing
    /// or deleted agent (twin-api.md 1.3). Note that this cannot tell a missing agent from one
    /// that belongs to someone else: the service does not say.
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::Api { status: 404, .. } => true,
            Error::Api {
                status: 403,
                problem,
                ..
            } => problem
                .detail
                .as_deref()
                .is_some_and(|d| d.trim().eq_ignore_ascii_case(AGENT_NOT_FOUND_DETAIL)),
            _ => false,
        }
    }

    /// True for a 429 Too Many Requests.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::Api { status: 429, .. })
    }

    /// True for [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// True for [`Error::Connection`] (a timeout is reported separately, see [`Error::is_timeout`]).
    pub fn is_connection(&self) -> bool {
        matches!(self, Error::Connection { .. })
    }

    /// True for a 401 Unauthorized: the API key is missing, wrong or revoked.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Error::Api { status: 401, .. })
    }

    /// Whether the same call may succeed if made again later: a connection failure, a
    /// timeout, or an answer of 408, 429, 500, 502, 503 or 504 (wait [`Error::retry_after`]
    /// first when it is set). The client already retried such failures as far as its
    /// [`Timeouts`](crate::Timeouts) allowed, and only when the call is safe to repeat: for a
    /// call that is not (starting a run, creating an object without an id), check
    /// [`Error::maybe_sent`] first, since the first attempt may have been acted on. False for
    /// every other error: a 4xx, a decoding error, an invalid argument, a cancellation.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Connection { .. } | Error::Timeout { .. } => true,
            Error::Api { status, .. } => crate::transport::retryable_status(*status),
            _ => false,
        }
    }

    /// The [`std::io::ErrorKind`] of the I/O failure behind an [`Error::Connection`] or
    /// [`Error::Timeout`], found along the [`source`](std::error::Error::source) chain: e.g.
    /// `ConnectionRefused`, `ConnectionReset`, `TimedOut`. `None` when no I/O error caused it.
    pub fn io_error_kind(&self) -> Option<std::io::ErrorKind> {
        let mut next = std::error::Error::source(self);
        while let Some(e) = next {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                return Some(io.kind());
            }
            next = e.source();
        }
        None
    }

    /// Whether the request may have reached the service and been acted on although no usable
    /// answer came back: a connection that dropped or an attempt that timed out after the
    /// request was sent, an answer of 408 or 5xx, or an answer that could not be read
    /// ([`Error::Decode`], [`Error::UnexpectedResponse`]). For a call that is not safe to repeat (starting
    /// a run, creating an object without an id), check before trying again: it may have
    /// happened. False when it certainly did not (refused, DNS, TLS, an argument refused
    /// before sending) and for every other answer.
    pub fn maybe_sent(&self) -> bool {
        match self {
            Error::Connection { maybe_sent, .. } | Error::Timeout { maybe_sent, .. } => *maybe_sent,
            Error::Api { status, .. } => matches!(status, 408 | 500..=599),
            // A 2xx came back that could not be read: the service got the request.
            Error::Decode { .. } | Error::UnexpectedResponse { .. } => true,
            _ => false,
        }
    }

    /// The request id of an [`Error::Api`], if the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The `Retry-After` of an [`Error::Api`], if the response carried one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// An [`Error::Decode`] for `body`, with a short, redacted excerpt.
    pub(crate) fn decode(message: impl Into<String>, body: &[u8], secrets: &Secrets) -> Error {
        Error::Decode {
            message: clean_text(&secrets.text(&message.into()), MAX_MESSAGE_CHARS),
            excerpt: excerpt(body, secrets),
        }
    }

    /// An [`Error::UnexpectedResponse`] for `body`, with a short, redacted excerpt.
    pub(crate) fn unexpected(
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
        secrets: &Secrets,
    ) -> Error {
        Error::UnexpectedResponse {
            status,
            content_type: content_type.map(|c| clean_text(&secrets.text(c), MAX_MESSAGE_CHARS)),
            excerpt: excerpt(body, secrets),
        }
    }
}

/// Longest message built from server text (a decoder's complaint, a content type).
const MAX_MESSAGE_CHARS: usize = 300;

/// JSON members whose string values are secrets; their values never reach an excerpt.
const SECRET_MEMBERS: &[&str] = &[
    "api_key",
    "apiKey",
    "signing_secret",
    "signingSecret",
    "secret",
    "Secret",
    "x-api-key",
    "password",
    "token",
];

/// The first [`EXCERPT_CHARS`] characters of a body as lossy UTF-8, safe to show: every
/// secret of the call removed in any encoding (string literals are first rewritten without
/// needless escapes, so `"signing\u005fsecret"` is matched too), the string values of
/// secret-looking members (`api_key`, `signing_secret`, ...) replaced by `***`, control
/// characters removed.
pub(crate) fn excerpt(body: &[u8], secrets: &Secrets) -> String {
    // Redact over a generous prefix first, so that a secret that straddles the cut is still
    // found; a value cut off by the prefix is redacted to its end. Control characters become
    // spaces before member names are matched (so none hides a name), and the cut comes last.
    let prefix = &body[..body.len().min(EXCERPT_CHARS * 8)];
    let canonical = crate::scrub::canonical_literals(secrets.errors(prefix.to_vec()));
    let text = clean_text(&String::from_utf8_lossy(&canonical), usize::MAX);
    clean_text(&secrets.text(&redact(&text)), EXCERPT_CHARS)
}

/// Replaces the string value following each `"<secret member>"` + `:` with `"***"`.
fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'outer: while !rest.is_empty() {
        for name in SECRET_MEMBERS.iter().filter(|_| rest.starts_with('"')) {
            let quoted = format!("\"{name}\"");
            if let Some(after_name) = rest.strip_prefix(quoted.as_str()) {
                let after_colon = after_name.trim_start();
                if let Some(value) = after_colon
                    .strip_prefix(':')
                    .map(str::trim_start)
                    .and_then(|v| v.strip_prefix('"'))
                {
                    out.push_str(&quoted);
                    out.push_str(":\"***\"");
                    rest = skip_json_string(value);
                    continue 'outer;
                }
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// Given the text just after an opening quote, returns the text after the closing quote (or
/// the empty string when the string runs to the end).
fn skip_json_string(s: &str) -> &str {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return &s[i + 1..],
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, detail: Option<&str>) -> Error {
        let mut problem = Problem::from_status(status);
        problem.detail = detail.map(str::to_owned);
        Error::Api {
            status,
            problem: Box::new(problem),
            request_id: Some("req-1".into()),
            retry_after: Some(Duration::from_secs(3)),
        }
    }

    #[test]
    fn a_result_stays_small() {
        // `Problem` is boxed so that `Result<T, Error>` does not trip clippy's
        // `result_large_err` (128 bytes) in callers' code.
        let size = std::mem::size_of::<Error>();
        assert!(size <= 56, "{size} bytes");
    }

    #[test]
    fn api_display_is_short_and_lower_case() {
        let e = api(403, Some("you do not have access to this agent"));
        assert_eq!(
            e.to_string(),
            "403 forbidden: you do not have access to this agent"
        );
        assert_eq!(api(500, None).to_string(), "500 internal server error");
    }

    #[test]
    fn other_displays() {
        assert_eq!(
            Error::Connection {
                message: "connection refused".into(),
                maybe_sent: false,
                source: None,
            }
            .to_string(),
            "connection failed: connection refused"
        );
        let dropped = Error::Connection {
            message: "connection reset".into(),
            maybe_sent: true,
            source: None,
        };
        assert!(dropped.maybe_sent());
        assert_eq!(
            dropped.to_string(),
            "connection failed: connection reset (the request may have reached the service)"
        );
        assert!(api(503, None).maybe_sent() && !api(429, None).maybe_sent());
        assert_eq!(
            Error::unexpected(200, Some("application/grpc"), b"", &Secrets::default()).to_string(),
            "unexpected 200 response with content type application/grpc"
        );
        assert_eq!(
            Error::unexpected(200, None, b"x", &Secrets::default()).to_string(),
            "unexpected 200 response without a content type"
        );
        assert_eq!(
            Error::Signature(SignatureError::NoMatch).to_string(),
            "webhook verification failed: signature does not match any secret"
        );
        assert_eq!(Error::Cancelled.to_string(), "cancelled");
        assert_eq!(
            Error::InvalidCron("x".into()).to_string(),
            "invalid cron expression: x"
        );
    }

    #[test]
    fn not_found_includes_the_agent_403() {
        assert!(api(404, Some("run x not found")).is_not_found());
        assert!(api(403, Some("you do not have access to this agent")).is_not_found());
        assert!(api(403, Some(" You do not have access to this agent ")).is_not_found());
        assert!(!api(403, Some("forbidden for other reasons")).is_not_found());
        assert!(!api(403, None).is_not_found());
        assert!(!Error::Cancelled.is_not_found());
    }

    #[test]
    fn retryable_and_unauthorized() {
        assert!(api(401, None).is_unauthorized());
        assert!(!api(403, None).is_unauthorized() && !Error::Cancelled.is_unauthorized());
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(api(status, None).is_retryable(), "{status}");
        }
        for status in [400, 401, 403, 404, 409, 422, 501] {
            assert!(!api(status, None).is_retryable(), "{status}");
        }
        assert!(!Error::Cancelled.is_retryable());
        assert!(!Error::InvalidArgument("x".into()).is_retryable());
        assert_eq!(api(503, None).io_error_kind(), None);
    }

    #[test]
    fn helpers() {
        let e = api(429, None);
        assert!(e.is_rate_limited());
        assert_eq!(e.status(), Some(429));
        assert_eq!(e.request_id(), Some("req-1"));
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
        assert_eq!(
            e.problem().map(|p| p.title.as_str()),
            Some("Too Many Requests")
        );
        assert!(!e.is_timeout() && !e.is_connection());
        let t = Error::Timeout {
            message: "x".into(),
            maybe_sent: false,
            source: None,
        };
        assert!(t.is_timeout() && !t.is_connection());
        assert_eq!(t.status(), None);
        assert_eq!(t.problem(), None);
        assert!(
            Error::Connection {
                message: "x".into(),
                maybe_sent: false,
                source: None,
            }
            .is_connection()
        );
        assert_eq!(
            Error::unexpected(200, None, b"", &Secrets::default()).status(),
            Some(200)
        );
    }

    #[test]
    fn excerpts_are_short_and_redacted() {
        let body = br#"{"api_key":"twin_0123456789abcdef0123456789abcdef_SECRETSECRET","created_at":1776869096,"signing_secret" : "whsec_abc\"def","name":"k"}"#;
        let none = Secrets::default();
        let e = excerpt(body, &none);
        assert!(!e.contains("SECRET"), "{e}");
        assert!(!e.contains("whsec"), "{e}");
        assert!(e.contains(r#""api_key":"***""#), "{e}");
        assert!(e.contains(r#""name":"k""#), "{e}");
        let long = "é".repeat(1000);
        assert_eq!(
            excerpt(long.as_bytes(), &none).chars().count(),
            EXCERPT_CHARS + 1,
            "the characters and an ellipsis"
        );
        // A secret cut off by the excerpt is still hidden.
        let mut cut = "x".repeat(EXCERPT_CHARS - 20).into_bytes();
        cut.extend_from_slice(br#""apiKey":"abcdefghijklmnopqrstuvwxyz"#);
        assert!(!excerpt(&cut, &none).contains("abcdefgh"));
        let e = Error::decode("missing field", body, &none);
        assert!(!format!("{e:?}").contains("SECRET"));
        assert_eq!(excerpt(&[0xff, b'a'], &none), "\u{fffd}a");
        // Escaped member names and escaped keys, anywhere in a malformed body.
        let key = Secrets::new("twin_k3y_0123456789abcdef".into());
        let body =
            br#"{"signing\u005fsecret":"whsec_zzz","detail":"bad \u0074win_k3y_0123456789abcdef","#;
        let e = excerpt(body, &key);
        assert!(!e.contains("whsec") && !e.contains("k3y"), "{e}");
        assert!(e.contains("bad <redacted>"), "{e}");
        // Control characters never reach an excerpt.
        assert_eq!(excerpt(b"a\x1b[2Jb\r\nc", &none), "a [2Jb c");
        // A secret member hidden behind a control character is still found.
        let hidden = excerpt(b"{\"signing_secret\"\x01:\"whsec_zzz\"}", &none);
        assert!(!hidden.contains("whsec"), "{hidden}");
    }
}
