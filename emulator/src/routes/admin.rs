//! Emulator-only routes, under `/_emulator/` and nowhere else, opened by the start key.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use chrono::{TimeDelta, Utc};
use serde::Deserialize;
use serde_json::json;

use crate::app::{ApiError, ApiResult, AppState, ok, success};
use crate::faults::{FaultConfig, Faults};
use crate::ids::uuid_v7;
use crate::store::{Delivery, Run, RunMode, RunStatus};

/// Most runs one `POST /_emulator/seed` creates.
const MAX_SEED_RUNS: usize = 1_000_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/_emulator/reset", post(reset))
        .route("/_emulator/deliveries", get(deliveries))
        .route(
            "/_emulator/faults",
            get(get_faults).put(set_faults).delete(clear_faults),
        )
        .route("/_emulator/state", get(state))
        .route("/_emulator/seed", post(seed))
}

/// `POST /_emulator/reset`: forgets everything but the account and the start key; clears faults.
async fn reset(State(app): State<AppState>) -> ApiResult {
    {
        let mut store = app.store();
        store.reset(&app.admin_key);
        if store.keys.is_empty() {
            let key = crate::start_key(&app.admin_key, &mut *app.rng());
            store.keys.push(key);
        }
    }
    *app.faults() = Faults::default();
    success()
}

/// `GET /_emulator/deliveries`: every webhook delivery attempted, oldest first.
async fn deliveries(State(app): State<AppState>) -> ApiResult {
    let store = app.store();
    ok(json!({ "deliveries": store.deliveries.iter().map(Delivery::to_json).collect::<Vec<_>>() }))
}

async fn get_faults(State(app): State<AppState>) -> ApiResult {
    let faults = app.faults();
    ok(json!({ "config": faults.config, "stats": faults.stats }))
}

/// `PUT /_emulator/faults`: replaces the fault configuration and zeroes the counters.
async fn set_faults(State(app): State<AppState>, Json(config): Json<FaultConfig>) -> ApiResult {
    config.validate()?;
    *app.faults() = Faults {
        config,
        stats: Default::default(),
    };
    success()
}

async fn clear_faults(State(app): State<AppState>) -> ApiResult {
    *app.faults() = Faults::default();
    success()
}

/// `GET /_emulator/state`: counts, for tests that check what the server saw.
async fn state(State(app): State<AppState>) -> ApiResult {
    let store = app.store();
    ok(json!({
        "agents": store.agents.len(),
        "runs": store.runs.len(),
        "runs_started": store.runs_started,
        "workspaces": store.workspaces.len(),
        "webhooks": store.webhooks.len(),
        "schedules": store.schedules.len(),
        "keys": store.keys.len(),
        "deliveries": store.deliveries.len(),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    agent_id: String,
    runs: usize,
}

/// `POST /_emulator/seed {"agent_id", "runs": N}`: gives an existing agent N finished runs at
/// once (completed, outcome `success`, no events, started a millisecond apart and ending
/// now), for paging through long histories without simulating each run. Not counted in
/// `runs_started`; no webhooks fire.
async fn seed(State(app): State<AppState>, Json(body): Json<Seed>) -> ApiResult {
    if body.runs == 0 || body.runs > MAX_SEED_RUNS {
        return Err(ApiError::bad_request(format!(
            "runs must be between 1 and {MAX_SEED_RUNS}"
        )));
    }
    let mut store = app.store();
    let store = &mut *store;
    let agent = store
        .agents
        .get_mut(&body.agent_id)
        .ok_or_else(ApiError::no_agent_access)?;
    let now = Utc::now();
    let mut rng = app.rng();
    agent.runs.reserve(body.runs);
    store.runs.reserve(body.runs);
    for i in 0..body.runs {
        let started_at = now - TimeDelta::milliseconds((body.runs - i) as i64);
        let run_id = uuid_v7(&mut *rng, started_at);
        agent.runs.push(run_id.clone());
        let run = Run {
            run_id: run_id.clone(),
            agent_id: body.agent_id.clone(),
            mode: RunMode::Run,
            run_number: agent.runs.len() as u64,
            status: RunStatus::Completed,
            outcome: Some("success".to_string()),
            summary: Some("Seeded run (emulator).".to_string()),
            started_at,
            last_event_at: started_at,
            finished_at: Some(started_at),
            credits_consumed: 2,
            total_action_count: 1,
            events: Vec::new(),
            scheduled: false,
        };
        store.runs.insert(run_id, run);
    }
    agent.last_activity_at = now;
    ok(json!({ "agent_id": body.agent_id, "runs": agent.runs.len() }))
}
