use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};

use super::required;
use crate::app::{ApiError, ApiResult, AppState, JsonObject, ok, reply, success};
use crate::faults::Refusal;
use crate::ids;
use crate::store::{Store, Workspace};

/// `GET /v1/workspaces`: every workspace, in display order; not paginated.
pub async fn list(State(app): State<AppState>) -> ApiResult {
    let store = app.store();
    let items: Vec<Value> = store
        .workspaces
        .iter()
        .map(|w| store.workspace_json(w))
        .collect();
    ok(json!({ "workspaces": items }))
}

/// `name` is required: a body without it is axum's 422 text/plain, like live.
#[derive(Deserialize)]
pub struct CreateWorkspace {
    name: String,
}

/// Adds a workspace at position 0, as the live service places new ones.
pub fn insert(app: &AppState, store: &mut Store, name: String) -> String {
    let now = Utc::now();
    let workspace_id = ids::uuid_v7(&mut *app.rng(), now);
    store.workspaces.insert(
        0,
        Workspace {
            workspace_id: workspace_id.clone(),
            name,
            position: 0,
            icon_config: None,
            created_at: now,
            updated_at: now,
        },
    );
    store.renumber_workspaces();
    workspace_id
}

/// `POST /v1/workspaces`
pub async fn create(
    State(app): State<AppState>,
    JsonObject(body): JsonObject<CreateWorkspace>,
) -> ApiResult {
    let name = required("name", Some(body.name))?;
    let mut store = app.store();
    insert(&app, &mut store, name);
    let ws = &store.workspaces[0];
    reply(
        StatusCode::CREATED,
        json!({ "workspace": store.workspace_json(ws) }),
    )
}

#[derive(Deserialize)]
pub struct UpdateWorkspace {
    /// Required (422 text/plain without it); taken as given, as the live operation declares
    /// no 400.
    name: String,
    /// A JSON-encoded string; an object is refused by the extractor with a 422 text/plain.
    icon_config: Option<String>,
}

fn find<'a>(store: &'a mut Store, workspace_id: &str) -> Result<&'a mut Workspace, ApiError> {
    store
        .workspaces
        .iter_mut()
        .find(|w| w.workspace_id == workspace_id)
        .ok_or_else(|| ApiError::not_found(format!("workspace {workspace_id} not found")))
}

/// `PUT /v1/workspaces/{workspace_id}`. Fault `refuse`: `{"workspace": null}`, unchanged.
pub async fn update(
    State(app): State<AppState>,
    Path(workspace_id): Path<String>,
    refusal: Option<Extension<Refusal>>,
    JsonObject(body): JsonObject<UpdateWorkspace>,
) -> ApiResult {
    let mut store = app.store();
    let ws = find(&mut store, &workspace_id)?;
    if Refusal::take(&app, refusal).is_some() {
        return ok(json!({ "workspace": null }));
    }
    ws.name = body.name;
    if body.icon_config.is_some() {
        ws.icon_config = body.icon_config;
    }
    ws.updated_at = Utc::now();
    let store = &*store;
    let ws = store
        .workspaces
        .iter()
        .find(|w| w.workspace_id == workspace_id)
        .expect("found above");
    ok(json!({ "workspace": store.workspace_json(ws) }))
}

/// `DELETE /v1/workspaces/{workspace_id}`: removes the workspace and every agent in it.
/// Fault `refuse`: `{"deleted": false, "error"}`, nothing removed.
pub async fn delete(
    State(app): State<AppState>,
    Path(workspace_id): Path<String>,
    refusal: Option<Extension<Refusal>>,
) -> ApiResult {
    let mut store = app.store();
    find(&mut store, &workspace_id)?;
    if let Some(refusal) = Refusal::take(&app, refusal) {
        return refusal.flag("deleted");
    }
    store.workspaces.retain(|w| w.workspace_id != workspace_id);
    store.renumber_workspaces();
    if store.default_workspace.as_deref() == Some(&workspace_id) {
        store.default_workspace = None;
    }
    let doomed: Vec<String> = store
        .agents
        .values()
        .filter(|a| a.workspace_id == workspace_id)
        .map(|a| a.agent_id.clone())
        .collect();
    for agent_id in doomed {
        store.remove_agent(&agent_id);
    }
    ok(json!({ "deleted": true }))
}

/// `workspace_ids` is required: a body without it is axum's 422 text/plain, like live.
#[derive(Deserialize)]
pub struct Reorder {
    workspace_ids: Vec<String>,
}

/// `POST /v1/workspaces/reorder`: the listed workspaces first, in the given order; the
/// others keep their relative order after them. Fault `refuse`: `{"success": false}` (the
/// live schema of this answer has no `error`), the order unchanged.
pub async fn reorder(
    State(app): State<AppState>,
    refusal: Option<Extension<Refusal>>,
    JsonObject(body): JsonObject<Reorder>,
) -> ApiResult {
    let ids = body.workspace_ids;
    let mut store = app.store();
    let mut seen = std::collections::HashSet::new();
    for id in &ids {
        if !seen.insert(id.as_str()) {
            return Err(ApiError::bad_request(format!(
                "workspace {id} is listed twice"
            )));
        }
        if !store.workspaces.iter().any(|w| &w.workspace_id == id) {
            return Err(ApiError::bad_request(format!(
                "workspace {id} is not one of your workspaces"
            )));
        }
    }
    if Refusal::take(&app, refusal).is_some() {
        return ok(json!({ "success": false }));
    }
    let mut rest = std::mem::take(&mut store.workspaces);
    let mut ordered = Vec::with_capacity(rest.len());
    for id in &ids {
        let i = rest
            .iter()
            .position(|w| &w.workspace_id == id)
            .expect("checked above");
        ordered.push(rest.remove(i));
    }
    ordered.extend(rest);
    store.workspaces = ordered;
    store.renumber_workspaces();
    success()
}
