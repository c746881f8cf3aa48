// SPDX-License-Identifier: MIT
/*
 * iommu_decode.c - the iommu-addresses binding (dt-iommu.h) read back.
 *
 * A /reserved-memory child whose every iommu-addresses entry names a
 * device with the child's own range is what Linux reports as
 * IOMMU_RESV_DIRECT for those devices (of_iommu_get_resv_regions(),
 * of_translate_dma_region() through the dma-ranges above the device): it
 * reads back as a direct range with devices=. A device is a PCI function
 * (a node under a host bridge, its devfn and bus in reg), read back as
 * its BDF, or any other node whose parent gives the entry's cells
 * (iommu_node.c), read back as its path. Anything else (another address,
 * a dangling phandle, cells memcarve does not read) reads back as a plain
 * reservation, as before.
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"
#include "dt-iommu.h"
#include "internal/dt-path.h"

/* The PCI function a device node is, if it is one, and its DMA path. */
static bool pci_function(const void *fdt, int node, struct mc_pci_dev *d,
			 struct dt_dma_path **path)
{
	int bridge = fdt_parent_offset(fdt, node), len;
	const fdt32_t *reg, *dom;

	if (!dt_pci_bus(fdt, bridge))
		return false;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < 4 * DT_PCI_REG_CELLS)
		return false;
	/* the host bridge (a bridge node above gives its own domain) */
	while (dt_pci_bus(fdt, fdt_parent_offset(fdt, bridge)))
		bridge = fdt_parent_offset(fdt, bridge);
	dom = fdt_getprop(fdt, bridge, "linux,pci-domain", &len);
	d->segment = dom && len == 4 ? (uint16_t)fdt32_ld(dom) : 0;
	d->bus = (uint8_t)(fdt32_ld(reg) >> 16);
	d->devfn = (uint8_t)(fdt32_ld(reg) >> 8);
	*path = malloc(sizeof(**path));
	if (*path && dt_dma_path(fdt, bridge, *path) == 0)
		return true;
	free(*path);
	*path = NULL;
	return false;
}

/* Any other device node: its parent's cells and its DMA path. */
static bool other_device(const void *fdt, int node, unsigned int *ac,
			 unsigned int *sc, struct dt_dma_path **path)
{
	int parent = fdt_parent_offset(fdt, node);

	if (parent < 0 || dt_pci_bus(fdt, parent) ||
	    !dt_iommu_node_cells(fdt, parent, ac, sc))
		return false;
	*path = malloc(sizeof(**path));
	if (*path && dt_dma_path(fdt, parent, *path) == 0)
		return true;
	free(*path);
	*path = NULL;
	return false;
}

static int by_phandle(const void *a, const void *b)
{
	const struct dt_phandle_node *x = a, *y = b;

	return x->phandle < y->phandle ? -1 : x->phandle > y->phandle;
}

static int build_index(const void *fdt, struct dt_iommu_index *ix)
{
	size_t cap = 0;

	ix->built = true;
	for (int node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		uint32_t ph = fdt_get_phandle(fdt, node);

		if (!ph)
			continue;
		if (ix->n == cap) {
			struct dt_phandle_node *grown;

			cap = cap ? 2 * cap : 64;
			grown = realloc(ix->e, cap * sizeof(*grown));
			if (!grown)
				return MC_ENOMEM;
			ix->e = grown;
		}
		ix->e[ix->n++] = (struct dt_phandle_node){ .phandle = ph,
							   .node = node };
	}
	if (ix->n)	/* a tree without phandles: ix->e is NULL */
		qsort(ix->e, ix->n, sizeof(*ix->e), by_phandle);
	return 0;
}

/* The device at phandle @ph, read once; NULL if none the binding names. */
static const struct dt_phandle_node *device_at(const void *fdt,
					       struct dt_iommu_index *ix,
					       uint32_t ph)
{
	struct dt_phandle_node key = { .phandle = ph }, *e;

	if (!ix->n)
		return NULL;
	e = bsearch(&key, ix->e, ix->n, sizeof(*ix->e), by_phandle);
	if (!e)
		return NULL;
	if (e->state == 0 && pci_function(fdt, e->node, &e->pci, &e->path)) {
		e->state = 1;
		e->ac = 3;
		e->sc = 2;
	} else if (e->state == 0) {
		e->state = other_device(fdt, e->node, &e->ac, &e->sc, &e->path)
				   ? 2 : -1;
	}
	return e->state > 0 ? e : NULL;
}

void dt_iommu_index_free(struct dt_iommu_index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		free(ix->e[i].path);
	free(ix->e);
	*ix = (struct dt_iommu_index){ 0 };
}

void dt_iommu_names_free(struct dt_iommu_names *names)
{
	for (size_t i = 0; i < names->n_paths; i++)
		free(names->paths[i]);
	free(names->paths);
	free(names->devs);
	*names = (struct dt_iommu_names){ 0 };
}

/* Node @node's path, if a map can name it (internal/dt-path.h). */
static char *path_of(const void *fdt, int node)
{
	char buf[1024], why[256];

	if (fdt_get_path(fdt, node, buf, sizeof(buf)) ||
	    mc_dt_path_check(buf, why, sizeof(why)))
		return NULL;
	return strdup(buf);
}

/*
 * One entry at @v (@room bytes left) about [@first, +@size): its device
 * into @names. Return: the entry's bytes, or 0 if it is not one Linux
 * reports as direct for a device memcarve can name.
 */
static size_t one_entry(const void *fdt, struct dt_iommu_index *ix,
			const unsigned char *v, size_t room, uint64_t first,
			uint64_t size, struct dt_iommu_names *names,
			size_t *n_devs)
{
	const struct dt_phandle_node *e;
	size_t step;
	uint64_t cpu = 0, bus;
	unsigned int at;

	if (room < 4 || !(e = device_at(fdt, ix, dt_cells_get(v, 1))))
		return 0;
	step = 4 * (1 + (size_t)e->ac + e->sc);
	at = e->state == 1 ? 8 : 4;	/* a PCI address: after phys.hi */
	if (step > room)
		return 0;
	bus = dt_cells_get(v + at, e->state == 1 ? 2 : e->ac);
	/* Linux's view: the translated start, the size as written */
	if (dt_cells_get(v + 4 + 4 * e->ac, e->sc) != size ||
	    !dt_dma_to_cpu(fdt, e->path, bus, size, &cpu) || cpu != first)
		return 0;
	if (e->state == 1) {
		names->devs[(*n_devs)++] = e->pci;
		return step;
	}
	names->paths[names->n_paths] = path_of(fdt, e->node);
	return names->paths[names->n_paths++] ? step : 0;
}

int dt_iommu_decode(struct mc_map *map, const void *fdt, int child,
		    unsigned int ac, unsigned int sc, struct mc_region *r,
		    struct dt_iommu_names *names, struct dt_iommu_index *ix)
{
	const unsigned char *v, *reg;
	int len, reg_len;
	size_t max, n_devs = 0, step = 1;
	uint64_t first, size;

	*names = (struct dt_iommu_names){ 0 };
	v = fdt_getprop(fdt, child, "iommu-addresses", &len);
	reg = fdt_getprop(fdt, child, "reg", &reg_len);
	if (!v || len <= 0 || len % 4 || !reg ||
	    (size_t)reg_len < 4 * (ac + sc))
		return 0;
	if (!ix->built && build_index(fdt, ix))
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	first = dt_cells_get(reg, ac);
	size = dt_cells_get(reg + 4 * ac, sc);
	max = (size_t)len / 12 + 1;	/* an entry has 3 cells at least */
	names->devs = calloc(max, sizeof(*names->devs));
	names->paths = calloc(max, sizeof(*names->paths));
	if (!names->devs || !names->paths) {
		dt_iommu_names_free(names);
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	}
	for (size_t at = 0; at < (size_t)len && step; at += step)
		step = one_entry(fdt, ix, v + at, (size_t)len - at, first, size,
				 names, &n_devs);
	if (!step) {
		dt_iommu_names_free(names);
		return 0;
	}
	r->type = MC_RESV_DIRECT;
	r->devices = names->devs;
	r->n_devices = n_devs;
	return 0;
}
