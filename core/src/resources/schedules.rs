//! `/v1/agents/{agent_id}/schedule` and `/v1/schedules`: cron schedules that start runs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::{Call, Client};
use crate::error::Result;
use crate::ids::{AgentId, AgentIdRef};
use crate::resources::{model, model_list, model_opt};
use crate::transport::Idempotency;

/// An agent's schedule.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Schedule {
    /// The agent it starts.
    #[serde(default)]
    pub agent_id: AgentId,
    /// A 7-field cron expression (`sec min hour day month weekday year`, UTC, 1 = Sunday).
    pub cron: String,
    /// Paused by a user.
    #[serde(default)]
    pub paused: bool,
    /// Paused by the service after repeated failures.
    #[serde(default)]
    pub auto_paused: bool,
    /// Failed scheduled runs in a row.
    #[serde(default, deserialize_with = "crate::de::u64_lenient")]
    pub consecutive_failures: u64,
    /// Next fire time (sent as Unix seconds).
    #[serde(default, deserialize_with = "crate::de::opt_timestamp")]
    pub next_run: Option<DateTime<Utc>>,
    #[serde(skip)]
    raw: Value,
}
model!(Schedule);

#[derive(Serialize)]
struct CronBody<'a> {
    cron: &'a str,
}

/// Schedule endpoints; from [`Client::schedules`].
///
/// ```
/// # let emulator = twin_emulator::Emulator::start(Default::default()).unwrap();
/// # let client = twin_core::Client::builder().api_key(emulator.api_key()).base_url(emulator.url()).build()?;
/// # let agent_id = client.agents().create(&Default::default())?.agent_id;
/// // Every weekday at 09:00 UTC (Twin's 7 fields: seconds first, years last).
/// client.schedules().set(&agent_id, "0 0 9 * * Mon-Fri *")?;
/// client.schedules().pause(&agent_id)?;
/// let schedule = client.schedules().get(&agent_id)?.expect("set above");
/// assert!(schedule.paused);
/// client.schedules().delete(&agent_id)?;
/// assert!(client.schedules().get(&agent_id)?.is_none());
/// # Ok::<(), twin_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Schedules {
    client: Client,
}

impl Client {
    /// Cron schedules of agents.
    pub fn schedules(&self) -> Schedules {
        Schedules {
            client: self.clone(),
        }
    }
}

impl Schedules {
    /// The agent's schedule, or `None` (the service answers `{}`).
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
    pub fn get<'a>(&self, agent_id: impl Into<AgentIdRef<'a>>) -> Result<Option<Schedule>> {
        let agent_id = agent_id.into().as_str();
        model_opt(
            self.client
                .json(Call::get(&["v1", "agents", agent_id, "schedule"]))?,
            "schedule",
        )
    }

    /// Creates or replaces the schedule. The expression is checked locally first
    /// ([`crate::Error::InvalidCron`], no request sent).
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) for an answer outside 2xx,
    /// [`Error::Connection`](crate::Error::Connection) or [`Error::Timeout`](crate::Error::Timeout)
    /// when no answer came (after the retries the call allows),
    /// [`Error::Decode`](crate::Error::Decode) or
    /// [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse) for an answer that is not
    /// the expected JSON; [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an empty
    /// id, before anything is sent; [`Error::InvalidCron`](crate::Error::InvalidCron) for an
    /// expression [`cron::validate`](crate::cron::validate) refuses, before anything is sent;
    /// [`Error::OperationFailed`](crate::Error::OperationFailed) when the service answers 2xx but
    /// says it was not done.
    pub fn set<'a>(&self, agent_id: impl Into<AgentIdRef<'a>>, cron: &str) -> Result<()> {
        let agent_id = agent_id.into().as_str();
        crate::cron::validate(cron)?;
        self.client.send(
            Call::put(&["v1", "agents", agent_id, "schedule"])
                .body(&CronBody { cron: cron.trim() }),
        )
    }

    /// Removes the schedule.
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
    pub fn delete<'a>(&self, agent_id: impl Into<AgentIdRef<'a>>) -> Result<()> {
        let agent_id = agent_id.into().as_str();
        self.client
            .send(Call::delete(&["v1", "agents", agent_id, "schedule"]))
    }

    /// Stops the schedule from firing until resumed.
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
    /// the service answers 2xx but says it was not done (e.g. no schedule).
    pub fn pause<'a>(&self, agent_id: impl Into<AgentIdRef<'a>>) -> Result<()> {
        let agent_id = agent_id.into().as_str();
        self.client.send(
            Call::post(
                &["v1", "agents", agent_id, "schedule", "pause"],
                Idempotency::Safe,
            )
            .body(&serde_json::json!({})),
        )
    }

    /// Lets a paused schedule fire again.
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
    /// the service answers 2xx but says it was not done (e.g. no schedule).
    pub fn resume<'a>(&self, agent_id: impl Into<AgentIdRef<'a>>) -> Result<()> {
        let agent_id = agent_id.into().as_str();
        self.client.send(
            Call::post(
                &["v1", "agents", agent_id, "schedule", "resume"],
                Idempotency::Safe,
            )
            .body(&serde_json::json!({})),
        )
    }

    /// Every schedule of the user, across agents.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) for an answer outside 2xx,
    /// [`Error::Connection`](crate::Error::Connection) or [`Error::Timeout`](crate::Error::Timeout)
    /// when no answer came (after the retries the call allows),
    /// [`Error::Decode`](crate::Error::Decode) or
    /// [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse) for an answer that is not
    /// the expected JSON.
    pub fn list(&self) -> Result<Vec<Schedule>> {
        model_list(
            self.client.json(Call::get(&["v1", "schedules"]))?,
            "schedules",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::sample;
    use serde_json::json;

    #[test]
    fn decodes_and_reads_empty_as_none() {
        let s: Schedule = sample(
            r#"{"agent_id":"a","auto_paused":false,"consecutive_failures":"0","cron":"0 0 * * * * *","next_run":1776870000,"paused":false}"#,
        );
        assert_eq!(s.next_run.unwrap().timestamp(), 1_776_870_000);
        assert_eq!(model_opt::<Schedule>(json!({}), "schedule").unwrap(), None);
        assert_eq!(
            model_opt::<Schedule>(json!({ "schedule": null }), "schedule").unwrap(),
            None
        );
        assert_eq!(
            model_opt::<Schedule>(Value::Null, "schedule").unwrap(),
            None
        );
        let some = model_opt::<Schedule>(
            json!({ "schedule": { "cron": "* * * * * * *" } }),
            "schedule",
        )
        .unwrap();
        assert_eq!(some.unwrap().cron, "* * * * * * *");
    }
}
