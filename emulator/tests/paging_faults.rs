//! The paging switches of PUT /_emulator/faults: `ignore_after_index` (events),
//! `repeat_cursor` (agents) and `inflate_totals` (runs, events) make list answers break the
//! paging contract exactly as documented, only within `route`/`methods`/`times`, and are
//! counted in GET /_emulator/faults.

mod common;

use common::*;
use serde_json::{Value, json};

/// 2^63, the total `inflate_totals` reports.
const INFLATED: u64 = 9_223_372_036_854_775_808;

fn set_faults(api: &Api, config: Value) {
    api.put("/_emulator/faults", config)
        .expect(200, json!({ "success": true }));
}

fn stats(api: &Api) -> Value {
    api.get("/_emulator/faults").json(200)["stats"].clone()
}

fn indexes(page: &Value) -> Vec<u64> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_index"].as_u64().unwrap())
        .collect()
}

fn agent_ids(page: &Value) -> Vec<String> {
    page["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agent_id"].as_str().unwrap().to_string())
        .collect()
}

fn run_ids(page: &Value) -> Vec<String> {
    page["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["run_id"].as_str().unwrap().to_string())
        .collect()
}

/// An agent with one finished run of `events` events; returns (agent, run, every index).
fn finished_run(api: &Api, events: usize) -> (String, String, Vec<u64>) {
    let agent = api.create_agent(None);
    let run = api.start_run(
        &agent,
        "run",
        &format!("[emulator: events={events} step_ms=1]"),
    );
    api.wait_run(&agent, &run);
    let all = api
        .get(&format!("/v1/agents/{agent}/runs/{run}/events"))
        .json(200)
        .clone();
    let all = indexes(&all);
    assert_eq!(all.len(), events);
    (agent, run, all)
}

#[test]
fn the_switches_are_off_by_default_shown_and_cleared() {
    let api = Api::start();
    let f = api.get("/_emulator/faults").json(200).clone();
    for switch in ["ignore_after_index", "repeat_cursor", "inflate_totals"] {
        assert_eq!(f["config"][switch], false, "{f}");
    }
    for stat in ["ignored_after_index", "repeated_cursors", "inflated_totals"] {
        assert_eq!(f["stats"][stat], 0, "{f}");
    }
    set_faults(
        &api,
        json!({ "ignore_after_index": true, "repeat_cursor": true, "inflate_totals": true }),
    );
    let f = api.get("/_emulator/faults").json(200).clone();
    for switch in ["ignore_after_index", "repeat_cursor", "inflate_totals"] {
        assert_eq!(f["config"][switch], true, "{f}");
    }
    // Booleans only: anything else is refused like any malformed configuration.
    let text = api
        .put("/_emulator/faults", json!({ "repeat_cursor": 1 }))
        .plain(422)
        .to_string();
    assert!(text.contains("repeat_cursor"), "{text}");
    api.delete("/_emulator/faults")
        .expect(200, json!({ "success": true }));
    assert_eq!(
        api.get("/_emulator/faults").json(200)["config"]["repeat_cursor"],
        false
    );
}

#[test]
fn ignore_after_index_answers_from_the_first_event() {
    let api = Api::start();
    let (agent, run, all) = finished_run(&api, 12);
    let events = format!("/v1/agents/{agent}/runs/{run}/events");
    let after = |i: u64, limit: u32| format!("{events}?after_index={i}&limit={limit}");

    set_faults(&api, json!({ "ignore_after_index": true }));
    // i64::MAX: the largest after_index the live document allows (int64, minimum 0).
    for i in [all[2], all[10], all[11], i64::MAX as u64] {
        let page = api.get(&after(i, 3)).json(200).clone();
        assert_eq!(indexes(&page), all[..3], "after_index={i}: {page}");
        assert_eq!(page["total_count"], 12, "only the index is ignored");
    }
    let page = api
        .get(&format!("{events}?after_index={}", all[5]))
        .json(200)
        .clone();
    assert_eq!(indexes(&page), all, "the whole run again");
    assert_eq!(stats(&api)["ignored_after_index"], 5);
    assert_eq!(stats(&api)["inflated_totals"], 0);

    // `times`: the next request only; then after_index is honoured again.
    set_faults(&api, json!({ "ignore_after_index": true, "times": 1 }));
    assert_eq!(indexes(api.get(&after(all[8], 3)).json(200)), all[..3]);
    assert_eq!(indexes(api.get(&after(all[8], 3)).json(200)), all[9..12]);
    assert_eq!(stats(&api)["ignored_after_index"], 1);

    // `route`: another run's events are not affected.
    set_faults(
        &api,
        json!({ "ignore_after_index": true, "route": format!("/v1/agents/{agent}/runs/other") }),
    );
    assert_eq!(indexes(api.get(&after(all[8], 3)).json(200)), all[9..12]);
    assert_eq!(stats(&api)["ignored_after_index"], 0);

    // `methods`: only GET is listed, so a POST-only fault never applies.
    set_faults(
        &api,
        json!({ "ignore_after_index": true, "methods": ["POST"] }),
    );
    assert_eq!(indexes(api.get(&after(all[8], 3)).json(200)), all[9..12]);

    // Off: the normal paging.
    api.delete("/_emulator/faults").json(200);
    assert_eq!(indexes(api.get(&after(all[2], 3)).json(200)), all[3..6]);
}

#[test]
fn repeat_cursor_always_gives_the_first_page_and_the_same_cursor() {
    let api = Api::start();
    let agents: Vec<String> = (0..3).map(|_| api.create_agent(None)).collect();
    let newest_first: Vec<String> = agents.iter().rev().cloned().collect();

    // The normal walk, for reference: two pages, the second without a cursor.
    let first = api.get("/v1/agents?limit=2").json(200).clone();
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let second = api
        .get(&format!("/v1/agents?limit=2&cursor={cursor}"))
        .json(200)
        .clone();
    assert_eq!(agent_ids(&second), newest_first[2..]);
    assert_keys(&second, &["agents"]);

    set_faults(&api, json!({ "repeat_cursor": true }));
    let mut next = String::new();
    for round in 0..5 {
        let path = if round == 0 {
            "/v1/agents?limit=2".to_string()
        } else {
            format!("/v1/agents?limit=2&cursor={next}")
        };
        let page = api.get(&path).json(200).clone();
        assert_eq!(agent_ids(&page), newest_first[..2], "round {round}: {page}");
        assert_eq!(page["next_cursor"], cursor.as_str(), "round {round}");
        next = cursor.clone();
    }
    // A cursor of any kind, even one that is not valid, is ignored.
    let page = api.get("/v1/agents?limit=2&cursor=zz").json(200).clone();
    assert_eq!(agent_ids(&page), newest_first[..2]);
    assert_eq!(page["next_cursor"], cursor.as_str());
    // Even when every agent fits on the page, the cursor is there, always the same one.
    let all_a = api.get("/v1/agents?limit=10").json(200).clone();
    let all_b = api
        .get(&format!(
            "/v1/agents?limit=10&cursor={}",
            all_a["next_cursor"].as_str().unwrap()
        ))
        .json(200)
        .clone();
    assert_eq!(agent_ids(&all_a), newest_first);
    assert_eq!(agent_ids(&all_b), newest_first);
    assert!(all_a["next_cursor"].is_string());
    assert_eq!(all_a["next_cursor"], all_b["next_cursor"]);
    assert_eq!(stats(&api)["repeated_cursors"], 8);

    // `times`: two answers repeat, then the cursor leads on as usual.
    set_faults(&api, json!({ "repeat_cursor": true, "times": 2 }));
    for _ in 0..2 {
        let page = api
            .get(&format!("/v1/agents?limit=2&cursor={cursor}"))
            .json(200)
            .clone();
        assert_eq!(page["next_cursor"], cursor.as_str());
    }
    let page = api
        .get(&format!("/v1/agents?limit=2&cursor={cursor}"))
        .json(200)
        .clone();
    assert_eq!(agent_ids(&page), newest_first[2..]);
    assert_keys(&page, &["agents"]);

    // `route`: the other lists are not affected, and neither are agents when scoped away.
    set_faults(
        &api,
        json!({ "repeat_cursor": true, "route": "/v1/workspaces" }),
    );
    let page = api
        .get(&format!("/v1/agents?limit=2&cursor={cursor}"))
        .json(200)
        .clone();
    assert_keys(&page, &["agents"]);
    assert_eq!(stats(&api)["repeated_cursors"], 0);

    // With no agent at all the cursor is still there.
    api.post("/_emulator/reset", json!({})).json(200);
    set_faults(&api, json!({ "repeat_cursor": true }));
    let empty = api.get("/v1/agents").json(200).clone();
    assert_eq!(agent_ids(&empty), Vec::<String>::new());
    assert!(empty["next_cursor"].is_string(), "{empty}");
}

#[test]
fn inflate_totals_reports_two_to_the_63_and_repeats_page_one() {
    let api = Api::start();
    let agent = api.create_agent(None);
    api.post("/_emulator/seed", json!({ "agent_id": agent, "runs": 5 }))
        .json(200);
    let runs = format!("/v1/agents/{agent}/runs");
    let (agent2, run2, all) = finished_run(&api, 9);
    let normal_first = api
        .get(&format!("{runs}?page_size=2&page=1"))
        .json(200)
        .clone();
    let normal_second = api
        .get(&format!("{runs}?page_size=2&page=2"))
        .json(200)
        .clone();
    assert_ne!(run_ids(&normal_first), run_ids(&normal_second));
    assert_eq!(normal_first["total_runs"], 5);

    set_faults(&api, json!({ "inflate_totals": true }));
    // i32::MAX: the largest page the live document allows (int32, minimum 0).
    for page in [1u64, 2, 3, 4, 1000, i32::MAX as u64] {
        let r = api.get(&format!("{runs}?page_size=2&page={page}"));
        let body = r.json(200);
        assert_eq!(run_ids(body), run_ids(&normal_first), "page {page}");
        assert_eq!(body["page"], page, "the page asked for is echoed");
        assert_eq!(body["page_size"], 2);
        assert_eq!(body["total_runs"].as_u64(), Some(INFLATED), "page {page}");
        assert_eq!(body["all_run_summaries"].as_array().unwrap().len(), 2);
        // A plain JSON number, one more than i64::MAX.
        assert!(
            r.text.contains("\"total_runs\":9223372036854775808"),
            "{}",
            r.text
        );
    }
    // Filters still apply: a filtered list is filtered page 1.
    let one = &run_ids(&normal_second)[0];
    let filtered = api
        .get(&format!("{runs}?filter_run_id={one}&page=3"))
        .json(200)
        .clone();
    assert_eq!(run_ids(&filtered), std::slice::from_ref(one));
    assert_eq!(filtered["total_runs"].as_u64(), Some(INFLATED));
    assert_eq!(stats(&api)["inflated_totals"], 7);

    // Events: the total is inflated, the events themselves page as usual.
    let events = format!("/v1/agents/{agent2}/runs/{run2}/events");
    let r = api.get(&format!("{events}?limit=4"));
    assert_eq!(indexes(r.json(200)), all[..4]);
    assert!(
        r.text.ends_with(",\"total_count\":9223372036854775808}"),
        "{}",
        r.text
    );
    let rest = api
        .get(&format!("{events}?after_index={}", all[3]))
        .json(200)
        .clone();
    assert_eq!(indexes(&rest), all[4..]);
    assert_eq!(rest["total_count"].as_u64(), Some(INFLATED));
    let past_the_end = api
        .get(&format!("{events}?after_index={}", all[8]))
        .json(200)
        .clone();
    assert_eq!(indexes(&past_the_end), Vec::<u64>::new());
    assert_eq!(past_the_end["total_count"].as_u64(), Some(INFLATED));

    // Both switches: the first page again, with the inflated total.
    set_faults(
        &api,
        json!({ "inflate_totals": true, "ignore_after_index": true }),
    );
    let again = api
        .get(&format!("{events}?after_index={}", all[8]))
        .json(200)
        .clone();
    assert_eq!(indexes(&again), all);
    assert_eq!(again["total_count"].as_u64(), Some(INFLATED));

    // `times` and `methods` scope it like the other faults.
    set_faults(&api, json!({ "inflate_totals": true, "times": 1 }));
    assert_eq!(
        api.get(&format!("{runs}?page_size=2&page=2")).json(200)["total_runs"].as_u64(),
        Some(INFLATED)
    );
    let after = api
        .get(&format!("{runs}?page_size=2&page=2"))
        .json(200)
        .clone();
    assert_eq!(after["total_runs"], 5);
    assert_eq!(run_ids(&after), run_ids(&normal_second));
    set_faults(
        &api,
        json!({ "inflate_totals": true, "methods": ["DELETE"] }),
    );
    assert_eq!(
        api.get(&format!("{runs}?page_size=2&page=2")).json(200)["total_runs"],
        5
    );
}
