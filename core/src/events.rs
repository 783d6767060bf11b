//! Run events: the nested PascalCase type, and protobuf `Value` trees decoded to plain JSON.
//!
//! A real event item (twin-api.md 2.5) hides its type three levels down:
//!
//! ```json
//! {"event_index": 157912706, "recorded_at": "2026-04-23T08:03:25.250769998+00:00",
//!  "event": {"agent_id": {"id": "019d…"}, "run_id": {"id": "019d…"}, "user_id": null,
//!            "event": {"event": {"ToolCallResolved": {"tool_name": "llm",
//!              "output": {"kind": {"StructValue": {"fields": {"body": {"kind": {"StringValue": "Hi"}}}}}}}}}}}
//! ```
//!
//! [`Event`] reads that shape, and the flatter one the docs suggest
//! (`{"index": 1, "event": {"started": {}}}`), into `kind = "ToolCallResolved"` and
//! `payload = {"tool_name": "llm", "output": {"body": "Hi"}}`.

use std::fmt;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::de;
use crate::error::{Error, Result};

/// How deep [`decode_value`] walks; anything deeper is left as it is.
pub const MAX_DECODE_DEPTH: usize = 128;

/// How many nested `event` keys are unwrapped at most to find the type.
const MAX_EVENT_NESTING: usize = 16;

/// The kind of the event that ends a run.
pub const FINISHED: &str = "Finished";

/// One event of a run.
///
/// `Debug` shows the index, time, ids and kind but not the payload: events can carry whatever
/// a user typed, secrets included (twin-api.md 2.5), so print [`Event::payload`] deliberately.
#[derive(Clone)]
pub struct Event {
    /// The event's `event_index` (or `index` in the documented shape): a large, sparse,
    /// global number that grows within a run. Pass the last one as `after_index` to page.
    pub index: u64,
    /// When the service recorded the event. Not monotonic with `index`.
    pub recorded_at: Option<DateTime<Utc>>,
    /// The agent, from the envelope (`{"id": ...}` or a string).
    pub agent_id: Option<String>,
    /// The run, from the envelope (`{"id": ...}` or a string).
    pub run_id: Option<String>,
    /// The event type as sent, e.g. `Started`, `ToolCallResolved`, `Finished` (the documented
    /// shape uses lower case, e.g. `started`: compare with [`Event::kind_is`]).
    pub kind: String,
    /// The item's JSON text, when it was read from a page (see [`Event::from_json`]); the
    /// item and its payload are parsed from it the first time they are asked for.
    text: Option<Box<str>>,
    /// Where the type's body sits in `text`.
    body: Option<std::ops::Range<usize>>,
    payload: OnceLock<Value>,
    raw: OnceLock<Value>,
}

impl PartialEq for Event {
    fn eq(&self, other: &Event) -> bool {
        self.index == other.index
            && self.recorded_at == other.recorded_at
            && self.agent_id == other.agent_id
            && self.run_id == other.run_id
            && self.kind == other.kind
            && self.raw() == other.raw()
    }
}

impl Event {
    /// Reads one event item. Fails with [`Error::Decode`] when the item is not an object, has no
    /// `event_index`/`index`, or no type can be found in it.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the value is not an event object (no `event_index`, a type of the
    /// wrong shape).
    pub fn from_value(raw: Value) -> Result<Event> {
        let fail = |message: &str, raw: &Value| Error::Decode {
            message: message.to_owned(),
            // The keys only: event bodies can hold secrets.
            excerpt: match raw {
                Value::Object(map) => {
                    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                    let keys = crate::scrub::clean_text(&keys.join(", "), 150);
                    format!("{{keys: {keys}}}")
                }
                other => json_type(other).to_owned(),
            },
        };
        let Some(item) = raw.as_object() else {
            return Err(fail("event is not a json object", &raw));
        };
        let Some(index) = ["event_index", "index"]
            .iter()
            .find_map(|k| item.get(*k).and_then(de::u64_from_value))
        else {
            return Err(fail("event has no event_index", &raw));
        };

        // Walk down the `event` keys, picking up ids and the timestamp on the way.
        let mut recorded_at = None;
        let mut agent_id = None;
        let mut run_id = None;
        let mut level = item;
        let mut typed: Option<&Value> = None;
        for _ in 0..MAX_EVENT_NESTING {
            recorded_at =
                recorded_at.or_else(|| level.get("recorded_at").and_then(de::timestamp_from_value));
            agent_id =
                agent_id.or_else(|| level.get("agent_id").and_then(de::string_or_id_from_value));
            run_id = run_id.or_else(|| level.get("run_id").and_then(de::string_or_id_from_value));
            match level.get("event") {
                // One more envelope: descend.
                Some(Value::Object(inner)) if inner.contains_key("event") => level = inner,
                // `{"<Type>": body}` (or a bare type name).
                Some(found) => {
                    typed = Some(found);
                    break;
                }
                None => break,
            }
        }
        let Some((kind, body)) = typed.and_then(type_and_body) else {
            return Err(fail("event has no type", &raw));
        };
        let payload = match decode_value(body) {
            Value::Null => Value::Object(Map::new()),
            other => other,
        };
        Ok(Event {
            index,
            recorded_at,
            agent_id,
            run_id,
            kind,
            text: None,
            body: None,
            payload: OnceLock::from(payload),
            raw: OnceLock::from(raw),
        })
    }

    /// Reads one event item from its JSON text, as [`Event::from_value`] does from a parsed
    /// item, but lazily: only the index, time, ids and kind are read now, in one pass that
    /// builds no tree; the item ([`Event::raw`]) and its decoded body ([`Event::payload`]) are
    /// parsed the first time they are asked for. A page of big events whose kinds alone are
    /// read costs a fraction of decoding it whole. Text that this pass does not read plainly
    /// (an unusual shape, deep nesting, escapes or numbers a `Value` might refuse) is parsed
    /// whole, with the same result and errors as `from_value`.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the text is not JSON or not an event object.
    pub fn from_json(text: &str) -> Result<Event> {
        if let Some(event) = lazy::read(text) {
            return Ok(event);
        }
        let raw: Value = serde_json::from_str(text).map_err(|e| Error::Decode {
            message: e.to_string(),
            excerpt: "(event item)".into(),
        })?;
        Event::from_value(raw)
    }

    /// The type's body with every protobuf `Value` tree decoded to plain JSON (see
    /// [`decode_value`]); an empty object for types without a body.
    pub fn payload(&self) -> &Value {
        self.payload.get_or_init(|| {
            let body = match (&self.text, &self.body) {
                (Some(text), Some(range)) => lazy::parse(&text[range.clone()]),
                _ => Value::Null,
            };
            match decode_value(&body) {
                Value::Null => Value::Object(Map::new()),
                other => other,
            }
        })
    }

    /// The item exactly as the service sent it.
    pub fn raw(&self) -> &Value {
        self.raw
            .get_or_init(|| lazy::parse(self.text.as_deref().unwrap_or("null")))
    }

    /// The item's JSON text as the service sent it, when the event was read from a page
    /// ([`Event::from_json`] kept it); `None` for an event made from a parsed value. Parsing it
    /// gives [`Event::raw`].
    pub fn json_text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// The JSON text of the type's body, which [`Event::payload`] decodes (`null` for a type
    /// without one), when the event kept its text ([`Event::json_text`]); `None` otherwise.
    pub fn payload_text(&self) -> Option<&str> {
        let text = self.text.as_deref()?;
        Some(match &self.body {
            Some(range) => &text[range.clone()],
            None => "null",
        })
    }

    /// Gives back the item exactly as the service sent it.
    pub fn into_raw(self) -> Value {
        match self.raw.into_inner() {
            Some(raw) => raw,
            None => lazy::parse(self.text.as_deref().unwrap_or("null")),
        }
    }

    /// True when the kind is `name`, ignoring ASCII case (`started` and `Started` are one type).
    pub fn kind_is(&self, name: &str) -> bool {
        self.kind.eq_ignore_ascii_case(name)
    }

    /// True for `Finished`, the event that ends a run (any case). A run can also end without
    /// one (stopped, failed): check the run's status too.
    pub fn is_terminal_kind(&self) -> bool {
        self.kind_is(FINISHED)
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("index", &self.index)
            .field("recorded_at", &self.recorded_at)
            .field("agent_id", &self.agent_id)
            .field("run_id", &self.run_id)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = Value::deserialize(d)?;
        Event::from_value(raw).map_err(serde::de::Error::custom)
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The type name and body of `{"<Type>": body}`; a bare string is a type without a body.
fn type_and_body(v: &Value) -> Option<(String, &Value)> {
    const NULL: &Value = &Value::Null;
    match v {
        Value::String(s) if !s.trim().is_empty() => Some((s.clone(), NULL)),
        Value::Object(map) => {
            if map.len() == 1 {
                return map.iter().next().map(|(k, v)| (k.clone(), v));
            }
            // Several keys: prefer a PascalCase one holding an object, then any object.
            let pascal = map.iter().find(|(k, v)| {
                k.starts_with(|c: char| c.is_ascii_uppercase()) && (v.is_object() || v.is_null())
            });
            pascal
                .or_else(|| map.iter().find(|(_, v)| v.is_object()))
                .map(|(k, v)| (k.clone(), v))
        }
        _ => None,
    }
}

/// Converts protobuf `Value` trees (`{"kind": {"StructValue": {"fields": {...}}}}` and the
/// `ListValue`, `StringValue`, `NumberValue`, `BoolValue`, `NullValue` variants, also in
/// snake_case) to plain JSON, wherever they sit inside `v`. An object is replaced only when it
/// is exactly a Value tree (one key `kind` holding one known variant); everything else is walked.
/// Nesting deeper than 128 levels is left as it is, so hostile input cannot exhaust the stack.
pub fn decode_value(v: &Value) -> Value {
    decode(v, 0)
}

fn decode(v: &Value, depth: usize) -> Value {
    if depth >= MAX_DECODE_DEPTH {
        return v.clone();
    }
    match v {
        Value::Object(map) => {
            if let Some(plain) = decode_tree(map, depth) {
                return plain;
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), decode(v, depth + 1)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| decode(v, depth + 1)).collect()),
        other => other.clone(),
    }
}

/// Decodes `map` if it is exactly a Value tree, else `None`.
fn decode_tree(map: &Map<String, Value>, depth: usize) -> Option<Value> {
    if map.len() != 1 {
        return None;
    }
    let Some(Value::Object(kind)) = map.get("kind") else {
        return None;
    };
    if kind.len() != 1 {
        return None;
    }
    let (variant, inner) = kind.iter().next()?;
    let variant: String = variant
        .chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    match (variant.as_str(), inner) {
        ("stringvalue", Value::String(_)) | ("boolvalue", Value::Bool(_)) => Some(inner.clone()),
        // Non-finite numbers travel as strings ("NaN", "Infinity"); keep them as such.
        ("numbervalue", Value::Number(_) | Value::String(_)) => Some(inner.clone()),
        ("nullvalue", _) => Some(Value::Null),
        ("structvalue", Value::Object(s)) => match s.get("fields") {
            Some(Value::Object(fields)) => Some(Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), decode(v, depth + 1)))
                    .collect(),
            )),
            None | Some(Value::Null) => Some(Value::Object(Map::new())),
            Some(_) => None,
        },
        ("listvalue", Value::Object(l)) => match l.get("values") {
            Some(Value::Array(values)) => Some(Value::Array(
                values.iter().map(|v| decode(v, depth + 1)).collect(),
            )),
            None | Some(Value::Null) => Some(Value::Array(Vec::new())),
            Some(_) => None,
        },
        _ => None,
    }
}

/// The one-pass reader behind [`Event::from_json`].
mod lazy {
    use std::borrow::Cow;
    use std::collections::BTreeMap;
    use std::fmt;
    use std::sync::OnceLock;

    use serde::de::{
        self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
    };
    use serde_json::Value;
    use serde_json::value::RawValue;

    use super::{Event, MAX_EVENT_NESTING};
    use crate::de as lenient;

    /// Parses text that [`lenient::plain`] accepted (it cannot fail then; `null` if it somehow did).
    pub(super) fn parse(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or(Value::Null)
    }

    /// One JSON value of the item, as far as finding the event's type needs: an object's
    /// `event` member is read the same way (it may be the next envelope down); its other
    /// members are kept as raw text, unparsed.
    enum Node<'a> {
        Object {
            event: Option<Box<Node<'a>>>,
            members: BTreeMap<Cow<'a, str>, &'a RawValue>,
        },
        Str(String),
        Other,
    }

    struct NodeSeed;

    impl<'de> DeserializeSeed<'de> for NodeSeed {
        type Value = Node<'de>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Node<'de>, D::Error> {
            d.deserialize_any(NodeVisitor)
        }
    }

    struct NodeVisitor;

    impl<'de> Visitor<'de> for NodeVisitor {
        type Value = Node<'de>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
            let mut event = None;
            let mut members = BTreeMap::new();
            while let Some(lenient::Key(key)) = map.next_key()? {
                if key == "event" {
                    event = Some(Box::new(map.next_value_seed(NodeSeed)?));
                } else {
                    // Duplicate keys: the last wins, as in a parsed `Value`.
                    members.insert(key, map.next_value::<&RawValue>()?);
                }
            }
            Ok(Node::Object { event, members })
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Node<'de>, E> {
            Ok(Node::Str(v.to_owned()))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(Node::Other)
        }

        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Node<'de>, E> {
            Ok(Node::Other)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Node<'de>, E> {
            Ok(Node::Other)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Node<'de>, E> {
            Ok(Node::Other)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Node<'de>, E> {
            Ok(Node::Other)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Node<'de>, E> {
            Ok(Node::Other)
        }
    }

    fn small(raw: &RawValue) -> Option<Value> {
        serde_json::from_str(raw.get()).ok()
    }

    /// Reads an event the way [`Event::from_value`] does, without parsing what it does not
    /// need; `None` when the text is not plainly an event (the caller then parses it whole).
    pub(super) fn read(text: &str) -> Option<Event> {
        if !lenient::plain(text) {
            return None;
        }
        let mut parser = serde_json::Deserializer::from_str(text);
        let item = NodeSeed.deserialize(&mut parser).ok()?;
        parser.end().ok()?;
        let Node::Object { members, .. } = &item else {
            return None;
        };
        let index = ["event_index", "index"].iter().find_map(|k| {
            members
                .get(*k)
                .and_then(|r| small(r))
                .and_then(|v| lenient::u64_from_value(&v))
        })?;
        let (mut recorded_at, mut agent_id, mut run_id) = (None, None, None);
        let mut level = &item;
        let mut typed = None;
        for _ in 0..MAX_EVENT_NESTING {
            let Node::Object { event, members } = level else {
                return None;
            };
            let field = |name: &str| members.get(name).and_then(|r| small(r));
            recorded_at = recorded_at
                .or_else(|| field("recorded_at").and_then(|v| lenient::timestamp_from_value(&v)));
            agent_id = agent_id
                .or_else(|| field("agent_id").and_then(|v| lenient::string_or_id_from_value(&v)));
            run_id = run_id
                .or_else(|| field("run_id").and_then(|v| lenient::string_or_id_from_value(&v)));
            match event.as_deref() {
                Some(inner @ Node::Object { event: Some(_), .. }) => level = inner,
                Some(found) => {
                    typed = Some(found);
                    break;
                }
                None => break,
            }
        }
        let (kind, body) = match typed? {
            Node::Str(s) if !s.trim().is_empty() => (s.clone(), None),
            Node::Object { members, .. } => {
                let is_object = |r: &&RawValue| r.get().starts_with('{');
                let (k, v) = if members.len() == 1 {
                    members.iter().next()?
                } else {
                    members
                        .iter()
                        .find(|(k, v)| {
                            k.starts_with(|c: char| c.is_ascii_uppercase())
                                && (is_object(v) || v.get() == "null")
                        })
                        .or_else(|| members.iter().find(|(_, v)| is_object(v)))?
                };
                let start = v.get().as_ptr() as usize - text.as_ptr() as usize;
                (k.to_string(), Some(start..start + v.get().len()))
            }
            _ => return None,
        };
        Some(Event {
            index,
            recorded_at,
            agent_id,
            run_id,
            kind,
            text: Some(text.into()),
            body,
            payload: OnceLock::new(),
            raw: OnceLock::new(),
        })
    }
}

/// A best-effort answer of a run, from its events. A heuristic, since the output's place
/// depends on the agent (twin-api.md 6.5, 9.2):
///
/// 1. the `output` of the latest `Finished` event, if it has a non-null one;
/// 2. else the `output` of the latest `ToolCallResolved` whose `tool_name` is `llm` (where
///    run-mode agents put their structured answer);
/// 3. else `None`.
///
/// "Latest" means the highest `index`. The output is returned as decoded; a string that holds
/// fenced JSON is not parsed. Events alone cannot tell how the run ended: prefer
/// [`crate::Run::final_output`], which answers only for a completed run and falls back to its
/// summary.
pub fn final_output(events: &[Event]) -> Option<Value> {
    let latest_output = |pick: &dyn Fn(&Event) -> bool| {
        events
            .iter()
            .filter(|e| pick(e))
            .filter_map(|e| match e.payload().get("output") {
                Some(Value::Null) | None => None,
                Some(out) => Some((e.index, out)),
            })
            .max_by_key(|(index, _)| *index)
            .map(|(_, out)| out.clone())
    };
    latest_output(&|e| e.is_terminal_kind()).or_else(|| {
        latest_output(&|e| {
            e.kind_is("ToolCallResolved")
                && e.payload().get("tool_name").and_then(Value::as_str) == Some("llm")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn real(kind: &str, body: Value, index: u64) -> Value {
        json!({
            "event_index": index,
            "recorded_at": "2026-04-23T08:03:25.250769998+00:00",
            "event": {
                "agent_id": {"id": "agent-1"}, "run_id": {"id": "run-1"}, "user_id": null,
                "event": {"event": {kind: body}}
            }
        })
    }

    #[test]
    fn reads_the_real_nested_shape() {
        let e =
            Event::from_value(real("Started", json!({"user_message": "hi"}), 157_912_711)).unwrap();
        assert_eq!(e.index, 157_912_711);
        assert_eq!(e.kind, "Started");
        assert_eq!(e.agent_id.as_deref(), Some("agent-1"));
        assert_eq!(e.run_id.as_deref(), Some("run-1"));
        assert_eq!(e.recorded_at.unwrap().timestamp_subsec_nanos(), 250_769_998);
        assert_eq!(*e.payload(), json!({"user_message": "hi"}));
        assert!(e.kind_is("started") && !e.is_terminal_kind());
        assert_eq!(
            e.raw()["event"]["event"]["event"]["Started"]["user_message"],
            "hi"
        );
    }

    #[test]
    fn reads_the_documented_flat_shape() {
        let e = Event::from_value(json!({"index": 1, "event": {"started": {}}})).unwrap();
        assert_eq!((e.index, e.kind.as_str()), (1, "started"));
        assert_eq!(*e.payload(), json!({}));
        assert_eq!((e.agent_id, e.run_id, e.recorded_at), (None, None, None));
        let f = Event::from_value(
            json!({"index": "2", "event": {"finished": {"output": {"records": []}}}}),
        )
        .unwrap();
        assert!(f.is_terminal_kind());
        assert_eq!(f.index, 2);
        assert_eq!(*f.payload(), json!({"output": {"records": []}}));
    }

    #[test]
    fn string_ids_and_unit_types() {
        let e = Event::from_value(json!({
            "event_index": "5", "agent_id": "a", "event": {"run_id": "r", "event": {"event": "Tick"}}
        }))
        .unwrap();
        assert_eq!((e.kind.as_str(), e.index), ("Tick", 5));
        assert_eq!(
            (e.agent_id.as_deref(), e.run_id.as_deref()),
            (Some("a"), Some("r"))
        );
        assert_eq!(*e.payload(), json!({}));
        let n = Event::from_value(real("PolicyDecisionRequested", json!(null), 1)).unwrap();
        assert_eq!(*n.payload(), json!({}));
    }

    #[test]
    fn rejects_what_is_not_an_event() {
        for bad in [
            json!([1]),
            json!({"event": {"Started": {}}}),
            json!({"event_index": -1, "event": {"Started": {}}}),
            json!({"event_index": 1}),
            json!({"event_index": 1, "event": 5}),
            json!({"event_index": 1, "event": {"event": {"event": {}}}}),
        ] {
            let err = Event::from_value(bad.clone()).unwrap_err();
            assert!(matches!(err, Error::Decode { .. }), "{bad}: {err:?}");
        }
        let err = Event::from_value(json!({"event_index": 1, "secret": "hunter2"})).unwrap_err();
        let Error::Decode { excerpt, .. } = err else {
            panic!("not a decode error")
        };
        assert!(
            !excerpt.contains("hunter2") && excerpt.contains("secret"),
            "{excerpt}"
        );
    }

    #[test]
    fn debug_hides_the_payload() {
        let e = Event::from_value(real(
            "UserTick",
            json!({"instructions": "my key is hunter2"}),
            9,
        ))
        .unwrap();
        let dbg = format!("{e:?}");
        assert!(
            !dbg.contains("hunter2") && dbg.contains("UserTick"),
            "{dbg}"
        );
    }

    #[test]
    fn page_items_keep_their_text() {
        let text = r#"{"event_index": 7, "event": {"event": {"event": {"Tick": {"n": 1}}}}}"#;
        let e = Event::from_json(text).unwrap();
        assert_eq!(e.json_text(), Some(text));
        assert_eq!(e.payload_text(), Some(r#"{"n": 1}"#));
        let bare = Event::from_json(r#"{"index": 1, "event": {"event": "Tick"}}"#).unwrap();
        assert_eq!(bare.payload_text(), Some("null"));
        let parsed = Event::from_value(serde_json::from_str(text).unwrap()).unwrap();
        assert_eq!((parsed.json_text(), parsed.payload_text()), (None, None));
        // Text the one-pass reader does not take (an exponent) is parsed whole: no text kept.
        let whole = Event::from_json(r#"{"index": 2, "event": {"Tick": {"x": 1e3}}}"#).unwrap();
        assert_eq!(whole.json_text(), None);
    }

    #[test]
    fn deserializes_through_serde() {
        let events: Vec<Event> = serde_json::from_value(json!([
            {"index": 1, "event": {"started": {}}},
            {"index": 2, "event": {"finished": {}}}
        ]))
        .unwrap();
        assert_eq!(events.len(), 2);
        assert!(serde_json::from_value::<Event>(json!({"nope": 1})).is_err());
    }

    #[test]
    fn decodes_every_value_variant() {
        let tree = json!({"kind": {"StructValue": {"fields": {
            "s": {"kind": {"StringValue": "x"}},
            "n": {"kind": {"NumberValue": 1.5}},
            "b": {"kind": {"BoolValue": true}},
            "z": {"kind": {"NullValue": 0}},
            "l": {"kind": {"ListValue": {"values": [{"kind": {"NumberValue": 2}}, {"kind": {"StringValue": "y"}}]}}},
            "e": {"kind": {"ListValue": {}}},
            "o": {"kind": {"StructValue": {"fields": {}}}},
            "snake": {"kind": {"string_value": "ok"}}
        }}}});
        assert_eq!(
            decode_value(&tree),
            json!({"s": "x", "n": 1.5, "b": true, "z": null, "l": [2, "y"], "e": [], "o": {}, "snake": "ok"})
        );
    }

    #[test]
    fn decodes_trees_anywhere_and_leaves_the_rest() {
        let v = json!({
            "call_id": "c1",
            "output": {"kind": {"StringValue": "done"}},
            "tool": {"EmbeddedTool": {"arguments": {"kind": {"StructValue": {"fields": {"q": {"kind": {"StringValue": "rust"}}}}}}}},
            "list": [{"kind": {"BoolValue": false}}, 3],
            "not_a_tree": {"kind": "plain", "other": 1},
            "also_not": {"kind": {"StringValue": 5}},
            "two_variants": {"kind": {"StringValue": "a", "BoolValue": true}}
        });
        assert_eq!(
            decode_value(&v),
            json!({
                "call_id": "c1",
                "output": "done",
                "tool": {"EmbeddedTool": {"arguments": {"q": "rust"}}},
                "list": [false, 3],
                "not_a_tree": {"kind": "plain", "other": 1},
                "also_not": {"kind": {"StringValue": 5}},
                "two_variants": {"kind": {"StringValue": "a", "BoolValue": true}}
            })
        );
    }

    #[test]
    fn deep_input_is_capped_not_overflowed() {
        let mut v = json!({"kind": {"StringValue": "leaf"}});
        for _ in 0..MAX_DECODE_DEPTH + 72 {
            v = json!({"kind": {"ListValue": {"values": [v]}}});
        }
        let out = decode_value(&v);
        // The first MAX_DECODE_DEPTH levels are decoded to arrays; below that the tree stays.
        let mut cur = &out;
        for _ in 0..MAX_DECODE_DEPTH {
            cur = &cur[0];
        }
        assert!(
            cur.get("kind").is_some(),
            "expected the raw tree below the cap"
        );
    }

    fn resolved(tool: &str, output: Value, index: u64) -> Event {
        let body = json!({"tool_name": tool, "output": output});
        Event::from_value(real("ToolCallResolved", body, index)).unwrap()
    }

    #[test]
    fn final_output_prefers_finished_then_latest_llm() {
        let llm_tree = json!({"kind": {"StructValue": {"fields": {"body": {"kind": {"StringValue": "Hello"}}}}}});
        let early = resolved("llm", json!({"kind": {"StringValue": "draft"}}), 10);
        let late = resolved("llm", llm_tree, 30);
        let shell = resolved("shell", json!("ls"), 40);
        let evs = vec![late.clone(), early.clone(), shell.clone()];
        assert_eq!(final_output(&evs), Some(json!({"body": "Hello"})));
        let finished =
            Event::from_value(real("Finished", json!({"output": {"answer": 42}}), 50)).unwrap();
        let mut with_finished = evs.clone();
        with_finished.push(finished);
        assert_eq!(final_output(&with_finished), Some(json!({"answer": 42})));
        let bare_finish = Event::from_value(real("Finished", json!({}), 60)).unwrap();
        assert_eq!(
            final_output(&[early, bare_finish.clone()]),
            Some(json!("draft"))
        );
        assert_eq!(final_output(&[shell, bare_finish]), None);
        assert_eq!(final_output(&[]), None);
    }
}
