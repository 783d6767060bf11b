//! `/v1/agents/{agent_id}/runs`: list (by page number), start, get, cancel, delete and wait
//! (core's `resources/runs.rs`).

use std::ffi::c_char;
use std::time::{Duration, Instant};

use twin_core::{
    CancelResult, Model, Pager, Run, RunListParams, RunMode, RunStartParams, WaitOptions,
};

use crate::cancel::twin_cancel_token;
use crate::client::twin_client;
use crate::error::twin_status;
use crate::ffi::{self, CStrings};

/// A run of an agent. From a list it also carries its summary fields (`outcome`, `summary`,
/// `credits_consumed`).
#[derive(Debug)]
pub struct twin_run {
    run: Run,
    strings: CStrings,
}

impl From<Run> for twin_run {
    fn from(run: Run) -> Self {
        twin_run {
            run,
            strings: CStrings::default(),
        }
    }
}

/// The answer to twin_runs_cancel(). Cancelling is best-effort and idempotent: a run that has
/// already finished still gives success, with a note in twin_cancel_result_error().
#[derive(Debug)]
pub struct twin_cancel_result {
    result: CancelResult,
    strings: CStrings,
}

/// Filters and page size for twin_runs_list(); every field optional. Use from one thread at a
/// time.
#[derive(Debug, Default)]
pub struct twin_run_list_params {
    params: RunListParams,
}

/// New, empty run list parameters, freed with twin_run_list_params_free(). NULL only if the
/// library panicked.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_list_params_new() -> *mut twin_run_list_params {
    ffi::call_or(std::ptr::null_mut(), || {
        Ok(ffi::new_handle(twin_run_list_params::default()))
    })
}

/// Only runs with this status (`filter_status`), e.g. `completed`.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_list_params_set_status(
    params: *mut twin_run_list_params,
    status: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let params = ffi::arg_mut(params, "params")?;
        let status = ffi::str_arg(status, "status")?;
        params.params.status = Some(status.into());
        Ok(())
    })
}

/// Only the run with this id (`filter_run_id`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_list_params_set_run_id(
    params: *mut twin_run_list_params,
    run_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let params = ffi::arg_mut(params, "params")?;
        let run_id = ffi::str_arg(run_id, "run_id")?;
        params.params.run_id = Some(run_id.to_owned());
        Ok(())
    })
}

/// Only runs of this policy type (`filter_policy_type`), e.g. `runner_v2`.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_list_params_set_policy_type(
    params: *mut twin_run_list_params,
    policy_type: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let params = ffi::arg_mut(params, "params")?;
        let policy_type = ffi::str_arg(policy_type, "policy_type")?;
        params.params.policy_type = Some(policy_type.to_owned());
        Ok(())
    })
}

/// Only `builder` or `runner` runs (`filter_policy_group`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_list_params_set_policy_group(
    params: *mut twin_run_list_params,
    policy_group: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let params = ffi::arg_mut(params, "params")?;
        let policy_group = ffi::str_arg(policy_group, "policy_group")?;
        params.params.policy_group = Some(policy_group.to_owned());
        Ok(())
    })
}

/// Only runs started by the user with this email (`filter_user_email`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_list_params_set_user_email(
    params: *mut twin_run_list_params,
    user_email: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let params = ffi::arg_mut(params, "params")?;
        let user_email = ffi::str_arg(user_email, "user_email")?;
        params.params.user_email = Some(user_email.to_owned());
        Ok(())
    })
}

/// Only runs whose goal matches this text (`filter_goal`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_list_params_set_goal(
    params: *mut twin_run_list_params,
    goal: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let params = ffi::arg_mut(params, "params")?;
        let goal = ffi::str_arg(goal, "goal")?;
        params.params.goal = Some(goal.to_owned());
        Ok(())
    })
}

/// Only runs started at or after this time (`filter_started_after`), in Unix seconds.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_list_params_set_started_after(
    params: *mut twin_run_list_params,
    started_after: i64,
) -> twin_status {
    ffi::call(|| {
        let params = ffi::arg_mut(params, "params")?;
        params.params.started_after = Some(crate::from_unix(started_after, "started_after")?);
        Ok(())
    })
}

/// Only runs started at or before this time (`filter_started_before`), in Unix seconds.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_list_params_set_started_before(
    params: *mut twin_run_list_params,
    started_before: i64,
) -> twin_status {
    ffi::call(|| {
        let params = ffi::arg_mut(params, "params")?;
        params.params.started_before = Some(crate::from_unix(started_before, "started_before")?);
        Ok(())
    })
}

/// Runs per page (`page_size`; the service's default is 100).
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_list_params_set_page_size(
    params: *mut twin_run_list_params,
    page_size: u32,
) -> twin_status {
    ffi::call(|| {
        let params = ffi::arg_mut(params, "params")?;
        params.params.page_size = Some(page_size);
        Ok(())
    })
}

/// Frees run list parameters. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_list_params_free(params: *mut twin_run_list_params) {
    ffi::call_or((), || {
        ffi::free(params);
        Ok(())
    })
}

/// The agent's runs, newest first, fetched lazily page by page; the filters apply to every page.
/// `params` may be NULL: every run. Nothing is fetched until twin_run_iter_next(). On success
/// `*iter_out` is a new iterator.
#[unsafe(no_mangle)]
pub extern "C" fn twin_runs_list(
    client: *const twin_client,
    agent_id: *const c_char,
    params: *const twin_run_list_params,
    iter_out: *mut *mut twin_run_iter,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let params = ffi::opt_arg(params)
            .map(|p| p.params.clone())
            .unwrap_or_default();
        let iter_out = ffi::out(iter_out, "iter_out")?;
        iter_out.give(twin_run_iter {
            items: client.client.runs().list(agent_id, &params),
        });
        Ok(())
    })
}

/// Starts a run of the agent. `mode` is `"run"` or `"build"` (any case; sent lowercase).
/// `message` may be NULL: no user message. Never retried once it may have reached the service
/// (a repeat could start, and bill, a second run). On success `*run_out` is the new run.
#[unsafe(no_mangle)]
pub extern "C" fn twin_runs_start(
    client: *const twin_client,
    agent_id: *const c_char,
    mode: *const c_char,
    message: *const c_char,
    run_out: *mut *mut twin_run,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let mode = ffi::str_arg(mode, "mode")?;
        let message = ffi::opt_str_arg(message, "message")?;
        let run_out = ffi::out(run_out, "run_out")?;
        let mut params = RunStartParams::default();
        params.mode = mode.parse::<RunMode>()?;
        params.message = message.map(str::to_owned);
        let run = client.client.runs().start(agent_id, &params)?;
        run_out.give(twin_run::from(run));
        Ok(())
    })
}

/// One run. A missing run fails with TWIN_ERR_API and HTTP status 404; an unknown agent with
/// 403.
#[unsafe(no_mangle)]
pub extern "C" fn twin_runs_get(
    client: *const twin_client,
    agent_id: *const c_char,
    run_id: *const c_char,
    run_out: *mut *mut twin_run,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let run_id = ffi::str_arg(run_id, "run_id")?;
        let run_out = ffi::out(run_out, "run_out")?;
        let run = client.client.runs().get(agent_id, run_id)?;
        run_out.give(twin_run::from(run));
        Ok(())
    })
}

/// Cancels a run. `reason` may be NULL. Succeeds unless the service refuses; a run that had
/// already finished gives success with a note (twin_cancel_result_error()). On success
/// `*result_out` is a new twin_cancel_result.
#[unsafe(no_mangle)]
pub extern "C" fn twin_runs_cancel(
    client: *const twin_client,
    agent_id: *const c_char,
    run_id: *const c_char,
    reason: *const c_char,
    result_out: *mut *mut twin_cancel_result,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let run_id = ffi::str_arg(run_id, "run_id")?;
        let reason = ffi::opt_str_arg(reason, "reason")?;
        let result_out = ffi::out(result_out, "result_out")?;
        let result = client.client.runs().cancel(agent_id, run_id, reason)?;
        result_out.give(twin_cancel_result {
            result,
            strings: CStrings::default(),
        });
        Ok(())
    })
}

/// Deletes a run.
#[unsafe(no_mangle)]
pub extern "C" fn twin_runs_delete(
    client: *const twin_client,
    agent_id: *const c_char,
    run_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let run_id = ffi::str_arg(run_id, "run_id")?;
        client.client.runs().delete(agent_id, run_id)?;
        Ok(())
    })
}

/// How long a wait may last: a limit too far in the future to represent is no limit.
fn wait_options(timeout_ms: u64, token: Option<&twin_cancel_token>) -> WaitOptions {
    let timeout = Duration::from_millis(timeout_ms);
    let mut options = WaitOptions::default();
    options.timeout = Instant::now().checked_add(timeout).map(|_| timeout);
    options.cancel = token.map(|t| t.token.clone());
    options
}

/// Polls the run (with a growing pause, 0.5 s up to 5 s) until it is terminal (`completed`,
/// `error`, `stopped`) or `paused` (a person must act), for at most `timeout_ms` milliseconds
/// (then TWIN_ERR_TIMEOUT; UINT64_MAX waits without a practical limit). On success `*run_out`
/// is the run in its final state.
#[unsafe(no_mangle)]
pub extern "C" fn twin_runs_wait(
    client: *const twin_client,
    agent_id: *const c_char,
    run_id: *const c_char,
    timeout_ms: u64,
    run_out: *mut *mut twin_run,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let run_id = ffi::str_arg(run_id, "run_id")?;
        let run_out = ffi::out(run_out, "run_out")?;
        let run = client
            .client
            .runs()
            .wait(agent_id, run_id, &wait_options(timeout_ms, None))?;
        run_out.give(twin_run::from(run));
        Ok(())
    })
}

/// twin_runs_wait() that another thread can stop with twin_cancel_token_cancel(`token`): it then
/// fails with TWIN_ERR_CANCELLED within a few tens of milliseconds.
#[unsafe(no_mangle)]
pub extern "C" fn twin_runs_wait_cancellable(
    client: *const twin_client,
    agent_id: *const c_char,
    run_id: *const c_char,
    timeout_ms: u64,
    token: *const twin_cancel_token,
    run_out: *mut *mut twin_run,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let agent_id = ffi::str_arg(agent_id, "agent_id")?;
        let run_id = ffi::str_arg(run_id, "run_id")?;
        let token = ffi::arg(token, "token")?;
        let run_out = ffi::out(run_out, "run_out")?;
        let run =
            client
                .client
                .runs()
                .wait(agent_id, run_id, &wait_options(timeout_ms, Some(token)))?;
        run_out.give(twin_run::from(run));
        Ok(())
    })
}

/// The run's id (`run_id`), a UUIDv7.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_id(run: *const twin_run) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let run = ffi::arg(run, "run")?;
        Ok(run.strings.get("id", &run.run.run_id))
    })
}

/// The agent the run belongs to (`agent_id`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_agent_id(run: *const twin_run) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let run = ffi::arg(run, "run")?;
        Ok(run.strings.get("agent_id", &run.run.agent_id))
    })
}

/// The run's status (`status`): `in_progress`, `completed`, `error`, `stopped`, `paused`, or a
/// newer value; NULL when the service sent none (twin_run_is_terminal() then goes by
/// `is_finished`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_status(run: *const twin_run) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let run = ffi::arg(run, "run")?;
        Ok(match &run.run.status {
            Some(status) => run.strings.get("status", status.as_str()),
            None => std::ptr::null(),
        })
    })
}

/// Whether the service reports the run finished (`is_finished`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_is_finished(run: *const twin_run) -> bool {
    ffi::call_or(false, || {
        let run = ffi::arg(run, "run")?;
        Ok(run.run.is_finished)
    })
}

/// Whether the status is terminal (`completed`, `error` or `stopped`): the run will not change
/// again. Not a JSON field; computed from `status`.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_is_terminal(run: *const twin_run) -> bool {
    ffi::call_or(false, || {
        let run = ffi::arg(run, "run")?;
        Ok(run.run.is_terminal())
    })
}

/// The outcome of a completed run (`outcome`): `success`, `partial`, `fail`, or a newer value;
/// NULL when absent.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_outcome(run: *const twin_run) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let run = ffi::arg(run, "run")?;
        Ok(run
            .strings
            .get_opt("outcome", run.run.outcome.as_ref().map(|o| o.as_str())))
    })
}

/// A sentence on what happened (`summary`), or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_summary(run: *const twin_run) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let run = ffi::arg(run, "run")?;
        Ok(run.strings.get_opt("summary", run.run.summary.as_deref()))
    })
}

/// Credits used (`credits_consumed`). `has_value` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_credits_consumed(run: *const twin_run, has_value: *mut bool) -> u64 {
    ffi::call_or(0, || {
        let run = ffi::arg(run, "run")?;
        Ok(ffi::optional(run.run.credits_consumed, has_value))
    })
}

/// The run's position among the agent's runs, from 1 (`run_number`; 0 in the start response).
/// `has_value` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_run_number(run: *const twin_run, has_value: *mut bool) -> u64 {
    ffi::call_or(0, || {
        let run = ffi::arg(run, "run")?;
        Ok(ffi::optional(run.run.run_number, has_value))
    })
}

/// `run` or `build` (`run_kind`), or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_run_kind(run: *const twin_run) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let run = ffi::arg(run, "run")?;
        Ok(run.strings.get_opt("run_kind", run.run.run_kind.as_deref()))
    })
}

/// What the run was asked to do (`goal`), or NULL when the service does not say.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_goal(run: *const twin_run) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let run = ffi::arg(run, "run")?;
        Ok(run.strings.get_opt("goal", run.run.goal.as_deref()))
    })
}

/// The email of the user who started the run (`user_email`), or NULL when the service does
/// not say.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_user_email(run: *const twin_run) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let run = ffi::arg(run, "run")?;
        Ok(run
            .strings
            .get_opt("user_email", run.run.user_email.as_deref()))
    })
}

/// The policy (`policy_type`), e.g. `runner_v2`, or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_policy_type(run: *const twin_run) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let run = ffi::arg(run, "run")?;
        Ok(run
            .strings
            .get_opt("policy_type", run.run.policy_type.as_deref()))
    })
}

/// The model (`policy_model`), or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_policy_model(run: *const twin_run) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let run = ffi::arg(run, "run")?;
        Ok(run
            .strings
            .get_opt("policy_model", run.run.policy_model.as_deref()))
    })
}

/// When the run started (`started_at`), in Unix seconds. `has_value` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_started_at(run: *const twin_run, has_value: *mut bool) -> i64 {
    ffi::call_or(0, || {
        let run = ffi::arg(run, "run")?;
        Ok(ffi::optional(crate::unix(run.run.started_at), has_value))
    })
}

/// When the run's last event was recorded (`last_event_at`), in Unix seconds. `has_value` may
/// be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_last_event_at(run: *const twin_run, has_value: *mut bool) -> i64 {
    ffi::call_or(0, || {
        let run = ffi::arg(run, "run")?;
        Ok(ffi::optional(crate::unix(run.run.last_event_at), has_value))
    })
}

/// The complete JSON object as received, unknown fields included.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_json(run: *const twin_run) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let run = ffi::arg(run, "run")?;
        Ok(run.strings.get_with("json", || crate::json(run.run.raw())))
    })
}

/// Frees a twin_run. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_free(run: *mut twin_run) {
    ffi::call_or((), || {
        ffi::free(run);
        Ok(())
    })
}

/// Iterates over runs, fetching pages lazily. Use from one thread at a time; free with
/// twin_run_iter_free().
pub struct twin_run_iter {
    items: Pager<Run>,
}

/// Fetches the next item: on success `*item_out` is a new twin_run (free it with twin_run_free()),
/// or NULL at the end of the list. After a failure the iteration ends.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_iter_next(
    iter: *mut twin_run_iter,
    item_out: *mut *mut twin_run,
) -> twin_status {
    ffi::call(|| {
        let iter = ffi::arg_mut(iter, "iter")?;
        let item_out = ffi::out(item_out, "item_out")?;
        let item = iter.items.next().transpose()?;
        item_out.give_opt(item.map(twin_run::from));
        Ok(())
    })
}

/// Frees an iterator. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_run_iter_free(iter: *mut twin_run_iter) {
    ffi::call_or((), || {
        ffi::free(iter);
        Ok(())
    })
}

/// Whether the cancel succeeded (`success`): always true for a returned result.
#[unsafe(no_mangle)]
pub extern "C" fn twin_cancel_result_success(result: *const twin_cancel_result) -> bool {
    ffi::call_or(false, || {
        let result = ffi::arg(result, "result")?;
        Ok(result.result.success)
    })
}

/// The service's informational note (`error`), e.g. `run already completed`, or NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_cancel_result_error(result: *const twin_cancel_result) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let result = ffi::arg(result, "result")?;
        Ok(result
            .strings
            .get_opt("error", result.result.note.as_deref()))
    })
}

/// The result as JSON: `{"success": true}` plus `error` when the service sent a note.
#[unsafe(no_mangle)]
pub extern "C" fn twin_cancel_result_json(result: *const twin_cancel_result) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let result = ffi::arg(result, "result")?;
        Ok(result
            .strings
            .get_with("json", || crate::json(&cancel_json(&result.result))))
    })
}

/// Frees a twin_cancel_result. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_cancel_result_free(result: *mut twin_cancel_result) {
    ffi::call_or((), || {
        ffi::free(result);
        Ok(())
    })
}

/// The cancel answer as JSON (core keeps its fields, not the body).
fn cancel_json(result: &CancelResult) -> serde_json::Value {
    let mut value = serde_json::json!({ "success": result.success });
    if let Some(note) = &result.note {
        value["error"] = serde_json::Value::String(note.clone());
    }
    value
}
