"""`make install` as a C user meets it (issue 15): the release library installed into a
temporary prefix, then used the three ways C projects use a library.

- The layout: libtwin.so.X.Y.Z with SONAME libtwin.so.ABI and its two symlinks, libtwin.a,
  twin.h, twin.pc and the CMake package; the shared library exports exactly the functions the
  header declares, and the archive defines no global symbol but those.
- pkg-config: every example of examples/c builds with `pkg-config --cflags --libs twin` and runs
  (ld.so finds libtwin.so.0 by its SONAME); one also links statically.
- CMake: `find_package(twin 0.1 REQUIRED)` with the targets twin::twin and twin::twin_static;
  a request for another minor version is refused (0.x minors may break the API).
- The archive links into one program beside a second, independent Rust static library (the raw
  archive of cargo fails there on duplicate std symbols).
- `make uninstall` (with DESTDIR) removes every file install wrote.

Needs the emulator of test_c.py (its fixtures are imported) and cmake (installed by
`make c-tools`; the CMake test is skipped without it).
"""

import os
import re
import shutil
import subprocess

import pytest

from test_c import CC, ROOT, TESTS, cargo_version, emulator, fresh  # noqa: F401 (fixtures)

TWIN_ABI = "0"
EXAMPLES = sorted((ROOT / "examples" / "c").glob("*.c"))


def run(command, **kwargs):
    """Runs a command (a list, or a string for the shell); fails the test with its output."""
    result = subprocess.run(
        command, shell=isinstance(command, str), capture_output=True, text=True, **kwargs
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def make(*args):
    return run(["make", "--no-print-directory", "-C", str(ROOT), *args])


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    """The release library installed by `make install PREFIX=...`."""
    path = tmp_path_factory.mktemp("install") / "prefix"
    make("c-dist")
    make("install", f"PREFIX={path}")
    return path


def header_functions():
    """The names of the functions include/twin.h declares."""
    header = (ROOT / "include" / "twin.h").read_text()
    return set(re.findall(r"^[A-Za-z_][\w \*]*?\b(twin_\w+)\(", header, re.M))


def defined_globals(elf):
    """The global (or weak) symbols an ELF file (an object, an archive, a shared library's
    dynamic table) defines."""
    table = ["--dyn-syms"] if elf.suffix != ".a" else ["--syms"]
    out = run(["readelf", "-W", *table, str(elf)])
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 8 and fields[4] in ("GLOBAL", "WEAK") and fields[6] != "UND":
            names.add(fields[7].split("@")[0])
    return names


def test_layout_soname_and_exports(prefix):
    lib = prefix / "lib"
    version = cargo_version()
    files = sorted(str(p.relative_to(prefix)) for p in prefix.rglob("*") if not p.is_dir())
    assert files == sorted([
        "include/twin.h",
        "lib/cmake/twin/twinConfig.cmake",
        "lib/cmake/twin/twinConfigVersion.cmake",
        "lib/libtwin.a",
        "lib/libtwin.so",
        f"lib/libtwin.so.{TWIN_ABI}",
        f"lib/libtwin.so.{version}",
        "lib/pkgconfig/twin.pc",
    ])
    assert os.readlink(lib / "libtwin.so") == f"libtwin.so.{TWIN_ABI}"
    assert os.readlink(lib / f"libtwin.so.{TWIN_ABI}") == f"libtwin.so.{version}"
    dynamic = run(["readelf", "-d", str(lib / f"libtwin.so.{version}")])
    assert f"Library soname: [libtwin.so.{TWIN_ABI}]" in dynamic
    # Release, stripped: no symbol table but the dynamic one.
    assert ".symtab" not in run(["readelf", "-S", "-W", str(lib / f"libtwin.so.{version}")])

    declared = header_functions()
    assert len(declared) > 150
    assert defined_globals(lib / f"libtwin.so.{version}") == declared
    assert defined_globals(lib / "libtwin.a") == declared


def test_examples_with_pkg_config(prefix, fresh, tmp_path):
    """Every example builds with `cc $(pkg-config --cflags --libs twin)`, needs libtwin.so.0 and
    runs; one also links statically with `pkg-config --static`."""
    env = dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    assert run(["pkg-config", "--modversion", "twin"], env=env).strip() == cargo_version()
    run_env = dict(
        env, LD_LIBRARY_PATH=str(prefix / "lib"), TWIN_BASE_URL=fresh["url"], TWIN_API_KEY=fresh["api_key"]
    )
    assert EXAMPLES
    for example in EXAMPLES:
        binary = tmp_path / example.stem
        run(f'{CC} -std=c11 -Wall -Wextra -Wpedantic -Werror "{example}" -o "{binary}" '
            "$(pkg-config --cflags --libs twin)", env=env)
        assert f"Shared library: [libtwin.so.{TWIN_ABI}]" in run(["readelf", "-d", str(binary)])
        run([str(binary)], env=run_env, timeout=120)
    static = tmp_path / "static_example"
    run(f'{CC} -std=c11 "{EXAMPLES[0]}" -o "{static}" -static-libgcc $(pkg-config --cflags twin) '
        f'"{prefix}/lib/libtwin.a" $(pkg-config --static --libs-only-other --libs-only-l twin | sed "s/-ltwin//")',
        env=env)
    assert "libtwin" not in run(["readelf", "-d", str(static)])
    run([str(static)], env=run_env, timeout=120)


CMAKE_PROJECT = """\
cmake_minimum_required(VERSION 3.16)
project(twin_user C)
find_package(twin {request} REQUIRED)
add_executable(app {example})
target_link_libraries(app PRIVATE twin::twin)
add_executable(app_static {example})
target_link_libraries(app_static PRIVATE twin::twin_static)
"""


def cmake_configure(source, build, prefix, request):
    (source / "CMakeLists.txt").write_text(CMAKE_PROJECT.format(request=request, example=EXAMPLES[0]))
    return subprocess.run(
        ["cmake", "-S", str(source), "-B", str(build), f"-DCMAKE_PREFIX_PATH={prefix}"],
        capture_output=True, text=True,
    )


@pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake is not installed (make c-tools)")
def test_cmake_find_package(prefix, fresh, tmp_path):
    """find_package(twin 0.1 REQUIRED): twin::twin and twin::twin_static build the quickstart,
    and both run (the shared one through its RUNPATH, ld.so resolving libtwin.so.0); a request
    for another minor or a later patch is refused."""
    version = cargo_version()
    major, minor, patch = version.split(".")
    configured = cmake_configure(tmp_path, tmp_path / "build", prefix, f"{major}.{minor}")
    assert configured.returncode == 0, configured.stdout + configured.stderr
    run(["cmake", "--build", str(tmp_path / "build")])
    env = dict(os.environ, TWIN_BASE_URL=fresh["url"], TWIN_API_KEY=fresh["api_key"])
    env.pop("LD_LIBRARY_PATH", None)
    app = tmp_path / "build" / "app"
    assert f"Shared library: [libtwin.so.{TWIN_ABI}]" in run(["readelf", "-d", str(app)])
    assert f"libtwin.so.{TWIN_ABI} => {prefix / 'lib'}" in run(["ldd", str(app)], env=env)
    run([str(app)], env=env, timeout=120)
    run([str(tmp_path / "build" / "app_static")], env=env, timeout=120)

    refused = [f"{major}.{int(minor) + 1}", f"{int(major) + 1}.0", f"{major}.{minor}.{int(patch) + 1}",
               f"{major}.{int(minor) + 1}...{major}.{int(minor) + 3}", f"0.0...<{major}.{minor}.{patch}"]
    accepted = [f"0.0...{int(major) + 1}.0", f"{major}.{minor}...{major}.{int(minor) + 2}"]
    for request in refused + accepted:
        source = tmp_path / f"request-{request.replace('<', 'lt')}"
        source.mkdir()
        configured = cmake_configure(source, source / "build", prefix, request)
        if request in accepted:
            assert configured.returncode == 0, (request, configured.stderr)
        else:
            assert configured.returncode != 0, request
            assert "compatible" in configured.stderr, configured.stderr


@pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc is not on PATH")
def test_static_library_links_beside_another_rust_library(prefix, tmp_path):
    """libtwin.a and an independent Rust static library (its own copy of std, panics, hash maps)
    link into one C program, which calls both: in either order, and with the other library
    linked whole (`--whole-archive`, as when it goes into a shared object), which pulls in every
    std symbol it has. Cargo's own archive fails that last link with duplicate symbols: the
    control that shows this test can fail."""
    other = tmp_path / "libother.a"
    run(["rustc", "--edition", "2021", "--crate-type", "staticlib", "-O",
         str(TESTS / "other_rust_lib.rs"), "-o", str(other)])
    main = tmp_path / "main.c"
    main.write_text(
        "#include <stdio.h>\n#include <string.h>\n#include <twin.h>\n"
        "int other_answer(void);\n"
        "int main(void) {\n"
        "  printf(\"%s %d\\n\", twin_version(), other_answer());\n"
        "  return strcmp(twin_version(), TWIN_VERSION_STRING) != 0 || other_answer() != 42;\n"
        "}\n"
    )
    # The system libraries a static link needs, as the installed twin.pc lists them.
    pc_env = dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    system = run(["pkg-config", "--static", "--libs-only-l", "twin"], env=pc_env).replace("-ltwin", "").strip()
    assert "-lpthread" in system and "-ldl" in system, system
    whole = f'-Wl,--whole-archive "{other}" -Wl,--no-whole-archive'
    program = tmp_path / "both"

    def link(twin, others):
        return f'{CC} "{main}" -I"{prefix}/include" "{twin}" {others} {system} -o "{program}"'

    twin = prefix / "lib" / "libtwin.a"
    for command in [link(twin, f'"{other}"'), link(twin, whole),
                    f'{CC} "{main}" -I"{prefix}/include" "{other}" "{twin}" {system} -o "{program}"']:
        run(command)
        assert run([str(program)]).split() == [cargo_version(), "42"]
    # The linker merges COMDAT groups by name: none of ours may share one with another library.
    groups = re.findall(r"^COMDAT group section \[\s*\d+\] `[^']*' \[(.*?)\]",
                        run(["readelf", "-gW", str(twin)]), re.M)
    assert all(name.startswith("twin") for name in groups), groups

    raw = ROOT / "target" / "release" / "libtwin.a"
    control = subprocess.run(link(raw, whole), shell=True, capture_output=True, text=True)
    assert control.returncode != 0 and "multiple definition" in control.stderr, control.stderr[-2000:]


def test_install_takes_a_relative_prefix_and_refuses_a_stale_build(prefix, tmp_path):
    """PREFIX=relative is made absolute in twin.pc and the CMake files; a build older than the
    sources is refused with what to run (install copies, it does not build: `sudo make
    install` needs no Rust)."""
    run(["make", "--no-print-directory", "-C", str(ROOT), "install", "PREFIX=rel-prefix", f"DESTDIR={tmp_path}"])
    staged = tmp_path / str(ROOT / "rel-prefix").lstrip("/")
    assert f"libdir={ROOT}/rel-prefix/lib\n" in (staged / "lib/pkgconfig/twin.pc").read_text()
    source = ROOT / "bindings-c" / "src" / "lib.rs"
    built = ROOT / "target" / "c-dist" / "release" / "libtwin.a"
    stamp = built.stat().st_mtime
    os.utime(source, (stamp + 10, stamp + 10))
    try:
        refused = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "install",
                                  f"PREFIX={tmp_path / 'stale'}"], capture_output=True, text=True)
        assert refused.returncode != 0 and "run 'make c-dist' first" in refused.stdout, refused.stdout
        assert not (tmp_path / "stale").exists()
    finally:
        os.utime(source, (stamp - 10, stamp - 10))


def test_uninstall_removes_what_install_wrote(tmp_path):
    """With DESTDIR (as packagers stage), install then uninstall leaves no file behind, and the
    installed twin.pc names the final prefix, not the staging folder."""
    stage = tmp_path / "stage"
    make("install", f"DESTDIR={stage}", "PREFIX=/opt/twin")
    pc = (stage / "opt/twin/lib/pkgconfig/twin.pc").read_text()
    assert "prefix=/opt/twin\n" in pc and str(stage) not in pc
    assert str(stage) not in (stage / "opt/twin/lib/cmake/twin/twinConfig.cmake").read_text()
    assert len([p for p in stage.rglob("*") if not p.is_dir()]) == 8
    make("uninstall", f"DESTDIR={stage}", "PREFIX=/opt/twin")
    left = [str(p.relative_to(stage)) for p in stage.rglob("*") if not p.is_dir()]
    assert left == []
