"""Every method of the client against the emulator, including the error paths."""

from __future__ import annotations

import datetime
import uuid

import pytest

import twin
from twin.testing import Emulator

from conftest import API_KEY, SECRET_PART, script

UTC = datetime.timezone.utc


def test_me(client: twin.Client) -> None:
    me = client.me()
    assert isinstance(me, twin.Me)
    assert me.user_id.startswith("user_") and len(me.user_id) == 31
    assert me.to_dict() == {"user_id": me.user_id}


def test_client_configuration(emulator: Emulator) -> None:
    c = twin.Client(API_KEY, emulator.url + "/", timeout=5, connect_timeout=2, total_timeout=9, max_retries=1)
    assert c.base_url == emulator.url  # trailing slash trimmed
    assert (c.timeout, c.connect_timeout, c.total_timeout, c.max_retries) == (5.0, 2.0, 9.0, 1)
    assert repr(c) == f"Client(base_url={emulator.url!r})"
    assert SECRET_PART not in repr(c)
    with c:
        assert not c.closed
        c.me()
    assert c.closed
    with pytest.raises(RuntimeError, match="closed"):
        c.me()
    with pytest.raises(RuntimeError, match="closed"):
        c.agents.list()


def test_client_reads_the_environment(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWIN_API_KEY", API_KEY)
    monkeypatch.setenv("TWIN_BASE_URL", emulator.url)
    c = twin.Client()
    assert c.base_url == emulator.url
    assert c.me().user_id.startswith("user_")
    monkeypatch.delenv("TWIN_API_KEY")
    with pytest.raises(ValueError, match="TWIN_API_KEY"):
        twin.Client()
    with pytest.raises(ValueError, match="timeout"):
        twin.Client(API_KEY, emulator.url, timeout=-1)
    with pytest.raises(ValueError, match="http"):
        twin.Client(API_KEY, "ftp://example.com")


def test_api_keys(client: twin.Client, emulator: Emulator) -> None:
    created = client.api_keys.create("ci key")
    assert isinstance(created, twin.CreatedApiKey)
    assert created.name == "ci key" and len(created.key_id) == 32
    assert created.api_key.startswith("twin_") and created.api_key not in repr(created)
    assert created.created_at is not None and created.created_at.tzinfo is not None
    listed = {k.key_id: k for k in client.api_keys.list()}
    assert created.key_id in listed
    assert isinstance(listed[created.key_id], twin.ApiKey)
    assert listed[created.key_id].display_prefix == created.display_prefix
    # The new key works at once, and stops working at once when revoked.
    other = twin.Client(created.api_key, emulator.url)
    assert other.me().user_id == client.me().user_id
    assert client.api_keys.revoke(created.key_id) is None
    with pytest.raises(twin.AuthenticationError) as e:
        other.me()
    assert e.value.status == 401 and e.value.problem.status == 401
    assert created.key_id not in {k.key_id for k in client.api_keys.list()}
    with pytest.raises(ValueError):
        client.api_keys.create("")


def test_workspaces(client: twin.Client) -> None:
    a = client.workspaces.create("alpha")
    b = client.workspaces.create("beta")
    assert isinstance(a, twin.Workspace) and a.name == "alpha" and a.agent_count == 0
    renamed = client.workspaces.update(a.workspace_id, name="alpha 2", icon_config='{"icon":"Code"}')
    assert renamed.name == "alpha 2" and renamed.icon_config == '{"icon":"Code"}'
    assert client.workspaces.reorder([b.workspace_id, a.workspace_id]) is None
    positions = {w.workspace_id: w.position for w in client.workspaces.list()}
    assert positions[b.workspace_id] < positions[a.workspace_id]
    assert client.workspaces.delete(b.workspace_id) is None
    assert b.workspace_id not in {w.workspace_id for w in client.workspaces.list()}
    with pytest.raises(ValueError, match="icon_config"):
        client.workspaces.update(a.workspace_id, name="x", icon_config="{not json")
    with pytest.raises(ValueError):
        client.workspaces.reorder([])
    with pytest.raises(TypeError):
        client.workspaces.update(a.workspace_id, "positional name")  # type: ignore[misc]


def test_agents(client: twin.Client) -> None:
    ws = client.workspaces.create("agents test")
    other = client.workspaces.create("agents test 2")
    agent_id = str(uuid.uuid4())
    agent = client.agents.create(workspace_id=ws.workspace_id, agent_id=agent_id, is_subagent=False)
    assert isinstance(agent, twin.Agent)
    assert (agent.agent_id, agent.workspace_id) == (agent_id, ws.workspace_id)
    assert agent.has_runs is False and agent.latest_run_id is None
    got = client.agents.get(agent_id)
    assert got.agent_id == agent_id and got.deployment_state == "draft"
    assert client.agents.move(agent_id, workspace_id=other.workspace_id) is None
    assert client.agents.get(agent_id).workspace_id == other.workspace_id
    assert [a.agent_id for a in client.agents.list(workspace_id=other.workspace_id)] == [agent_id]
    with pytest.raises(twin.ConflictError) as e:
        client.agents.create(agent_id=agent_id)
    assert e.value.status == 409 and agent_id in (e.value.problem.detail or "")
    assert client.agents.delete(agent_id) is None
    with pytest.raises(twin.PermissionDeniedError) as denied:
        client.agents.get(agent_id)
    err = denied.value
    assert err.status == 403
    assert err.problem.detail == "you do not have access to this agent"
    assert err.problem.title == "Forbidden"
    assert str(err).startswith("403 forbidden: you do not have access to this agent")
    with pytest.raises(ValueError, match="empty"):
        client.agents.get("")


def test_runs(client: twin.Client, agent: twin.Agent) -> None:
    run = client.runs.start(agent.agent_id, message=script(outcome="success", events=8))
    assert isinstance(run, twin.Run)
    assert run.agent_id == agent.agent_id and run.status == "in_progress" and not run.is_terminal
    assert run.started_at is not None and run.started_at.tzinfo is not None
    done = client.runs.wait(agent.agent_id, run.run_id, timeout=60, poll_interval=0.05)
    assert (done.status, done.outcome, done.is_terminal, done.is_finished) == ("completed", "success", True, True)
    assert done.run_number == 1 and done.summary
    assert (done.user_email, done.goal) == ("user@example.com", "")  # the emulator's user; goal as live
    assert [r.run_id for r in client.runs.list(agent.agent_id, user_email="user@example.com")] == [run.run_id]
    assert list(client.runs.list(agent.agent_id, user_email="nobody@example.com")) == []
    answer = done.final_output()
    assert isinstance(answer, dict) and answer["answer"].startswith("Done"), answer
    got = client.runs.get(agent.agent_id, run.run_id)
    assert got.run_id == run.run_id and got.status == "completed"
    assert client.agents.get(agent.agent_id).latest_run_id == run.run_id
    note = client.runs.cancel(agent.agent_id, run.run_id, reason="too late")
    assert isinstance(note, twin.CancelResult) and note.success is True
    assert note.note is not None and "already" in note.note
    assert client.runs.delete(agent.agent_id, run.run_id) is None
    with pytest.raises(twin.NotFoundError) as e:
        client.runs.get(agent.agent_id, run.run_id)
    assert e.value.status == 404 and e.value.problem.detail == f"run {run.run_id} not found"
    build = client.runs.start(agent.agent_id, mode="BUILD", message=script(events=7))
    assert build.run_kind == "build" or build.policy_type == "builder_v3"
    with pytest.raises(ValueError, match="run mode"):
        client.runs.start(agent.agent_id, mode="subagent")
    with pytest.raises(twin.BadRequestError) as bad:
        client.runs.start(agent.agent_id, message="x [emulator: outcom=fail]")
    assert bad.value.status == 400 and "outcom" in (bad.value.problem.detail or "")
    failed = client.runs.start(agent.agent_id, message=script(error=True, events=8))
    failed = failed.wait(timeout=60, poll_interval=0.05)
    assert failed.status == "error" and failed.final_output() is None  # never a success-looking answer


def test_events_and_final_output(client: twin.Client, agent: twin.Agent) -> None:
    run = client.runs.start(agent.agent_id, message=script(outcome="success", events=9))
    run.wait(timeout=60, poll_interval=0.05)
    events = list(client.events.list(agent.agent_id, run.run_id))
    assert len(events) == 9
    assert [e.kind for e in events][0] == "Started" and events[-1].kind == "Finished"
    assert all(isinstance(e, twin.Event) for e in events)
    assert [e.index for e in events] == sorted({e.index for e in events})
    assert all(e.run_id == run.run_id and e.agent_id == agent.agent_id for e in events)
    assert all(e.recorded_at is not None and e.recorded_at.tzinfo is not None for e in events)
    assert events[-1].payload["status"] == "completed"
    out = twin.final_output(events)
    assert out is not None
    assert twin.final_output([]) is None
    with pytest.raises(TypeError):
        twin.final_output([{"event_index": 1}])
    assert list(run.events(after_index=events[-2].index)) == [events[-1]]


def test_webhooks_crud(client: twin.Client, agent: twin.Agent) -> None:
    created = client.webhooks.create(agent.agent_id, url="http://127.0.0.1:9/hook", events=["run.completed"])
    assert isinstance(created, twin.CreatedWebhook)
    assert created.signing_secret and created.signing_secret not in repr(created)
    assert (created.url, created.events, created.status, created.agent_id) == (
        "http://127.0.0.1:9/hook", ["run.completed"], "active", agent.agent_id)
    got = client.webhooks.get(agent.agent_id, created.webhook_id)
    assert isinstance(got, twin.Webhook) and got.webhook_id == created.webhook_id
    assert not hasattr(got, "signing_secret")
    assert [w.webhook_id for w in client.webhooks.list(agent.agent_id)] == [created.webhook_id]
    updated = client.webhooks.update(agent.agent_id, created.webhook_id, events=["run.failed", "run.stopped"], status="disabled")
    assert updated.events == ["run.failed", "run.stopped"] and updated.status == "disabled"
    assert client.webhooks.update(agent.agent_id, created.webhook_id, url="https://example.com/h").url == "https://example.com/h"
    assert client.webhooks.delete(agent.agent_id, created.webhook_id) is None
    assert client.webhooks.list(agent.agent_id) == []
    with pytest.raises(twin.NotFoundError):
        client.webhooks.get(agent.agent_id, created.webhook_id)
    with pytest.raises(ValueError, match="unknown webhook event"):
        client.webhooks.create(agent.agent_id, url="http://x/", events=["run.finished"])
    with pytest.raises(ValueError, match="http"):
        client.webhooks.create(agent.agent_id, url="ftp://x/", events=["run.completed"])


def test_schedules(client: twin.Client, agent: twin.Agent) -> None:
    assert client.schedules.get(agent.agent_id) is None
    assert client.schedules.set(agent.agent_id, "0 0 9 * * MON-FRI *") is None
    s = client.schedules.get(agent.agent_id)
    assert isinstance(s, twin.Schedule)
    assert (s.agent_id, s.cron, s.paused, s.auto_paused, s.consecutive_failures) == (
        agent.agent_id, "0 0 9 * * MON-FRI *", False, False, 0)
    assert s.next_run is not None and s.next_run == twin.cron.next_times(s.cron, count=1)[0]
    assert client.schedules.pause(agent.agent_id) is None
    paused = client.schedules.get(agent.agent_id)
    assert paused is not None and paused.paused is True
    assert client.schedules.resume(agent.agent_id) is None
    resumed = client.schedules.get(agent.agent_id)
    assert resumed is not None and resumed.paused is False
    assert agent.agent_id in {x.agent_id for x in client.schedules.list()}
    assert client.schedules.delete(agent.agent_id) is None
    assert client.schedules.get(agent.agent_id) is None
    with pytest.raises(twin.InvalidCronError, match="5 fields"):
        client.schedules.set(agent.agent_id, "0 9 * * 1")


def test_invalid_cron_is_refused_before_any_request(emulator: Emulator) -> None:
    nowhere = twin.Client(API_KEY, "http://127.0.0.1:1", max_retries=0)
    with pytest.raises(twin.InvalidCronError):
        nowhere.schedules.set("agent", "* * * *")
    with pytest.raises(twin.APIConnectionError):
        nowhere.schedules.set("agent", "0 0 9 * * * *")


def test_instructions(client: twin.Client, agent: twin.Agent) -> None:
    assert client.instructions.get(agent.agent_id) is None
    assert client.instructions.history(agent.agent_id) == []
    assert client.instructions.update(agent.agent_id, "Be brief.", source_type="api", source_id="t1") is None
    client.instructions.update(agent.agent_id, "Be briefer.")
    current = client.instructions.get(agent.agent_id)
    assert isinstance(current, twin.Instructions)
    assert current.content == "Be briefer." and current.content_hash
    assert current.updated_at is not None and current.updated_at.tzinfo is not None
    history = client.instructions.history(agent.agent_id)
    assert [v.content for v in history][:2] == ["Be briefer.", "Be brief."]
    assert all(isinstance(v, twin.InstructionVersion) and isinstance(v.id, int) for v in history)
    assert history[1].source_type == "api" and history[1].source_id == "t1"
    assert len(client.instructions.history(agent.agent_id, limit=1)) == 1


STATUS_CLASSES = [
    (400, twin.BadRequestError), (401, twin.AuthenticationError), (403, twin.PermissionDeniedError),
    (404, twin.NotFoundError), (409, twin.ConflictError), (422, twin.UnprocessableEntityError),
    (429, twin.RateLimitError), (500, twin.InternalServerError), (502, twin.InternalServerError),
    (503, twin.InternalServerError), (418, twin.APIStatusError),
]


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
def test_status_maps_to_its_exception(no_faults: Emulator, status: int, cls: type) -> None:
    c = no_faults.client(max_retries=0)
    no_faults.set_faults(error_rate=1.0, error_status=status, route="/v1/me", times=1)
    with pytest.raises(cls) as e:
        c.me()
    err = e.value
    assert type(err) is cls
    assert err.status == status and err.problem.status == status
    assert isinstance(err.problem, twin.Problem) and err.problem.title
    assert str(err).startswith(f"{status} ")
    assert c.me().user_id  # `times=1`: the next call is served


def test_rate_limit_carries_retry_after(no_faults: Emulator) -> None:
    c = no_faults.client(max_retries=0)
    no_faults.set_faults(rate_limit_rate=1.0, retry_after=7, route="/v1/me", times=1)
    with pytest.raises(twin.RateLimitError) as e:
        c.me()
    assert e.value.retry_after == 7.0 and e.value.status == 429


def test_retries_hide_transient_failures(no_faults: Emulator) -> None:
    c = no_faults.client(max_retries=2)
    no_faults.set_faults(error_rate=1.0, error_status=503, retry_after=0, route="/v1/me", times=2)
    assert c.me().user_id
    assert no_faults.faults()["stats"]["errors"] == 2


def test_connection_timeout_and_unexpected_errors(no_faults: Emulator) -> None:
    with pytest.raises(twin.APIConnectionError) as e:
        twin.Client(API_KEY, "http://127.0.0.1:1", max_retries=0).me()
    assert e.value.status is None and e.value.problem is None
    slow = no_faults.client(timeout=0.3, max_retries=0)
    no_faults.set_faults(latency_ms=2000, route="/v1/me", times=1)
    with pytest.raises(twin.APITimeoutError):
        slow.me()
    c = no_faults.client(max_retries=0)
    no_faults.set_faults(grpc_rate=1.0, route="/v1/me", times=1)
    with pytest.raises(twin.UnexpectedResponseError) as u:
        c.me()
    assert u.value.status == 200 and u.value.content_type == "application/grpc"
    no_faults.set_faults(html_rate=1.0, route="/v1/me", times=1)
    with pytest.raises(twin.UnexpectedResponseError, match="text/html"):
        c.me()
