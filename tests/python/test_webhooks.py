"""Webhooks end to end (a real receiver) and the verification checks through the public API."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.server
import json
import threading
import time
from typing import Any, Iterator

import pytest

import twin
from twin.testing import Emulator

from conftest import script


class Receiver:
    """A local HTTP server that records every POST (body bytes and headers)."""

    def __init__(self) -> None:
        received: list[tuple[bytes, dict[str, str]]] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                received.append((body, dict(self.headers.items())))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.received = received
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/twin"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, n: int, timeout: float = 30) -> list[tuple[bytes, dict[str, str]]]:
        deadline = time.monotonic() + timeout
        while len(self.received) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def test_deliveries_end_to_end(client: twin.Client, emulator: Emulator, agent: twin.Agent, receiver: Receiver) -> None:
    hook = client.webhooks.create(agent.agent_id, url=receiver.url, events=["run.started", "run.completed"])
    run = client.runs.start(agent.agent_id, message=script(outcome="partial", events=8))
    run.wait(timeout=60, poll_interval=0.05)
    got = receiver.wait_for(2)
    assert len(got) == 2
    events = [twin.webhooks.unwrap(body, headers, hook.signing_secret) for body, headers in got]
    assert sorted(e.event for e in events) == ["run.completed", "run.started"]
    completed = next(e for e in events if e.event == "run.completed")
    assert isinstance(completed, twin.WebhookEvent)
    assert (completed.run_id, completed.agent_id, completed.status, completed.outcome) == (
        run.run_id, agent.agent_id, "completed", "partial")
    assert completed.finished_at is not None and completed.timestamp.tzinfo is not None
    assert completed.dedupe_key == (agent.agent_id, run.run_id, "run.completed")
    assert completed.to_dict() == json.loads(next(b for b, _ in got if b"run.completed" in b))
    # The emulator's log agrees, and its signatures verify with the same secret.
    logged = [d for d in emulator.deliveries() if d["webhook_id"] == hook.webhook_id]
    assert sorted(d["event"] for d in logged) == ["run.completed", "run.started"]
    for d in logged:
        twin.webhooks.verify(d["body"].encode(), d["signature"], hook.signing_secret)
    # Rotation: the old secret first, the right one second.
    body, headers = got[0]
    assert twin.webhooks.unwrap(body, headers, ["whsec_retired", hook.signing_secret]).run_id == run.run_id
    # Tampering, a wrong secret.
    with pytest.raises(twin.WebhookVerificationError) as e:
        twin.webhooks.unwrap(body.replace(b"run.", b"RUN."), headers, hook.signing_secret)
    assert e.value.reason == "NoMatch"
    with pytest.raises(twin.WebhookVerificationError) as e:
        twin.webhooks.unwrap(body, headers, "whsec_wrong")
    assert e.value.reason == "NoMatch"
    assert hook.signing_secret not in str(e.value)


def test_disabled_webhooks_receive_nothing(client: twin.Client, agent: twin.Agent, receiver: Receiver) -> None:
    hook = client.webhooks.create(agent.agent_id, url=receiver.url, events=["run.completed"])
    client.webhooks.update(agent.agent_id, hook.webhook_id, status="disabled")
    client.runs.start(agent.agent_id, message=script(events=7)).wait(timeout=60, poll_interval=0.05)
    time.sleep(0.3)
    assert receiver.received == []


SECRET = "whsec_unit_test"


def delivery(event: str = "run.completed", age: float = 0.0, **data: Any) -> bytes:
    ts = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=age)
    payload = {"event": event, "timestamp": ts.isoformat(), "data": {"run_id": "r1", "agent_id": "a1", **data}}
    return json.dumps(payload).encode()


def headers_for(body: bytes, event: str = "run.completed", secret: str = SECRET) -> dict[str, str]:
    return {"X-Cobb-Signature": twin.webhooks.sign(body, secret), "X-Cobb-Event": event}


def reason(body: bytes, headers: Any, secret: Any = SECRET, **kw: Any) -> str:
    with pytest.raises(twin.WebhookVerificationError) as e:
        twin.webhooks.unwrap(body, headers, secret, **kw)
    assert isinstance(e.value, ValueError)
    return e.value.reason


def test_unwrap_checks() -> None:
    body = delivery(status="completed", outcome="success")
    ok = twin.webhooks.unwrap(body, headers_for(body), SECRET)
    assert (ok.event, ok.run_id, ok.status, ok.outcome) == ("run.completed", "r1", "completed", "success")
    # Header names in any case, any mapping; bytes-like bodies.
    lower = {k.lower(): v for k, v in headers_for(body).items()}
    assert twin.webhooks.unwrap(bytearray(body), lower, (SECRET,)).run_id == "r1"
    assert reason(body, {"X-Cobb-Event": "run.completed"}) == "MissingHeader"
    assert reason(body, {"X-Cobb-Signature": "sha1=abc"}) == "MalformedHeader"
    assert reason(body, headers_for(body, event="run.started")) == "EventMismatch"
    assert reason(body, headers_for(body), secret=[]) == "NoSecrets"
    stale = delivery(age=1000)
    assert reason(stale, headers_for(stale)) == "StaleTimestamp"
    assert twin.webhooks.unwrap(stale, headers_for(stale), SECRET, tolerance=None).run_id == "r1"
    assert twin.webhooks.unwrap(stale, headers_for(stale), SECRET, tolerance=2000).run_id == "r1"
    future = delivery(age=-1000)
    assert reason(future, headers_for(future)) == "StaleTimestamp"
    assert reason(body, headers_for(body), max_body=10) == "BodyTooLarge"
    junk = b"not json"
    assert reason(junk, {"X-Cobb-Signature": twin.webhooks.sign(junk, SECRET)}) == "InvalidPayload"
    with pytest.raises(ValueError, match="tolerance"):
        twin.webhooks.unwrap(body, headers_for(body), SECRET, tolerance=-1)
    with pytest.raises(TypeError):
        twin.webhooks.verify(body, headers_for(body)["X-Cobb-Signature"], b"bytes secret")  # type: ignore[arg-type]


def test_sign_and_verify() -> None:
    sig = twin.webhooks.sign(b"hello", "k")
    assert sig == "sha256=" + hmac.new(b"k", b"hello", hashlib.sha256).hexdigest()
    assert twin.webhooks.verify(b"hello", sig, "k") is None
    assert twin.webhooks.verify("hello", sig.upper().replace("SHA256=", "sha256="), ["x", "k"]) is None
    with pytest.raises(twin.WebhookVerificationError, match="does not match"):
        twin.webhooks.verify(b"hello!", sig, "k")
