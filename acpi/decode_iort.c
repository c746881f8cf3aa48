// SPDX-License-Identifier: MIT
/*
 * decode_iort.c - an IORT's RMR nodes back to direct reserved regions,
 * with their stream IDs, flags and access attributes. Debian's iasl stops
 * at node type 6, so this decoder is how an RMR is read back. The table
 * is checked whole first (walk_iort.c); the walk here trusts it.
 */
#include <stdlib.h>
#include "acpi.h"
#include "iort.h"
#include "walk.h"

/*
 * The ID mappings' output ranges (what the SMMU sees), expanded into
 * *@out (malloc'd): the check bounded them to IORT_RMR_MAX_SIDS.
 */
static int rmr_sids(struct mc_map *map, const struct acpi_item *n,
		    uint32_t **out, size_t *n_sids)
{
	uint32_t count;
	const uint8_t *m = acpi_iort_mappings(n, &count);
	size_t total = 0;
	uint32_t *sids;

	for (uint32_t i = 0; i < count; i++)
		total += (size_t)get_le32(m + i * IORT_ID_SIZE +
					  IORT_ID_COUNT) + 1;
	sids = malloc(total * sizeof(*sids) + 1);
	if (!sids)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	*n_sids = 0;
	for (uint32_t i = 0; i < count; i++, m += IORT_ID_SIZE) {
		uint32_t base = get_le32(m + IORT_ID_OUTPUT_BASE);

		for (uint64_t k = 0; k <= get_le32(m + IORT_ID_COUNT); k++)
			sids[(*n_sids)++] = (uint32_t)(base + k);
	}
	*out = sids;
	return 0;
}

/* One region per memory range descriptor, with what the node says. */
static int rmr_ranges(struct mc_map *map, const struct acpi_item *n,
		      struct mc_region *r)
{
	uint32_t count;
	const uint8_t *d = acpi_iort_rmr_ranges(n, &count);
	int err = 0;

	for (uint32_t i = 0; !err && i < count; i++, d += IORT_RMR_DESC_SIZE) {
		r->first = get_le64(d + IORT_RMR_DESC_BASE);
		r->last = r->first + (get_le64(d + IORT_RMR_DESC_LENGTH) - 1);
		err = acpi_add_decoded(map, r, IORT_SIG);
	}
	return err;
}

static int rmr(struct mc_map *map, const struct acpi_item *n)
{
	uint32_t flags = get_le32(n->p + IORT_RMR_FLAGS);
	struct mc_region r = {
		.kind = MC_RESERVED,
		.type = (flags & IORT_RMR_REMAP_PERMITTED) ?
				MC_RESV_DIRECT_RELAXABLE :
				MC_RESV_DIRECT,
		.flags = MC_F_ACCESS |
			 ((flags & IORT_RMR_ACCESS_PRIVILEGED) ? MC_F_PRIVILEGED :
								0),
		.access = flags >> IORT_RMR_ACCESS_SHIFT & IORT_RMR_ACCESS_MASK,
	};
	uint32_t *sids = NULL;
	int err = rmr_sids(map, n, &sids, &r.n_sids);

	r.sids = sids;
	if (!err)
		err = rmr_ranges(map, n, &r);
	free(sids);
	return err;
}

static int node(struct mc_map *map, const struct acpi_item *n)
{
	return n->type == IORT_TYPE_RMR ? rmr(map, n) : 0;
}

int mc_acpi_iort_decode(struct mc_map *map, const void *blob, size_t len)
{
	return acpi_decode(map, MC_ACPI_IORT, blob, len, MC_ARCH_ARM64, node);
}
