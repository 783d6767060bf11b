//! Real webhook deliveries: one signed HTTP POST per subscribed lifecycle event
//! (twin-api.md 3.7 and 5), retried with backoff, recorded for `GET /_emulator/deliveries`.

use std::time::Duration;

use axum::body::Bytes;
use chrono::Utc;
use hmac::{Hmac, Mac};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Map, Value, json};
use sha2::Sha256;

use crate::app::AppState;
use crate::ids::rfc3339_seconds_z;
use crate::store::{Delivery, Store};

pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// Attempts per delivery (the first and three retries).
const ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

pub fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// `sha256=` + lowercase hex HMAC-SHA256 of the raw body, as `X-Cobb-Signature` carries it.
pub fn sign(body: &[u8], secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("hmac takes any key");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Queues a delivery of `event` about `run_id` to every active webhook of the run's agent
/// subscribed to it. Never blocks: each delivery runs on its own task.
pub fn fire(app: &AppState, store: &mut Store, run_id: &str, event: &str) {
    let Some(run) = store.runs.get(run_id) else {
        return;
    };
    let now = Utc::now();
    let mut data = Map::new();
    data.insert("run_id".into(), json!(run.run_id));
    data.insert("agent_id".into(), json!(run.agent_id));
    data.insert("status".into(), json!(run.status.as_str()));
    if event == "run.completed" {
        data.insert("outcome".into(), json!(run.outcome));
    }
    if let Some(t) = run.finished_at {
        data.insert("finished_at".into(), json!(rfc3339_seconds_z(t)));
    }
    let body =
        json!({ "event": event, "timestamp": rfc3339_seconds_z(now), "data": Value::Object(data) })
            .to_string();
    let targets: Vec<(String, String, String)> = store
        .webhooks
        .iter()
        .filter(|w| w.agent_id == run.agent_id && w.active && w.events.iter().any(|e| e == event))
        .map(|w| {
            (
                w.webhook_id.clone(),
                w.url.clone(),
                w.signing_secret.clone(),
            )
        })
        .collect();
    let agent_id = run.agent_id.clone();
    for (webhook_id, url, secret) in targets {
        let signature = sign(body.as_bytes(), &secret);
        let id = store.deliveries.len();
        store.deliveries.push(Delivery {
            webhook_id,
            agent_id: agent_id.clone(),
            run_id: run_id.to_string(),
            url: url.clone(),
            event: event.to_string(),
            body: body.clone(),
            signature: signature.clone(),
            attempts: 0,
            status: None,
            delivered: false,
            error: None,
            created_at: now,
        });
        let (app, event, body) = (app.clone(), event.to_string(), body.clone());
        tokio::spawn(async move { deliver(app, id, url, event, body, signature).await });
    }
}

async fn deliver(
    app: AppState,
    id: usize,
    url: String,
    event: String,
    body: String,
    signature: String,
) {
    let mut backoff = FIRST_BACKOFF;
    for attempt in 1..=ATTEMPTS {
        let result = post(&app.http, &url, &event, &body, &signature).await;
        let done = {
            let mut store = app.store();
            // A reset clears the log; the delivery is then forgotten.
            let Some(d) = store
                .deliveries
                .get_mut(id)
                .filter(|d| d.signature == signature && d.url == url)
            else {
                return;
            };
            d.attempts = attempt;
            match result {
                Ok(status) => {
                    d.status = Some(status);
                    d.delivered = (200..300).contains(&status);
                    d.error = (!d.delivered).then(|| format!("receiver answered {status}"));
                }
                Err(e) => d.error = Some(e),
            }
            d.delivered
        };
        if done || attempt == ATTEMPTS {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
    }
}

async fn post(
    client: &HttpClient,
    url: &str,
    event: &str,
    body: &str,
    signature: &str,
) -> Result<u16, String> {
    if url.starts_with("https://") {
        return Err("the emulator delivers to http:// receivers only".to_string());
    }
    let request = hyper::Request::post(url)
        .header("content-type", "application/json")
        .header("user-agent", "twin-emulator-webhooks")
        .header("x-cobb-event", event)
        .header("x-cobb-signature", signature)
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(|e| format!("bad webhook url: {e}"))?;
    match tokio::time::timeout(ATTEMPT_TIMEOUT, client.request(request)).await {
        Err(_) => Err("receiver timed out".to_string()),
        Ok(Err(e)) => Err(format!("could not reach receiver: {e}")),
        Ok(Ok(resp)) => Ok(resp.status().as_u16()),
    }
}
