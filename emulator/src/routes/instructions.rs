use axum::Extension;
use axum::extract::{Path, Query, State};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::require_agent;
use crate::app::{ApiResult, AppState, JsonObject, ok, success};
use crate::faults::Refusal;
use crate::ids::rfc3339;
use crate::store::InstructionVersion;

/// `GET /v1/agents/{agent_id}/instructions`: the latest version, or `{}` when none.
pub async fn get(State(app): State<AppState>, Path(agent_id): Path<String>) -> ApiResult {
    let store = app.store();
    require_agent(&store, &agent_id)?;
    match store.instructions.get(&agent_id).and_then(|v| v.last()) {
        Some(v) => ok(json!({ "instructions": v.to_current_json(&store.user) })),
        None => ok(json!({})),
    }
}

/// `content` is required: a body without it is axum's 422 text/plain, like live.
#[derive(Deserialize)]
pub struct UpdateInstructions {
    content: String,
    source_type: Option<String>,
    source_id: Option<String>,
}

/// What live records as `source_type` for a version written without one (live-calls.json
/// entries 14 and 16: a PUT with `content` alone got `source_type` `checkpoint` and
/// `source_id` `checkpoint:instructions:<time>`).
const DEFAULT_SOURCE_TYPE: &str = "checkpoint";

/// `PUT /v1/agents/{agent_id}/instructions`: every write adds a version. The first one also
/// names a still-unnamed agent after its first line, as the platform fills names in later.
/// Without `source_type` the version gets `checkpoint` (and `source_id`
/// `checkpoint:instructions:<time>`), as live records it. Fault `refuse`: `{"success": false,
/// "error"}`, no version written.
pub async fn update(
    State(app): State<AppState>,
    Path(agent_id): Path<String>,
    refusal: Option<Extension<Refusal>>,
    JsonObject(body): JsonObject<UpdateInstructions>,
) -> ApiResult {
    let content = body.content;
    let mut store = app.store();
    require_agent(&store, &agent_id)?;
    if let Some(refusal) = Refusal::take(&app, refusal) {
        return refusal.flag("success");
    }
    let now = Utc::now();
    let hash = hex::encode(Sha256::digest(content.as_bytes()));
    let source_type = body
        .source_type
        .unwrap_or_else(|| DEFAULT_SOURCE_TYPE.to_string());
    let source_id = body
        .source_id
        .unwrap_or_else(|| format!("{source_type}:instructions:{}", rfc3339(now)));
    let id = store.next_instruction_id;
    store.next_instruction_id += 1;
    let version = InstructionVersion {
        id,
        agent_id: agent_id.clone(),
        storage_key: format!(
            "agents/{agent_id}/instructions/{}-{}.md",
            now.timestamp_millis(),
            &hash[..16]
        ),
        content_hash: hash,
        source_type,
        source_id,
        created_at: now,
        content,
    };
    let agent = store.agents.get_mut(&agent_id).expect("checked above");
    agent.last_activity_at = now;
    if agent.name.is_none() {
        let first_line = version
            .content
            .lines()
            .map(|l| l.trim_start_matches('#').trim())
            .find(|l| !l.is_empty());
        agent.name = first_line.map(|l| l.chars().take(60).collect());
    }
    store
        .instructions
        .entry(agent_id)
        .or_default()
        .push(version);
    success()
}

#[derive(Deserialize)]
pub struct HistoryQuery {
    limit: Option<super::Int32>,
}

/// `GET /v1/agents/{agent_id}/instructions/history`: newest first; all unless `limit`.
pub async fn history(
    State(app): State<AppState>,
    Path(agent_id): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> ApiResult {
    let store = app.store();
    require_agent(&store, &agent_id)?;
    let versions = store
        .instructions
        .get(&agent_id)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let items: Vec<_> = versions
        .iter()
        .rev()
        .take(q.limit.map_or(usize::MAX, super::Int32::get))
        .map(InstructionVersion::to_history_json)
        .collect();
    ok(json!({ "instruction_versions": items }))
}
