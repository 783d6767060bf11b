//! `/v1/agents/{agent_id}/webhooks`: create, list, get, update and delete outbound webhooks
//! (core's `resources/webhooks.rs`). Verifying their deliveries is in `signature.rs`.

use std::ffi::{CString, c_char};

use twin_core::{CreatedWebhook, Model, Webhook, WebhookStatus, WebhookUpdateParams};

use crate::client::twin_client;
use crate::error::twin_status;
use crate::ffi::{self, CStrings};

/// A webhook of an agent. Only a webhook just created by twin_webhooks_create() carries its
/// signing secret (twin_webhook_signing_secret()).
#[derive(Debug)]
pub struct twin_webhook {
    webhook: Webhook,
    signing_secret: Option<String>,
    /// The creation response, secret included (core keeps it out of the listed part).
    created_json: Option<serde_json::Value>,
    /// The event names as C strings; `None` for one holding a NUL byte.
    events: Vec<Option<CString>>,
    strings: CStrings,
}

impl From<Webhook> for twin_webhook {
    fn from(webhook: Webhook) -> Self {
        twin_webhook {
            events: webhook
                .events
                .iter()
                .map(|e| CString::new(e.as_str()).ok())
                .collect(),
            webhook,
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
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhooks_create(
    client: *const twin_client,
    agent_id: *const c_char,
    url: *const c_char,
    events: *const *const c_char,
    events_len: usize,
    webhook_out: *mut *mut twin_webhook,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let url = ffi::str_arg(url, "url")?;
        let events = ffi::str_array_arg(events, events_len, "events")?;
        let webhook_out = ffi::out(webhook_out, "webhook_out")?;
        let events: Vec<_> = events.into_iter().map(Into::into).collect();
        let created = client.client.webhooks().create(agent_id, url, &events)?;
        webhook_out.give(twin_webhook::from(created));
        Ok(())
    })
}

/// The agent's webhooks (not paginated). On success `*list_out` is a new list, freed with
/// twin_webhook_list_free().
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhooks_list(
    client: *const twin_client,
    agent_id: *const c_char,
    list_out: *mut *mut twin_webhook_list,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let list_out = ffi::out(list_out, "list_out")?;
        let webhooks = client.client.webhooks().list(agent_id)?;
        list_out.give(webhooks.into_iter().collect());
        Ok(())
    })
}

/// One webhook.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhooks_get(
    client: *const twin_client,
    agent_id: *const c_char,
    webhook_id: *const c_char,
    webhook_out: *mut *mut twin_webhook,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let webhook_id = ffi::str_arg(webhook_id, "webhook_id")?;
        let webhook_out = ffi::out(webhook_out, "webhook_out")?;
        let webhook = client.client.webhooks().get(agent_id, webhook_id)?;
        webhook_out.give(twin_webhook::from(webhook));
        Ok(())
    })
}

/// Changes a webhook's URL, event types or status; what is NULL stays as it is. `url` may be
/// NULL. `events` may be NULL (then `events_len` is ignored); otherwise it holds `events_len`
/// event types. `status` may be NULL; otherwise `active` or `disabled`. On success
/// `*webhook_out` is the updated webhook.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhooks_update(
    client: *const twin_client,
    agent_id: *const c_char,
    webhook_id: *const c_char,
    url: *const c_char,
    events: *const *const c_char,
    events_len: usize,
    status: *const c_char,
    webhook_out: *mut *mut twin_webhook,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let webhook_id = ffi::str_arg(webhook_id, "webhook_id")?;
        let mut params = WebhookUpdateParams::default();
        params.url = ffi::opt_str_arg(url, "url")?.map(str::to_owned);
        params.events = ffi::opt_str_array_arg(events, events_len, "events")?
            .map(|list| list.into_iter().map(Into::into).collect());
        params.status = ffi::opt_str_arg(status, "status")?.map(WebhookStatus::from);
        let webhook_out = ffi::out(webhook_out, "webhook_out")?;
        let webhook = client
            .client
            .webhooks()
            .update(agent_id, webhook_id, &params)?;
        webhook_out.give(twin_webhook::from(webhook));
        Ok(())
    })
}

/// Deletes a webhook: no further deliveries.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhooks_delete(
    client: *const twin_client,
    agent_id: *const c_char,
    webhook_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let webhook_id = ffi::str_arg(webhook_id, "webhook_id")?;
        client.client.webhooks().delete(agent_id, webhook_id)?;
        Ok(())
    })
}

/// The webhook's id (`webhook_id`), a UUIDv7.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_id(webhook: *const twin_webhook) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let webhook = ffi::arg(webhook, "webhook")?;
        Ok(webhook.strings.get("id", &webhook.webhook.webhook_id))
    })
}

/// The agent the webhook belongs to (`agent_id`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_agent_id(webhook: *const twin_webhook) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let webhook = ffi::arg(webhook, "webhook")?;
        Ok(webhook.strings.get("agent_id", &webhook.webhook.agent_id))
    })
}

/// Where deliveries go (`url`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_url(webhook: *const twin_webhook) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let webhook = ffi::arg(webhook, "webhook")?;
        Ok(webhook.strings.get("url", &webhook.webhook.url))
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

/// Whether deliveries are sent (`status`): `active`, `disabled`, or a newer value.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_status(webhook: *const twin_webhook) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let webhook = ffi::arg(webhook, "webhook")?;
        Ok(webhook
            .strings
            .get("status", webhook.webhook.status.as_str()))
    })
}

/// When the webhook was created (`created_at`), in Unix seconds. `has_value` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_created_at(
    webhook: *const twin_webhook,
    has_value: *mut bool,
) -> i64 {
    ffi::call_or(0, || {
        let webhook = ffi::arg(webhook, "webhook")?;
        Ok(ffi::optional(
            crate::unix(webhook.webhook.created_at),
            has_value,
        ))
    })
}

/// When the webhook last changed (`updated_at`, absent from the create response), in Unix
/// seconds. `has_value` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_updated_at(
    webhook: *const twin_webhook,
    has_value: *mut bool,
) -> i64 {
    ffi::call_or(0, || {
        let webhook = ffi::arg(webhook, "webhook")?;
        Ok(ffi::optional(
            crate::unix(webhook.webhook.updated_at),
            has_value,
        ))
    })
}

/// The HMAC-SHA256 key of the deliveries' `X-Cobb-Signature` (`signing_secret`): only for a
/// webhook just created by twin_webhooks_create(), NULL otherwise.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_signing_secret(webhook: *const twin_webhook) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let webhook = ffi::arg(webhook, "webhook")?;
        Ok(webhook
            .strings
            .get_opt("signing_secret", webhook.signing_secret.as_deref()))
    })
}

/// The complete JSON object as received, unknown fields included (with `signing_secret` for a
/// webhook just created).
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_json(webhook: *const twin_webhook) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let webhook = ffi::arg(webhook, "webhook")?;
        Ok(webhook.strings.get_with("json", || {
            crate::json(
                webhook
                    .created_json
                    .as_ref()
                    .unwrap_or(webhook.webhook.raw()),
            )
        }))
    })
}

/// Frees a twin_webhook. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_free(webhook: *mut twin_webhook) {
    ffi::call_or((), || {
        ffi::free(webhook);
        Ok(())
    })
}

/// A list of webhooks; its items are borrowed from it. Free with twin_webhook_list_free().
#[derive(Debug)]
pub struct twin_webhook_list {
    items: Vec<twin_webhook>,
}

impl<T: Into<twin_webhook>> FromIterator<T> for twin_webhook_list {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        twin_webhook_list {
            items: iter.into_iter().map(Into::into).collect(),
        }
    }
}

/// The number of items in the list; 0 for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_list_len(list: *const twin_webhook_list) -> usize {
    ffi::call_or(0, || Ok(ffi::arg(list, "list")?.items.len()))
}

/// Item `index` of the list, borrowed from it (valid until the list is freed); NULL when
/// `index` is out of range.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_list_get(
    list: *const twin_webhook_list,
    index: usize,
) -> *const twin_webhook {
    ffi::call_or(std::ptr::null(), || {
        let list = ffi::arg(list, "list")?;
        ffi::element(&list.items, index).map(std::ptr::from_ref)
    })
}

/// Frees a list and its items. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_webhook_list_free(list: *mut twin_webhook_list) {
    ffi::call_or((), || {
        ffi::free(list);
        Ok(())
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
