//! Simulated events made of real ones: the templates in `events/real-events.json` (events a
//! live builder run returned, trimmed and scrubbed by `events/make_templates.py`, embedded in
//! the binary) re-stamped with the simulated run's ids, call ids, model and message.
//!
//! A run's events are planned when it starts ([`Plan::new`]): `Started`, `RunPolicyInitialized`
//! (then, in build mode, the user's `UserTick`), policy cycles, and an ending. A cycle is what
//! the real trace shows: `PolicyDecisionRequested`, `RunPolicyInitialized` again, `StreamStarted`
//! (build mode), `PolicyDecided` with one or two tool calls, per call `ToolCallStarted` and a
//! `Tick`, `DynamicToolCreationResolved` / `DynamicToolUpdateResolved` for the builder's
//! `CreateTool` / `UpdateTool`, `ToolCallResolved`, `ToolOutputSummary`, and a last `Tick`.
//! Tool variants: `EmbeddedTool` (`get_agent_state`, `get_skill`, `search_skills`),
//! `GetCurrentTime`, `Shell`, `EstablishAuth`, `DynamicTool`, `ExecuteJs`, and in build mode
//! also `CreateTool` and `UpdateTool`. Space left over is `Tick`s.
//!
//! Endings: a completed run with outcome `success` ends with an `llm` tool call whose
//! `ToolCallResolved` output carries `{"answer", "outcome": "success"}` (what `final_output()`
//! reads), then `Finished {"status": "completed", "outcome": "success"}`; `partial` and `fail`
//! end with an ordinary tool call and `Finished` with their outcome, and no `llm` call anywhere;
//! a policy error ends `Finished {"status": "error", "outcome": null, "error"}`; a pause ends
//! with the real `PolicyDecided` (`RequestUserInfo`) and `UserInfoRequested` of `present_options`.
//! `Finished` is the emulator's own: no capture holds its payload.

use std::sync::LazyLock;

use chrono::Utc;
use rand::Rng;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::ids::rfc3339;
use crate::store::RunMode;

#[derive(Deserialize)]
struct Template {
    payload: Value,
}

#[derive(Deserialize)]
struct CallTemplates {
    call_id: String,
    #[serde(rename = "PolicyDecided")]
    decided: Template,
    #[serde(rename = "ToolCallStarted")]
    started: Template,
    #[serde(rename = "ToolCallResolved")]
    resolved: Template,
    #[serde(rename = "ToolOutputSummary", default)]
    summary: Option<Template>,
    #[serde(rename = "DynamicToolCreationResolved", default)]
    created: Option<Template>,
    #[serde(rename = "DynamicToolUpdateResolved", default)]
    updated: Option<Template>,
}

impl CallTemplates {
    /// The tool variant (`EmbeddedTool`, `Shell`, ...) of the call.
    fn variant(&self) -> &str {
        self.started.payload["tool"]
            .as_object()
            .and_then(|o| o.keys().next())
            .map_or("", String::as_str)
    }

    /// Variants that build tools: only builder runs use them.
    fn builds_tools(&self) -> bool {
        matches!(self.variant(), "CreateTool" | "UpdateTool")
    }
}

#[derive(Deserialize)]
struct Ask {
    call_id: String,
    #[serde(rename = "PolicyDecided")]
    decided: Template,
    #[serde(rename = "UserInfoRequested")]
    requested: Template,
}

#[derive(Deserialize)]
struct Real {
    agent_id: String,
    run_id: String,
    user_id: String,
    #[serde(rename = "Started")]
    started: Template,
    #[serde(rename = "UserTick")]
    user_tick: Template,
    #[serde(rename = "RunPolicyInitialized")]
    init: Template,
    #[serde(rename = "StreamStarted")]
    stream: Template,
    calls: Vec<CallTemplates>,
    ask: Ask,
}

static REAL: LazyLock<Real> = LazyLock::new(|| {
    let real: Real = serde_json::from_str(include_str!("../events/real-events.json"))
        .expect("events/real-events.json is valid");
    assert_eq!(
        real.calls[LLM_BASE].variant(),
        "EmbeddedTool",
        "the llm call is drawn on an EmbeddedTool call"
    );
    real
});

/// The template the `llm` call is drawn on (an `EmbeddedTool` call).
const LLM_BASE: usize = 0;
/// [`Call::template`] of the `llm` call.
const LLM: u16 = u16::MAX;

/// One tool call of a plan: which template, and the number its ids are made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    template: u16,
    id: u32,
}

/// One planned event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Started,
    UserTick,
    Init,
    Requested,
    Stream(u32),
    /// `PolicyDecided` of a decision (its number) with one or two calls.
    Decided(u32, Call, Option<Call>),
    CallStarted(Call),
    Definition(Call),
    Resolved(Call),
    Summary(Call),
    Tick,
    AskDecided(u32, u32),
    AskRequested(u32),
    Finished,
}

impl Step {
    pub fn is_decision(self) -> bool {
        matches!(self, Step::Decided(..) | Step::AskDecided(..))
    }
}

/// How a simulated run ends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ending {
    Complete,
    Pause,
    PolicyError,
}

/// Everything the events of one run are stamped with.
pub struct Stamp {
    pub agent_id: String,
    pub run_id: String,
    pub user_id: String,
    pub email: String,
    pub workspace_id: String,
    pub mode: RunMode,
    /// The user message without the emulator directive.
    pub message: String,
    /// The agent's current instructions, if any.
    pub instructions: Option<String>,
    pub scheduled: bool,
    pub cron: Option<String>,
    pub outcome: &'static str,
    pub ending: Ending,
    /// The answer the `llm` call carries.
    pub answer: String,
    /// Bytes to pad the big events to (`payload_kb`).
    pub pad: usize,
}

/// The planned events of a run, exactly as many as asked.
pub struct Plan {
    pub steps: Vec<Step>,
    /// Seed of the run's call ids, response ids and stream tokens.
    seed: u64,
}

impl Plan {
    /// `events` steps (at least 7) for a run of `mode` ending as `ending` with `outcome`.
    pub fn new(
        rng: &mut impl Rng,
        mode: RunMode,
        events: usize,
        ending: Ending,
        outcome: &str,
    ) -> Plan {
        let build = mode == RunMode::Build;
        let real = &*REAL;
        let usable: Vec<u16> = (0..real.calls.len() as u16)
            .filter(|&i| build || !real.calls[i as usize].builds_tools())
            .collect();
        let mut calls = 0u32;
        let mut decisions = 0u32;
        let mut next_call = |rng: &mut dyn rand::RngCore| {
            calls += 1;
            Call {
                template: usable[rng.random_range(0..usable.len())],
                id: calls,
            }
        };
        let tail: Vec<Step> = match ending {
            Ending::Complete if outcome == "success" => {
                let llm = Call {
                    template: LLM,
                    id: 0,
                };
                vec![
                    Step::Requested,
                    Step::Decided(0, llm, None),
                    Step::CallStarted(llm),
                    Step::Resolved(llm),
                    Step::Finished,
                ]
            }
            Ending::Complete => {
                let last = next_call(rng);
                vec![
                    Step::Requested,
                    Step::Decided(0, last, None),
                    Step::CallStarted(last),
                    Step::Resolved(last),
                    Step::Finished,
                ]
            }
            Ending::PolicyError => vec![Step::Requested, Step::Finished],
            Ending::Pause => vec![
                Step::Requested,
                Step::AskDecided(0, 0),
                Step::AskRequested(0),
            ],
        };
        let mut steps = vec![Step::Started, Step::Init];
        if build && events > steps.len() + tail.len() {
            steps.push(Step::UserTick);
        }
        let room = events.saturating_sub(tail.len());
        loop {
            let first = next_call(rng);
            let second = rng.random_bool(0.25).then(|| next_call(rng));
            decisions += 1;
            let cycle = cycle(decisions, first, second, build);
            if steps.len() + cycle.len() > room {
                break;
            }
            steps.extend(cycle);
        }
        steps.resize(room, Step::Tick);
        steps.extend(tail);
        Plan {
            steps,
            seed: rng.random(),
        }
    }

    /// The typed body (`{"<Type>": {...}}`) of step `i`.
    pub fn render(&self, i: usize, stamp: &Stamp) -> Value {
        let step = self.steps[i];
        let (kind, payload) = self.payload(step, stamp);
        json!({ kind: payload })
    }

    fn call_id(&self, call: Call) -> String {
        format!("toolu_01{}", self.token(1, call.id, 22))
    }

    fn response_id(&self, decision: u32) -> String {
        format!("msg_01{}", self.token(2, decision, 22))
    }

    /// `len` base-62 characters made of the plan's seed, a namespace and a number.
    fn token(&self, namespace: u64, n: u32, len: usize) -> String {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut state = self.seed ^ (namespace << 56) ^ u64::from(n);
        (0..len)
            .map(|_| {
                state = splitmix(&mut state);
                ALPHABET[(state % 62) as usize] as char
            })
            .collect()
    }

    fn stream_token(&self, decision: u32) -> String {
        let h = format!(
            "{:08x}{:016x}",
            decision,
            splitmix(&mut (self.seed ^ 3 << 56 ^ u64::from(decision)))
        );
        let ms = Utc::now().timestamp_millis().max(0) as u64;
        format!(
            "{:08x}-{:04x}-7{}-8{}-{}",
            ms >> 16,
            ms & 0xffff,
            &h[..3],
            &h[3..6],
            &h[6..18]
        )
    }

    fn payload(&self, step: Step, s: &Stamp) -> (&'static str, Value) {
        let real = &*REAL;
        let ids = |extra: &[(&str, &str)]| -> Vec<(String, String)> {
            let mut subs = vec![
                (real.agent_id.clone(), s.agent_id.clone()),
                (real.run_id.clone(), s.run_id.clone()),
                (real.user_id.clone(), s.user_id.clone()),
            ];
            subs.extend(extra.iter().map(|(a, b)| (a.to_string(), b.to_string())));
            subs
        };
        let call_subs = |call: Call| {
            let template = &real.calls[if call.template == LLM {
                LLM_BASE
            } else {
                call.template as usize
            }];
            (template, ids(&[(&template.call_id, &self.call_id(call))]))
        };
        match step {
            Step::Started => ("Started", started(&real.started.payload, s, &ids(&[]))),
            Step::UserTick => {
                let mut p = restamp(&real.user_tick.payload, &ids(&[]));
                p["instructions"] = json!(s.message);
                ("UserTick", p)
            }
            Step::Init => {
                let mut p = real.init.payload.clone();
                p["model"] = json!(s.mode.model());
                p["policy_type"] = json!(s.mode.policy_type());
                ("RunPolicyInitialized", p)
            }
            Step::Requested => ("PolicyDecisionRequested", json!({})),
            Step::Stream(decision) => {
                let mut p = real.stream.payload.clone();
                p["model"] = json!(s.mode.model());
                p["response_id"] = json!(self.response_id(decision));
                p["stream_token"] = json!(self.stream_token(decision));
                ("StreamStarted", p)
            }
            Step::Decided(decision, first, second) => {
                let (template, subs) = call_subs(first);
                let mut p = restamp(&template.decided.payload, &subs);
                let mut commands = vec![command(&p, first)];
                if let Some(second) = second {
                    let (t2, subs2) = call_subs(second);
                    commands.push(command(&restamp(&t2.decided.payload, &subs2), second));
                }
                p["commands"] = json!(commands);
                p["model"] = json!(s.mode.model());
                p["response_id"] = json!(self.response_id(decision));
                if s.pad > 0 {
                    pad_text(&mut p, "/messages/0/content/0/content/Text/text", s.pad);
                }
                ("PolicyDecided", p)
            }
            Step::CallStarted(call) => {
                let (template, subs) = call_subs(call);
                let mut p = restamp(&template.started.payload, &subs);
                if call.template == LLM {
                    p["title"] = json!("Compose the answer");
                    p["tool"] = llm_tool();
                }
                ("ToolCallStarted", p)
            }
            Step::Definition(call) => {
                let (template, subs) = call_subs(call);
                match (&template.created, &template.updated) {
                    (Some(t), _) => ("DynamicToolCreationResolved", restamp(&t.payload, &subs)),
                    (None, Some(t)) => ("DynamicToolUpdateResolved", restamp(&t.payload, &subs)),
                    (None, None) => ("Tick", json!({})),
                }
            }
            Step::Resolved(call) => {
                let (template, subs) = call_subs(call);
                let mut p = restamp(&template.resolved.payload, &subs);
                if call.template == LLM {
                    p["tool_name"] = json!("llm");
                    p["related_tool_name"] = Value::Null;
                    p["output"] = value_tree(&json!({ "answer": s.answer, "outcome": "success" }));
                } else {
                    if template.variant() == "GetCurrentTime" {
                        now_into(&mut p["output"]);
                    }
                    if s.pad > 0 {
                        pad_output(&mut p["output"], s.pad);
                    }
                }
                ("ToolCallResolved", p)
            }
            Step::Summary(call) => {
                let (template, subs) = call_subs(call);
                let mut p = match &template.summary {
                    Some(t) => restamp(&t.payload, &subs),
                    None => return ("Tick", json!({})),
                };
                if s.pad > 0 {
                    pad_text(&mut p, "/blocks/0/kind/Text/text", s.pad);
                }
                ("ToolOutputSummary", p)
            }
            Step::Tick => ("Tick", json!({})),
            Step::AskDecided(decision, call) => {
                let id = self.call_id(Call {
                    template: 0,
                    id: call,
                });
                let mut p = restamp(&real.ask.decided.payload, &ids(&[(&real.ask.call_id, &id)]));
                p["model"] = json!(s.mode.model());
                p["response_id"] = json!(self.response_id(decision));
                ("PolicyDecided", p)
            }
            Step::AskRequested(call) => {
                let id = self.call_id(Call {
                    template: 0,
                    id: call,
                });
                let p = restamp(
                    &real.ask.requested.payload,
                    &ids(&[(&real.ask.call_id, &id)]),
                );
                ("UserInfoRequested", p)
            }
            Step::Finished => ("Finished", finished(s)),
        }
    }
}

/// The steps of one policy cycle with one or two tool calls.
fn cycle(decision: u32, first: Call, second: Option<Call>, build: bool) -> Vec<Step> {
    let real = &*REAL;
    let calls: Vec<Call> = std::iter::once(first).chain(second).collect();
    let mut steps = vec![Step::Requested, Step::Init];
    if build {
        steps.push(Step::Stream(decision));
    }
    steps.push(Step::Decided(decision, first, second));
    for &c in &calls {
        steps.extend([Step::CallStarted(c), Step::Tick]);
    }
    for &c in calls.iter().rev() {
        let t = &real.calls[c.template as usize];
        if t.created.is_some() || t.updated.is_some() {
            steps.push(Step::Definition(c));
        }
        steps.push(Step::Resolved(c));
    }
    for &c in &calls {
        if real.calls[c.template as usize].summary.is_some() {
            steps.push(Step::Summary(c));
        }
    }
    steps.push(Step::Tick);
    steps
}

/// The `Finished` payload: not in any capture, so the emulator's own.
fn finished(s: &Stamp) -> Value {
    match s.ending {
        Ending::Complete => json!({ "status": "completed", "outcome": s.outcome }),
        Ending::PolicyError => {
            json!({ "status": "error", "outcome": null, "error": "policy error (emulated)" })
        }
        Ending::Pause => json!({ "status": "paused", "outcome": null }),
    }
}

/// `Finished` of a run stopped by a cancel.
pub fn stopped() -> Value {
    json!({ "Finished": { "status": "stopped", "outcome": null } })
}

fn started(template: &Value, s: &Stamp, subs: &[(String, String)]) -> Value {
    let mut p = restamp(template, subs);
    p["agent_id"] = json!(s.agent_id);
    p["run_id"] = json!({ "id": s.run_id });
    p["user_message"] = if s.message.is_empty() {
        Value::Null
    } else {
        json!(s.message)
    };
    let instructions = match (&s.instructions, s.pad) {
        (i, 0) => i.clone(),
        (i, pad) => Some(format!(
            "{}\n{}",
            i.as_deref().unwrap_or("# Instructions"),
            prose(pad / 2)
        )),
    };
    p["agent_instructions_context"] = json!(instructions);
    if s.pad > 0
        && let Some(tools) = p["dynamic_tools"].as_array_mut()
    {
        tools.extend(tool_schemas(s.pad - s.pad / 2));
    }
    p["frontend_url"] = json!(format!(
        "https://builder.twin.so/workspace/{}",
        s.workspace_id
    ));
    p["programmed_user_ticks"] = match s.mode {
        RunMode::Build => json!([{ "context_variables": [], "instructions": s.message }]),
        RunMode::Run => json!([]),
    };
    p["schedule_cron"] = json!(s.cron);
    p["user_info"]["email"] = json!(s.email);
    p["user_info"]["user_id"] = json!(s.user_id);
    let info = &mut p["policy_type_info"]["AgentPolicyInfo"];
    info["run_mode"] = json!(if s.mode == RunMode::Build { 1 } else { 0 });
    info["is_scheduled_run"] = json!(s.scheduled);
    p
}

/// The `RunToolCall` (or other) command of a template's `PolicyDecided`, for `call`.
fn command(decided: &Value, call: Call) -> Value {
    let mut c = decided["commands"][0].clone();
    if call.template == LLM
        && let Some(run) = c["payload"].get_mut("RunToolCall")
    {
        run["title"] = json!("Compose the answer");
        run["related_tool_name"] = Value::Null;
        run["tool"] = llm_tool();
    }
    c
}

fn llm_tool() -> Value {
    json!({ "EmbeddedTool": {
        "action": "",
        "arguments": { "kind": { "StructValue": { "fields": {} } } },
        "comment": "Compose the answer",
        "tool_name": "llm",
    }})
}

/// `v` with every occurrence of each `from` in its strings replaced by `to`.
fn restamp(v: &Value, subs: &[(String, String)]) -> Value {
    match v {
        Value::String(s) => {
            let mut out = s.clone();
            for (from, to) in subs {
                if out.contains(from.as_str()) {
                    out = out.replace(from.as_str(), to);
                }
            }
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|x| restamp(x, subs)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, x)| (k.clone(), restamp(x, subs)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

/// The `get_current_time` output's timestamp, now.
fn now_into(output: &mut Value) {
    if let Some(t) = output.pointer_mut(
        "/kind/StructValue/fields/utc/kind/StructValue/fields/iso_timestamp/kind/StringValue",
    ) {
        *t = json!(rfc3339(Utc::now()));
    }
}

/// Appends about `bytes` of prose to the string at `pointer`, or (a template without one)
/// makes it the first message.
fn pad_text(payload: &mut Value, pointer: &str, bytes: usize) {
    match payload.pointer_mut(pointer) {
        Some(Value::String(t)) => {
            t.push_str("\n\n");
            t.push_str(&prose(bytes));
        }
        _ if pointer.starts_with("/messages/") => {
            payload["messages"] = json!([{ "content": [{ "content": { "Text": { "text": prose(bytes) } } }], "role": "assistant" }]);
        }
        _ => {}
    }
}

/// Adds `results` records (a Value tree) of about `bytes` to a tool output.
fn pad_output(output: &mut Value, bytes: usize) {
    match output.pointer_mut("/kind/StructValue/fields") {
        Some(fields) if fields.is_object() => {
            fields["results"] = value_tree(&records(bytes));
        }
        _ => {
            *output = value_tree(&json!({ "results": records(bytes) }));
        }
    }
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Instruction- or message-like prose of about `bytes` bytes, with the newlines, quotes and
/// punctuation real text has (they cost JSON decoders more than plain letters).
pub fn prose(bytes: usize) -> String {
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
            "messages": n % 7 + 1,
            "score": 0.5 + (n % 10) as f64 / 20.0,
        });
        size += value_tree(&item).to_string().len();
        items.push(item);
    }
    Value::Array(items)
}

/// Encodes plain JSON as a protobuf `Value` tree, as tool outputs are on the wire; numbers
/// keep their JSON form (an integer stays an integer, as in real trees).
pub fn value_tree(v: &Value) -> Value {
    let kind = match v {
        Value::Null => json!({ "NullValue": 0 }),
        Value::Bool(b) => json!({ "BoolValue": b }),
        Value::Number(n) => json!({ "NumberValue": n }),
        Value::String(s) => json!({ "StringValue": s }),
        Value::Array(items) => {
            json!({ "ListValue": { "values": items.iter().map(value_tree).collect::<Vec<_>>() } })
        }
        Value::Object(fields) => json!({ "StructValue": { "fields":
            fields.iter().map(|(k, v)| (k.clone(), value_tree(v))).collect::<Map<_, _>>() } }),
    };
    json!({ "kind": kind })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn stamp(mode: RunMode, ending: Ending, outcome: &'static str) -> Stamp {
        Stamp {
            agent_id: "agent-1".into(),
            run_id: "run-1".into(),
            user_id: "user_01".into(),
            email: "user@example.com".into(),
            workspace_id: "ws-1".into(),
            mode,
            message: "Summarise".into(),
            instructions: None,
            scheduled: false,
            cron: None,
            outcome,
            ending,
            answer: "Done: Summarise".into(),
            pad: 0,
        }
    }

    fn kinds(plan: &Plan, s: &Stamp) -> Vec<String> {
        (0..plan.steps.len())
            .map(|i| {
                let body = plan.render(i, s);
                body.as_object().unwrap().keys().next().unwrap().clone()
            })
            .collect()
    }

    #[test]
    fn plans_have_exactly_the_events_asked_and_the_right_ends() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        for n in [7, 8, 9, 12, 60, 500] {
            for mode in [RunMode::Run, RunMode::Build] {
                for (ending, outcome) in [
                    (Ending::Complete, "success"),
                    (Ending::Complete, "partial"),
                    (Ending::Complete, "fail"),
                    (Ending::PolicyError, "success"),
                    (Ending::Pause, "success"),
                ] {
                    let plan = Plan::new(&mut rng, mode, n, ending, outcome);
                    assert_eq!(plan.steps.len(), n);
                    let s = stamp(mode, ending, outcome);
                    let k = kinds(&plan, &s);
                    assert_eq!(
                        (k[0].as_str(), k[1].as_str()),
                        ("Started", "RunPolicyInitialized")
                    );
                    let llm = (0..n).any(|i| {
                        let b = plan.render(i, &s);
                        b["ToolCallResolved"]["tool_name"] == "llm"
                    });
                    assert_eq!(
                        llm,
                        ending == Ending::Complete && outcome == "success",
                        "{k:?}"
                    );
                    match ending {
                        Ending::Pause => assert_eq!(k[n - 1], "UserInfoRequested"),
                        _ => assert_eq!(k[n - 1], "Finished"),
                    }
                    if mode == RunMode::Run {
                        assert!(!k.iter().any(|x| x == "StreamStarted" || x == "UserTick"));
                    }
                }
            }
        }
    }

    #[test]
    fn long_runs_show_the_real_variety() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let s = stamp(RunMode::Build, Ending::Complete, "success");
        let plan = Plan::new(&mut rng, RunMode::Build, 2000, Ending::Complete, "success");
        let padded = Stamp {
            pad: 2048,
            ..stamp(RunMode::Build, Ending::Complete, "success")
        };
        for i in 0..plan.steps.len() {
            plan.render(i, &padded); // every template takes padding
        }
        let mut variants = std::collections::BTreeSet::new();
        let mut k = std::collections::BTreeSet::new();
        for i in 0..plan.steps.len() {
            let body = plan.render(i, &s);
            let (kind, payload) = body.as_object().unwrap().iter().next().unwrap();
            k.insert(kind.clone());
            if kind == "ToolCallStarted" {
                variants.insert(
                    payload["tool"]
                        .as_object()
                        .unwrap()
                        .keys()
                        .next()
                        .unwrap()
                        .clone(),
                );
            }
            let text = body.to_string();
            assert!(
                !text.contains("019db95d-7d6b"),
                "the template's agent id is re-stamped"
            );
        }
        for v in [
            "DynamicTool",
            "CreateTool",
            "UpdateTool",
            "Shell",
            "ExecuteJs",
            "EstablishAuth",
            "EmbeddedTool",
            "GetCurrentTime",
        ] {
            assert!(variants.contains(v), "{v} in {variants:?}");
        }
        for kind in [
            "UserTick",
            "StreamStarted",
            "ToolOutputSummary",
            "DynamicToolCreationResolved",
            "DynamicToolUpdateResolved",
            "Tick",
        ] {
            assert!(k.contains(kind), "{kind} in {k:?}");
        }
    }

    #[test]
    fn value_trees_keep_integers() {
        let t = value_tree(&json!({ "a": [1, "x", null, true, 2.5] }));
        let values = &t["kind"]["StructValue"]["fields"]["a"]["kind"]["ListValue"]["values"];
        assert_eq!(values[0]["kind"]["NumberValue"].to_string(), "1");
        assert_eq!(values[1]["kind"]["StringValue"], "x");
        assert_eq!(values[4]["kind"]["NumberValue"], 2.5);
    }
}
