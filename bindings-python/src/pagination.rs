//! `twin.Pager` and `twin.Page`: lazy lists over the core's pagers. Pairs with
//! `core/src/pagination.rs`.
//!
//! A page is fetched on a worker thread while the caller waits with the GIL released and
//! checks for signals (see `cancel.rs`), so Ctrl-C interrupts a slow page. Items are buffered
//! here; the core pager is shared with the worker behind a mutex.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::client::ClientRef;
use crate::errors::{self, Ctx};
use crate::{agents, cancel, events, logging, model, runs};

/// An item of any paged list, before it becomes a Python object.
pub enum Item {
    Agent(twin_core::Agent),
    Run(twin_core::Run),
    Event(twin_core::Event),
}

impl Item {
    fn into_py<'py>(self, py: Python<'py>, client: &ClientRef) -> PyResult<Bound<'py, PyAny>> {
        Ok(match self {
            Item::Agent(a) => Bound::new(py, agents::Agent::from(a))?.into_any(),
            Item::Run(r) => Bound::new(py, runs::Run::bound(r, client))?.into_any(),
            Item::Event(e) => Bound::new(py, events::Event::from(e))?.into_any(),
        })
    }
}

/// One fetched page, still in Rust.
pub struct Fetched {
    items: Vec<Item>,
    total: Option<u64>,
    has_next: bool,
}

type Source = Box<dyn FnMut() -> Option<twin_core::Result<Fetched>> + Send>;

/// Wraps a core pager as a page source.
pub fn source<T: Send + 'static>(
    mut pager: twin_core::Pager<T>,
    wrap: fn(T) -> Item,
) -> Arc<Mutex<Source>> {
    let next: Source = Box::new(move || {
        pager.next_page().map(|r| {
            r.map(|page| Fetched {
                has_next: page.has_next(),
                total: page.total,
                items: page.items.into_iter().map(wrap).collect(),
            })
        })
    });
    Arc::new(Mutex::new(next))
}

struct State {
    buffer: VecDeque<Item>,
    /// No page left to fetch.
    exhausted: bool,
    total: Option<u64>,
    pages_fetched: u64,
}

/// A list that fetches its pages lazily, keeping every filter on later pages. Iterate it for
/// items, or call `pages()` for whole pages. Each page is one request.
#[pyclass(frozen, generic, module = "twin", name = "Pager")]
pub struct Pager {
    source: Arc<Mutex<Source>>,
    state: Mutex<State>,
    client: ClientRef,
    kind: &'static str,
}

impl Pager {
    pub fn new(source: Arc<Mutex<Source>>, client: ClientRef, kind: &'static str) -> Pager {
        Pager {
            source,
            state: Mutex::new(State {
                buffer: VecDeque::new(),
                exhausted: false,
                total: None,
                pages_fetched: 0,
            }),
            client,
            kind,
        }
    }

    fn lock(&self) -> PyResult<std::sync::MutexGuard<'_, State>> {
        self.state
            .try_lock()
            .map_err(|_| PyRuntimeError::new_err("this Pager is being iterated in another thread"))
    }

    /// Fetches the next page into the buffer; false when there is none.
    fn fetch(&self, py: Python<'_>, state: &mut State) -> PyResult<bool> {
        if state.exhausted {
            return Ok(false);
        }
        self.client.get()?; // a closed client fails here, not in the worker
        logging::refresh(py);
        let source = self.source.clone();
        let fetched = cancel::interruptible(py, None, move || {
            let mut next = source.lock().unwrap_or_else(|p| p.into_inner());
            next()
        })?;
        match fetched {
            None => {
                state.exhausted = true;
                Ok(false)
            }
            Some(Err(e)) => {
                state.exhausted = true;
                Err(errors::to_py(py, e, Ctx::Call))
            }
            Some(Ok(page)) => {
                state.pages_fetched += 1;
                state.total = page.total.or(state.total);
                if !page.has_next || page.items.is_empty() {
                    state.exhausted = true;
                }
                state.buffer.extend(page.items);
                Ok(true)
            }
        }
    }

    fn take_page(&self, py: Python<'_>, state: &mut State) -> PyResult<Option<Page>> {
        if state.buffer.is_empty() && !self.fetch(py, state)? {
            return Ok(None);
        }
        let items = state
            .buffer
            .drain(..)
            .map(|i| i.into_py(py, &self.client).map(Bound::unbind))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(Some(Page {
            items,
            total: state.total,
            has_next: !state.exhausted,
        }))
    }
}

#[pymethods]
impl Pager {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let mut state = self.lock()?;
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return item.into_py(py, &self.client).map(Some);
            }
            if !self.fetch(py, &mut state)? {
                return Ok(None);
            }
        }
    }

    /// The remaining pages, one request each (items already fetched come first).
    fn pages(slf: Py<Self>) -> PageIterator {
        PageIterator { pager: slf }
    }

    /// The total the service reported with the last page, if it reports one (runs, events).
    #[getter]
    fn total(&self) -> PyResult<Option<u64>> {
        Ok(self.lock()?.total)
    }

    fn __repr__(&self) -> PyResult<String> {
        let state = self.lock()?;
        Ok(format!(
            "Pager({}, pages_fetched={}, buffered={}, done={})",
            self.kind,
            state.pages_fetched,
            state.buffer.len(),
            if state.exhausted && state.buffer.is_empty() {
                "True"
            } else {
                "False"
            }
        ))
    }

    /// In a notebook: the first page (fetched if needed) as a table. The items shown stay
    /// buffered, so iterating afterwards still yields them.
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let mut state = self.lock()?;
        if state.buffer.is_empty() && state.pages_fetched == 0 {
            self.fetch(py, &mut state)?;
        }
        // Show the buffered items as Python objects, then buffer them again unchanged.
        let items: Vec<Item> = state.buffer.drain(..).collect();
        let mut shown = Vec::with_capacity(items.len());
        for item in items {
            shown.push(item.into_py(py, &self.client)?);
        }
        for obj in &shown {
            state.buffer.push_back(item_of(obj)?);
        }
        let list = pyo3::types::PyList::new(py, &shown)?;
        let html = py
            .import("twin._html")?
            .call_method1("pager", (list, state.total, !state.exhausted, self.kind))?;
        html.extract()
    }
}

/// Recovers the Rust item from one of our Python model objects.
fn item_of(obj: &Bound<'_, PyAny>) -> PyResult<Item> {
    if let Ok(a) = obj.cast::<agents::Agent>() {
        return Ok(Item::Agent(a.get().inner.clone()));
    }
    if let Ok(r) = obj.cast::<runs::Run>() {
        return Ok(Item::Run(r.get().inner.clone()));
    }
    if let Ok(e) = obj.cast::<events::Event>() {
        return Ok(Item::Event(e.get().inner.clone()));
    }
    Err(PyRuntimeError::new_err("unexpected item in a pager"))
}

/// The pages of a `Pager`, from `Pager.pages()`.
#[pyclass(frozen, generic, module = "twin", name = "PageIterator")]
pub struct PageIterator {
    pager: Py<Pager>,
}

#[pymethods]
impl PageIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Page>> {
        let pager = self.pager.get();
        let mut state = pager.lock()?;
        pager.take_page(py, &mut state)
    }
}

/// One page of a list: `items`, the `total` the service reported (if any) and whether
/// another page follows (`has_next`).
#[pyclass(frozen, generic, module = "twin", name = "Page")]
pub struct Page {
    items: Vec<Py<PyAny>>,
    /// The total the service reported for the whole list (runs, events), if any.
    #[pyo3(get)]
    total: Option<u64>,
    /// Another page follows this one.
    #[pyo3(get)]
    has_next: bool,
}

#[pymethods]
impl Page {
    /// The page's items, in the service's order.
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        model::model_list(py, self.items.iter().map(|i| i.clone_ref(py)).collect())
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.items(py)?.try_iter().map(Bound::into_any)
    }

    fn __repr__(&self) -> String {
        format!(
            "Page(items={}, total={}, has_next={})",
            self.items.len(),
            self.total.map_or("None".into(), |t| t.to_string()),
            if self.has_next { "True" } else { "False" }
        )
    }

    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let list = self.items(py)?;
        model::html(py, "table", list)
    }
}
