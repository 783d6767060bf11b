//! `client.workspaces`. Pairs with `core/src/resources/workspaces.rs`.

use pyo3::prelude::*;

use crate::client::resource;
use crate::generated::workspaces::workspace_model;
use crate::model::{core_model, model_list};

core_model!(twin_core::Workspace);

workspace_model! {
    /// A workspace: a folder of agents.
    class Workspace;
    repr: [workspace_id, name];
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
