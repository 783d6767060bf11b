"""Event.payload and Event.raw of events read from a page (built from each event's JSON text
when the core keeps it, bindings-python/src/events.rs) are the same data, of the same types, as
those of the same item decoded from a dict (built from the core's parsed `Value`): the shared
vectors, edge cases and random Value-tree look-alikes, served as pages by a small local server,
and the emulator's realistic page."""

from __future__ import annotations

import http.server
import json
import random
import threading
from typing import Any

import pytest

import twin
from twin.testing import Emulator

from conftest import vectors

EVENTS = vectors("events.json")


def tree(kind: str, inner: Any) -> dict[str, Any]:
    return {"kind": {kind: inner}}


def item(index: int, body: Any, kind: str = "ToolCallResolved") -> str:
    """One item in the live nested shape, `body` as JSON text (so that the text can hold what
    `json.dumps` would not write: duplicate keys, `-0`)."""
    return (
        '{"event_index": %d, "recorded_at": "2026-04-23T08:03:25.25Z", "event": {"agent_id": '
        '{"id": "a"}, "run_id": {"id": "r"}, "user_id": null, "event": {"event": {"%s": %s}}}}'
        % (index, kind, body)
    )


EDGE_BODIES = [
    json.dumps({"output": tree("StructValue", {"fields": {"kind": tree("StringValue", "x")}})}),
    # A struct whose only field is named "kind" and holds a tree: decoded once, not twice.
    json.dumps({"o": tree("StructValue", {"fields": {"kind": tree("StructValue", {"fields": {
        "StringValue": tree("StringValue", "y")}})}})}),
    json.dumps({"o": tree("StringValue", tree("StringValue", "a"))}),
    json.dumps({"o": tree("ListValue", {"values": None}), "p": tree("ListValue", {}),
                "q": tree("ListValue", {"values": "no"}), "r": tree("StructValue", {"fields": None}),
                "s": tree("StructValue", {"fields": []}), "t": tree("StructValue", {"other": 1})}),
    json.dumps({"n": [tree("NumberValue", 1), tree("NumberValue", 2.5), tree("NumberValue", "NaN"),
                      tree("NumberValue", True), tree("BoolValue", 1), tree("NullValue", 0),
                      tree("NULL_VALUE", None), tree("number_value", 3), tree("nUmBeR_vAlUe", 4),
                      tree("StrİngValue", "dotted I"), tree("\u212aind", 5)]}),
    json.dumps(tree("NullValue", 0)),  # a body that decodes to null: an empty payload
    json.dumps(tree("StringValue", "a bare string body")),
    json.dumps({"kind": {"StringValue": "two"}, "extra": 1}),
    json.dumps({"kind": {"StringValue": "a", "BoolValue": True}}),
    '{"o": {"kind": {"StringValue": 1, "StringValue": "last wins"}}}',
    '{"o": {"kind": {"BoolValue": true}, "kind": {"StringValue": "dup"}}}',
    '{"a": 1, "a": 2, "b": -0, "c": 0.1, "d": -2.5, "e": 123456789012345678, "f": 0.30000000000000004}',
    '{"esc\\u00e9ped \\"key\\"": "caf\\u00e9 \\ud83d\\ude00", "unicode": "\u00e9\u4e2d"}',
    "null",
    "[]",
    '"text"',
    "{}",
    # Outside what a page keeps as text (exponents, long numbers, deep nesting): parsed whole.
    '{"exp": 1.5E3, "small": 1e-5}',
    '{"huge": 123456789012345678901234567890}',
    "[" * 120 + "]" * 120,
]


def deep_tree(levels: int) -> Any:
    value: Any = tree("StringValue", "leaf")
    for _ in range(levels):
        value = tree("ListValue", {"values": [value]})
    return value


EDGE_BODIES.append(json.dumps({"output": deep_tree(30)}))


def renumbered(case_item: dict[str, Any], index: int) -> dict[str, Any]:
    """The vector's item with its index replaced (a page's indexes must grow), as it was
    written (a number or a string)."""
    out = dict(case_item)
    key = "event_index" if "event_index" in out else "index"
    out[key] = str(index) if isinstance(out[key], str) else index
    return out


VECTOR_ITEMS = [renumbered(case["item"], i + 1) for i, case in enumerate(EVENTS["cases"])]


def page_items() -> list[str]:
    items = [json.dumps(i) for i in VECTOR_ITEMS]
    items += [item(1000 + i, body) for i, body in enumerate(EDGE_BODIES)]
    items.append('{"event_index": 2000, "event": {"event": {"event": "BareType"}}}')
    items.append('{"index": 2001, "event": {"started": null}}')
    return items


def served(items: list[str]) -> list[twin.Event]:
    """The events of one page holding `items` (at most 500, indexes growing), fetched through
    `client.events.list()` from a local server that answers every request with that page."""
    body = ('{"events": [%s], "total_count": %d}' % (", ".join(items), len(items))).encode()

    class PageServer(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PageServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base_url = f"http://127.0.0.1:{server.server_port}"
        with twin.Client(api_key="test-key", base_url=base_url) as client:
            events = list(client.events.list("a", "r"))
        assert len(events) == len(items)
        return events
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def served_events() -> list[twin.Event]:
    return served(page_items())


def same(a: Any, b: Any, path: str = "$") -> None:
    """Equal, with the same types all the way down (1 and 1.0 and True are not the same)."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} {a!r} vs {type(b).__name__} {b!r}"
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and a != a:
        assert b != b, path
    else:
        assert a == b, f"{path}: {a!r} vs {b!r}"
        if isinstance(a, float):
            assert str(a) == str(b), f"{path}: {a!r} vs {b!r}"  # -0.0 and 0.0


def test_page_events_read_like_decoded_dicts(served_events: list[twin.Event]) -> None:
    for event in served_events:
        from_dict = twin.Event.from_dict(event.raw)
        same(event.raw, from_dict.raw)
        same(event.payload, from_dict.payload)
        same(event.to_dict(), event.raw)
        assert event == from_dict


def test_vector_payloads_from_a_page(served_events: list[twin.Event]) -> None:
    for case, sent, event in zip(EVENTS["cases"], VECTOR_ITEMS, served_events):
        assert event.payload == case["expect"]["payload"], case["name"]
        assert event.raw == sent, case["name"]


def test_keys_keep_the_order_they_came_in(served_events: list[twin.Event]) -> None:
    event = next(e for e in served_events if e.index == 1000)
    assert list(event.raw) == ["event_index", "recorded_at", "event"]
    assert list(event.raw["event"]) == ["agent_id", "run_id", "user_id", "event"]


def test_each_access_is_a_new_equal_object(served_events: list[twin.Event]) -> None:
    event = served_events[2]
    first = event.payload
    first["changed"] = True
    assert "changed" not in event.payload and event.payload == twin.Event.from_dict(event.raw).payload
    raw = event.raw
    raw.clear()
    assert event.raw and event.raw == event.to_dict()


VARIANTS = ["StringValue", "BoolValue", "NumberValue", "NullValue", "StructValue", "ListValue",
            "string_value", "struct_value", "LIST_VALUE", "Other", "kind", "fields", "values"]
KEYS = ["kind", "fields", "values", "a", "b", "StringValue", "StructValue", "x"]
SCALARS = ['"s"', "1", "-0", "2.5", "true", "false", "null", '"NaN"', "-7", "0.1", '"\\u00e9"']


def random_body(rng: random.Random, depth: int = 0) -> str:
    """JSON text mixing Value trees, look-alikes (wrong inner types, extra keys, unknown or
    duplicate variants) and plain data."""
    if depth > 6 or rng.random() < 0.3:
        return rng.choice(SCALARS)
    roll = rng.random()
    if roll < 0.35:
        variant = rng.choice(VARIANTS)
        inner = random_body(rng, depth + 1)
        normal = variant.lower().replace("_", "")
        if normal == "structvalue" and rng.random() < 0.7:
            fields = random_object(rng, depth + 1) if rng.random() < 0.8 else inner
            inner = '{"fields": %s}' % fields
        elif normal == "listvalue" and rng.random() < 0.7:
            values = ", ".join(random_body(rng, depth + 1) for _ in range(rng.randint(0, 3)))
            inner = '{"values": [%s]}' % values
        kind = '{"%s": %s}' % (variant, inner)
        if rng.random() < 0.1:
            kind = kind[:-1] + ', "%s": %s}' % (rng.choice(VARIANTS), random_body(rng, depth + 1))
        extra = ""
        if rng.random() < 0.1:
            extra = ', "%s": %s' % (rng.choice(KEYS), random_body(rng, depth + 1))
        return '{"kind": %s%s}' % (kind, extra)
    if roll < 0.75:
        return random_object(rng, depth)
    return "[%s]" % ", ".join(random_body(rng, depth + 1) for _ in range(rng.randint(0, 3)))


def random_object(rng: random.Random, depth: int) -> str:
    members = (f'"{rng.choice(KEYS)}": {random_body(rng, depth + 1)}' for _ in range(rng.randint(0, 3)))
    return "{%s}" % ", ".join(members)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_bodies_read_like_decoded_dicts(seed: int) -> None:
    rng = random.Random(seed)
    for event in served([item(i + 1, random_body(rng)) for i in range(400)]):
        from_dict = twin.Event.from_dict(event.raw)
        same(event.raw, from_dict.raw)
        same(event.payload, from_dict.payload)


def test_the_emulators_realistic_page(emulator: Emulator, client: twin.Client) -> None:
    agent = client.agents.create()
    run = client.runs.start(agent.agent_id, message="Triage [emulator: events=60 payload_kb=3 step_ms=0]")
    run.wait(timeout=60)
    events = list(client.events.list(agent.agent_id, run.run_id))
    assert len(events) >= 60
    for event in events:
        from_dict = twin.Event.from_dict(event.raw)
        same(event.raw, from_dict.raw)
        same(event.payload, from_dict.payload)
    assert twin.final_output(events) == twin.final_output(
        [twin.Event.from_dict(e.raw) for e in events])
