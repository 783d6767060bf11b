//! `/api/public/v1/access-api-keys`: list, create and revoke API keys (core's
//! `resources/api_keys.rs`).

use twin_core::{ApiKey, Client, CreatedApiKey, Model};

use crate::error::Failure;
use crate::ffi::CStrings;
#[path = "generated/api_keys.rs"]
mod generated;
pub use generated::*;

/// An API key. A listed key never carries its secret; a key just created by
/// twin_api_keys_create() does (twin_api_key_secret()).
#[derive(Debug)]
pub struct twin_api_key {
    pub(crate) inner: ApiKey,
    pub(crate) secret: Option<String>,
    /// The creation response, secret included (core keeps it out of the listed part).
    pub(crate) created_json: Option<serde_json::Value>,
    pub(crate) strings: CStrings,
}

impl From<ApiKey> for twin_api_key {
    fn from(inner: ApiKey) -> Self {
        twin_api_key {
            inner,
            secret: None,
            created_json: None,
            strings: CStrings::default(),
        }
    }
}

impl From<CreatedApiKey> for twin_api_key {
    fn from(created: CreatedApiKey) -> Self {
        twin_api_key {
            created_json: Some(created.raw().clone()),
            secret: Some(created.api_key),
            ..twin_api_key::from(created.key)
        }
    }
}

/// Every API key of the account (not paginated). On success `*list_out` is a new list, freed
/// with twin_api_key_list_free().
fn api_keys_list(c: &Client) -> Result<twin_api_key_list, Failure> {
    Ok(c.api_keys().list()?.into_iter().collect())
}

/// Creates an API key named `name` (1 to 128 characters). On success `*key_out` is a new
/// twin_api_key whose twin_api_key_secret() is the full key: store it, it is never shown
/// again. Never retried once sent.
fn api_keys_create(c: &Client, name: &str) -> Result<twin_api_key, Failure> {
    Ok(c.api_keys().create(name)?.into())
}

/// Revokes the key `key_id`: requests using it fail from now on.
fn api_keys_revoke(c: &Client, key_id: &str) -> Result<(), Failure> {
    Ok(c.api_keys().revoke(key_id)?)
}
