// SPDX-License-Identifier: MIT
/*
 * iommu_write.c - the iommu-addresses binding (dt-iommu.h), written while
 * write.c streams the base: our children's phandle and iommu-addresses,
 * each device's memory-region (its old entries first) and phandle, and
 * the PCI nodes the base lacked, at the end of their host bridge. A
 * platform device's node is always the base's: it gains memory-region
 * (and phandle) like a PCI function's. Every
 * hook is a no-op without a plan, so --no-iommu-addresses (and fresh
 * mode) write what they wrote before.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"
#include "dt-iommu.h"

/* PCI binding, phys.hi: 32- or 64-bit memory space. */
#define PCI_MEM32 0x02000000u
#define PCI_MEM64 0x03000000u

static void prop_u32(struct dt_out *o, const char *name, uint32_t v)
{
	fdt32_t be = cpu_to_fdt32(v);

	dt_out_prop(o, name, &be, sizeof(be));
}

/* The first entry of @refs (sorted) at @offset, or @n. */
static size_t first_at(const struct dt_iommu_ref *refs, size_t n, int offset)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (refs[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && refs[lo].offset == offset ? lo : n;
}

static const struct dt_iommu_dev *device_at(const struct dt_iommu *io,
					    int node)
{
	size_t i;

	if (!io || !io->n_by_node)
		return NULL;
	i = first_at(io->by_node, io->n_by_node, node);
	return i < io->n_by_node ? &io->dev[io->by_node[i].dev] : NULL;
}

/* @v in @cells big-endian cells at @p; returns the byte after them. */
static unsigned char *put_cells(unsigned char *p, unsigned int cells,
				uint64_t v)
{
	if (cells == 2)
		fdt32_st(p, (uint32_t)(v >> 32));
	fdt32_st(p + 4 * (cells - 1), (uint32_t)v);
	return p + 4 * cells;
}

/*
 * One entry: the device's phandle, then the bus address and size in its
 * parent's cells: a PCI address (phys.hi says memory space) or 1 or 2
 * cells of a platform device's bus.
 */
static unsigned char *entry(unsigned char *e, const struct dt_iommu_dev *dev,
			    uint64_t bus, uint64_t size)
{
	fdt32_st(e, dev->phandle);
	e += 4;
	if (!dev->platform) {
		fdt32_st(e, bus >> 32 ? PCI_MEM64 : PCI_MEM32);
		e += 4;
	}
	e = put_cells(e, dev->platform ? dev->ac : 2, bus);
	return put_cells(e, dev->sc, size);
}

size_t dt_iommu_value(const struct dt_iommu *io, size_t child,
		      uint64_t size)
{
	unsigned char *e = io->scratch;

	for (size_t i = 0; i < io->n_child_dev[child]; i++)
		e = entry(e, &io->dev[io->child_dev[child][i]],
			  io->child_bus[child][i], size);
	return (size_t)(e - io->scratch);
}

void dt_iommu_child_props(struct dt_out *o, const struct dt_iommu *io,
			  size_t child, uint64_t first, uint64_t last)
{
	size_t len;

	if (!io || child >= io->n_children || !io->phandle[child])
		return;
	prop_u32(o, "phandle", io->phandle[child]);
	len = dt_iommu_value(io, child, last - first + 1);
	dt_out_prop(o, "iommu-addresses", io->scratch, len);
}

/* @old: the base's memory-region (@len bytes), kept first. */
static void memory_region(struct dt_out *o, const struct dt_iommu *io,
			  const struct dt_iommu_dev *dev, const char *name,
			  const void *old, size_t len)
{
	if (len)
		memcpy(io->scratch, old, len);
	for (size_t i = 0; i < dev->n_regions; i++)
		fdt32_st(io->scratch + len + 4 * i, dev->regions[i]);
	dt_out_prop(o, name, io->scratch, len + 4 * dev->n_regions);
}

bool dt_iommu_base_prop(struct dt_out *o, const struct dt_iommu *io,
			const void *fdt, int node, const struct dt_tag *t)
{
	const struct dt_iommu_dev *dev;

	(void)fdt;
	if (!io || !io->n_dev || strcmp(t->name, "memory-region") != 0 ||
	    !(dev = device_at(io, node)))
		return false;
	memory_region(o, io, dev, t->name, t->data, (size_t)t->len);
	return true;
}

void dt_iommu_node_props(struct dt_out *o, const struct dt_iommu *io,
			 const void *fdt, int node)
{
	const struct dt_iommu_dev *dev = io && io->n_dev ?
						 device_at(io, node) : NULL;

	if (!dev)
		return;
	if (!fdt_getprop(fdt, node, "memory-region", NULL))
		memory_region(o, io, dev, "memory-region", NULL, 0);
	if (dev->new_phandle)
		prop_u32(o, "phandle", dev->phandle);
}

/* "device@D" or "device@D,F": the PCI binding's unit address. */
static void new_node(struct dt_out *o, const struct dt_iommu *io,
		     const struct dt_iommu_dev *dev)
{
	unsigned int d = dev->pci.devfn >> 3, f = dev->pci.devfn & 7;
	fdt32_t reg[DT_PCI_REG_CELLS] = { 0 };
	char name[32];
	int len = f ? snprintf(name, sizeof(name), "device@%x,%x", d, f)
		    : snprintf(name, sizeof(name), "device@%x", d);

	reg[0] = cpu_to_fdt32((uint32_t)dev->pci.bus << 16 |
			      (uint32_t)dev->pci.devfn << 8);
	dt_out_begin(o, name, (size_t)len);
	dt_out_prop(o, "reg", reg, sizeof(reg));
	memory_region(o, io, dev, "memory-region", NULL, 0);
	prop_u32(o, "phandle", dev->phandle);
	dt_out_end(o);
}

void dt_iommu_new_nodes(struct dt_out *o, const struct dt_iommu *io,
			int end_tag)
{
	size_t i;

	if (!io || !io->n_by_end)
		return;
	for (i = first_at(io->by_end, io->n_by_end, end_tag);
	     i < io->n_by_end && io->by_end[i].offset == end_tag; i++)
		new_node(o, io, &io->dev[io->by_end[i].dev]);
}
