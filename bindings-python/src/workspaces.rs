//! `client.workspaces`. Pairs with `core/src/resources/workspaces.rs`.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use crate::client::resource;
use crate::model::{core_model, model, model_list};

core_model!(twin_core::Workspace);

model! {
    /// A workspace: a folder of agents.
    Workspace(twin_core::Workspace) as "Workspace";
    repr: [workspace_id, name];
    fields {
        /// A UUIDv7.
        workspace_id: String = |m| m.workspace_id.to_string();
        /// Its display name.
        name: String = |m| m.name.clone();
        /// Order among the account's workspaces.
        position: i64 = |m| m.position;
        /// How many agents it holds.
        agent_count: u64 = |m| m.agent_count;
        /// A JSON-encoded string, as the API stores it.
        icon_config: Option<String> = |m| m.icon_config.clone();
        /// When it was created.
        created_at: Option<DateTime<Utc>> = |m| m.created_at;
        /// When it was last changed.
        updated_at: Option<DateTime<Utc>> = |m| m.updated_at;
    }
}

resource! {
    /// Workspaces: `client.workspaces`.
    WorkspacesResource as "WorkspacesResource"
}

#[pymethods]
impl WorkspacesResource {
    /// Every workspace, in order.
    fn list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let list = self.client.call(py, |c| c.workspaces().list())?;
        model_list(py, list.into_iter().map(Workspace::from).collect())
    }

    /// Creates a workspace.
    fn create(&self, py: Python<'_>, name: &str) -> PyResult<Workspace> {
        self.client.model(py, |c| c.workspaces().create(name))
    }

    /// Renames a workspace and optionally sets its icon (a JSON-encoded string).
    #[pyo3(signature = (workspace_id, *, name, icon_config=None))]
    fn update(
        &self,
        py: Python<'_>,
        workspace_id: &str,
        name: &str,
        icon_config: Option<&str>,
    ) -> PyResult<Workspace> {
        self.client.model(py, |c| {
            c.workspaces().update(workspace_id, name, icon_config)
        })
    }

    /// Deletes a workspace.
    fn delete(&self, py: Python<'_>, workspace_id: &str) -> PyResult<()> {
        self.client
            .call(py, |c| c.workspaces().delete(workspace_id))
    }

    /// Sets the order of the workspaces.
    fn reorder(&self, py: Python<'_>, workspace_ids: Vec<String>) -> PyResult<()> {
        let ids: Vec<&str> = workspace_ids.iter().map(String::as_str).collect();
        self.client.call(py, |c| c.workspaces().reorder(&ids))
    }

    fn __repr__(&self) -> &'static str {
        "<twin workspaces>"
    }
}
