//! `client.agents`: list (by cursor), create, get, delete, move. Pairs with
//! `core/src/resources/agents.rs`.

use pyo3::prelude::*;

use crate::client::resource;
use crate::generated::agents::agent_model;
use crate::model::core_model;
use crate::pagination::{self, Item, Pager};

core_model!(twin_core::Agent);

agent_model! {
    /// An agent.
    class Agent;
    repr: [agent_id, name];
}

resource! {
    /// Agents: `client.agents`.
    AgentsResource as "AgentsResource"
}

#[pymethods]
impl AgentsResource {
    /// The agents, fetched lazily page by page (by cursor); `page_size` agents a page (the
    /// service's default is 10).
    #[pyo3(signature = (*, workspace_id=None, page_size=None))]
    fn list(&self, workspace_id: Option<String>, page_size: Option<u32>) -> PyResult<Pager> {
        self.client.get()?;
        let mut params = twin_core::AgentListParams::default();
        params.workspace_id = workspace_id;
        params.limit = page_size;
        Ok(Pager::new(
            pagination::source(move |c| c.agents().list(&params), Item::Agent),
            self.client.clone(),
            "Agent",
        ))
    }

    /// Creates an agent. Passing `agent_id` makes the call safe to retry.
    #[pyo3(signature = (*, workspace_id=None, owner_user_id=None, is_subagent=None, derived_from_agent_id=None, agent_id=None))]
    fn create(
        &self,
        py: Python<'_>,
        workspace_id: Option<String>,
        owner_user_id: Option<String>,
        is_subagent: Option<bool>,
        derived_from_agent_id: Option<String>,
        agent_id: Option<String>,
    ) -> PyResult<Agent> {
        let mut params = twin_core::AgentCreateParams::default();
        params.workspace_id = workspace_id;
        params.owner_user_id = owner_user_id;
        params.is_subagent = is_subagent;
        params.derived_from_agent_id = derived_from_agent_id;
        params.agent_id = agent_id;
        self.client.model(py, |c| c.agents().create(&params))
    }

    /// One agent. An unknown agent is a `PermissionDeniedError` (403, "you do not have
    /// access to this agent"): the service never says 404 for agents.
    fn get(&self, py: Python<'_>, agent_id: &str) -> PyResult<Agent> {
        self.client.model(py, |c| c.agents().get(agent_id))
    }

    /// Deletes an agent.
    fn delete(&self, py: Python<'_>, agent_id: &str) -> PyResult<()> {
        self.client.call(py, |c| c.agents().delete(agent_id))
    }

    /// Moves an agent to another workspace (`workspace_id` by keyword: two ids side by side
    /// are easy to swap).
    #[pyo3(name = "move", signature = (agent_id, *, workspace_id))]
    fn move_to(&self, py: Python<'_>, agent_id: &str, workspace_id: &str) -> PyResult<()> {
        self.client
            .call(py, |c| c.agents().move_to(agent_id, workspace_id))
    }

    fn __repr__(&self) -> &'static str {
        "<twin agents>"
    }
}
