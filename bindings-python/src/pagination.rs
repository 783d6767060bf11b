//! `twin.Pager` and `twin.Page`: lazy lists over the core's pagers. Pairs with
//! `core/src/pagination.rs`.
//!
//! A page is fetched on a worker thread while the caller waits with the GIL released and
//! checks for signals (see `cancel.rs`), so Ctrl-C interrupts a slow page. Items are buffered
//! here; the core pager is shared with the worker behind a mutex.
//!
//! A `Pager` is not an iterator: it keeps a factory of core pagers and, once fetched, its
//! first page only (never every item: iterating 100,000 runs must not grow memory). Each
//! `iter(pager)` or `pages()` is a new walk with its own state, starting from that first page.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
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

type Next = Box<dyn FnMut() -> Option<twin_core::Result<Fetched>> + Send>;
/// One walk through a list: a core pager, shared with the worker thread that fetches a page.
type Source = Arc<Mutex<Next>>;
/// Makes a fresh walk through the same list (same filters), from its first page.
pub type Factory = Arc<dyn Fn(&twin_core::Client) -> Source + Send + Sync>;

/// A factory of page sources over the core pager `make` returns.
pub fn source<T, F>(make: F, wrap: fn(T) -> Item) -> Factory
where
    T: Send + 'static,
    F: Fn(&twin_core::Client) -> twin_core::Pager<T> + Send + Sync + 'static,
{
    Arc::new(move |client: &twin_core::Client| {
        let mut pager = make(client);
        let next: Next = Box::new(move || {
            pager.next_page().map(|r| {
                r.map(|page| Fetched {
                    has_next: page.has_next(),
                    total: page.total,
                    items: page.items.into_iter().map(wrap).collect(),
                })
            })
        });
        Arc::new(Mutex::new(next))
    })
}

/// The first page, kept by the `Pager` once fetched (as Python objects).
struct FirstPage {
    items: Vec<Py<PyAny>>,
    total: Option<u64>,
    /// Another page follows it.
    has_next: bool,
}

#[derive(Default)]
struct Head {
    /// The first page of the latest walk or look: what `repr`, the table, `len`, `bool` and
    /// small indexes read without a request. A walk never starts from it: each fetches afresh,
    /// so a list iterated again shows what changed meanwhile.
    first: Option<Arc<FirstPage>>,
    /// The total the service reported with the last page any walk fetched.
    total: Option<u64>,
}

/// A list that fetches its pages lazily, keeping every filter on later pages. Iterate it for
/// items (as often as you like: each iteration is a new walk that fetches every page afresh),
/// or call `pages()` for whole pages. The latest first page is kept for looks (repr, table,
/// `len`, `bool`, small indexes); nothing else is kept.
#[pyclass(frozen, generic, module = "twin", name = "Pager")]
pub struct Pager {
    factory: Factory,
    head: Mutex<Head>,
    client: ClientRef,
    kind: &'static str,
}

/// The largest total `len()` reports (2^26): see `Pager.__len__`.
const MAX_LEN: u64 = 1 << 26;

/// `(items, total, has_next)` for the Python helpers.
type PageTuple<'py> = (Bound<'py, PyAny>, Option<u64>, bool);

/// Where a walk starts: the first page, and the walk that goes on after it (`None`: no more).
struct Start {
    first: Arc<FirstPage>,
    rest: Option<Source>,
}

impl Pager {
    pub fn new(factory: Factory, client: ClientRef, kind: &'static str) -> Pager {
        Pager {
            factory,
            head: Mutex::new(Head::default()),
            client,
            kind,
        }
    }

    fn head(&self) -> std::sync::MutexGuard<'_, Head> {
        // Held only for moments, with the GIL, never across a fetch or a call into Python.
        self.head.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Fetches the next page of one walk (Ctrl-C interrupts the wait); `None` at the end.
    fn fetch(&self, py: Python<'_>, source: &Source) -> PyResult<Option<Fetched>> {
        self.client.get()?; // a closed client fails here, not in the worker
        logging::refresh(py);
        let source = source.clone();
        let fetched = cancel::interruptible(py, None, move || {
            let mut next = source.lock().unwrap_or_else(|p| p.into_inner());
            next()
        })?;
        match fetched {
            None => Ok(None),
            Some(Err(e)) => Err(errors::to_py(py, e, Ctx::Call)),
            Some(Ok(mut page)) => {
                if page.items.is_empty() {
                    page.has_next = false;
                }
                if let Some(total) = page.total {
                    self.head().total = Some(total);
                }
                Ok(Some(page))
            }
        }
    }

    /// Starts a new walk: fetches its first page and keeps it (replacing an older one).
    fn fetch_first(&self, py: Python<'_>) -> PyResult<Start> {
        let source = (self.factory)(&self.client.get()?);
        let (items, total, has_next) = match self.fetch(py, &source)? {
            Some(page) => (page.items, page.total, page.has_next),
            None => (Vec::new(), None, false),
        };
        let items = items
            .into_iter()
            .map(|i| i.into_py(py, &self.client).map(Bound::unbind))
            .collect::<PyResult<Vec<_>>>()?;
        let first = Arc::new(FirstPage {
            items,
            total,
            has_next,
        });
        self.head().first = Some(first.clone());
        Ok(Start {
            first,
            rest: has_next.then_some(source),
        })
    }

    /// The kept first page, fetched if there is none yet.
    fn first(&self, py: Python<'_>) -> PyResult<Arc<FirstPage>> {
        if let Some(first) = self.head().first.clone() {
            return Ok(first);
        }
        Ok(self.fetch_first(py)?.first)
    }
}

/// The state of one walk (an iterator or a page iterator).
#[derive(Default)]
struct Walk {
    started: bool,
    first: Option<Arc<FirstPage>>,
    pos: usize,
    rest: Option<Source>,
    buffer: VecDeque<Item>,
    total: Option<u64>,
}

impl Walk {
    fn lock(walk: &Mutex<Walk>) -> PyResult<std::sync::MutexGuard<'_, Walk>> {
        walk.try_lock().map_err(|_| {
            PyRuntimeError::new_err("this iterator of a Pager is being advanced in another thread")
        })
    }

    /// Starts the walk on its first call: the first page it yields, or `None` for no page.
    fn begin(&mut self, py: Python<'_>, pager: &Pager) -> PyResult<Option<Arc<FirstPage>>> {
        if self.started {
            return Ok(None);
        }
        self.started = true; // an error here ends the walk
        let start = pager.fetch_first(py)?;
        self.total = start.first.total;
        self.rest = start.rest;
        self.first = Some(start.first.clone());
        Ok(Some(start.first))
    }

    /// The next page after the first, or `None` at the end (an error ends the walk).
    fn next_page(&mut self, py: Python<'_>, pager: &Pager) -> PyResult<Option<Fetched>> {
        let Some(source) = self.rest.take() else {
            return Ok(None);
        };
        match pager.fetch(py, &source)? {
            None => Ok(None),
            Some(page) => {
                self.total = page.total.or(self.total);
                if page.has_next {
                    self.rest = Some(source);
                }
                Ok(Some(page))
            }
        }
    }
}

/// One iteration over a `Pager`'s items, from `iter(pager)`.
#[pyclass(frozen, generic, module = "twin", name = "PagerIterator")]
pub struct PagerIterator {
    pager: Py<Pager>,
    walk: Mutex<Walk>,
}

#[pymethods]
impl PagerIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let pager = self.pager.get();
        let mut walk = Walk::lock(&self.walk)?;
        walk.begin(py, pager)?;
        loop {
            if let Some(first) = walk.first.clone() {
                if let Some(item) = first.items.get(walk.pos) {
                    walk.pos += 1;
                    return Ok(Some(item.bind(py).clone()));
                }
                walk.first = None; // the first page stays with the Pager only
            }
            if let Some(item) = walk.buffer.pop_front() {
                return item.into_py(py, &pager.client).map(Some);
            }
            match walk.next_page(py, pager)? {
                Some(page) => walk.buffer.extend(page.items),
                None => return Ok(None),
            }
        }
    }
}

#[pymethods]
impl Pager {
    /// A new iteration: every page fetched afresh, one request at a time as the previous one
    /// is used up (its first page is kept for looks).
    fn __iter__(slf: Py<Self>) -> PagerIterator {
        PagerIterator {
            pager: slf,
            walk: Mutex::new(Walk::default()),
        }
    }

    /// The pages, fetched afresh, one request each (the first one is kept for looks).
    fn pages(slf: Py<Self>) -> PageIterator {
        PageIterator {
            pager: slf,
            walk: Mutex::new(Walk::default()),
        }
    }

    /// The total the service reported with the last page fetched, if it reports one (runs,
    /// events); `None` before the first page. `len(pager)` fetches the first page if needed.
    #[getter]
    fn total(&self) -> Option<u64> {
        self.head().total
    }

    /// The total the service reports (runs, events), fetching the first page if needed. A
    /// list whose service reports no total (agents; unless the first page is the whole
    /// list) or a total above 2^26 raises `TypeError`.
    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        let first = self.first(py)?;
        let total = match (first.total, first.has_next) {
            (Some(total), _) => total,
            (None, false) => first.items.len() as u64,
            (None, true) => {
                return Err(PyTypeError::new_err(format!(
                    "len() of a Pager[{}]: the service reports no total for this list; \
                     use len(pager.to_list()) (fetches every page)",
                    self.kind
                )));
            }
        };
        // `list(pager)` preallocates `len(pager)` slots: a total past any real list (a
        // hostile or broken server's 2^63) must not be one, or list() fails with MemoryError.
        // A TypeError makes list() ignore it.
        if total > MAX_LEN {
            return Err(PyTypeError::new_err(format!(
                "len() of a Pager[{}]: the service reported a total of {total}, more than any \
                 list len() trusts ({MAX_LEN}); see .total, or use len(pager.to_list())",
                self.kind
            )));
        }
        Ok(total as usize)
    }

    /// True when the list has an item (fetches the first page if needed).
    fn __bool__(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(!self.first(py)?.items.is_empty())
    }

    /// `pager[i]`, `pager[a:b]` (a `ModelList`). Within the first page: no request. Past
    /// it: the list is walked up to that item (a request per page); negative indexes and
    /// slices walk the whole list.
    fn __getitem__<'py>(
        slf: &Bound<'py, Self>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        if let Ok(index) = key.extract::<isize>() {
            let first = slf.get().first(py)?;
            if let Ok(i) = usize::try_from(index)
                && let Some(item) = first.items.get(i)
            {
                return Ok(item.bind(py).clone());
            }
        }
        py.import("twin._lists")?
            .call_method1("getitem", (slf, key))
    }

    /// Every item, in a `ModelList` (one request per page).
    fn to_list<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        py.import("twin._html")?
            .getattr("ModelList")?
            .call1((slf.try_iter()?,))
    }

    /// Every item as a pandas `DataFrame`, one row per item and typed columns (see
    /// `twin.to_pandas`). Needs pandas: `pip install ".[pandas]"`.
    #[pyo3(signature = (columns=None))]
    fn to_pandas<'py>(
        slf: &Bound<'py, Self>,
        columns: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("twin._lists")?
            .call_method1("to_pandas", (slf, columns, slf.get().kind))
    }

    /// The kept first page (fetched if needed): `(items, total, has_next)`.
    fn _first_page<'py>(&self, py: Python<'py>) -> PyResult<PageTuple<'py>> {
        let first = self.first(py)?;
        let items = model::model_list(py, first.items.iter().map(|i| i.clone_ref(py)).collect())?;
        Ok((items, first.total, first.has_next))
    }

    /// The kept first page, if fetched already (nothing is fetched): `(items, total,
    /// has_next)` or `None`.
    fn _kept<'py>(&self, py: Python<'py>) -> PyResult<Option<PageTuple<'py>>> {
        let Some(first) = self.head().first.clone() else {
            return Ok(None);
        };
        let items = model::model_list(py, first.items.iter().map(|i| i.clone_ref(py)).collect())?;
        Ok(Some((items, first.total, first.has_next)))
    }

    /// The model type's name (`"Run"`).
    #[getter]
    fn _kind(&self) -> &'static str {
        self.kind
    }

    /// The first items (the first page is fetched if needed), e.g.
    /// `<Pager[Run] 12 total: Run(...), Run(...), … (first page: 3 items)>`.
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let py = slf.py();
        let me = slf.get();
        match me.first(py) {
            Ok(first) => {
                let items =
                    pyo3::types::PyList::new(py, first.items.iter().map(|i| i.clone_ref(py)))?;
                py.import("twin._lists")?
                    .call_method1("pager_repr", (me.kind, items, first.total, first.has_next))?
                    .extract()
            }
            Err(e) => Ok(format!(
                "<Pager[{}] (first page not fetched: {})>",
                me.kind,
                e.value(py).repr()?.to_cow()?
            )),
        }
    }

    /// In a notebook: the first page (fetched if needed, and kept) as a table; when it cannot
    /// be fetched, a line saying why (as the text repr does) instead of a traceback.
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let first = match self.first(py) {
            Ok(first) => first,
            Err(e) if e.is_instance_of::<pyo3::exceptions::PyException>(py) => {
                return py
                    .import("twin._html")?
                    .call_method1("unavailable", (self.kind, e.value(py).repr()?))?
                    .extract();
            }
            Err(e) => return Err(e),
        };
        let list = pyo3::types::PyList::new(py, first.items.iter().map(|i| i.clone_ref(py)))?;
        py.import("twin._html")?
            .call_method1("pager", (list, first.total, first.has_next, self.kind))?
            .extract()
    }
}

/// The pages of a `Pager`, from `Pager.pages()`: a new walk each time.
#[pyclass(frozen, generic, module = "twin", name = "PageIterator")]
pub struct PageIterator {
    pager: Py<Pager>,
    walk: Mutex<Walk>,
}

#[pymethods]
impl PageIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Page>> {
        let pager = self.pager.get();
        let mut walk = Walk::lock(&self.walk)?;
        if let Some(first) = walk.begin(py, pager)? {
            walk.first = None;
            return Ok(Some(Page {
                items: first.items.iter().map(|i| i.clone_ref(py)).collect(),
                total: first.total,
                has_next: first.has_next,
                kind: pager.kind,
            }));
        }
        let Some(page) = walk.next_page(py, pager)? else {
            return Ok(None);
        };
        let items = page
            .items
            .into_iter()
            .map(|i| i.into_py(py, &pager.client).map(Bound::unbind))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(Some(Page {
            items,
            total: walk.total,
            has_next: page.has_next,
            kind: pager.kind,
        }))
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
    kind: &'static str,
}

#[pymethods]
impl Page {
    /// The page's items, in the service's order.
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        model::model_list(py, self.items.iter().map(|i| i.clone_ref(py)).collect())
    }

    /// The page's items, in a `ModelList` (a copy).
    fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.items(py)
    }

    /// The page's items as a pandas `DataFrame` (see `twin.to_pandas`).
    #[pyo3(signature = (columns=None))]
    fn to_pandas<'py>(
        &self,
        py: Python<'py>,
        columns: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        py.import("twin._lists")?
            .call_method1("to_pandas", (self.items(py)?, columns, self.kind))
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }

    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.items(py)?.get_item(key)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.items(py)?.try_iter().map(Bound::into_any)
    }

    /// E.g. `<Page[Run] 3 items of 12 total, more pages follow: Run(...), …>`.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        py.import("twin._lists")?
            .call_method1(
                "page_repr",
                (self.kind, self.items(py)?, self.total, self.has_next),
            )?
            .extract()
    }

    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        py.import("twin._html")?
            .call_method1(
                "page",
                (self.items(py)?, self.total, self.has_next, self.kind),
            )?
            .extract()
    }
}
