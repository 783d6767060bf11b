//! Simulated runs: a started run emits events on a clock in the live nested shape
//! (twin-api.md 2.5, 3.6) and ends `completed`, `error`, `stopped` or `paused`, firing the
//! matching webhooks.
//!
//! An emulator-only directive inside `user_message` scripts a run:
//! `[emulator: outcome=partial events=12 step_ms=5]`. Keys (all optional):
//! `outcome=success|partial|fail`, `events=N` (7 to 100000, default 8), `step_ms=N`,
//! `slow` (1000 ms steps), `pause` (ends `paused`, waiting for input), `error` (a policy
//! error: status `error`), `payload_kb=N` (pads `Started`, `PolicyDecided` and the filler
//! `ToolCallResolved` events to about N KiB each with what makes real ones big: instruction
//! prose, tool schemas, assistant messages and tool output records).

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use serde_json::{Value, json};

use crate::app::{ApiError, AppState};
use crate::ids::{rfc3339, uuid_v7};
use crate::store::{Run, RunMode, RunStatus, Store, StoredEvent};

const MIN_EVENTS: usize = 7;
const MAX_EVENTS: usize = 100_000;
const DEFAULT_EVENTS: usize = 8;

/// How a run ends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ending {
    Complete,
    Pause,
    PolicyError,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    pub outcome: &'static str,
    pub events: usize,
    pub step_ms: Option<u64>,
    pub ending: Ending,
    pub payload_kb: usize,
    /// The user message without the directive.
    pub message: String,
}

impl Script {
    /// Reads the directive, if any, out of a run's `user_message`.
    pub fn parse(message: &str) -> Result<Script, ApiError> {
        let mut script = Script {
            outcome: "success",
            events: DEFAULT_EVENTS,
            step_ms: None,
            ending: Ending::Complete,
            payload_kb: 0,
            message: message.trim().to_string(),
        };
        let lower = message.to_ascii_lowercase();
        let Some(start) = lower.find("[emulator:") else {
            return Ok(script);
        };
        let end = lower[start..].find(']').map(|e| start + e).ok_or_else(|| {
            ApiError::bad_request("emulator directive is missing its closing ']'")
        })?;
        let body = &message[start + "[emulator:".len()..end];
        script.message = format!("{}{}", &message[..start], &message[end + 1..])
            .trim()
            .to_string();
        for token in body.split_whitespace() {
            let (key, value) = token.split_once('=').unwrap_or((token, ""));
            let number = |max: u64| -> Result<u64, ApiError> {
                value
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n <= max)
                    .ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "emulator directive {key} needs a number up to {max}, got {value:?}"
                        ))
                    })
            };
            match key.to_ascii_lowercase().as_str() {
                "outcome" => {
                    script.outcome = match value {
                        "success" => "success",
                        "partial" => "partial",
                        "fail" => "fail",
                        _ => {
                            return Err(ApiError::bad_request(
                                "emulator directive outcome must be success, partial or fail",
                            ));
                        }
                    }
                }
                "events" => {
                    let n = number(MAX_EVENTS as u64)? as usize;
                    if n < MIN_EVENTS {
                        return Err(ApiError::bad_request(format!(
                            "emulator directive events must be at least {MIN_EVENTS}"
                        )));
                    }
                    script.events = n;
                }
                "step_ms" => script.step_ms = Some(number(600_000)?),
                "slow" => script.step_ms = Some(1000),
                "pause" => script.ending = Ending::Pause,
                "error" => script.ending = Ending::PolicyError,
                "payload_kb" => script.payload_kb = number(1024)? as usize,
                other => {
                    return Err(ApiError::bad_request(format!(
                        "unknown emulator directive {other:?} (known: outcome, events, step_ms, slow, pause, error, payload_kb)"
                    )));
                }
            }
        }
        Ok(script)
    }

    /// The final answer the run's `llm` tool call carries.
    fn answer(&self) -> String {
        let asked: String = self.message.chars().take(200).collect();
        if asked.is_empty() {
            "Done. Nothing was asked, so nothing was changed.".to_string()
        } else {
            format!("Done: {asked}")
        }
    }
}

/// Starts a run: records it, emits `Started`, fires `run.started` and spawns its clock.
pub fn start(
    app: &AppState,
    store: &mut Store,
    agent_id: &str,
    mode: RunMode,
    message: &str,
    scheduled: bool,
) -> Result<String, ApiError> {
    let script = Script::parse(message)?;
    let now = Utc::now();
    let run_id = uuid_v7(&mut *app.rng(), now);
    let agent = store
        .agents
        .get_mut(agent_id)
        .ok_or_else(ApiError::no_agent_access)?;
    agent.runs.push(run_id.clone());
    agent.last_activity_at = now;
    let run = Run {
        run_id: run_id.clone(),
        agent_id: agent_id.to_string(),
        mode,
        run_number: agent.runs.len() as u64,
        status: RunStatus::InProgress,
        outcome: None,
        summary: None,
        started_at: now,
        last_event_at: now,
        finished_at: None,
        credits_consumed: 0,
        total_action_count: 0,
        events: Vec::new(),
        scheduled,
    };
    store.runs.insert(run_id.clone(), run);
    store.runs_started += 1;
    emit(app, store, &run_id, &script, 0);
    crate::delivery::fire(app, store, &run_id, "run.started");
    let step = Duration::from_millis(script.step_ms.unwrap_or(app.step_ms));
    let (app, id) = (app.clone(), run_id.clone());
    tokio::spawn(async move { drive(app, id, script, step).await });
    Ok(run_id)
}

async fn drive(app: AppState, run_id: String, script: Script, step: Duration) {
    for i in 1..script.events {
        tokio::time::sleep(step).await;
        let mut store = app.store();
        if store
            .runs
            .get(&run_id)
            .is_none_or(|r| r.status != RunStatus::InProgress)
        {
            return; // cancelled or deleted meanwhile
        }
        emit(&app, &mut store, &run_id, &script, i);
    }
    let mut store = app.store();
    let Some(run) = store.runs.get_mut(&run_id) else {
        return;
    };
    if run.status != RunStatus::InProgress {
        return;
    }
    let now = Utc::now();
    let event = match script.ending {
        Ending::Complete => {
            run.status = RunStatus::Completed;
            run.outcome = Some(script.outcome.to_string());
            run.summary = Some(format!(
                "Emulated {} ended with outcome {}.",
                run.mode.run_kind(),
                script.outcome
            ));
            "run.completed"
        }
        Ending::PolicyError => {
            run.status = RunStatus::Error;
            run.summary = Some("The policy failed (emulated policy error).".to_string());
            "run.failed"
        }
        Ending::Pause => {
            run.status = RunStatus::Paused;
            run.summary = Some("Waiting for input (emulated pause).".to_string());
            "run.paused"
        }
    };
    if run.status.is_finished() {
        run.finished_at = Some(now);
    }
    run.credits_consumed = (script.events as u64).div_ceil(4);
    let (agent_id, scheduled, failed) = (
        run.agent_id.clone(),
        run.scheduled,
        run.status == RunStatus::Error || run.outcome.as_deref() == Some("fail"),
    );
    if let Some(agent) = store.agents.get_mut(&agent_id) {
        agent.last_activity_at = now;
    }
    if scheduled {
        crate::scheduler::record_outcome(&mut store, &agent_id, failed);
    }
    crate::delivery::fire(&app, &mut store, &run_id, event);
}

/// Stops an in-progress or paused run: status `stopped`, a last `Finished` event, `run.stopped`.
pub fn stop(app: &AppState, store: &mut Store, run_id: &str) {
    let now = Utc::now();
    let Some(run) = store.runs.get_mut(run_id) else {
        return;
    };
    run.status = RunStatus::Stopped;
    run.finished_at = Some(now);
    run.summary = Some("Stopped by the user.".to_string());
    let agent_id = run.agent_id.clone();
    if let Some(agent) = store.agents.get_mut(&agent_id) {
        agent.last_activity_at = now;
    }
    let finished = json!({ "Finished": { "status": "stopped", "outcome": null } });
    push_event(app, store, run_id, finished, now);
    crate::delivery::fire(app, store, run_id, "run.stopped");
}

/// Emits the `i`-th event of a run's script.
fn emit(app: &AppState, store: &mut Store, run_id: &str, script: &Script, i: usize) {
    let Some(run) = store.runs.get(run_id) else {
        return;
    };
    let body = event_body(run, script, i);
    if i >= 2 && i % 4 == 1 {
        // every PolicyDecided counts as an action
        if let Some(r) = store.runs.get_mut(run_id) {
            r.total_action_count += 1;
        }
    }
    push_event(app, store, run_id, body, Utc::now());
}

fn push_event(app: &AppState, store: &mut Store, run_id: &str, typed: Value, now: DateTime<Utc>) {
    let (gap, jitter_us) = {
        let mut rng = app.rng();
        (
            rng.random_range(1..=5u64),
            rng.random_range(-40_000..=5_000i64),
        )
    };
    store.next_event_index += gap;
    let index = store.next_event_index;
    let Some(run) = store.runs.get_mut(run_id) else {
        return;
    };
    // `recorded_at` is close to, but not monotonic with, `event_index` (as live).
    let recorded_at = now + TimeDelta::microseconds(jitter_us);
    let item = json!({
        "event": {
            "agent_id": { "id": run.agent_id },
            "event": { "event": typed },
            "run_id": { "id": run.run_id },
            "user_id": null,
        },
        "event_index": index,
        "recorded_at": rfc3339(recorded_at),
    });
    let raw = serde_json::value::to_raw_value(&item).expect("events serialize");
    run.events.push(StoredEvent { index, json: raw });
    run.last_event_at = now;
}

/// The typed body (`{"<Type>": {...}}`) of event `i` in a run of `script.events` events:
/// `Started`, `RunPolicyInitialized`, tool-call cycles (padded with `Tick`), a last cycle
/// whose `llm` call carries the answer, then `Finished` (or `UserInfoRequested` for a pause).
fn event_body(run: &Run, script: &Script, i: usize) -> Value {
    let n = script.events;
    let pad = script.payload_kb * 1024;
    if i == 0 {
        return json!({ "Started": {
            "agent_id": run.agent_id,
            "run_id": run.run_id,
            "user_message": script.message,
            "agent_instructions_context": format!("(emulated instructions){}", prose(pad / 2)),
            "agent_memory_context": null,
            "authenticated_services": [],
            "builtin_tool_version": 3,
            "chat_files": [],
            "dynamic_tools": tool_schemas(pad - pad / 2),
            "model_override": null,
            "policy_type_info": { "AgentPolicyInfo": { "run_mode": if run.mode == RunMode::Build { 1 } else { 0 } } },
            "timezone": "UTC",
            "trigger_context": null,
            "webhook_callback_url": null,
        }});
    }
    if i == 1 {
        return json!({ "RunPolicyInitialized": {
            "is_trial": false, "model": run.mode.model(), "model_alias": 8,
            "policy_type": run.mode.policy_type(),
        }});
    }
    let last = i == n - 1;
    if last {
        return match script.ending {
            Ending::Pause => json!({ "UserInfoRequested": {
                "call_id": format!("toolu_emulated_{i}"),
                "originating_tool_name": "present_options",
                "request": { "title": "The agent needs your input", "blocks": [], "information_to_acquire": [] },
                "request_id": format!("req_emulated_{i}"),
            }}),
            Ending::PolicyError => json!({ "Finished": {
                "status": "error", "outcome": null, "error": "policy error (emulated)",
            }}),
            Ending::Complete => {
                json!({ "Finished": { "status": "completed", "outcome": script.outcome } })
            }
        };
    }
    // Events 2 ..= n-2: filler cycles, then the final cycle (n-5 ..= n-2) with the llm call.
    let final_cycle = n - 5;
    let filler_ticks = (n - MIN_EVENTS) % 4;
    let (phase, tool, call) = if i >= final_cycle {
        (i - final_cycle, "llm", n)
    } else if i < 2 + filler_ticks {
        return json!({ "Tick": {} });
    } else {
        let k = i - 2 - filler_ticks;
        (k % 4, "get_current_time", k / 4)
    };
    let call_id = format!("toolu_emulated_{call:05}");
    match phase {
        0 => json!({ "PolicyDecisionRequested": {} }),
        1 => json!({ "PolicyDecided": {
            "commands": [{ "payload": { "RunToolCall": {
                "call_id": call_id, "internal": false, "parent_call_id": null,
                "related_tool_name": null, "title": format!("Call {tool}"),
                "tool": { "EmbeddedTool": { "action": "", "comment": format!("Call {tool}"),
                          "arguments": { "kind": { "StructValue": { "fields": {} } } },
                          "tool_name": tool } },
            }}}],
            "comments": [], "compaction": null,
            "messages": [{ "role": "assistant", "content": [{ "content": { "Text": {
                "text": format!("Calling {tool}.{}", prose(pad)) } } }] }],
            "model": run.mode.model(), "policy_id": null, "reasoning": [],
            "response_id": format!("msg_emulated_{call:05}"), "server_tool_uses": [],
            "usage": { "cost_micros": null, "input_tokens": 1200, "output_tokens": 80,
                       "total_tokens": 1280,
                       "input_tokens_details": { "cached_tokens": 0, "cache_creation_tokens": 0 } },
        }}),
        2 => json!({ "ToolCallStarted": {
            "call_id": call_id, "title": format!("Call {tool}"), "internal": false,
            "parent_call_id": null, "related_tool_name": null,
            "tool": { "EmbeddedTool": { "tool_name": tool, "action": "", "comment": "",
                      "arguments": { "kind": { "StructValue": { "fields": {} } } } } },
        }}),
        _ => {
            let output = if tool == "llm" {
                value_tree(&json!({ "answer": script.answer(), "outcome": script.outcome }))
            } else {
                let mut out =
                    json!({ "current_datetime": rfc3339(Utc::now()), "user_timezone": "UTC" });
                if pad > 0 {
                    out["results"] = records(pad);
                }
                value_tree(&out)
            };
            json!({ "ToolCallResolved": {
                "call_id": call_id, "tool_name": tool, "output": output,
                "embedded_tool_usage_micros": null, "in_storage": null, "internal": false,
                "media_output": null, "parent_call_id": null, "provider_ref": null,
                "related_tool_name": null, "request_id": null,
            }})
        }
    }
}

/// Instruction- or message-like prose of about `bytes` bytes, with the newlines, quotes and
/// punctuation real text has (they cost JSON decoders more than plain letters).
fn prose(bytes: usize) -> String {
    const TEXT: &str = "When a new message arrives, read it in full before you act. \
        Summarise what the sender wants in one sentence, then decide: \"reply\", \"forward\" \
        or \"archive\". Never share the user's email address or any API key.\n\
        - Keep replies under 120 words; match the sender's tone.\n\
        - If a date is mentioned, check the calendar (timezone: Europe/Paris) first.\n";
    let mut out = String::with_capacity(bytes + TEXT.len());
    while out.len() < bytes {
        out.push_str(TEXT);
    }
    out.truncate(bytes);
    out
}

/// Tool schemas (name, description, JSON Schema of the input) adding up to about `bytes`.
fn tool_schemas(bytes: usize) -> Vec<Value> {
    let mut tools = Vec::new();
    let mut size = 0;
    while size < bytes {
        let n = tools.len();
        let tool = json!({
            "name": format!("search_mailbox_{n}"),
            "description": "Searches the user's mailbox and returns matching threads, newest first.",
            "input_schema": { "type": "object", "required": ["query"], "properties": {
                "query": { "type": "string", "description": "Gmail-style search query" },
                "limit": { "type": "integer", "minimum": 1, "maximum": 50, "default": 10 },
                "include_spam": { "type": "boolean", "default": false },
            }},
        });
        size += tool.to_string().len();
        tools.push(tool);
    }
    tools
}

/// Records a tool returns (as search results do) adding up to about `bytes` once encoded as
/// a `Value` tree, which takes about three times the bytes of plain JSON.
fn records(bytes: usize) -> Value {
    let mut items = Vec::new();
    let mut size = 0;
    while size < bytes {
        let n = items.len();
        let item = json!({
            "id": format!("thread_{n:04}"),
            "subject": format!("Re: quarterly report, draft {n}"),
            "from": "Alex Martin <alex@example.com>",
            "unread": n % 3 == 0,
            "score": 0.5 + (n % 10) as f64 / 20.0,
        });
        size += value_tree(&item).to_string().len();
        items.push(item);
    }
    Value::Array(items)
}

/// Encodes plain JSON as a protobuf `Value` tree, as tool outputs are on the wire.
pub fn value_tree(v: &Value) -> Value {
    let kind = match v {
        Value::Null => json!({ "NullValue": 0 }),
        Value::Bool(b) => json!({ "BoolValue": b }),
        Value::Number(n) => json!({ "NumberValue": n.as_f64() }),
        Value::String(s) => json!({ "StringValue": s }),
        Value::Array(items) => {
            json!({ "ListValue": { "values": items.iter().map(value_tree).collect::<Vec<_>>() } })
        }
        Value::Object(fields) => json!({ "StructValue": { "fields":
            fields.iter().map(|(k, v)| (k.clone(), value_tree(v))).collect::<serde_json::Map<_, _>>() } }),
    };
    json!({ "kind": kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directive_is_parsed_and_removed_from_the_message() {
        let s = Script::parse("Summarise [emulator: outcome=partial events=12 step_ms=5] please")
            .unwrap();
        assert_eq!(s.outcome, "partial");
        assert_eq!(s.events, 12);
        assert_eq!(s.step_ms, Some(5));
        assert_eq!(s.ending, Ending::Complete);
        assert_eq!(s.message, "Summarise  please");
    }

    #[test]
    fn bare_keys_and_defaults() {
        let s = Script::parse("[Emulator: pause slow]").unwrap();
        assert_eq!(s.ending, Ending::Pause);
        assert_eq!(s.step_ms, Some(1000));
        let plain = Script::parse("hello").unwrap();
        assert_eq!(
            (plain.outcome, plain.events, plain.ending),
            ("success", DEFAULT_EVENTS, Ending::Complete)
        );
    }

    #[test]
    fn bad_directives_are_refused() {
        for bad in [
            "[emulator: outcome=great]",
            "[emulator: events=3]",
            "[emulator: events=lots]",
            "[emulator: colour=blue]",
            "[emulator: events=10",
        ] {
            assert!(Script::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn value_tree_round_trip_shape() {
        let t = value_tree(&json!({ "a": [1, "x", null, true] }));
        assert_eq!(
            t["kind"]["StructValue"]["fields"]["a"]["kind"]["ListValue"]["values"][1]["kind"]["StringValue"],
            "x"
        );
    }
}
