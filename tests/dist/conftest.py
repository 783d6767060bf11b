"""Shared by the distribution tests (`make test-dist`): where `make dist` put the wheel and the
sdist, what the project claims (version, Pythons), the README's quickstart, fresh venvs, and the
`dist: wheel=... extension=... sdist=...` line printed at the end of the run."""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import zipfile
from typing import Optional

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIST = ROOT / "target" / "dist"
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
TIMEOUT = 300


def _one(pattern: str) -> pathlib.Path:
    found = sorted(DIST.glob(pattern))
    assert len(found) == 1, f"expected one {pattern} in {DIST} (run `make dist`), found {found}"
    return found[0]


def wheel() -> pathlib.Path:
    return _one("*.whl")


def sdist() -> pathlib.Path:
    return _one("*.tar.gz")


def workspace_version() -> str:
    """`version` of `[workspace.package]` in the root Cargo.toml (the crates and the wheel's)."""
    text = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    section = re.search(r"^\[workspace\.package\]\n(.*?)(?=^\[)", text, re.M | re.S)
    assert section, "no [workspace.package] in Cargo.toml"
    version = re.search(r'^version\s*=\s*"([^"]+)"', section.group(1), re.M)
    assert version, "no version in [workspace.package]"
    return version.group(1)


def extension_name(names: list[str]) -> str:
    """The native module inside a wheel's file list."""
    found = [n for n in names if re.fullmatch(r"twin/_twin\.abi3\.so", n)]
    assert len(found) == 1, names
    return found[0]


# ------------------------------------------------------------------------------ README


def section(text: str, heading: str) -> str:
    """The body of a Markdown section, up to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    lines = text.splitlines(keepends=True)
    assert f"{heading}\n" in lines, f"README.md has no {heading!r}"
    body: list[str] = []
    fenced = False
    for line in lines[lines.index(f"{heading}\n") + 1 :]:
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(rf"#{{1,{level}}} ", line):
            break  # a heading, not a `# comment` inside a code block
        body.append(line)
    return "".join(body)


def quickstart() -> str:
    """The ```python block under "### Python" of "## Quickstart", as the README has it now."""
    body = section(section(README, "## Quickstart"), "### Python")
    blocks: list[str] = re.findall(r"^```python\n(.*?)^```$", body, re.M | re.S)
    assert len(blocks) == 1, "README.md: expected one ```python block under ## Quickstart / ### Python"
    return blocks[0]


def claimed_pythons() -> list[str]:
    """The lowest and the highest Python the project claims: the README's "Python ≥ X.Y" (the
    lowest, also `requires-python`) and the highest "Programming Language :: Python :: 3.N"
    classifier."""
    lowest = re.search(r"Python ≥ (3\.\d+)", section(README, "## Install"))
    assert lowest, "README.md's Install section names no lowest Python (Python ≥ 3.N)"
    listed = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', PYPROJECT)
    assert listed, "pyproject.toml lists no Python version classifier"
    highest = max(listed, key=lambda v: tuple(map(int, v.split("."))))
    return [lowest.group(1), highest]


# ---------------------------------------------------------------------------- Pythons


def python_version(python: str) -> Optional[str]:
    """"3.N" for an interpreter that runs, else None."""
    try:
        out = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def pyenv_root() -> pathlib.Path:
    pyenv = shutil.which("pyenv")
    if pyenv:
        out = subprocess.run([pyenv, "root"], capture_output=True, text=True, timeout=60)
        if out.returncode == 0 and out.stdout.strip():
            return pathlib.Path(out.stdout.strip())
    return pathlib.Path(os.environ.get("PYENV_ROOT", pathlib.Path.home() / ".pyenv"))


def find_python(version: str) -> Optional[str]:
    """An interpreter of `version` ("3.9"): pyenv's newest patch release of it, else
    `python3.9` on PATH; None when the machine has none."""
    def patch(path: pathlib.Path) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", path.parts[-3]))

    candidates = sorted(pyenv_root().glob(f"versions/{version}.*/bin/python{version}"), key=patch, reverse=True)
    on_path = shutil.which(f"python{version}")
    for candidate in [*map(str, candidates), *([on_path] if on_path else [])]:
        if python_version(candidate) == version:
            return candidate
    return None


def pythons_to_test() -> list[object]:
    """pytest params: TWIN_DIST_PYTHONS (interpreters, separated by spaces or os.pathsep) if set,
    else the lowest and highest claimed Python, each skipped with its reason when not here."""
    chosen = os.environ.get("TWIN_DIST_PYTHONS", "").replace(os.pathsep, " ").split()
    if chosen:
        return [pytest.param(p, id=python_version(p) or p) for p in chosen]
    params: list[object] = []
    for version in claimed_pythons():
        python = find_python(version)
        mark = pytest.mark.skipif(python is None, reason=(
            f"no Python {version} on this machine (looked in {pyenv_root()}/versions and for "
            f"python{version} on PATH; set TWIN_DIST_PYTHONS to choose interpreters)"))
        params.append(pytest.param(python or version, id=version, marks=mark))
    return params


# -------------------------------------------------------------------------------- venvs


def no_rust_env(venv: pathlib.Path) -> dict[str, str]:
    """An environment a user without Rust would have: PATH is the venv's bin, /usr/bin and /bin
    only (no ~/.cargo/bin), no TWIN_ or CARGO_ variable."""
    env = {"PATH": os.pathsep.join([str(venv / "bin"), "/usr/bin", "/bin"]),
           "HOME": os.environ.get("HOME", "/tmp"), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "PYTHONDONTWRITEBYTECODE": "1"}
    for name in ("LANG", "LC_ALL", "TMPDIR"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def fresh_venv(python: str, where: pathlib.Path) -> pathlib.Path:
    """A new venv of `python` (with pip, nothing else)."""
    assert python_version(python), f"{python} does not run (TWIN_DIST_PYTHONS names interpreters to test)"
    made = subprocess.run([python, "-m", "venv", str(where)], capture_output=True, text=True, timeout=TIMEOUT)
    assert made.returncode == 0, made.stderr
    return where


def run(args: list[str], env: dict[str, str], timeout: int = TIMEOUT, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, **kw)  # type: ignore[call-overload, no-any-return]


# ------------------------------------------------------------------------------ sizes


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line for bench/RESULTS.md: the sizes of what `make dist` built, in bytes."""
    try:
        whl, tar = wheel(), sdist()
    except AssertionError as missing:
        terminalreporter.write_line(f"dist: sizes not measured: {missing}")
        return
    with zipfile.ZipFile(whl) as z:
        extension = z.getinfo(extension_name(z.namelist())).file_size
    terminalreporter.write_line(
        f"dist: wheel={whl.stat().st_size} extension={extension} sdist={tar.stat().st_size}"
        f"  ({whl.name}, {tar.name})")
