//! Receive Twin's webhook deliveries in a minimal HTTP server (std only) and verify each one.
//!
//!     TWIN_API_KEY=... TWIN_BASE_URL=... cargo run -p twin-examples --bin receive_webhook
//!
//! `handle` is the part to copy: read the raw body, verify it with the webhook's signing
//! secret(s) before parsing it, answer 2xx quickly, deduplicate. To show it end to end, `main`
//! serves on a loopback port, subscribes an agent to it, starts a run and stops after the run's
//! final delivery; that works against the emulator (`twin emulator`), which runs on this
//! machine. A real Twin server needs a public https URL that reaches the handler.
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use twin_core::webhooks::WebhookEventKind::{RunCompleted, RunFailed, RunStarted, RunStopped};
use twin_core::webhooks::{self, UnwrapOptions, WebhookEvent};
use twin_core::{AgentCreateParams, Client, RunStartParams};

/// Reads one request, verifies it and answers: `Some(event)` for a genuine delivery.
fn handle(stream: &mut TcpStream, secrets: &[String]) -> std::io::Result<Option<WebhookEvent>> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut headers = Vec::new();
    let mut line = String::new();
    reader.read_line(&mut line)?; // POST /path HTTP/1.1
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<u64>().ok())
        .unwrap_or(0)
        .min(webhooks::DEFAULT_MAX_BODY as u64 + 1);
    let mut body = Vec::new();
    reader.take(length).read_to_end(&mut body)?; // the raw bytes: verify these, not a re-encoding

    // Checks X-Cobb-Signature (constant time), X-Cobb-Event against the body, and that the
    // body's timestamp is within 300 s of now (UnwrapOptions::tolerance).
    let verified = webhooks::unwrap_headers(&body, headers, secrets, &UnwrapOptions::default());
    let status = if verified.is_ok() {
        "204 No Content"
    } else {
        "400 Bad Request"
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    match verified {
        Ok(event) => Ok(Some(event)),
        Err(e) => {
            eprintln!("rejected a delivery: {e}");
            Ok(None)
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/twin", listener.local_addr()?);
    println!("receiving on {url}");

    let client = Client::from_env()?;
    let agent = client.agents().create(&AgentCreateParams::default())?;
    let result = (|| -> Result<(), Box<dyn std::error::Error>> {
        let events = [RunStarted, RunCompleted, RunFailed, RunStopped];
        let hook = client.webhooks().create(&agent.agent_id, &url, &events)?;
        let secrets = vec![hook.signing_secret.clone()]; // while rotating: new and old

        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut stream = stream;
                if let Ok(Some(event)) = handle(&mut stream, &secrets)
                    && tx.send(event).is_err()
                {
                    break;
                }
            }
        });

        let params = RunStartParams::default().message("Say hello");
        client.runs().start(&agent.agent_id, &params)?;
        let mut seen = HashSet::new();
        loop {
            let event = rx.recv_timeout(Duration::from_secs(120))?;
            if twin_examples::handle_delivery(&mut seen, &event) {
                return Ok(());
            }
        }
    })();
    client.agents().delete(&agent.agent_id)?;
    result
}
