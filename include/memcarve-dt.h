/* SPDX-License-Identifier: MIT */
/*
 * memcarve-dt.h - the carved map as a flattened device tree (DTB).
 *
 * Two modes, one result:
 *
 *  - fresh: a minimal tree holding only the memory description: the root's
 *    #address-cells/#size-cells, "memory" nodes and /reserved-memory. A VMM
 *    merges it into its own tree; it has no CPUs or devices to boot on.
 *  - patch (@base set): the VMM's tree with its "memory" nodes replaced and
 *    our reservations merged into /reserved-memory. Every other node,
 *    property and /memreserve/ entry is kept byte for byte.
 *
 * Patch mode on real trees (every DTB of Debian's arm64 and armhf kernels
 * is patched by tests/dt-corpus):
 *
 *  - node names: any dtc accepts (a leading digit, __symbols__, more than
 *    31 characters); the names we write follow the DT spec.
 *  - replaced: root children Linux reads as memory (device_type "memory",
 *    status absent, "okay" or "ok"), and untyped memory[@...] nodes, which
 *    a bootloader fills in (U-Boot does). Disabled memory nodes are kept
 *    as they are; the decoder skips them as Linux does.
 *  - /reserved-memory is the root's reserved-memory or reserved-memory@...
 *    node, as libfdt and Linux find it; two are refused.
 *  - each of our memory nodes inherits the properties of the base node
 *    holding its blocks (memnodes.c decides each: NUMA ids kept, stale
 *    "available" and "linux,usable-memory" dropped, a phandle on one node
 *    only). Nodes are never merged across NUMA nodes, a base memory node
 *    with a phandle that no RAM reaches is refused. RAM outside every
 *    base memory node (relocated, say) gets the NUMA ids of the base's one
 *    NUMA node, or of the node its input range lay on; when that range
 *    spans several, it is refused.
 *  - the base's /memreserve/ entries are reservations like its
 *    /reserved-memory children: one of ours over one is refused.
 *
 * What the guest is told (Linux drivers/of/fdt.c, of_reserved_mem.c):
 *
 *  - memory: every piece RAM backs (mc_map_slots()), as "memory@ADDR" nodes
 *    with device_type = "memory": one node per slot, or one node with a reg
 *    entry per slot (MC_DT_MEMORY_ONE_NODE).
 *  - /reserved-memory: one child "NAME@ADDR" per piece that is neither RAM
 *    nor mmio (reserved, acpi, nvs, pmem). NAME is the region's name, else
 *    its reserved type ("msi", "direct"...) or kind ("acpi", "nvs",
 *    "pmem"); the pieces of one input range share it. Its flag:
 *      unbacked (a carved hole)	"no-map": nothing to map; it only
 *					documents the hole so the guest puts
 *					no BAR there
 *      backed, "reusable" flag		"reusable" (a CMA-like pool)
 *      backed acpi			none: reserved but mapped, since ACPI
 *					tables are read through the linear map
 *      backed reserved, with memreserve	none, plus a /memreserve/ entry
 *      other backed			"no-map"
 *    mmio is a device window, not memory: never a child. "reusable" on an
 *    unbacked range is refused: it would hand the guest a pool with no
 *    memory behind it.
 *  - /memreserve/ (memblock_reserve: reserved, still mapped), when enabled:
 *    one entry per backed, non-reusable piece whose child has no "no-map":
 *    backed reserved ranges and backed acpi ranges. A "no-map" child is
 *    never also memreserved: Linux before 6.4 handles /memreserve/ first
 *    and then refuses no-map over a reserved range ("failed to reserve
 *    memory"). Holes are never memreserved: there is no memory to reserve.
 *    Enabled by default on ppc64 (PowerPC tools such as kexec read only the
 *    reserve map), off elsewhere.
 *
 * Direct ranges with devices (patch mode; Linux 6.3+, dt-schema's
 * reserved-memory.yaml, read by of_iommu_get_resv_regions()): each child
 * of a direct or direct-relaxable range with devices gets a "phandle" and
 * "iommu-addresses" = <&dev ADDR SIZE> per device, equal to its reg, and
 * each device's node gets the child appended to its "memory-region" (a
 * phandle of its own if it had none). The guest's IOMMU driver then keeps
 * the range identity-mapped for the device: its group's reserved_regions
 * list it as "direct" (relaxable ones too: Linux has no relaxable case).
 * A device is a PCI function [segment:]bus:dev.fn, found under the host
 * bridge of its segment (linux,pci-domain, or a lone bridge for 0) by its
 * devfn in reg, as pci_set_of_node() finds it; a node "device@D[,F]" with
 * the PCI binding's reg is added when the bridge has none. A device may
 * also be a node of the base named by its path (mc_map_set_device_paths()):
 * a PCI function's node under a host bridge stands for that function; any
 * other node is a platform device, behind an IOMMU by its own "iommus",
 * its entry's address and size in its parent's cells (1 or 2 each).
 * Refused (MC_EINVAL naming the range, the device and the reason) when
 * Linux would ignore the binding: no such host bridge, a device behind a
 * PCI-PCI bridge, a host bridge without an iommu-map covering the
 * device's requester ID (or naming a disabled IOMMU), a path that names
 * no node of the base, a disabled node, a platform device without iommus
 * or behind a disabled IOMMU, one device named twice, a child whose
 * entries Linux's loop would misread (it steps over other devices'
 * entries a cell at a time) (MC_EINVAL), a range that does not lie in one
 * dma-ranges window of each bus node from the device's parent up to the
 * root, or lies past 4 GiB under one with #address-cells = 1 (MC_ERANGE).
 * Each entry holds the device's bus address, which those dma-ranges
 * translate to the child's reg, as of_translate_dma_region() reads it.
 * @no_iommu_addresses leaves the binding out; fresh mode never writes it
 * (there are no device nodes) and refuses a range that names a path.
 *
 * riscv64: OpenSBI, the M-mode firmware, adds a /reserved-memory child for
 * its own region ("mmode_resv<N>@ADDR", older releases "mmode_pmp<N>")
 * before Linux runs. A base that already holds one (a tree passed on by
 * OpenSBI) keeps it, and a reservation of ours over it is refused, naming
 * OpenSBI. A base dumped before OpenSBI ran (QEMU's dumpdtb) has none yet:
 * OpenSBI adds it at boot, so the map must keep clear of the firmware's
 * region itself (QEMU virt: the start of RAM; 512 KiB with QEMU 7.2's
 * OpenSBI), which stays RAM that Linux then reserves.
 *
 * ppc64: the first memory block must start at 0 (the RMA, where the kernel
 * runs with translation off); a map whose RAM does not is refused.
 *
 * NUMA (a map with node=, memcarve.h 1.1): the map is the truth for its
 * nodes. Every memory node carries the node of its blocks, and no memory
 * node spans two nodes (MC_DT_MEMORY_ONE_NODE: one memory node per NUMA
 * node in a fresh tree; in a patched one, as few as the base allows
 * within each node). Linux gives up NUMA when one memory node lacks its
 * node, so all of them get it:
 *
 *  - arm64, riscv64 (drivers/of/of_numa.c): numa-node-id. A patched base
 *    memory node's own numa-node-id must agree with the map's node for
 *    the RAM it holds (MC_EINVAL naming both: its CPUs and devices follow
 *    its numbering); the map's then replaces it.
 *  - ppc64 (pseries, arch/powerpc/mm/numa.c; patch mode only): Linux reads
 *    the node from ibm,associativity, at the cell the base's
 *    /rtas ibm,associativity-reference-points names for the form of
 *    affinity /chosen ibm,architecture-vec-5 selects (byte 5: 0x80 FORM1,
 *    0x20 FORM2: the first reference point; neither, FORM0: the second).
 *    The array's other cells are the platform's topology (FORM1
 *    distances, FORM2's lookup index), which the map does not hold: each
 *    memory node takes the whole ibm,associativity of a base memory node
 *    on its node, so its ids stay within the base's
 *    ibm,max-associativity-domains. Refused (MC_EINVAL): a fresh ppc64
 *    NUMA tree, a base without reference points (Linux disables NUMA),
 *    FORM0 with one reference point, a node no base memory node is on,
 *    a base memory node on another node for the same RAM. A base's
 *    ibm,dynamic-reconfiguration-memory (hotplug LMBs) is kept as it is.
 *  - mips: refused (Linux reads no NUMA node from a MIPS tree).
 *  - @distance_map (fresh): /distance-map, compatible
 *    "numa-distance-map-v1", a distance-matrix triple per ordered pair
 *    the map states (mc_map_distance()), ascending: Linux sets B->A from
 *    (A, B) when B > A and lets a later triple override it, so (A, B)
 *    before (B, A) reads back as stated. Refused: a map that is not NUMA
 *    or states no distance, a patched tree (the base's distance-map is
 *    kept), a distance naming a node without a memory block in the tree
 *    (only pmem or hotplug, or all its RAM carved).
 *  - patch mode, numa-node-id: the guest takes its distances from the
 *    base's distance-map (kept as it is), else Linux's defaults (10
 *    local, 20 remote); a distance the map states that the guest would
 *    not get is refused, naming both values, and so is a base matrix
 *    Linux refuses (NUMA off). pseries distances come from the base's
 *    ibm,associativity (FORM1) or FORM2 tables: not compared.
 *  - hotplug windows: no DT binding describes one; left out.
 *  - the guest's MAX_NUMNODES (@max_numnodes; the tree does not say
 *    which kernel reads it, so 0 takes Debian's): a node at or above it
 *    is refused, naming the node and @max_numnodes (arm64, riscv64:
 *    of_numa_parse_memory_nodes() fails on it, "Node id N exceeds maximum
 *    value", and NUMA is off; pseries: associativity_to_nid() reads it as
 *    no node and the RAM goes to the default node). A distance-map
 *    triple naming such a node is refused first, naming it.
 *  - arm64, riscv64 from Linux 6.12 (drivers/base/arch_numa.c on
 *    mm/numa_memblks.c): of_numa adds one memblk per reg entry of a
 *    memory node with numa-node-id, and more than NR_NODE_MEMBLKS =
 *    2 * MAX_NUMNODES of them turn NUMA off ("too many memblk ranges").
 *    A tree with more reg entries in its memory nodes is refused, naming
 *    the count and @max_numnodes (kernels before 6.12 took any number,
 *    but the tree cannot say which one boots it). pseries numbers its
 *    own ranges and has no such limit.
 *  - A patched base's CPU nodes keep their numa-node-id; a CPU without
 *    one is put on node 0 by Linux.
 *
 * A map without node= is not NUMA: each memory node inherits the base's
 * NUMA properties as above.
 *
 * Output size is computed from the tree before writing, and both modes run
 * in time linear in the number of nodes: the base is checked with libfdt
 * (fdt_check_full()) and then read in one walk, and the result is laid
 * out byte for byte as libfdt's sequential-write functions lay it out.
 *
 * Buffers, sizes, options and ownership follow the emitter convention of
 * memcarve.h: mc_dt_build() writes into a caller buffer (size in bytes),
 * mc_dt_build_alloc() into one freed with mc_free().
 */
#ifndef MEMCARVE_DT_H
#define MEMCARVE_DT_H

#include <stdbool.h>
#include <stddef.h>
#include "memcarve.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How the memory blocks are laid out in nodes. */
enum mc_dt_layout {
	MC_DT_MEMORY_PER_BLOCK = 0,	/* memory@ADDR per contiguous block */
	MC_DT_MEMORY_ONE_NODE,		/* one memory@FIRST, a reg per block */
};

/* Whether backed reservations also go into /memreserve/. */
enum mc_dt_memreserve {
	MC_DT_MEMRESERVE_AUTO = 0,	/* on for ppc64, off otherwise */
	MC_DT_MEMRESERVE_ON,
	MC_DT_MEMRESERVE_OFF,
};

/**
 * struct mc_dt_opts - how to build the tree (a zeroed struct, or
 *		       mc_dt_opts_init(), is fresh mode with the defaults)
 * @base:	patch mode: the VMM's DTB; NULL for fresh mode. Only read.
 * @base_len:	bytes at @base (the buffer; the tree's totalsize may be less)
 * @cells:	fresh mode: the root's #address-cells and #size-cells, 1 or 2;
 *		0 means 2. Patch mode uses the base's (each 1 or 2) and
 *		refuses a @cells that differs from them.
 * @layout:	memory node layout
 * @memreserve:	whether to add /memreserve/ entries (see above)
 * @drop_base_memreserve: patch mode: leave out the base's /memreserve/
 *		entries (e.g. a VMM's entries for its own firmware layout)
 * @pad:	with @pad_set, free bytes after the tree (inside its
 *		totalsize, zeroed) for a VMM or bootloader that adds nodes
 *		later, as dtc's -p gives
 * @pad_set:	use @pad; else patch mode keeps the free space the base had
 *		(QEMU's trees carry most of a MiB) and fresh mode adds none
 * @model:	fresh mode: the root's "model", or NULL for none
 * @compatible:	fresh mode: the root's "compatible" strings, most specific
 *		first, ending in NULL; or NULL for none. The fresh tree is a
 *		fragment a VMM merges into its own, so neither is written
 *		unless asked for; patch mode keeps the base's and refuses
 *		either.
 * @no_iommu_addresses: patch mode: leave out the iommu-addresses binding
 *		(see below); the tree is then what 0.2 wrote
 * @distance_map: 1.1, fresh mode: add a /distance-map node
 *		(numa-distance-map-v1) with the distances the map states
 *		(see NUMA below)
 * @max_numnodes: 1.1, NUMA maps: the guest kernel's MAX_NUMNODES
 *		(1 << CONFIG_NODES_SHIFT), a power of two 2..1024; 0 means
 *		the Debian kernel's for the map's arch (CONFIG_NODES_SHIFT
 *		of Debian's linux-image 6.1 (bookworm), 6.12 (trixie) and
 *		7.2 (sid) alike): 16 on arm64, 4 on riscv64, 256 on ppc64
 *		(mips refuses a NUMA map). See NUMA below.
 * @reserved:	must be zero
 *
 * @reserved32: must be zero
 *
 * 1.1 took 1.0's reserved words for @distance_map and @max_numnodes:
 * they sit in the padding after @no_iommu_addresses or in the first
 * reserved word, depending on the ABI, and the struct's size and every
 * 1.0 member's offset are 1.0's on every ABI (LP64, i386, armhf). A struct
 * filled by mc_dt_opts_init(), as 1.0 asked, reads as false and as the
 * default MAX_NUMNODES.
 */
struct mc_dt_opts {
	const void *base;
	size_t base_len;
	unsigned int cells;
	enum mc_dt_layout layout;
	enum mc_dt_memreserve memreserve;
	bool drop_base_memreserve;
	size_t pad;
	bool pad_set;
	const char *model;
	const char *const *compatible;
	bool no_iommu_addresses;
	bool distance_map;
	uint32_t max_numnodes;
	uint32_t reserved32;
	uint64_t reserved[3];
};

/**
 * mc_dt_opts_init() - the defaults: fresh mode, 2 cells, a memory node
 *		       per block, /memreserve/ as the arch wants, no pad
 * @opts:	filled in
 */
void mc_dt_opts_init(struct mc_dt_opts *opts);

/**
 * mc_dt_build() - write the carved map as a DTB into a caller buffer
 * @map:	a carved map (mc_map_carve()); receives the diagnostics
 * @opts:	options, or NULL for the defaults (fresh mode)
 * @buf:	where to write the DTB; may be NULL when *@size is 0
 * @size:	in: bytes at @buf; out: the DTB's length (its totalsize), or
 *		on MC_ENOSPC the buffer size the call needs. The need is
 *		computed exactly from the tree to write; it may exceed the
 *		final length by a few bytes of property-name table that turn
 *		out to be shared.
 *
 * Deterministic: the same map and options give the same bytes.
 * Return: 0; MC_ENOSPC (no diagnostic, nothing written) when *@size is too
 * small; MC_ESTATE if @map is not carved; MC_EINVAL for a bad option (a
 * model or compatible with a base, reserved words not zero), a name that
 * is not a valid node name, reusable on an unbacked range, a ppc64 map
 * whose RAM does not start at 0, a map with no RAM, a base memory node
 * with a phandle the map's RAM does not reach, RAM of unknown NUMA node,
 * a NUMA map the tree cannot describe, past the guest's MAX_NUMNODES
 * limits (@max_numnodes) or a base that disagrees with it (NUMA above),
 * a @max_numnodes that is not 0 or a power of two 2..1024, or a memory
 * node of ours named as a kept base node;
 * MC_ERANGE for a
 * range that does not fit the cells, or a tree and pad past 2^31 - 1;
 * MC_EBADBLOB for a base that libfdt rejects (fdt_check_full()), whose
 * header version is before 16, whose node names dtc refuses, whose
 * /memreserve/ or /reserved-memory ranges wrap past 2^64 (what
 * mc_dt_decode() refuses), or that Linux would misread (cells other than
 * 1 or 2 or left implicit, a /reserved-memory Linux ignores, two
 * reserved-memory nodes); MC_EINVAL or MC_ERANGE when the iommu-addresses
 * binding cannot be written (above); MC_EOVERLAP when one of our reservations
 * conflicts with a child of the base's /reserved-memory (name or range)
 * or one of its /memreserve/ entries; MC_ENOMEM. Every error but
 * MC_ENOSPC leaves a diagnostic on @map naming the option or field and
 * the ranges at fault.
 */
int mc_dt_build(struct mc_map *map, const struct mc_dt_opts *opts,
		void *buf, size_t *size);

/**
 * mc_dt_build_alloc() - write the carved map as a DTB into a new buffer
 * @map:	a carved map (mc_map_carve()); receives the diagnostics
 * @opts:	options, or NULL for the defaults (fresh mode)
 * @out:	set to the DTB (free with mc_free()), or to NULL on error
 * @size:	set to its length (0 on error)
 *
 * The same bytes as mc_dt_build(), for about half its cost to a caller
 * that would otherwise call it twice (size, then write): the tree is
 * planned, checked and walked once. The buffer may be a few bytes longer
 * than *@size (see mc_dt_build()).
 * Return: 0; the errors of mc_dt_build() but MC_ENOSPC.
 */
int mc_dt_build_alloc(struct mc_map *map, const struct mc_dt_opts *opts,
		      void **out, size_t *size);

/**
 * mc_dt_decode() - read a DTB's memory description back into a map
 * @map:	the map to add regions to (typically empty)
 * @blob:	the bytes
 * @len:	their length
 *
 * Adds a ram region per reg entry of each root child with device_type =
 * "memory" (unnamed), a reserved region per reg entry of each enabled
 * /reserved-memory child (named after the node without its unit address,
 * MC_F_REUSABLE for "reusable", policy overlay when memory backs it; type
 * direct with devices= when its iommu-addresses name devices and
 * translate to its own range, the binding mc_dt_build() writes: a PCI
 * function as its device, any other node as its path in
 * mc_map_device_paths()), and a
 * reserved region named "memreserve" per /memreserve/ entry; each region's
 * source is "DTB". A tree with a CPU node compatible with "riscv" sets the
 * map's arch to MC_ARCH_RISCV64 (mc_map_set_arch()); other trees leave the
 * arch alone. 1.1: when Linux takes NUMA from the tree (every memory node
 * has a node below MC_MAX_NUMNODES: numa-node-id, or on a tree with /rtas
 * or /ibm,opal the ibm,associativity cell of its form of affinity; and
 * no distance-matrix that of_numa refuses), each ram region gets its
 * node (MC_F_NODE), and the distance-map's distances, as Linux applies
 * its triples, are set (mc_map_set_distance()) for nodes with memory.
 * Return: 0; MC_EBADBLOB, with no diagnostic, when @blob is not a DTB
 * (wrong magic); MC_EINVAL with a diagnostic for a DTB that libfdt's
 * fdt_check_full() rejects, whose version is before 16, or whose ranges
 * wrap; errors of mc_map_add() and mc_map_set_distance().
 */
int mc_dt_decode(struct mc_map *map, const void *blob, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_DT_H */
