//! Runs the shared, language-neutral vectors in `tests/vectors/` against twin-core, plus the
//! real captures in `tests/vectors/real/`.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use twin_core::webhooks::{self, UnwrapOptions, WebhookEventKind};
use twin_core::{Error, Event, Problem, decode_value, final_output};

fn vectors_dir() -> PathBuf {
    // `core/tests/vectors` links to the workspace's `tests/vectors`; the package carries a copy.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn load(name: &str) -> Value {
    let path = vectors_dir().join(name);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

fn cases<'a>(doc: &'a Value, key: &str) -> &'a [Value] {
    let list = doc[key]
        .as_array()
        .unwrap_or_else(|| panic!("no `{key}` list"));
    assert!(!list.is_empty(), "`{key}` is empty");
    list
}

/// Standard base64 (with padding), enough for the vectors.
fn base64_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = ALPHABET
            .iter()
            .position(|a| *a == c)
            .expect("base64 character") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn body_of(case: &Value) -> Vec<u8> {
    match (&case["body"], &case["body_base64"]) {
        (Value::String(s), _) => s.as_bytes().to_vec(),
        (_, Value::String(b)) => base64_decode(b),
        _ => panic!("case without body: {case}"),
    }
}

fn opt_str(v: &Value) -> Option<&str> {
    v.as_str()
}

fn instant(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().map(|s| {
        DateTime::parse_from_rfc3339(s)
            .unwrap_or_else(|e| panic!("vector timestamp {s}: {e}"))
            .with_timezone(&Utc)
    })
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("a list of strings")
        .iter()
        .map(|s| s.as_str().expect("a string").to_owned())
        .collect()
}

#[test]
fn base64_helper_is_right() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("AP8="), [0x00, 0xff]);
}

#[test]
fn signature_vectors() {
    let doc = load("signatures.json");
    for case in cases(&doc, "cases") {
        let name = &case["name"];
        let body = body_of(case);
        let secrets = strings(&case["secrets"]);
        let got = webhooks::verify(&body, opt_str(&case["header"]), &secrets);
        match case["expect"].as_str().unwrap() {
            "ok" => assert_eq!(got, Ok(()), "{name}"),
            kind => {
                let err = got.expect_err(&format!("{name}: expected {kind}"));
                assert_eq!(err.name(), kind, "{name}");
            }
        }
        // Our signer agrees with the vector whenever the vector expects success with one secret.
        if case["expect"] == "ok" && secrets.len() == 1 {
            let header = case["header"].as_str().unwrap().trim();
            assert_eq!(
                webhooks::sign(&body, &secrets[0]),
                header.to_ascii_lowercase(),
                "{name}"
            );
        }
    }
}

#[test]
fn unwrap_vectors() {
    let doc = load("signatures.json");
    for case in cases(&doc, "unwrap_cases") {
        let name = &case["name"];
        let body = body_of(case);
        let secrets = strings(&case["secrets"]);
        let mut opts = UnwrapOptions::default();
        opts.tolerance = case["tolerance_secs"].as_u64().map(Duration::from_secs);
        opts.max_body = case["max_body"]
            .as_u64()
            .map_or(webhooks::DEFAULT_MAX_BODY, |m| m as usize);
        opts.now = instant(&case["now"]);
        let got = webhooks::unwrap(
            &body,
            opt_str(&case["signature_header"]),
            opt_str(&case["event_header"]),
            &secrets,
            &opts,
        );
        match case["expect"].as_str().unwrap() {
            "ok" => {
                let ev = got.unwrap_or_else(|e| panic!("{name}: {e}"));
                let want = &case["event"];
                let kind = match &ev.kind {
                    WebhookEventKind::RunStarted => "RunStarted",
                    WebhookEventKind::RunCompleted => "RunCompleted",
                    WebhookEventKind::RunFailed => "RunFailed",
                    WebhookEventKind::RunStopped => "RunStopped",
                    WebhookEventKind::RunPaused => "RunPaused",
                    WebhookEventKind::Other(_) => "Unknown", // the vectors' name for it
                    other => panic!("{name}: new kind {other:?}"),
                };
                assert_eq!(kind, want["kind"], "{name}");
                assert_eq!(ev.event, want["event"], "{name}");
                assert_eq!(Some(ev.timestamp), instant(&want["timestamp"]), "{name}");
                assert_eq!(ev.run_id, want["run_id"], "{name}");
                assert_eq!(ev.agent_id, want["agent_id"], "{name}");
                assert_eq!(
                    ev.status.as_ref().map(|s| s.as_str()),
                    opt_str(&want["status"]),
                    "{name}"
                );
                assert_eq!(
                    ev.outcome.as_ref().map(|o| o.as_str()),
                    opt_str(&want["outcome"]),
                    "{name}"
                );
                assert_eq!(ev.finished_at, instant(&want["finished_at"]), "{name}");
                let (a, r, e) = ev.dedupe_key();
                assert_eq!(Value::from(vec![a, r, e]), want["dedupe_key"], "{name}");
            }
            kind => {
                let err = got.expect_err(&format!("{name}: expected {kind}"));
                assert_eq!(err.name(), kind, "{name}: {err}");
            }
        }
    }
}

fn check_problem(name: &Value, p: &Problem, want: &Value) {
    assert_eq!(p.type_, want["type"], "{name}: type");
    assert_eq!(p.title, want["title"], "{name}: title");
    assert_eq!(
        p.status.map(u64::from),
        want["status"].as_u64(),
        "{name}: status"
    );
    assert_eq!(
        p.detail.as_deref(),
        opt_str(&want["detail"]),
        "{name}: detail"
    );
    assert_eq!(
        p.instance.as_deref(),
        opt_str(&want["instance"]),
        "{name}: instance"
    );
    let empty = Map::new();
    let ext = want["extensions"].as_object().unwrap_or(&empty);
    assert_eq!(&p.extensions, ext, "{name}: extensions");
}

#[test]
fn error_body_vectors() {
    let doc = load("errors.json");
    for case in cases(&doc, "cases") {
        let name = &case["name"];
        let status = case["status"].as_u64().unwrap() as u16;
        let body = body_of(case);
        let p = Problem::from_response(
            status,
            opt_str(&case["content_type"]),
            opt_str(&case["allow"]),
            &body,
        );
        check_problem(name, &p, &case["expect"]);
        let err = Error::Api {
            status,
            problem: Box::new(p),
            request_id: None,
            retry_after: None,
        };
        assert_eq!(
            err.is_not_found(),
            case["is_not_found"] == true,
            "{name}: is_not_found"
        );
        assert_eq!(err.status(), Some(status));
    }
}

#[test]
fn cron_vectors() {
    let doc = load("cron.json");
    for case in cases(&doc, "valid") {
        let name = &case["name"];
        let expr = case["expr"].as_str().unwrap();
        let after = instant(&case["after"]).unwrap();
        let n = case["n"].as_u64().unwrap() as usize;
        twin_core::cron::validate(expr).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got =
            twin_core::cron::next_times(expr, after, n).unwrap_or_else(|e| panic!("{name}: {e}"));
        let want: Vec<DateTime<Utc>> = case["expect"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| instant(t).unwrap())
            .collect();
        assert_eq!(got, want, "{name} ({expr})");
    }
    for case in cases(&doc, "invalid") {
        let expr = case["expr"].as_str().unwrap();
        match twin_core::cron::validate(expr) {
            Err(Error::InvalidCron(message)) => {
                if let Some(field) = case["field"].as_str() {
                    assert!(
                        message.contains(field),
                        "{expr:?}: {message:?} should name {field}"
                    );
                }
            }
            other => panic!("{expr:?}: expected InvalidCron, got {other:?}"),
        }
        assert!(
            twin_core::cron::next_times(expr, Utc::now(), 1).is_err(),
            "{expr:?}"
        );
    }
}

#[test]
fn event_vectors() {
    let doc = load("events.json");
    for case in cases(&doc, "cases") {
        let name = &case["name"];
        let want = &case["expect"];
        let e =
            Event::from_value(case["item"].clone()).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(Some(e.index), want["index"].as_u64(), "{name}: index");
        assert_eq!(e.kind, want["kind"], "{name}: kind");
        assert_eq!(
            e.is_terminal_kind(),
            want["terminal"] == true,
            "{name}: terminal"
        );
        assert_eq!(
            e.agent_id.as_deref(),
            opt_str(&want["agent_id"]),
            "{name}: agent_id"
        );
        assert_eq!(
            e.run_id.as_deref(),
            opt_str(&want["run_id"]),
            "{name}: run_id"
        );
        assert_eq!(
            e.recorded_at,
            instant(&want["recorded_at"]),
            "{name}: recorded_at"
        );
        assert_eq!(*e.payload(), want["payload"], "{name}: payload");
        let lazy = Event::from_json(&case["item"].to_string()).expect("from_json reads it too");
        assert_eq!(lazy, e, "{name}: from_json");
        assert_eq!(lazy.payload(), e.payload(), "{name}: from_json payload");
        assert_eq!(e.raw(), &case["item"], "{name}: raw");
    }
    for case in cases(&doc, "invalid") {
        let got = Event::from_value(case["item"].clone());
        assert!(
            matches!(got, Err(Error::Decode { .. })),
            "{}: {got:?}",
            case["name"]
        );
        let lazy = Event::from_json(&case["item"].to_string());
        assert!(
            matches!(lazy, Err(Error::Decode { .. })),
            "{} (from_json): {lazy:?}",
            case["name"]
        );
    }
    for case in cases(&doc, "final_output") {
        let events: Vec<Event> = case["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| Event::from_value(i.clone()).unwrap())
            .collect();
        let want = match &case["expect"] {
            Value::Null => None,
            v => Some(v.clone()),
        };
        assert_eq!(final_output(&events), want, "{}", case["name"]);
    }
}

/// True if a Value tree (`{"kind": {"StringValue": ...}}` and friends) is left anywhere.
fn has_value_tree(v: &Value) -> bool {
    const VARIANTS: [&str; 6] = [
        "StructValue",
        "ListValue",
        "StringValue",
        "NumberValue",
        "BoolValue",
        "NullValue",
    ];
    match v {
        Value::Object(map) => {
            let is_tree = map.len() == 1
                && map.get("kind").and_then(Value::as_object).is_some_and(|k| {
                    k.len() == 1 && k.keys().all(|key| VARIANTS.contains(&key.as_str()))
                });
            is_tree || map.values().any(has_value_tree)
        }
        Value::Array(items) => items.iter().any(has_value_tree),
        _ => false,
    }
}

#[test]
fn real_run_events_decode() {
    let doc = load("real/run-events.json");
    let items = cases(&doc, "events");
    assert_eq!(items.len(), 100);
    let mut trees_seen = 0;
    let mut events = Vec::new();
    for item in items {
        // Independently of the decoder: the type is the one key at event.event.event.
        let inner = item["event"]["event"]["event"]
            .as_object()
            .expect("real nesting");
        assert_eq!(inner.len(), 1);
        let (kind, body) = inner.iter().next().unwrap();
        let e = Event::from_value(item.clone()).unwrap_or_else(|err| panic!("{kind}: {err}"));
        assert_eq!(&e.kind, kind);
        assert_eq!(Some(e.index), item["event_index"].as_u64());
        assert_eq!(
            e.agent_id.as_deref(),
            item["event"]["agent_id"]["id"].as_str()
        );
        assert_eq!(e.run_id.as_deref(), item["event"]["run_id"]["id"].as_str());
        assert!(e.recorded_at.is_some(), "{kind}: recorded_at");
        assert!(e.payload().is_object(), "{kind}: payload is not an object");
        assert!(
            !has_value_tree(e.payload()),
            "{kind}: a Value tree survived decoding"
        );
        if has_value_tree(body) {
            trees_seen += 1;
            assert_ne!(e.payload(), body, "{kind}: decoding changed nothing");
        } else {
            assert_eq!(
                e.payload(),
                body,
                "{kind}: decoding changed a payload without trees"
            );
        }
        assert_eq!(decode_value(body), *e.payload());
        let lazy = Event::from_json(&item.to_string()).unwrap();
        assert_eq!(
            (&lazy.kind, lazy.index, lazy.payload()),
            (&e.kind, e.index, e.payload())
        );
        events.push(e);
    }
    assert!(
        trees_seen > 10,
        "the capture should hold many Value trees, saw {trees_seen}"
    );
    // A builder run: no Finished event and no `llm` tool, so the heuristic finds nothing.
    assert!(events.iter().all(|e| !e.is_terminal_kind()));
    assert_eq!(final_output(&events), None);
    // A known decoded value from the capture (get_agent_state's output).
    let state = events
        .iter()
        .find(|e| e.kind == "ToolCallResolved" && e.payload()["tool_name"] == "get_agent_state")
        .expect("get_agent_state result");
    assert_eq!(state.payload()["output"]["user_timezone"], "UTC");
    assert_eq!(state.payload()["output"]["has_webhooks"], false);
    assert_eq!(state.payload()["output"]["tools"], serde_json::json!([]));
}

#[test]
fn real_error_responses_give_problems() {
    let doc = load("real/live-calls.json");
    let mut errors = 0;
    for call in cases(&doc, "calls") {
        let status = call["status"].as_u64().unwrap() as u16;
        if (200..300).contains(&status) {
            continue;
        }
        errors += 1;
        let body = call["response_body"].as_str().unwrap_or("");
        let p = Problem::from_response(
            status,
            opt_str(&call["content_type"]),
            None,
            body.as_bytes(),
        );
        assert_eq!(p.status, Some(status), "{}", call["path"]);
        assert!(!p.title.is_empty());
        let detail = p.detail.as_deref().unwrap_or_default();
        match status {
            403 => {
                assert_eq!(detail, "you do not have access to this agent");
                let err = Error::Api {
                    status,
                    problem: Box::new(p),
                    request_id: None,
                    retry_after: None,
                };
                assert!(err.is_not_found());
                assert_eq!(
                    err.to_string(),
                    "403 forbidden: you do not have access to this agent"
                );
            }
            422 => assert!(
                detail.starts_with("Failed to deserialize the JSON body"),
                "{detail}"
            ),
            _ => assert!(!detail.is_empty()),
        }
    }
    assert_eq!(errors, 2, "the capture holds one 403 and one 422");
}
