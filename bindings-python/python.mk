# Python package targets (owned by the Python binding).
#   make test-python   build the wheel (debug profile, fast), install it into .venv, check the
#                      stubs against the module, type-check the example with mypy --strict,
#                      run tests/python against the installed wheel
.PHONY: test-python wheel-python

PY_WHEEL_DIR := target/wheels-dev

# A dev-profile wheel: optimised dependencies, quick to rebuild (see [profile.dev]).
wheel-python: venv
	rm -rf $(PY_WHEEL_DIR)
	$(VENV)/bin/maturin build --quiet --profile dev --interpreter $(VPY) --out $(PY_WHEEL_DIR)
	$(VPY) -m pip install --quiet --no-deps --force-reinstall $(PY_WHEEL_DIR)/*.whl

test-python: wheel-python
	cd tests/python && ../../$(VPY) -m mypy.stubtest twin._twin --allowlist stubtest-allowlist.txt
	$(VPY) -m mypy --strict examples/python/quickstart.py
	cd tests/python && ../../$(VPY) -m pytest -q
