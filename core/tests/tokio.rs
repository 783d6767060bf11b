//! twin-core from tokio (cargo feature `tokio`): the emulator starts and stops inside
//! `#[tokio::test]`, `AsyncClient` keeps the runtime free while a call blocks, and `follow`
//! is a `Stream`.
#![cfg(feature = "tokio")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use twin_core::{
    Agent, AgentCreateParams, AsyncClient, CancelToken, Client, FollowOptions, Run, RunStartParams,
    RunStatus, WaitOptions,
};
use twin_emulator::{Emulator, Options};

fn client_for(emulator: &twin_emulator::Running) -> AsyncClient {
    let client = Client::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.url())
        .build()
        .expect("client");
    AsyncClient::new(client)
}

fn fast() -> Options {
    Options::default().step_ms(5)
}

/// A new agent and a run of it started with `message`, through `AsyncClient`.
async fn started_run(client: &AsyncClient, message: &'static str) -> (Agent, Run) {
    let agent = client
        .call(|c| c.agents().create(&AgentCreateParams::default()))
        .await
        .unwrap();
    let agent_id = agent.agent_id.clone();
    let run = client
        .call(move |c| {
            c.runs()
                .start(&agent_id, &RunStartParams::default().message(message))
        })
        .await
        .unwrap();
    (agent, run)
}

/// On a single-threaded runtime a blocking call made in place would stop every other task;
/// through `AsyncClient` a ticker keeps running while a wait blocks.
#[tokio::test(flavor = "current_thread")]
async fn a_wait_does_not_hold_up_the_runtime() {
    let emulator = Emulator::start(fast()).expect("starts inside a runtime");
    let client = client_for(&emulator);
    let (agent, run) = started_run(&client, "[emulator: events=30 step_ms=20]").await;

    let ticks = Arc::new(AtomicU32::new(0));
    let ticker = tokio::spawn({
        let ticks = ticks.clone();
        async move {
            loop {
                tokio::time::sleep(Duration::from_millis(10)).await;
                ticks.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    let started = Instant::now();
    let (agent_id, run_id) = (agent.agent_id.clone(), run.run_id.clone());
    let done = client
        .call(move |c| {
            let quick = WaitOptions::default().poll_interval(Duration::from_millis(20));
            c.runs().wait(&agent_id, &run_id, &quick)
        })
        .await
        .unwrap();
    let waited = started.elapsed();
    ticker.abort();
    assert_eq!(done.status, Some(RunStatus::Completed));
    assert!(waited >= Duration::from_millis(200), "{waited:?}");
    // Ticks every 10 ms while the wait blocked another thread: at least a third of them.
    let seen = ticks.load(Ordering::Relaxed);
    let expected = (waited.as_millis() / 10) as u32;
    assert!(seen >= expected / 3, "{seen} ticks in {waited:?}");
    // Dropped inside the runtime: no panic, and the port is closed soon after.
    let url = emulator.url().to_string();
    drop(emulator);
    tokio::time::sleep(Duration::from_millis(700)).await;
    let gone = Client::builder()
        .api_key("k")
        .base_url(url)
        .max_retries(0)
        .build()
        .unwrap();
    let e = AsyncClient::new(gone).call(|c| c.me()).await.unwrap_err();
    assert!(e.is_connection(), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_is_a_stream_of_every_event_in_order() {
    let emulator = Emulator::start(fast()).expect("starts inside a runtime");
    let client = client_for(&emulator);
    let (agent, run) = started_run(&client, "[emulator: events=150 step_ms=1]").await;
    let opts = FollowOptions::default().timeout(Duration::from_secs(30));
    let events: Vec<_> = client
        .follow(&agent.agent_id, &run.run_id, &opts)
        .map(|e| e.expect("event"))
        .collect()
        .await;
    assert_eq!(events.len(), 150, "every event, once");
    assert!(events.windows(2).all(|w| w[0].index < w[1].index));
    assert!(events.last().unwrap().is_terminal_kind());
}

#[tokio::test]
async fn dropping_the_stream_stops_the_follow() {
    let emulator = Emulator::start(fast()).unwrap();
    let client = client_for(&emulator);
    let (agent, run) = started_run(&client, "[emulator: events=1000 step_ms=50]").await;
    let token = CancelToken::new();
    let opts = FollowOptions::default().cancel(token.clone());
    let mut events = client.follow(&agent.agent_id, &run.run_id, &opts);
    let first = events
        .next()
        .await
        .expect("an event")
        .expect("not an error");
    assert!(!first.kind.is_empty(), "{first:?}");
    assert!(!token.is_cancelled());
    drop(events);
    assert!(token.is_cancelled(), "the follow's token is cancelled");
}
