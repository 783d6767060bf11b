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
    assert!(e.is_unauthorized() && !e.is_retryable());
    assert!(!e.to_string().contains("twin_nope"));

    let nowhere = Client::builder()
        .api_key("k")
        .base_url("http://127.0.0.1:9")
        .max_retries(0)
        .build()
        .unwrap();
    let refused = nowhere.me().unwrap_err();
    assert!(matches!(refused, Error::Connection { .. }), "{refused:?}");
    assert!(refused.is_retryable() && !refused.maybe_sent());
    // The cause is kept: the chain reaches the io::Error and its kind.
    assert_eq!(
        refused.io_error_kind(),
        Some(std::io::ErrorKind::ConnectionRefused)
    );
    let cause = std::error::Error::source(&refused).expect("a source");
    assert!(
        cause.downcast_ref::<std::io::Error>().is_some(),
        "{cause:?}"
    );

    // A server that accepts and never answers: the attempt's timeout, with its cause.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let slow = Client::builder()
        .api_key("k")
        .base_url(format!("http://{}", silent.local_addr().unwrap()))
        .timeout(std::time::Duration::from_millis(300))
        .max_retries(0)
        .build()
        .unwrap();
    let timed_out = slow.me().unwrap_err();
    assert!(
        timed_out.is_timeout() && timed_out.is_retryable(),
        "{timed_out:?}"
    );
    assert!(timed_out.maybe_sent());
    assert_eq!(
        timed_out.io_error_kind(),
        Some(std::io::ErrorKind::TimedOut)
    );
    drop(silent);
    assert!(matches!(
        Client::builder().api_key("k").base_url("not a url").build(),
        Err(Error::InvalidArgument(_))
    ));
}

/// `with_timeouts` applies the connect timeout it is given (it kept the client's).
#[test]
fn with_timeouts_applies_its_connect_timeout() {
    use std::net::{TcpListener, TcpStream};
    use std::time::{Duration, Instant};
    // A listener that never accepts: once its queue is full, connecting hangs in the handshake.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    let full =
        (0..2000).any(
            |_| match TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
                Ok(stream) => {
                    held.push(stream);
                    false
                }
                Err(_) => true,
            },
        );
    assert!(full, "{} connections and the queue is not full", held.len());
    let client = Client::builder()
        .api_key("k")
        .base_url(format!("http://{addr}"))
        .connect_timeout(Duration::from_secs(60))
        .max_retries(0)
        .build()
        .unwrap();
    let quick = client.with_timeouts(client.timeouts().connect(Duration::from_millis(300)));
    let started = Instant::now();
    let e = quick.me().unwrap_err();
    let took = started.elapsed();
    assert!(e.is_timeout() && !e.maybe_sent(), "{e:?}");
    assert!(
        took < Duration::from_secs(5),
        "{took:?}: the client's 60 s applied"
    );
    drop(listener);
}
