use std::collections::HashSet;

use twin_core::{AgentCreateParams, AgentListParams, DeploymentState, Error};

use crate::common::env;

#[test]
fn create_get_list_move_delete() {
    let env = env();
    let c = &env.client;
    let me = c.me().unwrap();
    assert!(me.user_id.starts_with("user_"), "{}", me.user_id);

    let ws = c.workspaces().create("Agents here").unwrap();
    let a = c
        .agents()
        .create(&AgentCreateParams::default().workspace_id(&ws.workspace_id))
        .unwrap();
    assert_eq!(a.workspace_id.as_deref(), Some(ws.workspace_id.as_str()));
    assert_eq!(a.deployment_state, Some(DeploymentState::Draft));
    assert!(!a.has_runs);
    assert_eq!(a.name, None);

    let got = c.agents().get(&a.agent_id).unwrap();
    assert_eq!(got.agent_id, a.agent_id);
    use twin_core::Model;
    assert_eq!(got.raw()["agent_id"], a.agent_id.as_str());

    // Without a workspace, agents land in one default workspace.
    let d1 = c.agents().create(&AgentCreateParams::default()).unwrap();
    let d2 = c.agents().create(&AgentCreateParams::default()).unwrap();
    assert_eq!(d1.workspace_id, d2.workspace_id);
    assert_ne!(d1.workspace_id, a.workspace_id);

    c.agents().move_to(&d1.agent_id, &ws.workspace_id).unwrap();
    let in_ws: Vec<_> = c
        .agents()
        .list(&AgentListParams::default().workspace_id(&ws.workspace_id))
        .map(|r| r.unwrap().agent_id)
        .collect();
    assert_eq!(
        in_ws.iter().collect::<HashSet<_>>(),
        [&a.agent_id, &d1.agent_id].into_iter().collect()
    );

    c.agents().delete(&a.agent_id).unwrap();
    let gone = c.agents().get(&a.agent_id).unwrap_err();
    assert!(gone.is_not_found(), "{gone:?}");
    assert_eq!(gone.status(), Some(403));
}

#[test]
fn list_follows_the_cursor_across_pages_keeping_filters() {
    let env = env();
    let c = &env.client;
    let ws = c.workspaces().create("Many").unwrap();
    let mut made = HashSet::new();
    for _ in 0..23 {
        let p = AgentCreateParams::default().workspace_id(ws.workspace_id.clone());
        made.insert(c.agents().create(&p).unwrap().agent_id);
    }
    c.agents().create(&AgentCreateParams::default()).unwrap(); // elsewhere: must not appear
    let params = AgentListParams::default()
        .workspace_id(ws.workspace_id.clone())
        .limit(5);
    let pages: Vec<usize> = c
        .agents()
        .list(&params)
        .pages()
        .map(|p| p.unwrap().items.len())
        .collect();
    assert_eq!(pages, [5, 5, 5, 5, 3]);
    let listed: HashSet<twin_core::AgentId> = c
        .agents()
        .list(&params)
        .map(|r| r.unwrap().agent_id)
        .collect();
    assert_eq!(listed, made);
}

#[test]
fn explicit_ids_with_reserved_characters_are_one_path_segment() {
    let env = env();
    let c = &env.client;
    for id in [
        "a/b",
        "..",
        "q?x=1#frag",
        "100%",
        "with space",
        "ünï-cødé",
        ".",
    ] {
        let made = c
            .agents()
            .create(&AgentCreateParams::default().agent_id(id))
            .unwrap();
        assert_eq!(made.agent_id, id);
        assert_eq!(c.agents().get(id).unwrap().agent_id, id, "get {id:?}");
        assert!(c.schedules().get(id).unwrap().is_none());
        c.agents().delete(id).unwrap();
        assert!(c.agents().get(id).unwrap_err().is_not_found());
    }
    let e = c.agents().get("").unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}");
}
