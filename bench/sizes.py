"""Sizes of what users install (issue 15), for row 12 of bench.py: the Python wheel, the shared
library and the static archive, and what makes them that size.

- The wheel: its size on disk (compressed) and its native module's size unpacked.
- libtwin.so and libtwin.a as `make install` puts them (`make c-dist`): file size, and the
  ELF sections that make it up (code, read-only data, unwind tables; in the archive also the
  symbol names, relocations and symbol table that a linker needs and a program does not keep).
- By crate: the code and data of the archive's symbols, grouped by the crate their (demangled)
  name starts with. Generic code is counted where it is defined (`core`, `alloc`), whichever
  crate instantiated it.
"""

from __future__ import annotations

import collections
import re
import subprocess
import zipfile
from pathlib import Path


def mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB"


def wheel(path: Path) -> tuple[int, str, int]:
    """The wheel's size, its native module's name and unpacked size."""
    with zipfile.ZipFile(path) as z:
        native = max((i for i in z.infolist() if i.filename.endswith(".so")), key=lambda i: i.file_size)
        return path.stat().st_size, native.filename, native.file_size


SECTION = re.compile(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)")


def kind(name: str, type_: str) -> str:
    if type_ in ("RELA", "REL"):
        return "relocations"
    if type_ in ("SYMTAB", "DYNSYM"):
        return "symbol table"
    if type_ == "STRTAB":
        return "symbol and section names"
    if name.startswith(".text"):
        return "code"
    if name.startswith((".rodata", ".data.rel.ro")):
        return "read-only data"
    if "eh_frame" in name or "gcc_except" in name:
        return "unwind tables"
    return "other"


def sections(elf: Path) -> collections.Counter[str]:
    """Bytes per kind of section of an ELF file (each object of an archive counted)."""
    out = subprocess.run(["readelf", "-S", "-W", str(elf)], capture_output=True, text=True, check=True).stdout
    by_kind: collections.Counter[str] = collections.Counter()
    for line in out.splitlines():
        m = SECTION.match(line)
        if m and m.group(2) != "NOBITS":
            by_kind[kind(m.group(1), m.group(2))] += int(m.group(3), 16)
    return by_kind


PATH_START = re.compile(r"[<&*\s]*(?:dyn |impl |mut |const )*([A-Za-z_][A-Za-z0-9_]*)::")


def crate_of(symbol: str) -> str:
    if symbol.startswith(("anon.", ".L")):
        return "(unnamed constants)"
    if symbol.startswith(("ring_core_", "ecp_nistz256")):
        return "ring"
    m = PATH_START.match(symbol)
    return m.group(1) if m else "(C and other symbols)"


def crates(archive: Path) -> collections.Counter[str]:
    """Bytes of code and data per crate, from the archive's symbol sizes."""
    out = subprocess.run(
        ["nm", "-S", "-C", "--defined-only", str(archive)], capture_output=True, text=True, check=True
    ).stdout
    by_crate: collections.Counter[str] = collections.Counter()
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and re.fullmatch(r"[0-9a-f]+", parts[1]):
            by_crate[crate_of(parts[3])] += int(parts[1], 16)
    return by_crate


def parts(counter: collections.Counter[str], top: int) -> str:
    total = sum(counter.values())
    shown = [f"{name} {mb(n)} ({100 * n / total:.0f}%)" for name, n in counter.most_common(top)]
    return ", ".join(shown)


def static_program(archive: Path, root: Path) -> dict[str, int]:
    """The size of examples/c/quickstart.c linked statically with the archive: as is, with
    `-Wl,--gc-sections`, and with that and `-s`."""
    import os
    import tempfile

    out: dict[str, int] = {}
    flags = {"as is": [], "--gc-sections": ["-Wl,--gc-sections"], "--gc-sections -s": ["-Wl,--gc-sections", "-s"]}
    with tempfile.TemporaryDirectory() as tmp:
        for name, extra in flags.items():
            program = Path(tmp) / "quickstart"
            subprocess.run(
                [os.environ.get("CC", "cc"), str(root / "examples/c/quickstart.c"), f"-I{root / 'include'}",
                 str(archive), *SYSTEM_LIBS, *extra, "-o", str(program)],
                check=True,
            )
            out[name] = program.stat().st_size
    return out


# What a program that links libtwin.a also links (bindings-c/c.mk, TWIN_C_SYSTEM_LIBS).
SYSTEM_LIBS = ["-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"]


def measure(wheel_path: Path, c_dist: Path) -> dict[str, object]:
    """Everything row 12 reports."""
    shared = next(c_dist.glob("libtwin.so.*"))
    archive = c_dist / "libtwin.a"
    wheel_size, native_name, native_size = wheel(wheel_path)
    return {
        "wheel": wheel_path.name,
        "wheel_size": wheel_size,
        "native": native_name,
        "native_size": native_size,
        "shared": shared.name,
        "shared_size": shared.stat().st_size,
        "shared_sections": sections(shared),
        "archive_size": archive.stat().st_size,
        "archive_sections": sections(archive),
        "crates": crates(archive),
        "static_program": static_program(archive, Path(__file__).resolve().parents[1]),
    }
