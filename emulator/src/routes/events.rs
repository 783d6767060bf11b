use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::require_agent;
use crate::app::{ApiError, AppState};

/// Events per response: the default and the cap (larger limits are clamped, as live).
const MAX_LIMIT: usize = 500;

#[derive(Deserialize)]
pub struct ListQuery {
    limit: Option<usize>,
    after_index: Option<u64>,
}

/// `GET /v1/agents/{agent_id}/runs/{run_id}/events`: events with `event_index` strictly
/// greater than `after_index`; `total_count` is the run's total. An unknown run gives an
/// empty list, not a 404 (live behaviour).
pub async fn list(
    State(app): State<AppState>,
    Path((agent_id, run_id)): Path<(String, String)>,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let limit = q.limit.unwrap_or(MAX_LIMIT).clamp(1, MAX_LIMIT);
    let store = app.store();
    require_agent(&store, &agent_id)?;
    let mut body = String::from("{\"events\":[");
    let mut total = 0;
    if let Some(run) = store.runs.get(&run_id).filter(|r| r.agent_id == agent_id) {
        total = run.events.len();
        let start = q
            .after_index
            .map_or(0, |after| run.events.partition_point(|e| e.index <= after));
        for (i, event) in run.events[start..].iter().take(limit).enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(event.json.get());
        }
    }
    body.push_str(&format!("],\"total_count\":{total}}}"));
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}
