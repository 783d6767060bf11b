//! `client.runs` and `twin.Run`: list (by page), start, get, cancel, delete, wait. Pairs with
//! `core/src/resources/runs.rs`.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::cancel;
use crate::client::{ClientRef, resource};
use crate::errors::{self, Ctx};
use crate::events::{self, Follow};
use crate::generated::runs::{cancel_result_model, run_model};
use crate::model::core_model;
use crate::pagination::{self, Item, Pager};
use crate::{convert, logging};

core_model!(twin_core::Run);

impl crate::model::CoreModel for twin_core::CancelResult {
    fn raw_json(&self) -> serde_json::Value {
        serde_json::json!({ "success": self.success, "error": self.note })
    }
    fn decode(value: serde_json::Value) -> twin_core::Result<Self> {
        let note = value
            .get("error")
            .or_else(|| value.get("note"))
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let success = value
            .get("success")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(true);
        Ok(twin_core::CancelResult::new(success, note))
    }
}

cancel_result_model! {
    /// The answer to a cancel: always `success=True` when returned; `note` is the service's
    /// remark, e.g. `run already completed`.
    class CancelResult;
    repr: [success, note];
}

run_model! {
    /// A run of an agent. A run obtained from a client can `refresh()`, `wait()`,
    /// `cancel()`, list its `events()` and `follow()` them; one built with `from_dict`
    /// cannot (it has no client).
    class Run;
    repr: [run_id, status, outcome];
    state { client: Option<ClientRef> }
    methods {
        /// The run as it is now (a new `Run`).
        fn refresh(&self, py: Python<'_>) -> PyResult<Run> {
            let client = self.client()?;
            let (agent, run) = (&self.inner.agent_id, &self.inner.run_id);
            client
                .call_with_id(py, |c| c.runs().get(agent, run))
                .map(|r| Run::bound_with_id(r, &client))
        }

        /// Waits until the run is terminal or paused; see `client.runs.wait`. `progress=True`
        /// shows a live line (status, elapsed); a callable gets a `twin.Progress` per update.
        #[pyo3(signature = (*, timeout=Some(DEFAULT_WAIT), poll_interval=None, progress=None), text_signature = "($self, *, timeout=600.0, poll_interval=None, progress=None)")]
        fn wait<'py>(
            slf: &Bound<'py, Self>,
            timeout: Option<f64>,
            poll_interval: Option<f64>,
            progress: Option<Bound<'py, PyAny>>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let py = slf.py();
            let this = slf.get();
            let client = this.client()?;
            if let Some(progress) = wanted(progress)? {
                return batch(py, "wait_one", (slf.clone(),), timeout, poll_interval, progress);
            }
            let run = wait(py, &client, &this.inner.agent_id, &this.inner.run_id, timeout, poll_interval)?;
            Ok(Bound::new(py, run)?.into_any())
        }

        /// One poll of `twin._batch` (wait_all, as_completed, wait with progress): the run as
        /// it is now, the call bounded by `remaining` seconds (what the wait has left), and
        /// interruptible by Ctrl-C.
        #[pyo3(signature = (remaining=None))]
        fn _poll(&self, py: Python<'_>, remaining: Option<f64>) -> PyResult<Run> {
            let client = self.client()?;
            let mut core = client.get()?;
            if let Some(left) = remaining {
                let left = convert::seconds("remaining", left)?;
                let t = core.timeouts();
                core = core.with_timeouts(t.total(t.total.min(left)).attempt(t.attempt.min(left)));
            }
            logging::refresh(py);
            let (agent, run) = (self.inner.agent_id.clone(), self.inner.run_id.clone());
            match cancel::interruptible(py, None, move || core.runs().get(&agent, &run))? {
                Ok(run) => Ok(Run::bound(run, &client)),
                Err(e) => Err(errors::to_py(py, e, Ctx::Call)),
            }
        }

        /// Cancels the run.
        #[pyo3(signature = (*, reason=None))]
        fn cancel(&self, py: Python<'_>, reason: Option<&str>) -> PyResult<CancelResult> {
            let client = self.client()?;
            let (agent, run) = (&self.inner.agent_id, &self.inner.run_id);
            client.model(py, |c| c.runs().cancel(agent, run, reason))
        }

        /// The run's answer, honestly: `None` unless the run `completed`; then the output of
        /// its latest `Finished` event, else of its latest `llm` tool call, else its
        /// `summary`. Reads all the run's events (one or more requests).
        fn final_output(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
            let client = self.client()?;
            let (agent, run) = (&self.inner.agent_id, &self.inner.run_id);
            let events = client.call(py, |c| {
                c.events().list(agent, run, &Default::default()).collect::<twin_core::Result<Vec<_>>>()
            })?;
            match self.inner.final_output(&events) {
                Some(answer) => Ok(crate::convert::to_py(py, &answer)?.unbind()),
                None => Ok(py.None()),
            }
        }

        /// The run's events so far, paged lazily (`page_size` events a page, at most 500).
        #[pyo3(signature = (*, after_index=None, page_size=None))]
        fn events(&self, after_index: Option<u64>, page_size: Option<u32>) -> PyResult<Pager> {
            let client = self.client()?;
            events::list(&client, &self.inner.agent_id, &self.inner.run_id, after_index, page_size)
        }

        /// The run's events as they happen, until it ends; see `client.events.follow`.
        /// `progress=True` shows a live line (events seen, last kind, elapsed).
        #[pyo3(signature = (*, after_index=None, timeout=None, progress=None))]
        fn follow(
            &self,
            py: Python<'_>,
            after_index: Option<u64>,
            timeout: Option<f64>,
            progress: Option<Bound<'_, PyAny>>,
        ) -> PyResult<Follow> {
            let client = self.client()?;
            events::follow(py, &client, &self.inner.agent_id, &self.inner.run_id, after_index, timeout, progress)
        }
    }
}

impl Run {
    /// A run that remembers the client it came from.
    pub fn bound(run: twin_core::Run, client: &ClientRef) -> Run {
        Run {
            inner: run,
            request_id: None,
            client: Some(client.clone()),
        }
    }

    /// [`Run::bound`] for a run returned by one call, with the request id of its answer.
    fn bound_with_id((run, id): (twin_core::Run, Option<String>), client: &ClientRef) -> Run {
        crate::model::Identified::with_request_id(Run::bound(run, client), id)
    }

    fn client(&self) -> PyResult<ClientRef> {
        self.client.clone().ok_or_else(|| {
            PyValueError::new_err(
                "this Run has no client (it was built from data); use client.runs instead",
            )
        })
    }
}

resource! {
    /// Runs of agents: `client.runs`.
    RunsResource as "RunsResource"
}

#[pymethods]
impl RunsResource {
    /// The agent's runs, newest first, fetched lazily page by page; filters apply to every
    /// page. Times are timezone-aware `datetime`s.
    #[pyo3(signature = (agent_id, *, status=None, run_id=None, user_email=None, goal=None, started_after=None, started_before=None, policy_type=None, policy_group=None, page_size=None))]
    #[allow(clippy::too_many_arguments)]
    fn list(
        &self,
        agent_id: &str,
        status: Option<String>,
        run_id: Option<String>,
        user_email: Option<String>,
        goal: Option<String>,
        started_after: Option<DateTime<Utc>>,
        started_before: Option<DateTime<Utc>>,
        policy_type: Option<String>,
        policy_group: Option<String>,
        page_size: Option<u32>,
    ) -> PyResult<Pager> {
        self.client.get()?;
        let agent_id = agent_id.to_owned();
        let mut params = twin_core::RunListParams::default();
        params.status = status.as_deref().map(twin_core::RunStatus::from);
        params.run_id = run_id;
        params.user_email = user_email;
        params.goal = goal;
        params.started_after = started_after;
        params.started_before = started_before;
        params.policy_type = policy_type;
        params.policy_group = policy_group;
        params.page_size = page_size;
        Ok(Pager::new(
            pagination::source(move |c| c.runs().list(&agent_id, &params), Item::Run),
            self.client.clone(),
            "Run",
        ))
    }

    /// Starts a run. `mode` is `"run"` (default) or `"build"`. Never retried once it may
    /// have reached the service.
    #[pyo3(signature = (agent_id, *, mode="run", message=None, skip_deploy_check=None))]
    fn start(
        &self,
        py: Python<'_>,
        agent_id: &str,
        mode: &str,
        message: Option<String>,
        skip_deploy_check: Option<bool>,
    ) -> PyResult<Run> {
        let mode: twin_core::RunMode = mode.parse().map_err(|e| errors::to_py(py, e, Ctx::Call))?;
        let mut params = twin_core::RunStartParams::default();
        params.mode = mode;
        params.message = message;
        params.skip_deploy_check = skip_deploy_check;
        self.client
            .call_with_id(py, |c| c.runs().start(agent_id, &params))
            .map(|r| Run::bound_with_id(r, &self.client))
    }

    /// One run; `NotFoundError` when the agent has no such run.
    fn get(&self, py: Python<'_>, agent_id: &str, run_id: &str) -> PyResult<Run> {
        self.client
            .call_with_id(py, |c| c.runs().get(agent_id, run_id))
            .map(|r| Run::bound_with_id(r, &self.client))
    }

    /// Cancels a run. Cancelling a finished run still succeeds, with a `note`.
    #[pyo3(signature = (agent_id, run_id, *, reason=None))]
    fn cancel(
        &self,
        py: Python<'_>,
        agent_id: &str,
        run_id: &str,
        reason: Option<&str>,
    ) -> PyResult<CancelResult> {
        self.client
            .model(py, |c| c.runs().cancel(agent_id, run_id, reason))
    }

    /// Deletes a run.
    fn delete(&self, py: Python<'_>, agent_id: &str, run_id: &str) -> PyResult<()> {
        self.client.call(py, |c| c.runs().delete(agent_id, run_id))
    }

    /// Polls until the run is terminal or paused and returns it. `timeout` in seconds
    /// (default 600; `None` for no limit) raises `WaitTimeoutError`; `poll_interval` is
    /// the first pause (default 0.5 s), growing to 5 s. Ctrl-C interrupts it. `progress=True`
    /// shows a live line (Jupyter display, `\r` line on a terminal, nothing otherwise); a
    /// callable gets a `twin.Progress` at each update.
    #[pyo3(signature = (agent_id, run_id, *, timeout=Some(DEFAULT_WAIT), poll_interval=None, progress=None), text_signature = "($self, agent_id, run_id, *, timeout=600.0, poll_interval=None, progress=None)")]
    fn wait<'py>(
        &self,
        py: Python<'py>,
        agent_id: &str,
        run_id: &str,
        timeout: Option<f64>,
        poll_interval: Option<f64>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Some(progress) = wanted(progress)? {
            let run = Bound::new(py, self.get(py, agent_id, run_id)?)?;
            return batch(py, "wait_one", (run,), timeout, poll_interval, progress);
        }
        let run = wait(py, &self.client, agent_id, run_id, timeout, poll_interval)?;
        Ok(Bound::new(py, run)?.into_any())
    }

    /// Waits for every run until each is terminal or paused (as `wait`) and returns them
    /// refreshed, in the order given (a `twin.ModelList`). Polls only the unfinished runs,
    /// one short call each, at `wait`'s pace (first pause `poll_interval`, default 0.5 s,
    /// growing by half to 5 s); no thread is held per run. `timeout` (seconds, the whole
    /// batch; default 600 as `wait`, `None` for no limit) raises `WaitTimeoutError`
    /// with `.finished` and `.unfinished` (the runs as last seen). Ctrl-C interrupts it.
    /// `progress=True` shows a live line (`runs: 5/8 finished (4 completed, 1 error) · 12
    /// s`); a callable gets a `twin.Progress` at each update.
    #[pyo3(signature = (runs, *, timeout=Some(DEFAULT_WAIT), poll_interval=None, progress=None), text_signature = "($self, runs, *, timeout=600.0, poll_interval=None, progress=None)")]
    fn wait_all<'py>(
        &self,
        py: Python<'py>,
        runs: Bound<'py, PyAny>,
        timeout: Option<f64>,
        poll_interval: Option<f64>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let progress = wanted(progress)?.unwrap_or_else(|| py.None().into_bound(py));
        batch(py, "wait_all", (runs,), timeout, poll_interval, progress)
    }

    /// An iterator that yields each run (refreshed) as soon as it is terminal or paused, in
    /// the order they finish; same polling, `timeout`, `progress` and errors as
    /// `wait_all` (`WaitTimeoutError.finished` holds the runs already yielded).
    #[pyo3(signature = (runs, *, timeout=Some(DEFAULT_WAIT), poll_interval=None, progress=None), text_signature = "($self, runs, *, timeout=600.0, poll_interval=None, progress=None)")]
    fn as_completed<'py>(
        &self,
        py: Python<'py>,
        runs: Bound<'py, PyAny>,
        timeout: Option<f64>,
        poll_interval: Option<f64>,
        progress: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let progress = wanted(progress)?.unwrap_or_else(|| py.None().into_bound(py));
        batch(
            py,
            "as_completed",
            (runs,),
            timeout,
            poll_interval,
            progress,
        )
    }

    fn __repr__(&self) -> &'static str {
        "<twin runs>"
    }
}

/// The `progress` argument when it asks for something: `None` and `False` do not (the plain
/// native path); anything else goes to Python (`twin._progress` checks it).
pub fn wanted<'py>(progress: Option<Bound<'py, PyAny>>) -> PyResult<Option<Bound<'py, PyAny>>> {
    match progress {
        None => Ok(None),
        Some(p) if p.is_none() => Ok(None),
        Some(p) if p.is_instance_of::<pyo3::types::PyBool>() && !p.is_truthy()? => Ok(None),
        Some(p) => Ok(Some(p)),
    }
}

/// Calls `twin._batch.<function>(*args, timeout=, poll_interval=, progress=)`: the batch
/// waits and the live line are Python (imported on first use), polling with `Run._poll`.
fn batch<'py>(
    py: Python<'py>,
    function: &str,
    args: impl pyo3::call::PyCallArgs<'py>,
    timeout: Option<f64>,
    poll_interval: Option<f64>,
    progress: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("timeout", timeout)?;
    kwargs.set_item("poll_interval", poll_interval)?;
    kwargs.set_item("progress", progress)?;
    py.import("twin._batch")?
        .getattr(function)?
        .call(args, Some(&kwargs))
}

/// The default `timeout` of the waits, in seconds (the core's `WaitOptions` default; the
/// `text_signature`s above spell it out for `inspect.signature`).
const DEFAULT_WAIT: f64 = 600.0;

/// A wait's or a follow's `timeout`: `None` (or infinity) is no limit.
pub fn timeout_option(name: &str, value: Option<f64>) -> PyResult<Option<Duration>> {
    match value {
        None => Ok(None),
        Some(v) if v == f64::INFINITY => Ok(None),
        Some(v) => convert::seconds(name, v).map(Some),
    }
}

// Options set field by field, not `WaitOptions { .., ..Default::default() }`: that form stops
// compiling once the core's options are `#[non_exhaustive]`.
#[allow(clippy::field_reassign_with_default)]
fn wait(
    py: Python<'_>,
    client: &ClientRef,
    agent_id: &str,
    run_id: &str,
    timeout: Option<f64>,
    poll_interval: Option<f64>,
) -> PyResult<Run> {
    let mut opts = twin_core::WaitOptions::default();
    opts.timeout = timeout_option("timeout", timeout)?;
    if let Some(p) = poll_interval {
        opts.poll_interval = convert::seconds("poll_interval", p)?;
    }
    let token = twin_core::CancelToken::default();
    opts.cancel = Some(token.clone());
    let core = client.get()?;
    logging::refresh(py);
    let (agent, run) = (agent_id.to_owned(), run_id.to_owned());
    let started = Instant::now();
    let limit = opts.timeout;
    let result = cancel::interruptible(py, Some(&token), move || {
        core.runs().wait(&agent, &run, &opts)
    })?;
    match result {
        Ok(run) => Ok(Run::bound(run, client)),
        Err(e) => {
            let expired = limit.is_some_and(|l| started.elapsed() >= l);
            Err(errors::to_py(py, e, Ctx::Wait { expired }))
        }
    }
}
