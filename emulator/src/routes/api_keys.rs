use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::required;
use crate::app::{ApiError, ApiResult, AppState, JsonObject, ok, reply};
use crate::faults::Refusal;
use crate::ids;
use crate::store::ApiKey;

const MAX_NAME_CHARS: usize = 128;

/// `GET /api/public/v1/access-api-keys`
pub async fn list(State(app): State<AppState>) -> ApiResult {
    let store = app.store();
    ok(json!({ "keys": store.keys.iter().map(ApiKey::to_json).collect::<Vec<_>>() }))
}

/// `name` is required: a body without it is axum's 422 text/plain, like live.
#[derive(Deserialize)]
pub struct CreateKey {
    name: String,
}

/// `POST /api/public/v1/access-api-keys`: the full key is in this response only.
pub async fn create(
    State(app): State<AppState>,
    JsonObject(body): JsonObject<CreateKey>,
) -> ApiResult {
    let name = required("name", Some(body.name))?;
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::bad_request(format!(
            "name must be 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    let (key_id, secret) = {
        let mut rng = app.rng();
        (ids::key_id(&mut *rng), ids::secret(&mut *rng, 40))
    };
    let key = ApiKey {
        key: ids::api_key(&key_id, &secret),
        display_prefix: secret[..8].to_string(),
        key_id,
        name,
        created_at: Utc::now().timestamp(),
        last_used_at: None,
    };
    let mut body = key.to_json();
    body["api_key"] = json!(key.key);
    app.store().keys.push(key);
    reply(StatusCode::CREATED, body)
}

/// `DELETE /api/public/v1/access-api-keys/{key_id}`: the key stops working at once. Fault
/// `refuse`: `{"revoked": false}` (the live schema has no `error` here), the key kept.
pub async fn revoke(
    State(app): State<AppState>,
    Path(key_id): Path<String>,
    refusal: Option<Extension<Refusal>>,
) -> ApiResult {
    let mut store = app.store();
    if !store.keys.iter().any(|k| k.key_id == key_id) {
        return Err(ApiError::not_found(format!("api key {key_id} not found")));
    }
    if Refusal::take(&app, refusal).is_some() {
        return ok(json!({ "revoked": false }));
    }
    store.keys.retain(|k| k.key_id != key_id);
    ok(json!({ "revoked": true }))
}
