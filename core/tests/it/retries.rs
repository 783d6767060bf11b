use std::time::{Duration, Instant};

use serde_json::json;
use twin_core::{Error, RunStartParams};

use crate::common::env;

#[test]
fn a_503_is_retried_for_get_but_never_for_run_start() {
    let env = env();
    let agent = env.agent().agent_id;
    let c = env.client_with(2, Duration::from_secs(20));

    env.faults(json!({ "error_rate": 1.0, "error_status": 503, "times": 2 }));
    c.agents().get(&agent).expect("third attempt succeeds");
    assert_eq!(env.fault_stats()["errors"], 2);

    env.faults(json!({ "error_rate": 1.0, "error_status": 503, "times": 1, "methods": ["POST"] }));
    let e = c
        .runs()
        .start(&agent, &RunStartParams::default())
        .unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(
        env.admin("GET", "/_emulator/state", None)["runs_started"],
        0,
        "the POST was sent once"
    );
}

#[test]
fn a_429_to_run_start_is_not_sent_again() {
    // Nothing says a 429 was not acted on: a run start is never repeated after one.
    let env = env();
    let agent = env.agent().agent_id;
    let c = env.client_with(2, Duration::from_secs(20));
    env.faults(json!({ "rate_limit_rate": 1.0, "retry_after": 1, "times": 1 }));
    let e = c
        .runs()
        .start(&agent, &RunStartParams::default())
        .unwrap_err();
    assert!(e.is_rate_limited(), "{e:?}");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(1)));
    assert!(
        !e.maybe_sent(),
        "a 429 is an answer, not an ambiguous failure"
    );
    assert_eq!(
        env.fault_stats()["rate_limited"],
        1,
        "the POST was sent once"
    );
}

#[test]
fn a_429_is_retried_after_retry_after_for_safe_calls() {
    let env = env();
    let c = env.client_with(2, Duration::from_secs(20));
    env.faults(json!({ "rate_limit_rate": 1.0, "retry_after": 1, "times": 1 }));
    let started = Instant::now();
    c.me().unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
}

#[test]
fn retry_after_zero_still_pauses_for_the_backoff() {
    let env = env();
    let c = env.client_with(2, Duration::from_secs(20));
    env.faults(json!({ "rate_limit_rate": 1.0, "retry_after": 0 }));
    let started = Instant::now();
    let e = c.me().unwrap_err();
    assert!(e.is_rate_limited(), "{e:?}");
    assert_eq!(
        env.fault_stats()["rate_limited"],
        3,
        "one try and two retries"
    );
    // Two pauses of at least half the backoff each: 250 ms, then 500 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(750),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn exhausted_retries_report_the_last_answer_with_its_problem() {
    let env = env();
    let c = env.client_with(1, Duration::from_secs(20));
    env.faults(json!({ "rate_limit_rate": 1.0, "retry_after": 0 }));
    let e = c.me().unwrap_err();
    assert!(e.is_rate_limited(), "{e:?}");
    assert_eq!(e.retry_after(), Some(Duration::ZERO));
    assert_eq!(
        env.fault_stats()["rate_limited"],
        2,
        "one try and one retry"
    );
}

#[test]
fn dropped_connections_and_cut_bodies_are_retried_for_safe_calls() {
    let env = env();
    let c = env.client_with(3, Duration::from_secs(20));
    env.faults(json!({ "drop_rate": 1.0, "times": 2 }));
    c.me().expect("dropped twice, then answered");
    env.faults(json!({ "truncate_rate": 1.0, "times": 1 }));
    c.workspaces().list().expect("cut once, then whole");
    env.faults(json!({ "truncate_rate": 1.0, "times": 1, "methods": ["POST"] }));
    let e = c.workspaces().create("maybe").unwrap_err();
    assert!(matches!(e, Error::Connection { .. }), "{e:?}");
}

#[test]
fn the_deadline_bounds_the_whole_call() {
    let env = env();
    let c = env.client_with(10, Duration::from_millis(1500));
    env.faults(json!({ "error_rate": 1.0, "error_status": 503, "latency_ms": 200 }));
    let started = Instant::now();
    let e = c.me().unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert!(
        matches!(e, Error::Api { status: 503, .. } | Error::Timeout { .. }),
        "{e:?}"
    );
}

#[test]
fn creating_with_an_explicit_id_survives_a_lost_answer() {
    let env = env();
    let c = env.client_with(2, Duration::from_secs(20));
    // Each create loses its first answer: before the service saw it, or after it created the
    // agent (then the retry meets a 409, which is our own agent and is read back).
    for i in 0..8 {
        env.faults(json!({ "drop_rate": 1.0, "times": 1, "methods": ["POST"] }));
        let id = format!("lost-answer-{i}");
        let p = twin_core::AgentCreateParams::default().agent_id(id.clone());
        assert_eq!(c.agents().create(&p).unwrap().agent_id, id);
    }
    // A genuine conflict, with no earlier attempt, is still an error.
    let p = twin_core::AgentCreateParams::default().agent_id("lost-answer-0");
    assert_eq!(c.agents().create(&p).unwrap_err().status(), Some(409));
}

#[test]
fn a_delete_whose_answer_was_lost_succeeds_on_retry() {
    let env = env();
    let c = env.client_with(2, Duration::from_secs(20));
    for _ in 0..6 {
        let agent = env.agent().agent_id;
        env.faults(json!({ "drop_rate": 1.0, "times": 1, "methods": ["DELETE"] }));
        c.agents()
            .delete(&agent)
            .expect("gone, whichever attempt did it");
        assert!(c.agents().get(&agent).unwrap_err().is_not_found());
        // Without an earlier attempt, deleting what is not there is still an error.
        assert_eq!(c.agents().delete(&agent).unwrap_err().status(), Some(403));
    }
}
