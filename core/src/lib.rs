//! twin-core: the Rust client for the Twin REST API.
//!
//! This crate is the one implementation behind the Python package and the C library. So far it
//! holds the pieces that need no network:
//!
//! * [`Error`] and [`Result`]: one error type for everything, with [`Problem`] details read
//!   from every error body the service sends ([`Problem::from_response`]);
//! * [`webhooks`]: verify `X-Cobb-Signature` on webhook deliveries ([`webhooks::verify`],
//!   [`webhooks::unwrap`]) and sign bodies for tests ([`webhooks::sign`]);
//! * [`cron`]: validate Twin's 7-field cron expressions and compute fire times (UTC,
//!   day-of-week 1 = Sunday);
//! * [`Event`]: run events with their nested type unwrapped and protobuf `Value` trees decoded
//!   ([`decode_value`]), and [`final_output`] to pick a run's answer from its events.
//!
//! ```
//! use twin_core::webhooks::{self, UnwrapOptions, WebhookEventKind};
//!
//! let body = br#"{"event":"run.completed","timestamp":"2026-03-11T14:32:15Z",
//!   "data":{"run_id":"r1","agent_id":"a1","status":"completed","outcome":"success"}}"#;
//! let secret = "whsec_example";
//! let header = webhooks::sign(body, secret); // what Twin sends as X-Cobb-Signature
//!
//! let opts = UnwrapOptions { tolerance: None, ..UnwrapOptions::default() };
//! let event = webhooks::unwrap(body, Some(&header), Some("run.completed"), &[secret], &opts)?;
//! assert_eq!(event.kind, WebhookEventKind::RunCompleted);
//! assert_eq!(event.outcome.as_deref(), Some("success"));
//!
//! twin_core::cron::validate("0 0 9 * * MON-FRI *")?;
//! # Ok::<(), twin_core::Error>(())
//! ```
#![deny(missing_docs)]
// `Error::Api` carries its `Problem` inline, as the bindings and callers expect; the size only
// matters on the error path, which already involved a network round trip.
#![allow(clippy::result_large_err)]

mod cancel;
mod client;
pub mod cron;
mod de;
mod error;
mod events;
mod pagination;
mod problem;
mod resources;
mod signature;
mod transport;

pub use error::{AGENT_NOT_FOUND_DETAIL, Error, Result};
pub use events::{Event, decode_value, final_output};
pub use problem::{Problem, reason_phrase};
pub use signature::SignatureError;

pub use cancel::CancelToken;
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, ENV_API_KEY, ENV_BASE_URL};
pub use pagination::{Page, Pager, Pages};
pub use resources::Model;
pub use resources::agents::{Agent, AgentCreateParams, AgentListParams, Agents, DeploymentState};
pub use resources::api_keys::{ApiKey, ApiKeys, CreatedApiKey, MAX_KEY_NAME_CHARS};
pub use resources::events::{EventListParams, Events, Follow, FollowOptions, MAX_EVENTS_PER_PAGE};
pub use resources::instructions::{
    InstructionVersion, Instructions, InstructionsApi, InstructionsUpdateParams,
};
pub use resources::me::Me;
pub use resources::runs::{
    CancelResult, Outcome, Run, RunListParams, RunMode, RunStartParams, RunStatus, Runs,
    WaitOptions,
};
pub use resources::schedules::{Schedule, Schedules};
pub use resources::webhooks::{
    CreatedWebhook, WEBHOOK_EVENT_TYPES, Webhook, WebhookStatus, WebhookUpdateParams, Webhooks,
};
pub use resources::workspaces::{Workspace, Workspaces};
pub use transport::Timeouts;

/// Webhook deliveries: verify `X-Cobb-Signature`, check `X-Cobb-Event` and the timestamp, and
/// read the payload into a [`WebhookEvent`](webhooks::WebhookEvent) (twin-api.md section 5).
///
/// Always verify the raw body bytes, before parsing them. Pass several secrets while rotating
/// from an old webhook to a new one.
pub mod webhooks {
    pub use crate::signature::{
        DEFAULT_MAX_BODY, DEFAULT_TOLERANCE, EVENT_HEADER, SIGNATURE_HEADER, SIGNATURE_PREFIX,
        SignatureError, UnwrapOptions, Verifier, WebhookEvent, WebhookEventKind, sign, unwrap,
        unwrap_headers, verify,
    };
}
