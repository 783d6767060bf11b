//! `/v1/workspaces`: list, create, update, delete and reorder workspaces.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::{Call, Client};
use crate::error::{Error, Result};
use crate::ids::{WorkspaceId, WorkspaceIdRef};
use crate::resources::{model, model_list, model_one_of};
use crate::transport::Idempotency;

/// A workspace: a named group of agents.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Workspace {
    /// A UUIDv7.
    pub workspace_id: WorkspaceId,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Display order, 0 first.
    #[serde(default, deserialize_with = "crate::de::i64_lenient")]
    pub position: i64,
    /// Number of agents in it.
    #[serde(default, deserialize_with = "crate::de::u64_lenient")]
    pub agent_count: u64,
    /// Icon settings as a JSON-encoded string, e.g. `{"icon":"Code","backgroundColor":"#FFD93D"}`.
    #[serde(default, deserialize_with = "crate::resources::opt_json_string")]
    pub icon_config: Option<String>,
    /// When it was created.
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    pub created_at: Option<DateTime<Utc>>,
    /// When it last changed.
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    raw: Value,
}
model!(Workspace);

/// Workspace endpoints; from [`Client::workspaces`].
///
/// ```
/// # let emulator = twin_emulator::Emulator::start(Default::default()).unwrap();
/// # let client = twin_core::Client::builder().api_key(emulator.api_key()).base_url(emulator.url()).build()?;
/// let a = client.workspaces().create("Research")?;
/// let b = client.workspaces().create("Ops")?;
/// client.workspaces().reorder(&[&b.workspace_id, &a.workspace_id])?;
/// let renamed = client.workspaces().update(&a.workspace_id, "Research 2", None)?;
/// assert_eq!(renamed.name, "Research 2");
/// client.workspaces().delete(&b.workspace_id)?;
/// assert!(client.workspaces().list()?.iter().all(|w| w.workspace_id != b.workspace_id));
/// # Ok::<(), twin_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Workspaces {
    client: Client,
}

#[derive(Serialize)]
struct NameBody<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    icon_config: Option<&'a str>,
}

#[derive(Serialize)]
struct ReorderBody<'a> {
    workspace_ids: &'a [&'a str],
}

fn check_name(name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::InvalidArgument(
            "workspace name must not be empty".into(),
        ));
    }
    Ok(())
}

impl Client {
    /// Workspaces of the account.
    pub fn workspaces(&self) -> Workspaces {
        Workspaces {
            client: self.clone(),
        }
    }
}

impl Workspaces {
    /// Every workspace, in display order (not paginated).
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON.
    pub fn list(&self) -> Result<Vec<Workspace>> {
        model_list(
            self.client.json(Call::get(&["v1", "workspaces"]))?,
            "workspaces",
        )
    }

    /// Creates a workspace; it goes first in the display order. Never retried once sent.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON. Never re-sent
    /// once it may have reached the service.
    pub fn create(&self, name: &str) -> Result<Workspace> {
        check_name(name)?;
        let call = Call::post(&["v1", "workspaces"], Idempotency::Unsafe).body(&NameBody {
            name,
            icon_config: None,
        });
        let reply = self.client.reply(call)?;
        model_one_of(&reply, crate::client::parse_json(&reply)?, "workspace")
    }

    /// Renames a workspace and optionally sets its icon. An answer of `{"workspace": null}` (the
    /// service did not update it) is [`Error::OperationFailed`]. `icon_config` must be a JSON-encoded
    /// string (the service refuses an object), e.g. `{"icon":"Code"}`; it is checked here.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON;
    /// [`Error::InvalidArgument`] for an empty id, before anything is sent;
    /// [`Error::OperationFailed`] when the service answers `{"workspace": null}`.
    pub fn update<'a>(
        &self,
        workspace_id: impl Into<WorkspaceIdRef<'a>>,
        name: &str,
        icon_config: Option<&str>,
    ) -> Result<Workspace> {
        let workspace_id = workspace_id.into().as_str();
        check_name(name)?;
        if let Some(icon) = icon_config {
            serde_json::from_str::<Value>(icon).map_err(|e| {
                Error::InvalidArgument(format!("icon_config must be a JSON-encoded string: {e}"))
            })?;
        }
        let call =
            Call::put(&["v1", "workspaces", workspace_id]).body(&NameBody { name, icon_config });
        let reply = self.client.reply(call)?;
        model_one_of(&reply, crate::client::parse_json(&reply)?, "workspace")
    }

    /// Deletes a workspace **and every agent in it**.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON;
    /// [`Error::InvalidArgument`] for an empty id, before anything is sent;
    /// [`Error::OperationFailed`] when the service answers 2xx but says it was not done (`deleted:
    /// false`).
    pub fn delete<'a>(&self, workspace_id: impl Into<WorkspaceIdRef<'a>>) -> Result<()> {
        let workspace_id = workspace_id.into().as_str();
        self.client
            .send(Call::delete(&["v1", "workspaces", workspace_id]))
    }

    /// Puts the given workspaces first, in this order.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] for an answer outside 2xx, [`Error::Connection`] or [`Error::Timeout`] when
    /// no answer came (after the retries the call allows), [`Error::Decode`] or
    /// [`Error::UnexpectedResponse`] for an answer that is not the expected JSON;
    /// [`Error::InvalidArgument`] for an empty id, before anything is sent;
    /// [`Error::OperationFailed`] when the service answers 2xx but says it was not done.
    pub fn reorder(&self, workspace_ids: &[&str]) -> Result<()> {
        if workspace_ids.is_empty() {
            return Err(Error::InvalidArgument(
                "workspace_ids must not be empty".into(),
            ));
        }
        let call = Call::post(&["v1", "workspaces", "reorder"], Idempotency::Safe)
            .body(&ReorderBody { workspace_ids });
        self.client.send(call)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::sample;

    #[test]
    fn decodes_the_live_shape() {
        let w: Workspace = sample(
            r##"{"agent_count":1,"created_at":"2026-04-22T14:22:50.074936372+00:00","icon_config":"{\"icon\":\"Code\",\"backgroundColor\":\"#FFD93D\"}","name":"API testing","position":1,"updated_at":"2026-04-22T14:22:50Z","workspace_id":"019db592-7eda-7053-8e92-10cc777de4b0"}"##,
        );
        assert_eq!(w.position, 1);
        assert_eq!(w.agent_count, 1);
        assert_eq!(
            w.icon_config.as_deref(),
            Some(r##"{"icon":"Code","backgroundColor":"#FFD93D"}"##)
        );
        assert_eq!(w.created_at.unwrap().timestamp_subsec_nanos(), 74_936_372);
    }

    #[test]
    fn reorder_body_shape() {
        let body = serde_json::to_value(ReorderBody {
            workspace_ids: &["a", "b"],
        })
        .unwrap();
        assert_eq!(body, serde_json::json!({ "workspace_ids": ["a", "b"] }));
        let named = serde_json::to_value(NameBody {
            name: "n",
            icon_config: None,
        })
        .unwrap();
        assert_eq!(named, serde_json::json!({ "name": "n" }));
    }
}
