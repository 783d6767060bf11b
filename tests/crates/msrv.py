"""The minimum supported Rust version (`rust-version` in Cargo.toml) is not lower than what
twin-core and twin-emulator need. Only one toolchain exists on the machines that run this, so
the check is what can be checked without an older compiler (docs/RUST.md says why each part):

1. every dependency the published crates build with (any feature, any platform) declares a
   `rust-version` no higher than ours;
2. no standard library API newer than ours is used: clippy's `incompatible_msrv` lint, which
   reads `rust-version`, over both crates with all features, as errors;
3. the language features we rely on are listed with the release that stabilised them, and the
   newest of them is our MSRV exactly (so it is neither too low nor needlessly high).
"""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
CRATES = ("twin-core", "twin-emulator")

# Language and Cargo features the workspace uses, with the release that stabilised each and
# a pattern that finds a use (so that a feature no longer used drops out of the list).
FEATURES = {
    "let chains (`if let ... && ...`), edition 2024": ((1, 88), r"\bif let [^{;]*\n?\s*&&|&& let "),
    "edition 2024": ((1, 85), r'edition = "2024"'),
    "Cargo resolver 3": ((1, 84), r'resolver = "3"'),
}


def version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


def main() -> int:
    manifest = (ROOT / "Cargo.toml").read_text()
    msrv = version(re.search(r'^rust-version = "([\d.]+)"', manifest, re.M).group(1))
    shown = ".".join(map(str, msrv))
    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--all-features", "--locked"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    failures = []

    # 1. dependencies
    newest = (0,), "-"
    for name in CRATES:
        root = next(i for i, p in packages.items() if p["name"] == name)
        seen, todo = set(), [root]
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            todo += [d["pkg"] for d in nodes[node]["deps"]
                     if any(k["kind"] in (None, "build") for k in d["dep_kinds"])]
        for node in seen - {root}:
            p = packages[node]
            need = version(p.get("rust_version") or "0")
            newest = max(newest, (need, f'{p["name"]} {p["version"]}'))
            if need > msrv:
                failures.append(f'{name} depends on {p["name"]} {p["version"]}, which needs Rust {p["rust_version"]}')
    print(f"dependencies: the newest rust-version declared is {'.'.join(map(str, newest[0]))} ({newest[1]})")

    # 2. standard library APIs
    lint = subprocess.run(
        ["cargo", "clippy", "--quiet", *sum((["-p", c] for c in CRATES), []), "--all-features", "--lib",
         "--", "-A", "clippy::all", "-D", "clippy::incompatible_msrv"],
        cwd=ROOT, capture_output=True, text=True)
    if lint.returncode != 0:
        failures.append("clippy::incompatible_msrv:\n" + lint.stderr)
    else:
        print(f"standard library: no API newer than {shown} (clippy::incompatible_msrv)")

    # 3. language features
    sources = "\n".join(p.read_text() for c in ("core", "emulator") for p in (ROOT / c / "src").rglob("*.rs"))
    sources += manifest
    used = {f: need for f, (need, pattern) in FEATURES.items() if re.search(pattern, sources)}
    for feature, need in sorted(used.items(), key=lambda kv: kv[1], reverse=True):
        print(f"language: {feature} needs {'.'.join(map(str, need))}")
    floor = max(used.values(), default=(0,))
    if floor > msrv:
        failures.append(f"the code uses features of Rust {'.'.join(map(str, floor))}, rust-version says {shown}")
    if max(floor, newest[0]) < msrv:
        failures.append(f"rust-version {shown} is higher than anything found needs: lower it")

    for f in failures:
        print("FAIL:", f)
    print(f"MSRV {shown}: {'ok' if not failures else 'wrong'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
