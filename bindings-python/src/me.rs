//! `twin.Me`. Pairs with `core/src/resources/me.rs`; the call is `Client.me()`.

use pyo3::prelude::*;

use crate::generated::me::me_model;
use crate::model::core_model;

core_model!(twin_core::Me);

me_model! {
    /// The account an API key belongs to.
    class Me;
    repr: [user_id];
}
