//! `/v1/agents/{agent_id}/runs`: list (by page number), start, get, cancel, delete and wait
//! (core's `resources/runs.rs`). The run model, its list parameters, start and cancel
//! parameters and wait options are generated (`generated/runs.rs`).

use twin_core::{CancelResult, Client, RunListParams, RunStartParams, WaitOptions};

use crate::error::Failure;
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
fn runs_list(c: &Client, agent_id: &str, params: &RunListParams) -> Result<twin_run_iter, Failure> {
    Ok(twin_run_iter {
        items: c.runs().list(agent_id, params),
    })
}

/// Starts a run of the agent. `params` may be NULL: a `run` with no user message (see
/// twin_run_start_params_new()). Never retried once it may have reached the service (a repeat
/// could start, and bill, a second run). On success `*run_out` is the new run.
fn runs_start(c: &Client, agent_id: &str, params: &RunStartParams) -> Result<twin_run, Failure> {
    Ok(c.runs().start(agent_id, params)?.into())
}

/// One run. A missing run fails with TWIN_ERR_API and HTTP status 404; an unknown agent with
/// 403.
fn runs_get(c: &Client, agent_id: &str, run_id: &str) -> Result<twin_run, Failure> {
    Ok(c.runs().get(agent_id, run_id)?.into())
}

/// Cancels a run. `params` may be NULL: no reason. Succeeds unless the service refuses; a run
/// that had already finished gives success with a note (twin_cancel_result_error()). On
/// success `*result_out` is a new twin_cancel_result.
fn runs_cancel(
    c: &Client,
    agent_id: &str,
    run_id: &str,
    params: &CancelParams,
) -> Result<twin_cancel_result, Failure> {
    let reason = params.reason.as_deref();
    Ok(c.runs().cancel(agent_id, run_id, reason)?.into())
}

/// Deletes a run.
fn runs_delete(c: &Client, agent_id: &str, run_id: &str) -> Result<(), Failure> {
    Ok(c.runs().delete(agent_id, run_id)?)
}

/// Polls the run (with a growing pause, 0.5 s up to 5 s) until it is terminal (`completed`,
/// `error`, `stopped`) or `paused` (a person must act). `options` may be NULL: at most 10
/// minutes (then TWIN_ERR_TIMEOUT), not cancellable; twin_wait_options_new() sets another
/// limit, the pauses and a cancel token (then TWIN_ERR_CANCELLED). On success `*run_out` is
/// the run in its final state.
fn runs_wait(
    c: &Client,
    agent_id: &str,
    run_id: &str,
    options: &WaitOptions,
) -> Result<twin_run, Failure> {
    Ok(c.runs().wait(agent_id, run_id, options)?.into())
}

/// The cancel answer as JSON (core keeps its fields, not the body).
pub(crate) fn cancel_json(result: &CancelResult) -> serde_json::Value {
    let mut value = serde_json::json!({ "success": result.success });
    if let Some(note) = &result.note {
        value["error"] = serde_json::Value::String(note.clone());
    }
    value
}
