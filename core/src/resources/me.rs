//! `GET /v1/me`: who the API key belongs to.

use serde::Deserialize;
use serde_json::Value;

use crate::client::{Call, Client};
use crate::error::Result;
use crate::resources::{Model, model};

/// The authenticated user.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Me {
    /// `user_` followed by a ULID, e.g. `user_01KPPW8HKFNH8CH1GEQ73Y6VB3`.
    pub user_id: String,
    #[serde(skip)]
    raw: Value,
}
model!(Me);

impl Client {
    /// The user the API key belongs to; a cheap check that the key works.
    pub fn me(&self) -> Result<Me> {
        Me::from_value(self.json(Call::get(&["v1", "me"]))?)
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
