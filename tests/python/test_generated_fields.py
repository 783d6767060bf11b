"""The Python models' generated fields (issue 16): bindings-python/src/generated/ and the
marked regions of _twin.pyi are what codegen/generate.py (codegen/python.py) makes of
codegen/models.toml, and a field added to the description alone becomes a property, in the
Rust getters and in the stubs (the core model aside, nothing else is edited by hand)."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "codegen" / "generate.py"
DESCRIPTION = ROOT / "codegen" / "models.toml"
C_OUT = ROOT / "bindings-c" / "src" / "generated"
PY_OUT = ROOT / "bindings-python" / "src" / "generated"
STUB = ROOT / "bindings-python" / "python" / "twin" / "_twin.pyi"
MIRRORS = STUB.with_name("_async.py")  # AsyncRun declares Run's fields
KINDS = STUB.with_name("_lists.py")  # pandas column types by attribute name

# Where a field goes in the copies of the description: before `goal` in the run model.
ANCHOR = '[[model.field]]\nname = "goal"\n'


def generate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(GENERATOR), *args], capture_output=True, text=True, timeout=120)


def scratch(tmp_path: pathlib.Path, field: str) -> tuple[list[str], dict[str, pathlib.Path]]:
    """Copies of every output and a description with `field` added to the run model; the
    generator's arguments pointing at them."""
    paths = {"c": tmp_path / "c", "py": tmp_path / "py", "stub": tmp_path / "_twin.pyi",
             "mirrors": tmp_path / "_async.py", "kinds": tmp_path / "_lists.py", "toml": tmp_path / "models.toml"}
    shutil.copytree(C_OUT, paths["c"])
    shutil.copytree(PY_OUT, paths["py"])
    shutil.copy(STUB, paths["stub"])
    shutil.copy(MIRRORS, paths["mirrors"])
    shutil.copy(KINDS, paths["kinds"])
    text = DESCRIPTION.read_text()
    assert ANCHOR in text
    paths["toml"].write_text(text.replace(ANCHOR, field + "\n" + ANCHOR))
    args = ["--description", str(paths["toml"]), "--out", str(paths["c"]), "--py-out", str(paths["py"]), "--stub", str(paths["stub"])]
    return args, paths


def stale(done: subprocess.CompletedProcess[str]) -> set[str]:
    return {line.split()[1] for line in done.stderr.splitlines() if line.startswith("stale: ")}


def run_class(stub: str) -> str:
    """The text of `class Run` in a stub file."""
    start = stub.index("\nclass Run(")
    return stub[start : stub.index("\nclass ", start + 1)]


def test_the_committed_python_fields_are_what_the_description_gives() -> None:
    done = generate("--check")
    assert done.returncode == 0, done.stderr


def test_a_field_added_to_the_description_becomes_a_property(tmp_path: pathlib.Path) -> None:
    field = (
        '[[model.field]]\nname = "mood"\nkind = "opt_str"\n'
        'py_doc = "How the run feels."\ndoc = "How the run feels (`mood`), or NULL."\n'
    )
    args, paths = scratch(tmp_path, field)
    before = generate("--check", *args)
    assert before.returncode == 1
    # Exactly the run outputs, in C, in Rust for Python, in the stubs and in AsyncRun.
    assert stale(before) == {str(paths["c"] / "runs.rs"), str(paths["py"] / "runs.rs"), str(paths["stub"]),
                             str(paths["mirrors"])}

    wrote = generate(*args)
    assert wrote.returncode == 0, wrote.stderr
    rust = (paths["py"] / "runs.rs").read_text()
    assert "/// How the run feels.\n" in rust
    assert "mood: Option<&str> = |m| m.mood.as_deref();" in rust
    assert 'pub extern "C" fn twin_run_mood(' in (paths["c"] / "runs.rs").read_text()
    stub = paths["stub"].read_text()
    assert '    @property\n    def mood(self) -> Optional[str]:\n        """How the run feels."""\n' in run_class(stub)
    assert stub.count("def mood(") == 1
    # Outside the generated regions the stub is untouched: only the new property was added.
    assert stub.replace('    @property\n    def mood(self) -> Optional[str]:\n        """How the run feels."""\n', "") == STUB.read_text()
    mirrors = paths["mirrors"].read_text()
    assert mirrors.replace("        mood: Optional[str]\n", "", 1) == MIRRORS.read_text()
    assert mirrors.index("        mood: Optional[str]\n") < mirrors.index("        goal: Optional[str]\n")
    assert generate("--check", *args).returncode == 0


def test_a_python_only_field_leaves_the_c_glue_alone(tmp_path: pathlib.Path) -> None:
    field = (
        '[[model.field]]\nname = "is_long"\nkind = "bool"\nexpr = "m.goal.is_some()"\nc = false\n'
        'doc = "Whether the run has a goal."\n'
    )
    args, paths = scratch(tmp_path, field)
    assert stale(generate("--check", *args)) == {str(paths["py"] / "runs.rs"), str(paths["stub"]), str(paths["mirrors"]),
                                                 str(paths["kinds"])}
    assert generate(*args).returncode == 0
    assert "is_long: bool = |m| m.goal.is_some();" in (paths["py"] / "runs.rs").read_text()
    assert "def is_long(self) -> bool:" in run_class(paths["stub"].read_text())
    assert "        is_long: bool\n" in paths["mirrors"].read_text()
    # A bool column: pandas gets the nullable boolean dtype even when every value is None.
    kinds = paths["kinds"].read_text()
    assert '"is_finished", "is_long", "is_paused"' in kinds.split("_INTS")[0]


def test_a_hand_edited_property_stub_is_reported_stale(tmp_path: pathlib.Path) -> None:
    args, paths = scratch(tmp_path, "")
    stub = paths["stub"].read_text()
    edited = stub.replace('"""The agent that runs."""', '"""The agent."""', 1)
    assert edited != stub
    paths["stub"].write_text(edited)
    assert stale(generate("--check", *args)) == {str(paths["stub"])}
    assert generate(*args).returncode == 0
    assert paths["stub"].read_text() == stub


def test_a_class_without_its_markers_is_refused(tmp_path: pathlib.Path) -> None:
    args, paths = scratch(tmp_path, "")
    stub = paths["stub"].read_text()
    start = stub.index("\nclass Run(")
    end = stub.index("# generated fields: end", start)
    paths["stub"].write_text(stub[:start] + stub[start:end].replace("# generated fields: begin", "# fields") + stub[end:])
    done = generate("--check", *args)
    assert done.returncode != 0
    assert "class Run has no" in done.stderr


def test_a_mirror_of_an_unknown_model_is_refused(tmp_path: pathlib.Path) -> None:
    args, paths = scratch(tmp_path, "")
    text = paths["mirrors"].read_text()
    assert "# generated fields of Run: begin" in text
    paths["mirrors"].write_text(text.replace("# generated fields of Run: begin", "# generated fields of Runn: begin"))
    done = generate("--check", *args)
    assert done.returncode != 0
    assert "generated fields of Runn: no model has that py_name" in done.stderr


def test_a_generated_file_no_longer_produced_is_stale_then_removed(tmp_path: pathlib.Path) -> None:
    args, paths = scratch(tmp_path, "")
    stray = paths["py"] / "old_model.rs"
    stray.write_text("// @generated, once\n")
    assert stale(generate("--check", *args)) == {str(stray)}
    assert generate(*args).returncode == 0
    assert not stray.exists()


def test_a_field_the_generator_cannot_make_into_python_is_refused(tmp_path: pathlib.Path) -> None:
    """Each mistake stops the generator with a message naming the field, before anything is
    written: never a traceback, never a stub that does not parse or a getter that cannot compile."""
    cases = {
        'name = "mood"\nkind = "opt_sr"\ndoc = "How it feels."\n': "run.mood: unknown kind 'opt_sr' (the kinds: str, opt_str",
        'name = "mood"\nkind = "opt_str"\n': "run.mood: no doc",
        'name = "type"\nkind = "opt_str"\ndoc = "Its type."\n': "run.type: a Rust keyword: set expr",
        'name = "type"\nkind = "opt_str"\nexpr = "m.r#type.as_deref()"\ndoc = "Its type."\n':
            "run.type: 'type' cannot be a Python attribute made by a Rust getter: set py_name",
        'name = "kind2"\nkind = "opt_str"\npy_name = "r#type"\ndoc = "Its type."\n': "'r#type' cannot be a Python attribute",
        'name = "mood"\nkind = "opt_str"\npy_name = "request_id"\ndoc = "Its id."\n': "'request_id' is already an attribute",
        'name = "mood"\nkind = "opt_str"\npy_name = "goal"\ndoc = "Its goal."\n': "two Python fields named alike",
        'name = "mood"\nkind = "opt_str"\ndoc = "How it feels, or NULL."\n': "run.mood: the doc speaks C (NULL): set py_doc",
        'name = "mood"\nkind = "opt_str"\ndoc = "C."\npy_doc = \'How it feels, e.g. "sunny"\'\n': "nor end with a quote",
        'name = "mood"\nkind = "bool"\npy_name = "position"\ndoc = "Whether placed."\n':
            "run.position: the name has another Python type in another model",
    }
    for i, (field, message) in enumerate(cases.items()):
        args, paths = scratch(tmp_path / str(i), "[[model.field]]\n" + field)
        done = generate(*args)
        assert done.returncode == 1 and message in done.stderr, (field, done.stderr)
        assert "Traceback" not in done.stderr
        assert paths["stub"].read_text() == STUB.read_text()  # nothing written
