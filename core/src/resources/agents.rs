//! `/v1/agents`: list (by cursor), create, get, delete and move agents.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::client::{Call, Client, parse_json, unwrap_list};
use crate::error::Result;
use crate::ids::{AgentId, AgentIdRef, RunId, WorkspaceId, WorkspaceIdRef};
use crate::pagination::{Page, PageToken, Pager, stalled};
use crate::resources::runs::RunStatus;
use crate::resources::{
    LazyModel, LazyRaw, lazy_model, model_one_lazily, model_one_of, models, open_enum,
};
use crate::transport::{BodyLimit, Idempotency};

open_enum! {
    /// Whether an agent is deployed. Live agents are `draft`; the docs also name `deployed`
    /// and `not_deployed`.
    DeploymentState {
        /// Not deployed yet (what the live service reports for new agents).
        Draft = "draft",
        /// Deployed.
        Deployed = "deployed",
        /// Not deployed (documented name).
        NotDeployed = "not_deployed",
    }
}

/// An agent.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Agent {
    /// A UUIDv7, or the id given at creation.
    pub agent_id: AgentId,
    /// Display name; the platform fills it in some time after creation (`agent_name.name`).
    #[serde(rename = "agent_name", default, deserialize_with = "agent_name")]
    pub name: Option<String>,
    /// The workspace it belongs to.
    #[serde(default)]
    pub workspace_id: Option<WorkspaceId>,
    /// `draft`, `deployed`, ... (open set).
    #[serde(default)]
    pub deployment_state: Option<DeploymentState>,
    /// Whether it has ever run.
    #[serde(default, deserialize_with = "crate::de::bool_or_null")]
    pub has_runs: bool,
    /// The latest run's id, if any.
    #[serde(default)]
    pub latest_run_id: Option<RunId>,
    /// The latest run's status, if any.
    #[serde(default)]
    pub latest_run_status: Option<RunStatus>,
    /// Whether the latest run has finished.
    #[serde(default, deserialize_with = "crate::de::bool_or_null")]
    pub latest_run_is_finished: bool,
    /// Whether the latest run waits for a person's input (it cannot be given over REST).
    #[serde(default, deserialize_with = "crate::de::bool_or_null")]
    pub latest_run_has_pending_input: bool,
    /// Last time anything happened to it.
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    pub last_activity_at: Option<DateTime<Utc>>,
    /// Icon settings as a JSON-encoded string.
    #[serde(default, deserialize_with = "crate::resources::opt_json_string")]
    pub icon_config: Option<String>,
    #[serde(skip)]
    raw: LazyRaw,
}

lazy_model!(Agent);

/// `agent_name` is `{"name": "..."}` live; a plain string is accepted too.
fn agent_name<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Object(o)) => o.get("name").and_then(Value::as_str).map(str::to_owned),
        Some(Value::String(s)) => Some(s),
        _ => None,
    })
}

/// Filters and page size for [`Agents::list`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AgentListParams {
    /// Only agents of this workspace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// Agents per page (the service's default is 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

setters!(AgentListParams {
    into: [workspace_id: String],
    some: [limit: u32],
    set: [],
});

/// What a new agent gets; every field optional. The API has no name or instructions here:
/// set instructions afterwards with [`Client::instructions`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AgentCreateParams {
    /// Target workspace; without it the agent lands in the user's default workspace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// Owner override.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_user_id: Option<String>,
    /// Create as a sub-agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_subagent: Option<bool>,
    /// Source agent of a derived agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived_from_agent_id: Option<String>,
    /// An explicit id. With one, creating is safe to retry (a repeat cannot make a second agent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
}

setters!(AgentCreateParams {
    into: [workspace_id: String, owner_user_id: String, derived_from_agent_id: String, agent_id: String],
    some: [is_subagent: bool],
    set: [],
});

#[derive(Serialize)]
struct MoveBody<'a> {
    workspace_id: &'a str,
}

#[derive(Serialize)]
struct CursorQuery<'a> {
    #[serde(flatten)]
    params: &'a AgentListParams,
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<&'a str>,
}

/// Agent endpoints; from [`Client::agents`].
///
/// ```
/// # let emulator = twin_emulator::Emulator::start(Default::default()).unwrap();
/// # let client = twin_core::Client::builder().api_key(emulator.api_key()).base_url(emulator.url()).build()?;
/// use twin_core::{AgentCreateParams, AgentListParams};
/// # let ws = client.workspaces().create("Team")?;
///
/// let agent = client.agents().create(&AgentCreateParams::default().workspace_id(&ws.workspace_id))?;
/// assert_eq!(client.agents().get(&agent.agent_id)?.agent_id, agent.agent_id);
/// let in_team = client.agents().list(&AgentListParams::default().workspace_id(&ws.workspace_id));
/// assert_eq!(in_team.count(), 1);
/// client.agents().delete(&agent.agent_id)?;
/// assert!(client.agents().get(&agent.agent_id).unwrap_err().is_not_found());
/// # Ok::<(), twin_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Agents {
    client: Client,
}

impl Client {
    /// Agents of the account.
    pub fn agents(&self) -> Agents {
        Agents {
            client: self.clone(),
        }
    }
}

/// A page of agents and its `next_cursor`. The usual page is decoded without a tree: each
/// agent straight from its text, which it keeps for [`Model::raw`]; any other shape through
/// a parsed `Value`, if small.
fn decode_page(reply: &crate::transport::Reply) -> Result<(Vec<Agent>, Option<String>)> {
    use serde_json::value::RawValue;
    #[derive(Deserialize)]
    struct Lazy<'a> {
        #[serde(borrow)]
        agents: Vec<&'a RawValue>,
        #[serde(default)]
        next_cursor: Option<Value>,
    }
    let cursor = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
    };
    let lazily = || {
        let page: Lazy<'_> = serde_json::from_slice(&reply.body).ok()?;
        let mut agents = Vec::with_capacity(page.agents.len());
        for raw in page.agents {
            let text = raw.get();
            if !crate::de::plain(text) {
                return None;
            }
            let mut agent: Agent = serde_json::from_str(text).ok()?;
            agent.set_raw(LazyRaw::from_text(text, None));
            agents.push(agent);
        }
        Some((agents, cursor(page.next_cursor.as_ref())))
    };
    if let Some(page) = lazily() {
        return Ok(page);
    }
    let body = crate::client::parse_unusual(reply)?;
    let next = cursor(body.get("next_cursor"));
    Ok((models(unwrap_list(body, "agents")?)?, next))
}

impl Agents {
    /// Every agent (newest first), fetched lazily page by page following `next_cursor`. An
    /// agent already listed is not listed again; a page of agents all listed before ends the
    /// list with [`crate::Error::Decode`] (a cursor that moves while the page does not).
    pub fn list(&self, params: &AgentListParams) -> Pager<Agent> {
        let (client, params) = (self.client.clone(), params.clone());
        let mut listed = crate::pagination::SeenIds::default();
        Pager::new(move |token| {
            let cursor = match token {
                Some(PageToken::Cursor(c)) => Some(c.as_str()),
                _ => None,
            };
            let call = Call::get(&["v1", "agents"])
                .limit(BodyLimit::Page)
                .query(&CursorQuery {
                    params: &params,
                    cursor,
                });
            let (items, next) = decode_page(&client.reply(call)?)?;
            let had = items.len();
            let items: Vec<Agent> = items
                .into_iter()
                .filter(|a| listed.first_time(&a.agent_id))
                .collect();
            if had > 0 && items.is_empty() {
                return Err(stalled("a page of agents repeats agents listed before"));
            }
            Ok(Page::new(items, None, next.map(PageToken::Cursor)))
        })
    }

    /// Creates an agent. Retried on failure only when `agent_id` is given; then a 409 Conflict
    /// after an attempt that may have reached the service means that attempt created it, and
    /// the agent is read back instead of failing.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) for an answer outside 2xx,
    /// [`Error::Connection`](crate::Error::Connection) or [`Error::Timeout`](crate::Error::Timeout)
    /// when no answer came (after the retries the call allows),
    /// [`Error::Decode`](crate::Error::Decode) or
    /// [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse) for an answer that is not
    /// the expected JSON; [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an empty
    /// id, before anything is sent. Without `agent_id` the call is never re-sent once it may have
    /// reached the service: check [`Error::maybe_sent`](crate::Error::maybe_sent).
    pub fn create(&self, params: &AgentCreateParams) -> Result<Agent> {
        let Some(agent_id) = &params.agent_id else {
            let call = Call::post(&["v1", "agents"], Idempotency::Unsafe).body(params);
            let reply = self.client.reply(call)?;
            return model_one_of(&reply, parse_json(&reply)?, "agent");
        };
        let started = std::time::Instant::now();
        let call = Call::post(&["v1", "agents"], Idempotency::Safe).body(params);
        match self.client.reply_unless_own_conflict(call)? {
            Some(reply) => model_one_of(&reply, parse_json(&reply)?, "agent"),
            // The read-back is part of this call: it gets what is left of its time.
            None => self.client.rest_of_call(started)?.agents().get(agent_id),
        }
    }

    /// One agent. An unknown or deleted agent is a 403 "you do not have access to this agent"
    /// (the service never says 404 here); [`crate::Error::is_not_found`] covers both.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) for an answer outside 2xx,
    /// [`Error::Connection`](crate::Error::Connection) or [`Error::Timeout`](crate::Error::Timeout)
    /// when no answer came (after the retries the call allows),
    /// [`Error::Decode`](crate::Error::Decode) or
    /// [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse) for an answer that is not
    /// the expected JSON; [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an empty
    /// id, before anything is sent; a missing or deleted agent (403 from the service) is an
    /// [`Error::Api`](crate::Error::Api) for which
    /// [`Error::is_not_found`](crate::Error::is_not_found) is true.
    pub fn get<'a>(&self, agent_id: impl Into<AgentIdRef<'a>>) -> Result<Agent> {
        let agent_id = agent_id.into().as_str();
        model_one_lazily(
            &self.client.reply(Call::get(&["v1", "agents", agent_id]))?,
            Some("agent"),
        )
    }

    /// Deletes an agent and its runs.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) for an answer outside 2xx,
    /// [`Error::Connection`](crate::Error::Connection) or [`Error::Timeout`](crate::Error::Timeout)
    /// when no answer came (after the retries the call allows),
    /// [`Error::Decode`](crate::Error::Decode) or
    /// [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse) for an answer that is not
    /// the expected JSON; [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an empty
    /// id, before anything is sent; a missing agent is an [`Error::Api`](crate::Error::Api) for
    /// which [`Error::is_not_found`](crate::Error::is_not_found) is true.
    pub fn delete<'a>(&self, agent_id: impl Into<AgentIdRef<'a>>) -> Result<()> {
        let agent_id = agent_id.into().as_str();
        self.client.send(Call::delete(&["v1", "agents", agent_id]))
    }

    /// Moves an agent to another workspace.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) for an answer outside 2xx,
    /// [`Error::Connection`](crate::Error::Connection) or [`Error::Timeout`](crate::Error::Timeout)
    /// when no answer came (after the retries the call allows),
    /// [`Error::Decode`](crate::Error::Decode) or
    /// [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse) for an answer that is not
    /// the expected JSON; [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an empty
    /// id, before anything is sent; [`Error::OperationFailed`](crate::Error::OperationFailed) when
    /// the service answers 2xx but says it was not done.
    pub fn move_to<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        workspace_id: impl Into<WorkspaceIdRef<'a>>,
    ) -> Result<()> {
        let agent_id = agent_id.into().as_str();
        let workspace_id = workspace_id.into().as_str();
        let call = Call::post(&["v1", "agents", agent_id, "move"], Idempotency::Safe)
            .body(&MoveBody { workspace_id });
        self.client.send(call)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::{Model, sample};

    #[test]
    fn decodes_the_live_shape() {
        let a: Agent = sample(
            r##"{"agent_id":"019db59b-8abb-7913-bb07-a0f546af631f","agent_name":{"name":"Docs mirror"},"deployment_state":"draft","has_instruction_build":false,"has_runs":true,"icon_config":"{\"backgroundColor\":\"#4ADE80\"}","last_activity_at":"2026-04-22T14:32:42.961047100+00:00","latest_run_has_pending_input":false,"latest_run_id":"019db59b-8ad0-76d3-a040-5f37d3083999","latest_run_is_finished":false,"latest_run_status":"in_progress","workspace_id":"019db568-4171-7e62-9497-c42e4afd2b93","brand_new_field":7}"##,
        );
        assert_eq!(a.name.as_deref(), Some("Docs mirror"));
        assert_eq!(a.deployment_state, Some(DeploymentState::Draft));
        assert_eq!(a.latest_run_status, Some(RunStatus::InProgress));
        assert_eq!(a.raw()["brand_new_field"], 7);
        let fresh: Agent = sample(r#"{"agent_id":"x","deployment_state":"hibernating"}"#);
        assert_eq!(fresh.name, None);
        assert_eq!(
            fresh.deployment_state,
            Some(DeploymentState::Other("hibernating".into()))
        );
    }

    #[test]
    fn pages_read_lazily_equal_pages_read_from_values() {
        let page = r#"{"agents": [{"agent_id": "a", "agent_name": {"name": "N\u00e9"}, "x": [1]},
            {"agent_id": "b", "deployment_state": "draft"}], "next_cursor": "c2"}"#;
        let reply = crate::transport::Reply::fake(200, Some("application/json"), page);
        let (lazy, next) = decode_page(&reply).unwrap();
        let value: Value = serde_json::from_str(page).unwrap();
        let eager: Vec<Agent> = models(unwrap_list(value, "agents").unwrap()).unwrap();
        assert_eq!(lazy, eager);
        assert_eq!(next.as_deref(), Some("c2"));
        assert_eq!(lazy[0].raw()["x"][0], 1);
        assert_eq!(lazy[0].name.as_deref(), Some("N\u{e9}"));
    }

    #[test]
    fn agents_read_lazily_equal_agents_read_from_values() {
        let reply = |body: &str| crate::transport::Reply::fake(200, Some("application/json"), body);
        for body in [
            r#"{"agent": {"agent_id": "a", "agent_name": {"name": "N\u00e9"}, "has_runs": true, "x": [1, {"y": null}]}}"#,
            r#"{"agent_id": "top-level", "deployment_state": "draft"}"#,
            r#"{"agent": "not an object", "agent_id": "b"}"#,
            r#"{"agent": {"agent_id": "c", "score": 1e3}}"#,
            r#"{"agent": {"agent_id": "d", "agent_id": "e"}}"#,
        ] {
            let lazy: Agent = model_one_lazily(&reply(body), Some("agent")).unwrap();
            let eager: Agent =
                crate::resources::model_one(serde_json::from_str(body).unwrap(), "agent").unwrap();
            assert_eq!(lazy, eager, "{body}");
            assert_eq!(lazy.raw(), eager.raw(), "{body}");
        }
        for bad in [r#"{"agent": {"has_runs": true}}"#, "", "<html>"] {
            let lazy = model_one_lazily::<Agent>(&reply(bad), Some("agent")).unwrap_err();
            assert!(
                matches!(
                    lazy,
                    crate::Error::Decode { .. } | crate::Error::UnexpectedResponse { .. }
                ),
                "{bad}: {lazy:?}"
            );
        }
    }

    #[test]
    fn params_serialize_only_what_is_set() {
        let p = AgentCreateParams {
            workspace_id: Some("w".into()),
            is_subagent: Some(false),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({ "workspace_id": "w", "is_subagent": false })
        );
        let q = CursorQuery {
            params: &AgentListParams {
                limit: Some(5),
                ..Default::default()
            },
            cursor: Some("c1"),
        };
        assert_eq!(
            serde_json::to_value(&q).unwrap(),
            serde_json::json!({ "limit": 5, "cursor": "c1" })
        );
    }
}
