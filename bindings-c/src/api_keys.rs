//! `/api/public/v1/access-api-keys`: list, create and revoke API keys (core's
//! `resources/api_keys.rs`).

use std::ffi::c_char;

use twin_core::{ApiKey, CreatedApiKey, Model};

use crate::client::twin_client;
use crate::error::twin_status;
use crate::ffi::{self, CStrings};

/// An API key. A listed key never carries its secret; a key just created by
/// twin_api_keys_create() does (twin_api_key_api_key()).
#[derive(Debug)]
pub struct twin_api_key {
    key: ApiKey,
    secret: Option<String>,
    /// The creation response, secret included (core keeps it out of the listed part).
    created_json: Option<serde_json::Value>,
    strings: CStrings,
}

impl From<ApiKey> for twin_api_key {
    fn from(key: ApiKey) -> Self {
        twin_api_key {
            key,
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
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_keys_list(
    client: *const twin_client,
    list_out: *mut *mut twin_api_key_list,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let list_out = ffi::out(list_out, "list_out")?;
        let keys = client.client.api_keys().list()?;
        list_out.give(keys.into_iter().collect());
        Ok(())
    })
}

/// Creates an API key named `name` (1 to 128 characters). On success `*key_out` is a new
/// twin_api_key whose twin_api_key_api_key() is the full key: store it, it is never shown
/// again. Never retried once sent.
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_keys_create(
    client: *const twin_client,
    name: *const c_char,
    key_out: *mut *mut twin_api_key,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let name = ffi::str_arg(name, "name")?;
        let key_out = ffi::out(key_out, "key_out")?;
        let created = client.client.api_keys().create(name)?;
        key_out.give(twin_api_key::from(created));
        Ok(())
    })
}

/// Revokes the key `key_id`: requests using it fail from now on.
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_keys_revoke(
    client: *const twin_client,
    key_id: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let key_id = ffi::str_arg(key_id, "key_id")?;
        client.client.api_keys().revoke(key_id)?;
        Ok(())
    })
}

/// The key's id (`key_id`): 32 lowercase hex characters.
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_key_id(key: *const twin_api_key) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let key = ffi::arg(key, "key")?;
        Ok(key.strings.get("id", &key.key.key_id))
    })
}

/// The name given at creation (`name`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_key_name(key: *const twin_api_key) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let key = ffi::arg(key, "key")?;
        Ok(key.strings.get("name", &key.key.name))
    })
}

/// The first characters of the key's secret, to recognise it (`display_prefix`).
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_key_display_prefix(key: *const twin_api_key) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let key = ffi::arg(key, "key")?;
        Ok(key.strings.get("display_prefix", &key.key.display_prefix))
    })
}

/// When the key was created (`created_at`), in Unix seconds. `has_value` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_key_created_at(key: *const twin_api_key, has_value: *mut bool) -> i64 {
    ffi::call_or(0, || {
        let key = ffi::arg(key, "key")?;
        Ok(ffi::optional(crate::unix(key.key.created_at), has_value))
    })
}

/// When the key was last used (`last_used_at`), in Unix seconds; absent if never. `has_value`
/// may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_key_last_used_at(key: *const twin_api_key, has_value: *mut bool) -> i64 {
    ffi::call_or(0, || {
        let key = ffi::arg(key, "key")?;
        Ok(ffi::optional(crate::unix(key.key.last_used_at), has_value))
    })
}

/// The full key (`api_key`), to send as `x-api-key`: only for a key just created by
/// twin_api_keys_create(), NULL for listed keys.
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_key_api_key(key: *const twin_api_key) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let key = ffi::arg(key, "key")?;
        Ok(key.strings.get_opt("api_key", key.secret.as_deref()))
    })
}

/// The complete JSON object as received, unknown fields included (with `api_key` for a key just
/// created).
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_key_json(key: *const twin_api_key) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let key = ffi::arg(key, "key")?;
        Ok(key.strings.get_with("json", || {
            crate::json(key.created_json.as_ref().unwrap_or(key.key.raw()))
        }))
    })
}

/// Frees a twin_api_key. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_key_free(key: *mut twin_api_key) {
    ffi::call_or((), || {
        ffi::free(key);
        Ok(())
    })
}

/// A list of API keys; its items are borrowed from it. Free with twin_api_key_list_free().
#[derive(Debug)]
pub struct twin_api_key_list {
    items: Vec<twin_api_key>,
}

impl<T: Into<twin_api_key>> FromIterator<T> for twin_api_key_list {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        twin_api_key_list {
            items: iter.into_iter().map(Into::into).collect(),
        }
    }
}

/// The number of items in the list; 0 for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_key_list_len(list: *const twin_api_key_list) -> usize {
    ffi::call_or(0, || Ok(ffi::arg(list, "list")?.items.len()))
}

/// Item `index` of the list, borrowed from it (valid until the list is freed); NULL when
/// `index` is out of range.
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_key_list_get(
    list: *const twin_api_key_list,
    index: usize,
) -> *const twin_api_key {
    ffi::call_or(std::ptr::null(), || {
        let list = ffi::arg(list, "list")?;
        ffi::element(&list.items, index).map(std::ptr::from_ref)
    })
}

/// Frees a list and its items. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_api_key_list_free(list: *mut twin_api_key_list) {
    ffi::call_or((), || {
        ffi::free(list);
        Ok(())
    })
}
