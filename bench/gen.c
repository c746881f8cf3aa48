// SPDX-License-Identifier: MIT
/*
 * gen.c - the generated maps: deterministic from a seed, accepted by every
 * emitter.
 *
 * Address space is cut into 256 KiB cells, one range per cell: a range is
 * 64 KiB or 128 KiB at offset 64 KiB of its cell. So ranges never touch
 * (nothing merges, each range is exactly one piece of the carved result),
 * every range is 64 KiB aligned (DMAR asks 4 KiB, IORT 64 KiB) and carving
 * on the 4 KiB granule loses nothing to rounding. Four RAM blocks hold
 * 7/8 of the ranges; the other 1/8 sit in a hole after each block (as in a
 * PCI hole), so both backed and unbacked pieces occur. Direct ranges name
 * one PCI device each, which IORT turns into a stream ID.
 */
#include <inttypes.h>
#include "bench.h"

#define CELL		UINT64_C(0x40000)	/* 256 KiB */
#define RANGE_OFFSET	UINT64_C(0x10000)	/* a gap of 64 KiB before each range */
#define MAP_START	UINT64_C(0x100000000)	/* 4 GiB: clear of any x86 legacy rule */
#define RAM_BLOCKS	4

/* splitmix64: tiny, and the same sequence on every machine. */
static uint64_t next_rand(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* What a range is, as the map file says it. */
struct range_kind {
	const char *kind;
	const char *attr;
	bool direct;
};

static const struct range_kind kinds[] = {
	{ "reserved", "type=reserved", false },
	{ "reserved", "type=msi", false },
	{ "reserved", "type=sw-msi", false },
	{ "reserved", "type=direct", true },
	{ "reserved", "type=direct-relaxable", true },
	{ "acpi", "", false },
	{ "nvs", "", false },
	{ "pmem", "", false },
};

/* One range in the cell at @cell; @i numbers the ranges of the map. */
static void put_range(struct bbuf *out, uint64_t cell, size_t i,
		      enum gen_mix mix, uint64_t *rng)
{
	uint64_t r = next_rand(rng);
	const struct range_kind *k = &kinds[mix == GEN_DIRECT ? 3 : r % 8];
	uint64_t size = (r >> 8) & 1 ? UINT64_C(0x20000) : UINT64_C(0x10000);

	bb_printf(out, "%-8s 0x%" PRIx64 " 0x%" PRIx64 " %s", k->kind,
		  cell + RANGE_OFFSET, size, k->attr);
	if (k->direct)		/* bus 0, devices 1..31, any function */
		bb_printf(out, " devices=00:%02x.%u",
			  (unsigned int)(1 + (r >> 16) % 31),
			  (unsigned int)((r >> 24) % 8));
	if (i % 4 == 0)		/* some named, the rest by their type */
		bb_printf(out, " name=dev%zu", i);
	bb_add(out, "\n", 1);
}

void gen_map_text(struct bbuf *out, size_t n, enum gen_mix mix,
		  uint64_t seed)
{
	uint64_t rng = seed, at = MAP_START;
	size_t done = 0;

	bb_printf(out, "# memcarve-bench: %zu %s ranges, seed %" PRIu64 "\n"
		  "arch     x86_64\ngranule  4K\npolicy   carve\n", n,
		  mix == GEN_DIRECT ? "direct" : "mixed", seed);
	for (size_t k = 0; k < RAM_BLOCKS; k++) {
		size_t in_block = n * (k + 1) / RAM_BLOCKS - n * k / RAM_BLOCKS;
		size_t in_hole = in_block / 8, in_ram = in_block - in_hole;
		uint64_t ram_cells = in_ram ? in_ram : 1;

		bb_printf(out, "ram      0x%" PRIx64 " 0x%" PRIx64
			  " name=dram%zu\n", at, ram_cells * CELL, k);
		for (size_t j = 0; j < in_block; j++, done++)
			put_range(out, at + (j < in_ram ? j : j + 1) * CELL,
				  done, mix, &rng);
		/* The hole ranges, then one empty cell before the next block. */
		at += (ram_cells + in_hole + 2) * CELL;
	}
}

/*
 * A typical guest of a VMM with one passed-through device: two RAM banks
 * around a PCI hole, the interrupt controller's MSI doorbell and the
 * SMMU's software MSI window inside RAM, the x86 MSI window, firmware
 * tables, and one identity-mapped buffer the device DMAs into.
 */
const char *gen_typical_map(void)
{
	return "arch     x86_64\n"
	       "ram      0x0          2G     name=dram0\n"
	       "mmio     0x80000000   1G     name=pci-hole\n"
	       "ram      0x100000000  6G     name=dram1\n"
	       "reserved 0x08000000   1M     type=sw-msi name=smmu-sw-msi\n"
	       "reserved 0x40000000   64K    type=msi name=its-doorbell\n"
	       "reserved 0xfee00000   1M     type=msi name=msi\n"
	       "reserved 0x7f000000   16M    type=direct name=fw-buffer "
	       "devices=00:02.0\n"
	       "acpi     0x7ff00000   64K    name=acpi-tables\n";
}
