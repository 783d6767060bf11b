//! `client.instructions`: get, update, history. Pairs with
//! `core/src/resources/instructions.rs`.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use crate::client::resource;
use crate::model::{core_model, model, model_list};

core_model!(twin_core::Instructions, twin_core::InstructionVersion);

model! {
    /// An agent's current instructions.
    Instructions(twin_core::Instructions) as "Instructions";
    repr: [content_hash, source_id];
    fields {
        /// The instructions' text (Markdown).
        content: String = |m| m.content.clone();
        /// A hash of `content`, if the service sent one.
        content_hash: Option<String> = |m| m.content_hash.clone();
        /// When they were last written.
        updated_at: Option<DateTime<Utc>> = |m| m.updated_at;
        /// What wrote them, e.g. `api:instructions:<time>`.
        source_id: Option<String> = |m| m.source_id.clone();
    }
}

model! {
    /// One version in an agent's instruction history.
    InstructionVersion(twin_core::InstructionVersion) as "InstructionVersion";
    repr: [id, source_type, source_id];
    fields {
        /// The version's id; higher is newer.
        id: u64 = |m| m.id;
        /// The instructions' text in this version.
        content: String = |m| m.content.clone();
        /// A hash of `content`, if the service sent one.
        content_hash: Option<String> = |m| m.content_hash.clone();
        /// When this version was written.
        created_at: Option<DateTime<Utc>> = |m| m.created_at;
        /// What kind of writer made it, e.g. `api`.
        source_type: Option<String> = |m| m.source_type.clone();
        /// What wrote it, e.g. `api:instructions:<time>`.
        source_id: Option<String> = |m| m.source_id.clone();
    }
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
