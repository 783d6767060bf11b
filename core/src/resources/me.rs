//! `GET /v1/me`: who the API key belongs to.

use serde::Deserialize;

use crate::client::{Call, Client};
use crate::error::Result;
use crate::resources::{LazyRaw, lazy_model, model_one_lazily};

/// The authenticated user.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Me {
    /// `user_` followed by a ULID, e.g. `user_01KPPW8HKFNH8CH1GEQ73Y6VB3`.
    pub user_id: String,
    #[serde(skip)]
    raw: LazyRaw,
}

lazy_model!(Me);

impl Client {
    /// The user the API key belongs to; a cheap check that the key works. Decoded straight
    /// from the reply's text: members other than `user_id` are skipped, not built.
    ///
    /// ```
    /// # let emulator = twin_emulator::Emulator::start(Default::default()).unwrap();
    /// # let client = twin_core::Client::builder().api_key(emulator.api_key()).base_url(emulator.url()).build()?;
    /// let me = client.me()?;
    /// assert!(!me.user_id.is_empty());
    /// # Ok::<(), twin_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) for an answer outside 2xx,
    /// [`Error::Connection`](crate::Error::Connection) or [`Error::Timeout`](crate::Error::Timeout)
    /// when no answer came (after the retries the call allows),
    /// [`Error::Decode`](crate::Error::Decode) or
    /// [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse) for an answer that is not
    /// the expected JSON; a wrong or revoked key is an [`Error::Api`](crate::Error::Api) for which
    /// [`Error::is_unauthorized`](crate::Error::is_unauthorized) is true.
    pub fn me(&self) -> Result<Me> {
        model_one_lazily(&self.reply(Call::get(&["v1", "me"]))?, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::Model;

    #[test]
    fn decodes_the_live_shape() {
        let me: Me = crate::resources::sample(r#"{"user_id":"user_01KPPW8HKFNH8CH1GEQ73Y6VB3"}"#);
        assert_eq!(me.user_id, "user_01KPPW8HKFNH8CH1GEQ73Y6VB3");
        assert_eq!(me.raw()["user_id"], "user_01KPPW8HKFNH8CH1GEQ73Y6VB3");
    }
}
