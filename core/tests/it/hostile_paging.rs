//! Every loop bounded (issue 11): a server whose pages never advance cannot make a pager or a
//! follow run forever. The emulator's paging faults play that server: `ignore_after_index`
//! (events from the first one again), `repeat_cursor` (agents: the same `next_cursor` again),
//! `inflate_totals` (`total_runs`/`total_count` of 2^63, page 1 for every runs page).
//!
//! Each test drains the iterator itself under a hard guard (at most `MAX_ITEMS` items and a
//! wall-clock bound), so on a client that loops it fails instead of hanging.

use std::collections::HashSet;
use std::fmt::Debug;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use twin_core::{
    AgentListParams, Error, EventListParams, FollowOptions, Result, RunListParams, WaitOptions,
};

use crate::common::{Env, env, start_run as start};

/// The most items any test here expects is a few thousand (a live run followed for seconds).
const MAX_ITEMS: usize = 10_000;
/// Wall-clock bound of a list that must end after a couple of pages.
const LIST_BOUND: Duration = Duration::from_secs(20);
/// Most requests a hostile list may take before it ends.
const MAX_REQUESTS: u64 = 10;
/// `follow(timeout=FOLLOW_TIMEOUT)` must end within this much more.
const FOLLOW_SLACK: Duration = Duration::from_millis(1500);
const FOLLOW_TIMEOUT: Duration = Duration::from_secs(2);

/// How a guarded drain ended.
#[derive(Debug)]
enum End {
    /// The iterator ended by itself.
    Finished,
    /// It yielded an error (the last item it yielded).
    Failed(Error),
    /// The test's guard stopped it: too many items or too long.
    Guard(String),
}

impl std::fmt::Display for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            End::Finished => f.write_str("the end of the iteration"),
            End::Failed(e) => write!(f, "the error {e:?}"),
            End::Guard(why) => write!(f, "the test's guard: {why}"),
        }
    }
}

#[derive(Debug)]
struct Drained<T> {
    items: Vec<T>,
    end: End,
    elapsed: Duration,
}

/// Iterates until the end, the first error, `MAX_ITEMS` items or `bound` of time.
fn drain<T>(iter: impl IntoIterator<Item = Result<T>>, bound: Duration) -> Drained<T> {
    let start = Instant::now();
    let mut items = Vec::new();
    let mut iter = iter.into_iter();
    let end = loop {
        if items.len() >= MAX_ITEMS {
            break End::Guard(format!("still going after {MAX_ITEMS} items"));
        }
        if start.elapsed() > bound {
            break End::Guard(format!(
                "still going after {bound:?} ({} items)",
                items.len()
            ));
        }
        match iter.next() {
            None => break End::Finished,
            Some(Ok(item)) => items.push(item),
            Some(Err(e)) => break End::Failed(e),
        }
    };
    Drained {
        items,
        end,
        elapsed: start.elapsed(),
    }
}

/// Whether an error is the typed "pages do not advance" failure.
fn does_not_advance(e: &Error) -> bool {
    matches!(e, Error::Decode { message, .. } if message.contains("does not advance"))
}

#[track_caller]
fn assert_does_not_advance<T: Debug>(d: &Drained<T>) {
    match &d.end {
        End::Failed(e) if does_not_advance(e) => {}
        other => panic!(
            "expected Error::Decode(\"... does not advance ...\"), got {other} after {} items in {:?}",
            d.items.len(),
            d.elapsed
        ),
    }
}

/// Fails unless the indexes strictly increase (each event at most once, in order).
#[track_caller]
fn assert_increasing(indexes: &[u64]) {
    if let Some(w) = indexes.windows(2).find(|w| w[0] >= w[1]) {
        panic!(
            "event_index {} yielded after {} ({} events yielded)",
            w[1],
            w[0],
            indexes.len()
        );
    }
}

fn set_faults(env: &Env, config: Value) {
    env.faults(config);
}

fn requests(env: &Env) -> u64 {
    env.fault_stats()["matched"].as_u64().unwrap()
}

#[track_caller]
fn assert_few_requests(env: &Env) {
    let n = requests(env);
    assert!(
        n <= MAX_REQUESTS,
        "{n} requests for a list that brings nothing new"
    );
}

/// An agent with a finished run of `events` events: (agent, run, its event indexes).
fn finished_run(env: &Env, events: usize) -> (String, String, Vec<u64>) {
    let agent = env.agent().agent_id.into_string();
    let run = start(
        env,
        &agent,
        &format!("[emulator: events={events} step_ms=1]"),
    );
    let mut wait = WaitOptions::default();
    wait.poll_interval = Duration::from_millis(20);
    wait.timeout = Some(Duration::from_secs(30));
    env.client.runs().wait(&agent, &run, &wait).unwrap();
    let all: Vec<u64> = env
        .client
        .events()
        .list(&agent, &run, &Default::default())
        .map(|e| e.unwrap().index)
        .collect();
    assert_eq!(all.len(), events);
    (agent, run, all)
}

fn events_route(agent: &str, run: &str) -> String {
    format!("/v1/agents/{agent}/runs/{run}/events")
}

fn indexes(d: &Drained<twin_core::Event>) -> Vec<u64> {
    d.items.iter().map(|e| e.index).collect()
}

// ------------------------------------------------------------------------------ events list

#[test]
fn events_list_whose_after_index_is_ignored_ends_with_does_not_advance() {
    let env = env();
    let (agent, run, all) = finished_run(&env, 12);
    set_faults(
        &env,
        json!({ "ignore_after_index": true, "route": events_route(&agent, &run) }),
    );
    // Full pages of 3: the second page is the first again.
    let mut params = EventListParams::default();
    params.limit = Some(3);
    params.after_index = None;
    let d = drain(env.client.events().list(&agent, &run, &params), LIST_BOUND);
    let got = indexes(&d);
    assert_increasing(&got);
    assert_does_not_advance(&d);
    assert_eq!(got, all[..3], "the first page, once");
    assert_few_requests(&env);
}

#[test]
fn events_list_with_an_inflated_total_and_ignored_after_index_ends_with_does_not_advance() {
    let env = env();
    let (agent, run, all) = finished_run(&env, 12);
    set_faults(
        &env,
        json!({
            "ignore_after_index": true,
            "inflate_totals": true,
            "route": events_route(&agent, &run),
        }),
    );
    // Not a full page, but the total claims 2^63 events: the same 12 come back each time.
    let d = drain(
        env.client
            .events()
            .list(&agent, &run, &EventListParams::default()),
        LIST_BOUND,
    );
    let got = indexes(&d);
    assert_increasing(&got);
    assert_does_not_advance(&d);
    assert_eq!(got, all, "every event, once");
    assert_few_requests(&env);
}

#[test]
fn events_list_with_an_inflated_total_ends_after_every_event_once() {
    let env = env();
    let (agent, run, all) = finished_run(&env, 12);
    set_faults(
        &env,
        json!({ "inflate_totals": true, "route": events_route(&agent, &run) }),
    );
    for limit in [None, Some(5)] {
        let mut params = EventListParams::default();
        params.limit = limit;
        params.after_index = None;
        let d = drain(env.client.events().list(&agent, &run, &params), LIST_BOUND);
        let got = indexes(&d);
        assert_increasing(&got);
        // An empty page after the last event ends it, or the total that never comes is
        // reported as a list that does not advance; never a loop.
        match &d.end {
            End::Finished => {}
            End::Failed(e) if does_not_advance(e) => {}
            other => panic!("limit {limit:?}: {other} after {} events", got.len()),
        }
        assert_eq!(got, all, "limit {limit:?}: every event, once");
    }
    assert_few_requests(&env);
}

// ---------------------------------------------------------------------------------- agents

#[test]
fn agents_list_whose_cursor_repeats_ends_with_does_not_advance() {
    let env = env();
    let made: HashSet<String> = (0..3).map(|_| env.agent().agent_id.into_string()).collect();
    for limit in [Some(2), None] {
        set_faults(
            &env,
            json!({ "repeat_cursor": true, "route": "/v1/agents", "methods": ["GET"] }),
        );
        let mut params = AgentListParams::default();
        params.workspace_id = None;
        params.limit = limit;
        let d = drain(env.client.agents().list(&params), LIST_BOUND);
        assert_does_not_advance(&d);
        let page = limit.unwrap_or(10).min(3) as usize;
        assert!(
            d.items.len() <= 2 * page,
            "limit {limit:?}: {} agents from a list of 3",
            d.items.len()
        );
        assert!(d.items.iter().all(|a| made.contains(a.agent_id.as_str())));
        assert_few_requests(&env);
    }
}

// ------------------------------------------------------------------------------------ runs

#[test]
fn runs_list_with_a_total_of_two_to_the_63_lists_each_run_once_and_ends() {
    let env = env();
    let agent = env.agent().agent_id;
    env.admin(
        "POST",
        "/_emulator/seed",
        Some(json!({ "agent_id": agent, "runs": 5 })),
    );
    for page_size in [Some(2), None] {
        set_faults(
            &env,
            json!({ "inflate_totals": true, "route": format!("/v1/agents/{agent}/runs") }),
        );
        let mut params = RunListParams::default();
        params.page_size = page_size;
        let d = drain(env.client.runs().list(&agent, &params), LIST_BOUND);
        let ids: Vec<&str> = d.items.iter().map(|r| r.run_id.as_str()).collect();
        let unique: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(
            unique.len(),
            ids.len(),
            "page_size {page_size:?}: a run listed twice ({} runs yielded, ended by {})",
            ids.len(),
            d.end
        );
        // Page 1 again and again brings nothing new while 2^63 runs are due.
        match &d.end {
            End::Finished => {}
            End::Failed(e) if does_not_advance(e) => {}
            other => panic!("page_size {page_size:?}: {other} after {} runs", ids.len()),
        }
        assert_eq!(ids.len(), page_size.unwrap_or(100).min(5) as usize);
        assert_few_requests(&env);
    }
}

// ---------------------------------------------------------------------------------- follow

fn follow_opts() -> FollowOptions {
    FollowOptions::default().timeout(FOLLOW_TIMEOUT)
}

#[track_caller]
fn assert_ended_in_time<T>(d: &Drained<T>) {
    assert!(
        d.elapsed <= FOLLOW_TIMEOUT + FOLLOW_SLACK,
        "follow(timeout={FOLLOW_TIMEOUT:?}) took {:?} (ended by {})",
        d.elapsed,
        d.end
    );
}

#[test]
fn follow_times_out_while_events_keep_coming() {
    let env = env();
    let agent = env.agent().agent_id;
    // An event every millisecond for 100 s; each poll takes 20 ms, so none comes back empty.
    let run = start(&env, &agent, "[emulator: events=100000 step_ms=1]");
    set_faults(
        &env,
        json!({ "latency_ms": 20, "route": events_route(&agent, &run) }),
    );
    let d = drain(
        env.client.events().follow(&agent, &run, &follow_opts()),
        FOLLOW_TIMEOUT + FOLLOW_SLACK + Duration::from_secs(3),
    );
    let _ = env.client.runs().cancel(&agent, &run, None);
    assert_increasing(&indexes(&d));
    assert!(
        matches!(d.end, End::Failed(Error::Timeout { .. })),
        "expected Error::Timeout, got {} after {} events in {:?}",
        d.end,
        d.items.len(),
        d.elapsed
    );
    assert!(!d.items.is_empty(), "events were coming");
    assert_ended_in_time(&d);
}

#[test]
fn follow_whose_after_index_is_ignored_yields_each_event_once() {
    let env = env();
    let (agent, run, all) = finished_run(&env, 12);
    set_faults(
        &env,
        json!({ "ignore_after_index": true, "route": events_route(&agent, &run) }),
    );
    let d = drain(
        env.client.events().follow(&agent, &run, &follow_opts()),
        FOLLOW_TIMEOUT + FOLLOW_SLACK + Duration::from_secs(3),
    );
    let got = indexes(&d);
    assert_increasing(&got);
    match &d.end {
        End::Finished => assert_eq!(got, all, "every event, once"),
        End::Failed(e) if does_not_advance(e) || matches!(e, Error::Timeout { .. }) => {
            assert_eq!(got, all[..got.len()], "a prefix of the events, once")
        }
        other => panic!("{other} after {} events", got.len()),
    }
    assert_ended_in_time(&d);
}

#[test]
fn follow_of_a_live_run_whose_after_index_is_ignored_ends_in_time() {
    let env = env();
    let agent = env.agent().agent_id;
    let run = start(&env, &agent, "[emulator: events=100000 step_ms=2]");
    set_faults(
        &env,
        json!({ "ignore_after_index": true, "route": events_route(&agent, &run) }),
    );
    let d = drain(
        env.client.events().follow(&agent, &run, &follow_opts()),
        FOLLOW_TIMEOUT + FOLLOW_SLACK + Duration::from_secs(3),
    );
    let _ = env.client.runs().cancel(&agent, &run, None);
    assert_increasing(&indexes(&d));
    match &d.end {
        End::Failed(e) if does_not_advance(e) || matches!(e, Error::Timeout { .. }) => {}
        other => panic!(
            "expected Error::Timeout or Error::Decode(does not advance), got {other} after {} events in {:?}",
            d.items.len(),
            d.elapsed
        ),
    }
    assert_ended_in_time(&d);
}
