"""Every program of examples/python and examples/rust runs to exit 0 against the emulator and
prints what it is about (examples/c runs in `make test-c`, tests/c/test_c.py)."""

from __future__ import annotations

import pathlib
import re

import pytest

from conftest import PYTHON, ROOT, run

PY_EXAMPLES = ROOT / "examples" / "python"
RUST_EXAMPLES = ROOT / "examples" / "rust" / "src" / "bin"
RUST_BIN = ROOT / "target" / "debug"

# What each common job must show: the same four jobs in each language.
EXPECTED = {
    "start_and_wait": [r"^started run \S+$", r"^status completed, outcome success: ", r"^answer: .*Done: Summarise the inbox"],
    "follow_events": [r"^\s+\d+\s+Started\s*$", r"^\s+\d+\s+ToolCallResolved\s+llm$", r"^\s+\d+\s+Finished\s*$"],
    "list_with_paging": [r"^page 1: 2 runs, more after it: (True|true)$", r"^page 3: 1 runs, more after it: (False|false)$"],
    "receive_webhook": [r"^receiving on http://127\.0\.0\.1:\d+/twin$", r"^verified run\.started\s+run \S+ status in_progress",
                        r"^verified run\.completed\s+run \S+ status completed outcome success$"],
}

# The C engineer's names for two of the jobs.
C_NAMES = {"start_and_wait": "quickstart", "follow_events": "follow_run"}


def programs(folder: pathlib.Path, suffix: str) -> list[str]:
    return sorted(p.stem for p in folder.glob(f"*{suffix}") if p.stem != "quickstart")


def test_each_language_covers_the_common_jobs() -> None:
    assert programs(PY_EXAMPLES, ".py") == sorted(EXPECTED)
    assert programs(RUST_EXAMPLES, ".rs") == sorted(EXPECTED)
    c = programs(ROOT / "examples" / "c", ".c") + ["quickstart"]
    for job in EXPECTED:
        name = C_NAMES.get(job, job)
        assert name in c, f"examples/c has no {name}.c"


def check(name: str, out: str) -> None:
    for pattern in EXPECTED[name]:
        assert re.search(pattern, out, re.M), (pattern, out)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_python_example(name: str, env: dict[str, str]) -> None:
    result = run([PYTHON, str(PY_EXAMPLES / f"{name}.py")], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    check(name, result.stdout)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rust_example(name: str, env: dict[str, str]) -> None:
    binary = RUST_BIN / name
    assert binary.is_file(), "build first: cargo build -p twin-examples (make test-demo does)"
    result = run([str(binary)], env)
    assert result.returncode == 0, result.stdout + result.stderr
    check(name, result.stdout)


# The async Rust programs (cargo examples in examples/rust/examples/, twin-core's `tokio` and
# `http` features): the webhook receiver in axum, and a run followed as a Stream.
RUST_ASYNC = {
    "axum_receiver": EXPECTED["receive_webhook"],
    "tokio_follow": [r"^started run \S+$", r"^\s+\d+\s+Started$", r"^\s+\d+\s+Finished$", r"^\d+ events; run completed$"],
}


@pytest.mark.parametrize("name", sorted(RUST_ASYNC))
def test_rust_async_example(name: str, env: dict[str, str]) -> None:
    binary = RUST_BIN / "examples" / name
    assert binary.is_file(), "build first: cargo build -p twin-examples --examples (make test-demo does)"
    result = run([str(binary)], env)
    assert result.returncode == 0, result.stdout + result.stderr
    for pattern in RUST_ASYNC[name]:
        assert re.search(pattern, result.stdout, re.M), (pattern, result.stdout)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_examples_fail_loudly_without_a_key(name: str, clean_env: dict[str, str]) -> None:
    """No key: an error and a non-zero status, before anything is attempted."""
    for args in ([PYTHON, str(PY_EXAMPLES / f"{name}.py")], [str(RUST_BIN / name)]):
        result = run(args, clean_env)
        assert result.returncode != 0
        assert "API key" in result.stderr
