# Python package targets (owned by the Python binding).
.PHONY: test-python
test-python:
	@echo "test-python: no Python package yet"
