use axum::extract::State;
use serde_json::json;

use crate::app::{ApiResult, AppState, ok};

/// `GET /v1/me`
pub async fn get(State(app): State<AppState>) -> ApiResult {
    ok(json!({ "user_id": app.store().user.user_id }))
}
