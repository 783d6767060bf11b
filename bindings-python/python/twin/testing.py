"""A local Twin API for tests: :class:`Emulator` runs the Twin emulator inside this process
on a loopback port, with the live service's shapes and quirks, simulated runs, real webhook
deliveries and cron schedules::

    from twin.testing import Emulator

    with Emulator(step_ms=5) as emu:
        client = emu.client()
        agent = client.agents.create()
        run = client.runs.start(agent.agent_id, message="hi [emulator: outcome=partial events=9]")
        assert run.wait().outcome == "partial"

Under pytest, the ``twin_emulator`` and ``twin_client`` fixtures (``twin.pytest_plugin``, loaded
by pytest on its own once ``twin-sdk`` is installed) give each test an emulator reset for it and
a client on it.

A run's ``message`` may carry an ``[emulator: ...]`` directive (``outcome=success|partial|fail``,
``events=N``, ``step_ms=N``, ``slow``, ``pause``, ``error``, ``payload_kb=N``) that scripts it.
"""

from __future__ import annotations

# Annotations only (never evaluated): `import twin` does not pay for `typing`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

    from ._async import AsyncClient

from . import _twin
from ._twin import Client

__all__ = ["Emulator"]


class Emulator:
    """The Twin emulator, running in this process until :meth:`close` (or the end of a
    ``with`` block). ``api_key`` is the key that works from the start (made up when
    ``None``); ``step_ms`` the default time between simulated run events (default 100);
    ``seed`` makes simulated runs and injected faults repeat from one run of the tests to the
    next (random when ``None``); ``host`` (an IP address, default ``127.0.0.1``) and ``port``
    (default 0: a free one) are where it listens."""

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        step_ms: Optional[int] = None,
        seed: Optional[int] = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._native = _twin.EmbeddedEmulator(api_key=api_key, step_ms=step_ms, seed=seed, host=host, port=port)

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234``."""
        return self._native.url

    @property
    def api_key(self) -> str:
        """The key that works from the start and opens the admin routes."""
        return self._native.api_key

    @property
    def ui_url(self) -> str:
        """The inspector, e.g. ``http://127.0.0.1:41234/_emulator/ui``: a web page showing this
        emulator's agents, runs, events, webhook deliveries (and whether their signatures
        verify), the requests it received and its faults, live. It asks for :attr:`api_key`;
        ``ui_url + "#key=" + api_key`` opens it directly (the fragment never leaves the
        browser; quote a key of your own that has characters other than letters, digits and
        ``-._~`` with ``urllib.parse.quote(key, safe="")``)."""
        return self._native.ui_url

    def client(self, **kwargs: Any) -> Client:
        """A :class:`twin.Client` for this emulator; keyword arguments go to ``Client``."""
        kwargs.setdefault("api_key", self.api_key)
        kwargs.setdefault("base_url", self.url)
        return Client(**kwargs)

    def async_client(self, **kwargs: Any) -> AsyncClient:
        """A :class:`twin.AsyncClient` for this emulator; keyword arguments go to
        ``AsyncClient``."""
        from ._async import AsyncClient

        kwargs.setdefault("api_key", self.api_key)
        kwargs.setdefault("base_url", self.url)
        return AsyncClient(**kwargs)

    def _admin(self, method: str, path: str, body: Optional[dict[str, Any]] = None) -> Any:
        import json
        import urllib.request

        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("x-api-key", self.api_key)
        if data is not None:
            request.add_header("content-type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")
            raise ValueError(f"emulator refused {method} {path}: {e.code} {detail}") from None
        return json.loads(raw) if raw.strip() else None

    def set_faults(self, **faults: Any) -> None:
        """Injects faults into API routes: ``error_rate``, ``error_status``,
        ``rate_limit_rate``, ``retry_after``, ``drop_rate``, ``truncate_rate``, ``html_rate``,
        ``grpc_rate``, ``latency_ms``, ``spike_rate``, ``spike_ms``, ``route``, ``methods``,
        ``times``; and the paging faults of a hostile server, ``ignore_after_index=True``
        (events always from the first), ``repeat_cursor=True`` (agents always the same
        ``next_cursor``) and ``inflate_totals=True`` (``total_runs`` of 2**63, page 1 for every
        page); and ``refuse=True`` (with ``refuse_error="text"``): the operations that answer
        with a flag answer it false without acting (``{"success": false, "error"}``,
        ``{"deleted": false, "error"}``, ``{"revoked": false}``, ``{"workspace": null}``).
        Replaces the previous configuration; no arguments clears it."""
        if faults:
            self._admin("PUT", "/_emulator/faults", faults)
        else:
            self._admin("DELETE", "/_emulator/faults")

    def faults(self) -> dict[str, Any]:
        """The fault configuration and how many faults of each kind were injected."""
        result: dict[str, Any] = self._admin("GET", "/_emulator/faults")
        return result

    def deliveries(self) -> list[dict[str, Any]]:
        """Every webhook delivery attempted, oldest first (url, event, body, signature,
        attempts, status, ...)."""
        result = self._admin("GET", "/_emulator/deliveries")
        deliveries: list[dict[str, Any]] = result.get("deliveries", [])
        return deliveries

    def reset(self) -> None:
        """Forgets everything but the account and the start key; clears faults."""
        self._admin("POST", "/_emulator/reset")

    def close(self) -> None:
        """Stops the emulator (idempotent)."""
        self._native.shutdown()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Emulator(url={self.url!r})"
