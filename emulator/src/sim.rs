//! Simulated runs: a started run emits events on a clock in the live nested shape
//! (twin-api.md 2.5, 3.6), made of real events re-stamped (see [`crate::templates`]), and ends
//! `completed`, `error`, `stopped` or `paused`, firing the matching webhooks.
//!
//! An emulator-only directive inside `user_message` scripts a run:
//! `[emulator: outcome=partial events=12 step_ms=5]`. Keys (all optional):
//! `outcome=success|partial|fail`, `events=N` (7 to 100000, default 8), `step_ms=N`,
//! `slow` (1000 ms steps), `pause` (ends `paused`, waiting for input), `error` (a policy
//! error: status `error`), `payload_kb=N` (pads `Started`, `PolicyDecided`, `ToolCallResolved`
//! and `ToolOutputSummary` to about N KiB each with what makes real ones big: instruction
//! prose, tool schemas, assistant messages and tool output records).

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use serde_json::{Value, json};

use crate::app::{ApiError, AppState};
use crate::ids::{rfc3339, uuid_v7};
use crate::store::{Run, RunMode, RunStatus, Store, StoredEvent};
pub use crate::templates::Ending;
use crate::templates::{Plan, Stamp};

const MIN_EVENTS: usize = 7;
const MAX_EVENTS: usize = 100_000;
const DEFAULT_EVENTS: usize = 8;

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

    /// The final answer the `llm` tool call of a successful run carries.
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
    let workspace_id = agent.workspace_id.clone();
    store.runs.insert(run_id.clone(), run);
    store.runs_started += 1;
    let plan = Plan::new(
        &mut *app.rng(),
        mode,
        script.events,
        script.ending,
        script.outcome,
    );
    let stamp = Stamp {
        agent_id: agent_id.to_string(),
        run_id: run_id.clone(),
        user_id: store.user.user_id.clone(),
        email: store.user.email.clone(),
        workspace_id,
        mode,
        message: script.message.clone(),
        instructions: store
            .instructions
            .get(agent_id)
            .and_then(|v| v.last())
            .map(|v| v.content.clone()),
        scheduled,
        cron: scheduled
            .then(|| store.schedules.get(agent_id).map(|s| s.cron.clone()))
            .flatten(),
        outcome: script.outcome,
        ending: script.ending,
        answer: script.answer(),
        pad: script.payload_kb * 1024,
    };
    emit(app, store, &run_id, &plan, &stamp, 0);
    crate::delivery::fire(app, store, &run_id, "run.started");
    let step = Duration::from_millis(script.step_ms.unwrap_or(app.step_ms));
    let (app, id) = (app.clone(), run_id.clone());
    tokio::spawn(async move { drive(app, id, script, plan, stamp, step).await });
    Ok(run_id)
}

async fn drive(
    app: AppState,
    run_id: String,
    script: Script,
    plan: Plan,
    stamp: Stamp,
    step: Duration,
) {
    for i in 1..plan.steps.len() {
        tokio::time::sleep(step).await;
        let mut store = app.store();
        if store
            .runs
            .get(&run_id)
            .is_none_or(|r| r.status != RunStatus::InProgress)
        {
            return; // cancelled or deleted meanwhile
        }
        emit(&app, &mut store, &run_id, &plan, &stamp, i);
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
    push_event(app, store, run_id, crate::templates::stopped(), now);
    crate::delivery::fire(app, store, run_id, "run.stopped");
}

/// Emits the `i`-th event of a run's plan.
fn emit(app: &AppState, store: &mut Store, run_id: &str, plan: &Plan, stamp: &Stamp, i: usize) {
    if plan.steps[i].is_decision()
        && let Some(r) = store.runs.get_mut(run_id)
    {
        r.total_action_count += 1; // every PolicyDecided counts as an action
    }
    push_event(app, store, run_id, plan.render(i, stamp), Utc::now());
}

fn push_event(app: &AppState, store: &mut Store, run_id: &str, typed: Value, now: DateTime<Utc>) {
    let (gap, jitter_us) = {
        let mut rng = app.rng();
        // Mostly small gaps, sometimes larger ones (other runs' events in between), as live.
        let gap = if rng.random_ratio(1, 12) {
            rng.random_range(10..=90u64)
        } else {
            rng.random_range(1..=5u64)
        };
        (gap, rng.random_range(-40_000..=5_000i64))
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
}
