"""Rust logs reach the logger "twin", never with a key; TWIN_LOG turns them on."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

import twin
from twin.testing import Emulator

from conftest import SECRET_PART


def test_requests_are_logged_without_the_key(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    client = emulator.client()
    with caplog.at_level(logging.DEBUG, logger="twin"):
        client.me()
        with pytest.raises(twin.PermissionDeniedError):
            client.agents.get("nope")
    records = [r for r in caplog.records if r.name == "twin"]
    messages = [r.getMessage() for r in records]
    assert any(m.startswith("GET /v1/me -> 200 (attempt 1,") for m in messages), messages
    assert any(m.startswith("GET /v1/agents/nope -> 403") for m in messages), messages
    assert all(r.levelno == logging.DEBUG for r in records)
    assert not any(SECRET_PART in m for m in messages)


def test_nothing_is_logged_at_the_default_level(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    client = emulator.client()
    with caplog.at_level(logging.WARNING, logger="twin"):
        client.me()
    assert [r for r in caplog.records if r.name == "twin"] == []


def test_twin_log_environment_variable(emulator: Emulator) -> None:
    code = (
        "import twin, sys; c = twin.Client(sys.argv[1], sys.argv[2]); c.me()"
    )
    env = {"TWIN_LOG": "debug", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code, emulator.api_key, emulator.url],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "DEBUG twin] GET /v1/me -> 200" in result.stderr
    assert SECRET_PART not in result.stderr
    quiet = subprocess.run([sys.executable, "-c", code, emulator.api_key, emulator.url],
                           capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}, timeout=60)
    assert quiet.stderr == ""
