//! Shared helpers for the emulator's integration tests: an [`Api`] client over real HTTP
//! (ureq), format checks for ids and timestamps, polling with deadlines, and a webhook
//! [`Receiver`] (an axum server on a tokio runtime of its own).
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use twin_emulator::{Emulator, Options, Running};
use ureq::http::{HeaderMap, Method, Request};

/// Default step of simulated runs in these tests: small, so runs end quickly.
pub const STEP_MS: u64 = 10;
/// How long to wait for something asynchronous (a run, a delivery) before failing.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// A response, fully read.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    /// The body parsed as JSON; `Value::Null` when empty or not JSON.
    pub body: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    /// Asserts a status and a JSON body, and returns the body.
    #[track_caller]
    pub fn json(&self, status: u16) -> &Value {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        assert!(
            self.content_type().starts_with("application/json"),
            "content-type {:?}, body {}",
            self.content_type(),
            self.text
        );
        &self.body
    }

    /// Asserts a status and an exact JSON body.
    #[track_caller]
    pub fn expect(&self, status: u16, body: Value) {
        assert_eq!(self.json(status), &body);
    }

    /// Asserts an RFC 9457 problem: content type, exactly the four fields, and their values.
    #[track_caller]
    pub fn problem(&self, status: u16, detail: &str) {
        self.problem_status(status);
        assert_eq!(self.body["detail"], detail, "body: {}", self.text);
    }

    /// Like [`Resp::problem`] but any detail; returns it.
    #[track_caller]
    pub fn problem_status(&self, status: u16) -> String {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(self.content_type(), "application/problem+json");
        let reason = ureq::http::StatusCode::from_u16(status)
            .unwrap()
            .canonical_reason()
            .unwrap();
        assert_eq!(keys(&self.body), ["detail", "status", "title", "type"]);
        assert_eq!(self.body["type"], "about:blank");
        assert_eq!(self.body["title"], reason);
        assert_eq!(self.body["status"], status);
        let detail = self.body["detail"].as_str().expect("detail is a string");
        assert!(!detail.is_empty());
        detail.to_string()
    }

    /// Asserts axum's JSON-extractor rejection: 422 (or 400/415) with a text/plain body.
    #[track_caller]
    pub fn plain(&self, status: u16) -> &str {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(self.content_type(), "text/plain; charset=utf-8");
        &self.text
    }

    /// Asserts an empty 204.
    #[track_caller]
    pub fn no_content(&self) {
        assert_eq!(self.status, 204, "body: {}", self.text);
        assert_eq!(self.text, "");
    }
}

/// Why a request produced no complete response.
#[derive(Debug)]
pub enum Failure {
    /// No response at all (connection refused, closed before the headers, ...).
    Transport(ureq::Error),
    /// Status and headers arrived but the body could not be read in full.
    Body(u16, ureq::Error),
}

/// A client for one emulator, started by the test.
pub struct Api {
    pub emulator: Running,
    pub base: String,
    pub key: String,
    pub agent: ureq::Agent,
}

pub fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .new_agent()
}

impl Api {
    /// An emulator with small steps and a fixed seed.
    pub fn start() -> Api {
        Api::start_with(Options::default().step_ms(STEP_MS).seed(7))
    }

    pub fn start_with(options: Options) -> Api {
        let emulator = Emulator::start(options).expect("emulator starts");
        Api {
            base: emulator.url().to_string(),
            key: emulator.api_key().to_string(),
            emulator,
            agent: client(),
        }
    }

    /// Any request; `None` as a header value leaves out the default header of that name.
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, Option<&str>)],
        body: Option<Vec<u8>>,
    ) -> Result<Resp, Failure> {
        let mut req = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(format!("{}{}", self.base, path));
        let mut all: Vec<(&str, Option<&str>)> = vec![("x-api-key", Some(&self.key))];
        if body.is_some() {
            all.push(("content-type", Some("application/json")));
        }
        for (name, value) in headers {
            all.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            all.push((name, *value));
        }
        for (name, value) in all {
            if let Some(value) = value {
                req = req.header(name, value);
            }
        }
        let result = match body {
            Some(b) => self.agent.run(req.body(b).unwrap()),
            None => self.agent.run(req.body(()).unwrap()),
        };
        let mut resp = result.map_err(Failure::Transport)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .map_err(|e| Failure::Body(status, e))?;
        let text = String::from_utf8(bytes).expect("utf-8 body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Resp {
            status,
            headers,
            text,
            body,
        })
    }

    /// A request with the start key; panics if no complete response arrives.
    #[track_caller]
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        self.raw(method, path, &[], body.map(|b| b.to_string().into_bytes()))
            .unwrap_or_else(|e| panic!("{method} {path}: {e:?}"))
    }

    /// A request with another key (or none).
    #[track_caller]
    pub fn call_as(
        &self,
        key: Option<&str>,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Resp {
        self.raw(
            method,
            path,
            &[("x-api-key", key)],
            body.map(|b| b.to_string().into_bytes()),
        )
        .unwrap_or_else(|e| panic!("{method} {path}: {e:?}"))
    }

    /// A request with a raw body (sent as application/json).
    #[track_caller]
    pub fn call_text(&self, method: &str, path: &str, body: &str) -> Resp {
        self.raw(method, path, &[], Some(body.as_bytes().to_vec()))
            .unwrap_or_else(|e| panic!("{method} {path}: {e:?}"))
    }

    #[track_caller]
    pub fn get(&self, path: &str) -> Resp {
        self.call("GET", path, None)
    }
    #[track_caller]
    pub fn post(&self, path: &str, body: Value) -> Resp {
        self.call("POST", path, Some(body))
    }
    #[track_caller]
    pub fn put(&self, path: &str, body: Value) -> Resp {
        self.call("PUT", path, Some(body))
    }
    #[track_caller]
    pub fn patch(&self, path: &str, body: Value) -> Resp {
        self.call("PATCH", path, Some(body))
    }
    #[track_caller]
    pub fn delete(&self, path: &str) -> Resp {
        self.call("DELETE", path, None)
    }

    // ---- helpers built on the API ----

    /// Creates an agent (in the default workspace unless given) and returns its id.
    #[track_caller]
    pub fn create_agent(&self, workspace_id: Option<&str>) -> String {
        let body = match workspace_id {
            Some(w) => json!({ "workspace_id": w }),
            None => json!({}),
        };
        let r = self.post("/v1/agents", body);
        r.json(201)["agent"]["agent_id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    #[track_caller]
    pub fn create_workspace(&self, name: &str) -> String {
        let r = self.post("/v1/workspaces", json!({ "name": name }));
        r.json(201)["workspace"]["workspace_id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Creates an API key; returns its `key_id` and the key itself.
    #[track_caller]
    pub fn create_key(&self, name: &str) -> (String, String) {
        let created = self
            .post("/api/public/v1/access-api-keys", json!({ "name": name }))
            .json(201)
            .clone();
        let field = |f: &str| created[f].as_str().unwrap().to_string();
        (field("key_id"), field("api_key"))
    }

    /// Starts a run and returns its id.
    #[track_caller]
    pub fn start_run(&self, agent_id: &str, mode: &str, message: &str) -> String {
        let r = self.post(
            &format!("/v1/agents/{agent_id}/runs"),
            json!({ "run_mode": mode, "user_message": message }),
        );
        r.json(201)["run"]["run_id"].as_str().unwrap().to_string()
    }

    /// The run as listed (`runs[0]`) and its summary, via `filter_run_id`.
    #[track_caller]
    pub fn run(&self, agent_id: &str, run_id: &str) -> (Value, Value) {
        let r = self.get(&format!(
            "/v1/agents/{agent_id}/runs?filter_run_id={run_id}&page_size=1"
        ));
        let body = r.json(200);
        assert_eq!(body["total_runs"], 1, "{body}");
        (
            body["runs"][0].clone(),
            body["all_run_summaries"][0].clone(),
        )
    }

    /// Polls until the run's status is no longer `in_progress`; returns (run, summary).
    #[track_caller]
    pub fn wait_run(&self, agent_id: &str, run_id: &str) -> (Value, Value) {
        let mut last = None;
        let found = wait_for(DEADLINE, || {
            let (run, summary) = self.run(agent_id, run_id);
            let done = run["status"] != "in_progress";
            last = Some((run, summary));
            done
        });
        let last = last.unwrap();
        assert!(found, "run {run_id} still in progress: {}", last.0);
        last
    }

    /// Follows a run's events the way a correct client does (omit `after_index`, then pass
    /// the last `event_index`) until the terminal event is seen; returns every event.
    #[track_caller]
    pub fn follow_events(&self, agent_id: &str, run_id: &str, terminal: &str) -> Vec<Value> {
        let mut events: Vec<Value> = Vec::new();
        let start = Instant::now();
        loop {
            let path = match events.last() {
                None => format!("/v1/agents/{agent_id}/runs/{run_id}/events"),
                Some(e) => format!(
                    "/v1/agents/{agent_id}/runs/{run_id}/events?after_index={}",
                    e["event_index"]
                ),
            };
            let r = self.get(&path);
            let page = r.json(200)["events"].as_array().unwrap().clone();
            assert!(page.len() <= 500);
            let done = page.last().is_some_and(|e| event_type(e) == terminal);
            events.extend(page);
            if done {
                return events;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "no {terminal} event after {} events",
                events.len()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `GET /_emulator/state`.
    #[track_caller]
    pub fn state(&self) -> Value {
        self.get("/_emulator/state").json(200).clone()
    }
}

/// Calls `check` every 20 ms until it holds or `deadline` passes; returns whether it held.
pub fn wait_for(deadline: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if check() {
            return true;
        }
        if start.elapsed() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The sorted keys of a JSON object.
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

/// Asserts that an object has exactly these keys.
#[track_caller]
pub fn assert_keys(v: &Value, expected: &[&str]) {
    let mut e: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    e.sort();
    assert_eq!(keys(v), e, "in {v}");
}

/// The type of an event item: the only key of `event.event.event`.
#[track_caller]
pub fn event_type(item: &Value) -> String {
    let typed = &item["event"]["event"]["event"];
    let o = typed
        .as_object()
        .unwrap_or_else(|| panic!("no event.event.event in {item}"));
    assert_eq!(o.len(), 1, "{typed}");
    o.keys().next().unwrap().clone()
}

/// The payload of an event item.
pub fn event_payload(item: &Value) -> &Value {
    let typed = &item["event"]["event"]["event"];
    typed.as_object().unwrap().values().next().unwrap()
}

/// Decodes a protobuf `Value` tree (`{"kind": {"StringValue": ...}}` ...) to plain JSON.
#[track_caller]
pub fn decode_value(v: &Value) -> Value {
    let kind = v["kind"]
        .as_object()
        .unwrap_or_else(|| panic!("no kind: {v}"));
    assert_eq!(kind.len(), 1);
    let (k, inner) = kind.iter().next().unwrap();
    match k.as_str() {
        "NullValue" => Value::Null,
        "BoolValue" => inner.clone(),
        "NumberValue" => inner.clone(),
        "StringValue" => inner.clone(),
        "ListValue" => Value::Array(
            inner["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(decode_value)
                .collect(),
        ),
        "StructValue" => Value::Object(
            inner["fields"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), decode_value(v)))
                .collect(),
        ),
        other => panic!("unknown Value kind {other}"),
    }
}

fn is_lower_hex(s: &str) -> bool {
    s.bytes()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

pub fn now_secs() -> i64 {
    now_ms() / 1000
}

/// Asserts a UUIDv7 whose time prefix is within the last ten minutes.
#[track_caller]
pub fn assert_uuid_v7(v: &Value) {
    let s = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    assert_eq!(s.len(), 36, "{s}");
    for (i, c) in s.char_indices() {
        if [8, 13, 18, 23].contains(&i) {
            assert_eq!(c, '-', "{s}");
        }
    }
    let hex: String = s.split('-').collect();
    assert_eq!(hex.len(), 32);
    assert!(is_lower_hex(&hex), "{s}");
    assert_eq!(&s[14..15], "7", "version nibble: {s}");
    assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"), "variant: {s}");
    let ms = i64::from_str_radix(&hex[..12], 16).unwrap();
    assert!((now_ms() - ms).abs() < 600_000, "time prefix of {s}");
}

/// Asserts `user_` + a ULID.
#[track_caller]
pub fn assert_user_id(v: &Value) {
    let s = v.as_str().unwrap();
    let ulid = s.strip_prefix("user_").unwrap_or_else(|| panic!("{s}"));
    assert_eq!(ulid.len(), 26, "{s}");
    assert!(
        ulid.bytes()
            .all(|c| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&c)),
        "{s}"
    );
    assert!(ulid.as_bytes()[0] <= b'7', "a ULID starts with 0-7: {s}");
}

/// Asserts RFC 3339 with nine fractional digits and `+00:00`, within ten minutes of now.
#[track_caller]
pub fn assert_timestamp(v: &Value) {
    let s = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    let b = s.as_bytes();
    assert_eq!(b.len(), 35, "{s}");
    let digits = |r: std::ops::Range<usize>| r.into_iter().all(|i| b[i].is_ascii_digit());
    assert!(
        digits(0..4)
            && b[4] == b'-'
            && digits(5..7)
            && b[7] == b'-'
            && digits(8..10)
            && b[10] == b'T'
            && digits(11..13)
            && b[13] == b':'
            && digits(14..16)
            && b[16] == b':'
            && digits(17..19)
            && b[19] == b'.'
            && digits(20..29)
            && &s[29..] == "+00:00",
        "{s}"
    );
    let t = chrono::DateTime::parse_from_rfc3339(s).unwrap();
    assert!((now_ms() - t.timestamp_millis()).abs() < 600_000, "{s}");
}

/// Parses an RFC 3339 timestamp to Unix nanoseconds.
pub fn nanos(v: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .timestamp_nanos_opt()
        .unwrap()
}

/// Asserts integer Unix seconds within `slack` seconds of now.
#[track_caller]
pub fn assert_unix_secs(v: &Value, slack: i64) {
    let t = v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"));
    assert!((now_secs() - t).abs() <= slack, "{t} vs now {}", now_secs());
}

#[track_caller]
pub fn assert_key_id(v: &Value) {
    let s = v.as_str().unwrap();
    assert_eq!(s.len(), 32, "{s}");
    assert!(is_lower_hex(s), "{s}");
}

/// Percent-encodes a query value (enough for timestamps and ids).
pub fn q(s: &str) -> String {
    s.replace('%', "%25")
        .replace('+', "%2B")
        .replace(':', "%3A")
}

// ---- a webhook receiver ----

/// One request a [`Receiver`] got.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
    /// What the receiver answered.
    pub status: u16,
}

impl Hit {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("no {name} header"))
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[derive(Default)]
struct ReceiverState {
    hits: Vec<Hit>,
    /// Per path: how many more requests to answer 500.
    failures: HashMap<String, u32>,
}

/// An HTTP server in the test that records every request. Paths given to
/// [`Receiver::fail_first`] answer 500 that many times, then 200.
pub struct Receiver {
    pub base: String,
    state: Arc<Mutex<ReceiverState>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Receiver {
    pub fn start() -> Receiver {
        use axum::body::Bytes;
        use axum::extract::State;
        use axum::http::{HeaderMap, StatusCode, Uri};

        async fn record(
            State(state): State<Arc<Mutex<ReceiverState>>>,
            uri: Uri,
            headers: HeaderMap,
            body: Bytes,
        ) -> StatusCode {
            let mut s = state.lock().unwrap();
            let path = uri.path().to_string();
            let status = match s.failures.get_mut(&path) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    StatusCode::INTERNAL_SERVER_ERROR
                }
                _ => StatusCode::OK,
            };
            s.hits.push(Hit {
                path,
                headers,
                body: body.to_vec(),
                status: status.as_u16(),
            });
            status
        }

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let state = Arc::new(Mutex::new(ReceiverState::default()));
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new()
            .fallback(record)
            .with_state(state.clone());
        runtime.spawn(async move { axum::serve(listener, app).await });
        Receiver {
            base: format!("http://{addr}"),
            state,
            runtime: Some(runtime),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn fail_first(&self, path: &str, times: u32) {
        self.state
            .lock()
            .unwrap()
            .failures
            .insert(path.to_string(), times);
    }

    /// Every request received on `path`, in arrival order.
    pub fn hits(&self, path: &str) -> Vec<Hit> {
        let s = self.state.lock().unwrap();
        s.hits.iter().filter(|h| h.path == path).cloned().collect()
    }

    pub fn all_hits(&self) -> Vec<Hit> {
        self.state.lock().unwrap().hits.clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_millis(200));
        }
    }
}
