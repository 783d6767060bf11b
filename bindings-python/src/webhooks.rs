//! `client.webhooks`: create, list, get, update, delete. Pairs with
//! `core/src/resources/webhooks.rs`. Verifying deliveries is in `signature.rs`.

use pyo3::prelude::*;

use crate::client::resource;
use crate::generated::webhooks::{created_webhook_model, webhook_model};
use crate::model::{CoreModel, model_list};

impl CoreModel for twin_core::CreatedWebhook {
    fn raw_json(&self) -> serde_json::Value {
        twin_core::Model::raw(self).clone()
    }
    // As `webhooks().create` builds it: the listed part is the response without the secret.
    fn decode(value: serde_json::Value) -> twin_core::Result<Self> {
        let listed = crate::model::without(&value, "signing_secret");
        let mut created = <twin_core::CreatedWebhook as twin_core::Model>::from_value(value)?;
        created.webhook = <twin_core::Webhook as twin_core::Model>::from_value(listed)?;
        Ok(created)
    }
    fn extra(&self) -> Option<String> {
        self.webhook.extra()
    }
    fn apply_extra(&mut self, extra: String) {
        self.webhook.apply_extra(extra);
    }
}

impl CoreModel for twin_core::Webhook {
    fn raw_json(&self) -> serde_json::Value {
        twin_core::Model::raw(self).clone()
    }
    fn decode(value: serde_json::Value) -> twin_core::Result<Self> {
        <twin_core::Webhook as twin_core::Model>::from_value(value)
    }
    // The agent id is filled in from the request path when the body lacks it.
    fn extra(&self) -> Option<String> {
        Some(self.agent_id.to_string()).filter(|a| !a.is_empty())
    }
    fn apply_extra(&mut self, extra: String) {
        self.agent_id = extra.into();
    }
}

webhook_model! {
    /// A webhook subscription of an agent.
    class Webhook;
    repr: [webhook_id, url, status];
}

created_webhook_model! {
    /// A webhook just created: the webhook's fields plus `signing_secret`, returned only
    /// once. Its repr never shows the secret.
    class CreatedWebhook;
    repr: [webhook_id, url, status];
}

resource! {
    /// Webhooks of agents: `client.webhooks`.
    WebhooksResource as "WebhooksResource"
}

#[pymethods]
impl WebhooksResource {
    /// Subscribes `url` to `events` (`run.started`, `run.completed`, `run.failed`,
    /// `run.stopped`, `run.paused`). Keep the returned `signing_secret`.
    #[pyo3(signature = (agent_id, *, url, events))]
    fn create(
        &self,
        py: Python<'_>,
        agent_id: &str,
        url: &str,
        events: Vec<String>,
    ) -> PyResult<CreatedWebhook> {
        let events: Vec<_> = events.iter().map(|e| e.as_str().into()).collect();
        self.client
            .model(py, |c| c.webhooks().create(agent_id, url, &events))
    }

    /// The agent's webhooks.
    fn list<'py>(&self, py: Python<'py>, agent_id: &str) -> PyResult<Bound<'py, PyAny>> {
        let list = self.client.call(py, |c| c.webhooks().list(agent_id))?;
        model_list(py, list.into_iter().map(Webhook::from).collect())
    }

    /// One webhook.
    fn get(&self, py: Python<'_>, agent_id: &str, webhook_id: &str) -> PyResult<Webhook> {
        self.client
            .model(py, |c| c.webhooks().get(agent_id, webhook_id))
    }

    /// Changes a webhook's url, events or status (`active`/`disabled`).
    #[pyo3(signature = (agent_id, webhook_id, *, url=None, events=None, status=None))]
    fn update(
        &self,
        py: Python<'_>,
        agent_id: &str,
        webhook_id: &str,
        url: Option<String>,
        events: Option<Vec<String>>,
        status: Option<&str>,
    ) -> PyResult<Webhook> {
        let mut params = twin_core::WebhookUpdateParams::default();
        params.url = url;
        params.events = events.map(|e| e.iter().map(|e| e.as_str().into()).collect());
        params.status = status.map(twin_core::WebhookStatus::from);
        self.client
            .model(py, |c| c.webhooks().update(agent_id, webhook_id, &params))
    }

    /// Deletes a webhook.
    fn delete(&self, py: Python<'_>, agent_id: &str, webhook_id: &str) -> PyResult<()> {
        self.client
            .call(py, |c| c.webhooks().delete(agent_id, webhook_id))
    }

    fn __repr__(&self) -> &'static str {
        "<twin webhooks>"
    }
}
