#!/usr/bin/env python3
"""The emulator's own /openapi.json against the live service's (tests/vectors/real/openapi.json).

For every operation of either document: is it in the other; and for every shared one, its
query parameters, its request body (whether required, and its field names), its response
status codes, and the property names (as paths: `runs[].goal`) of each shared 2xx response's
schema. Every difference must match an entry of DELIBERATE, which says why the emulator
differs; the script prints each difference that does not, and each entry that no longer
matches anything, and exits 1 if there is any. Usage: diff_documents.py [--list]
(--list prints every difference with the entry that allows it).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, Callable

from emulator_process import emulator, real

METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class Diff:
    """One difference. `side` is where the item exists: "real" (the live document only) or
    "emulator" (the emulator's only); `value` is what differs."""

    op: str  # "GET /v1/agents"
    kind: str  # operation | query | body | body_required | status | response
    value: str
    side: str

    def __str__(self) -> str:
        where = "only in the live document" if self.side == "real" else "only in the emulator's"
        if self.kind == "body_required":
            return f"{self.op}: request body required: {self.value}"
        return f"{self.op}: {self.kind} {self.value!r} {where}"


@dataclass(frozen=True)
class Rule:
    why: str
    matches: Callable[[Diff], bool]


AGENT_PATHS = "/v1/agents/{agent_id}"
BODY_OPS = {
    "POST /api/public/v1/access-api-keys", "POST /v1/agents", "PUT /v1/agents/{agent_id}/instructions",
    "POST /v1/agents/{agent_id}/move", "POST /v1/agents/{agent_id}/runs",
    "POST /v1/agents/{agent_id}/runs/{run_id}/cancel", "PUT /v1/agents/{agent_id}/schedule",
    "POST /v1/agents/{agent_id}/webhooks", "PATCH /v1/agents/{agent_id}/webhooks/{webhook_id}",
    "POST /v1/workspaces", "POST /v1/workspaces/reorder", "PUT /v1/workspaces/{workspace_id}",
}
QUERY_OPS = {
    "GET /v1/agents", "GET /v1/agents/{agent_id}/runs", "GET /v1/agents/{agent_id}/runs/{run_id}/events",
    "GET /v1/agents/{agent_id}/instructions/history",
}


def on_agent(d: Diff) -> bool:
    return d.op.split(" ", 1)[1].startswith(AGENT_PATHS)


def status(code: str, side: str, where: Callable[[Diff], bool] = lambda d: True) -> Callable[[Diff], bool]:
    return lambda d: d.kind == "status" and d.value == code and d.side == side and where(d)


def ops(*names: str) -> Callable[[Diff], bool]:
    return lambda d: d.op in names


# Why the emulator's document says something the live one does not, or the reverse. Captures
# are in tests/vectors/real (live-calls.json `calls[i]`, http-exchanges.json `exchanges[i]`).
DELIBERATE: list[Rule] = [
    Rule("401 on every operation: the x-api-key check comes before any route's own code "
         "(http-exchanges.json exchanges[20]: GET /v1/me with a Bearer token and no key is a 401 "
         "problem); the live document lists 401 on 6 operations only",
         status("401", "emulator")),
    Rule("403 for an unknown or deleted agent (live-calls.json calls[41]: GET /v1/agents/{id} of a "
         "deleted agent is 403 `you do not have access to this agent`), on every operation under "
         "/v1/agents/{agent_id} and for POST /v1/agents with an unknown derived_from_agent_id",
         lambda d: d.kind == "status" and d.value == "403" and d.side == "emulator"
         and (on_agent(d) or d.op == "POST /v1/agents")),
    Rule("the 404 the live document lists for an unknown agent is a 403 on live (live-calls.json "
         "calls[41]); these operations have no other 404 in the emulator",
         lambda d: d.kind == "status" and d.value == "404" and d.side == "real" and d.op in {
             "GET /v1/agents/{agent_id}", "DELETE /v1/agents/{agent_id}",
             "GET /v1/agents/{agent_id}/instructions", "GET /v1/agents/{agent_id}/instructions/history",
             "GET /v1/agents/{agent_id}/runs", "GET /v1/agents/{agent_id}/schedule",
             "DELETE /v1/agents/{agent_id}/schedule", "GET /v1/agents/{agent_id}/webhooks"}),
    Rule("an events list of an unknown run is `200 {\"events\": [], \"total_count\": 0}` on live "
         "(twin-api.md 2.5, from [BUG] appendix-traces seq 9), never the 404 the live document lists",
         lambda d: d.kind == "status" and d.value == "404" and d.side == "real"
         and d.op == "GET /v1/agents/{agent_id}/runs/{run_id}/events"),
    Rule("PATCH .../webhooks/{id}: a url, events or status the emulator cannot accept is a 400 "
         "problem, as on create (where the live document lists 400); also axum's 400 for a body that is not JSON",
         lambda d: d.kind == "status" and d.side == "emulator" and d.value == "400"
         and d.op == "PATCH /v1/agents/{agent_id}/webhooks/{webhook_id}"),
    Rule("axum's Json extractor answers 400 (not JSON), 413 (over 2 MB), 415 (no JSON content "
         "type) and 422 (a missing field, a wrong type) in text/plain, the live server being axum "
         "(live-calls.json calls[30] is its 422 wording; http-exchanges.json exchanges[22] its 405 "
         "with `allow: GET,HEAD,PUT`); the live document lists none of them",
         lambda d: d.kind == "status" and d.side == "emulator" and d.op in BODY_OPS
         and d.value in {"400", "413", "415", "422"}),
    Rule("the lists refuse what the emulator cannot interpret with a 400 problem, never "
         "ignoring or silently reinterpreting it: GET /v1/agents a limit outside 1..100 or a "
         "cursor it did not issue, the runs list an unparseable filter_started_* or an unknown "
         "filter_* parameter; no capture shows live's answers (also axum's Query 400 below)",
         lambda d: d.kind == "status" and d.side == "emulator" and d.value == "400"
         and d.op in {"GET /v1/agents", "GET /v1/agents/{agent_id}/runs"}),
    Rule("axum's Query extractor answers 400 text/plain for a parameter of the wrong type "
         "(`limit=abc`), on every operation with query parameters",
         lambda d: d.kind == "status" and d.side == "emulator" and d.op in QUERY_OPS and d.value == "400"),
    Rule("POST /v1/agents: a blank or over-long explicit agent_id is a 400, an unknown workspace_id "
         "a 404, an agent_id already taken a 409 (problems); no capture shows live's answers",
         lambda d: d.kind == "status" and d.side == "emulator" and d.op == "POST /v1/agents"
         and d.value in {"400", "404", "409"}),
    Rule("the live document leaves an event item's `event` an untyped object; the emulator "
         "documents the envelope of the real events (run-events.json: `agent_id.id`, `run_id.id`, "
         "`user_id`, `event.event.<Type>`)",
         lambda d: d.kind == "response" and d.side == "emulator"
         and d.op == "GET /v1/agents/{agent_id}/runs/{run_id}/events" and d.value.startswith("events[].event.")),
]


def resolve(doc: dict[str, Any], schema: Any) -> Any:
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = doc["components"]["schemas"][name]
        seen += 1
        assert seen < 50, "a $ref loop"
    return schema


def property_paths(doc: dict[str, Any], schema: Any, prefix: str = "", depth: int = 0) -> set[str]:
    """Every property name reachable in `schema`, as dotted paths (`[]` for array items)."""
    schema = resolve(doc, schema)
    if not isinstance(schema, dict) or depth > 12:
        return set()
    out: set[str] = set()
    for key in ("oneOf", "anyOf", "allOf"):
        for sub in schema.get(key, []):
            out |= property_paths(doc, sub, prefix, depth + 1)
    for name, sub in schema.get("properties", {}).items():
        path = prefix + name
        out.add(path)
        out |= property_paths(doc, sub, path + ".", depth + 1)
    if "items" in schema:
        out |= property_paths(doc, schema["items"], prefix.rstrip(".") + "[].", depth + 1)
    return out


def operations(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{m.upper()} {p}": op for p, item in doc["paths"].items() for m, op in item.items() if m in METHODS}


def json_schema(content: dict[str, Any]) -> Any:
    for media, body in content.items():
        if media == "application/json" or media.endswith("+json"):
            return body.get("schema")
    return None


def differences(live: dict[str, Any], mine: dict[str, Any]) -> list[Diff]:
    out: list[Diff] = []

    def both(op: str, kind: str, a: set[str], b: set[str]) -> None:
        out.extend(Diff(op, kind, v, "real") for v in sorted(a - b))
        out.extend(Diff(op, kind, v, "emulator") for v in sorted(b - a))

    live_ops, my_ops = operations(live), operations(mine)
    both("*", "operation", set(live_ops), set(my_ops))
    for name in sorted(set(live_ops) & set(my_ops)):
        a, b = live_ops[name], my_ops[name]
        query = lambda op: {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}  # noqa: E731
        both(name, "query", query(a), query(b))
        body_a, body_b = a.get("requestBody"), b.get("requestBody")
        fields = lambda body, doc: (  # noqa: E731
            property_paths(doc, json_schema(body["content"])) if body else set())
        both(name, "body", fields(body_a, live), fields(body_b, mine))
        req_a, req_b = bool(body_a and body_a.get("required")), bool(body_b and body_b.get("required"))
        if (body_a is None) != (body_b is None) or req_a != req_b:
            out.append(Diff(name, "body_required", f"live {req_a if body_a else 'no body'}, "
                            f"emulator {req_b if body_b else 'no body'}", "both"))
        both(name, "status", set(a["responses"]), set(b["responses"]))
        for code in sorted(set(a["responses"]) & set(b["responses"])):
            if not code.startswith("2"):
                continue
            schema_of = lambda op, doc: property_paths(  # noqa: E731
                doc, json_schema(op["responses"][code].get("content", {})))
            both(f"{name} {code}", "response", schema_of(a, live), schema_of(b, mine))
    return out


def main() -> int:
    live = real("openapi.json")
    with emulator() as emu:
        status, mine = emu.call("GET", "/openapi.json")
        assert status == 200, status
    diffs = differences(live, mine)
    allowed: dict[Diff, Rule] = {}
    used: set[int] = set()
    for d in diffs:
        # The rules see a response difference's operation without its status code.
        probe = Diff(d.op.rsplit(" ", 1)[0], d.kind, d.value, d.side) if d.kind == "response" else d
        for i, rule in enumerate(DELIBERATE):
            if rule.matches(probe):
                allowed[d] = rule
                used.add(i)
                break
    unexplained = [d for d in diffs if d not in allowed]
    stale = [r for i, r in enumerate(DELIBERATE) if i not in used]
    if "--list" in sys.argv:
        for d in diffs:
            print(f"{d}\n    {'ALLOWED: ' + allowed[d].why if d in allowed else 'NOT LISTED AS DELIBERATE'}")
    for d in unexplained:
        print(f"DIFFERENCE: {d}")
    for r in stale:
        print(f"STALE ENTRY (matches no difference): {r.why}")
    print(f"{len(diffs)} differences between the documents on {len(operations(live))} live operations; "
          f"{len(diffs) - len(unexplained)} deliberate, {len(unexplained)} not; {len(stale)} stale entries")
    return 1 if unexplained or stale else 0


if __name__ == "__main__":
    sys.exit(main())
