//! `GET /v1/agents/{agent_id}/runs/{run_id}/events`: list (by `after_index`) and follow live
//! (core's `resources/events.rs`). The event model (core's `events.rs`), its iterator, list
//! parameters and follow options are generated (`generated/events.rs`).

use std::ffi::c_char;

use crate::client::{call_out, twin_client};
use crate::error::twin_status;
use crate::ffi;
#[path = "generated/events.rs"]
mod generated;
pub use generated::*;

/// The run's events in order, fetched lazily page by page, each page starting after the last
/// `event_index` seen: a snapshot (see twin_events_follow() for events still to come).
/// `params` may be NULL: from the first event, 500 per page. Nothing is fetched until
/// twin_event_iter_next(). On success `*iter_out` is a new iterator.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_events_list(
    client: *const twin_client,
    agent_id: *const c_char,
    run_id: *const c_char,
    params: *const twin_event_list_params,
    iter_out: *mut *mut twin_event_iter,
) -> twin_status {
    call_out(client, iter_out, "iter_out", |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let run_id = ffi::str_arg(run_id, "run_id")?;
        let params = twin_event_list_params::value_or_default(params);
        Ok(twin_event_iter {
            items: Box::new(c.events().list(agent_id, run_id, &params)),
        })
    })
}

/// Every event of the run as it appears, each once and in order, until the run is terminal (or
/// paused) and every event has been read; twin_event_iter_next() blocks while it polls.
/// `options` may be NULL: the defaults (no time limit, not cancellable); with a cancel token
/// (twin_follow_options_set_cancel_token()) another thread can stop it. On success `*iter_out`
/// is a new iterator.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_events_follow(
    client: *const twin_client,
    agent_id: *const c_char,
    run_id: *const c_char,
    options: *const twin_follow_options,
    iter_out: *mut *mut twin_event_iter,
) -> twin_status {
    call_out(client, iter_out, "iter_out", |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let run_id = ffi::str_arg(run_id, "run_id")?;
        let options = twin_follow_options::value_or_default(options);
        Ok(twin_event_iter {
            items: Box::new(c.events().follow(agent_id, run_id, &options)),
        })
    })
}
