/* SPDX-License-Identifier: MIT */
/*
 * results.h - what one run measured, and how it is reported (report.c).
 */
#ifndef MC_BENCH_RESULTS_H
#define MC_BENCH_RESULTS_H

#include "bench.h"
#include "peers.h"

#define MAX_SIZES	8
#define MAX_STAGES	16
#define MAX_PEER_ROWS	8

struct results {
	size_t sizes[MAX_SIZES];
	size_t n_sizes;
	struct timing stage[MAX_SIZES][MAX_STAGES];
	struct timing typical;
	size_t typical_regions;
	/*
	 * One cold pass in a fresh process: @rss_n regions through carve and
	 * every emitter, its time and its peak RSS (before DT patch's base).
	 */
	size_t rss_n;
	double rss_kib, rss_base_kib;	/* VmHWM at the end, and before loading */
	double cold_s;
	struct peer_result dtc[MAX_PEER_ROWS], iasl[MAX_PEER_ROWS];
	size_t n_dtc, n_iasl;
	uint64_t seed;
	bool wall_clock;	/* stages timed by the wall clock, not CPU time */
	double load_before, load_after;	/* 1-minute load average */
};

/* The table on standard output, then the targets. */
void report_print(const struct results *r);
/* results.tsv (every figure) and plot.dat (gnuplot's input) in @dir. */
void report_write(const struct results *r, const char *dir);

#endif /* MC_BENCH_RESULTS_H */
