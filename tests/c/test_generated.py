"""The C binding's generated glue (issue 16): bindings-c/src/generated/ is what
codegen/generate.py makes of codegen/models.toml, and a field added to the description alone
becomes a getter (the core model aside, nothing else is edited by hand)."""

import shutil
import subprocess
import sys

from test_c import ROOT

GENERATOR = ROOT / "codegen" / "generate.py"
DESCRIPTION = ROOT / "codegen" / "models.toml"


def generate(*args):
    return subprocess.run([sys.executable, str(GENERATOR), *args], capture_output=True,
                          text=True, timeout=120)


def test_the_committed_glue_is_what_the_description_gives():
    done = generate("--check")
    assert done.returncode == 0, done.stderr


def test_a_field_added_to_the_description_becomes_a_getter(tmp_path):
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "bindings-c" / "src" / "generated", out)
    description = tmp_path / "models.toml"
    text = DESCRIPTION.read_text()
    anchor = '[[model.field]]\nname = "goal"\n'
    assert anchor in text
    description.write_text(text.replace(anchor, '[[model.field]]\nname = "mood"\nkind = "opt_str"\n'
                                        'doc = "How the run feels (`mood`), or NULL."\n\n' + anchor))
    stale = generate("--check", "--description", str(description), "--out", str(out))
    assert stale.returncode == 1
    assert "runs.rs" in stale.stderr and "agents.rs" not in stale.stderr
    wrote = generate("--description", str(description), "--out", str(out))
    assert wrote.returncode == 0, wrote.stderr
    runs = (out / "runs.rs").read_text()
    assert 'pub extern "C" fn twin_run_mood(run: *const twin_run) -> *const c_char' in runs
    assert 'h.strings.get_opt("mood", m.mood.as_deref())' in runs
    assert "/// How the run feels (`mood`), or NULL." in runs
    assert generate("--check", "--description", str(description), "--out", str(out)).returncode == 0
