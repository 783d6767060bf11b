//! Webhooks delivered for real to a receiver inside the test (an axum server): the
//! signature recomputed with hmac/sha2, X-Cobb-Event, the body of twin-api.md 3.7, disabled
//! webhooks receiving nothing, a failing receiver retried, GET /_emulator/deliveries.

mod common;

use std::time::Duration;

use common::*;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Asserts `2026-03-11T14:32:15Z`-style seconds with Z, as the documented payload shows.
#[track_caller]
fn assert_seconds_z(v: &Value) {
    let s = v.as_str().unwrap();
    assert_eq!(s.len(), 20, "{s}");
    assert!(s.ends_with('Z') && s.as_bytes()[10] == b'T', "{s}");
    let t = chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp();
    assert!((now_secs() - t).abs() < 120, "{s}");
}

fn create_hook(api: &Api, agent: &str, url: &str, events: &[&str]) -> (String, String) {
    let r = api.post(
        &format!("/v1/agents/{agent}/webhooks"),
        json!({ "url": url, "events": events }),
    );
    let body = r.json(201);
    (
        body["webhook_id"].as_str().unwrap().to_string(),
        body["signing_secret"].as_str().unwrap().to_string(),
    )
}

fn deliveries(api: &Api) -> Vec<Value> {
    api.get("/_emulator/deliveries").json(200)["deliveries"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn lifecycle_events_are_delivered_signed() {
    let api = Api::start();
    let receiver = Receiver::start();
    let agent = api.create_agent(None);
    let (hook_id, secret) = create_hook(
        &api,
        &agent,
        &receiver.url("/hooks/all"),
        &[
            "run.started",
            "run.completed",
            "run.failed",
            "run.stopped",
            "run.paused",
        ],
    );
    // A second webhook of the same agent, subscribed to completions only.
    let (_, other_secret) = create_hook(
        &api,
        &agent,
        &receiver.url("/hooks/completed"),
        &["run.completed"],
    );
    // A webhook of another agent hears nothing about this agent's runs.
    let stranger = api.create_agent(None);
    create_hook(
        &api,
        &stranger,
        &receiver.url("/hooks/stranger"),
        &["run.started", "run.completed"],
    );

    let run = api.start_run(&agent, "run", "[emulator: outcome=partial]");
    api.wait_run(&agent, &run);
    assert!(
        wait_for(DEADLINE, || receiver.hits("/hooks/all").len() >= 2
            && !receiver.hits("/hooks/completed").is_empty()),
        "deliveries: {:?}",
        deliveries(&api)
    );
    let hits = receiver.hits("/hooks/all");
    assert_eq!(hits.len(), 2);
    let names: Vec<&str> = hits.iter().map(|h| h.header("x-cobb-event")).collect();
    assert_eq!(names, ["run.started", "run.completed"]);
    for hit in &hits {
        // The signature over the raw body with the webhook's secret.
        assert_eq!(
            hit.header("x-cobb-signature"),
            signature(&secret, &hit.body)
        );
        assert_ne!(
            hit.header("x-cobb-signature"),
            signature(&other_secret, &hit.body)
        );
        assert_eq!(hit.header("content-type"), "application/json");
        let body = hit.json();
        assert_eq!(body["event"], hit.header("x-cobb-event"));
        assert_keys(&body, &["data", "event", "timestamp"]);
        assert_seconds_z(&body["timestamp"]);
        assert_eq!(body["data"]["run_id"], run.as_str());
        assert_eq!(body["data"]["agent_id"], agent.as_str());
    }
    let started = hits[0].json();
    assert_keys(&started["data"], &["agent_id", "run_id", "status"]);
    assert_eq!(started["data"]["status"], "in_progress");
    let completed = hits[1].json();
    assert_keys(
        &completed["data"],
        &["agent_id", "finished_at", "outcome", "run_id", "status"],
    );
    assert_eq!(completed["data"]["status"], "completed");
    assert_eq!(completed["data"]["outcome"], "partial");
    assert_seconds_z(&completed["data"]["finished_at"]);

    let only = receiver.hits("/hooks/completed");
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].header("x-cobb-event"), "run.completed");
    assert_eq!(
        only[0].header("x-cobb-signature"),
        signature(&other_secret, &only[0].body)
    );
    assert_eq!(only[0].body, hits[1].body, "one body per lifecycle event");

    // Failed, stopped and paused runs, each with the matching event and status.
    let failed = api.start_run(&agent, "run", "[emulator: error]");
    api.wait_run(&agent, &failed);
    let slow = api.start_run(&agent, "run", "[emulator: events=500 step_ms=20]");
    api.post(&format!("/v1/agents/{agent}/runs/{slow}/cancel"), json!({}))
        .json(200);
    let paused = api.start_run(&agent, "run", "[emulator: pause]");
    api.wait_run(&agent, &paused);
    let expect = |run: &str, event: &str| -> Value {
        let mut found = None;
        assert!(
            wait_for(DEADLINE, || {
                found = receiver.hits("/hooks/all").into_iter().find(|h| {
                    h.header("x-cobb-event") == event && h.json()["data"]["run_id"] == run
                });
                found.is_some()
            }),
            "no {event} for {run}"
        );
        let hit = found.unwrap();
        assert_eq!(
            hit.header("x-cobb-signature"),
            signature(&secret, &hit.body)
        );
        hit.json()
    };
    let f = expect(&failed, "run.failed");
    assert_eq!(f["data"]["status"], "error");
    assert!(f["data"].get("outcome").is_none());
    assert_seconds_z(&f["data"]["finished_at"]);
    let s = expect(&slow, "run.stopped");
    assert_eq!(s["data"]["status"], "stopped");
    assert!(s["data"].get("outcome").is_none());
    assert_seconds_z(&s["data"]["finished_at"]);
    let p = expect(&paused, "run.paused");
    assert_eq!(p["data"]["status"], "paused");
    assert!(p["data"].get("finished_at").is_none());
    for run in [&failed, &slow, &paused] {
        expect(run, "run.started");
    }
    // Give stragglers a moment, then: exactly 2 events per run, nothing for the stranger.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(receiver.hits("/hooks/all").len(), 8);
    assert_eq!(receiver.hits("/hooks/completed").len(), 1);
    assert!(receiver.hits("/hooks/stranger").is_empty());

    // The log: every delivery with its url, event, status and attempts.
    let log = deliveries(&api);
    assert_eq!(log.len(), 9);
    for d in &log {
        assert_eq!(d["delivered"], true, "{d}");
        assert_eq!(d["attempts"], 1, "{d}");
        assert_eq!(d["status"], 200, "{d}");
        assert_eq!(d["error"], Value::Null, "{d}");
        assert_eq!(d["agent_id"], agent.as_str());
        assert!(d["url"].as_str().unwrap().starts_with(&receiver.base));
    }
    let first = &log[0];
    assert_eq!(first["webhook_id"], hook_id.as_str());
    assert_eq!(first["event"], "run.started");
    assert_eq!(
        first["body"].as_str().unwrap().as_bytes(),
        hits[0].body.as_slice()
    );
    assert_eq!(first["signature"], hits[0].header("x-cobb-signature"));
}

#[test]
fn disabled_and_deleted_webhooks_receive_nothing() {
    let api = Api::start();
    let receiver = Receiver::start();
    let agent = api.create_agent(None);
    let events = ["run.started", "run.completed"];
    create_hook(&api, &agent, &receiver.url("/active"), &events);
    let (disabled, _) = create_hook(&api, &agent, &receiver.url("/disabled"), &events);
    let (deleted, _) = create_hook(&api, &agent, &receiver.url("/deleted"), &events);
    let (narrowed, _) = create_hook(&api, &agent, &receiver.url("/narrowed"), &events);
    let hooks = format!("/v1/agents/{agent}/webhooks");
    api.patch(
        &format!("{hooks}/{disabled}"),
        json!({ "status": "disabled" }),
    )
    .json(200);
    api.delete(&format!("{hooks}/{deleted}")).no_content();
    api.patch(
        &format!("{hooks}/{narrowed}"),
        json!({ "events": ["run.failed"] }),
    )
    .json(200);

    let run = api.start_run(&agent, "run", "");
    api.wait_run(&agent, &run);
    assert!(wait_for(DEADLINE, || receiver.hits("/active").len() == 2));
    std::thread::sleep(Duration::from_millis(300));
    let paths: Vec<String> = receiver.all_hits().iter().map(|h| h.path.clone()).collect();
    assert_eq!(paths, ["/active", "/active"]);
    let log = deliveries(&api);
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|d| d["url"] == receiver.url("/active")));

    // Enabled again: it receives the next run's events.
    api.patch(
        &format!("{hooks}/{disabled}"),
        json!({ "status": "active" }),
    )
    .json(200);
    let run = api.start_run(&agent, "run", "");
    api.wait_run(&agent, &run);
    assert!(wait_for(DEADLINE, || receiver.hits("/disabled").len() == 2));
}

#[test]
fn a_failing_receiver_is_retried() {
    let api = Api::start();
    let receiver = Receiver::start();
    receiver.fail_first("/flaky", 2);
    let agent = api.create_agent(None);
    let (_, secret) = create_hook(&api, &agent, &receiver.url("/flaky"), &["run.completed"]);
    let run = api.start_run(&agent, "run", "");
    api.wait_run(&agent, &run);

    // 500, 500, then 200: three attempts of the same signed body.
    assert!(
        wait_for(DEADLINE, || {
            deliveries(&api)
                .first()
                .is_some_and(|d| d["delivered"] == true)
        }),
        "{:?}",
        deliveries(&api)
    );
    let hits = receiver.hits("/flaky");
    assert_eq!(
        hits.iter().map(|h| h.status).collect::<Vec<_>>(),
        [500, 500, 200]
    );
    assert!(hits.iter().all(|h| h.body == hits[0].body));
    assert!(
        hits.iter()
            .all(|h| h.header("x-cobb-signature") == signature(&secret, &hits[0].body))
    );
    let log = deliveries(&api);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["attempts"], 3);
    assert_eq!(log[0]["status"], 200);
    assert_eq!(log[0]["delivered"], true);
    assert_eq!(log[0]["error"], Value::Null);
    assert_eq!(log[0]["event"], "run.completed");
    assert_eq!(log[0]["run_id"], run.as_str());

    // A receiver that always fails: a few attempts, then given up, recorded as such.
    receiver.fail_first("/down", 100);
    let agent2 = api.create_agent(None);
    create_hook(&api, &agent2, &receiver.url("/down"), &["run.started"]);
    api.start_run(&agent2, "run", "");
    assert!(wait_for(DEADLINE, || {
        deliveries(&api)
            .iter()
            .any(|d| d["url"] == receiver.url("/down") && d["attempts"] == 4)
    }));
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(
        receiver.hits("/down").len(),
        4,
        "no attempts after giving up"
    );
    let d = deliveries(&api)
        .into_iter()
        .find(|d| d["url"] == receiver.url("/down"))
        .unwrap();
    assert_eq!(d["delivered"], false);
    assert_eq!(d["status"], 500);
    assert_eq!(d["error"], "receiver answered 500");

    // Nobody listening: connection errors are recorded; API calls are not blocked.
    let gone = Receiver::start();
    let nowhere = gone.url("/nowhere");
    drop(gone);
    let agent3 = api.create_agent(None);
    create_hook(&api, &agent3, &nowhere, &["run.started"]);
    let started = std::time::Instant::now();
    api.start_run(&agent3, "run", "");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(wait_for(DEADLINE, || {
        deliveries(&api)
            .iter()
            .any(|d| d["url"] == nowhere.as_str() && d["attempts"] == 4)
    }));
    let d = deliveries(&api)
        .into_iter()
        .find(|d| d["url"] == nowhere.as_str())
        .unwrap();
    assert_eq!(d["delivered"], false);
    assert_eq!(d["status"], Value::Null);
    assert!(
        d["error"]
            .as_str()
            .unwrap()
            .starts_with("could not reach receiver"),
        "{d}"
    );
}
