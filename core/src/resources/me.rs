//! `GET /v1/me`: who the API key belongs to.

use serde::Deserialize;
use serde_json::Value;

use crate::client::{Call, Client};
use crate::error::Result;
use crate::resources::{LazyModel, LazyRaw, Model, model_one_lazily};

/// The authenticated user.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Me {
    /// `user_` followed by a ULID, e.g. `user_01KPPW8HKFNH8CH1GEQ73Y6VB3`.
    pub user_id: String,
    #[serde(skip)]
    raw: LazyRaw,
}

impl Model for Me {
    fn raw(&self) -> &Value {
        self.raw.get()
    }
    fn from_value(value: Value) -> Result<Self> {
        let mut me: Me = crate::client::decode_ref(&value)?;
        me.raw = value.into();
        Ok(me)
    }
}

impl LazyModel for Me {
    fn set_raw(&mut self, raw: LazyRaw) {
        self.raw = raw;
    }
}

impl Client {
    /// The user the API key belongs to; a cheap check that the key works. Decoded straight
    /// from the reply's text: members other than `user_id` are skipped, not built.
    pub fn me(&self) -> Result<Me> {
        model_one_lazily(&self.reply(Call::get(&["v1", "me"]))?, "user")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_live_shape() {
        let me: Me = crate::resources::sample(r#"{"user_id":"user_01KPPW8HKFNH8CH1GEQ73Y6VB3"}"#);
        assert_eq!(me.user_id, "user_01KPPW8HKFNH8CH1GEQ73Y6VB3");
        assert_eq!(me.raw()["user_id"], "user_01KPPW8HKFNH8CH1GEQ73Y6VB3");
    }
}
