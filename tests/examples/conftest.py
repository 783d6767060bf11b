"""Shared by the example, demo, notebook and README tests (`make test-demo`): an emulator in
this process (through the installed wheel) and the environment that points programs at it."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from typing import Iterator

import pytest

from twin.testing import Emulator

ROOT = pathlib.Path(__file__).resolve().parents[2]
PYTHON = sys.executable  # the project's .venv, where the wheel is installed
TIMEOUT = 300


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    with Emulator(step_ms=5) as emu:
        yield emu


@pytest.fixture(scope="session")
def env(emulator: Emulator) -> dict[str, str]:
    """The environment with TWIN_API_KEY and TWIN_BASE_URL set to the emulator's."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TWIN_")}
    return dict(base, TWIN_API_KEY=emulator.api_key, TWIN_BASE_URL=emulator.url)


@pytest.fixture(scope="session")
def clean_env() -> dict[str, str]:
    """The environment without any TWIN_ variable."""
    return {k: v for k, v in os.environ.items() if not k.startswith("TWIN_")}


def run(args: list[str], env: dict[str, str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT, **kw)  # type: ignore[call-overload, no-any-return]
