//! Examples of `twin-core` (the programs are in `src/bin/` and `examples/`; see
//! `examples/rust/README.md`).
//!
//! This library includes the repository's README so that `cargo test` compiles every Rust
//! snippet there as a doc test, and a snippet that stops compiling fails the build. Its one
//! function is what both webhook receivers do with a verified delivery.
#![doc = include_str!("../../../README.md")]

use std::collections::HashSet;

use twin_core::webhooks::WebhookEvent;

/// What the webhook receivers (`receive_webhook`, `axum_receiver`) do with a verified
/// delivery: skip a repeated one (Twin may deliver twice), print it, and say whether it was
/// the run's last (`run.completed`, `run.failed` or `run.stopped`).
pub fn handle_delivery(seen: &mut HashSet<(String, String, String)>, event: &WebhookEvent) -> bool {
    if !seen.insert(event.dedupe_key()) {
        return false; // a repeated delivery
    }
    let status = event.status.as_ref().map_or("-", |s| s.as_str());
    let outcome = event.outcome.as_ref().map_or("-", |o| o.as_str());
    println!(
        "verified {:<14} run {} status {status} outcome {outcome}",
        event.event, event.run_id
    );
    matches!(
        event.event.as_str(),
        "run.completed" | "run.failed" | "run.stopped"
    )
}
