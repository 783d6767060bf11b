use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::Utc;
use rand::seq::IndexedRandom;
use serde::Deserialize;
use serde_json::json;

use super::{require_agent, required};
use crate::app::{ApiError, ApiResult, AppState, JsonObject, no_content, ok, reply, success};
use crate::faults::{PagingFaults, Refusal};
use crate::ids;
use crate::store::{Agent, Store};

const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 100;
const MAX_AGENT_ID_CHARS: usize = 128;
const DEFAULT_WORKSPACE_NAME: &str = "My Workspace";
const COLOURS: [&str; 6] = [
    "#A78BFA", "#4ADE80", "#34D399", "#FFD93D", "#60A5FA", "#F472B6",
];

#[derive(Deserialize)]
pub struct ListQuery {
    workspace_id: Option<String>,
    cursor: Option<String>,
    limit: Option<super::Int32>,
}

/// Cursors are opaque to clients: the creation sequence of the last agent returned.
fn encode_cursor(seq: u64) -> String {
    hex::encode(format!("agents:{seq}"))
}

fn decode_cursor(cursor: &str) -> Option<u64> {
    let text = String::from_utf8(hex::decode(cursor).ok()?).ok()?;
    text.strip_prefix("agents:")?.parse().ok()
}

/// `GET /v1/agents`: newest first; `next_cursor` only when another page exists. A `limit`
/// outside 1..100 or a `cursor` the emulator did not issue is a 400 (the answer has no field
/// that would show a clamped limit; live's answer to these is not captured). Fault
/// `repeat_cursor`: `cursor` is ignored and every answer is the first page with a
/// `next_cursor`, always the same one.
pub async fn list(
    State(app): State<AppState>,
    Query(q): Query<ListQuery>,
    paging: Option<Extension<PagingFaults>>,
) -> ApiResult {
    let repeat = paging.is_some_and(|Extension(p)| p.repeat_cursor);
    let limit = q.limit.map_or(DEFAULT_LIMIT, super::Int32::get);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let before = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        _ if repeat => u64::MAX,
        Some(c) => decode_cursor(c).ok_or_else(|| ApiError::bad_request("invalid cursor"))?,
        None => u64::MAX,
    };
    if repeat {
        PagingFaults::count(&app, |s| &mut s.repeated_cursors);
    }
    let store = app.store();
    let mut agents: Vec<&Agent> = store
        .agents
        .values()
        .filter(|a| a.seq < before && q.workspace_id.as_ref().is_none_or(|w| &a.workspace_id == w))
        .collect();
    agents.sort_by_key(|a| std::cmp::Reverse(a.seq));
    let more = agents.len() > limit;
    agents.truncate(limit);
    let mut body =
        json!({ "agents": agents.iter().map(|a| store.agent_json(a)).collect::<Vec<_>>() });
    if more && let Some(last) = agents.last() {
        body["next_cursor"] = json!(encode_cursor(last.seq));
    } else if repeat {
        // The first page's cursor even when nothing follows; with no agent, one that
        // points at the first page itself.
        body["next_cursor"] = json!(encode_cursor(agents.last().map_or(u64::MAX, |a| a.seq)));
    }
    ok(body)
}

/// `owner_user_id` and `is_subagent` are accepted and, as in the emulator's single-user
/// world, have no visible effect.
#[derive(Deserialize, Default)]
#[allow(dead_code)]
pub struct CreateAgent {
    workspace_id: Option<String>,
    owner_user_id: Option<String>,
    /// Not nullable in the live schema: `null` is axum's 422.
    #[serde(default)]
    is_subagent: bool,
    derived_from_agent_id: Option<String>,
    agent_id: Option<String>,
}

/// The workspace agents land in when none is given: one per user, made on first use.
fn default_workspace(app: &AppState, store: &mut Store) -> String {
    if let Some(id) = &store.default_workspace {
        return id.clone();
    }
    let id = super::workspaces::insert(app, store, DEFAULT_WORKSPACE_NAME.to_string());
    store.default_workspace = Some(id.clone());
    id
}

/// `POST /v1/agents`: every field optional, the body itself required (`{}` at least), as the
/// live document declares it: without a JSON content type, axum's 415.
pub async fn create(
    State(app): State<AppState>,
    JsonObject(body): JsonObject<CreateAgent>,
) -> ApiResult {
    let mut store = app.store();
    let workspace_id = match body.workspace_id {
        Some(w) => {
            if !store.workspaces.iter().any(|ws| ws.workspace_id == w) {
                return Err(ApiError::not_found(format!("workspace {w} not found")));
            }
            w
        }
        None => default_workspace(&app, &mut store),
    };
    if let Some(source) = &body.derived_from_agent_id {
        require_agent(&store, source)?;
    }
    let now = Utc::now();
    let agent_id = match body.agent_id {
        Some(id) => {
            let id = required("agent_id", Some(id))?;
            if id.chars().count() > MAX_AGENT_ID_CHARS {
                return Err(ApiError::bad_request(format!(
                    "agent_id must be at most {MAX_AGENT_ID_CHARS} characters"
                )));
            }
            if store.agents.contains_key(&id) {
                return Err(ApiError::conflict(format!("agent {id} already exists")));
            }
            id
        }
        None => ids::uuid_v7(&mut *app.rng(), now),
    };
    let colour = *COLOURS.choose(&mut *app.rng()).expect("non-empty");
    let seq = store.take_seq();
    let agent = Agent {
        agent_id: agent_id.clone(),
        seq,
        name: None,
        workspace_id,
        icon_config: json!({ "backgroundColor": colour }).to_string(),
        last_activity_at: now,
        runs: Vec::new(),
    };
    let json = store.agent_json(&agent);
    store.agents.insert(agent_id, agent);
    reply(StatusCode::CREATED, json!({ "agent": json }))
}

/// `GET /v1/agents/{agent_id}`
pub async fn get(State(app): State<AppState>, Path(agent_id): Path<String>) -> ApiResult {
    let store = app.store();
    let agent = store
        .agents
        .get(&agent_id)
        .ok_or_else(ApiError::no_agent_access)?;
    ok(json!({ "agent": store.agent_json(agent) }))
}

/// `DELETE /v1/agents/{agent_id}`: 204 with an empty body.
pub async fn delete(State(app): State<AppState>, Path(agent_id): Path<String>) -> ApiResult {
    let mut store = app.store();
    store
        .remove_agent(&agent_id)
        .ok_or_else(ApiError::no_agent_access)?;
    no_content()
}

/// `workspace_id` is required: a body without it is axum's 422 text/plain, like live.
#[derive(Deserialize)]
pub struct Move {
    workspace_id: String,
}

/// `POST /v1/agents/{agent_id}/move`: 404 for a workspace that is not the user's (the live
/// operation declares 200 and 404 only). Fault `refuse`: `{"success": false, "error"}`, the
/// agent left where it is.
pub async fn move_to(
    State(app): State<AppState>,
    Path(agent_id): Path<String>,
    refusal: Option<Extension<Refusal>>,
    JsonObject(body): JsonObject<Move>,
) -> ApiResult {
    let workspace_id = body.workspace_id;
    let mut store = app.store();
    require_agent(&store, &agent_id)?;
    if !store
        .workspaces
        .iter()
        .any(|w| w.workspace_id == workspace_id)
    {
        return Err(ApiError::not_found(format!(
            "workspace {workspace_id} not found"
        )));
    }
    if let Some(refusal) = Refusal::take(&app, refusal) {
        return refusal.flag("success");
    }
    let agent = store.agents.get_mut(&agent_id).expect("checked above");
    agent.workspace_id = workspace_id;
    agent.last_activity_at = Utc::now();
    success()
}
