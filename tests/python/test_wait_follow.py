"""`wait` and `follow` on scripted runs: every way a run can end, cancelling, and timeouts."""

from __future__ import annotations

import threading
import time

import pytest

import twin

from conftest import script


@pytest.mark.parametrize("outcome", ["success", "partial", "fail"])
def test_completed_runs(client: twin.Client, agent: twin.Agent, outcome: str) -> None:
    run = client.runs.start(agent.agent_id, message=script(outcome=outcome, events=10))
    followed = list(run.follow())
    assert [e.kind for e in followed][0] == "Started" and followed[-1].kind == "Finished"
    assert len(followed) == 10
    assert followed[-1].payload["outcome"] == outcome
    done = run.wait(timeout=60, poll_interval=0.05)
    assert (done.status, done.outcome, done.is_terminal) == ("completed", outcome, True)
    assert followed == list(run.events())


def test_policy_error(client: twin.Client, agent: twin.Agent) -> None:
    run = client.runs.start(agent.agent_id, message=script(error=True, events=9))
    kinds = [e.kind for e in client.events.follow(agent.agent_id, run.run_id, timeout=60)]
    assert kinds[0] == "Started" and kinds[-1] == "Finished"
    done = client.runs.wait(agent.agent_id, run.run_id, timeout=60, poll_interval=0.05)
    assert (done.status, done.outcome, done.is_terminal) == ("error", None, True)


def test_pause_ends_wait_and_follow(client: twin.Client, agent: twin.Agent) -> None:
    run = client.runs.start(agent.agent_id, message=script(pause=True, events=9))
    followed = list(run.follow(timeout=60))
    assert followed and followed[0].kind == "Started"
    done = run.wait(timeout=60, poll_interval=0.05)
    assert (done.status, done.is_paused, done.is_terminal) == ("paused", True, False)
    assert client.agents.get(agent.agent_id).latest_run_has_pending_input is True
    # A paused run can be cancelled: it stops.
    assert run.cancel(reason="no answer").success is True
    assert run.wait(timeout=60, poll_interval=0.05).status == "stopped"


def test_cancel_stops_a_running_run_and_ends_follow(client: twin.Client, agent: twin.Agent) -> None:
    run = client.runs.start(agent.agent_id, message=script(events=500, step_ms=20))
    seen: list[twin.Event] = []
    follower = run.follow(timeout=60)
    for event in follower:
        seen.append(event)
        if len(seen) == 3:
            result = client.runs.cancel(agent.agent_id, run.run_id, reason="test")
            assert result.success is True and result.note is None
    assert 3 <= len(seen) < 500
    assert follower.last_index == seen[-1].index
    stopped = run.refresh()
    assert (stopped.status, stopped.is_terminal, stopped.outcome) == ("stopped", True, None)
    again = run.cancel()
    assert again.success is True and again.note is not None


def test_wait_timeout(client: twin.Client, agent: twin.Agent) -> None:
    run = client.runs.start(agent.agent_id, message=script(slow=True, events=50))
    started = time.monotonic()
    with pytest.raises(twin.WaitTimeoutError) as e:
        run.wait(timeout=0.5, poll_interval=0.05)
    elapsed = time.monotonic() - started
    assert 0.45 < elapsed < 10
    assert isinstance(e.value, TimeoutError) and run.run_id in str(e.value)
    with pytest.raises(twin.WaitTimeoutError):
        list(client.events.follow(agent.agent_id, run.run_id, timeout=0.5))
    run.cancel()


def test_follow_resumes_from_after_index(client: twin.Client, agent: twin.Agent) -> None:
    run = client.runs.start(agent.agent_id, message=script(events=12))
    everything = list(run.follow(timeout=60))
    tail = list(run.follow(after_index=everything[4].index, timeout=60))
    assert tail == everything[5:]


def test_close_stops_a_follow_from_another_thread(client: twin.Client, agent: twin.Agent) -> None:
    run = client.runs.start(agent.agent_id, message=script(slow=True, events=50))
    follower = client.events.follow(agent.agent_id, run.run_id)
    assert next(follower).kind == "Started"
    timer = threading.Timer(0.3, follower.close)
    timer.start()
    started = time.monotonic()
    rest = list(follower)
    assert time.monotonic() - started < 5
    assert len(rest) < 49
    timer.join()
    with client.events.follow(agent.agent_id, run.run_id) as f:
        assert next(f).kind == "Started"
    assert list(f) == []
    run.cancel()


def test_run_helpers_need_a_client() -> None:
    run = twin.Run.from_dict({"run_id": "r", "agent_id": "a", "status": "in_progress"})
    with pytest.raises(ValueError, match="no client"):
        run.wait()
    with pytest.raises(ValueError, match="no client"):
        run.refresh()
