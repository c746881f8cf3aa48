// SPDX-License-Identifier: MIT
/*
 * fuzz_acpi_patch.c - ACPI patch mode on an arbitrary base table.
 *
 * The input is the base table. Its signature picks the table it patches
 * (DMAR, IVRS or IORT, each with a map whose direct ranges it can hold;
 * SRAT, with a map of two NUMA nodes, pmem and a hotplug window);
 * any other signature is patched as the table its first byte selects, so
 * the refusal of a wrong signature is exercised too. A patched table must
 * read back through our own decoder and link under an RSDP.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "memcarve-acpi.h"

/* fixtures/acpi/x86-direct.map: RMRRs / IVMDs. */
static const char x86_text[] =
	"arch x86_64\n"
	"ram 0x0 640K name=lowmem\n"
	"reserved 0xa0000 384K name=legacy\n"
	"ram 0x100000 2047M name=below-2g\n"
	"mmio 0xc0000000 1G name=pci-hole\n"
	"reserved 0x7e000000 1M type=direct name=usb-rmrr devices=00:03.0\n"
	"reserved 0x7f000000 64K type=direct name=fw-log "
	"devices=00:04.0,01:00.0 readonly\n"
	"reserved 0x7f100000 2M type=direct-relaxable name=gpu-fb "
	"devices=00:05.0,00:05.1,00:05.2\n";

/* fixtures/acpi/arm64-rmr.map: RMR nodes. */
static const char arm_text[] =
	"arch arm64\n"
	"mmio 0x08000000 16M name=gic\n"
	"ram 0x40000000 2G name=dram0\n"
	"reserved 0x48000000 16M type=direct name=fw-buffer devices=00:02.0\n"
	"reserved 0x50000000 1M type=direct-relaxable name=fb "
	"devices=00:03.0,00:03.1 access=normal-nc\n"
	"reserved 0x08080000 64K type=direct name=msi-window "
	"sids=0x10,0x11,0x18 privileged\n";

/* fixtures/srat/two-nodes.map: an SRAT's memory affinity. */
static const char numa_text[] =
	"arch x86_64\n"
	"ram 0x0 640K node=0\n"
	"ram 0x100000 0x7ff00000 node=0\n"
	"acpi 0x7fff0000 64K\n"
	"ram 0x100000000 4G node=1\n"
	"reserved 0x140000000 2M\n"
	"pmem 0x200000000 2G node=1\n"
	"hotplug 0x280000000 8G node=1\n";

static enum mc_acpi_table pick_table(const uint8_t *data, size_t size)
{
	static const char sig[][4] = { "DMAR", "IVRS", "IORT", "SRAT" };

	for (int i = 0; size >= 4 && i < 4; i++)
		if (memcmp(data, sig[i], 4) == 0)
			return (enum mc_acpi_table)(MC_ACPI_DMAR + i);
	return (enum mc_acpi_table)(MC_ACPI_DMAR + (size ? data[0] % 4 : 0));
}

static int (*const decoders[])(struct mc_map *, const void *, size_t) = {
	[MC_ACPI_DMAR] = mc_acpi_dmar_decode,
	[MC_ACPI_IVRS] = mc_acpi_ivrs_decode,
	[MC_ACPI_IORT] = mc_acpi_iort_decode,
	[MC_ACPI_SRAT] = mc_acpi_srat_decode,
};

static void check_output(enum mc_acpi_table t, const uint8_t *out,
			 size_t len)
{
	const void *tables[1] = { out };
	struct mc_map *back = fuzz_carved("ram 0 16G\n");
	void *rsdp;
	size_t rsdp_len;

	fuzz_round_trip(decoders[t], out, len, "decoding a patched table");
	if (!back || mc_acpi_rsdp_alloc(back, 0x80000, tables, &len, 1, NULL,
					&rsdp, &rsdp_len))
		fuzz_fail("mc_acpi_rsdp rejects a patched table", MC_EBADBLOB);
	mc_free(rsdp);
	mc_map_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mc_map *x86, *arm, *numa;
	enum mc_acpi_table t = pick_table(data, size);
	struct mc_map *map;
	uint8_t *base = malloc(size ? size : 1);
	struct mc_acpi_opts o;
	void *out = NULL;
	size_t len = 0;

	if (!x86 && !(x86 = fuzz_carved(x86_text)))
		fuzz_fail("the x86 map does not carve", MC_EINVAL);
	if (!arm && !(arm = fuzz_carved(arm_text)))
		fuzz_fail("the arm64 map does not carve", MC_EINVAL);
	if (!numa && !(numa = fuzz_carved(numa_text)))
		fuzz_fail("the NUMA map does not carve", MC_EINVAL);
	if (!base)
		fuzz_fail("malloc", MC_ENOMEM);
	memcpy(base, data, size);
	map = t == MC_ACPI_IORT ? arm : t == MC_ACPI_SRAT ? numa : x86;
	mc_acpi_opts_init(&o);
	o.base = base;
	o.base_len = size;
	if (mc_acpi_build_alloc(map, t, &o, &out, &len) == 0) {
		check_output(t, out, len);
		mc_free(out);
	}
	mc_map_clear_errors(map);
	free(base);
	return 0;
}
