//! The emulator's in-memory state: one account, its keys, workspaces, agents, runs, events,
//! webhooks, schedules and instruction versions. Each entity renders itself in the live
//! service's JSON shape (twin-api.md sections 2 and 3), written from the contract, not from
//! the client's models.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::ids::rfc3339;

/// The account every key of this emulator belongs to.
pub struct User {
    pub user_id: String,
    pub email: String,
}

pub struct ApiKey {
    pub key_id: String,
    pub name: String,
    /// The full key (`twin_<key_id>_<secret>` or the one given at start).
    pub key: String,
    pub display_prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl ApiKey {
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "key_id": self.key_id,
            "name": self.name,
            "display_prefix": self.display_prefix,
            "created_at": self.created_at,
        });
        if let Some(t) = self.last_used_at {
            v["last_used_at"] = json!(t);
        }
        v
    }
}

pub struct Workspace {
    pub workspace_id: String,
    pub name: String,
    pub position: i64,
    pub icon_config: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Workspace {
    pub fn to_json(&self, agent_count: usize) -> Value {
        let mut v = json!({
            "agent_count": agent_count,
            "created_at": rfc3339(self.created_at),
            "name": self.name,
            "position": self.position,
            "updated_at": rfc3339(self.updated_at),
            "workspace_id": self.workspace_id,
        });
        if let Some(icon) = &self.icon_config {
            v["icon_config"] = json!(icon);
        }
        v
    }
}

pub struct Agent {
    pub agent_id: String,
    /// Creation order, for stable cursors.
    pub seq: u64,
    pub name: Option<String>,
    pub workspace_id: String,
    pub icon_config: String,
    pub last_activity_at: DateTime<Utc>,
    /// Run ids, oldest first.
    pub runs: Vec<String>,
}

/// Terminal or current state of a run (twin-api.md 3.1).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RunStatus {
    InProgress,
    Completed,
    Error,
    Stopped,
    Paused,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::InProgress => "in_progress",
            RunStatus::Completed => "completed",
            RunStatus::Error => "error",
            RunStatus::Stopped => "stopped",
            RunStatus::Paused => "paused",
        }
    }
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            RunStatus::Completed | RunStatus::Error | RunStatus::Stopped
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RunMode {
    Run,
    Build,
}

impl RunMode {
    pub fn policy_type(self) -> &'static str {
        match self {
            RunMode::Run => "runner_v2",
            RunMode::Build => "builder_v3",
        }
    }
    pub fn policy_group(self) -> &'static str {
        match self {
            RunMode::Run => "runner",
            RunMode::Build => "builder",
        }
    }
    pub fn run_kind(self) -> &'static str {
        match self {
            RunMode::Run => "run",
            RunMode::Build => "build",
        }
    }
    pub fn model(self) -> &'static str {
        match self {
            RunMode::Run => "claude-sonnet-4-6",
            RunMode::Build => "claude-opus-4-7",
        }
    }
}

pub struct Run {
    pub run_id: String,
    pub agent_id: String,
    pub mode: RunMode,
    /// 1-based position among the agent's runs (the start response still says 0, like live).
    pub run_number: u64,
    pub status: RunStatus,
    pub outcome: Option<String>,
    pub summary: Option<String>,
    pub started_at: DateTime<Utc>,
    pub last_event_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub credits_consumed: u64,
    pub total_action_count: u64,
    /// The run's events in `event_index` order.
    pub events: Vec<StoredEvent>,
    /// Whether a schedule started it (for `consecutive_failures`).
    pub scheduled: bool,
}

/// One event, pre-rendered: the response body of the events route is a concatenation.
pub struct StoredEvent {
    pub index: u64,
    pub json: Box<serde_json::value::RawValue>,
}

impl Run {
    /// The run's `goal`: empty, as live reports it for runs started over REST even with a
    /// `user_message` (live-calls.json entries 25 and 28); `filter_goal` matches it.
    pub fn goal(&self) -> &'static str {
        ""
    }

    /// The run object as the list route returns it, ready to serialize (fields in the order
    /// a JSON object's keys sort in, so it reads the same as a rendered `Value`).
    pub fn view<'a>(&'a self, user: &'a User) -> RunView<'a> {
        RunView {
            agent_id: &self.agent_id,
            event_bytes: 0,
            event_count: 0,
            goal: self.goal(),
            is_finished: self.status.is_finished(),
            last_event_at: rfc3339(self.last_event_at),
            policy_model: self.mode.model(),
            policy_type: self.mode.policy_type(),
            run_id: &self.run_id,
            run_kind: self.mode.run_kind(),
            run_number: self.run_number,
            started_at: rfc3339(self.started_at),
            status: self.status.as_str(),
            step_count: 0,
            user_email: &user.email,
            user_id: &user.user_id,
            wrote_instructions: false,
        }
    }

    /// The run object as the list route returns it.
    pub fn to_json(&self, user: &User) -> Value {
        serde_json::to_value(self.view(user)).expect("runs serialize")
    }

    /// The run as the start route returns it: no `policy_model`/`run_kind`, `run_number` 0.
    pub fn to_start_json(&self, user: &User) -> Value {
        let mut v = self.to_json(user);
        let o = v.as_object_mut().expect("object");
        o.remove("policy_model");
        o.remove("run_kind");
        o.insert("run_number".into(), json!(0));
        v
    }

    /// The run's entry of `all_run_summaries`, ready to serialize.
    pub fn summary_view(&self) -> SummaryView<'_> {
        SummaryView {
            credits_consumed: self.credits_consumed,
            is_finished: self.status.is_finished(),
            is_paused: self.status == RunStatus::Paused,
            outcome: self.outcome.as_deref(),
            policy_model: self.mode.model(),
            policy_type: self.mode.policy_type(),
            run_id: &self.run_id,
            run_kind: self.mode.run_kind(),
            run_number: self.run_number,
            run_phase: match self.status {
                RunStatus::InProgress => "running",
                RunStatus::Paused => "paused",
                _ => "finished",
            },
            started_at: rfc3339(self.started_at),
            summary: self.summary.as_deref(),
            tool_icons: [ToolIcon {
                action_type: "running",
                icon: "check-circle",
            }],
            total_action_count: self.total_action_count,
            wrote_instructions: false,
        }
    }
}

/// A run as listed; see [`Run::view`]. Serialized straight to text, a long page of runs costs
/// no intermediate JSON tree.
#[derive(Serialize)]
pub struct RunView<'a> {
    agent_id: &'a str,
    event_bytes: u64,
    event_count: u64,
    goal: &'static str,
    is_finished: bool,
    last_event_at: String,
    policy_model: &'static str,
    policy_type: &'static str,
    run_id: &'a str,
    run_kind: &'static str,
    run_number: u64,
    started_at: String,
    status: &'static str,
    step_count: u64,
    user_email: &'a str,
    user_id: &'a str,
    wrote_instructions: bool,
}

/// A run's `all_run_summaries` entry; see [`Run::summary_view`].
#[derive(Serialize)]
pub struct SummaryView<'a> {
    credits_consumed: u64,
    is_finished: bool,
    is_paused: bool,
    outcome: Option<&'a str>,
    policy_model: &'static str,
    policy_type: &'static str,
    run_id: &'a str,
    run_kind: &'static str,
    run_number: u64,
    run_phase: &'static str,
    started_at: String,
    summary: Option<&'a str>,
    tool_icons: [ToolIcon; 1],
    total_action_count: u64,
    wrote_instructions: bool,
}

#[derive(Serialize)]
struct ToolIcon {
    action_type: &'static str,
    icon: &'static str,
}

pub const WEBHOOK_EVENTS: [&str; 5] = [
    "run.started",
    "run.completed",
    "run.failed",
    "run.stopped",
    "run.paused",
];

pub struct Webhook {
    pub webhook_id: String,
    pub agent_id: String,
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
    pub signing_secret: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Webhook {
    pub fn to_json(&self, user_id: &str) -> Value {
        json!({
            "agent_id": self.agent_id,
            "created_at": rfc3339(self.created_at),
            "events": self.events,
            "status": if self.active { "active" } else { "disabled" },
            "updated_at": rfc3339(self.updated_at),
            "url": self.url,
            "user_id": user_id,
            "webhook_id": self.webhook_id,
        })
    }

    /// The create response: top level, with the secret, without agent/user/updated_at.
    pub fn to_created_json(&self) -> Value {
        json!({
            "created_at": rfc3339(self.created_at),
            "events": self.events,
            "signing_secret": self.signing_secret,
            "status": if self.active { "active" } else { "disabled" },
            "url": self.url,
            "webhook_id": self.webhook_id,
        })
    }
}

pub struct Schedule {
    pub agent_id: String,
    pub cron: String,
    pub parsed: cron::Schedule,
    pub paused: bool,
    pub auto_paused: bool,
    pub consecutive_failures: u64,
    /// Next fire time, Unix seconds; `None` when the expression never fires again.
    pub next_run: Option<i64>,
}

impl Schedule {
    pub fn to_json(&self) -> Value {
        json!({
            "agent_id": self.agent_id,
            "auto_paused": self.auto_paused,
            "consecutive_failures": self.consecutive_failures,
            "cron": self.cron,
            "next_run": self.next_run,
            "paused": self.paused,
        })
    }
}

pub struct InstructionVersion {
    pub id: u64,
    pub agent_id: String,
    pub content: String,
    pub content_hash: String,
    pub source_type: String,
    pub source_id: String,
    pub storage_key: String,
    pub created_at: DateTime<Utc>,
}

impl InstructionVersion {
    /// As `GET .../instructions` returns the latest version.
    pub fn to_current_json(&self, user: &User) -> Value {
        json!({
            "agent_id": self.agent_id,
            "content": self.content,
            "content_hash": self.content_hash,
            "source_id": self.source_id,
            "storage_key": self.storage_key,
            "updated_at": rfc3339(self.created_at),
            "user_email": user.email,
            "user_id": user.user_id,
        })
    }

    /// As an entry of `instruction_versions`.
    pub fn to_history_json(&self) -> Value {
        json!({
            "content": self.content,
            "content_hash": self.content_hash,
            "created_at": rfc3339(self.created_at),
            "id": self.id,
            "source_id": self.source_id,
            "source_type": self.source_type,
            "storage_key": self.storage_key,
        })
    }
}

/// One attempted webhook delivery, for `GET /_emulator/deliveries`.
pub struct Delivery {
    pub webhook_id: String,
    pub agent_id: String,
    pub run_id: String,
    pub url: String,
    pub event: String,
    pub body: String,
    pub signature: String,
    pub attempts: u32,
    /// Last HTTP status the receiver answered, if any.
    pub status: Option<u16>,
    pub delivered: bool,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Delivery {
    pub fn to_json(&self) -> Value {
        json!({
            "webhook_id": self.webhook_id,
            "agent_id": self.agent_id,
            "run_id": self.run_id,
            "url": self.url,
            "event": self.event,
            "body": self.body,
            "signature": self.signature,
            "attempts": self.attempts,
            "status": self.status,
            "delivered": self.delivered,
            "error": self.error,
            "created_at": rfc3339(self.created_at),
        })
    }
}

/// Everything the emulator knows. Guarded by one mutex in [`crate::app::App`].
pub struct Store {
    pub user: User,
    pub keys: Vec<ApiKey>,
    /// Ordered by `position`.
    pub workspaces: Vec<Workspace>,
    pub default_workspace: Option<String>,
    pub agents: HashMap<String, Agent>,
    pub runs: HashMap<String, Run>,
    pub webhooks: Vec<Webhook>,
    pub schedules: HashMap<String, Schedule>,
    /// Per agent, oldest first.
    pub instructions: HashMap<String, Vec<InstructionVersion>>,
    pub deliveries: Vec<Delivery>,
    pub next_seq: u64,
    pub next_event_index: u64,
    pub next_instruction_id: u64,
    /// Runs started through the API or a schedule since the last reset.
    pub runs_started: u64,
}

impl Store {
    pub fn new(user: User, start_key: ApiKey) -> Store {
        Store {
            user,
            keys: vec![start_key],
            workspaces: Vec::new(),
            default_workspace: None,
            agents: HashMap::new(),
            runs: HashMap::new(),
            webhooks: Vec::new(),
            schedules: HashMap::new(),
            instructions: HashMap::new(),
            deliveries: Vec::new(),
            next_seq: 1,
            next_event_index: 157_912_706,
            next_instruction_id: 109_843,
            runs_started: 0,
        }
    }

    pub fn agent_count(&self, workspace_id: &str) -> usize {
        self.agents
            .values()
            .filter(|a| a.workspace_id == workspace_id)
            .count()
    }

    pub fn workspace_json(&self, ws: &Workspace) -> Value {
        ws.to_json(self.agent_count(&ws.workspace_id))
    }

    pub fn agent_json(&self, agent: &Agent) -> Value {
        let mut o = Map::new();
        o.insert("agent_id".into(), json!(agent.agent_id));
        if let Some(name) = &agent.name {
            o.insert("agent_name".into(), json!({ "name": name }));
        }
        o.insert("deployment_state".into(), json!("draft"));
        o.insert("has_instruction_build".into(), json!(false));
        o.insert("has_runs".into(), json!(!agent.runs.is_empty()));
        o.insert("icon_config".into(), json!(agent.icon_config));
        o.insert(
            "last_activity_at".into(),
            json!(rfc3339(agent.last_activity_at)),
        );
        let latest = agent.runs.last().and_then(|id| self.runs.get(id));
        o.insert(
            "latest_run_has_pending_input".into(),
            json!(latest.is_some_and(|r| r.status == RunStatus::Paused)),
        );
        if let Some(run) = latest {
            o.insert("latest_run_id".into(), json!(run.run_id));
        }
        o.insert(
            "latest_run_is_finished".into(),
            json!(latest.is_some_and(|r| r.status.is_finished())),
        );
        if let Some(run) = latest {
            o.insert("latest_run_status".into(), json!(run.status.as_str()));
        }
        o.insert("workspace_id".into(), json!(agent.workspace_id));
        Value::Object(o)
    }

    /// Forgets everything but the account and the start key (kept only if not revoked).
    pub fn reset(&mut self, start_key: &str) {
        self.keys.retain(|k| k.key == start_key);
        self.workspaces.clear();
        self.default_workspace = None;
        self.agents.clear();
        self.runs.clear();
        self.webhooks.clear();
        self.schedules.clear();
        self.instructions.clear();
        self.deliveries.clear();
        self.runs_started = 0;
    }

    /// Removes an agent and everything that belongs to it.
    pub fn remove_agent(&mut self, agent_id: &str) -> Option<Agent> {
        let agent = self.agents.remove(agent_id)?;
        for run_id in &agent.runs {
            self.runs.remove(run_id);
        }
        self.webhooks.retain(|w| w.agent_id != agent_id);
        self.schedules.remove(agent_id);
        self.instructions.remove(agent_id);
        Some(agent)
    }

    /// Renumbers workspace positions 0.. in their current order.
    pub fn renumber_workspaces(&mut self) {
        for (i, ws) in self.workspaces.iter_mut().enumerate() {
            ws.position = i as i64;
        }
    }

    pub fn take_seq(&mut self) -> u64 {
        let s = self.next_seq;
        self.next_seq += 1;
        s
    }
}
