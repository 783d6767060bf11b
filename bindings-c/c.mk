# C library targets (owned by the C binding), included by the root Makefile:
#   make test-c            the C tests (tests/c) against the emulator, under valgrind and with
#                          -fsanitize=address,undefined; header freshness; install (pkg-config,
#                          CMake, the static library beside another Rust library)
#   make c-dist            the release library, built under target/c-dist/PROFILE (as you)
#   make install           copies it into PREFIX (default /usr/local; `sudo make install` needs
#                          no Rust): twin.h, libtwin.so.X.Y.Z (SONAME libtwin.so.ABI) and its two
#                          symlinks, libtwin.a, twin.pc and the CMake package twin::twin. It runs
#                          c-dist first when nothing is built, and refuses a build older than the
#                          sources. DESTDIR, LIBDIR and INCLUDEDIR work as usual;
#                          TWIN_INSTALL_PROFILE=debug installs the debug build instead.
#   make uninstall         removes exactly what `make install` (same variables) put there
#   make header            regenerate include/twin.h (cbindgen, through build.rs)
#   make chaos-c           the reliability workloads at full size (not in `make test`):
#                          chaos 16 workers x 4 rounds (and 8 x 1 under valgrind),
#                          load 16 threads x 500 calls, 200,000 random webhook deliveries
.PHONY: test-c chaos-c install uninstall c-dist header c-lib c-tools generate

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
# The same, absolute (a relative PREFIX=out is taken from here).
TWIN_PREFIX = $(abspath $(PREFIX))
TWIN_LIBDIR = $(abspath $(LIBDIR))
TWIN_INCLUDEDIR = $(abspath $(INCLUDEDIR))
TWIN_INSTALL_PROFILE ?= release
TWIN_C_VERSION = $(shell sed -n 's/^\#define TWIN_VERSION_STRING "\(.*\)"/\1/p' include/twin.h)
# The number in the SONAME (libtwin.so.0). It changes with any release that breaks the C ABI,
# 0.x included (see CHANGELOG.md, "Versions and compatibility"); the file name carries the
# release (libtwin.so.0.1.0).
TWIN_ABI := 0
# What a program that links libtwin.a also links (`rustc --print native-static-libs`).
TWIN_C_SYSTEM_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
TWIN_C_RELEASE := $(filter release,$(TWIN_INSTALL_PROFILE))
TWIN_C_DIST := target/c-dist/$(TWIN_INSTALL_PROFILE)
TWIN_C_CARGO_OUT := target/$(if $(TWIN_C_RELEASE),release,debug)
OBJCOPY ?= objcopy

# Installs a Debian package when it is missing and this machine can (root with apt-get).
twin_c_apt = command -v $(1) >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	{ apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; }; } || \
	echo "c.mk: $(1) is missing and cannot be installed here"

c-lib:
	$(CARGO) build -p twin-c

header: c-lib

# Rewrites the binding's generated glue (bindings-c/src/generated/) from codegen/models.toml.
generate:
	$(PYTHON) codegen/generate.py

c-tools:
	@$(call twin_c_apt,pkg-config,pkg-config)
	@$(call twin_c_apt,valgrind,valgrind)
	@$(call twin_c_apt,cmake,cmake)

test-c: venv c-tools
	@$(PYTHON) codegen/generate.py --check || { echo "bindings-c/src/generated is stale: run make generate and commit it."; exit 1; }
	$(CARGO) build -p twin-c -p twin-emulator
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && ! git diff --quiet -- include/twin.h; then \
		echo "include/twin.h is stale: the build regenerated it from bindings-c/src; commit it."; \
		git --no-pager diff --stat -- include/twin.h; exit 1; fi
	$(VPY) -m pytest -q -p no:cacheprovider tests/c

chaos-c: venv c-tools
	$(CARGO) build -p twin-c -p twin-emulator
	TWIN_C_CHAOS="16 4" TWIN_C_CHAOS_VALGRIND="8 1" TWIN_C_LOAD="16 500" TWIN_C_FUZZ=200000 \
		$(VPY) -m pytest -q -p no:cacheprovider tests/c -k "chaos or load or fuzz"

# The installed libraries come from one relocatable object holding the whole of libtwin.a, in
# which every global symbol but twin_* is made local: the archive then links beside another
# Rust static library (no duplicate std, ring or rust_eh_personality), and the shared library,
# linked from the same object, exports only twin_*. The one COMDAT group Rust code emits (the
# pointer DW.ref.rust_eh_personality) is renamed too: the linker merges groups by name, so it
# would otherwise keep ours and leave the other library's reference to it unresolved. Debug
# info and LLVM bitcode stay out of release builds.
c-dist:
	$(CARGO) build -p twin-c $(if $(TWIN_C_RELEASE),--release)
	rm -rf $(TWIN_C_DIST) && mkdir -p $(TWIN_C_DIST)
	$(LD) -r --whole-archive $(TWIN_C_CARGO_OUT)/libtwin.a -o $(TWIN_C_DIST)/whole.o
	$(OBJCOPY) --wildcard --keep-global-symbol='twin_*' --remove-section=.llvmbc \
		--remove-section=.llvmcmd $(if $(TWIN_C_RELEASE),--strip-debug) \
		--redefine-sym DW.ref.rust_eh_personality=twin.DW.ref.rust_eh_personality \
		$(TWIN_C_DIST)/whole.o $(TWIN_C_DIST)/twin.o
	rm $(TWIN_C_DIST)/whole.o
	$(AR) rcs $(TWIN_C_DIST)/libtwin.a $(TWIN_C_DIST)/twin.o
	$(CC) -shared -o $(TWIN_C_DIST)/libtwin.so.$(TWIN_C_VERSION) -Wl,-soname,libtwin.so.$(TWIN_ABI) \
		$(TWIN_C_DIST)/twin.o -Wl,--gc-sections -Wl,--eh-frame-hdr -Wl,-z,noexecstack \
		-Wl,-z,relro,-z,now -Wl,-O1 -Wl,--no-undefined -Wl,--as-needed \
		$(if $(TWIN_C_RELEASE),-s) $(TWIN_C_SYSTEM_LIBS)
	rm $(TWIN_C_DIST)/twin.o

# The templates' placeholders (twin.pc.in, cmake/*.cmake.in), filled in at install time.
TWIN_C_SUBST = -e 's|@PREFIX@|$(TWIN_PREFIX)|' -e 's|@LIBDIR@|$(TWIN_LIBDIR)|' \
	-e 's|@INCLUDEDIR@|$(TWIN_INCLUDEDIR)|' -e 's|@VERSION@|$(TWIN_C_VERSION)|' -e 's|@ABI@|$(TWIN_ABI)|' \
	-e 's|@SYSTEM_LIBS@|$(TWIN_C_SYSTEM_LIBS)|'

# Every file install writes, for uninstall to remove (under DESTDIR).
TWIN_C_INSTALLED = $(TWIN_INCLUDEDIR)/twin.h $(TWIN_LIBDIR)/libtwin.so.$(TWIN_C_VERSION) \
	$(TWIN_LIBDIR)/libtwin.so.$(TWIN_ABI) $(TWIN_LIBDIR)/libtwin.so $(TWIN_LIBDIR)/libtwin.a \
	$(TWIN_LIBDIR)/pkgconfig/twin.pc $(TWIN_LIBDIR)/cmake/twin/twinConfig.cmake \
	$(TWIN_LIBDIR)/cmake/twin/twinConfigVersion.cmake
# Sources a build in target/c-dist must not be older than.
TWIN_C_SOURCES = $(shell find core/src bindings-c/src -name '*.rs') include/twin.h Cargo.lock

# Copies only: the build is c-dist's (made here first when there is none), so that
# `sudo make install` needs no Rust and leaves no root-owned file in target/.
install:
	@test -f $(TWIN_C_DIST)/libtwin.a || $(MAKE) --no-print-directory c-dist
	@newer=$$(find $(TWIN_C_SOURCES) -newer $(TWIN_C_DIST)/libtwin.a 2>/dev/null | head -3); \
	if [ -n "$$newer" ]; then echo "install: $(TWIN_C_DIST) is older than the sources" \
	  "($$newer ...): run 'make c-dist' first (as yourself), then 'make install' again"; exit 1; fi
	install -d "$(DESTDIR)$(TWIN_INCLUDEDIR)" "$(DESTDIR)$(TWIN_LIBDIR)/pkgconfig" \
		"$(DESTDIR)$(TWIN_LIBDIR)/cmake/twin"
	install -m 644 include/twin.h "$(DESTDIR)$(TWIN_INCLUDEDIR)/twin.h"
	install -m 755 $(TWIN_C_DIST)/libtwin.so.$(TWIN_C_VERSION) "$(DESTDIR)$(TWIN_LIBDIR)/"
	ln -sfn libtwin.so.$(TWIN_C_VERSION) "$(DESTDIR)$(TWIN_LIBDIR)/libtwin.so.$(TWIN_ABI)"
	ln -sfn libtwin.so.$(TWIN_ABI) "$(DESTDIR)$(TWIN_LIBDIR)/libtwin.so"
	install -m 644 $(TWIN_C_DIST)/libtwin.a "$(DESTDIR)$(TWIN_LIBDIR)/libtwin.a"
	sed $(TWIN_C_SUBST) bindings-c/twin.pc.in > "$(DESTDIR)$(TWIN_LIBDIR)/pkgconfig/twin.pc"
	for f in twinConfig.cmake twinConfigVersion.cmake; do \
	  sed $(TWIN_C_SUBST) bindings-c/cmake/$$f.in > "$(DESTDIR)$(TWIN_LIBDIR)/cmake/twin/$$f" || exit 1; done

uninstall:
	rm -f $(foreach f,$(TWIN_C_INSTALLED),"$(DESTDIR)$(f)")
	rmdir "$(DESTDIR)$(TWIN_LIBDIR)/cmake/twin" 2>/dev/null || true
