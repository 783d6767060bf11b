"""`make demo`: examples/python/quickstart.py narrates the main job in 8 steps and exits 0 on
an emulator of its own; with TWIN_API_KEY and TWIN_BASE_URL set it works on that server and
leaves nothing behind; a failing step exits 1 with a clear message."""

from __future__ import annotations

import re

from twin.testing import Emulator

from conftest import PYTHON, ROOT, run

QUICKSTART = str(ROOT / "examples" / "python" / "quickstart.py")
STEPS = [
    "1. Who am I; a workspace and an agent in it",
    "2. Instructions, written twice, and their history",
    "3. A schedule: its next fire times, then paused",
    "4. A local webhook receiver, registered for all five run events",
    "5. A run, followed live",
    "6. The signed deliveries, verified with the secret",
    "7. When things go wrong: a failing run, a cancelled run, API errors",
    "8. The agent's runs; clean up",
]


def check_story(out: str, emulated: bool = True) -> None:
    """Checks the narration; ``emulated``: the runs were scripted (on the demo's own emulator)."""
    headers = [line for line in out.splitlines() if re.match(r"^\d\. ", line)]
    assert headers == STEPS
    sections = {h[0]: out.split(h, 1)[1].split("\n\n", 1)[0] for h in STEPS}
    assert "account        user_" in sections["1"] and "agent " in sections["1"]
    assert sections["2"].count("Inbox helper") == 3  # current + two versions
    assert len(re.findall(r"^     \w{3} \d{4}-\d\d-\d\d 09:00 UTC$", sections["3"], re.M)) == 5
    assert "paused=True" in sections["3"]
    assert "run.started, run.completed, run.failed, run.stopped, run.paused" in sections["4"]
    events = "24" if emulated else r"\d+"
    assert re.search(rf"^   followed\s+{events} events in [\d.]+ s, the last Finished$", sections["5"], re.M)
    assert "status         completed, outcome success" in sections["5"]
    assert 'final_output   {"answer": "Done: Summarise the inbox"' in sections["5"]
    for event in ("run.started", "run.completed"):
        assert re.search(rf"^   {re.escape(event)}\s+\S+\s+.*verified$", sections["6"], re.M)
    assert "tampered body  rejected: WebhookVerificationError (NoMatch)" in sections["6"]
    if emulated:
        assert "status 'error'" in sections["7"] and "WaitTimeoutError" in sections["7"]
        assert "then status 'stopped'" in sections["7"] and "note 'run already stopped'" in sections["7"]
    else:
        assert "a failing run can only be scripted on the emulator" in sections["7"]
    assert "PermissionDeniedError: 403 Forbidden: you do not have access to this agent" in sections["7"]
    assert "NotFoundError: 404 Not Found" in sections["7"]
    for event in ("run.failed", "run.stopped") if emulated else ():
        assert re.search(rf"^   {re.escape(event)}\s+\S+\s+.*verified$", sections["7"], re.M)
    assert re.search(rf"^   runs\s+{3 if emulated else r'[1-9]'} \(the total the service reports\)$", sections["8"], re.M)
    for status in ("completed", "error", "stopped") if emulated else ("completed",):
        assert re.search(rf"^   \S+\s+{status}\s", sections["8"], re.M)
    for what in ("webhook", "schedule", "agent", "workspace"):
        assert re.search(rf"^   deleted\s+{what}", sections["8"], re.M)
    assert re.search(r"\nDone in [\d.]+ s: every step worked\.\n$", out)


def test_the_demo_on_its_own_emulator(clean_env: dict[str, str]) -> None:
    result = run([PYTHON, QUICKSTART], clean_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert "quickstart on an emulator started in this process" in result.stdout.splitlines()[0]
    check_story(result.stdout)


def test_the_demo_on_a_server_from_the_environment(env: dict[str, str], emulator: Emulator) -> None:
    before = emulator._admin("GET", "/_emulator/state")
    result = run([PYTHON, QUICKSTART], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0].endswith(f"quickstart against {emulator.url}")
    assert "creates and deletes real resources there" in result.stdout
    check_story(result.stdout, emulated=False)
    assert emulator.api_key not in result.stdout + result.stderr
    after = emulator._admin("GET", "/_emulator/state")
    for kind in ("agents", "webhooks", "workspaces", "schedules"):
        if kind in before:
            assert after[kind] == before[kind], (kind, before, after)


def test_a_key_alone_does_not_send_the_demo_to_the_real_service(clean_env: dict[str, str]) -> None:
    result = run([PYTHON, QUICKSTART], dict(clean_env, TWIN_API_KEY="twin_not_a_real_key"))
    assert result.returncode == 0, result.stderr
    assert "TWIN_API_KEY is set without TWIN_BASE_URL: using the emulator" in result.stdout


def test_a_failing_step_exits_1_with_a_clear_message(env: dict[str, str]) -> None:
    result = run([PYTHON, QUICKSTART], dict(env, TWIN_API_KEY="twin_wrong_key_0123456789"))
    assert result.returncode == 1
    assert "quickstart failed in step 1 (Who am I; a workspace and an agent in it): " \
           "AuthenticationError: 401" in result.stderr
    assert "twin_wrong_key_0123456789" not in result.stdout + result.stderr
    assert "Done in" not in result.stdout
