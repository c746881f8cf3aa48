// SPDX-License-Identifier: MIT
/*
 * iommu.c - plan the iommu-addresses binding (dt-iommu.h) in patch mode.
 *
 * Every /reserved-memory child of ours that comes from a direct (or
 * direct-relaxable) range with devices gets a phandle and one
 * iommu-addresses entry per device, equal to its reg; every device node
 * gets that phandle in its memory-region, after the ones it had. A
 * device is a PCI function resolved under the base's host bridge
 * (iommu_pci.c); a node is added for it when the base has none. Linux
 * reports such a region as IOMMU_RESV_DIRECT for either type (of_iommu.c
 * has no relaxable case). New phandles follow the base's largest: our
 * children's in tree order, then the devices', by segment, bus, devfn.
 *
 * Refused, with the reason, when the kernel would ignore the binding:
 * the device could not be found or sits behind no IOMMU (iommu_pci.c),
 * or the range cannot be translated on the way to the root
 * (iommu_dma.c: each entry holds the bus address whose translation is
 * the child's reg).
 * Each distinct device is resolved once and every lookup is a binary
 * search, so a map of many ranges and devices plans in O(n log n).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"
#include "dt-iommu.h"
#include "internal/diag.h"
#include "internal/region.h"

#define PHANDLE_MAX 0xfffffffeu	/* -1 is "no phandle" */

/* The input range a child comes from: its type and devices. */
static const struct mc_region *region_of(const struct dt_child *c)
{
	return c->in;
}

static bool binds(const struct mc_region *r)
{
	return r->n_devices && mc_is_direct(r->kind, r->type);
}

static uint32_t key_of(const struct mc_pci_dev *d)
{
	return (uint32_t)d->segment << 16 | (uint32_t)d->bus << 8 | d->devfn;
}

static int by_key(const void *a, const void *b)
{
	uint32_t x = key_of(a), y = key_of(b);

	return x < y ? -1 : x > y;
}

static int new_phandle(struct mc_map *map, struct dt_iommu *io,
		       uint32_t *out)
{
	if (io->next_phandle == 0 || io->next_phandle > PHANDLE_MAX)
		return mc_map_report(map, MC_ERANGE, "opts.base",
				     "no phandle left after the base's for the "
				     "iommu-addresses binding");
	*out = io->next_phandle++;
	return 0;
}

/* Every device the bound children name, once each, sorted. */
static int collect_devices(struct mc_map *map, const struct dt_plan *plan,
			   struct dt_iommu *io, struct mc_pci_dev **out,
			   size_t *n_out)
{
	size_t n = 0, k = 0;
	struct mc_pci_dev *all;

	for (size_t i = 0; i < plan->n_children; i++) {
		const struct mc_region *r;

		r = region_of(&plan->children[i]);
		if (binds(r))
			n += r->n_devices;
	}
	all = calloc(n ? n : 1, sizeof(*all));
	if (!all)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < plan->n_children; i++) {
		const struct mc_region *r;

		r = region_of(&plan->children[i]);
		if (!binds(r))
			continue;
		memcpy(all + k, r->devices, r->n_devices * sizeof(*all));
		k += r->n_devices;
		io->n_child_dev[i] = r->n_devices;
	}
	qsort(all, n, sizeof(*all), by_key);
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || by_key(&all[k - 1], &all[i]) != 0)
			all[k++] = all[i];
	*out = all;
	*n_out = k;
	return 0;
}

/* The first child whose range names @pci: a refusal speaks of it. */
static const struct dt_child *first_naming(const struct dt_plan *plan,
					   const struct mc_pci_dev *pci)
{
	for (size_t i = 0; i < plan->n_children; i++) {
		const struct mc_region *r = region_of(&plan->children[i]);

		for (size_t d = 0; binds(r) && d < r->n_devices; d++)
			if (key_of(&r->devices[d]) == key_of(pci))
				return &plan->children[i];
	}
	return &plan->children[0];	/* not reached: @pci came from one */
}

/* "device SSSS:BB:DD.F: WHY", about the child's range. */
static int refuse(struct mc_map *map, int code, const struct dt_child *c,
		  const struct mc_pci_dev *pci, const char *why)
{
	return mc_diag_range(map, code, "region.devices", c->in, c->first,
			     c->last, "device %04x:%02x:%02x.%x: %s (set "
			     "opts.no_iommu_addresses to write its child "
			     "without the binding)", pci->segment, pci->bus,
			     pci->devfn >> 3, pci->devfn & 7, why);
}

static int resolve_devices(struct mc_map *map, const void *fdt,
			   const struct dt_plan *plan, struct dt_iommu *io,
			   const struct mc_pci_dev *pci, size_t n)
{
	struct dt_pci_bridges bridges;
	int err = dt_iommu_pci_bridges(fdt, &bridges);

	io->dev = calloc(n ? n : 1, sizeof(*io->dev));
	if (err || !io->dev)
		err = mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n && !err; i++) {
		struct dt_iommu_dev *dev = &io->dev[i];
		const char *why = dt_iommu_pci_find(fdt, &bridges, &pci[i],
						    dev);

		if (why) {
			err = refuse(map, MC_EINVAL, first_naming(plan, &pci[i]),
				     &pci[i], why);
			break;
		}
		io->n_dev++;
		dev->phandle = dev->node >= 0 ? fdt_get_phandle(fdt, dev->node)
					      : 0;
		dev->new_phandle = dev->phandle == 0;
	}
	free(bridges.bridge);
	return err;
}

static size_t index_of(const struct dt_iommu *io, const struct mc_pci_dev *d)
{
	size_t lo = 0, hi = io->n_dev;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (key_of(&io->dev[mid].pci) < key_of(d))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int untranslatable(struct mc_map *map, const struct dt_child *c,
			  const struct dt_iommu_dev *dev)
{
	return refuse(map, MC_ERANGE, c, &dev->pci,
		      "the range is not inside one dma-ranges window of each "
		      "bus node from its host bridge to the root (or lies past "
		      "4 GiB under one with #address-cells = 1), so Linux "
		      "cannot translate it");
}

/* Phandles, each child's device list, each device's regions. */
static int link(struct mc_map *map, const void *fdt,
		const struct dt_plan *plan, struct dt_iommu *io)
{
	int err = 0;

	for (size_t i = 0; i < plan->n_children && !err; i++)
		if (io->n_child_dev[i])
			err = new_phandle(map, io, &io->phandle[i]);
	for (size_t i = 0; i < io->n_dev && !err; i++)
		if (io->dev[i].new_phandle)
			err = new_phandle(map, io, &io->dev[i].phandle);
	for (size_t i = 0; i < plan->n_children && !err; i++) {
		const struct mc_region *r;

		if (!io->n_child_dev[i])
			continue;
		r = region_of(&plan->children[i]);
		io->child_dev[i] = calloc(r->n_devices, sizeof(size_t));
		io->child_bus[i] = calloc(r->n_devices, sizeof(uint64_t));
		if (!io->child_dev[i] || !io->child_bus[i])
			return mc_map_report(map, MC_ENOMEM, NULL,
					     "out of memory");
		for (size_t d = 0; d < r->n_devices; d++) {
			const struct dt_child *c = &plan->children[i];
			struct dt_iommu_dev *dev;
			uint32_t *grown;

			io->child_dev[i][d] = index_of(io, &r->devices[d]);
			dev = &io->dev[io->child_dev[i][d]];
			if (!dt_dma_to_bus(fdt, &dev->path, c->first, c->last,
					   &io->child_bus[i][d]))
				return untranslatable(map, c, dev);
			grown = realloc(dev->regions, (dev->n_regions + 1) *
							      sizeof(*grown));
			if (!grown)
				return mc_map_report(map, MC_ENOMEM, NULL,
						     "out of memory");
			dev->regions = grown;
			dev->regions[dev->n_regions++] = io->phandle[i];
		}
	}
	return err;
}

static int by_offset(const void *a, const void *b)
{
	const struct dt_iommu_ref *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->dev < y->dev ? -1 : x->dev > y->dev;
}

/* The writer's two indexes (dt-iommu.h). */
static int index_devices(struct mc_map *map, struct dt_iommu *io)
{
	size_t n = io->n_dev ? io->n_dev : 1;

	io->by_node = calloc(n, sizeof(*io->by_node));
	io->by_end = calloc(n, sizeof(*io->by_end));
	if (!io->by_node || !io->by_end)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < io->n_dev; i++) {
		if (io->dev[i].node >= 0)
			io->by_node[io->n_by_node++] =
				(struct dt_iommu_ref){ io->dev[i].node, i };
		else
			io->by_end[io->n_by_end++] =
				(struct dt_iommu_ref){ io->dev[i].bridge_end,
						       i };
	}
	qsort(io->by_node, io->n_by_node, sizeof(*io->by_node), by_offset);
	qsort(io->by_end, io->n_by_end, sizeof(*io->by_end), by_offset);
	return 0;
}

/* Bytes of the longest value the writer builds: sized once, here. */
static int size_scratch(struct mc_map *map, const void *fdt,
			struct dt_iommu *io)
{
	size_t most = 4 * DT_PCI_REG_CELLS;

	for (size_t i = 0; i < io->n_children; i++)
		if (4 * DT_IOMMU_ENTRY_CELLS * io->n_child_dev[i] > most)
			most = 4 * DT_IOMMU_ENTRY_CELLS * io->n_child_dev[i];
	for (size_t i = 0; i < io->n_dev; i++) {
		int len = 0;
		size_t need;

		if (io->dev[i].node >= 0)
			fdt_getprop(fdt, io->dev[i].node, "memory-region",
				    &len);
		need = (size_t)(len > 0 ? len : 0) + 4 * io->dev[i].n_regions;
		most = need > most ? need : most;
	}
	io->scratch_len = most;
	io->scratch = malloc(most);
	return io->scratch ? 0 : mc_map_report(map, MC_ENOMEM, NULL,
					       "out of memory");
}

int dt_iommu_plan(struct mc_map *map, const struct dt_base *base,
		  const struct dt_plan *plan, struct dt_iommu *io)
{
	size_t n = plan->n_children ? plan->n_children : 1, n_pci = 0;
	struct mc_pci_dev *pci = NULL;
	uint32_t max = 0;
	int err;

	*io = (struct dt_iommu){ .n_children = plan->n_children };
	io->phandle = calloc(n, sizeof(*io->phandle));
	io->child_dev = calloc(n, sizeof(*io->child_dev));
	io->child_bus = calloc(n, sizeof(*io->child_bus));
	io->n_child_dev = calloc(n, sizeof(*io->n_child_dev));
	if (!io->phandle || !io->child_dev || !io->child_bus ||
	    !io->n_child_dev)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	if (fdt_find_max_phandle(base->fdt, &max))
		return mc_map_report(map, MC_EBADBLOB, "opts.base",
				     "its phandles cannot be read");
	io->next_phandle = max + 1;
	err = collect_devices(map, plan, io, &pci, &n_pci);
	if (!err)
		err = resolve_devices(map, base->fdt, plan, io, pci, n_pci);
	free(pci);
	if (!err)
		err = link(map, base->fdt, plan, io);
	if (!err)
		err = index_devices(map, io);
	return err ? err : size_scratch(map, base->fdt, io);
}

void dt_iommu_free(struct dt_iommu *io)
{
	for (size_t i = 0; io->child_dev && i < io->n_children; i++)
		free(io->child_dev[i]);
	for (size_t i = 0; io->child_bus && i < io->n_children; i++)
		free(io->child_bus[i]);
	free(io->child_bus);
	for (size_t i = 0; i < io->n_dev; i++)
		free(io->dev[i].regions);
	free(io->dev);
	free(io->phandle);
	free(io->child_dev);
	free(io->n_child_dev);
	free(io->by_node);
	free(io->by_end);
	free(io->scratch);
	*io = (struct dt_iommu){ 0 };
}
