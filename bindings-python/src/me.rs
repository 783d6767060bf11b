//! `twin.Me`. Pairs with `core/src/resources/me.rs`; the call is `Client.me()`.

use pyo3::prelude::*;

use crate::model::{core_model, model};

core_model!(twin_core::Me);

model! {
    /// The account an API key belongs to.
    Me(twin_core::Me) as "Me";
    repr: [user_id];
    fields {
        /// `user_` followed by a ULID.
        user_id: String = |m| m.user_id.clone();
    }
}
