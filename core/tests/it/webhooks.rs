use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use twin_core::webhooks::{self, UnwrapOptions, WebhookEventKind};
use twin_core::{RunStartParams, WebhookStatus, WebhookUpdateParams};

use crate::common::env;

type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A real HTTP receiver on loopback; returns its URL and what it received.
fn receiver() -> (String, Received, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let got: Received = Arc::default();
    let sink = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push((headers, body));
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    rt.spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got, rt)
}

fn wait_for(got: &Received, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while got.lock().unwrap().len() < n && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn deliveries_unwrap_with_the_secret_from_create() {
    let env = env();
    let (c, agent) = (&env.client, env.agent().agent_id);
    let (url, got, _rt) = receiver();
    let hook = c
        .webhooks()
        .create(&agent, &url, &WebhookEventKind::ALL)
        .unwrap();
    assert_eq!(hook.webhook.agent_id, agent);
    assert_eq!(hook.webhook.status, WebhookStatus::Active);
    assert!(!format!("{hook:?}").contains(&hook.signing_secret));

    let p = RunStartParams::default().message("[emulator: outcome=partial]");
    let run = c.runs().start(&agent, &p).unwrap();
    wait_for(&got, 2);
    let received = got.lock().unwrap().clone();
    assert_eq!(received.len(), 2, "run.started and run.completed");
    let opts = UnwrapOptions::default();
    let mut kinds = Vec::new();
    for (headers, body) in &received {
        let pairs = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_str().unwrap()));
        let event =
            webhooks::unwrap_headers(body, pairs, &[hook.signing_secret.as_str()], &opts).unwrap();
        assert_eq!(event.run_id, run.run_id);
        assert_eq!(event.agent_id, agent);
        kinds.push(event.kind.clone());
        if event.kind == WebhookEventKind::RunCompleted {
            assert_eq!(event.outcome, Some(twin_core::Outcome::Partial));
        }
        // The wrong secret, or a tampered body, does not pass.
        let sig = headers.get("x-cobb-signature").unwrap().to_str().unwrap();
        assert!(webhooks::verify(body, Some(sig), &["whsec_wrong"]).is_err());
        let mut tampered = body.to_vec();
        tampered[5] ^= 1;
        assert!(webhooks::verify(&tampered, Some(sig), &[hook.signing_secret.as_str()]).is_err());
    }
    kinds.sort_by_key(|k| k.as_str().to_string());
    assert_eq!(
        kinds,
        [WebhookEventKind::RunCompleted, WebhookEventKind::RunStarted]
    );
}

#[test]
fn list_get_update_delete() {
    let env = env();
    let (c, agent) = (&env.client, env.agent().agent_id);
    let hook = c
        .webhooks()
        .create(
            &agent,
            "https://example.com/hook",
            &[WebhookEventKind::RunCompleted],
        )
        .unwrap();
    let id = hook.webhook.webhook_id.clone();
    assert_eq!(c.webhooks().list(&agent).unwrap().len(), 1);
    let got = c.webhooks().get(&agent, &id).unwrap();
    assert_eq!(got.url, "https://example.com/hook");
    let mut up = WebhookUpdateParams::default();
    up.status = Some(WebhookStatus::Disabled);
    up.events = Some(vec![WebhookEventKind::RunFailed]);
    up.url = None;
    let updated = c.webhooks().update(&agent, &id, &up).unwrap();
    assert_eq!(
        (updated.status, updated.events.clone()),
        (WebhookStatus::Disabled, vec![WebhookEventKind::RunFailed])
    );
    assert!(updated.updated_at >= got.updated_at);
    c.webhooks().delete(&agent, &id).unwrap();
    assert_eq!(
        c.webhooks().get(&agent, &id).unwrap_err().status(),
        Some(404)
    );
    // Refused before any request.
    assert!(
        c.webhooks()
            .create(&agent, "ftp://x", &[WebhookEventKind::RunCompleted])
            .is_err()
    );
    assert!(c.webhooks().create(&agent, "https://x", &[]).is_err());
}
