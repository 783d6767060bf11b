//! Tolerant serde helpers shared by the models (twin-api.md section 7).
//!
//! The live service and its documentation disagree on small things: timestamps come with `Z` or
//! `+00:00` and any number of fraction digits, counters may arrive as numbers or as numeric
//! strings, ids inside events are a string or `{"id": ...}`, and "none" is spelled `null` or `{}`.
//! Each helper here accepts every observed form. Use them with `#[serde(deserialize_with = ...)]`;
//! the `opt_*` variants also need `#[serde(default)]` so that a missing field reads as `None`.
//!
//! The `*_from_value` functions do the same work on an already parsed [`Value`], for code that
//! walks JSON by hand (events, webhook payloads).

// Some helpers exist for the resource models, which live in other files; not every one is used
// by every build of the crate yet.
#![allow(dead_code)]

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::de::Visitor;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Parses an RFC 3339 timestamp into UTC: `Z` or any offset (`+00:00`), any fraction digits,
/// lower-case `t`/`z` and a space instead of `T` are accepted. `None` if it is not a timestamp.
pub(crate) fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc));
    }
    // RFC 3339 allows a space for `T` and lower-case letters; chrono's strict parser may not.
    let normalized: String = s
        .chars()
        .enumerate()
        .map(|(i, c)| match c {
            ' ' if i == 10 => 'T',
            't' => 'T',
            'z' => 'Z',
            c => c,
        })
        .collect();
    if let Ok(dt) = DateTime::parse_from_rfc3339(&normalized) {
        return Some(dt.with_timezone(&Utc));
    }
    // A timestamp without any offset is read as UTC (the service works in UTC).
    NaiveDateTime::parse_from_str(&normalized, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|naive| Utc.from_utc_datetime(&naive))
}

/// Reads a timestamp from JSON: an RFC 3339 string, or integer Unix seconds (the form API keys
/// and schedules use).
pub(crate) fn timestamp_from_value(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::String(s) => parse_timestamp(s),
        Value::Number(_) => i64_from_value(v).and_then(|secs| Utc.timestamp_opt(secs, 0).single()),
        _ => None,
    }
}

/// Reads an unsigned integer from a JSON number or a numeric string (`"42"`, `" 42 "`).
/// Floats are accepted only when they are whole and in range.
pub(crate) fn u64_from_value(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            // 2^64 and above do not fit: an error, never a silent u64::MAX.
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < u64::MAX as f64)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
}

/// A count the service reports beside a list (`total_runs`, `total_count`, `page_size`):
/// `None` when absent or not a count (null, `""`, `-1`, `"n/a"`); an error when it is a whole
/// number of 2^64 or more, which no count can be (refused, never clamped).
pub(crate) fn count(v: Option<&Value>, name: &str) -> crate::error::Result<Option<u64>> {
    let Some(v) = v else { return Ok(None) };
    if let Some(n) = u64_from_value(v) {
        return Ok(Some(n));
    }
    let too_big = match v {
        Value::Number(n) => n.as_f64().is_some_and(|f| f >= u64::MAX as f64),
        Value::String(s) => {
            let s = s.trim();
            s.len() >= 20 && s.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    };
    if too_big {
        return Err(crate::client::decode_error(
            format!("{name} does not fit 64 bits"),
            v,
        ));
    }
    Ok(None)
}

/// Reads a signed integer from a JSON number or a numeric string.
pub(crate) fn i64_from_value(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// Reads an id given either as a string or as `{"id": "..."}` (event envelopes use the object
/// form). Numbers are accepted too and rendered in decimal.
pub(crate) fn string_or_id_from_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(map) => match map.get("id") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// True for the values the service uses to mean "nothing here": `null` and `{}`.
pub(crate) fn none_if_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// Unwraps an envelope such as `{"schedule": {...}}`, reading `{}`, `null`, a missing key and
/// `{"schedule": null}` (or `{"schedule": {}}`) as `None`. A body without the envelope key but with
/// other members is taken to be the object itself (some endpoints answer unwrapped).
pub(crate) fn opt_envelope<T: DeserializeOwned>(
    body: Value,
    key: &str,
) -> Result<Option<T>, serde_json::Error> {
    if none_if_empty(&body) {
        return Ok(None);
    }
    let inner = match body {
        Value::Object(mut map) => match map.remove(key) {
            Some(inner) => inner,
            None => Value::Object(map),
        },
        other => other,
    };
    if none_if_empty(&inner) {
        return Ok(None);
    }
    serde_json::from_value(inner).map(Some)
}

/// `deserialize_with` for a required timestamp (see [`timestamp_from_value`]).
pub(crate) fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let v = Value::deserialize(d)?;
    timestamp_from_value(&v).ok_or_else(|| D::Error::custom("invalid timestamp"))
}

/// `deserialize_with` for an optional timestamp: `None` for `null`, a missing field (with
/// `#[serde(default)]`) and anything that is not a time (the document types these members as
/// plain strings): one odd time never costs the whole object, and the model's raw JSON keeps
/// what was sent.
pub(crate) fn opt_timestamp<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(timestamp_from_value(&Value::deserialize(d)?))
}

/// `deserialize_with` for a flag the document allows to be `null`: `null` reads as `false`,
/// as an absent member does.
pub(crate) fn bool_or_null<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(false))
}

/// `deserialize_with` for a `u64` that may be a number or a numeric string.
pub(crate) fn u64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = Value::deserialize(d)?;
    u64_from_value(&v).ok_or_else(|| D::Error::custom("expected an unsigned integer"))
}

/// `deserialize_with` for an optional `u64` (number, numeric string, `null`; `""` is `None`).
pub(crate) fn opt_u64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        v => u64_from_value(&v)
            .map(Some)
            .ok_or_else(|| D::Error::custom("expected an unsigned integer")),
    }
}

/// `deserialize_with` for an `i64` that may be a number or a numeric string.
pub(crate) fn i64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Value::deserialize(d)?;
    i64_from_value(&v).ok_or_else(|| D::Error::custom("expected an integer"))
}

/// `deserialize_with` for an optional `i64` (number, numeric string, `null`; `""` is `None`).
pub(crate) fn opt_i64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        v => i64_from_value(&v)
            .map(Some)
            .ok_or_else(|| D::Error::custom("expected an integer")),
    }
}

/// `deserialize_with` for an id given as a string or as `{"id": "..."}`.
pub(crate) fn string_or_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = Value::deserialize(d)?;
    string_or_id_from_value(&v)
        .ok_or_else(|| D::Error::custom("expected a string or {\"id\": ...}"))
}

/// `deserialize_with` for an optional id: `null`, `{}` and `{"id": null}` are `None`.
pub(crate) fn opt_string_or_id<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    let v = Value::deserialize(d)?;
    if none_if_empty(&v) {
        return Ok(None);
    }
    if let Value::Object(map) = &v
        && map.get("id").is_none_or(Value::is_null)
    {
        return Ok(None);
    }
    string_or_id_from_value(&v)
        .map(Some)
        .ok_or_else(|| D::Error::custom("expected a string or {\"id\": ...}"))
}

/// `deserialize_with` for an optional object where `{}` means none, as well as `null`.
pub(crate) fn opt_none_if_empty<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let v = Value::deserialize(d)?;
    if none_if_empty(&v) {
        return Ok(None);
    }
    serde_json::from_value(v)
        .map(Some)
        .map_err(D::Error::custom)
}

// ---------------------------------------------------------------------------------------------
// Reading JSON text lazily (event and run pages): what is parsed later must parse then.
// ---------------------------------------------------------------------------------------------

/// Whether a `Value` parse of this (syntactically checked) text surely succeeds, so that it
/// can wait: no nesting near the parser's depth limit, no control characters or surrogate
/// escapes in strings, no exponents or long numbers (which may not fit an `f64`).
pub(crate) fn plain(text: &str) -> bool {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                // Strings: jump from escape to escape (control characters were refused by the
                // syntax check already).
                i += 1;
                loop {
                    let Some(k) = memchr::memchr2(b'"', b'\\', &b[i..]) else {
                        return false;
                    };
                    i += k;
                    if b[i] == b'"' {
                        break;
                    }
                    if b.get(i + 1) == Some(&b'u') {
                        match b.get(i + 2..i + 4) {
                            Some([b'd' | b'D', b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F']) => {
                                return false;
                            }
                            Some(_) => i += 6,
                            None => return false,
                        }
                    } else {
                        i += 2;
                    }
                }
                i += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > 100 {
                    return false;
                }
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while let Some(c) = b.get(i) {
                    match c {
                        b'0'..=b'9' | b'.' | b'-' => i += 1,
                        b'e' | b'E' | b'+' => return false,
                        _ => break,
                    }
                }
                if i - start > 18 {
                    return false;
                }
            }
            _ => i += 1,
        }
    }
    true
}

/// An object key, borrowed from the text unless it has escapes.
pub(crate) struct Key<'a>(pub(crate) Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key<'de>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// Deserializes `T` from one member of an object in one pass, skipping the other members:
/// `Some(T)` when the member is there, `None` when not. A duplicate of the member is an error
/// (the caller then parses the whole `Value`, where the last one wins).
pub(crate) struct Member<T> {
    key: &'static str,
    model: std::marker::PhantomData<T>,
}

impl<T> Member<T> {
    pub(crate) fn new(key: &'static str) -> Member<T> {
        Member {
            key,
            model: std::marker::PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> serde::de::DeserializeSeed<'de> for Member<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Member<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let mut found = None;
        while let Some(Key(key)) = map.next_key()? {
            if key == self.key {
                if found.is_some() {
                    return Err(A::Error::custom("duplicate member"));
                }
                found = Some(map.next_value::<T>()?);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// An object's members as raw JSON text (keys borrowed unless escaped), in order; of
/// duplicate keys the last value wins, in the place of the first, as in a parsed `Value`.
/// `None` if the text is not one object.
pub(crate) type Members<'a> = Vec<(Cow<'a, str>, &'a serde_json::value::RawValue)>;

pub(crate) fn raw_members(text: &str) -> Option<Members<'_>> {
    struct Visit;
    impl<'de> Visitor<'de> for Visit {
        type Value = Members<'de>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut members: Members<'de> = Vec::with_capacity(24);
            while let Some(Key(key)) = map.next_key()? {
                let value = map.next_value()?;
                match members.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = value,
                    None => members.push((key, value)),
                }
            }
            Ok(members)
        }
    }
    let mut parser = serde_json::Deserializer::from_str(text);
    let members = serde::Deserializer::deserialize_map(&mut parser, Visit).ok()?;
    parser.end().ok()?;
    Some(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_text_is_what_a_value_parse_surely_accepts() {
        for ok in [
            r#"{"a": [1, -2.5, true, null], "s": "x [{ 1e5 \\u00e9 \" \ud7ff"}"#,
            r#"{"id": "019db59b-8abb-7913-bb07-a0f546af631f", "n": 123456789012345678}"#,
        ] {
            assert!(plain(ok), "{ok}");
            assert!(serde_json::from_str::<Value>(ok).is_ok());
        }
        let deep = format!("{}{}", "[".repeat(150), "]".repeat(150));
        for doubtful in [
            r#"{"s": "\ud800"}"#,
            r#"{"s": "\uDC00"}"#,
            r#"{"n": 1e400}"#,
            r#"{"n": 1.5E3}"#,
            r#"{"n": 1234567890123456789012}"#,
            r#"{"s": "never closed"#,
            deep.as_str(),
        ] {
            assert!(!plain(doubtful), "{doubtful}");
        }
    }

    #[test]
    fn integers_out_of_range_are_refused_not_clamped() {
        let n = |text: &str| u64_from_value(&serde_json::from_str(text).unwrap());
        assert_eq!(n("18446744073709551615"), Some(u64::MAX));
        assert_eq!(n("18446744073709551616"), None, "2^64");
        assert_eq!(n("1e20"), None);
        assert_eq!(n("\"18446744073709551616\""), None);
        assert_eq!(n("9223372036854775808"), Some(1 << 63));
        let i = |text: &str| i64_from_value(&serde_json::from_str(text).unwrap());
        assert_eq!(i("9223372036854775808.0"), None, "2^63");
        assert_eq!(i("-9223372036854775808"), Some(i64::MIN));
    }

    #[test]
    fn raw_members_keep_the_last_of_duplicate_keys() {
        let m = raw_members(r#"{"a": 1, "b\u0062": [2], "a": {"x": 3}}"#).unwrap();
        let got: Vec<(&str, &str)> = m.iter().map(|(k, v)| (k.as_ref(), v.get())).collect();
        assert_eq!(got, [("a", r#"{"x": 3}"#), ("bb", "[2]")]);
        assert!(raw_members("[1]").is_none());
        assert!(raw_members(r#"{"a": 1} x"#).is_none());
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn timestamps_in_every_observed_form() {
        let nanos = utc("2026-04-22T14:43:24.984599422Z");
        assert_eq!(
            parse_timestamp("2026-04-22T14:43:24.984599422+00:00"),
            Some(nanos)
        );
        assert_eq!(
            parse_timestamp("2026-04-22T14:43:24.984599422Z"),
            Some(nanos)
        );
        assert_eq!(
            parse_timestamp(" 2026-04-22t14:43:24.984599422z "),
            Some(nanos)
        );
        assert_eq!(
            parse_timestamp("2026-04-22 14:43:24.984599422+00:00"),
            Some(nanos)
        );
        let whole = utc("2026-03-11T14:32:15Z");
        assert_eq!(parse_timestamp("2026-03-11T14:32:15Z"), Some(whole));
        assert_eq!(parse_timestamp("2026-03-11T14:32:15"), Some(whole));
        assert_eq!(parse_timestamp("2026-03-11T16:32:15+02:00"), Some(whole));
        assert_eq!(
            parse_timestamp("2026-04-22T14:32:42.961047100+00:00")
                .unwrap()
                .timestamp_subsec_nanos(),
            961_047_100
        );
        assert_eq!(
            parse_timestamp("2026-04-22T14:32:42.9+00:00")
                .unwrap()
                .timestamp_subsec_millis(),
            900
        );
        for bad in [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "1776869096",
            "2026-04-22T25:00:00Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn timestamp_values_accept_unix_seconds() {
        assert_eq!(
            timestamp_from_value(&json!(1776945600)),
            Some(utc("2026-04-23T12:00:00Z"))
        );
        assert_eq!(
            timestamp_from_value(&json!("2026-04-23T12:00:00+00:00")),
            Some(utc("2026-04-23T12:00:00Z"))
        );
        assert_eq!(timestamp_from_value(&json!(true)), None);
        assert_eq!(timestamp_from_value(&json!(i64::MAX)), None);
    }

    #[test]
    fn integers_as_numbers_or_strings() {
        assert_eq!(u64_from_value(&json!(7)), Some(7));
        assert_eq!(u64_from_value(&json!("157912706")), Some(157_912_706));
        assert_eq!(u64_from_value(&json!(" 3 ")), Some(3));
        assert_eq!(u64_from_value(&json!(3.0)), Some(3));
        assert_eq!(u64_from_value(&json!(3.5)), None);
        assert_eq!(u64_from_value(&json!(-1)), None);
        assert_eq!(u64_from_value(&json!("x")), None);
        assert_eq!(u64_from_value(&json!(null)), None);
        assert_eq!(i64_from_value(&json!(-5)), Some(-5));
        assert_eq!(i64_from_value(&json!("-5")), Some(-5));
        assert_eq!(i64_from_value(&json!(u64::MAX)), None);
        assert_eq!(i64_from_value(&json!([1])), None);
    }

    #[test]
    fn ids_as_strings_or_objects() {
        assert_eq!(string_or_id_from_value(&json!("a")).as_deref(), Some("a"));
        assert_eq!(
            string_or_id_from_value(&json!({"id": "b"})).as_deref(),
            Some("b")
        );
        assert_eq!(
            string_or_id_from_value(&json!({"id": 12})).as_deref(),
            Some("12")
        );
        assert_eq!(string_or_id_from_value(&json!({"other": "b"})), None);
        assert_eq!(string_or_id_from_value(&json!(null)), None);
    }

    #[test]
    fn empty_means_none() {
        assert!(none_if_empty(&json!(null)));
        assert!(none_if_empty(&json!({})));
        assert!(!none_if_empty(&json!({"a": 1})));
        assert!(!none_if_empty(&json!([])));
        assert!(!none_if_empty(&json!("")));
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sched {
        cron: String,
    }

    #[test]
    fn envelopes_with_empty_states() {
        let some: Option<Sched> =
            opt_envelope(json!({"schedule": {"cron": "0 0 9 * * * *"}}), "schedule").unwrap();
        assert_eq!(
            some,
            Some(Sched {
                cron: "0 0 9 * * * *".into()
            })
        );
        for none in [
            json!({}),
            json!(null),
            json!({"schedule": null}),
            json!({"schedule": {}}),
        ] {
            let got: Option<Sched> = opt_envelope(none.clone(), "schedule").unwrap();
            assert_eq!(got, None, "{none}");
        }
        let bare: Option<Sched> = opt_envelope(json!({"cron": "x"}), "schedule").unwrap();
        assert_eq!(bare, Some(Sched { cron: "x".into() }));
        assert!(opt_envelope::<Sched>(json!({"schedule": {"cron": 5}}), "schedule").is_err());
    }

    #[derive(Debug, Deserialize)]
    struct Model {
        #[serde(deserialize_with = "timestamp")]
        at: DateTime<Utc>,
        #[serde(default, deserialize_with = "opt_timestamp")]
        maybe_at: Option<DateTime<Utc>>,
        #[serde(deserialize_with = "u64_lenient")]
        total: u64,
        #[serde(default, deserialize_with = "opt_u64_lenient")]
        maybe_total: Option<u64>,
        #[serde(deserialize_with = "i64_lenient")]
        signed: i64,
        #[serde(default, deserialize_with = "opt_i64_lenient")]
        maybe_signed: Option<i64>,
        #[serde(deserialize_with = "string_or_id")]
        run_id: String,
        #[serde(default, deserialize_with = "opt_string_or_id")]
        agent_id: Option<String>,
        #[serde(default, deserialize_with = "opt_none_if_empty")]
        schedule: Option<Sched>,
    }

    #[test]
    fn deserialize_with_helpers() {
        let m: Model = serde_json::from_value(json!({
            "at": "2026-04-22T14:43:24Z", "total": "12", "signed": "-3",
            "run_id": {"id": "r1"}, "schedule": {}
        }))
        .unwrap();
        assert_eq!(m.at, utc("2026-04-22T14:43:24Z"));
        assert_eq!((m.total, m.signed), (12, -3));
        assert_eq!(m.run_id, "r1");
        assert_eq!(
            (m.maybe_at, m.maybe_total, m.maybe_signed),
            (None, None, None)
        );
        assert_eq!(m.agent_id, None);
        assert!(m.schedule.is_none());

        let m: Model = serde_json::from_value(json!({
            "at": 1776945600, "maybe_at": "2026-04-22T14:43:24.5+00:00",
            "total": 1, "maybe_total": 9, "signed": 2, "maybe_signed": "-9",
            "run_id": "r2", "agent_id": "a2", "schedule": {"cron": "c"}
        }))
        .unwrap();
        assert_eq!(m.maybe_at.unwrap().timestamp_subsec_millis(), 500);
        assert_eq!((m.maybe_total, m.maybe_signed), (Some(9), Some(-9)));
        assert_eq!(m.agent_id.as_deref(), Some("a2"));
        assert_eq!(m.schedule.unwrap().cron, "c");

        let m: Model = serde_json::from_value(json!({
            "at": "2026-04-22T14:43:24Z", "total": 1, "signed": 1, "run_id": "r",
            "agent_id": {"id": null}, "maybe_total": "", "maybe_at": null
        }))
        .unwrap();
        assert_eq!((m.agent_id, m.maybe_total, m.maybe_at), (None, None, None));
    }

    #[test]
    fn an_odd_optional_time_is_none_not_an_error() {
        for odd in [
            json!(false),
            json!("soon"),
            json!("9999-99-99"),
            json!(1e300),
        ] {
            let m: Model = serde_json::from_value(
                json!({"at": "2026-04-22T14:43:24Z", "total": 1, "signed": 1, "run_id": "r", "maybe_at": odd}),
            )
            .unwrap();
            assert_eq!(m.maybe_at, None);
        }
    }

    #[test]
    fn deserialize_with_helpers_reject_garbage() {
        let base = json!({"at": "2026-04-22T14:43:24Z", "total": 1, "signed": 1, "run_id": "r"});
        for (field, bad) in [
            ("at", json!("soon")),
            ("total", json!("many")),
            ("total", json!(-1)),
            ("signed", json!({})),
            ("run_id", json!({"x": 1})),
            ("maybe_total", json!("x")),
            ("agent_id", json!([1])),
        ] {
            let mut v = base.clone();
            v[field] = bad.clone();
            assert!(
                serde_json::from_value::<Model>(v).is_err(),
                "{field} = {bad}"
            );
        }
    }
}
