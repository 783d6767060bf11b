//! `/v1/agents/{agent_id}/webhooks`: create, list, get, update and delete outbound webhooks.
//! Verifying their deliveries is in [`crate::webhooks`].

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::{Call, Client};
use crate::error::{Error, Result};
use crate::ids::{AgentId, AgentIdRef, WebhookId, WebhookIdRef};
use crate::resources::{model, model_list, model_one, open_enum};
use crate::signature::WebhookEventKind;
use crate::transport::Idempotency;

/// The five run-lifecycle events a webhook can subscribe to.
pub const WEBHOOK_EVENT_TYPES: [&str; 5] = [
    "run.started",
    "run.completed",
    "run.failed",
    "run.stopped",
    "run.paused",
];

open_enum! {
    /// Whether a webhook receives deliveries.
    WebhookStatus {
        /// Deliveries are sent.
        Active = "active",
        /// Nothing is sent.
        Disabled = "disabled",
    }
}

/// A webhook of an agent (never with its secret, except [`CreatedWebhook`]).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Webhook {
    /// A UUIDv7.
    pub webhook_id: WebhookId,
    /// The agent it belongs to (filled in from the request when the response omits it).
    #[serde(default)]
    pub agent_id: AgentId,
    /// Where deliveries go.
    pub url: String,
    /// Subscribed event types, e.g. `run.completed`.
    #[serde(default)]
    pub events: Vec<WebhookEventKind>,
    /// `active` or `disabled`.
    pub status: WebhookStatus,
    /// When it was created.
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    pub created_at: Option<DateTime<Utc>>,
    /// When it last changed (absent from the create response).
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    raw: Value,
}

/// A webhook just created, with the `signing_secret` its deliveries are signed with: shown
/// only now, so store it. `Debug` redacts it.
#[derive(Clone, PartialEq, Deserialize)]
pub struct CreatedWebhook {
    /// The HMAC-SHA256 key of `X-Cobb-Signature`.
    pub signing_secret: String,
    /// The webhook's fields.
    #[serde(flatten)]
    pub webhook: Webhook,
    #[serde(skip)]
    raw: Value,
}
model!(Webhook, CreatedWebhook);

impl fmt::Debug for CreatedWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedWebhook")
            .field("signing_secret", &"<redacted>")
            .field("webhook", &self.webhook)
            .finish()
    }
}

/// What [`Webhooks::update`] changes; fields left `None` stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct WebhookUpdateParams {
    /// A new URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A new set of event types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<WebhookEventKind>>,
    /// `active` or `disabled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<WebhookStatus>,
}

setters!(WebhookUpdateParams {
    into: [url: String, events: Vec<WebhookEventKind>],
    some: [status: WebhookStatus],
    set: [],
});

#[derive(Serialize)]
struct CreateBody<'a> {
    url: &'a str,
    events: &'a [WebhookEventKind],
}

fn check_url(url: &str) -> Result<()> {
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(Error::InvalidArgument(format!(
            "webhook url must be http or https, got {url:?}"
        )));
    }
    Ok(())
}

fn check_events(events: &[WebhookEventKind]) -> Result<()> {
    if events.is_empty() {
        return Err(Error::InvalidArgument(
            "a webhook needs at least one event type".into(),
        ));
    }
    if let Some(bad) = events
        .iter()
        .map(WebhookEventKind::as_str)
        .find(|e| !WEBHOOK_EVENT_TYPES.contains(e))
    {
        return Err(Error::InvalidArgument(format!(
            "unknown webhook event {bad:?}; known: {}",
            WEBHOOK_EVENT_TYPES.join(", ")
        )));
    }
    Ok(())
}

/// Webhook endpoints; from [`Client::webhooks`].
///
/// ```
/// # let emulator = twin_emulator::Emulator::start(Default::default()).unwrap();
/// # let client = twin_core::Client::builder().api_key(emulator.api_key()).base_url(emulator.url()).build()?;
/// use twin_core::webhooks::WebhookEventKind::{RunCompleted, RunFailed};
/// use twin_core::{WebhookStatus, WebhookUpdateParams};
/// # let agent_id = client.agents().create(&Default::default())?.agent_id;
///
/// let url = "https://example.com/hooks";
/// let created = client.webhooks().create(&agent_id, url, &[RunCompleted, RunFailed])?;
/// // Keep `created.signing_secret` to verify deliveries (see `twin_core::webhooks`).
/// let id = &created.webhook.webhook_id;
/// let paused = WebhookUpdateParams::default().status(WebhookStatus::Disabled);
/// client.webhooks().update(&agent_id, id, &paused)?;
/// assert_eq!(client.webhooks().get(&agent_id, id)?.status, WebhookStatus::Disabled);
/// client.webhooks().delete(&agent_id, id)?;
/// assert!(client.webhooks().list(&agent_id)?.is_empty());
/// # Ok::<(), twin_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Webhooks {
    client: Client,
}

impl Client {
    /// Outbound webhooks of agents.
    pub fn webhooks(&self) -> Webhooks {
        Webhooks {
            client: self.clone(),
        }
    }
}

/// The response lacks `agent_id` on create; the request knows it.
fn with_agent(mut w: Webhook, agent_id: &str) -> Webhook {
    if w.agent_id.is_empty() {
        w.agent_id = agent_id.into();
    }
    w
}

impl Webhooks {
    /// Registers `url` for `events` of the agent's runs. Never retried once sent.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON;
    /// [`Error::InvalidArgument`] for an empty id, before anything is sent. Never re-sent once it
    /// may have reached the service.
    pub fn create<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        url: &str,
        events: &[WebhookEventKind],
    ) -> Result<CreatedWebhook> {
        let agent_id = agent_id.into().as_str();
        check_url(url)?;
        check_events(events)?;
        let call = Call::post(&["v1", "agents", agent_id, "webhooks"], Idempotency::Unsafe)
            .body(&CreateBody { url, events });
        let mut created: CreatedWebhook = model_one(self.client.json(call)?, "webhook")?;
        created.webhook.raw = crate::resources::without(&created.raw, "signing_secret");
        created.webhook = with_agent(created.webhook, agent_id);
        Ok(created)
    }

    /// The agent's webhooks (not paginated).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON;
    /// [`Error::InvalidArgument`] for an empty id, before anything is sent.
    pub fn list<'a>(&self, agent_id: impl Into<AgentIdRef<'a>>) -> Result<Vec<Webhook>> {
        let agent_id = agent_id.into().as_str();
        let list: Vec<Webhook> = model_list(
            self.client
                .json(Call::get(&["v1", "agents", agent_id, "webhooks"]))?,
            "webhooks",
        )?;
        Ok(list.into_iter().map(|w| with_agent(w, agent_id)).collect())
    }

    /// One webhook.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON;
    /// [`Error::InvalidArgument`] for an empty id, before anything is sent; a missing webhook is an
    /// [`Error::Api`] for which [`Error::is_not_found`] is true.
    pub fn get<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        webhook_id: impl Into<WebhookIdRef<'a>>,
    ) -> Result<Webhook> {
        let agent_id = agent_id.into().as_str();
        let webhook_id = webhook_id.into().as_str();
        let w = model_one(
            self.client.json(Call::get(&[
                "v1", "agents", agent_id, "webhooks", webhook_id,
            ]))?,
            "webhook",
        )?;
        Ok(with_agent(w, agent_id))
    }

    /// Changes the URL, the events or the status; returns the updated webhook.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON;
    /// [`Error::InvalidArgument`] for an empty id, before anything is sent; a missing webhook is an
    /// [`Error::Api`] for which [`Error::is_not_found`] is true.
    pub fn update<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        webhook_id: impl Into<WebhookIdRef<'a>>,
        params: &WebhookUpdateParams,
    ) -> Result<Webhook> {
        let agent_id = agent_id.into().as_str();
        let webhook_id = webhook_id.into().as_str();
        if let Some(url) = &params.url {
            check_url(url)?;
        }
        if let Some(events) = &params.events {
            check_events(events)?;
        }
        let call = Call::patch(&["v1", "agents", agent_id, "webhooks", webhook_id]).body(params);
        Ok(with_agent(
            model_one(self.client.json(call)?, "webhook")?,
            agent_id,
        ))
    }

    /// Deletes a webhook: no further deliveries.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON;
    /// [`Error::InvalidArgument`] for an empty id, before anything is sent; a missing webhook is an
    /// [`Error::Api`] for which [`Error::is_not_found`] is true.
    pub fn delete<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        webhook_id: impl Into<WebhookIdRef<'a>>,
    ) -> Result<()> {
        let agent_id = agent_id.into().as_str();
        let webhook_id = webhook_id.into().as_str();
        self.client.send(Call::delete(&[
            "v1", "agents", agent_id, "webhooks", webhook_id,
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::sample;

    #[test]
    fn created_webhook_is_top_level_and_redacted() {
        let c: CreatedWebhook = sample(
            r#"{"created_at":"2026-04-22T14:43:55.949962620+00:00","events":["run.started","run.completed"],"signing_secret":"whsec_MARKER","status":"active","url":"https://example.com/hook","webhook_id":"019db5a5-cfac-71b1-9a8f-2d9320d7f3de"}"#,
        );
        assert_eq!(c.webhook.status, WebhookStatus::Active);
        use WebhookEventKind::*;
        assert_eq!(c.webhook.events, [RunStarted, RunCompleted]);
        assert!(!format!("{c:?}").contains("MARKER"));
    }

    #[test]
    fn local_checks() {
        assert!(check_url("ftp://x").is_err());
        assert!(check_url("https://example.com").is_ok());
        use WebhookEventKind::*;
        assert!(check_events(&[]).is_err());
        assert!(check_events(&["run.finished".into()]).is_err());
        assert!(check_events(&[RunCompleted, RunPaused]).is_ok());
        let p = WebhookUpdateParams {
            status: Some(WebhookStatus::Disabled),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({ "status": "disabled" })
        );
    }
}
