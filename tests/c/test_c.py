"""Driver of the C tests (`make test-c`): builds each C program of tests/c twice (for valgrind,
and with -fsanitize=address,undefined), starts the emulator binary, and runs every program
against it in both ways. Webhook and cron cases of tests/vectors are fed to the C programs as
tab-separated lines on stdin, so C never parses JSON. The NULL-argument test is generated from
include/twin.h by gen_null_args.py. Finally the library is installed into a temporary prefix and
examples/c is built with pkg-config and run.

Needs `cargo build -p twin-c -p twin-emulator` first (the make target does it).
"""

import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests" / "c"
LIB_DIR = ROOT / "target" / "debug"
BUILD = ROOT / "target" / "c-tests"
EMULATOR = LIB_DIR / "twin-emulator"
CC = os.environ.get("CC", "cc")
CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-g", "-O1"]
SANITIZE = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=all"]
VALGRIND = [
    "valgrind",
    "--quiet",
    "--leak-check=full",
    "--errors-for-leak-kinds=definite",
    "--show-leak-kinds=definite",
    "--error-exitcode=1",
]
MODES = ["valgrind", "asan"]
RUN_TIMEOUT = 600

# C programs run as they are; the others get arguments or input (below).
PLAIN = [
    "client",
    "me",
    "api_keys",
    "workspaces",
    "agents",
    "instructions",
    "runs",
    "events",
    "schedules",
    "webhooks",
    "threads",
]

# Faults injected into GET /v1/me, and what test_errors.c must then see:
# (name, fault configuration, status, HTTP status, Retry-After in ms or "-", attempt timeout ms).
FAULTS = [
    ("server_error", {"error_rate": 1, "error_status": 500}, "TWIN_ERR_API", 500, "-", None),
    ("rate_limited", {"rate_limit_rate": 1, "retry_after": 7}, "TWIN_ERR_API", 429, "7000", None),
    ("html_200", {"html_rate": 1}, "TWIN_ERR_UNEXPECTED_RESPONSE", 200, "-", None),
    ("grpc_200", {"grpc_rate": 1}, "TWIN_ERR_UNEXPECTED_RESPONSE", 200, "-", None),
    ("dropped", {"drop_rate": 1}, "TWIN_ERR_CONNECTION", 0, "-", None),
    ("slow", {"latency_ms": 3000}, "TWIN_ERR_TIMEOUT", 0, "-", "300"),
]


def cargo_version():
    text = (ROOT / "Cargo.toml").read_text()
    section = text.split("[workspace.package]", 1)[1]
    return re.search(r'^version\s*=\s*"([^"]+)"', section, re.M).group(1)


def valgrind_available():
    return shutil.which("valgrind") is not None


# ---------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def emulator():
    if not EMULATOR.exists() or not (LIB_DIR / "libtwin.so").exists():
        pytest.fail("build first: cargo build -p twin-c -p twin-emulator")
    proc = subprocess.Popen(
        [str(EMULATOR), "--step-ms", "10"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        if not line:
            pytest.fail("the emulator printed nothing")
        info = json.loads(line)
        yield {"url": info["url"], "api_key": info["api_key"]}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def admin(emulator, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        emulator["url"] + path,
        data=data,
        method=method,
        headers={"x-api-key": emulator["api_key"], "content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


@pytest.fixture
def fresh(emulator):
    """The emulator, reset: every C program starts from an empty account."""
    admin(emulator, "DELETE", "/_emulator/faults")
    admin(emulator, "POST", "/_emulator/reset")
    return emulator


def compile_c(source, output, sanitize):
    command = [CC, *CFLAGS, *(SANITIZE if sanitize else []), f"-I{ROOT / 'include'}", f"-I{TESTS}"]
    command += [str(source), "-o", str(output), f"-L{LIB_DIR}", "-ltwin", f"-Wl,-rpath,{LIB_DIR}"]
    command += ["-pthread"]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stderr}"


@pytest.fixture(scope="session")
def binaries():
    """Every C test compiled for both modes: {(name, mode): path}."""
    BUILD.mkdir(parents=True, exist_ok=True)
    generated = BUILD / "test_null_args.c"
    result = subprocess.run(
        [sys.executable, str(TESTS / "gen_null_args.py"), str(ROOT / "include" / "twin.h")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    generated.write_text(result.stdout)
    sources = {p.stem.removeprefix("test_"): p for p in TESTS.glob("test_*.c")}
    sources["null_args"] = generated
    built = {}
    for name, source in sorted(sources.items()):
        for mode in MODES:
            output = BUILD / f"test_{name}.{mode}"
            compile_c(source, output, sanitize=(mode == "asan"))
            built[(name, mode)] = output
    return built


def run_c(binary, mode, emulator=None, args=(), stdin=None):
    if mode == "valgrind" and not valgrind_available():
        pytest.skip("valgrind is not installed")
    env = dict(os.environ)
    env["TWIN_CARGO_VERSION"] = cargo_version()
    if emulator is not None:
        env["TWIN_BASE_URL"] = emulator["url"]
        env["TWIN_API_KEY"] = emulator["api_key"]
    env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:halt_on_error=1"
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    command = ([*VALGRIND] if mode == "valgrind" else []) + [str(binary), *args]
    result = subprocess.run(
        command, input=stdin, capture_output=True, text=True, env=env, timeout=RUN_TIMEOUT
    )
    output = f"$ {' '.join(command)}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    assert result.returncode == 0, output
    return result.stdout


# ------------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", PLAIN)
def test_program(binaries, fresh, name, mode):
    """One C program per resource against the emulator: success and error paths."""
    out = run_c(binaries[(name, mode)], mode, fresh)
    assert "ok " in out and "FAIL" not in out


@pytest.mark.parametrize("mode", MODES)
def test_null_and_invalid_utf8_arguments(binaries, mode):
    """Every exported function, with NULL in each pointer argument and invalid UTF-8 in each
    string (generated from include/twin.h)."""
    out = run_c(binaries[("null_args", mode)], mode)
    passed, failed = map(int, re.search(r"(\d+) passed, (\d+) failed", out).groups())
    assert failed == 0 and passed > 300


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fault", FAULTS, ids=[f[0] for f in FAULTS])
def test_failure_reaches_c(binaries, fresh, fault, mode):
    """Each kind of failure gives its status and fills twin_last_error_*."""
    _, config, status, http_status, retry_after, timeout_ms = fault
    admin(fresh, "PUT", "/_emulator/faults", {**config, "route": "/v1/me"})
    try:
        args = [status, str(http_status), retry_after] + ([timeout_ms] if timeout_ms else [])
        run_c(binaries[("errors", mode)], mode, fresh, args=args)
    finally:
        admin(fresh, "DELETE", "/_emulator/faults")


def _hex(text_or_bytes):
    data = text_or_bytes.encode() if isinstance(text_or_bytes, str) else text_or_bytes
    return data.hex()


def _opt_hex(value):
    return "-" if value is None else _hex(value)


def _unix(stamp):
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def _body(case):
    if "body_base64" in case:
        return base64.b64decode(case["body_base64"])
    return case["body"].encode()


def signature_lines():
    vectors = json.loads((ROOT / "tests" / "vectors" / "signatures.json").read_text())
    lines = []
    for case in vectors["cases"]:
        body = _body(case)
        secrets = [_hex(s) for s in case["secrets"]]
        lines.append(
            ["V", _hex(case["name"]), body.hex(), _opt_hex(case["header"]), str(len(secrets)), *secrets,
             case["expect"]]
        )
        for secret in case["secrets"]:
            # what twin_webhook_sign must give, computed here with Python's hmac
            digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            lines.append(["S", body.hex(), _hex(secret), _hex("sha256=" + digest)])
    for case in vectors["unwrap_cases"]:
        secrets = [_hex(s) for s in case["secrets"]]
        tolerance = case.get("tolerance_secs")
        line = [
            "U", _hex(case["name"]), _body(case).hex(), _opt_hex(case.get("signature_header")),
            _opt_hex(case.get("event_header")), str(_unix(case["now"])),
            "-" if tolerance is None else str(tolerance),
            str(case["max_body"]) if "max_body" in case else "-",
            str(len(secrets)), *secrets, case["expect"],
        ]
        if case["expect"] == "ok":
            e = case["event"]
            line += [
                e["kind"], _hex(e["event"]), str(_unix(e["timestamp"])), _hex(e["run_id"]),
                _hex(e["agent_id"]), _opt_hex(e["status"]), _opt_hex(e["outcome"]),
                "-" if e["finished_at"] is None else str(_unix(e["finished_at"])),
            ]
        lines.append(line)
    return lines


@pytest.mark.parametrize("mode", MODES)
def test_webhook_signature_vectors(binaries, mode):
    """twin_webhook_verify/_sign/_unwrap over every case of tests/vectors/signatures.json."""
    lines = signature_lines()
    stdin = "".join("\t".join(line) + "\n" for line in lines)
    out = run_c(binaries[("signature", mode)], mode, stdin=stdin)
    assert f"cases: {len(lines)}" in out, out


def cron_lines():
    vectors = json.loads((ROOT / "tests" / "vectors" / "cron.json").read_text())
    lines = []
    for case in vectors["valid"]:
        lines.append(
            ["N", _hex(case["expr"]), str(_unix(case["after"])), str(case["n"]),
             *[str(_unix(t)) for t in case["expect"]]]
        )
    for case in vectors["invalid"]:
        lines.append(["I", _hex(case["expr"]), _opt_hex(case.get("field"))])
    return lines


@pytest.mark.parametrize("mode", MODES)
def test_cron_vectors(binaries, mode):
    """twin_cron_validate and twin_cron_next_times over every case of tests/vectors/cron.json."""
    lines = cron_lines()
    stdin = "".join("\t".join(line) + "\n" for line in lines)
    out = run_c(binaries[("cron", mode)], mode, stdin=stdin)
    assert f"cases: {len(lines)}" in out, out


def test_install_and_examples_with_pkg_config(fresh, tmp_path):
    """`make install PREFIX=...` puts the header, both libraries and twin.pc in place; every
    example builds with `cc $(pkg-config --cflags --libs twin)` and runs; one also links
    statically."""
    prefix = tmp_path / "prefix"
    make = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "install", f"PREFIX={prefix}"],
        capture_output=True,
        text=True,
    )
    assert make.returncode == 0, make.stdout + make.stderr
    for path in ["include/twin.h", "lib/libtwin.a", "lib/libtwin.so", "lib/pkgconfig/twin.pc"]:
        assert (prefix / path).is_file(), path
    env = dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    pc = subprocess.run(["pkg-config", "--modversion", "twin"], capture_output=True, text=True, env=env)
    assert pc.stdout.strip() == cargo_version(), pc.stderr
    examples = sorted((ROOT / "examples" / "c").glob("*.c"))
    assert examples
    run_env = dict(
        env,
        LD_LIBRARY_PATH=str(prefix / "lib"),
        TWIN_BASE_URL=fresh["url"],
        TWIN_API_KEY=fresh["api_key"],
    )
    for example in examples:
        binary = tmp_path / example.stem
        build = subprocess.run(
            f'{CC} -std=c11 -Wall -Wextra -Wpedantic -Werror "{example}" -o "{binary}" '
            f"$(pkg-config --cflags --libs twin)",
            shell=True, capture_output=True, text=True, env=env,
        )
        assert build.returncode == 0, build.stderr
        run = subprocess.run([str(binary)], capture_output=True, text=True, env=run_env, timeout=120)
        assert run.returncode == 0, f"{example.name}\n{run.stdout}\n{run.stderr}"
    static = tmp_path / "static_example"
    build = subprocess.run(
        f'{CC} -std=c11 "{examples[0]}" -o "{static}" $(pkg-config --cflags twin) '
        f'"{prefix}/lib/libtwin.a" $(pkg-config --static --libs-only-other --libs-only-l twin | sed "s/-ltwin//")',
        shell=True, capture_output=True, text=True, env=env,
    )
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(static)], capture_output=True, text=True, env=run_env, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
