/* SPDX-License-Identifier: MIT */
/*
 * svg_axis.h - the compressed address axis of "memcarve render".
 */
#ifndef MC_CLI_SVG_AXIS_H
#define MC_CLI_SVG_AXIS_H

#include "model.h"

#define CUT_W		56	/* a compressed gap, in pixels */
#define CUT_MIN		((uint64_t)1 << 30)

/* Segment i is [edge[i], edge[i + 1] - 1], the last one up to 2^64 - 1. */
struct axis {
	uint64_t *edge;
	int *x;			/* x of each edge; x[n] the right end */
	bool *cut;		/* segment drawn compressed */
	size_t n;
};

/* Every edge of @map's inputs and pieces, from x = @left: 0 or MC_ENOMEM. */
int axis_build(const struct mc_map *map, struct axis *ax, int left);
void axis_free(struct axis *ax);
/* The x where the byte @first starts, and where the byte @last ends. */
int axis_x_from(const struct axis *ax, uint64_t first);
int axis_x_to(const struct axis *ax, uint64_t last);

#endif /* MC_CLI_SVG_AXIS_H */
