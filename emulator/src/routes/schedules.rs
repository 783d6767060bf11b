use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::{require_agent, required};
use crate::app::{ApiError, ApiResult, AppState, ok, optional_json, success};
use crate::scheduler;
use crate::store::{Schedule, Store};

/// `GET /v1/agents/{agent_id}/schedule`: `{"schedule": ...}`, or `{}` when there is none.
pub async fn get(State(app): State<AppState>, Path(agent_id): Path<String>) -> ApiResult {
    let store = app.store();
    require_agent(&store, &agent_id)?;
    match store.schedules.get(&agent_id) {
        Some(s) => ok(json!({ "schedule": s.to_json() })),
        None => ok(json!({})),
    }
}

#[derive(Deserialize)]
pub struct SetSchedule {
    cron: Option<String>,
}

/// `PUT /v1/agents/{agent_id}/schedule`: creates or replaces; not limited to deployed agents
/// (the documented rule is not enforced live).
pub async fn set(
    State(app): State<AppState>,
    Path(agent_id): Path<String>,
    axum::Json(body): axum::Json<SetSchedule>,
) -> ApiResult {
    let cron = required("cron", body.cron)?;
    let parsed = scheduler::parse(&cron)?;
    let mut store = app.store();
    require_agent(&store, &agent_id)?;
    let next_run = scheduler::next_run(&parsed, Utc::now());
    store.schedules.insert(
        agent_id.clone(),
        Schedule {
            agent_id,
            cron,
            parsed,
            paused: false,
            auto_paused: false,
            consecutive_failures: 0,
            next_run,
        },
    );
    success()
}

/// `DELETE /v1/agents/{agent_id}/schedule`: `200 {"success": true}`, also when there was none.
pub async fn delete(State(app): State<AppState>, Path(agent_id): Path<String>) -> ApiResult {
    let mut store = app.store();
    require_agent(&store, &agent_id)?;
    store.schedules.remove(&agent_id);
    success()
}

fn existing<'a>(store: &'a mut Store, agent_id: &str) -> Result<&'a mut Schedule, ApiError> {
    require_agent(store, agent_id)?;
    store
        .schedules
        .get_mut(agent_id)
        .ok_or_else(|| ApiError::not_found("this agent has no schedule"))
}

/// Pause and resume take an optional, ignored JSON body (`{}` is what clients send).
fn check_body(body: &Bytes) -> Option<Response> {
    optional_json::<serde_json::Value>(body).err()
}

/// `POST /v1/agents/{agent_id}/schedule/pause`
pub async fn pause(
    State(app): State<AppState>,
    Path(agent_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    if let Some(rejection) = check_body(&body) {
        return Ok(rejection);
    }
    existing(&mut app.store(), &agent_id)?.paused = true;
    Ok(success()?.into_response())
}

/// `POST /v1/agents/{agent_id}/schedule/resume`: also lifts an automatic pause.
pub async fn resume(
    State(app): State<AppState>,
    Path(agent_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    if let Some(rejection) = check_body(&body) {
        return Ok(rejection);
    }
    let mut store = app.store();
    let schedule = existing(&mut store, &agent_id)?;
    schedule.paused = false;
    schedule.auto_paused = false;
    schedule.consecutive_failures = 0;
    schedule.next_run = scheduler::next_run(&schedule.parsed, Utc::now());
    Ok(success()?.into_response())
}

/// `GET /v1/schedules`: every schedule of the user.
pub async fn list_all(State(app): State<AppState>) -> ApiResult {
    let store = app.store();
    let mut items: Vec<&Schedule> = store.schedules.values().collect();
    items.sort_by(|a, b| a.agent_id.cmp(&b.agent_id));
    ok(json!({ "schedules": items.iter().map(|s| s.to_json()).collect::<Vec<_>>() }))
}
