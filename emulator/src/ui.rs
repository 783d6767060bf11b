//! The inspector: a web page at `/_emulator/ui` that shows, live, what the emulator holds and
//! receives: agents (with their schedule and webhooks), runs, a run's events, webhook
//! deliveries (whether each signature verifies with its webhook's secret), the requests
//! received, and the fault configuration (changed or cleared through `/_emulator/faults`).
//!
//! The page, its script and its style sheet are embedded in the binary (`src/ui/`): no build
//! step, no CDN, works offline. They hold no data and are served to anyone; everything they
//! show comes from `GET /_emulator/ui/state`, which needs the start key in `x-api-key` like the
//! other `/_emulator/` routes. The page asks for the key in a login form, or reads it from the
//! link's fragment (`/_emulator/ui#key=...`, never sent to the server), keeps it in the tab's
//! `sessionStorage` and polls the state every second. The page may only talk to its own origin
//! (`Content-Security-Policy`), and the emulator serves one account: it reaches nothing else.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::{ApiResult, AppState, constant_time_eq, ok};
use crate::delivery::sign;
use crate::faults::FaultConfig;
use crate::store::{Delivery, Run, Store};

/// Most runs and deliveries one state answer lists (the newest).
const MAX_LISTED: usize = 200;
/// Most events one state answer carries for the selected run (the page asks for the rest).
const MAX_EVENTS: usize = 500;

const PAGE: &str = include_str!("ui/index.html");
const SCRIPT: &str = include_str!("ui/app.js");
const STYLE: &str = include_str!("ui/app.css");

/// Where the inspector is served, relative to the emulator's base URL; every route of this
/// module starts with it.
pub const PATH: &str = "/_emulator/ui";

pub fn router(app: AppState) -> Router<AppState> {
    let state_route = Router::new()
        .route("/_emulator/ui/state", get(state))
        .layer(from_fn_with_state(app, crate::app::require_admin_key));
    Router::new()
        .route(PATH, get(page))
        .route("/_emulator/ui/", get(page))
        .route("/_emulator/ui/app.js", get(script))
        .route("/_emulator/ui/app.css", get(style))
        .merge(state_route)
}

/// An embedded asset with headers that keep the page to its own origin.
fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut resp = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    let headers = resp.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
             img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
        (HeaderName::from_static("x-frame-options"), "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    resp
}

async fn page() -> Response {
    asset("text/html; charset=utf-8", PAGE)
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StateQuery {
    /// Only requests logged after this `seq`.
    requests_after: Option<u64>,
    /// The run whose events to include.
    run: Option<String>,
    /// Only that run's events with a greater `event_index`.
    events_after: Option<u64>,
}

/// `GET /_emulator/ui/state`: everything the page shows, in one answer. Agents newest first,
/// each with its schedule (or `null`) and webhooks (never their secrets); the newest runs and
/// deliveries (each delivery with `verified`: whether its signature is the HMAC of its body
/// under the webhook's secret, `null` once the webhook is gone); the requests logged after
/// `requests_after`; the faults; and, with `run`, that run's events after `events_after`.
async fn state(State(app): State<AppState>, Query(q): Query<StateQuery>) -> ApiResult {
    let requests = app.requests().since(q.requests_after.unwrap_or(0));
    let faults = {
        let faults = app.faults();
        json!({
            "config": changed_fields(&faults.config),
            "stats": faults.stats,
            "active": faults.config != FaultConfig::default(),
        })
    };
    let store = app.store();
    let events = q
        .run
        .as_deref()
        .map(|id| events(&store, id, q.events_after));
    ok(json!({
        "agents": agents(&store),
        "runs": runs(&store),
        "runs_total": store.runs.len(),
        "events": events,
        "deliveries": deliveries(&store),
        "deliveries_total": store.deliveries.len(),
        "requests": requests,
        "faults": faults,
    }))
}

/// The fields of a fault configuration that differ from their defaults (what was set).
fn changed_fields(config: &FaultConfig) -> Value {
    let (Ok(Value::Object(set)), Ok(Value::Object(default))) = (
        serde_json::to_value(config),
        serde_json::to_value(FaultConfig::default()),
    ) else {
        return Value::Null;
    };
    Value::Object(
        set.into_iter()
            .filter(|(k, v)| default.get(k) != Some(v))
            .collect(),
    )
}

fn agents(store: &Store) -> Vec<Value> {
    let mut agents: Vec<_> = store.agents.values().collect();
    agents.sort_by_key(|a| std::cmp::Reverse(a.seq));
    agents
        .into_iter()
        .map(|a| {
            let mut v = store.agent_json(a);
            v["name"] = json!(a.name);
            v["runs"] = json!(a.runs.len());
            v["schedule"] = store
                .schedules
                .get(&a.agent_id)
                .map_or(Value::Null, |s| s.to_json());
            v["webhooks"] = store
                .webhooks
                .iter()
                .filter(|w| w.agent_id == a.agent_id)
                .map(|w| w.to_json(&store.user.user_id))
                .collect();
            v
        })
        .collect()
}

fn run_json(run: &Run) -> Value {
    json!({
        "run_id": run.run_id,
        "agent_id": run.agent_id,
        "run_number": run.run_number,
        "status": run.status.as_str(),
        "outcome": run.outcome,
        "summary": run.summary,
        "started_at": crate::ids::rfc3339(run.started_at),
        "finished_at": run.finished_at.map(crate::ids::rfc3339),
        "events": run.events.len(),
    })
}

/// The newest [`MAX_LISTED`] runs: only the newest of each agent's list are looked at, so a
/// seeded history of a million runs costs no more than this many per agent.
fn runs(store: &Store) -> Vec<Value> {
    let mut newest: Vec<&Run> = store
        .agents
        .values()
        .flat_map(|a| a.runs.iter().rev().take(MAX_LISTED))
        .filter_map(|id| store.runs.get(id))
        .collect();
    newest.sort_by_key(|r| std::cmp::Reverse(r.started_at));
    newest.into_iter().take(MAX_LISTED).map(run_json).collect()
}

fn events(store: &Store, run_id: &str, after: Option<u64>) -> Value {
    let Some(run) = store.runs.get(run_id) else {
        return json!({ "run_id": run_id, "found": false, "items": [] });
    };
    let start = after.map_or(0, |after| run.events.partition_point(|e| e.index <= after));
    let items: Vec<&serde_json::value::RawValue> = run.events[start..]
        .iter()
        .take(MAX_EVENTS)
        .map(|e| &*e.json)
        .collect();
    json!({
        "run_id": run_id,
        "found": true,
        "status": run.status.as_str(),
        "total": run.events.len(),
        "items": items,
    })
}

/// Whether a delivery's signature verifies with its webhook's current secret; `None` once
/// the webhook is deleted.
fn verified(store: &Store, d: &Delivery) -> Option<bool> {
    let hook = store
        .webhooks
        .iter()
        .find(|w| w.webhook_id == d.webhook_id)?;
    let expected = sign(d.body.as_bytes(), &hook.signing_secret);
    Some(constant_time_eq(
        expected.as_bytes(),
        d.signature.as_bytes(),
    ))
}

fn deliveries(store: &Store) -> Vec<Value> {
    store
        .deliveries
        .iter()
        .enumerate()
        .rev()
        .take(MAX_LISTED)
        .map(|(id, d)| {
            let mut v = d.to_json();
            v["id"] = json!(id);
            v["verified"] = json!(verified(store, d));
            v
        })
        .collect()
}
