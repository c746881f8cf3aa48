// SPDX-License-Identifier: MIT
/*
 * walk_iort.c - an IORT's nodes, their ID mappings and RMR memory ranges,
 * checked once (Arm DEN 0049E.e).
 *
 * The nodes lie inside the table where its header says; each node holds
 * its own fixed part and arrays (ITS identifiers, ID mappings, RMR memory
 * range descriptors), every ID mapping points at a node, and an RMR node's
 * ranges cover at least a byte below 2^64.
 */
#include <stdlib.h>
#include "walk.h"
#include "iort.h"

/* @count items of @size bytes at @at lie inside a node of @len bytes. */
static bool array_fits(size_t len, size_t at, uint32_t count, size_t size)
{
	return at <= len && count <= (len - at) / size;
}

const uint8_t *acpi_iort_mappings(const struct acpi_item *n, uint32_t *count)
{
	uint32_t at = get_le32(n->p + IORT_NODE_MAPPING_OFFSET);

	*count = get_le32(n->p + IORT_NODE_MAPPING_COUNT);
	if (*count == 0)
		return n->p;
	if (at < IORT_NODE_SIZE ||
	    !array_fits(n->len, at, *count, IORT_ID_SIZE))
		return NULL;
	return n->p + at;
}

const uint8_t *acpi_iort_rmr_ranges(const struct acpi_item *n,
				    uint32_t *count)
{
	uint32_t at = get_le32(n->p + IORT_RMR_OFFSET);

	*count = get_le32(n->p + IORT_RMR_COUNT);
	if (!array_fits(n->len, at, *count, IORT_RMR_DESC_SIZE))
		return NULL;
	return n->p + at;
}

static const char *node_name(unsigned int type)
{
	static const char *const name[] = {
		[IORT_TYPE_ITS_GROUP] = "ITS group",
		[IORT_TYPE_NAMED_COMPONENT] = "named component node",
		[IORT_TYPE_ROOT_COMPLEX] = "root complex node",
		[IORT_TYPE_SMMU_V1_V2] = "SMMUv1/v2 node",
		[IORT_TYPE_SMMU_V3] = "SMMUv3 node",
		[IORT_TYPE_PMCG] = "PMCG node",
		[IORT_TYPE_RMR] = "RMR node",
	};

	return acpi_type_name(name, sizeof(name) / sizeof(name[0]), type,
			      "node");
}

/* The fixed part of the node types read here; 0: not read. */
static size_t fixed_part(unsigned int type)
{
	switch (type) {
	case IORT_TYPE_ITS_GROUP:
		return IORT_ITS_SIZE;
	case IORT_TYPE_SMMU_V3:
		return IORT_SMMU_SIZE;
	case IORT_TYPE_RMR:
		return IORT_RMR_SIZE;
	default:
		return 0;
	}
}

/* The node's own fixed part and arrays, by type. */
static int check_body(struct mc_map *map, const char *what,
		      const struct acpi_item *n)
{
	uint32_t count;
	int err = acpi_check_fixed(map, what, IORT_SIG, node_name(n->type), n,
				   fixed_part(n->type));

	if (err)
		return err;
	if (n->type == IORT_TYPE_ITS_GROUP &&
	    !array_fits(n->len, IORT_ITS_IDENTIFIERS,
			count = get_le32(n->p + IORT_ITS_COUNT),
			IORT_ITS_IDENTIFIER_SIZE))
		return mc_map_report(map, MC_EBADBLOB, what,
				     IORT_SIG ": ITS group at 0x%zx: %u "
				     "identifiers do not fit in it",
				     n->off, count);
	if (n->type == IORT_TYPE_RMR && !acpi_iort_rmr_ranges(n, &count))
		return mc_map_report(map, MC_EBADBLOB, what,
				     IORT_SIG ": RMR node at 0x%zx: %u memory "
				     "ranges at +0x%x do not fit in it",
				     n->off, count,
				     get_le32(n->p + IORT_RMR_OFFSET));
	return 0;
}

/* The offsets of the nodes walked so far, ascending. */
struct node_list {
	size_t *off;
	size_t n;
};

static int check_node(struct mc_map *map, const char *what,
		      const struct acpi_item *n, void *ctx)
{
	struct node_list *l = ctx;

	l->off[l->n++] = n->off;
	return check_body(map, what, n);
}

/* Is @ref the offset of a node? */
static bool is_node(const struct node_list *l, uint32_t ref)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->off[mid] == ref)
			return true;
		if (l->off[mid] < ref)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* What an RMR node describes: its stream IDs countable, its ranges real. */
static int check_rmr(struct mc_map *map, const char *what,
		     const struct acpi_item *n, const uint8_t *m,
		     uint32_t maps)
{
	uint64_t sids = 0;
	uint32_t count;
	const uint8_t *d = acpi_iort_rmr_ranges(n, &count);
	int err = 0;

	for (uint32_t k = 0; k < maps; k++)
		sids += (uint64_t)get_le32(m + k * IORT_ID_SIZE +
					   IORT_ID_COUNT) + 1;
	if (sids > IORT_RMR_MAX_SIDS)
		return mc_map_report(map, MC_EBADBLOB, what,
				     IORT_SIG ": RMR node at 0x%zx maps %llu "
				     "stream IDs; more than 0x%x are not "
				     "listed",
				     n->off, (unsigned long long)sids,
				     IORT_RMR_MAX_SIDS);
	for (uint32_t k = 0; !err && k < count; k++, d += IORT_RMR_DESC_SIZE)
		err = acpi_check_span(map, what, IORT_SIG, "RMR node", n->off,
				      get_le64(d + IORT_RMR_DESC_BASE),
				      get_le64(d + IORT_RMR_DESC_LENGTH));
	return err;
}

/* Every ID mapping inside its node and pointing at a node. */
static int check_mappings(struct mc_map *map, const char *what,
			  const struct acpi_item *n, void *ctx)
{
	uint32_t count;
	const uint8_t *m = acpi_iort_mappings(n, &count);

	if (!m)
		return mc_map_report(map, MC_EBADBLOB, what,
				     IORT_SIG ": %s at 0x%zx: %u ID mappings "
				     "at +0x%x do not fit in it",
				     node_name(n->type), n->off, count,
				     get_le32(n->p + IORT_NODE_MAPPING_OFFSET));
	for (uint32_t k = 0; k < count; k++)
		if (!is_node(ctx, get_le32(m + k * IORT_ID_SIZE +
					   IORT_ID_OUTPUT_REFERENCE)))
			return mc_map_report(map, MC_EBADBLOB, what,
					     IORT_SIG ": %s at 0x%zx: ID "
					     "mapping %u points at no node",
					     node_name(n->type), n->off, k);
	return n->type == IORT_TYPE_RMR ?
		       check_rmr(map, what, n, m, count) : 0;
}

int acpi_check_iort(struct mc_map *map, const uint8_t *p, size_t len,
		    const char *what)
{
	uint32_t count = get_le32(p + IORT_NODE_COUNT);
	size_t off = get_le32(p + IORT_NODE_OFFSET);
	struct node_list l = { NULL, 0 };
	int err;

	if (off < IORT_SIZE || off > len ||
	    count > (len - off) / IORT_NODE_SIZE)
		return mc_map_report(map, MC_EBADBLOB, what,
				     IORT_SIG ": node offset 0x%zx or count %u "
				     "does not fit in the table",
				     off, count);
	l.off = malloc((count ? count : 1) * sizeof(*l.off));
	if (!l.off)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	err = acpi_check_items(map, MC_ACPI_IORT, p, len, what, check_node,
			       &l);
	if (!err)
		err = acpi_check_items(map, MC_ACPI_IORT, p, len, what,
				       check_mappings, &l);
	free(l.off);
	return err;
}
