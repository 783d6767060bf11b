"""Per-call options and the raw escape hatch (issue 14, point 2): `client.with_options()` shares
the client's connections; `client.request()` reaches any route with the same key, retries,
errors and redaction, and returns the request id."""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

import twin
from twin.testing import Emulator

from conftest import API_KEY, SECRET_PART


class Recorder(ThreadingHTTPServer):
    """A keep-alive HTTP/1.1 server on loopback that counts the connections it accepts and
    answers by path: /v1/me, /echo (the request back, the key in it), /flaky (503 once, then
    200), /missing (a 404 problem), /empty (204)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.connections = 0
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Recorder

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def log_message(self, *args: Any) -> None:
        pass

    def answer(self, status: int, body: Any, content_type: str = "application/json", **headers: str) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        sent = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        with self.server.lock:
            n = self.server.hits[path] = self.server.hits.get(path, 0) + 1
        if path == "/v1/me":
            self.answer(200, {"user_id": "user_1"}, x_request_id=f"req-me-{n}")
        elif path == "/echo/a%20b":
            self.answer(
                200,
                {"method": self.command, "query": query, "body": json.loads(sent or b"null"), "key": self.headers.get("x-api-key")},
                x_request_id="req-echo",
            )
        elif path == "/flaky":
            if n == 1:
                self.answer(503, {"title": "Service Unavailable", "status": 503}, "application/problem+json")
            else:
                self.answer(200, {"ok": True, "attempt": n})
        elif path == "/missing":
            self.answer(404, {"title": "Not Found", "status": 404, "detail": "no such thing"}, "application/problem+json", x_request_id="req-404")
        elif path == "/empty":
            self.answer(204, None)
        else:
            self.answer(500, {"title": "unexpected path " + path})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


@pytest.fixture()
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_with_options_shares_the_connections(recorder: Recorder) -> None:
    with twin.Client(API_KEY, recorder.url, timeout=30) as client:
        quick = client.with_options(timeout=5, max_retries=0)
        assert (quick.timeout, quick.max_retries, quick.total_timeout) == (5.0, 0, client.total_timeout)
        assert (client.timeout, client.max_retries) == (30.0, 2)  # the original is unchanged
        assert quick.with_options(total_timeout=None).total_timeout is None
        for _ in range(3):
            client.me()
            quick.me()
        assert recorder.connections == 1, "with_options() opened connections of its own"
        assert "max_retries" in inspect.signature(client.with_options).parameters
        with pytest.raises(TypeError, match="unexpected keyword argument 'retries'"):
            client.with_options(retries=1)
        with pytest.raises(twin.ConfigurationError):
            client.with_options(timeout=-1)


def test_with_options_limits_apply(no_faults: Emulator) -> None:
    no_faults.set_faults(latency_ms=600, route="/v1/me")
    with twin.Client(API_KEY, no_faults.url) as client:
        with pytest.raises(twin.APITimeoutError):
            client.with_options(timeout=0.2, max_retries=0).me()
        assert client.me().user_id  # the original's limits are its own


def test_request_reaches_any_route_with_the_client_s_key(recorder: Recorder) -> None:
    with twin.Client(API_KEY, recorder.url) as client:
        r = client.request("post", "/echo/a b", params={"x": 1, "flag": True, "skip": None}, json={"hello": ["w", 1]})
        assert r.status == 200 and r.request_id == "req-echo"
        assert r.headers["x-request-id"] == "req-echo" and r.headers["content-type"] == "application/json"
        assert r.json["method"] == "POST" and r.json["body"] == {"hello": ["w", 1]}
        assert sorted(r.json["query"].split("&")) == ["flag=true", "x=1"]
        # The key was sent, and is redacted from what comes back.
        assert r.json["key"] != API_KEY and SECRET_PART not in json.dumps(r.json)
        assert SECRET_PART not in repr(r)
        assert client.request("GET", "/empty").json is None


def test_request_retries_and_errors_as_any_call(recorder: Recorder) -> None:
    with twin.Client(API_KEY, recorder.url) as client:
        assert client.request("GET", "/flaky").json == {"ok": True, "attempt": 2}  # a GET is retried
        recorder.hits.clear()
        with pytest.raises(twin.InternalServerError):
            client.request("POST", "/flaky")  # a POST is not: it may have been acted on
        assert recorder.hits["/flaky"] == 1
        with pytest.raises(twin.NotFoundError) as info:
            client.request("GET", "/missing")
        assert info.value.problem.detail == "no such thing" and info.value.request_id == "req-404"
        for method, path in (("GET", "v1/me"), ("GET", "/v1/me?x=1"), ("TRACE", "/v1/me"), ("GET", "/v1//me")):
            with pytest.raises(ValueError):
                client.request(method, path)  # type: ignore[arg-type]


def test_request_against_the_emulator_and_async(emulator: Emulator, client: twin.Client) -> None:
    agent = client.agents.create()
    got = client.request("GET", f"/v1/agents/{agent.agent_id}")
    assert got.json["agent"]["agent_id"] == agent.agent_id

    async def main() -> tuple[Any, Any]:
        async with twin.AsyncClient(API_KEY, emulator.url) as ac:
            quick = ac.with_options(timeout=10)
            assert isinstance(quick, twin.AsyncClient) and quick.timeout == 10.0
            return (await quick.request("GET", "/v1/me")).json, await quick.me()

    raw, me = asyncio.run(main())
    assert raw["user_id"] == me.user_id


def test_results_carry_the_request_id(recorder: Recorder, client: twin.Client, agent: twin.Agent) -> None:
    with twin.Client(API_KEY, recorder.url) as c:
        assert c.me().request_id == "req-me-1"
        assert c.me().request_id == "req-me-2"  # each answer its own
    # The emulator sends no request id: then there is none.
    assert client.agents.get(agent.agent_id).request_id is None
    assert twin.Me.from_dict({"user_id": "u"}).request_id is None
    assert "request_id" not in twin.Agent._fields  # not a field of the data (tables, to_record)

    async def main() -> Any:
        async with twin.AsyncClient(API_KEY, recorder.url) as ac:
            return (await ac.me()).request_id

    assert asyncio.run(main()) == "req-me-3"

