//! twin-core: the Rust client for the Twin REST API.
//!
//! This crate is the one implementation behind the Python package and the C library: every
//! endpoint, the error model, retries, paging, waiting for runs, following their events,
//! verifying webhook deliveries and cron, written once.
//!
//! ```
//! use twin_core::{AgentCreateParams, Client, RunStartParams, RunStatus, WaitOptions};
//! # let emulator = twin_emulator::Emulator::start(Default::default()).unwrap();
//! # let (url, key) = (emulator.url().to_string(), emulator.api_key().to_string());
//!
//! // Or Client::from_env(), which reads TWIN_API_KEY and TWIN_BASE_URL.
//! let client = Client::builder().api_key(key).base_url(url).build()?;
//! let agent = client.agents().create(&AgentCreateParams::default())?;
//! client.instructions().update(&agent.agent_id, "Say hello.", &Default::default())?;
//!
//! let run = client.runs().start(&agent.agent_id, &RunStartParams::default().message("Hello!"))?;
//! for event in client.events().follow(&agent.agent_id, &run.run_id, &Default::default()) {
//!     println!("{}", event?.kind); // Started, RunPolicyInitialized, ..., Finished
//! }
//! let run = client.runs().wait(&agent.agent_id, &run.run_id, &WaitOptions::default())?;
//! assert_eq!(run.status, Some(RunStatus::Completed));
//!
//! // Lists page lazily; filters apply to every page.
//! for agent in client.agents().list(&Default::default()) {
//!     println!("{}", agent?.agent_id);
//! }
//! # Ok::<(), twin_core::Error>(())
//! ```
//!
//! # What is where
//!
//! * [`Client`] ([`ClientBuilder`], [`Timeouts`]): one per process is enough; cheap to clone,
//!   `Send + Sync`. Resource handles: [`Client::me`], [`Client::api_keys`],
//!   [`Client::workspaces`], [`Client::agents`], [`Client::runs`], [`Client::events`],
//!   [`Client::webhooks`], [`Client::schedules`], [`Client::instructions`].
//! * [`Error`] and [`Result`]: one error type, with [`Problem`] details read from every error
//!   body the service sends ([`Problem::from_response`]).
//! * [`Pager`]: the lazy iterator every list returns ([`Pager::pages`] for pages).
//! * [`Event`]: run events with their nested type unwrapped and protobuf `Value` trees decoded
//!   ([`decode_value`]); [`final_output`] picks a run's answer from its events.
//! * [`webhooks`]: verify `X-Cobb-Signature` on deliveries ([`webhooks::verify`],
//!   [`webhooks::unwrap`]) and sign bodies for tests ([`webhooks::sign`]).
//! * [`cron`]: validate Twin's 7-field cron expressions and compute fire times (UTC,
//!   day-of-week 1 = Sunday).
//!
//! # Retries and time limits
//!
//! A call makes up to `1 + max_retries` attempts (default 2 retries) within its total timeout
//! (default 120 s; each attempt 60 s; connecting 10 s). Always retried: connections that
//! failed before the request was sent (refused, DNS, TLS). Retried only for calls that are
//! safe to repeat (reads, DELETE, cancel, pause, resume, reorder, move, agent creation with an
//! explicit id): 429 (after its `Retry-After`, obeyed up to 60 s), timeouts, dropped
//! connections, 408, 500, 502, 503, 504. Starting a run, writing instructions (each write is a
//! new version) and creating a key, webhook, workspace or agent without an id are never sent
//! twice, not even after a 429: the error carries `retry_after`. Pauses grow as
//! `min(0.5 s * 2^n, 8 s)` with jitter.
//!
//! # Logging
//!
//! Through the `log` crate, at debug level: one line per attempt (method, path, status,
//! attempt, elapsed). Never the API key, a signing secret or an event body.
#![deny(missing_docs)]
// Every fallible public function says when it fails (`make lint` denies warnings).
#![warn(clippy::missing_errors_doc)]

#[macro_use]
mod setters;
#[cfg(feature = "tokio")]
mod async_client;
mod cancel;
mod client;
pub mod cron;
mod de;
mod error;
mod events;
mod ids;
mod observe;
mod pagination;
mod problem;
mod raw;
mod resolve;
mod resources;
mod scrub;
mod signature;
mod transport;

pub use error::{AGENT_NOT_FOUND_DETAIL, Error, Result, Source};
pub use events::{Event, decode_value, final_output};
pub use ids::{
    AgentId, AgentIdRef, RunId, RunIdRef, WebhookId, WebhookIdRef, WorkspaceId, WorkspaceIdRef,
};
pub use observe::{Attempt, OnAttempt};
pub use problem::{Problem, reason_phrase};
pub use raw::RawResponse;
pub use signature::SignatureError;

#[cfg(feature = "tokio")]
pub use async_client::{AsyncClient, EventStream};
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
    #[cfg(feature = "http")]
    pub use crate::signature::unwrap_header_map;
    pub use crate::signature::{
        DEFAULT_MAX_BODY, DEFAULT_TOLERANCE, EVENT_HEADER, SIGNATURE_HEADER, SIGNATURE_PREFIX,
        SignatureError, UnwrapOptions, Verifier, WebhookEvent, WebhookEventKind, sign, unwrap,
        unwrap_headers, verify,
    };
}
