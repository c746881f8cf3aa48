// SPDX-License-Identifier: MIT
/*
 * fuzz_dt_patch.c - DT patch mode on an arbitrary base blob.
 *
 * The input is the base DTB. Its last byte also picks the options (cells,
 * layout, memreserve, drop-memreserve, no iommu-addresses): that byte lies
 * past a valid tree's totalsize, which patch mode must allow (base_len is
 * the buffer's size). The map's direct range names a PCI device, so a base
 * with an SMMU behind its host bridge (the smmuv3 seed) exercises the
 * iommu-addresses binding; with bit 6 of that byte set, a second map names
 * devices by node path too (the smmuv3-nodes seed has the nodes), so the
 * base's iommus, cells and dma-ranges of any node are read.
 * A tree the library accepts must be one libfdt accepts and our own
 * decoder reads back; the base must be refused (never crash) otherwise.
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "fuzz.h"
#include "memcarve-dt.h"

/* Every kind a tree describes (fixtures/dt/kinds.map). */
static const char map_text[] =
	"arch arm64\n"
	"ram 0x40000000 1G\n"
	"mmio 0x08000000 16M name=gic\n"
	"acpi 0x40100000 1M name=acpi-tables\n"
	"nvs 0x40200000 64K\n"
	"reserved 0x41000000 2M policy=overlay name=fw-log\n"
	"reserved 0x42000000 32M policy=overlay name=pool reusable\n"
	"reserved 0x48000000 1M type=msi name=hole\n"
	"reserved 0x49000000 4K type=direct devices=00:01.0\n"
	"pmem 0x100000000 1G name=nvdimm\n";

/* The same with devices named by path (fixtures/dt/iommu-paths.map). */
static const char paths_text[] =
	"arch arm64\n"
	"ram 0x40000000 1G\n"
	"reserved 0x48000000 16M type=direct policy=overlay "
	"devices=/soc/ethernet@ff0c0000,00:02.0,/pcie@10000000/pci@1,0\n"
	"reserved 0x50000000 2M type=direct-relaxable "
	"devices=/pcie@10000000/pci@1,0,/virtio_mmio@a000000\n";

static void patch(struct mc_map *map, const struct mc_dt_opts *opt)
{
	size_t need = 0, len = 0, blob_len = 0;
	void *out, *blob = NULL;
	int err = mc_dt_build(map, opt, NULL, &need);

	if (err != MC_ENOSPC || need > FUZZ_OUT_MAX)
		return;
	out = malloc(need);
	if (!out)
		fuzz_fail("malloc", MC_ENOMEM);
	len = need;
	err = mc_dt_build(map, opt, out, &len);
	if (err)
		fuzz_fail("mc_dt_build: the size it asked for was not enough",
			  err);
	if (fdt_check_full(out, len))
		fuzz_fail("patch mode wrote a DTB libfdt rejects", MC_EBADBLOB);
	fuzz_round_trip(mc_dt_decode, out, len, "mc_dt_decode of a patched DTB");
	/* the one-shot entry point must give the very same bytes */
	err = mc_dt_build_alloc(map, opt, &blob, &blob_len);
	if (err || blob_len != len || memcmp(blob, out, len))
		fuzz_fail("mc_dt_build_alloc differs from mc_dt_build",
			  err ? err : MC_EINVAL);
	mc_free(blob);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mc_map *kinds, *paths;
	struct mc_map *map;
	uint8_t *base = malloc(size ? size : 1);
	unsigned int pick = size ? data[size - 1] : 0;
	struct mc_dt_opts opt = {
		.cells = pick & 1 ? 2 : 0,
		.layout = pick & 2 ? MC_DT_MEMORY_ONE_NODE
				   : MC_DT_MEMORY_PER_BLOCK,
		.memreserve = (enum mc_dt_memreserve)(pick >> 2 & 3) % 3,
		.drop_base_memreserve = pick & 16,
		.no_iommu_addresses = pick & 32,
	};

	/* The maps are the same every time: carve them once per process. */
	if (!kinds && !(kinds = fuzz_carved(map_text)))
		fuzz_fail("the map does not carve", MC_EINVAL);
	if (!paths && !(paths = fuzz_carved(paths_text)))
		fuzz_fail("the paths map does not carve", MC_EINVAL);
	map = pick & 64 ? paths : kinds;
	if (!base)
		fuzz_fail("malloc", MC_ENOMEM);
	memcpy(base, data, size);
	opt.base = base;
	opt.base_len = size;
	patch(map, &opt);
	mc_map_clear_errors(map);
	free(base);
	return 0;
}
