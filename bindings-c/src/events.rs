//! `GET /v1/agents/{agent_id}/runs/{run_id}/events`: list (by `after_index`) and follow live
//! (core's `resources/events.rs`). The event model (core's `events.rs`), its iterator, list
//! parameters and follow options are generated (`generated/events.rs`).

use twin_core::{Client, EventListParams, FollowOptions};

use crate::error::Failure;
#[path = "generated/events.rs"]
mod generated;
pub use generated::*;

/// The run's events in order, fetched lazily page by page, each page starting after the last
/// `event_index` seen: a snapshot (see twin_events_follow() for events still to come).
/// `params` may be NULL: from the first event, 500 per page. Nothing is fetched until
/// twin_event_iter_next(). On success `*iter_out` is a new iterator.
fn events_list(
    c: &Client,
    agent_id: &str,
    run_id: &str,
    params: &EventListParams,
) -> Result<twin_event_iter, Failure> {
    Ok(twin_event_iter {
        items: Box::new(c.events().list(agent_id, run_id, params)),
    })
}

/// Every event of the run as it appears, each once and in order, until the run is terminal (or
/// paused) and every event has been read; twin_event_iter_next() blocks while it polls.
/// `options` may be NULL: the defaults (no time limit, not cancellable); with a cancel token
/// (twin_follow_options_set_cancel_token()) another thread can stop it. On success `*iter_out`
/// is a new iterator.
fn events_follow(
    c: &Client,
    agent_id: &str,
    run_id: &str,
    options: &FollowOptions,
) -> Result<twin_event_iter, Failure> {
    Ok(twin_event_iter {
        items: Box::new(c.events().follow(agent_id, run_id, options)),
    })
}
