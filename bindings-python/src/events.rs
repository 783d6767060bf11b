//! `client.events` and `twin.Event`: list (by `after_index`), follow, and `final_output`.
//! Pairs with `core/src/resources/events.rs` and `core/src/events.rs`.
//!
//! `follow` runs the core's follower on a worker thread that hands events over a bounded
//! channel; the Python side waits in short slices with the GIL released, checking signals.
//! Closing the follower (or dropping it, or an interrupt) cancels the worker's token.

use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, TryRecvError};
use std::time::Instant;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};

use crate::cancel::SLICE;
use crate::client::{ClientRef, resource};
use crate::convert;
use crate::errors::{self, Ctx};
use crate::generated::events::event_model;
use crate::pagination::{self, Item, Pager};
use crate::{logging, runs};

/// Events buffered between the follower thread and Python.
const FOLLOW_BUFFER: usize = 1024;

/// How deep [`decode`] walks, as `twin_core::decode_value` (its `MAX_DECODE_DEPTH`).
const MAX_DECODE_DEPTH: usize = 128;

impl crate::model::CoreModel for twin_core::Event {
    fn raw_json(&self) -> serde_json::Value {
        self.raw().clone()
    }
    fn decode(value: serde_json::Value) -> twin_core::Result<Self> {
        twin_core::Event::from_value(value)
    }
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Raw(self).into_pyobject(py)
    }
}

event_model! {
    /// A run event: `kind` is the event's type (`Started`, `ToolCallResolved`, `Finished`,
    /// ...) and `payload` its body with protobuf Value trees decoded to plain data.
    class Event;
    repr: [index, kind];
}

/// An event's `payload` on its way to Python. When the core kept the event's JSON text (an
/// event read from a page), its body is parsed from that text straight into Python objects
/// and the protobuf Value trees in it are then decoded in place ([`decode`]): the same data as
/// converting the core's decoded `Value` (`Event::payload`), without building that tree (for
/// these events, mostly one-key objects, a `serde_json::Value` takes about 20 times the
/// text's size). Other events convert the core's `Value`.
pub struct Payload<'a>(&'a twin_core::Event);

impl<'py> IntoPyObject<'py> for Payload<'_> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let Some(text) = body_text(self.0) else {
            return convert::to_py(py, self.0.payload());
        };
        let payload = decode(&convert::from_text(py, text)?, 0)?;
        if payload.is_none() {
            return Ok(PyDict::new(py).into_any());
        }
        Ok(payload)
    }
}

/// An event's `raw` on its way to Python: parsed from the event's JSON text when the core kept
/// it, else converted from the core's `Value`.
pub struct Raw<'a>(&'a twin_core::Event);

impl<'py> IntoPyObject<'py> for Raw<'_> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match item_text(self.0) {
            Some(text) => convert::from_text(py, text),
            None => convert::to_py(py, self.0.raw()),
        }
    }
}

// The JSON text the core keeps for an event read from a page: the whole item, and the body of
// its type (`null` for a type without one).

/// The item's JSON text, if the core kept it.
fn item_text(event: &twin_core::Event) -> Option<&str> {
    event.json_text()
}

/// The JSON text of the item's body (what `payload` decodes), if the core kept it.
fn body_text(event: &twin_core::Event) -> Option<&str> {
    event.payload_text()
}

/// `twin_core::decode_value` on plain Python data fresh from [`convert::from_text`] (so
/// owned here and changed in place): protobuf Value trees become plain data, everything else
/// is walked; nesting deeper than the core's limit is left as it is. Returns the decoded
/// object, which is `v` itself unless `v` is a Value tree.
fn decode<'py>(v: &Bound<'py, PyAny>, depth: usize) -> PyResult<Bound<'py, PyAny>> {
    if depth >= MAX_DECODE_DEPTH {
        return Ok(v.clone());
    }
    if let Ok(dict) = v.cast::<PyDict>() {
        if let Some(plain) = decode_tree(dict, depth)? {
            return Ok(plain);
        }
        decode_values(dict, depth + 1)?;
    } else if let Ok(list) = v.cast::<PyList>() {
        decode_items(list, depth + 1)?;
    }
    Ok(v.clone())
}

/// Decodes each value of `dict` in place.
fn decode_values(dict: &Bound<'_, PyDict>, depth: usize) -> PyResult<()> {
    for (key, value) in dict.iter() {
        if value.is_instance_of::<PyDict>() || value.is_instance_of::<PyList>() {
            let decoded = decode(&value, depth)?;
            if !decoded.is(&value) {
                dict.set_item(key, decoded)?;
            }
        }
    }
    Ok(())
}

/// Decodes each item of `list` in place.
fn decode_items(list: &Bound<'_, PyList>, depth: usize) -> PyResult<()> {
    for (i, item) in list.iter().enumerate() {
        if item.is_instance_of::<PyDict>() || item.is_instance_of::<PyList>() {
            let decoded = decode(&item, depth)?;
            if !decoded.is(&item) {
                list.set_item(i, decoded)?;
            }
        }
    }
    Ok(())
}

/// The Value tree variants, as the core compares them: underscores dropped, lower case.
const VARIANTS: [&str; 6] = [
    "stringvalue",
    "boolvalue",
    "numbervalue",
    "nullvalue",
    "structvalue",
    "listvalue",
];

/// Which of [`VARIANTS`] `name` is (`StringValue`, `string_value`, ...), if any.
fn known_variant(name: &str) -> Option<&'static str> {
    let find = |normal: &[u8]| VARIANTS.iter().find(|v| v.as_bytes() == normal).copied();
    if name.is_ascii() {
        let mut buf = [0u8; 11];
        let mut n = 0;
        for b in name.bytes().filter(|b| *b != b'_') {
            *buf.get_mut(n)? = b.to_ascii_lowercase();
            n += 1;
        }
        return find(&buf[..n]);
    }
    let normal: String = name
        .chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    find(normal.as_bytes())
}

/// Which of [`VARIANTS`] the key `name` is: the spelling the service sends is compared as
/// a Python `str` (no copy), any other through [`known_variant`].
fn variant_of(name: &Bound<'_, PyAny>) -> PyResult<Option<&'static str>> {
    let py = name.py();
    let sent = [
        pyo3::intern!(py, "StringValue"),
        pyo3::intern!(py, "BoolValue"),
        pyo3::intern!(py, "NumberValue"),
        pyo3::intern!(py, "NullValue"),
        pyo3::intern!(py, "StructValue"),
        pyo3::intern!(py, "ListValue"),
    ];
    for (spelled, variant) in sent.iter().zip(VARIANTS) {
        if name.eq(spelled)? {
            return Ok(Some(variant));
        }
    }
    Ok(known_variant(&name.cast::<PyString>()?.to_cow()?))
}

/// The plain data of `map` if it is exactly a Value tree (`{"kind": {"<Variant>": inner}}`
/// with a known variant and a fitting inner value), as `twin_core::decode_value` reads it.
fn decode_tree<'py>(map: &Bound<'py, PyDict>, depth: usize) -> PyResult<Option<Bound<'py, PyAny>>> {
    let py = map.py();
    if map.len() != 1 {
        return Ok(None);
    }
    let Some(kind) = map.get_item(pyo3::intern!(py, "kind"))? else {
        return Ok(None);
    };
    let Ok(kind) = kind.cast_into::<PyDict>() else {
        return Ok(None);
    };
    if kind.len() != 1 {
        return Ok(None);
    }
    let Some((variant, inner)) = kind.iter().next() else {
        return Ok(None);
    };
    let Some(variant) = variant_of(&variant)? else {
        return Ok(None);
    };
    let is_number = || {
        (inner.is_instance_of::<PyInt>() && !inner.is_instance_of::<PyBool>())
            || inner.is_instance_of::<PyFloat>()
    };
    Ok(match variant {
        "stringvalue" if inner.is_instance_of::<PyString>() => Some(inner),
        "boolvalue" if inner.is_instance_of::<PyBool>() => Some(inner),
        // Non-finite numbers travel as strings ("NaN", "Infinity"); kept as such.
        "numbervalue" if is_number() || inner.is_instance_of::<PyString>() => Some(inner),
        "nullvalue" => Some(py.None().into_bound(py)),
        "structvalue" => match inner.cast::<PyDict>() {
            Ok(s) => match s.get_item(pyo3::intern!(py, "fields"))? {
                Some(fields) if fields.is_instance_of::<PyDict>() => {
                    decode_values(fields.cast::<PyDict>()?, depth + 1)?;
                    Some(fields)
                }
                None => Some(PyDict::new(py).into_any()),
                Some(fields) if fields.is_none() => Some(PyDict::new(py).into_any()),
                Some(_) => None,
            },
            Err(_) => None,
        },
        "listvalue" => match inner.cast::<PyDict>() {
            Ok(l) => match l.get_item(pyo3::intern!(py, "values"))? {
                Some(values) if values.is_instance_of::<PyList>() => {
                    decode_items(values.cast::<PyList>()?, depth + 1)?;
                    Some(values)
                }
                None => Some(PyList::empty(py).into_any()),
                Some(values) if values.is_none() => Some(PyList::empty(py).into_any()),
                Some(_) => None,
            },
            Err(_) => None,
        },
        _ => None,
    })
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
    page_size: Option<u32>,
) -> PyResult<Pager> {
    client.get()?;
    let mut params = twin_core::EventListParams::default();
    params.after_index = after_index;
    params.limit = page_size;
    let (agent_id, run_id) = (agent_id.to_owned(), run_id.to_owned());
    Ok(Pager::new(
        pagination::source(
            move |c| c.events().list(&agent_id, &run_id, &params),
            Item::Event,
        ),
        client.clone(),
        "Event",
    ))
}

pub fn follow(
    py: Python<'_>,
    client: &ClientRef,
    agent_id: &str,
    run_id: &str,
    after_index: Option<u64>,
    timeout: Option<f64>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<Follow> {
    let core = client.get()?;
    // The live line: `twin._progress.follow_reporter` (imported only when asked for) gives an
    // object told of each event, of time passing, and of the end; `None` when nothing shows.
    let reporter = match runs::wanted(progress)? {
        None => None,
        Some(progress) => {
            let reporter = py
                .import("twin._progress")?
                .call_method1("follow_reporter", (progress,))?;
            (!reporter.is_none()).then(|| reporter.unbind())
        }
    };
    let token = twin_core::CancelToken::new();
    let mut opts = twin_core::FollowOptions::default();
    opts.after_index = after_index;
    opts.timeout = runs::timeout_option("timeout", timeout)?;
    opts.cancel = Some(token.clone());
    let started = Instant::now();
    let follower = core.events().follow(agent_id, run_id, &opts);
    Ok(Follow {
        token,
        reporter,
        limit: opts.timeout,
        started,
        state: Mutex::new(FollowState {
            follower: Some(follower),
            rx: None,
            done: false,
        }),
        last_index: Mutex::new(after_index),
    })
}

#[pymethods]
impl EventsResource {
    /// The run's events so far, paged lazily by `after_index`; `page_size` events a page (at
    /// most and by default 500).
    #[pyo3(signature = (agent_id, run_id, *, after_index=None, page_size=None))]
    fn list(
        &self,
        agent_id: &str,
        run_id: &str,
        after_index: Option<u64>,
        page_size: Option<u32>,
    ) -> PyResult<Pager> {
        list(&self.client, agent_id, run_id, after_index, page_size)
    }

    /// The run's events as they happen: iterating blocks until the next event, and ends once
    /// the run is terminal or paused and every event was seen. `timeout` (seconds; default
    /// `None`, no limit) raises `WaitTimeoutError`. Ctrl-C interrupts it; `close()` stops it.
    /// `progress=True` shows a live line while iterating (events seen, last kind, elapsed:
    /// Jupyter display, `\r` line on a terminal, nothing otherwise); a callable gets a
    /// `twin.Progress` at each update.
    #[pyo3(signature = (agent_id, run_id, *, after_index=None, timeout=None, progress=None))]
    fn follow(
        &self,
        py: Python<'_>,
        agent_id: &str,
        run_id: &str,
        after_index: Option<u64>,
        timeout: Option<f64>,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Follow> {
        follow(
            py,
            &self.client,
            agent_id,
            run_id,
            after_index,
            timeout,
            progress,
        )
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
}

/// An iterator over a run's events as they happen (from `follow()`); also a context manager
/// that stops following on exit.
#[pyclass(frozen, module = "twin", name = "Follow")]
pub struct Follow {
    token: twin_core::CancelToken,
    /// The live line's `twin._progress` reporter, when `progress=` asked for one.
    reporter: Option<Py<PyAny>>,
    limit: Option<std::time::Duration>,
    started: Instant,
    state: Mutex<FollowState>,
    /// The index of the last event yielded, apart from `state` so that it can be read while
    /// another thread iterates.
    last_index: Mutex<Option<u64>>,
}

#[pymethods]
impl Follow {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<Event>>> {
        Ok(match self.advance(py, true)? {
            Next::Event(event) => Some(event),
            Next::End | Next::Pending => None,
        })
    }

    /// One look without waiting, for `AsyncFollow` (which sleeps on the event loop between
    /// looks): `(True, event)`, `(True, None)` once the follow ended, `(False, None)` when no
    /// event is ready yet. An event is taken from the follower only when it is returned, so a
    /// cancelled `__anext__` loses none.
    fn _next_ready(&self, py: Python<'_>) -> PyResult<(bool, Option<Py<Event>>)> {
        Ok(match self.advance(py, false)? {
            Next::Event(event) => (true, Some(event)),
            Next::End => (true, None),
            Next::Pending => (false, None),
        })
    }

    /// The `index` of the last event yielded (or the `after_index` it started from): pass it
    /// as `after_index` to resume.
    #[getter]
    fn last_index(&self) -> Option<u64> {
        // Its own lock, held only to copy it: readable while another thread iterates.
        *self.last_index.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stops following; iteration then ends. Safe to call from another thread. With
    /// `progress=`, the live line ends (its last update says the follow stopped).
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        self.token.cancel();
        if let Some(reporter) = &self.reporter {
            reporter.bind(py).call_method1("close", (false,))?;
        }
        Ok(())
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<()> {
        self.close(py)
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

/// What one step of a [`Follow`] gives.
enum Next {
    Event(Py<Event>),
    /// The follow ended (the run is over and drained, or it was closed).
    End,
    /// Nothing yet (only when not blocking).
    Pending,
}

impl Follow {
    /// The next step with the live line (if any) told of it: drawn at the first step, updated
    /// with each event, ended with the follow.
    fn advance(&self, py: Python<'_>, block: bool) -> PyResult<Next> {
        if let Some(reporter) = &self.reporter {
            // The first step draws the line (not `follow()` itself).
            if let Err(e) = reporter.bind(py).call_method0("start") {
                self.token.cancel();
                return Err(e);
            }
        }
        let next = self.next(py, block);
        if let Some(reporter) = &self.reporter {
            let reporter = reporter.bind(py);
            match &next {
                Ok(Next::Event(event)) => {
                    reporter.call_method1("event", (event,))?;
                }
                Ok(Next::End) => {
                    // Ended (the run reached a final status) unless it was stopped.
                    let ended = !self.token.is_cancelled();
                    reporter.call_method1("close", (ended,))?;
                }
                Ok(Next::Pending) => {}
                Err(e) => {
                    // The error (a timeout, ...) wins over a failing progress callable.
                    if let Err(failed) = reporter.call_method1("close", (false,)) {
                        e.set_cause(py, Some(failed));
                    }
                }
            }
        }
        next
    }

    /// The next event, with the GIL released while waiting (`block`) or without waiting (then
    /// [`Next::Pending`] when none is ready); the reporter (if any) hears of time passing every
    /// [`SLICE`], or at each look that finds nothing.
    fn next(&self, py: Python<'_>, block: bool) -> PyResult<Next> {
        let mut state = self.state.try_lock().map_err(|_| {
            PyRuntimeError::new_err("this follower is being iterated in another thread")
        })?;
        if state.done {
            return Ok(Next::End);
        }
        let mut rx = match state.rx.take() {
            Some(rx) => rx,
            None => {
                let Some(follower) = state.follower.take() else {
                    state.done = true;
                    return Ok(Next::End);
                };
                logging::refresh(py);
                start_worker(follower)?
            }
        };
        loop {
            if self.token.is_cancelled() {
                state.done = true;
                return Ok(Next::End);
            }
            let got = if block {
                let (got, back) = py.detach(move || {
                    let got = rx.recv_timeout(SLICE);
                    (got, rx)
                });
                rx = back;
                got
            } else {
                rx.try_recv().map_err(|e| match e {
                    TryRecvError::Empty => RecvTimeoutError::Timeout,
                    TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
                })
            };
            match got {
                Ok(Ok(event)) => {
                    *self.last_index.lock().unwrap_or_else(|e| e.into_inner()) = Some(event.index);
                    state.rx = Some(rx);
                    return Ok(Next::Event(Py::new(py, Event::from(event))?));
                }
                Ok(Err(twin_core::Error::Cancelled)) | Err(RecvTimeoutError::Disconnected) => {
                    state.done = true;
                    return Ok(Next::End);
                }
                Ok(Err(e)) => {
                    state.done = true;
                    let expired = self.limit.is_some_and(|l| self.started.elapsed() >= l);
                    return Err(errors::to_py(py, e, Ctx::Wait { expired }));
                }
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(reporter) = &self.reporter
                        && let Err(e) = reporter.bind(py).call_method0("tick")
                    {
                        self.token.cancel();
                        state.done = true;
                        return Err(e);
                    }
                    if !block {
                        state.rx = Some(rx);
                        return Ok(Next::Pending);
                    }
                    if let Err(interrupt) = py.check_signals() {
                        self.token.cancel();
                        state.done = true;
                        return Err(interrupt);
                    }
                }
            }
        }
    }
}

impl Drop for Follow {
    /// Stops the worker; a follow abandoned with `break` and collected ends its live line
    /// (a no-op if it already ended). Not at interpreter shutdown (no attaching then).
    fn drop(&mut self) {
        self.token.cancel();
        if let Some(reporter) = self.reporter.take() {
            Python::try_attach(move |py| {
                // A for loop's iterator is dropped while the exception that left the loop is
                // still being raised: keep it aside, or Python code cannot run here.
                let raising = PyErr::take(py);
                if let Err(e) = reporter.bind(py).call_method1("close", (false,)) {
                    e.write_unraisable(py, None);
                }
                if let Some(raising) = raising {
                    raising.restore(py);
                }
            });
        }
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
