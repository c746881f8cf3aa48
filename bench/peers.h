/* SPDX-License-Identifier: MIT */
/*
 * peers.h - memcarve against dtc and iasl as whole processes (peers.c).
 */
#ifndef MC_BENCH_PEERS_H
#define MC_BENCH_PEERS_H

#include "bench.h"

struct peer_opts {
	const char *tool;	/* the memcarve binary */
	const char *dir;	/* where inputs and outputs go */
	uint64_t seed;
};

/* The files of one size. */
struct peer_paths {
	char map[512], src[512], mc_out[512], peer_out[512], prefix[512];
	char log[512];
};

/* One peer: how to make its source and run it and memcarve. */
struct peer_kind {
	const char *peer;		/* "dtc" */
	const char *what;		/* "map -> DTB" */
	enum gen_mix mix;
	void (*source)(const struct mc_map *map, struct bbuf *out);
	const char *src_ext, *out_ext;
	unsigned int timeout_s;
	const size_t *sizes;
	size_t n_sizes;
	/* Fill both NULL-terminated argument vectors (at most 11 words). */
	void (*argv)(const struct peer_paths *p, const char *tool, char **mc,
		     char **peer);
};

struct peer_result {
	size_t n;
	double mc_s, peer_s;		/* medians; peer_s < 0: no result */
	double mc_null_s;		/* memcarve -o /dev/null: no fsync */
	unsigned int mc_runs, peer_runs;
	char status[200];
};

extern const struct peer_kind peer_dtc, peer_iasl;

/* Every size of @k until the peer fails; returns the rows written. */
size_t run_peer(const struct peer_opts *o, const struct peer_kind *k,
		struct peer_result *out);

#endif /* MC_BENCH_PEERS_H */
