"""Starts target/debug/twin-emulator as a child process for the scripts of this directory."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from typing import Any, Iterator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EMULATOR = os.path.join(ROOT, "target", "debug", "twin-emulator")
REAL = os.path.join(ROOT, "tests", "vectors", "real")
# Schemathesis's command and the checks both runs make (the emulator's own document and the
# live one): see schemathesis().
ST = os.path.join(os.path.dirname(sys.executable), "st")
CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "unsupported_method",
])


def schemathesis(schema: str, emu: "Running", max_examples: str, *before_run: str) -> int:
    """Runs schemathesis on `schema` against the emulator `emu` with the checks both runs make,
    a fixed seed and one worker; `before_run`: options before `run` (e.g. a config file)."""
    cmd = [
        ST, *before_run, "run", schema,
        "--url", emu.url,
        "--header", "x-api-key: " + emu.api_key,
        "--checks", CHECKS,
        "--max-examples", max_examples,
        "--phases", "examples,coverage,fuzzing",
        "--seed", "1",
        "--workers", "1",
        "--request-timeout", "10",
        "--no-color",
    ]
    return subprocess.run(cmd, cwd=ROOT).returncode


class Running:
    def __init__(self, url: str, api_key: str) -> None:
        self.url = url
        self.api_key = api_key

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """One request with the start key; the status and the JSON body (None when empty)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("x-api-key", self.api_key)
        if data is not None:
            req.add_header("content-type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                status, text = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        return status, (json.loads(text) if text.strip() else None)


@contextlib.contextmanager
def emulator(*args: str) -> Iterator[Running]:
    """The emulator binary on a free loopback port (5 ms run steps, a fixed seed)."""
    proc = subprocess.Popen(
        [EMULATOR, "--step-ms", "5", "--seed", "7", *args], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        yield Running(info["url"], info["api_key"])
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def real(name: str) -> Any:
    """A capture of tests/vectors/real, parsed."""
    with open(os.path.join(REAL, name), encoding="utf-8") as f:
        return json.load(f)
