/* SPDX-License-Identifier: MIT */
/*
 * semdiff.h - the ranges whose meaning differs between two carved models,
 * on what both formats say (diff, and check's formats that disagree).
 */
#ifndef MC_CLI_SEMDIFF_H
#define MC_CLI_SEMDIFF_H

#include "meaning.h"

struct change {
	uint64_t first, last;
	char *a, *b;		/* meanings as printed */
	unsigned int allowed_by; /* diff --allow line, 0 if not allowed */
	bool node_only;		/* the same but for the NUMA node */
};

struct changes {
	struct change *v;
	size_t n, cap;
	bool failed;
};

/* NULL if @a and @b say enough in common to compare, else why not. */
const char *semdiff_incomparable(const struct model *a, const struct model *b);

/* Append every change from @a to @b to @d: 0 or MC_ENOMEM. */
int semdiff(struct changes *d, const struct model *a, const struct model *b);

void changes_free(struct changes *d);

#endif /* MC_CLI_SEMDIFF_H */
