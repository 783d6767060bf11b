//! 50 concurrent clients doing mixed calls (no errors, consistent state afterwards), and
//! fault injection through PUT /_emulator/faults: every fault kind happens at about its
//! configured rate, is counted in GET /_emulator/faults, and `times`/filters limit it.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

#[test]
fn fifty_concurrent_clients_leave_a_consistent_state() {
    const CLIENTS: usize = 50;
    let api = Api::start();
    let shared_ws = api.create_workspace("shared");

    let results: Vec<(String, bool)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let api = &api;
                let shared_ws = &shared_ws;
                scope.spawn(move || {
                    // Every call below must succeed with its documented status.
                    api.get("/v1/me").json(200);
                    let agent = if i % 2 == 0 {
                        api.create_agent(None)
                    } else {
                        api.create_agent(Some(shared_ws))
                    };
                    let path = format!("/v1/agents/{agent}");
                    for n in 0..2 {
                        api.put(
                            &format!("{path}/instructions"),
                            json!({ "content": format!("v{n} of {i}") }),
                        )
                        .expect(200, json!({ "success": true }));
                    }
                    let run = api.start_run(&agent, "run", "[emulator: events=10 step_ms=5]");
                    api.post(
                        &format!("{path}/webhooks"),
                        json!({ "url": "https://example.com/h", "events": ["run.paused"] }),
                    )
                    .json(201);
                    api.put(
                        &format!("{path}/schedule"),
                        json!({ "cron": "0 0 0 1 1 * 2099" }),
                    )
                    .expect(200, json!({ "success": true }));
                    let key = api
                        .post(
                            "/api/public/v1/access-api-keys",
                            json!({ "name": format!("k{i}") }),
                        )
                        .json(201)
                        .clone();
                    api.call_as(
                        Some(key["api_key"].as_str().unwrap()),
                        "GET",
                        "/v1/agents?limit=5",
                        None,
                    )
                    .json(200);
                    api.delete(&format!(
                        "/api/public/v1/access-api-keys/{}",
                        key["key_id"].as_str().unwrap()
                    ))
                    .expect(200, json!({ "revoked": true }));
                    api.get("/v1/workspaces").json(200);
                    api.get(&format!("{path}/runs?filter_run_id={run}"))
                        .json(200);
                    api.get(&format!("{path}/runs/{run}/events?limit=3"))
                        .json(200);
                    api.get("/v1/schedules").json(200);
                    let deleted = i % 5 == 0;
                    if deleted {
                        api.delete(&path).no_content();
                        api.get(&path)
                            .problem(403, "you do not have access to this agent");
                    } else {
                        api.get(&path).json(200);
                    }
                    (agent, deleted)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client thread"))
            .collect()
    });

    let kept: Vec<&String> = results.iter().filter(|(_, d)| !d).map(|(a, _)| a).collect();
    assert_eq!(kept.len(), 40);

    // Every surviving agent's run completes.
    for agent in &kept {
        let runs = api
            .get(&format!("/v1/agents/{agent}/runs"))
            .json(200)
            .clone();
        assert_eq!(runs["total_runs"], 1);
        let run_id = runs["runs"][0]["run_id"].as_str().unwrap().to_string();
        let (run, _) = api.wait_run(agent, &run_id);
        assert_eq!(run["status"], "completed");
        assert_eq!(run["run_number"], 1);
        let history = api
            .get(&format!("/v1/agents/{agent}/instructions/history"))
            .json(200)
            .clone();
        assert_eq!(history["instruction_versions"].as_array().unwrap().len(), 2);
        let hooks = api
            .get(&format!("/v1/agents/{agent}/webhooks"))
            .json(200)
            .clone();
        assert_eq!(hooks["webhooks"].as_array().unwrap().len(), 1);
        let a = api.get(&format!("/v1/agents/{agent}")).json(200)["agent"].clone();
        assert_eq!(a["latest_run_status"], "completed");
    }

    // Counts agree everywhere.
    let state = api.state();
    assert_eq!(
        state,
        json!({ "agents": 40, "runs": 40, "runs_started": 50, "workspaces": 2, "webhooks": 40,
                "schedules": 40, "keys": 1, "deliveries": 0 })
    );
    let mut listed = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = api
            .get(&format!("/v1/agents?limit=7&cursor={cursor}"))
            .json(200)
            .clone();
        listed.extend(
            page["agents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["agent_id"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    listed.sort();
    let mut expected: Vec<String> = kept.iter().map(|a| a.to_string()).collect();
    expected.sort();
    assert_eq!(listed, expected);
    let ws = api.get("/v1/workspaces").json(200)["workspaces"].clone();
    let total: i64 = ws
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["agent_count"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 40);
    let shared = ws
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["workspace_id"] == shared_ws.as_str())
        .unwrap();
    // Odd i went to the shared workspace; i % 5 == 0 deleted (i = 5, 15, 25, 35, 45 odd).
    assert_eq!(shared["agent_count"], 20);
    let shared_list = api
        .get(&format!("/v1/agents?workspace_id={shared_ws}&limit=100"))
        .json(200)
        .clone();
    assert_eq!(shared_list["agents"].as_array().unwrap().len(), 20);
    assert_eq!(
        api.get("/v1/schedules").json(200)["schedules"]
            .as_array()
            .unwrap()
            .len(),
        40
    );
    assert_eq!(
        api.get("/api/public/v1/access-api-keys").json(200)["keys"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

// ---- fault injection ----

/// What a client saw for one request.
#[derive(Debug, PartialEq)]
enum Seen {
    Ok,
    Status(u16),
    Transport,
    BodyCut,
    Html,
    Grpc,
}

fn classify(result: Result<Resp, Failure>) -> Seen {
    match result {
        Err(Failure::Transport(_)) => Seen::Transport,
        Err(Failure::Body(status, _)) => {
            assert_eq!(status, 200);
            Seen::BodyCut
        }
        Ok(r) if r.status == 200 && r.content_type().starts_with("text/html") => {
            assert!(r.text.starts_with("<!doctype html>"), "{}", r.text);
            Seen::Html
        }
        Ok(r) if r.status == 200 && r.content_type() == "application/grpc" => {
            assert_eq!(r.header("grpc-status"), Some("12"));
            assert_eq!(r.text, "");
            Seen::Grpc
        }
        Ok(r) if r.status == 200 => {
            assert_eq!(r.content_type(), "application/json");
            assert!(r.body["user_id"].is_string(), "{}", r.text);
            Seen::Ok
        }
        Ok(r) => Seen::Status(r.status),
    }
}

fn set_faults(api: &Api, config: Value) {
    api.put("/_emulator/faults", config)
        .expect(200, json!({ "success": true }));
}

fn stats(api: &Api) -> Value {
    api.get("/_emulator/faults").json(200)["stats"].clone()
}

/// Sends `n` GET /v1/me and returns what each saw.
fn hammer(api: &Api, n: usize) -> Vec<Seen> {
    (0..n)
        .map(|_| classify(api.raw("GET", "/v1/me", &[], None)))
        .collect()
}

/// Asserts that `count` of 200 is about 30%.
#[track_caller]
fn about_30_percent(count: usize) {
    assert!((40..=80).contains(&count), "{count} of 200 at rate 0.3");
}

#[test]
fn error_faults_at_their_rate() {
    let api = Api::start();
    set_faults(&api, json!({ "error_rate": 0.3, "error_status": 502 }));
    let mut errors = 0;
    for _ in 0..200 {
        let r = api.get("/v1/me");
        if r.status == 502 {
            r.problem(502, "injected fault");
            errors += 1;
        } else {
            r.json(200);
        }
    }
    about_30_percent(errors);
    let s = stats(&api);
    assert_eq!(s["matched"], 200);
    assert_eq!(s["errors"], errors);
    assert_eq!(s["dropped"], 0);
    // The default status is 503.
    set_faults(&api, json!({ "error_rate": 1.0 }));
    api.get("/v1/me").problem(503, "injected fault");
}

#[test]
fn rate_limit_faults_carry_retry_after() {
    let api = Api::start();
    set_faults(&api, json!({ "rate_limit_rate": 0.3, "retry_after": 7 }));
    let mut limited = 0;
    for _ in 0..200 {
        let r = api.get("/v1/me");
        if r.status == 429 {
            r.problem(429, "rate limit exceeded");
            assert_eq!(r.header("retry-after"), Some("7"));
            limited += 1;
        } else {
            r.json(200);
        }
    }
    about_30_percent(limited);
    assert_eq!(stats(&api)["rate_limited"], limited);

    set_faults(
        &api,
        json!({ "rate_limit_rate": 1.0, "retry_after": [2, 4] }),
    );
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let r = api.get("/v1/me");
        r.problem_status(429);
        let secs: u64 = r.header("retry-after").unwrap().parse().unwrap();
        assert!((2..=4).contains(&secs), "{secs}");
        seen.insert(secs);
    }
    assert_eq!(seen.len(), 3, "the whole range is used: {seen:?}");
}

#[test]
fn dropped_connections_are_transport_errors() {
    let api = Api::start();
    set_faults(&api, json!({ "drop_rate": 0.3 }));
    let seen = hammer(&api, 200);
    let dropped = seen.iter().filter(|s| **s == Seen::Transport).count();
    assert!(
        seen.iter().all(|s| matches!(s, Seen::Ok | Seen::Transport)),
        "{seen:?}"
    );
    about_30_percent(dropped);
    assert_eq!(stats(&api)["dropped"], dropped);
    // Drops also hit writes; the emulator keeps serving afterwards.
    set_faults(&api, json!({}));
    api.get("/v1/me").json(200);
}

#[test]
fn truncated_bodies_fail_while_reading() {
    let api = Api::start();
    set_faults(&api, json!({ "truncate_rate": 0.3 }));
    let seen = hammer(&api, 200);
    let cut = seen.iter().filter(|s| **s == Seen::BodyCut).count();
    assert!(
        seen.iter().all(|s| matches!(s, Seen::Ok | Seen::BodyCut)),
        "{seen:?}"
    );
    about_30_percent(cut);
    assert_eq!(stats(&api)["truncated"], cut);

    // A large body (a page of 500 events) is cut too, after its headers arrived.
    set_faults(&api, json!({}));
    let agent = api.create_agent(None);
    let run = api.start_run(
        &agent,
        "run",
        "[emulator: events=600 step_ms=0 payload_kb=1]",
    );
    api.follow_events(&agent, &run, "Finished");
    set_faults(
        &api,
        json!({ "truncate_rate": 1.0, "route": "/v1/agents/" }),
    );
    let r = api.raw(
        "GET",
        &format!("/v1/agents/{agent}/runs/{run}/events"),
        &[],
        None,
    );
    assert!(matches!(r, Err(Failure::Body(200, _))), "{r:?}");
}

#[test]
fn html_and_grpc_faults_are_200s_of_the_wrong_kind() {
    let api = Api::start();
    set_faults(&api, json!({ "html_rate": 0.3 }));
    let seen = hammer(&api, 200);
    let html = seen.iter().filter(|s| **s == Seen::Html).count();
    assert!(
        seen.iter().all(|s| matches!(s, Seen::Ok | Seen::Html)),
        "{seen:?}"
    );
    about_30_percent(html);
    assert_eq!(stats(&api)["html"], html);

    set_faults(&api, json!({ "grpc_rate": 0.3 }));
    let seen = hammer(&api, 200);
    let grpc = seen.iter().filter(|s| **s == Seen::Grpc).count();
    assert!(
        seen.iter().all(|s| matches!(s, Seen::Ok | Seen::Grpc)),
        "{seen:?}"
    );
    about_30_percent(grpc);
    assert_eq!(stats(&api)["grpc"], grpc);
}

#[test]
fn mixed_faults_each_at_their_rate() {
    let api = Api::start();
    set_faults(
        &api,
        json!({ "error_rate": 0.15, "rate_limit_rate": 0.15, "drop_rate": 0.15,
                "truncate_rate": 0.15, "html_rate": 0.15, "grpc_rate": 0.15 }),
    );
    let seen = hammer(&api, 400);
    let count = |want: Seen| seen.iter().filter(|s| **s == want).count();
    let s = stats(&api);
    assert_eq!(s["matched"], 400);
    for (kind, n) in [
        ("errors", count(Seen::Status(503))),
        ("rate_limited", count(Seen::Status(429))),
        ("dropped", count(Seen::Transport)),
        ("truncated", count(Seen::BodyCut)),
        ("html", count(Seen::Html)),
        ("grpc", count(Seen::Grpc)),
    ] {
        assert_eq!(s[kind], n, "{kind}");
        assert!((30..=90).contains(&n), "{kind}: {n} of 400 at rate 0.15");
    }
    let ok = count(Seen::Ok);
    assert!((20..=100).contains(&ok), "{ok} of 400 left at rate 0.1");
}

#[test]
fn latency_and_spikes() {
    let api = Api::start();
    set_faults(&api, json!({ "latency_ms": 150 }));
    for _ in 0..5 {
        let t = Instant::now();
        api.get("/v1/me").json(200);
        assert!(
            t.elapsed() >= Duration::from_millis(150),
            "{:?}",
            t.elapsed()
        );
    }
    assert_eq!(stats(&api)["matched"], 5);

    set_faults(&api, json!({ "spike_rate": 0.3, "spike_ms": 300 }));
    let mut slow = 0;
    for _ in 0..30 {
        let t = Instant::now();
        api.get("/v1/me").json(200);
        if t.elapsed() >= Duration::from_millis(300) {
            slow += 1;
        }
    }
    let spikes = stats(&api)["spikes"].as_u64().unwrap();
    assert!((3..=18).contains(&spikes), "{spikes} of 30 at rate 0.3");
    // Every spike was seen; a loaded machine may add a slow request or two of its own.
    assert!(
        slow >= spikes && slow <= spikes + 2,
        "{slow} slow, {spikes} spikes"
    );

    // Admin routes are never slowed or faulted.
    set_faults(&api, json!({ "latency_ms": 2000, "error_rate": 1.0 }));
    let t = Instant::now();
    api.get("/_emulator/faults").json(200);
    api.get("/_emulator/state").json(200);
    assert!(t.elapsed() < Duration::from_millis(1500));
}

#[test]
fn times_and_filters_limit_faults() {
    let api = Api::start();
    // times: only the next 5 matching requests.
    set_faults(
        &api,
        json!({ "error_rate": 1.0, "error_status": 500, "times": 5 }),
    );
    let statuses: Vec<u16> = (0..12).map(|_| api.get("/v1/me").status).collect();
    assert_eq!(
        statuses,
        [500, 500, 500, 500, 500, 200, 200, 200, 200, 200, 200, 200]
    );
    let f = api.get("/_emulator/faults").json(200).clone();
    assert_eq!(f["stats"]["matched"], 5);
    assert_eq!(f["stats"]["errors"], 5);
    assert_eq!(f["config"]["times"], 0);

    // route: only paths with that prefix; methods: only those methods.
    set_faults(
        &api,
        json!({ "error_rate": 1.0, "route": "/v1/agents", "methods": ["POST"] }),
    );
    api.get("/v1/me").json(200);
    api.get("/v1/agents").json(200);
    api.post("/v1/workspaces", json!({ "name": "w" })).json(201);
    api.post("/v1/agents", json!({}))
        .problem(503, "injected fault");
    assert_eq!(api.state()["agents"], 0, "a refused POST created nothing");
    api.call(
        "POST",
        "/api/public/v1/access-api-keys",
        Some(json!({ "name": "k" })),
    )
    .json(201);
    assert_eq!(stats(&api)["matched"], 1);

    // Faults come before authentication, like a gateway in front of the service.
    set_faults(&api, json!({ "rate_limit_rate": 1.0, "times": 1 }));
    api.call_as(None, "GET", "/v1/me", None).problem_status(429);
    api.call_as(None, "GET", "/v1/me", None).problem_status(401);

    // DELETE clears the configuration; reset does too.
    set_faults(&api, json!({ "error_rate": 1.0 }));
    api.delete("/_emulator/faults")
        .expect(200, json!({ "success": true }));
    api.get("/v1/me").json(200);
    set_faults(&api, json!({ "error_rate": 1.0 }));
    api.post("/_emulator/reset", json!({})).json(200);
    api.get("/v1/me").json(200);
}

#[test]
fn fault_configuration_is_validated() {
    let api = Api::start();
    for (config, detail) in [
        (
            json!({ "error_rate": 1.5 }),
            "every rate must be between 0 and 1",
        ),
        (
            json!({ "drop_rate": -0.1 }),
            "every rate must be between 0 and 1",
        ),
        (
            json!({ "error_rate": 0.6, "html_rate": 0.6 }),
            "the fault rates must add up to at most 1",
        ),
        (
            json!({ "error_rate": 0.5, "error_status": 200 }),
            "error_status must be a 4xx or 5xx status",
        ),
        (
            json!({ "rate_limit_rate": 0.5, "retry_after": [5, 2] }),
            "retry_after range must be [min, max]",
        ),
    ] {
        api.put("/_emulator/faults", config).problem(400, detail);
    }
    let text = api
        .put("/_emulator/faults", json!({ "eror_rate": 0.5 }))
        .plain(422)
        .to_string();
    assert!(text.contains("unknown field `eror_rate`"), "{text}");
    // Nothing was applied.
    let f = api.get("/_emulator/faults").json(200).clone();
    assert_keys(&f, &["config", "stats"]);
    assert_eq!(f["config"]["error_rate"], 0.0);
    assert_eq!(f["stats"]["matched"], 0);
    for _ in 0..20 {
        api.get("/v1/me").json(200);
    }
}
