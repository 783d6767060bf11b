"""A 2xx answer that says the operation was not done (``success: false``, ``deleted: false``,
``revoked: false``, ``{"workspace": null}``) raises ``twin.OperationFailedError`` with the
service's words, for each of the eleven operations of the live document that answer so. The
emulator's ``refuse`` fault produces each answer and changes nothing, which is checked too."""

from __future__ import annotations

from typing import Any, Callable, Optional

import pytest

import twin
from twin.testing import Emulator

from conftest import script


def test_every_refusal_is_an_operation_failed_error(client: twin.Client, emulator: Emulator) -> None:
    agent = client.agents.create().agent_id
    workspace = client.workspaces.create("refusals").workspace_id
    key = client.api_keys.create("refusals").key_id
    client.schedules.set(agent, "0 0 9 * * Mon *")
    client.instructions.update(agent, "Before.")
    run = client.runs.start(agent, message=script(slow=True, events=50))

    # The service's words, cleaned of control characters (the escape becomes a space).
    SAID = "nope [31m"
    calls: list[tuple[str, Callable[[], Any], Optional[str]]] = [
        ("schedules.set", lambda: client.schedules.set(agent, "0 0 10 * * Tue *"), SAID),
        ("schedules.pause", lambda: client.schedules.pause(agent), SAID),
        ("schedules.resume", lambda: client.schedules.resume(agent), SAID),
        ("schedules.delete", lambda: client.schedules.delete(agent), SAID),
        ("agents.move", lambda: client.agents.move(agent, workspace_id=workspace), SAID),
        ("instructions.update", lambda: client.instructions.update(agent, "After."), SAID),
        ("runs.cancel", lambda: run.cancel(), SAID),
        # The live schemas give these no `error` member.
        ("workspaces.reorder", lambda: client.workspaces.reorder([workspace]), None),
        ("api_keys.revoke", lambda: client.api_keys.revoke(key), None),
        ("workspaces.update", lambda: client.workspaces.update(workspace, name="renamed"), None),
        ("workspaces.delete", lambda: client.workspaces.delete(workspace), SAID),
    ]
    emulator.set_faults(refuse=True, refuse_error="nope \x1b[31m")
    try:
        for name, call, detail in calls:
            with pytest.raises(twin.OperationFailedError) as caught:
                call()
            e = caught.value
            assert (e.status, e.detail) == (200, detail), name
            assert isinstance(e, twin.APIError) and not e.maybe_sent, name
            assert "\x1b" not in str(e) and str(e).startswith("operation failed"), name
        assert emulator.faults()["stats"]["refused"] == len(calls)
    finally:
        emulator.set_faults()

    # Nothing was done.
    schedule = client.schedules.get(agent)
    assert schedule is not None and (schedule.cron, schedule.paused) == ("0 0 9 * * Mon *", False)
    instructions = client.instructions.get(agent)
    assert instructions is not None and instructions.content == "Before."
    assert not run.refresh().is_terminal
    assert any(w.workspace_id == workspace and w.name == "refusals" for w in client.workspaces.list())
    assert any(k.key_id == key for k in client.api_keys.list())
    run.cancel()


def test_the_command_exits_18_for_a_refusal(emulator: Emulator) -> None:
    import subprocess
    import sys

    env = {"TWIN_API_KEY": emulator.api_key, "TWIN_BASE_URL": emulator.url, "PATH": ""}
    with emulator.client() as c:
        agent = c.agents.create().agent_id
        run = c.runs.start(agent, message=script(slow=True, events=50)).run_id
    emulator.set_faults(refuse=True)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "twin", "runs", "cancel", agent, run],
            env=env, capture_output=True, text=True, timeout=60,
        )
    finally:
        emulator.set_faults()
    assert done.returncode == 18, done.stderr
    assert "operation failed" in done.stderr
