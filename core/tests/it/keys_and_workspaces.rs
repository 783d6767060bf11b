use twin_core::{Client, Error};

use crate::common::env;

#[test]
fn keys_work_at_once_and_stop_at_once() {
    let env = env();
    let c = &env.client;
    let created = c.api_keys().create("ci key").unwrap();
    assert!(created.api_key.starts_with("twin_"));
    assert!(
        !format!("{created:?}").contains(&created.api_key),
        "debug never shows the key"
    );
    assert_eq!(created.key.display_prefix.len(), 8);
    let other = Client::builder()
        .api_key(&created.api_key)
        .base_url(env.emulator.url())
        .build()
        .unwrap();
    other.me().unwrap();
    let listed = c.api_keys().list().unwrap();
    let mine = listed
        .iter()
        .find(|k| k.key_id == created.key.key_id)
        .unwrap();
    assert!(mine.last_used_at.is_some(), "last_used_at is maintained");
    c.api_keys().revoke(&created.key.key_id).unwrap();
    assert_eq!(other.me().unwrap_err().status(), Some(401));
    assert!(matches!(
        c.api_keys().create(""),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        c.api_keys().create(&"k".repeat(129)),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn workspaces_crud_and_reorder() {
    let env = env();
    let c = &env.client;
    let a = c.workspaces().create("A").unwrap();
    let b = c.workspaces().create("B").unwrap();
    assert_eq!(b.position, 0, "new workspaces go first");
    let names = |c: &Client| {
        c.workspaces()
            .list()
            .unwrap()
            .into_iter()
            .map(|w| w.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(names(c), ["B", "A"]);
    c.workspaces()
        .reorder(&[&a.workspace_id, &b.workspace_id])
        .unwrap();
    assert_eq!(names(c), ["A", "B"]);
    let up = c
        .workspaces()
        .update(&a.workspace_id, "A2", Some(r#"{"icon":"Code"}"#))
        .unwrap();
    assert_eq!(
        (up.name.as_str(), up.icon_config.as_deref()),
        ("A2", Some(r#"{"icon":"Code"}"#))
    );
    let agent = c
        .agents()
        .create(&twin_core::AgentCreateParams::default().workspace_id(&a.workspace_id))
        .unwrap();
    c.workspaces().delete(&a.workspace_id).unwrap();
    assert!(
        c.agents().get(&agent.agent_id).unwrap_err().is_not_found(),
        "its agents went with it"
    );
    assert_eq!(
        c.workspaces().reorder(&["nope"]).unwrap_err().status(),
        Some(400)
    );
}
