//! `/v1/agents/{agent_id}/instructions`: an agent's instructions and their version history
//! (core's `resources/instructions.rs`).

use std::ffi::c_char;

use crate::client::{call, call_out, twin_client};
use crate::error::twin_status;
use crate::ffi;
#[path = "generated/instructions.rs"]
mod generated;
pub use generated::*;

/// What twin_instructions_history() sends beside the agent id.
#[derive(Clone, Debug, Default)]
pub(crate) struct HistoryParams {
    pub(crate) limit: Option<u32>,
}

/// The agent's current instructions. On success `*instruction_out` is a new twin_instruction,
/// or NULL when the agent has none.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_instructions_get(
    client: *const twin_client,
    agent_id: *const c_char,
    instruction_out: *mut *mut twin_instruction,
) -> twin_status {
    call_out(client, instruction_out, "instruction_out", |c| {
        let instructions = c.instructions().get(ffi::str_arg(agent_id, "agent_id")?)?;
        Ok(instructions.map(twin_instruction::from))
    })
}

/// Replaces the agent's instructions with `content` (Markdown); each write adds a version to the
/// history. `params` may be NULL: no `source_type` (the service then records `checkpoint`,
/// with a `source_id` of its own) and no `source_id`.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_instructions_update(
    client: *const twin_client,
    agent_id: *const c_char,
    content: *const c_char,
    params: *const twin_instruction_update_params,
) -> twin_status {
    call(client, |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let content = ffi::str_arg(content, "content")?;
        let params = twin_instruction_update_params::value_or_default(params);
        Ok(c.instructions().update(agent_id, content, &params)?)
    })
}

/// The agent's instruction versions, newest first. `params` may be NULL: every version. On success `*list_out` is a new list, freed with
/// twin_instruction_version_list_free().
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_instructions_history(
    client: *const twin_client,
    agent_id: *const c_char,
    params: *const twin_instruction_history_params,
    list_out: *mut *mut twin_instruction_version_list,
) -> twin_status {
    call_out(client, list_out, "list_out", |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let params = twin_instruction_history_params::value_or_default(params);
        Ok(c.instructions()
            .history(agent_id, params.limit)?
            .into_iter()
            .collect::<twin_instruction_version_list>())
    })
}
