//! Property tests over every parser that sees untrusted bytes: problem bodies, model decoding
//! from arbitrary JSON, event unwrapping and Value decoding, webhook signatures and payloads,
//! cron expressions. The property is always the same: a typed result, never a panic.

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use twin_core::webhooks::{self, UnwrapOptions};
use twin_core::{
    Agent, ApiKey, CreatedApiKey, CreatedWebhook, Event, InstructionVersion, Instructions, Me,
    Model, Problem, Run, Schedule, Webhook, Workspace, decode_value, final_output,
};

/// Field names the decoders look for, so arbitrary objects reach the interesting paths.
const KEYS: &[&str] = &[
    "agent_id",
    "run_id",
    "status",
    "outcome",
    "event",
    "event_index",
    "index",
    "recorded_at",
    "kind",
    "StructValue",
    "ListValue",
    "StringValue",
    "NumberValue",
    "BoolValue",
    "NullValue",
    "fields",
    "values",
    "Started",
    "Finished",
    "ToolCallResolved",
    "tool_name",
    "output",
    "id",
    "timestamp",
    "data",
    "title",
    "detail",
    "type",
    "error",
    "code",
    "message",
    "created_at",
    "next_run",
    "total_runs",
    "keyId",
    "cron",
];

fn arb_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,16}".prop_map(Value::from),
        "-?[0-9]{1,22}".prop_map(Value::from),
        "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,12})?(Z|\\+00:00|-0[0-9]:30)?"
            .prop_map(Value::from),
        prop::sample::select(KEYS).prop_map(Value::from),
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    arb_scalar().prop_recursive(6, 96, 6, |inner| {
        let key = prop_oneof![
            prop::sample::select(KEYS).prop_map(str::to_owned),
            "[a-z_]{0,8}"
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn decode_all(v: &Value) {
    let _ = Me::from_value(v.clone());
    let _ = ApiKey::from_value(v.clone());
    let _ = CreatedApiKey::from_value(v.clone());
    let _ = Workspace::from_value(v.clone());
    let _ = Agent::from_value(v.clone());
    let _ = Run::from_value(v.clone());
    let _ = Webhook::from_value(v.clone());
    let _ = CreatedWebhook::from_value(v.clone());
    let _ = Schedule::from_value(v.clone());
    let _ = Instructions::from_value(v.clone());
    let _ = InstructionVersion::from_value(v.clone());
    let _ = serde_json::from_value::<Problem>(v.clone());
    let _ = webhooks::WebhookEvent::from_value(v.clone());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn problem_bodies_never_panic(status in 100u16..1000, ct in prop::option::of("[a-z/+;= -]{0,40}"),
                                  allow in prop::option::of("[A-Z, ]{0,20}"), body in prop::collection::vec(any::<u8>(), 0..600)) {
        let p = Problem::from_response(status, ct.as_deref(), allow.as_deref(), &body);
        prop_assert!(!p.title.is_empty());
        prop_assert!(p.detail.as_ref().is_none_or(|d| d.chars().count() <= 501));
    }

    #[test]
    fn problem_json_bodies_never_panic(status in 400u16..600, v in arb_json()) {
        let body = v.to_string();
        let p = Problem::from_response(status, Some("application/problem+json"), None, body.as_bytes());
        prop_assert!(!p.title.is_empty());
    }

    #[test]
    fn models_decode_arbitrary_json_without_panicking(v in arb_json()) {
        decode_all(&v);
    }

    #[test]
    fn decoded_models_keep_their_raw_json(id in "[a-zA-Z0-9/?#% é-]{1,20}", extra in arb_json()) {
        let raw = json!({ "agent_id": id, "surprise": extra });
        let agent = Agent::from_value(raw.clone()).unwrap();
        prop_assert_eq!(agent.raw(), &raw);
        prop_assert_eq!(agent.agent_id, id);
    }

    #[test]
    fn events_and_value_trees_never_panic(v in arb_json(), index in any::<u64>()) {
        let _ = decode_value(&v);
        let item = json!({ "event_index": index, "event": { "event": { "event": v.clone() } } });
        if let Ok(event) = Event::from_value(item) {
            prop_assert_eq!(event.index, index);
            let _ = final_output(&[event]);
        }
        let _ = Event::from_value(v);
    }

    #[test]
    fn events_read_lazily_from_text_equal_events_read_from_values(
        v in arb_json(), w in arb_json(), index in any::<u64>(), kind in "[A-Za-z]{1,12}",
    ) {
        // The lazy reader (pages) and the Value reader agree on every item, odd ones included.
        let items = [
            json!({ "event_index": index, "recorded_at": "2026-04-23T08:03:25.25+00:00",
                    "event": { "agent_id": { "id": "a" }, "run_id": w.clone(),
                               "event": { "event": { kind.clone(): v.clone() } } } }),
            json!({ "index": index, "event": { kind.clone(): v.clone(), "Other": w.clone() } }),
            json!({ "event_index": w.clone(), "event": v.clone() }),
            v.clone(),
        ];
        for item in items {
            // Both read the same text (a float need not survive a text round trip exactly).
            let text = item.to_string();
            let eager = Event::from_value(serde_json::from_str(&text).unwrap());
            let lazy = Event::from_json(&text);
            match (eager, lazy) {
                (Ok(e), Ok(l)) => {
                    prop_assert_eq!(l.payload(), e.payload());
                    prop_assert_eq!(l.raw(), e.raw());
                    prop_assert_eq!(l, e);
                }
                (Err(_), Err(_)) => {}
                (e, l) => prop_assert!(false, "{item}: from_value {e:?}, from_json {l:?}"),
            }
        }
    }

    #[test]
    fn value_tree_of_plain_json_decodes_back(v in arb_json()) {
        // Encode v as a protobuf Value tree (numbers become floats there), then decode.
        fn tree(v: &Value) -> Value {
            let kind = match v {
                Value::Null => json!({ "NullValue": 0 }),
                Value::Bool(b) => json!({ "BoolValue": b }),
                Value::Number(n) => json!({ "NumberValue": n.as_f64() }),
                Value::String(s) => json!({ "StringValue": s }),
                Value::Array(a) => json!({ "ListValue": { "values": a.iter().map(tree).collect::<Vec<_>>() } }),
                Value::Object(o) => json!({ "StructValue": { "fields": o.iter().map(|(k, v)| (k.clone(), tree(v))).collect::<Map<_, _>>() } }),
            };
            json!({ "kind": kind })
        }
        fn floats(v: &Value) -> Value {
            match v {
                Value::Number(n) => json!(n.as_f64()),
                Value::Array(a) => Value::Array(a.iter().map(floats).collect()),
                Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), floats(v))).collect()),
                other => other.clone(),
            }
        }
        prop_assert_eq!(decode_value(&tree(&v)), floats(&v));
    }

    #[test]
    fn signature_headers_and_bodies_never_panic(body in prop::collection::vec(any::<u8>(), 0..2048),
                                                header in prop::option::of(".{0,80}"), event in prop::option::of(".{0,20}"),
                                                secret in ".{0,40}") {
        let _ = webhooks::verify(&body, header.as_deref(), &[secret.as_str()]);
        let opts = UnwrapOptions::default();
        let _ = webhooks::unwrap(&body, header.as_deref(), event.as_deref(), &[secret.as_str()], &opts);
    }

    #[test]
    fn signed_payloads_verify_and_unwrap(v in arb_json(), secret in "[ -~]{1,40}", run in "[a-z0-9-]{1,36}") {
        let body = json!({ "event": "run.completed", "timestamp": "2026-03-11T14:32:15Z",
                           "data": { "run_id": run, "agent_id": "a", "status": "completed", "extra": v } }).to_string();
        let header = webhooks::sign(body.as_bytes(), &secret);
        prop_assert!(webhooks::verify(body.as_bytes(), Some(&header), &[secret.as_str()]).is_ok());
        let mut opts = UnwrapOptions::default();
        opts.tolerance = None;
        let e = webhooks::unwrap(body.as_bytes(), Some(&header), Some("run.completed"), &[secret.as_str()], &opts).unwrap();
        prop_assert_eq!(e.run_id, run);
        let mut tampered = body.into_bytes();
        let last = tampered.len() - 2;
        tampered[last] ^= 0x20;
        prop_assert!(webhooks::verify(&tampered, Some(&header), &[secret.as_str()]).is_err());
    }

    #[test]
    fn cron_never_panics(expr in "[0-9A-Za-z*/,?#LW -]{0,40}", secs in 0i64..4_102_444_800) {
        let after = DateTime::<Utc>::from_timestamp(secs, 0).unwrap();
        if twin_core::cron::validate(&expr).is_ok() {
            let times = twin_core::cron::next_times(&expr, after, 5).unwrap();
            prop_assert!(times.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(times.iter().all(|t| *t > after));
        } else {
            prop_assert!(twin_core::cron::next_times(&expr, after, 5).is_err());
        }
    }

    #[test]
    fn cron_fields_from_their_ranges_are_valid(s in 0u8..60, m in 0u8..60, h in 0u8..24, dom in 1u8..29, mon in 1u8..13, dow in 1u8..8) {
        let expr = format!("{s} {m} {h} {dom} {mon} {dow} *");
        prop_assert!(twin_core::cron::validate(&expr).is_ok(), "{}", expr);
        let expr = format!("{s} {m} {h} * * * *");
        let next = twin_core::cron::next_times(&expr, Utc::now(), 3).unwrap();
        prop_assert_eq!(next.len(), 3);
    }
}
