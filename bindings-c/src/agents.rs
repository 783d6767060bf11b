//! `/v1/agents`: list (by cursor), create, get, delete and move agents (core's
//! `resources/agents.rs`).

use std::ffi::c_char;

use crate::client::{call, call_out, twin_client};
use crate::error::twin_status;
use crate::ffi;
#[path = "generated/agents.rs"]
mod generated;
pub use generated::*;

/// Every agent, newest first, fetched lazily page by page (following `next_cursor`).
/// `params` may be NULL: agents of every workspace, the service's page size (10). Nothing is
/// fetched until twin_agent_iter_next(). On success `*iter_out` is a new iterator.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_agents_list(
    client: *const twin_client,
    params: *const twin_agent_list_params,
    iter_out: *mut *mut twin_agent_iter,
) -> twin_status {
    call_out(client, iter_out, "iter_out", |c| {
        let params = twin_agent_list_params::value_or_default(params);
        Ok(twin_agent_iter {
            items: c.agents().list(&params),
        })
    })
}

/// Creates an agent. `params` may be NULL: all defaults. Retried on failure only when an
/// explicit agent id is given. On success `*agent_out` is the new agent.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_agents_create(
    client: *const twin_client,
    params: *const twin_agent_create_params,
    agent_out: *mut *mut twin_agent,
) -> twin_status {
    call_out(client, agent_out, "agent_out", |c| {
        let params = twin_agent_create_params::value_or_default(params);
        Ok(twin_agent::from(c.agents().create(&params)?))
    })
}

/// One agent. An unknown or deleted agent fails with TWIN_ERR_API, HTTP status 403 and the
/// detail `you do not have access to this agent` (the service never says 404 for agents).
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_agents_get(
    client: *const twin_client,
    agent_id: *const c_char,
    agent_out: *mut *mut twin_agent,
) -> twin_status {
    call_out(client, agent_out, "agent_out", |c| {
        Ok(twin_agent::from(
            c.agents().get(ffi::str_arg(agent_id, "agent_id")?)?,
        ))
    })
}

/// Deletes an agent and its runs.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_agents_delete(
    client: *const twin_client,
    agent_id: *const c_char,
) -> twin_status {
    call(client, |c| {
        Ok(c.agents().delete(ffi::str_arg(agent_id, "agent_id")?)?)
    })
}

/// Moves an agent to the workspace `workspace_id`.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_agents_move(
    client: *const twin_client,
    agent_id: *const c_char,
    workspace_id: *const c_char,
) -> twin_status {
    call(client, |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        Ok(c.agents()
            .move_to(agent_id, ffi::str_arg(workspace_id, "workspace_id")?)?)
    })
}
