//! One file per resource: its models beside its endpoints. Shared here: the [`Model`] trait
//! (every model keeps the JSON it was decoded from) and the open-enum macro.

pub mod agents;
pub mod api_keys;
pub mod events;
pub mod instructions;
pub mod me;
pub mod runs;
pub mod schedules;
pub mod webhooks;
pub mod workspaces;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Result;

/// A resource object decoded from the API. Every model keeps the exact JSON it was decoded
/// from ([`Model::raw`]), unknown fields included.
pub trait Model: DeserializeOwned + Sized {
    /// The JSON object as received.
    fn raw(&self) -> &Value;

    /// Decodes a model from JSON as the API returns it (without the envelope), e.g. from a
    /// stored copy. Unknown fields are kept in [`Model::raw`].
    ///
    /// # Errors
    ///
    /// [`Error::Decode`](crate::Error::Decode) when the value does not have the model's shape (a
    /// required field missing or of the wrong type).
    fn from_value(value: Value) -> Result<Self>;
}

/// Implements [`Model`] for a struct with a `#[serde(skip)] raw: Value` field.
macro_rules! model {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::resources::Model for $t {
            fn raw(&self) -> &serde_json::Value {
                &self.raw
            }
            fn from_value(value: serde_json::Value) -> $crate::error::Result<Self> {
                let mut model: Self = $crate::client::decode_ref(&value)?;
                model.raw = value;
                Ok(model)
            }
        }
    )*};
}
pub(crate) use model;

/// Implements [`Model`] and [`LazyModel`] for a struct with a `#[serde(skip)] raw: LazyRaw`
/// field (its JSON kept as text until asked for).
macro_rules! lazy_model {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::resources::Model for $t {
            fn raw(&self) -> &serde_json::Value {
                self.raw.get()
            }
            fn from_value(value: serde_json::Value) -> $crate::error::Result<Self> {
                let mut model: Self = $crate::client::decode_ref(&value)?;
                model.raw = value.into();
                Ok(model)
            }
        }
        impl $crate::resources::LazyModel for $t {
            fn set_raw(&mut self, raw: $crate::resources::LazyRaw) {
                self.raw = raw;
            }
        }
    )*};
}
pub(crate) use lazy_model;

/// The JSON a model was decoded from, kept as text until it is first asked for (most
/// programs never look at it): a run of a page with its summary's members merged in, parsed
/// then. Text is only kept lazily when [`crate::de::plain`] says that parse will succeed.
#[derive(Clone, Default)]
pub(crate) struct LazyRaw {
    value: std::sync::OnceLock<Value>,
    /// The object's text, and the text of an object whose members fill in those it lacks.
    text: Option<(Box<str>, Option<Box<str>>)>,
    /// The text is a whole reply whose object sits in this envelope member (see
    /// [`crate::client::unwrap_one`]).
    envelope: Option<&'static str>,
}

impl LazyRaw {
    pub(crate) fn from_text(text: &str, extra: Option<&str>) -> LazyRaw {
        LazyRaw {
            value: std::sync::OnceLock::new(),
            text: Some((text.into(), extra.map(Into::into))),
            envelope: None,
        }
    }

    pub(crate) fn in_envelope(mut self, key: Option<&'static str>) -> LazyRaw {
        self.envelope = key;
        self
    }

    pub(crate) fn get(&self) -> &Value {
        self.value.get_or_init(|| {
            let Some((text, extra)) = &self.text else {
                return Value::Null;
            };
            let mut value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            if let Some(key) = self.envelope {
                value = crate::client::unwrap_one(value, key);
            }
            if let (Some(extra), Value::Object(fields)) = (extra, &mut value)
                && let Ok(Value::Object(more)) = serde_json::from_str::<Value>(extra)
            {
                for (k, v) in more {
                    fields.entry(k).or_insert(v);
                }
            }
            value
        })
    }
}

impl From<Value> for LazyRaw {
    fn from(value: Value) -> LazyRaw {
        LazyRaw {
            value: std::sync::OnceLock::from(value),
            text: None,
            envelope: None,
        }
    }
}

impl PartialEq for LazyRaw {
    fn eq(&self, other: &LazyRaw) -> bool {
        self.get() == other.get()
    }
}

impl std::fmt::Debug for LazyRaw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// An open set of string values: the known ones as variants, anything else kept as `Other`.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version of the SDK does not know yet.
            Other(String),
        }

        impl $name {
            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($text => $name::$variant,)*
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok($name::from(s.as_ref()))
            }
        }
    };
}
pub(crate) use open_enum;

/// A copy of a JSON object without one member: the listed part of a created key or webhook
/// must not carry the secret that only its creation returns.
pub(crate) fn without(raw: &Value, secret_field: &str) -> Value {
    let mut copy = raw.clone();
    if let Value::Object(fields) = &mut copy {
        fields.remove(secret_field);
    }
    copy
}

/// Decodes each item of a list as a model.
pub(crate) fn models<T: Model>(items: Vec<Value>) -> Result<Vec<T>> {
    items.into_iter().map(T::from_value).collect()
}

/// A list envelope (`{"agents": [...]}`) decoded as models.
pub(crate) fn model_list<T: Model>(body: Value, key: &str) -> Result<Vec<T>> {
    models(crate::client::unwrap_list(body, key)?)
}

/// An object envelope (`{"agent": {...}}`, or top-level) decoded as a model.
pub(crate) fn model_one<T: Model>(body: Value, key: &str) -> Result<T> {
    T::from_value(crate::client::unwrap_one(body, key))
}

/// A model that can keep its JSON as text (see [`LazyRaw`]).
pub(crate) trait LazyModel: Model {
    fn set_raw(&mut self, raw: LazyRaw);
}

/// [`model_one_of`] from a reply's text (or, without an envelope `key`, the body as the
/// object): the object is decoded straight from its text, without a JSON tree, and keeps the
/// text for [`Model::raw`]. Anything unusual (not plainly JSON, a shape the typed decoder
/// refuses) is decoded through a parsed `Value`, errors included.
pub(crate) fn model_one_lazily<T: LazyModel>(
    reply: &crate::transport::Reply,
    key: Option<&'static str>,
) -> Result<T> {
    let lazily = || {
        let text = std::str::from_utf8(&reply.body).ok()?;
        if !crate::de::plain(text) {
            return None;
        }
        // One pass: the model from the envelope's member, the other members skipped; or,
        // without that member, the body itself.
        let member = match key {
            Some(key) => {
                let mut parser = serde_json::Deserializer::from_str(text);
                let seed = crate::de::Member::<T>::new(key);
                let member = serde::de::DeserializeSeed::deserialize(seed, &mut parser).ok()?;
                parser.end().ok()?;
                member.map(|model| (model, key))
            }
            None => None,
        };
        let (mut model, envelope) = match member {
            Some((model, key)) => (model, Some(key)),
            None => (serde_json::from_str::<T>(text).ok()?, None),
        };
        model.set_raw(LazyRaw::from_text(text, None).in_envelope(envelope));
        Some(model)
    };
    match (lazily(), key) {
        (Some(model), _) => Ok(model),
        (None, Some(key)) => model_one_of(reply, crate::client::parse_json(reply)?, key),
        (None, None) => T::from_value(crate::client::parse_json(reply)?),
    }
}

/// `Some(model)` unless the body is `{}`, `null` or an empty envelope (twin-api.md 6.11).
/// Without the envelope member, a body that does not read as the object (the document's
/// `{}` and other members) is `None` too.
pub(crate) fn model_opt<T: Model>(body: Value, key: &str) -> Result<Option<T>> {
    match body {
        Value::Object(mut map) if map.contains_key(key) => {
            let inner = map.remove(key).unwrap_or_default();
            if crate::de::none_if_empty(&inner) {
                return Ok(None);
            }
            T::from_value(inner).map(Some)
        }
        other if crate::de::none_if_empty(&other) => Ok(None),
        other => Ok(T::from_value(other).ok()),
    }
}

/// [`model_one`] for an answer whose object the document allows to be missing: `{"agent":
/// null}`, or no envelope member and a body that does not read as the object, is
/// [`crate::Error::OperationFailed`] (nothing was created, updated or found).
pub(crate) fn model_one_of<T: Model>(
    reply: &crate::transport::Reply,
    body: Value,
    key: &str,
) -> Result<T> {
    match body.get(key) {
        Some(Value::Null) => Err(crate::client::operation_failed(reply, &body)),
        Some(_) => model_one(body, key),
        None => {
            let missing = crate::client::operation_failed(reply, &body);
            T::from_value(body).map_err(|_| missing)
        }
    }
}

/// Reads `T` from any serde deserializer, as a step before keeping the raw JSON.
#[cfg(test)]
pub(crate) fn sample<T: Model>(json: &str) -> T {
    T::from_value(serde_json::from_str(json).expect("valid json")).expect("decodes")
}

/// `deserialize_with` for settings the API sends as a JSON-encoded string (`icon_config`):
/// a string is kept as-is; an object (should the service ever send one) is re-encoded.
pub(crate) fn opt_json_string<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<String>, D::Error> {
    Ok(
        match <Option<Value> as serde::Deserialize>::deserialize(d)? {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => Some(other.to_string()),
        },
    )
}

#[cfg(test)]
mod real_captures;
