//! `client.events` and `twin.Event`: list (by `after_index`), follow, and `final_output`.
//! Pairs with `core/src/resources/events.rs` and `core/src/events.rs`.
//!
//! `follow` runs the core's follower on a worker thread that hands events over a bounded
//! channel; the Python side waits in short slices with the GIL released, checking signals.
//! Closing the follower (or dropping it, or an interrupt) cancels the worker's token.

use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Instant;

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::cancel::SLICE;
use crate::client::{ClientRef, resource};
use crate::convert::Json;
use crate::errors::{self, Ctx};
use crate::model::model;
use crate::pagination::{self, Item, Pager};
use crate::{logging, runs};

/// Events buffered between the follower thread and Python.
const FOLLOW_BUFFER: usize = 1024;

impl crate::model::CoreModel for twin_core::Event {
    fn raw_json(&self) -> serde_json::Value {
        self.raw().clone()
    }
    fn decode(value: serde_json::Value) -> twin_core::Result<Self> {
        twin_core::Event::from_value(value)
    }
}

model! {
    /// A run event: `kind` is the event's type (`Started`, `ToolCallResolved`, `Finished`,
    /// ...) and `payload` its body with protobuf Value trees decoded to plain data.
    Event(twin_core::Event) as "Event";
    repr: [index, kind];
    fields {
        /// The global, sparse, growing `event_index`.
        index: u64 = |m| m.index;
        /// When the service recorded it (not in `index` order).
        recorded_at: Option<DateTime<Utc>> = |m| m.recorded_at;
        /// The event type as sent: `Started`, `RunPolicyInitialized`, `PolicyDecided`, `ToolCallStarted`, `ToolCallResolved`, `Finished`, ...
        kind: String = |m| m.kind.clone();
        /// The event's body as plain data (dicts, lists, strings, numbers).
        payload: Json = |m| Json(m.payload().clone());
        /// The event as received.
        raw: Json = |m| Json(m.raw().clone());
        /// The agent, from the event's envelope.
        agent_id: Option<String> = |m| m.agent_id.clone();
        /// The run, from the event's envelope.
        run_id: Option<String> = |m| m.run_id.clone();
    }
}

resource! {
    /// Run events: `client.events`.
    EventsResource as "EventsResource"
}

pub fn list(
    client: &ClientRef,
    agent_id: &str,
    run_id: &str,
    after_index: Option<u64>,
    limit: Option<u32>,
) -> PyResult<Pager> {
    let core = client.get()?;
    let params = twin_core::EventListParams { after_index, limit };
    let pager = core.events().list(agent_id, run_id, &params);
    Ok(Pager::new(
        pagination::source(pager, Item::Event),
        client.clone(),
        "Event",
    ))
}

pub fn follow(
    client: &ClientRef,
    agent_id: &str,
    run_id: &str,
    after_index: Option<u64>,
    timeout: Option<f64>,
) -> PyResult<Follow> {
    let core = client.get()?;
    let token = twin_core::CancelToken::new();
    let opts = twin_core::FollowOptions {
        after_index,
        timeout: runs::timeout_option("timeout", timeout, None)?,
        cancel: Some(token.clone()),
        ..Default::default()
    };
    let started = Instant::now();
    let follower = core.events().follow(agent_id, run_id, &opts);
    Ok(Follow {
        token,
        limit: opts.timeout,
        started,
        state: Mutex::new(FollowState {
            follower: Some(follower),
            rx: None,
            done: false,
            last_index: after_index,
        }),
    })
}

#[pymethods]
impl EventsResource {
    /// The run's events so far, paged lazily by `after_index` (at most 500 a page).
    #[pyo3(signature = (agent_id, run_id, *, after_index=None, limit=None))]
    fn list(
        &self,
        agent_id: &str,
        run_id: &str,
        after_index: Option<u64>,
        limit: Option<u32>,
    ) -> PyResult<Pager> {
        list(&self.client, agent_id, run_id, after_index, limit)
    }

    /// The run's events as they happen: iterating blocks until the next event, and ends once
    /// the run is terminal or paused and every event was seen. `timeout` (seconds, default
    /// none) raises `WaitTimeoutError`. Ctrl-C interrupts it; `close()` stops it.
    #[pyo3(signature = (agent_id, run_id, *, after_index=None, timeout=None))]
    fn follow(
        &self,
        agent_id: &str,
        run_id: &str,
        after_index: Option<u64>,
        timeout: Option<f64>,
    ) -> PyResult<Follow> {
        follow(&self.client, agent_id, run_id, after_index, timeout)
    }

    fn __repr__(&self) -> &'static str {
        "<twin events>"
    }
}

struct FollowState {
    /// The core follower until the worker starts.
    follower: Option<twin_core::Follow>,
    rx: Option<Receiver<twin_core::Result<twin_core::Event>>>,
    done: bool,
    last_index: Option<u64>,
}

/// An iterator over a run's events as they happen (from `follow()`); also a context manager
/// that stops following on exit.
#[pyclass(frozen, module = "twin", name = "Follow")]
pub struct Follow {
    token: twin_core::CancelToken,
    limit: Option<std::time::Duration>,
    started: Instant,
    state: Mutex<FollowState>,
}

#[pymethods]
impl Follow {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Event>> {
        let mut state = self.state.try_lock().map_err(|_| {
            PyRuntimeError::new_err("this follower is being iterated in another thread")
        })?;
        if state.done {
            return Ok(None);
        }
        let mut rx = match state.rx.take() {
            Some(rx) => rx,
            None => {
                let Some(follower) = state.follower.take() else {
                    state.done = true;
                    return Ok(None);
                };
                logging::refresh(py);
                start_worker(follower)?
            }
        };
        loop {
            if self.token.is_cancelled() {
                state.done = true;
                return Ok(None);
            }
            let (got, back) = py.detach(move || {
                let got = rx.recv_timeout(SLICE);
                (got, rx)
            });
            rx = back;
            match got {
                Ok(Ok(event)) => {
                    state.last_index = Some(event.index);
                    state.rx = Some(rx);
                    return Ok(Some(Event::from(event)));
                }
                Ok(Err(twin_core::Error::Cancelled)) | Err(RecvTimeoutError::Disconnected) => {
                    state.done = true;
                    return Ok(None);
                }
                Ok(Err(e)) => {
                    state.done = true;
                    let expired = self.limit.is_some_and(|l| self.started.elapsed() >= l);
                    return Err(errors::to_py(py, e, Ctx::Wait { expired }));
                }
                Err(RecvTimeoutError::Timeout) => {
                    if let Err(interrupt) = py.check_signals() {
                        self.token.cancel();
                        state.done = true;
                        return Err(interrupt);
                    }
                }
            }
        }
    }

    /// The `index` of the last event yielded (or the `after_index` it started from): pass it
    /// as `after_index` to resume.
    #[getter]
    fn last_index(&self) -> Option<u64> {
        match self.state.try_lock() {
            Ok(s) => s.last_index,
            Err(_) => None,
        }
    }

    /// Stops following; iteration then ends. Safe to call from another thread.
    fn close(&self) {
        self.token.cancel();
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, pyo3::types::PyTuple>) {
        self.close();
    }

    fn __repr__(&self) -> String {
        format!(
            "Follow(closed={})",
            if self.token.is_cancelled() {
                "True"
            } else {
                "False"
            }
        )
    }
}

impl Drop for Follow {
    fn drop(&mut self) {
        self.token.cancel();
    }
}

fn start_worker(
    follower: twin_core::Follow,
) -> PyResult<Receiver<twin_core::Result<twin_core::Event>>> {
    let (tx, rx) = mpsc::sync_channel(FOLLOW_BUFFER);
    std::thread::Builder::new()
        .name("twin-follow".into())
        .spawn(move || {
            for item in follower {
                if tx.send(item).is_err() {
                    break; // the Python side is gone
                }
            }
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start a thread: {e}")))?;
    Ok(rx)
}

/// A run's answer picked from its events: the `output` of `Finished`, else of the latest
/// `llm` tool call; `None` when there is none.
#[pyfunction]
pub fn final_output<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut list = Vec::new();
    for item in events.try_iter()? {
        let item = item?;
        let event = item.cast::<Event>().map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err("final_output() takes twin.Event objects")
        })?;
        list.push(event.get().inner.clone());
    }
    match twin_core::final_output(&list) {
        Some(v) => crate::convert::to_py(py, &v),
        None => Ok(py.None().into_bound(py)),
    }
}
