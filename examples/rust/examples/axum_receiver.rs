//! Receive Twin's webhook deliveries in an axum server and verify each one, with twin-core's
//! `http` feature (`Verifier::unwrap_header_map` takes axum's `HeaderMap` as it is) and its
//! `tokio` feature (`AsyncClient`).
//!
//!     TWIN_API_KEY=... TWIN_BASE_URL=... cargo run -p twin-examples --example axum_receiver
//!
//! `receive` is the part to copy: take the raw body as `Bytes`, verify it before parsing it,
//! answer 2xx quickly, deduplicate. To show it end to end, `main` serves on a loopback port,
//! subscribes an agent to it, starts a run and stops after the run's final delivery; that works
//! against the emulator (`twin emulator`), which runs on this machine. A real Twin server needs
//! a public https URL that reaches the handler.
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use tokio::sync::mpsc;
use twin_core::webhooks::WebhookEventKind::{RunCompleted, RunFailed, RunStarted, RunStopped};
use twin_core::webhooks::{Verifier, WebhookEvent};
use twin_core::{AgentCreateParams, AsyncClient, Client, RunStartParams};

struct Receiver {
    verifier: Verifier,
    deliveries: mpsc::Sender<WebhookEvent>,
}

/// One delivery: 204 when genuine (X-Cobb-Signature, X-Cobb-Event and a recent timestamp),
/// 400 otherwise.
async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    match receiver.verifier.unwrap_header_map(&body, &headers) {
        Ok(event) => {
            let _ = receiver.deliveries.send(event).await;
            StatusCode::NO_CONTENT
        }
        Err(e) => {
            eprintln!("rejected a delivery: {e}");
            StatusCode::BAD_REQUEST
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = AsyncClient::new(Client::from_env()?);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/twin", listener.local_addr()?);
    println!("receiving on {url}");

    let agent = client
        .call(|c| c.agents().create(&AgentCreateParams::default()))
        .await?;
    let result = subscribe_and_run(&client, &agent.agent_id, listener, url).await;
    let agent_id = agent.agent_id.clone();
    client.call(move |c| c.agents().delete(&agent_id)).await?;
    result
}

async fn subscribe_and_run(
    client: &AsyncClient,
    agent_id: &str,
    listener: tokio::net::TcpListener,
    url: String,
) -> Result<(), Box<dyn std::error::Error>> {
    let id = agent_id.to_owned();
    let hook = client
        .call(move |c| {
            let events = [RunStarted, RunCompleted, RunFailed, RunStopped];
            c.webhooks().create(&id, &url, &events)
        })
        .await?;
    // While rotating secrets, pass the new and the old one.
    let (deliveries, mut received) = mpsc::channel(16);
    let receiver = Arc::new(Receiver {
        verifier: Verifier::new([hook.signing_secret.clone()]),
        deliveries,
    });
    let app = Router::new()
        .route("/twin", post(receive))
        .with_state(receiver);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let id = agent_id.to_owned();
    client
        .call(move |c| {
            c.runs()
                .start(&id, &RunStartParams::default().message("Say hello"))
        })
        .await?;
    let mut seen = HashSet::new();
    let outcome = loop {
        let Some(event) = tokio::time::timeout(Duration::from_secs(120), received.recv()).await?
        else {
            break Err("the server stopped".into());
        };
        if twin_examples::handle_delivery(&mut seen, &event) {
            break Ok(());
        }
    };
    server.abort();
    outcome
}
