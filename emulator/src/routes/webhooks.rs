use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::require_agent;
use crate::app::{ApiError, ApiResult, AppState, JsonObject, no_content, ok, reply};
use crate::ids;
use crate::store::{Store, WEBHOOK_EVENTS, Webhook};

/// An absolute http or https URL with a host name or IPv4 address, an optional port and an
/// optional path and query of URL characters: exactly what `/openapi.json` documents (its
/// `pattern`); anything else is a 400.
fn check_url(url: &str) -> Result<(), ApiError> {
    let bad = || ApiError::bad_request("url must be an absolute http or https URL");
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    let port_ok =
        port.is_none_or(|p| (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    let tail_ok = tail
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._~!$&'()*+,;=:@%/?-".contains(&b));
    if host_ok && port_ok && tail_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

fn check_events(events: &[String]) -> Result<(), ApiError> {
    if events.is_empty() {
        return Err(ApiError::bad_request(
            "events must name at least one event type",
        ));
    }
    if let Some(bad) = events
        .iter()
        .find(|e| !WEBHOOK_EVENTS.contains(&e.as_str()))
    {
        return Err(ApiError::bad_request(format!(
            "unknown event type {bad:?} (known: {})",
            WEBHOOK_EVENTS.join(", ")
        )));
    }
    Ok(())
}

/// `url` and `events` are required: a body without one is axum's 422 text/plain, like live.
#[derive(Deserialize)]
pub struct CreateWebhook {
    url: String,
    events: Vec<String>,
}

/// `POST /v1/agents/{agent_id}/webhooks`: 201 with the top-level object and, only here,
/// the `signing_secret`.
pub async fn create(
    State(app): State<AppState>,
    Path(agent_id): Path<String>,
    JsonObject(body): JsonObject<CreateWebhook>,
) -> ApiResult {
    let (url, events) = (body.url, body.events);
    check_url(&url)?;
    check_events(&events)?;
    let mut store = app.store();
    require_agent(&store, &agent_id)?;
    let now = Utc::now();
    let (webhook_id, secret) = {
        let mut rng = app.rng();
        (
            ids::uuid_v7(&mut *rng, now),
            format!("whsec_{}", ids::secret(&mut *rng, 32)),
        )
    };
    let webhook = Webhook {
        webhook_id,
        agent_id,
        url,
        events,
        active: true,
        signing_secret: secret,
        created_at: now,
        updated_at: now,
    };
    let body = webhook.to_created_json();
    store.webhooks.push(webhook);
    reply(StatusCode::CREATED, body)
}

/// `GET /v1/agents/{agent_id}/webhooks`
pub async fn list(State(app): State<AppState>, Path(agent_id): Path<String>) -> ApiResult {
    let store = app.store();
    require_agent(&store, &agent_id)?;
    let items: Vec<_> = store
        .webhooks
        .iter()
        .filter(|w| w.agent_id == agent_id)
        .map(|w| w.to_json(&store.user.user_id))
        .collect();
    ok(json!({ "webhooks": items }))
}

fn find<'a>(
    store: &'a mut Store,
    agent_id: &str,
    webhook_id: &str,
) -> Result<&'a mut Webhook, ApiError> {
    require_agent(store, agent_id)?;
    store
        .webhooks
        .iter_mut()
        .find(|w| w.agent_id == agent_id && w.webhook_id == webhook_id)
        .ok_or_else(|| ApiError::not_found(format!("webhook {webhook_id} not found")))
}

/// `GET /v1/agents/{agent_id}/webhooks/{webhook_id}`: top level, without the secret.
pub async fn get(
    State(app): State<AppState>,
    Path((agent_id, webhook_id)): Path<(String, String)>,
) -> ApiResult {
    let mut store = app.store();
    let user_id = store.user.user_id.clone();
    let json = find(&mut store, &agent_id, &webhook_id)?.to_json(&user_id);
    ok(json)
}

#[derive(Deserialize)]
pub struct UpdateWebhook {
    url: Option<String>,
    events: Option<Vec<String>>,
    status: Option<String>,
}

/// `PATCH /v1/agents/{agent_id}/webhooks/{webhook_id}`: only the fields sent change.
pub async fn update(
    State(app): State<AppState>,
    Path((agent_id, webhook_id)): Path<(String, String)>,
    JsonObject(body): JsonObject<UpdateWebhook>,
) -> ApiResult {
    if let Some(url) = &body.url {
        check_url(url)?;
    }
    if let Some(events) = &body.events {
        check_events(events)?;
    }
    let active = match body.status.as_deref() {
        None => None,
        Some("active") => Some(true),
        Some("disabled") => Some(false),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "status must be active or disabled, got {other:?}"
            )));
        }
    };
    let mut store = app.store();
    let user_id = store.user.user_id.clone();
    let webhook = find(&mut store, &agent_id, &webhook_id)?;
    if let Some(url) = body.url {
        webhook.url = url;
    }
    if let Some(events) = body.events {
        webhook.events = events;
    }
    if let Some(active) = active {
        webhook.active = active;
    }
    webhook.updated_at = Utc::now();
    let json = webhook.to_json(&user_id);
    ok(json)
}

/// `DELETE /v1/agents/{agent_id}/webhooks/{webhook_id}`: 204.
pub async fn delete(
    State(app): State<AppState>,
    Path((agent_id, webhook_id)): Path<(String, String)>,
) -> ApiResult {
    let mut store = app.store();
    find(&mut store, &agent_id, &webhook_id)?;
    store.webhooks.retain(|w| w.webhook_id != webhook_id);
    no_content()
}
