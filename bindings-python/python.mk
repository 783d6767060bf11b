# Python package targets (owned by the Python binding).
#   make test-python   build the wheel (debug profile, fast), install it into .venv, check
#                      that the generated model fields are fresh (codegen/generate.py --check),
#                      the stubs against the module, type-check the example and the package's own
#                      Python with mypy --strict,
#                      run tests/python against the installed wheel
#   make dist          the distributions users install, into target/dist: a release abi3
#                      wheel (manylinux) and the sdist
#   make test-dist     install them as a user would, run the README's quickstart (tests/dist)
.PHONY: test-python wheel-python dist test-dist

PY_WHEEL_DIR := target/wheels-dev

# A dev-profile wheel: optimised dependencies, quick to rebuild (see [profile.dev]).
wheel-python: venv
	rm -rf $(PY_WHEEL_DIR)
	$(VENV)/bin/maturin build --quiet --profile dev --interpreter $(VPY) --out $(PY_WHEEL_DIR)
	$(VPY) -m pip install --quiet --no-deps --force-reinstall $(PY_WHEEL_DIR)/*.whl

test-python: wheel-python
	@$(PYTHON) codegen/generate.py --check || { echo "bindings-python/src/generated, the model stubs of _twin.pyi, AsyncRun's fields in _async.py or the column kinds of _lists.py are stale: run make generate and commit them."; exit 1; }
	cd tests/python && ../../$(VPY) -m mypy.stubtest twin._twin --allowlist stubtest-allowlist.txt
	$(VPY) -m mypy --strict examples/python/quickstart.py bindings-python/python/twin
	cd tests/python && ../../$(VPY) -m pytest -q

# What users install, in target/dist: one release wheel for every CPython >= 3.9 (abi3,
# cp39-abi3) and the sdist, which builds on its own (it carries twin-core and twin-emulator).
#
# The manylinux policy is the lowest this machine's build passes: maturin's compliance check
# (--auditwheel check: audit, repair nothing, fail on anything that would need bundling) refuses
# manylinux_2_17 ... 2_33, because Rust's std linked against this glibc (2.36) uses symbols
# versioned GLIBC_2.34 (pthread_create, pthread_key_create, dlsym ...: libpthread and libdl were
# merged into libc in 2.34), plus 2.33 (stat64, fstat64), 2.32, 2.30, 2.29 (pow), 2.28, 2.25.
# A lower policy needs an older glibc to link against (a manylinux container, or zig).
DIST_DIR := target/dist
DIST_COMPATIBILITY ?= manylinux_2_34

dist: venv
	rm -rf $(DIST_DIR)
	$(VENV)/bin/maturin build --quiet --release --interpreter $(VPY) --compatibility $(DIST_COMPATIBILITY) --auditwheel check --out $(DIST_DIR)
	$(VENV)/bin/maturin sdist --out $(DIST_DIR)
	@ls -l $(DIST_DIR)

# The wheel in fresh venvs (Python 3.9 and 3.13 when on the machine, TWIN_DIST_PYTHONS to choose)
# with no Rust on PATH, running the README's Python quickstart against `twin emulator`; the
# sdist built by pip in isolation; tags, version and metadata; prints the sizes.
test-dist: dist
	env -u TWIN_API_KEY -u TWIN_BASE_URL $(VPY) -m pytest -q -p no:cacheprovider tests/dist
test: test-dist
