"""Shared fixtures: one emulator for the session (started through the installed wheel's
``twin.testing.Emulator``), a client on it, and helpers for scripted runs."""

from __future__ import annotations

import json
import pathlib
import uuid
from typing import Any, Iterator

import pytest

pytest_plugins = ["pytester"]

import twin
from twin.testing import Emulator

VECTORS = pathlib.Path(__file__).resolve().parents[1] / "vectors"

# A key in the real format; its secret part must never show in a repr, a log or an error.
SECRET_PART = "topsecretvalue42xyz"
API_KEY = "twin_0123456789abcdef0123456789abcdef_" + SECRET_PART


def vectors(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key=API_KEY, step_ms=5) as emu:
        yield emu


@pytest.fixture(scope="session")
def client(emulator: Emulator) -> Iterator[twin.Client]:
    with emulator.client() as c:
        yield c


@pytest.fixture()
def agent(client: twin.Client) -> twin.Agent:
    """A fresh agent (the emulator is shared, so tests use their own agents)."""
    return client.agents.create(agent_id=str(uuid.uuid4()))


@pytest.fixture()
def no_faults(emulator: Emulator) -> Iterator[Emulator]:
    """Clears injected faults after the test, whatever happens."""
    emulator.set_faults()
    try:
        yield emulator
    finally:
        emulator.set_faults()


def script(**directives: Any) -> str:
    """A user message carrying an emulator directive, e.g. script(outcome="fail", events=9)."""
    parts = [k if v is True else f"{k}={v}" for k, v in directives.items()]
    return "test run [emulator: " + " ".join(parts) + "]"
