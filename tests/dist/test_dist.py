"""The distributions `make dist` builds (target/dist), checked as a user gets them: the release
wheel installed into fresh venvs with no Rust on PATH, on the lowest and the highest Python the
project claims, runs the README's Python quickstart against the installed `twin emulator`
command; the sdist builds and installs on its own through pip; tags, version and metadata say
what is true."""

from __future__ import annotations

import email.message
import email.parser
import os
import pathlib
import queue
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import threading
import zipfile

import pytest

from conftest import (PYPROJECT, README, ROOT, claimed_pythons, extension_name, fresh_venv, no_rust_env,
                      pythons_to_test, quickstart, run, sdist, section, wheel, workspace_version)

LICENSE_FILES = ["LICENSE-MIT", "LICENSE-APACHE"]
CLASSIFIERS = {
    "Development Status :: 3 - Alpha",
    "Operating System :: POSIX :: Linux",
    "Programming Language :: Rust",
    "Typing :: Typed",
    "Topic :: Software Development :: Libraries",
}


def wheel_file(name: str) -> bytes:
    with zipfile.ZipFile(wheel()) as z:
        return z.read(name)


def dist_info() -> str:
    return f"twin_sdk-{workspace_version()}.dist-info"


def metadata(text: str) -> email.message.Message:
    return email.parser.Parser().parsestr(text, headersonly=True)


def elf_sections(data: bytes) -> list[str]:
    """Section names of a 64-bit little-endian ELF file."""
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "not a 64-bit little-endian ELF"
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = headers[shstrndx][4]
    return [data[strtab + h[0] : data.index(b"\0", strtab + h[0])].decode() for h in headers]


# ------------------------------------------------------------------------ the wheel itself


def test_wheel_is_abi3_manylinux_and_carries_the_workspace_version() -> None:
    name = wheel().name
    m = re.fullmatch(r"twin_sdk-(?P<version>[^-]+)-(?P<python>[^-]+)-(?P<abi>[^-]+)-(?P<platform>[^-]+)\.whl", name)
    assert m, name
    assert m["version"] == workspace_version(), f"{name}: Cargo.toml's [workspace.package] version is {workspace_version()}"
    assert (m["python"], m["abi"]) == ("cp39", "abi3"), name
    policy = re.fullmatch(r"manylinux_(\d+)_(\d+)_(\w+)", m["platform"])
    assert policy, f"{name}: not a manylinux tag"
    assert policy[3] == os.uname().machine
    # A policy this machine honours (the wheel was built here; pip installs it below).
    glibc = os.confstr("CS_GNU_LIBC_VERSION") or ""
    here = tuple(map(int, re.findall(r"\d+", glibc)[:2]))
    assert (int(policy[1]), int(policy[2])) <= here, f"{name} needs a newer glibc than this machine's {glibc}"
    tags = [v for k, v in metadata(wheel_file(f"{dist_info()}/WHEEL").decode()).items() if k == "Tag"]
    assert tags == [f"cp39-abi3-{m['platform']}"]


def test_wheel_metadata_is_true() -> None:
    meta = metadata(wheel_file(f"{dist_info()}/METADATA").decode())
    assert meta["Name"] == "twin-sdk" and meta["Version"] == workspace_version()
    assert meta["Metadata-Version"] == "2.4"
    assert meta["License-Expression"] == "MIT OR Apache-2.0"
    assert sorted(meta.get_all("License-File") or []) == sorted(LICENSE_FILES)
    assert not any(c.startswith("License ::") for c in meta.get_all("Classifier") or [])  # PEP 639: the expression only
    for name in LICENSE_FILES:
        assert wheel_file(f"{dist_info()}/licenses/{name}") == (ROOT / name).read_bytes()
    classifiers = set(meta.get_all("Classifier") or [])
    assert CLASSIFIERS <= classifiers
    low, high = claimed_pythons()
    versions = [f"3.{n}" for n in range(int(low.split(".")[1]), int(high.split(".")[1]) + 1)]
    assert {f"Programming Language :: Python :: {v}" for v in versions} <= classifiers
    assert meta["Requires-Python"] == f">={low}"
    assert meta["Author"] == meta["Maintainer"] == "The twin-sdk developers"
    assert meta["Author-email"] is None and meta["Maintainer-email"] is None
    assert meta["Keywords"]
    # No address that does not exist: the project has none public yet, so no URL at all.
    assert meta.get_all("Project-URL") is None and meta["Home-page"] is None and meta["Download-URL"] is None
    # Nothing to install beside it: the wheel has no Python dependencies, only the optional
    # `pandas` extra (for to_pandas()).
    assert meta.get_all("Requires-Dist") == ["pandas>=1.5 ; extra == 'pandas'"]
    assert meta.get_all("Provides-Extra") == ["pandas"]
    assert meta["Description-Content-Type"].startswith("text/markdown")


def test_wheel_contents() -> None:
    with zipfile.ZipFile(wheel()) as z:
        names = z.namelist()
        extension = z.read(extension_name(names))
    assert {"twin/__init__.py", "twin/py.typed", "twin/_twin.pyi", "twin/_cli.py"} <= set(names)
    assert re.search(r"^twin\s*=\s*twin\._cli:run$", wheel_file(f"{dist_info()}/entry_points.txt").decode(), re.M)
    # A release build, stripped ([profile.release] strip = true): no symbol table, no debug info.
    sections = elf_sections(extension)
    assert ".symtab" not in sections and not [s for s in sections if s.startswith(".debug")], sections


# ---------------------------------------------------------------------------- the sdist


def test_sdist_carries_what_it_needs_to_build_on_its_own() -> None:
    version = workspace_version()
    top = f"twin_sdk-{version}"
    assert sdist().name == f"{top}.tar.gz"
    with tarfile.open(sdist()) as tar:
        names = set(tar.getnames())
        pkg_info = tar.extractfile(f"{top}/PKG-INFO").read().decode()  # type: ignore[union-attr]
        manifest = tar.extractfile(f"{top}/Cargo.toml").read().decode()  # type: ignore[union-attr]
    needed = {"pyproject.toml", "Cargo.toml", "Cargo.lock", "README.md", *LICENSE_FILES,
              "bindings-python/Cargo.toml", "bindings-python/src/lib.rs",
              "bindings-python/python/twin/__init__.py", "bindings-python/python/twin/py.typed",
              "core/Cargo.toml", "core/src/lib.rs",
              "emulator/Cargo.toml", "emulator/src/lib.rs", "emulator/events/real-events.json"}
    assert {f"{top}/{n}" for n in needed} <= names
    assert not [n for n in names if re.search(r"/(target|\.venv|\.git)/", n)]
    # The workspace it carries has the crates it needs, and no member it does not carry.
    members = re.search(r"^members\s*=\s*\[(.*?)\]", manifest, re.M | re.S)
    assert members and sorted(re.findall(r'"([^"]+)"', members.group(1))) == ["bindings-python", "core", "emulator"]
    meta = metadata(pkg_info)
    assert (meta["Name"], meta["Version"], meta["License-Expression"]) == ("twin-sdk", version, "MIT OR Apache-2.0")
    assert meta.get_all("Project-URL") is None


def test_the_claimed_pythons_agree() -> None:
    low, high = claimed_pythons()
    assert re.search(rf'^requires-python = ">={re.escape(low)}"$', PYPROJECT, re.M)
    listed = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', PYPROJECT)
    assert listed == [f"3.{n}" for n in range(int(low.split(".")[1]), int(high.split(".")[1]) + 1)]
    assert "Python ≥" in section(README, "## Install")


# ----------------------------------------------------- installed, as a user without Rust


def read_lines(proc: subprocess.Popen[str], into: queue.Queue[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        into.put(line)


@pytest.mark.parametrize("python", pythons_to_test())
def test_wheel_runs_the_readme_quickstart_without_rust(python: str, tmp_path: pathlib.Path) -> None:
    venv = fresh_venv(python, tmp_path / "venv")
    env = no_rust_env(venv)
    for tool in ("cargo", "rustc"):  # the check that the wheel needs no Rust can fail
        assert shutil.which(tool, path=env["PATH"]) is None, f"{tool} is on the test's PATH {env['PATH']}"
    installed = run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index", "--quiet", str(wheel())], env)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    # What got installed: the venv's own copy, the release build, the workspace version.
    about = run([str(venv / "bin" / "python"), "-c",
                 "import sys, twin; print(twin.__version__, twin.__build__, '%d.%d' % sys.version_info[:2], twin.__file__)"],
                env, cwd=tmp_path)
    assert about.returncode == 0, about.stderr
    version, build, python_version, location = about.stdout.split()
    assert (version, build) == (workspace_version(), "release")
    assert location.startswith(str(venv)), location
    print(f"Python {python_version}: twin {version} ({build}) from {wheel().name}")

    # The README's way: `twin emulator` in one shell prints what to export ...
    emulator = subprocess.Popen([str(venv / "bin" / "twin"), "emulator"], env=env, cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=read_lines, args=(emulator, lines), daemon=True).start()
    exports: dict[str, str] = {}
    try:
        while len(exports) < 2:
            try:
                line = lines.get(timeout=60)
            except queue.Empty:
                pytest.fail(f"`twin emulator` printed no export lines within 60 s (got {exports})")
            m = re.match(r"\s*export (TWIN_\w+)=(\S+)", line)
            if m:
                exports[m[1]] = m[2]
        assert set(exports) == {"TWIN_BASE_URL", "TWIN_API_KEY"}

        # ... and the quickstart runs in another, with those exported.
        script = tmp_path / "quickstart.py"
        script.write_text(quickstart(), encoding="utf-8")
        result = run([str(venv / "bin" / "python"), str(script)], dict(env, **exports), cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert re.search(r"^\d+ Finished$", result.stdout, re.M), result.stdout
        assert "completed success {'answer'" in result.stdout, result.stdout
    finally:
        emulator.terminate()  # SIGTERM: the command stops the emulator and exits 0
        try:
            status = emulator.wait(timeout=30)
        except subprocess.TimeoutExpired:
            emulator.kill()
            status = emulator.wait(timeout=30)
        stderr = emulator.stderr.read() if emulator.stderr else ""
        for pipe in (emulator.stdout, emulator.stderr):
            if pipe is not None:
                pipe.close()
    assert status == 0, f"`twin emulator` exited {status} on SIGTERM: {stderr}"


# ----------------------------------------------------------------- the sdist, through pip


@pytest.mark.timeout(900)
def test_sdist_builds_and_installs_in_an_isolated_environment(tmp_path: pathlib.Path) -> None:
    # The Python running these tests; pip brings maturin from PyPI into its isolated build env.
    venv = fresh_venv(getattr(sys, "_base_executable", sys.executable), tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWIN_", "VIRTUAL_ENV", "MATURIN_"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    # The sdist is compiled from nothing, in a target folder of its own (about a minute and a
    # half on two cores): the repository's target/ would not do, because maturin stamps every
    # file of an sdist with one old date and cargo would then take the release build `make dist`
    # just made for the sdist's own crates instead of compiling the sdist's copy of them.
    # TWIN_DIST_SDIST_TARGET_DIR=<folder> chooses another folder (reusing it has that problem).
    env["CARGO_TARGET_DIR"] = os.environ.get("TWIN_DIST_SDIST_TARGET_DIR") or str(tmp_path / "cargo-target")
    # --no-cache-dir: pip would otherwise keep the wheel it built and install it next time
    # without building, even from a changed sdist of the same name.
    installed = run([str(venv / "bin" / "python"), "-m", "pip", "install", "-v", "--no-cache-dir", str(sdist())],
                    env, timeout=840, cwd=tmp_path)
    log = installed.stdout + installed.stderr
    assert installed.returncode == 0, log[-8000:]
    # Built here, by maturin from PyPI in pip's isolated environment, with cargo.
    assert re.search(r"Collecting maturin", log) and "maturin pep517 build-wheel" in log, log[-8000:]
    assert re.search(r"Finished `release` profile", log), log[-8000:]
    about = run([str(venv / "bin" / "python"), "-c",
                 "import twin; print(twin.__version__, twin.__build__, twin.__file__)"],
                no_rust_env(venv), cwd=tmp_path)
    assert about.returncode == 0, about.stderr
    version, build, location = about.stdout.split()
    assert (version, build) == (workspace_version(), "release")
    assert location.startswith(str(venv)), location
