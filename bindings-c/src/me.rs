//! `GET /v1/me`: who the API key belongs to (core's `resources/me.rs`).

use twin_core::Client;

use crate::error::Failure;
#[path = "generated/me.rs"]
mod generated;
pub use generated::*;

/// The user the API key belongs to (`GET /v1/me`): a cheap check that the key works. On
/// success `*user_out` is a new twin_user, freed with twin_user_free().
fn me_get(c: &Client) -> Result<twin_user, Failure> {
    Ok(c.me()?.into())
}
