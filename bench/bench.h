/* SPDX-License-Identifier: MIT */
/*
 * bench.h - what the parts of memcarve-bench share.
 *
 * The benchmark measures the library in-process (each stage on generated
 * maps of growing size) and the tool against dtc and iasl as whole
 * processes. Nothing here is part of the library: this program may print
 * and exit, and it does on any failure, since a benchmark of a stage that
 * failed would measure the wrong thing.
 */
#ifndef MC_BENCH_H
#define MC_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "memcarve.h"

#if defined(__GNUC__)
#define BENCH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define BENCH_NORETURN __attribute__((noreturn))
#else
#define BENCH_PRINTF(f, a)
#define BENCH_NORETURN
#endif

/* A growable byte buffer; allocation failure ends the program. */
struct bbuf {
	char *p;
	size_t len, cap;
};

void bb_reserve(struct bbuf *b, size_t more);
void bb_add(struct bbuf *b, const void *data, size_t len);
void bb_printf(struct bbuf *b, const char *fmt, ...) BENCH_PRINTF(2, 3);
void bb_free(struct bbuf *b);

void die(const char *fmt, ...) BENCH_PRINTF(1, 2) BENCH_NORETURN;
/* Print the map's diagnostics, then die naming @what. */
void die_map(const struct mc_map *map, const char *what) BENCH_NORETURN;
void write_file(const char *path, const void *data, size_t len);
/* Append the whole file at @path to @out. */
void read_file(const char *path, struct bbuf *out);
/* snprintf() into a path buffer; a path that does not fit ends the run. */
void path_printf(char *buf, size_t len, const char *fmt, ...)
	BENCH_PRINTF(3, 4);

/* --- generated inputs (gen.c, base.c, peer_text.c) --- */

/* Which ranges a generated map holds besides its RAM blocks. */
enum gen_mix {
	GEN_MIXED,	/* every reserved type, acpi, nvs, pmem */
	GEN_DIRECT,	/* direct ranges only, one device each: the DMAR peer */
};

/* Map-file text of @n ranges, deterministic from @seed. */
void gen_map_text(struct bbuf *out, size_t n, enum gen_mix mix,
		  uint64_t seed);
/* The typical VMM map (at most 16 regions). */
const char *gen_typical_map(void);
/* A large VMM tree to patch, sized after @n; see base.c. */
void gen_base_dtb(struct bbuf *out, size_t n);

/* Hand-written-style DTS and DMAR DSL equivalent to a carved map. */
void peer_dts(const struct mc_map *map, struct bbuf *out);
void peer_dmar_dsl(const struct mc_map *map, struct bbuf *out);

/* A new map loaded from @text and carved; dies on error. */
struct mc_map *load_carved(const char *text, size_t len);

/* --- timing (timing.c) --- */

uint64_t now_ns(void);

struct timing {
	double median_ns;	/* per call */
	double min_ns;
	unsigned int samples;	/* timed samples after the warm-up */
	unsigned int batch;	/* calls per sample */
};

/*
 * Median time of one call of @fn, after a warm-up call; small calls are
 * batched so each sample lasts at least 50 us. @budget_s bounds the time
 * spent sampling (but at least 5 samples are taken). The time is this
 * thread's CPU time, or wall-clock time if @wall.
 */
void measure(int (*fn)(void *), void *ctx, const char *what,
	     double budget_s, bool wall, struct timing *t);

/* --- in-process stages (stages.c) --- */

struct stage_ctx {
	const char *text;	/* the map file */
	size_t len;
	struct mc_map *map;	/* @text, carved */
	const void *base;	/* the base tree for DT patch */
	size_t base_len;
	uint64_t sink;		/* what read-result read, so it is read */
};

enum stage_role {
	ROLE_PARSE,
	ROLE_CARVE,	/* counted in "carve + every emitter" */
	ROLE_EMITTER,	/* counted too; reads the carved result */
	/*
	 * Not the library's work: one read of the carved result, which every
	 * emitter makes, timed alone. Its growth is the memory's, and gives
	 * each emitter the least growth it can show (report.c).
	 */
	ROLE_FLOOR,
};

struct stage {
	const char *name;
	int (*run)(void *ctx);	/* ctx: struct stage_ctx */
	enum stage_role role;
};

extern const struct stage stages[];
extern const size_t n_stages;

/* Every emitter over @ctx once, outputs freed: the RSS child and typical. */
int run_pipeline(struct stage_ctx *ctx);

/* --- whole processes (spawn.c) --- */

/*
 * Run @argv with standard output to @out_path (NULL: /dev/null) and
 * standard error to @err_path (NULL: /dev/null). Kills it after
 * @timeout_s. Returns the exit status, 128 + signal, -1 on a timeout.
 * *@secs gets the wall time from spawn to exit.
 */
int run_process(char *const argv[], const char *out_path,
		const char *err_path, unsigned int timeout_s, double *secs);

#endif /* MC_BENCH_H */
