use std::time::{Duration, Instant};

use twin_core::{Error, InstructionsUpdateParams};

use crate::common::env;

#[test]
fn schedules_set_get_pause_resume_list_delete_and_fire() {
    let env = env();
    let (c, agent) = (&env.client, env.agent().agent_id);
    assert!(c.schedules().get(&agent).unwrap().is_none());
    let e = c.schedules().set(&agent, "0 0 9 * * Mon-Fri").unwrap_err();
    assert!(
        matches!(e, Error::InvalidCron(_)),
        "checked before sending: {e:?}"
    );

    c.schedules().set(&agent, "0 0 9 * * Mon-Fri *").unwrap();
    let s = c.schedules().get(&agent).unwrap().unwrap();
    let expected =
        twin_core::cron::next_times("0 0 9 * * Mon-Fri *", chrono::Utc::now(), 1).unwrap()[0];
    assert_eq!(s.next_run, Some(expected));
    c.schedules().pause(&agent).unwrap();
    assert!(c.schedules().get(&agent).unwrap().unwrap().paused);
    c.schedules().resume(&agent).unwrap();
    assert_eq!(c.schedules().list().unwrap().len(), 1);

    // Every second: a run starts.
    c.schedules().set(&agent, "* * * * * * *").unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while c.runs().list(&agent, &Default::default()).count() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        c.runs().list(&agent, &Default::default()).count() > 0,
        "the schedule fired"
    );
    c.schedules().delete(&agent).unwrap();
    assert!(c.schedules().get(&agent).unwrap().is_none());
}

#[test]
fn instructions_are_versioned() {
    let env = env();
    let (c, agent) = (&env.client, env.agent().agent_id);
    assert!(c.instructions().get(&agent).unwrap().is_none());
    assert!(c.instructions().history(&agent, None).unwrap().is_empty());
    c.instructions()
        .update(&agent, "# Greeter\nSay hi.", &Default::default())
        .unwrap();
    let p = InstructionsUpdateParams::default()
        .source_type("api")
        .source_id("test-2");
    c.instructions()
        .update(&agent, "# Greeter\nSay hello.", &p)
        .unwrap();
    let now = c.instructions().get(&agent).unwrap().unwrap();
    assert_eq!(now.content, "# Greeter\nSay hello.");
    assert_eq!(now.source_id.as_deref(), Some("test-2"));
    let history = c.instructions().history(&agent, None).unwrap();
    assert_eq!(
        history
            .iter()
            .map(|v| v.content.as_str())
            .collect::<Vec<_>>(),
        ["# Greeter\nSay hello.", "# Greeter\nSay hi."]
    );
    assert!(history[0].id > history[1].id);
    assert_eq!(c.instructions().history(&agent, Some(1)).unwrap().len(), 1);
    assert_eq!(
        c.agents().get(&agent).unwrap().name.as_deref(),
        Some("Greeter")
    );
}
