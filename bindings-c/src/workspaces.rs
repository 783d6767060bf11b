//! `/v1/workspaces`: list, create, update, delete and reorder workspaces (core's
//! `resources/workspaces.rs`).

use twin_core::Client;

use crate::error::Failure;
#[path = "generated/workspaces.rs"]
mod generated;
pub use generated::*;

/// What twin_workspaces_update() may send beside the name.
#[derive(Clone, Debug, Default)]
pub(crate) struct WorkspaceUpdate {
    pub(crate) icon_config: Option<String>,
}

/// Every workspace, in display order (not paginated). On success `*list_out` is a new list,
/// freed with twin_workspace_list_free().
fn workspaces_list(c: &Client) -> Result<twin_workspace_list, Failure> {
    Ok(c.workspaces().list()?.into_iter().collect())
}

/// Creates a workspace named `name`; it goes first in the display order. On success
/// `*workspace_out` is a new twin_workspace. Never retried once sent.
fn workspaces_create(c: &Client, name: &str) -> Result<twin_workspace, Failure> {
    Ok(c.workspaces().create(name)?.into())
}

/// Renames a workspace and optionally sets its icon. `params` may be NULL: the icon is left as
/// it is (twin_workspace_update_params_set_icon_config() sets a JSON text such as
/// `{"icon":"Code"}`, checked before sending). On success `*workspace_out` is the updated
/// workspace.
fn workspaces_update(
    c: &Client,
    workspace_id: &str,
    name: &str,
    params: &WorkspaceUpdate,
) -> Result<twin_workspace, Failure> {
    let icon_config = params.icon_config.as_deref();
    let workspace = c.workspaces().update(workspace_id, name, icon_config)?;
    Ok(workspace.into())
}

/// Deletes a workspace **and every agent in it**.
fn workspaces_delete(c: &Client, workspace_id: &str) -> Result<(), Failure> {
    Ok(c.workspaces().delete(workspace_id)?)
}

/// Puts the `workspace_ids_len` workspaces of `workspace_ids` first, in this order (at least
/// one).
fn workspaces_reorder(c: &Client, workspace_ids: &[&str]) -> Result<(), Failure> {
    Ok(c.workspaces().reorder(workspace_ids)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{twin_last_error_clear, twin_last_error_status, twin_status};
    use crate::ffi;
    use twin_core::{Model, Workspace};

    #[test]
    fn a_value_with_a_nul_is_never_cut_short() {
        let json = r#"{"workspace_id": "w1", "name": "before\u0000after", "position": 0}"#;
        let value: serde_json::Value = serde_json::from_str(json).expect("json");
        let workspace = twin_workspace::from(Workspace::from_value(value).expect("a workspace"));
        twin_last_error_clear();
        assert!(twin_workspace_name(&workspace).is_null());
        assert_eq!(twin_last_error_status(), twin_status::TWIN_ERR_DECODE);
        let full = ffi::read_c(twin_workspace_json(&workspace)).expect("json");
        assert!(full.contains(r"before\u0000after"), "{full}");
        // An absent value is NULL with nothing recorded; a clean one reads as it is.
        twin_last_error_clear();
        assert_eq!(
            ffi::read_c(twin_workspace_id(&workspace)).as_deref(),
            Some("w1")
        );
        assert_eq!(twin_last_error_status(), twin_status::TWIN_OK);
    }
}
