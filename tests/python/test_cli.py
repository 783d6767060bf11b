"""The `twin` command, run as the installed console script in a subprocess against the
session's emulator (real HTTP): every subcommand, tables and --json, errors on stderr with the
problem's title and detail, one exit status per error class, --help everywhere."""

from __future__ import annotations

import json
import os
import pathlib
import signal
import socket
import stat
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid
from typing import Any, Optional

import pytest

import twin
from twin.testing import Emulator

from conftest import API_KEY, SECRET_PART, script

TWIN = pathlib.Path(sys.executable).with_name("twin")
TIMEOUT = 120


@pytest.fixture(scope="module")
def env(emulator: Emulator) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("TWIN_")}
    return dict(base, TWIN_API_KEY=emulator.api_key, TWIN_BASE_URL=emulator.url)


def run(env: dict[str, str], *args: str, stdin: Optional[bytes] = None, **overrides: str) -> subprocess.CompletedProcess[str]:
    environment = dict(env, **overrides)
    for name, value in overrides.items():
        if value == "":
            del environment[name]
    result = subprocess.run(
        [str(TWIN), *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        env=environment,
        timeout=TIMEOUT,
    )
    # A secret never shows, whatever the command did.
    assert SECRET_PART not in result.stdout + result.stderr
    return result


def ok(env: dict[str, str], *args: str, **kw: Any) -> str:
    result = run(env, *args, **kw)
    assert result.returncode == 0, (args, result.returncode, result.stdout, result.stderr)
    assert result.stderr == ""
    return result.stdout


def ok_json(env: dict[str, str], *args: str) -> Any:
    return json.loads(ok(env, "--json", *args))


def fails(env: dict[str, str], code: int, *args: str, **kw: Any) -> str:
    result = run(env, *args, **kw)
    assert result.returncode == code, (args, result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("twin: error: "), result.stderr
    return result.stderr


@pytest.fixture()
def agent_id(client: twin.Client) -> str:
    return client.agents.create(agent_id=str(uuid.uuid4())).agent_id


# ------------------------------------------------------------------------------ help


COMMANDS = [
    [], ["emulator"], ["me"], ["agents"], ["agents", "list"], ["agents", "create"], ["agents", "get"],
    ["agents", "delete"], ["runs"], ["runs", "list"], ["runs", "start"], ["runs", "get"],
    ["runs", "wait"], ["runs", "cancel"], ["events"], ["webhooks"], ["webhooks", "list"],
    ["webhooks", "create"], ["webhooks", "delete"], ["webhooks", "verify"], ["cron"], ["cron", "next"],
]


def test_the_console_script_is_installed_beside_the_interpreter() -> None:
    assert TWIN.is_file() and os.access(TWIN, os.X_OK), TWIN


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "twin")
def test_help_on_every_level(env: dict[str, str], command: list[str]) -> None:
    out = ok(env, *command, "--help", TWIN_API_KEY="")
    assert out.startswith("usage: twin" + "".join(" " + c for c in command))
    if not command:
        for name in ("emulator", "me", "agents", "runs", "events", "webhooks", "cron", "exit status", "TWIN_API_KEY"):
            assert name in out


def test_every_subcommand_of_the_issue_is_there_and_no_other() -> None:
    from twin._cli import build_parser

    def names(parser: Any) -> dict[str, Any]:
        for action in parser._actions:
            if action.__class__.__name__ == "_SubParsersAction":
                return {n: names(p) for n, p in action.choices.items()}
        return {}

    assert names(build_parser()) == {
        "emulator": {}, "me": {}, "events": {},
        "agents": {"list": {}, "create": {}, "get": {}, "delete": {}},
        "runs": {"list": {}, "start": {}, "get": {}, "wait": {}, "cancel": {}},
        "webhooks": {"list": {}, "create": {}, "delete": {}, "verify": {}},
        "cron": {"next": {}},
    }


def test_usage_errors_exit_2(env: dict[str, str]) -> None:
    for args in (["frobnicate"], ["agents"], ["runs", "start"], ["cron", "next", "x", "-n", "many"]):
        result = run(env, *args)
        assert result.returncode == 2, args
        assert "usage: twin" in result.stderr and result.stdout == ""


def test_python_dash_m_twin(env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "-m", "twin", "--version"], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and result.stdout.strip() == f"twin {twin.__version__}"


def test_import_twin_does_not_load_the_cli() -> None:
    code = "import sys, twin; print(sorted(m for m in ('twin._cli', 'argparse') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ------------------------------------------------------------------------- resources


def test_me(env: dict[str, str], client: twin.Client) -> None:
    user_id = client.me().user_id
    assert ok(env, "me").split() == ["user_id", user_id]
    assert ok_json(env, "me")["user_id"] == user_id


def test_agents_create_list_get_delete(env: dict[str, str], client: twin.Client) -> None:
    workspace = client.workspaces.create(f"cli-{uuid.uuid4()}")
    created = ok_json(env, "agents", "create", "--workspace", workspace.workspace_id)
    agent_id = created["agent_id"]
    assert created["workspace_id"] == workspace.workspace_id

    listed = ok_json(env, "agents", "list", "--workspace", workspace.workspace_id)
    assert [a["agent_id"] for a in listed] == [agent_id]
    table = ok(env, "agents", "list", "--workspace", workspace.workspace_id).splitlines()
    assert table[0].split()[:3] == ["agent_id", "name", "state"]
    assert table[1].startswith(agent_id) and len(table) == 2
    assert len(ok_json(env, "agents", "list", "--limit", "1")) == 1

    shown = ok(env, "agents", "get", agent_id)
    assert f"agent_id{' ' * 22}{agent_id}" in shown and "deployment_state" in shown
    assert ok_json(env, "agents", "get", agent_id)["agent_id"] == agent_id

    assert ok(env, "agents", "delete", agent_id).strip() == f"deleted agent {agent_id}"
    with pytest.raises(twin.PermissionDeniedError):
        client.agents.get(agent_id)
    client.workspaces.delete(workspace.workspace_id)


def test_runs_start_follow_streams_events_until_the_end(env: dict[str, str], agent_id: str) -> None:
    out = ok(env, "runs", "start", agent_id, "--message", script(events=9), "--follow").splitlines()
    assert out[0].startswith("started run ")
    run_id = out[0].split()[2].rstrip(";")
    assert out[1].split() == ["index", "kind", "elapsed", "detail"]
    kinds = [line.split()[1] for line in out[2:-1]]
    assert kinds[0] == "Started" and kinds[-1] == "Finished" and len(kinds) == 9
    indexes = [int(line.split()[0]) for line in out[2:-1]]
    assert indexes == sorted(indexes)
    assert out[-1] == f"run {run_id}: completed, outcome success"


def test_runs_start_follow_json_lines(env: dict[str, str], agent_id: str) -> None:
    out = ok(env, "--json", "runs", "start", agent_id, "-m", script(events=7, outcome="partial"), "-f")
    events = [json.loads(line) for line in out.splitlines()]
    assert len(events) == 7
    assert "Finished" in json.dumps(events[-1])
    assert all("event_index" in e for e in events)


def test_runs_start_wait_list_get(env: dict[str, str], agent_id: str) -> None:
    done = ok_json(env, "runs", "start", agent_id, "-m", script(outcome="partial"), "--wait")
    assert (done["status"], done["outcome"]) == ("completed", "partial")
    run_id = done["run_id"]
    assert ok_json(env, "runs", "get", agent_id, run_id)["run_id"] == run_id
    assert ok_json(env, "runs", "wait", agent_id, run_id)["status"] == "completed"
    shown = ok(env, "runs", "get", agent_id, run_id)
    assert "status            completed" in shown and "outcome           partial" in shown

    table = ok(env, "runs", "list", agent_id).splitlines()
    assert table[0].split() == ["run_id", "status", "outcome", "kind", "started", "summary"]
    assert table[1].split()[:3] == [run_id, "completed", "partial"]
    assert ok_json(env, "runs", "list", agent_id, "--status", "stopped") == []


def test_runs_cancel_and_wait(env: dict[str, str], agent_id: str) -> None:
    started = ok_json(env, "runs", "start", agent_id, "-m", script(slow=True))
    assert started["status"] == "in_progress"
    run_id = started["run_id"]
    fails(env, 15, "runs", "wait", agent_id, run_id, "--timeout", "0.2")
    assert ok(env, "runs", "cancel", agent_id, run_id, "--reason", "test").strip() == f"cancelled run {run_id}"
    assert ok_json(env, "runs", "wait", agent_id, run_id)["status"] == "stopped"
    assert ok_json(env, "runs", "cancel", agent_id, run_id) == {"success": True, "note": "run already stopped"}


def test_events_list_and_follow(env: dict[str, str], client: twin.Client, agent_id: str) -> None:
    run_id = client.runs.start(agent_id, message=script(events=8)).wait().run_id
    events = ok_json(env, "events", agent_id, run_id)
    assert len(events) == 8
    table = ok(env, "events", agent_id, run_id).splitlines()
    assert table[0].split() == ["index", "kind", "recorded", "detail"]
    assert [line.split()[1] for line in table[1:]] == [
        e for e in (twin.Event.from_dict(d).kind for d in events)
    ]
    assert "outcome=success" in table[-1]
    after = str(events[4]["event_index"])
    assert len(ok_json(env, "events", agent_id, run_id, "--after", after)) == 3
    assert len(ok_json(env, "events", agent_id, run_id, "--limit", "2")) == 2
    followed = ok(env, "--json", "events", agent_id, run_id, "--follow").splitlines()
    assert [json.loads(line)["event_index"] for line in followed] == [e["event_index"] for e in events]


# -------------------------------------------------------------------------- webhooks


def test_webhooks_create_keeps_the_secret_out_of_sight(env: dict[str, str], client: twin.Client,
                                                       agent_id: str, tmp_path: pathlib.Path) -> None:
    stderr = fails(env, 2, "webhooks", "create", agent_id, "--url", "http://127.0.0.1:9/hook")
    assert "--secret-file" in stderr
    assert client.webhooks.list(agent_id) == []  # refused before anything was created

    secret_file = tmp_path / "secret"
    out = ok(env, "webhooks", "create", agent_id, "--url", "http://127.0.0.1:9/hook", "--secret-file", str(secret_file))
    secret = secret_file.read_text().strip()
    assert secret and secret not in out
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert f"signing secret written to {secret_file}" in out

    hook = ok_json(env, "webhooks", "create", agent_id, "--url", "http://127.0.0.1:9/other",
                   "--event", "run.failed", "--event", "run.stopped", "--secret-file", str(tmp_path / "s2"))
    assert "signing_secret" not in hook and hook["events"] == ["run.failed", "run.stopped"]
    shown = ok_json(env, "webhooks", "create", agent_id, "--url", "http://127.0.0.1:9/x", "--show-secret")
    assert shown["signing_secret"]

    listed = ok_json(env, "webhooks", "list", agent_id)
    assert len(listed) == 3 and all("signing_secret" not in h for h in listed)
    table = ok(env, "webhooks", "list", agent_id).splitlines()
    assert table[0].split() == ["webhook_id", "url", "status", "events"] and len(table) == 4
    for h in listed:
        assert ok(env, "webhooks", "delete", agent_id, h["webhook_id"]).strip() == f"deleted webhook {h['webhook_id']}"
    assert client.webhooks.list(agent_id) == []


def test_webhooks_verify_exit_status(env: dict[str, str]) -> None:
    body = b'{"event":"run.completed","timestamp":"2026-03-11T14:32:15Z","data":{"run_id":"r","agent_id":"a"}}'
    signature = twin.webhooks.sign(body, "whsec_new")
    assert ok(env, "webhooks", "verify", "--secret", "whsec_new", "--signature", signature, stdin=body) == "signature valid\n"
    # Rotation: either secret may match.
    ok(env, "webhooks", "verify", "--secret", "whsec_old", "--secret", "whsec_new", "--signature", signature, stdin=body)
    ok(env, "webhooks", "verify", "--signature", signature, stdin=body, TWIN_WEBHOOK_SECRET="whsec_new")
    stderr = fails(env, 1, "webhooks", "verify", "--secret", "whsec_old", "--signature", signature, stdin=body)
    assert "signature invalid" in stderr and "whsec_old" not in stderr
    fails(env, 1, "webhooks", "verify", "--secret", "whsec_new", "--signature", signature, stdin=body + b" ")
    fails(env, 1, "webhooks", "verify", "--secret", "whsec_new", "--signature", "md5=00", stdin=body)
    fails(env, 2, "webhooks", "verify", "--signature", signature, stdin=body)


def test_cron_next(env: dict[str, str]) -> None:
    lines = ok(env, "cron", "next", "0 0 9 * * MON-FRI *", "-n", "3", TWIN_API_KEY="").splitlines()
    assert len(lines) == 3
    assert all(line.endswith("09:00:00 UTC") and line[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri") for line in lines)
    times = ok_json(env, "cron", "next", "0 15 17 * * 5 *")
    assert len(times) == 5 and all(t.endswith("17:15:00+00:00") for t in times)
    stderr = fails(env, 16, "cron", "next", "0 0 9 * *")
    assert "invalid cron expression" in stderr


# ---------------------------------------------------------------------------- errors


def test_api_errors_show_the_problem_and_have_their_own_exit_status(env: dict[str, str], agent_id: str) -> None:
    stderr = fails(env, 4, "agents", "get", "no-such-agent")
    assert stderr == "twin: error: 403 Forbidden: you do not have access to this agent\n"
    assert "404 Not Found: run no-such-run not found" in fails(env, 5, "runs", "get", agent_id, "no-such-run")
    assert "400 Bad Request: unknown emulator directive" in fails(
        env, 6, "runs", "start", agent_id, "-m", "hi [emulator: bogus]")
    stderr = fails(env, 3, "me", TWIN_API_KEY=API_KEY + "x")
    assert "401" in stderr and API_KEY not in stderr
    assert "no API key" in fails(env, 2, "me", TWIN_API_KEY="")


def test_server_side_failures_exit_status(env: dict[str, str], no_faults: Emulator) -> None:
    no_faults.set_faults(error_rate=1, error_status=500, route="/v1/me")
    assert "500 Internal Server Error" in fails(env, 10, "me")
    no_faults.set_faults(rate_limit_rate=1, retry_after=0, route="/v1/me")
    assert "429" in fails(env, 9, "me")
    no_faults.set_faults(html_rate=1, route="/v1/me")
    fails(env, 14, "me")
    no_faults.set_faults()
    ok(env, "me")


def test_connection_refused(env: dict[str, str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    stderr = fails(env, 13, "--base-url", f"http://127.0.0.1:{port}", "me")
    assert "connection" in stderr
    # --base-url also goes after the subcommand.
    fails(env, 13, "me", "--base-url", f"http://127.0.0.1:{port}")


def test_exit_codes_are_distinct() -> None:
    from twin._cli import EXIT_CODES

    codes = [c for cls, c in EXIT_CODES.items() if cls is not ValueError]
    assert len(codes) == len(set(codes))


# -------------------------------------------------------------------- long-running


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([str(TWIN), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_ctrl_c_stops_following(env: dict[str, str], agent_id: str) -> None:
    proc = _start(env, "runs", "start", agent_id, "-m", script(slow=True), "--follow")
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("started run")
        assert proc.stdout.readline().split()[:2] == ["index", "kind"]
        assert proc.stdout.readline().split()[1] == "Started"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert "interrupted" in err and "twin runs cancel" in err


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_emulator_command(env: dict[str, str], stop: signal.Signals) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = _start(env, "--json", "emulator", "--port", str(port), "--api-key", "cli-test-key")
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert info == {"url": f"http://127.0.0.1:{port}", "api_key": "cli-test-key",
                        "ui_url": f"http://127.0.0.1:{port}/_emulator/ui"}
        here = dict(env, TWIN_BASE_URL=info["url"], TWIN_API_KEY="cli-test-key")
        assert ok(here, "agents", "list") == "(none)\n"
        ok(here, "agents", "create")
        assert len(ok_json(here, "agents", "list")) == 1
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    fails(dict(env, TWIN_BASE_URL=info["url"]), 13, "me")


def test_emulator_command_link_carries_any_key(env: dict[str, str]) -> None:
    key = "a key+&#=/1"
    proc = _start(env, "emulator", "--api-key", key)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(4)]
        link = lines[3].split()[-1]
        page, fragment = link.split("#")
        assert fragment == "key=a%20key%2B%26%23%3D%2F1"
        assert urllib.parse.parse_qs(fragment) == {"key": [key]}
        assert page.endswith("/_emulator/ui")
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
    assert proc.returncode == 0


def test_emulator_command_human_output(env: dict[str, str]) -> None:
    proc = _start(env, "emulator")
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        url = first.split()[3]
        assert first.startswith("Twin emulator on http://127.0.0.1:")
        assert proc.stdout.readline().strip() == f"export TWIN_BASE_URL={url}"
        key = proc.stdout.readline().split()[1].split("=", 1)[1]
        assert ok(dict(env, TWIN_BASE_URL=url, TWIN_API_KEY=key), "me").startswith("user_id")
        link = proc.stdout.readline().split()[-1]
        assert link == f"{url}/_emulator/ui#key={key}"
        with urllib.request.urlopen(link.split("#")[0], timeout=TIMEOUT) as page:
            assert "Twin emulator inspector" in page.read().decode()
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
    assert proc.returncode == 0
