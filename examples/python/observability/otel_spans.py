"""Every HTTP attempt of the SDK as an OpenTelemetry span, through ``Client(on_attempt=...)``.

The SDK's HTTP stack is native, so the OpenTelemetry instrumentations of ``httpx`` or
``requests`` cannot see its traffic; its per-attempt hook can. Each attempt (retries included)
becomes one CLIENT span named ``GET /v1/agents/{agent_id}``, timed as the attempt was, with the
semantic-convention attributes ``http.request.method``, ``url.template``,
``http.response.status_code``, ``http.request.resend_count`` and ``error.type``, plus
``twin.request_id`` when the service sent one. The key and bodies never reach a span.

Needs ``opentelemetry-sdk`` (``pip install opentelemetry-sdk``). Reads ``TWIN_API_KEY`` and
``TWIN_BASE_URL``; run it against ``twin emulator``::

    python examples/python/observability/otel_spans.py
"""

from __future__ import annotations

import time
from typing import Callable

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode

import twin


def span_per_attempt(tracer: trace.Tracer) -> Callable[[twin.Attempt], None]:
    """An ``on_attempt`` callable that records each attempt as a finished span."""

    def on_attempt(attempt: twin.Attempt) -> None:
        end = time.time_ns()
        span = tracer.start_span(
            f"{attempt.method} {attempt.route}",
            kind=SpanKind.CLIENT,
            start_time=end - int(attempt.duration * 1e9),
            attributes={
                "http.request.method": attempt.method,
                "url.template": attempt.route,
                "http.request.resend_count": attempt.attempt - 1,
            },
        )
        if attempt.status is not None:
            span.set_attribute("http.response.status_code", attempt.status)
        if attempt.request_id is not None:
            span.set_attribute("twin.request_id", attempt.request_id)
        failed = attempt.error or (str(attempt.status) if (attempt.status or 0) >= 400 else None)
        if failed is not None:
            span.set_attribute("error.type", failed)
            span.set_status(Status(StatusCode.ERROR))
        span.end(end_time=end)

    return on_attempt


def main() -> None:
    exporter = InMemorySpanExporter()  # a real program exports to a collector (OTLP) instead
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("twin-example")
    with twin.Client(on_attempt=span_per_attempt(tracer)) as client:
        agent = client.agents.create()
        client.agents.get(agent.agent_id)
        client.agents.delete(agent.agent_id)
    for span in exporter.get_finished_spans():
        attrs = span.attributes or {}
        took = ((span.end_time or 0) - (span.start_time or 0)) / 1e6
        print(f"span {span.name}: status {attrs.get('http.response.status_code')}, {took:.1f} ms")


if __name__ == "__main__":
    main()
