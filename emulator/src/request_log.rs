//! The log of requests the emulator received, shown by the inspector (`/_emulator/ui`): method,
//! path and query, status, duration, time and the fault injected, if any. Never a header or a
//! body; a key found in the path or the query is replaced by `[key]`. The inspector's own
//! requests (`/_emulator/ui...`) are not logged. The last [`CAPACITY`] requests are kept.

use std::collections::VecDeque;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::app::AppState;
use crate::faults::{DropConnection, Injected};
use crate::ids::rfc3339;

/// Requests kept; older ones are forgotten.
pub const CAPACITY: usize = 1000;

/// Shortest key replaced wherever it appears in a path; a shorter one is replaced only where it
/// is a whole path segment or query value (so the key `test` leaves `/v1/agents/test-1` alone).
const MIN_SUBSTRING_KEY: usize = 8;

struct Entry {
    seq: u64,
    at: DateTime<Utc>,
    method: String,
    path: String,
    /// `None` when the connection was dropped without an answer.
    status: Option<u16>,
    ms: f64,
    fault: Option<&'static str>,
}

#[derive(Default)]
pub struct RequestLog {
    entries: VecDeque<Entry>,
    next_seq: u64,
}

impl RequestLog {
    fn push(&mut self, mut entry: Entry) {
        self.next_seq += 1;
        entry.seq = self.next_seq;
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// The entries logged after `after` (a `seq`), oldest first, and the last `seq` given.
    pub fn since(&self, after: u64) -> Value {
        let items: Vec<Value> = self
            .entries
            .iter()
            .filter(|e| e.seq > after)
            .map(|e| {
                json!({
                    "seq": e.seq,
                    "at": rfc3339(e.at),
                    "method": e.method,
                    "path": e.path,
                    "status": e.status,
                    "ms": (e.ms * 10.0).round() / 10.0,
                    "fault": e.fault,
                })
            })
            .collect();
        json!({ "items": items, "last": self.next_seq })
    }
}

/// Middleware around the whole router: times each request and logs it once answered.
pub async fn record(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let uri = req.uri();
    // The inspector's own requests (its page and its polling) are not logged.
    if uri.path().starts_with(crate::ui::PATH) {
        return next.run(req).await;
    }
    let method = req.method().to_string();
    let raw_path = match uri.query() {
        Some(q) => format!("{}?{q}", uri.path()),
        None => uri.path().to_string(),
    };
    let (at, start) = (Utc::now(), Instant::now());
    let resp = next.run(req).await;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let dropped = resp.extensions().get::<DropConnection>().is_some();
    let fault = resp.extensions().get::<Injected>().map(|i| i.0);
    let path = {
        let store = app.store();
        let keys: Vec<&str> = store.keys.iter().map(|k| k.key.as_str()).collect();
        redact(&raw_path, &keys, &app.admin_key)
    };
    app.requests().push(Entry {
        seq: 0,
        at,
        method,
        path,
        status: (!dropped).then(|| resp.status().as_u16()),
        ms,
        fault,
    });
    resp
}

/// `path` with every key in `keys` (and `admin_key`) replaced by `[key]`, percent-encoded or
/// not; see [`MIN_SUBSTRING_KEY`].
fn redact(path: &str, keys: &[&str], admin_key: &str) -> String {
    let mut out = String::with_capacity(path.len());
    // Tokens are the runs between `/`, `?`, `&` and `=`; the separators are kept.
    for piece in path.split_inclusive(['/', '?', '&', '=']) {
        let (token, sep) = match piece.char_indices().last() {
            Some((i, '/' | '?' | '&' | '=')) => piece.split_at(i),
            _ => (piece, ""),
        };
        let decoded = percent_decoded(token);
        let secret = keys.iter().chain([&admin_key]).any(|k| {
            !k.is_empty()
                && [token, decoded.as_str()]
                    .iter()
                    .any(|t| *t == *k || (k.len() >= MIN_SUBSTRING_KEY && t.contains(k)))
        });
        out.push_str(if secret { "[key]" } else { token });
        out.push_str(sep);
    }
    out
}

/// `%XX` sequences decoded (invalid ones and invalid UTF-8 kept as they are, lossily).
fn percent_decoded(token: &str) -> String {
    percent_encoding::percent_decode_str(token)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn keys_are_replaced_in_paths_and_queries() {
        let long = "twin_0123456789abcdef0123456789abcdef_secretsecret";
        assert_eq!(
            redact(&format!("/v1/x/{long}?a=1&k={long}"), &[long], "admin"),
            "/v1/x/[key]?a=1&k=[key]"
        );
        assert_eq!(
            redact(&format!("/v1/x/pre{long}post"), &[], long),
            "/v1/x/[key]"
        );
        // A short key only where it is a whole token.
        assert_eq!(
            redact("/v1/agents/test-1?key=test", &["test"], "adminkey-long"),
            "/v1/agents/test-1?key=[key]"
        );
        assert_eq!(redact("/v1/agents", &[], ""), "/v1/agents");
        // Percent-encoded, as a key with `/` or spaces must be in a path or a query.
        assert_eq!(
            redact("/v1/x?k=my%20key%2Fone&a=%zz", &[], "my key/one"),
            "/v1/x?k=[key]&a=%zz"
        );
        assert_eq!(
            redact("/v1/x/%74win", &["twin"], "admin-key"),
            "/v1/x/[key]"
        );
    }
}
