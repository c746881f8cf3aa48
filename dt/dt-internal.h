/* SPDX-License-Identifier: MIT */
/*
 * dt-internal.h - what the device-tree emitter's files share.
 *
 * The emitter works in steps (build.c runs them): plan.c turns the carved
 * map into the nodes and entries to write (checking names, cells and
 * conventions); in patch mode base.c indexes the base tree (read once by
 * scan.c), split.c cuts memory blocks where the base's memory nodes meet
 * and conflict.c checks our children against the base's /reserved-memory
 * and /memreserve/; numa_map.c decides how a NUMA map's nodes are told
 * (numa_assoc.c for pseries, numa_distance.c for distances, numa_limits.c
 * for the guest's MAX_NUMNODES); memnodes.c
 * groups the blocks into memory nodes and decides what each inherits; write.c then walks the output once to count
 * its size and once to write it (out.c).
 */
#ifndef MC_DT_INTERNAL_H
#define MC_DT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libfdt.h>
#include "memcarve.h"
#include "memcarve-dt.h"
#include "internal/diag.h"

/* Longest node name: 31 characters (DT spec 2.2.1), "@", 16 hex digits. */
#define DT_NAME_MAX 31
#define DT_NODE_NAME_LEN (DT_NAME_MAX + 1 + 16 + 1)

/* A node name or property value padded to the next 4-byte tag boundary. */
static inline size_t dt_tag_align(size_t n)
{
	return (n + FDT_TAGSIZE - 1) & ~(size_t)(FDT_TAGSIZE - 1);
}

enum dt_flag {
	DT_NO_MAP,
	DT_REUSABLE,
	DT_MAPPED,	/* neither: memblock_reserve, still mapped */
};

/* One /reserved-memory child we add. */
struct dt_child {
	const char *name;	/* without unit address; the map owns it */
	uint64_t first, last;
	enum dt_flag flag;
	const struct mc_piece *piece;	/* for diagnostics */
	const struct mc_region *in;	/* its input region */
};

/* One block of memory a memory node describes. */
struct dt_block {
	uint64_t first, last;
	uint32_t node;		/* its slot's NUMA node (0 if not NUMA) */
};

/* One memory node we write: blocks [first, first + n) of the plan. */
struct dt_mem_node {
	size_t first, n;
	size_t owner;		/* the base memory node it inherits from (an
				   index in dt_base.mem_node), or
				   DT_NO_OWNER */
	bool phandle;		/* it carries its owner's phandle */
	size_t numa_from;	/* no owner: the base memory node whose NUMA
				   properties it takes, or DT_NO_OWNER */
	uint32_t node;		/* NUMA map: the NUMA node of its blocks */
};

#define DT_NO_OWNER SIZE_MAX

struct dt_iommu;
struct dt_out;

/* One /memreserve/ entry. */
struct dt_rsv {
	uint64_t addr, size;
};

/* One tag of a checked structure block (tag.c). */
struct dt_tag {
	uint32_t tag;
	int next;		/* offset of the tag after it */
	const char *name;	/* FDT_BEGIN_NODE, FDT_PROP: the name */
	const void *data;	/* FDT_PROP: the value */
	int len;		/* FDT_PROP: its length; FDT_BEGIN_NODE: the
				   name's */
	uint32_t nameoff;	/* FDT_PROP: the name's string offset */
};

/* How the map's NUMA nodes are told to the guest (numa_map.c). */
enum dt_numa_style {
	DT_NUMA_NONE,	/* not a NUMA map: the base's are inherited */
	DT_NUMA_ID,	/* numa-node-id (of_numa.c: arm64, riscv64) */
	DT_NUMA_ASSOC,	/* ibm,associativity (pseries) */
};

/* pseries: a base memory node's ibm,associativity that names @node. */
struct dt_assoc {
	uint32_t node;
	size_t from;		/* index in dt_base.mem_node */
	struct dt_tag prop;	/* the property, copied as it is */
};

struct dt_numa {
	enum dt_numa_style style;
	unsigned int index;	/* ASSOC: the primary domain's cell */
	struct dt_assoc *assoc;	/* ASSOC: by node */
	size_t n_assoc;
	unsigned char *matrix;	/* fresh --distance-map: its triples */
	size_t matrix_len;	/* bytes */
};

/* Everything we write, decided before writing. */
struct dt_plan {
	struct dt_block *blocks;	/* the slots, split at base nodes */
	size_t n_blocks;
	struct dt_mem_node *nodes;	/* memory nodes, by first address */
	size_t n_nodes;
	struct dt_child *children;
	size_t n_children;
	struct dt_rsv *rsv;
	size_t n_rsv;
	unsigned int addr_cells, size_cells;
	bool children_fit;		/* every child fits them */
	enum mc_dt_layout layout;
	const struct dt_iommu *iommu;	/* patch mode: the iommu-addresses
					   binding (dt-iommu.h), or NULL */
	const char *model;		/* fresh root's, or NULL */
	char *compatible;		/* fresh root's string list, or NULL */
	size_t compatible_len;
	struct dt_numa numa;		/* the map's NUMA nodes */
};

/* A range of a base memory node, for inheriting its properties. */
struct dt_base_mem {
	uint64_t first, last;
	int node;		/* offset in the base */
	size_t index;		/* which base memory node (phandle owner) */
};

/* A node of a checked DTB that the emitter or decoder reads (scan.c). */
struct dt_node {
	int offset;			/* its FDT_BEGIN_NODE tag */
	int end;			/* just past its FDT_END_NODE tag */
	int parent;			/* index in dt_scan.node, or -1 */
	const char *name;
	const unsigned char *reg;	/* the first "reg", or NULL */
	int reg_len;
	const char *status;		/* the first "status", or NULL */
	int status_len;
	bool typed;			/* has a device_type */
	bool memory;			/* first device_type is "memory" */
	bool memory_named;		/* "memory[@...]" under / */
	bool resv;			/* "reserved-memory[@...]" under / */
	bool no_map, reusable, phandle;	/* has the property */
	bool numa;			/* numa-node-id or ibm,associativity */
};

/*
 * The root's memory and reserved-memory children and the latter's
 * children, in tree order, and the first node whose name dtc refuses;
 * what the NUMA decoder asks of the whole tree, so that it needs no
 * libfdt search (each a walk of every tag: at 312,500 nodes, four
 * made patching 70% slower).
 */
struct dt_scan {
	struct dt_node *node;
	size_t n_node, cap;
	int bad_name;			/* its offset, or -1 */
	bool ppc;			/* a root child /rtas or /ibm,opal */
	int distance_map;		/* the first node compatible with
					   numa-distance-map-v1, or -1 */
};

/* What patch mode needs to know about the base. */
struct dt_base {
	const void *fdt;
	struct dt_scan scan;
	struct dt_base_mem *mem;	/* sorted by first */
	size_t n_mem;
	const struct dt_node **mem_node;	/* ours replace these, in tree
						   order */
	size_t n_mem_nodes;
	const struct dt_node **kept_mem;	/* other memory[@...] nodes */
	size_t n_kept_mem;
	int resv_node;			/* /reserved-memory, or -1 */
	int resv_index;			/* its index in @scan, or -1 */
	bool drop_memreserve;
};


/* plan.c */
int dt_plan_make(struct mc_map *map, const struct mc_dt_opts *opt,
		 unsigned int addr_cells, unsigned int size_cells,
		 struct dt_plan *plan);
void dt_plan_free(struct dt_plan *plan);
int dt_check_fits(struct mc_map *map, const struct dt_plan *plan,
		  const char *field);
int dt_plan_split(struct mc_map *map, struct dt_plan *plan,
		  const struct dt_base *base);

/* memnodes.c */
enum dt_inherit {
	DT_DROP,	/* written anew, or stale */
	DT_KEEP,	/* copied verbatim */
	DT_PHANDLE,	/* copied to one node only */
};

enum dt_inherit dt_inherit_of(const char *prop);

/* numa.c */
#define DT_NUMA_AMBIGUOUS (SIZE_MAX - 1)

bool dt_prop_is_numa(const char *prop);
size_t dt_numa_source(const struct dt_base *b);
int dt_numa_of_block(struct mc_map *map, const struct dt_base *b,
		     size_t source, const struct dt_block *blk, size_t *from);
int dt_plan_nodes(struct mc_map *map, struct dt_plan *plan,
		  const struct dt_base *base);

/* numa_map.c */
int dt_numa_plan(struct mc_map *map, const struct mc_dt_opts *opt,
		 struct dt_plan *plan, const struct dt_base *base);
int dt_numa_check_owner(struct mc_map *map, const struct dt_plan *plan,
			const struct dt_base *base,
			const struct dt_block *blk, size_t owner);
void dt_numa_write(struct dt_out *o, const struct dt_plan *plan,
		   uint32_t node);
void dt_numa_free(struct dt_numa *numa);

/* numa_limits.c */
int dt_numa_limits(struct mc_map *map, const struct mc_dt_opts *opt,
		   const struct dt_plan *plan);

/* numa_assoc.c */
int dt_assoc_nid(const void *fdt, int node, unsigned int index,
		 uint32_t *nid);
int dt_assoc_index(const void *fdt, unsigned int *index, const char **why);
bool dt_base_says_assoc(const struct dt_base *b);
int dt_assoc_plan(struct mc_map *map, struct dt_plan *plan,
		  const struct dt_base *b);
const struct dt_assoc *dt_assoc_of(const struct dt_numa *numa,
				   uint32_t node);

/* numa_distance.c */
int dt_distance_matrix(struct mc_map *map, struct dt_numa *numa,
		       const struct dt_plan *plan);
int dt_base_distances(struct mc_map *map, const struct dt_plan *plan,
		      const struct dt_base *b);

/* numa_decode.c */
struct dt_dist {
	uint32_t a, b, d;	/* a -> b is d */
};

bool dt_decode_nodes(const void *fdt, const struct dt_scan *s, int64_t *nid);
int dt_linux_distances(const void *fdt, const struct dt_scan *s,
		       struct dt_dist **out, size_t *n);
uint32_t dt_dist_find(const struct dt_dist *t, size_t n, uint32_t a,
		      uint32_t b);
int dt_decode_distances(struct mc_map *map, const void *fdt,
			const struct dt_scan *s, const int64_t *nid);

/* base.c */
int dt_base_open(struct mc_map *map, const struct mc_dt_opts *opt,
		 struct dt_base *base, unsigned int *addr_cells,
		 unsigned int *size_cells);
int dt_base_check(struct mc_map *map, const struct dt_base *base,
		  const struct dt_plan *plan);
void dt_base_free(struct dt_base *base);
const struct dt_base_mem *dt_base_mem_at(const struct dt_base *base,
					 uint64_t addr);

/* firmware.c: who wrote a base child, for refusals (NULL if unknown);
 * the arch a tree is for (MC_ARCH_NONE if it does not say). */
const char *dt_firmware_owner(const char *node_name);
enum mc_arch dt_arch_of(const void *fdt);

/* check.c: fdt_check_full() behind the checks libfdt itself lacks. */
int dt_check_blob(const void *blob, size_t len);

/* tag.c, scan.c: only on a blob dt_check_blob() accepted. */
uint32_t dt_tag_next(const void *fdt, int offset, struct dt_tag *t);
int dt_scan(const void *fdt, struct dt_scan *s);
void dt_scan_free(struct dt_scan *s);
bool dt_node_available(const struct dt_node *n);

/* decode.c: the regions mc_dt_decode() adds, from a scan. */
int dt_decode_scan(struct mc_map *map, const void *fdt,
		   const struct dt_scan *s, unsigned int ac, unsigned int sc);

/* reg.c */
size_t dt_reg_encode(unsigned char *out, unsigned int addr_cells,
		     unsigned int size_cells, uint64_t addr, uint64_t size);
uint64_t dt_cells_get(const unsigned char *p, unsigned int cells);
size_t dt_node_name(char *buf, size_t len, const char *name, uint64_t addr);
size_t dt_node_name_len(const char *name, uint64_t addr);
bool dt_name_valid(const char *name);
bool dt_base_name_ok(const char *name);
bool dt_unit_addr(const char *unit, uint64_t *addr);

/*
 * sw.c: libfdt's fdt_create() ... fdt_finish(), the same bytes, without a
 * name search per property. Each returns 0 or -FDT_ERR_NOSPACE. A
 * property name's offset is remembered by its pointer, so every name must
 * keep its text until dt_sw_finish(): ours are literals, the base's are in
 * its strings block. tests/unit/test_dt_alloc.c holds every output against
 * libfdt's own sequential-write functions, byte for byte.
 */
#define DT_NAME_CACHE 61	/* slots of remembered name offsets */
#define DT_HEADER_ROOM 48	/* the 40-byte header, aligned for the map */
#define DT_RSV_ENTRY 16		/* a reserve map entry: two u64 */

struct dt_sw {
	unsigned char *buf;
	size_t size;		/* bytes at @buf */
	size_t off_struct;	/* where the structure block starts */
	size_t at;		/* where the next tag goes */
	size_t strings;		/* bytes of names, at the end of @buf */
	uint32_t names_final;	/* the names' final size if known, else 0 */
	uint32_t names_added;	/* names added so far: dates the cache */
	struct {
		const char *name;
		uint32_t off;	/* from the end of the names */
		uint32_t added;	/* names_added when found: else stale */
	} cache[DT_NAME_CACHE];
};

/*
 * @names_final: what the names will come to (dt_sw_name() on the same
 * calls), so that each name offset is written final; 0 if not known.
 */
int dt_sw_create(struct dt_sw *w, void *buf, size_t size,
		 uint32_t names_final);
int dt_sw_add_reservemap_entry(struct dt_sw *w, uint64_t addr,
			       uint64_t size);
int dt_sw_finish_reservemap(struct dt_sw *w);
int dt_sw_begin_node(struct dt_sw *w, const char *name, size_t len);
int dt_sw_end_node(struct dt_sw *w);
int dt_sw_property(struct dt_sw *w, const char *name, const void *val,
		   size_t len);
int dt_sw_finish(struct dt_sw *w);
/*
 * Add @name to a writer that holds names only (a dt_sw_create() of the
 * size the names may reach), as dt_sw_property() adds it: its ->strings
 * is then what the names of the same calls come to.
 */
int dt_sw_name(struct dt_sw *w, const char *name);

/*
 * out.c: a sink that either counts the bytes a tree needs (sw == NULL)
 * or writes it (sw.c). The first error sticks in @err and turns later
 * calls into no-ops.
 */
struct dt_out {
	struct dt_sw *sw;
	size_t struct_size;	/* counting: structure block bytes */
	size_t strings_size;	/* counting: property-name bound */
	unsigned char *seen;	/* counting: a bit per base name offset */
	size_t seen_len;	/* counting: bits in @seen */
	struct dt_sw *names;	/* counting: the names as written, or NULL */
	int err;		/* 0 or a negative libfdt error */
};

void dt_out_begin(struct dt_out *o, const char *name, size_t len);
void dt_out_begin_at(struct dt_out *o, const char *name, uint64_t addr);
void dt_out_end(struct dt_out *o);
void dt_out_prop(struct dt_out *o, const char *name, const void *val,
		 size_t len);
void dt_out_base_prop(struct dt_out *o, const struct dt_tag *prop);
size_t dt_out_own_names_size(void);

/* write.c */
int dt_write_tree(struct dt_out *o, const struct dt_plan *plan,
		  const struct dt_base *base);

#endif /* MC_DT_INTERNAL_H */
