//! `/v1/agents/{agent_id}/schedule` and `/v1/schedules`: cron schedules that start runs (core's
//! `resources/schedules.rs`).

use std::ffi::c_char;

use twin_core::{Model, Schedule};

use crate::client::twin_client;
use crate::error::twin_status;
use crate::ffi::{self, CStrings};

/// An agent's schedule.
#[derive(Debug)]
pub struct twin_schedule {
    schedule: Schedule,
    strings: CStrings,
}

impl From<Schedule> for twin_schedule {
    fn from(schedule: Schedule) -> Self {
        twin_schedule {
            schedule,
            strings: CStrings::default(),
        }
    }
}

/// The agent's schedule. On success `*schedule_out` is a new twin_schedule, or NULL when the
/// agent has none.
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedules_get(
    client: *const twin_client,
    agent_id: *const c_char,
    schedule_out: *mut *mut twin_schedule,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let schedule_out = ffi::out(schedule_out, "schedule_out")?;
        let schedule = client.client.schedules().get(agent_id)?;
        schedule_out.give_opt(schedule.map(twin_schedule::from));
        Ok(())
    })
}

/// Creates or replaces the agent's schedule: a 7-field cron expression (`sec min hour
/// day-of-month month day-of-week year`, UTC, 1 = Sunday), checked locally first
/// (TWIN_ERR_INVALID_CRON, nothing sent).
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedules_set(
    client: *const twin_client,
    agent_id: *const c_char,
    cron: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let cron = ffi::str_arg(cron, "cron")?;
        client.client.schedules().set(agent_id, cron)?;
        Ok(())
    })
}

/// Removes the agent's schedule.
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedules_delete(
    client: *const twin_client,
    agent_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        client.client.schedules().delete(agent_id)?;
        Ok(())
    })
}

/// Stops the agent's schedule from firing until resumed.
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedules_pause(
    client: *const twin_client,
    agent_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        client.client.schedules().pause(agent_id)?;
        Ok(())
    })
}

/// Lets a paused schedule fire again.
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedules_resume(
    client: *const twin_client,
    agent_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        client.client.schedules().resume(agent_id)?;
        Ok(())
    })
}

/// Every schedule of the user, across agents. On success `*list_out` is a new list, freed with
/// twin_schedule_list_free().
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedules_list(
    client: *const twin_client,
    list_out: *mut *mut twin_schedule_list,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let list_out = ffi::out(list_out, "list_out")?;
        let schedules = client.client.schedules().list()?;
        list_out.give(schedules.into_iter().collect());
        Ok(())
    })
}

/// The agent the schedule starts (`agent_id`): a schedule's key.
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedule_agent_id(schedule: *const twin_schedule) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let schedule = ffi::arg(schedule, "schedule")?;
        Ok(schedule
            .strings
            .get("agent_id", &schedule.schedule.agent_id))
    })
}

/// The 7-field cron expression (`cron`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedule_cron(schedule: *const twin_schedule) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let schedule = ffi::arg(schedule, "schedule")?;
        Ok(schedule.strings.get("cron", &schedule.schedule.cron))
    })
}

/// Whether a user paused the schedule (`paused`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedule_paused(schedule: *const twin_schedule) -> bool {
    ffi::call_or(false, || {
        let schedule = ffi::arg(schedule, "schedule")?;
        Ok(schedule.schedule.paused)
    })
}

/// Whether the service paused the schedule after repeated failures (`auto_paused`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedule_auto_paused(schedule: *const twin_schedule) -> bool {
    ffi::call_or(false, || {
        let schedule = ffi::arg(schedule, "schedule")?;
        Ok(schedule.schedule.auto_paused)
    })
}

/// Failed scheduled runs in a row (`consecutive_failures`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedule_consecutive_failures(schedule: *const twin_schedule) -> u64 {
    ffi::call_or(0, || {
        let schedule = ffi::arg(schedule, "schedule")?;
        Ok(schedule.schedule.consecutive_failures)
    })
}

/// The next fire time (`next_run`), in Unix seconds. `has_value` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedule_next_run(
    schedule: *const twin_schedule,
    has_value: *mut bool,
) -> i64 {
    ffi::call_or(0, || {
        let schedule = ffi::arg(schedule, "schedule")?;
        Ok(ffi::optional(
            crate::unix(schedule.schedule.next_run),
            has_value,
        ))
    })
}

/// The complete JSON object as received, unknown fields included.
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedule_json(schedule: *const twin_schedule) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let schedule = ffi::arg(schedule, "schedule")?;
        Ok(schedule
            .strings
            .get_with("json", || crate::json(schedule.schedule.raw())))
    })
}

/// Frees a twin_schedule. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedule_free(schedule: *mut twin_schedule) {
    ffi::call_or((), || {
        ffi::free(schedule);
        Ok(())
    })
}

/// A list of schedules; its items are borrowed from it. Free with twin_schedule_list_free().
#[derive(Debug)]
pub struct twin_schedule_list {
    items: Vec<twin_schedule>,
}

impl<T: Into<twin_schedule>> FromIterator<T> for twin_schedule_list {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        twin_schedule_list {
            items: iter.into_iter().map(Into::into).collect(),
        }
    }
}

/// The number of items in the list; 0 for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedule_list_len(list: *const twin_schedule_list) -> usize {
    ffi::call_or(0, || Ok(ffi::arg(list, "list")?.items.len()))
}

/// Item `index` of the list, borrowed from it (valid until the list is freed); NULL when
/// `index` is out of range.
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedule_list_get(
    list: *const twin_schedule_list,
    index: usize,
) -> *const twin_schedule {
    ffi::call_or(std::ptr::null(), || {
        let list = ffi::arg(list, "list")?;
        ffi::element(&list.items, index).map(std::ptr::from_ref)
    })
}

/// Frees a list and its items. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_schedule_list_free(list: *mut twin_schedule_list) {
    ffi::call_or((), || {
        ffi::free(list);
        Ok(())
    })
}
