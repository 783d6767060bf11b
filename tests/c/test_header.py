"""include/twin.h in more compilers (issue 16): it compiles as C99, C11 and C17 and is usable
from C++17, all with -Wall -Wextra -pedantic -Werror, and a C++ program links the library and
runs (extern "C" linkage, no C-only constructs leaking into C++)."""

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
