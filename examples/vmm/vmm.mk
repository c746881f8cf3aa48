# examples/vmm: the KVM monitor, cross-built for arm64 and statically
# linked, so it runs from any arm64 initramfs (the guest boot test's L1).
#
#   make vmm        build/arm64/vmm
#
# The library is built from its own sources by this Makefile's rules with
# the cross compiler, in its own tree. libfdt.a for arm64 comes from
# Debian's package (examples/vmm/libfdt-arm64 says why not multiarch).

VMM_CROSS  := aarch64-linux-gnu-
VMM_BUILD  := $(BUILD)/arm64
VMM        := $(VMM_BUILD)/vmm
VMM_SRCS   := $(sort $(wildcard examples/vmm/*.c))
VMM_CFLAGS := -std=c11 -D_DEFAULT_SOURCE $(WARN) -O2 -Iinclude

.PHONY: vmm vmm-clang
vmm: $(VMM)

$(VMM_BUILD)/libmemcarve.a: $(LIB_SRCS) $(HEADERS)
	@$(MAKE) --no-print-directory BUILD=$(VMM_BUILD) CC=$(VMM_CROSS)gcc \
		AR=$(VMM_CROSS)ar CFLAGS="-O2 -g" $@

$(VMM): $(VMM_SRCS) examples/vmm/vmm.h $(VMM_BUILD)/libmemcarve.a
	fdt=$$(examples/vmm/libfdt-arm64) && \
	$(VMM_CROSS)gcc $(VMM_CFLAGS) -static -o $@ $(VMM_SRCS) \
		$(VMM_BUILD)/libmemcarve.a -L$$fdt -lfdt

# clang must accept the example too (it finds the cross headers itself).
vmm-clang:
	clang --target=aarch64-linux-gnu $(VMM_CFLAGS) -fsyntax-only $(VMM_SRCS)
clang: vmm-clang

# The boot test runs the monitor nested (tests/guest/boot_vmm.py).
check-guests: $(VMM)
