"""One meaning per word (issue 14, point 3): `timeout=None` is no limit everywhere, configuration
errors are `TwinError`s, no private parameter in a public signature, `Literal` types in the
stubs, paging parameters named alike, swap-prone ids by keyword, `AsyncClient` has every
property of `Client`, `webhooks.unwrap(now=)`."""

from __future__ import annotations

import datetime
import inspect
import json
import pathlib
from typing import Any, Callable, Iterator

import pytest

import twin
from twin import _batch
from twin._async import AsyncRun
from twin.testing import Emulator

from conftest import API_KEY, script

SECRET = "whsec_" + "k" * 32


def _resources(client: Any) -> Iterator[tuple[str, Any]]:
    for name in ("api_keys", "workspaces", "agents", "runs", "events", "webhooks", "schedules", "instructions"):
        yield name, getattr(client, name)


def public_methods(client: Any) -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every public method of a client, its resources, and of the runs it returns."""
    owners = [("client", client), *_resources(client), ("Run", twin.Run), ("AsyncRun", AsyncRun), ("Follow", twin.Follow)]
    for owner, obj in owners:
        for name in dir(obj):
            if name.startswith("_"):
                continue
            attr = getattr(obj, name)
            if callable(attr) and not isinstance(attr, type):
                yield f"{owner}.{name}", attr


@pytest.fixture()
def clients(emulator: Emulator) -> Iterator[list[Any]]:
    sync = twin.Client(API_KEY, emulator.url)
    yield [sync, twin.AsyncClient(API_KEY, emulator.url)]
    sync.close()


def test_no_private_parameter_in_a_public_signature(clients: list[Any]) -> None:
    private = []
    for client in clients:
        for where, fn in public_methods(client):
            try:
                params = inspect.signature(fn).parameters
            except (TypeError, ValueError):
                continue
            private += [f"{where}({p})" for p in params if p.startswith("_")]
    assert private == []


def test_waits_default_to_600_s_and_none_is_no_limit(clients: list[Any], client: twin.Client, agent: twin.Agent) -> None:
    sync, async_ = clients
    for fn in (sync.runs.wait, sync.runs.wait_all, sync.runs.as_completed, twin.Run.wait,
               async_.runs.wait, async_.runs.wait_all, async_.runs.as_completed, AsyncRun.wait):
        assert inspect.signature(fn).parameters["timeout"].default == 600.0, fn
    for fn in (sync.events.follow, twin.Run.follow, async_.events.follow, AsyncRun.follow):
        assert inspect.signature(fn).parameters["timeout"].default is None, fn
    # None is no limit (was: the default of 600 s in the batch waits and run.wait()).
    run = client.runs.start(agent.agent_id, message=script(events=7))
    assert _batch._Batch("wait", [run], None, None, None).limit is None
    assert _batch._Batch("wait", [run], 600.0, None, None).limit == 600.0
    assert client.runs.wait(agent.agent_id, run.run_id, timeout=None, poll_interval=0.02).status == "completed"
    assert run.wait(timeout=None, progress=lambda p: None).status == "completed"


def test_client_timeouts_none_is_no_limit(emulator: Emulator) -> None:
    with twin.Client(API_KEY, emulator.url, timeout=None, connect_timeout=None, total_timeout=None) as c:
        assert (c.timeout, c.connect_timeout, c.total_timeout) == (None, None, None)
        assert c.me().user_id
    a = twin.AsyncClient(API_KEY, emulator.url, timeout=None, total_timeout=30)
    assert (a.timeout, a.connect_timeout, a.total_timeout, a.max_retries) == (None, 10.0, 30.0, 2)


@pytest.mark.parametrize(
    "kwargs, says",
    [
        ({"api_key": None}, "no API key"),
        ({"base_url": "ftp://example.com"}, "base url"),
        ({"base_url": "not a url"}, "base url"),
        ({"timeout": -1.0}, "timeout must be a positive number"),
        ({"total_timeout": float("nan")}, "total_timeout"),
        ({"ca_cert_pem": "not a certificate"}, "certificate"),
    ],
)
def test_configuration_errors_are_twin_errors(kwargs: dict[str, Any], says: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWIN_API_KEY", raising=False)
    monkeypatch.delenv("TWIN_BASE_URL", raising=False)
    kwargs = {"api_key": API_KEY, **kwargs}
    for cls in (twin.Client, twin.AsyncClient):
        with pytest.raises(twin.ConfigurationError, match=f"(?i){says}") as info:
            cls(**kwargs)
        assert isinstance(info.value, twin.TwinError) and isinstance(info.value, ValueError)
        assert "topsecret" not in str(info.value)


def test_paging_parameters_are_named_alike(clients: list[Any], client: twin.Client, agent: twin.Agent) -> None:
    for c in clients:
        for fn in (c.agents.list, c.runs.list, c.events.list, twin.Run.events, AsyncRun.events):
            params = inspect.signature(fn).parameters
            assert "page_size" in params and "limit" not in params, fn
    run = client.runs.start(agent.agent_id, message=script(events=7, step_ms=0))
    run.wait(timeout=60)
    pages = [len(p) for p in client.events.list(agent.agent_id, run.run_id, page_size=3).pages()]
    assert pages == [3, 3, 1]
    assert [len(p) for p in run.events(page_size=5).pages()] == [5, 2]


def test_agents_move_takes_the_workspace_by_keyword(client: twin.Client) -> None:
    ws = client.workspaces.create("move target")
    agent = client.agents.create()
    with pytest.raises(TypeError):
        client.agents.move(agent.agent_id, ws.workspace_id)  # type: ignore[misc]
    client.agents.move(agent.agent_id, workspace_id=ws.workspace_id)
    assert client.agents.get(agent.agent_id).workspace_id == ws.workspace_id


def test_async_client_has_every_property_of_client(clients: list[Any]) -> None:
    sync, async_ = clients
    names = {n for n in dir(twin.Client) if not n.startswith("_")}
    missing = {n for n in names if not hasattr(async_, n)}
    assert missing == set()
    for name in ("base_url", "timeout", "connect_timeout", "total_timeout", "max_retries", "closed"):
        assert getattr(async_, name) == getattr(sync, name), name


def _delivery(at: datetime.datetime) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        {"event": "run.completed", "timestamp": at.isoformat(), "data": {"run_id": "r1", "agent_id": "a1", "status": "completed"}}
    ).encode()
    return body, {"X-Cobb-Signature": twin.webhooks.sign(body, SECRET), "X-Cobb-Event": "run.completed"}


def test_webhooks_unwrap_takes_now() -> None:
    sent = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    body, headers = _delivery(sent)
    with pytest.raises(twin.WebhookVerificationError) as info:
        twin.webhooks.unwrap(body, headers, SECRET)  # a stored delivery is stale by the clock
    assert info.value.reason == "StaleTimestamp"
    event = twin.webhooks.unwrap(body, headers, SECRET, now=sent + datetime.timedelta(seconds=10))
    assert event.run_id == "r1" and event.timestamp == sent
    with pytest.raises(twin.WebhookVerificationError):
        twin.webhooks.unwrap(body, headers, SECRET, now=sent + datetime.timedelta(seconds=301))


MISTYPED = '''
import twin

def f(client: twin.Client, run: twin.Run) -> None:
    client.runs.start("a", mode="bulid")
    client.runs.list("a", status="complete")
    client.webhooks.create("a", url="http://x", events=["run.done"])
    ok: bool = run.status == "completed" and run.outcome == "partial"
'''


def test_enum_like_fields_are_literal_types(tmp_path: pathlib.Path) -> None:
    from mypy import api

    (tmp_path / "mistyped.py").write_text(MISTYPED)
    out, _err, status = api.run(["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(tmp_path / "mistyped.py")])
    assert status == 1, out
    errors = [line for line in out.splitlines() if ": error:" in line]
    lines = sorted(int(line.split(":")[1]) for line in errors)
    assert lines == [5, 6, 7], out  # the three misspelt values; the comparisons type-check
