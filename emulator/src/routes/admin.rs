//! Emulator-only routes, under `/_emulator/` and nowhere else, opened by the start key.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde_json::json;

use crate::app::{ApiResult, AppState, ok, success};
use crate::faults::{FaultConfig, Faults};
use crate::store::Delivery;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/_emulator/reset", post(reset))
        .route("/_emulator/deliveries", get(deliveries))
        .route(
            "/_emulator/faults",
            get(get_faults).put(set_faults).delete(clear_faults),
        )
        .route("/_emulator/state", get(state))
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
