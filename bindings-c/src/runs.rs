//! `/v1/agents/{agent_id}/runs`: list (by page number), start, get, cancel, delete and wait
//! (core's `resources/runs.rs`). The run model, its list parameters, start and cancel
//! parameters and wait options are generated (`generated/runs.rs`).

use std::ffi::c_char;

use twin_core::CancelResult;

use crate::client::{call, call_out, twin_client};
use crate::error::twin_status;
use crate::ffi;
#[path = "generated/runs.rs"]
mod generated;
pub use generated::*;

/// What twin_runs_cancel() sends beside the ids.
#[derive(Clone, Debug, Default)]
pub(crate) struct CancelParams {
    pub(crate) reason: Option<String>,
}

/// The agent's runs, newest first, fetched lazily page by page; the filters apply to every page.
/// `params` may be NULL: every run. Nothing is fetched until twin_run_iter_next(). On success
/// `*iter_out` is a new iterator.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_runs_list(
    client: *const twin_client,
    agent_id: *const c_char,
    params: *const twin_run_list_params,
    iter_out: *mut *mut twin_run_iter,
) -> twin_status {
    call_out(client, iter_out, "iter_out", |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let params = twin_run_list_params::value_or_default(params);
        Ok(twin_run_iter {
            items: c.runs().list(agent_id, &params),
        })
    })
}

/// Starts a run of the agent. `params` may be NULL: a `run` with no user message (see
/// twin_run_start_params_new()). Never retried once it may have reached the service (a repeat
/// could start, and bill, a second run). On success `*run_out` is the new run.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_runs_start(
    client: *const twin_client,
    agent_id: *const c_char,
    params: *const twin_run_start_params,
    run_out: *mut *mut twin_run,
) -> twin_status {
    call_out(client, run_out, "run_out", |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let params = twin_run_start_params::value_or_default(params);
        Ok(twin_run::from(c.runs().start(agent_id, &params)?))
    })
}

/// One run. A missing run fails with TWIN_ERR_API and HTTP status 404; an unknown agent with
/// 403.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_runs_get(
    client: *const twin_client,
    agent_id: *const c_char,
    run_id: *const c_char,
    run_out: *mut *mut twin_run,
) -> twin_status {
    call_out(client, run_out, "run_out", |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        Ok(twin_run::from(
            c.runs().get(agent_id, ffi::str_arg(run_id, "run_id")?)?,
        ))
    })
}

/// Cancels a run. `params` may be NULL: no reason. Succeeds unless the service refuses; a run
/// that had already finished gives success with a note (twin_cancel_result_error()). On
/// success `*result_out` is a new twin_cancel_result.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_runs_cancel(
    client: *const twin_client,
    agent_id: *const c_char,
    run_id: *const c_char,
    params: *const twin_run_cancel_params,
    result_out: *mut *mut twin_cancel_result,
) -> twin_status {
    call_out(client, result_out, "result_out", |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let run_id = ffi::str_arg(run_id, "run_id")?;
        let reason = twin_run_cancel_params::value_or_default(params).reason;
        let result = c.runs().cancel(agent_id, run_id, reason.as_deref())?;
        Ok(twin_cancel_result::from(result))
    })
}

/// Deletes a run.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_runs_delete(
    client: *const twin_client,
    agent_id: *const c_char,
    run_id: *const c_char,
) -> twin_status {
    call(client, |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        Ok(c.runs().delete(agent_id, ffi::str_arg(run_id, "run_id")?)?)
    })
}

/// Polls the run (with a growing pause, 0.5 s up to 5 s) until it is terminal (`completed`,
/// `error`, `stopped`) or `paused` (a person must act). `options` may be NULL: at most 10
/// minutes (then TWIN_ERR_TIMEOUT), not cancellable; twin_wait_options_new() sets another
/// limit, the pauses and a cancel token (then TWIN_ERR_CANCELLED). On success `*run_out` is
/// the run in its final state.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_runs_wait(
    client: *const twin_client,
    agent_id: *const c_char,
    run_id: *const c_char,
    options: *const twin_wait_options,
    run_out: *mut *mut twin_run,
) -> twin_status {
    call_out(client, run_out, "run_out", |c| {
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let run_id = ffi::str_arg(run_id, "run_id")?;
        let options = twin_wait_options::value_or_default(options);
        Ok(twin_run::from(c.runs().wait(agent_id, run_id, &options)?))
    })
}

/// The cancel answer as JSON (core keeps its fields, not the body).
pub(crate) fn cancel_json(result: &CancelResult) -> serde_json::Value {
    let mut value = serde_json::json!({ "success": result.success });
    if let Some(note) = &result.note {
        value["error"] = serde_json::Value::String(note.clone());
    }
    value
}
