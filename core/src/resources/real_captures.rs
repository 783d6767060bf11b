//! Every complete response body captured from the live service (`tests/vectors/real/`)
//! decodes into its model through the same envelope handling the endpoints use.

use serde_json::Value;

use super::agents::Agent;
use super::api_keys::{ApiKey, CreatedApiKey};
use super::instructions::{InstructionVersion, Instructions};
use super::me::Me;
use super::runs::{Run, RunStatus, decode_page};
use super::schedules::Schedule;
use super::webhooks::{CreatedWebhook, Webhook};
use super::workspaces::Workspace;
use super::{Model, model_list, model_one, model_opt};
use crate::events::Event;

fn calls() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/real/live-calls.json"
    );
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("capture file")).unwrap();
    doc["calls"].as_array().unwrap().clone()
}

/// Decodes one captured 2xx body by its route; returns what was checked.
fn decode(method: &str, path: &str, body: Value) -> crate::Result<&'static str> {
    let route = path
        .split(' ')
        .next()
        .unwrap_or(path)
        .split('?')
        .next()
        .unwrap_or(path);
    Ok(match (method, route) {
        ("GET", "/v1/me") => Me::from_value(body).map(|_| "me")?,
        ("GET", "/v1/agents") => model_list::<Agent>(body, "agents").map(|_| "agents")?,
        ("POST", "/v1/agents") | ("GET", "/v1/agents/{agent_id}") => {
            model_one::<Agent>(body, "agent").map(|_| "agent")?
        }
        ("GET", "/v1/workspaces") => {
            model_list::<Workspace>(body, "workspaces").map(|_| "workspaces")?
        }
        ("POST", "/v1/workspaces") | ("PUT", "/v1/workspaces/{workspace_id}") => {
            model_one::<Workspace>(body, "workspace").map(|_| "workspace")?
        }
        ("GET", "/v1/schedules") => {
            model_list::<Schedule>(body, "schedules").map(|_| "schedules")?
        }
        ("GET", "/v1/agents/{agent_id}/schedule") => {
            model_opt::<Schedule>(body, "schedule").map(|s| {
                if s.is_some() {
                    "schedule"
                } else {
                    "no schedule"
                }
            })?
        }
        ("GET", "/api/public/v1/access-api-keys") => {
            model_list::<ApiKey>(body, "keys").map(|_| "keys")?
        }
        ("POST", "/api/public/v1/access-api-keys") => {
            CreatedApiKey::from_value(body).map(|_| "created key")?
        }
        ("GET", "/v1/agents/{agent_id}/runs") => decode_page(body).map(|_| "runs")?,
        ("POST", "/v1/agents/{agent_id}/runs") => {
            let run = model_one::<Run>(body, "run")?;
            assert_eq!(run.status, Some(RunStatus::InProgress));
            "started run"
        }
        ("GET", "/v1/agents/{agent_id}/runs/{run_id}/events") => {
            let items = crate::client::unwrap_list(body, "events")?;
            items
                .into_iter()
                .map(Event::from_value)
                .collect::<crate::Result<Vec<_>>>()
                .map(|_| "events")?
        }
        ("GET", "/v1/agents/{agent_id}/instructions") => {
            model_opt::<Instructions>(body, "instructions").map(|i| {
                if i.is_some() {
                    "instructions"
                } else {
                    "no instructions"
                }
            })?
        }
        ("GET", "/v1/agents/{agent_id}/instructions/history") => {
            model_list::<InstructionVersion>(body, "instruction_versions").map(|_| "history")?
        }
        ("GET", "/v1/agents/{agent_id}/webhooks") => {
            model_list::<Webhook>(body, "webhooks").map(|_| "webhooks")?
        }
        ("POST", "/v1/agents/{agent_id}/webhooks") => {
            model_one::<CreatedWebhook>(body, "webhook").map(|_| "created webhook")?
        }
        ("GET" | "PATCH", "/v1/agents/{agent_id}/webhooks/{webhook_id}") => {
            model_one::<Webhook>(body, "webhook").map(|_| "webhook")?
        }
        _ => "acknowledgement",
    })
}

#[test]
fn every_complete_live_body_decodes_into_its_model() {
    let mut checked = Vec::new();
    for call in calls() {
        let (method, path, status) = (
            call["method"].as_str().unwrap(),
            call["path"].as_str().unwrap(),
            call["status"].as_u64().unwrap(),
        );
        if !(200..300).contains(&status) {
            continue;
        }
        let text = call["response_body"].as_str().unwrap_or_default();
        let Ok(body) = serde_json::from_str::<Value>(text) else {
            continue; // truncated by the recorder
        };
        let what = decode(method, path, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        checked.push(what);
    }
    // (The workspaces list and the events page were truncated by the recorder.)
    for expected in [
        "me",
        "agent",
        "agents",
        "workspace",
        "schedules",
        "schedule",
        "no schedule",
        "keys",
        "created key",
        "runs",
        "started run",
        "instructions",
        "no instructions",
        "history",
        "webhooks",
        "created webhook",
        "webhook",
    ] {
        assert!(
            checked.contains(&expected),
            "no complete capture decoded as {expected}: {checked:?}"
        );
    }
}
