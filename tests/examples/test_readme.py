"""Every snippet of README.md is exercised, so none can rot: Python blocks run against the
emulator (the webhook receiver receives real deliveries; test_* functions are called), C blocks
are compiled with -Werror and run, Rust blocks are doc tests of examples/rust (compiled by
`cargo test`), `twin` command lines parse, `make` targets exist, JSON blocks are valid and the
emulator accepts the fault configuration."""

from __future__ import annotations

import http.server
import inspect
import json
import os
import pty
import re
import shlex
import subprocess
import threading
import uuid
from typing import Any, Callable

import pytest

import twin
from twin.testing import Emulator

from conftest import PYTHON, ROOT, run

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = [(m.group(1), m.group(2), README[: m.start()].count("\n") + 1)
          for m in re.finditer(r"^```([^\n]*)\n(.*?)^```$", README, re.M | re.S)]
LIB = ROOT / "target" / "debug"


def blocks(lang: str) -> list[tuple[str, int]]:
    return [(code, line) for info, code, line in BLOCKS if info == lang]


def ids(items: list[tuple[str, int]]) -> list[str]:
    return [f"line {line}" for _, line in items]


def test_every_block_is_of_a_language_this_file_checks() -> None:
    assert {info for info, _, _ in BLOCKS} <= {"python", "c", "rust,no_run", "sh", "json", "text"}
    for lang in ("python", "c", "rust,no_run", "sh", "json"):
        assert blocks(lang), lang


def test_the_placeholder_sections_are_there() -> None:
    assert "\n## Reliability and security\n" in README
    assert "\n## Benchmarks\n" in README


# ---------------------------------------------------------------------------- Python


def exercise_receiver(namespace: dict[str, Any], emulator: Emulator, client: twin.Client,
                      exec_block: Callable[[], None]) -> None:
    """The receiver snippet gets real, signed deliveries from the emulator."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    agent = client.agents.create(agent_id=str(uuid.uuid4()))
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/twin"
        hook = client.webhooks.create(agent.agent_id, url=url, events=["run.started", "run.completed"])
        os.environ["TWIN_WEBHOOK_SECRETS"] = f"{hook.signing_secret},whsec_previous"
        exec_block()
        handled: list[twin.WebhookEvent] = []
        done = threading.Event()
        original = namespace["handle"]

        def handle(event: twin.WebhookEvent) -> None:
            original(event)
            handled.append(event)
            if event.event == "run.completed":
                done.set()

        namespace["handle"] = handle
        server.RequestHandlerClass = namespace["Receiver"]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started = client.runs.start(agent.agent_id, message="hello")
        assert done.wait(60), "the README's receiver got no run.completed"
        assert {(e.event, e.run_id) for e in handled} == {("run.started", started.run_id),
                                                        ("run.completed", started.run_id)}
        # A forged delivery is refused with 400.
        import urllib.error
        import urllib.request
        forged = urllib.request.Request(url, data=b'{"event":"run.completed"}', method="POST",
                                        headers={"X-Cobb-Signature": "sha256=" + "0" * 64})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=30)
        assert refused.value.code == 400
        refused.value.close()
    finally:
        server.shutdown()
        server.server_close()
        os.environ.pop("TWIN_WEBHOOK_SECRETS", None)
        client.agents.delete(agent.agent_id)


@pytest.mark.parametrize("code,line", blocks("python"), ids=ids(blocks("python")))
def test_python_block(code: str, line: int, emulator: Emulator, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TWIN_API_KEY", emulator.api_key)
    monkeypatch.setenv("TWIN_BASE_URL", emulator.url)
    namespace: dict[str, Any] = {"__name__": "readme"}
    compiled = compile(code, f"README.md:{line}", "exec")

    def exec_block() -> None:
        exec(compiled, namespace)

    if "class Receiver" in code:
        with emulator.client() as client:
            exercise_receiver(namespace, emulator, client, exec_block)
    else:
        exec_block()
    tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
    for test in tests:
        # A test written for the pytest plugin gets its fixtures (an emulator, a client on it).
        wanted = inspect.signature(test).parameters
        with emulator.client() as client:
            fixtures = {"twin_emulator": emulator, "twin_client": client}
            test(**{name: fixtures[name] for name in wanted})
    out = capsys.readouterr().out
    assert emulator.api_key not in out
    if "run.follow()" in code:  # the quickstart prints the events and the result
        assert re.search(r"^\d+ Finished$", out, re.M) and "completed success {'answer'" in out
    if "no-such-agent" in code:
        assert out.startswith("403 Forbidden you do not have access to this agent")


# --------------------------------------------------------------------------------- C


@pytest.mark.parametrize("code,line", blocks("c"), ids=ids(blocks("c")))
def test_c_block(code: str, line: int, env: dict[str, str], tmp_path: Any) -> None:
    assert (LIB / "libtwin.so").exists(), "build first: cargo build -p twin-c (make test-demo does)"
    source = tmp_path / "snippet.c"
    source.write_text(code)
    cc = os.environ.get("CC", "cc")
    build = subprocess.run([cc, "-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", str(source),
                            "-I", str(ROOT / "include"), "-L", str(LIB), "-ltwin", "-o", str(tmp_path / "snippet")],
                           capture_output=True, text=True)
    assert build.returncode == 0, f"README.md:{line}\n{build.stderr}"
    result = run([str(tmp_path / "snippet")], dict(env, LD_LIBRARY_PATH=str(LIB)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^run \S+: completed$", result.stdout, re.M)


# ------------------------------------------------------------------------------ Rust


def test_rust_blocks_are_doc_tests_of_the_examples_crate() -> None:
    lib = (ROOT / "examples" / "rust" / "src" / "lib.rs").read_text()
    assert '#![doc = include_str!("../../../README.md")]' in lib
    members = (ROOT / "Cargo.toml").read_text()
    assert '"examples/rust"' in members
    # no_run: compiled by `cargo test` (they would need a server to run; the programs in
    # examples/rust run against the emulator in test_examples.py).
    assert all(info in ("rust,no_run",) for info, _, _ in BLOCKS if info.startswith("rust"))


# ------------------------------------------------------------------------ shell, JSON


def command_lines() -> list[tuple[str, int]]:
    lines = []
    for code, line in blocks("sh"):
        for offset, text in enumerate(code.splitlines()):
            text = text.split(" # ")[0].strip()
            if text and not text.startswith("#"):
                lines.append((text, line + 1 + offset))
    return lines


def test_every_shell_line_is_a_command_that_exists() -> None:
    from twin._cli import build_parser

    makefile = (ROOT / "Makefile").read_text() + (ROOT / "bindings-python" / "python.mk").read_text() \
        + (ROOT / "bindings-c" / "c.mk").read_text()
    seen = set()
    for text, line in command_lines():
        words = shlex.split(text.replace("$(cat hook.secret)", "secret").split(" < ")[0])
        seen.add(words[0])
        if words[0] == "twin":
            try:
                build_parser().parse_args(words[1:])
            except SystemExit:
                pytest.fail(f"README.md:{line}: `{text}` does not parse")
        elif words[0] == "make":
            target = words[1]
            assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"README.md:{line}: no make target {target}"
        elif words[0] == "cargo":
            assert words[1:4] == ["run", "-p", "twin-emulator"], text
        else:
            assert words[0] == "curl", f"README.md:{line}: unchecked command {text}"
    assert seen == {"twin", "make", "cargo", "curl"}


def _line(fd: int) -> str:
    """One whole line from `fd` (a terminal may hand a line over in several reads)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data.decode()


def test_the_emulator_command_line_and_curl_as_shown(clean_env: dict[str, str]) -> None:
    """`cargo run -p twin-emulator -- ...` then `curl ... /v1/me`, on a free port."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    binary = ROOT / "target" / "debug" / "twin-emulator"
    assert binary.exists(), "build first: cargo build -p twin-emulator (make test-demo does)"
    # stderr on a terminal, as for a person: the inspector's link is printed there.
    terminal, stderr = pty.openpty()
    proc = subprocess.Popen([str(binary), "--port", str(port), "--api-key", "my-test-key"],
                            stdout=subprocess.PIPE, stderr=stderr, text=True)
    os.close(stderr)
    try:
        assert proc.stdout is not None
        assert json.loads(proc.stdout.readline()) == {"url": f"http://127.0.0.1:{port}", "api_key": "my-test-key",
                                                      "ui_url": f"http://127.0.0.1:{port}/_emulator/ui"}
        assert f"inspector at http://127.0.0.1:{port}/_emulator/ui#key=my-test-key " in _line(terminal)
        me = subprocess.run(["curl", "-sf", "-H", "x-api-key: my-test-key", f"http://127.0.0.1:{port}/v1/me"],
                            capture_output=True, text=True, timeout=60)
        assert me.returncode == 0 and json.loads(me.stdout)["user_id"].startswith("user_")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        os.close(terminal)
        if proc.stdout is not None:
            proc.stdout.close()
    # Not a terminal (a script, CI): the JSON line only, and no key in the logs.
    proc = subprocess.Popen([str(binary)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and json.loads(proc.stdout.readline())["ui_url"].endswith("/_emulator/ui")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert err == ""


@pytest.mark.parametrize("code,line", blocks("json"), ids=ids(blocks("json")))
def test_json_block(code: str, line: int, emulator: Emulator) -> None:
    config = json.loads(code)
    if "error_rate" in config:  # the fault configuration: the emulator takes it as shown
        emulator.set_faults(**config)
        try:
            assert emulator.faults()
        finally:
            emulator.set_faults()
