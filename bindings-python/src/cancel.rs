//! Running blocking core calls so that Ctrl-C still works.
//!
//! Long operations (`wait`, `follow`, fetching a page) run on a worker thread while the
//! calling thread, with the GIL released, waits for the result in short slices and between
//! slices runs Python's signal handlers (`check_signals`). A `KeyboardInterrupt` (or a
//! notebook's stop button) is raised within one slice; the worker's `CancelToken` is set so a
//! wait or a follow stops at its next check (within ~25 ms, or when the request in flight
//! returns) and the thread ends on its own.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use pyo3::prelude::*;

use crate::errors;

/// How often signals are checked while waiting for a worker.
pub const SLICE: Duration = Duration::from_millis(50);
/// After an interrupt, how long to let a cancelled worker finish before returning anyway.
const GRACE: Duration = Duration::from_millis(1500);

/// Runs `f` on a worker thread; the GIL is released while waiting, and signals are checked
/// every [`SLICE`]. On an interrupt, `token` (if any) is cancelled and the signal's exception
/// is returned. Off the main thread, where Python never runs signal handlers (an executor's
/// thread, `AsyncClient`'s), `f` runs right there with the GIL released: no second thread.
pub fn interruptible<T, F>(
    py: Python<'_>,
    token: Option<&twin_core::CancelToken>,
    f: F,
) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    if !on_main_thread(py)? {
        return py
            .detach(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)))
            .map_err(|_| errors::panicked());
    }
    let (tx, rx) = mpsc::sync_channel::<std::thread::Result<T>>(1);
    let abandoned = Arc::new(AtomicBool::new(false));
    let gave_up = abandoned.clone();
    workers::run(Box::new(move |ready: &dyn Fn()| {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        if gave_up.load(Ordering::SeqCst) {
            return false; // interrupted: the worker ends, leaving nothing behind
        }
        ready(); // idle again before the caller hears back, so its next call reuses it
        let _ = tx.send(result);
        true
    }))
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
                    abandoned.store(true, Ordering::SeqCst);
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

/// Whether this is Python's main thread, the only one where signal handlers run.
fn on_main_thread(py: Python<'_>) -> PyResult<bool> {
    let threading = py.import(pyo3::intern!(py, "threading"))?;
    let main = threading.call_method0(pyo3::intern!(py, "main_thread"))?;
    let this = threading.call_method0(pyo3::intern!(py, "current_thread"))?;
    Ok(main.is(&this))
}

/// The threads that run [`interruptible`] calls, kept for reuse: a thread started per call (a
/// page of a list, a wait) cost more than the page itself took to decode, on a cold stack and
/// allocator arena, and left memory behind in arenas. A call takes an idle worker or starts
/// one; a worker idle for [`IDLE_FOR`] ends. After a `fork()` the child starts afresh.
mod workers {
    use std::sync::mpsc::{self, RecvTimeoutError, Sender};
    use std::sync::{Mutex, MutexGuard};
    use std::time::Duration;

    /// A call; it calls its argument once its work is done, before handing the result over,
    /// and returns whether the worker should wait for another call (false: it ends).
    pub type Job = Box<dyn FnOnce(&dyn Fn()) -> bool + Send>;

    /// How long a worker waits for another call before ending.
    const IDLE_FOR: Duration = Duration::from_secs(30);

    struct Idle {
        /// The process the workers belong to (they do not survive a fork).
        pid: u32,
        next_id: u64,
        workers: Vec<(u64, Sender<Job>)>,
    }

    static IDLE: Mutex<Idle> = Mutex::new(Idle {
        pid: 0,
        next_id: 0,
        workers: Vec::new(),
    });

    fn idle() -> MutexGuard<'static, Idle> {
        let mut idle = IDLE.lock().unwrap_or_else(|e| e.into_inner());
        let pid = std::process::id();
        if idle.pid != pid {
            idle.pid = pid;
            idle.workers.clear();
        }
        idle
    }

    /// Runs `job` on an idle worker, or on a new one.
    pub fn run(job: Job) -> std::io::Result<()> {
        let mut job = job;
        loop {
            let Some((_, tx)) = idle().workers.pop() else {
                break;
            };
            match tx.send(job) {
                Ok(()) => return Ok(()),
                Err(mpsc::SendError(back)) => job = back, // it ended meanwhile: try another
            }
        }
        let (tx, rx) = mpsc::channel::<Job>();
        let id = {
            let mut idle = idle();
            idle.next_id += 1;
            idle.next_id
        };
        std::thread::Builder::new()
            .name("twin-call".into())
            .spawn(move || {
                let mut job = Some(job);
                while let Some(run) = job.take() {
                    let done = std::cell::Cell::new(false);
                    let ready = || {
                        if !done.replace(true) {
                            idle().workers.push((id, tx.clone()));
                        }
                    };
                    if !run(&ready) {
                        break;
                    }
                    ready();
                    job = match rx.recv_timeout(IDLE_FOR) {
                        Ok(next) => Some(next),
                        Err(RecvTimeoutError::Disconnected) => None,
                        Err(RecvTimeoutError::Timeout) => {
                            let mut idle = idle();
                            match idle.workers.iter().position(|(w, _)| *w == id) {
                                Some(at) => {
                                    idle.workers.remove(at);
                                    None
                                }
                                // Taken just now: its job is on the way.
                                None => {
                                    drop(idle);
                                    rx.recv().ok()
                                }
                            }
                        }
                    };
                }
            })
            .map(drop)
    }
}
