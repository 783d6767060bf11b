//! `/v1/agents/{agent_id}/instructions`: the agent's instructions and their version history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::{Call, Client};
use crate::error::Result;
use crate::ids::AgentIdRef;
use crate::resources::{model, model_list, model_opt};
use crate::transport::BodyLimit;

/// The agent's current instructions.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Instructions {
    /// The text (Markdown).
    pub content: String,
    /// SHA-256 of the content, hex.
    #[serde(default)]
    pub content_hash: Option<String>,
    /// When this version was written.
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Where it came from, e.g. `api:...` or `checkpoint:instructions:...`.
    #[serde(default)]
    pub source_id: Option<String>,
    #[serde(skip)]
    raw: Value,
}

/// One version in the history.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct InstructionVersion {
    /// The version's integer id.
    #[serde(deserialize_with = "crate::de::u64_lenient")]
    pub id: u64,
    /// The text.
    #[serde(default)]
    pub content: String,
    /// SHA-256 of the content, hex.
    #[serde(default)]
    pub content_hash: Option<String>,
    /// When it was written.
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    pub created_at: Option<DateTime<Utc>>,
    /// `api`, `checkpoint`, ...
    #[serde(default)]
    pub source_type: Option<String>,
    /// The writer's reference.
    #[serde(default)]
    pub source_id: Option<String>,
    #[serde(skip)]
    raw: Value,
}
model!(Instructions, InstructionVersion);

/// What [`InstructionsApi::update`] writes besides the content.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct InstructionsUpdateParams {
    /// Where the text comes from; unset, the service records `checkpoint` with a `source_id`
    /// of its own (tests/vectors/real/live-calls.json calls 14 and 16).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    /// The writer's own reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
}

setters!(InstructionsUpdateParams {
    into: [source_type: String, source_id: String],
    some: [],
    set: [],
});

#[derive(Serialize)]
struct UpdateBody<'a> {
    content: &'a str,
    #[serde(flatten)]
    params: &'a InstructionsUpdateParams,
}

#[derive(Serialize)]
struct HistoryQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<u32>,
}

/// Instruction endpoints; from [`Client::instructions`].
///
/// ```
/// # let emulator = twin_emulator::Emulator::start(Default::default()).unwrap();
/// # let client = twin_core::Client::builder().api_key(emulator.api_key()).base_url(emulator.url()).build()?;
/// # let agent_id = client.agents().create(&Default::default())?.agent_id;
/// client.instructions().update(&agent_id, "Say hello.", &Default::default())?;
/// client.instructions().update(&agent_id, "Say hello, politely.", &Default::default())?;
/// let current = client.instructions().get(&agent_id)?.expect("written above");
/// assert_eq!(current.content, "Say hello, politely.");
/// assert_eq!(client.instructions().history(&agent_id, None)?.len(), 2);
/// # Ok::<(), twin_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct InstructionsApi {
    client: Client,
}

impl Client {
    /// Instructions of agents.
    pub fn instructions(&self) -> InstructionsApi {
        InstructionsApi {
            client: self.clone(),
        }
    }
}

impl InstructionsApi {
    /// The current instructions, or `None` (the service answers `{}`).
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) for an answer outside 2xx,
    /// [`Error::Connection`](crate::Error::Connection) or [`Error::Timeout`](crate::Error::Timeout)
    /// when no answer came (after the retries the call allows),
    /// [`Error::Decode`](crate::Error::Decode) or
    /// [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse) for an answer that is not
    /// the expected JSON; [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an empty
    /// id, before anything is sent.
    pub fn get<'a>(&self, agent_id: impl Into<AgentIdRef<'a>>) -> Result<Option<Instructions>> {
        let agent_id = agent_id.into().as_str();
        model_opt(
            self.client.json(
                Call::get(&["v1", "agents", agent_id, "instructions"]).limit(BodyLimit::Page),
            )?,
            "instructions",
        )
    }

    /// Replaces the instructions; each write adds a version to the history, so a write whose
    /// answer was lost is not sent again blindly: the instructions are read back, the call
    /// succeeds if they hold `content`, and only otherwise is the write sent again (as after a
    /// 429), within the client's retries and total timeout.
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
    /// the service answers 2xx but says it was not done. Never re-sent once it may have reached the
    /// service (each write is a new version).
    pub fn update<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        content: &str,
        params: &InstructionsUpdateParams,
    ) -> Result<()> {
        let agent_id = agent_id.into().as_str();
        let started = std::time::Instant::now();
        let mut client = self.client.clone();
        let mut retry = 0;
        loop {
            let call = Call::put(&["v1", "agents", agent_id, "instructions"])
                .body(&UpdateBody { content, params })
                .unsafe_to_repeat();
            let Err(e) = client.send(call) else {
                return Ok(());
            };
            // Each PUT adds a version: after an answer that was lost, read the instructions
            // back (within the call's time) and send again only if they do not hold ours.
            if e.maybe_sent() {
                let Ok(rest) = self.client.rest_of_call(started) else {
                    return Err(e);
                };
                match rest.instructions().get(agent_id) {
                    Ok(Some(current)) if current.content == content => return Ok(()),
                    Ok(_) => {}
                    Err(_) => return Err(e),
                }
            }
            let hint = e
                .retry_after()
                .filter(|d| *d <= crate::transport::MAX_RETRY_AFTER);
            let again = (e.maybe_sent() || e.is_rate_limited())
                && retry < self.client.timeouts().max_retries
                && (!e.is_rate_limited() || e.retry_after().is_none() || hint.is_some());
            let pause = hint
                .unwrap_or_default()
                .max(crate::transport::backoff(retry));
            client = match self.client.rest_of_call(started) {
                Ok(rest) if again && rest.timeouts().total > pause => rest,
                _ => return Err(e),
            };
            std::thread::sleep(pause);
            retry += 1;
        }
    }

    /// Every version, the current one included, newest first as the service orders them (one
    /// version was captured live); all of them unless `limit`.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) for an answer outside 2xx,
    /// [`Error::Connection`](crate::Error::Connection) or [`Error::Timeout`](crate::Error::Timeout)
    /// when no answer came (after the retries the call allows),
    /// [`Error::Decode`](crate::Error::Decode) or
    /// [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse) for an answer that is not
    /// the expected JSON; [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an empty
    /// id, before anything is sent.
    pub fn history<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        limit: Option<u32>,
    ) -> Result<Vec<InstructionVersion>> {
        let agent_id = agent_id.into().as_str();
        let call = Call::get(&["v1", "agents", agent_id, "instructions", "history"])
            .query(&HistoryQuery { limit })
            .limit(BodyLimit::Page);
        model_list(self.client.json(call)?, "instruction_versions")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::{Model, sample};

    #[test]
    fn decodes_live_shapes() {
        let v: InstructionVersion = sample(
            r#"{"content":"x","content_hash":"da27","created_at":"2026-04-22T14:43:45.469076031+00:00","id":109843,"source_id":"checkpoint:instructions:t","source_type":"checkpoint","storage_key":"agents/a/instructions/1.md"}"#,
        );
        assert_eq!(v.id, 109_843);
        assert_eq!(v.raw()["storage_key"], "agents/a/instructions/1.md");
        let body = serde_json::to_value(UpdateBody {
            content: "c",
            params: &InstructionsUpdateParams {
                source_type: Some("api".into()),
                source_id: None,
            },
        })
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({ "content": "c", "source_type": "api" })
        );
    }
}
