use std::time::{Duration, Instant};

use twin_core::{
    CancelToken, Error, EventListParams, FollowOptions, RunStatus, WaitOptions, final_output,
};

use crate::common::{env, start_run as start};

#[test]
fn list_walks_after_index_past_the_500_cap() {
    let env = env();
    let agent = env.agent().agent_id;
    let run = start(&env, &agent, "[emulator: events=1203 step_ms=0]");
    let mut wait = WaitOptions::default();
    wait.poll_interval = Duration::from_millis(50);
    env.client.runs().wait(&agent, &run, &wait).unwrap();

    let events = env.client.events();
    let pages: Vec<usize> = events
        .list(&agent, &run, &Default::default())
        .pages()
        .map(|p| p.unwrap().items.len())
        .collect();
    assert_eq!(pages, [500, 500, 203]);
    let all: Vec<_> = events
        .list(&agent, &run, &Default::default())
        .map(|e| e.unwrap())
        .collect();
    assert_eq!(all.len(), 1203);
    assert!(
        all.windows(2).all(|w| w[0].index < w[1].index),
        "strictly increasing"
    );
    assert_eq!(all[0].kind, "Started");
    assert_eq!(all[1].kind, "RunPolicyInitialized");
    assert_eq!(all.last().unwrap().kind, "Finished");
    assert_eq!(all[0].run_id.as_deref(), Some(run.as_str()));
    let answer = final_output(&all).expect("the llm call carries the answer");
    assert_eq!(answer["outcome"], "success");

    let small = EventListParams::default()
        .limit(100)
        .after_index(all[9].index);
    let rest: Vec<_> = events
        .list(&agent, &run, &small)
        .map(|e| e.unwrap().index)
        .collect();
    assert_eq!(rest, all[10..].iter().map(|e| e.index).collect::<Vec<_>>());
    assert_eq!(
        events
            .list(&agent, "unknown-run", &Default::default())
            .count(),
        0
    );
}

#[test]
fn follow_yields_each_event_once_in_order_until_the_run_ends() {
    let env = env();
    let agent = env.agent().agent_id;
    let run = start(&env, &agent, "[emulator: events=40 step_ms=15]");
    let followed: Vec<_> = env
        .client
        .events()
        .follow(&agent, &run, &FollowOptions::default())
        .map(|e| e.unwrap())
        .collect();
    let listed: Vec<_> = env
        .client
        .events()
        .list(&agent, &run, &Default::default())
        .map(|e| e.unwrap().index)
        .collect();
    assert_eq!(followed.iter().map(|e| e.index).collect::<Vec<_>>(), listed);
    assert_eq!(followed.len(), 40);
    assert_eq!(followed.last().unwrap().kind, "Finished");

    // Resuming from an index yields only what came after it.
    let from = followed[29].index;
    let opts = FollowOptions::default().after_index(from);
    assert_eq!(env.client.events().follow(&agent, &run, &opts).count(), 10);
}

#[test]
fn follow_ends_on_pause_and_on_cancel_of_the_run() {
    let env = env();
    let agent = env.agent().agent_id;
    let paused = start(&env, &agent, "[emulator: pause events=9]");
    let kinds: Vec<String> = env
        .client
        .events()
        .follow(&agent, &paused, &FollowOptions::default())
        .map(|e| e.unwrap().kind)
        .collect();
    assert_eq!(kinds.last().map(String::as_str), Some("UserInfoRequested"));
    assert_eq!(
        env.client.runs().get(&agent, &paused).unwrap().status,
        Some(RunStatus::Paused)
    );

    let slow = start(&env, &agent, "[emulator: events=500 step_ms=20]");
    let (c, a, r) = (env.client.clone(), agent.clone(), slow.clone());
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        c.runs().cancel(&a, &r, None).unwrap();
    });
    let events: Vec<_> = env
        .client
        .events()
        .follow(&agent, &slow, &FollowOptions::default())
        .map(|e| e.unwrap())
        .collect();
    canceller.join().unwrap();
    assert!(events.len() < 500);
    assert_eq!(events.last().unwrap().kind, "Finished");
}

#[test]
fn follow_has_a_deadline_and_a_cancel_token() {
    let env = env();
    let agent = env.agent().agent_id;
    let run = start(&env, &agent, "[emulator: slow events=100]");
    let opts = FollowOptions::default().timeout(Duration::from_millis(400));
    let last = env
        .client
        .events()
        .follow(&agent, &run, &opts)
        .last()
        .unwrap();
    assert!(matches!(last, Err(Error::Timeout { .. })), "{last:?}");

    let token = CancelToken::new();
    let opts = FollowOptions::default().cancel(token.clone());
    let mut follow = env.client.events().follow(&agent, &run, &opts);
    assert!(follow.next().unwrap().is_ok());
    token.cancel();
    let started = Instant::now();
    let rest: Vec<_> = follow.collect();
    assert!(
        matches!(rest.last(), Some(Err(Error::Cancelled))),
        "{rest:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn an_idle_follow_makes_one_request_per_pause() {
    let env = env();
    let agent = env.agent().agent_id;
    // Its second event is a minute away: the follower soon polls at its slowest.
    let run = start(&env, &agent, "[emulator: events=7 step_ms=60000]");
    let cancel = CancelToken::new();
    let mut opts = FollowOptions::default();
    opts.poll_interval = Duration::from_millis(20);
    opts.max_poll_interval = Duration::from_millis(50);
    opts.cancel = Some(cancel.clone());
    let follow = env.client.events().follow(&agent, &run, &opts);
    let worker = std::thread::spawn(move || follow.count());
    std::thread::sleep(Duration::from_millis(400));
    env.faults(serde_json::json!({ "route": format!("/v1/agents/{agent}/runs") }));
    let window = Duration::from_millis(1500);
    std::thread::sleep(window);
    let requests = env.fault_stats()["matched"].as_u64().unwrap();
    cancel.cancel();
    worker.join().unwrap();
    // Events polls and the periodic status check together: at most one per 50 ms pause
    // (30 in the window; a status check on top of every fourth poll would make 37).
    assert!(requests <= 31, "{requests} requests in {window:?}");
    assert!(requests >= 10, "{requests} requests in {window:?}");
}
