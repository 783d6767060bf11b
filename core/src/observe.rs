//! Per-attempt hooks: one [`Attempt`] record for every HTTP attempt a call makes, handed to a
//! callback set with [`ClientBuilder::on_attempt`](crate::ClientBuilder::on_attempt), for
//! metrics and traces (the examples turn it into OpenTelemetry spans). A record never holds the
//! API key, a query string or a body.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;

/// What one HTTP attempt of a call did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// The HTTP method, e.g. `GET`.
    pub method: String,
    /// The route with its ids replaced by names, e.g. `/v1/agents/{agent_id}/runs`.
    pub route: String,
    /// The HTTP status, when an answer came (any status, 2xx or not).
    pub status: Option<u16>,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// From sending the request to the end of reading the answer (or the failure).
    pub duration: Duration,
    /// The request id the service sent (`x-request-id`), if any.
    pub request_id: Option<String>,
    /// Why no answer came: `timeout`, `connection`, `too_large` (an answer over its size
    /// limit) or `other`; `None` when an answer came.
    pub error: Option<&'static str>,
}

/// A callback that receives every [`Attempt`]. It runs on the thread making the call, before the
/// call goes on (so keep it short); it must not panic.
pub type OnAttempt = Arc<dyn Fn(&Attempt) + Send + Sync>;

/// A hook in a struct that derives `Debug`.
#[derive(Clone, Default)]
pub(crate) struct Hook(pub Option<OnAttempt>);

impl fmt::Debug for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Some(<on_attempt>)"
        } else {
            "None"
        })
    }
}

impl Hook {
    /// Hands the record of one attempt to the callback, if there is one. `outcome` is the
    /// answer's status and request id, or the error that stopped the attempt.
    pub(crate) fn report(
        &self,
        method: &str,
        path: &str,
        attempt: u32,
        duration: Duration,
        outcome: Result<(u16, Option<&str>), &Error>,
    ) {
        let Some(hook) = &self.0 else { return };
        let (status, request_id, error) = match outcome {
            Ok((status, id)) => (Some(status), id.map(str::to_owned), None),
            Err(e) => (None, None, Some(error_kind(e))),
        };
        hook(&Attempt {
            method: method.to_owned(),
            route: route(path),
            status,
            attempt,
            duration,
            request_id,
            error,
        });
    }
}

fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::Timeout { .. } => "timeout",
        Error::Connection { .. } => "connection",
        e if crate::transport::is_too_large(e) => "too_large",
        _ => "other",
    }
}

/// Collections whose next segment is an id, and the id's name.
const IDS: [(&str, &str); 5] = [
    ("agents", "{agent_id}"),
    ("runs", "{run_id}"),
    ("webhooks", "{webhook_id}"),
    ("workspaces", "{workspace_id}"),
    ("access-api-keys", "{key_id}"),
];

/// The route template of an encoded path: every segment after a collection's name is its id
/// (`/v1/workspaces/reorder` is the one action named there).
pub(crate) fn route(path: &str) -> String {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut out = String::with_capacity(path.len());
    // The previous segment when it was a name (not an id).
    let mut after: Option<&str> = None;
    for (i, seg) in segments.iter().enumerate() {
        out.push('/');
        let id = IDS.iter().find(|(c, _)| Some(*c) == after).map(|(_, n)| *n);
        let action = after == Some("workspaces") && *seg == "reorder" && i + 1 == segments.len();
        match id {
            Some(name) if !action => {
                out.push_str(name);
                after = None;
            }
            _ => {
                out.push_str(seg);
                after = Some(seg);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_name_their_ids() {
        let cases = [
            ("/v1/me", "/v1/me"),
            ("/v1/agents", "/v1/agents"),
            ("/v1/agents/a%2Fb/runs", "/v1/agents/{agent_id}/runs"),
            (
                "/v1/agents/runs/runs/runs/events",
                "/v1/agents/{agent_id}/runs/{run_id}/events",
            ),
            (
                "/v1/agents/x/webhooks/w",
                "/v1/agents/{agent_id}/webhooks/{webhook_id}",
            ),
            (
                "/v1/agents/x/schedule/pause",
                "/v1/agents/{agent_id}/schedule/pause",
            ),
            ("/v1/workspaces/reorder", "/v1/workspaces/reorder"),
            ("/v1/workspaces/w1", "/v1/workspaces/{workspace_id}"),
            (
                "/api/public/v1/access-api-keys/k1",
                "/api/public/v1/access-api-keys/{key_id}",
            ),
        ];
        for (path, want) in cases {
            assert_eq!(route(path), want, "{path}");
        }
    }

    #[test]
    fn a_record_holds_no_query_and_names_the_error() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = seen.clone();
        let hook = Hook(Some(Arc::new(move |a: &Attempt| {
            sink.lock().unwrap().push(a.clone())
        })));
        let timeout = Error::Timeout {
            message: "no response".into(),
            maybe_sent: true,
            source: None,
        };
        hook.report(
            "GET",
            "/v1/agents/a1",
            2,
            Duration::from_millis(5),
            Err(&timeout),
        );
        hook.report("GET", "/v1/me", 1, Duration::ZERO, Ok((200, Some("req-1"))));
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0].route, "/v1/agents/{agent_id}");
        assert_eq!(
            (seen[0].attempt, seen[0].error, seen[0].status),
            (2, Some("timeout"), None)
        );
        assert_eq!(seen[1].request_id.as_deref(), Some("req-1"));
        assert!(format!("{:?}", Hook::default()).contains("None"));
    }
}
