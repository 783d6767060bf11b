//! `/v1/agents`: list (by cursor), create, get, delete and move agents (core's
//! `resources/agents.rs`).

use twin_core::{AgentCreateParams, AgentListParams, Client};

use crate::error::Failure;
#[path = "generated/agents.rs"]
mod generated;
pub use generated::*;

/// Every agent, newest first, fetched lazily page by page (following `next_cursor`).
/// `params` may be NULL: agents of every workspace, the service's page size (10). Nothing is
/// fetched until twin_agent_iter_next(). On success `*iter_out` is a new iterator.
fn agents_list(c: &Client, params: &AgentListParams) -> Result<twin_agent_iter, Failure> {
    Ok(twin_agent_iter {
        items: c.agents().list(params),
    })
}

/// Creates an agent. `params` may be NULL: all defaults. Retried on failure only when an
/// explicit agent id is given. On success `*agent_out` is the new agent.
fn agents_create(c: &Client, params: &AgentCreateParams) -> Result<twin_agent, Failure> {
    Ok(c.agents().create(params)?.into())
}

/// One agent. An unknown or deleted agent fails with TWIN_ERR_API, HTTP status 403 and the
/// detail `you do not have access to this agent` (the service never says 404 for agents).
fn agents_get(c: &Client, agent_id: &str) -> Result<twin_agent, Failure> {
    Ok(c.agents().get(agent_id)?.into())
}

/// Deletes an agent and its runs.
fn agents_delete(c: &Client, agent_id: &str) -> Result<(), Failure> {
    Ok(c.agents().delete(agent_id)?)
}

/// Moves an agent to the workspace `workspace_id`.
fn agents_move(c: &Client, agent_id: &str, workspace_id: &str) -> Result<(), Failure> {
    Ok(c.agents().move_to(agent_id, workspace_id)?)
}
