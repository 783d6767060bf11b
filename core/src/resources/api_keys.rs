//! `/api/public/v1/access-api-keys`: list, create and revoke API keys.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::{Call, Client};
use crate::error::{Error, Result};
use crate::resources::{Model, model, model_list};
use crate::transport::Idempotency;

const PATH: [&str; 4] = ["api", "public", "v1", "access-api-keys"];
/// Longest key name the service accepts, in characters.
pub const MAX_KEY_NAME_CHARS: usize = 128;

/// An API key as listed: never the secret itself. Accepts snake_case and the older camelCase.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ApiKey {
    /// 32 lowercase hex characters.
    #[serde(alias = "keyId")]
    pub key_id: String,
    /// The name given at creation.
    #[serde(default)]
    pub name: String,
    /// The first 8 characters of the key's secret, to recognise it.
    #[serde(alias = "displayPrefix", default)]
    pub display_prefix: String,
    /// When it was created (sent as Unix seconds).
    #[serde(
        alias = "createdAt",
        default,
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub created_at: Option<DateTime<Utc>>,
    /// When it was last used; `None` if never.
    #[serde(
        alias = "lastUsedAt",
        default,
        deserialize_with = "crate::de::opt_timestamp"
    )]
    pub last_used_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    raw: Value,
}

/// A key just created: the only time its full value (`api_key`) is available. `Debug`
/// redacts it.
#[derive(Clone, PartialEq, Deserialize)]
pub struct CreatedApiKey {
    /// The full key, to send as `x-api-key`. Store it now: it is never shown again.
    #[serde(alias = "apiKey")]
    pub api_key: String,
    /// The listed fields of the new key.
    #[serde(flatten)]
    pub key: ApiKey,
    #[serde(skip)]
    raw: Value,
}
model!(ApiKey, CreatedApiKey);

impl fmt::Debug for CreatedApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedApiKey")
            .field("api_key", &"<redacted>")
            .field("key", &self.key)
            .finish()
    }
}

/// API-key endpoints; from [`Client::api_keys`].
///
/// ```
/// # let emulator = twin_emulator::Emulator::start(Default::default()).unwrap();
/// # let client = twin_core::Client::builder().api_key(emulator.api_key()).base_url(emulator.url()).build()?;
/// let created = client.api_keys().create("ci")?;
/// // `created.api_key` is shown once: store it now.
/// assert!(client.api_keys().list()?.iter().any(|k| k.key_id == created.key.key_id));
/// client.api_keys().revoke(&created.key.key_id)?;
/// # Ok::<(), twin_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ApiKeys {
    client: Client,
}

#[derive(Serialize)]
struct CreateBody<'a> {
    name: &'a str,
}

impl Client {
    /// API keys of the account.
    pub fn api_keys(&self) -> ApiKeys {
        ApiKeys {
            client: self.clone(),
        }
    }
}

impl ApiKeys {
    /// Every key of the account (not paginated).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON.
    pub fn list(&self) -> Result<Vec<ApiKey>> {
        model_list(self.client.json(Call::get(&PATH))?, "keys")
    }

    /// Creates a key named `name` (1 to 128 characters). Never retried once sent.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON;
    /// [`Error::InvalidArgument`] for a name longer than [`MAX_KEY_NAME_CHARS`]. Never re-sent once
    /// it may have reached the service.
    pub fn create(&self, name: &str) -> Result<CreatedApiKey> {
        let chars = name.chars().count();
        if name.trim().is_empty() || chars > MAX_KEY_NAME_CHARS {
            return Err(Error::InvalidArgument(format!(
                "key name must be 1 to {MAX_KEY_NAME_CHARS} characters, got {chars}"
            )));
        }
        let call = Call::post(&PATH, Idempotency::Unsafe).body(&CreateBody { name });
        let mut created = CreatedApiKey::from_value(self.client.json(call)?)?;
        created.key.raw = crate::resources::without(&created.raw, "api_key");
        Ok(created)
    }

    /// Revokes a key: requests using it fail from now on.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON;
    /// [`Error::InvalidArgument`] for an empty id, before anything is sent;
    /// [`Error::OperationFailed`] when the service answers 2xx but says it was not done (`revoked:
    /// false`).
    pub fn revoke(&self, key_id: &str) -> Result<()> {
        self.client.send(Call::delete(&[
            "api",
            "public",
            "v1",
            "access-api-keys",
            key_id,
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::sample;

    #[test]
    fn snake_and_camel_case_keys() {
        let k: ApiKey = sample(
            r#"{"created_at":1776867709,"display_prefix":"7fpJD8sY","key_id":"89cfb82b7ab50872962c35f674dee255","last_used_at":1776868928,"name":"test"}"#,
        );
        assert_eq!(k.key_id, "89cfb82b7ab50872962c35f674dee255");
        assert_eq!(k.created_at.unwrap().timestamp(), 1_776_867_709);
        assert_eq!(k.last_used_at.unwrap().timestamp(), 1_776_868_928);
        let old: ApiKey = sample(
            r#"{"keyId":"abc","name":"n","displayPrefix":"tw_live_","createdAt":1706000000}"#,
        );
        assert_eq!(
            (old.key_id.as_str(), old.display_prefix.as_str()),
            ("abc", "tw_live_")
        );
        assert_eq!(old.last_used_at, None);
    }

    #[test]
    fn created_key_is_redacted_in_debug() {
        let c: CreatedApiKey = sample(
            r#"{"api_key":"twin_marker_SECRET","created_at":1776869096,"display_prefix":"5XKODXoM","key_id":"f28d7f04b58e24361d2b0dd4e8e96579","name":"tmp"}"#,
        );
        assert_eq!(c.api_key, "twin_marker_SECRET");
        assert_eq!(c.key.display_prefix, "5XKODXoM");
        assert!(!format!("{c:?}").contains("SECRET"));
    }
}
