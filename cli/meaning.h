/* SPDX-License-Identifier: MIT */
/*
 * meaning.h - what one address means in a carved model, in the model's
 * words, cut down to what two formats both say (for diff).
 */
#ifndef MC_CLI_MEANING_H
#define MC_CLI_MEANING_H

#include "model.h"

#define MEANING_MAX_IDS 64	/* devices or stream IDs compared per range */

struct meaning {
	bool some;		/* false: nothing there (a hole) */
	enum mc_kind kind;
	enum mc_resv_type type;
	unsigned int flags;	/* MC_F_* that are said */
	unsigned int access;	/* with MC_F_ACCESS */
	const char *name;	/* NULL: none, or not compared */
	const struct mc_pci_dev *devices;
	size_t n_devices;
	const char *const *paths;	/* DT node paths, with devices */
	size_t n_paths;
	uint32_t sids[MEANING_MAX_IDS];
	size_t n_sids;
	bool has_node;		/* with SAYS_NODES: memory of a NUMA map */
	uint32_t node;
};

/* The meaning of piece @p (NULL: a hole) as formats saying @says see it. */
void meaning_of(struct meaning *m, const struct piece *p, unsigned int says);

/* Equal, names compared only where both have one when @loose_names. */
bool meaning_equal(const struct meaning *a, const struct meaning *b,
		   bool loose_names);
/* Equal but for the NUMA node (check's node-disagrees). */
bool meaning_equal_but_node(const struct meaning *a, const struct meaning *b,
			    bool loose_names);

/* "reserved/msi (gits-doorbell), backed", "ram (dram1), node 1", "hole". */
void meaning_print(struct cli_buf *b, const struct meaning *m);

#endif /* MC_CLI_MEANING_H */
