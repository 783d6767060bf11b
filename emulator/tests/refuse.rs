//! The `refuse` fault of PUT /_emulator/faults: each of the eleven operations whose live answer
//! carries a flag (`success`, `deleted`, `revoked`) or a nullable workspace answers 200 with it
//! false (the workspace null), as the live document's schemas allow, and changes nothing; the
//! usual checks still come first; `route`, `methods` and `times` scope it; it is counted.

mod common;

use common::*;
use serde_json::{Value, json};

const TEXT: &str = "the scheduler is unavailable";

fn refuse(api: &Api, extra: Value) {
    let mut config = json!({ "refuse": true, "refuse_error": TEXT });
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    api.put("/_emulator/faults", config)
        .expect(200, json!({ "success": true }));
}

fn refused_count(api: &Api) -> u64 {
    api.get("/_emulator/faults").json(200)["stats"]["refused"]
        .as_u64()
        .unwrap()
}

/// What the world looks like, to show that a refused operation changed nothing.
fn snapshot(api: &Api, agent: &str, run: &str) -> Value {
    json!({
        "workspaces": api.get("/v1/workspaces").json(200)["workspaces"],
        "agent": api.get(&format!("/v1/agents/{agent}")).json(200)["agent"],
        "schedule": api.get(&format!("/v1/agents/{agent}/schedule")).json(200),
        "history": api.get(&format!("/v1/agents/{agent}/instructions/history")).json(200),
        "run": api.run(agent, run).0,
        "keys": api.get("/api/public/v1/access-api-keys").json(200)["keys"],
    })
}

#[test]
fn every_flagged_answer_is_produced_and_nothing_changes() {
    let api = Api::start();
    let home = api.create_workspace("home");
    let other = api.create_workspace("other");
    let agent = api.create_agent(Some(&home));
    let sched = format!("/v1/agents/{agent}/schedule");
    api.put(&sched, json!({ "cron": "0 0 9 * * * *" }))
        .expect(200, json!({ "success": true }));
    let run = api.start_run(&agent, "run", "[emulator: events=500 step_ms=50]");
    let (key, _) = api.create_key("spare");
    let before = snapshot(&api, &agent, &run);

    refuse(&api, json!({}));
    let failed = json!({ "error": TEXT, "success": false });
    let cases: Vec<(&str, String, Option<Value>, Value)> = vec![
        // {"success": false, "error"}: SetScheduleResponse, PauseScheduleResponse,
        // ResumeScheduleResponse, DeleteScheduleResponse.
        (
            "PUT",
            sched.clone(),
            Some(json!({ "cron": "0 0 10 * * * *" })),
            failed.clone(),
        ),
        ("POST", format!("{sched}/pause"), None, failed.clone()),
        ("POST", format!("{sched}/resume"), None, failed.clone()),
        ("DELETE", sched.clone(), None, failed.clone()),
        // MoveAgentToWorkspaceResponse.
        (
            "POST",
            format!("/v1/agents/{agent}/move"),
            Some(json!({ "workspace_id": other })),
            failed.clone(),
        ),
        // CancelRunResponse, which instructions update answers too.
        (
            "PUT",
            format!("/v1/agents/{agent}/instructions"),
            Some(json!({ "content": "never written" })),
            failed.clone(),
        ),
        (
            "POST",
            format!("/v1/agents/{agent}/runs/{run}/cancel"),
            Some(json!({ "reason": "stop" })),
            failed.clone(),
        ),
        // ReorderWorkspacesResponse: `success` only (its live schema has no `error`).
        (
            "POST",
            "/v1/workspaces/reorder".to_string(),
            Some(json!({ "workspace_ids": [other, home] })),
            json!({ "success": false }),
        ),
        // DeleteWorkspaceResponse.
        (
            "DELETE",
            format!("/v1/workspaces/{home}"),
            None,
            json!({ "deleted": false, "error": TEXT }),
        ),
        // RevokeApiKeyResponse: `revoked` only.
        (
            "DELETE",
            format!("/api/public/v1/access-api-keys/{key}"),
            None,
            json!({ "revoked": false }),
        ),
        // UpdateWorkspaceResponse: the workspace is null.
        (
            "PUT",
            format!("/v1/workspaces/{home}"),
            Some(json!({ "name": "renamed" })),
            json!({ "workspace": null }),
        ),
    ];
    assert_eq!(cases.len(), 11);
    for (method, path, body, expected) in &cases {
        let r = api.call(method, path, body.clone());
        assert_eq!(r.json(200), expected, "{method} {path}");
    }
    assert_eq!(refused_count(&api), 11);

    // Other operations are untouched by the switch.
    api.get(&format!("/v1/agents/{agent}")).json(200);
    api.create_workspace("made while refusing");
    api.delete("/_emulator/faults").json(200);
    let mut after = snapshot(&api, &agent, &run);
    // Only the workspace created above, and the run's own progress, differ.
    after["workspaces"]
        .as_array_mut()
        .unwrap()
        .retain(|w| w["name"] != "made while refusing");
    for w in after["workspaces"].as_array_mut().unwrap() {
        w["position"] = json!(null);
    }
    let mut before = before;
    for w in before["workspaces"].as_array_mut().unwrap() {
        w["position"] = json!(null);
    }
    for s in [&mut before, &mut after] {
        s["run"]["last_event_at"] = json!(null);
        s["agent"]["last_activity_at"] = json!(null);
    }
    assert_eq!(before, after);
    assert_eq!(api.run(&agent, &run).0["status"], "in_progress");

    // With the switch off, the same calls succeed.
    api.post(&format!("/v1/agents/{agent}/runs/{run}/cancel"), json!({}))
        .expect(200, json!({ "success": true }));
    api.delete(&format!("/api/public/v1/access-api-keys/{key}"))
        .expect(200, json!({ "revoked": true }));
}

#[test]
fn checks_come_first_and_the_switch_is_scoped() {
    let api = Api::start();
    let agent = api.create_agent(None);
    let sched = format!("/v1/agents/{agent}/schedule");
    api.put(&sched, json!({ "cron": "0 0 9 * * * *" }))
        .json(200);

    // Without refuse_error, a default text; checks first: an unknown agent is still a 403,
    // a missing schedule a 404, a body without its required field axum's 422.
    api.put("/_emulator/faults", json!({ "refuse": true }))
        .json(200);
    let r = api.post(&format!("{sched}/pause"), json!({}));
    assert_eq!(r.json(200)["success"], false);
    assert!(
        r.body["error"].as_str().unwrap().contains("refuse"),
        "{}",
        r.text
    );
    api.post(&format!("/v1/agents/{GHOST}/schedule/pause"), json!({}))
        .problem(403, "you do not have access to this agent");
    let bare = api.create_agent(None);
    api.post(&format!("/v1/agents/{bare}/schedule/pause"), json!({}))
        .problem(404, "this agent has no schedule");
    api.put(&format!("/v1/agents/{agent}/instructions"), json!({}))
        .plain(422);
    api.delete("/api/public/v1/access-api-keys/no-such-key")
        .problem_status(404);
    assert_eq!(refused_count(&api), 1);

    // Scoped by route and method, for the next `times` matching requests only.
    refuse(
        &api,
        json!({ "route": format!("/v1/agents/{agent}/schedule"), "methods": ["DELETE"], "times": 1 }),
    );
    api.post(&format!("{sched}/pause"), json!({}))
        .expect(200, json!({ "success": true }));
    api.delete(&sched)
        .expect(200, json!({ "error": TEXT, "success": false }));
    assert!(api.get(&sched).json(200)["schedule"].is_object(), "kept");
    api.delete(&sched).expect(200, json!({ "success": true }));
    api.get(&sched).expect(200, json!({}));
    assert_eq!(refused_count(&api), 1);

    // The configuration reads back; a wrong type is axum's 422.
    refuse(&api, json!({}));
    let config = api.get("/_emulator/faults").json(200)["config"].clone();
    assert_eq!(
        (config["refuse"].clone(), config["refuse_error"].clone()),
        (json!(true), json!(TEXT))
    );
    api.put("/_emulator/faults", json!({ "refuse": "yes" }))
        .plain(422);
}

const GHOST: &str = "00000000-0000-7000-8000-000000000000";
