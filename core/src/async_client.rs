//! [`AsyncClient`], for tokio programs (cargo feature `tokio`).
//!
//! The [`Client`] is blocking: each call holds its thread until the answer (or its timeout;
//! a [`Runs::wait`](crate::Runs::wait) for up to 10 minutes by default). Called straight from
//! async code, it stalls a runtime worker and every task scheduled on it. [`AsyncClient`] runs
//! each call on tokio's blocking thread pool ([`tokio::task::spawn_blocking`]) instead, and
//! turns [`Events::follow`](crate::Events::follow) into a [`Stream`](futures_core::Stream).
//!
//! ```
//! use futures_util::StreamExt;
//! use twin_core::{AgentCreateParams, AsyncClient, Client, RunStartParams};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> twin_core::Result<()> {
//! # let emulator = twin_emulator::Emulator::start(Default::default()).unwrap();
//! # let (url, key) = (emulator.url().to_string(), emulator.api_key().to_string());
//! let client = AsyncClient::new(Client::builder().api_key(key).base_url(url).build()?);
//! let agent = client.call(|c| c.agents().create(&AgentCreateParams::default())).await?;
//! let agent_id = agent.agent_id.clone();
//! let run = client
//!     .call(move |c| c.runs().start(&agent_id, &RunStartParams::default().message("Hi")))
//!     .await?;
//! let mut events = client.follow(&agent.agent_id, &run.run_id, &Default::default());
//! while let Some(event) = events.next().await {
//!     println!("{}", event?.kind);
//! }
//! # Ok(())
//! # }
//! ```

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::mpsc;

use crate::{AgentIdRef, CancelToken, Client, Error, Event, FollowOptions, Result, RunIdRef};

/// Events read ahead of the stream's consumer before the follow waits for it.
const FOLLOW_BUFFER: usize = 64;

/// A [`Client`] for async code: every call runs on tokio's blocking pool. Cheap to clone,
/// `Send + Sync`; needs a tokio runtime (any flavor) with the `rt` feature.
#[derive(Clone, Debug)]
pub struct AsyncClient {
    client: Client,
}

impl AsyncClient {
    /// Wraps a blocking client (which keeps its connections, limits and retries).
    pub fn new(client: Client) -> AsyncClient {
        AsyncClient { client }
    }

    /// The blocking client, for use on threads of your own.
    pub fn blocking(&self) -> &Client {
        &self.client
    }

    /// Runs `call` with the blocking client on tokio's blocking pool and waits for it without
    /// holding up the runtime: `client.call(|c| c.me()).await`. The closure owns what it
    /// uses (`move`), since it runs on another thread.
    ///
    /// Dropping the future does not stop a call already started (a blocking call cannot be
    /// interrupted): give [`Runs::wait`](crate::Runs::wait) a [`CancelToken`] to stop a
    /// wait early.
    ///
    /// # Errors
    ///
    /// The call's own error; [`Error::Cancelled`] when the runtime shut down before the call ran. A
    /// panic in `call` is resumed in the caller.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, as [`tokio::task::spawn_blocking`] does.
    pub async fn call<T, F>(&self, call: F) -> Result<T>
    where
        F: FnOnce(&Client) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let client = self.client.clone();
        match tokio::task::spawn_blocking(move || call(&client)).await {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(Error::Cancelled),
        }
    }

    /// [`Events::follow`](crate::Events::follow) as a [`Stream`](futures_core::Stream) of
    /// events: the follow polls on tokio's blocking pool, up to 64 events ahead of the
    /// consumer. The stream yields an `Err` once (then ends) on a failure, a timeout or a
    /// cancellation, and ends when the run has ended and its events are drained.
    ///
    /// Dropping the stream stops the follow within about 25 ms: it cancels `opts.cancel`
    /// (or a token of its own when there is none).
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, as [`tokio::task::spawn_blocking`] does.
    pub fn follow<'a>(
        &self,
        agent_id: impl Into<AgentIdRef<'a>>,
        run_id: impl Into<RunIdRef<'a>>,
        opts: &FollowOptions,
    ) -> EventStream {
        let cancel = opts.cancel.clone().unwrap_or_default();
        let opts = opts.clone().cancel(cancel.clone());
        let follow = self.client.events().follow(agent_id, run_id, &opts);
        let (sender, receiver) = mpsc::channel(FOLLOW_BUFFER);
        tokio::task::spawn_blocking(move || {
            for item in follow {
                if sender.blocking_send(item).is_err() {
                    break; // the stream was dropped
                }
            }
        });
        EventStream { receiver, cancel }
    }
}

/// The events of a run as they come; from [`AsyncClient::follow`]. Dropping it stops the
/// follow.
#[derive(Debug)]
#[must_use = "events are only seen when the stream is polled"]
pub struct EventStream {
    receiver: mpsc::Receiver<Result<Event>>,
    cancel: CancelToken,
}

impl futures_core::Stream for EventStream {
    type Item = Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.receiver.poll_recv(cx)
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}
