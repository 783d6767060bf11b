//! Every one of the 33 endpoints, success and error cases, against the live shapes of
//! twin-api.md sections 1 to 4: envelopes, status codes, quirks, id and time formats.

mod common;

use common::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const NO_ACCESS: &str = "you do not have access to this agent";
const RUN_MODE_DETAIL: &str = "run_mode must be explicitly set to Builder, Run, or SubAgent";
const GHOST_AGENT: &str = "019db5a5-56b8-7a40-8b0e-ee557077c754";
const AGENT_KEYS: [&str; 9] = [
    "agent_id",
    "deployment_state",
    "has_instruction_build",
    "has_runs",
    "icon_config",
    "last_activity_at",
    "latest_run_has_pending_input",
    "latest_run_is_finished",
    "workspace_id",
];

#[test]
fn me_returns_a_user_id() {
    let api = Api::start();
    let r = api.get("/v1/me");
    let body = r.json(200);
    assert_keys(body, &["user_id"]);
    assert_user_id(&body["user_id"]);
    // Stable across calls.
    assert_eq!(api.get("/v1/me").json(200), body);
}

#[test]
fn api_keys_list_create_revoke() {
    let start_key = format!(
        "twin_{}_{}",
        "0123456789abcdef0123456789abcdef", "R5-Heo94secretsecret"
    );
    let api = Api::start_with(
        twin_emulator::Options::default()
            .api_key(start_key.clone())
            .step_ms(STEP_MS),
    );

    // The start key is listed; the list call itself used it, so last_used_at is set.
    let list = api.get("/api/public/v1/access-api-keys");
    let keys = list.json(200)["keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 1);
    assert_keys(
        &keys[0],
        &[
            "created_at",
            "display_prefix",
            "key_id",
            "last_used_at",
            "name",
        ],
    );
    assert_eq!(keys[0]["key_id"], "0123456789abcdef0123456789abcdef");
    assert_eq!(keys[0]["display_prefix"], "R5-Heo94");
    assert_unix_secs(&keys[0]["created_at"], 60);
    assert_unix_secs(&keys[0]["last_used_at"], 60);

    // Create: 201, full key only here, snake_case, Unix-seconds time.
    let r = api.post("/api/public/v1/access-api-keys", json!({ "name": "ci" }));
    let created = r.json(201).clone();
    assert_keys(
        &created,
        &["api_key", "created_at", "display_prefix", "key_id", "name"],
    );
    assert_eq!(created["name"], "ci");
    assert_key_id(&created["key_id"]);
    assert_unix_secs(&created["created_at"], 60);
    let prefix = created["display_prefix"].as_str().unwrap();
    assert_eq!(prefix.chars().count(), 8);
    let full = created["api_key"].as_str().unwrap();
    let expected_start = format!("twin_{}_{}", created["key_id"].as_str().unwrap(), prefix);
    assert!(full.starts_with(&expected_start), "{full}");

    // Listed without the secret, without last_used_at (never used).
    let keys = api.get("/api/public/v1/access-api-keys").json(200)["keys"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(keys.len(), 2);
    let listed = keys
        .iter()
        .find(|k| k["key_id"] == created["key_id"])
        .unwrap();
    assert_keys(listed, &["created_at", "display_prefix", "key_id", "name"]);
    assert!(
        !api.get("/api/public/v1/access-api-keys")
            .text
            .contains(full)
    );

    // Name rules: required (axum's 422 when absent, as live), 1..=128 characters.
    assert_eq!(
        api.post("/api/public/v1/access-api-keys", json!({}))
            .plain(422),
        "Failed to deserialize the JSON body into the target type: missing field `name` at line 1 column 2"
    );
    api.post("/api/public/v1/access-api-keys", json!({ "name": "" }))
        .problem(400, "name is required");
    let too_long = "n".repeat(129);
    api.post(
        "/api/public/v1/access-api-keys",
        json!({ "name": too_long }),
    )
    .problem(400, "name must be 1 to 128 characters");
    let max = "é".repeat(128);
    let r = api.post("/api/public/v1/access-api-keys", json!({ "name": max }));
    assert_eq!(r.json(201)["name"], max);
    let text = api
        .post("/api/public/v1/access-api-keys", json!({ "name": 5 }))
        .plain(422)
        .to_string();
    assert!(text.starts_with("Failed to deserialize the JSON body into the target type: name: invalid type: integer `5`, expected a string"), "{text}");

    // Revoke: 200 {"revoked": true}; unknown → 404 problem.
    let id = created["key_id"].as_str().unwrap();
    api.delete(&format!("/api/public/v1/access-api-keys/{id}"))
        .expect(200, json!({ "revoked": true }));
    let problem = api
        .delete(&format!("/api/public/v1/access-api-keys/{id}"))
        .problem_status(404);
    assert!(problem.contains(id), "{problem}");
    let keys = api.get("/api/public/v1/access-api-keys").json(200)["keys"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|k| k["key_id"] != id));
}

#[test]
fn workspaces_crud_reorder_and_icon_config() {
    let api = Api::start();
    api.get("/v1/workspaces")
        .expect(200, json!({ "workspaces": [] }));

    // Create: 201, wrapped in "workspace", new ones at position 0, no icon_config.
    let r = api.post("/v1/workspaces", json!({ "name": "first" }));
    let first = r.json(201)["workspace"].clone();
    assert_keys(
        &first,
        &[
            "agent_count",
            "created_at",
            "name",
            "position",
            "updated_at",
            "workspace_id",
        ],
    );
    assert_eq!(first["agent_count"], 0);
    assert_eq!(first["name"], "first");
    assert_eq!(first["position"], 0);
    assert_uuid_v7(&first["workspace_id"]);
    assert_timestamp(&first["created_at"]);
    assert_eq!(first["created_at"], first["updated_at"]);
    let first_id = first["workspace_id"].as_str().unwrap().to_string();
    let second_id = api.create_workspace("second");
    let third_id = api.create_workspace("third");

    let list = api.get("/v1/workspaces").json(200)["workspaces"].clone();
    let order: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["workspace_id"].as_str().unwrap())
        .collect();
    assert_eq!(order, [&third_id, &second_id, &first_id]);
    let positions: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [0, 1, 2]);

    assert_eq!(
        api.post("/v1/workspaces", json!({})).plain(422),
        "Failed to deserialize the JSON body into the target type: missing field `name` at line 1 column 2"
    );
    api.post("/v1/workspaces", json!({ "name": "  " }))
        .problem(400, "name is required");

    // Update: name required; icon_config is a JSON-encoded string.
    let icon = r##"{"backgroundColor":"#34D399","icon":"Flask"}"##;
    let r = api.put(
        &format!("/v1/workspaces/{first_id}"),
        json!({ "name": "renamed", "icon_config": icon }),
    );
    let updated = r.json(200)["workspace"].clone();
    assert_eq!(updated["name"], "renamed");
    assert_eq!(updated["icon_config"], icon);
    assert_eq!(updated["created_at"], first["created_at"]);
    assert!(nanos(&updated["updated_at"]) > nanos(&first["updated_at"]));
    // Without icon_config it stays.
    let r = api.put(
        &format!("/v1/workspaces/{first_id}"),
        json!({ "name": "again" }),
    );
    assert_eq!(r.json(200)["workspace"]["icon_config"], icon);
    // An object: the live service's 422 text/plain from axum's extractor.
    let r = api.put(
        &format!("/v1/workspaces/{first_id}"),
        json!({ "name": "x", "icon_config": { "icon": "Flask" } }),
    );
    let text = r.plain(422);
    assert!(
        text.starts_with("Failed to deserialize the JSON body into the target type: icon_config: invalid type: map, expected a string at line 1 column "),
        "{text}"
    );
    api.put(&format!("/v1/workspaces/{first_id}"), json!({}))
        .plain(422);
    api.put(
        &format!("/v1/workspaces/{GHOST_AGENT}"),
        json!({ "name": "x" }),
    )
    .problem(404, &format!("workspace {GHOST_AGENT} not found"));

    // Reorder: listed first in the given order; ids must be the user's.
    api.post(
        "/v1/workspaces/reorder",
        json!({ "workspace_ids": [first_id, third_id, second_id] }),
    )
    .expect(200, json!({ "success": true }));
    let list = api.get("/v1/workspaces").json(200)["workspaces"].clone();
    let order: Vec<(&str, i64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["workspace_id"].as_str().unwrap(),
                w["position"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(order, [(&*first_id, 0), (&*third_id, 1), (&*second_id, 2)]);
    api.post(
        "/v1/workspaces/reorder",
        json!({ "workspace_ids": [second_id] }),
    )
    .expect(200, json!({ "success": true }));
    let list = api.get("/v1/workspaces").json(200)["workspaces"].clone();
    assert_eq!(list[0]["workspace_id"], second_id.as_str());
    assert_eq!(list[1]["workspace_id"], first_id.as_str());
    assert_eq!(list[2]["workspace_id"], third_id.as_str());
    let r = api.post(
        "/v1/workspaces/reorder",
        json!({ "workspace_ids": [first_id, GHOST_AGENT] }),
    );
    r.problem(
        400,
        &format!("workspace {GHOST_AGENT} is not one of your workspaces"),
    );
    api.post(
        "/v1/workspaces/reorder",
        json!({ "workspace_ids": [first_id, first_id] }),
    )
    .problem_status(400);
    assert_eq!(
        api.post("/v1/workspaces/reorder", json!({})).plain(422),
        "Failed to deserialize the JSON body into the target type: missing field `workspace_ids` at line 1 column 2"
    );
    // A failed reorder changed nothing.
    let after = api.get("/v1/workspaces").json(200)["workspaces"].clone();
    assert_eq!(after, list);

    // Delete: 200 {"deleted": true}, removes the workspace's agents; unknown → 404.
    let a1 = api.create_agent(Some(&first_id));
    let a2 = api.create_agent(Some(&first_id));
    let kept = api.create_agent(Some(&second_id));
    let ws = api.get("/v1/workspaces").json(200)["workspaces"].clone();
    let count = |id: &str| {
        ws.as_array()
            .unwrap()
            .iter()
            .find(|w| w["workspace_id"] == id)
            .unwrap()["agent_count"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(
        (count(&first_id), count(&second_id), count(&third_id)),
        (2, 1, 0)
    );
    api.delete(&format!("/v1/workspaces/{first_id}"))
        .expect(200, json!({ "deleted": true }));
    api.get(&format!("/v1/agents/{a1}")).problem(403, NO_ACCESS);
    api.get(&format!("/v1/agents/{a2}")).problem(403, NO_ACCESS);
    api.get(&format!("/v1/agents/{kept}")).json(200);
    api.delete(&format!("/v1/workspaces/{first_id}"))
        .problem(404, &format!("workspace {first_id} not found"));
    let ws = api.get("/v1/workspaces").json(200)["workspaces"].clone();
    let ids: Vec<(&str, i64)> = ws
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["workspace_id"].as_str().unwrap(),
                w["position"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ids, [(&*second_id, 0), (&*third_id, 1)]);
    let agents = api.get("/v1/agents").json(200)["agents"].clone();
    assert_eq!(agents.as_array().unwrap().len(), 1);
}

#[test]
fn agents_create_get_list_delete_move() {
    let api = Api::start();
    api.get("/v1/agents").expect(200, json!({ "agents": [] }));

    // No body at all: axum's 415, the live document requiring one.
    api.call("POST", "/v1/agents", None).plain(415);
    // Create with an empty object: 201 {"agent": ...}, the live fields and no others.
    let r = api.post("/v1/agents", json!({}));
    let agent = r.json(201)["agent"].clone();
    assert_keys(&agent, &AGENT_KEYS);
    assert_uuid_v7(&agent["agent_id"]);
    assert_uuid_v7(&agent["workspace_id"]);
    assert_eq!(agent["deployment_state"], "draft");
    assert_eq!(agent["has_instruction_build"], false);
    assert_eq!(agent["has_runs"], false);
    assert_eq!(agent["latest_run_has_pending_input"], false);
    assert_eq!(agent["latest_run_is_finished"], false);
    assert_timestamp(&agent["last_activity_at"]);
    let icon: Value = serde_json::from_str(agent["icon_config"].as_str().unwrap()).unwrap();
    assert!(
        icon["backgroundColor"].as_str().unwrap().starts_with('#'),
        "{icon}"
    );
    let default_ws = agent["workspace_id"].as_str().unwrap().to_string();

    // Without workspace_id: always the same default workspace.
    let second = api.post("/v1/agents", json!({ "is_subagent": false }));
    assert_eq!(
        second.json(201)["agent"]["workspace_id"],
        default_ws.as_str()
    );
    let ws = api.get("/v1/workspaces").json(200)["workspaces"].clone();
    assert_eq!(ws.as_array().unwrap().len(), 1);
    assert_eq!(ws[0]["workspace_id"], default_ws.as_str());
    assert_eq!(ws[0]["agent_count"], 2);

    // With a workspace, an explicit id, the accepted optional fields.
    let ws_id = api.create_workspace("team");
    let r = api.post(
        "/v1/agents",
        json!({
            "workspace_id": ws_id,
            "agent_id": "my-agent",
            "owner_user_id": "user_01KPPW8HKFNH8CH1GEQ73Y6VB3",
            "is_subagent": true,
            "derived_from_agent_id": agent["agent_id"],
        }),
    );
    let mine = r.json(201)["agent"].clone();
    assert_eq!(mine["agent_id"], "my-agent");
    assert_eq!(mine["workspace_id"], ws_id.as_str());
    api.post("/v1/agents", json!({ "agent_id": "my-agent" }))
        .problem(409, "agent my-agent already exists");
    api.post("/v1/agents", json!({ "workspace_id": GHOST_AGENT }))
        .problem(404, &format!("workspace {GHOST_AGENT} not found"));
    api.post(
        "/v1/agents",
        json!({ "derived_from_agent_id": GHOST_AGENT }),
    )
    .problem(403, NO_ACCESS);
    api.post("/v1/agents", json!({ "workspace_id": 5 }))
        .plain(422);

    // Get: {"agent": ...} identical to the create response.
    let id = agent["agent_id"].as_str().unwrap().to_string();
    let got = api.get(&format!("/v1/agents/{id}"));
    assert_eq!(got.json(200), &json!({ "agent": agent }));
    api.get(&format!("/v1/agents/{GHOST_AGENT}"))
        .problem(403, NO_ACCESS);

    // List: newest first; workspace filter; cursor paging with next_cursor only when more.
    for _ in 0..4 {
        api.create_agent(None);
    }
    let all = api.get("/v1/agents").json(200).clone();
    assert_keys(&all, &["agents"]);
    let all_ids: Vec<String> = all["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agent_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(all_ids.len(), 7);
    assert_eq!(all_ids[6], id, "oldest last");
    assert_eq!(all_ids[4], "my-agent");
    let filtered = api
        .get(&format!("/v1/agents?workspace_id={ws_id}"))
        .json(200)
        .clone();
    assert_eq!(filtered, json!({ "agents": [mine] }));

    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            None => "/v1/agents?limit=3".to_string(),
            Some(c) => format!("/v1/agents?limit=3&cursor={c}"),
        };
        let page = api.get(&path).json(200).clone();
        pages += 1;
        let items = page["agents"].as_array().unwrap();
        paged.extend(
            items
                .iter()
                .map(|a| a["agent_id"].as_str().unwrap().to_string()),
        );
        match page.get("next_cursor") {
            Some(c) => {
                assert_eq!(items.len(), 3);
                cursor = Some(c.as_str().unwrap().to_string());
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(paged, all_ids);
    let exact = api.get("/v1/agents?limit=7").json(200).clone();
    assert!(exact.get("next_cursor").is_none(), "no next page: {exact}");
    // A limit outside 1..=100 is refused visibly (the answer could not show a clamped one).
    api.get("/v1/agents?limit=0")
        .problem(400, "limit must be between 1 and 100");
    api.get("/v1/agents?limit=101").problem_status(400);
    api.get("/v1/agents?cursor=garbage")
        .problem(400, "invalid cursor");

    // Move: 200 {"success": true}; the agent and the counts follow.
    api.post(
        &format!("/v1/agents/{id}/move"),
        json!({ "workspace_id": ws_id }),
    )
    .expect(200, json!({ "success": true }));
    let moved = api.get(&format!("/v1/agents/{id}")).json(200)["agent"].clone();
    assert_eq!(moved["workspace_id"], ws_id.as_str());
    assert!(nanos(&moved["last_activity_at"]) >= nanos(&agent["last_activity_at"]));
    api.post(
        &format!("/v1/agents/{id}/move"),
        json!({ "workspace_id": GHOST_AGENT }),
    )
    .problem(404, &format!("workspace {GHOST_AGENT} not found"));
    api.post(&format!("/v1/agents/{id}/move"), json!({}))
        .plain(422);
    api.post(
        &format!("/v1/agents/{id}/move"),
        json!({ "workspace_id": "" }),
    )
    .problem(404, "workspace  not found");
    api.post(
        &format!("/v1/agents/{GHOST_AGENT}/move"),
        json!({ "workspace_id": ws_id }),
    )
    .problem(403, NO_ACCESS);

    // Delete: 204 with an empty body; then 403 like live, for GET and DELETE.
    api.delete(&format!("/v1/agents/{id}")).no_content();
    api.get(&format!("/v1/agents/{id}")).problem(403, NO_ACCESS);
    api.delete(&format!("/v1/agents/{id}"))
        .problem(403, NO_ACCESS);
    assert_eq!(
        api.get("/v1/agents?limit=100").json(200)["agents"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
}

#[test]
fn agents_list_defaults_to_ten_per_page() {
    let api = Api::start();
    let mut created: Vec<String> = (0..12).map(|_| api.create_agent(None)).collect();
    created.reverse();
    let first = api.get("/v1/agents").json(200).clone();
    assert_keys(&first, &["agents", "next_cursor"]);
    let ids: Vec<String> = first["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agent_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, created[..10]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = api
        .get(&format!("/v1/agents?cursor={cursor}"))
        .json(200)
        .clone();
    assert_keys(&rest, &["agents"]);
    let ids: Vec<String> = rest["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agent_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, created[10..]);
}

#[test]
fn runs_start_list_cancel_delete_shapes() {
    let api = Api::start();
    let agent = api.create_agent(None);
    let runs = format!("/v1/agents/{agent}/runs");

    // Empty list: exactly the live body.
    api.get(&runs).expect(
        200,
        json!({"all_run_summaries":[],"page":1,"page_size":100,"runs":[],"total_runs":0}),
    );

    // run_mode: only lowercase run/build; everything else is the live 400 problem.
    for body in [
        json!({}),
        json!({ "run_mode": null }),
        json!({ "run_mode": "" }),
        json!({ "run_mode": "Run" }),
        json!({ "run_mode": "RUN" }),
        json!({ "run_mode": "Builder" }),
        json!({ "run_mode": "BUILD" }),
        json!({ "run_mode": "SubAgent" }),
        json!({ "run_mode": "subagent" }),
        json!({ "run_mode": "sub_agent" }),
        json!({ "user_message": "hi" }),
    ] {
        api.post(&runs, body).problem(400, RUN_MODE_DETAIL);
    }
    for body in [
        json!({ "run_mode": { "Run": {} } }),
        json!({ "run_mode": 1 }),
    ] {
        let text = api.post(&runs, body).plain(422).to_string();
        assert!(
            text.starts_with(
                "Failed to deserialize the JSON body into the target type: run_mode: invalid type: "
            ),
            "{text}"
        );
    }
    api.post(
        &format!("/v1/agents/{GHOST_AGENT}/runs"),
        json!({ "run_mode": "run" }),
    )
    .problem(403, NO_ACCESS);
    api.post(
        &runs,
        json!({ "run_mode": "run", "user_message": "[emulator: colour=blue]" }),
    )
    .problem_status(400);

    // Start: 201 {"run": ...} with the live fields; run_number 0 here.
    let r = api.post(
        &runs,
        json!({ "run_mode": "run", "user_message": "Please do nothing.", "skip_deploy_check": true }),
    );
    let run = r.json(201)["run"].clone();
    assert_keys(
        &run,
        &[
            "agent_id",
            "event_bytes",
            "event_count",
            "goal",
            "is_finished",
            "last_event_at",
            "policy_type",
            "run_id",
            "run_number",
            "started_at",
            "status",
            "step_count",
            "user_email",
            "user_id",
            "wrote_instructions",
        ],
    );
    assert_eq!(run["agent_id"], agent.as_str());
    assert_uuid_v7(&run["run_id"]);
    assert_eq!(run["run_number"], 0);
    assert_eq!(run["status"], "in_progress");
    assert_eq!(run["is_finished"], false);
    assert_eq!(run["policy_type"], "runner_v2");
    assert_eq!(run["goal"], "");
    assert_eq!(
        (
            run["event_bytes"].as_i64(),
            run["event_count"].as_i64(),
            run["step_count"].as_i64()
        ),
        (Some(0), Some(0), Some(0))
    );
    assert_eq!(run["wrote_instructions"], false);
    assert_timestamp(&run["started_at"]);
    assert_timestamp(&run["last_event_at"]);
    assert_user_id(&run["user_id"]);
    assert_eq!(run["user_id"], api.get("/v1/me").json(200)["user_id"]);
    let run_id = run["run_id"].as_str().unwrap().to_string();

    let build = api.post(&runs, json!({ "run_mode": "build" }));
    assert_eq!(build.json(201)["run"]["policy_type"], "builder_v3");
    let build_id = build.body["run"]["run_id"].as_str().unwrap().to_string();

    // Listed with run_number 1, policy_model and run_kind; summaries separately.
    let (listed, summary) = api.wait_run(&agent, &run_id);
    assert_keys(
        &listed,
        &[
            "agent_id",
            "event_bytes",
            "event_count",
            "goal",
            "is_finished",
            "last_event_at",
            "policy_model",
            "policy_type",
            "run_id",
            "run_kind",
            "run_number",
            "started_at",
            "status",
            "step_count",
            "user_email",
            "user_id",
            "wrote_instructions",
        ],
    );
    assert_eq!(listed["run_number"], 1);
    assert_eq!(listed["status"], "completed");
    assert_eq!(listed["is_finished"], true);
    assert_eq!(listed["policy_model"], "claude-sonnet-4-6");
    assert_eq!(listed["run_kind"], "run");
    assert_eq!(listed["started_at"], run["started_at"]);
    assert_keys(
        &summary,
        &[
            "credits_consumed",
            "is_finished",
            "is_paused",
            "outcome",
            "policy_model",
            "policy_type",
            "run_id",
            "run_kind",
            "run_number",
            "run_phase",
            "started_at",
            "summary",
            "tool_icons",
            "total_action_count",
            "wrote_instructions",
        ],
    );
    assert_eq!(summary["outcome"], "success");
    assert_eq!(summary["run_phase"], "finished");
    assert_eq!(summary["credits_consumed"], 2);
    assert_eq!(
        summary["tool_icons"],
        json!([{"action_type": "running", "icon": "check-circle"}])
    );
    assert!(summary["summary"].as_str().is_some_and(|s| !s.is_empty()));
    let (build_run, build_summary) = api.wait_run(&agent, &build_id);
    assert_eq!(build_run["run_number"], 2);
    assert_eq!(build_run["run_kind"], "build");
    assert_eq!(build_run["policy_model"], "claude-opus-4-7");
    assert_eq!(build_summary["policy_type"], "builder_v3");

    // Cancel a finished run: success with the informational error. The body is required, as
    // the live document says (`{}` at least): without one, axum's 415.
    let cancel = format!("{runs}/{run_id}/cancel");
    let done = json!({ "error": "run already completed", "success": true });
    assert_eq!(
        api.call("POST", &cancel, None).plain(415),
        "Expected request with `Content-Type: application/json`"
    );
    api.post(&cancel, json!({})).expect(200, done.clone());
    api.post(&cancel, json!({ "reason": "cleanup" }))
        .expect(200, done);
    api.call_text("POST", &cancel, "{").plain(400);
    // Every body of the live document is an object: an array is not read as its fields.
    assert_eq!(
        api.call_text("POST", &cancel, "[null]").plain(422),
        "Failed to deserialize the JSON body into the target type: invalid type: sequence, expected a map at line 1 column 0"
    );

    // Unknown run: 404 "run <id> not found" on cancel and delete; unknown agent: 403.
    api.post(&format!("{runs}/placeholder-run/cancel"), json!({}))
        .problem(404, "run placeholder-run not found");
    api.delete(&format!("{runs}/placeholder-run"))
        .problem(404, "run placeholder-run not found");
    api.post(
        &format!("/v1/agents/{GHOST_AGENT}/runs/{run_id}/cancel"),
        json!({}),
    )
    .problem(403, NO_ACCESS);
    api.get(&format!("/v1/agents/{GHOST_AGENT}/runs"))
        .problem(403, NO_ACCESS);
    // A run of another agent is not found under this one.
    let other = api.create_agent(None);
    api.delete(&format!("/v1/agents/{other}/runs/{run_id}"))
        .problem(404, &format!("run {run_id} not found"));

    // PATCH on a run: 405, empty body, Allow: DELETE.
    let r = api.patch(&format!("{runs}/{run_id}"), json!({}));
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("DELETE"));
    assert_eq!(r.text, "");
    let r = api.get(&format!("{runs}/{run_id}"));
    assert_eq!((r.status, r.header("allow")), (405, Some("DELETE")));
    // As captured (http-exchanges.json exchanges[22]): POST on instructions is axum's 405
    // with `allow: GET,HEAD,PUT` and an empty body.
    let r = api.post(&format!("/v1/agents/{agent}/instructions"), json!({}));
    assert_eq!((r.status, r.header("allow")), (405, Some("GET,HEAD,PUT")));
    assert_eq!(r.text, "");

    // Delete: 204 empty; then gone from the list and 404 on cancel.
    api.delete(&format!("{runs}/{run_id}")).no_content();
    api.post(&cancel, json!({}))
        .problem(404, &format!("run {run_id} not found"));
    api.delete(&format!("{runs}/{run_id}"))
        .problem(404, &format!("run {run_id} not found"));
    let list = api.get(&runs).json(200).clone();
    assert_eq!(list["total_runs"], 1);
    assert_eq!(list["runs"][0]["run_id"], build_id.as_str());
    let a = api.get(&format!("/v1/agents/{agent}")).json(200)["agent"].clone();
    assert_eq!(a["latest_run_id"], build_id.as_str());
}

#[test]
fn unimplemented_run_routes_answer_grpc_unimplemented() {
    let api = Api::start();
    let agent = api.create_agent(None);
    let run = api.start_run(&agent, "run", "hello");
    for tail in ["messages", "input", "answer", "reply", "respond", "resume"] {
        let r = api.post(
            &format!("/v1/agents/{agent}/runs/{run}/{tail}"),
            json!({ "answer": "A" }),
        );
        assert_eq!(r.status, 200, "{tail}");
        assert_eq!(r.content_type(), "application/grpc", "{tail}");
        assert_eq!(r.header("grpc-status"), Some("12"), "{tail}");
        assert_eq!(r.text, "", "{tail}");
    }
}

#[test]
fn events_of_unknown_runs_and_agents() {
    let api = Api::start();
    let agent = api.create_agent(None);
    let r = api.get(&format!("/v1/agents/{agent}/runs/placeholder-run/events"));
    r.expect(200, json!({ "events": [], "total_count": 0 }));
    api.get(&format!(
        "/v1/agents/{GHOST_AGENT}/runs/placeholder-run/events"
    ))
    .problem(403, NO_ACCESS);
}

#[test]
fn webhooks_crud_and_validation() {
    let api = Api::start();
    let agent = api.create_agent(None);
    let hooks = format!("/v1/agents/{agent}/webhooks");
    api.get(&hooks).expect(200, json!({ "webhooks": [] }));

    // Create: 201, top-level object, secret only here.
    let r = api.post(
        &hooks,
        json!({ "url": "https://example.com/webhook-test-receiver", "events": ["run.started", "run.completed"] }),
    );
    let created = r.json(201).clone();
    assert_keys(
        &created,
        &[
            "created_at",
            "events",
            "signing_secret",
            "status",
            "url",
            "webhook_id",
        ],
    );
    assert_uuid_v7(&created["webhook_id"]);
    assert_timestamp(&created["created_at"]);
    assert_eq!(created["events"], json!(["run.started", "run.completed"]));
    assert_eq!(created["status"], "active");
    assert_eq!(created["url"], "https://example.com/webhook-test-receiver");
    assert!(
        created["signing_secret"]
            .as_str()
            .is_some_and(|s| s.len() >= 16)
    );
    let id = created["webhook_id"].as_str().unwrap().to_string();
    let me = api.get("/v1/me").json(200)["user_id"].clone();

    // http is allowed too; every known event type.
    let r = api.post(
        &hooks,
        json!({ "url": "http://127.0.0.1:9/hook", "events": ["run.started", "run.completed", "run.failed", "run.stopped", "run.paused"] }),
    );
    let second = r.json(201)["webhook_id"].as_str().unwrap().to_string();

    // Get and list: no secret, with agent_id, user_id, updated_at.
    let got = api.get(&format!("{hooks}/{id}")).json(200).clone();
    assert_keys(
        &got,
        &[
            "agent_id",
            "created_at",
            "events",
            "status",
            "updated_at",
            "url",
            "user_id",
            "webhook_id",
        ],
    );
    assert_eq!(got["agent_id"], agent.as_str());
    assert_eq!(got["user_id"], me);
    assert_eq!(got["created_at"], created["created_at"]);
    assert_eq!(got["updated_at"], created["created_at"]);
    let list = api.get(&hooks).json(200).clone();
    assert_keys(&list, &["webhooks"]);
    assert_eq!(list["webhooks"].as_array().unwrap().len(), 2);
    assert_eq!(list["webhooks"][0], got);
    assert!(
        !api.get(&hooks)
            .text
            .contains(created["signing_secret"].as_str().unwrap())
    );

    // Validation.
    for (body, detail) in [
        (
            json!({ "url": "https://example.com/h", "events": [] }),
            Some("events must name at least one event type"),
        ),
        (
            json!({ "url": "ftp://example.com/h", "events": ["run.started"] }),
            Some("url must be an absolute http or https URL"),
        ),
        (
            json!({ "url": "/relative", "events": ["run.started"] }),
            Some("url must be an absolute http or https URL"),
        ),
        (
            json!({ "url": "not a url", "events": ["run.started"] }),
            None,
        ),
        (
            json!({ "url": "https://example.com/h", "events": ["run.finished"] }),
            None,
        ),
        (
            json!({ "url": "https://example.com/h", "events": ["run.started", "RUN.STARTED"] }),
            None,
        ),
    ] {
        let r = api.post(&hooks, body.clone());
        match detail {
            Some(d) => r.problem(400, d),
            None => {
                r.problem_status(400);
            }
        }
    }
    api.post(
        &hooks,
        json!({ "url": "https://example.com/h", "events": "run.started" }),
    )
    .plain(422);
    api.post(
        &format!("/v1/agents/{GHOST_AGENT}/webhooks"),
        json!({ "url": "https://example.com/h", "events": ["run.started"] }),
    )
    .problem(403, NO_ACCESS);
    api.get(&format!("/v1/agents/{GHOST_AGENT}/webhooks"))
        .problem(403, NO_ACCESS);
    api.get(&format!("{hooks}/{GHOST_AGENT}"))
        .problem(404, &format!("webhook {GHOST_AGENT} not found"));
    // Another agent's webhook is not found under this agent.
    let other = api.create_agent(None);
    api.get(&format!("/v1/agents/{other}/webhooks/{id}"))
        .problem(404, &format!("webhook {id} not found"));

    // PATCH: only the sent fields change; updated_at moves.
    let r = api.patch(
        &format!("{hooks}/{id}"),
        json!({ "events": ["run.completed"], "status": "disabled" }),
    );
    let patched = r.json(200).clone();
    assert_keys(
        &patched,
        &[
            "agent_id",
            "created_at",
            "events",
            "status",
            "updated_at",
            "url",
            "user_id",
            "webhook_id",
        ],
    );
    assert_eq!(patched["events"], json!(["run.completed"]));
    assert_eq!(patched["status"], "disabled");
    assert_eq!(patched["url"], created["url"]);
    assert!(nanos(&patched["updated_at"]) > nanos(&got["updated_at"]));
    let r = api.patch(
        &format!("{hooks}/{id}"),
        json!({ "url": "http://localhost:8080/x", "status": "active" }),
    );
    let again = r.json(200).clone();
    assert_eq!(again["url"], "http://localhost:8080/x");
    assert_eq!(again["events"], json!(["run.completed"]));
    assert_eq!(again["status"], "active");
    assert_eq!(api.get(&format!("{hooks}/{id}")).json(200), &again);
    api.patch(&format!("{hooks}/{id}"), json!({ "status": "paused" }))
        .problem(400, "status must be active or disabled, got \"paused\"");
    api.patch(&format!("{hooks}/{id}"), json!({ "events": [] }))
        .problem(400, "events must name at least one event type");
    api.patch(&format!("{hooks}/{id}"), json!({ "url": "mailto:a@b.c" }))
        .problem_status(400);
    api.patch(&format!("{hooks}/{GHOST_AGENT}"), json!({}))
        .problem(404, &format!("webhook {GHOST_AGENT} not found"));
    assert_eq!(
        api.get(&format!("{hooks}/{id}")).json(200),
        &again,
        "failed PATCHes changed nothing"
    );

    // Delete: 204 empty; then 404.
    api.delete(&format!("{hooks}/{id}")).no_content();
    api.get(&format!("{hooks}/{id}"))
        .problem(404, &format!("webhook {id} not found"));
    api.delete(&format!("{hooks}/{id}"))
        .problem(404, &format!("webhook {id} not found"));
    let list = api.get(&hooks).json(200)["webhooks"].clone();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["webhook_id"], second.as_str());
}

#[test]
fn schedules_crud_and_validation() {
    let api = Api::start();
    let agent = api.create_agent(None);
    let other = api.create_agent(None);
    let sched = format!("/v1/agents/{agent}/schedule");

    // None: {} (not {"schedule": null}, not 404).
    api.get(&sched).expect(200, json!({}));
    api.get("/v1/schedules")
        .expect(200, json!({ "schedules": [] }));

    // Set: 200 {"success": true}; GET shows it with next_run in Unix seconds (UTC).
    api.put(&sched, json!({ "cron": "0 0 12 * * * *" }))
        .expect(200, json!({ "success": true }));
    let got = api.get(&sched).json(200).clone();
    assert_keys(&got, &["schedule"]);
    let s = &got["schedule"];
    assert_keys(
        s,
        &[
            "agent_id",
            "auto_paused",
            "consecutive_failures",
            "cron",
            "next_run",
            "paused",
        ],
    );
    assert_eq!(s["agent_id"], agent.as_str());
    assert_eq!(s["cron"], "0 0 12 * * * *");
    assert_eq!(
        (s["auto_paused"].as_bool(), s["paused"].as_bool()),
        (Some(false), Some(false))
    );
    assert_eq!(s["consecutive_failures"], 0);
    let next = s["next_run"].as_i64().unwrap();
    let now = now_secs();
    assert_eq!(next % 86_400, 12 * 3600, "next noon UTC");
    assert!(next > now && next <= now + 86_400, "{next}");

    // Replace; weekday numbering of the cron crate (5 = Thursday) and names.
    api.put(&sched, json!({ "cron": "0 15 17 * * 5 *" }))
        .expect(200, json!({ "success": true }));
    let next = api.get(&sched).json(200)["schedule"]["next_run"]
        .as_i64()
        .unwrap();
    // 1970-01-01 was a Thursday: days since epoch % 7 == 0 on Thursdays.
    assert_eq!((next / 86_400) % 7, 0, "Thursday");
    assert_eq!(next % 86_400, 17 * 3600 + 15 * 60);
    api.put(
        &format!("/v1/agents/{other}/schedule"),
        json!({ "cron": "0 0 9 * * Mon-Fri *" }),
    )
    .expect(200, json!({ "success": true }));

    // Invalid cron: 400 problem.
    for cron in [
        "0 0 9 * *",
        "0 0 9 * * *",
        "not a cron at all x y",
        "0 0 25 * * * *",
        "0 61 * * * * *",
    ] {
        let detail = api.put(&sched, json!({ "cron": cron })).problem_status(400);
        assert!(
            detail.starts_with("invalid cron expression"),
            "{cron}: {detail}"
        );
    }
    assert_eq!(
        api.put(&sched, json!({})).plain(422),
        "Failed to deserialize the JSON body into the target type: missing field `cron` at line 1 column 2"
    );
    api.put(&sched, json!({ "cron": "0 0 0 1 1 * 2020" }))
        .problem(
            400,
            "cron expression \"0 0 0 1 1 * 2020\" never fires again",
        );
    api.put(&sched, json!({ "cron": 5 })).plain(422);
    assert_eq!(
        api.get(&sched).json(200)["schedule"]["cron"],
        "0 15 17 * * 5 *"
    );

    // Pause and resume: no body is read ({}, none, or anything else).
    api.post(&format!("{sched}/pause"), json!({}))
        .expect(200, json!({ "success": true }));
    assert_eq!(api.get(&sched).json(200)["schedule"]["paused"], true);
    api.call("POST", &format!("{sched}/resume"), None)
        .expect(200, json!({ "success": true }));
    assert_eq!(api.get(&sched).json(200)["schedule"]["paused"], false);
    api.call_text("POST", &format!("{sched}/pause"), "not json")
        .expect(200, json!({ "success": true }));

    // All schedules of the user.
    let all = api.get("/v1/schedules").json(200).clone();
    assert_keys(&all, &["schedules"]);
    let items = all["schedules"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let mine = items
        .iter()
        .find(|s| s["agent_id"] == agent.as_str())
        .unwrap();
    assert_eq!(mine, &api.get(&sched).json(200)["schedule"]);
    assert_eq!(mine["paused"], true);

    // Delete: 200 {"success": true} (not 204); then {} again.
    api.delete(&sched).expect(200, json!({ "success": true }));
    api.get(&sched).expect(200, json!({}));
    assert_eq!(
        api.get("/v1/schedules").json(200)["schedules"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    api.post(&format!("{sched}/pause"), json!({}))
        .problem(404, "this agent has no schedule");
    api.post(&format!("{sched}/resume"), json!({}))
        .problem(404, "this agent has no schedule");

    // Unknown agent: 403 everywhere.
    let ghost = format!("/v1/agents/{GHOST_AGENT}/schedule");
    api.get(&ghost).problem(403, NO_ACCESS);
    api.put(&ghost, json!({ "cron": "0 0 9 * * * *" }))
        .problem(403, NO_ACCESS);
    api.delete(&ghost).problem(403, NO_ACCESS);
    api.post(&format!("{ghost}/pause"), json!({}))
        .problem(403, NO_ACCESS);
    api.post(&format!("{ghost}/resume"), json!({}))
        .problem(403, NO_ACCESS);

    // Deleting the agent removes its schedule.
    api.delete(&format!("/v1/agents/{other}")).no_content();
    api.get("/v1/schedules")
        .expect(200, json!({ "schedules": [] }));
}

#[test]
fn instructions_are_versioned() {
    let api = Api::start();
    let agent = api.create_agent(None);
    let path = format!("/v1/agents/{agent}/instructions");

    api.get(&path).expect(200, json!({}));
    api.get(&format!("{path}/history"))
        .expect(200, json!({ "instruction_versions": [] }));

    let first = "# Test agent\nCheck email every morning.";
    api.put(&path, json!({ "content": first }))
        .expect(200, json!({ "success": true }));
    let got = api.get(&path).json(200).clone();
    assert_keys(&got, &["instructions"]);
    let i = &got["instructions"];
    assert_keys(
        i,
        &[
            "agent_id",
            "content",
            "content_hash",
            "source_id",
            "storage_key",
            "updated_at",
            "user_email",
            "user_id",
        ],
    );
    assert_eq!(i["agent_id"], agent.as_str());
    assert_eq!(i["content"], first);
    let hash = hex::encode(Sha256::digest(first.as_bytes()));
    assert_eq!(i["content_hash"], hash.as_str());
    assert_timestamp(&i["updated_at"]);
    // Written without source_type: live records `checkpoint` (live-calls.json 14 and 16).
    assert_eq!(
        i["source_id"],
        format!(
            "checkpoint:instructions:{}",
            i["updated_at"].as_str().unwrap()
        )
    );
    let key = i["storage_key"].as_str().unwrap();
    assert!(
        key.starts_with(&format!("agents/{agent}/instructions/"))
            && key.ends_with(&format!("-{}.md", &hash[..16])),
        "{key}"
    );
    assert_eq!(i["user_id"], api.get("/v1/me").json(200)["user_id"]);

    // The platform names the agent after the first write.
    let a = api.get(&format!("/v1/agents/{agent}")).json(200)["agent"].clone();
    assert_eq!(a["agent_name"], json!({ "name": "Test agent" }));

    api.put(
        &path,
        json!({ "content": "second", "source_type": "checkpoint", "source_id": "cp-1" }),
    )
    .expect(200, json!({ "success": true }));
    api.put(&path, json!({ "content": "third", "source_type": "api" }))
        .expect(200, json!({ "success": true }));
    assert_eq!(api.get(&path).json(200)["instructions"]["content"], "third");

    let history = api.get(&format!("{path}/history")).json(200)["instruction_versions"].clone();
    let items = history.as_array().unwrap();
    assert_eq!(items.len(), 3);
    for v in items {
        assert_keys(
            v,
            &[
                "content",
                "content_hash",
                "created_at",
                "id",
                "source_id",
                "source_type",
                "storage_key",
            ],
        );
        assert_timestamp(&v["created_at"]);
    }
    let contents: Vec<&str> = items
        .iter()
        .map(|v| v["content"].as_str().unwrap())
        .collect();
    assert_eq!(contents, ["third", "second", first], "newest first");
    let ids: Vec<i64> = items.iter().map(|v| v["id"].as_i64().unwrap()).collect();
    assert!(ids[0] > ids[1] && ids[1] > ids[2], "{ids:?}");
    assert_eq!(items[0]["source_type"], "api");
    assert_eq!(items[1]["source_type"], "checkpoint");
    assert_eq!(items[1]["source_id"], "cp-1");
    assert_eq!(items[2]["content_hash"], hash.as_str());
    assert_eq!(items[2]["source_type"], "checkpoint");
    assert_eq!(
        items[2]["source_id"],
        format!(
            "checkpoint:instructions:{}",
            items[2]["created_at"].as_str().unwrap()
        )
    );

    let limited =
        api.get(&format!("{path}/history?limit=2")).json(200)["instruction_versions"].clone();
    assert_eq!(limited.as_array().unwrap().len(), 2);
    assert_eq!(limited[0], items[0]);

    assert_eq!(
        api.put(&path, json!({})).plain(422),
        "Failed to deserialize the JSON body into the target type: missing field `content` at line 1 column 2"
    );
    api.put(&path, json!({ "content": ["x"] })).plain(422);
    let ghost = format!("/v1/agents/{GHOST_AGENT}/instructions");
    api.get(&ghost).problem(403, NO_ACCESS);
    api.put(&ghost, json!({ "content": "x" }))
        .problem(403, NO_ACCESS);
    api.get(&format!("{ghost}/history")).problem(403, NO_ACCESS);

    // Gone with the agent.
    api.delete(&format!("/v1/agents/{agent}")).no_content();
    api.get(&path).problem(403, NO_ACCESS);
}

#[test]
fn every_documented_route_is_served() {
    // The 33 documented (method, path) pairs; each must reach a handler (not 404/405).
    let api = Api::start();
    let routes = twin_emulator::api_routes();
    assert_eq!(routes.len(), 33);
    for (method, path) in &routes {
        let concrete = path
            .replace("{agent_id}", GHOST_AGENT)
            .replace("{run_id}", "r")
            .replace("{webhook_id}", "w")
            .replace("{workspace_id}", "ws")
            .replace("{key_id}", "k");
        let body = matches!(method.as_str(), "POST" | "PUT" | "PATCH").then(|| json!({}));
        let r = api.call(method, &concrete, body);
        assert!(
            ![404, 405].contains(&r.status) || r.content_type() == "application/problem+json",
            "{method} {path}: {} {}",
            r.status,
            r.text
        );
        if r.status == 422 {
            // `{}` lacks a required field: axum's rejection, as live.
            assert!(r.plain(422).contains("missing field"), "{method} {path}");
        } else if r.status >= 400 {
            r.problem_status(r.status);
        }
    }
}
