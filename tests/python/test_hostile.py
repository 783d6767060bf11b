"""The hostile-server suite (issue 11): tests/hostile/server.py attacks the SDK from the server
side (bombs, stalls, escaped secrets, terminal escapes, absurd Retry-After and integers, answers
that make a retry bill twice) and each test asserts that the call ends with the documented typed
error, in time and within memory.

Every SDK call runs in a child process (`sdk()`), killed if it outlives its bound, so nothing
here can hang and peak memory is measured on a process of its own (VmHWM before and after the
call). Real HTTP on loopback only; no part of the SDK is mocked.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import socket
import subprocess
import sys
import textwrap
from typing import Any, Dict, Iterator, List, Optional

import pytest

from conftest import API_KEY, SECRET_PART

ROOT = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("hostile_server", ROOT / "tests" / "hostile" / "server.py")
assert _spec is not None and _spec.loader is not None
hostile = importlib.util.module_from_spec(_spec)
sys.modules["hostile_server"] = hostile
_spec.loader.exec_module(hostile)

MB = 1024  # VmHWM is in kB
BOMB_MEMORY_KB = 300 * MB  # peak RSS growth allowed while refusing a bomb
ERROR_MEMORY_KB = 32 * MB  # ... while reading the prefix of a 50 MB error body

# The child: runs the test's code with helpers; prints RESULT and a JSON description of what the
# call returned or raised. Strings travel as JSON, so control characters arrive intact.
CHILD = textwrap.dedent(
    r'''
    import json, sys, time
    import twin

    URL, KEY = sys.argv[1], sys.argv[2]

    def peak_kb():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def describe(e):
        d = {"type": type(e).__name__, "mro": [c.__name__ for c in type(e).__mro__],
             "str": str(e), "repr": repr(e), "args": repr(e.args)}
        for name in ("message", "status", "request_id", "retry_after", "body_excerpt",
                     "content_type"):
            d[name] = getattr(e, name, None)
        d["maybe_sent"] = getattr(e, "maybe_sent", "<missing>")
        p = getattr(e, "problem", None)
        if p is not None:
            d["problem"] = {"type": p.type, "title": p.title, "status": p.status,
                            "detail": p.detail, "instance": p.instance,
                            "extensions": json.dumps(p.extensions, default=repr),
                            "repr": repr(p), "dict": json.dumps(p.to_dict(), default=repr)}
        return d

    def call(fn):
        before = peak_kb()
        start = time.monotonic()
        try:
            out = {"ok": True, "value": fn()}
        except BaseException as e:
            out = {"ok": False, "error": describe(e)}
        out["elapsed"] = time.monotonic() - start
        out["peak_before_kb"] = before
        out["peak_after_kb"] = peak_kb()
        return out

    def client(**kw):
        kw.setdefault("api_key", KEY)
        kw.setdefault("base_url", URL)
        return twin.Client(**kw)

    RESULT = None
    exec(sys.stdin.read())
    print("RESULT " + json.dumps(RESULT, default=repr))
    '''
)


class Outcome:
    """What the child reported: `ok`, `value`, `error` (a dict), `elapsed`, peak memory."""

    def __init__(self, data: Dict[str, Any], output: str):
        self.data = data
        self.output = output  # the child's whole stdout and stderr
        self.ok: bool = data["ok"]
        self.value = data.get("value")
        self.error: Dict[str, Any] = data.get("error") or {}
        self.elapsed: float = data["elapsed"]
        self.peak_growth_kb: int = data["peak_after_kb"] - data["peak_before_kb"]

    def raised(self, cls: str) -> bool:
        return not self.ok and cls in self.error["mro"]

    def expect(self, cls: str) -> Dict[str, Any]:
        """The error, after asserting it is a `twin.<cls>`."""
        assert not self.ok, f"expected twin.{cls}, the call returned {self.value!r}"
        assert cls in self.error["mro"], f"expected twin.{cls}, got {self.error['type']}: {self.error['str']}"
        return self.error

    def texts(self) -> Dict[str, Optional[str]]:
        """Every string of the error a user could print."""
        e, p = self.error, self.error.get("problem") or {}
        out = {k: e.get(k) for k in ("str", "repr", "args", "message", "request_id", "body_excerpt")}
        out.update({f"problem.{k}": p.get(k) for k in ("type", "title", "detail", "instance",
                                                       "extensions", "repr", "dict")})
        return out


def sdk(code: str, url: str, *, key: str = API_KEY, timeout: float = 20.0,
        env: Optional[Dict[str, str]] = None) -> Outcome:
    """Runs `code` (which sets RESULT = call(lambda: ...)) in a child process against `url`;
    fails the test if the child is still running after `timeout` seconds."""
    child_env = dict(os.environ, **(env or {}))
    child_env.pop("TWIN_API_KEY", None)
    child_env.pop("TWIN_BASE_URL", None)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, url, key],
            input=textwrap.dedent(code),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=child_env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the SDK call did not end within {timeout:g} s (killed): {code.strip()}")
    line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
    assert proc.returncode == 0 and line is not None, f"child failed:\n{proc.stdout}\n{proc.stderr}"
    return Outcome(json.loads(line[len("RESULT "):]), proc.stdout + proc.stderr)


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    with hostile.HostileServer() as s:
        yield s


# ------------------------------------------------------------------------- the server itself


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_server_answers_like_the_api(server: Any, host: str) -> None:
    """The control: on the well-behaved scenario every call works (by IP and by host name), so
    a failure elsewhere is the attack's doing."""
    base = server.base("ok", host=host)
    out = sdk(
        """
        c = client(max_retries=0)
        def work():
            run = c.runs.get("a1", "r1")
            events = [e.kind for e in c.events.list("a1", "r1")]
            return [c.me().user_id, c.agents.get("a1").agent_id, run.status, run.run_number, events]
        RESULT = call(work)
        """,
        base,
    )
    assert out.ok, out.error
    assert out.value == ["user_01KPPW8HKFNH8CH1GEQ73Y6VB3", "a1", "completed", 1, ["Started", "Finished"]]
    paths = [r["path"] for r in server.requests(base)]
    assert "/v1/me" in paths and "/v1/agents/a1" in paths


# ------------------------------------------------------------------------- 1. huge bodies


def assert_refused_as_too_large(out: Outcome, requests: int, max_requests: int = 1) -> None:
    """UnexpectedResponseError saying "too large", after one request (events pages: at most
    `max_requests`, as fewer events are asked for), with peak memory grown by less than
    300 MB; every unmet point is reported at once."""
    problems = []
    if not out.raised("UnexpectedResponseError"):
        problems.append(f"expected UnexpectedResponseError, got {out.error.get('type') or repr(out.value)[:100]}")
    elif "too large" not in out.error["str"]:
        problems.append(f"the message does not say 'too large': {out.error['str'][:200]!r}")
    if not 1 <= requests <= max_requests:
        problems.append(f"{requests} requests, not 1 to {max_requests}")
    if out.peak_growth_kb >= BOMB_MEMORY_KB:
        problems.append(f"peak RSS grew by {out.peak_growth_kb // MB} MB")
    assert not problems, "; ".join(problems) + f" (after {out.elapsed:.1f} s)"


def test_gzip_bomb_single_object(server: Any) -> None:
    """GET /v1/me answers 0.25 MB of gzip inflating to 256 MiB: UnexpectedResponseError "too
    large" after one request (not retried), peak memory +300 MB at most."""
    base = server.base("bomb_me")
    out = sdk("RESULT = call(lambda: client().me().user_id)", base, timeout=60)
    assert_refused_as_too_large(out, len(server.requests(base)))


def test_single_object_over_its_limit(server: Any) -> None:
    """A valid agent of 8 MiB (gzip) is over the 4 MiB of a single object: refused."""
    base = server.base("big_agent")
    out = sdk("RESULT = call(lambda: client().agents.get('a1').agent_id)", base, timeout=60)
    assert_refused_as_too_large(out, len(server.requests(base)))


def test_events_page_over_its_limit(server: Any) -> None:
    """An event of 80 MiB (valid JSON, gzip) is over the 64 MiB of an events page: asked for
    again with half as many events each time (500, 250, ..., 1: 9 requests), then refused."""
    base = server.base("bomb_events")
    out = sdk("RESULT = call(lambda: len(list(client().events.list('a1', 'r1'))))", base, timeout=90)
    assert_refused_as_too_large(out, len(server.requests(base, "GET", "/events")), max_requests=9)


def test_big_events_are_read_a_few_at_a_time(server: Any) -> None:
    """Ten events of 8 MiB (an 80 MiB page of 500) are all read: the page is asked for again
    with fewer events (500, 250, 125, 62, 31, 15, 7: 56 MiB), then the rest after the last."""
    base = server.base("events_ten_big")
    code = "RESULT = call(lambda: [e.index for e in client().events.list('a1', 'r1')])"
    out = sdk(code, base, timeout=90)
    assert out.ok, out.error
    assert out.value == list(range(1000, 1010))
    asked = [r["query"].get("limit") for r in server.requests(base, "GET", "/events")]
    assert len(asked) <= 12, asked


def test_list_page_over_its_limit(server: Any) -> None:
    """An agents page of 40 MiB (gzip) is over the 32 MiB of a list page."""
    base = server.base("big_agents_page")
    out = sdk("RESULT = call(lambda: len(list(client().agents.list())))", base, timeout=60)
    assert_refused_as_too_large(out, len(server.requests(base)))


@pytest.mark.parametrize(
    "scenario,code,expected",
    [
        ("events_10mb", "len(list(client().events.list('a1', 'r1')))", 20),
        ("runs_page_20mb", "len(list(client().runs.list('a1')))", 20),
    ],
)
def test_pages_within_their_limits_work(server: Any, scenario: str, code: str, expected: int) -> None:
    """The limits are per kind: a 10 MiB events page and a 20 MiB runs page (both over the
    4 MiB of a single object) are read."""
    out = sdk(f"RESULT = call(lambda: {code})", server.base(scenario), timeout=60)
    assert out.ok, out.error
    assert out.value == expected


@pytest.mark.parametrize("variant", ["plain", "gzip"])
def test_oversized_error_body_costs_a_prefix(server: Any, variant: str) -> None:
    """A 500 whose body is 50 MB: the API error (InternalServerError, 500) with a short detail,
    at the cost of reading a small prefix only."""
    base = server.base("huge_error" + ("" if variant == "plain" else "." + variant))
    out = sdk("RESULT = call(lambda: client(max_retries=0).me())", base, timeout=30)
    e = out.expect("InternalServerError")
    assert e["status"] == 500
    assert e["problem"]["detail"] is not None and len(e["problem"]["detail"]) <= 503
    assert out.peak_growth_kb < ERROR_MEMORY_KB, f"peak RSS grew by {out.peak_growth_kb // MB} MB"
    assert out.elapsed < 2.0
    assert len(server.requests(base)) == 1


# ------------------------------------------------------------------------- 2. time


@pytest.mark.parametrize(
    "scenario,code",
    [
        ("stall_runs", "client().runs.wait('a1', 'r1', timeout=2)"),
        ("stall_runs", "client().runs.start('a1', message='hi').wait(timeout=2)"),
        ("stall_events", "list(client().events.follow('a1', 'r1', timeout=2))"),
    ],
    ids=["runs.wait", "run.wait", "events.follow"],
)
def test_wait_and_follow_keep_their_timeout(server: Any, scenario: str, code: str) -> None:
    """wait(timeout=2) while every status lookup stalls 10 s, and follow(timeout=2) while every
    events poll does: WaitTimeoutError within 2 s + 1 s."""
    out = sdk(f"RESULT = call(lambda: {code})", server.base(scenario), timeout=8)
    out.expect("WaitTimeoutError")
    assert out.elapsed <= 3.0, f"took {out.elapsed:.1f} s"


# ------------------------------------------------------------------------- 3. secrets


SECRETS = [API_KEY, SECRET_PART]
LOG_ENV = {"TWIN_LOG": "debug"}


@pytest.mark.parametrize("variant", hostile.KEY_VARIANTS)
def test_escaped_key_in_error_body(server: Any, variant: str) -> None:
    """A 401 problem echoing the key JSON-escaped (first character, every character, upper-case
    hex, split by an escape, inside `\\/` paths) in its title, detail, extensions and instance:
    no printable part of the error shows the key or its secret part."""
    out = sdk("RESULT = call(lambda: client(max_retries=0).me())", server.base(f"key_error.{variant}"),
              env=LOG_ENV)
    e = out.expect("AuthenticationError")
    assert e["status"] == 401
    hostile.assert_no_secret(out.texts(), SECRETS)
    hostile.assert_no_secret({"child output": out.output}, SECRETS)


@pytest.mark.parametrize("variant", hostile.KEY_VARIANTS)
def test_escaped_key_in_malformed_answer(server: Any, variant: str) -> None:
    """A 2xx whose JSON is cut short after the escaped key: UnexpectedResponseError whose
    message and body_excerpt do not show the key."""
    out = sdk("RESULT = call(lambda: client(max_retries=0).me())", server.base(f"key_malformed.{variant}"),
              env=LOG_ENV)
    out.expect("UnexpectedResponseError")
    hostile.assert_no_secret(out.texts(), SECRETS)
    hostile.assert_no_secret({"child output": out.output}, SECRETS)


@pytest.mark.parametrize("variant", hostile.KEY_VARIANTS)
def test_escaped_key_in_event_payloads(server: Any, variant: str) -> None:
    """An events page whose payloads carry the escaped key: event.payload, event.raw,
    repr(event) and event.to_json() never show it."""
    out = sdk(
        """
        def read():
            return [{"kind": e.kind, "payload": json.dumps(e.payload), "raw": json.dumps(e.raw),
                     "repr": repr(e), "json": e.to_json()}
                    for e in client().events.list("a1", "r1")]
        RESULT = call(read)
        """,
        server.base(f"key_events.{variant}"),
        env=LOG_ENV,
    )
    assert out.ok, out.error
    assert [e["kind"] for e in out.value] == ["UserMessage", "ToolCallResolved"]
    for i, item in enumerate(out.value):
        hostile.assert_no_secret({f"event {i} {k}": v for k, v in item.items()}, SECRETS)
    hostile.assert_no_secret({"child output": out.output}, SECRETS)


@pytest.mark.parametrize("variant", ["truncated", "escaped_name", "escaped_value", "missing_member"])
def test_signing_secret_in_undecodable_webhook_answer(server: Any, variant: str) -> None:
    """The answer to creating a webhook cannot be decoded but carries `signing_secret` (also as
    `signing\\u005fsecret`, or with its value escaped): the error never shows the secret."""
    out = sdk(
        """RESULT = call(lambda: client(max_retries=0).webhooks.create(
            "a1", url="https://example.com/h", events=["run.completed"]))""",
        server.base(f"webhook_secret.{variant}"),
    )
    out.expect("UnexpectedResponseError")
    hostile.assert_no_secret(out.texts(), [hostile.WEBHOOK_SECRET_MARKER])
    hostile.assert_no_secret({"child output": out.output}, [hostile.WEBHOOK_SECRET_MARKER])


def test_short_key_leaves_data_alone(server: Any) -> None:
    """With the API key `test`, `{"user_id":"test-user"}` is read as it is: redaction is for
    keys, not for every occurrence of four letters."""
    out = sdk("RESULT = call(lambda: client().me().user_id)", server.base("short_key"), key="test")
    assert out.ok, out.error
    assert out.value == "test-user"


@pytest.mark.parametrize("variant,cls", [("", "NotFoundError"), ("html", "UnexpectedResponseError")])
def test_a_wrong_host_is_named(server: Any, variant: str, cls: str) -> None:
    """Another service on the base URL (api.twin.so's FastAPI 404, a web app's HTML): the error
    says the base URL is probably wrong and names https://build.twin.so."""
    scenario = "wrong_host" + (f".{variant}" if variant else "")
    out = sdk("RESULT = call(lambda: list(client().agents.list()))", server.base(scenario))
    error = out.expect(cls)
    assert "base URL" in error["str"] and "https://build.twin.so" in error["str"], error["str"]


# ------------------------------------------------------------------------- 4. server text


@pytest.mark.parametrize("variant", ["problem", "text"])
def test_server_text_is_sanitised(server: Any, variant: str) -> None:
    """A 400 whose title and detail carry terminal escapes, CR/LF, NUL and BEL, with a 250 KB
    detail and a 60 KB x-request-id (as problem+json, or as text/plain): str(e) and the
    problem's title and detail hold no control character, the title is at most 200 characters,
    the detail at most 500 (and an ellipsis), the request id at most 128 (or None)."""
    name = "control_chars" + ("" if variant == "problem" else ".text")
    out = sdk("RESULT = call(lambda: client(max_retries=0).me())", server.base(name))
    e = out.expect("BadRequestError")
    title, detail = e["problem"]["title"], e["problem"]["detail"]
    for where, text in [("str(e)", e["str"]), ("title", title), ("detail", detail or "")]:
        assert not hostile.control_characters(text), f"{where} holds control characters {hostile.control_characters(text)}"
    assert len(title) <= 200, len(title)
    assert detail is not None and len(detail) <= 503, len(detail or "")
    assert len(e["str"]) <= 1024, len(e["str"])
    rid = e["request_id"]
    assert rid is None or (len(rid) <= 128 and rid.isascii() and rid.isprintable()), (rid or "")[:200]


# ------------------------------------------------------------------------- 5. Retry-After, integers


@pytest.mark.parametrize("variant", ["huge", "date"])
def test_far_retry_after_is_clamped_and_not_slept_on(server: Any, variant: str) -> None:
    """A 429 with `Retry-After: 999999` or a date in year 9999: retry_after is at most an hour
    and the SDK does not wait for it (above 60 s): RateLimitError at once, one request."""
    base = server.base(f"retry_after.{variant}")
    out = sdk("RESULT = call(lambda: client(max_retries=2).me())", base, timeout=10)
    e = out.expect("RateLimitError")
    assert e["status"] == 429
    assert e["retry_after"] is not None and 0 <= e["retry_after"] <= 3600, e["retry_after"]
    assert out.elapsed < 2.0, f"took {out.elapsed:.1f} s"
    assert len(server.requests(base)) == 1


def test_zero_retry_after_still_backs_off(server: Any) -> None:
    """`Retry-After: 0` on every answer, max_retries=2: exactly 3 requests, each pause at least
    the jittered backoff (0.25-0.5 s, then 0.5-1 s)."""
    base = server.base("retry_after.zero")
    out = sdk("RESULT = call(lambda: client(max_retries=2).me())", base, timeout=10)
    out.expect("RateLimitError")
    times = [r["at"] for r in server.requests(base)]
    assert len(times) == 3, f"{len(times)} requests"
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert gaps[0] >= 0.24 and gaps[1] >= 0.48, gaps
    assert out.elapsed >= 0.7, f"took {out.elapsed:.2f} s"


@pytest.mark.parametrize(
    "variant,code",
    [
        ("run_number", "client().runs.get('a1', 'r1').run_number"),
        ("total_runs", "next(iter(client().runs.list('a1').pages())).total"),
    ],
)
def test_integer_over_u64_is_an_error(server: Any, variant: str, code: str) -> None:
    """2**64 in a run's run_number or in total_runs is UnexpectedResponseError, never
    18446744073709551615."""
    out = sdk(f"RESULT = call(lambda: {code})", server.base(f"big_int.{variant}"), timeout=10)
    out.expect("UnexpectedResponseError")


# ------------------------------------------------------------------------- 6. billed twice


def test_rate_limited_run_start_is_sent_once(server: Any) -> None:
    """A 429 to POST .../runs (starting a run is not safe to repeat): one POST only, and the
    RateLimitError carries 429 and its Retry-After. Against `localhost`, by host name."""
    base = server.base("start_429", host="localhost")
    out = sdk("RESULT = call(lambda: client().runs.start('a1', message='hi'))", base, timeout=10)
    e = out.expect("RateLimitError")
    assert e["status"] == 429 and e["retry_after"] == 1.0
    assert len(server.requests(base, "POST")) == 1


@pytest.mark.parametrize("answer,cls", [("404", "NotFoundError"), ("403", "PermissionDeniedError")])
def test_delete_of_missing_agent_after_429_fails(server: Any, answer: str, cls: str) -> None:
    """DELETE answered 429 then 404 (or 403 "you do not have access to this agent"): a 429 means
    the first attempt did nothing, so the 404 is the truth: an error, not a success."""
    base = server.base(f"delete_429.{answer}")
    out = sdk("RESULT = call(lambda: client().agents.delete('no-such-agent'))", base, timeout=10)
    out.expect(cls)
    assert len(server.requests(base, "DELETE")) == 2


def test_create_with_taken_id_after_429_conflicts(server: Any) -> None:
    """agents.create(agent_id="taken") answered 429 then 409: ConflictError, not someone
    else's agent returned as if created."""
    base = server.base("create_429_409")
    out = sdk("RESULT = call(lambda: client().agents.create(agent_id='taken').to_dict())", base, timeout=10)
    out.expect("ConflictError")


def test_dropped_run_start_may_have_been_sent(server: Any) -> None:
    """The server reads POST .../runs and drops the connection: APIConnectionError with
    maybe_sent True, and no second POST."""
    base = server.base("drop_start")
    out = sdk("RESULT = call(lambda: client().runs.start('a1', message='hi'))", base, timeout=10)
    e = out.expect("APIConnectionError")
    assert e["maybe_sent"] is True, f"maybe_sent is {e['maybe_sent']!r}"
    assert len(server.requests(base, "POST")) == 1


def free_port() -> int:
    """A loopback port nothing listens on."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_refused_connection_was_not_sent() -> None:
    """Nothing listens: APIConnectionError with maybe_sent False."""
    out = sdk("RESULT = call(lambda: client(max_retries=0).runs.start('a1', message='hi'))",
              f"http://127.0.0.1:{free_port()}", timeout=10)
    e = out.expect("APIConnectionError")
    assert e["maybe_sent"] is False, f"maybe_sent is {e['maybe_sent']!r}"


def test_cut_instructions_update_is_read_back_not_resent(server: Any) -> None:
    """PUT .../instructions whose answer is cut off after the server recorded the version: the
    SDK reads the instructions back instead of writing them again; one version recorded."""
    base = server.base("instructions_cut")
    out = sdk("RESULT = call(lambda: client().instructions.update('a1', 'version two'))", base, timeout=10)
    assert out.ok, out.error
    assert server.state(base).get("versions") == ["version two"]
    assert len(server.requests(base, "PUT")) == 1
    assert len(server.requests(base, "GET", "/instructions")) >= 1


def test_conflict_read_back_keeps_the_total_timeout(server: Any) -> None:
    """create(agent_id=...) whose first attempt is held 1.5 s and dropped, the retry answered
    409, and the read-back GET stalls: the whole call ends within total_timeout=3 s + 1 s."""
    base = server.base("create_cut_409_stall")
    out = sdk("RESULT = call(lambda: client(total_timeout=3).agents.create(agent_id='mine').to_dict())",
              base, timeout=12)
    out.expect("APIError")
    assert out.elapsed <= 4.0, f"took {out.elapsed:.1f} s"
