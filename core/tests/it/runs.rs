use std::time::{Duration, Instant};

use twin_core::{
    CancelToken, Error, Outcome, RunListParams, RunMode, RunStartParams, RunStatus, WaitOptions,
};

use crate::common::env;

fn start(msg: &str) -> RunStartParams {
    RunStartParams::default().mode(RunMode::Run).message(msg)
}

fn quick_wait() -> WaitOptions {
    WaitOptions::default()
        .poll_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(20))
}

#[test]
fn start_wait_get_list_delete() {
    let env = env();
    let (c, agent) = (&env.client, env.agent());
    let run = c.runs().start(&agent.agent_id, &start("hello")).unwrap();
    assert_eq!(run.status, Some(RunStatus::InProgress));
    assert_eq!(run.policy_type.as_deref(), Some("runner_v2"));
    let done = c
        .runs()
        .wait(&agent.agent_id, &run.run_id, &quick_wait())
        .unwrap();
    assert_eq!(done.status, Some(RunStatus::Completed));
    assert_eq!(done.outcome, Some(Outcome::Success));
    assert!(done.summary.is_some() && done.credits_consumed.is_some());
    assert!(done.is_terminal() && done.is_finished);
    assert_eq!(done.run_number, Some(1));

    let got = c.runs().get(&agent.agent_id, &run.run_id).unwrap();
    assert_eq!(got, done);
    let agent_now = c.agents().get(&agent.agent_id).unwrap();
    assert_eq!(
        agent_now.latest_run_id.as_deref(),
        Some(run.run_id.as_str())
    );
    assert_eq!(agent_now.latest_run_status, Some(RunStatus::Completed));

    c.runs().delete(&agent.agent_id, &run.run_id).unwrap();
    let e = c.runs().get(&agent.agent_id, &run.run_id).unwrap_err();
    assert!(e.is_not_found() && e.status() == Some(404), "{e:?}");
    let e = c.runs().delete(&agent.agent_id, &run.run_id).unwrap_err();
    assert_eq!(
        e.problem().and_then(|p| p.detail.clone()),
        Some(format!("run {} not found", run.run_id))
    );
}

#[test]
fn scripted_endings_surface_as_statuses() {
    let env = env();
    let (c, agent) = (&env.client, env.agent());
    let cases = [
        (
            "[emulator: outcome=partial]",
            RunStatus::Completed,
            Some(Outcome::Partial),
        ),
        (
            "[emulator: outcome=fail]",
            RunStatus::Completed,
            Some(Outcome::Fail),
        ),
        ("[emulator: error]", RunStatus::Error, None),
        ("[emulator: pause]", RunStatus::Paused, None),
    ];
    for (msg, status, outcome) in cases {
        let run = c.runs().start(&agent.agent_id, &start(msg)).unwrap();
        let end = c
            .runs()
            .wait(&agent.agent_id, &run.run_id, &quick_wait())
            .unwrap();
        assert_eq!(
            (end.status.as_ref(), &end.outcome),
            (Some(&status), &outcome),
            "{msg}"
        );
    }
    assert!(
        c.agents()
            .get(&agent.agent_id)
            .unwrap()
            .latest_run_has_pending_input
    );
}

#[test]
fn cancel_stops_a_run_and_is_idempotent() {
    let env = env();
    let (c, agent) = (&env.client, env.agent());
    let run = c
        .runs()
        .start(&agent.agent_id, &start("[emulator: slow events=50]"))
        .unwrap();
    let first = c
        .runs()
        .cancel(&agent.agent_id, &run.run_id, Some("test"))
        .unwrap();
    assert_eq!((first.success, first.note.as_deref()), (true, None));
    assert_eq!(
        c.runs().get(&agent.agent_id, &run.run_id).unwrap().status,
        Some(RunStatus::Stopped)
    );
    let again = c.runs().cancel(&agent.agent_id, &run.run_id, None).unwrap();
    assert!(again.success);
    assert!(again.note.is_some_and(|n| n.contains("already")));
    let e = c
        .runs()
        .cancel(&agent.agent_id, "no-such-run", None)
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
}

#[test]
fn wait_times_out_and_can_be_cancelled_from_another_thread() {
    let env = env();
    let (c, agent) = (&env.client, env.agent());
    let run = c
        .runs()
        .start(&agent.agent_id, &start("[emulator: slow events=100]"))
        .unwrap();
    let mut opts = WaitOptions::default();
    opts.timeout = Some(Duration::from_millis(300));
    opts.poll_interval = Duration::from_millis(50);
    let started = Instant::now();
    let e = c
        .runs()
        .wait(&agent.agent_id, &run.run_id, &opts)
        .unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(3));

    let token = CancelToken::new();
    let mut opts = WaitOptions::default();
    opts.timeout = None;
    opts.cancel = Some(token.clone());
    let (c2, a, r) = (c.clone(), agent.agent_id.clone(), run.run_id.clone());
    let waiter = std::thread::spawn(move || c2.runs().wait(&a, &r, &opts));
    std::thread::sleep(Duration::from_millis(200));
    let cancelled_at = Instant::now();
    token.cancel();
    let result = waiter.join().unwrap();
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
    assert!(cancelled_at.elapsed() < Duration::from_secs(1));
}

#[test]
fn a_wait_with_no_time_left_still_looks_at_the_run_once() {
    let env = env();
    let (c, agent) = (&env.client, env.agent());
    let run = c
        .runs()
        .start(&agent.agent_id, &start("[emulator: events=7 step_ms=1]"))
        .unwrap();
    c.runs()
        .wait(&agent.agent_id, &run.run_id, &quick_wait())
        .unwrap();
    let now = WaitOptions::default().timeout(Duration::ZERO);
    let done = c.runs().wait(&agent.agent_id, &run.run_id, &now).unwrap();
    assert_eq!(done.status, Some(RunStatus::Completed));
    let slow = c
        .runs()
        .start(&agent.agent_id, &start("[emulator: slow events=100]"))
        .unwrap();
    let e = c
        .runs()
        .wait(&agent.agent_id, &slow.run_id, &now)
        .unwrap_err();
    assert!(e.to_string().contains("still in_progress"), "{e}");
}

#[test]
fn list_pages_by_number_with_every_filter() {
    let env = env();
    let (c, agent) = (&env.client, env.agent());
    let mut ids = Vec::new();
    for i in 0..7 {
        let mut p = RunStartParams::default();
        p.mode = if i % 2 == 0 {
            RunMode::Run
        } else {
            RunMode::Build
        };
        p.message = Some("[emulator: events=7 step_ms=1]".into());
        ids.push(c.runs().start(&agent.agent_id, &p).unwrap().run_id);
    }
    for id in &ids {
        c.runs().wait(&agent.agent_id, id, &quick_wait()).unwrap();
    }
    let all = RunListParams::default().page_size(3);
    let sizes: Vec<usize> = c
        .runs()
        .list(&agent.agent_id, &all)
        .pages()
        .map(|p| p.unwrap().items.len())
        .collect();
    assert_eq!(sizes, [3, 3, 1]);
    let listed: Vec<String> = c
        .runs()
        .list(&agent.agent_id, &all)
        .map(|r| r.unwrap().run_id.into_string())
        .collect();
    assert_eq!(
        listed,
        ids.iter().rev().cloned().collect::<Vec<_>>(),
        "newest first, each once"
    );
    let builds = RunListParams::default()
        .policy_group("builder")
        .page_size(2);
    let b: Vec<_> = c
        .runs()
        .list(&agent.agent_id, &builds)
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(b.len(), 3);
    assert!(
        b.iter()
            .all(|r| r.policy_type.as_deref() == Some("builder_v3")
                && r.outcome == Some(Outcome::Success))
    );
    let typed = RunListParams::default()
        .policy_type("runner_v2")
        .status("completed");
    assert_eq!(c.runs().list(&agent.agent_id, &typed).count(), 4);
    let future =
        RunListParams::default().started_after(chrono::Utc::now() + chrono::TimeDelta::hours(1));
    assert_eq!(c.runs().list(&agent.agent_id, &future).count(), 0);
    let past = RunListParams::default().started_before(chrono::Utc::now());
    assert_eq!(c.runs().list(&agent.agent_id, &past).count(), 7);
}
