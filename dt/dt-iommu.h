/* SPDX-License-Identifier: MIT */
/*
 * dt-iommu.h - the "iommu-addresses" binding: what the DT emitter's
 * iommu*.c files share.
 *
 * A direct range that names devices must stay identity-mapped in those
 * devices' IOMMU domains. An ACPI guest learns that from an RMRR, IVMD or
 * IORT RMR; a device-tree guest (Linux 6.3 and later) from the binding of
 * dt-schema's reserved-memory.yaml, read by of_iommu_get_resv_regions()
 * in drivers/iommu/of_iommu.c:
 *
 *   reserved-memory {
 *     fw@48000000 { reg = <...>; no-map; phandle = <N>;
 *                   iommu-addresses = <&dev ADDR SIZE>, ...; };
 *   };
 *   dev: device@2 { reg = <0x1000 0 0 0 0>; memory-region = <... N>; };
 *
 * ADDR and SIZE have the cells of the device's parent bus (a PCI host
 * bridge: 3 and 2) and are translated to a CPU address through the
 * "dma-ranges" above the device; when the result equals the child's reg
 * the kernel reports an IOMMU_RESV_DIRECT region for that device.
 *
 * iommu.c plans it (which devices, which phandles, and refuses a tree
 * where the kernel would ignore it), iommu_pci.c finds a PCI device's
 * node under its host bridge, iommu_write.c writes the properties and
 * nodes while write.c streams the base, iommu_decode.c reads it back.
 */
#ifndef MC_DT_IOMMU_H
#define MC_DT_IOMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "memcarve.h"

struct dt_plan;
struct dt_base;
struct dt_out;
struct dt_tag;

/* A PCI child node's reg: config space address (5 cells), PCI binding. */
#define DT_PCI_REG_CELLS 5

/* iommu_dma.c: the bus nodes from a host bridge up to the root. */
#define DT_DMA_LEVELS 16

struct dt_dma_level {
	int node;		/* a bus node: the host bridge, then parents */
	unsigned int ac, sc;	/* its #address-cells, #size-cells */
	unsigned int pac;	/* its parent's #address-cells */
	bool pci;		/* the host bridge: 3-cell PCI addresses */
};

struct dt_dma_path {
	struct dt_dma_level level[DT_DMA_LEVELS];
	size_t n;
};

int dt_dma_path(const void *fdt, int bridge, struct dt_dma_path *path);
bool dt_dma_to_bus(const void *fdt, const struct dt_dma_path *path,
		   uint64_t first, uint64_t last, uint64_t *bus);
bool dt_dma_to_cpu(const void *fdt, const struct dt_dma_path *path,
		   uint64_t bus, uint64_t len, uint64_t *cpu);

/*
 * One device node the binding names: a PCI function (by BDF, or by the
 * path of its node under a host bridge) or any other node (by path; a
 * platform device to Linux).
 */
struct dt_iommu_dev {
	int node;		/* its offset in the base, or -1: we add it */
	int bridge;		/* PCI: the host bridge (offset) it sits under */
	int bridge_end;		/* PCI: the offset of that bridge's
				   FDT_END_NODE */
	struct dt_dma_path path;	/* its DMA addresses' way to the root */
	bool platform;		/* not a PCI function: @pci is unused */
	struct mc_pci_dev pci;	/* the device */
	const char *name;	/* the path it was named by, or NULL */
	unsigned int ac, sc;	/* cells of an entry's address and size:
				   its parent's (PCI: 3 and 2) */
	uint32_t phandle;	/* existing or new */
	bool new_phandle;	/* we write its "phandle" */
	uint32_t *regions;	/* phandles its memory-region gains */
	size_t n_regions;
};

/*
 * The plan: devices (sorted by segment, bus, devfn), and per
 * /reserved-memory child of ours its binding. @by_node and @by_end index
 * the devices the base has a node for (by that offset) and those we add
 * (by their bridge's end tag), for the writer's lookups.
 */
struct dt_iommu_ref {
	int offset;		/* the device's node, or its bridge's end */
	size_t dev;		/* index in dt_iommu.dev */
};

struct dt_iommu {
	struct dt_iommu_dev *dev;
	size_t n_dev;
	struct dt_iommu_ref *by_node, *by_end;	/* sorted by offset */
	size_t n_by_node, n_by_end;
	uint32_t *phandle;	/* per plan child: its phandle, 0 for none */
	size_t **child_dev;	/* per plan child: device indices, or NULL */
	uint64_t **child_bus;	/* per plan child: each device's bus address
				   of the child's first byte */
	size_t *n_child_dev;
	size_t n_children;	/* entries of the three arrays above */
	uint32_t next_phandle;	/* the next free phandle */
	unsigned char *scratch;	/* room for the longest value written */
	size_t scratch_len;
};

/* Cells of one iommu-addresses entry: phandle, address, size. */
static inline size_t dt_iommu_entry_cells(const struct dt_iommu_dev *dev)
{
	return 1 + (size_t)dev->ac + dev->sc;
}

/* iommu.c */
int dt_iommu_plan(struct mc_map *map, const struct dt_base *base,
		  const struct dt_plan *plan, struct dt_iommu *io);
void dt_iommu_free(struct dt_iommu *io);
/* Fresh mode: refuse a range that names a node by its path. */
int dt_iommu_fresh(struct mc_map *map);

/* iommu_pci.c: the base's host bridges, found once. */
struct dt_pci_bridge {
	int node;
	int64_t domain;		/* linux,pci-domain, or -1 */
};

struct dt_pci_bridges {
	struct dt_pci_bridge *bridge;
	size_t n;
};

/* A PCI bus node (device_type "pci"); an available node (status). */
bool dt_pci_bus(const void *fdt, int node);
bool dt_iommu_available(const void *fdt, int node);
int dt_iommu_pci_bridges(const void *fdt, struct dt_pci_bridges *list);
/* NULL, or why Linux would ignore the binding for @pci (a literal). */
const char *dt_iommu_pci_find(const void *fdt,
			      const struct dt_pci_bridges *list,
			      const struct mc_pci_dev *pci,
			      struct dt_iommu_dev *dev);
/*
 * Node @node as Linux sees it: a PCI function on a host bridge's root bus
 * (true, *@pci set), or not one (false). *@why is set (a literal) when it
 * sits under a PCI bus but is no function Linux can be found to give it.
 */
bool dt_iommu_pci_node(const void *fdt, const struct dt_pci_bridges *list,
		       int node, struct mc_pci_dev *pci, const char **why);

/*
 * iommu_node.c: the node of a device that is no PCI function. NULL, or
 * why Linux would ignore the binding for it (a literal).
 */
const char *dt_iommu_node_find(const void *fdt, int node,
			       struct dt_iommu_dev *dev);
/* An entry's cells for the children of @parent (1 or 2 each), or false. */
bool dt_iommu_node_cells(const void *fdt, int parent, unsigned int *ac,
			 unsigned int *sc);

/*
 * iommu_write.c: child @child's iommu-addresses for a range of @size bytes,
 * in io->scratch; returns its length.
 */
size_t dt_iommu_value(const struct dt_iommu *io, size_t child,
		      uint64_t size);
/* iommu_write.c: hooks of write.c's walk; no-ops when @io is NULL. */
void dt_iommu_child_props(struct dt_out *o, const struct dt_iommu *io,
			  size_t child, uint64_t first, uint64_t last);
bool dt_iommu_base_prop(struct dt_out *o, const struct dt_iommu *io,
			const void *fdt, int node, const struct dt_tag *t);
void dt_iommu_node_props(struct dt_out *o, const struct dt_iommu *io,
			 const void *fdt, int node);
void dt_iommu_new_nodes(struct dt_out *o, const struct dt_iommu *io,
			int end_tag);

/*
 * iommu_decode.c: a /reserved-memory child's binding as type and devices
 * (*@devs allocated, the caller frees it). @ac, @sc: the root's cells.
 * @ix: the tree's phandles, built on first use (zeroed before, freed with
 * dt_iommu_index_free() after): libfdt finds a phandle or a parent by
 * walking the tree, too slow once per entry.
 */
struct dt_iommu_index {
	struct dt_phandle_node {
		uint32_t phandle;
		int node;
		int state;	/* 0 not read yet, 1 a PCI function, 2 another
				   device, -1 neither */
		struct mc_pci_dev pci;
		unsigned int ac, sc;	/* an entry's cells for it */
		struct dt_dma_path *path;	/* state 1, 2: its way up */
	} *e;
	size_t n;
	bool built;
};

/*
 * What a child's binding names: its PCI functions (*@devs, r->devices)
 * and the paths of its other nodes (the caller gives them to the map with
 * mc_map_set_device_paths()). dt_iommu_names_free() frees both.
 */
struct dt_iommu_names {
	struct mc_pci_dev *devs;
	char **paths;
	size_t n_paths;
};

int dt_iommu_decode(struct mc_map *map, const void *fdt, int child,
		    unsigned int ac, unsigned int sc, struct mc_region *r,
		    struct dt_iommu_names *names, struct dt_iommu_index *ix);
void dt_iommu_names_free(struct dt_iommu_names *names);
void dt_iommu_index_free(struct dt_iommu_index *ix);

#endif /* MC_DT_IOMMU_H */
