//! Authentication as live (x-api-key only, Bearer refused with the live message, keys
//! created and revoked through the API take effect at once, last_used_at maintained) and
//! the emulator's admin routes (start key only; reset).

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;

const BEARER_REFUSED: &str = "Bearer tokens are not supported on the REST API. Use the x-api-key header with an API key created from the Twin UI (Settings > API Keys).";

#[test]
fn requests_without_a_valid_key_are_refused() {
    let api = Api::start();
    for (method, path) in [
        ("GET", "/v1/me"),
        ("GET", "/v1/agents"),
        ("POST", "/v1/agents"),
        ("GET", "/api/public/v1/access-api-keys"),
        ("POST", "/v1/workspaces/reorder"),
        ("GET", "/v1/schedules"),
        ("POST", "/v1/agents/x/runs/y/messages"),
    ] {
        let missing = api.call_as(None, method, path, None);
        missing.problem(401, "missing API key: send it in the x-api-key header");
        let wrong = api.call_as(Some("twin_0000_wrong"), method, path, None);
        wrong.problem(401, "invalid API key");
        // Bearer, even with the right key, gets the live message.
        let bearer = format!("Bearer {}", api.key);
        let r = api
            .raw(
                method,
                path,
                &[("x-api-key", None), ("authorization", Some(&bearer))],
                None,
            )
            .unwrap();
        r.problem(401, BEARER_REFUSED);
        let r = api
            .raw(
                method,
                path,
                &[("x-api-key", None), ("authorization", Some("bearer abc"))],
                None,
            )
            .unwrap();
        r.problem(401, BEARER_REFUSED);
    }
    // Other Authorization schemes are just a missing key.
    let r = api
        .raw(
            "GET",
            "/v1/me",
            &[
                ("x-api-key", None),
                ("authorization", Some("Basic Zm9vOmJhcg==")),
            ],
            None,
        )
        .unwrap();
    r.problem(401, "missing API key: send it in the x-api-key header");
    // x-api-key wins when both are sent.
    let r = api
        .raw(
            "GET",
            "/v1/me",
            &[("authorization", Some("Bearer abc"))],
            None,
        )
        .unwrap();
    r.json(200);
    // Nothing was created by the refused POSTs.
    assert_eq!(api.state()["agents"], 0);
}

#[test]
fn created_keys_work_at_once_and_revoked_keys_stop_at_once() {
    let api = Api::start();
    let me = api.get("/v1/me").json(200).clone();
    let created = api
        .post(
            "/api/public/v1/access-api-keys",
            json!({ "name": "worker" }),
        )
        .json(201)
        .clone();
    let key = created["api_key"].as_str().unwrap().to_string();
    let key_id = created["key_id"].as_str().unwrap().to_string();
    let listed = |id: &str| {
        api.get("/api/public/v1/access-api-keys").json(200)["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["key_id"] == id)
            .cloned()
    };
    assert!(listed(&key_id).unwrap().get("last_used_at").is_none());

    // Works at once, on both path families, for the same account.
    assert_eq!(
        api.call_as(Some(&key), "GET", "/v1/me", None).json(200),
        &me
    );
    let agent = api
        .call_as(Some(&key), "POST", "/v1/agents", Some(json!({})))
        .json(201)["agent"]["agent_id"]
        .as_str()
        .unwrap()
        .to_string();
    api.get(&format!("/v1/agents/{agent}")).json(200);
    let used = listed(&key_id).unwrap();
    assert_unix_secs(&used["last_used_at"], 5);
    assert!(used["last_used_at"].as_i64() >= created["created_at"].as_i64());

    // last_used_at moves with use.
    std::thread::sleep(Duration::from_millis(1100));
    api.call_as(Some(&key), "GET", "/api/public/v1/access-api-keys", None)
        .json(200);
    let later = listed(&key_id).unwrap();
    assert!(
        later["last_used_at"].as_i64() > used["last_used_at"].as_i64(),
        "{later}"
    );

    // A key can revoke itself; the very next request with it is refused.
    api.call_as(
        Some(&key),
        "DELETE",
        &format!("/api/public/v1/access-api-keys/{key_id}"),
        None,
    )
    .expect(200, json!({ "revoked": true }));
    api.call_as(Some(&key), "GET", "/v1/me", None)
        .problem(401, "invalid API key");
    assert!(listed(&key_id).is_none());
    // What it created stays.
    api.get(&format!("/v1/agents/{agent}")).json(200);

    // Revoked by another key: refused at once as well.
    let other = api
        .post("/api/public/v1/access-api-keys", json!({ "name": "other" }))
        .json(201)
        .clone();
    let other_key = other["api_key"].as_str().unwrap();
    api.call_as(Some(other_key), "GET", "/v1/me", None)
        .json(200);
    api.delete(&format!(
        "/api/public/v1/access-api-keys/{}",
        other["key_id"].as_str().unwrap()
    ))
    .json(200);
    api.call_as(Some(other_key), "GET", "/v1/agents", None)
        .problem(401, "invalid API key");
}

#[test]
fn admin_routes_need_the_start_key() {
    let api = Api::start();
    let created = api
        .post(
            "/api/public/v1/access-api-keys",
            json!({ "name": "not admin" }),
        )
        .json(201)
        .clone();
    let other = created["api_key"].as_str().unwrap();
    let denied = "the emulator's admin routes need the key it was started with";
    for (method, path, body) in [
        ("POST", "/_emulator/reset", None),
        ("GET", "/_emulator/deliveries", None),
        ("GET", "/_emulator/faults", None),
        (
            "PUT",
            "/_emulator/faults",
            Some(json!({ "error_rate": 1.0 })),
        ),
        ("DELETE", "/_emulator/faults", None),
        ("GET", "/_emulator/state", None),
    ] {
        api.call_as(None, method, path, body.clone())
            .problem(401, denied);
        api.call_as(Some(other), method, path, body.clone())
            .problem(401, denied);
        let bearer = format!("Bearer {}", api.key);
        let r = api
            .raw(
                method,
                path,
                &[("x-api-key", None), ("authorization", Some(&bearer))],
                body.as_ref().map(|b| b.to_string().into_bytes()),
            )
            .unwrap();
        r.problem(401, denied);
    }
    // Nothing above took effect: no faults configured, the other key still listed.
    let faults = api.get("/_emulator/faults").json(200).clone();
    assert_eq!(faults["config"]["error_rate"], 0.0);
    assert_eq!(api.state()["keys"], 2);
    // The start key opens them.
    api.get("/_emulator/deliveries")
        .expect(200, json!({ "deliveries": [] }));
    // Admin routes are not API routes: no x-api-key bookkeeping needed, and /v1 keys can't
    // reach /_emulator even for GET.
    let r = api.call_as(Some(other), "GET", "/_emulator/deliveries", None);
    assert_eq!(r.status, 401);
}

#[test]
fn reset_clears_everything_but_the_start_key() {
    let api = Api::start();
    let ws = api.create_workspace("team");
    let agent = api.create_agent(Some(&ws));
    api.create_agent(None);
    api.put(
        &format!("/v1/agents/{agent}/instructions"),
        json!({ "content": "x" }),
    )
    .json(200);
    api.put(
        &format!("/v1/agents/{agent}/schedule"),
        json!({ "cron": "0 0 9 * * * 2099" }),
    )
    .json(200);
    api.post(
        &format!("/v1/agents/{agent}/webhooks"),
        json!({ "url": "https://example.com/h", "events": ["run.paused"] }),
    )
    .json(201);
    let run = api.start_run(&agent, "run", "hi");
    api.wait_run(&agent, &run);
    let (_, key) = api.create_key("temp");
    api.put(
        "/_emulator/faults",
        json!({ "latency_ms": 1, "route": "/v1/nothing" }),
    )
    .json(200);
    let before = api.state();
    assert_eq!(
        before,
        json!({ "agents": 2, "runs": 1, "runs_started": 1, "workspaces": 2, "webhooks": 1,
                "schedules": 1, "keys": 2, "deliveries": 0 })
    );

    api.post("/_emulator/reset", json!({}))
        .expect(200, json!({ "success": true }));
    assert_eq!(
        api.state(),
        json!({ "agents": 0, "runs": 0, "runs_started": 0, "workspaces": 0, "webhooks": 0,
                "schedules": 0, "keys": 1, "deliveries": 0 })
    );
    api.get("/v1/agents").expect(200, json!({ "agents": [] }));
    api.get("/v1/workspaces")
        .expect(200, json!({ "workspaces": [] }));
    api.get("/v1/schedules")
        .expect(200, json!({ "schedules": [] }));
    api.get(&format!("/v1/agents/{agent}"))
        .problem(403, "you do not have access to this agent");
    api.call_as(Some(&key), "GET", "/v1/me", None)
        .problem(401, "invalid API key");
    let faults = api.get("/_emulator/faults").json(200).clone();
    assert_eq!(faults["config"]["latency_ms"], 0);
    assert_eq!(faults["config"]["route"], serde_json::Value::Null);
    // A fresh default workspace is made on demand again.
    let a = api.post("/v1/agents", json!({})).json(201)["agent"].clone();
    assert_ne!(a["workspace_id"], ws.as_str());
    assert_eq!(api.state()["workspaces"], 1);
}

#[test]
fn a_revoked_start_key_comes_back_with_reset() {
    let api = Api::start();
    let keys = api.get("/api/public/v1/access-api-keys").json(200)["keys"].clone();
    let start = keys[0].clone();
    assert_key_id(&start["key_id"]);
    assert_eq!(start["display_prefix"].as_str().unwrap().chars().count(), 8);
    api.delete(&format!(
        "/api/public/v1/access-api-keys/{}",
        start["key_id"].as_str().unwrap()
    ))
    .expect(200, json!({ "revoked": true }));
    api.get("/v1/me").problem(401, "invalid API key");
    // The admin routes still open with it, and reset brings it back.
    api.post("/_emulator/reset", json!({}))
        .expect(200, json!({ "success": true }));
    api.get("/v1/me").json(200);
    let keys = api.get("/api/public/v1/access-api-keys").json(200)["keys"].clone();
    assert_eq!(keys.as_array().unwrap().len(), 1);
}

#[test]
fn emulators_in_one_process_are_independent() {
    let a = Api::start();
    let b = Api::start_with(
        twin_emulator::Options::default()
            .api_key("my-own-key")
            .step_ms(STEP_MS),
    );
    assert_ne!(a.base, b.base);
    assert_eq!(b.key, "my-own-key");
    let agent = a.create_agent(None);
    b.get("/v1/agents").expect(200, json!({ "agents": [] }));
    b.get(&format!("/v1/agents/{agent}"))
        .problem(403, "you do not have access to this agent");
    // Each accepts only its own keys.
    b.call_as(Some(&a.key), "GET", "/v1/me", None)
        .problem(401, "invalid API key");
    a.call_as(Some("my-own-key"), "GET", "/v1/me", None)
        .problem(401, "invalid API key");
    // A start key that is not `twin_<key_id>_<secret>` is listed with a made-up id.
    let keys = b.get("/api/public/v1/access-api-keys").json(200)["keys"].clone();
    assert_key_id(&keys[0]["key_id"]);
    assert_eq!(
        keys[0]["display_prefix"].as_str().unwrap().chars().count(),
        8
    );
    assert_ne!(a.get("/v1/me").body, b.get("/v1/me").body, "two accounts");
    b.emulator.shutdown();
    // Stopping one leaves the other serving.
    a.get(&format!("/v1/agents/{agent}")).json(200);
}
