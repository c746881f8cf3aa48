// SPDX-License-Identifier: MIT
/*
 * iommu_dma.c - a device's DMA addresses, as Linux translates them.
 *
 * of_translate_dma_region() (drivers/of/address.c) turns an
 * iommu-addresses entry into a CPU address by walking from the device up
 * to the root: at each bus node N (the host bridge, then its parents) an
 * absent or empty dma-ranges is 1:1, and a non-empty one maps a window of
 * N's child addresses (N's #address-cells; for PCI the last two of the
 * three, its space code memory) to N's parent's (the parent's
 * #address-cells), N's #size-cells long. Each level holds the address in
 * the parent's cells, so a 1-cell level cuts it to 32 bits.
 *
 * @bridge is the device's parent: a PCI host bridge, whose child
 * addresses are PCI's three cells, or any other bus node (a platform
 * device's). The path is read once per device (dt_dma_path());
 * dt_dma_to_bus() runs
 * it backwards for the writer (the bus address whose translation is the
 * range), dt_dma_to_cpu() forwards for the decoder. A range must fit in
 * one window at every level, else it is refused: Linux translates only
 * the entry's start and would map the rest wrongly.
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"
#include "dt-iommu.h"

static unsigned int cells_of(const void *fdt, int node, const char *name,
			     unsigned int dflt)
{
	const fdt32_t *v;
	int len;

	v = fdt_getprop(fdt, node, name, &len);
	return v && len == 4 ? fdt32_ld(v) : dflt;
}

int dt_dma_path(const void *fdt, int bridge, struct dt_dma_path *path)
{
	int node = bridge;

	*path = (struct dt_dma_path){ 0 };
	while (node > 0 && path->n < DT_DMA_LEVELS) {
		int parent = fdt_parent_offset(fdt, node);

		if (parent < 0)
			return MC_EBADBLOB;
		path->level[path->n++] = (struct dt_dma_level){
			.node = node,
			.ac = cells_of(fdt, node, "#address-cells", 2),
			.sc = cells_of(fdt, node, "#size-cells", 1),
			.pac = cells_of(fdt, parent, "#address-cells", 2),
			.pci = node == bridge && dt_pci_bus(fdt, node),
		};
		node = parent;
	}
	return node > 0 ? MC_ERANGE : 0;
}

/* An address of @cells cells (PCI: mid and lo of three), or no value. */
static bool read_addr(const unsigned char *p, unsigned int cells, bool pci,
		      uint64_t *out)
{
	if (pci) {
		unsigned int space = (fdt32_ld((const fdt32_t *)(const void *)p)
				      >> 24) & 3;

		*out = dt_cells_get(p + 4, 2);
		return space == 2 || space == 3;	/* memory */
	}
	if (cells < 1 || cells > 2)
		return false;
	*out = dt_cells_get(p, cells);
	return true;
}

/*
 * Through one level: @to_child maps a parent address to the child bus,
 * else a child address to the parent bus. [*@a, *@a + @len - 1] must lie
 * in one window. False if it does not.
 */
static bool through(const void *fdt, const struct dt_dma_level *l,
		    bool to_child, uint64_t *a, uint64_t len)
{
	const unsigned char *v;
	unsigned int ac = l->pci ? 3 : l->ac;
	size_t step = 4 * ((size_t)ac + l->pac + l->sc);
	int n;

	v = fdt_getprop(fdt, l->node, "dma-ranges", &n);
	if (!v || n <= 0)
		return l->pac > 1 || *a + (len - 1) <= UINT32_MAX;	/* 1:1 */
	if (l->sc < 1 || l->sc > 2 || l->pac < 1 || l->pac > 2)
		return false;
	for (size_t at = 0; at + step <= (size_t)n; at += step) {
		uint64_t child, parent, size, from, to;

		if (!read_addr(v + at, ac, l->pci, &child))
			continue;
		parent = dt_cells_get(v + at + 4 * ac, l->pac);
		size = dt_cells_get(v + at + 4 * (ac + l->pac), l->sc);
		from = to_child ? parent : child;
		to = to_child ? child : parent;
		if (!size || *a < from || *a - from > size - 1 ||
		    len - 1 > size - 1 - (*a - from))
			continue;
		*a = to + (*a - from);
		return true;
	}
	return false;
}

bool dt_dma_to_bus(const void *fdt, const struct dt_dma_path *path,
		   uint64_t first, uint64_t last, uint64_t *bus)
{
	uint64_t a = first, len = last - first + 1;

	for (size_t i = path->n; i-- > 0;)
		if (!through(fdt, &path->level[i], true, &a, len))
			return false;
	*bus = a;
	return true;
}

bool dt_dma_to_cpu(const void *fdt, const struct dt_dma_path *path,
		   uint64_t bus, uint64_t len, uint64_t *cpu)
{
	uint64_t a = bus;

	for (size_t i = 0; i < path->n; i++)
		if (!through(fdt, &path->level[i], false, &a, len))
			return false;
	*cpu = a;
	return true;
}
