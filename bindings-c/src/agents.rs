//! `/v1/agents`: list (by cursor), create, get, delete and move agents (core's
//! `resources/agents.rs`).

use std::ffi::c_char;

use twin_core::{Agent, AgentCreateParams, AgentListParams, Model, Pager};

use crate::client::twin_client;
use crate::error::twin_status;
use crate::ffi::{self, CStrings};

/// An agent.
#[derive(Debug)]
pub struct twin_agent {
    agent: Agent,
    strings: CStrings,
}

impl From<Agent> for twin_agent {
    fn from(agent: Agent) -> Self {
        twin_agent {
            agent,
            strings: CStrings::default(),
        }
    }
}

/// What twin_agents_create() sends; every field optional. Use from one thread at a time.
#[derive(Debug, Default)]
pub struct twin_agent_create_params {
    params: AgentCreateParams,
}

/// New, empty agent creation parameters, freed with twin_agent_create_params_free(). NULL
/// only if the library panicked.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_create_params_new() -> *mut twin_agent_create_params {
    ffi::call_or(std::ptr::null_mut(), || {
        Ok(ffi::new_handle(twin_agent_create_params::default()))
    })
}

/// The workspace of the new agent (`workspace_id`; default: the user's default workspace).
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_create_params_set_workspace_id(
    params: *mut twin_agent_create_params,
    workspace_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let params = ffi::arg_mut(params, "params")?;
        let workspace_id = ffi::str_arg(workspace_id, "workspace_id")?;
        params.params.workspace_id = Some(workspace_id.to_owned());
        Ok(())
    })
}

/// The owner of the new agent (`owner_user_id`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_create_params_set_owner_user_id(
    params: *mut twin_agent_create_params,
    owner_user_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let params = ffi::arg_mut(params, "params")?;
        let owner_user_id = ffi::str_arg(owner_user_id, "owner_user_id")?;
        params.params.owner_user_id = Some(owner_user_id.to_owned());
        Ok(())
    })
}

/// Whether the new agent is a sub-agent (`is_subagent`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_create_params_set_is_subagent(
    params: *mut twin_agent_create_params,
    is_subagent: bool,
) -> twin_status {
    ffi::call(|| {
        let params = ffi::arg_mut(params, "params")?;
        params.params.is_subagent = Some(is_subagent);
        Ok(())
    })
}

/// The source agent of a derived agent (`derived_from_agent_id`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_create_params_set_derived_from_agent_id(
    params: *mut twin_agent_create_params,
    derived_from_agent_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let params = ffi::arg_mut(params, "params")?;
        let derived_from_agent_id = ffi::str_arg(derived_from_agent_id, "derived_from_agent_id")?;
        params.params.derived_from_agent_id = Some(derived_from_agent_id.to_owned());
        Ok(())
    })
}

/// An explicit id for the new agent (`agent_id`). With one, creating is safe to retry.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_create_params_set_agent_id(
    params: *mut twin_agent_create_params,
    agent_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let params = ffi::arg_mut(params, "params")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        params.params.agent_id = Some(agent_id.to_owned());
        Ok(())
    })
}

/// Frees agent creation parameters. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_create_params_free(params: *mut twin_agent_create_params) {
    ffi::call_or((), || {
        ffi::free(params);
        Ok(())
    })
}

/// Every agent, newest first, fetched lazily page by page (following `next_cursor`).
/// `workspace_id` may be NULL: agents of every workspace. `limit` may be NULL: the service's
/// page size (10); otherwise it points to the number of agents per page. Nothing is fetched
/// until twin_agent_iter_next(). On success `*iter_out` is a new iterator.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agents_list(
    client: *const twin_client,
    workspace_id: *const c_char,
    limit: *const u32,
    iter_out: *mut *mut twin_agent_iter,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let workspace_id = ffi::opt_str_arg(workspace_id, "workspace_id")?;
        let limit = ffi::opt_value(limit);
        let iter_out = ffi::out(iter_out, "iter_out")?;
        let mut params = AgentListParams::default();
        params.workspace_id = workspace_id.map(str::to_owned);
        params.limit = limit;
        iter_out.give(twin_agent_iter {
            items: client.client.agents().list(&params),
        });
        Ok(())
    })
}

/// Creates an agent. `params` may be NULL: all defaults. Retried on failure only when an
/// explicit agent id is given. On success `*agent_out` is the new agent.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agents_create(
    client: *const twin_client,
    params: *const twin_agent_create_params,
    agent_out: *mut *mut twin_agent,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let params = ffi::opt_arg(params)
            .map(|p| p.params.clone())
            .unwrap_or_default();
        let agent_out = ffi::out(agent_out, "agent_out")?;
        let agent = client.client.agents().create(&params)?;
        agent_out.give(twin_agent::from(agent));
        Ok(())
    })
}

/// One agent. An unknown or deleted agent fails with TWIN_ERR_API, HTTP status 403 and the
/// detail `you do not have access to this agent` (the service never says 404 for agents).
#[unsafe(no_mangle)]
pub extern "C" fn twin_agents_get(
    client: *const twin_client,
    agent_id: *const c_char,
    agent_out: *mut *mut twin_agent,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let agent_out = ffi::out(agent_out, "agent_out")?;
        let agent = client.client.agents().get(agent_id)?;
        agent_out.give(twin_agent::from(agent));
        Ok(())
    })
}

/// Deletes an agent and its runs.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agents_delete(
    client: *const twin_client,
    agent_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        client.client.agents().delete(agent_id)?;
        Ok(())
    })
}

/// Moves an agent to the workspace `workspace_id`.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agents_move(
    client: *const twin_client,
    agent_id: *const c_char,
    workspace_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let workspace_id = ffi::str_arg(workspace_id, "workspace_id")?;
        client.client.agents().move_to(agent_id, workspace_id)?;
        Ok(())
    })
}

/// The agent's id (`agent_id`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_id(agent: *const twin_agent) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let agent = ffi::arg(agent, "agent")?;
        Ok(agent.strings.get("id", &agent.agent.agent_id))
    })
}

/// The display name (`agent_name.name`); NULL until the platform names the agent.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_name(agent: *const twin_agent) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let agent = ffi::arg(agent, "agent")?;
        Ok(agent
            .strings
            .get_opt("agent_name", agent.agent.name.as_deref()))
    })
}

/// The workspace the agent belongs to (`workspace_id`), or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_workspace_id(agent: *const twin_agent) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let agent = ffi::arg(agent, "agent")?;
        Ok(agent
            .strings
            .get_opt("workspace_id", agent.agent.workspace_id.as_deref()))
    })
}

/// Whether the agent is deployed (`deployment_state`): `draft`, `deployed`, `not_deployed` or a
/// newer value; NULL when absent.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_deployment_state(agent: *const twin_agent) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let agent = ffi::arg(agent, "agent")?;
        Ok(agent.strings.get_opt(
            "deployment_state",
            agent.agent.deployment_state.as_ref().map(|s| s.as_str()),
        ))
    })
}

/// Whether the agent has ever run (`has_runs`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_has_runs(agent: *const twin_agent) -> bool {
    ffi::call_or(false, || {
        let agent = ffi::arg(agent, "agent")?;
        Ok(agent.agent.has_runs)
    })
}

/// The latest run's id (`latest_run_id`), or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_latest_run_id(agent: *const twin_agent) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let agent = ffi::arg(agent, "agent")?;
        Ok(agent
            .strings
            .get_opt("latest_run_id", agent.agent.latest_run_id.as_deref()))
    })
}

/// The latest run's status (`latest_run_status`), or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_latest_run_status(agent: *const twin_agent) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let agent = ffi::arg(agent, "agent")?;
        Ok(agent.strings.get_opt(
            "latest_run_status",
            agent.agent.latest_run_status.as_ref().map(|s| s.as_str()),
        ))
    })
}

/// Whether the latest run has finished (`latest_run_is_finished`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_latest_run_is_finished(agent: *const twin_agent) -> bool {
    ffi::call_or(false, || {
        let agent = ffi::arg(agent, "agent")?;
        Ok(agent.agent.latest_run_is_finished)
    })
}

/// Whether the latest run waits for a person's input (`latest_run_has_pending_input`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_latest_run_has_pending_input(agent: *const twin_agent) -> bool {
    ffi::call_or(false, || {
        let agent = ffi::arg(agent, "agent")?;
        Ok(agent.agent.latest_run_has_pending_input)
    })
}

/// When anything last happened to the agent (`last_activity_at`), in Unix seconds. `has_value`
/// may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_last_activity_at(
    agent: *const twin_agent,
    has_value: *mut bool,
) -> i64 {
    ffi::call_or(0, || {
        let agent = ffi::arg(agent, "agent")?;
        Ok(ffi::optional(
            crate::unix(agent.agent.last_activity_at),
            has_value,
        ))
    })
}

/// The icon settings as JSON text (`icon_config`), or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_icon_config(agent: *const twin_agent) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let agent = ffi::arg(agent, "agent")?;
        Ok(agent
            .strings
            .get_opt("icon_config", agent.agent.icon_config.as_deref()))
    })
}

/// The complete JSON object as received, unknown fields included.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_json(agent: *const twin_agent) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let agent = ffi::arg(agent, "agent")?;
        Ok(agent
            .strings
            .get_with("json", || crate::json(agent.agent.raw())))
    })
}

/// Frees a twin_agent. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_free(agent: *mut twin_agent) {
    ffi::call_or((), || {
        ffi::free(agent);
        Ok(())
    })
}

/// Iterates over agents, fetching pages lazily. Use from one thread at a time; free with
/// twin_agent_iter_free().
pub struct twin_agent_iter {
    items: Pager<Agent>,
}

/// Fetches the next item: on success `*item_out` is a new twin_agent (free it with
/// twin_agent_free()), or NULL at the end of the list. After a failure the iteration ends.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_iter_next(
    iter: *mut twin_agent_iter,
    item_out: *mut *mut twin_agent,
) -> twin_status {
    ffi::call(|| {
        let iter = ffi::arg_mut(iter, "iter")?;
        let item_out = ffi::out(item_out, "item_out")?;
        let item = iter.items.next().transpose()?;
        item_out.give_opt(item.map(twin_agent::from));
        Ok(())
    })
}

/// Frees an iterator. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_agent_iter_free(iter: *mut twin_agent_iter) {
    ffi::call_or((), || {
        ffi::free(iter);
        Ok(())
    })
}
