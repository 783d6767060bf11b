"""Surface parity with the live service's own OpenAPI document (issue 12, item 2).

Every operation, path parameter, query parameter and request-body field of
tests/vectors/real/openapi.json must be reachable in each language:

- **Rust** (core/src/resources/*.rs, read from source by ``_rust_surface``): a ``Call`` with
  the operation's method and path, whose ``.query(...)``/``.body(...)`` serialize every
  document name;
- **Python** (the installed ``twin`` package): ``twin.Client`` and ``twin.AsyncClient`` have the
  operation's method, whose signature has a parameter for every input (wire names mapped to
  Python names in ``PYTHON_NAMES``);
- **C** (include/twin.h): a function per operation, and per input an argument of that name or a
  setter ``<params type>_set_<name>`` on a params/options type the function takes.

What the SDK leaves out on purpose is in ``OMITTED`` with the reason. The opposite direction is
checked too: every name the Rust core sends (and every body it sends) is known to the document,
except the live quirks in ``QUIRKS``, each with the capture that proves it. Stale entries in
either table fail as well, so the tables stay true.

Each test collects every gap and fails once, listing them all.
"""

from __future__ import annotations

import inspect
import pathlib
import re
import textwrap
from dataclasses import dataclass
from typing import Any, Callable, Optional

import pytest

import _document
import _rust_surface
from _document import ROOT, Operation

HEADER = ROOT / "include" / "twin.h"

# --------------------------------------------------------------------------------------------
# The one table from document operations to the SDK's entry points.
#   operationId: (Python method on a client, relative to the client; C function)

SURFACE: dict[str, tuple[str, str]] = {
    "me": ("me", "twin_me_get"),
    "list_access_api_keys": ("api_keys.list", "twin_api_keys_list"),
    "create_access_api_key": ("api_keys.create", "twin_api_keys_create"),
    "revoke_access_api_key": ("api_keys.revoke", "twin_api_keys_revoke"),
    "list_workspaces": ("workspaces.list", "twin_workspaces_list"),
    "create_workspace": ("workspaces.create", "twin_workspaces_create"),
    "update_workspace": ("workspaces.update", "twin_workspaces_update"),
    "delete_workspace": ("workspaces.delete", "twin_workspaces_delete"),
    "reorder_workspaces": ("workspaces.reorder", "twin_workspaces_reorder"),
    "list_agents": ("agents.list", "twin_agents_list"),
    "create_agent": ("agents.create", "twin_agents_create"),
    "get_agent": ("agents.get", "twin_agents_get"),
    "delete_agent": ("agents.delete", "twin_agents_delete"),
    "move_agent_to_workspace": ("agents.move", "twin_agents_move"),
    "get_instructions": ("instructions.get", "twin_instructions_get"),
    "update_instructions": ("instructions.update", "twin_instructions_update"),
    "get_instructions_history": ("instructions.history", "twin_instructions_history"),
    "list_runs": ("runs.list", "twin_runs_list"),
    "start_run": ("runs.start", "twin_runs_start"),
    "cancel_run": ("runs.cancel", "twin_runs_cancel"),
    "delete_run": ("runs.delete", "twin_runs_delete"),
    "list_run_events": ("events.list", "twin_events_list"),
    "get_agent_schedule": ("schedules.get", "twin_schedules_get"),
    "set_agent_schedule": ("schedules.set", "twin_schedules_set"),
    "delete_agent_schedule": ("schedules.delete", "twin_schedules_delete"),
    "pause_agent_schedule": ("schedules.pause", "twin_schedules_pause"),
    "resume_agent_schedule": ("schedules.resume", "twin_schedules_resume"),
    "list_schedules": ("schedules.list", "twin_schedules_list"),
    "list_webhooks": ("webhooks.list", "twin_webhooks_list"),
    "create_webhook": ("webhooks.create", "twin_webhooks_create"),
    "get_webhook": ("webhooks.get", "twin_webhooks_get"),
    "update_webhook": ("webhooks.update", "twin_webhooks_update"),
    "delete_webhook": ("webhooks.delete", "twin_webhooks_delete"),
}

# Wire name -> Python (and C) name, where they differ. Anything not listed keeps its wire name.
PYTHON_NAMES: dict[tuple[str, str], str] = {
    ("list_agents", "limit"): "page_size",
    ("list_run_events", "limit"): "page_size",
    ("list_runs", "filter_status"): "status",
    ("list_runs", "filter_run_id"): "run_id",
    ("list_runs", "filter_user_email"): "user_email",
    ("list_runs", "filter_goal"): "goal",
    ("list_runs", "filter_started_after"): "started_after",
    ("list_runs", "filter_started_before"): "started_before",
    ("list_runs", "filter_policy_type"): "policy_type",
    ("list_runs", "filter_policy_group"): "policy_group",
    ("start_run", "run_mode"): "mode",
    ("start_run", "user_message"): "message",
}
# Python name -> C name, where they differ (none: both call a page size `page_size`, issues 14
# and 16).
C_NAMES: dict[tuple[str, str], str] = {
}

# --------------------------------------------------------------------------------------------
# Deliberate omissions: (operationId, wire name) -> (languages that leave it out, reason).

OMITTED: dict[tuple[str, str], tuple[frozenset[str], str]] = {
    ("list_agents", "cursor"): (
        frozenset({"python", "c"}),
        "pagination: the pager sends next_cursor itself; callers iterate the Pager "
        "(Python Pager.pages(), C twin_agent_iter) instead of handling cursors",
    ),
    ("list_runs", "page"): (
        frozenset({"python", "c"}),
        "pagination: the pager asks for page 1, 2, ... itself (and skips pages shifted by "
        "runs started meanwhile); callers iterate the Pager",
    ),
}

# --------------------------------------------------------------------------------------------
# Live quirks: what the SDK sends that the document does not describe, with the capture that
# shows the live service accepts it. (operationId, "body" or a wire name) -> proof.

QUIRKS: dict[tuple[str, str], str] = {
    ("pause_agent_schedule", "body"): (
        "the SDK sends a JSON body {} although the document gives pause no requestBody; "
        "tests/vectors/real/live-calls.json calls[23]: POST .../schedule/pause with body {} "
        "-> 200 {\"success\": true}"
    ),
    ("resume_agent_schedule", "body"): (
        "the SDK sends a JSON body {} although the document gives resume no requestBody; "
        "tests/vectors/real/live-calls.json calls[24]: POST .../schedule/resume with body {} "
        "-> 200 {\"success\": true}"
    ),
}
# Each quirk's capture, checked to say what the table claims: (operationId, key) -> (index in
# live-calls.json, method, path template, request body, status).
QUIRK_CAPTURES: dict[tuple[str, str], tuple[int, str, str, str, int]] = {
    ("pause_agent_schedule", "body"): (23, "POST", "/v1/agents/{agent_id}/schedule/pause", "{}", 200),
    ("resume_agent_schedule", "body"): (24, "POST", "/v1/agents/{agent_id}/schedule/resume", "{}", 200),
}

LANGUAGES = ("rust", "python", "c")


# --------------------------------------------------------------------------------------------
# Fixtures.


@pytest.fixture(scope="module")
def ops() -> list[Operation]:
    return _document.operations()


@pytest.fixture(scope="module")
def rust() -> _rust_surface.RustSurface:
    return _rust_surface.RustSurface()


@dataclass
class Input:
    where: str  # "path" | "query" | "body"
    wire: str

    def describe(self) -> str:
        return f"{self.where} {'parameter' if self.where != 'body' else 'field'} {self.wire!r}"


def inputs(op: Operation) -> list[Input]:
    out = [Input("path", n) for n in op.names("path")]
    out += [Input("query", n) for n in op.names("query")]
    out += [Input("body", n) for n in op.body_fields]
    return out


def report(title: str, gaps: list[str]) -> None:
    if gaps:
        listing = "\n".join(f"  - {g}" for g in gaps)
        pytest.fail(f"{title}: {len(gaps)} gap(s):\n{listing}", pytrace=False)


def omitted(op: Operation, wire: str, language: str) -> bool:
    entry = OMITTED.get((op.operation_id, wire))
    return entry is not None and language in entry[0]


# --------------------------------------------------------------------------------------------
# Rust.


def rust_calls_for(rust: _rust_surface.RustSurface, op: Operation) -> list[_rust_surface.CallSite]:
    return [c for c in rust.calls if c.method == op.method and c.segments == op.segments]


def test_rust_covers_the_document(ops: list[Operation], rust: _rust_surface.RustSurface) -> None:
    gaps = []
    for op in ops:
        calls = rust_calls_for(rust, op)
        if not calls:
            gaps.append(f"{op.key}: no Call::{op.method.lower()}(&[...]) with this path in core/src/resources")
            continue
        sent_query = {n for c in calls if c.query for n in c.query.names}
        sent_body = {n for c in calls if c.body for n in c.body.names}
        for wire in op.names("query"):
            if wire not in sent_query and not omitted(op, wire, "rust"):
                gaps.append(f"{op.key}: query parameter {wire!r} is never sent (no serde field or rename in the .query(...) structs: {', '.join(sorted({c.query.description for c in calls if c.query})) or 'none'})")
        for wire in op.body_fields:
            if wire not in sent_body and not omitted(op, wire, "rust"):
                gaps.append(f"{op.key}: body field {wire!r} is never sent (no serde field or rename in the .body(...) structs: {', '.join(sorted({c.body.description for c in calls if c.body})) or 'none'})")
        if op.body_schema is not None and not any(c.body for c in calls):
            gaps.append(f"{op.key}: the document takes a request body; no call site sends one")
    report("Rust core vs the document", gaps)


def test_the_document_knows_everything_rust_sends(ops: list[Operation], rust: _rust_surface.RustSurface) -> None:
    gaps = []
    by_shape = {(op.method, tuple(op.segments)): op for op in ops}
    for call in rust.calls:
        op = by_shape.get((call.method, tuple(call.segments)))
        if op is None:
            gaps.append(f"{call.where} (fn {call.fn_name}): {call.method} {call.path} is not an operation of the document")
            continue
        known_query = set(op.names("query"))
        known_body = set(op.body_fields)
        if call.query:
            for name in call.query.names:
                if name not in known_query and (op.operation_id, name) not in QUIRKS:
                    gaps.append(f"{call.where} (fn {call.fn_name}): sends query parameter {name!r} ({call.query.description}) unknown to {op.key}")
        if call.body:
            if op.body_schema is None and (op.operation_id, "body") not in QUIRKS:
                gaps.append(f"{call.where} (fn {call.fn_name}): sends a body ({call.body.description}) to {op.key}, which takes none")
            for name in call.body.names:
                if name not in known_body and (op.operation_id, name) not in QUIRKS:
                    gaps.append(f"{call.where} (fn {call.fn_name}): sends body field {name!r} ({call.body.description}) unknown to {op.key}")
    report("What the Rust core sends vs the document", gaps)


# --------------------------------------------------------------------------------------------
# Python.


def python_clients() -> list[tuple[str, Any]]:
    import twin

    return [
        ("twin.Client", twin.Client(api_key="k", base_url="http://127.0.0.1:9", max_retries=0)),
        ("twin.AsyncClient", twin.AsyncClient(api_key="k", base_url="http://127.0.0.1:9", max_retries=0)),
    ]


def python_name(op: Operation, wire: str) -> str:
    return PYTHON_NAMES.get((op.operation_id, wire), wire)


def python_method(client: Any, dotted: str) -> Optional[Callable[..., Any]]:
    target = client
    for part in dotted.split("."):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target if callable(target) else None


def python_has(client: Any, dotted: str, name: str) -> bool:
    fn = python_method(client, dotted)
    return fn is not None and name in inspect.signature(fn).parameters


def python_gaps(client_name: str, client: Any, ops: list[Operation]) -> list[str]:
    gaps = []
    for op in ops:
        if op.operation_id not in SURFACE:
            gaps.append(f"{op.key}: no entry in SURFACE (which Python method and C function serve it?)")
            continue
        dotted = SURFACE[op.operation_id][0]
        fn = python_method(client, dotted)
        if fn is None:
            gaps.append(f"{op.key}: {client_name}.{dotted} does not exist")
            continue
        params = inspect.signature(fn).parameters
        named = {n for n, p in params.items() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
        for inp in inputs(op):
            if omitted(op, inp.wire, "python"):
                continue
            name = python_name(op, inp.wire)
            if name not in named:
                gaps.append(f"{op.key}: {inp.describe()}: {client_name}.{dotted}{inspect.signature(fn)} has no parameter {name!r}")
    return gaps


def test_python_covers_the_document(ops: list[Operation]) -> None:
    gaps = []
    for client_name, client in python_clients():
        gaps += python_gaps(client_name, client, ops)
    report("Python package vs the document", gaps)


# --------------------------------------------------------------------------------------------
# C.


@dataclass
class CFunction:
    name: str
    args: list[tuple[str, str]]  # (type, name)


def c_functions(header: pathlib.Path = HEADER) -> dict[str, CFunction]:
    text = re.sub(r"/\*.*?\*/", " ", header.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    out = {}
    for m in re.finditer(r"\b(twin_\w+)\s*\(([^;{}()]*)\)\s*;", text):
        args = []
        for raw in m.group(2).split(","):
            raw = " ".join(raw.split())
            if not raw or raw == "void":
                continue
            am = re.fullmatch(r"(.*?[\s\*])(\w+)", raw)
            if not am:
                raise AssertionError(f"twin.h: unreadable argument {raw!r} of {m.group(1)}")
            args.append((" ".join(am.group(1).split()), am.group(2)))
        out[m.group(1)] = CFunction(m.group(1), args)
    return out


def c_params_types(fn: CFunction) -> list[str]:
    """The params/options types ``fn`` takes (``twin_run_list_params``, ...)."""
    types = [re.sub(r"\bconst\b|\*", "", t).strip() for t, _ in fn.args]
    return [t for t in types if re.fullmatch(r"twin_\w+_(params|options)", t)]


def c_has(fn: CFunction, name: str, functions: dict[str, CFunction]) -> bool:
    """An argument ``name`` of ``fn``, or a ``<params type>_set_<name>`` for a type it takes."""
    return name in {n for _, n in fn.args} or any(f"{t}_set_{name}" in functions for t in c_params_types(fn))


def c_gaps(ops: list[Operation], functions: dict[str, CFunction]) -> list[str]:
    gaps = []
    for op in ops:
        if op.operation_id not in SURFACE:
            gaps.append(f"{op.key}: no entry in SURFACE (which Python method and C function serve it?)")
            continue
        fname = SURFACE[op.operation_id][1]
        fn = functions.get(fname)
        if fn is None:
            gaps.append(f"{op.key}: include/twin.h declares no {fname}()")
            continue
        for inp in inputs(op):
            if omitted(op, inp.wire, "c"):
                continue
            py = python_name(op, inp.wire)
            name = C_NAMES.get((op.operation_id, py), py)
            if c_has(fn, name, functions):
                continue
            setters = [f"{t}_set_{name}" for t in c_params_types(fn)]
            where = f"no argument {name!r} in {fname}({', '.join(n for _, n in fn.args)})"
            if setters:
                where += " and no " + " / ".join(f"{s}()" for s in setters)
            elif inp.where != "path":
                where += " and it takes no params type to set it on"
            gaps.append(f"{op.key}: {inp.describe()}: {where}")
    return gaps


def test_c_covers_the_document(ops: list[Operation]) -> None:
    report("C library (include/twin.h) vs the document", c_gaps(ops, c_functions()))


# --------------------------------------------------------------------------------------------
# The tables themselves stay true.


def test_every_table_entry_names_something_real(ops: list[Operation], rust: _rust_surface.RustSurface) -> None:
    by_id = {op.operation_id: op for op in ops}
    problems = []
    for op_id in SURFACE:
        if op_id not in by_id:
            problems.append(f"SURFACE: {op_id!r} is not an operation of the document")
    for (op_id, wire), name in PYTHON_NAMES.items():
        if op_id not in by_id or wire not in {i.wire for i in inputs(by_id[op_id])}:
            problems.append(f"PYTHON_NAMES: {op_id}.{wire} is not an input of the document")
    for (op_id, wire), (langs, _reason) in OMITTED.items():
        if op_id not in by_id or wire not in {i.wire for i in inputs(by_id[op_id])}:
            problems.append(f"OMITTED: {op_id}.{wire} is not an input of the document")
            continue
        if not langs <= set(LANGUAGES):
            problems.append(f"OMITTED: {op_id}.{wire}: unknown language in {sorted(langs)}")
    for key in QUIRKS:
        if key not in QUIRK_CAPTURES:
            problems.append(f"QUIRKS: {key} has no entry in QUIRK_CAPTURES")
    for key in QUIRK_CAPTURES:
        if key not in QUIRKS:
            problems.append(f"QUIRK_CAPTURES: {key} is not in QUIRKS")
    for (op_id, py), _ in C_NAMES.items():
        if op_id not in by_id:
            problems.append(f"C_NAMES: {op_id!r} is not an operation of the document")
    report("Tables of this test", problems)


def test_omissions_are_still_omitted(ops: list[Operation], rust: _rust_surface.RustSurface) -> None:
    """An entry of OMITTED whose input the language now has is stale: take it out."""
    by_id = {op.operation_id: op for op in ops}
    stale = []
    functions = c_functions()
    clients = python_clients()
    for (op_id, wire), (langs, _reason) in OMITTED.items():
        op = by_id.get(op_id)
        if op is None:
            continue
        for lang in langs:
            if lang == "rust":
                calls = rust_calls_for(rust, op)
                sent = {n for c in calls for s in (c.query, c.body) if s for n in s.names}
                present = wire in sent
            elif lang == "python":
                present = any(python_has(c, SURFACE[op_id][0], python_name(op, wire)) for _, c in clients)
            else:
                cfn = functions.get(SURFACE[op_id][1])
                name = C_NAMES.get((op_id, python_name(op, wire)), python_name(op, wire))
                present = cfn is not None and c_has(cfn, name, functions)
            if present:
                stale.append(f"OMITTED[{op_id}.{wire}] lists {lang}, which now has it")
    report("Stale omissions", stale)


def test_quirks_are_real_and_still_needed(ops: list[Operation], rust: _rust_surface.RustSurface) -> None:
    """Each quirk's capture says what the table claims, the document still lacks it, and the
    SDK still sends it."""
    by_id = {op.operation_id: op for op in ops}
    calls = _document.live_calls()
    problems = []
    for key, (index, method, path, request_body, status) in QUIRK_CAPTURES.items():
        op_id, what = key
        cap = calls[index]
        if (cap["method"], cap["path"].split(" ")[0], cap["request_body"], cap["status"]) != (method, path, request_body, status):
            problems.append(f"QUIRK_CAPTURES[{key}]: live-calls.json calls[{index}] is {cap['method']} {cap['path']} body {cap['request_body']!r} -> {cap['status']}, not what the table says")
        op = by_id.get(op_id)
        if op is None:
            problems.append(f"QUIRKS[{key}]: no such operation")
            continue
        sent = rust_calls_for(rust, op)
        if what == "body":
            if op.body_schema is not None:
                problems.append(f"QUIRKS[{key}]: the document now defines a body: remove the quirk")
            if not any(c.body for c in sent):
                problems.append(f"QUIRKS[{key}]: the SDK no longer sends a body: remove the quirk")
        else:
            if what in {i.wire for i in inputs(op)}:
                problems.append(f"QUIRKS[{key}]: the document now has {what!r}: remove the quirk")
            if not any(s and what in s.names for c in sent for s in (c.query, c.body)):
                problems.append(f"QUIRKS[{key}]: the SDK no longer sends {what!r}: remove the quirk")
    report("Quirks", problems)


# --------------------------------------------------------------------------------------------
# The Rust reader reads what it should (a check of the checker, on a made-up source).

SAMPLE = r'''
//! A "quoted { brace" in a doc comment, and a // in a string below.
use serde::Serialize;
const PATH: [&str; 3] = ["api", "public", "things"];

#[derive(Clone, Debug, Default, Serialize)]
pub struct ListParams {
    /// Filter { with a brace }.
    #[serde(rename = "filter_x", skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(skip)]
    pub hidden: u32,
    #[serde(rename(serialize = "ser_name", deserialize = "de_name"))]
    pub y: std::collections::HashMap<String, Vec<u8>>,
}

#[derive(Serialize)]
struct PageQuery<'a> {
    #[serde(flatten)]
    params: &'a ListParams,
    page: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<'a> {
    some_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    icon_config: Option<&'a str>,
}

impl Things {
    pub fn list(&self, params: &ListParams) -> Result<()> {
        let url = "https://example.com/{not a brace}"; // a comment with ) and {
        let c = '{';
        let call = Call::get(&["v1", "things", &self.id])
            .limit(BodyLimit::Page)
            .query(&PageQuery { params, page: 1 });
        Ok(())
    }
    pub fn create(&self, name: &str) -> Result<()> {
        self.client.send(Call::post(&PATH, Idempotency::Unsafe).body(&Body { some_name: name, icon_config: None }))
    }
    pub fn update(&self, params: &ListParams) -> Result<()> {
        self.client.send(Call::patch(&["v1", "things", id]).body(params))
    }
    pub fn pause(&self) -> Result<()> {
        self.client.send(Call::post(&["v1", "pause"], Idempotency::Safe).body(&serde_json::json!({"a": 1, "b": [1, 2]})))
    }
}

#[cfg(test)]
mod tests {
    fn t() { let _ = Call::delete(&["never", "counted"]); }
}
'''


def test_the_rust_reader_on_a_sample(tmp_path: pathlib.Path) -> None:
    (tmp_path / "things.rs").write_text(textwrap.dedent(SAMPLE), encoding="utf-8")
    surface = _rust_surface.RustSurface(tmp_path)
    got = [(c.method, c.path, c.query and c.query.names, c.body and c.body.names) for c in surface.calls]
    assert got == [
        ("GET", "/v1/things/{}", ["filter_x", "ser_name", "page"], None),
        ("POST", "/api/public/things", None, ["someName"]),
        ("PATCH", "/v1/things/{}", None, ["filter_x", "ser_name"]),
        ("POST", "/v1/pause", None, ["a", "b"]),
    ]
