//! The router: the 33 API routes (one file per resource), the emulator's admin routes under
//! `/_emulator/`, the inspector page (`crate::ui`), and `/openapi.json`; every request but the
//! inspector's own goes through the request log (`crate::request_log`).

mod admin;
mod agents;
mod api_keys;
mod events;
mod instructions;
mod me;
mod runs;
mod schedules;
mod webhooks;
mod workspaces;

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodFilter, MethodRouter, get, on, post};

use crate::app::{ApiError, AppState};
use crate::store::Store;

/// One API route: its method, its path template and its handler.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    handler: MethodRouter<AppState>,
}

fn route<H, T>(method: Method, path: &'static str, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("standard method");
    Route {
        method,
        path,
        handler: on(filter, handler),
    }
}

/// Every API route the emulator serves; the router and `/openapi.json` are both checked
/// against this table.
pub fn api() -> Vec<Route> {
    use Method as M;
    vec![
        route(M::GET, "/v1/me", me::get),
        route(M::GET, "/api/public/v1/access-api-keys", api_keys::list),
        route(M::POST, "/api/public/v1/access-api-keys", api_keys::create),
        route(
            M::DELETE,
            "/api/public/v1/access-api-keys/{key_id}",
            api_keys::revoke,
        ),
        route(M::GET, "/v1/workspaces", workspaces::list),
        route(M::POST, "/v1/workspaces", workspaces::create),
        route(M::PUT, "/v1/workspaces/{workspace_id}", workspaces::update),
        route(
            M::DELETE,
            "/v1/workspaces/{workspace_id}",
            workspaces::delete,
        ),
        route(M::POST, "/v1/workspaces/reorder", workspaces::reorder),
        route(M::GET, "/v1/agents", agents::list),
        route(M::POST, "/v1/agents", agents::create),
        route(M::GET, "/v1/agents/{agent_id}", agents::get),
        route(M::DELETE, "/v1/agents/{agent_id}", agents::delete),
        route(M::POST, "/v1/agents/{agent_id}/move", agents::move_to),
        route(M::GET, "/v1/agents/{agent_id}/runs", runs::list),
        route(M::POST, "/v1/agents/{agent_id}/runs", runs::start),
        route(
            M::DELETE,
            "/v1/agents/{agent_id}/runs/{run_id}",
            runs::delete,
        ),
        route(
            M::POST,
            "/v1/agents/{agent_id}/runs/{run_id}/cancel",
            runs::cancel,
        ),
        route(
            M::GET,
            "/v1/agents/{agent_id}/runs/{run_id}/events",
            events::list,
        ),
        route(M::POST, "/v1/agents/{agent_id}/webhooks", webhooks::create),
        route(M::GET, "/v1/agents/{agent_id}/webhooks", webhooks::list),
        route(
            M::GET,
            "/v1/agents/{agent_id}/webhooks/{webhook_id}",
            webhooks::get,
        ),
        route(
            M::PATCH,
            "/v1/agents/{agent_id}/webhooks/{webhook_id}",
            webhooks::update,
        ),
        route(
            M::DELETE,
            "/v1/agents/{agent_id}/webhooks/{webhook_id}",
            webhooks::delete,
        ),
        route(M::GET, "/v1/agents/{agent_id}/schedule", schedules::get),
        route(M::PUT, "/v1/agents/{agent_id}/schedule", schedules::set),
        route(
            M::DELETE,
            "/v1/agents/{agent_id}/schedule",
            schedules::delete,
        ),
        route(
            M::POST,
            "/v1/agents/{agent_id}/schedule/pause",
            schedules::pause,
        ),
        route(
            M::POST,
            "/v1/agents/{agent_id}/schedule/resume",
            schedules::resume,
        ),
        route(M::GET, "/v1/schedules", schedules::list_all),
        route(
            M::GET,
            "/v1/agents/{agent_id}/instructions",
            instructions::get,
        ),
        route(
            M::PUT,
            "/v1/agents/{agent_id}/instructions",
            instructions::update,
        ),
        route(
            M::GET,
            "/v1/agents/{agent_id}/instructions/history",
            instructions::history,
        ),
    ]
}

/// The whole application.
pub fn router(app: AppState) -> Router {
    let mut v1 = Router::new();
    for r in api() {
        v1 = v1.route(r.path, r.handler);
    }
    for path in runs::UNIMPLEMENTED {
        v1 = v1.route(path, post(runs::unimplemented));
    }
    let v1 = v1
        .layer(from_fn_with_state(app.clone(), crate::app::require_api_key))
        .layer(from_fn_with_state(app.clone(), crate::faults::inject));
    Router::new()
        .merge(v1)
        .merge(admin::router().layer(from_fn_with_state(
            app.clone(),
            crate::app::require_admin_key,
        )))
        .merge(crate::ui::router(app.clone()))
        .route("/openapi.json", get(crate::openapi::serve))
        .layer(from_fn_with_state(app.clone(), crate::request_log::record))
        .with_state(app)
}

/// 403 unless the agent exists (the live service's answer for unknown and deleted agents).
fn require_agent(store: &Store, agent_id: &str) -> Result<(), ApiError> {
    if store.agents.contains_key(agent_id) {
        Ok(())
    } else {
        Err(ApiError::no_agent_access())
    }
}

/// A query integer typed as the live document types it: `format: int32`, `minimum: 0`. A
/// value outside 0..=2^31-1 is refused by axum's `Query` extractor (400 text/plain), as it
/// would be live.
#[derive(Clone, Copy, Debug)]
pub struct Int32(pub u32);

impl<'de> serde::Deserialize<'de> for Int32 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u32::deserialize(d)?;
        if n > i32::MAX as u32 {
            return Err(serde::de::Error::custom(
                "number too large to fit in target type",
            ));
        }
        Ok(Int32(n))
    }
}

impl Int32 {
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

/// A query integer of `format: int64`, `minimum: 0`: 0..=2^63-1, else axum's 400.
#[derive(Clone, Copy, Debug)]
pub struct Int64(pub u64);

impl<'de> serde::Deserialize<'de> for Int64 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u64::deserialize(d)?;
        if n > i64::MAX as u64 {
            return Err(serde::de::Error::custom(
                "number too large to fit in target type",
            ));
        }
        Ok(Int64(n))
    }
}

/// A required, non-blank string field of a request body.
fn required(field: &str, value: Option<String>) -> Result<String, ApiError> {
    value
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request(format!("{field} is required")))
}
