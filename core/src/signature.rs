//! Webhook deliveries: signing, verifying `X-Cobb-Signature`, and reading the payload.
//!
//! Twin POSTs a JSON body (twin-api.md 3.7) with `X-Cobb-Signature: sha256=<hex>`, the
//! HMAC-SHA256 of the raw body keyed with the webhook's `signing_secret`, and
//! `X-Cobb-Event: <event>` (twin-api.md 5). Verify the raw bytes before parsing them.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

use crate::de;
use crate::resources::runs::{Outcome, RunStatus};

type HmacSha256 = Hmac<Sha256>;

/// The header carrying the body's signature.
pub const SIGNATURE_HEADER: &str = "X-Cobb-Signature";
/// The header naming the delivered event; it should equal the body's `event`.
pub const EVENT_HEADER: &str = "X-Cobb-Event";
/// The prefix of a signature header's value.
pub const SIGNATURE_PREFIX: &str = "sha256=";
/// Default allowed difference between a delivery's `timestamp` and now, either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);
/// Default largest accepted body: 1 MiB.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// Length of an HMAC-SHA256 digest in bytes.
const DIGEST_LEN: usize = 32;

/// Why a webhook delivery was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The delivery has no `X-Cobb-Signature` header (or an empty one).
    #[error("missing signature header")]
    MissingHeader,
    /// The signature header is not `sha256=` followed by 64 hex digits.
    #[error("malformed signature header")]
    MalformedHeader,
    /// The signature matches none of the secrets: the body was altered, or it was signed with
    /// another secret.
    #[error("signature does not match any secret")]
    NoMatch,
    /// No usable secret was given (the list was empty, or every secret was an empty string).
    #[error("no signing secret configured")]
    NoSecrets,
    /// The body is larger than the configured limit; it was not hashed.
    #[error("body larger than {limit} bytes")]
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// `X-Cobb-Event` names another event than the body's `event`.
    #[error("event header {header:?} does not match body event {body:?}")]
    EventMismatch {
        /// The header's value.
        header: String,
        /// The body's `event`.
        body: String,
    },
    /// The body's `timestamp` is further from now than the tolerance allows.
    #[error("timestamp is {skew_secs}s away from now, beyond the tolerance")]
    StaleTimestamp {
        /// Now minus the timestamp, in whole seconds: positive for an old delivery, negative
        /// for one from the future.
        skew_secs: i64,
    },
    /// The signature is valid but the body is not the documented payload.
    #[error("invalid payload: {0}")]
    InvalidPayload(String),
}

impl SignatureError {
    /// The variant's name (`"MissingHeader"`, `"NoMatch"`, ...), stable across releases; the
    /// shared test vectors and the bindings use it.
    pub fn name(&self) -> &'static str {
        match self {
            SignatureError::MissingHeader => "MissingHeader",
            SignatureError::MalformedHeader => "MalformedHeader",
            SignatureError::NoMatch => "NoMatch",
            SignatureError::NoSecrets => "NoSecrets",
            SignatureError::BodyTooLarge { .. } => "BodyTooLarge",
            SignatureError::EventMismatch { .. } => "EventMismatch",
            SignatureError::StaleTimestamp { .. } => "StaleTimestamp",
            SignatureError::InvalidPayload(_) => "InvalidPayload",
        }
    }
}

/// Signs a body the way Twin does: `sha256=` followed by the lowercase hex HMAC-SHA256 of
/// `body` keyed with `secret`. For tests, tools and the emulator.
pub fn sign(body: &[u8], secret: &str) -> String {
    let mut out = String::with_capacity(SIGNATURE_PREFIX.len() + 2 * DIGEST_LEN);
    out.push_str(SIGNATURE_PREFIX);
    out.push_str(&hex::encode(
        mac(secret).chain_update(body).finalize().into_bytes(),
    ));
    out
}

fn mac(secret: &str) -> HmacSha256 {
    // HMAC accepts keys of any length: `new_from_slice` cannot fail for it, whatever the input.
    HmacSha256::new_from_slice(secret.as_bytes()).expect("hmac accepts keys of any length")
}

/// Checks `signature_header` (the value of `X-Cobb-Signature`) against `body` with each secret
/// in turn, so that a secret being rotated out still works while its replacement is rolled in.
///
/// The header is trimmed and must start with `sha256=`; the hex may be upper or lower case.
/// Comparison is constant-time. Empty secrets are ignored (an empty key is a configuration
/// mistake, not a secret), and a list with no usable secret is [`SignatureError::NoSecrets`].
///
/// # Errors
///
/// a [`SignatureError`] saying which check failed: no or malformed `X-Cobb-Signature`, no secret
/// given, or no secret matching.
pub fn verify<S: AsRef<str>>(
    body: &[u8],
    signature_header: Option<&str>,
    secrets: &[S],
) -> Result<(), SignatureError> {
    let mut usable = secrets
        .iter()
        .map(AsRef::as_ref)
        .filter(|s| !s.is_empty())
        .peekable();
    if usable.peek().is_none() {
        return Err(SignatureError::NoSecrets);
    }
    let header = signature_header
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or(SignatureError::MissingHeader)?;
    let mut digest = [0u8; DIGEST_LEN];
    header
        .strip_prefix(SIGNATURE_PREFIX)
        .filter(|h| h.len() == 2 * DIGEST_LEN)
        .and_then(|h| hex::decode_to_slice(h, &mut digest).ok())
        .ok_or(SignatureError::MalformedHeader)?;
    // Try every secret, even after a match, so timing does not tell which one matched.
    let mut matched = false;
    for secret in usable {
        matched |= mac(secret).chain_update(body).verify_slice(&digest).is_ok();
    }
    if matched {
        Ok(())
    } else {
        Err(SignatureError::NoMatch)
    }
}

/// How [`unwrap`] checks a delivery beyond its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnwrapOptions {
    /// Largest allowed difference between the body's `timestamp` and now, in either direction;
    /// `None` turns the check off. Default 300 s.
    pub tolerance: Option<Duration>,
    /// Largest accepted body in bytes, checked before hashing. Default 1 MiB.
    pub max_body: usize,
    /// The time to compare timestamps with; `None` means the system clock (set it in tests).
    pub now: Option<DateTime<Utc>>,
}

setters!(UnwrapOptions {
    into: [now: DateTime<Utc>],
    some: [tolerance: Duration],
    set: [max_body: usize],
});

impl Default for UnwrapOptions {
    fn default() -> Self {
        UnwrapOptions {
            tolerance: Some(DEFAULT_TOLERANCE),
            max_body: DEFAULT_MAX_BODY,
            now: None,
        }
    }
}

/// The type of a webhook delivery (twin-api.md 2.6).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WebhookEventKind {
    /// `run.started`: a run began.
    RunStarted,
    /// `run.completed`: a run finished, whatever its outcome.
    RunCompleted,
    /// `run.failed`: a run hit a policy error.
    RunFailed,
    /// `run.stopped`: a user stopped the run.
    RunStopped,
    /// `run.paused`: the run was paused, by a user or while waiting for input.
    RunPaused,
    /// An event name this version does not know, kept as sent.
    Other(String),
}

impl WebhookEventKind {
    /// The five kinds a webhook can subscribe to (see
    /// [`WEBHOOK_EVENT_TYPES`](crate::WEBHOOK_EVENT_TYPES) for their names).
    pub const ALL: [WebhookEventKind; 5] = [
        WebhookEventKind::RunStarted,
        WebhookEventKind::RunCompleted,
        WebhookEventKind::RunFailed,
        WebhookEventKind::RunStopped,
        WebhookEventKind::RunPaused,
    ];

    /// Reads an event name such as `run.completed` (ASCII case is ignored).
    pub fn from_name(name: &str) -> WebhookEventKind {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(name.trim()))
            .unwrap_or_else(|| WebhookEventKind::Other(name.to_owned()))
    }

    /// The event name, e.g. `run.completed`.
    pub fn as_str(&self) -> &str {
        match self {
            WebhookEventKind::RunStarted => "run.started",
            WebhookEventKind::RunCompleted => "run.completed",
            WebhookEventKind::RunFailed => "run.failed",
            WebhookEventKind::RunStopped => "run.stopped",
            WebhookEventKind::RunPaused => "run.paused",
            WebhookEventKind::Other(name) => name,
        }
    }
}

impl From<&str> for WebhookEventKind {
    /// As [`WebhookEventKind::from_name`].
    fn from(name: &str) -> WebhookEventKind {
        WebhookEventKind::from_name(name)
    }
}

impl serde::Serialize for WebhookEventKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for WebhookEventKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(WebhookEventKind::from_name(&name))
    }
}

impl fmt::Display for WebhookEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A verified webhook delivery (twin-api.md 3.7).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The event's type.
    pub kind: WebhookEventKind,
    /// The event's name as sent, e.g. `run.completed`.
    pub event: String,
    /// When Twin emitted the event.
    pub timestamp: DateTime<Utc>,
    /// The run the event is about (`data.run_id`).
    pub run_id: String,
    /// The agent the run belongs to (`data.agent_id`).
    pub agent_id: String,
    /// The run's status, e.g. [`RunStatus::Completed`] (an open set: see twin-api.md 3.1).
    pub status: Option<RunStatus>,
    /// The run's outcome ([`Outcome::Success`], `Partial`, `Fail`); only on `run.completed`.
    pub outcome: Option<Outcome>,
    /// When the run finished; only on terminal events.
    pub finished_at: Option<DateTime<Utc>>,
    /// The whole body, as parsed.
    pub raw: Value,
}

impl WebhookEvent {
    /// `(agent_id, run_id, event)`: deliveries are at-least-once, so store this key and drop
    /// deliveries you have already handled (twin-api.md 5).
    pub fn dedupe_key(&self) -> (String, String, String) {
        (
            self.agent_id.clone(),
            self.run_id.clone(),
            self.event.clone(),
        )
    }

    /// Reads a payload that was already verified. Fails with
    /// [`SignatureError::InvalidPayload`] if it is not the documented shape.
    ///
    /// # Errors
    ///
    /// a [`SignatureError`] saying which check failed: the body is not JSON or not a webhook
    /// payload.
    pub fn from_payload(body: &[u8]) -> Result<WebhookEvent, SignatureError> {
        let raw: Value = serde_json::from_slice(body)
            .map_err(|_| SignatureError::InvalidPayload("body is not json".into()))?;
        WebhookEvent::from_value(raw)
    }

    /// Like [`WebhookEvent::from_payload`], from parsed JSON.
    ///
    /// # Errors
    ///
    /// a [`SignatureError`] saying which check failed: the value is not a webhook payload.
    pub fn from_value(raw: Value) -> Result<WebhookEvent, SignatureError> {
        let invalid = |m: &str| SignatureError::InvalidPayload(m.to_owned());
        let obj = raw
            .as_object()
            .ok_or_else(|| invalid("body is not a json object"))?;
        let event = match obj.get("event") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            _ => return Err(invalid("missing event")),
        };
        let timestamp = obj
            .get("timestamp")
            .ok_or_else(|| invalid("missing timestamp"))
            .and_then(|t| {
                de::timestamp_from_value(t).ok_or_else(|| invalid("invalid timestamp"))
            })?;
        let empty = Map::new();
        let data = match obj.get("data") {
            Some(Value::Object(d)) => d,
            None | Some(Value::Null) => &empty,
            Some(_) => return Err(invalid("data is not an object")),
        };
        // Read from `data`, falling back to the top level.
        let field = |k: &str| data.get(k).or_else(|| obj.get(k));
        let id = |k: &str| {
            field(k)
                .and_then(de::string_or_id_from_value)
                .ok_or_else(|| invalid(&format!("missing {k}")))
        };
        let text = |k: &str| match field(k) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        };
        Ok(WebhookEvent {
            kind: WebhookEventKind::from_name(&event),
            run_id: id("run_id")?,
            agent_id: id("agent_id")?,
            status: text("status").map(|s| RunStatus::from(s.as_str())),
            outcome: text("outcome").map(|s| Outcome::from(s.as_str())),
            finished_at: field("finished_at").and_then(de::timestamp_from_value),
            event,
            timestamp,
            raw,
        })
    }
}

/// Verifies and reads a webhook delivery, in this order:
///
/// 1. a body larger than `opts.max_body` is refused before it is hashed;
/// 2. the signature is checked against `secrets` ([`verify`]);
/// 3. the body is parsed as the documented payload;
/// 4. `event_header` (`X-Cobb-Event`), when given, must name the body's `event`;
/// 5. the body's `timestamp` must be within `opts.tolerance` of now, either way.
///
/// Deliveries can repeat: deduplicate with [`WebhookEvent::dedupe_key`].
///
/// # Errors
///
/// a [`SignatureError`] saying which check failed, in this order: the body over `opts.max_body`,
/// the signature (see [`verify`]), the payload, `X-Cobb-Event` differing from the payload's event,
/// a timestamp outside `opts.tolerance`.
pub fn unwrap<S: AsRef<str>>(
    body: &[u8],
    signature_header: Option<&str>,
    event_header: Option<&str>,
    secrets: &[S],
    opts: &UnwrapOptions,
) -> Result<WebhookEvent, SignatureError> {
    if body.len() > opts.max_body {
        return Err(SignatureError::BodyTooLarge {
            limit: opts.max_body,
        });
    }
    verify(body, signature_header, secrets)?;
    let event = WebhookEvent::from_payload(body)?;
    if let Some(header) = event_header.map(str::trim).filter(|h| !h.is_empty())
        && !header.eq_ignore_ascii_case(event.event.trim())
    {
        return Err(SignatureError::EventMismatch {
            header: header.to_owned(),
            body: event.event,
        });
    }
    if let Some(tolerance) = opts.tolerance {
        let now = opts.now.unwrap_or_else(Utc::now);
        let skew = now.signed_duration_since(event.timestamp);
        // A tolerance too large for chrono is no limit at all.
        if let Ok(limit) = TimeDelta::from_std(tolerance)
            && skew.abs() > limit
        {
            return Err(SignatureError::StaleTimestamp {
                skew_secs: skew.num_seconds(),
            });
        }
    }
    Ok(event)
}

/// [`unwrap`] with the request's headers as `(name, value)` pairs: `X-Cobb-Signature` and
/// `X-Cobb-Event` are looked up without regard to case (the first of each counts).
///
/// # Errors
///
/// As [`unwrap`].
pub fn unwrap_headers<I, K, V, S>(
    body: &[u8],
    headers: I,
    secrets: &[S],
    opts: &UnwrapOptions,
) -> Result<WebhookEvent, SignatureError>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
    S: AsRef<str>,
{
    let mut signature = None;
    let mut event = None;
    for (name, value) in headers {
        let name = name.as_ref().trim();
        if signature.is_none() && name.eq_ignore_ascii_case(SIGNATURE_HEADER) {
            signature = Some(value.as_ref().to_owned());
        } else if event.is_none() && name.eq_ignore_ascii_case(EVENT_HEADER) {
            event = Some(value.as_ref().to_owned());
        }
    }
    unwrap(body, signature.as_deref(), event.as_deref(), secrets, opts)
}

/// [`unwrap`] with the request's [`http::HeaderMap`], as axum, hyper and other `http`-based
/// servers give it (cargo feature `http`). A header value that is not text is read lossily,
/// so a damaged signature fails as malformed rather than missing.
///
/// ```
/// use twin_core::webhooks::{self, UnwrapOptions};
///
/// let body = br#"{"event":"run.completed","timestamp":"2026-05-01T12:00:00Z","run_id":"r","agent_id":"a"}"#;
/// let mut headers = http::HeaderMap::new();
/// headers.insert("x-cobb-signature", webhooks::sign(body, "whsec_test").parse().unwrap());
/// headers.insert("x-cobb-event", "run.completed".parse().unwrap());
/// let opts = UnwrapOptions::default().tolerance(std::time::Duration::MAX);
/// let event = webhooks::unwrap_header_map(body, &headers, &["whsec_test"], &opts)?;
/// assert_eq!(event.run_id, "r");
/// # Ok::<(), webhooks::SignatureError>(())
/// ```
///
/// # Errors
///
/// As [`unwrap`].
#[cfg(feature = "http")]
pub fn unwrap_header_map<S: AsRef<str>>(
    body: &[u8],
    headers: &http::HeaderMap,
    secrets: &[S],
    opts: &UnwrapOptions,
) -> Result<WebhookEvent, SignatureError> {
    let header = |name: &str| {
        headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let (signature, event) = (header(SIGNATURE_HEADER), header(EVENT_HEADER));
    unwrap(body, signature.as_deref(), event.as_deref(), secrets, opts)
}

/// A set of signing secrets plus options, ready to check deliveries. Its `Debug` shows how many
/// secrets it holds, never the secrets.
#[derive(Clone)]
pub struct Verifier {
    secrets: Vec<String>,
    options: UnwrapOptions,
}

impl Verifier {
    /// A verifier for one or more secrets (several while rotating), with default options.
    pub fn new<I, S>(secrets: I) -> Verifier
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Verifier {
            secrets: secrets.into_iter().map(Into::into).collect(),
            options: UnwrapOptions::default(),
        }
    }

    /// Replaces the options.
    pub fn with_options(mut self, options: UnwrapOptions) -> Verifier {
        self.options = options;
        self
    }

    /// The options in use.
    pub fn options(&self) -> &UnwrapOptions {
        &self.options
    }

    /// See [`verify`].
    ///
    /// # Errors
    ///
    /// As [`verify`].
    pub fn verify(
        &self,
        body: &[u8],
        signature_header: Option<&str>,
    ) -> Result<(), SignatureError> {
        verify(body, signature_header, &self.secrets)
    }

    /// See [`unwrap`].
    ///
    /// # Errors
    ///
    /// As [`unwrap`].
    pub fn unwrap(
        &self,
        body: &[u8],
        signature_header: Option<&str>,
        event_header: Option<&str>,
    ) -> Result<WebhookEvent, SignatureError> {
        unwrap(
            body,
            signature_header,
            event_header,
            &self.secrets,
            &self.options,
        )
    }

    /// See [`unwrap_header_map`] (cargo feature `http`).
    ///
    /// # Errors
    ///
    /// As [`unwrap`].
    #[cfg(feature = "http")]
    pub fn unwrap_header_map(
        &self,
        body: &[u8],
        headers: &http::HeaderMap,
    ) -> Result<WebhookEvent, SignatureError> {
        unwrap_header_map(body, headers, &self.secrets, &self.options)
    }

    /// See [`unwrap_headers`].
    ///
    /// # Errors
    ///
    /// As [`unwrap`].
    pub fn unwrap_headers<I, K, V>(
        &self,
        body: &[u8],
        headers: I,
    ) -> Result<WebhookEvent, SignatureError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        unwrap_headers(body, headers, &self.secrets, &self.options)
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .field("options", &self.options)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"event":"run.completed","timestamp":"2026-03-11T14:32:15Z","data":{"run_id":"run_xyz789","agent_id":"agent_abc123","status":"completed","outcome":"success","finished_at":"2026-03-11T14:32:15Z"}}"#;
    // Computed independently: python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec_test_secret", BODY, hashlib.sha256).hexdigest())'
    const BODY_SIG: &str =
        "sha256=78c97c6ec484f10931fa955af0d58f6aa767ffc0744b556ac02bece52de4c457";

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-11T14:33:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn opts() -> UnwrapOptions {
        UnwrapOptions {
            now: Some(now()),
            ..UnwrapOptions::default()
        }
    }

    #[test]
    fn sign_matches_rfc_4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            sign(b"what do ya want for nothing?", "Jefe"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn sign_matches_python_hmac() {
        assert_eq!(sign(BODY, SECRET), BODY_SIG);
    }

    #[test]
    fn verify_accepts_valid_and_rotated_signatures() {
        let sig = sign(BODY, SECRET);
        assert_eq!(verify(BODY, Some(&sig), &[SECRET]), Ok(()));
        assert_eq!(verify(BODY, Some(&format!("  {sig}\n")), &[SECRET]), Ok(()));
        assert_eq!(verify(BODY, Some(&sig), &["old", SECRET]), Ok(()));
        let upper = format!("sha256={}", sig[7..].to_uppercase());
        assert_eq!(verify(BODY, Some(&upper), &[SECRET]), Ok(()));
        assert_eq!(verify(BODY, Some(&sig), &[SECRET.to_string()]), Ok(()));
    }

    #[test]
    fn verify_rejects_with_the_right_kind() {
        let sig = sign(BODY, SECRET);
        let mut tampered = BODY.to_vec();
        tampered[3] ^= 1;
        assert_eq!(
            verify(&tampered, Some(&sig), &[SECRET]),
            Err(SignatureError::NoMatch)
        );
        assert_eq!(
            verify(BODY, Some(&sig), &["other"]),
            Err(SignatureError::NoMatch)
        );
        assert_eq!(
            verify(BODY, None, &[SECRET]),
            Err(SignatureError::MissingHeader)
        );
        assert_eq!(
            verify(BODY, Some("  "), &[SECRET]),
            Err(SignatureError::MissingHeader)
        );
        assert_eq!(
            verify(BODY, Some(&sig[7..]), &[SECRET]),
            Err(SignatureError::MalformedHeader)
        );
        assert_eq!(
            verify(BODY, Some("sha1=abc"), &[SECRET]),
            Err(SignatureError::MalformedHeader)
        );
        let bad_hex = format!("sha256={}", "zz".repeat(32));
        assert_eq!(
            verify(BODY, Some(&bad_hex), &[SECRET]),
            Err(SignatureError::MalformedHeader)
        );
        assert_eq!(
            verify(BODY, Some(&sig[..70]), &[SECRET]),
            Err(SignatureError::MalformedHeader)
        );
        assert_eq!(
            verify(BODY, Some(&format!("{sig}00")), &[SECRET]),
            Err(SignatureError::MalformedHeader)
        );
        let none: [&str; 0] = [];
        assert_eq!(
            verify(BODY, Some(&sig), &none),
            Err(SignatureError::NoSecrets)
        );
        // An empty secret is never used, even if the sender signed with an empty key.
        assert_eq!(
            verify(BODY, Some(&sign(BODY, "")), &[""]),
            Err(SignatureError::NoSecrets)
        );
        assert_eq!(
            verify(BODY, Some(&sign(BODY, "")), &["", SECRET]),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn unwrap_reads_the_documented_payload() {
        let ev = unwrap(
            BODY,
            Some(BODY_SIG),
            Some("run.completed"),
            &[SECRET],
            &opts(),
        )
        .unwrap();
        assert_eq!(ev.kind, WebhookEventKind::RunCompleted);
        assert_eq!(ev.event, "run.completed");
        assert_eq!(ev.run_id, "run_xyz789");
        assert_eq!(ev.agent_id, "agent_abc123");
        assert_eq!(ev.status, Some(RunStatus::Completed));
        assert_eq!(ev.outcome, Some(Outcome::Success));
        assert_eq!(ev.finished_at.map(|t| t.timestamp()), Some(1_773_239_535));
        assert_eq!(ev.timestamp.timestamp(), 1_773_239_535);
        assert_eq!(
            ev.dedupe_key(),
            (
                "agent_abc123".into(),
                "run_xyz789".into(),
                "run.completed".into()
            )
        );
        assert_eq!(ev.raw["data"]["outcome"], "success");
    }

    #[test]
    fn unwrap_checks_size_before_hashing() {
        let small = UnwrapOptions {
            max_body: 10,
            ..opts()
        };
        // A wrong signature still reports the size: the body was never hashed.
        assert_eq!(
            unwrap(BODY, Some("garbage"), None, &[SECRET], &small),
            Err(SignatureError::BodyTooLarge { limit: 10 })
        );
    }

    #[test]
    fn unwrap_checks_event_header() {
        assert_eq!(
            unwrap(
                BODY,
                Some(BODY_SIG),
                Some("run.started"),
                &[SECRET],
                &opts()
            ),
            Err(SignatureError::EventMismatch {
                header: "run.started".into(),
                body: "run.completed".into()
            })
        );
        assert!(unwrap(BODY, Some(BODY_SIG), None, &[SECRET], &opts()).is_ok());
    }

    #[test]
    fn unwrap_checks_timestamp_both_ways() {
        let late = UnwrapOptions {
            now: Some(now() + TimeDelta::seconds(400)),
            ..opts()
        };
        assert_eq!(
            unwrap(BODY, Some(BODY_SIG), None, &[SECRET], &late),
            Err(SignatureError::StaleTimestamp { skew_secs: 445 })
        );
        let early = UnwrapOptions {
            now: Some(now() - TimeDelta::seconds(400)),
            ..opts()
        };
        assert_eq!(
            unwrap(BODY, Some(BODY_SIG), None, &[SECRET], &early),
            Err(SignatureError::StaleTimestamp { skew_secs: -355 })
        );
        let off = UnwrapOptions {
            tolerance: None,
            ..late.clone()
        };
        assert!(unwrap(BODY, Some(BODY_SIG), None, &[SECRET], &off).is_ok());
        let huge = UnwrapOptions {
            tolerance: Some(Duration::MAX),
            ..late
        };
        assert!(unwrap(BODY, Some(BODY_SIG), None, &[SECRET], &huge).is_ok());
    }

    #[test]
    fn unwrap_rejects_signed_garbage() {
        for body in [
            &b"not json"[..],
            b"[]",
            br#"{"timestamp":"2026-03-11T14:32:15Z","data":{"run_id":"r","agent_id":"a"}}"#,
            br#"{"event":"run.started","data":{"run_id":"r","agent_id":"a"}}"#,
            br#"{"event":"run.started","timestamp":"soon","data":{"run_id":"r","agent_id":"a"}}"#,
            br#"{"event":"run.started","timestamp":"2026-03-11T14:32:15Z","data":{"agent_id":"a"}}"#,
            br#"{"event":"run.started","timestamp":"2026-03-11T14:32:15Z","data":[]}"#,
        ] {
            let sig = sign(body, SECRET);
            let got = unwrap(body, Some(&sig), None, &[SECRET], &opts());
            assert!(matches!(got, Err(SignatureError::InvalidPayload(_))), "{got:?}");
        }
    }

    #[test]
    fn unknown_events_and_header_lookup() {
        let body = br#"{"event":"run.resumed","timestamp":"2026-03-11T14:32:15+00:00","data":{"run_id":{"id":"r"},"agent_id":"a"}}"#;
        let sig = sign(body, SECRET);
        let headers = [
            ("content-type", "application/json"),
            ("x-cobb-signature", sig.as_str()),
            ("X-COBB-EVENT", "run.resumed"),
        ];
        let ev = unwrap_headers(body, headers, &[SECRET], &opts()).unwrap();
        assert_eq!(ev.kind, WebhookEventKind::Other("run.resumed".into()));
        assert_eq!(ev.kind.to_string(), "run.resumed");
        assert_eq!(ev.run_id, "r");
        assert_eq!(ev.outcome, None);
        let no_sig = [("X-Cobb-Event", "run.resumed")];
        assert_eq!(
            unwrap_headers(body, no_sig, &[SECRET], &opts()),
            Err(SignatureError::MissingHeader)
        );
    }

    #[test]
    fn kinds_round_trip() {
        for name in [
            "run.started",
            "run.completed",
            "run.failed",
            "run.stopped",
            "run.paused",
        ] {
            let kind = WebhookEventKind::from_name(name);
            assert!(!matches!(kind, WebhookEventKind::Other(_)), "{name}");
            assert_eq!(kind.as_str(), name);
        }
        assert_eq!(
            WebhookEventKind::from_name("RUN.FAILED"),
            WebhookEventKind::RunFailed
        );
    }

    #[test]
    fn verifier_hides_secrets() {
        let v = Verifier::new(["s3cr3t-one", "s3cr3t-two"]).with_options(opts());
        let dbg = format!("{v:?}");
        assert!(!dbg.contains("s3cr3t"), "{dbg}");
        assert!(dbg.contains("2 redacted"), "{dbg}");
        let sig = sign(BODY, "s3cr3t-two");
        assert_eq!(v.verify(BODY, Some(&sig)), Ok(()));
        assert!(v.unwrap(BODY, Some(&sig), Some("run.completed")).is_ok());
        assert!(
            v.unwrap_headers(BODY, [("X-Cobb-Signature", sig.as_str())])
                .is_ok()
        );
    }

    #[test]
    fn signed_garbage_never_panics() {
        let pieces: [&[u8]; 12] = [
            b"{",
            b"}",
            b"\"event\":",
            b"\"run.started\"",
            b"\"timestamp\":",
            b"\"2026-03-11T14:32:15Z\"",
            b"\"data\":",
            b"{\"run_id\":1}",
            b",",
            b"null",
            b"\xff",
            b"[",
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..2000 {
            let mut body = Vec::new();
            for _ in 0..(state % 12) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                body.extend_from_slice(pieces[(state % 12) as usize]);
            }
            let sig = sign(&body, SECRET);
            let _ = unwrap(&body, Some(&sig), Some("run.started"), &[SECRET], &opts());
        }
    }

    #[test]
    fn error_names() {
        assert_eq!(SignatureError::NoMatch.name(), "NoMatch");
        assert_eq!(
            SignatureError::BodyTooLarge { limit: 1 }.name(),
            "BodyTooLarge"
        );
        assert_eq!(
            SignatureError::StaleTimestamp { skew_secs: 1 }.to_string(),
            "timestamp is 1s away from now, beyond the tolerance"
        );
    }
}
