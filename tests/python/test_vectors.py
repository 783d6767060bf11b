"""The shared vectors of tests/vectors (see its README) through the Python entry points."""

from __future__ import annotations

import base64
import datetime
import itertools
import json
from typing import Any

import pytest

import twin

from conftest import vectors

SIGNATURES = vectors("signatures.json")
CRON = vectors("cron.json")
ERRORS = vectors("errors.json")
EVENTS = vectors("events.json")



def _iso(text: str) -> str:
    # Python 3.9's fromisoformat takes at most 6 fractional digits and no "Z".
    text = text.replace("Z", "+00:00")
    if "." in text:
        head, rest = text.split(".", 1)
        digits = "".join(itertools.takewhile(str.isdigit, rest))
        zone = rest[len(digits):]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    return text


def body_of(case: dict[str, Any]) -> bytes:
    if case.get("body_base64") is not None:
        return base64.b64decode(case["body_base64"])
    return str(case["body"]).encode("utf-8")


@pytest.mark.parametrize("case", SIGNATURES["cases"], ids=lambda c: c["name"])
def test_signature_cases(case: dict[str, Any]) -> None:
    body = body_of(case)
    if case["expect"] == "ok":
        assert twin.webhooks.verify(body, case["header"], case["secrets"]) is None
    else:
        with pytest.raises(twin.WebhookVerificationError) as e:
            twin.webhooks.verify(body, case["header"], case["secrets"])
        assert e.value.reason == case["expect"]


@pytest.mark.parametrize("case", SIGNATURES["unwrap_cases"], ids=lambda c: c["name"])
def test_unwrap_cases(case: dict[str, Any]) -> None:
    # The public unwrap reads the clock; the vectors fix "now", so they go through the native
    # function the public one calls.
    call = lambda: twin._twin.webhooks_unwrap(  # noqa: E731
        body_of(case),
        case["signature_header"],
        case["event_header"],
        case["secrets"],
        tolerance=case["tolerance_secs"],
        max_body=case.get("max_body", 1 << 20),
        now=datetime.datetime.fromisoformat(_iso(case["now"])),
    )
    if case["expect"] != "ok":
        with pytest.raises(twin.WebhookVerificationError) as e:
            call()
        assert e.value.reason == case["expect"]
        return
    event = call()
    want = case["event"]
    assert event.event == want["event"]
    assert event.run_id == want["run_id"] and event.agent_id == want["agent_id"]
    assert event.status == want["status"] and event.outcome == want["outcome"]
    assert event.dedupe_key == tuple(want["dedupe_key"])
    assert event.timestamp == datetime.datetime.fromisoformat(_iso(want["timestamp"]))
    if want["finished_at"] is None:
        assert event.finished_at is None
    else:
        assert event.finished_at == datetime.datetime.fromisoformat(_iso(want["finished_at"]))
    assert event.to_dict() == json.loads(body_of(case))


@pytest.mark.parametrize("case", CRON["valid"], ids=lambda c: c["name"])
def test_cron_valid(case: dict[str, Any]) -> None:
    twin.cron.validate(case["expr"])
    after = datetime.datetime.fromisoformat(_iso(case["after"]))
    got = twin.cron.next_times(case["expr"], count=case["n"], after=after)
    assert got == [datetime.datetime.fromisoformat(_iso(t)) for t in case["expect"]]
    assert all(t.tzinfo is not None and t.utcoffset() == datetime.timedelta(0) for t in got)


@pytest.mark.parametrize("case", CRON["invalid"], ids=lambda c: repr(c["expr"]))
def test_cron_invalid(case: dict[str, Any]) -> None:
    with pytest.raises(twin.InvalidCronError) as e:
        twin.cron.validate(case["expr"])
    if case.get("field"):
        assert case["field"] in str(e.value)
    with pytest.raises(twin.InvalidCronError):
        twin.cron.next_times(case["expr"])


def test_cron_arguments() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        twin.cron.next_times("0 0 9 * * * *", after=datetime.datetime(2026, 1, 1))
    assert len(twin.cron.next_times("0 0 9 * * * *")) == 5
    assert twin.cron.next_times("0 0 9 * * * 2020") == []


@pytest.mark.parametrize("case", ERRORS["cases"], ids=lambda c: c["name"])
def test_error_bodies(case: dict[str, Any]) -> None:
    problem = twin._twin.problem_from_response(
        case["status"], body_of(case), content_type=case["content_type"], allow=case["allow"]
    )
    want = case["expect"]
    assert isinstance(problem, twin.Problem)
    assert (problem.type, problem.title, problem.status, problem.detail, problem.instance) == (
        want["type"], want["title"], want["status"], want["detail"], want["instance"])
    assert problem.extensions == want["extensions"]
    for key, value in want["extensions"].items():
        assert getattr(problem, key) == value


@pytest.mark.parametrize("case", EVENTS["cases"], ids=lambda c: c["name"])
def test_event_cases(case: dict[str, Any]) -> None:
    event = twin.Event.from_dict(case["item"])
    want = case["expect"]
    assert (event.index, event.kind, event.agent_id, event.run_id) == (
        want["index"], want["kind"], want["agent_id"], want["run_id"])
    assert event.payload == want["payload"]
    if want["recorded_at"] is None:
        assert event.recorded_at is None
    else:
        assert event.recorded_at == datetime.datetime.fromisoformat(_iso(want["recorded_at"]))
    assert event.to_dict() == case["item"] and event.raw == case["item"]


@pytest.mark.parametrize("case", EVENTS["invalid"], ids=lambda c: c["name"])
def test_invalid_events(case: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        twin.Event.from_dict(case["item"])


@pytest.mark.parametrize("case", EVENTS["final_output"], ids=lambda c: c["name"])
def test_final_output(case: dict[str, Any]) -> None:
    events = [twin.Event.from_dict(item) for item in case["items"]]
    assert twin.final_output(events) == case["expect"]
