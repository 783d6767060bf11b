# Benchmarks (issue 7), included by the root Makefile.
#   make bench         every comparison of bench/bench.py on this machine, optimised builds,
#                      writes bench/RESULTS.md (minutes; run it when the machine is quiet)
#   make bench-smoke   a few iterations of every comparison on the debug builds, no timing
#                      checks: part of `make test`, so the benchmarks cannot rot
# BENCH_ROWS=1,5 runs only those rows and prints them; add BENCH_UPDATE=1 to also rewrite
# those rows (only) in bench/RESULTS.md, each saying when and how it was measured.
.PHONY: bench bench-smoke bench-venv

BENCH_DIR := target/bench
# The release wheel of `make dist`, unpacked here and put first on PYTHONPATH: .venv keeps its
# dev build. bench.py refuses to time anything else (twin.__build__ must be "release"); row 12
# reports the sizes of that wheel and of `make c-dist`'s libtwin.so and libtwin.a.
BENCH_SITE := $(BENCH_DIR)/site
BENCH_ROWS ?=
BENCH_UPDATE ?=
# Prints the executable of core/benches/overhead.rs that the cargo command before the pipe built.
BENCH_EXE = $(VPY) -c "import json, sys; print([m['executable'] for m in map(json.loads, sys.stdin) \
	if m.get('reason') == 'compiler-artifact' and m['target']['name'] == 'overhead' and m.get('executable')][-1])"

bench-venv: $(VENV)/.bench-installed
$(VENV)/.bench-installed: bench/requirements.txt $(VENV)/.installed
	$(VPY) -m pip install --quiet -r bench/requirements.txt
	touch $@

bench: bench-venv dist
	$(MAKE) --no-print-directory c-dist TWIN_INSTALL_PROFILE=release
	$(CARGO) build --release -p twin-emulator -p twin-c
	rm -rf $(BENCH_SITE)
	$(VPY) -m pip install --quiet --no-deps --target $(BENCH_SITE) $(DIST_DIR)/*.whl
	$(CC) -O2 -Wall -Iinclude bench/c/agents_get.c -Ltarget/release -ltwin \
		-Wl,-rpath,$(abspath target/release) -o $(BENCH_DIR)/agents_get
	@uptime
	exe=$$($(CARGO) bench -q -p twin-core --bench overhead --no-run --message-format=json | $(BENCH_EXE)) && \
	PYTHONPATH=$(BENCH_SITE) $(VPY) bench/bench.py --emulator target/release/twin-emulator \
		--rust-bench "$$exe" --c-bench $(BENCH_DIR)/agents_get \
		--wheel $(DIST_DIR)/*.whl --c-dist target/c-dist/release \
		$(if $(BENCH_ROWS),--rows $(BENCH_ROWS) $(if $(BENCH_UPDATE),--update bench/RESULTS.md),--out bench/RESULTS.md)

bench-smoke: bench-venv wheel-python
	$(MAKE) --no-print-directory c-dist TWIN_INSTALL_PROFILE=debug
	$(CARGO) build -p twin-emulator -p twin-c
	mkdir -p $(BENCH_DIR)
	$(CC) -Wall -Iinclude bench/c/agents_get.c -Ltarget/debug -ltwin \
		-Wl,-rpath,$(abspath target/debug) -o $(BENCH_DIR)/agents_get-debug
	exe=$$($(CARGO) test -q -p twin-core --bench overhead --no-run --message-format=json | $(BENCH_EXE)) && \
	"$$exe" --smoke && \
	$(VPY) bench/bench.py --smoke --emulator target/debug/twin-emulator \
		--rust-bench "$$exe" --c-bench $(BENCH_DIR)/agents_get-debug \
		--wheel $(PY_WHEEL_DIR)/*.whl --c-dist target/c-dist/debug
