//! Fault injection for `/v1` and `/api/public` routes, configured through `PUT /_emulator/faults`.
//!
//! Each matching request draws once: it may be dropped (connection closed without a response,
//! either before or after the handler ran), answered with an error status, a 429 with
//! `Retry-After`, a truncated body, or a 200 of the wrong kind (`text/html` like the web UI's
//! host, or `application/grpc` like the service's unimplemented routes). Latency is added to
//! every matching request, with optional spikes.
//!
//! Three switches make the list routes page like a buggy or hostile server, to show that a
//! client's pagers still end: `ignore_after_index` (events), `repeat_cursor` (agents) and
//! `inflate_totals` (runs, events). They apply to every matching request (within `route`,
//! `methods` and `times`, and together with the drawn faults): the middleware hands them to
//! the handlers as a [`PagingFaults`] request extension.
//!
//! One switch makes an operation fail the way the live service reports failure inside a 200:
//! `refuse` (with an optional `refuse_error` text). The eleven operations whose answer carries
//! a flag answer it false without doing anything (after their usual checks, so an unknown agent
//! is still a 403): `{"success": false, "error": <text>}` for schedule set, pause, resume and
//! delete, agent move, instructions update and run cancel; `{"success": false}` for workspace
//! reorder (its live schema has no `error`); `{"deleted": false, "error": <text>}` for workspace
//! delete; `{"revoked": false}` for key revoke; `{"workspace": null}` for workspace update. The
//! middleware hands it to the handlers as a [`Refusal`] request extension; other operations
//! ignore it.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::app::{ApiError, AppState};

/// `Retry-After` seconds: a fixed number or an inclusive `[min, max]` range.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum RetryAfter {
    Fixed(u64),
    Range([u64; 2]),
}

impl Default for RetryAfter {
    fn default() -> Self {
        RetryAfter::Fixed(1)
    }
}

/// The fault configuration. Rates are probabilities in `[0, 1]`; their sum must not exceed 1.
#[derive(Clone, Debug, Serialize, Deserialize, Default, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Share of requests answered with `error_status`.
    pub error_rate: f64,
    /// Status of injected errors (default 503).
    pub error_status: Option<u16>,
    /// Share of requests answered `429` with a `Retry-After` header.
    pub rate_limit_rate: f64,
    pub retry_after: RetryAfter,
    /// Share of connections closed without a response.
    pub drop_rate: f64,
    /// Share of responses whose body is cut in half (the connection then closes).
    pub truncate_rate: f64,
    /// Share of requests answered `200 text/html`, as from the wrong host.
    pub html_rate: f64,
    /// Share of requests answered `200 application/grpc` with `grpc-status: 12`.
    pub grpc_rate: f64,
    /// Latency added to every matching request.
    pub latency_ms: u64,
    /// Share of requests that get `spike_ms` more.
    pub spike_rate: f64,
    pub spike_ms: u64,
    /// Events list (`GET .../runs/{run_id}/events`): answer as if `after_index` were absent,
    /// i.e. always from the run's first event, so a client that pages by `after_index` gets
    /// the same page again and again.
    pub ignore_after_index: bool,
    /// Agents list (`GET /v1/agents`): ignore `cursor` and always answer the first page with
    /// the same non-null `next_cursor` (the first page's own), so following it never ends.
    pub repeat_cursor: bool,
    /// Runs list (`GET .../runs`): report `total_runs` = 2^63 (9223372036854775808, a JSON
    /// number) and serve page 1's runs whatever `page` asks for. Events list: report
    /// `total_count` = 2^63.
    pub inflate_totals: bool,
    /// The operations that answer with a flag (`success`, `deleted`, `revoked`, or
    /// `{"workspace": ...}` for a workspace update) answer 200 with it false (the workspace
    /// `null`) and `refuse_error`, and change nothing. See the module documentation.
    pub refuse: bool,
    /// The `error` text of refused operations (default [`DEFAULT_REFUSE_ERROR`]).
    pub refuse_error: Option<String>,
    /// Only requests whose path starts with this prefix (default: all API routes).
    pub route: Option<String>,
    /// Only requests with one of these methods (default: all).
    pub methods: Option<Vec<String>>,
    /// Only the next `times` matching requests get a fault (default: no limit).
    pub times: Option<u64>,
}

/// How many faults of each kind were injected since the configuration was set.
#[derive(Clone, Debug, Serialize, Default)]
pub struct FaultStats {
    pub matched: u64,
    pub dropped: u64,
    pub errors: u64,
    pub rate_limited: u64,
    pub truncated: u64,
    pub html: u64,
    pub grpc: u64,
    pub spikes: u64,
    /// Events lists answered from the first event despite `after_index`.
    pub ignored_after_index: u64,
    /// Agents lists answered with the repeated cursor.
    pub repeated_cursors: u64,
    /// Runs and events lists answered with an inflated total.
    pub inflated_totals: u64,
    /// Operations answered with their flag false (`refuse`).
    pub refused: u64,
}

/// The total that `inflate_totals` reports: 2^63, one more than `i64::MAX`.
pub const INFLATED_TOTAL: u64 = 1 << 63;

/// The paging switches of the fault configuration in effect for one request; a request
/// extension set by [`inject`] when any is on. List handlers read it with
/// `Option<Extension<PagingFaults>>` and count what they did with [`PagingFaults::count`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PagingFaults {
    pub ignore_after_index: bool,
    pub repeat_cursor: bool,
    pub inflate_totals: bool,
}

impl PagingFaults {
    fn of(config: &FaultConfig) -> Option<PagingFaults> {
        let p = PagingFaults {
            ignore_after_index: config.ignore_after_index,
            repeat_cursor: config.repeat_cursor,
            inflate_totals: config.inflate_totals,
        };
        (p != PagingFaults::default()).then_some(p)
    }

    /// Counts a fault applied by a handler. Call it before taking the store's lock.
    pub fn count(app: &AppState, stat: impl FnOnce(&mut FaultStats) -> &mut u64) {
        *stat(&mut app.faults().stats) += 1;
    }
}

/// The `error` text of a refused operation when `refuse_error` is not set.
pub const DEFAULT_REFUSE_ERROR: &str = "the operation was refused (emulator fault: refuse)";

/// `refuse` in effect for one request: a request extension set by [`inject`]. The handlers of
/// the operations that answer with a flag read it with `Option<Extension<Refusal>>` and, after
/// their checks, answer with [`Refusal::flag`] (or `{"workspace": null}`) instead of acting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub error: String,
}

impl Refusal {
    fn of(config: &FaultConfig) -> Option<Refusal> {
        config.refuse.then(|| Refusal {
            error: config
                .refuse_error
                .clone()
                .unwrap_or_else(|| DEFAULT_REFUSE_ERROR.to_string()),
        })
    }

    /// The refusal to apply, if the fault is on for this request; counts it. Call it after
    /// the handler's checks (it may be called with the store locked: nothing locks the store
    /// while holding the faults).
    pub fn take(app: &AppState, ext: Option<axum::Extension<Refusal>>) -> Option<Refusal> {
        let axum::Extension(refusal) = ext?;
        app.faults().stats.refused += 1;
        Some(refusal)
    }

    /// `200 {"<flag>": false, "error": <text>}`.
    pub fn flag(self, flag: &str) -> crate::app::ApiResult {
        crate::app::ok(serde_json::json!({ flag: false, "error": self.error }))
    }
}

#[derive(Default)]
pub struct Faults {
    pub config: FaultConfig,
    pub stats: FaultStats,
}

impl FaultConfig {
    pub fn validate(&self) -> Result<(), ApiError> {
        let rates = [
            self.error_rate,
            self.rate_limit_rate,
            self.drop_rate,
            self.truncate_rate,
            self.html_rate,
            self.grpc_rate,
            self.spike_rate,
        ];
        if rates.iter().any(|r| !(0.0..=1.0).contains(r)) {
            return Err(ApiError::bad_request("every rate must be between 0 and 1"));
        }
        if rates[..6].iter().sum::<f64>() > 1.0 + 1e-9 {
            return Err(ApiError::bad_request(
                "the fault rates must add up to at most 1",
            ));
        }
        if let Some(s) = self.error_status
            && !(400..=599).contains(&s)
        {
            return Err(ApiError::bad_request(
                "error_status must be a 4xx or 5xx status",
            ));
        }
        if let RetryAfter::Range([lo, hi]) = self.retry_after
            && lo > hi
        {
            return Err(ApiError::bad_request(
                "retry_after range must be [min, max]",
            ));
        }
        Ok(())
    }

    fn matches(&self, req: &Request) -> bool {
        self.route
            .as_deref()
            .is_none_or(|p| req.uri().path().starts_with(p))
            && self.methods.as_ref().is_none_or(|ms| {
                ms.iter()
                    .any(|m| m.eq_ignore_ascii_case(req.method().as_str()))
            })
    }
}

enum Fault {
    DropBefore,
    DropAfter,
    Error(StatusCode),
    RateLimit(u64),
    Truncate,
    Html,
    Grpc,
}

impl Fault {
    /// The fault's name in the request log.
    fn name(&self) -> &'static str {
        match self {
            Fault::DropBefore | Fault::DropAfter => "drop",
            Fault::Error(_) => "error",
            Fault::RateLimit(_) => "rate_limit",
            Fault::Truncate => "truncate",
            Fault::Html => "html",
            Fault::Grpc => "grpc",
        }
    }
}

/// Marks a response whose connection the server closes instead of answering.
#[derive(Clone, Copy)]
pub struct DropConnection;

/// Marks a response replaced or damaged by a drawn fault (its name), for the request log.
#[derive(Clone, Copy)]
pub struct Injected(pub &'static str);

pub async fn inject(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let (fault, delay) = {
        let mut faults = app.faults();
        let Faults { config, stats } = &mut *faults;
        if !config.matches(&req) || config.times == Some(0) {
            (None, Duration::ZERO)
        } else {
            if let Some(paging) = PagingFaults::of(config) {
                req.extensions_mut().insert(paging);
            }
            if let Some(refusal) = Refusal::of(config) {
                req.extensions_mut().insert(refusal);
            }
            stats.matched += 1;
            if let Some(t) = config.times.as_mut() {
                *t -= 1;
            }
            let mut rng = app.rng();
            let mut delay = Duration::from_millis(config.latency_ms);
            if config.spike_rate > 0.0 && rng.random::<f64>() < config.spike_rate {
                stats.spikes += 1;
                delay += Duration::from_millis(config.spike_ms);
            }
            (draw(config, stats, &mut *rng), delay)
        }
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let Some(fault) = fault else {
        return next.run(req).await;
    };
    let name = fault.name();
    let mut resp = match fault {
        Fault::DropBefore => dropped(),
        Fault::DropAfter => {
            next.run(req).await;
            dropped()
        }
        Fault::Error(status) => ApiError::new(status, "injected fault").into_response(),
        Fault::RateLimit(secs) => {
            let mut resp = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded")
                .into_response();
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
            resp
        }
        Fault::Truncate => truncate(next.run(req).await).await,
        Fault::Html => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!doctype html><html><head><title>Twin</title></head><body><div id=\"root\"></div></body></html>",
        )
            .into_response(),
        Fault::Grpc => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/grpc"), (header::HeaderName::from_static("grpc-status"), "12")],
        )
            .into_response(),
    };
    resp.extensions_mut().insert(Injected(name));
    resp
}

fn draw(config: &FaultConfig, stats: &mut FaultStats, rng: &mut impl Rng) -> Option<Fault> {
    let x: f64 = rng.random();
    let mut edge = 0.0;
    let mut hit = |rate: f64| {
        edge += rate;
        rate > 0.0 && x < edge
    };
    if hit(config.drop_rate) {
        stats.dropped += 1;
        Some(if rng.random::<bool>() {
            Fault::DropBefore
        } else {
            Fault::DropAfter
        })
    } else if hit(config.error_rate) {
        stats.errors += 1;
        let status = config.error_status.unwrap_or(503);
        Some(Fault::Error(
            StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
        ))
    } else if hit(config.rate_limit_rate) {
        stats.rate_limited += 1;
        Some(Fault::RateLimit(match config.retry_after {
            RetryAfter::Fixed(s) => s,
            RetryAfter::Range([lo, hi]) => rng.random_range(lo..=hi),
        }))
    } else if hit(config.truncate_rate) {
        stats.truncated += 1;
        Some(Fault::Truncate)
    } else if hit(config.html_rate) {
        stats.html += 1;
        Some(Fault::Html)
    } else if hit(config.grpc_rate) {
        stats.grpc += 1;
        Some(Fault::Grpc)
    } else {
        None
    }
}

fn dropped() -> Response {
    let mut resp = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    resp.extensions_mut().insert(DropConnection);
    resp
}

/// Sends the status, headers and the full `Content-Length`, then half the body, then fails
/// the stream so the server closes the connection mid-body. The failure waits a moment so
/// that hyper flushes the headers and the half first; failing at once would make it drop
/// the buffered bytes, and the client would see no response at all instead of a cut body.
async fn truncate(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    if bytes.len() < 2 {
        // Nothing to cut: an empty body can only be lost with the connection.
        return dropped();
    }
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let half = bytes.slice(..bytes.len() / 2);
    let head = futures_util::stream::iter([Ok::<_, std::io::Error>(half)]);
    let cut = futures_util::stream::once(async {
        tokio::time::sleep(TRUNCATE_FLUSH).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "injected truncation",
        ))
    });
    Response::from_parts(parts, Body::from_stream(head.chain(cut)))
}

/// How long a truncated body waits before its connection is cut.
const TRUNCATE_FLUSH: Duration = Duration::from_millis(20);
