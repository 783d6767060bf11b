//! The inspector's HTTP side (`/_emulator/ui`): the embedded page and its assets, the state
//! route behind the start key, what the state holds (agents with schedules and webhooks,
//! runs, events, deliveries with their signature checked, the request log, faults), and that
//! no key or webhook secret ever appears in it. The page itself is driven in a real browser by
//! tests/ui/test_inspector.py.

mod common;

use common::*;
use serde_json::{Value, json};

const STATE: &str = "/_emulator/ui/state";

fn state(api: &Api, query: &str) -> Value {
    api.get(&format!("{STATE}{query}")).json(200).clone()
}

#[test]
fn the_page_and_its_assets_are_embedded_and_kept_to_their_origin() {
    let api = Api::start();
    for (path, kind, marker) in [
        ("/_emulator/ui", "text/html", "Twin emulator inspector"),
        ("/_emulator/ui/", "text/html", "Twin emulator inspector"),
        (
            "/_emulator/ui/app.js",
            "text/javascript",
            "/_emulator/ui/state",
        ),
        ("/_emulator/ui/app.css", "text/css", ":focus-visible"),
    ] {
        // No key needed: the assets hold no data.
        let r = api.call_as(None, "GET", path, None);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.content_type().starts_with(kind),
            "{path}: {}",
            r.content_type()
        );
        assert!(r.text.contains(marker), "{path}");
        assert!(!r.text.contains(&api.key), "{path} holds the key");
        let csp = r.header("content-security-policy").unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"),
            "{csp}"
        );
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("cache-control"), Some("no-store"));
    }
    // Nothing is loaded from elsewhere: no absolute URL in the page or its script.
    for path in [
        "/_emulator/ui",
        "/_emulator/ui/app.js",
        "/_emulator/ui/app.css",
    ] {
        let text = api.get(path).text;
        assert!(
            !text.contains("http://") && !text.contains("https://"),
            "{path}"
        );
    }
    assert_eq!(
        api.emulator.ui_url(),
        format!("{}/_emulator/ui", api.emulator.url())
    );
}

#[test]
fn the_state_needs_the_start_key() {
    let api = Api::start();
    api.call_as(None, "GET", STATE, None).problem_status(401);
    api.call_as(Some("wrong"), "GET", STATE, None)
        .problem_status(401);
    // A key created through the API opens the API, not the inspector.
    let (_, created) = api.create_key("other");
    api.call_as(Some(&created), "GET", "/v1/me", None).json(200);
    api.call_as(Some(&created), "GET", STATE, None)
        .problem_status(401);
    let s = state(&api, "");
    assert_eq!(s["agents"], json!([]));
    assert_eq!(s["runs"], json!([]));
    assert_eq!(s["events"], Value::Null);
    // A query the route does not know is refused, not ignored.
    assert_eq!(api.get(&format!("{STATE}?bogus=1")).status, 400);
}

#[test]
fn agents_runs_events_and_verified_deliveries() {
    let api = Api::start();
    let receiver = Receiver::start();
    let agent = api.create_agent(None);
    api.put(
        &format!("/v1/agents/{agent}/schedule"),
        json!({ "cron": "0 0 9 * * 2 *" }),
    )
    .json(200);
    let hook = api
        .post(
            &format!("/v1/agents/{agent}/webhooks"),
            json!({ "url": receiver.url("/hook"), "events": ["run.started", "run.completed"] }),
        )
        .json(201)
        .clone();
    let secret = hook["signing_secret"].as_str().unwrap().to_string();
    let run = api.start_run(&agent, "run", "hi [emulator: events=9]");
    api.wait_run(&agent, &run);
    assert!(wait_for(DEADLINE, || receiver.all_hits().len() == 2));

    let s = state(&api, &format!("?run={run}"));
    let text = s.to_string();
    assert!(!text.contains(&secret), "a webhook secret in the state");
    assert!(!text.contains(&api.key), "the key in the state");

    let agents = s["agents"].as_array().unwrap();
    assert_eq!(agents.len(), 1);
    assert_eq!(agents[0]["agent_id"], agent.as_str());
    assert_eq!(agents[0]["runs"], 1);
    assert_eq!(agents[0]["schedule"]["cron"], "0 0 9 * * 2 *");
    assert_eq!(agents[0]["webhooks"][0]["webhook_id"], hook["webhook_id"]);
    assert_eq!(
        agents[0]["webhooks"][0]["url"],
        receiver.url("/hook").as_str()
    );

    assert_eq!(s["runs_total"], 1);
    let listed = &s["runs"][0];
    assert_eq!(listed["run_id"], run.as_str());
    assert_eq!(listed["status"], "completed");
    assert_eq!(listed["outcome"], "success");
    assert_eq!(listed["events"], 9);

    let events = &s["events"];
    assert_eq!(events["found"], true);
    assert_eq!(events["total"], 9);
    let items = events["items"].as_array().unwrap();
    assert_eq!(items.len(), 9);
    assert_eq!(event_type(&items[0]), "Started");
    assert_eq!(event_type(&items[8]), "Finished");
    // Only the events after `events_after`.
    let fourth = items[3]["event_index"].as_u64().unwrap();
    let rest = state(&api, &format!("?run={run}&events_after={fourth}"));
    let rest = rest["events"]["items"].as_array().unwrap();
    assert_eq!(rest.len(), 5);
    assert_eq!(rest[0], items[4]);
    let unknown = state(&api, "?run=nope");
    assert_eq!(unknown["events"]["found"], false);

    let deliveries = s["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 2);
    // Newest first.
    assert_eq!(deliveries[0]["event"], "run.completed");
    assert_eq!(deliveries[1]["event"], "run.started");
    for d in deliveries {
        assert_eq!(d["verified"], true, "{d}");
        assert_eq!(d["status"], 200);
        assert_eq!(d["attempts"], 1);
    }
    // Once the webhook is gone, there is no secret to check against.
    api.delete(&format!(
        "/v1/agents/{agent}/webhooks/{}",
        hook["webhook_id"].as_str().unwrap()
    ))
    .no_content();
    let after = state(&api, "");
    assert_eq!(after["deliveries"][0]["verified"], Value::Null);
    assert_eq!(after["agents"][0]["webhooks"], json!([]));
}

#[test]
fn requests_are_logged_without_keys_and_faults_are_marked() {
    let api = Api::start();
    api.get("/v1/me").json(200);
    // The key in a path or a query (a client's mistake) is replaced.
    let key = api.key.clone();
    api.get(&format!("/v1/agents/{key}?token={key}"));
    api.put(
        "/_emulator/faults",
        json!({ "error_rate": 1.0, "error_status": 502, "route": "/v1/me", "times": 1 }),
    )
    .json(200);
    api.get("/v1/me").problem_status(502);
    api.call_as(None, "GET", "/v1/me", None).problem_status(401);
    // The inspector's own requests are not logged.
    state(&api, "");

    let s = state(&api, "");
    let log = &s["requests"];
    let text = log.to_string();
    assert!(!text.contains(&key), "the key in the request log: {text}");
    let items = log["items"].as_array().unwrap();
    let rows: Vec<(String, String, Value, Value)> = items
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap().to_string(),
                r["path"].as_str().unwrap().to_string(),
                r["status"].clone(),
                r["fault"].clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("GET".into(), "/v1/me".into(), json!(200), Value::Null),
            (
                "GET".into(),
                "/v1/agents/[key]?token=[key]".into(),
                json!(403),
                Value::Null
            ),
            (
                "PUT".into(),
                "/_emulator/faults".into(),
                json!(200),
                Value::Null
            ),
            ("GET".into(), "/v1/me".into(), json!(502), json!("error")),
            ("GET".into(), "/v1/me".into(), json!(401), Value::Null),
        ]
    );
    let seqs: Vec<u64> = items.iter().map(|r| r["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4, 5]);
    assert_eq!(log["last"], 5);
    for r in items {
        assert_timestamp(&r["at"]);
        assert!(r["ms"].as_f64().unwrap() >= 0.0);
    }
    // Only what came after `requests_after`.
    api.get("/v1/agents").json(200);
    let later = state(&api, "?requests_after=5")["requests"].clone();
    assert_eq!(later["items"].as_array().unwrap().len(), 1);
    assert_eq!(later["items"][0]["path"], "/v1/agents");
    assert_eq!(later["last"], 6);

    // The faults as set (only the fields that differ from the defaults), and their counts.
    let faults = &s["faults"];
    assert_eq!(faults["active"], true);
    assert_eq!(
        faults["config"],
        json!({ "error_rate": 1.0, "error_status": 502, "route": "/v1/me", "times": 0 })
    );
    assert_eq!(faults["stats"]["errors"], 1);
    api.delete("/_emulator/faults").json(200);
    let cleared = state(&api, "");
    assert_eq!(cleared["faults"]["active"], false);
    assert_eq!(cleared["faults"]["config"], json!({}));
}

#[test]
fn dropped_connections_are_logged_without_a_status() {
    let api = Api::start();
    api.put(
        "/_emulator/faults",
        json!({ "drop_rate": 1.0, "route": "/v1/me", "times": 1 }),
    )
    .json(200);
    assert!(api.raw("GET", "/v1/me", &[], None).is_err());
    let s = state(&api, "?requests_after=1");
    let item = &s["requests"]["items"][0];
    assert_eq!(item["path"], "/v1/me");
    assert_eq!(item["status"], Value::Null);
    assert_eq!(item["fault"], "drop");
}
