//! Running blocking core calls so that Ctrl-C still works.
//!
//! Long operations (`wait`, `follow`, fetching a page) run on a worker thread while the
//! calling thread, with the GIL released, waits for the result in short slices and between
//! slices runs Python's signal handlers (`check_signals`). A `KeyboardInterrupt` (or a
//! notebook's stop button) is raised within one slice; the worker's `CancelToken` is set so a
//! wait or a follow stops at its next check (within ~25 ms, or when the request in flight
//! returns) and the thread ends on its own.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use pyo3::prelude::*;

use crate::errors;

/// How often signals are checked while waiting for a worker.
pub const SLICE: Duration = Duration::from_millis(50);
/// After an interrupt, how long to let a cancelled worker finish before returning anyway.
const GRACE: Duration = Duration::from_millis(1500);

/// A flag that stops a `wait` or a `follow` from another thread (or from asyncio when the
/// awaiting task is cancelled). Used by `AsyncClient`; rarely needed directly.
#[pyclass(frozen, module = "twin._twin", name = "CancelToken")]
#[derive(Clone, Default)]
pub struct CancelToken(pub twin_core::CancelToken);

#[pymethods]
impl CancelToken {
    #[new]
    fn new() -> Self {
        CancelToken::default()
    }

    /// Asks every wait and follow holding this token to stop.
    fn cancel(&self) {
        self.0.cancel();
    }

    /// Whether `cancel()` was called.
    #[getter]
    fn cancelled(&self) -> bool {
        self.0.is_cancelled()
    }

    fn __repr__(&self) -> String {
        format!(
            "CancelToken(cancelled={})",
            if self.0.is_cancelled() {
                "True"
            } else {
                "False"
            }
        )
    }
}

/// Runs `f` on a worker thread; the GIL is released while waiting, and signals are checked
/// every [`SLICE`]. On an interrupt, `token` (if any) is cancelled and the signal's exception
/// is returned.
pub fn interruptible<T, F>(
    py: Python<'_>,
    token: Option<&twin_core::CancelToken>,
    f: F,
) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel::<std::thread::Result<T>>(1);
    std::thread::Builder::new()
        .name("twin-call".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let _ = tx.send(result);
        })
        .map_err(|e| {
            pyo3::exceptions::PyRuntimeError::new_err(format!("cannot start a thread: {e}"))
        })?;
    let mut rx = rx;
    loop {
        let (got, back) = py.detach(move || {
            let got = rx.recv_timeout(SLICE);
            (got, rx)
        });
        rx = back;
        match got {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => return Err(errors::panicked()),
            Err(RecvTimeoutError::Timeout) => {
                if let Err(interrupt) = py.check_signals() {
                    if let Some(token) = token {
                        token.cancel();
                        // Usually ends within a few ms; never wait long.
                        py.detach(move || drop(rx.recv_timeout(GRACE)));
                    }
                    return Err(interrupt);
                }
            }
        }
    }
}
