/* SPDX-License-Identifier: MIT */
/*
 * internal.h - what the core's files share; not installed.
 */
#ifndef MC_INTERNAL_H
#define MC_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include "memcarve.h"
#include "internal/diag.h"

#if defined(__GNUC__)
#define MC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MC_PRINTF(f, a)
#endif

/* Map-file lines longer than this are refused rather than truncated. */
#define MC_LINE_MAX 4096

/*
 * A bump allocator for names, device and SID arrays: one free for all, and
 * pointers stay put as it grows (chunks are never moved).
 */
struct mc_arena_chunk;
struct mc_dev_paths;
struct mc_arena {
	struct mc_arena_chunk *head;
};

void *mc_arena_alloc(struct mc_arena *arena, size_t size);
char *mc_arena_strdup(struct mc_arena *arena, const char *s, size_t len);
void mc_arena_free(struct mc_arena *arena);

/* Which settings the caller fixed with mc_map_set_*(): map text yields. */
#define MC_SET_ARCH	(1u << 0)
#define MC_SET_POLICY	(1u << 1)
#define MC_SET_GRANULE	(1u << 2)

struct mc_map {
	enum mc_arch arch;
	enum mc_policy policy;
	uint64_t granule;		/* 0: the arch's page size */
	unsigned int fixed;		/* MC_SET_* */

	struct mc_region *in;		/* regions as added */
	size_t n_in, cap_in;
	size_t n_node_regions;		/* with MC_F_NODE: the map is NUMA */
	size_t n_hotplug;		/* MC_HOTPLUG windows */
	/* input indices of the RAM regions, so that carving finds the
	 * few RAM blocks without a pass over every input region */
	uint32_t *ram_idx;
	size_t n_ram_idx, cap_ram_idx;
	unsigned int n_api_adds;	/* mc_map_add() calls: the N of #N */
	const char *last_source;	/* the source interned last */
	struct mc_dev_paths *paths;	/* DT node paths (dev_paths.h) */
	size_t n_paths, cap_paths;

	bool carved;
	struct mc_piece *out;		/* carved result */
	size_t n_out;
	struct mc_slot *slots;
	size_t n_slots;
	struct mc_totals totals;

	struct mc_distance *dist;	/* "distance" statements, as given */
	size_t n_dist, cap_dist;
	bool dist_sorted;		/* by (from, to, order): after carve */
	struct mc_node_backing *backing;	/* per node, when carved */
	size_t n_backing;

	struct mc_arena arena;

	struct mc_error err[MC_MAX_ERRORS];
	char *err_block[MC_MAX_ERRORS];	/* what each one's strings live in */
	size_t n_err;
	size_t n_dropped;
};

/* One "distance FROM TO N" statement (numa.c). */
struct mc_distance {
	uint32_t from, to, distance;
	unsigned int line;
	const char *source;	/* NULL for mc_map_set_distance() */
	size_t order;		/* the statement's place among them */
};

/* A "distance" statement read from @source:@line (numa.c). */
int mc_distance_add(struct mc_map *map, const char *source, unsigned int line,
		    uint32_t from, uint32_t to, uint32_t distance);

/*
 * The NUMA rules that need the whole map (numa.c): every ram, pmem and
 * hotplug region has a node or none has, hotplug windows overlap nothing,
 * distances name nodes regions name and agree. Sorts the distances.
 */
int mc_check_numa(struct mc_map *map);

/* The kinds that take node= (numa.md §1). */
static inline bool mc_kind_has_node(enum mc_kind kind)
{
	return kind == MC_RAM || kind == MC_PMEM || kind == MC_HOTPLUG;
}

/* Add a region read from @source:@line (0 for the API). */
int mc_map_add_from(struct mc_map *map, const struct mc_region *r,
		    const char *source, unsigned int line);

/* Drop the carved result: the map changed. */
void mc_map_uncarve(struct mc_map *map);

/*
 * ppc64 guests keep only a multiple of 16 MiB of RAM (ram_total.c), so
 * ppc64 carves in 16 MiB granules by default; the others in pages.
 */
#define MC_PPC64_RAM_MULTIPLE	0x1000000ull
uint64_t mc_arch_granule(enum mc_arch arch);

/* The guest kernel's limits on the carved RAM as a whole (ram_total.c). */
int mc_check_ram_total(struct mc_map *map);

/*
 * Numbers: decimal or 0x hex, with an optional K/M/G/T suffix when
 * @suffix is true. On error, @why gets a message naming the token.
 */
int mc_parse_u64(const char *tok, bool suffix, uint64_t *out,
		 char *why, size_t why_len);

/* 2^k alignment helpers; overflow-safe. */
static inline bool mc_is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static inline uint64_t mc_align_down(uint64_t x, uint64_t g)
{
	return x & ~(g - 1);
}

/* The last byte of the granule holding @x: never overflows. */
static inline uint64_t mc_granule_last(uint64_t x, uint64_t g)
{
	return x | (g - 1);
}

/* Bytes in [first, last], which must not be the whole 2^64 space. */
static inline uint64_t mc_len(uint64_t first, uint64_t last)
{
	return last - first + 1;
}

/* A source name kept for the map's lifetime (diagnostics, results). */
const char *mc_intern_source(struct mc_map *map, const char *source);

/*
 * Call @fn on each line of @text, NUL-terminated in a scratch buffer it may
 * modify, without its newline. Lines that are too long or hold a NUL byte
 * are reported and skipped. Return: 0 or the first error.
 */
typedef int (*mc_line_fn)(void *ctx, unsigned int line, char *text);
int mc_each_line(struct mc_map *map, const char *source, const char *text,
		 size_t len, mc_line_fn fn, void *ctx);

/* Read @path ("-" is standard input) and hand it to a text loader. */
typedef int (*mc_loader_fn)(struct mc_map *map, const char *source,
			    const char *text, size_t len);
int mc_load_file(struct mc_map *map, const char *path, mc_loader_fn load);

#endif /* MC_INTERNAL_H */
