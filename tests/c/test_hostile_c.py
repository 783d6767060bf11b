"""The hostile-server suite (issue 11) through the C API: starts tests/hostile/server.py as a
subprocess, runs tests/c/test_hostile.c once per attack (built with -fsanitize=address,undefined;
a cheap subset under valgrind too) and asserts on the status and twin_last_error_* strings it
prints, the time and peak memory it reports, and the requests the server received.

Needs `cargo build -p twin-c` first (`make test-c` does it).
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, List, Optional

import pytest

from test_c import BUILD, LIB_DIR, ROOT, TESTS, VALGRIND, compile_c, ready_process, valgrind_available

SERVER = ROOT / "tests" / "hostile" / "server.py"
# The server's module too, for its markers and variants.
_spec = importlib.util.spec_from_file_location("hostile_server", SERVER)
assert _spec is not None and _spec.loader is not None
hostile = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("hostile_server", hostile)
_spec.loader.exec_module(hostile)

# A key in the real format; its secret part must never show.
SECRET_PART = "hostileKEYmarker42xyz"
API_KEY = "twin_0123456789abcdef0123456789abcdef_" + SECRET_PART
MB = 1024  # VmHWM is in kB
MODES = ["asan", "valgrind"]


@pytest.fixture(scope="module")
def hostile_server():
    with ready_process([sys.executable, str(SERVER)], "the hostile server") as info:
        yield info["url"]


@pytest.fixture(scope="module")
def program():
    """test_hostile.c built for both modes: {mode: path}."""
    if not (LIB_DIR / "libtwin.so").exists():
        pytest.fail("build first: cargo build -p twin-c")
    BUILD.mkdir(parents=True, exist_ok=True)
    built = {}
    for mode in MODES:
        output = BUILD / f"hostile_c.{mode}"
        compile_c(TESTS / "test_hostile.c", output, sanitize=(mode == "asan"))
        built[mode] = output
    return built


class Result:
    """What one run printed, decoded, and the requests the server received for it."""

    def __init__(self, fields: Dict[str, List[str]], requests: List[Dict[str, Any]], output: str):
        self.fields = fields
        self.requests = requests
        self.output = output

    def get(self, name: str) -> Optional[str]:
        values = self.fields.get(name)
        return values[0] if values else None

    def all(self, name: str) -> List[str]:
        return self.fields.get(name, [])

    @property
    def status(self) -> str:
        return self.get("status") or "?"

    def num(self, name: str) -> int:
        value = self.get(name)
        assert value is not None and value != "-", f"{name} is {value!r}\n{self.output}"
        return int(value)

    def texts(self) -> Dict[str, Optional[str]]:
        return {k: self.get(k) for k in ("message", "type", "title", "detail", "request_id")}

    def expect(self, status: str, http: Optional[int] = None) -> None:
        assert self.status == status, f"{self.status}, expected {status}\n{self.output}"
        if http is not None:
            assert self.num("http") == http, self.output

    def count(self, method: Optional[str] = None, suffix: str = "") -> int:
        return sum(1 for r in self.requests
                   if (method is None or r["method"] == method) and r["path"].endswith(suffix))


def decode(value: str) -> Optional[str]:
    if value == "-":
        return None
    if value == "=":
        return ""
    return bytes.fromhex(value).decode("utf-8", "replace")


# Printed as numbers or names; every other field is a hex-encoded string.
PLAIN = {"status", "http", "retry_after_ms", "maybe_sent", "elapsed_ms", "hwm_before_kb",
         "hwm_after_kb", "value_events", "value_agents", "value_runs", "value_run_number"}


def run_case(program, url: str, mode: str, scenario: str, call: str, *args: str,
             key: str = API_KEY, host: str = "127.0.0.1", base: Optional[str] = None,
             timeout: float = 30) -> Result:
    if mode == "valgrind" and not valgrind_available():
        pytest.skip("valgrind is not installed")
    port = urllib.parse.urlsplit(url).port
    base = base or f"http://{host}:{port}/{scenario}/c-{mode}-{uuid.uuid4().hex[:10]}"
    env = dict(os.environ, TWIN_API_KEY=key, TWIN_BASE_URL=base, TWIN_LOG="debug",
               # ASan keeps freed blocks in a quarantine (256 MB by default), which would count
               # every body read and freed toward peak memory; a real program returns them.
               ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:quarantine_size_mb=16",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    command = ([*VALGRIND] if mode == "valgrind" else []) + [str(program[mode]), call, *args]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{scenario} {call}: the C call did not end within {timeout:g} s (killed)")
    output = f"$ {' '.join(command)}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    assert proc.returncode == 0, output
    fields: Dict[str, List[str]] = {}
    for line in proc.stdout.splitlines():
        name, _, value = line.partition(" ")
        text = value if name in PLAIN else decode(value)
        fields.setdefault(name, []).append(text)  # type: ignore[arg-type]
    requests: List[Dict[str, Any]] = []
    if base.startswith(f"http://{host}:{port}/"):
        prefix = urllib.parse.urlsplit(base).path
        with urllib.request.urlopen(f"{url}/_hostile/requests?prefix={urllib.parse.quote(prefix)}",
                                    timeout=10) as r:
            requests = json.loads(r.read())["requests"]
    return Result(fields, requests, output)


# ------------------------------------------------------------------------------ the control


def test_server_answers_like_the_api(program, hostile_server):
    """On the well-behaved scenario the calls work, so a failure elsewhere is the attack's."""
    r = run_case(program, hostile_server, "asan", "ok", "me")
    r.expect("TWIN_OK")
    assert r.get("value_user_id") == "user_01KPPW8HKFNH8CH1GEQ73Y6VB3"
    r = run_case(program, hostile_server, "asan", "ok", "runs_get", host="localhost")
    r.expect("TWIN_OK")
    assert r.get("value_run_number") == "1"


# ------------------------------------------------------------------------------ 1. huge bodies


@pytest.mark.parametrize(
    "scenario,call",
    [("bomb_me", "me"), ("big_agent", "agents_get"), ("bomb_events", "events_list"),
     ("big_agents_page", "agents_list")],
)
def test_oversized_body_is_a_decode_error(program, hostile_server, scenario, call):
    """A gzip body over its limit (256 MiB nested arrays for /v1/me, an 8 MiB agent, an
    80 MiB events page, a 40 MiB agents page): TWIN_ERR_DECODE "too large" after one request,
    peak memory +300 MB at most."""
    r = run_case(program, hostile_server, "asan", scenario, call, timeout=90)
    problems = []
    if r.status != "TWIN_ERR_DECODE":
        problems.append(f"{r.status}, expected TWIN_ERR_DECODE")
    elif "too large" not in (r.get("message") or ""):
        problems.append(f"the message does not say 'too large': {r.get('message')!r}")
    # An events page is asked for again with fewer events (500, 250, ..., 1) before it fails.
    most = 9 if call == "events_list" else 1
    if not 1 <= len(r.requests) <= most:
        problems.append(f"{len(r.requests)} requests, not 1 to {most}")
    growth = r.num("hwm_after_kb") - r.num("hwm_before_kb")
    if growth >= 300 * MB:
        problems.append(f"peak RSS grew by {growth // MB} MB")
    assert not problems, "; ".join(problems) + f" (after {r.num('elapsed_ms')} ms)"


def test_oversized_error_body_costs_a_prefix(program, hostile_server):
    """A 500 with a 50 MB body: TWIN_ERR_API 500 with a short detail, reading a prefix only."""
    r = run_case(program, hostile_server, "asan", "huge_error", "me", "0")
    r.expect("TWIN_ERR_API", 500)
    assert len(r.get("detail") or "") <= 503
    growth = r.num("hwm_after_kb") - r.num("hwm_before_kb")
    assert growth < 40 * MB, f"peak RSS grew by {growth // MB} MB"


# ------------------------------------------------------------------------------ 2. time


@pytest.mark.parametrize("scenario,call", [("stall_runs", "runs_wait"), ("stall_events", "events_follow")])
def test_wait_and_follow_keep_their_timeout(program, hostile_server, scenario, call):
    """twin_runs_wait(..., 2000, ...) while every status lookup stalls 10 s, and a follow with a
    2000 ms timeout while every events poll does: TWIN_ERR_TIMEOUT within 3 s."""
    r = run_case(program, hostile_server, "asan", scenario, call, timeout=8)
    r.expect("TWIN_ERR_TIMEOUT")
    assert r.num("elapsed_ms") <= 3000, r.output


# ------------------------------------------------------------------------------ 3. secrets


# Every variant under ASan; two under valgrind (the others only differ in the bytes).
KEY_CASES = [(v, "asan") for v in hostile.KEY_VARIANTS] + [("first", "valgrind"), ("all", "valgrind")]


@pytest.mark.parametrize("variant,mode", KEY_CASES, ids=[f"{v}-{m}" for v, m in KEY_CASES])
def test_escaped_key_in_error_body(program, hostile_server, variant, mode):
    """A 401 echoing the key JSON-escaped: no twin_last_error_* string (nor any output, with
    TWIN_LOG=debug) shows the key or its secret part."""
    r = run_case(program, hostile_server, mode, f"key_error.{variant}", "me", "0")
    r.expect("TWIN_ERR_API", 401)
    hostile.assert_no_secret(r.texts(), [API_KEY, SECRET_PART])
    hostile.assert_no_secret({"output": r.output}, [API_KEY, SECRET_PART])


@pytest.mark.parametrize("variant", ["first", "tail", "split"])
def test_escaped_key_in_malformed_answer(program, hostile_server, variant):
    """A 2xx cut short after the escaped key: TWIN_ERR_DECODE (or UNEXPECTED_RESPONSE) without
    the key."""
    r = run_case(program, hostile_server, "asan", f"key_malformed.{variant}", "me", "0")
    assert r.status in ("TWIN_ERR_DECODE", "TWIN_ERR_UNEXPECTED_RESPONSE"), r.output
    hostile.assert_no_secret(r.texts(), [API_KEY, SECRET_PART])
    hostile.assert_no_secret({"output": r.output}, [API_KEY, SECRET_PART])


@pytest.mark.parametrize("variant", ["first", "all", "split", "tail", "solidus"])
def test_escaped_key_in_event_payloads(program, hostile_server, variant):
    """Events whose payloads carry the escaped key: twin_event_payload_json and twin_event_json
    never show it."""
    r = run_case(program, hostile_server, "asan", f"key_events.{variant}", "events_list")
    r.expect("TWIN_OK")
    assert r.get("value_events") == "2", r.output
    hostile.assert_no_secret({f"payload {i}": t for i, t in enumerate(r.all("value_payload"))}, [API_KEY, SECRET_PART])
    hostile.assert_no_secret({f"json {i}": t for i, t in enumerate(r.all("value_json"))}, [API_KEY, SECRET_PART])


@pytest.mark.parametrize("variant", ["truncated", "escaped_name", "escaped_value", "missing_member"])
def test_signing_secret_in_undecodable_webhook_answer(program, hostile_server, variant):
    """An undecodable answer to twin_webhooks_create carrying the signing secret: not in the
    error."""
    r = run_case(program, hostile_server, "asan", f"webhook_secret.{variant}", "webhooks_create", "0")
    assert r.status in ("TWIN_ERR_DECODE", "TWIN_ERR_UNEXPECTED_RESPONSE"), r.output
    hostile.assert_no_secret(r.texts(), [hostile.WEBHOOK_SECRET_MARKER])
    hostile.assert_no_secret({"output": r.output}, [hostile.WEBHOOK_SECRET_MARKER])


def test_short_key_leaves_data_alone(program, hostile_server):
    """API key `test`: `{"user_id":"test-user"}` is read as it is."""
    r = run_case(program, hostile_server, "asan", "short_key", "me", key="test")
    r.expect("TWIN_OK")
    assert r.get("value_user_id") == "test-user", r.output


# ------------------------------------------------------------------------------ 4. server text


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("variant", ["problem", "text"])
def test_server_text_is_sanitised(program, hostile_server, variant, mode):
    """Terminal escapes, CR/LF, NUL in title and detail, a 250 KB detail, a 60 KB request id:
    twin_last_error_message/_title/_detail hold no control character; title <= 200 characters,
    detail <= 500 (+ an ellipsis), request id <= 128 or NULL."""
    name = "control_chars" + ("" if variant == "problem" else ".text")
    r = run_case(program, hostile_server, mode, name, "me", "0")
    r.expect("TWIN_ERR_API", 400)
    for where in ("message", "title", "detail"):
        text = r.get(where) or ""
        assert not hostile.control_characters(text), f"{where} holds control characters {hostile.control_characters(text)}"
    assert len(r.get("title") or "") <= 200
    assert len(r.get("detail") or "") <= 503
    rid = r.get("request_id")
    assert rid is None or (len(rid) <= 128 and rid.isascii() and rid.isprintable()), (rid or "")[:200]


# ------------------------------------------------------------------------------ 5. Retry-After


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("variant", ["huge", "date"])
def test_far_retry_after_is_clamped_and_not_slept_on(program, hostile_server, variant, mode):
    """429 with `Retry-After: 999999` or a date in year 9999: twin_last_error_retry_after_ms at
    most an hour, returned at once after one request."""
    r = run_case(program, hostile_server, mode, f"retry_after.{variant}", "me", "2", timeout=12)
    r.expect("TWIN_ERR_API", 429)
    assert 0 <= r.num("retry_after_ms") <= 3_600_000, r.output
    assert len(r.requests) == 1, r.output
    if mode == "asan":
        assert r.num("elapsed_ms") < 2000, r.output


def test_zero_retry_after_still_backs_off(program, hostile_server):
    """`Retry-After: 0` always, 2 retries: 3 requests over at least 0.7 s."""
    r = run_case(program, hostile_server, "asan", "retry_after.zero", "me", "2", timeout=20)
    r.expect("TWIN_ERR_API", 429)
    assert len(r.requests) == 3, r.output
    assert r.num("elapsed_ms") >= 700, r.output


def test_integer_over_u64_is_an_error(program, hostile_server):
    """run_number = 2**64: TWIN_ERR_DECODE, never 18446744073709551615."""
    r = run_case(program, hostile_server, "asan", "big_int.run_number", "runs_get", "0")
    r.expect("TWIN_ERR_DECODE")


# ------------------------------------------------------------------------------ 6. billed twice


@pytest.mark.parametrize("mode", MODES)
def test_rate_limited_run_start_is_sent_once(program, hostile_server, mode):
    """429 to twin_runs_start: one POST, TWIN_ERR_API 429 with Retry-After 1000 ms (by host name
    `localhost` under ASan)."""
    host = "localhost" if mode == "asan" else "127.0.0.1"
    r = run_case(program, hostile_server, mode, "start_429", "runs_start", host=host, timeout=20)
    r.expect("TWIN_ERR_API", 429)
    assert r.get("retry_after_ms") == "1000", r.output
    assert r.count("POST") == 1, r.output


@pytest.mark.parametrize("mode", MODES)
def test_dropped_run_start_may_have_been_sent(program, hostile_server, mode):
    """The server reads the start POST and drops the connection: TWIN_ERR_CONNECTION with
    twin_last_error_maybe_sent() true, and one POST."""
    r = run_case(program, hostile_server, mode, "drop_start", "runs_start", timeout=20)
    r.expect("TWIN_ERR_CONNECTION")
    assert r.get("maybe_sent") == "1", f"maybe_sent {r.get('maybe_sent')}\n{r.output}"
    assert r.count("POST") == 1, r.output


@pytest.mark.parametrize("mode", MODES)
def test_refused_connection_was_not_sent(program, hostile_server, mode):
    """Nothing listens: TWIN_ERR_CONNECTION with twin_last_error_maybe_sent() false."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r = run_case(program, hostile_server, mode, "-", "runs_start", "0", base=f"http://127.0.0.1:{port}")
    r.expect("TWIN_ERR_CONNECTION")
    assert r.get("maybe_sent") == "0", f"maybe_sent {r.get('maybe_sent')}\n{r.output}"


@pytest.mark.parametrize("answer", ["404", "403"])
def test_delete_of_missing_agent_after_429_fails(program, hostile_server, answer):
    """DELETE answered 429 then 404/403: TWIN_ERR_API with that status, not TWIN_OK."""
    r = run_case(program, hostile_server, "asan", f"delete_429.{answer}", "agents_delete")
    r.expect("TWIN_ERR_API", int(answer))
    assert r.count("DELETE") == 2, r.output


def test_create_with_taken_id_after_429_conflicts(program, hostile_server):
    """Create with an explicit id answered 429 then 409: TWIN_ERR_API 409."""
    r = run_case(program, hostile_server, "asan", "create_429_409", "agents_create_id")
    r.expect("TWIN_ERR_API", 409)


def test_cut_instructions_update_is_read_back_not_resent(program, hostile_server):
    """An instructions update whose answer is cut off: read back, one version recorded."""
    r = run_case(program, hostile_server, "asan", "instructions_cut", "instructions_update")
    r.expect("TWIN_OK")
    assert r.count("PUT") == 1, r.output
    assert r.count("GET", "/instructions") >= 1, r.output
