"""Per-attempt hooks (issue 14, point 5): `Client(on_attempt=...)` gets a `twin.Attempt` for every
HTTP attempt; the OpenTelemetry example turns them into spans (checked with the SDK's in-memory
exporter)."""

from __future__ import annotations

import asyncio
import importlib.util
import pathlib
import sys
from typing import Any, Iterator

import pytest

import twin
from twin.testing import Emulator

from conftest import API_KEY, SECRET_PART
from test_options_request import Recorder, recorder  # noqa: F401  (a fixture)

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python" / "observability" / "otel_spans.py"


@pytest.fixture()
def faults(no_faults: Emulator) -> Iterator[Emulator]:
    yield no_faults


def test_every_attempt_reaches_the_hook(faults: Emulator) -> None:
    seen: list[twin.Attempt] = []
    with twin.Client(API_KEY, faults.url, on_attempt=seen.append) as client:
        agent = client.agents.create()
        faults.set_faults(error_rate=1, error_status=503, route="/v1/agents", methods=["GET"], times=1)
        client.agents.get(agent.agent_id)
        client.with_options(max_retries=0).me()  # a derived client shares the hook
    got = [(a.method, a.route, a.status, a.attempt, a.error) for a in seen]
    assert got == [
        ("POST", "/v1/agents", 201, 1, None),
        ("GET", "/v1/agents/{agent_id}", 503, 1, None),
        ("GET", "/v1/agents/{agent_id}", 200, 2, None),
        ("GET", "/v1/me", 200, 1, None),
    ]
    assert all(0 < a.duration < 30 for a in seen)
    shown = " ".join(repr(a) for a in seen)
    assert SECRET_PART not in shown and agent.agent_id not in shown
    assert repr(seen[1]).startswith("Attempt(GET /v1/agents/{agent_id} -> 503, attempt=1,")


def test_request_ids_and_errors(recorder: Recorder) -> None:  # noqa: F811
    seen: list[twin.Attempt] = []
    with twin.Client(API_KEY, recorder.url, on_attempt=seen.append) as client:
        client.me()
    assert seen[0].request_id == "req-me-1"
    seen.clear()
    with twin.Client(API_KEY, "http://127.0.0.1:9", max_retries=1, on_attempt=seen.append) as client:
        with pytest.raises(twin.APIConnectionError):
            client.me()
    assert [(a.attempt, a.status, a.error) for a in seen] == [(1, None, "connection"), (2, None, "connection")]


def test_a_failing_hook_never_fails_the_call(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)

    def broken(_: twin.Attempt) -> None:
        raise RuntimeError("the hook broke")

    with twin.Client(API_KEY, emulator.url, on_attempt=broken) as client:
        assert client.me().user_id
    assert [str(r.exc_value) for r in reported] == ["the hook broke"]
    with pytest.raises(twin.ConfigurationError, match="on_attempt"):
        twin.Client(API_KEY, emulator.url, on_attempt="not callable")  # type: ignore[arg-type]


def test_async_client_hook(emulator: Emulator) -> None:
    seen: list[twin.Attempt] = []

    async def main() -> None:
        async with twin.AsyncClient(API_KEY, emulator.url, on_attempt=seen.append) as client:
            await asyncio.gather(*(client.me() for _ in range(4)))

    asyncio.run(main())
    assert [a.route for a in seen] == ["/v1/me"] * 4


def _example() -> Any:
    spec = importlib.util.spec_from_file_location("otel_spans", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_opentelemetry_example_makes_a_span_per_attempt(faults: Emulator) -> None:
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import SpanKind, StatusCode

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    hook = _example().span_per_attempt(provider.get_tracer("test"))
    with twin.Client(API_KEY, faults.url, on_attempt=hook) as client:
        agent = client.agents.create()
        faults.set_faults(error_rate=1, error_status=503, route="/v1/agents", methods=["GET"], times=1)
        client.agents.get(agent.agent_id)
    spans = exporter.get_finished_spans()
    assert [s.name for s in spans] == ["POST /v1/agents", "GET /v1/agents/{agent_id}", "GET /v1/agents/{agent_id}"]
    failed, retried = spans[1], spans[2]
    assert all(s.kind == SpanKind.CLIENT for s in spans)
    assert failed.status.status_code == StatusCode.ERROR and dict(failed.attributes or {}) == {
        "http.request.method": "GET",
        "url.template": "/v1/agents/{agent_id}",
        "http.request.resend_count": 0,
        "http.response.status_code": 503,
        "error.type": "503",
    }
    assert retried.status.status_code == StatusCode.UNSET
    assert (retried.attributes or {})["http.request.resend_count"] == 1
    assert (retried.attributes or {})["http.response.status_code"] == 200
    assert all((s.start_time or 0) < (s.end_time or 0) for s in spans)
    assert (failed.end_time or 0) <= (retried.start_time or 0)  # the retry came after the 503
    assert SECRET_PART not in str([s.to_json() for s in spans])
