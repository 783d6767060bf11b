//! `GET /v1/agents/{agent_id}/runs/{run_id}/events`: list (by `after_index`) and follow live.
//! The [`Event`] model and its decoding live in `events.rs`.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::cancel::{self, CancelToken};
use crate::client::{Call, Client, unwrap_list};
use crate::error::{Error, Result};
use crate::events::Event;
use crate::ids::{AgentIdRef, RunIdRef};
use crate::pagination::{Page, PageToken, Pager, stalled};
use crate::transport::BodyLimit;

/// Most events the service returns in one response.
pub const MAX_EVENTS_PER_PAGE: u32 = 500;

/// Where to start and how many per page, for [`Events::list`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct EventListParams {
    /// Only events with an `event_index` greater than this (omit for the first event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_index: Option<u64>,
    /// Events per page, at most 500 (the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

setters!(EventListParams {
    into: [],
    some: [after_index: u64, limit: u32],
    set: [],
});

/// How [`Events::follow`] polls.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FollowOptions {
    /// Start after this `event_index` (default: from the first event).
    pub after_index: Option<u64>,
    /// Give up with [`Error::Timeout`] after this long (default: no limit).
    pub timeout: Option<Duration>,
    /// Pause after a poll that found nothing new; it grows by a quarter each idle poll
    /// (so a run with an event every second or two is still seen within a few hundred ms)...
    pub poll_interval: Duration,
    /// ...up to this. At most one request per `max_poll_interval` once the run is idle.
    pub max_poll_interval: Duration,
    /// Stops the follow with [`Error::Cancelled`] when cancelled from another thread.
    pub cancel: Option<CancelToken>,
}

setters!(FollowOptions {
    into: [],
    some: [after_index: u64, timeout: Duration, cancel: CancelToken],
    set: [poll_interval: Duration, max_poll_interval: Duration],
});

impl Default for FollowOptions {
    fn default() -> Self {
        FollowOptions {
            after_index: None,
            timeout: None,
            poll_interval: Duration::from_millis(100),
            max_poll_interval: Duration::from_millis(500),
            cancel: None,
        }
    }
}

/// Event endpoints; from [`Client::events`].
///
/// ```
/// # let emulator = twin_emulator::Emulator::start(Default::default()).unwrap();
/// # let client = twin_core::Client::builder().api_key(emulator.api_key()).base_url(emulator.url()).build()?;
/// use twin_core::{EventListParams, RunStartParams};
/// # let agent_id = client.agents().create(&Default::default())?.agent_id;
///
/// let run = client.runs().start(&agent_id, &RunStartParams::default().message("Hello!"))?;
/// // Live, until the run ends; then the same events again as a list, after the first one.
/// let live: Vec<_> = client.events().follow(&agent_id, &run.run_id, &Default::default())
///     .collect::<Result<_, _>>()?;
/// let first = live[0].index;
/// let rest = client.events().list(&agent_id, &run.run_id, &EventListParams::default().after_index(first));
/// assert_eq!(rest.count(), live.len() - 1);
/// # Ok::<(), twin_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Events {
    client: Client,
}

impl Client {
    /// Events of runs.
    pub fn events(&self) -> Events {
        Events {
            client: self.clone(),
        }
    }
}

#[derive(Serialize)]
struct Query {
    #[serde(skip_serializing_if = "Option::is_none")]
    after_index: Option<u64>,
    limit: u32,
}

/// One page of events after `after`, the run's `total_count`, and the page size asked for.
/// A page over [`BodyLimit::Events`] is asked for again with half as many events, down to
/// one: events with big tool outputs are still read, a few at a time.
fn fetch(
    client: &Client,
    agent_id: &str,
    run_id: &str,
    after: Option<u64>,
    mut limit: u32,
) -> Result<(Vec<Event>, Option<u64>, u32)> {
    loop {
        let call = Call::get(&["v1", "agents", agent_id, "runs", run_id, "events"])
            .query(&Query {
                after_index: after,
                limit,
            })
            .limit(BodyLimit::Events);
        match client.reply(call) {
            Err(e) if crate::transport::is_too_large(&e) && limit > 1 => limit /= 2,
            reply => {
                let (events, total) = decode_page(&reply?)?;
                return Ok((events, total, limit));
            }
        }
    }
}

fn decode_page(reply: &crate::transport::Reply) -> Result<(Vec<Event>, Option<u64>)> {
    use serde_json::value::RawValue;
    // The usual page, `{"events": [...], "total_count": N}`, is read lazily: each event is
    // kept as text and parsed only as far as its index, ids and kind (see
    // `Event::from_json`); so are a bare list and `{"data": [...]}`. Anything else is parsed
    // whole, if small.
    #[derive(serde::Deserialize)]
    struct Lazy<'a> {
        #[serde(borrow, alias = "data")]
        events: Vec<&'a RawValue>,
        #[serde(default)]
        total_count: Option<serde_json::Value>,
    }
    let lazy = serde_json::from_slice::<Lazy<'_>>(&reply.body)
        .map(|p| (p.events, p.total_count))
        .or_else(|_| serde_json::from_slice::<Vec<&RawValue>>(&reply.body).map(|e| (e, None)));
    if let Ok((events, total)) = lazy {
        let total = crate::de::count(total.as_ref(), "total_count")?;
        let events = events
            .into_iter()
            .map(|e| Event::from_json(e.get()))
            .collect::<Result<Vec<Event>>>()?;
        return Ok((events, total));
    }
    let body = crate::client::parse_unusual(reply)?;
    let total = crate::de::count(body.get("total_count"), "total_count")?;
    let events = unwrap_list(body, "events")?
        .into_iter()
        .map(Event::from_value)
        .collect::<Result<Vec<Event>>>()?;
    Ok((events, total))
}

/// The events of a page that come after `after`, in order: an event whose index does not
/// grow past the last one kept is dropped. A page that had events but none new (a server
/// that ignores `after_index`) is an error: asking again would bring the same.
fn advancing(events: Vec<Event>, after: &mut Option<u64>) -> Result<Vec<Event>> {
    let had = events.len();
    let fresh: Vec<Event> = events
        .into_iter()
        .filter(|e| {
            let new = after.is_none_or(|last| e.index > last);
            if new {
                *after = Some(e.index);
            }
            new
        })
        .collect();
    if had > 0 && fresh.is_empty() {
        return Err(stalled(&format!(
            "a page of events brought none after event_index {}",
            after.unwrap_or_default()
        )));
    }
    Ok(fresh)
}

impl Events {
    /// The run's events in order, fetched lazily 500 (or `limit`) at a time, each page
    /// starting after the last `event_index` seen. A snapshot: use [`Events::follow`] to also
    /// get events still to come. An unknown run has no events (the service does not say 404).
    pub fn list<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        run_id: impl Into<RunIdRef<'a>>,
        params: &EventListParams,
    ) -> Pager<Event> {
        let agent_id = agent_id.into().as_str();
        let run_id = run_id.into().as_str();
        let (client, agent_id, run_id) =
            (self.client.clone(), agent_id.to_owned(), run_id.to_owned());
        let limit = params
            .limit
            .unwrap_or(MAX_EVENTS_PER_PAGE)
            .clamp(1, MAX_EVENTS_PER_PAGE);
        let start = params.after_index;
        let mut seen: u64 = 0;
        Pager::new(move |token| {
            let mut after = match token {
                Some(PageToken::AfterIndex(i)) => Some(*i),
                _ => start,
            };
            let (events, total, asked) = fetch(&client, &agent_id, &run_id, after, limit)?;
            let full = events.len() as u32 >= asked;
            let events = advancing(events, &mut after)?;
            seen += events.len() as u64;
            // More remain if the page was full, or (counting from the first event) fewer
            // than the total were seen.
            let more = full || (start.is_none() && total.is_some_and(|t| seen < t));
            let next = after
                .filter(|_| more && !events.is_empty())
                .map(PageToken::AfterIndex);
            Ok(Page::new(events, total, next))
        })
    }

    /// Every event of the run as it appears, each once and in order, until the run is
    /// terminal (or paused) and every event has been read. Idle polling backs off.
    pub fn follow<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        run_id: impl Into<RunIdRef<'a>>,
        opts: &FollowOptions,
    ) -> Follow {
        let agent_id = agent_id.into().as_str();
        let run_id = run_id.into().as_str();
        Follow {
            client: self.client.clone(),
            agent_id: agent_id.to_owned(),
            run_id: run_id.to_owned(),
            after: opts.after_index,
            buffer: VecDeque::new(),
            pause: opts.poll_interval,
            opts: opts.clone(),
            deadline: opts.timeout.map(|t| Instant::now() + t),
            idle_polls: 0,
            saw_finish: false,
            run_ended: false,
            done: false,
        }
    }
}

/// Live events of a run; from [`Events::follow`]. Yields `Err` once (then ends) on a failure,
/// a timeout or a cancellation.
#[derive(Debug)]
#[must_use = "a follow polls nothing until it is iterated"]
pub struct Follow {
    client: Client,
    agent_id: String,
    run_id: String,
    after: Option<u64>,
    buffer: VecDeque<Event>,
    pause: Duration,
    opts: FollowOptions,
    deadline: Option<Instant>,
    idle_polls: u32,
    saw_finish: bool,
    run_ended: bool,
    done: bool,
}

/// Every this many idle polls, the run's status is checked instead of its events.
const STATUS_EVERY: u32 = 4;

impl Follow {
    /// The `event_index` of the last event yielded or buffered: resume from here.
    pub fn last_index(&self) -> Option<u64> {
        self.after
    }

    /// The client for the next request: limited to the time the follow has left.
    fn poll_client(&self) -> Result<Client> {
        match self.deadline {
            None => Ok(self.client.clone()),
            Some(d) => self.client.until(d).ok_or_else(|| self.timed_out()),
        }
    }

    fn timed_out(&self) -> Error {
        Error::Timeout {
            message: format!("following run {} took too long", self.run_id),
            maybe_sent: false,
            source: None,
        }
    }

    fn step(&mut self) -> Result<()> {
        cancel::check(self.opts.cancel.as_ref())?;
        // Checked before every request, so a run whose events keep coming is no exception.
        let client = self.poll_client()?;
        let expired = |e: Error, me: &Follow| match me.deadline {
            Some(d) if e.is_timeout() && Instant::now() >= d => me.timed_out(),
            _ => e,
        };
        // Every STATUS_EVERY-th idle poll also asks for the run's status. Once polling at its
        // slowest (the run is idle), that request replaces the events poll: one request per
        // pause, as `max_poll_interval` promises; while the pause still grows, both are made,
        // so no poll is blind while events may still be coming quickly.
        let status_due = self.idle_polls > 0 && self.idle_polls.is_multiple_of(STATUS_EVERY);
        let slowest = self.opts.max_poll_interval.max(self.opts.poll_interval);
        let status_instead =
            status_due && !self.saw_finish && !self.run_ended && self.pause >= slowest;
        if !status_instead {
            let (events, _, _) = fetch(
                &client,
                &self.agent_id,
                &self.run_id,
                self.after,
                MAX_EVENTS_PER_PAGE,
            )
            .map_err(|e| expired(e, self))?;
            let events = advancing(events, &mut self.after)?;
            if !events.is_empty() {
                self.saw_finish |= events.iter().any(Event::is_terminal_kind);
                self.buffer.extend(events);
                self.pause = self.opts.poll_interval;
                self.idle_polls = 0;
                return Ok(());
            }
            if self.run_ended {
                self.done = true; // drained after the run ended
                return Ok(());
            }
        }
        self.idle_polls += 1;
        // Once `Finished` was seen, the status is checked right after each empty poll.
        if status_due || self.saw_finish {
            let run = self
                .poll_client()?
                .runs()
                .get(&self.agent_id, &self.run_id)
                .map_err(|e| expired(e, self))?;
            if run.is_terminal() || run.is_paused() {
                self.run_ended = true;
                return Ok(()); // one more fetch drains what came meanwhile
            }
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(self.timed_out());
        }
        cancel::sleep(self.pause, self.deadline, self.opts.cancel.as_ref())?;
        self.pause = self
            .pause
            .mul_f64(1.25)
            .min(self.opts.max_poll_interval.max(self.opts.poll_interval));
        Ok(())
    }
}

impl Iterator for Follow {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Result<Event>> {
        loop {
            if let Some(event) = self.buffer.pop_front() {
                return Some(Ok(event));
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.step() {
                self.done = true;
                return Some(Err(e));
            }
        }
    }
}
