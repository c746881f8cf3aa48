# memcarve - see README.md.
#
#   make            libmemcarve.a, libmemcarve.so and the memcarve tool in build/
#   make example    build, then carve the bundled example map and print it
#   make check      every test: unit, golden, sanitizers, valgrind, guest boots
#   make install    PREFIX=/usr/local DESTDIR=
#
# Each installs the Debian packages it needs first, and only those that are
# missing (scripts/deps); NO_DEPS=1 never runs apt and names what is missing.
#
# Sources are found by directory: a new file in core/ or an emitter
# directory is part of the library, a new tests/unit/test_*.c is a test.

VERSION   := $(shell sed -n 's/^\#define MC_VERSION "\(.*\)"/\1/p' include/memcarve.h)
# Before 1.0 the SONAME carries the minor version: 0.2 cannot run 0.1's
# binaries (tests/abi refuses such a change under an old SONAME).
SOVERSION := 1
BUILD     ?= build
PREFIX    ?= /usr/local
LIBDIR    ?= $(PREFIX)/lib
INCDIR    ?= $(PREFIX)/include
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
PCDIR     ?= $(LIBDIR)/pkgconfig

CC        ?= cc
WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	     -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral \
	     -Wpointer-arith -Wvla
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -fPIC \
	     -Iinclude $(CFLAGS) $(SAN_FLAGS)
LDLIBS_LIB := -lfdt

# SANITIZE=1 builds everything with ASan and UBSan, failing on any report.
ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	     -fno-omit-frame-pointer
endif

LIB_DIRS  := core dt e820 acpi cmdline
LIB_SRCS  := $(sort $(wildcard $(addsuffix /*.c,$(LIB_DIRS))))
CLI_SRCS  := $(sort $(wildcard cli/*.c))
TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
HEADERS   := $(wildcard include/*.h internal/*.h \
	     $(addsuffix /*.h,$(LIB_DIRS)) cli/*.h tests/unit/*.h)
# The library's private headers: #include "internal/NAME.h" (-I.), from
# the library's files and the unit tests only, never from the tool.
PRIV_INC  := -I.

LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
TESTS     := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

STATIC    := $(BUILD)/libmemcarve.a
SHARED    := $(BUILD)/libmemcarve.so.$(VERSION)
TOOL      := $(BUILD)/memcarve

.PHONY: all deps check-deps example check unit golden asan clang valgrind \
	cli-output exports includes abi abi-baseline build-deps check-guests \
	install uninstall clean

all: deps $(STATIC) $(SHARED) $(TOOL)

deps:
	@NO_DEPS=$(NO_DEPS) scripts/deps build

check-deps:
	@NO_DEPS=$(NO_DEPS) scripts/deps check

$(BUILD)/obj/cli/%.o: cli/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(PRIV_INC) -Icore -c $< -o $@

$(STATIC): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(SHARED): $(LIB_OBJS) libmemcarve.lds
	$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,libmemcarve.so.$(SOVERSION) \
		-Wl,--version-script=libmemcarve.lds -o $@ $(LIB_OBJS) $(LDLIBS_LIB)
	ln -sf libmemcarve.so.$(VERSION) $(BUILD)/libmemcarve.so.$(SOVERSION)
	ln -sf libmemcarve.so.$(SOVERSION) $(BUILD)/libmemcarve.so

# The tool links the library statically: it runs from build/ as is.
$(TOOL): $(CLI_OBJS) $(STATIC)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJS) $(STATIC) $(LDLIBS_LIB)

$(BUILD)/tests/%: tests/unit/%.c $(STATIC) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(PRIV_INC) -Icore -Itests/unit -o $@ $< $(STATIC) \
		$(LDLIBS_LIB) -lcmocka

EXAMPLE := fixtures/arm64-kvmtool.map

example: all
	$(TOOL) show $(EXAMPLE)

# --- tests -----------------------------------------------------------------

unit: $(TESTS)
	@tests/run-unit $(TESTS)

golden: $(TOOL)
	@tests/golden $(TOOL)

# The same unit and golden tests, built with ASan+UBSan in their own tree.
asan:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan SANITIZE=1 \
		CFLAGS="-O1 -g" unit golden

# clang must accept the code with the same warnings as gcc.
clang:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/clang CC=clang \
		$(BUILD)/clang/memcarve $(patsubst $(BUILD)/%,$(BUILD)/clang/%,$(TESTS))
	@echo "clang: library, tool and tests build without warnings"

# The .so exports exactly the functions include/ declares.
exports: $(SHARED)
	@tests/exports $(SHARED)

# Each part of the library includes the public headers, internal/ and its
# own directory's only: the core knows no emitter, emitters not each other.
includes:
	@tests/includes

# The ABI against the baseline in abi/ (libabigail); abi-baseline rewrites
# it, refusing an incompatible change that keeps the SONAME.
abi: $(SHARED)
	@tests/abi check $(BUILD)

abi-baseline: $(SHARED)
	@tests/abi baseline $(BUILD)

valgrind: $(TOOL)
	@tests/valgrind-cli $(TOOL)

# Output files whole or not at all (needs root for its full-disk tmpfs).
cli-output: $(TOOL)
	@tests/cli-output $(TOOL)

# A fresh clone builds with apt failing, once the packages are present.
build-deps:
	@tests/build-deps

# The Rust crates (bindings/rust): layout, unit, CLI byte-identity and doc
# tests with Debian's cargo and rustc (by path: a rustup toolchain on PATH is
# not what CI has), the library built from these sources (not pkg-config's);
# memcarve-sys again linked through pkg-config to an install in $(BUILD);
# then the drop tests under valgrind.
RUST_ENV := RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
	    MEMCARVE_NO_PKG_CONFIG=1 MEMCARVE_SYS_EXPECT=source \
	    MEMCARVE_CLI=$(abspath $(TOOL))
RUST_CARGO := cd bindings/rust && $(RUST_ENV) /usr/bin/cargo
EXTRA_CHECKS += rust

.PHONY: rust
rust: $(TOOL)
	$(RUST_CARGO) test --offline
	@rm -rf $(BUILD)/rust-prefix
	@$(MAKE) --no-print-directory install PREFIX=$(abspath $(BUILD))/rust-prefix \
		>/dev/null
	cd bindings/rust && RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
		PKG_CONFIG_PATH=$(abspath $(BUILD))/rust-prefix/lib/pkgconfig \
		LD_LIBRARY_PATH=$(abspath $(BUILD))/rust-prefix/lib \
		MEMCARVE_SYS_EXPECT=pkg-config CARGO_TARGET_DIR=target/pkg-config \
		/usr/bin/cargo test --offline -p memcarve-sys
	@exe=$$($(RUST_CARGO) test --offline --test drop --no-run \
		--message-format=json | \
		sed -n 's/.*"executable":"\([^"]*\)".*/\1/p'); \
	test -n "$$exe" || { echo "make rust: no drop test binary" >&2; exit 1; }; \
	echo "valgrind $$exe"; \
	valgrind -q --error-exitcode=1 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect $$exe --test-threads=1

# The DTB of the crate's examples/vmm_flow.rs boots an arm64 guest (the
# tests/guest harness, as check-guests boots the tool's).
EXTRA_CHECKS += rust-guest
.PHONY: rust-guest
rust-guest: $(TOOL)
	python3 bindings/rust/boot_vmm_flow.py

# The harness's self-test, then each emitter's boot proofs; all run even
# when one fails, and any failure fails the target.
check-guests: $(TOOL)
	@st=0; tests/guest/selftest || st=1; \
	for t in $(sort $(wildcard tests/guest/boot_*.py)); do \
		echo "== $$t"; python3 $$t || st=1; \
	done; exit $$st

# Fragments owned by their directories: bench/bench.mk (make bench),
# tests/fuzz/fuzz.mk (make fuzz; it adds fuzz-smoke to EXTRA_CHECKS),
# tests/dt-corpus/dt-corpus.mk (it adds dt-corpus) and examples/vmm/vmm.mk
# (make vmm, the arm64 KVM monitor check-guests boots) and
# tests/tools/tools.mk (it adds tools: render, diff and check).
-include bench/bench.mk tests/fuzz/fuzz.mk tests/dt-corpus/dt-corpus.mk \
	examples/vmm/vmm.mk tests/tools/tools.mk

check: check-deps all unit golden exports includes abi cli-output build-deps clang \
	asan valgrind $(EXTRA_CHECKS) check-guests
	@echo "make check: all passed"

# --- install ----------------------------------------------------------------

# Written by every install, never kept in $(BUILD): a second install with
# another PREFIX must not get the first one's paths.
install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR) $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PCDIR)
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED) $(DESTDIR)$(LIBDIR)/
	ln -sf libmemcarve.so.$(VERSION) \
		$(DESTDIR)$(LIBDIR)/libmemcarve.so.$(SOVERSION)
	ln -sf libmemcarve.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libmemcarve.so
	install -m 644 include/*.h $(DESTDIR)$(INCDIR)/
	install -m 755 $(TOOL) $(DESTDIR)$(BINDIR)/
	install -m 644 doc/memcarve.1 $(DESTDIR)$(MANDIR)/man1/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCDIR@|$(INCDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    memcarve.pc.in >$(DESTDIR)$(PCDIR)/memcarve.pc
	chmod 644 $(DESTDIR)$(PCDIR)/memcarve.pc

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libmemcarve.* $(DESTDIR)$(BINDIR)/memcarve \
	      $(DESTDIR)$(MANDIR)/man1/memcarve.1 $(DESTDIR)$(PCDIR)/memcarve.pc
	cd include && for h in *.h; do rm -f $(DESTDIR)$(INCDIR)/$$h; done

clean:
	rm -rf $(BUILD)
