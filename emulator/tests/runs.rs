//! Simulated runs over HTTP: a run followed to `Finished`, event paging (after_index,
//! limit, the 500 cap), the runs list (paging, every filter, summaries), the agent's
//! latest_run_* fields, scripted runs (outcomes, pause, error), cancel, and schedules that
//! fire.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

fn indices(events: &[Value]) -> Vec<u64> {
    events
        .iter()
        .map(|e| e["event_index"].as_u64().unwrap())
        .collect()
}

#[test]
fn a_run_followed_from_start_to_finished() {
    let api = Api::start();
    let agent = api.create_agent(None);
    let created = api.get(&format!("/v1/agents/{agent}")).json(200)["agent"].clone();
    let message = "Write a haiku about loopback";
    let run = api.start_run(
        &agent,
        "run",
        &format!("{message} [emulator: events=60 step_ms=20]"),
    );

    // While it runs, the agent says so.
    let a = api.get(&format!("/v1/agents/{agent}")).json(200)["agent"].clone();
    assert_eq!(a["has_runs"], true);
    assert_eq!(a["latest_run_id"], run.as_str());
    assert_eq!(a["latest_run_status"], "in_progress");
    assert_eq!(a["latest_run_is_finished"], false);
    assert_eq!(a["latest_run_has_pending_input"], false);
    let (listed, summary) = api.run(&agent, &run);
    assert_eq!(listed["status"], "in_progress");
    assert_eq!(listed["is_finished"], false);
    assert_eq!(summary["run_phase"], "running");
    assert_eq!(summary["outcome"], Value::Null);

    let events = api.follow_events(&agent, &run, "Finished");
    assert_eq!(events.len(), 60);

    // Shape of every item.
    for e in &events {
        assert_keys(e, &["event", "event_index", "recorded_at"]);
        assert_timestamp(&e["recorded_at"]);
        let inner = &e["event"];
        assert_keys(inner, &["agent_id", "event", "run_id", "user_id"]);
        assert_eq!(inner["agent_id"], json!({ "id": agent }));
        assert_eq!(inner["run_id"], json!({ "id": run }));
        assert_eq!(inner["user_id"], Value::Null);
        assert_keys(&inner["event"], &["event"]);
        let t = event_type(e);
        assert!(t.chars().next().unwrap().is_ascii_uppercase(), "{t}");
    }
    // event_index strictly increasing, with gaps.
    let idx = indices(&events);
    assert!(idx.windows(2).all(|w| w[1] > w[0]), "{idx:?}");
    assert!(idx.windows(2).any(|w| w[1] - w[0] > 1), "sparse: {idx:?}");
    assert!(idx[0] > 1_000_000, "large global index");

    // Order of types.
    let types: Vec<String> = events.iter().map(event_type).collect();
    assert_eq!(types[0], "Started");
    assert_eq!(types[1], "RunPolicyInitialized");
    assert_eq!(types.last().unwrap(), "Finished");
    for t in [
        "PolicyDecisionRequested",
        "PolicyDecided",
        "ToolCallStarted",
        "ToolCallResolved",
    ] {
        assert!(types.iter().any(|x| x == t), "{t} in {types:?}");
    }
    let started = event_payload(&events[0]);
    assert_eq!(started["agent_id"], agent.as_str());
    assert_eq!(
        started["run_id"],
        json!({ "id": run }),
        "as in real Started events"
    );
    assert_eq!(started["user_info"]["email"], twin_emulator::USER_EMAIL);
    // Re-stamped real events: RunPolicyInitialized again at every decision, tool output
    // summaries, no builder-only StreamStarted in run mode.
    assert!(
        types
            .iter()
            .filter(|t| *t == "RunPolicyInitialized")
            .count()
            > 1
    );
    assert!(types.iter().any(|t| t == "ToolOutputSummary"), "{types:?}");
    assert!(!types.iter().any(|t| t == "StreamStarted"), "{types:?}");
    assert_eq!(
        started["user_message"], message,
        "the directive is not shown"
    );
    let init = event_payload(&events[1]);
    assert_eq!(init["policy_type"], "runner_v2");
    // PolicyDecided: usage always; assistant messages in most (real ones may have none).
    let decided: Vec<&Value> = events
        .iter()
        .filter(|e| event_type(e) == "PolicyDecided")
        .map(event_payload)
        .collect();
    assert!(
        decided
            .iter()
            .all(|d| d["usage"]["total_tokens"].is_number())
    );
    assert!(decided.iter().all(|d| d["messages"].is_array()));
    assert!(
        decided
            .iter()
            .any(|d| { d["messages"][0]["content"][0]["content"]["Text"]["text"].is_string() })
    );

    // The latest llm ToolCallResolved carries the answer in a Value tree.
    let llm = events
        .iter()
        .rev()
        .find(|e| event_type(e) == "ToolCallResolved" && event_payload(e)["tool_name"] == "llm")
        .expect("an llm tool call");
    let output = decode_value(&event_payload(llm)["output"]);
    assert_eq!(
        output,
        json!({ "answer": format!("Done: {message}"), "outcome": "success" })
    );
    // Tool calls pair up: every resolved call_id was started.
    for e in events
        .iter()
        .filter(|e| event_type(e) == "ToolCallResolved")
    {
        let call = &event_payload(e)["call_id"];
        assert!(
            events
                .iter()
                .any(|s| event_type(s) == "ToolCallStarted" && &event_payload(s)["call_id"] == call)
        );
    }
    assert_eq!(event_payload(events.last().unwrap())["status"], "completed");

    // The run, its summary and the agent follow.
    let (listed, summary) = api.wait_run(&agent, &run);
    assert_eq!(listed["status"], "completed");
    assert_eq!(listed["is_finished"], true);
    assert_eq!(summary["outcome"], "success");
    assert_eq!(summary["is_finished"], true);
    assert_eq!(summary["is_paused"], false);
    assert_eq!(summary["run_phase"], "finished");
    assert_eq!(summary["credits_consumed"], 15, "ceil(60 / 4)");
    assert!(summary["total_action_count"].as_u64().unwrap() >= 1);
    assert!(nanos(&listed["last_event_at"]) > nanos(&listed["started_at"]));
    let a = api.get(&format!("/v1/agents/{agent}")).json(200)["agent"].clone();
    assert_eq!(a["latest_run_status"], "completed");
    assert_eq!(a["latest_run_is_finished"], true);
    assert!(nanos(&a["last_activity_at"]) > nanos(&created["last_activity_at"]));

    // Nothing more arrives after Finished.
    let last = idx.last().unwrap();
    let r = api.get(&format!(
        "/v1/agents/{agent}/runs/{run}/events?after_index={last}"
    ));
    r.expect(200, json!({ "events": [], "total_count": 60 }));
}

#[test]
fn events_page_with_after_index_and_limit_across_the_500_cap() {
    let api = Api::start();
    let agent = api.create_agent(None);
    let run = api.start_run(&agent, "build", "[emulator: events=1200 step_ms=1]");
    let base = format!("/v1/agents/{agent}/runs/{run}/events");

    // Followed while it runs: pages of at most 500, nothing lost, nothing repeated.
    let followed = api.follow_events(&agent, &run, "Finished");
    assert_eq!(followed.len(), 1200);
    let idx = indices(&followed);
    assert!(idx.windows(2).all(|w| w[1] > w[0]));

    // Once finished: the first page is capped at 500 and total_count is the run's total.
    let first = api.get(&base).json(200).clone();
    assert_keys(&first, &["events", "total_count"]);
    assert_eq!(first["total_count"], 1200);
    assert_eq!(indices(first["events"].as_array().unwrap()), idx[..500]);
    let clamped = api.get(&format!("{base}?limit=5000")).json(200).clone();
    assert_eq!(clamped["events"].as_array().unwrap().len(), 500);
    let small = api.get(&format!("{base}?limit=7")).json(200).clone();
    assert_eq!(indices(small["events"].as_array().unwrap()), idx[..7]);
    assert_eq!(small["total_count"], 1200);

    // after_index is strictly greater.
    let page = |after: u64, limit: usize| -> Vec<u64> {
        let r = api.get(&format!("{base}?after_index={after}&limit={limit}"));
        indices(r.json(200)["events"].as_array().unwrap())
    };
    assert_eq!(page(idx[499], 500), idx[500..1000]);
    assert_eq!(page(idx[999], 500), idx[1000..]);
    assert_eq!(page(idx[1199], 500), Vec::<u64>::new());
    assert_eq!(page(idx[0], 3), idx[1..4]);
    // An after_index inside a gap starts at the next real index.
    let k = idx.windows(2).position(|w| w[1] - w[0] > 1).expect("a gap");
    assert_eq!(page(idx[k] + 1, 2), idx[k + 1..k + 3]);
    // after_index is an int64: one past i64::MAX is axum's Query rejection.
    api.get(&format!("{base}?after_index=9223372036854775808"))
        .plain(400);
    assert_eq!(page(i64::MAX as u64, 5), Vec::<u64>::new());
    // A count (the DUMP user's mistake) is below every index: the first page again.
    assert_eq!(page(500, 500), idx[..500]);
    assert_eq!(page(0, 500), idx[..500]);

    // Builder runs: builder policy everywhere.
    assert_eq!(event_payload(&followed[1])["policy_type"], "builder_v3");
    assert_eq!(
        event_payload(&followed[0])["policy_type_info"]["AgentPolicyInfo"]["run_mode"],
        1
    );
    let (listed, summary) = api.wait_run(&agent, &run);
    assert_eq!(listed["policy_type"], "builder_v3");
    assert_eq!(summary["credits_consumed"], 300);

    // Indices are global across runs: a later run's are all larger.
    let second = api.start_run(&agent, "run", "");
    let later = api.follow_events(&agent, &second, "Finished");
    assert_eq!(later.len(), 8, "default run length");
    assert!(indices(&later)[0] > *idx.last().unwrap());
    let output = decode_value(
        &event_payload(
            later
                .iter()
                .rev()
                .find(|e| event_type(e) == "ToolCallResolved")
                .unwrap(),
        )["output"],
    );
    assert_eq!(
        output["answer"],
        "Done. Nothing was asked, so nothing was changed."
    );
}

#[test]
fn runs_list_pages_and_filters() {
    let api = Api::start();
    let agent = api.create_agent(None);
    let runs = format!("/v1/agents/{agent}/runs");
    let mut ids = Vec::new();
    for (mode, outcome) in [
        ("run", "success"),
        ("run", "partial"),
        ("build", "success"),
        ("run", "fail"),
        ("build", "partial"),
    ] {
        ids.push(api.start_run(&agent, mode, &format!("[emulator: outcome={outcome}]")));
        std::thread::sleep(Duration::from_millis(2));
    }
    for id in &ids {
        api.wait_run(&agent, id);
    }

    // Default page: everything, newest first; summaries in the same order.
    let all = api.get(&runs).json(200).clone();
    assert_keys(
        &all,
        &[
            "all_run_summaries",
            "page",
            "page_size",
            "runs",
            "total_runs",
        ],
    );
    assert_eq!(
        (
            all["page"].as_u64(),
            all["page_size"].as_u64(),
            all["total_runs"].as_u64()
        ),
        (Some(1), Some(100), Some(5))
    );
    let listed: Vec<&str> = all["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["run_id"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = ids.iter().rev().map(String::as_str).collect();
    assert_eq!(listed, expected);
    let summarised: Vec<&str> = all["all_run_summaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["run_id"].as_str().unwrap())
        .collect();
    assert_eq!(summarised, expected);
    let numbers: Vec<u64> = all["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["run_number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [5, 4, 3, 2, 1]);
    let outcomes: Vec<&str> = all["all_run_summaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["partial", "fail", "success", "partial", "success"]
    );
    assert!(
        all["runs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "completed"),
        "every outcome completes"
    );
    let started: Vec<Value> = all["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["started_at"].clone())
        .collect();

    // Paging: 1-based, page_size honoured, total_runs the filtered total.
    let page = |query: &str| api.get(&format!("{runs}?{query}")).json(200).clone();
    let ids_of = |body: &Value| -> Vec<String> {
        let runs: Vec<String> = body["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["run_id"].as_str().unwrap().to_string())
            .collect();
        let sums: Vec<String> = body["all_run_summaries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["run_id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(runs, sums);
        runs
    };
    let p1 = page("page=1&page_size=2");
    assert_eq!(
        (
            p1["page"].as_u64(),
            p1["page_size"].as_u64(),
            p1["total_runs"].as_u64()
        ),
        (Some(1), Some(2), Some(5))
    );
    assert_eq!(ids_of(&p1), [ids[4].clone(), ids[3].clone()]);
    let p2 = page("page=2&page_size=2");
    assert_eq!(ids_of(&p2), [ids[2].clone(), ids[1].clone()]);
    let p3 = page("page=3&page_size=2");
    assert_eq!(ids_of(&p3), [ids[0].clone()]);
    let p4 = page("page=4&page_size=2");
    assert_eq!(ids_of(&p4), Vec::<String>::new());
    assert_eq!(p4["total_runs"], 5);
    assert_eq!(ids_of(&page("page_size=1")), [ids[4].clone()]);

    // Every filter.
    let count = |query: &str| page(query)["total_runs"].as_u64().unwrap();
    assert_eq!(count("filter_status=completed"), 5);
    assert_eq!(count("filter_status=in_progress"), 0);
    assert_eq!(count("filter_status=finished"), 0, "not a real status");
    let one = page(&format!("filter_run_id={}", ids[2]));
    assert_eq!(ids_of(&one), [ids[2].clone()]);
    assert_eq!(count("filter_run_id=placeholder-run"), 0);
    assert_eq!(count("filter_policy_type=runner_v2"), 3);
    assert_eq!(count("filter_policy_type=builder_v3"), 2);
    assert_eq!(
        ids_of(&page("filter_policy_type=builder_v3")),
        [ids[4].clone(), ids[2].clone()]
    );
    assert_eq!(count("filter_policy_group=runner"), 3);
    assert_eq!(count("filter_policy_group=builder"), 2);
    assert_eq!(
        count("filter_policy_group=builder&filter_policy_type=runner_v2"),
        0
    );
    // started_at bounds are inclusive; both +00:00 and Z forms are accepted.
    let t_third = started[2].as_str().unwrap(); // ids[2]
    let after = page(&format!("filter_started_after={}", q(t_third)));
    assert_eq!(
        ids_of(&after),
        [ids[4].clone(), ids[3].clone(), ids[2].clone()]
    );
    let before = page(&format!("filter_started_before={}", q(t_third)));
    assert_eq!(
        ids_of(&before),
        [ids[2].clone(), ids[1].clone(), ids[0].clone()]
    );
    let z = t_third.replace("+00:00", "Z");
    assert_eq!(
        ids_of(&page(&format!("filter_started_after={}", q(&z)))).len(),
        3
    );
    let both = page(&format!(
        "filter_started_after={}&filter_started_before={}&filter_policy_group=runner",
        q(started[3].as_str().unwrap()),
        q(started[1].as_str().unwrap())
    ));
    assert_eq!(ids_of(&both), [ids[3].clone(), ids[1].clone()]);
    assert_eq!(count("filter_started_after=2999-01-01T00:00:00Z"), 0);
    assert_eq!(count("filter_started_before=2000-01-01T00:00:00Z"), 0);
    // ISO-8601 dates alone mean midnight UTC.
    assert_eq!(count("filter_started_after=2000-01-01"), 5);
    assert_eq!(count("filter_started_before=2000-01-01"), 0);

    // filter_user_email: the starting key's user's; filter_goal: the goal, empty as live.
    assert_eq!(all["runs"][0]["user_email"], twin_emulator::USER_EMAIL);
    assert_eq!(
        count(&format!(
            "filter_user_email={}",
            q(twin_emulator::USER_EMAIL)
        )),
        5
    );
    assert_eq!(count("filter_user_email=someone%40example.com"), 0);
    assert_eq!(count("filter_goal="), 5);
    assert_eq!(count("filter_goal=anything"), 0);
    assert_eq!(
        count(&format!(
            "filter_user_email={}&filter_policy_group=builder",
            q(twin_emulator::USER_EMAIL)
        )),
        2
    );
    // A filter the emulator does not know is refused, never ignored.
    let detail = api
        .get(&format!("{runs}?filter_outcome=success"))
        .problem_status(400);
    assert!(
        detail.starts_with("filter_outcome is not a filter of the runs list"),
        "{detail}"
    );

    // page 0 reads as 1, page_size is clamped to 1..=1000: the answer says what was used.
    let zero = page("page=0&page_size=0");
    assert_eq!(
        (zero["page"].as_u64(), zero["page_size"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(ids_of(&zero), [ids[4].clone()]);
    assert_eq!(page("page_size=5000")["page_size"], 1000);

    // Integers beyond the live document's int32 are axum's Query rejection (400 text/plain).
    let text = api
        .get(&format!("{runs}?page_size=2147483648"))
        .plain(400)
        .to_string();
    assert!(
        text.starts_with("Failed to deserialize query string"),
        "{text}"
    );
    assert_eq!(page("page_size=2147483647")["page_size"], 1000);

    // Bad parameters: 400 problems.
    api.get(&format!("{runs}?filter_started_after=yesterday"))
        .problem(
            400,
            "filter_started_after must be an ISO-8601 date or timestamp",
        );
    api.get(&format!("{runs}?filter_started_before=2026-13-01"))
        .problem(
            400,
            "filter_started_before must be an ISO-8601 date or timestamp",
        );
}

#[test]
fn scripted_outcomes_pause_and_error() {
    let api = Api::start();

    // outcome=partial / fail: still "completed", the outcome in the summary.
    for outcome in ["partial", "fail"] {
        let agent = api.create_agent(None);
        let run = api.start_run(
            &agent,
            "run",
            &format!("[emulator: outcome={outcome} events=12 step_ms=5]"),
        );
        let events = api.follow_events(&agent, &run, "Finished");
        assert_eq!(events.len(), 12);
        assert_eq!(event_payload(events.last().unwrap())["outcome"], outcome);
        // Only a successful run carries an answer (the llm call final_output() reads).
        assert!(
            !events
                .iter()
                .any(|e| event_payload(e)["tool_name"] == "llm"),
            "no llm call in a {outcome} run"
        );
        let (listed, summary) = api.wait_run(&agent, &run);
        assert_eq!(listed["status"], "completed");
        assert_eq!(summary["outcome"], outcome);
        assert_eq!(summary["credits_consumed"], 3);
        let a = api.get(&format!("/v1/agents/{agent}")).json(200)["agent"].clone();
        assert_eq!(a["latest_run_status"], "completed");
    }

    // pause: paused, not finished, pending input on the agent.
    let agent = api.create_agent(None);
    let run = api.start_run(&agent, "run", "[emulator: pause]");
    let events = api.follow_events(&agent, &run, "UserInfoRequested");
    // The real present_options pair: PolicyDecided with RequestUserInfo, then
    // UserInfoRequested with the same request id (its originating_tool_name null, as live).
    let asked = event_payload(events.last().unwrap());
    assert_eq!(asked["originating_tool_name"], Value::Null);
    assert_eq!(asked["request_id"], asked["call_id"]);
    let decided = event_payload(&events[events.len() - 2]);
    assert_eq!(
        decided["commands"][0]["payload"]["RequestUserInfo"]["request_id"],
        asked["call_id"]
    );
    assert!(!events.iter().any(|e| event_type(e) == "Finished"));
    let (listed, summary) = api.wait_run(&agent, &run);
    assert_eq!(listed["status"], "paused");
    assert_eq!(listed["is_finished"], false);
    assert_eq!(summary["is_paused"], true);
    assert_eq!(summary["run_phase"], "paused");
    assert_eq!(summary["outcome"], Value::Null);
    let a = api.get(&format!("/v1/agents/{agent}")).json(200)["agent"].clone();
    assert_eq!(a["latest_run_status"], "paused");
    assert_eq!(a["latest_run_has_pending_input"], true);
    assert_eq!(a["latest_run_is_finished"], false);
    assert_eq!(
        api.get(&format!("/v1/agents/{agent}/runs?filter_status=paused"))
            .json(200)["total_runs"],
        1
    );
    // The unimplemented answer routes do not resume it.
    let r = api.post(
        &format!("/v1/agents/{agent}/runs/{run}/answer"),
        json!({ "answer": "A" }),
    );
    assert_eq!((r.status, r.header("grpc-status")), (200, Some("12")));
    assert_eq!(api.run(&agent, &run).0["status"], "paused");
    // Cancelling a paused run stops it.
    api.post(&format!("/v1/agents/{agent}/runs/{run}/cancel"), json!({}))
        .expect(200, json!({ "success": true }));
    let (listed, _) = api.run(&agent, &run);
    assert_eq!(listed["status"], "stopped");
    assert_eq!(listed["is_finished"], true);
    let a = api.get(&format!("/v1/agents/{agent}")).json(200)["agent"].clone();
    assert_eq!(a["latest_run_has_pending_input"], false);

    // error: status error, a terminal Finished carrying it.
    let agent = api.create_agent(None);
    let run = api.start_run(&agent, "run", "[emulator: error events=9]");
    let events = api.follow_events(&agent, &run, "Finished");
    assert_eq!(events.len(), 9);
    assert_eq!(event_payload(events.last().unwrap())["status"], "error");
    assert_eq!(
        event_payload(events.last().unwrap())["outcome"],
        Value::Null
    );
    assert!(
        !events
            .iter()
            .any(|e| event_payload(e)["tool_name"] == "llm"),
        "no answer in a run that failed"
    );
    let (listed, summary) = api.wait_run(&agent, &run);
    assert_eq!(listed["status"], "error");
    assert_eq!(listed["is_finished"], true);
    assert_eq!(summary["outcome"], Value::Null);
    assert_eq!(summary["run_phase"], "finished");
    let a = api.get(&format!("/v1/agents/{agent}")).json(200)["agent"].clone();
    assert_eq!(a["latest_run_status"], "error");
    assert_eq!(a["latest_run_is_finished"], true);
    assert_eq!(
        api.get(&format!("/v1/agents/{agent}/runs?filter_status=error"))
            .json(200)["total_runs"],
        1
    );

    // Bad directives: 400 problems, no run started.
    for bad in [
        "[emulator: outcome=great]",
        "[emulator: events=3]",
        "[emulator: step_ms=x]",
        "[emulator: events=10",
    ] {
        api.post(
            &format!("/v1/agents/{agent}/runs"),
            json!({ "run_mode": "run", "user_message": bad }),
        )
        .problem_status(400);
    }
    assert_eq!(
        api.get(&format!("/v1/agents/{agent}/runs")).json(200)["total_runs"],
        1
    );
}

#[test]
fn cancel_stops_an_in_progress_run() {
    let api = Api::start();
    let agent = api.create_agent(None);
    let run = api.start_run(&agent, "run", "[emulator: events=500 step_ms=20]");
    let events_path = format!("/v1/agents/{agent}/runs/{run}/events");
    assert!(wait_for(
        DEADLINE,
        || api.get(&events_path).json(200)["total_count"].as_u64() >= Some(3)
    ));

    let r = api.post(
        &format!("/v1/agents/{agent}/runs/{run}/cancel"),
        json!({ "reason": "aborted/timed-out" }),
    );
    r.expect(200, json!({ "success": true }));
    let (listed, summary) = api.run(&agent, &run);
    assert_eq!(listed["status"], "stopped");
    assert_eq!(listed["is_finished"], true);
    assert_eq!(summary["run_phase"], "finished");
    let a = api.get(&format!("/v1/agents/{agent}")).json(200)["agent"].clone();
    assert_eq!(a["latest_run_status"], "stopped");
    assert_eq!(a["latest_run_is_finished"], true);

    // A last Finished(stopped) event, then nothing more.
    let events = api.get(&events_path).json(200).clone();
    let items = events["events"].as_array().unwrap().clone();
    let total = events["total_count"].as_u64().unwrap();
    assert!(total < 500);
    assert_eq!(event_type(items.last().unwrap()), "Finished");
    assert_eq!(event_payload(items.last().unwrap())["status"], "stopped");
    std::thread::sleep(Duration::from_millis(150));
    assert_eq!(
        api.get(&events_path).json(200)["total_count"].as_u64(),
        Some(total)
    );

    // Cancelling again is idempotent and informational.
    let again = api.post(&format!("/v1/agents/{agent}/runs/{run}/cancel"), json!({}));
    assert_eq!(again.json(200)["success"], true);
    assert_eq!(again.body["error"], "run already stopped");

    // Deleting an in-progress run: 204, and it is gone (events too).
    let run2 = api.start_run(&agent, "run", "[emulator: events=500 step_ms=20]");
    api.delete(&format!("/v1/agents/{agent}/runs/{run2}"))
        .no_content();
    api.get(&format!("/v1/agents/{agent}/runs/{run2}/events"))
        .expect(200, json!({ "events": [], "total_count": 0 }));
    let list = api
        .get(&format!("/v1/agents/{agent}/runs"))
        .json(200)
        .clone();
    assert_eq!(list["total_runs"], 1);
    let a = api.get(&format!("/v1/agents/{agent}")).json(200)["agent"].clone();
    assert_eq!(
        a["latest_run_id"],
        run.as_str(),
        "latest falls back to the previous run"
    );

    // Deleting the agent mid-run: the run's clock stops quietly.
    let run3 = api.start_run(&agent, "run", "[emulator: events=500 step_ms=10]");
    api.delete(&format!("/v1/agents/{agent}")).no_content();
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(api.state()["runs"], 0);
    api.get(&format!("/v1/agents/{agent}/runs/{run3}/events"))
        .problem(403, "you do not have access to this agent");
}

#[test]
fn a_seconds_level_schedule_fires_and_pause_stops_it() {
    let api = Api::start();
    let agent = api.create_agent(None);
    let sched = format!("/v1/agents/{agent}/schedule");
    let runs = format!("/v1/agents/{agent}/runs");
    let set_at = Instant::now();
    api.put(&sched, json!({ "cron": "* * * * * * *" }))
        .expect(200, json!({ "success": true }));
    let s = api.get(&sched).json(200)["schedule"].clone();
    let next = s["next_run"].as_i64().unwrap();
    assert!(next > now_secs() - 1 && next <= now_secs() + 2, "{next}");

    // Listed among all schedules.
    let all = api.get("/v1/schedules").json(200)["schedules"].clone();
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(all[0]["agent_id"], agent.as_str());
    assert_eq!(all[0]["cron"], "* * * * * * *");

    // Fires within about two seconds and starts a run in run mode.
    let total = || api.get(&runs).json(200)["total_runs"].as_u64().unwrap();
    assert!(
        wait_for(Duration::from_secs(10), || total() >= 1),
        "the schedule never fired"
    );
    let fired_after = set_at.elapsed();
    assert!(
        fired_after < Duration::from_millis(2500),
        "fired after {fired_after:?}"
    );
    let first = api.get(&runs).json(200)["runs"][0].clone();
    assert_eq!(first["policy_type"], "runner_v2");
    assert_eq!(first["run_kind"], "run");
    let run_id = first["run_id"].as_str().unwrap().to_string();
    let events = api.follow_events(&agent, &run_id, "Finished");
    assert_eq!(event_payload(&events[0])["user_message"], "Scheduled run");
    api.wait_run(&agent, &run_id);
    // It keeps firing, next_run moves on, and successful runs keep failures at 0.
    assert!(
        wait_for(Duration::from_secs(10), || total() >= 2),
        "no second run"
    );
    let s = api.get(&sched).json(200)["schedule"].clone();
    assert!(s["next_run"].as_i64().unwrap() > next);
    assert_eq!(s["consecutive_failures"], 0);

    // Paused: no more runs, however long we wait.
    api.post(&format!("{sched}/pause"), json!({}))
        .expect(200, json!({ "success": true }));
    let frozen = total();
    std::thread::sleep(Duration::from_millis(2300));
    assert_eq!(total(), frozen, "a paused schedule fired");
    assert_eq!(api.get(&sched).json(200)["schedule"]["paused"], true);
    assert_eq!(
        api.get("/v1/schedules").json(200)["schedules"][0]["paused"],
        true
    );

    // Resumed: fires again.
    api.post(&format!("{sched}/resume"), json!({}))
        .expect(200, json!({ "success": true }));
    assert!(
        wait_for(Duration::from_secs(10), || total() > frozen),
        "no run after resume"
    );

    // Deleted: stops for good.
    api.delete(&sched).expect(200, json!({ "success": true }));
    let frozen = total();
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(total(), frozen, "a deleted schedule fired");
}
