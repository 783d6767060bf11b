"""A hostile Twin API for the SDK's tests (issue 11): it answers the SDK's routes the way a
broken, malicious or overloaded server might, so the tests can check that every attack ends in
the documented typed error, in time and within memory.

Python standard library only. Two ways to use it:

* in-process (pytest)::

      with HostileServer() as server:
          base = server.base("bomb_me")          # http://127.0.0.1:PORT/bomb_me/<tag>
          twin.Client(api_key=KEY, base_url=base).me()
          server.requests(base)                  # what the SDK sent under that base

* as a program (the C tests): ``python tests/hostile/server.py [--port N]`` prints one JSON line
  ``{"url": "http://127.0.0.1:PORT"}`` and serves until killed.

**Scenarios are chosen by the path.** A client's base URL is ``URL/<scenario>[.<variant>]/<tag>``
(the SDK accepts a base URL with a path): every segment before the first ``v1`` or ``api`` is
the prefix, its first segment names the scenario, and the whole prefix keys the recorded
requests and the scenario's state, so tests can run side by side and count their own requests.
A path without a prefix (``/v1/me``) gets the default scenario, set with
``POST /_hostile/scenario {"name": "..."}`` (``ok`` at start).

Control routes: ``GET /_hostile/requests?prefix=/s/t`` (every request received under that
prefix, or all: method, path, query, headers, body), ``DELETE /_hostile/requests``,
``POST /_hostile/scenario``, ``GET /_hostile/state?prefix=...`` (e.g. the instruction versions
recorded), ``GET /_hostile/scenarios``.

Only loopback is served: the server refuses to bind any other address.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import signal
import socket
import sys
import threading
import time
import unicodedata
import urllib.parse
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, TypeVar

LOOPBACK = {"127.0.0.1", "localhost"}

# What the scenarios plant in their answers. The signing secret is a marker: no error may show it.
SIGNING_SECRET = "whsec_hostileSIGNmarker7f3a9c21d4e8b605"
WEBHOOK_SECRET_MARKER = "hostileSIGNmarker7f3a9c21d4e8b605"
BIG_INT = 18446744073709551616  # 2**64: one more than any u64
STALL_SECONDS = 10.0

MIB = 1024 * 1024
T0 = "2026-04-22T14:43:24.984599422+00:00"


# ------------------------------------------------------------------------------ encodings


# -- checks both suites make on what the SDK showed (tests/python/test_hostile.py and
#    tests/c/test_hostile_c.py)


def unescaped(text: str) -> str:
    """`text` with JSON escapes (`\\u0074`, `\\/`, doubled backslashes as in a repr) decoded, so
    an escaped secret is found too."""
    for _ in range(3):
        text = re.sub(r"\\+u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
        text = re.sub(r"\\+/", "/", text)
    return text


def assert_no_secret(texts: Dict[str, Optional[str]], secrets: List[str]) -> None:
    """Fails naming the place when any of `texts` shows one of `secrets`, as it is or escaped."""
    for where, text in texts.items():
        if not text:
            continue
        for form in (text, unescaped(text)):
            low = form.lower()
            for secret in secrets:
                assert secret.lower() not in low, f"{where} shows a secret ({secret[:8]}...): {text[:300]!r}"


def control_characters(text: str) -> List[str]:
    """The control characters in `text`, each once."""
    return sorted({repr(c) for c in text if unicodedata.category(c) == "Cc"})


def escape_json_string(text: str, variant: str) -> str:
    """`text` as the inside of a JSON string literal, escaped the way `variant` says; every
    variant decodes (json.loads) back to exactly `text`.

    plain     as it is
    first     the first character as a \\u escape (``\\u0074win_...``)
    all       every character as a \\u escape
    upper     every character as a \\u escape with upper-case hex (``\\u005F``)
    split     one character in the middle of the text's last part as a \\u escape
    tail      every character after the last `_` (a key's secret part) as a \\u escape
    solidus   the first character escaped, the text wrapped in ``\\/`` escaped slashes
    """
    def u(c: str, upper: bool = False) -> str:
        return ("\\u%04X" if upper else "\\u%04x") % ord(c)

    if variant == "plain":
        return text
    if variant == "first":
        return u(text[0]) + text[1:]
    if variant == "all":
        return "".join(u(c) for c in text)
    if variant == "upper":
        return "".join(u(c, True) for c in text)
    if variant == "split":
        cut = text.rfind("_") + 1 + max(1, (len(text) - text.rfind("_")) // 2)
        cut = min(cut, len(text) - 1)
        return text[:cut] + u(text[cut]) + text[cut + 1:]
    if variant == "tail":
        cut = text.rfind("_") + 1
        return text[:cut] + "".join(u(c) for c in text[cut:])
    if variant == "solidus":
        return "\\/keys\\/" + u(text[0]) + text[1:] + "\\/revoke"
    raise ValueError(f"unknown escape variant {variant!r}")


KEY_VARIANTS = ["plain", "first", "all", "upper", "split", "tail", "solidus"]


# ------------------------------------------------------------------------------ bodies

_cache: Dict[str, bytes] = {}
_cache_lock = threading.Lock()


def _gzip_stream(parts: Iterable[bytes]) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip stream
    out = [z.compress(p) for p in parts]
    out.append(z.flush())
    return b"".join(out)


def _repeat(byte: bytes, total: int) -> Iterable[bytes]:
    chunk = byte * MIB
    left = total
    while left > 0:
        n = min(left, MIB)
        yield chunk if n == MIB else chunk[:n]
        left -= n


def cached_gzip(name: str, make: Callable[[], Iterable[bytes]]) -> bytes:
    """A gzip body built once per process (the bombs take about a second to compress)."""
    with _cache_lock:
        if name not in _cache:
            _cache[name] = _gzip_stream(make())
        return _cache[name]


def bomb_nested() -> bytes:
    """~0.25 MB of gzip inflating to 256 MiB of ``[[[[...``."""
    return cached_gzip("nested", lambda: _repeat(b"[", 256 * MIB))


def padded_object(prefix: str, pad_bytes: int, suffix: str) -> Iterable[bytes]:
    yield prefix.encode()
    yield from _repeat(b"x", pad_bytes)
    yield suffix.encode()


def agent(agent_id: str, **extra: Any) -> Dict[str, Any]:
    a = {
        "agent_id": agent_id,
        "agent_name": {"name": "Hostile " + agent_id},
        "deployment_state": "draft",
        "has_instruction_build": False,
        "has_runs": False,
        "icon_config": '{"backgroundColor":"#A78BFA"}',
        "last_activity_at": T0,
        "latest_run_has_pending_input": False,
        "latest_run_is_finished": False,
        "workspace_id": "019db5a5-3fcd-71e3-80aa-640d6e4253bc",
    }
    a.update(extra)
    return a


def run(agent_id: str, run_id: str, status: str = "completed", **extra: Any) -> Dict[str, Any]:
    r = {
        "agent_id": agent_id,
        "event_bytes": 0,
        "event_count": 0,
        "goal": "",
        "is_finished": status in ("completed", "error", "stopped"),
        "last_event_at": T0,
        "policy_type": "runner_v2",
        "run_id": run_id,
        "run_kind": "run",
        "run_number": 1,
        "started_at": T0,
        "status": status,
    }
    r.update(extra)
    return r


def runs_page(runs: List[Dict[str, Any]], total: Any = None) -> Dict[str, Any]:
    return {
        "all_run_summaries": [],
        "page": 1,
        "page_size": 100,
        "runs": runs,
        "total_runs": len(runs) if total is None else total,
    }


def event(index: int, agent_id: str, run_id: str, kind: str, body: Any) -> Dict[str, Any]:
    return {
        "event_index": index,
        "recorded_at": "2026-04-23T08:03:25.250769998+00:00",
        "event": {
            "agent_id": {"id": agent_id},
            "run_id": {"id": run_id},
            "user_id": None,
            "event": {"event": {kind: body}},
        },
    }


def problem(status: int, title: str, detail: str, **extra: Any) -> Dict[str, Any]:
    p = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    p.update(extra)
    return p


# ------------------------------------------------------------------------------ requests


class Request:
    """One request as a scenario sees it."""

    def __init__(self, handler: "Handler", prefix: str, api_path: str, query: Dict[str, str],
                 body: bytes, scenario: str, variant: str, state: Dict[str, Any], count: int):
        self.handler = handler
        self.method = handler.command
        self.prefix = prefix
        self.path = api_path
        self.segments = [urllib.parse.unquote(s) for s in api_path.strip("/").split("/")]
        self.query = query
        self.body = body
        self.scenario = scenario
        self.variant = variant
        self.state = state
        self.count = count  # earlier requests under this prefix with this method and path
        self.key = handler.headers.get("x-api-key", "")

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def route(self) -> Tuple[str, ...]:
        """The route with ids replaced by `*`, e.g. ("GET", "v1", "agents", "*", "runs")."""
        s = self.segments
        shape: List[str] = []
        for i, seg in enumerate(s):
            if i >= 2 and s[i - 1] in ("agents", "runs", "webhooks", "workspaces", "access-api-keys"):
                shape.append("*")
            else:
                shape.append(seg)
        return (self.method, *shape)

    def is_(self, method: str, pattern: str) -> bool:
        return self.route() == (method, *pattern.strip("/").split("/"))

    @property
    def agent_id(self) -> str:
        return self.segments[2] if len(self.segments) > 2 else "a1"

    @property
    def run_id(self) -> str:
        if len(self.segments) > 4 and self.segments[3] == "runs":
            return self.segments[4]
        return self.query.get("filter_run_id", "r1")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    # -- plumbing

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, socket.timeout, OSError):
            pass  # the client went away (as the SDK should, from a stall or a bomb)

    def do_GET(self) -> None:  # noqa: N802
        self.dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET  # noqa: N815

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def dispatch(self) -> None:
        raw_path, _, raw_query = self.path.partition("?")
        query = dict(urllib.parse.parse_qsl(raw_query, keep_blank_values=True))
        body = self.read_body()
        if raw_path.startswith("/_hostile/"):
            return self.control(raw_path, query, body)
        segments = raw_path.strip("/").split("/")
        at = next((i for i, s in enumerate(segments) if s in ("v1", "api")), None)
        if at is None:
            return self.send_json(404, problem(404, "Not Found", "no such route"))
        prefix = "/" + "/".join(segments[:at]) if at else ""
        api_path = "/" + "/".join(segments[at:])
        name = segments[0] if at else self.server.default_scenario
        scenario, _, variant = name.partition(".")
        srv = self.server
        with srv.lock:
            state = srv.states.setdefault(prefix, {})
            count = sum(1 for r in srv.records.get(prefix, [])
                        if r["method"] == self.command and r["path"] == api_path)
            srv.records.setdefault(prefix, []).append({
                "method": self.command,
                "path": api_path,
                "query": query,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body[:65536].decode("utf-8", "replace"),
                "at": time.time(),
            })
        handler = SCENARIOS.get(scenario)
        if handler is None:
            return self.send_json(404, problem(404, "Not Found", f"no scenario {scenario!r}"))
        req = Request(self, prefix, api_path, query, body, scenario, variant, state, count)
        try:
            handler(req)
        except (ConnectionError, socket.timeout):
            raise
        except Exception:  # a bug here must not look like an attack: say so, loudly
            import traceback

            traceback.print_exc()
            self.close_connection = True
            self.send_json(599, {"error": "hostile server bug", "scenario": scenario})

    def control(self, path: str, query: Dict[str, str], body: bytes) -> None:
        srv = self.server
        if path == "/_hostile/requests" and self.command == "GET":
            with srv.lock:
                if "prefix" in query:
                    found = list(srv.records.get(query["prefix"], []))
                else:
                    found = [dict(r, prefix=p) for p, rs in srv.records.items() for r in rs]
            return self.send_json(200, {"requests": found})
        if path == "/_hostile/requests" and self.command == "DELETE":
            with srv.lock:
                srv.records.clear()
                srv.states.clear()
            return self.send_json(200, {"cleared": True})
        if path == "/_hostile/scenario" and self.command == "POST":
            name = json.loads(body or b"{}").get("name", "ok")
            if name.partition(".")[0] not in SCENARIOS:
                return self.send_json(400, {"error": f"no scenario {name!r}"})
            srv.default_scenario = name
            return self.send_json(200, {"name": name})
        if path == "/_hostile/state" and self.command == "GET":
            with srv.lock:
                state = json.loads(json.dumps(srv.states.get(query.get("prefix", ""), {}), default=str))
            return self.send_json(200, state)
        if path == "/_hostile/scenarios":
            return self.send_json(200, {"scenarios": sorted(SCENARIOS)})
        return self.send_json(404, {"error": "no such control route"})

    # -- answers

    def send_raw(self, status: int, body: bytes, content_type: Optional[str] = "application/json",
                 headers: Optional[Dict[str, str]] = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("content-type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def send_json(self, status: int, obj: Any, headers: Optional[Dict[str, str]] = None,
                  content_type: str = "application/json") -> None:
        self.send_raw(status, json.dumps(obj).encode(), content_type, headers)

    def send_text(self, status: int, text: str, content_type: str = "application/json",
                  headers: Optional[Dict[str, str]] = None) -> None:
        """A body written by hand (escapes exactly as given)."""
        self.send_raw(status, text.encode("utf-8"), content_type, headers)

    def send_gzip(self, status: int, gz: bytes, content_type: str = "application/json",
                  headers: Optional[Dict[str, str]] = None) -> None:
        self.send_raw(status, gz, content_type, dict(headers or {}, **{"content-encoding": "gzip"}))

    def send_stream(self, status: int, parts: Iterable[bytes], length: int,
                    content_type: str = "application/json") -> None:
        """A large plain body, written piece by piece (the client may stop reading)."""
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(length))
        self.end_headers()
        for part in parts:
            self.wfile.write(part)
        self.wfile.flush()

    def drop(self) -> None:
        """Closes the connection without an answer (after the request was read)."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cut(self, status: int, body: bytes) -> None:
        """Starts an answer (status, headers, part of the body) and drops the connection."""
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 3])
        self.drop()

    def stall(self, seconds: float) -> None:
        """Waits (ended early only by the server's shutdown)."""
        self.server.stopping.wait(seconds)


# ------------------------------------------------------------------------------ scenarios

Scenario = Callable[[Request], None]
SCENARIOS: Dict[str, Scenario] = {}
F = TypeVar("F", bound=Callable[..., None])


def scenario(name: str) -> Callable[[F], F]:
    def register(fn: F) -> F:
        SCENARIOS[name] = fn
        return fn
    return register


@scenario("ok")
def normal(req: Request, run_status: str = "completed") -> None:
    """A well-behaved API: the fallback of every other scenario for the routes it leaves alone."""
    h = req.handler
    if req.is_("GET", "v1/me"):
        return h.send_json(200, {"user_id": "user_01KPPW8HKFNH8CH1GEQ73Y6VB3"})
    if req.is_("GET", "v1/agents"):
        return h.send_json(200, {"agents": [agent("a1")], "next_cursor": None})
    if req.is_("POST", "v1/agents"):
        body = req.json() or {}
        return h.send_json(201, {"agent": agent(body.get("agent_id") or str(uuid.uuid4()))})
    if req.is_("GET", "v1/agents/*"):
        return h.send_json(200, {"agent": agent(req.agent_id)})
    if req.is_("GET", "v1/agents/*/runs"):
        return h.send_json(200, runs_page([run(req.agent_id, req.run_id, run_status)]))
    if req.is_("POST", "v1/agents/*/runs"):
        return h.send_json(201, {"run": run(req.agent_id, "r1", "in_progress", run_number=0)})
    if req.is_("GET", "v1/agents/*/runs/*/events"):
        if req.query.get("after_index"):
            return h.send_json(200, {"events": [], "total_count": 2})
        events = [event(157912706, req.agent_id, req.run_id, "Started", {"agent_id": req.agent_id}),
                  event(157912707, req.agent_id, req.run_id, "Finished", {"outcome": "success"})]
        return h.send_json(200, {"events": events, "total_count": 2})
    if req.is_("GET", "v1/agents/*/instructions"):
        versions = req.state.get("versions", [])
        if not versions:
            return h.send_json(200, {})
        content = versions[-1]
        return h.send_json(200, {"instructions": {
            "agent_id": req.agent_id, "content": content,
            "content_hash": hashlib.sha256(content.encode()).hexdigest(),
            "updated_at": T0, "source_id": "api:hostile"}})
    if req.is_("GET", "v1/agents/*/instructions/history"):
        versions = req.state.get("versions", [])
        return h.send_json(200, {"instruction_versions": [
            {"id": i + 1, "content": c, "content_hash": hashlib.sha256(c.encode()).hexdigest(),
             "created_at": T0, "source_type": "api", "source_id": "api:hostile"}
            for i, c in reversed(list(enumerate(versions)))]})
    if req.is_("PUT", "v1/agents/*/instructions"):
        req.state.setdefault("versions", []).append((req.json() or {}).get("content", ""))
        return h.send_json(200, {"success": True})
    if req.is_("POST", "v1/agents/*/webhooks"):
        body = req.json() or {}
        return h.send_json(201, {"created_at": T0, "events": body.get("events", []),
                                 "signing_secret": SIGNING_SECRET, "status": "active",
                                 "url": body.get("url", ""), "webhook_id": "w1"})
    if req.method == "DELETE":
        return h.send_raw(204, b"", None)
    return h.send_json(404, problem(404, "Not Found", f"no route {req.method} {req.path}"),
                       content_type="application/problem+json")


@scenario("short_key")
def short_key(req: Request) -> None:
    """Data that merely contains a short API key's characters (`test`)."""
    if req.is_("GET", "v1/me"):
        return req.handler.send_text(200, '{"user_id":"test-user"}')
    normal(req)


@scenario("wrong_host")
def wrong_host(req: Request) -> None:
    """Another service on the base URL, answering as `api.twin.so` did (tests/vectors/real/
    http-exchanges.json, exchanges 0 and 1: FastAPI's 404 `{"detail": "Not Found"}`), or, with
    the variant `html`, a web app's HTML page with 200."""
    if req.variant == "html":
        page = "<!DOCTYPE html><html><head><title>Twin</title></head><body>app</body></html>"
        return req.handler.send_text(200, page, "text/html; charset=utf-8")
    return req.handler.send_json(404, {"detail": "Not Found"}, {"server": "uvicorn"})


# -- 1. huge and compressed bodies


@scenario("bomb_me")
def bomb_me(req: Request) -> None:
    """GET /v1/me: 0.25 MB of gzip inflating to 256 MiB of `[[[[...`."""
    if req.is_("GET", "v1/me"):
        return req.handler.send_gzip(200, bomb_nested())
    normal(req)


@scenario("big_agent")
def big_agent(req: Request) -> None:
    """GET /v1/agents/{id}: a valid agent of 8 MiB (over the 4 MiB of a single object), gzip."""
    if req.is_("GET", "v1/agents/*"):
        head = json.dumps({"agent": agent(req.agent_id)})[:-2] + ', "pad": "'
        gz = cached_gzip("agent8", lambda: padded_object(head, 8 * MIB, '"}}'))
        return req.handler.send_gzip(200, gz)
    normal(req)


def _events_page(pad_each: int, count: int, first: int = 0, total: Optional[int] = None,
                 agent_id: str = "a1", run_id: str = "r1") -> Iterable[bytes]:
    """A page of `count` events of about `pad_each` bytes each, the first being the run's
    event number `first` (index 1000 + first); `total_count` is `total`, else `count`."""
    yield b'{"total_count": %d, "events": [' % (count if total is None else total)
    for n in range(count):
        head = json.dumps(event(1000 + first + n, agent_id, run_id, "ToolCallResolved",
                                {"tool_name": "llm", "pad": "PAD"}))
        before, after = head.split('"PAD"')
        yield (("," if n else "") + before + '"').encode()
        yield from _repeat(b"x", pad_each)
        yield ('"' + after).encode()
    yield b"]}"


@scenario("bomb_events")
def bomb_events(req: Request) -> None:
    """An events page holding one event of 80 MiB (over the 64 MiB of an events page, however
    few events are asked for): valid JSON, gzip."""
    if req.is_("GET", "v1/agents/*/runs/*/events"):
        return req.handler.send_gzip(200, cached_gzip("events80", lambda: _events_page(80 * MIB, 1)))
    normal(req, run_status="in_progress")


@scenario("events_ten_big")
def events_ten_big(req: Request) -> None:
    """Ten events of 8 MiB each (80 MiB for a page of 500), honouring `limit` and
    `after_index` as the service does: readable a few at a time."""
    if req.is_("GET", "v1/agents/*/runs/*/events"):
        after = int(req.query.get("after_index") or 0)
        limit = int(req.query.get("limit") or 500)
        first = max(0, after - 1000 + 1) if after else 0
        count = max(0, min(limit, 10 - first))
        page = cached_gzip(f"ten_big_{first}_{count}", lambda: _events_page(8 * MIB, count, first, total=10))
        return req.handler.send_gzip(200, page)
    normal(req, run_status="in_progress")


@scenario("events_10mb")
def events_10mb(req: Request) -> None:
    """An events page of 10 MiB (within the 64 MiB of a page, over 4 MiB), gzip: must work."""
    if req.is_("GET", "v1/agents/*/runs/*/events"):
        if req.query.get("after_index"):
            return req.handler.send_json(200, {"events": [], "total_count": 20})
        return req.handler.send_gzip(200, cached_gzip("events10", lambda: _events_page(512 * 1024, 20)))
    normal(req)


@scenario("big_agents_page")
def big_agents_page(req: Request) -> None:
    """GET /v1/agents: a page of 40 agents of 1 MiB each (40 MiB, over the 32 MiB of a list
    page), gzip."""
    if req.is_("GET", "v1/agents"):
        def parts() -> Iterable[bytes]:
            yield b'{"next_cursor": null, "agents": ['
            for i in range(40):
                head = json.dumps(agent(f"a{i}"))[:-1] + ', "pad": "'
                yield (("," if i else "") + head).encode()
                yield from _repeat(b"x", MIB)
                yield b'"}'
            yield b"]}"
        return req.handler.send_gzip(200, cached_gzip("agents40", parts))
    normal(req)


@scenario("runs_page_20mb")
def runs_page_20mb(req: Request) -> None:
    """GET /v1/agents/{id}/runs: a page of 20 runs of 1 MiB each (within 32 MiB): must work."""
    if req.is_("GET", "v1/agents/*/runs"):
        def parts() -> Iterable[bytes]:
            yield b'{"all_run_summaries": [], "page": 1, "page_size": 100, "total_runs": 20, "runs": ['
            for i in range(20):
                head = json.dumps(run("a1", f"r{i}"))[:-1] + ', "pad": "'
                yield (("," if i else "") + head).encode()
                yield from _repeat(b"x", MIB)
                yield b'"}'
            yield b"]}"
        return req.handler.send_gzip(200, cached_gzip("runs20", parts))
    normal(req)


@scenario("huge_error")
def huge_error(req: Request) -> None:
    """Every route: a 500 whose problem has a 50 MB detail; `huge_error.gzip` sends it gzip."""
    head = b'{"type": "about:blank", "title": "Internal Server Error", "status": 500, "detail": "'
    tail = b'"}'
    size = 50 * 1000 * 1000
    if req.variant == "gzip":
        gz = cached_gzip("error50", lambda: [head, *_repeat(b"x", size), tail])
        return req.handler.send_gzip(500, gz, "application/problem+json")
    parts = [head, *_repeat(b"x", size), tail]
    req.handler.send_stream(500, parts, sum(map(len, parts)), "application/problem+json")


# -- 2. time


@scenario("stall_runs")
def stall_runs(req: Request) -> None:
    """The runs list (a run's status lookup) answers only after 10 s, and then `in_progress`."""
    if req.is_("GET", "v1/agents/*/runs"):
        req.handler.stall(STALL_SECONDS)
    normal(req, run_status="in_progress")


@scenario("stall_events")
def stall_events(req: Request) -> None:
    """The events route answers only after 10 s (an empty page); the run stays in progress."""
    if req.is_("GET", "v1/agents/*/runs/*/events"):
        req.handler.stall(STALL_SECONDS)
        return req.handler.send_json(200, {"events": [], "total_count": 0})
    normal(req, run_status="in_progress")


# -- 3. secrets in any encoding


@scenario("key_error")
def key_error(req: Request) -> None:
    """Every route: a 401 problem echoing the request's API key, escaped per the variant
    (see `escape_json_string`), in the title, the detail, an extension member and the instance."""
    k = escape_json_string(req.key, req.variant or "first")
    body = ('{"type":"about:blank","title":"Unauthorized ' + k + '","status":401,'
            '"detail":"bad key ' + k + '","hint":"rotate ' + k + '",'
            '"details":{"key":"' + k + '"},"instance":"\\/keys\\/' + k + '"}')
    req.handler.send_text(401, body, "application/problem+json")


@scenario("key_malformed")
def key_malformed(req: Request) -> None:
    """Every route: a 200 whose JSON is cut short, after the escaped API key."""
    k = escape_json_string(req.key, req.variant or "first")
    req.handler.send_text(200, '{"user_id":"' + k + '","echo":"' + k + '","note":"trunc')


@scenario("key_events")
def key_events(req: Request) -> None:
    """An events page whose payloads (and envelope) carry the escaped API key."""
    if req.is_("GET", "v1/agents/*/runs/*/events"):
        if req.query.get("after_index"):
            return req.handler.send_json(200, {"events": [], "total_count": 2})
        k = escape_json_string(req.key, req.variant or "first")
        a, r = json.dumps(req.agent_id), json.dumps(req.run_id)
        text = (
            '{"total_count":2,"events":['
            '{"event_index":1,"recorded_at":"2026-04-23T08:03:25Z","event":{"agent_id":{"id":' + a + '},'
            '"run_id":{"id":' + r + '},"note":"' + k + '","event":{"event":{"UserMessage":'
            '{"text":"my key is ' + k + '","list":["' + k + '"],"nested":{"k":"' + k + '"}}}}}},'
            '{"event_index":2,"recorded_at":"2026-04-23T08:03:26Z","event":{"agent_id":{"id":' + a + '},'
            '"run_id":{"id":' + r + '},"event":{"event":{"ToolCallResolved":{"tool_name":"llm",'
            '"output":{"kind":{"StructValue":{"fields":{"body":{"kind":{"StringValue":"' + k + '"}}}}}}}}}}}'
            ']}'
        )
        return req.handler.send_text(200, text)
    normal(req)


@scenario("webhook_secret")
def webhook_secret(req: Request) -> None:
    """POST /v1/agents/{id}/webhooks: an answer that cannot be decoded but carries the signing
    secret. Variants: `truncated` (cut short after the secret), `escaped_name` (the member
    named `signing\\u005fsecret`, cut short), `escaped_value` (the value's first character
    escaped, cut short), `missing_member` (valid JSON without `url` and `status`)."""
    if not req.is_("POST", "v1/agents/*/webhooks"):
        return normal(req)
    s = SIGNING_SECRET
    variant = req.variant or "truncated"
    if variant == "truncated":
        text = '{"webhook_id":"w1","signing_secret":"' + s + '","url":"https://example.com/h","status":"act'
    elif variant == "escaped_name":
        text = '{"webhook_id":"w1","signing\\u005fsecret":"' + s + '","url":"https://example.com/h","status":"act'
    elif variant == "escaped_value":
        text = ('{"webhook_id":"w1","signing_secret":"' + escape_json_string(s, "first")
                + '","url":"https://example.com/h","status":"act')
    elif variant == "missing_member":
        text = '{"webhook_id":"w1","signing_secret":"' + s + '","events":["run.completed"]}'
    else:
        raise ValueError(variant)
    req.handler.send_text(201, text)


# -- 4. server text


@scenario("control_chars")
def control_chars(req: Request) -> None:
    """Every route: a 400 whose title and detail carry terminal escapes, CR/LF and NUL, with a
    250 KB detail and a 60 KB x-request-id; `control_chars.text` says the same in text/plain."""
    nasty = "\u001b[31mRED\u001b[0m\r\nX-Injected: 1\u0000\u0007\u001b]0;title\u0007"
    rid = "req-" + "r" * (60 * 1024)
    detail = "detail " + nasty + " " + "d" * (250 * 1000)
    if req.variant == "text":
        return req.handler.send_raw(400, (nasty + detail).encode(), "text/plain; charset=utf-8",
                                    {"x-request-id": rid})
    body = problem(400, "Bad " + nasty + " " + "t" * 400, detail, hint=nasty)
    req.handler.send_json(400, body, {"x-request-id": rid}, "application/problem+json")


# -- 5. Retry-After and integers


@scenario("retry_after")
def retry_after(req: Request) -> None:
    """GET /v1/me: always 429, with `Retry-After` per the variant: `huge` (999999), `date` (a
    date far in the future) or `zero` (0)."""
    value = {"huge": "999999", "date": "Fri, 31 Dec 9999 23:59:59 GMT", "zero": "0"}[req.variant or "huge"]
    req.handler.send_json(429, problem(429, "Too Many Requests", "slow down"),
                          {"retry-after": value}, "application/problem+json")


@scenario("big_int")
def big_int(req: Request) -> None:
    """The runs list with 2**64 in a run's `run_number` (variant `run_number`) or in
    `total_runs` (variant `total_runs`), written as a JSON integer."""
    if req.is_("GET", "v1/agents/*/runs"):
        one = run(req.agent_id, req.run_id, "completed", run_number="@BIG@")
        page = runs_page([one], total="@BIG@" if req.variant == "total_runs" else 1)
        if req.variant != "run_number":
            one["run_number"] = 1
        text = json.dumps(page).replace('"@BIG@"', str(BIG_INT))
        return req.handler.send_text(200, text)
    normal(req)


# -- 6. retries that can bill twice


@scenario("start_429")
def start_429(req: Request) -> None:
    """POST /v1/agents/{id}/runs: always 429 with `Retry-After: 1`."""
    if req.is_("POST", "v1/agents/*/runs"):
        return req.handler.send_json(429, problem(429, "Too Many Requests", "slow down"),
                                     {"retry-after": "1"}, "application/problem+json")
    normal(req)


@scenario("delete_429")
def delete_429(req: Request) -> None:
    """DELETE /v1/agents/{id}: a 429 (`Retry-After: 0`) first, then 404 (variant `404`) or 403
    "you do not have access to this agent" (variant `403`): the agent never existed."""
    if req.is_("DELETE", "v1/agents/*"):
        h = req.handler
        if req.count == 0:
            return h.send_json(429, problem(429, "Too Many Requests", "slow down"),
                               {"retry-after": "0"}, "application/problem+json")
        if req.variant == "403":
            return h.send_json(403, problem(403, "Forbidden", "you do not have access to this agent"),
                               content_type="application/problem+json")
        return h.send_json(404, problem(404, "Not Found", "no such agent"),
                           content_type="application/problem+json")
    normal(req)


@scenario("create_429_409")
def create_429_409(req: Request) -> None:
    """POST /v1/agents: a 429 (`Retry-After: 0`) first, then 409: the id was already taken by
    someone else's agent, which GET /v1/agents/{id} shows."""
    h = req.handler
    if req.is_("POST", "v1/agents"):
        if req.count == 0:
            return h.send_json(429, problem(429, "Too Many Requests", "slow down"),
                               {"retry-after": "0"}, "application/problem+json")
        return h.send_json(409, problem(409, "Conflict", "agent id already exists"),
                           content_type="application/problem+json")
    if req.is_("GET", "v1/agents/*"):
        return h.send_json(200, {"agent": agent(req.agent_id, last_activity_at="2020-01-01T00:00:00Z",
                                                has_runs=True)})
    normal(req)


@scenario("drop_start")
def drop_start(req: Request) -> None:
    """POST /v1/agents/{id}/runs: the request is read, then the connection is closed unanswered."""
    if req.is_("POST", "v1/agents/*/runs"):
        return req.handler.drop()
    normal(req)


@scenario("instructions_cut")
def instructions_cut(req: Request) -> None:
    """PUT /v1/agents/{id}/instructions: each PUT records a version; the first one's answer is
    cut off. GET .../instructions and .../history show what was recorded (state `versions`)."""
    if req.is_("PUT", "v1/agents/*/instructions") and req.count == 0:
        req.state.setdefault("versions", []).append((req.json() or {}).get("content", ""))
        return req.handler.cut(200, b'{"success": true, "note": "recorded"}')
    normal(req)


@scenario("create_cut_409_stall")
def create_cut_409_stall(req: Request) -> None:
    """POST /v1/agents: the first attempt is held 1.5 s and dropped, later ones answer 409; the
    read-back GET /v1/agents/{id} stalls 10 s."""
    h = req.handler
    if req.is_("POST", "v1/agents"):
        if req.count == 0:
            h.stall(1.5)
            return h.drop()
        return h.send_json(409, problem(409, "Conflict", "agent id already exists"),
                           content_type="application/problem+json")
    if req.is_("GET", "v1/agents/*"):
        h.stall(STALL_SECONDS)
    normal(req)


# ------------------------------------------------------------------------------ the server


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: Tuple[str, int]):
        super().__init__(address, Handler)
        self.lock = threading.Lock()
        self.records: Dict[str, List[Dict[str, Any]]] = {}
        self.states: Dict[str, Dict[str, Any]] = {}
        self.default_scenario = "ok"
        self.stopping = threading.Event()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up mid-answer is what these tests provoke


class HostileServer:
    """The server on a free loopback port, in a background thread; a context manager."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        if host not in LOOPBACK:
            raise ValueError(f"the hostile server only serves loopback, not {host!r}")
        self._server = _Server((host, port))
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="hostile-server",
                                        daemon=True)

    def start(self) -> "HostileServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "HostileServer":
        return self.start()

    def __exit__(self, *_exc: Any) -> None:
        self.stop()

    def base(self, scenario_name: str, tag: Optional[str] = None, host: str = "127.0.0.1") -> str:
        """A base URL for a client that meets `scenario_name` (`name` or `name.variant`), under
        a prefix of its own (`tag`, a fresh one by default)."""
        if scenario_name.partition(".")[0] not in SCENARIOS:
            raise KeyError(scenario_name)
        if host not in LOOPBACK:
            raise ValueError(host)
        return f"http://{host}:{self.port}/{scenario_name}/{tag or uuid.uuid4().hex[:12]}"

    @staticmethod
    def prefix_of(base_url: str) -> str:
        return urllib.parse.urlsplit(base_url).path.rstrip("/")

    def requests(self, base_url: str, method: Optional[str] = None,
                 path_suffix: Optional[str] = None) -> List[Dict[str, Any]]:
        """The requests received under `base_url`'s prefix, optionally of one method and with a
        path ending in `path_suffix`."""
        with self._server.lock:
            found = list(self._server.records.get(self.prefix_of(base_url), []))
        return [r for r in found
                if (method is None or r["method"] == method)
                and (path_suffix is None or r["path"].endswith(path_suffix))]

    def state(self, base_url: str) -> Dict[str, Any]:
        with self._server.lock:
            state: Dict[str, Any] = json.loads(json.dumps(self._server.states.get(self.prefix_of(base_url), {})))
        return state


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", choices=sorted(LOOPBACK))
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    server = HostileServer(args.host, args.port)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    server.start()
    print(json.dumps({"url": server.url}), flush=True)
    done.wait()
    server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
