//! `client.instructions`: get, update, history. Pairs with
//! `core/src/resources/instructions.rs`.

use pyo3::prelude::*;

use crate::client::resource;
use crate::generated::instructions::{instruction_version_model, instructions_model};
use crate::model::{core_model, model_list};

core_model!(twin_core::Instructions, twin_core::InstructionVersion);

instructions_model! {
    /// An agent's current instructions.
    class Instructions;
    repr: [content_hash, source_id];
}

instruction_version_model! {
    /// One version in an agent's instruction history.
    class InstructionVersion;
    repr: [id, source_type, source_id];
}

resource! {
    /// Instructions of agents: `client.instructions`.
    InstructionsResource as "InstructionsResource"
}

#[pymethods]
impl InstructionsResource {
    /// The agent's instructions, or `None` when it has none.
    fn get(&self, py: Python<'_>, agent_id: &str) -> PyResult<Option<Instructions>> {
        self.client
            .call(py, |c| c.instructions().get(agent_id))
            .map(|i| i.map(Instructions::from))
    }

    /// Replaces the agent's instructions.
    #[pyo3(signature = (agent_id, content, *, source_type=None, source_id=None))]
    fn update(
        &self,
        py: Python<'_>,
        agent_id: &str,
        content: &str,
        source_type: Option<String>,
        source_id: Option<String>,
    ) -> PyResult<()> {
        let mut params = twin_core::InstructionsUpdateParams::default();
        params.source_type = source_type;
        params.source_id = source_id;
        self.client
            .call(py, |c| c.instructions().update(agent_id, content, &params))
    }

    /// Every version, the current one included, newest first (the order the service gives; one version was captured live).
    #[pyo3(signature = (agent_id, *, limit=None))]
    fn history<'py>(
        &self,
        py: Python<'py>,
        agent_id: &str,
        limit: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let list = self
            .client
            .call(py, |c| c.instructions().history(agent_id, limit))?;
        model_list(py, list.into_iter().map(InstructionVersion::from).collect())
    }

    fn __repr__(&self) -> &'static str {
        "<twin instructions>"
    }
}
