use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::require_agent;
use crate::app::{ApiError, ApiResult, AppState, JsonObject, no_content, ok, reply};
use crate::faults::{INFLATED_TOTAL, PagingFaults, Refusal};
use crate::store::{Run, RunMode, RunStatus};

const DEFAULT_PAGE_SIZE: usize = 100;
const MAX_PAGE_SIZE: usize = 1000;

/// The runs list's filters, all of the live document's, all implemented.
const FILTERS: [&str; 8] = [
    "filter_user_email",
    "filter_goal",
    "filter_status",
    "filter_run_id",
    "filter_started_after",
    "filter_started_before",
    "filter_policy_type",
    "filter_policy_group",
];

#[derive(Deserialize)]
pub struct ListQuery {
    page: Option<super::Int32>,
    page_size: Option<super::Int32>,
    filter_user_email: Option<String>,
    filter_goal: Option<String>,
    filter_status: Option<String>,
    filter_run_id: Option<String>,
    filter_started_after: Option<String>,
    filter_started_before: Option<String>,
    filter_policy_type: Option<String>,
    filter_policy_group: Option<String>,
}

/// An ISO-8601 bound: a full RFC 3339 timestamp, or a date (midnight UTC).
fn parse_time(name: &str, value: &Option<String>) -> Result<Option<DateTime<Utc>>, ApiError> {
    value
        .as_deref()
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.to_utc())
                .or_else(|_| {
                    chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
                })
                .map_err(|_| {
                    ApiError::bad_request(format!("{name} must be an ISO-8601 date or timestamp"))
                })
        })
        .transpose()
}

/// A query parameter named like a filter that the runs list does not know is refused with a
/// 400 rather than ignored, so that a misspelt filter never lists every run.
fn refuse_unknown_filters(params: &[(String, String)]) -> Result<(), ApiError> {
    match params
        .iter()
        .find(|(k, _)| k.starts_with("filter_") && !FILTERS.contains(&k.as_str()))
    {
        Some((k, _)) => Err(ApiError::bad_request(format!(
            "{k} is not a filter of the runs list (known: {})",
            FILTERS.join(", ")
        ))),
        None => Ok(()),
    }
}

/// `GET /v1/agents/{agent_id}/runs`: newest first, 1-based pages, every filter of the live
/// document (exact matches; `filter_user_email` is the starting key's user's email,
/// `filter_goal` the run's `goal`, which is empty as live reports it); a `filter_*` parameter
/// it does not know is a 400. `page` 0 reads as 1 and `page_size` is clamped to 1..1000; the
/// answer's `page` and `page_size` say what was used. Fault `inflate_totals`: `total_runs` is
/// 2^63 and every page number gets page 1's runs.
pub async fn list(
    State(app): State<AppState>,
    Path(agent_id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
    Query(q): Query<ListQuery>,
    paging: Option<Extension<PagingFaults>>,
) -> ApiResult {
    refuse_unknown_filters(&params)?;
    let inflate = paging.is_some_and(|Extension(p)| p.inflate_totals);
    let page = q.page.map_or(1, super::Int32::get).max(1);
    let page_size = q
        .page_size
        .map_or(DEFAULT_PAGE_SIZE, super::Int32::get)
        .clamp(1, MAX_PAGE_SIZE);
    let after = parse_time("filter_started_after", &q.filter_started_after)?;
    let before = parse_time("filter_started_before", &q.filter_started_before)?;
    if inflate {
        PagingFaults::count(&app, |s| &mut s.inflated_totals);
    }
    let store = app.store();
    let agent = store
        .agents
        .get(&agent_id)
        .ok_or_else(ApiError::no_agent_access)?;
    let user = &store.user;
    let keep = |r: &&Run| {
        q.filter_user_email
            .as_ref()
            .is_none_or(|e| &user.email == e)
            && q.filter_goal.as_ref().is_none_or(|g| r.goal() == g)
            && q.filter_status
                .as_ref()
                .is_none_or(|s| r.status.as_str() == s)
            && q.filter_run_id.as_ref().is_none_or(|id| &r.run_id == id)
            && after.is_none_or(|t| r.started_at >= t)
            && before.is_none_or(|t| r.started_at <= t)
            && q.filter_policy_type
                .as_ref()
                .is_none_or(|p| r.mode.policy_type() == p)
            && q.filter_policy_group
                .as_ref()
                .is_none_or(|g| r.mode.policy_group() == g)
    };
    let skip = if inflate {
        0 // page 1, whatever page was asked for
    } else {
        (page - 1).saturating_mul(page_size)
    };
    let unfiltered = q.filter_user_email.is_none()
        && q.filter_goal.is_none()
        && q.filter_status.is_none()
        && q.filter_run_id.is_none()
        && after.is_none()
        && before.is_none()
        && q.filter_policy_type.is_none()
        && q.filter_policy_group.is_none();
    let (total, page_runs): (usize, Vec<&Run>) = if unfiltered {
        // Without filters a page is a slice: deep pages of long histories stay cheap.
        let ids = &agent.runs;
        let end = ids.len().saturating_sub(skip);
        let start = end.saturating_sub(page_size);
        let page_runs = ids[start..end]
            .iter()
            .rev()
            .filter_map(|id| store.runs.get(id))
            .collect();
        (ids.len(), page_runs)
    } else {
        let runs = agent
            .runs
            .iter()
            .rev()
            .filter_map(|id| store.runs.get(id))
            .filter(keep);
        let total = runs.clone().count();
        (total, runs.skip(skip).take(page_size).collect())
    };
    // Serialized straight to text (keys in sorted order, as a rendered `Value` has them).
    #[derive(serde::Serialize)]
    struct ListBody<'a> {
        all_run_summaries: Vec<crate::store::SummaryView<'a>>,
        page: usize,
        page_size: usize,
        runs: Vec<crate::store::RunView<'a>>,
        total_runs: u64,
    }
    let body = serde_json::to_vec(&ListBody {
        all_run_summaries: page_runs.iter().map(|r| r.summary_view()).collect(),
        page,
        page_size,
        runs: page_runs.iter().map(|r| r.view(&store.user)).collect(),
        total_runs: if inflate {
            INFLATED_TOTAL
        } else {
            total as u64
        },
    })
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct StartRun {
    run_mode: Option<String>,
    user_message: Option<String>,
    #[allow(dead_code)]
    skip_deploy_check: Option<bool>,
}

/// `POST /v1/agents/{agent_id}/runs`: `run_mode` is required and only lowercase `run` or
/// `build` is accepted, with the live service's (misleading) message otherwise.
pub async fn start(
    State(app): State<AppState>,
    Path(agent_id): Path<String>,
    JsonObject(body): JsonObject<StartRun>,
) -> ApiResult {
    let mut store = app.store();
    require_agent(&store, &agent_id)?;
    let mode = match body.run_mode.as_deref() {
        Some("run") => RunMode::Run,
        Some("build") => RunMode::Build,
        _ => {
            return Err(ApiError::bad_request(
                "run_mode must be explicitly set to Builder, Run, or SubAgent",
            ));
        }
    };
    let message = body.user_message.unwrap_or_default();
    let run_id = crate::sim::start(&app, &mut store, &agent_id, mode, &message, false)?;
    let run = &store.runs[&run_id];
    reply(
        StatusCode::CREATED,
        json!({ "run": run.to_start_json(&store.user) }),
    )
}

/// The run, if it exists and belongs to the agent.
fn find<'a>(
    store: &'a crate::store::Store,
    agent_id: &str,
    run_id: &str,
) -> Result<&'a Run, ApiError> {
    require_agent(store, agent_id)?;
    store
        .runs
        .get(run_id)
        .filter(|r| r.agent_id == agent_id)
        .ok_or_else(|| ApiError::run_not_found(run_id))
}

/// `DELETE /v1/agents/{agent_id}/runs/{run_id}`: 204; an in-progress run stops.
pub async fn delete(
    State(app): State<AppState>,
    Path((agent_id, run_id)): Path<(String, String)>,
) -> ApiResult {
    let mut store = app.store();
    find(&store, &agent_id, &run_id)?;
    store.runs.remove(&run_id);
    if let Some(agent) = store.agents.get_mut(&agent_id) {
        agent.runs.retain(|r| r != &run_id);
    }
    no_content()
}

#[derive(Deserialize)]
pub struct Cancel {
    #[allow(dead_code)]
    reason: Option<String>,
}

/// `POST /v1/agents/{agent_id}/runs/{run_id}/cancel`: idempotent. The body is required
/// (`{}` at least), as the live document declares it: without a JSON content type, axum's 415.
/// Fault `refuse`: `{"success": false, "error"}`, the run left as it is.
pub async fn cancel(
    State(app): State<AppState>,
    Path((agent_id, run_id)): Path<(String, String)>,
    refusal: Option<Extension<Refusal>>,
    JsonObject(_body): JsonObject<Cancel>,
) -> ApiResult {
    let mut store = app.store();
    let status = find(&store, &agent_id, &run_id)?.status;
    if let Some(refusal) = Refusal::take(&app, refusal) {
        return refusal.flag("success");
    }
    let reply = match status {
        RunStatus::InProgress | RunStatus::Paused => {
            crate::sim::stop(&app, &mut store, &run_id);
            json!({ "success": true })
        }
        RunStatus::Completed => json!({ "error": "run already completed", "success": true }),
        RunStatus::Error => json!({ "error": "run already failed", "success": true }),
        RunStatus::Stopped => json!({ "error": "run already stopped", "success": true }),
    };
    ok(reply)
}

/// Paths under a run that the live gateway routes but never implemented (twin-api.md 2.10).
pub const UNIMPLEMENTED: [&str; 6] = [
    "/v1/agents/{agent_id}/runs/{run_id}/messages",
    "/v1/agents/{agent_id}/runs/{run_id}/input",
    "/v1/agents/{agent_id}/runs/{run_id}/answer",
    "/v1/agents/{agent_id}/runs/{run_id}/reply",
    "/v1/agents/{agent_id}/runs/{run_id}/respond",
    "/v1/agents/{agent_id}/runs/{run_id}/resume",
];

/// `200 application/grpc` with `grpc-status: 12` (UNIMPLEMENTED) and no body, like live.
pub async fn unimplemented() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/grpc"),
            (HeaderName::from_static("grpc-status"), "12"),
        ],
    )
        .into_response()
}
