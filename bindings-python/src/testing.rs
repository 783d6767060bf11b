//! The embedded emulator behind `twin.testing.Emulator` (the admin calls are made from
//! Python with urllib).

use std::net::IpAddr;
use std::sync::Mutex;

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;

/// A Twin emulator running in this process on a loopback port.
#[pyclass(frozen, module = "twin._twin", name = "EmbeddedEmulator")]
pub struct EmbeddedEmulator {
    running: Mutex<Option<twin_emulator::Running>>,
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    #[pyo3(get)]
    url: String,
    /// The key that works from the start and opens the admin routes.
    #[pyo3(get)]
    api_key: String,
    /// The inspector's page, e.g. `http://127.0.0.1:41234/_emulator/ui`.
    #[pyo3(get)]
    ui_url: String,
}

#[pymethods]
impl EmbeddedEmulator {
    #[new]
    #[pyo3(signature = (*, api_key=None, step_ms=None, seed=None, host="127.0.0.1", port=0))]
    fn new(
        py: Python<'_>,
        api_key: Option<String>,
        step_ms: Option<u64>,
        seed: Option<u64>,
        host: &str,
        port: u16,
    ) -> PyResult<Self> {
        let host: IpAddr = host.parse().map_err(|_| {
            PyValueError::new_err(format!("host must be an IP address, got {host:?}"))
        })?;
        let mut options = twin_emulator::Options::default().host(host).port(port);
        options.api_key = api_key;
        options.seed = seed;
        if let Some(step_ms) = step_ms {
            options.step_ms = step_ms;
        }
        let running = py
            .detach(|| twin_emulator::Emulator::start(options))
            .map_err(|e| PyOSError::new_err(format!("cannot start the emulator: {e}")))?;
        Ok(EmbeddedEmulator {
            url: running.url().to_owned(),
            api_key: running.api_key().to_owned(),
            ui_url: running.ui_url(),
            running: Mutex::new(Some(running)),
        })
    }

    /// Whether it is still running.
    #[getter]
    fn running(&self) -> bool {
        self.running.lock().map(|r| r.is_some()).unwrap_or(false)
    }

    /// Stops the emulator (idempotent).
    fn shutdown(&self, py: Python<'_>) {
        let taken = self.running.lock().ok().and_then(|mut r| r.take());
        if let Some(running) = taken {
            py.detach(|| running.shutdown());
        }
    }

    fn __repr__(&self) -> String {
        format!("EmbeddedEmulator(url='{}')", self.url)
    }
}

impl Drop for EmbeddedEmulator {
    fn drop(&mut self) {
        if let Ok(mut r) = self.running.lock() {
            r.take();
        }
    }
}
