//! `GET /openapi.json`: an OpenAPI 3.1 document of exactly what the emulator serves.
//!
//! Written by hand from the handlers in `routes/` and the JSON in `store.rs`; the test
//! `tests/openapi.rs` checks that its paths and the router's route table are the same set.
//! Error responses follow the handlers: problem details (`application/problem+json`) from
//! the handlers and the auth layer, `text/plain` from axum's `Json`/`Query` extractors.

use axum::Json;
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

pub async fn serve() -> Json<Value> {
    Json(document())
}

pub fn document() -> Value {
    let mut paths = Map::new();
    for op in operations() {
        let (path, method) = (op.path, op.method.to_ascii_lowercase());
        paths.entry(path).or_insert_with(|| json!({}))[method] = op.render();
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Twin API (emulator)",
            "version": env!("CARGO_PKG_VERSION"),
            "description": DESCRIPTION,
        },
        "servers": [{ "url": "/", "description": "the emulator serving this document" }],
        "security": [{ "api_key": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "api_key": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "x-api-key",
                    "description": "An API key: the emulator's start key or one created with POST /api/public/v1/access-api-keys. `Authorization: Bearer` is refused with 401.",
                },
            },
            "schemas": schemas(),
        },
    })
}

const DESCRIPTION: &str = "A local, in-memory emulator of the Twin REST API (https://build.twin.so) \
that reproduces the live service's shapes and quirks: envelopes, `{}` for no schedule or \
instructions, 403 for unknown agents, `icon_config` as a JSON-encoded string, lowercase `run_mode`.\n\n\
Every operation needs `x-api-key` (401 problem otherwise). Handler errors are RFC 9457 problem \
details (`application/problem+json`); malformed JSON bodies and query strings get axum's \
`text/plain` rejections (400 syntax, 413 too large, 415 missing `Content-Type: application/json`, \
422 wrong types), as on the live service. Unknown paths give 404 and known paths with another \
method 405, both with empty bodies.\n\n\
Not described under `paths`:\n\
- `POST /v1/agents/{agent_id}/runs/{run_id}/{messages|input|answer|reply|respond|resume}`: routed \
but unimplemented, as live: `200` with `content-type: application/grpc`, `grpc-status: 12` and an \
empty body.\n\
- Emulator-only admin routes, opened only by the key the emulator was started with: \
`POST /_emulator/reset`, `GET /_emulator/deliveries`, `GET|PUT|DELETE /_emulator/faults`, \
`GET /_emulator/state`, `POST /_emulator/seed` (finished runs in bulk).\n\
- `GET /openapi.json` (this document, no key needed).\n\n\
Fault injection (`PUT /_emulator/faults`) can answer any API route with statuses not listed here \
(e.g. 429 with `Retry-After`, 5xx, `200 text/html`, `200 application/grpc`), drop connections or \
truncate bodies. Its paging switches make list answers break the paging contract described here: \
`ignore_after_index` (events from the first one whatever `after_index` says), `repeat_cursor` \
(`GET /v1/agents` ignores `cursor` and always gives the same `next_cursor`) and `inflate_totals` \
(`total_runs` and `total_count` of 2^63, one more than a signed 64-bit integer holds; every runs `page` \
gets page 1).";

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/// One operation, built with the small builder below and rendered into an OpenAPI object.
struct Op {
    method: &'static str,
    path: &'static str,
    id: &'static str,
    summary: &'static str,
    description: Option<&'static str>,
    query: Vec<Value>,
    body: Option<Value>,
    /// `text/plain` rejections from axum's extractors.
    rejections: Vec<u16>,
    /// Status and response object of the success case.
    success: (u16, Value),
    /// Problem-details statuses the handler produces (401 is added to every operation).
    problems: Vec<u16>,
}

fn op(method: &'static str, path: &'static str, id: &'static str, summary: &'static str) -> Op {
    Op {
        method,
        path,
        id,
        summary,
        description: None,
        query: Vec::new(),
        body: None,
        rejections: Vec::new(),
        success: (200, json!({ "description": "OK" })),
        problems: Vec::new(),
    }
}

impl Op {
    fn describe(mut self, text: &'static str) -> Op {
        self.description = Some(text);
        self
    }

    /// Query parameters, read by axum's `Query` extractor: a malformed value is a 400 text/plain.
    fn query(mut self, params: Vec<Value>) -> Op {
        self.query = params;
        self.rejections.push(400);
        self
    }

    /// A required JSON body (axum's `Json` extractor).
    fn json_body(mut self, schema: &str) -> Op {
        self.body = Some(
            json!({ "required": true, "content": { "application/json": { "schema": r(schema) } } }),
        );
        self.rejections.extend([400, 413, 415, 422]);
        self
    }

    fn ok(mut self, status: u16, schema: Value) -> Op {
        self.success = (
            status,
            json!({
                "description": reason(status),
                "content": { "application/json": { "schema": schema } },
            }),
        );
        self
    }

    fn no_content(mut self) -> Op {
        self.success = (204, json!({ "description": "No Content: an empty body" }));
        self
    }

    fn errors(mut self, codes: &[u16]) -> Op {
        self.problems.extend_from_slice(codes);
        self
    }

    fn render(self) -> Value {
        let mut responses = Map::new();
        responses.insert(self.success.0.to_string(), self.success.1);
        let mut problems = self.problems;
        problems.push(401);
        responses.extend(problem_responses(&problems));
        for code in self.rejections {
            let entry = responses
                .entry(code.to_string())
                .or_insert_with(|| json!({ "description": rejection_description(code) }));
            entry["content"]["text/plain"] = json!({ "schema": { "type": "string" } });
        }
        let mut parameters: Vec<Value> =
            path_params(self.path).into_iter().map(path_param).collect();
        parameters.extend(self.query);
        let mut spec = json!({
            "operationId": self.id,
            "summary": self.summary,
            "tags": [tag(self.path)],
            "responses": responses,
        });
        if let Some(d) = self.description {
            spec["description"] = json!(d);
        }
        if !parameters.is_empty() {
            spec["parameters"] = json!(parameters);
        }
        if let Some(body) = self.body {
            spec["requestBody"] = body;
        }
        spec
    }
}

fn operations() -> Vec<Op> {
    vec![
        // Identity and API keys
        op("GET", "/v1/me", "getMe", "The authenticated user")
            .ok(200, object(&[("user_id", describe(string(), "`user_` followed by a ULID"))], &[])),
        op("GET", "/api/public/v1/access-api-keys", "listApiKeys", "List API keys")
            .describe("Every key of the account, never with its secret; not paginated.")
            .ok(200, envelope("keys", array(r("ApiKey")))),
        op("POST", "/api/public/v1/access-api-keys", "createApiKey", "Create an API key")
            .describe("The full key (`api_key`) is in this response only; it works at once.")
            .json_body("CreateApiKey")
            .ok(201, r("CreatedApiKey"))
            .errors(&[400]),
        op("DELETE", "/api/public/v1/access-api-keys/{key_id}", "revokeApiKey", "Revoke an API key")
            .describe("Requests with the key fail with 401 at once. Under the emulator's `refuse` fault: `{\"revoked\": false}`, the key kept.")
            .ok(200, r("Revoked"))
            .errors(&[404]),
        // Workspaces
        op("GET", "/v1/workspaces", "listWorkspaces", "List workspaces")
            .describe("Every workspace in display order (`position`); not paginated.")
            .ok(200, envelope("workspaces", array(r("Workspace")))),
        op("POST", "/v1/workspaces", "createWorkspace", "Create a workspace")
            .describe("The new workspace gets position 0.")
            .json_body("CreateWorkspace")
            .ok(201, envelope("workspace", r("Workspace")))
            .errors(&[400]),
        op("PUT", "/v1/workspaces/{workspace_id}", "updateWorkspace", "Rename a workspace or set its icon")
            .describe("`icon_config` must be a JSON-encoded string: an object is a 422 text/plain. The name is taken as given. Under the emulator's `refuse` fault: `{\"workspace\": null}`, unchanged.")
            .json_body("UpdateWorkspace")
            .ok(200, object(&[], &[("workspace", nullable_ref("Workspace"))]))
            .errors(&[404]),
        op("DELETE", "/v1/workspaces/{workspace_id}", "deleteWorkspace", "Delete a workspace and every agent in it")
            .describe("Under the emulator's `refuse` fault: `{\"deleted\": false, \"error\"}`, nothing removed.")
            .ok(200, r("Deleted"))
            .errors(&[404]),
        op("POST", "/v1/workspaces/reorder", "reorderWorkspaces", "Reorder workspaces")
            .describe("The listed workspaces come first, in the given order; the others keep their order after them. Unknown or repeated ids are a 400. Under the emulator's `refuse` fault: `{\"success\": false}` (no `error`: the live schema has none here), unchanged.")
            .json_body("ReorderWorkspaces")
            .ok(200, r("Reordered"))
            .errors(&[400]),
        // Agents
        op("GET", "/v1/agents", "listAgents", "List agents")
            .describe("Newest first. `next_cursor` is present only when another page exists.")
            .query(vec![
                query_param("workspace_id", string(), "Only agents of this workspace."),
                query_param("cursor", string(), "`next_cursor` of the previous page; empty means the first page; a cursor the emulator did not issue is a 400."),
                query_param("limit", int_range(1, 100, Some(10)), "Page size; outside 1..100 a 400."),
            ])
            .ok(200, object(&[("agents", array(r("Agent")))], &[("next_cursor", string())]))
            .errors(&[400]),
        op("POST", "/v1/agents", "createAgent", "Create an agent")
            .describe("Every field is optional; the body itself is required (`{}` at least), as the live document says. Without `workspace_id` the agent lands in the user's default workspace (made on first use). 403 if `derived_from_agent_id` is unknown, 404 if `workspace_id` is unknown, 409 if `agent_id` is taken.")
            .json_body("CreateAgent")
            .ok(201, envelope("agent", r("Agent")))
            .errors(&[400, 403, 404, 409]),
        op("GET", "/v1/agents/{agent_id}", "getAgent", "Get an agent")
            .ok(200, envelope("agent", r("Agent")))
            .errors(&[403]),
        op("DELETE", "/v1/agents/{agent_id}", "deleteAgent", "Delete an agent with its runs, webhooks, schedule and instructions")
            .no_content()
            .errors(&[403]),
        op("POST", "/v1/agents/{agent_id}/move", "moveAgent", "Move an agent to another workspace")
            .describe("404 unless `workspace_id` is one of the user's workspaces. Under the emulator's `refuse` fault: `{\"success\": false, \"error\"}`, not moved.")
            .json_body("MoveAgent")
            .ok(200, r("Success"))
            .errors(&[403, 404]),
        // Runs and events
        op("GET", "/v1/agents/{agent_id}/runs", "listRuns", "List an agent's runs")
            .describe("Newest first, 1-based pages; every filter is an exact match. There is no GET for a single run: use `filter_run_id`. A `filter_*` parameter not listed here is a 400, never ignored.")
            .query(vec![
                query_param("page", int_range(0, INT32_MAX, Some(1)), "1-based page number; 0 reads as 1 (the answer's `page` says which)."),
                query_param("page_size", int_range(0, INT32_MAX, Some(100)), "Runs per page, clamped to 1..1000 (the answer's `page_size` says how many)."),
                query_param("filter_user_email", string(), "Runs started with a key of this user (the emulator's one user is `user@example.com`)."),
                query_param("filter_goal", string(), "Runs with this `goal` (always empty, as live reports it for runs started over REST)."),
                query_param("filter_status", string(), "A run status (`in_progress`, `completed`, `error`, `stopped`, `paused`)."),
                query_param("filter_run_id", string(), "Exactly this run."),
                query_param("filter_started_after", date_or_time(), "Started at or after this ISO-8601 time (a date alone means midnight UTC); another format is a 400."),
                query_param("filter_started_before", date_or_time(), "Started at or before this ISO-8601 time (a date alone means midnight UTC); another format is a 400."),
                query_param("filter_policy_type", string(), "`runner_v2` or `builder_v3`."),
                query_param("filter_policy_group", string(), "`runner` or `builder`."),
            ])
            .ok(200, r("RunList"))
            .errors(&[400, 403]),
        op("POST", "/v1/agents/{agent_id}/runs", "startRun", "Start a run")
            .describe("`run_mode` is required and only lowercase `run` or `build` is accepted; anything else is the live service's 400 `run_mode must be explicitly set to Builder, Run, or SubAgent`. The run continues asynchronously. An `[emulator: ...]` directive in `user_message` scripts the run; a malformed directive is a 400.")
            .json_body("StartRun")
            .ok(201, envelope("run", r("StartedRun")))
            .errors(&[400, 403]),
        op("DELETE", "/v1/agents/{agent_id}/runs/{run_id}", "deleteRun", "Delete a run")
            .describe("An in-progress run stops emitting events.")
            .no_content()
            .errors(&[403, 404]),
        op("POST", "/v1/agents/{agent_id}/runs/{run_id}/cancel", "cancelRun", "Cancel a run")
            .describe("Idempotent; the body is required (`{}` at least), as the live document says. An in-progress or paused run becomes `stopped`; a finished run gives `success: true` with an informational `error` (e.g. `run already completed`). Under the emulator's `refuse` fault: `{\"success\": false, \"error\"}`, the run untouched.")
            .json_body("CancelRun")
            .ok(200, r("CancelResult"))
            .errors(&[403, 404]),
        op("GET", "/v1/agents/{agent_id}/runs/{run_id}/events", "listEvents", "List a run's events")
            .describe("Events with `event_index` strictly greater than `after_index`, in index order. `total_count` is the run's total. An unknown run gives `{\"events\": [], \"total_count\": 0}`, not a 404.")
            .query(vec![
                query_param("limit", int_range(0, INT32_MAX, Some(500)), "Maximum events returned; clamped to 1..500."),
                query_param("after_index", int_range(0, INT64_MAX, None), "Only events with a greater `event_index` (the last one seen)."),
            ])
            .ok(200, r("EventList"))
            .errors(&[403]),
        // Webhooks
        op("POST", "/v1/agents/{agent_id}/webhooks", "createWebhook", "Create a webhook")
            .describe("Top-level object; `signing_secret` is returned only here.")
            .json_body("CreateWebhook")
            .ok(201, r("CreatedWebhook"))
            .errors(&[400, 403]),
        op("GET", "/v1/agents/{agent_id}/webhooks", "listWebhooks", "List an agent's webhooks")
            .ok(200, envelope("webhooks", array(r("Webhook"))))
            .errors(&[403]),
        op("GET", "/v1/agents/{agent_id}/webhooks/{webhook_id}", "getWebhook", "Get a webhook")
            .ok(200, r("Webhook"))
            .errors(&[403, 404]),
        op("PATCH", "/v1/agents/{agent_id}/webhooks/{webhook_id}", "updateWebhook", "Update a webhook")
            .describe("Only the fields sent (and not null) change; `updated_at` always moves.")
            .json_body("UpdateWebhook")
            .ok(200, r("Webhook"))
            .errors(&[400, 403, 404]),
        op("DELETE", "/v1/agents/{agent_id}/webhooks/{webhook_id}", "deleteWebhook", "Delete a webhook")
            .no_content()
            .errors(&[403, 404]),
        // Schedules
        op("GET", "/v1/agents/{agent_id}/schedule", "getSchedule", "Get an agent's schedule")
            .describe("`{\"schedule\": {...}}`, or `{}` when the agent has none.")
            .ok(200, object(&[], &[("schedule", r("Schedule"))]))
            .errors(&[403]),
        op("PUT", "/v1/agents/{agent_id}/schedule", "setSchedule", "Create or replace an agent's schedule")
            .describe("The cron has 7 fields (sec min hour day month weekday year, weekday 1 = Sunday), evaluated in UTC; an invalid one, or one that never fires again, is a 400. Under the emulator's `refuse` fault: `{\"success\": false, \"error\"}`, nothing stored.")
            .json_body("SetSchedule")
            .ok(200, r("Success"))
            .errors(&[400, 403]),
        op("DELETE", "/v1/agents/{agent_id}/schedule", "deleteSchedule", "Delete an agent's schedule")
            .describe("200 with a body, also when there was no schedule. Under the emulator's `refuse` fault: `{\"success\": false, \"error\"}`, the schedule kept.")
            .ok(200, r("Success"))
            .errors(&[403]),
        op("POST", "/v1/agents/{agent_id}/schedule/pause", "pauseSchedule", "Pause an agent's schedule")
            .describe("No request body is read (clients send `{}`; anything goes). 404 if the agent has no schedule. Under the emulator's `refuse` fault: `{\"success\": false, \"error\"}`, still running.")
            .ok(200, r("Success"))
            .errors(&[403, 404]),
        op("POST", "/v1/agents/{agent_id}/schedule/resume", "resumeSchedule", "Resume an agent's schedule")
            .describe("Also lifts an automatic pause. No request body is read. 404 if the agent has no schedule. Under the emulator's `refuse` fault: `{\"success\": false, \"error\"}`, still paused.")
            .ok(200, r("Success"))
            .errors(&[403, 404]),
        op("GET", "/v1/schedules", "listSchedules", "List every schedule of the user")
            .ok(200, envelope("schedules", array(r("Schedule")))),
        // Instructions
        op("GET", "/v1/agents/{agent_id}/instructions", "getInstructions", "Get an agent's current instructions")
            .describe("`{\"instructions\": {...}}`, or `{}` when none were written.")
            .ok(200, object(&[], &[("instructions", r("Instructions"))]))
            .errors(&[403]),
        op("PUT", "/v1/agents/{agent_id}/instructions", "updateInstructions", "Write an agent's instructions")
            .describe("Every write adds a version to the history; without `source_type` it is recorded as `checkpoint`, as live does. Under the emulator's `refuse` fault: `{\"success\": false, \"error\"}`, no version written.")
            .json_body("UpdateInstructions")
            .ok(200, r("Success"))
            .errors(&[400, 403]),
        op("GET", "/v1/agents/{agent_id}/instructions/history", "listInstructionVersions", "List an agent's instruction versions")
            .describe("Newest first; all of them unless `limit` is given.")
            .query(vec![query_param("limit", int_range(0, INT32_MAX, None), "Maximum versions returned.")])
            .ok(200, envelope("instruction_versions", array(r("InstructionVersion"))))
            .errors(&[403]),
    ]
}

/// Problem-details responses for the given statuses.
fn problem_responses(codes: &[u16]) -> Map<String, Value> {
    codes
        .iter()
        .map(|&code| {
            let response = json!({
                "description": problem_description(code),
                "content": { "application/problem+json": { "schema": r("Problem") } },
            });
            (code.to_string(), response)
        })
        .collect()
}

fn problem_description(code: u16) -> String {
    match code {
        400 => "Invalid request: problem details from the handler, or axum's text/plain rejection of a malformed body or query string".into(),
        401 => "Missing, unknown or revoked `x-api-key`; `Authorization: Bearer` gets the live service's refusal".into(),
        403 => "Unknown or deleted agent: `you do not have access to this agent` (the live service's answer, not 404)".into(),
        404 => "A workspace, run, webhook, key or schedule named in the request does not exist".into(),
        409 => "The resource already exists".into(),
        _ => reason(code),
    }
}

fn rejection_description(code: u16) -> String {
    match code {
        413 => "Body larger than axum's 2 MB default limit (text/plain)".into(),
        415 => "Missing `Content-Type: application/json` (text/plain)".into(),
        422 => "Body with a field of the wrong type, e.g. `icon_config` as an object (axum's text/plain `Failed to deserialize the JSON body into the target type: ...`)".into(),
        _ => format!("{} (text/plain)", reason(code)),
    }
}

fn reason(code: u16) -> String {
    StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Response")
        .to_string()
}

/// The `{name}` segments of a path template.
fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

fn path_param(name: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string", "minLength": 1 } })
}

fn query_param(name: &str, schema: Value, description: &str) -> Value {
    json!({ "name": name, "in": "query", "required": false, "schema": schema, "description": description })
}

fn tag(path: &str) -> &'static str {
    const TAGS: [(&str, &str); 8] = [
        ("/instructions", "Instructions"),
        ("/schedule", "Schedules"),
        ("/webhooks", "Webhooks"),
        ("/events", "Events"),
        ("/runs", "Runs"),
        ("/v1/agents", "Agents"),
        ("/v1/workspaces", "Workspaces"),
        ("/access-api-keys", "API keys"),
    ];
    TAGS.iter()
        .find(|(needle, _)| path.contains(needle))
        .map_or("Identity", |(_, tag)| tag)
}

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn boolean() -> Value {
    json!({ "type": "boolean" })
}

fn integer() -> Value {
    json!({ "type": "integer" })
}

fn uint() -> Value {
    json!({ "type": "integer", "minimum": 0 })
}

/// The largest query integers the live document allows (`format: int32` / `int64`); past
/// them axum's Query extractor answers 400.
const INT32_MAX: u64 = i32::MAX as u64;
const INT64_MAX: u64 = i64::MAX as u64;

fn int_range(min: u64, max: u64, default: Option<u64>) -> Value {
    let mut v = json!({ "type": "integer", "minimum": min, "maximum": max });
    if let Some(d) = default {
        v["default"] = json!(d);
    }
    v
}

fn enumeration(values: &[&str]) -> Value {
    json!({ "type": "string", "enum": values })
}

/// A string the handler requires to hold a non-whitespace character.
fn nonblank() -> Value {
    json!({ "type": "string", "minLength": 1, "pattern": "\\S" })
}

fn date_time() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

/// A query bound: an RFC 3339 timestamp or a date.
fn date_or_time() -> Value {
    json!({ "anyOf": [date_time(), { "type": "string", "format": "date" }] })
}

/// A timestamp as the emulator writes it: RFC 3339, nanoseconds, `+00:00`.
fn timestamp() -> Value {
    describe(
        date_time(),
        "RFC 3339 with nanoseconds and a `+00:00` offset",
    )
}

fn unix_seconds() -> Value {
    describe(integer(), "Unix seconds")
}

fn describe(mut schema: Value, text: &str) -> Value {
    schema["description"] = json!(text);
    schema
}

/// The same schema, also allowing `null`.
fn nullable(mut schema: Value) -> Value {
    if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) {
        values.push(Value::Null);
    }
    let t = schema["type"].take();
    schema["type"] = json!([t, "null"]);
    schema
}

fn array(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}

/// An object with the given required and optional properties (other properties allowed).
fn object(required: &[(&str, Value)], optional: &[(&str, Value)]) -> Value {
    let properties: Map<String, Value> = required
        .iter()
        .chain(optional)
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let mut v = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        v["required"] = json!(required.iter().map(|(k, _)| *k).collect::<Vec<_>>());
    }
    v
}

fn envelope(key: &str, schema: Value) -> Value {
    object(&[(key, schema)], &[])
}

/// `{"<key>": bool}`, with an `error` text when `with_error`: false only when an operation
/// was not done (in the emulator, under the `refuse` fault).
fn flag(key: &str, with_error: bool) -> Value {
    let flag = describe(
        boolean(),
        "false when the operation was not done (the emulator's `refuse` fault)",
    );
    if with_error {
        object(
            &[(key, flag)],
            &[(
                "error",
                describe(nullable(string()), "why, when the flag is false"),
            )],
        )
    } else {
        envelope(key, flag)
    }
}

/// A `$ref` that may also be `null`.
fn nullable_ref(name: &str) -> Value {
    json!({ "oneOf": [{ "type": "null" }, r(name)] })
}

/// A property the live document lists that the emulator never sends.
fn never_sent(schema: Value) -> Value {
    describe(
        nullable(schema),
        "in the live document; never sent by the emulator",
    )
}

const RUN_STATUSES: [&str; 5] = ["in_progress", "completed", "error", "stopped", "paused"];

/// The run object: as listed, or (`started`) as the start route returns it, without
/// `policy_model` and `run_kind` and with `run_number` 0, like live.
fn run_schema(started: bool) -> Value {
    let zero = || describe(uint(), "always 0, as live");
    let mut fields = vec![
        ("agent_id", string()),
        ("event_bytes", zero()),
        ("event_count", zero()),
        ("goal", describe(string(), "always empty, as live")),
        ("is_finished", boolean()),
        ("last_event_at", timestamp()),
        ("policy_type", r("PolicyType")),
        ("run_id", string()),
        ("started_at", timestamp()),
        ("status", r("RunStatus")),
        ("step_count", zero()),
        (
            "user_email",
            describe(string(), "the emulator's one user: `user@example.com`"),
        ),
        ("user_id", string()),
        ("wrote_instructions", boolean()),
    ];
    let mut optional = vec![
        ("schedule_agent_id", never_sent(string())),
        ("webhook_subscription_id", never_sent(string())),
    ];
    if started {
        fields.push((
            "run_number",
            describe(
                json!({ "type": "integer", "const": 0 }),
                "0 in the start response, as live",
            ),
        ));
        let absent = |s| {
            describe(
                s,
                "absent from the start response, as live (live-calls.json calls[25])",
            )
        };
        optional.push(("policy_model", absent(r("PolicyModel"))));
        optional.push(("run_kind", absent(r("RunKind"))));
    } else {
        fields.extend([
            ("policy_model", r("PolicyModel")),
            ("run_kind", r("RunKind")),
            (
                "run_number",
                describe(
                    json!({ "type": "integer", "minimum": 1 }),
                    "1-based position among the agent's runs",
                ),
            ),
        ]);
    }
    object(&fields, &optional)
}

fn schemas() -> Value {
    let id_object = || object(&[("id", string())], &[]);
    json!({
        // Errors and small results
        "Problem": describe(object(&[
            ("type", describe(string(), "always `about:blank`")),
            ("title", describe(string(), "the status's reason phrase")),
            ("status", integer()),
            ("detail", string()),
        ], &[]), "RFC 9457 problem details, sent as `application/problem+json`"),
        "Success": flag("success", true),
        "Reordered": flag("success", false),
        "Deleted": flag("deleted", true),
        "Revoked": flag("revoked", false),
        "CancelResult": object(
            &[("success", describe(boolean(), "false only under the emulator's `refuse` fault"))],
            &[("error", describe(nullable(string()), "with `success: true`, informational: why nothing was cancelled, e.g. `run already completed`"))],
        ),
        // API keys
        "ApiKey": object(&[
            ("key_id", describe(string(), "32 lowercase hex characters for keys made by the emulator")),
            ("name", string()),
            ("display_prefix", describe(string(), "8 characters")),
            ("created_at", unix_seconds()),
        ], &[("last_used_at", describe(integer(), "Unix seconds; absent until the key is used"))]),
        "CreatedApiKey": object(&[
            ("key_id", describe(string(), "32 lowercase hex characters")),
            ("name", string()),
            ("display_prefix", describe(string(), "8 characters")),
            ("created_at", unix_seconds()),
            ("api_key", describe(string(), "the full key, `twin_<key_id>_<secret>`: returned only here")),
        ], &[]),
        "CreateApiKey": object(&[("name", describe(json!({ "type": "string", "minLength": 1, "maxLength": 128, "pattern": "\\S" }), "1 to 128 characters, not blank"))], &[]),
        // Workspaces
        "Workspace": object(&[
            ("agent_count", uint()),
            ("created_at", timestamp()),
            ("name", string()),
            ("position", describe(uint(), "display order, 0 first")),
            ("updated_at", timestamp()),
            ("workspace_id", string()),
        ], &[("icon_config", describe(string(), "a JSON-encoded object, as a string; absent until set"))]),
        "CreateWorkspace": object(&[("name", nonblank())], &[]),
        "UpdateWorkspace": object(
            &[("name", describe(string(), "taken as given"))],
            &[("icon_config", describe(nullable(string()), "a JSON-encoded object, as a string (an object is a 422 text/plain); null or absent keeps the current one"))],
        ),
        "ReorderWorkspaces": object(&[("workspace_ids", describe(
            json!({ "type": "array", "items": string(), "uniqueItems": true }),
            "ids of the user's workspaces, in the new order; unknown or repeated ids are a 400",
        ))], &[]),
        // Agents
        "Agent": object(&[
            ("agent_id", string()),
            ("deployment_state", describe(enumeration(&["draft"]), "always `draft`, as live")),
            ("has_instruction_build", boolean()),
            ("has_runs", boolean()),
            ("icon_config", describe(string(), "a JSON-encoded object, as a string")),
            ("last_activity_at", timestamp()),
            ("latest_run_has_pending_input", describe(boolean(), "the latest run is paused, waiting for input")),
            ("latest_run_is_finished", boolean()),
            ("workspace_id", string()),
        ], &[
            ("agent_name", describe(object(&[("name", string())], &[("explanation", never_sent(string()))]), "absent until the first instructions name the agent")),
            ("latest_run_id", string()),
            ("latest_run_status", r("RunStatus")),
            ("active_build_run_id", never_sent(string())),
            ("deployed_at", never_sent(string())),
            ("last_chat_message", never_sent(string())),
            ("latest_instruction_build_run_id", never_sent(string())),
        ]),
        "CreateAgent": object(&[], &[
            ("workspace_id", describe(nullable(string()), "an existing workspace (404 otherwise); default: the user's default workspace")),
            ("owner_user_id", describe(nullable(string()), "accepted, no effect")),
            ("is_subagent", describe(nullable(boolean()), "accepted, no effect")),
            ("derived_from_agent_id", describe(nullable(string()), "an existing agent (403 otherwise)")),
            ("agent_id", describe(nullable(json!({ "type": "string", "minLength": 1, "maxLength": 128, "pattern": "\\S" })), "explicit id: not blank, at most 128 characters, not taken (409)")),
        ]),
        "MoveAgent": object(&[("workspace_id", describe(string(), "one of the user's workspaces (404 otherwise)"))], &[]),
        // Runs
        "RunStatus": enumeration(&RUN_STATUSES),
        "PolicyType": enumeration(&["runner_v2", "builder_v3"]),
        "PolicyModel": enumeration(&["claude-sonnet-4-6", "claude-opus-4-7"]),
        "RunKind": enumeration(&["run", "build"]),
        "Run": run_schema(false),
        "StartedRun": run_schema(true),
        "RunSummary": object(&[
            ("credits_consumed", uint()),
            ("is_finished", boolean()),
            ("is_paused", boolean()),
            ("outcome", describe(nullable(enumeration(&["success", "partial", "fail"])), "null until the run completes, and for stopped or failed runs")),
            ("policy_model", r("PolicyModel")),
            ("policy_type", r("PolicyType")),
            ("run_id", string()),
            ("run_kind", r("RunKind")),
            ("run_number", json!({ "type": "integer", "minimum": 1 })),
            ("run_phase", enumeration(&["running", "paused", "finished"])),
            ("started_at", timestamp()),
            ("summary", nullable(string())),
            ("tool_icons", array(object(&[("action_type", string()), ("icon", string())], &[("favicon_url", never_sent(string()))]))),
            ("total_action_count", uint()),
            ("wrote_instructions", boolean()),
        ], &[
            ("attention_reason", never_sent(string())),
            ("schedule_agent_id", never_sent(string())),
            ("webhook_subscription_id", never_sent(string())),
        ]),
        "RunList": object(&[
            ("all_run_summaries", describe(array(r("RunSummary")), "the same page of runs, as summaries")),
            ("page", json!({ "type": "integer", "minimum": 1 })),
            ("page_size", json!({ "type": "integer", "minimum": 1 })),
            ("runs", array(r("Run"))),
            ("total_runs", describe(uint(), "runs matching the filters, over all pages")),
        ], &[]),
        "StartRun": object(&[
            ("run_mode", describe(enumeration(&["run", "build"]), "required; lowercase only")),
        ], &[
            ("user_message", describe(nullable(string()), "may hold an emulator directive such as `[emulator: outcome=partial events=12 step_ms=5]`")),
            ("skip_deploy_check", describe(nullable(boolean()), "accepted, no effect")),
        ]),
        "CancelRun": object(&[], &[("reason", describe(nullable(string()), "accepted, not stored"))]),
        // Events
        "Event": object(&[
            ("event_index", describe(uint(), "global, strictly increasing within a run, with gaps")),
            ("recorded_at", describe(timestamp(), "not monotonic with `event_index`, as live")),
            ("event", object(&[
                ("agent_id", id_object()),
                ("run_id", id_object()),
                ("user_id", describe(nullable(string()), "null in the emulator")),
                ("event", object(&[("event", describe(json!({
                    "type": "object",
                    "minProperties": 1,
                    "maxProperties": 1,
                    "propertyNames": { "pattern": "^[A-Z][A-Za-z]*$" },
                }), "`{\"<PascalCaseType>\": {...payload}}`: the types of real runs (`Started`, `UserTick`, `RunPolicyInitialized`, `PolicyDecisionRequested`, `StreamStarted`, `PolicyDecided`, `ToolCallStarted`, `Tick`, `ToolCallResolved`, `ToolOutputSummary`, `DynamicToolCreationResolved`, `DynamicToolUpdateResolved`, `UserInfoRequested`, `Finished`, ...)"))], &[])),
            ], &[])),
        ], &[]),
        "EventList": object(&[
            ("events", array(r("Event"))),
            ("total_count", describe(uint(), "all events of the run, not the page length")),
        ], &[]),
        // Webhooks
        "WebhookEventType": enumeration(&crate::store::WEBHOOK_EVENTS),
        "WebhookStatus": enumeration(&["active", "disabled"]),
        "Webhook": object(&[
            ("agent_id", string()),
            ("created_at", timestamp()),
            ("events", array(r("WebhookEventType"))),
            ("status", r("WebhookStatus")),
            ("updated_at", timestamp()),
            ("url", string()),
            ("user_id", string()),
            ("webhook_id", string()),
        ], &[]),
        "CreatedWebhook": describe(object(&[
            ("created_at", timestamp()),
            ("events", array(r("WebhookEventType"))),
            ("signing_secret", describe(string(), "HMAC-SHA256 key for `X-Cobb-Signature`; returned only here")),
            ("status", r("WebhookStatus")),
            ("url", string()),
            ("webhook_id", string()),
        ], &[]), "The create response: no `agent_id`, `user_id` or `updated_at`, as live"),
        "CreateWebhook": object(&[
            ("url", webhook_url()),
            ("events", json!({ "type": "array", "items": r("WebhookEventType"), "minItems": 1 })),
        ], &[]),
        "UpdateWebhook": object(&[], &[
            ("url", nullable(webhook_url())),
            ("events", json!({ "type": ["array", "null"], "items": r("WebhookEventType"), "minItems": 1 })),
            ("status", nullable(enumeration(&["active", "disabled"]))),
        ]),
        // Schedules
        "Schedule": object(&[
            ("agent_id", string()),
            ("auto_paused", boolean()),
            ("consecutive_failures", uint()),
            ("cron", string()),
            ("next_run", describe(nullable(integer()), "Unix seconds; null when the cron never fires again")),
            ("paused", boolean()),
        ], &[]),
        "SetSchedule": object(&[("cron", describe(
            json!({ "type": "string", "pattern": "^\\s*\\S+(\\s+\\S+){6}\\s*$" }),
            "7 fields: sec min hour day month weekday year (weekday 1 = Sunday, names allowed), UTC",
        ))], &[]),
        // Instructions
        "Instructions": object(&[
            ("agent_id", string()),
            ("content", string()),
            ("content_hash", describe(string(), "sha256 of `content`, lowercase hex")),
            ("source_id", string()),
            ("storage_key", string()),
            ("updated_at", timestamp()),
            ("user_email", describe(string(), "the emulator's one user: `user@example.com`")),
            ("user_id", string()),
        ], &[("plan_steps", never_sent(array(object(&[
            ("title", string()),
            ("description", string()),
            ("tools", array(string())),
        ], &[("icon", nullable(string()))]))))]),
        "InstructionVersion": object(&[
            ("content", string()),
            ("content_hash", string()),
            ("created_at", timestamp()),
            ("id", uint()),
            ("source_id", string()),
            ("source_type", string()),
            ("storage_key", string()),
        ], &[]),
        "UpdateInstructions": object(&[("content", describe(string(), "required, may be empty"))], &[
            ("source_type", describe(nullable(string()), "default `checkpoint`, as live records it")),
            ("source_id", describe(nullable(string()), "default `<source_type>:instructions:<time>`")),
        ]),
    })
}

/// What the webhook handlers accept: an absolute http or https URL with a host. The pattern
/// is the plain-ASCII subset the handler always accepts; others (a 400 or not) are outside it.
fn webhook_url() -> Value {
    describe(
        json!({
            "type": "string",
            "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?][A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$",
        }),
        "an absolute http or https URL; one the handler cannot parse, or of another scheme, is a 400",
    )
}
