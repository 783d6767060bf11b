//! `/v1/agents/{agent_id}/webhooks`: create, list, get, update and delete outbound webhooks
//! (core's `resources/webhooks.rs`). Verifying their deliveries is in `signature.rs`.

use std::ffi::{CString, c_char};

use twin_core::{Client, CreatedWebhook, Model, Webhook, WebhookUpdateParams};

use crate::error::Failure;
use crate::ffi::{self, CStrings};
#[path = "generated/webhooks.rs"]
mod generated;
pub use generated::*;

/// A webhook of an agent. Only a webhook just created by twin_webhooks_create() carries its
/// signing secret (twin_webhook_signing_secret()).
#[derive(Debug)]
pub struct twin_webhook {
    pub(crate) inner: Webhook,
    pub(crate) signing_secret: Option<String>,
    /// The creation response, secret included (core keeps it out of the listed part).
    pub(crate) created_json: Option<serde_json::Value>,
    /// The event names as C strings; `None` for one holding a NUL byte.
    events: Vec<Option<CString>>,
    pub(crate) strings: CStrings,
}

impl From<Webhook> for twin_webhook {
    fn from(inner: Webhook) -> Self {
        twin_webhook {
            events: inner
                .events
                .iter()
                .map(|e| CString::new(e.as_str()).ok())
                .collect(),
            inner,
            signing_secret: None,
            created_json: None,
            strings: CStrings::default(),
        }
    }
}

impl From<CreatedWebhook> for twin_webhook {
    fn from(created: CreatedWebhook) -> Self {
        twin_webhook {
            created_json: Some(created.raw().clone()),
            signing_secret: Some(created.signing_secret),
            ..twin_webhook::from(created.webhook)
        }
    }
}

/// Registers `url` (http or https) for the `events_len` event types of `events` (`run.started`,
/// `run.completed`, `run.failed`, `run.stopped`, `run.paused`) of the agent's runs. On success
/// `*webhook_out` is the new webhook with its signing secret: store it, it is shown only now.
/// Never retried once sent.
fn webhooks_create(
    c: &Client,
    agent_id: &str,
    url: &str,
    events: &[&str],
) -> Result<twin_webhook, Failure> {
    let events: Vec<_> = events.iter().map(|&e| e.into()).collect();
    Ok(c.webhooks().create(agent_id, url, &events)?.into())
}

/// The agent's webhooks (not paginated). On success `*list_out` is a new list, freed with
/// twin_webhook_list_free().
fn webhooks_list(c: &Client, agent_id: &str) -> Result<twin_webhook_list, Failure> {
    Ok(c.webhooks().list(agent_id)?.into_iter().collect())
}

/// One webhook.
fn webhooks_get(c: &Client, agent_id: &str, webhook_id: &str) -> Result<twin_webhook, Failure> {
    Ok(c.webhooks().get(agent_id, webhook_id)?.into())
}

/// Changes a webhook's URL, event types or status, as set in `params`; what is not set stays
/// as it is. `params` may be NULL: nothing changes (an empty update is still sent). On success
/// `*webhook_out` is the updated webhook.
fn webhooks_update(
    c: &Client,
    agent_id: &str,
    webhook_id: &str,
    params: &WebhookUpdateParams,
) -> Result<twin_webhook, Failure> {
    Ok(c.webhooks().update(agent_id, webhook_id, params)?.into())
}

/// Deletes a webhook: no further deliveries.
fn webhooks_delete(c: &Client, agent_id: &str, webhook_id: &str) -> Result<(), Failure> {
    Ok(c.webhooks().delete(agent_id, webhook_id)?)
}

/// The number of subscribed event types (`events`); 0 for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_events_len(webhook: *const twin_webhook) -> usize {
    ffi::call_or(0, || Ok(ffi::arg(webhook, "webhook")?.events.len()))
}

/// Subscribed event type `index` (`events`), e.g. `run.completed`; NULL when `index` is out of
/// range (TWIN_ERR_INVALID_ARGUMENT) or the name holds a NUL byte (TWIN_ERR_DECODE).
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_events_get(
    webhook: *const twin_webhook,
    index: usize,
) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let webhook = ffi::arg(webhook, "webhook")?;
        match ffi::element(&webhook.events, index)? {
            Some(name) => Ok(name.as_ptr()),
            None => Err(ffi::holds_nul("events")),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{twin_last_error_clear, twin_last_error_status, twin_status};

    #[test]
    fn an_event_name_with_a_nul_is_never_cut_short() {
        let json = r#"{"webhook_id": "h1", "url": "http://127.0.0.1/x",
                       "events": ["run.completed", "run.\u0000odd"], "status": "active"}"#;
        let value: serde_json::Value = serde_json::from_str(json).expect("json");
        let webhook = twin_webhook::from(Webhook::from_value(value).expect("a webhook"));
        twin_last_error_clear();
        assert_eq!(
            ffi::read_c(twin_webhook_events_get(&webhook, 0)).as_deref(),
            Some("run.completed")
        );
        assert_eq!(twin_last_error_status(), twin_status::TWIN_OK);
        assert!(twin_webhook_events_get(&webhook, 1).is_null());
        assert_eq!(twin_last_error_status(), twin_status::TWIN_ERR_DECODE);
    }
}
