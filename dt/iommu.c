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
 * has no relaxable case). New phandles follow the base's largest.
 *
 * Refused, with the reason, when the kernel would ignore the binding:
 * the device could not be found or sits behind no IOMMU (iommu_pci.c).
 * The values are built here, so the writer only copies bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"
#include "dt-iommu.h"

#define PHANDLE_MAX 0xfffffffeu	/* -1 is "no phandle" */

static int size_scratch(struct mc_map *map, const void *fdt,
			struct dt_iommu *io);

const struct mc_region *dt_iommu_region_of(const struct mc_region *piece)
{
	return piece;	/* a result piece keeps its input's devices */
}

static bool binds(const struct mc_region *r)
{
	return r->kind == MC_RESERVED && r->n_devices &&
	       (r->type == MC_RESV_DIRECT ||
		r->type == MC_RESV_DIRECT_RELAXABLE);
}

static int new_phandle(struct mc_map *map, struct dt_iommu *io,
		       uint32_t *out)
{
	if (io->next_phandle == 0 || io->next_phandle > PHANDLE_MAX)
		return mc_map_report(map, MC_ERANGE, "base",
				     "no phandle left after the base's for the "
				     "iommu-addresses binding");
	*out = io->next_phandle++;
	return 0;
}

/* The index of @pci in io->dev, resolving and adding it the first time. */
static int device_index(struct mc_map *map, const void *fdt,
			struct dt_iommu *io, const struct mc_pci_dev *pci,
			const char *what, size_t *index)
{
	struct dt_iommu_dev dev, *grown;
	int err;

	for (size_t i = 0; i < io->n_dev; i++) {
		const struct mc_pci_dev *d = &io->dev[i].pci;

		if (d->segment == pci->segment && d->bus == pci->bus &&
		    d->devfn == pci->devfn) {
			*index = i;
			return 0;
		}
	}
	err = dt_iommu_pci_find(map, fdt, pci, what, &dev);
	if (err)
		return err;
	dev.phandle = dev.node >= 0 ? fdt_get_phandle(fdt, dev.node) : 0;
	dev.new_phandle = dev.phandle == 0;
	if (dev.new_phandle && (err = new_phandle(map, io, &dev.phandle)))
		return err;
	grown = realloc(io->dev, (io->n_dev + 1) * sizeof(*grown));
	if (!grown)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	io->dev = grown;
	io->dev[io->n_dev] = dev;
	*index = io->n_dev++;
	return 0;
}

static int add_region(struct mc_map *map, struct dt_iommu_dev *dev,
		      uint32_t phandle)
{
	uint32_t *grown = realloc(dev->regions,
				  (dev->n_regions + 1) * sizeof(*grown));

	if (!grown)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	dev->regions = grown;
	dev->regions[dev->n_regions++] = phandle;
	return 0;
}

/* The binding of plan child @i, from its range's devices. */
static int bind_child(struct mc_map *map, const void *fdt,
		      struct dt_iommu *io, const struct dt_child *c, size_t i)
{
	const struct mc_region *r = dt_iommu_region_of(c->piece);
	char what[240], piece[200];
	int err;

	io->child_dev[i] = calloc(r->n_devices, sizeof(size_t));
	if (!io->child_dev[i])
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	err = new_phandle(map, io, &io->phandle[i]);
	dt_fmt_piece(piece, sizeof(piece), c->piece);
	for (size_t d = 0; d < r->n_devices && !err; d++) {
		const struct mc_pci_dev *pci = &r->devices[d];
		size_t k = 0;

		snprintf(what, sizeof(what), "%s: device %04x:%02x:%02x.%x",
			 piece, pci->segment, pci->bus, pci->devfn >> 3,
			 pci->devfn & 7);
		err = device_index(map, fdt, io, pci, what, &k);
		if (!err)
			err = add_region(map, &io->dev[k], io->phandle[i]);
		if (!err)
			io->child_dev[i][io->n_child_dev[i]++] = k;
	}
	return err;
}

int dt_iommu_plan(struct mc_map *map, const struct dt_base *base,
		  const struct dt_plan *plan, struct dt_iommu *io)
{
	size_t n = plan->n_children ? plan->n_children : 1;
	uint32_t max = 0;
	int err = 0;

	*io = (struct dt_iommu){ .n_children = plan->n_children };
	io->phandle = calloc(n, sizeof(*io->phandle));
	io->child_dev = calloc(n, sizeof(*io->child_dev));
	io->n_child_dev = calloc(n, sizeof(*io->n_child_dev));
	if (!io->phandle || !io->child_dev || !io->n_child_dev)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	if (fdt_find_max_phandle(base->fdt, &max))
		return mc_map_report(map, MC_EBADBLOB, "base",
				     "its phandles cannot be read");
	io->next_phandle = max + 1;
	for (size_t i = 0; i < plan->n_children && !err; i++)
		if (binds(dt_iommu_region_of(plan->children[i].piece)))
			err = bind_child(map, base->fdt, io,
					 &plan->children[i], i);
	return err ? err : size_scratch(map, base->fdt, io);
}

void dt_iommu_free(struct dt_iommu *io)
{
	for (size_t i = 0; io->child_dev && i < io->n_children; i++)
		free(io->child_dev[i]);
	for (size_t i = 0; i < io->n_dev; i++)
		free(io->dev[i].regions);
	free(io->dev);
	free(io->phandle);
	free(io->child_dev);
	free(io->n_child_dev);
	free(io->scratch);
	*io = (struct dt_iommu){ 0 };
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

		if (io->dev[i].node >= 0)
			fdt_getprop(fdt, io->dev[i].node, "memory-region",
				    &len);
		if ((size_t)(len > 0 ? len : 0) + 4 * io->dev[i].n_regions >
		    most)
			most = (size_t)(len > 0 ? len : 0) +
			       4 * io->dev[i].n_regions;
	}
	io->scratch_len = most;
	io->scratch = malloc(most);
	return io->scratch ? 0 : mc_map_report(map, MC_ENOMEM, NULL,
					       "out of memory");
}
