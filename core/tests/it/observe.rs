//! Per-attempt hooks (`ClientBuilder::on_attempt`): one record per HTTP attempt, retries
//! included, with the route template and never the key.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use twin_core::{Attempt, Client};

use crate::common::env;

#[test]
fn every_attempt_is_reported_with_its_route() {
    let env = env();
    let seen: Arc<Mutex<Vec<Attempt>>> = Arc::default();
    let sink = seen.clone();
    let client = Client::builder()
        .api_key(env.emulator.api_key())
        .base_url(env.emulator.url())
        .on_attempt(move |a| sink.lock().unwrap().push(a.clone()))
        .build()
        .expect("client");
    let agent = env.agent();
    env.faults(json!({"error_rate": 1.0, "error_status": 503, "route": "/v1/agents", "times": 1}));
    let got = client
        .agents()
        .get(&agent.agent_id)
        .expect("retried past the 503");
    assert_eq!(got.agent_id, agent.agent_id);
    // A client with other limits shares the hook.
    let quick = client.with_timeouts(twin_core::Timeouts {
        max_retries: 0,
        ..client.timeouts()
    });
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
    assert!(!shown.contains(env.emulator.api_key()) && !shown.contains(&agent.agent_id));
}

#[test]
fn a_failed_attempt_names_its_error() {
    let env = env();
    let seen: Arc<Mutex<Vec<Attempt>>> = Arc::default();
    let sink = seen.clone();
    let client = Client::builder()
        .api_key(env.emulator.api_key())
        .base_url("http://127.0.0.1:9") // nothing listens on the discard port
        .max_retries(1)
        .on_attempt(move |a| sink.lock().unwrap().push(a.clone()))
        .build()
        .expect("client");
    assert!(client.me().is_err());
    let seen = seen.lock().unwrap();
    assert!(!seen.is_empty());
    assert!(
        seen.iter()
            .all(|a| a.error == Some("connection") && a.status.is_none())
    );
}
