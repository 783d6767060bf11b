//! `GET /v1/me`: who the API key belongs to (core's `resources/me.rs`).

use std::ffi::c_char;

use twin_core::{Me, Model};

use crate::client::twin_client;
use crate::error::twin_status;
use crate::ffi::{self, CStrings};

/// The user the API key belongs to.
#[derive(Debug)]
pub struct twin_me {
    me: Me,
    strings: CStrings,
}

impl From<Me> for twin_me {
    fn from(me: Me) -> Self {
        twin_me {
            me,
            strings: CStrings::default(),
        }
    }
}

/// The user the API key belongs to (`GET /v1/me`): a cheap check that the key works. On
/// success `*me_out` is a new twin_me, freed with twin_me_free().
#[unsafe(no_mangle)]
pub extern "C" fn twin_me_get(
    client: *const twin_client,
    me_out: *mut *mut twin_me,
) -> twin_status {
    ffi::call(|| {
        let client = ffi::arg(client, "client")?;
        let me_out = ffi::out(me_out, "me_out")?;
        let me = client.client.me()?;
        me_out.give(twin_me::from(me));
        Ok(())
    })
}

/// The user's id (`user_id`): `user_` followed by a ULID.
#[unsafe(no_mangle)]
pub extern "C" fn twin_me_user_id(me: *const twin_me) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let me = ffi::arg(me, "me")?;
        Ok(me.strings.get("user_id", &me.me.user_id))
    })
}

/// The complete JSON object as received, unknown fields included.
#[unsafe(no_mangle)]
pub extern "C" fn twin_me_json(me: *const twin_me) -> *const c_char {
    ffi::call_or(std::ptr::null(), || {
        let me = ffi::arg(me, "me")?;
        Ok(me.strings.get_with("json", || crate::json(me.me.raw())))
    })
}

/// Frees a twin_me. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_me_free(me: *mut twin_me) {
    ffi::call_or((), || {
        ffi::free(me);
        Ok(())
    })
}
