use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::require_agent;
use crate::app::{ApiError, AppState};
use crate::faults::{INFLATED_TOTAL, PagingFaults};

/// Events per response: the default and the cap (larger limits are clamped, as live).
const MAX_LIMIT: usize = 500;

#[derive(Deserialize)]
pub struct ListQuery {
    limit: Option<super::Int32>,
    after_index: Option<super::Int64>,
}

/// `GET /v1/agents/{agent_id}/runs/{run_id}/events`: events with `event_index` strictly
/// greater than `after_index`; `total_count` is the run's total. An unknown run gives an
/// empty list, not a 404 (live behaviour). Faults: `ignore_after_index` answers from the
/// first event whatever `after_index` says; `inflate_totals` reports a `total_count` of 2^63.
pub async fn list(
    State(app): State<AppState>,
    Path((agent_id, run_id)): Path<(String, String)>,
    Query(mut q): Query<ListQuery>,
    paging: Option<Extension<PagingFaults>>,
) -> Result<Response, ApiError> {
    let paging = paging.map(|Extension(p)| p).unwrap_or_default();
    if paging.ignore_after_index {
        PagingFaults::count(&app, |s| &mut s.ignored_after_index);
        q.after_index = None;
    }
    if paging.inflate_totals {
        PagingFaults::count(&app, |s| &mut s.inflated_totals);
    }
    let limit = q
        .limit
        .map_or(MAX_LIMIT, super::Int32::get)
        .clamp(1, MAX_LIMIT);
    let store = app.store();
    require_agent(&store, &agent_id)?;
    let mut body = String::from("{\"events\":[");
    let mut total = 0u64;
    if let Some(run) = store.runs.get(&run_id).filter(|r| r.agent_id == agent_id) {
        total = run.events.len() as u64;
        let start = q.after_index.map_or(0, |super::Int64(after)| {
            run.events.partition_point(|e| e.index <= after)
        });
        for (i, event) in run.events[start..].iter().take(limit).enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(event.json.get());
        }
    }
    if paging.inflate_totals {
        total = INFLATED_TOTAL;
    }
    body.push_str(&format!("],\"total_count\":{total}}}"));
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}
