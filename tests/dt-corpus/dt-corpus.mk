# make dt-corpus: "memcarve dt --base" on every DTB of Debian's newest
# arm64 and armhf kernels (downloaded once into the guest cache) and on
# QEMU's trees, each output checked (tests/dt-corpus/README.md). Part of
# make check.
.PHONY: dt-corpus
dt-corpus: $(TOOL)
	@nice python3 tests/dt-corpus/run.py $(TOOL)

EXTRA_CHECKS += dt-corpus
