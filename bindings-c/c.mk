# C library targets (owned by the C binding), included by the root Makefile:
#   make test-c                   the C tests (tests/c) against the emulator, under valgrind and
#                                 with -fsanitize=address,undefined; header freshness; install
#   make install PREFIX=/usr/local  include/twin.h, libtwin.a, libtwin.so and twin.pc
#   make header                   regenerate include/twin.h (cbindgen, through build.rs)
#   make chaos-c                  the reliability workloads at full size (not in `make test`):
#                                 chaos 16 workers x 4 rounds (and 8 x 1 under valgrind),
#                                 load 16 threads x 500 calls, 200,000 random webhook deliveries
# TWIN_C_PROFILE=release builds and installs the optimised library (default: debug, fast to build).
.PHONY: test-c chaos-c install header c-lib c-tools

PREFIX ?= /usr/local
TWIN_C_PROFILE ?= debug
TWIN_C_LIBDIR := target/$(TWIN_C_PROFILE)
TWIN_C_VERSION = $(shell sed -n 's/^\#define TWIN_VERSION_STRING "\(.*\)"/\1/p' include/twin.h)

# Installs a Debian package when it is missing and this machine can (root with apt-get).
twin_c_apt = command -v $(1) >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	{ apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; }; } || \
	echo "c.mk: $(1) is missing and cannot be installed here"

c-lib:
	$(CARGO) build -p twin-c $(if $(filter release,$(TWIN_C_PROFILE)),--release)

header: c-lib

c-tools:
	@$(call twin_c_apt,pkg-config,pkg-config)
	@$(call twin_c_apt,valgrind,valgrind)

test-c: venv c-tools
	$(CARGO) build -p twin-c -p twin-emulator
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && ! git diff --quiet -- include/twin.h; then \
		echo "include/twin.h is stale: the build regenerated it from bindings-c/src; commit it."; \
		git --no-pager diff --stat -- include/twin.h; exit 1; fi
	$(VPY) -m pytest -q -p no:cacheprovider tests/c

chaos-c: venv c-tools
	$(CARGO) build -p twin-c -p twin-emulator
	TWIN_C_CHAOS="16 4" TWIN_C_CHAOS_VALGRIND="8 1" TWIN_C_LOAD="16 500" TWIN_C_FUZZ=200000 \
		$(VPY) -m pytest -q -p no:cacheprovider tests/c -k "chaos or load or fuzz"

install: c-lib
	install -d "$(abspath $(PREFIX))/include" "$(abspath $(PREFIX))/lib/pkgconfig"
	install -m 644 include/twin.h "$(abspath $(PREFIX))/include/twin.h"
	install -m 644 $(TWIN_C_LIBDIR)/libtwin.a "$(abspath $(PREFIX))/lib/libtwin.a"
	install -m 755 $(TWIN_C_LIBDIR)/libtwin.so "$(abspath $(PREFIX))/lib/libtwin.so"
	sed -e 's|@PREFIX@|$(abspath $(PREFIX))|' -e 's|@VERSION@|$(TWIN_C_VERSION)|' \
		bindings-c/twin.pc.in > "$(abspath $(PREFIX))/lib/pkgconfig/twin.pc"
