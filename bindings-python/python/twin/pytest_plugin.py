"""pytest fixtures for code that uses twin, loaded by pytest on its own once ``twin-sdk`` is
installed (the ``pytest11`` entry point ``twin``)::

    def test_my_job(twin_client):
        agent = twin_client.agents.create()
        run = twin_client.runs.start(agent.agent_id, message="hi [emulator: outcome=partial]")
        assert run.wait().outcome == "partial"

- ``twin_emulator``: a :class:`twin.testing.Emulator` on a loopback port, started once per test
  session and reset before each test that uses it (no agents, runs, webhooks or faults left
  from another test; the API key stays). Simulated runs step every 5 ms.
- ``twin_client``: a :class:`twin.Client` on that emulator, closed after the test.

Both need nothing from the environment (``TWIN_API_KEY`` and ``TWIN_BASE_URL`` are ignored).
``-p no:twin`` turns the plugin off.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from ._twin import Client
from .testing import Emulator

__all__ = ["twin_emulator", "twin_client"]

#: Time between simulated run events in the fixtures' emulator (the emulator's default is 100).
STEP_MS = 5


@pytest.fixture(scope="session")
def _twin_session_emulator() -> Iterator[Emulator]:
    with Emulator(step_ms=STEP_MS) as emulator:
        yield emulator


@pytest.fixture()
def twin_emulator(_twin_session_emulator: Emulator) -> Emulator:
    """The session's emulator, reset for this test."""
    _twin_session_emulator.reset()
    return _twin_session_emulator


@pytest.fixture()
def twin_client(twin_emulator: Emulator) -> Iterator[Client]:
    """A client on ``twin_emulator``, closed after the test."""
    with twin_emulator.client() as client:
        yield client
