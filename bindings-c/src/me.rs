//! `GET /v1/me`: who the API key belongs to (core's `resources/me.rs`).

use crate::client::{call_out, twin_client};
use crate::error::twin_status;
#[path = "generated/me.rs"]
mod generated;
pub use generated::*;

/// The user the API key belongs to (`GET /v1/me`): a cheap check that the key works. On
/// success `*user_out` is a new twin_user, freed with twin_user_free().
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_me_get(
    client: *const twin_client,
    user_out: *mut *mut twin_user,
) -> twin_status {
    call_out(client, user_out, "user_out", |c| {
        Ok(twin_user::from(c.me()?))
    })
}
