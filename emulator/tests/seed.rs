//! `POST /_emulator/seed`: an agent gets many finished runs at once (for paging benchmarks),
//! and the runs list stays correct and fast on deep pages of a long history.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

#[test]
fn seeded_runs_are_listed_newest_first_on_every_page() {
    let api = Api::start();
    let agent = api.create_agent(None);
    let live = api.start_run(&agent, "run", "first [emulator: events=7 step_ms=1]");
    api.wait_run(&agent, &live);
    api.post("/_emulator/seed", json!({ "agent_id": agent, "runs": 250 }))
        .expect(200, json!({ "agent_id": agent, "runs": 251 }));
    assert_eq!(api.state()["runs"], 251);
    assert_eq!(api.state()["runs_started"], 1, "seeding starts no run");

    let mut seen = Vec::new();
    for page in 1..=3 {
        let body = api
            .get(&format!(
                "/v1/agents/{agent}/runs?page={page}&page_size=100"
            ))
            .json(200)
            .clone();
        assert_eq!(body["total_runs"], 251);
        let runs = body["runs"].as_array().unwrap();
        let summaries = body["all_run_summaries"].as_array().unwrap();
        assert_eq!(runs.len(), if page < 3 { 100 } else { 51 });
        for (run, summary) in runs.iter().zip(summaries) {
            assert_eq!(run["run_id"], summary["run_id"]);
            assert_eq!(run["agent_id"], agent);
            assert_eq!(run["status"], "completed");
            assert_eq!(run["is_finished"], true);
            assert_eq!(summary["outcome"], "success");
            assert_uuid_v7(&run["run_id"]);
            assert_timestamp(&run["started_at"]);
            seen.push(run["run_number"].as_u64().unwrap());
        }
    }
    // Newest first: the seeded runs follow the simulated one, numbered on from it.
    assert_eq!(seen, (1..=251).rev().collect::<Vec<_>>());
    let past_the_end = api
        .get(&format!("/v1/agents/{agent}/runs?page=4&page_size=100"))
        .json(200)
        .clone();
    assert_eq!(past_the_end["runs"], json!([]));
    assert_eq!(past_the_end["total_runs"], 251);

    // Filters still apply (and count) across seeded and simulated runs alike.
    let first = api
        .get(&format!(
            "/v1/agents/{agent}/runs?filter_status=completed&page=26&page_size=10"
        ))
        .json(200)
        .clone();
    assert_eq!(first["total_runs"], 251);
    assert_eq!(first["runs"][0]["run_id"], live.as_str());
    let (run, _) = api.run(&agent, &live);
    assert_eq!(run["run_number"], 1);
}

#[test]
fn bad_seeds_are_refused() {
    let api = Api::start();
    let agent = api.create_agent(None);
    api.post("/_emulator/seed", json!({ "agent_id": agent, "runs": 0 }))
        .problem(400, "runs must be between 1 and 1000000");
    api.post("/_emulator/seed", json!({ "agent_id": "nope", "runs": 3 }))
        .problem(403, "you do not have access to this agent");
    let r = api.post(
        "/_emulator/seed",
        json!({ "agent_id": agent, "runs": 3, "colour": "blue" }),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    // Only the start key opens it.
    let (_, other) = api.create_key("x");
    let r = api.call_as(
        Some(&other),
        "POST",
        "/_emulator/seed",
        Some(json!({ "agent_id": agent, "runs": 3 })),
    );
    assert_eq!(r.status, 401);
    assert_eq!(api.state()["runs"], 0);
}

#[test]
fn deep_pages_of_a_long_history_cost_no_more_than_the_first() {
    let api = Api::start();
    let agent = api.create_agent(None);
    api.post(
        "/_emulator/seed",
        json!({ "agent_id": agent, "runs": 100_000 }),
    )
    .json(200);
    let page = |n: u64| {
        let started = Instant::now();
        let body = api
            .get(&format!("/v1/agents/{agent}/runs?page={n}&page_size=100"))
            .json(200)
            .clone();
        assert_eq!(body["runs"].as_array().unwrap().len(), 100);
        assert_eq!(body["runs"][99]["run_number"], 100_000 - n * 100 + 1);
        started.elapsed()
    };
    let best = |n: u64| (0..5).map(|_| page(n)).min().unwrap();
    let (first, last) = (best(1), best(1000));
    // A page is a slice of the history, not a walk through it: the deepest page costs about
    // what the first does (a generous bound; debug builds and busy machines included).
    assert!(
        last < first * 3 + Duration::from_millis(20),
        "page 1 took {first:?}, page 1000 took {last:?}"
    );
}
