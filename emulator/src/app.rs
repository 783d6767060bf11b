//! Shared state, the problem+json error type and the authentication layers.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use crate::delivery::HttpClient;
use crate::faults::Faults;
use crate::request_log::RequestLog;
use crate::store::Store;

/// The state every handler shares.
pub struct App {
    store: Mutex<Store>,
    rng: Mutex<StdRng>,
    faults: Mutex<Faults>,
    requests: Mutex<RequestLog>,
    /// Default time between two simulated events.
    pub step_ms: u64,
    /// The key the emulator was started with: it alone opens `/_emulator/`.
    pub admin_key: String,
    pub http: HttpClient,
}

pub type AppState = Arc<App>;

impl App {
    pub fn new(store: Store, rng: StdRng, step_ms: u64, admin_key: String) -> App {
        App {
            store: Mutex::new(store),
            rng: Mutex::new(rng),
            faults: Mutex::new(Faults::default()),
            requests: Mutex::new(RequestLog::default()),
            step_ms,
            admin_key,
            http: crate::delivery::client(),
        }
    }

    /// Locks the store. A handler never holds it across an `.await`.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The log of requests received, for the inspector.
    pub fn requests(&self) -> MutexGuard<'_, RequestLog> {
        self.requests.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn rng(&self) -> MutexGuard<'_, StdRng> {
        self.rng.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// An error response: RFC 9457 problem details, as the live service sends them.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: String,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            detail: detail.into(),
        }
    }
    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, detail)
    }
    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, detail)
    }
    pub fn conflict(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, detail)
    }
    pub fn unauthorized(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, detail)
    }
    /// What the live service answers for an unknown or deleted agent (twin-api.md 1.3).
    pub fn no_agent_access() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "you do not have access to this agent",
        )
    }
    pub fn run_not_found(run_id: &str) -> ApiError {
        ApiError::not_found(format!("run {run_id} not found"))
    }
}

pub const PROBLEM_JSON: &str = "application/problem+json";

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "detail": self.detail,
            "status": self.status.as_u16(),
            "title": self.status.canonical_reason().unwrap_or("Error"),
            "type": "about:blank",
        });
        (
            self.status,
            [(header::CONTENT_TYPE, PROBLEM_JSON)],
            body.to_string(),
        )
            .into_response()
    }
}

pub type ApiResult = Result<Response, ApiError>;

/// A JSON response with the given status.
pub fn reply(status: StatusCode, body: Value) -> ApiResult {
    Ok((status, axum::Json(body)).into_response())
}

pub fn ok(body: Value) -> ApiResult {
    reply(StatusCode::OK, body)
}

pub fn success() -> ApiResult {
    ok(json!({ "success": true }))
}

pub fn no_content() -> ApiResult {
    Ok(StatusCode::NO_CONTENT.into_response())
}

const BEARER_REFUSED: &str = "Bearer tokens are not supported on the REST API. Use the x-api-key header with an API key created from the Twin UI (Settings > API Keys).";

/// Authenticates `/v1` and `/api/public/v1` requests by `x-api-key`, like the live service.
pub async fn require_api_key(State(app): State<AppState>, req: Request, next: Next) -> Response {
    match check_api_key(&app, req.headers()) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

fn check_api_key(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(given) = headers.get("x-api-key") else {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("bearer"));
        return Err(ApiError::unauthorized(if bearer {
            BEARER_REFUSED
        } else {
            "missing API key: send it in the x-api-key header"
        }));
    };
    let mut store = app.store();
    let key = store
        .keys
        .iter_mut()
        .find(|k| constant_time_eq(k.key.as_bytes(), given.as_bytes()))
        .ok_or_else(|| ApiError::unauthorized("invalid API key"))?;
    key.last_used_at = Some(Utc::now().timestamp());
    Ok(())
}

/// Opens `/_emulator/` only to the key the emulator was started with.
pub async fn require_admin_key(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let given = req
        .headers()
        .get("x-api-key")
        .map(HeaderValue::as_bytes)
        .unwrap_or_default();
    if constant_time_eq(given, app.admin_key.as_bytes()) {
        next.run(req).await
    } else {
        ApiError::unauthorized("the emulator's admin routes need the key it was started with")
            .into_response()
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A JSON request body read as the live server (axum) reads it: axum's own `Json` extractor
/// gives the 415 (no JSON content type), 413 (over 2 MB), 400 (not JSON) and 422 (a missing
/// field, a wrong type) text/plain rejections, with its wording. The body must also be a JSON
/// object, as every request body of the live document is (serde alone would read an array as
/// the fields in order): anything else is a 422 in the same form.
pub struct JsonObject<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for JsonObject<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let axum::Json(raw) =
            axum::Json::<Box<serde_json::value::RawValue>>::from_request(req, state)
                .await
                .map_err(IntoResponse::into_response)?;
        if let Err(e) = serde_json::from_str::<serde_json::Map<String, Value>>(raw.get())
            && !raw.get().starts_with('{')
        {
            let text = format!("Failed to deserialize the JSON body into the target type: {e}");
            return Err((
                StatusCode::UNPROCESSABLE_ENTITY,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                text,
            )
                .into_response());
        }
        axum::Json::<T>::from_bytes(raw.get().as_bytes())
            .map(|axum::Json(v)| JsonObject(v))
            .map_err(IntoResponse::into_response)
    }
}
