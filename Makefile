# twin-sdk: the few commands a newcomer needs.
#   make demo   the main job, on the embedded emulator
#   make test   every test (what CI runs)
# Everything beyond Rust, Python 3 and a C compiler is installed here, into .venv.
.PHONY: test demo emulator lint build venv test-rust test-demo fuzz

CARGO ?= cargo
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python

test: lint test-rust test-python test-c test-demo test-openapi

build:
	$(CARGO) build --workspace

venv: $(VENV)/.installed
$(VENV)/.installed: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Built first, then run under a time limit: a hang fails the build instead of stalling CI.
test-rust:
	$(CARGO) test --workspace --no-run
	timeout 900 $(CARGO) test --workspace

# The main job, narrated (examples/python/quickstart.py), on an emulator started in-process;
# with TWIN_API_KEY and TWIN_BASE_URL both set, on that server instead (it creates and deletes
# real resources there).
demo: wheel-python
	@$(VPY) examples/python/quickstart.py

# The demo, the notebook, every Python and Rust example and the README's snippets, run against
# emulators (never against a TWIN_BASE_URL from the environment); the C examples run in test-c.
test-demo: wheel-python
	$(CARGO) build -p twin-emulator -p twin-c -p twin-examples
	$(CARGO) build -p twin-examples --examples
	$(VPY) -m mypy --strict examples/python
	env -u TWIN_API_KEY -u TWIN_BASE_URL $(VPY) -m pytest -q -p no:cacheprovider tests/examples

# The emulator's inspector page (/_emulator/ui) in Debian's headless Chromium, driven by
# selenium through Debian's chromedriver while a script uses the emulator (tests/ui, about
# 20 s); writes target/ui/inspector.png (docs/inspector.png is a copy of it). ui-tools installs
# chromium and chromium-driver with apt-get when they are missing and this runs as root.
.PHONY: test-ui ui-tools
ui-tools:
	@$(call twin_c_apt,chromium,chromium)
	@$(call twin_c_apt,chromedriver,chromium-driver)

test-ui: wheel-python ui-tools
	env -u TWIN_API_KEY -u TWIN_BASE_URL $(VPY) -m pytest -q -p no:cacheprovider tests/ui
test: test-ui

# twin-core and twin-emulator as Rust users get them: the MSRV check (tests/crates/msrv.py),
# clippy and rustdoc with every feature, the tokio tests and doc tests, the TLS tests with each
# TLS feature that is not the default, and both crates packaged
# and built from their packages as `cargo publish` would (a dry run: nothing is uploaded).
.PHONY: test-crates
test-crates:
	$(PYTHON) tests/crates/msrv.py
	$(CARGO) clippy -p twin-core --all-targets --all-features -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc -p twin-core --all-features --no-deps
	timeout 300 $(CARGO) test -p twin-core --features tokio,http --test tokio
	timeout 300 $(CARGO) test -p twin-core --features tokio,http --doc
	for tls in native-tls platform-verifier; do timeout 300 $(CARGO) test -p twin-core \
	  --no-default-features --features $$tls --lib --test tls --test tls_system_store || exit 1; done
	$(CARGO) publish --dry-run --allow-dirty -p twin-emulator -p twin-core
test: test-crates

# Runs the emulator on its own (Ctrl-C stops it): make emulator ARGS="--port 8080"
emulator:
	$(CARGO) run -q -p twin-emulator -- $(ARGS)

# The emulator against OpenAPI documents (about a minute): schemathesis with its own
# /openapi.json, then with the live service's (tests/vectors/real/openapi.json, the live quirks
# listed in the script with the capture proving each); then the two documents diffed on every
# shared operation, each difference listed as deliberate or failing.
.PHONY: test-openapi
test-openapi: venv build
	$(VPY) tests/openapi/schemathesis.py 25
	$(VPY) tests/openapi/live_document.py 100
	$(VPY) tests/openapi/diff_documents.py

# The SDK against the live service's own OpenAPI document (tests/vectors/real/openapi.json):
# every operation, parameter and body field reachable in Rust, Python and C (and nothing sent
# that the document does not know), every 2xx response schema decoded (tests/parity).
.PHONY: test-parity
test-parity: wheel-python
	env -u TWIN_API_KEY -u TWIN_BASE_URL $(VPY) -m pytest -q -p no:cacheprovider tests/parity
test: test-parity

# The fault-injection workload and the 16-thread load test at full size (`make test` runs
# them reduced): 2,000 calls through Python, 16 x 500 calls; then the C versions.
.PHONY: chaos
chaos: wheel-python
	cd tests/python && TWIN_CHAOS_CALLS=2000 TWIN_LOAD_CALLS=500 ../../$(VPY) -m pytest -q -s test_chaos.py test_load.py
	$(MAKE) --no-print-directory chaos-c

# Coverage-guided fuzzing of the parsers that see untrusted bytes (not part of `make test`).
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP lets the stable toolchain provide them.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := problem models events webhook cron
fuzz:
	command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --version 0.13.1 --locked
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run $$t -- -max_total_time=$(FUZZ_SECONDS) || exit 1; done

# rustfmt, clippy and rustdoc, all warnings as errors: the first thing `make test` runs.
lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps

# Each binding keeps its own targets (test-python, test-c, ...) beside its code.
include bindings-python/python.mk
include bindings-c/c.mk
# Benchmarks (`make bench`, not part of `make test`) and their smoke run, which is.
include bench/bench.mk
test: bench-smoke
