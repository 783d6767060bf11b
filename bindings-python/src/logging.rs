//! Rust `log` records from the core reach the Python logger `"twin"`.
//!
//! The level check is `log`'s own maximum level, an atomic read done without the GIL: the
//! Python logger's effective level is copied into it whenever a client call starts
//! (`refresh`), so a record that would be dropped is not even built (nor is one of the HTTP
//! stack's own records) and never touches Python. Only a record that passes takes the GIL,
//! briefly, to hand the formatted message to `logging.getLogger("twin").log(...)`. Core code logs while the
//! calling thread has released the GIL, so that is never a deadlock. The core logs method,
//! path, status, attempt and elapsed time; never bodies, never keys.

use std::sync::atomic::{AtomicBool, Ordering};

use log::{Level, LevelFilter, Log, Metadata, Record};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// Only records from these crates are forwarded.
const TARGET_PREFIX: &str = "twin_core";

/// The Python logger records go to.
const LOGGER: &str = "twin";

/// The bridge is the process's `log` logger, so `log`'s maximum level is ours to set.
static INSTALLED: AtomicBool = AtomicBool::new(false);
/// Set at interpreter exit: from then on nothing is forwarded.
static SHUT_DOWN: AtomicBool = AtomicBool::new(false);

static PY_LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

struct Bridge;

static BRIDGE: Bridge = Bridge;

/// Installs the bridge as the process's `log` logger (once; a no-op if another logger is set).
pub fn install() {
    if log::set_logger(&BRIDGE).is_ok() {
        INSTALLED.store(true, Ordering::Relaxed);
    }
}

fn logger(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    PY_LOGGER
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("logging")?
                    .call_method1("getLogger", (LOGGER,))?
                    .unbind(),
            )
        })
        .map(|l| l.bind(py))
}

/// Copies the `"twin"` logger's effective level into `log`'s maximum level.
pub fn refresh(py: Python<'_>) {
    let level = logger(py)
        .and_then(|l| l.call_method0("getEffectiveLevel"))
        .and_then(|l| l.extract::<i64>())
        .unwrap_or(i64::MAX);
    let filter = match level {
        i64::MIN..=5 => LevelFilter::Trace,
        6..=10 => LevelFilter::Debug,
        11..=20 => LevelFilter::Info,
        21..=30 => LevelFilter::Warn,
        31..=40 => LevelFilter::Error,
        _ => LevelFilter::Off,
    };
    set_max_level(filter);
}

fn set_max_level(filter: LevelFilter) {
    if INSTALLED.load(Ordering::Relaxed) && !SHUT_DOWN.load(Ordering::Relaxed) {
        log::set_max_level(filter);
    }
}

fn python_level(level: Level) -> i32 {
    match level {
        Level::Error => 40,
        Level::Warn => 30,
        Level::Info => 20,
        Level::Debug => 10,
        Level::Trace => 5,
    }
}

impl Log for Bridge {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with(TARGET_PREFIX)
            && metadata.level() <= log::max_level()
            && !SHUT_DOWN.load(Ordering::Relaxed)
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        // Formatted before taking the GIL.
        let message = record.args().to_string();
        let level = python_level(record.level());
        Python::attach(|py| {
            if let Ok(l) = logger(py) {
                // A failing handler must not break the call that logged.
                let _ = l.call_method1("log", (level, "%s", message));
            }
        });
    }

    fn flush(&self) {}
}

/// Stops forwarding; called by `atexit` so no thread reaches into a finalizing interpreter.
#[pyfunction]
pub fn _shutdown_logging() {
    set_max_level(LevelFilter::Off);
    SHUT_DOWN.store(true, Ordering::Relaxed);
}
