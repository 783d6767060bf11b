//! A local Twin API that behaves like the live service, quirks included: the embedded
//! default for the SDK's demo and tests, and a tool for testing your own code offline.
//!
//! It serves all 33 endpoints of the Twin REST API on loopback with the live service's
//! shapes, status codes and quirks (see `twin-api.md` and the captures in `tests/vectors/real`),
//! simulates runs on a clock with events re-stamped from real ones, delivers signed webhooks for
//! real and fires cron schedules.
//! Emulator-only admin routes live under `/_emulator/` (reset, deliveries, fault injection),
//! a page to watch it all live is at `/_emulator/ui` ([`Running::ui_url`]), and
//! `GET /openapi.json` describes what is served.
//!
//! ```no_run
//! let emulator = twin_emulator::Emulator::start(twin_emulator::Options::default())?;
//! println!("{} {}", emulator.url(), emulator.api_key());
//! emulator.shutdown();
//! # Ok::<(), std::io::Error>(())
//! ```

mod app;
mod delivery;
mod faults;
mod ids;
mod openapi;
mod request_log;
mod routes;
mod scheduler;
mod server;
mod sim;
mod store;
mod templates;
mod ui;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use tokio::sync::watch;

pub use openapi::document as openapi_document;

/// The email of the emulator's one user: in every run's `user_email` (what `filter_user_email`
/// matches) and in the current instructions' `user_email`.
pub const USER_EMAIL: &str = "user@example.com";

/// How to start an emulator: `Options::default()`, then the chainable setters
/// (`Options::default().seed(7).step_ms(5)`). Non-exhaustive, so options can be added in a
/// minor release; the fields stay readable and assignable.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Options {
    /// Address to bind (default 127.0.0.1).
    pub host: IpAddr,
    /// Port to bind; 0 picks a free one (default).
    pub port: u16,
    /// The API key that works from the start and opens `/_emulator/`; made up when `None`.
    pub api_key: Option<String>,
    /// Default time between two simulated run events, in milliseconds (default 100).
    pub step_ms: u64,
    /// Seed for the simulation and fault injection; random when `None`.
    pub seed: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            api_key: None,
            step_ms: 100,
            seed: None,
        }
    }
}

impl Options {
    /// The address to bind.
    #[must_use]
    pub fn host(mut self, host: IpAddr) -> Self {
        self.host = host;
        self
    }

    /// The port to bind; 0 picks a free one.
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The API key that works from the start and opens `/_emulator/`.
    #[must_use]
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// The default time between two simulated run events, in milliseconds.
    #[must_use]
    pub fn step_ms(mut self, step_ms: u64) -> Self {
        self.step_ms = step_ms;
        self
    }

    /// The seed for the simulation and fault injection.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }
}

/// Entry point; see [`Emulator::start`].
pub struct Emulator;

impl Emulator {
    /// Binds, starts serving on a runtime of its own, and returns once requests are accepted.
    /// Several emulators can run in one process.
    pub fn start(options: Options) -> std::io::Result<Running> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("twin-emulator")
            .enable_all()
            .build()?;
        let mut rng = match options.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        let api_key = options
            .api_key
            .clone()
            .unwrap_or_else(|| ids::api_key(&ids::key_id(&mut rng), &ids::secret(&mut rng, 40)));
        let now = Utc::now();
        let user = store::User {
            user_id: ids::user_id(&mut rng, now),
            // The address live-calls.json shows (redacted) in runs and instructions.
            email: USER_EMAIL.to_string(),
        };
        let key = start_key(&api_key, &mut rng);
        let app = Arc::new(app::App::new(
            store::Store::new(user, key),
            rng,
            options.step_ms,
            api_key.clone(),
        ));
        // Bound with std and handed to the runtime (no `block_on`), so that starting works
        // inside another runtime too, e.g. in `#[tokio::test]`.
        let listener = std::net::TcpListener::bind(SocketAddr::new(options.host, options.port))?;
        listener.set_nonblocking(true)?;
        let listener = {
            let _inside = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let addr = listener.local_addr()?;
        let (stop, stopped) = watch::channel(false);
        let router = routes::router(app.clone());
        runtime.spawn(server::serve(listener, router, stopped));
        runtime.spawn(scheduler::run(app));
        let host = match addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        Ok(Running {
            url: format!("http://{host}:{}", addr.port()),
            api_key,
            stop,
            runtime: Some(runtime),
        })
    }
}

/// The API key the emulator starts with, listed like any other key.
fn start_key(key: &str, rng: &mut impl RngCore) -> store::ApiKey {
    // `twin_<key_id>_<secret>` keys keep their id and prefix; other strings get new ones.
    let parts: Vec<&str> = key.splitn(3, '_').collect();
    let (key_id, prefix) = match parts.as_slice() {
        ["twin", id, secret] if id.len() == 32 && secret.len() >= 8 => {
            (id.to_string(), secret.chars().take(8).collect())
        }
        _ => (ids::key_id(rng), "emulator".to_string()),
    };
    store::ApiKey {
        key_id,
        name: "emulator".to_string(),
        key: key.to_string(),
        display_prefix: prefix,
        created_at: Utc::now().timestamp(),
        last_used_at: None,
    }
}

/// How long open connections get to finish when an emulator stops.
const STOP_GRACE: Duration = Duration::from_millis(500);

/// A running emulator. Dropping it shuts it down; both work in an async context too.
pub struct Running {
    url: String,
    api_key: String,
    stop: watch::Sender<bool>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("url", &self.url)
            .field("api_key", &"<redacted>")
            .finish()
    }
}

impl Running {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The key that works from the start and opens the admin routes.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The inspector page, e.g. `http://127.0.0.1:41234/_emulator/ui`: agents, runs, events,
    /// webhook deliveries, requests and faults, live. It asks for [`Running::api_key`], or
    /// takes it from the link's fragment: `{ui_url}#key={api_key}`.
    pub fn ui_url(&self) -> String {
        format!("{}{}", self.url, ui::PATH)
    }

    /// Stops accepting, lets open connections finish briefly, and stops every task.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        let _ = self.stop.send(true);
        if let Some(runtime) = self.runtime.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                // Inside an async context (`#[tokio::test]`), where blocking panics: the
                // runtime is shut down on a thread of its own.
                std::thread::spawn(move || runtime.shutdown_timeout(STOP_GRACE));
            } else {
                runtime.shutdown_timeout(STOP_GRACE);
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop_now();
    }
}

/// The API routes served, as `(METHOD, path template)`; `/openapi.json` lists the same.
#[doc(hidden)]
pub fn api_routes() -> Vec<(String, &'static str)> {
    routes::api()
        .into_iter()
        .map(|r| (r.method.to_string(), r.path))
        .collect()
}
