//! `/v1/agents/{agent_id}/webhooks`: create, list, get, update and delete outbound webhooks
//! (core's `resources/webhooks.rs`). Verifying their deliveries is in `signature.rs`.

use std::ffi::{CString, c_char};

use twin_core::{CreatedWebhook, Model, Webhook};

use crate::client::{call, call_out, twin_client};
use crate::error::twin_status;
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
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhooks_create(
    client: *const twin_client,
    agent_id: *const c_char,
    url: *const c_char,
    events: *const *const c_char,
    events_len: usize,
    webhook_out: *mut *mut twin_webhook,
) -> twin_status {
    call_out(client, webhook_out, "webhook_out", |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let url = ffi::str_arg(url, "url")?;
        let events = ffi::str_array_arg(events, events_len, "events")?;
        let events: Vec<_> = events.into_iter().map(Into::into).collect();
        Ok(twin_webhook::from(
            c.webhooks().create(agent_id, url, &events)?,
        ))
    })
}

/// The agent's webhooks (not paginated). On success `*list_out` is a new list, freed with
/// twin_webhook_list_free().
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhooks_list(
    client: *const twin_client,
    agent_id: *const c_char,
    list_out: *mut *mut twin_webhook_list,
) -> twin_status {
    call_out(client, list_out, "list_out", |c| {
        let webhooks = c.webhooks().list(ffi::str_arg(agent_id, "agent_id")?)?;
        Ok(webhooks.into_iter().collect::<twin_webhook_list>())
    })
}

/// One webhook.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhooks_get(
    client: *const twin_client,
    agent_id: *const c_char,
    webhook_id: *const c_char,
    webhook_out: *mut *mut twin_webhook,
) -> twin_status {
    call_out(client, webhook_out, "webhook_out", |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let webhook = c
            .webhooks()
            .get(agent_id, ffi::str_arg(webhook_id, "webhook_id")?)?;
        Ok(twin_webhook::from(webhook))
    })
}

/// Changes a webhook's URL, event types or status, as set in `params`; what is not set stays
/// as it is. `params` may be NULL: nothing changes (an empty update is still sent). On success
/// `*webhook_out` is the updated webhook.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhooks_update(
    client: *const twin_client,
    agent_id: *const c_char,
    webhook_id: *const c_char,
    params: *const twin_webhook_update_params,
    webhook_out: *mut *mut twin_webhook,
) -> twin_status {
    call_out(client, webhook_out, "webhook_out", |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let webhook_id = ffi::str_arg(webhook_id, "webhook_id")?;
        let params = twin_webhook_update_params::value_or_default(params);
        Ok(twin_webhook::from(
            c.webhooks().update(agent_id, webhook_id, &params)?,
        ))
    })
}

/// Deletes a webhook: no further deliveries.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhooks_delete(
    client: *const twin_client,
    agent_id: *const c_char,
    webhook_id: *const c_char,
) -> twin_status {
    call(client, |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        Ok(c.webhooks()
            .delete(agent_id, ffi::str_arg(webhook_id, "webhook_id")?)?)
    })
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
    use crate::error::{twin_last_error_clear, twin_last_error_status};

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
