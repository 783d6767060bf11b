//! `/api/public/v1/access-api-keys`: list, create and revoke API keys (core's
//! `resources/api_keys.rs`).

use std::ffi::c_char;

use twin_core::{ApiKey, CreatedApiKey, Model};

use crate::client::{call, call_out, twin_client};
use crate::error::twin_status;
use crate::ffi::{self, CStrings};
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
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_keys_list(
    client: *const twin_client,
    list_out: *mut *mut twin_api_key_list,
) -> twin_status {
    call_out(client, list_out, "list_out", |c| {
        Ok(c.api_keys()
            .list()?
            .into_iter()
            .collect::<twin_api_key_list>())
    })
}

/// Creates an API key named `name` (1 to 128 characters). On success `*key_out` is a new
/// twin_api_key whose twin_api_key_secret() is the full key: store it, it is never shown
/// again. Never retried once sent.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_keys_create(
    client: *const twin_client,
    name: *const c_char,
    key_out: *mut *mut twin_api_key,
) -> twin_status {
    call_out(client, key_out, "key_out", |c| {
        Ok(twin_api_key::from(
            c.api_keys().create(ffi::str_arg(name, "name")?)?,
        ))
    })
}

/// Revokes the key `key_id`: requests using it fail from now on.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_keys_revoke(
    client: *const twin_client,
    key_id: *const c_char,
) -> twin_status {
    call(client, |c| {
        Ok(c.api_keys().revoke(ffi::str_arg(key_id, "key_id")?)?)
    })
}
