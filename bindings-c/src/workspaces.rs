//! `/v1/workspaces`: list, create, update, delete and reorder workspaces (core's
//! `resources/workspaces.rs`).

use std::ffi::c_char;

use twin_core::{Model, Workspace};

use crate::client::twin_client;
use crate::error::twin_status;
use crate::ffi::{self, CStrings};

/// A workspace: a named group of agents.
#[derive(Debug)]
pub struct twin_workspace {
    workspace: Workspace,
    strings: CStrings,
}

impl From<Workspace> for twin_workspace {
    fn from(workspace: Workspace) -> Self {
        twin_workspace {
            workspace,
            strings: CStrings::default(),
        }
    }
}

/// Every workspace, in display order (not paginated). On success `*list_out` is a new list,
/// freed with twin_workspace_list_free().
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspaces_list(
    client: *const twin_client,
    list_out: *mut *mut twin_workspace_list,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let list_out = ffi::out(list_out, "list_out")?;
        let workspaces = client.client.workspaces().list()?;
        list_out.give(workspaces.into_iter().collect());
        Ok(())
    })
}

/// Creates a workspace named `name`; it goes first in the display order. On success
/// `*workspace_out` is a new twin_workspace. Never retried once sent.
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspaces_create(
    client: *const twin_client,
    name: *const c_char,
    workspace_out: *mut *mut twin_workspace,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let name = ffi::str_arg(name, "name")?;
        let workspace_out = ffi::out(workspace_out, "workspace_out")?;
        let workspace = client.client.workspaces().create(name)?;
        workspace_out.give(twin_workspace::from(workspace));
        Ok(())
    })
}

/// Renames a workspace and optionally sets its icon. `icon_config` may be NULL: the icon is
/// left as it is; otherwise it is a JSON text such as `{"icon":"Code"}`, checked before sending.
/// On success `*workspace_out` is the updated workspace.
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspaces_update(
    client: *const twin_client,
    workspace_id: *const c_char,
    name: *const c_char,
    icon_config: *const c_char,
    workspace_out: *mut *mut twin_workspace,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let workspace_id = ffi::str_arg(workspace_id, "workspace_id")?;
        let name = ffi::str_arg(name, "name")?;
        let icon_config = ffi::opt_str_arg(icon_config, "icon_config")?;
        let workspace_out = ffi::out(workspace_out, "workspace_out")?;
        let workspace = client
            .client
            .workspaces()
            .update(workspace_id, name, icon_config)?;
        workspace_out.give(twin_workspace::from(workspace));
        Ok(())
    })
}

/// Deletes a workspace **and every agent in it**.
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspaces_delete(
    client: *const twin_client,
    workspace_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let workspace_id = ffi::str_arg(workspace_id, "workspace_id")?;
        client.client.workspaces().delete(workspace_id)?;
        Ok(())
    })
}

/// Puts the `workspace_ids_len` workspaces of `workspace_ids` first, in this order (at least
/// one).
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspaces_reorder(
    client: *const twin_client,
    workspace_ids: *const *const c_char,
    workspace_ids_len: usize,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let workspace_ids = ffi::str_array_arg(workspace_ids, workspace_ids_len, "workspace_ids")?;
        client.client.workspaces().reorder(&workspace_ids)?;
        Ok(())
    })
}

/// The workspace's id (`workspace_id`), a UUIDv7.
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspace_id(workspace: *const twin_workspace) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let workspace = ffi::arg(workspace, "workspace")?;
        Ok(workspace
            .strings
            .get("id", &workspace.workspace.workspace_id))
    })
}

/// The display name (`name`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspace_name(workspace: *const twin_workspace) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let workspace = ffi::arg(workspace, "workspace")?;
        Ok(workspace.strings.get("name", &workspace.workspace.name))
    })
}

/// The display position (`position`), 0 first.
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspace_position(workspace: *const twin_workspace) -> i64 {
    ffi::call_or(0, || {
        let workspace = ffi::arg(workspace, "workspace")?;
        Ok(workspace.workspace.position)
    })
}

/// The number of agents in the workspace (`agent_count`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspace_agent_count(workspace: *const twin_workspace) -> u64 {
    ffi::call_or(0, || {
        let workspace = ffi::arg(workspace, "workspace")?;
        Ok(workspace.workspace.agent_count)
    })
}

/// The icon settings as JSON text (`icon_config`), e.g. `{"icon":"Code"}`; NULL when unset.
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspace_icon_config(workspace: *const twin_workspace) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let workspace = ffi::arg(workspace, "workspace")?;
        Ok(workspace
            .strings
            .get_opt("icon_config", workspace.workspace.icon_config.as_deref()))
    })
}

/// When the workspace was created (`created_at`), in Unix seconds. `has_value` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspace_created_at(
    workspace: *const twin_workspace,
    has_value: *mut bool,
) -> i64 {
    ffi::call_or(0, || {
        let workspace = ffi::arg(workspace, "workspace")?;
        Ok(ffi::optional(
            crate::unix(workspace.workspace.created_at),
            has_value,
        ))
    })
}

/// When the workspace last changed (`updated_at`), in Unix seconds. `has_value` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspace_updated_at(
    workspace: *const twin_workspace,
    has_value: *mut bool,
) -> i64 {
    ffi::call_or(0, || {
        let workspace = ffi::arg(workspace, "workspace")?;
        Ok(ffi::optional(
            crate::unix(workspace.workspace.updated_at),
            has_value,
        ))
    })
}

/// The complete JSON object as received, unknown fields included.
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspace_json(workspace: *const twin_workspace) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let workspace = ffi::arg(workspace, "workspace")?;
        Ok(workspace
            .strings
            .get_with("json", || crate::json(workspace.workspace.raw())))
    })
}

/// Frees a twin_workspace. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspace_free(workspace: *mut twin_workspace) {
    ffi::call_or((), || {
        ffi::free(workspace);
        Ok(())
    })
}

/// A list of workspaces; its items are borrowed from it. Free with twin_workspace_list_free().
#[derive(Debug)]
pub struct twin_workspace_list {
    items: Vec<twin_workspace>,
}

impl<T: Into<twin_workspace>> FromIterator<T> for twin_workspace_list {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        twin_workspace_list {
            items: iter.into_iter().map(Into::into).collect(),
        }
    }
}

/// The number of items in the list; 0 for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspace_list_len(list: *const twin_workspace_list) -> usize {
    ffi::call_or(0, || Ok(ffi::arg(list, "list")?.items.len()))
}

/// Item `index` of the list, borrowed from it (valid until the list is freed); NULL when
/// `index` is out of range.
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspace_list_get(
    list: *const twin_workspace_list,
    index: usize,
) -> *const twin_workspace {
    ffi::call_or(std::ptr::null(), || {
        let list = ffi::arg(list, "list")?;
        ffi::element(&list.items, index).map(std::ptr::from_ref)
    })
}

/// Frees a list and its items. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_workspace_list_free(list: *mut twin_workspace_list) {
    ffi::call_or((), || {
        ffi::free(list);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{twin_last_error_clear, twin_last_error_status};

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
