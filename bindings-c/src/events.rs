//! `GET /v1/agents/{agent_id}/runs/{run_id}/events`: list (by `after_index`) and follow live
//! (core's `resources/events.rs`), and the event model (core's `events.rs`).

use std::ffi::c_char;
use std::time::{Duration, Instant};

use twin_core::{Event, EventListParams, FollowOptions};

use crate::cancel::twin_cancel_token;
use crate::client::twin_client;
use crate::error::twin_status;
use crate::ffi::{self, CStrings};

/// One event of a run, with its nested type unwrapped (twin_event_kind()) and its protobuf Value
/// trees decoded to plain JSON (twin_event_payload_json()).
#[derive(Debug)]
pub struct twin_event {
    event: Event,
    strings: CStrings,
}

impl From<Event> for twin_event {
    fn from(event: Event) -> Self {
        twin_event {
            event,
            strings: CStrings::default(),
        }
    }
}

/// How twin_events_follow() polls; every field optional. Use from one thread at a time.
#[derive(Debug, Default)]
pub struct twin_follow_options {
    options: FollowOptions,
}

/// New follow options with the defaults (from the first event, no time limit, polls every
/// 100 ms growing to 500 ms while idle), freed with twin_follow_options_free(). NULL only if the
/// library panicked.
#[unsafe(no_mangle)]
pub extern "C" fn twin_follow_options_new() -> *mut twin_follow_options {
    ffi::call_or(std::ptr::null_mut(), || {
        Ok(ffi::new_handle(twin_follow_options::default()))
    })
}

/// Start after this `event_index` (default: from the first event).
#[unsafe(no_mangle)]
pub extern "C" fn twin_follow_options_set_after_index(
    options: *mut twin_follow_options,
    after_index: u64,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        options.options.after_index = Some(after_index);
        Ok(())
    })
}

/// Give up with TWIN_ERR_TIMEOUT after this many milliseconds (default: no limit).
#[unsafe(no_mangle)]
pub extern "C" fn twin_follow_options_set_timeout_ms(
    options: *mut twin_follow_options,
    timeout_ms: u64,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        let timeout = Duration::from_millis(timeout_ms);
        options.options.timeout = Instant::now().checked_add(timeout).map(|_| timeout);
        Ok(())
    })
}

/// The pause after a poll that found nothing new, in milliseconds (default 100); it grows by
/// a quarter each idle poll up to the maximum.
#[unsafe(no_mangle)]
pub extern "C" fn twin_follow_options_set_poll_interval_ms(
    options: *mut twin_follow_options,
    poll_interval_ms: u64,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        options.options.poll_interval = Duration::from_millis(poll_interval_ms);
        Ok(())
    })
}

/// The longest pause between idle polls, in milliseconds (default 500).
#[unsafe(no_mangle)]
pub extern "C" fn twin_follow_options_set_max_poll_interval_ms(
    options: *mut twin_follow_options,
    max_poll_interval_ms: u64,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        options.options.max_poll_interval = Duration::from_millis(max_poll_interval_ms);
        Ok(())
    })
}

/// Frees follow options. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_follow_options_free(options: *mut twin_follow_options) {
    ffi::call_or((), || {
        ffi::free(options);
        Ok(())
    })
}

/// The run's events in order, fetched lazily (500, or `*limit`, per page), each page starting
/// after the last `event_index` seen: a snapshot (see twin_events_follow() for events still to
/// come). `after_index` may be NULL: from the first event; otherwise only events with a greater
/// `event_index`. `limit` may be NULL: 500 per page. Nothing is fetched until
/// twin_event_iter_next(). On success `*iter_out` is a new iterator.
#[unsafe(no_mangle)]
pub extern "C" fn twin_events_list(
    client: *const twin_client,
    agent_id: *const c_char,
    run_id: *const c_char,
    after_index: *const u64,
    limit: *const u32,
    iter_out: *mut *mut twin_event_iter,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let run_id = ffi::str_arg(run_id, "run_id")?;
        let mut params = EventListParams::default();
        params.after_index = ffi::opt_value(after_index);
        params.limit = ffi::opt_value(limit);
        let iter_out = ffi::out(iter_out, "iter_out")?;
        let events = client.client.events().list(agent_id, run_id, &params);
        iter_out.give(twin_event_iter {
            items: Box::new(events),
        });
        Ok(())
    })
}

/// Every event of the run as it appears, each once and in order, until the run is terminal (or
/// paused) and every event has been read; twin_event_iter_next() blocks while it polls.
/// `options` may be NULL: the defaults. On success `*iter_out` is a new iterator.
#[unsafe(no_mangle)]
pub extern "C" fn twin_events_follow(
    client: *const twin_client,
    agent_id: *const c_char,
    run_id: *const c_char,
    options: *const twin_follow_options,
    iter_out: *mut *mut twin_event_iter,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let run_id = ffi::str_arg(run_id, "run_id")?;
        let options = ffi::opt_arg(options)
            .map(|o| o.options.clone())
            .unwrap_or_default();
        let iter_out = ffi::out(iter_out, "iter_out")?;
        let events = client.client.events().follow(agent_id, run_id, &options);
        iter_out.give(twin_event_iter {
            items: Box::new(events),
        });
        Ok(())
    })
}

/// twin_events_follow() that another thread can stop with twin_cancel_token_cancel(`token`):
/// the pending twin_event_iter_next() then fails with TWIN_ERR_CANCELLED. `options` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_events_follow_cancellable(
    client: *const twin_client,
    agent_id: *const c_char,
    run_id: *const c_char,
    options: *const twin_follow_options,
    token: *const twin_cancel_token,
    iter_out: *mut *mut twin_event_iter,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let run_id = ffi::str_arg(run_id, "run_id")?;
        let mut options = ffi::opt_arg(options)
            .map(|o| o.options.clone())
            .unwrap_or_default();
        let token = ffi::arg(token, "token")?;
        let iter_out = ffi::out(iter_out, "iter_out")?;
        options.cancel = Some(token.token.clone());
        let events = client.client.events().follow(agent_id, run_id, &options);
        iter_out.give(twin_event_iter {
            items: Box::new(events),
        });
        Ok(())
    })
}

/// The event's index (`event_index`): large, sparse, growing within a run. Pass the last one as
/// `after_index` to continue.
#[unsafe(no_mangle)]
pub extern "C" fn twin_event_index(event: *const twin_event) -> u64 {
    ffi::call_or(0, || {
        let event = ffi::arg(event, "event")?;
        Ok(event.event.index)
    })
}

/// When the service recorded the event (`recorded_at`), in Unix seconds. `has_value` may be
/// NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_event_recorded_at(event: *const twin_event, has_value: *mut bool) -> i64 {
    ffi::call_or(0, || {
        let event = ffi::arg(event, "event")?;
        Ok(ffi::optional(
            crate::unix(event.event.recorded_at),
            has_value,
        ))
    })
}

/// The agent (`agent_id`), or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_event_agent_id(event: *const twin_event) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let event = ffi::arg(event, "event")?;
        Ok(event
            .strings
            .get_opt("agent_id", event.event.agent_id.as_deref()))
    })
}

/// The run (`run_id`), or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_event_run_id(event: *const twin_event) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let event = ffi::arg(event, "event")?;
        Ok(event
            .strings
            .get_opt("run_id", event.event.run_id.as_deref()))
    })
}

/// The event type as sent (the key under the nested `event`), e.g. `Started`,
/// `ToolCallResolved`, `Finished`.
#[unsafe(no_mangle)]
pub extern "C" fn twin_event_kind(event: *const twin_event) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let event = ffi::arg(event, "event")?;
        Ok(event.strings.get("kind", &event.event.kind))
    })
}

/// The type's body as JSON text, with every protobuf Value tree decoded to plain JSON; `{}` for
/// types without a body.
#[unsafe(no_mangle)]
pub extern "C" fn twin_event_payload_json(event: *const twin_event) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let event = ffi::arg(event, "event")?;
        Ok(event
            .strings
            .get_with("payload", || crate::json(event.event.payload())))
    })
}

/// The complete JSON item as received.
#[unsafe(no_mangle)]
pub extern "C" fn twin_event_json(event: *const twin_event) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let event = ffi::arg(event, "event")?;
        Ok(event
            .strings
            .get_with("json", || crate::json(event.event.raw())))
    })
}

/// Frees a twin_event. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_event_free(event: *mut twin_event) {
    ffi::call_or((), || {
        ffi::free(event);
        Ok(())
    })
}

/// Iterates over events (listed or followed), fetching pages lazily. Use from one thread at a
/// time; free with twin_event_iter_free().
pub struct twin_event_iter {
    items: Box<dyn Iterator<Item = twin_core::Result<Event>> + Send>,
}

/// Fetches the next item: on success `*item_out` is a new twin_event (free it with
/// twin_event_free()), or NULL at the end of the list. After a failure the iteration ends.
#[unsafe(no_mangle)]
pub extern "C" fn twin_event_iter_next(
    iter: *mut twin_event_iter,
    item_out: *mut *mut twin_event,
) -> twin_status {
    ffi::call(|| {
        let iter = ffi::arg_mut(iter, "iter")?;
        let item_out = ffi::out(item_out, "item_out")?;
        let item = iter.items.next().transpose()?;
        item_out.give_opt(item.map(twin_event::from));
        Ok(())
    })
}

/// Frees an iterator. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_event_iter_free(iter: *mut twin_event_iter) {
    ffi::call_or((), || {
        ffi::free(iter);
        Ok(())
    })
}
