//! A 2xx answer that says the operation was not done (`success: false`, `deleted: false`,
//! `revoked: false`, `{"workspace": null}`) is `Error::OperationFailed` with the service's
//! words, for each of the eleven operations of the live document that answer so; the emulator's
//! `refuse` fault produces each answer and changes nothing, which the test checks too.

use serde_json::json;
use twin_core::{Error, RunStartParams};

use crate::common::env;

fn refused<T: std::fmt::Debug>(what: &str, result: twin_core::Result<T>, detail: Option<&str>) {
    match result {
        Err(Error::OperationFailed {
            status: 200,
            detail: got,
        }) => assert_eq!(got.as_deref(), detail, "{what}"),
        other => panic!("{what}: expected OperationFailed, got {other:?}"),
    }
}

#[test]
fn every_refusal_of_the_live_document_is_an_operation_failure() {
    let env = env();
    let c = &env.client;
    let agent = env.agent().agent_id;
    let workspace = c.workspaces().create("refusals").unwrap();
    let key = c.api_keys().create("refusals").unwrap();
    c.schedules().set(&agent, "0 0 9 * * Mon *").unwrap();
    c.instructions()
        .update(&agent, "Before.", &Default::default())
        .unwrap();
    let message = "[emulator: slow events=50]".to_string();
    let run = c
        .runs()
        .start(&agent, &RunStartParams::default().message(message))
        .unwrap();

    env.faults(json!({ "refuse": true, "refuse_error": "nope" }));
    let says = Some("nope");
    refused(
        "schedule set",
        c.schedules().set(&agent, "0 0 10 * * Tue *"),
        says,
    );
    refused("schedule pause", c.schedules().pause(&agent), says);
    refused("schedule resume", c.schedules().resume(&agent), says);
    refused("schedule delete", c.schedules().delete(&agent), says);
    refused(
        "agent move",
        c.agents().move_to(&agent, &workspace.workspace_id),
        says,
    );
    refused(
        "instructions update",
        c.instructions()
            .update(&agent, "After.", &Default::default()),
        says,
    );
    refused(
        "run cancel",
        c.runs().cancel(&agent, &run.run_id, None),
        says,
    );
    // The live schemas give these no `error` member.
    refused(
        "workspace reorder",
        c.workspaces().reorder(&[&workspace.workspace_id]),
        None,
    );
    refused("key revoke", c.api_keys().revoke(&key.key.key_id), None);
    refused(
        "workspace update",
        c.workspaces()
            .update(&workspace.workspace_id, "renamed", None),
        None,
    );
    refused(
        "workspace delete",
        c.workspaces().delete(&workspace.workspace_id),
        says,
    );
    assert_eq!(env.fault_stats()["refused"], 11);
    env.admin("DELETE", "/_emulator/faults", None);

    // Nothing was done.
    let schedule = c.schedules().get(&agent).unwrap().expect("still there");
    assert_eq!(
        (schedule.cron.as_str(), schedule.paused),
        ("0 0 9 * * Mon *", false)
    );
    let instructions = c.instructions().get(&agent).unwrap().expect("still there");
    assert_eq!(instructions.content, "Before.");
    let run = c.runs().get(&agent, &run.run_id).unwrap();
    assert!(!run.is_terminal(), "not cancelled: {:?}", run.status);
    let names: Vec<String> = c
        .workspaces()
        .list()
        .unwrap()
        .into_iter()
        .map(|w| w.name)
        .collect();
    assert!(names.contains(&"refusals".to_string()), "{names:?}");
    assert!(
        c.api_keys()
            .list()
            .unwrap()
            .iter()
            .any(|k| k.key_id == key.key.key_id)
    );
    c.runs().cancel(&agent, &run.run_id, None).unwrap();
}
