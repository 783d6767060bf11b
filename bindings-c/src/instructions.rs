//! `/v1/agents/{agent_id}/instructions`: an agent's instructions and their version history
//! (core's `resources/instructions.rs`).

use twin_core::{Client, InstructionsUpdateParams};

use crate::error::Failure;
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
fn instructions_get(c: &Client, agent_id: &str) -> Result<Option<twin_instruction>, Failure> {
    Ok(c.instructions().get(agent_id)?.map(Into::into))
}

/// Replaces the agent's instructions with `content` (Markdown); each write adds a version to the
/// history. `params` may be NULL: no `source_type` (the service then records `checkpoint`,
/// with a `source_id` of its own) and no `source_id`.
fn instructions_update(
    c: &Client,
    agent_id: &str,
    content: &str,
    params: &InstructionsUpdateParams,
) -> Result<(), Failure> {
    Ok(c.instructions().update(agent_id, content, params)?)
}

/// The agent's instruction versions, newest first. `params` may be NULL: every version. On
/// success `*list_out` is a new list, freed with twin_instruction_version_list_free().
fn instructions_history(
    c: &Client,
    agent_id: &str,
    params: &HistoryParams,
) -> Result<twin_instruction_version_list, Failure> {
    let versions = c.instructions().history(agent_id, params.limit)?;
    Ok(versions.into_iter().collect())
}
