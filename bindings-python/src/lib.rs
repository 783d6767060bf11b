//! The native module `twin._twin`: thin pyo3 wrappers over `twin_core`.
//!
//! This module is private; the public API is the `twin` package (`bindings-python/python/twin`),
//! which re-exports the classes defined here and adds the exceptions, `AsyncClient`,
//! `twin.webhooks`, `twin.cron` and `twin.testing`.
//!
//! Layout mirrors the core: `runs.rs` here pairs with `core/src/resources/runs.rs`, and so on.
//! Shared pieces: `model.rs` (the model macro), `convert.rs` (JSON and time conversions),
//! `errors.rs` (the one function mapping core errors to Python exceptions), `cancel.rs`
//! (running blocking calls so that Ctrl-C still works), `logging.rs` (Rust `log` to Python
//! `logging`), `pagination.rs` (`Pager`, `Page`).

mod agents;
mod api_keys;
mod cancel;
mod client;
mod convert;
mod cron;
mod errors;
mod events;
mod generated;
mod instructions;
mod logging;
mod me;
mod model;
mod observe;
mod pagination;
mod raw;
mod runs;
mod schedules;
mod signature;
mod testing;
mod webhooks;
mod workspaces;

use pyo3::prelude::*;

/// The profile this module was compiled with, as far as the code can tell: "dev" when debug
/// assertions are on (`make test-python`'s wheel, `--profile dev`), "release" when they are off
/// (`make dist`'s wheel, `pip install` of the sdist). `twin.__build__`.
const BUILD: &str = if cfg!(debug_assertions) {
    "dev"
} else {
    "release"
};

#[pymodule]
fn _twin(m: &Bound<'_, PyModule>) -> PyResult<()> {
    logging::install();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("__build__", BUILD)?;

    m.add_class::<client::Client>()?;
    m.add_class::<raw::RawResponse>()?;
    m.add_class::<observe::Attempt>()?;
    m.add_class::<pagination::Pager>()?;
    m.add_class::<pagination::Page>()?;
    m.add_class::<pagination::PageIterator>()?;
    m.add_class::<pagination::PagerIterator>()?;

    m.add_class::<me::Me>()?;
    m.add_class::<api_keys::ApiKey>()?;
    m.add_class::<api_keys::CreatedApiKey>()?;
    m.add_class::<api_keys::ApiKeysResource>()?;
    m.add_class::<workspaces::Workspace>()?;
    m.add_class::<workspaces::WorkspacesResource>()?;
    m.add_class::<agents::Agent>()?;
    m.add_class::<agents::AgentsResource>()?;
    m.add_class::<runs::Run>()?;
    m.add_class::<runs::CancelResult>()?;
    m.add_class::<runs::RunsResource>()?;
    m.add_class::<events::Event>()?;
    m.add_class::<events::Follow>()?;
    m.add_class::<events::EventsResource>()?;
    m.add_function(wrap_pyfunction!(events::final_output, m)?)?;
    m.add_class::<webhooks::Webhook>()?;
    m.add_class::<webhooks::CreatedWebhook>()?;
    m.add_class::<webhooks::WebhooksResource>()?;
    m.add_class::<schedules::Schedule>()?;
    m.add_class::<schedules::SchedulesResource>()?;
    m.add_class::<instructions::Instructions>()?;
    m.add_class::<instructions::InstructionVersion>()?;
    m.add_class::<instructions::InstructionsResource>()?;

    m.add_class::<signature::WebhookEvent>()?;
    m.add_function(wrap_pyfunction!(signature::webhooks_sign, m)?)?;
    m.add_function(wrap_pyfunction!(signature::webhooks_verify, m)?)?;
    m.add_function(wrap_pyfunction!(signature::webhooks_unwrap, m)?)?;
    m.add_function(wrap_pyfunction!(cron::cron_validate, m)?)?;
    m.add_function(wrap_pyfunction!(cron::cron_next_times, m)?)?;
    m.add_function(wrap_pyfunction!(logging::_shutdown_logging, m)?)?;
    m.add_function(wrap_pyfunction!(errors::problem_from_response, m)?)?;

    m.add_class::<testing::EmbeddedEmulator>()?;
    Ok(())
}
