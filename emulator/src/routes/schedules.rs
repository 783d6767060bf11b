use axum::Extension;
use axum::extract::{Path, State};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::{require_agent, required};
use crate::app::{ApiError, ApiResult, AppState, JsonObject, ok, success};
use crate::faults::Refusal;
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

/// `cron` is required: a body without it is axum's 422 text/plain, like live.
#[derive(Deserialize)]
pub struct SetSchedule {
    cron: String,
}

/// `PUT /v1/agents/{agent_id}/schedule`: creates or replaces; not limited to deployed agents
/// (the documented rule is not enforced live). A cron that never fires again is a 400 (the
/// live schema's `next_run` is a required integer). Fault `refuse`: `{"success": false,
/// "error"}`, nothing stored.
pub async fn set(
    State(app): State<AppState>,
    Path(agent_id): Path<String>,
    refusal: Option<Extension<Refusal>>,
    JsonObject(body): JsonObject<SetSchedule>,
) -> ApiResult {
    let cron = required("cron", Some(body.cron))?;
    let parsed = scheduler::parse(&cron)?;
    let next_run = scheduler::next_run(&parsed, Utc::now()).ok_or_else(|| {
        ApiError::bad_request(format!("cron expression {cron:?} never fires again"))
    })?;
    let mut store = app.store();
    require_agent(&store, &agent_id)?;
    if let Some(refusal) = Refusal::take(&app, refusal) {
        return refusal.flag("success");
    }
    store.schedules.insert(
        agent_id.clone(),
        Schedule {
            agent_id,
            cron,
            parsed,
            paused: false,
            auto_paused: false,
            consecutive_failures: 0,
            next_run: Some(next_run),
        },
    );
    success()
}

/// `DELETE /v1/agents/{agent_id}/schedule`: `200 {"success": true}`, also when there was none.
/// Fault `refuse`: `{"success": false, "error"}`, the schedule kept.
pub async fn delete(
    State(app): State<AppState>,
    Path(agent_id): Path<String>,
    refusal: Option<Extension<Refusal>>,
) -> ApiResult {
    let mut store = app.store();
    require_agent(&store, &agent_id)?;
    if let Some(refusal) = Refusal::take(&app, refusal) {
        return refusal.flag("success");
    }
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

/// `POST /v1/agents/{agent_id}/schedule/pause`. The live operation declares no request body:
/// whatever is sent (clients send `{}`) is not read. Fault `refuse`: `{"success": false,
/// "error"}`, the schedule left running.
pub async fn pause(
    State(app): State<AppState>,
    Path(agent_id): Path<String>,
    refusal: Option<Extension<Refusal>>,
) -> ApiResult {
    change(&app, &agent_id, refusal, |schedule| schedule.paused = true)
}

/// `POST /v1/agents/{agent_id}/schedule/resume`: also lifts an automatic pause. No request
/// body is read, as for pause. Fault `refuse`: `{"success": false, "error"}`, still paused.
pub async fn resume(
    State(app): State<AppState>,
    Path(agent_id): Path<String>,
    refusal: Option<Extension<Refusal>>,
) -> ApiResult {
    change(&app, &agent_id, refusal, |schedule| {
        schedule.paused = false;
        schedule.auto_paused = false;
        schedule.consecutive_failures = 0;
        schedule.next_run = scheduler::next_run(&schedule.parsed, Utc::now());
    })
}

/// Pause and resume: the agent's schedule changed by `apply`, unless a `refuse` fault answers
/// `{"success": false, "error"}` and leaves it as it was.
fn change(
    app: &AppState,
    agent_id: &str,
    refusal: Option<Extension<Refusal>>,
    apply: impl FnOnce(&mut Schedule),
) -> ApiResult {
    let mut store = app.store();
    let schedule = existing(&mut store, agent_id)?;
    if let Some(refusal) = Refusal::take(app, refusal) {
        return refusal.flag("success");
    }
    apply(schedule);
    success()
}

/// `GET /v1/schedules`: every schedule of the user.
pub async fn list_all(State(app): State<AppState>) -> ApiResult {
    let store = app.store();
    let mut items: Vec<&Schedule> = store.schedules.values().collect();
    items.sort_by(|a, b| a.agent_id.cmp(&b.agent_id));
    ok(json!({ "schedules": items.iter().map(|s| s.to_json()).collect::<Vec<_>>() }))
}
