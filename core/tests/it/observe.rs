//! Per-attempt hooks (`ClientBuilder::on_attempt`): one record per HTTP attempt, retries
//! included, with the route template and never the key.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use twin_core::{Attempt, Client};

use crate::common::env;

type Seen = Arc<Mutex<Vec<Attempt>>>;

/// A client of `base_url` with the emulator's key whose hook keeps every record.
fn recording(key: &str, base_url: &str, retries: u32) -> (Client, Seen) {
    let seen: Seen = Arc::default();
    let sink = seen.clone();
    let client = Client::builder()
        .api_key(key)
        .base_url(base_url)
        .max_retries(retries)
        .on_attempt(move |a| sink.lock().unwrap().push(a.clone()))
        .build()
        .expect("client");
    (client, seen)
}

#[test]
fn every_attempt_is_reported_with_its_route() {
    let env = env();
    let (client, seen) = recording(env.emulator.api_key(), env.emulator.url(), 2);
    let agent = env.agent();
    env.faults(json!({"error_rate": 1.0, "error_status": 503, "route": "/v1/agents", "times": 1}));
    let got = client
        .agents()
        .get(&agent.agent_id)
        .expect("retried past the 503");
    assert_eq!(got.agent_id, agent.agent_id);
    // A client with other limits shares the hook.
    let quick = client.with_timeouts(client.timeouts().max_retries(0));
    quick.me().expect("me");
    let seen = seen.lock().unwrap();
    let summary: Vec<(&str, &str, Option<u16>, u32)> = seen
        .iter()
        .map(|a| (a.method.as_str(), a.route.as_str(), a.status, a.attempt))
        .collect();
    assert_eq!(
        summary,
        [
            ("GET", "/v1/agents/{agent_id}", Some(503), 1),
            ("GET", "/v1/agents/{agent_id}", Some(200), 2),
            ("GET", "/v1/me", Some(200), 1),
        ]
    );
    assert!(
        seen.iter()
            .all(|a| a.error.is_none() && a.duration < Duration::from_secs(30))
    );
    let shown = format!("{seen:?}");
    assert!(!shown.contains(env.emulator.api_key()) && !shown.contains(agent.agent_id.as_str()));
}

#[test]
fn a_failed_attempt_names_its_error() {
    let env = env();
    // Nothing listens on the discard port.
    let (client, seen) = recording(env.emulator.api_key(), "http://127.0.0.1:9", 1);
    assert!(client.me().is_err());
    let seen = seen.lock().unwrap();
    assert!(!seen.is_empty());
    assert!(
        seen.iter()
            .all(|a| a.error == Some("connection") && a.status.is_none())
    );
}
