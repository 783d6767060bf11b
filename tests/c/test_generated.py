"""The C binding's generated glue (issue 16): bindings-c/src/generated/ is what
codegen/generate.py makes of codegen/models.toml and of the endpoint functions of the
hand-written modules; a field added to the description alone becomes a getter (the core model
aside, nothing else is edited by hand), and an endpoint function its exported C function."""

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


def with_endpoint(tmp_path, function):
    """A copy of the hand-written modules with `function` added to runs.rs, and a copy of the
    generated folder; returns the arguments that point the generator at them."""
    sources = tmp_path / "src"
    shutil.copytree(ROOT / "bindings-c" / "src", sources)
    with (sources / "runs.rs").open("a") as runs:
        runs.write("\n" + function)
    return ["--sources", str(sources), "--out", str(sources / "generated")]


def test_an_endpoint_function_becomes_a_c_function(tmp_path):
    args = with_endpoint(tmp_path, (
        "/// Pins a run. `params` may be NULL.\n"
        "fn runs_pin(c: &Client, agent_id: &str, tags: &[&str], params: &RunStartParams)"
        " -> Result<twin_run, Failure> {\n    Ok(c.runs().get(agent_id, tags[0])?.into())\n}\n"))
    stale = generate("--check", *args)
    assert stale.returncode == 1
    assert "runs.rs" in stale.stderr and "agents.rs" not in stale.stderr, stale.stderr
    wrote = generate(*args)
    assert wrote.returncode == 0, wrote.stderr
    runs = " ".join((tmp_path / "src" / "generated" / "runs.rs").read_text().split())
    assert ('/// Pins a run. `params` may be NULL. #[must_use] #[unsafe(no_mangle)] '
            'pub extern "C" fn twin_runs_pin( client: *const twin_client, agent_id: *const c_char, '
            'tags: *const *const c_char, tags_len: usize, params: *const twin_run_start_params, '
            'run_out: *mut *mut twin_run, ) -> twin_status {') in runs
    assert ('call_out(client, run_out, "run_out", |c| { super::runs_pin( c, '
            'ffi::str_arg(agent_id, "agent_id")?, &ffi::str_array_arg(tags, tags_len, "tags")?, '
            '&twin_run_start_params::value_or_default(params), ) })') in runs
    assert generate("--check", *args).returncode == 0


def test_an_endpoint_the_generator_cannot_shape_is_refused(tmp_path):
    """Each endpoint-like function that the generator cannot turn into a C function stops it,
    naming the function and why: none is skipped, none becomes a wrong C function."""
    cases = {
        "/// Pins.\nfn runs_pin(c: &Client, count: u32) -> Result<(), Failure> {\n    Ok(())\n}\n":
            "runs_pin has no C form for `count: u32`",
        "fn runs_pin(c: &Client) -> Result<(), Failure> {\n    Ok(())\n}\n":
            "runs_pin has no doc comment",
        "/// Pins.\npub(crate) fn runs_pin(c: &Client) -> Result<(), Failure> {\n    Ok(())\n}\n":
            "runs_pin must read `/// doc`",
        "/// Pins.\nfn runs_pin<'a>(c: &'a Client) -> Result<(), Failure> {\n    Ok(())\n}\n":
            "runs_pin must read `/// doc`",
        "/// Pins.\nfn runs_pin(_c: &twin_core::Client) -> Result<(), Failure> {\n    Ok(())\n}\n":
            "runs_pin must read `/// doc`",
        "/// Counts.\nfn runs_count(c: &Client) -> Result<u64, Failure> {\n    Ok(0)\n}\n":
            "runs_count returns `u64`",
        "/// Pins.\nfn runs_pin(c: &Client, client: &str) -> Result<(), Failure> {\n    Ok(())\n}\n":
            "runs_pin would have two C parameters of one name",
        "/// Pins.\nfn runs_pin(c: &Client, run_out: &str) -> Result<twin_run, Failure> {\n    todo!()\n}\n":
            "runs_pin would have two C parameters of one name",
    }
    for i, (function, message) in enumerate(cases.items()):
        done = generate(*with_endpoint(tmp_path / str(i), function))
        assert done.returncode == 1 and message in done.stderr, (function, done.stderr)
