"""include/twin.h in more compilers (issue 16): it compiles as C99, C11 and C17 and is usable
from C++17, all with -Wall -Wextra -pedantic -Werror, and a C++ program links the library and
runs (extern "C" linkage, no C-only constructs leaking into C++)."""

import re
import shutil
import subprocess

import pytest

from test_c import LIB_DIR, ROOT

C_PROGRAM = """\
#include <twin.h>
#if !TWIN_VERSION_AT_LEAST(0, 1, 0)
#error "the version macros work in #if"
#endif
int main(void) {
  twin_client_options *options = twin_client_options_new();
  twin_client_options_free(options);
  return twin_version_number() == TWIN_VERSION_NUMBER ? 0 : 1;
}
"""

CXX_PROGRAM = """\
#include <twin.h>
#include <cstdio>
#include <memory>
#include <string>

struct OptionsFree {
  void operator()(twin_client_options *o) const { twin_client_options_free(o); }
};

int main() {
  std::unique_ptr<twin_client_options, OptionsFree> options(twin_client_options_new());
  const std::string version = twin_version();
  std::printf("%s %s\\n", version.c_str(), twin_status_str(TWIN_ERR_TIMEOUT));
  return options && version == TWIN_VERSION_STRING ? 0 : 1;
}
"""

WARNINGS = ["-Wall", "-Wextra", "-pedantic", "-Werror"]


def build_and_run(compiler, flags, source, suffix, tmp_path):
    path = tmp_path / f"program.{suffix}"
    path.write_text(source)
    binary = tmp_path / "program"
    command = [compiler, *flags, *WARNINGS, f"-I{ROOT / 'include'}", str(path), "-o", str(binary),
               f"-L{LIB_DIR}", "-ltwin", f"-Wl,-rpath,{LIB_DIR}"]
    built = subprocess.run(command, capture_output=True, text=True)
    assert built.returncode == 0, f"{' '.join(command)}\n{built.stderr}"
    ran = subprocess.run([str(binary)], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return ran.stdout


@pytest.mark.parametrize("std", ["c99", "c11", "c17"])
def test_the_header_compiles_as_c(std, tmp_path):
    build_and_run("cc", [f"-std={std}"], C_PROGRAM, "c", tmp_path)


@pytest.mark.skipif(shutil.which("c++") is None, reason="no C++ compiler")
def test_a_cxx17_program_uses_the_library(tmp_path):
    out = build_and_run("c++", ["-std=c++17"], CXX_PROGRAM, "cpp", tmp_path)
    assert out.split() == [(ROOT / "include" / "twin.h").read_text().split('TWIN_VERSION_STRING "')[1].split('"')[0],
                           "TWIN_ERR_TIMEOUT"]


# ---------------------------------------------------------------------------------------------
# The naming rule stated in the header's preamble (NAMING), checked on every function.

HEADER = ROOT / "include" / "twin.h"
RESOURCES = ["me", "api_keys", "workspaces", "agents", "runs", "events", "webhooks", "schedules",
             "instructions"]
NAMESPACES = ["version", "string", "status", "last_error", "log", "cron", "signature"]
HANDLE_VERBS = {"new", "free", "len", "get", "next"}  # get/len: of a _list, next: of an _iter


def declarations(text):
    """(return type, name, parameters, nodiscard) of every function declared in `text`."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    pattern = r"^(TWIN_NODISCARD\s+)?((?:const\s+)?\w+\s*\**)\s*(twin_\w+)\(([^)]*)\);"
    return [(" ".join(ret.split()), name, " ".join(params.split()), bool(nodiscard))
            for nodiscard, ret, name, params in re.findall(pattern, text, flags=re.M)]


def naming_problems(text):
    types = sorted(re.findall(r"typedef struct twin_(\w+) twin_\w+;", text), key=len, reverse=True)
    problems = []
    for ret, name, params, nodiscard in declarations(text):
        rest = name[len("twin_"):]
        if ret == "twin_status" and not nodiscard:
            problems.append(f"{name}: returns a twin_status without TWIN_NODISCARD")
        if rest.endswith(("_cancellable", "_with_options")):
            problems.append(f"{name}: a twin of another function (options belong in a handle)")
        owner = next((t for t in types if rest.startswith(t + "_")), None)
        if owner is not None:
            member = rest[len(owner) + 1:]
            if member != "new" and not params.startswith((f"const twin_{owner} *", f"twin_{owner} *")):
                problems.append(f"{name}: a member of twin_{owner} whose first argument is not one")
            if member in HANDLE_VERBS:
                continue
            field = member.split("_", 1)[1] if member.startswith(("set_", "add_")) else member
            last = owner.rsplit("_", 1)[-1]
            if field in (owner, last) or field.startswith((owner + "_", last + "_")):
                problems.append(f"{name}: stutters ({field!r} repeats the type twin_{owner})")
            continue
        resource = next((r for r in RESOURCES if rest.startswith(r + "_")), None)
        if resource is not None:
            if not params.startswith("const twin_client *client") or ret != "twin_status":
                problems.append(f"{name}: an endpoint must take the client first and return a twin_status")
            continue
        if not any(rest == n or rest.startswith(n + "_") for n in NAMESPACES):
            problems.append(f"{name}: neither an endpoint, a handle's member, nor a library namespace")
    return problems


def type_problems(text):
    """Every type is twin_<name>, and every enum constant starts with its enum's name without
    the last word (TWIN_DELIVERY_* for twin_delivery_type; TWIN_* for twin_status), so a
    constant says which enum it belongs to."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    problems = []
    for body, name in re.findall(r"typedef enum \{(.*?)\} (\w+);", text, flags=re.S):
        # twin_status: TWIN_OK, TWIN_ERR_*; twin_delivery_type: TWIN_DELIVERY_*; ...
        prefix = "TWIN_" if name == "twin_status" else name.rsplit("_", 1)[0].upper() + "_"
        for constant in re.findall(r"^\s*(\w+)\s*=", body, flags=re.M):
            if not constant.startswith(prefix):
                problems.append(f"{constant}: a constant of {name} should start with {prefix}")
    for name in re.findall(r"typedef (?:struct \w+|enum \{.*?\}|[^;{}]*?) \(?\*?(\w+)\)?[ ;(]", text, flags=re.S):
        if not name.startswith("twin_"):
            problems.append(f"{name}: a type whose name does not start with twin_")
    return problems


def test_every_type_and_constant_is_named_after_the_library():
    assert type_problems(HEADER.read_text()) == []
    bad = "typedef enum {\n  TWIN_WEBHOOK_EVENT_X = 0,\n} twin_delivery_type;\ntypedef struct x x;\n"
    assert len(type_problems(bad)) == 2


def test_every_function_follows_the_naming_rule():
    text = HEADER.read_text()
    assert len(declarations(text)) > 200, "the header parser found too few functions"
    assert naming_problems(text) == []


def test_the_naming_check_can_fail():
    """The check itself, on names it must refuse (so a passing run means something)."""
    bad = HEADER.read_text() + (
        "\ntwin_status twin_run_run_kind(const twin_run *run);\n"
        "TWIN_NODISCARD twin_status twin_runs_wait_cancellable(const twin_client *client);\n"
        "TWIN_NODISCARD twin_status twin_webhook_verify(const uint8_t *body);\n"
        "const char *twin_frobnicate(void);\n"
    )
    problems = "\n".join(naming_problems(bad))
    for expected in ["twin_run_run_kind: returns a twin_status without TWIN_NODISCARD",
                     "twin_run_run_kind: stutters",
                     "twin_runs_wait_cancellable: a twin",
                     "twin_webhook_verify: a member of twin_webhook whose first argument is not one",
                     "twin_frobnicate: neither"]:
        assert expected in problems


IGNORED_STATUS = """\
#include <twin.h>
int main(void) {
  twin_client_options *options = twin_client_options_new();
  twin_client_options_set_max_retries(options, 1);
  twin_client_options_free(options);
  return 0;
}
"""


@pytest.mark.parametrize("compiler,flags,suffix", [("cc", ["-std=c11"], "c"),
                                                    ("c++", ["-std=c++17"], "cpp")])
def test_an_ignored_status_is_a_compiler_warning(compiler, flags, suffix, tmp_path):
    if shutil.which(compiler) is None:
        pytest.skip(f"no {compiler}")
    path = tmp_path / f"ignored.{suffix}"
    path.write_text(IGNORED_STATUS)
    command = [compiler, *flags, *WARNINGS, f"-I{ROOT / 'include'}", "-c", str(path), "-o",
               str(tmp_path / "ignored.o")]
    built = subprocess.run(command, capture_output=True, text=True)
    assert built.returncode != 0, "ignoring a twin_status compiled without a warning"
    assert "twin_client_options_set_max_retries" in built.stderr
