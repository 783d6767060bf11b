//! `Client::request`: any route, for what the SDK does not model yet, with the same key,
//! retries, time limits, errors and redaction as every other call.

use serde_json::{Map, Value};

use crate::client::{Call, Client, parse_json};
use crate::error::{Error, Result};
use crate::transport::{BodyLimit, Idempotency};

/// The answer to [`Client::request`]: a 2xx (any other status is an [`Error::Api`], as from
/// every call).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RawResponse {
    /// The HTTP status, e.g. 200.
    pub status: u16,
    /// The headers the SDK reads, lowercase, when the service sent them: `content-type`,
    /// `x-request-id`, `retry-after`, `allow`. The key never appears.
    pub headers: Vec<(String, String)>,
    /// The body as JSON; `None` when it was empty (e.g. 204).
    pub json: Option<Value>,
    /// The request id the service sent (`x-request-id`), if any.
    pub request_id: Option<String>,
}

impl Client {
    /// Calls any route of the API: `method` is `GET`, `POST`, `PUT`, `PATCH` or `DELETE`;
    /// `path` is the path after the base URL (`/v1/agents/{id}`), its segments given
    /// unencoded (each is percent-encoded; an empty one is refused); `query` holds the query
    /// parameters (one value per name, sent sorted by name); `body` is sent as JSON. `GET`,
    /// `PUT` and `DELETE` are retried as any safe call; `POST` and `PATCH` only when they
    /// certainly were not sent. Answers of up to 32 MiB.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an unknown method or an empty path segment, before
    /// anything is sent; otherwise the errors of any call: [`Error::Api`] for a 4xx/5xx answer,
    /// [`Error::Connection`], [`Error::Timeout`], [`Error::Decode`] for a body that is not JSON.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<RawResponse> {
        let Some(rest) = path.strip_prefix('/') else {
            return Err(Error::InvalidArgument(format!(
                "path must start with '/' (the part after the base URL), got {path:?}"
            )));
        };
        if rest.contains(['?', '#']) {
            return Err(Error::InvalidArgument(
                "path must not hold a query or a fragment: pass query pairs instead".into(),
            ));
        }
        let segments: Vec<&str> = rest.split('/').collect();
        let mut call = match method.to_ascii_uppercase().as_str() {
            "GET" => Call::get(&segments),
            "PUT" => Call::put(&segments),
            "DELETE" => Call::delete(&segments),
            "POST" => Call::post(&segments, Idempotency::Unsafe),
            "PATCH" => Call::patch(&segments).unsafe_to_repeat(),
            other => {
                return Err(Error::InvalidArgument(format!(
                    "method must be GET, POST, PUT, PATCH or DELETE, got {other:?}"
                )));
            }
        }
        .limit(BodyLimit::Page);
        if !query.is_empty() {
            let map: Map<String, Value> = query
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            call = call.query(&map);
        }
        if let Some(body) = body {
            call = call.body(body);
        }
        let reply = self.reply(call)?;
        let json = if reply.body.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            Some(parse_json(&reply)?)
        };
        let mut headers = Vec::new();
        let known = [
            ("content-type", &reply.content_type),
            ("x-request-id", &reply.request_id),
            ("allow", &reply.allow),
        ];
        for (name, value) in known {
            if let Some(value) = value {
                headers.push((name.to_owned(), value.clone()));
            }
        }
        if let Some(after) = reply.retry_after {
            headers.push(("retry-after".to_owned(), after.as_secs().to_string()));
        }
        Ok(RawResponse {
            status: reply.status,
            headers,
            json,
            request_id: reply.request_id,
        })
    }
}
