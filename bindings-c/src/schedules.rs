//! `/v1/agents/{agent_id}/schedule` and `/v1/schedules`: cron schedules that start runs (core's
//! `resources/schedules.rs`).

use std::ffi::c_char;

use crate::client::{call, call_out, twin_client};
use crate::error::twin_status;
use crate::ffi;
#[path = "generated/schedules.rs"]
mod generated;
pub use generated::*;

/// The agent's schedule. On success `*schedule_out` is a new twin_schedule, or NULL when the
/// agent has none.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedules_get(
    client: *const twin_client,
    agent_id: *const c_char,
    schedule_out: *mut *mut twin_schedule,
) -> twin_status {
    call_out(client, schedule_out, "schedule_out", |c| {
        let schedule = c.schedules().get(ffi::str_arg(agent_id, "agent_id")?)?;
        Ok(schedule.map(twin_schedule::from))
    })
}

/// Creates or replaces the agent's schedule: a 7-field cron expression (`sec min hour
/// day-of-month month day-of-week year`, UTC, 1 = Sunday), checked locally first
/// (TWIN_ERR_INVALID_CRON, nothing sent).
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedules_set(
    client: *const twin_client,
    agent_id: *const c_char,
    cron: *const c_char,
) -> twin_status {
    call(client, |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        Ok(c.schedules().set(agent_id, ffi::str_arg(cron, "cron")?)?)
    })
}

/// Removes the agent's schedule.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedules_delete(
    client: *const twin_client,
    agent_id: *const c_char,
) -> twin_status {
    call(client, |c| {
        Ok(c.schedules().delete(ffi::str_arg(agent_id, "agent_id")?)?)
    })
}

/// Stops the agent's schedule from firing until resumed.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedules_pause(
    client: *const twin_client,
    agent_id: *const c_char,
) -> twin_status {
    call(client, |c| {
        Ok(c.schedules().pause(ffi::str_arg(agent_id, "agent_id")?)?)
    })
}

/// Lets a paused schedule fire again.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedules_resume(
    client: *const twin_client,
    agent_id: *const c_char,
) -> twin_status {
    call(client, |c| {
        Ok(c.schedules().resume(ffi::str_arg(agent_id, "agent_id")?)?)
    })
}

/// Every schedule of the user, across agents. On success `*list_out` is a new list, freed with
/// twin_schedule_list_free().
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedules_list(
    client: *const twin_client,
    list_out: *mut *mut twin_schedule_list,
) -> twin_status {
    call_out(client, list_out, "list_out", |c| {
        Ok(c.schedules()
            .list()?
            .into_iter()
            .collect::<twin_schedule_list>())
    })
}
