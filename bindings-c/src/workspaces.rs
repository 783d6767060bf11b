//! `/v1/workspaces`: list, create, update, delete and reorder workspaces (core's
//! `resources/workspaces.rs`).

use std::ffi::c_char;

use crate::client::{call, call_out, twin_client};
use crate::error::twin_status;
use crate::ffi;
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
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspaces_list(
    client: *const twin_client,
    list_out: *mut *mut twin_workspace_list,
) -> twin_status {
    call_out(client, list_out, "list_out", |c| {
        Ok(c.workspaces()
            .list()?
            .into_iter()
            .collect::<twin_workspace_list>())
    })
}

/// Creates a workspace named `name`; it goes first in the display order. On success
/// `*workspace_out` is a new twin_workspace. Never retried once sent.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspaces_create(
    client: *const twin_client,
    name: *const c_char,
    workspace_out: *mut *mut twin_workspace,
) -> twin_status {
    call_out(client, workspace_out, "workspace_out", |c| {
        Ok(twin_workspace::from(
            c.workspaces().create(ffi::str_arg(name, "name")?)?,
        ))
    })
}

/// Renames a workspace and optionally sets its icon. `params` may be NULL: the icon is left as
/// it is (twin_workspace_update_params_set_icon_config() sets a JSON text such as
/// `{"icon":"Code"}`, checked before sending).
/// On success `*workspace_out` is the updated workspace.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspaces_update(
    client: *const twin_client,
    workspace_id: *const c_char,
    name: *const c_char,
    params: *const twin_workspace_update_params,
    workspace_out: *mut *mut twin_workspace,
) -> twin_status {
    call_out(client, workspace_out, "workspace_out", |c| {
        let workspace_id = ffi::str_arg(workspace_id, "workspace_id")?;
        let name = ffi::str_arg(name, "name")?;
        let params = twin_workspace_update_params::value_or_default(params);
        let icon_config = params.icon_config.as_deref();
        Ok(twin_workspace::from(c.workspaces().update(
            workspace_id,
            name,
            icon_config,
        )?))
    })
}

/// Deletes a workspace **and every agent in it**.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspaces_delete(
    client: *const twin_client,
    workspace_id: *const c_char,
) -> twin_status {
    call(client, |c| {
        Ok(c.workspaces()
            .delete(ffi::str_arg(workspace_id, "workspace_id")?)?)
    })
}

/// Puts the `workspace_ids_len` workspaces of `workspace_ids` first, in this order (at least
/// one).
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspaces_reorder(
    client: *const twin_client,
    workspace_ids: *const *const c_char,
    workspace_ids_len: usize,
) -> twin_status {
    call(client, |c| {
        let workspace_ids = ffi::str_array_arg(workspace_ids, workspace_ids_len, "workspace_ids")?;
        Ok(c.workspaces().reorder(&workspace_ids)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{twin_last_error_clear, twin_last_error_status};
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
