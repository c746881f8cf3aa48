// SPDX-License-Identifier: MIT
/*
 * iommu_decode.c - the iommu-addresses binding (dt-iommu.h) read back.
 *
 * A /reserved-memory child whose every iommu-addresses entry names a PCI
 * function (a node under a host bridge, its devfn and bus in reg) with
 * the child's own range is what Linux reports as IOMMU_RESV_DIRECT for
 * those functions (of_iommu_get_resv_regions(), of_translate_dma_region()
 * through a host bridge without dma-ranges): it reads back as a direct
 * range with devices=. Anything else (a non-PCI device, another address,
 * a dangling phandle) reads back as a plain reservation, as before.
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"
#include "dt-iommu.h"

static bool pci_bus(const void *fdt, int node)
{
	const char *type = node >= 0 ?
				   fdt_getprop(fdt, node, "device_type", NULL) :
				   NULL;

	return type && strcmp(type, "pci") == 0;
}

/* The PCI function a device node is, if it is one, and its DMA path. */
static bool pci_function(const void *fdt, int node, struct mc_pci_dev *d,
			 struct dt_dma_path **path)
{
	int bridge = fdt_parent_offset(fdt, node), len;
	const fdt32_t *reg, *dom;

	if (!pci_bus(fdt, bridge))
		return false;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < 4 * DT_PCI_REG_CELLS)
		return false;
	/* the host bridge (a bridge node above gives its own domain) */
	while (pci_bus(fdt, fdt_parent_offset(fdt, bridge)))
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
		ix->e[ix->n++] = (struct dt_phandle_node){ ph, node, 0, { 0 },
							   NULL };
	}
	if (ix->n)	/* a tree without phandles: ix->e is NULL */
		qsort(ix->e, ix->n, sizeof(*ix->e), by_phandle);
	return 0;
}

/* The PCI function at phandle @ph, if it is one; NULL otherwise. */
static const struct dt_phandle_node *pci_at(const void *fdt,
					    struct dt_iommu_index *ix,
					    uint32_t ph)
{
	struct dt_phandle_node key = { .phandle = ph }, *e;

	if (!ix->n)
		return NULL;
	e = bsearch(&key, ix->e, ix->n, sizeof(*ix->e), by_phandle);
	if (!e)
		return NULL;
	if (e->state == 0)
		e->state = pci_function(fdt, e->node, &e->pci, &e->path) ? 1
									  : -1;
	return e->state > 0 ? e : NULL;
}

void dt_iommu_index_free(struct dt_iommu_index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		free(ix->e[i].path);
	free(ix->e);
	*ix = (struct dt_iommu_index){ 0 };
}

int dt_iommu_decode(struct mc_map *map, const void *fdt, int child,
		    unsigned int ac, unsigned int sc, struct mc_region *r,
		    struct mc_pci_dev **devs, struct dt_iommu_index *ix)
{
	const unsigned char *v, *reg;
	int len, reg_len;
	size_t n, step = 4 * DT_IOMMU_ENTRY_CELLS;
	uint64_t first, size;

	*devs = NULL;
	v = fdt_getprop(fdt, child, "iommu-addresses", &len);
	reg = fdt_getprop(fdt, child, "reg", &reg_len);
	if (!v || len <= 0 || len % step || !reg ||
	    (size_t)reg_len < 4 * (ac + sc))
		return 0;
	if (!ix->built && build_index(fdt, ix))
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	first = dt_cells_get(reg, ac);
	size = dt_cells_get(reg + 4 * ac, sc);
	n = (size_t)len / step;
	*devs = calloc(n, sizeof(**devs));
	if (!*devs)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++, v += step) {
		const struct dt_phandle_node *e = pci_at(fdt, ix,
							 dt_cells_get(v, 1));
		uint64_t cpu = 0;

		if (e)
			(*devs)[i] = e->pci;
		/* Linux's view: the translated start, the size as written */
		if (!e || dt_cells_get(v + 16, 2) != size ||
		    !dt_dma_to_cpu(fdt, e->path, dt_cells_get(v + 8, 2), size,
				   &cpu) || cpu != first) {
			free(*devs);
			*devs = NULL;
			return 0;
		}
	}
	r->type = MC_RESV_DIRECT;
	r->devices = *devs;
	r->n_devices = n;
	return 0;
}
