use serde_json::json;
use twin_core::{Client, Error, RunStartParams};

use crate::common::env;

#[test]
fn wrong_kinds_of_200_are_unexpected_responses() {
    let env = env();
    env.faults(json!({ "html_rate": 1.0, "times": 1 }));
    let e = env.client.me().unwrap_err();
    assert!(
        matches!(&e, Error::UnexpectedResponse { status: 200, content_type: Some(ct), .. } if ct.starts_with("text/html")),
        "{e:?}"
    );
    env.faults(json!({ "grpc_rate": 1.0, "times": 1 }));
    let e = env.client.me().unwrap_err();
    assert!(
        matches!(&e, Error::UnexpectedResponse { content_type: Some(ct), .. } if ct == "application/grpc"),
        "{e:?}"
    );
}

#[test]
fn problems_are_read_from_every_kind_of_error_body() {
    let env = env();
    let c = &env.client;
    let e = c.agents().get("missing").unwrap_err();
    let p = e.problem().unwrap();
    assert_eq!(
        (p.title.as_str(), p.detail.as_deref()),
        ("Forbidden", Some("you do not have access to this agent"))
    );
    // 422 text/plain from the JSON extractor: icon_config must be a string.
    let ws = c.workspaces().create("w").unwrap();
    let e = c
        .workspaces()
        .update(&ws.workspace_id, "w", Some("{not json"))
        .unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}");
    // The service's 400 for a run_mode it refuses cannot happen: RunMode only sends run/build.
    let agent = env.agent().agent_id;
    assert!(c.runs().start(&agent, &RunStartParams::default()).is_ok());
}

#[test]
fn bad_keys_and_unreachable_servers() {
    let env = env();
    let bad = Client::builder()
        .api_key("twin_nope")
        .base_url(env.emulator.url())
        .build()
        .unwrap();
    let e = bad.me().unwrap_err();
    assert_eq!(e.status(), Some(401));
    assert!(!e.to_string().contains("twin_nope"));

    let nowhere = Client::builder()
        .api_key("k")
        .base_url("http://127.0.0.1:9")
        .max_retries(0)
        .build()
        .unwrap();
    assert!(matches!(
        nowhere.me().unwrap_err(),
        Error::Connection { .. }
    ));
    assert!(matches!(
        Client::builder().api_key("k").base_url("not a url").build(),
        Err(Error::InvalidArgument(_))
    ));
}
