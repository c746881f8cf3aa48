/* SPDX-License-Identifier: MIT */
/*
 * dt-internal.h - what the device-tree emitter's files share.
 *
 * The emitter works in steps (build.c runs them): plan.c turns the carved
 * map into the nodes and entries to write (checking names, cells and
 * conventions); in patch mode base.c indexes the base tree, split.c cuts
 * memory blocks where the base's memory nodes meet and conflict.c checks
 * our children against the base's /reserved-memory; write.c then walks the
 * output once to count its size and once to write it (out.c).
 */
#ifndef MC_DT_INTERNAL_H
#define MC_DT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "memcarve.h"
#include "memcarve-dt.h"

/* Longest node name: 31 characters (DT spec 2.2.1), "@", 16 hex digits. */
#define DT_NAME_MAX 31
#define DT_NODE_NAME_LEN (DT_NAME_MAX + 1 + 16 + 1)

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
	const struct mc_region *piece;	/* for diagnostics */
};

/* One block of memory a memory node describes. */
struct dt_block {
	uint64_t first, last;
};

/* One /memreserve/ entry. */
struct dt_rsv {
	uint64_t addr, size;
};

/* Everything we write, decided before writing. */
struct dt_plan {
	struct dt_block *blocks;	/* the slots, split at base nodes */
	size_t n_blocks;
	struct dt_child *children;
	size_t n_children;
	struct dt_rsv *rsv;
	size_t n_rsv;
	unsigned int addr_cells, size_cells;
	enum mc_dt_layout layout;
};

/* A range of a base memory node, for inheriting its properties. */
struct dt_base_mem {
	uint64_t first, last;
	int node;		/* offset in the base */
	size_t index;		/* which base memory node (phandle owner) */
};

/* What patch mode needs to know about the base. */
struct dt_base {
	const void *fdt;
	struct dt_base_mem *mem;	/* sorted by first */
	size_t n_mem;
	size_t n_mem_nodes;
	int resv_node;			/* /reserved-memory, or -1 */
	bool drop_memreserve;
};

/* plan.c */
int dt_plan_make(struct mc_map *map, const struct mc_dt_options *opt,
		 unsigned int addr_cells, unsigned int size_cells,
		 struct dt_plan *plan);
void dt_plan_free(struct dt_plan *plan);
int dt_check_fits(struct mc_map *map, const struct dt_plan *plan);
int dt_plan_split(struct mc_map *map, struct dt_plan *plan,
		  const struct dt_base *base);

/* base.c */
int dt_base_open(struct mc_map *map, const struct mc_dt_options *opt,
		 struct dt_base *base, unsigned int *addr_cells,
		 unsigned int *size_cells);
int dt_base_check(struct mc_map *map, const struct dt_base *base,
		  const struct dt_plan *plan);
void dt_base_free(struct dt_base *base);
bool dt_is_memory(const void *fdt, int node);
const struct dt_base_mem *dt_base_mem_at(const struct dt_base *base,
					 uint64_t addr);

/* check.c: fdt_check_full() behind the checks libfdt itself lacks. */
int dt_check_blob(const void *blob, size_t len);

/* reg.c */
size_t dt_reg_encode(unsigned char *out, unsigned int addr_cells,
		     unsigned int size_cells, uint64_t addr, uint64_t size);
uint64_t dt_cells_get(const unsigned char *p, unsigned int cells);
void dt_node_name(char *buf, size_t len, const char *name, uint64_t addr);
bool dt_name_valid(const char *name);
void dt_fmt_range(char *buf, size_t len, uint64_t first, uint64_t last);
void dt_fmt_piece(char *buf, size_t len, const struct mc_region *r);

/*
 * out.c: a sink that either counts the bytes a tree needs (fdt == NULL)
 * or writes it with libfdt's sequential-write functions. The first error
 * sticks in @err and turns later calls into no-ops.
 */
struct dt_out {
	void *fdt;
	size_t struct_size;	/* counting: structure block bytes */
	size_t strings_size;	/* counting: property-name bound */
	unsigned char *seen;	/* counting: a bit per base name offset */
	size_t seen_len;	/* counting: bits in @seen */
	int err;		/* 0 or a negative libfdt error */
};

void dt_out_begin(struct dt_out *o, const char *name);
void dt_out_end(struct dt_out *o);
void dt_out_prop(struct dt_out *o, const char *name, const void *val,
		 size_t len);
void dt_out_base_prop(struct dt_out *o, const void *base, int prop);
size_t dt_out_own_names_size(void);

/* write.c */
int dt_write_tree(struct dt_out *o, const struct dt_plan *plan,
		  const struct dt_base *base);

#endif /* MC_DT_INTERNAL_H */
