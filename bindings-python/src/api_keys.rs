//! `client.api_keys`: list, create, revoke. Pairs with `core/src/resources/api_keys.rs`.

use pyo3::prelude::*;

use crate::client::resource;
use crate::generated::api_keys::{api_key_model, created_api_key_model};
use crate::model::{core_model, model_list};

core_model!(twin_core::ApiKey);

impl crate::model::CoreModel for twin_core::CreatedApiKey {
    fn raw_json(&self) -> serde_json::Value {
        twin_core::Model::raw(self).clone()
    }
    // As `api_keys().create` builds it: the listed part is the response without the secret.
    fn decode(value: serde_json::Value) -> twin_core::Result<Self> {
        let listed = crate::model::without(&value, "api_key");
        let mut created = <twin_core::CreatedApiKey as twin_core::Model>::from_value(value)?;
        created.key = <twin_core::ApiKey as twin_core::Model>::from_value(listed)?;
        Ok(created)
    }
}

api_key_model! {
    /// An API key, as listed (never the key itself).
    class ApiKey;
    repr: [key_id, name, display_prefix];
}

created_api_key_model! {
    /// A key just created: the listed fields plus `api_key`, the secret, shown only once.
    /// Its repr never shows the secret.
    class CreatedApiKey;
    repr: [key_id, name, display_prefix];
}

resource! {
    /// API keys of the account: `client.api_keys`.
    ApiKeysResource as "ApiKeysResource"
}

#[pymethods]
impl ApiKeysResource {
    /// Every key of the account.
    fn list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let keys = self.client.call(py, |c| c.api_keys().list())?;
        model_list(py, keys.into_iter().map(ApiKey::from).collect())
    }

    /// Creates a key; its secret is in `.api_key`, only this once.
    fn create(&self, py: Python<'_>, name: &str) -> PyResult<CreatedApiKey> {
        self.client.model(py, |c| c.api_keys().create(name))
    }

    /// Revokes a key; it stops working at once.
    fn revoke(&self, py: Python<'_>, key_id: &str) -> PyResult<()> {
        self.client.call(py, |c| c.api_keys().revoke(key_id))
    }

    fn __repr__(&self) -> &'static str {
        "<twin api_keys>"
    }
}
