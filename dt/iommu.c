// SPDX-License-Identifier: MIT
/*
 * iommu.c - plan the iommu-addresses binding (dt-iommu.h) in patch mode.
 *
 * Every /reserved-memory child of ours that comes from a direct (or
 * direct-relaxable) range with devices gets a phandle and one
 * iommu-addresses entry per device, equal to its reg; every device node
 * gets that phandle in its memory-region, after the ones it had. A
 * device is a PCI function resolved under the base's host bridge
 * (iommu_pci.c; a node is added for it when the base has none), named by
 * its BDF or by its node's path, or any other node named by its path
 * (iommu_node.c: a platform device, behind an IOMMU by its iommus). Linux
 * reports such a region as IOMMU_RESV_DIRECT for either type (of_iommu.c
 * has no relaxable case). New phandles follow the base's largest: our
 * children's in tree order, then the devices', PCI functions by segment,
 * bus, devfn, then the other nodes in tree order.
 *
 * Refused, with the reason, when the kernel would ignore the binding:
 * the device could not be found or sits behind no IOMMU (iommu_pci.c,
 * iommu_node.c), a path names no node of the base,
 * the range cannot be translated on the way to the root
 * (iommu_dma.c: each entry holds the bus address whose translation is
 * the child's reg), or Linux would misread a child's entries (its loop
 * steps over other devices' entries a cell at a time).
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

/* Keys order the devices: PCI functions by BDF, then other nodes. */
#define KEY_NODE (UINT64_C(1) << 32)

/* One device as a child names it, before they are resolved and merged. */
struct dev_ref {
	uint64_t key;		/* PCI: segment, bus, devfn; else KEY_NODE |
				   its node's offset */
	struct mc_pci_dev pci;
	int node;		/* its node, when named by path; else -1 */
	const char *name;	/* that path, or NULL */
	size_t child;		/* the first child naming it */
};

/* What collect() finds: the devices once each, each child's keys. */
struct named {
	struct dev_ref *ref;
	size_t n;
	uint64_t **key;		/* per plan child, NULL if it binds none */
};

static uint64_t pci_key(const struct mc_pci_dev *d)
{
	return (uint64_t)d->segment << 16 | (uint64_t)d->bus << 8 | d->devfn;
}

static uint64_t dev_key(const struct dt_iommu_dev *d)
{
	return d->platform ? KEY_NODE | (uint32_t)d->node : pci_key(&d->pci);
}

/* The devices child @c names: its PCI devices and *@n_paths paths. */
static size_t n_named(const struct mc_map *map, const struct dt_child *c,
		      const char *const **paths, size_t *n_paths)
{
	size_t n_in;
	const struct mc_region *in = mc_map_input(map, &n_in);

	*paths = NULL;
	*n_paths = 0;
	if (!mc_is_direct(c->in->kind, c->in->type))
		return 0;
	*paths = mc_map_device_paths(map, (size_t)(c->in - in), n_paths);
	return c->in->n_devices + *n_paths;
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

/* "0000:00:02.0", "/soc/dma@0" or "/pcie@0/pci@1,0 (0000:00:01.0)". */
static void dev_name(char *buf, size_t len, const char *path, bool platform,
		     const struct mc_pci_dev *pci)
{
	char bdf[16];

	snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", pci->segment,
		 pci->bus, pci->devfn >> 3, pci->devfn & 7);
	if (platform)
		snprintf(buf, len, "%s", path);
	else if (path)
		snprintf(buf, len, "%s (%s)", path, bdf);
	else
		snprintf(buf, len, "%s", bdf);
}

/* "device NAME: WHY", about the child's range. */
static int refuse(struct mc_map *map, int code, const struct dt_child *c,
		  const char *name, const char *why)
{
	return mc_diag_range(map, code, "region.devices", c->in, c->first,
			     c->last, "device %s: %s (set "
			     "opts.no_iommu_addresses to write its child "
			     "without the binding)", name, why);
}

/* A path's node: a PCI function (keyed by BDF) or another device. */
static int resolve_path(struct mc_map *map, const void *fdt,
			const struct dt_pci_bridges *bridges,
			const struct dt_child *c, const char *path,
			struct dev_ref *ref)
{
	int node = fdt_path_offset(fdt, path);
	const char *why;

	if (node < 0)
		return refuse(map, MC_EINVAL, c, path,
			      "the base tree has no such node");
	*ref = (struct dev_ref){ .node = node, .name = path };
	if (dt_iommu_pci_node(fdt, bridges, node, &ref->pci, &why)) {
		ref->key = pci_key(&ref->pci);
		return 0;
	}
	ref->key = KEY_NODE | (uint32_t)node;
	return why ? refuse(map, MC_EINVAL, c, path, why) : 0;
}

static int by_ref(const void *a, const void *b)
{
	const struct dev_ref *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->child < y->child ? -1 : x->child > y->child;
}

/* A child naming one device twice (a BDF and its node's path, say). */
static int twice(struct mc_map *map, const struct dt_child *c,
		 const struct dev_ref *refs, size_t n)
{
	struct dev_ref *sorted = malloc(n * sizeof(*sorted));
	char a[MC_DIAG_MAX / 4], b[MC_DIAG_MAX / 4];
	int err = 0;

	if (!sorted)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	memcpy(sorted, refs, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_ref);
	for (size_t i = 1; i < n && !err; i++) {
		const struct dev_ref *x = &sorted[i - 1], *y = &sorted[i];

		if (x->key != y->key)
			continue;
		dev_name(a, sizeof(a), x->name, x->key & KEY_NODE, &x->pci);
		dev_name(b, sizeof(b), y->name, y->key & KEY_NODE, &y->pci);
		err = mc_diag_range(map, MC_EINVAL, "region.devices", c->in,
				    c->first, c->last, "names one device "
				    "twice, as %s and as %s", a, b);
	}
	free(sorted);
	return err;
}

/* Child @i's devices into @nm: its keys, and a reference for each. */
static int collect_child(struct mc_map *map, const void *fdt,
			 const struct dt_pci_bridges *bridges,
			 const struct dt_plan *plan, size_t i,
			 struct named *nm, struct dt_iommu *io)
{
	const struct dt_child *c = &plan->children[i];
	const char *const *paths;
	size_t n_paths, n = n_named(map, c, &paths, &n_paths), k = 0;
	int err = 0;

	if (!n)
		return 0;
	nm->key[i] = calloc(n, sizeof(*nm->key[i]));
	if (!nm->key[i])
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	io->n_child_dev[i] = n;
	for (; k < c->in->n_devices; k++)
		nm->ref[nm->n + k] = (struct dev_ref){
			pci_key(&c->in->devices[k]), c->in->devices[k], -1,
			NULL, i };
	for (size_t p = 0; p < n_paths && !err; p++, k++) {
		err = resolve_path(map, fdt, bridges, c, paths[p],
				   &nm->ref[nm->n + k]);
		nm->ref[nm->n + k].child = i;
	}
	for (k = 0; k < n && !err; k++)
		nm->key[i][k] = nm->ref[nm->n + k].key;
	err = err ? err : twice(map, c, nm->ref + nm->n, n);
	nm->n += n;
	return err;
}

/* Every device the bound children name, once each, sorted by key. */
static int collect(struct mc_map *map, const void *fdt,
		   const struct dt_pci_bridges *bridges,
		   const struct dt_plan *plan, struct dt_iommu *io,
		   struct named *nm)
{
	size_t total = 0, k = 0, n_paths;
	const char *const *paths;
	int err = 0;

	for (size_t i = 0; i < plan->n_children; i++)
		total += n_named(map, &plan->children[i], &paths, &n_paths);
	nm->ref = calloc(total ? total : 1, sizeof(*nm->ref));
	nm->key = calloc(plan->n_children ? plan->n_children : 1,
			 sizeof(*nm->key));
	if (!nm->ref || !nm->key)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < plan->n_children && !err; i++)
		err = collect_child(map, fdt, bridges, plan, i, nm, io);
	if (err)
		return err;
	qsort(nm->ref, nm->n, sizeof(*nm->ref), by_ref);
	/* one per device: the first child's, with a path if any names it */
	for (size_t i = 0; i < nm->n; i++) {
		if (k && nm->ref[k - 1].key == nm->ref[i].key) {
			if (nm->ref[k - 1].node < 0) {
				nm->ref[k - 1].node = nm->ref[i].node;
				nm->ref[k - 1].name = nm->ref[i].name;
			}
			continue;
		}
		nm->ref[k++] = nm->ref[i];
	}
	nm->n = k;
	return 0;
}

static void named_free(struct named *nm, size_t n_children)
{
	for (size_t i = 0; nm->key && i < n_children; i++)
		free(nm->key[i]);
	free(nm->key);
	free(nm->ref);
}

/* NULL, or why Linux would ignore the binding for @ref's device. */
static const char *find_device(const void *fdt,
			       const struct dt_pci_bridges *bridges,
			       const struct dev_ref *ref,
			       struct dt_iommu_dev *dev)
{
	const char *why;

	if (ref->key & KEY_NODE)
		return dt_iommu_node_find(fdt, ref->node, dev);
	why = dt_iommu_pci_find(fdt, bridges, &ref->pci, dev);
	if (!why && ref->node >= 0 && dev->node != ref->node)
		why = "Linux gives its function another node of the host "
		      "bridge, the first whose reg has its devfn";
	dev->ac = 3;	/* a PCI address: phys.hi, mid, lo */
	dev->sc = 2;
	return why;
}

static int resolve_devices(struct mc_map *map, const void *fdt,
			   const struct dt_plan *plan,
			   const struct dt_pci_bridges *bridges,
			   const struct named *nm, struct dt_iommu *io)
{
	io->dev = calloc(nm->n ? nm->n : 1, sizeof(*io->dev));
	if (!io->dev)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < nm->n; i++) {
		const struct dev_ref *ref = &nm->ref[i];
		struct dt_iommu_dev *dev = &io->dev[i];
		const char *why = find_device(fdt, bridges, ref, dev);
		char name[MC_DIAG_MAX / 4];

		if (why) {
			dev_name(name, sizeof(name), ref->name,
				 (ref->key & KEY_NODE) != 0, &ref->pci);
			return refuse(map, MC_EINVAL,
				      &plan->children[ref->child], name, why);
		}
		io->n_dev++;
		dev->name = ref->name;
		dev->phandle = dev->node >= 0 ? fdt_get_phandle(fdt, dev->node)
					      : 0;
		dev->new_phandle = dev->phandle == 0;
	}
	return 0;
}

static size_t index_of(const struct dt_iommu *io, uint64_t key)
{
	size_t lo = 0, hi = io->n_dev;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dev_key(&io->dev[mid]) < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The bus address of the child's first byte for @dev, or a refusal: it
 * must translate to the child's range (iommu_dma.c) and fit the cells of
 * the entry.
 */
static int bus_address(struct mc_map *map, const void *fdt,
		       const struct dt_child *c,
		       const struct dt_iommu_dev *dev, uint64_t *bus)
{
	uint64_t len_1 = c->last - c->first;
	char name[MC_DIAG_MAX / 4];

	if (dt_dma_to_bus(fdt, &dev->path, c->first, c->last, bus) &&
	    (dev->ac > 1 || *bus + len_1 <= UINT32_MAX) &&
	    (dev->sc > 1 || len_1 < UINT32_MAX))
		return 0;
	dev_name(name, sizeof(name), dev->name, dev->platform, &dev->pci);
	return refuse(map, MC_ERANGE, c, name,
		      "the range is not inside one dma-ranges window of each "
		      "bus node from its parent to the root (or lies past 4 "
		      "GiB where one has #address-cells = 1, or is 4 GiB or "
		      "more where its parent has #size-cells = 1), so Linux "
		      "cannot translate it");
}

/* Child @i's device list; each of its devices gains its phandle. */
static int link_child(struct mc_map *map, const void *fdt,
		      const struct dt_plan *plan, const struct named *nm,
		      struct dt_iommu *io, size_t i)
{
	size_t n = io->n_child_dev[i];
	int err = 0;

	io->child_dev[i] = calloc(n, sizeof(size_t));
	io->child_bus[i] = calloc(n, sizeof(uint64_t));
	if (!io->child_dev[i] || !io->child_bus[i])
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t d = 0; d < n && !err; d++) {
		struct dt_iommu_dev *dev;
		uint32_t *grown;

		io->child_dev[i][d] = index_of(io, nm->key[i][d]);
		dev = &io->dev[io->child_dev[i][d]];
		err = bus_address(map, fdt, &plan->children[i], dev,
				  &io->child_bus[i][d]);
		if (err)
			break;
		grown = realloc(dev->regions,
				(dev->n_regions + 1) * sizeof(*grown));
		if (!grown)
			return mc_map_report(map, MC_ENOMEM, NULL,
					     "out of memory");
		dev->regions = grown;
		dev->regions[dev->n_regions++] = io->phandle[i];
	}
	return err;
}

/* Phandles, each child's device list, each device's regions. */
static int link(struct mc_map *map, const void *fdt,
		const struct dt_plan *plan, const struct named *nm,
		struct dt_iommu *io)
{
	int err = 0;

	for (size_t i = 0; i < plan->n_children && !err; i++)
		if (io->n_child_dev[i])
			err = new_phandle(map, io, &io->phandle[i]);
	for (size_t i = 0; i < io->n_dev && !err; i++)
		if (io->dev[i].new_phandle)
			err = new_phandle(map, io, &io->dev[i].phandle);
	for (size_t i = 0; i < plan->n_children && !err; i++)
		if (io->n_child_dev[i])
			err = link_child(map, fdt, plan, nm, io, i);
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

	for (size_t i = 0; i < io->n_children; i++) {
		size_t need = 0;

		for (size_t d = 0; d < io->n_child_dev[i]; d++)
			need += 4 * dt_iommu_entry_cells(
					    &io->dev[io->child_dev[i][d]]);
		most = need > most ? need : most;
	}
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

/*
 * Linux's loop over iommu-addresses (of_iommu_get_resv_regions()) steps
 * over an entry of another device one cell at a time, reading each cell
 * as a phandle: a cell of another device's entry equal to @dev's phandle
 * would be read as @dev's entry, from the wrong place. Whether it reaches
 * @dev's own entries (at @starts, @n of them) without one.
 */
static bool read_right(const unsigned char *v, size_t cells,
		       const struct dt_iommu *io, const size_t *dev_of,
		       size_t n, size_t dev)
{
	size_t at = 0, entry = 0, start = 0;

	while (at < cells) {
		/* the entry holding cell @at, and where it starts */
		while (entry < n && start + dt_iommu_entry_cells(
				&io->dev[dev_of[entry]]) <= at) {
			start += dt_iommu_entry_cells(&io->dev[dev_of[entry]]);
			entry++;
		}
		if (fdt32_ld((const fdt32_t *)(const void *)(v + 4 * at)) !=
		    io->dev[dev].phandle) {
			at++;
			continue;
		}
		if (at != start || dev_of[entry] != dev)
			return false;
		at += dt_iommu_entry_cells(&io->dev[dev]);
	}
	return true;
}

/* Each child's entries as Linux reads them for each of its devices. */
static int check_reading(struct mc_map *map, const struct dt_plan *plan,
			 struct dt_iommu *io)
{
	char name[MC_DIAG_MAX / 4];

	for (size_t i = 0; i < plan->n_children; i++) {
		const struct dt_child *c = &plan->children[i];
		size_t n = io->n_child_dev[i], len;

		if (n < 2)
			continue;
		len = dt_iommu_value(io, i, c->last - c->first + 1);
		for (size_t d = 0; d < n; d++) {
			const struct dt_iommu_dev *dev =
				&io->dev[io->child_dev[i][d]];

			if (read_right(io->scratch, len / 4, io,
				       io->child_dev[i], n,
				       io->child_dev[i][d]))
				continue;
			dev_name(name, sizeof(name), dev->name, dev->platform,
				 &dev->pci);
			return refuse(map, MC_EINVAL, c, name,
				      "Linux steps over another device's "
				      "iommu-addresses entry one cell at a "
				      "time (of_iommu_get_resv_regions()) and "
				      "would read one of its cells as this "
				      "device's phandle; give the device a "
				      "range of its own");
		}
	}
	return 0;
}

int dt_iommu_plan(struct mc_map *map, const struct dt_base *base,
		  const struct dt_plan *plan, struct dt_iommu *io)
{
	size_t n = plan->n_children ? plan->n_children : 1;
	struct dt_pci_bridges bridges = { 0 };
	struct named nm = { 0 };
	uint32_t max = 0;
	int err;

	*io = (struct dt_iommu){ .n_children = plan->n_children };
	io->phandle = calloc(n, sizeof(*io->phandle));
	io->child_dev = calloc(n, sizeof(*io->child_dev));
	io->child_bus = calloc(n, sizeof(*io->child_bus));
	io->n_child_dev = calloc(n, sizeof(*io->n_child_dev));
	if (!io->phandle || !io->child_dev || !io->child_bus ||
	    !io->n_child_dev || dt_iommu_pci_bridges(base->fdt, &bridges)) {
		free(bridges.bridge);
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	}
	err = fdt_find_max_phandle(base->fdt, &max) ?
		      mc_map_report(map, MC_EBADBLOB, "opts.base",
				    "its phandles cannot be read") : 0;
	io->next_phandle = max + 1;
	if (!err)
		err = collect(map, base->fdt, &bridges, plan, io, &nm);
	if (!err)
		err = resolve_devices(map, base->fdt, plan, &bridges, &nm, io);
	if (!err)
		err = link(map, base->fdt, plan, &nm, io);
	named_free(&nm, plan->n_children);
	free(bridges.bridge);
	if (!err)
		err = index_devices(map, io);
	if (!err)
		err = size_scratch(map, base->fdt, io);
	return err ? err : check_reading(map, plan, io);
}

/*
 * A fresh tree has no device nodes: a path names a node of a base tree
 * (PCI BDFs are left out of a fresh tree, as the binding needs the host
 * bridge's node too).
 */
int dt_iommu_fresh(struct mc_map *map)
{
	size_t n_in, n;
	const struct mc_region *in = mc_map_input(map, &n_in);

	for (size_t i = 0; i < n_in; i++) {
		const char *const *paths = mc_map_device_paths(map, i, &n);

		if (n)
			return mc_diag_range(map, MC_EINVAL, "region.devices",
					     &in[i], in[i].first, in[i].last,
					     "device %s: a device-tree node "
					     "path names a node of a base tree, "
					     "and a fresh tree has none (give "
					     "opts.base)", paths[0]);
	}
	return 0;
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
