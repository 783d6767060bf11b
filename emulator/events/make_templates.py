#!/usr/bin/env python3
"""Writes emulator/events/real-events.json: the real event templates the emulator re-stamps.

Every template is an event a live Twin run returned from
`GET /v1/agents/{agent_id}/runs/{run_id}/events`, picked by its `event_index` from the public
dump of one builder run (github.com/CXP-shawn/twin-probe-build-trace-dump, `batches/*.json`,
500 events of 2026-04-23), of which tests/vectors/real/run-events.json holds 100: those are
checked to be the same events here. Templates are trimmed to keep the emulator small (strings
over 160 characters cut, lists over 3 items cut, the 100 KB of tool schemas in `Started` cut to
one tool) and scrubbed (email addresses become user@example.com, `twin_...` keys and the user's
memory text are replaced); their shape, key order, nulls, integers and Value trees are kept.

Usage: make_templates.py DUMP_BATCHES_DIR   (a checkout's `batches/` directory)
"""

from __future__ import annotations

import glob
import json
import os
import re
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "real-events.json")

# The run the dump is of: its ids are replaced by each simulated run's own.
AGENT_ID = "019db95d-7d6b-79d1-9908-5276e6cd29d2"
RUN_ID = "019db95d-7da4-7960-aa12-a6875a77cd6c"
USER_ID = "user_01KPPW8HKFNH8CH1GEQ73Y6VB3"

SINGLE = {  # kind -> event_index of the template
    "Started": 157912711,
    "UserTick": 157912706,
    "RunPolicyInitialized": 157912712,
    "PolicyDecisionRequested": 157912710,
    "StreamStarted": 157912787,
    "Tick": 157912842,
}
# Tool calls: the call_id of each, all of its events taken (PolicyDecided keeps only its own
# command). One or more per tool variant the dump shows.
CALLS = [
    "toolu_018dNKqyCc9eHtrrC9pJaZpp",  # EmbeddedTool get_agent_state
    "toolu_01H2W5HZ7gwLnPSMTE5h5Zy8",  # EmbeddedTool get_skill
    "toolu_01W7WYDcBohHpJ6AbmubfKpa",  # EmbeddedTool search_skills
    "toolu_015B86VGX1DBU3gcSeGPwmtC",  # GetCurrentTime
    "toolu_0146QF9e9wLeUDkUo9VJEuBe",  # Shell
    "toolu_01C4zbg7sPN7XShRfVTpfFoe",  # Shell
    "toolu_017pKbxpGN2u27iAzWb1K3B6",  # EstablishAuth
    "toolu_01VCWPEELz2LEdKrLEAYSXZs",  # CreateTool (+ DynamicToolCreationResolved)
    "toolu_017DNB8HsYLLnyFW2Dm362zV",  # UpdateTool (+ DynamicToolUpdateResolved)
    "toolu_01UDdiAoN6qELVSQNDQz51y1",  # DynamicTool GET
    "toolu_01Tmnqx8YhmQoNC2EaL4Yqf7",  # DynamicTool POST
    "toolu_016NyDej5T6cne5bcDjTuKni",  # ExecuteJs
    "toolu_013HDfw7RHN6hkFWzekLu1Vq",  # ExecuteJs
]
# present_options: the PolicyDecided with RequestUserInfo, then UserInfoRequested.
ASK = "toolu_01CRCizhWxJcnC6Ks7buSJax"

MAX_STRING = 160
MAX_ITEMS = 3
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
KEY = re.compile(r"twin_[0-9a-f]{32}_[A-Za-z0-9_-]+")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Other ids of the dump's account (its workspace, its other agents, its inbound trigger URL,
# which starts an agent without a key) become placeholders; the run's own two are re-stamped.
PLACEHOLDERS: dict[str, str] = {}


def placeholder(m: re.Match[str]) -> str:
    uuid = m.group(0)
    if uuid in (AGENT_ID, RUN_ID):
        return uuid
    return PLACEHOLDERS.setdefault(uuid, "00000000-0000-7000-8000-%012d" % (len(PLACEHOLDERS) + 1))


def scrub(s: str) -> str:
    s = EMAIL.sub("user@example.com", s)
    s = UUID.sub(placeholder, s)
    return KEY.sub("twin_***REDACTED***", s)


def trim(v: Any) -> Any:
    if isinstance(v, str):
        v = scrub(v)
        return v if len(v) <= MAX_STRING else v[:MAX_STRING] + "…"
    if isinstance(v, list):
        return [trim(x) for x in v[:MAX_ITEMS]]
    if isinstance(v, dict):
        return {k: trim(x) for k, x in v.items()}
    return v


def kind_of(item: dict[str, Any]) -> str:
    return next(iter(item["event"]["event"]["event"]))


def payload_of(item: dict[str, Any]) -> Any:
    return item["event"]["event"]["event"][kind_of(item)]


def template(item: dict[str, Any], payload: Any = None) -> dict[str, Any]:
    body = trim(payload_of(item) if payload is None else payload)
    return {"event_index": item["event_index"], "kind": kind_of(item), "payload": body}


def main() -> int:
    batches = sys.argv[1] if len(sys.argv) > 1 else ""
    files = sorted(glob.glob(os.path.join(batches, "batch_*.json")))
    if not files:
        print(__doc__)
        return 2
    events: dict[int, dict[str, Any]] = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            for item in json.load(f)["events"]:
                events[item["event_index"]] = item
    with open(os.path.join(ROOT, "tests", "vectors", "real", "run-events.json"), encoding="utf-8") as f:
        ours = json.load(f)["events"]
    for item in ours:  # the repository's copy is the same run (redacted there, as here)
        assert item["event_index"] in events and kind_of(events[item["event_index"]]) == kind_of(item)

    out: dict[str, Any] = {
        "about": __doc__.split("\n\n")[1].replace("\n", " "),
        "agent_id": AGENT_ID,
        "run_id": RUN_ID,
        "user_id": USER_ID,
    }
    for kind, index in SINGLE.items():
        item = events[index]
        assert kind_of(item) == kind, (kind, index)
        payload = payload_of(item)
        if kind == "Started":
            payload = dict(payload)
            payload["dynamic_tools"] = payload["dynamic_tools"][:1]
            payload["programmed_user_ticks"] = payload["programmed_user_ticks"][:1]
            payload["user_memory_context"] = None
        out[kind] = template(item, payload)

    def of_call(call_id: str) -> dict[str, Any]:
        parts: dict[str, Any] = {}
        for index in sorted(events):
            item = events[index]
            kind, payload = kind_of(item), payload_of(item)
            if kind == "PolicyDecided":
                mine = [c for c in payload["commands"]
                        if call_id in (next(iter(c["payload"].values())).get("call_id"),
                                       next(iter(c["payload"].values())).get("request_id"))]
                if mine and "PolicyDecided" not in parts:
                    parts["PolicyDecided"] = template(item, {**payload, "commands": mine})
            elif isinstance(payload, dict) and payload.get("call_id") == call_id and kind not in parts:
                parts[kind] = template(item)
        return parts

    out["calls"] = []
    for call_id in CALLS:
        parts = of_call(call_id)
        for needed in ("PolicyDecided", "ToolCallStarted", "ToolCallResolved"):
            assert needed in parts, (call_id, needed)
        out["calls"].append({"call_id": call_id, **parts})
    ask = of_call(ASK)
    out["ask"] = {"call_id": ASK, "PolicyDecided": ask["PolicyDecided"],
                  "UserInfoRequested": ask["UserInfoRequested"]}
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert not EMAIL.search(text.replace("user@example.com", "")), "an email address is left"
    assert not KEY.search(text.replace("twin_***REDACTED***", "")), "a key is left"
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"{OUT}: {len(text.encode())} bytes, {len(out['calls'])} tool calls")
    return 0


if __name__ == "__main__":
    sys.exit(main())
