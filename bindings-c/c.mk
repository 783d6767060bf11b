# C library targets (owned by the C binding).
.PHONY: test-c
test-c:
	@echo "test-c: no C library yet"
