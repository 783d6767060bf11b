#!/usr/bin/env python3
"""Schemathesis with the live service's own OpenAPI document (tests/vectors/real/openapi.json)
against the emulator: every answer must be what the live document says, except the live quirks
listed in QUIRKS, each with the capture that proves it (checked against the capture here).

The document is used as captured, with two repairs that are not about behaviour (REPAIRS).
Each quirk adds to the document what the live service is seen to answer (a status, a content
type); nothing is taken away. The emulator gets a workspace, an agent with a run, a webhook and
a schedule, and a spare key, agent, run, webhook and workspace for the deletes, so that the
operations are exercised on things that exist as well as on made-up ids.

Usage: live_document.py [MAX_EXAMPLES]   (exit status: schemathesis's, or 1 for a quirk whose
capture does not show it)
"""

from __future__ import annotations

import copy
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any, Callable

from emulator_process import emulator, real, schemathesis

Doc = dict[str, Any]
PROBLEM = {"$ref": "#/components/schemas/ProblemDetail"}


def ops(doc: Doc) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, op) for p, item in doc["paths"].items() for m, op in item.items()]


def add_response(op: dict[str, Any], status: str, media: str, schema: Any, why: str) -> None:
    """Adds `media` (with its schema) to the response `status` of an operation."""
    response = op["responses"].setdefault(status, {"description": why})
    response.setdefault("content", {})[media] = {"schema": schema}


# ------------------------------------------------------------------------------------------
# Repairs of the captured document (not behaviour)
# ------------------------------------------------------------------------------------------


def repair_security(doc: Doc) -> None:
    """The capture's secret redaction replaced each operation's security requirement
    `{"api_key": []}` by the string "***REDACTED***" (info.x-capture-note); restored."""
    for _, _, op in ops(doc):
        op["security"] = [{"api_key": []}]


def repair_servers(doc: Doc) -> None:
    """`servers` names https://builder.twin.so (the web UI); the emulator's URL is given."""
    doc["servers"] = []


REPAIRS: list[Callable[[Doc], None]] = [repair_security, repair_servers]


# ------------------------------------------------------------------------------------------
# Live quirks, each with its proof
# ------------------------------------------------------------------------------------------


@dataclass
class Quirk:
    what: str
    capture: str  # file and entry in tests/vectors/real
    proof: Callable[[], bool]  # checks that the capture shows it
    patch: Callable[[Doc], None]


def call(i: int) -> dict[str, Any]:
    result: dict[str, Any] = real("live-calls.json")["calls"][i]
    return result


def exchange(i: int) -> dict[str, Any]:
    result: dict[str, Any] = real("http-exchanges.json")["exchanges"][i]
    return result


def problem_json(doc: Doc) -> None:
    for _, _, op in ops(doc):
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")) and "application/json" in response.get("content", {}):
                add_response(op, status, "application/problem+json", PROBLEM, "problem details")


def forbidden_agent(doc: Doc) -> None:
    for _, path, op in ops(doc):
        if path.startswith("/v1/agents/{agent_id}") or path == "/v1/agents":
            add_response(op, "403", "application/problem+json", PROBLEM,
                         "you do not have access to this agent")


def axum_json_rejections(doc: Doc) -> None:
    for _, _, op in ops(doc):
        if "requestBody" in op:
            for status in ("400", "413", "415", "422"):
                add_response(op, status, "text/plain", {"type": "string"}, "axum's Json rejection")


def axum_query_rejections(doc: Doc) -> None:
    for _, _, op in ops(doc):
        if any(p["in"] == "query" for p in op.get("parameters", [])):
            add_response(op, "400", "text/plain", {"type": "string"}, "axum's Query rejection")


def unauthorized_everywhere(doc: Doc) -> None:
    for _, _, op in ops(doc):
        add_response(op, "401", "application/problem+json", PROBLEM, "missing or bad x-api-key")


def bearer_refused() -> bool:
    e = exchange(20)
    return (e["status"] == 401 and e["headers"]["content-type"] == "application/problem+json"
            and "Bearer tokens are not supported" in e["body"]["detail"])


def icon_config_422() -> bool:
    c = call(30)
    return (c["status"] == 422 and c["content_type"] == "text/plain; charset=utf-8"
            and "Failed to deserialize the JSON body into the target type" in c["response_body"])


def deleted_agent_403() -> bool:
    c = call(41)
    return (c["status"] == 403 and c["content_type"] == "application/problem+json"
            and "you do not have access to this agent" in c["response_body"])


def axum_405() -> bool:
    e = exchange(22)
    return e["status"] == 405 and e["headers"]["allow"] == "GET,HEAD,PUT" and e["body"] == ""


QUIRKS: list[Quirk] = [
    Quirk("errors are `application/problem+json`, where the live document says application/json",
          "live-calls.json calls[41] (403), http-exchanges.json exchanges[20] (401)",
          lambda: deleted_agent_403() and bearer_refused(), problem_json),
    Quirk("an unknown or deleted agent is a 403 problem `you do not have access to this agent` on "
          "every operation of an agent (and for POST /v1/agents with an unknown "
          "derived_from_agent_id), where the live document lists 404",
          "live-calls.json calls[41]", deleted_agent_403, forbidden_agent),
    Quirk("a request body that axum's Json extractor rejects gets its text/plain answer: 422 for a "
          "missing field or a wrong type, 400 for a body that is not JSON, 415 without a JSON "
          "content type, 413 over 2 MB; the live document lists none (the server is axum: its "
          "405 with `allow: GET,HEAD,PUT` is axum's own)",
          "live-calls.json calls[30] (422 text/plain `Failed to deserialize the JSON body into the "
          "target type: ...`), http-exchanges.json exchanges[22] (axum's 405)",
          lambda: icon_config_422() and axum_405(), axum_json_rejections),
    Quirk("a query string that axum's Query extractor rejects (`limit=abc`) gets its 400 text/plain",
          "live-calls.json calls[30] and http-exchanges.json exchanges[22] (the server is axum)",
          lambda: icon_config_422() and axum_405(), axum_query_rejections),
    Quirk("every operation answers 401 (a problem) without a usable x-api-key, not only the six "
          "the live document lists it for",
          "http-exchanges.json exchanges[20]", bearer_refused, unauthorized_everywhere),
]


# ------------------------------------------------------------------------------------------
# Where the emulator deliberately answers what the live document does not list
# ------------------------------------------------------------------------------------------


def emulator_refusals(doc: Doc) -> None:
    """400 problems for what the emulator cannot interpret, where live's answer is not
    captured: the agents list's limit outside 1..100 and a cursor it never issued; the runs
    list's unparseable filter_started_* and unknown filter_*; PATCH of a webhook with an
    unusable url, events or status; POST /v1/agents with a blank agent_id; a 404 for an
    unknown workspace_id and a 409 for an agent_id already taken on POST /v1/agents; a 404 for
    pause/resume of an agent without a schedule."""
    paths = doc["paths"]
    for path, method, status in [
        ("/v1/agents", "get", "400"),
        ("/v1/agents/{agent_id}/runs", "get", "400"),
        ("/v1/agents/{agent_id}/webhooks/{webhook_id}", "patch", "400"),
        ("/v1/agents", "post", "400"),
        ("/v1/agents", "post", "404"),
        ("/v1/agents", "post", "409"),
    ]:
        add_response(paths[path][method], status, "application/problem+json", PROBLEM,
                     "the emulator's visible refusal")


EMULATOR_CHOICES: list[Callable[[Doc], None]] = [emulator_refusals]


def live_document() -> Doc:
    doc = copy.deepcopy(real("openapi.json"))
    for repair in REPAIRS:
        repair(doc)
    for quirk in QUIRKS:
        quirk.patch(doc)
    for choice in EMULATOR_CHOICES:
        choice(doc)
    return doc


def check_quirks() -> list[str]:
    return [f"{q.what}: {q.capture} does not show it" for q in QUIRKS if not q.proof()]


def seed(emu: Any) -> dict[str, str]:
    """Things to point the path parameters at: kept ones and spares for the deletes."""
    def ok(status_body: tuple[int, Any], expected: int = 201) -> Any:
        status, body = status_body
        assert status == expected, (status, body)
        return body

    ws = ok(emu.call("POST", "/v1/workspaces", {"name": "kept"}))["workspace"]["workspace_id"]
    spare_ws = ok(emu.call("POST", "/v1/workspaces", {"name": "spare"}))["workspace"]["workspace_id"]
    agent = ok(emu.call("POST", "/v1/agents", {"workspace_id": ws}))["agent"]["agent_id"]
    spare_agent = ok(emu.call("POST", "/v1/agents", {"workspace_id": spare_ws}))["agent"]["agent_id"]
    ok(emu.call("PUT", f"/v1/agents/{agent}/instructions", {"content": "# Kept\nBe brief."}), 200)
    ok(emu.call("PUT", f"/v1/agents/{agent}/schedule", {"cron": "0 0 9 * * * *"}), 200)
    run = ok(emu.call("POST", f"/v1/agents/{agent}/runs",
                      {"run_mode": "build", "user_message": "Kept [emulator: events=120 step_ms=1]"}))
    spare_run = ok(emu.call("POST", f"/v1/agents/{agent}/runs",
                            {"run_mode": "run", "user_message": "Spare [emulator: events=7 step_ms=1]"}))
    hook = ok(emu.call("POST", f"/v1/agents/{agent}/webhooks",
                       {"url": "http://127.0.0.1:9/kept", "events": ["run.completed"]}))
    spare_hook = ok(emu.call("POST", f"/v1/agents/{agent}/webhooks",
                             {"url": "http://127.0.0.1:9/spare", "events": ["run.failed"]}))
    key = ok(emu.call("POST", "/api/public/v1/access-api-keys", {"name": "spare"}))
    time.sleep(0.5)  # the runs end
    return {
        "workspace_id": ws, "spare_workspace_id": spare_ws, "agent_id": agent,
        "spare_agent_id": spare_agent, "run_id": run["run"]["run_id"],
        "spare_run_id": spare_run["run"]["run_id"], "webhook_id": hook["webhook_id"],
        "spare_webhook_id": spare_hook["webhook_id"], "key_id": key["key_id"],
    }


def config(doc: Doc, ids: dict[str, str]) -> str:
    """schemathesis.toml: path parameters pointed at the seeded things (deletes at spares)."""
    lines = ["[parameters]"]
    for name in ("agent_id", "run_id", "webhook_id", "workspace_id", "key_id"):
        lines.append(f'"path.{name}" = "{ids[name]}"')
    spares = [
        ("/v1/agents/{agent_id}", "agent_id"),
        ("/v1/agents/{agent_id}/runs/{run_id}", "run_id"),
        ("/v1/agents/{agent_id}/webhooks/{webhook_id}", "webhook_id"),
        ("/v1/workspaces/{workspace_id}", "workspace_id"),
    ]
    for path, name in spares:
        # By operationId: schemathesis ORs include-path and include-method.
        operation_id = doc["paths"][path]["delete"]["operationId"]
        lines += ["", "[[operations]]", f'include-operation-id = "{operation_id}"',
                  "[operations.parameters]", f'"path.{name}" = "{ids["spare_" + name]}"']
    return "\n".join(lines) + "\n"


def main() -> int:
    max_examples = sys.argv[1] if len(sys.argv) > 1 else "25"
    unproven = check_quirks()
    for line in unproven:
        print("UNPROVEN QUIRK:", line)
    if unproven:
        return 1
    with tempfile.TemporaryDirectory() as tmp, emulator() as emu:
        doc = live_document()
        schema = os.path.join(tmp, "live-openapi.json")
        with open(schema, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        toml = os.path.join(tmp, "schemathesis.toml")
        with open(toml, "w", encoding="utf-8") as f:
            f.write(config(doc, seed(emu)))
        print(f"schemathesis: the live document ({len(QUIRKS)} quirks, {len(REPAIRS)} repairs) "
              f"against the emulator at {emu.url}", flush=True)
        return schemathesis(schema, emu, max_examples, "--config-file", toml)


if __name__ == "__main__":
    sys.exit(main())
