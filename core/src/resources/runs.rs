//! `/v1/agents/{agent_id}/runs`: list (by page number), start, get, cancel, delete, and wait.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::cancel::{self, CancelToken};
use crate::client::{Call, Client, unwrap_list};
use crate::error::{Error, Result};
use crate::ids::{AgentId, AgentIdRef, RunId, RunIdRef};
use crate::pagination::{Page, PageToken, Pager, stalled};
use crate::problem::Problem;
use crate::resources::{LazyRaw, Model, lazy_model, model_one, open_enum};
use crate::transport::{BodyLimit, Idempotency, Reply};

open_enum! {
    /// A run's status (twin-api.md 3.1).
    RunStatus {
        /// Running.
        InProgress = "in_progress",
        /// Finished; see the outcome.
        Completed = "completed",
        /// Ended by a policy error.
        Error = "error",
        /// Stopped by a user.
        Stopped = "stopped",
        /// Waiting for a person (not finished).
        Paused = "paused",
    }
}

impl RunStatus {
    /// `completed`, `error` or `stopped`: the run will not change again.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            RunStatus::Completed | RunStatus::Error | RunStatus::Stopped
        )
    }
}

open_enum! {
    /// How a completed run went (twin-api.md 3.2).
    Outcome {
        /// It did what was asked.
        Success = "success",
        /// Part of it.
        Partial = "partial",
        /// It did not.
        Fail = "fail",
    }
}

/// Which policy a run uses. Sent lowercase, the only form the service accepts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum RunMode {
    /// Run the agent (`runner_v2`).
    #[default]
    Run,
    /// Build or change the agent (`builder_v3`).
    Build,
}

impl RunMode {
    /// `"run"` or `"build"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunMode::Run => "run",
            RunMode::Build => "build",
        }
    }
}

impl std::str::FromStr for RunMode {
    type Err = Error;
    /// Accepts `run` and `build` in any case.
    fn from_str(s: &str) -> Result<RunMode> {
        match s.to_ascii_lowercase().as_str() {
            "run" => Ok(RunMode::Run),
            "build" => Ok(RunMode::Build),
            _ => Err(Error::InvalidArgument(format!(
                "run mode must be \"run\" or \"build\", got {s:?}"
            ))),
        }
    }
}

/// A run. From a list it also carries its entry of `all_run_summaries` (`outcome`, `summary`,
/// `credits_consumed`, ...), which the service sends beside the run rather than in it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Run {
    /// A UUIDv7.
    pub run_id: RunId,
    /// The agent it belongs to.
    pub agent_id: AgentId,
    /// Current status; `None` when the service sent `null` (its document allows it): then
    /// [`Run::is_terminal`] goes by `is_finished`.
    #[serde(default)]
    pub status: Option<RunStatus>,
    /// Whether it has finished (`completed`, `error` or `stopped`).
    #[serde(default)]
    pub is_finished: bool,
    /// What the run was asked to do, if the service says.
    #[serde(default)]
    pub goal: Option<String>,
    /// The email of the user who started it, if the service says.
    #[serde(default)]
    pub user_email: Option<String>,
    /// Outcome of a completed run (from the summary).
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// A sentence on what happened (from the summary).
    #[serde(default)]
    pub summary: Option<String>,
    /// Credits used (from the summary).
    #[serde(default, deserialize_with = "crate::de::opt_u64_lenient")]
    pub credits_consumed: Option<u64>,
    /// Position among the agent's runs, from 1 (the start response says 0).
    #[serde(default, deserialize_with = "crate::de::opt_u64_lenient")]
    pub run_number: Option<u64>,
    /// `run` or `build`.
    #[serde(default)]
    pub run_kind: Option<String>,
    /// `runner_v2`, `builder_v3`, ...
    #[serde(default)]
    pub policy_type: Option<String>,
    /// The model, e.g. `claude-sonnet-4-6`.
    #[serde(default)]
    pub policy_model: Option<String>,
    /// When it started.
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    pub started_at: Option<DateTime<Utc>>,
    /// When its last event was recorded.
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    pub last_event_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    raw: LazyRaw,
}

lazy_model!(Run);

impl Run {
    /// Whether the status is terminal (see [`RunStatus::is_terminal`]); without a status,
    /// whether the service says the run is finished.
    pub fn is_terminal(&self) -> bool {
        self.status
            .as_ref()
            .map_or(self.is_finished, RunStatus::is_terminal)
    }

    /// Whether the run waits for a person (`paused`).
    pub fn is_paused(&self) -> bool {
        self.status == Some(RunStatus::Paused)
    }

    /// The run's answer, honestly: `None` unless the run completed (status `completed`);
    /// then [`crate::final_output`] of its events (the latest `Finished` output, else the
    /// latest `llm` tool call's), else the run's own `summary` as a string. A run that ended
    /// in `error`, was stopped, or is still going never gets a success-looking answer from
    /// events that happen to carry one.
    pub fn final_output(&self, events: &[crate::Event]) -> Option<Value> {
        if self.status != Some(RunStatus::Completed) {
            return None;
        }
        crate::final_output(events).or_else(|| {
            self.summary
                .as_ref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| Value::String(s.clone()))
        })
    }

    /// The status as the API writes it, or `""` when the service sent none.
    pub fn status_str(&self) -> &str {
        self.status.as_ref().map_or("", RunStatus::as_str)
    }
}

/// What [`Runs::start`] sends.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RunStartParams {
    /// `run` (default) or `build`.
    #[serde(rename = "run_mode")]
    pub mode: RunMode,
    /// The user's message to the agent.
    #[serde(rename = "user_message", skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Skip the deployment check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_deploy_check: Option<bool>,
}

setters!(RunStartParams {
    into: [message: String],
    some: [skip_deploy_check: bool],
    set: [mode: RunMode],
});

/// Filters and page size for [`Runs::list`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RunListParams {
    /// Only runs with this status (`filter_status`).
    #[serde(rename = "filter_status", skip_serializing_if = "Option::is_none")]
    pub status: Option<RunStatus>,
    /// Only runs started by the user with this email (`filter_user_email`).
    #[serde(rename = "filter_user_email", skip_serializing_if = "Option::is_none")]
    pub user_email: Option<String>,
    /// Only runs whose goal matches this text (`filter_goal`).
    #[serde(rename = "filter_goal", skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    /// Only the run with this id (`filter_run_id`).
    #[serde(rename = "filter_run_id", skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// Only runs started at or after (`filter_started_after`).
    #[serde(
        rename = "filter_started_after",
        skip_serializing_if = "Option::is_none"
    )]
    pub started_after: Option<DateTime<Utc>>,
    /// Only runs started at or before (`filter_started_before`).
    #[serde(
        rename = "filter_started_before",
        skip_serializing_if = "Option::is_none"
    )]
    pub started_before: Option<DateTime<Utc>>,
    /// Only this policy type, e.g. `runner_v2` (`filter_policy_type`).
    #[serde(rename = "filter_policy_type", skip_serializing_if = "Option::is_none")]
    pub policy_type: Option<String>,
    /// Only `builder` or `runner` runs (`filter_policy_group`).
    #[serde(
        rename = "filter_policy_group",
        skip_serializing_if = "Option::is_none"
    )]
    pub policy_group: Option<String>,
    /// Runs per page (the service's default is 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
}

setters!(RunListParams {
    into: [status: RunStatus, user_email: String, goal: String, run_id: String, started_after: DateTime<Utc>, started_before: DateTime<Utc>, policy_type: String, policy_group: String],
    some: [page_size: u32],
    set: [],
});

#[derive(Serialize)]
struct PageQuery<'a> {
    #[serde(flatten)]
    params: &'a RunListParams,
    page: u64,
}

/// The answer to a cancel. Cancelling is best-effort and idempotent: a run that already
/// finished still gives success, with a note such as `run already completed`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CancelResult {
    /// Always true for a returned result (a refusal is an error).
    pub success: bool,
    /// The service's informational `error` string, if any.
    pub note: Option<String>,
}

impl CancelResult {
    /// A result as the service would give it, e.g. from a stored copy.
    pub fn new(success: bool, note: Option<String>) -> CancelResult {
        CancelResult { success, note }
    }
}

#[derive(Serialize)]
struct CancelBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

/// How [`Runs::wait`] polls.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Give up with [`Error::Timeout`] after this long (default 10 minutes; `None`: never). The
    /// run is looked at once even when this is zero.
    pub timeout: Option<Duration>,
    /// First pause between polls (default 0.5 s); it grows by half each poll...
    pub poll_interval: Duration,
    /// ...up to this (default 5 s).
    pub max_poll_interval: Duration,
    /// Stops the wait with [`Error::Cancelled`] when cancelled from another thread.
    pub cancel: Option<CancelToken>,
}

setters!(WaitOptions {
    into: [],
    some: [timeout: Duration, cancel: CancelToken],
    set: [poll_interval: Duration, max_poll_interval: Duration],
});

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: Some(Duration::from_secs(600)),
            poll_interval: Duration::from_millis(500),
            max_poll_interval: Duration::from_secs(5),
            cancel: None,
        }
    }
}

/// Run endpoints; from [`Client::runs`].
///
/// ```
/// # let emulator = twin_emulator::Emulator::start(Default::default()).unwrap();
/// # let client = twin_core::Client::builder().api_key(emulator.api_key()).base_url(emulator.url()).build()?;
/// use twin_core::{RunListParams, RunStartParams, RunStatus, WaitOptions};
/// # let agent_id = client.agents().create(&Default::default())?.agent_id;
///
/// let run = client.runs().start(&agent_id, &RunStartParams::default().message("Hello!"))?;
/// let run = client.runs().wait(&agent_id, &run.run_id, &WaitOptions::default())?;
/// assert_eq!(run.status, Some(RunStatus::Completed));
/// let done = client.runs().list(&agent_id, &RunListParams::default().status("completed"));
/// assert_eq!(done.count(), 1);
/// # Ok::<(), twin_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Runs {
    client: Client,
}

impl Client {
    /// Runs of agents.
    pub fn runs(&self) -> Runs {
        Runs {
            client: self.clone(),
        }
    }
}

/// Pages of runs all listed before that [`Runs::list`] skips in a row before it gives up.
const MAX_REPEATED_PAGES: u64 = 3;

/// Decodes a runs page from its body: lazily when it has the usual shape (see
/// [`decode_page_lazily`]), else through a parsed `Value` ([`decode_page`]).
pub(crate) fn decode_page_body(reply: &Reply) -> Result<(Vec<Run>, Option<u64>, Option<u64>)> {
    match decode_page_lazily(&reply.body) {
        Some(page) => Ok(page),
        None => decode_page(crate::client::parse_json(reply)?),
    }
}

/// Reads `{"runs": [...], "all_run_summaries": [...], ...}` without building a tree per run:
/// each run is decoded from its members' text, its summary's members filling in those it
/// lacks (as [`decode_page`] merges them), and keeps its text for [`Model::raw`]. `None` for
/// anything unusual (the caller then decodes the page the slow way, errors included).
fn decode_page_lazily(body: &[u8]) -> Option<(Vec<Run>, Option<u64>, Option<u64>)> {
    use serde::de::value::MapDeserializer;
    use serde_json::value::RawValue;

    #[derive(Deserialize)]
    struct Lazy<'a> {
        #[serde(borrow)]
        runs: Vec<&'a RawValue>,
        #[serde(borrow, default)]
        all_run_summaries: Option<Vec<&'a RawValue>>,
        #[serde(default)]
        total_runs: Option<Value>,
        #[serde(default)]
        page_size: Option<Value>,
    }
    let page: Lazy<'_> = serde_json::from_slice(body).ok()?;
    let id_of = |members: &crate::de::Members<'_>| {
        let (_, raw) = members.iter().find(|(k, _)| k == "run_id")?;
        serde_json::from_str::<String>(raw.get()).ok()
    };
    let mut by_id = std::collections::HashMap::new();
    for summary in page.all_run_summaries.unwrap_or_default() {
        let Some(members) = crate::de::raw_members(summary.get()) else {
            continue; // not an object: skipped, as decode_page does
        };
        if let Some(id) = id_of(&members) {
            by_id.insert(id, (summary.get(), members));
        }
    }
    let mut runs = Vec::with_capacity(page.runs.len());
    for raw in page.runs {
        let text = raw.get();
        if !crate::de::plain(text) {
            return None;
        }
        let mut members = crate::de::raw_members(text)?;
        let summary = id_of(&members).and_then(|id| by_id.remove(&id));
        let extra = match summary {
            Some((extra, more)) => {
                if !crate::de::plain(extra) {
                    return None;
                }
                for (k, v) in more {
                    if !members.iter().any(|(have, _)| *have == k) {
                        members.push((k, v));
                    }
                }
                Some(extra)
            }
            None => None,
        };
        let mut run = Run::deserialize(MapDeserializer::<_, serde_json::Error>::new(
            members.into_iter(),
        ))
        .ok()?;
        run.raw = LazyRaw::from_text(text, extra);
        runs.push(run);
    }
    let total = crate::de::count(page.total_runs.as_ref(), "total_runs").ok()?;
    let size = crate::de::count(page.page_size.as_ref(), "page_size").ok()?;
    Some((runs, total, size))
}

/// Decodes a runs page: each run joined with its `all_run_summaries` entry.
pub(crate) fn decode_page(mut body: Value) -> Result<(Vec<Run>, Option<u64>, Option<u64>)> {
    let total = crate::de::count(body.get("total_runs"), "total_runs")?;
    let page_size = crate::de::count(body.get("page_size"), "page_size")?;
    let summaries: Vec<Value> = body
        .get_mut("all_run_summaries")
        .map(Value::take)
        .map_or(Ok(Vec::new()), |s| unwrap_list(s, "all_run_summaries"))?;
    let mut by_id: std::collections::HashMap<String, Map<String, Value>> = summaries
        .into_iter()
        .filter_map(|s| match s {
            Value::Object(o) => Some((o.get("run_id")?.as_str()?.to_owned(), o)),
            _ => None,
        })
        .collect();
    let runs = unwrap_list(body, "runs")?
        .into_iter()
        .map(|mut run| {
            let id = run.get("run_id").and_then(Value::as_str).map(str::to_owned);
            if let (Some(summary), Value::Object(fields)) =
                (id.and_then(|id| by_id.remove(&id)), &mut run)
            {
                for (k, v) in summary {
                    fields.entry(k).or_insert(v);
                }
            }
            Run::from_value(run)
        })
        .collect::<Result<Vec<Run>>>()?;
    Ok((runs, total, page_size))
}

impl Runs {
    /// The agent's runs (newest first), fetched lazily page by page; filters apply to every page.
    ///
    /// A run already listed is not listed again (pages shift when runs start meanwhile); four
    /// pages in a row of runs all listed before end the list with [`Error::Decode`], whatever
    /// `total_runs` claims.
    pub fn list<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        params: &RunListParams,
    ) -> Pager<Run> {
        let agent_id = agent_id.into().as_str();
        let (client, agent_id, params) = (self.client.clone(), agent_id.to_owned(), params.clone());
        let mut listed = crate::pagination::SeenIds::default();
        Pager::new(move |token| {
            let first = match token {
                Some(PageToken::Page(n)) => *n,
                _ => 1,
            };
            // Runs started meanwhile push listed ones onto later pages: a page of runs all
            // listed before is skipped, a few times in a row at most.
            for page in first..=first.saturating_add(MAX_REPEATED_PAGES) {
                let call = Call::get(&["v1", "agents", &agent_id, "runs"])
                    .query(&PageQuery {
                        params: &params,
                        page,
                    })
                    .limit(BodyLimit::Page);
                let (runs, total, page_size) = decode_page_body(&client.reply(call)?)?;
                let size = page_size
                    .or(params.page_size.map(u64::from))
                    .unwrap_or(runs.len() as u64);
                let had = runs.len();
                let runs: Vec<Run> = runs
                    .into_iter()
                    .filter(|r| listed.first_time(&r.run_id))
                    .collect();
                let more = total.is_some_and(|t| page.saturating_mul(size) < t);
                if had == 0 || !runs.is_empty() || !more {
                    let next = more.then_some(PageToken::Page(page + 1));
                    return Ok(Page::new(runs, total, next));
                }
            }
            Err(stalled(&format!(
                "{} pages of runs in a row repeat runs listed before",
                MAX_REPEATED_PAGES + 1
            )))
        })
    }

    /// Starts a run; `mode` is sent lowercase. Never retried once it may have reached the
    /// service (a repeat could start, and bill, a second run).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON;
    /// [`Error::InvalidArgument`] for an empty id, before anything is sent. Never re-sent once it
    /// may have reached the service: on a connection error or timeout, check [`Error::maybe_sent`]
    /// before starting again.
    pub fn start<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        params: &RunStartParams,
    ) -> Result<Run> {
        let agent_id = agent_id.into().as_str();
        let call =
            Call::post(&["v1", "agents", agent_id, "runs"], Idempotency::Unsafe).body(params);
        model_one(self.client.json(call)?, "run")
    }

    /// One run. The API has no "get run" route; this lists with `filter_run_id`. A missing run
    /// is an [`Error::Api`] with status 404 ([`Error::is_not_found`]).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON;
    /// [`Error::InvalidArgument`] for an empty id, before anything is sent; a missing run is an
    /// [`Error::Api`] for which [`Error::is_not_found`] is true.
    pub fn get<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        run_id: impl Into<RunIdRef<'a>>,
    ) -> Result<Run> {
        let agent_id = agent_id.into().as_str();
        let run_id = run_id.into().as_str();
        if run_id.is_empty() {
            return Err(Error::InvalidArgument("run_id must not be empty".into()));
        }
        let params = RunListParams {
            run_id: Some(run_id.to_owned()),
            page_size: Some(1),
            ..Default::default()
        };
        let call = Call::get(&["v1", "agents", agent_id, "runs"])
            .query(&PageQuery {
                params: &params,
                page: 1,
            })
            .limit(BodyLimit::Page);
        let (runs, _, _) = decode_page_body(&self.client.reply(call)?)?;
        runs.into_iter()
            .find(|r| r.run_id == run_id)
            .ok_or_else(|| {
                let mut problem = Problem::from_status(404);
                problem.detail = Some(format!("run {run_id} not found"));
                Error::Api {
                    status: 404,
                    problem: Box::new(problem),
                    request_id: None,
                    retry_after: None,
                }
            })
    }

    /// Cancels a run. Success unless the service says `success: false`; its `error` string is
    /// kept as [`CancelResult::note`] (e.g. `run already completed`).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON;
    /// [`Error::InvalidArgument`] for an empty id, before anything is sent;
    /// [`Error::OperationFailed`] when the service answers 2xx but says it was not done.
    pub fn cancel<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        run_id: impl Into<RunIdRef<'a>>,
        reason: Option<&str>,
    ) -> Result<CancelResult> {
        let agent_id = agent_id.into().as_str();
        let run_id = run_id.into().as_str();
        let call = Call::post(
            &["v1", "agents", agent_id, "runs", run_id, "cancel"],
            Idempotency::Safe,
        )
        .body(&CancelBody { reason });
        let reply = self.client.reply(call)?;
        let body = crate::client::parse_json(&reply)?;
        if let Some(refused) = crate::client::refusal(&reply, &body) {
            return Err(refused);
        }
        let note = crate::client::error_text(&reply, &body);
        Ok(CancelResult {
            success: true,
            note,
        })
    }

    /// Deletes a run.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON;
    /// [`Error::InvalidArgument`] for an empty id, before anything is sent; a missing run is an
    /// [`Error::Api`] for which [`Error::is_not_found`] is true.
    pub fn delete<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        run_id: impl Into<RunIdRef<'a>>,
    ) -> Result<()> {
        let agent_id = agent_id.into().as_str();
        let run_id = run_id.into().as_str();
        self.client
            .send(Call::delete(&["v1", "agents", agent_id, "runs", run_id]))
    }

    /// Polls until the run is terminal or paused (a person must act), with a growing pause.
    /// Each poll gets at most the time the wait has left, so the wait ends within its timeout
    /// however slowly the service answers.
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] when `opts.timeout` passes first, [`Error::Cancelled`] when `opts.cancel`
    /// is cancelled, and any error of [`Runs::get`] from a poll (after its own retries).
    pub fn wait<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        run_id: impl Into<RunIdRef<'a>>,
        opts: &WaitOptions,
    ) -> Result<Run> {
        let agent_id = agent_id.into().as_str();
        let run_id = run_id.into().as_str();
        let started = Instant::now();
        let deadline = opts.timeout.map(|t| started + t);
        let token = opts.cancel.as_ref();
        let timed_out = |status: &str| Error::Timeout {
            message: format!("run {run_id} {status} after {:?}", started.elapsed()),
            maybe_sent: false,
            source: None,
        };
        let mut pause = opts.poll_interval;
        let mut first = true;
        loop {
            cancel::check(token)?;
            // The run is always looked at once, even when the limit has already passed (a
            // timeout of 0 asks "is it over?"); later polls must fit before the deadline.
            let client = match deadline.map(|d| self.client.until(d)) {
                None => self.client.clone(),
                Some(Some(bounded)) => bounded,
                Some(None) if first => self.client.clone(),
                Some(None) => return Err(timed_out("did not finish")),
            };
            first = false;
            let run = match client.runs().get(agent_id, run_id) {
                Err(e) if e.is_timeout() && deadline.is_some_and(|d| Instant::now() >= d) => {
                    return Err(timed_out("did not finish"));
                }
                other => other?,
            };
            if run.is_terminal() || run.is_paused() {
                return Ok(run);
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(timed_out(&format!("still {}", run.status_str())));
            }
            cancel::sleep(pause, deadline, token)?;
            pause = pause
                .mul_f64(1.5)
                .min(opts.max_poll_interval.max(opts.poll_interval));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn runs_are_joined_with_their_summaries() {
        let body = json!({
            "all_run_summaries": [{"credits_consumed": 2, "is_finished": true, "outcome": "success",
                "run_id": "r1", "summary": "All done.", "run_number": 1}],
            "page": 1, "page_size": 100,
            "runs": [{"agent_id": "a", "is_finished": true, "run_id": "r1", "run_number": 1, "status": "completed",
                       "started_at": "2026-04-22T14:44:36.897083341+00:00", "event_count": 0},
                     {"agent_id": "a", "is_finished": false, "run_id": "r2", "status": "in_progress"}],
            "total_runs": "2"
        });
        let (runs, total, size) = decode_page(body).unwrap();
        assert_eq!((total, size), (Some(2), Some(100)));
        assert_eq!(runs[0].outcome, Some(Outcome::Success));
        assert_eq!(runs[0].summary.as_deref(), Some("All done."));
        assert_eq!(runs[0].credits_consumed, Some(2));
        assert!(runs[0].is_terminal());
        assert_eq!(runs[0].raw()["event_count"], 0);
        assert_eq!(runs[1].outcome, None);
        assert!(!runs[1].is_terminal());
    }

    /// The lazy page reader against the `Value` one, on the same text.
    fn both(body: &Value) -> Option<(Vec<Run>, Option<u64>, Option<u64>)> {
        let text = body.to_string();
        let lazy = decode_page_lazily(text.as_bytes());
        let eager = decode_page(serde_json::from_str(&text).unwrap());
        match (&lazy, &eager) {
            (Some(l), Ok(e)) => {
                assert_eq!(l, e, "{body}");
                for (a, b) in l.0.iter().zip(&e.0) {
                    assert_eq!(a.raw(), b.raw());
                }
            }
            (Some(l), Err(e)) => panic!("{body}: lazily {l:?}, eagerly {e:?}"),
            (None, _) => {}
        }
        lazy
    }

    #[test]
    fn pages_read_lazily_equal_pages_read_from_values() {
        let run = |id: &str| json!({"agent_id": "a", "run_id": id, "status": "completed", "is_finished": true});
        let summary = |id: &str| json!({"run_id": id, "outcome": "partial", "summary": "s\u{e9} \"q\"", "credits_consumed": "3", "is_finished": false});
        // The usual page: read lazily, summaries merged without overriding the run's members.
        let page = json!({"runs": [run("r1"), run("r2")], "all_run_summaries": [summary("r2"), summary("r1")],
                          "page": 1, "page_size": 2, "total_runs": 5});
        let (runs, total, size) = both(&page).expect("lazily");
        assert_eq!((total, size), (Some(5), Some(2)));
        assert_eq!(runs[0].outcome, Some(Outcome::Partial));
        assert!(runs[0].is_finished, "the run's own member wins");
        assert_eq!(runs[0].credits_consumed, Some(3));
        assert_eq!(runs[1].raw()["summary"], "s\u{e9} \"q\"");
        // A null in the run stays null; odd summaries are skipped; a duplicate key: the last.
        let mut odd = run("r1");
        odd["outcome"] = Value::Null;
        let page = json!({"runs": [odd, run("r3")],
                          "all_run_summaries": [summary("r1"), 7, {"run_id": 9}, summary("r3"), {"run_id": "r3", "outcome": "fail"}]});
        let (runs, total, _) = both(&page).expect("lazily");
        assert_eq!((runs[0].outcome.clone(), total), (None, None));
        assert_eq!(runs[1].outcome, Some(Outcome::Fail));
        let dup = r#"{"runs": [{"run_id": "r", "agent_id": "a", "status": "error", "status": "stopped"}]}"#;
        let (runs, _, _) = decode_page_lazily(dup.as_bytes()).expect("lazily");
        assert_eq!(runs[0].status, Some(RunStatus::Stopped));
        assert_eq!(runs[0].raw()["status"], "stopped");
        // Anything unusual is left to the Value reader.
        for page in [
            json!({"data": [run("r1")]}),
            json!([run("r1")]),
            json!({"runs": [run("r1"), 5]}),
            json!({"runs": [{"run_id": "r"}]}),
            json!({"runs": [{"agent_id": "a", "run_id": "r", "status": "completed", "n": 1e300}]}),
            json!({"runs": null}),
        ] {
            assert!(both(&page).is_none(), "{page}");
        }
    }

    #[test]
    fn final_output_is_honest_about_how_the_run_ended() {
        let answer = crate::Event::from_value(json!({"event_index": 5, "event": {"event": {"Finished": {"output": {"answer": "done", "outcome": "success"}}}}})).unwrap();
        let run = |status: &str, summary: Option<&str>| {
            Run::from_value(
                json!({"run_id": "r", "agent_id": "a", "status": status, "summary": summary}),
            )
            .unwrap()
        };
        let done = run("completed", Some("All done."));
        assert_eq!(
            done.final_output(std::slice::from_ref(&answer)),
            Some(json!({"answer": "done", "outcome": "success"}))
        );
        assert_eq!(
            done.final_output(&[]),
            Some(json!("All done.")),
            "falls back to the summary"
        );
        for ended in ["error", "stopped", "in_progress", "paused"] {
            assert_eq!(
                run(ended, Some("x")).final_output(std::slice::from_ref(&answer)),
                None,
                "{ended}"
            );
        }
        assert_eq!(run("completed", None).final_output(&[]), None);
    }

    #[test]
    fn mode_is_sent_lowercase() {
        let p = RunStartParams {
            mode: RunMode::Build,
            message: Some("hi".into()),
            skip_deploy_check: None,
        };
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({ "run_mode": "build", "user_message": "hi" })
        );
        assert_eq!(
            serde_json::to_value(RunStartParams::default()).unwrap(),
            json!({ "run_mode": "run" })
        );
        assert_eq!("RUN".parse::<RunMode>().unwrap(), RunMode::Run);
        assert!("subagent".parse::<RunMode>().is_err());
    }

    #[test]
    fn list_filters_use_the_wire_names() {
        let p = RunListParams {
            status: Some("completed".into()),
            started_after: Some(
                DateTime::parse_from_rfc3339("2026-04-22T14:00:00Z")
                    .unwrap()
                    .to_utc(),
            ),
            policy_group: Some("runner".into()),
            ..Default::default()
        };
        let q = serde_json::to_value(PageQuery {
            params: &p,
            page: 3,
        })
        .unwrap();
        assert_eq!(
            q,
            json!({ "filter_status": "completed", "filter_started_after": "2026-04-22T14:00:00Z",
                              "filter_policy_group": "runner", "page": 3 })
        );
    }

    #[test]
    fn status_is_open() {
        assert_eq!(RunStatus::from("queued"), RunStatus::Other("queued".into()));
        assert!(!RunStatus::from("queued").is_terminal());
        assert!(RunStatus::from("stopped").is_terminal());
    }
}
