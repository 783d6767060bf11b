# twin-sdk: the few commands a newcomer needs.
#   make demo   the main job, on the embedded emulator
#   make test   every test (what CI runs)
.PHONY: test demo emulator lint build

CARGO ?= cargo
PYTHON ?= python3

build:
	$(CARGO) build --workspace

test: build
	$(CARGO) test --workspace
	$(PYTHON) examples/python/emulator_tour.py > /dev/null

demo: build
	$(PYTHON) examples/python/emulator_tour.py

# Runs the emulator on its own (Ctrl-C stops it).
emulator:
	$(CARGO) run -q -p twin-emulator -- $(ARGS)

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps
