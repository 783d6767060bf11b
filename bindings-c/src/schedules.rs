//! `/v1/agents/{agent_id}/schedule` and `/v1/schedules`: cron schedules that start runs (core's
//! `resources/schedules.rs`).

use twin_core::Client;

use crate::error::Failure;
#[path = "generated/schedules.rs"]
mod generated;
pub use generated::*;

/// The agent's schedule. On success `*schedule_out` is a new twin_schedule, or NULL when the
/// agent has none.
fn schedules_get(c: &Client, agent_id: &str) -> Result<Option<twin_schedule>, Failure> {
    Ok(c.schedules().get(agent_id)?.map(Into::into))
}

/// Creates or replaces the agent's schedule: a 7-field cron expression (`sec min hour
/// day-of-month month day-of-week year`, UTC, 1 = Sunday), checked locally first
/// (TWIN_ERR_INVALID_CRON, nothing sent).
fn schedules_set(c: &Client, agent_id: &str, cron: &str) -> Result<(), Failure> {
    Ok(c.schedules().set(agent_id, cron)?)
}

/// Removes the agent's schedule.
fn schedules_delete(c: &Client, agent_id: &str) -> Result<(), Failure> {
    Ok(c.schedules().delete(agent_id)?)
}

/// Stops the agent's schedule from firing until resumed.
fn schedules_pause(c: &Client, agent_id: &str) -> Result<(), Failure> {
    Ok(c.schedules().pause(agent_id)?)
}

/// Lets a paused schedule fire again.
fn schedules_resume(c: &Client, agent_id: &str) -> Result<(), Failure> {
    Ok(c.schedules().resume(agent_id)?)
}

/// Every schedule of the user, across agents. On success `*list_out` is a new list, freed with
/// twin_schedule_list_free().
fn schedules_list(c: &Client) -> Result<twin_schedule_list, Failure> {
    Ok(c.schedules().list()?.into_iter().collect())
}
