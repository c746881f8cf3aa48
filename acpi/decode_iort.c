// SPDX-License-Identifier: MIT
/*
 * decode_iort.c - an IORT's RMR nodes back to direct reserved regions,
 * with their stream IDs, flags and access attributes. Debian's iasl stops
 * at node type 6, so this decoder is how an RMR is read back.
 */
#include <stdlib.h>
#include "acpi.h"
#include "iort.h"

/* More stream IDs than one PCI segment has are not a range of devices. */
#define MAX_SIDS 0x10000u

struct rmr_node {
	const uint8_t *n;
	size_t len, off;	/* node length, offset in the table */
	uint32_t *sids;
	size_t n_sids;
};

/* Expand the ID mappings' output ranges (what the SMMU sees). */
static int rmr_sids(struct mc_map *map, struct rmr_node *rn)
{
	uint32_t count = get32(rn->n + IORT_NODE_MAPPING_COUNT);
	uint32_t at = get32(rn->n + IORT_NODE_MAPPING_OFFSET);
	size_t total = 0;

	if (at > rn->len || count > (rn->len - at) / IORT_ID_SIZE)
		return mc_map_report(map, MC_EBADBLOB, "IORT",
				     "RMR node at 0x%zx: %u ID mappings at +0x%x "
				     "do not fit in the node",
				     rn->off, count, at);
	for (uint32_t i = 0; i < count; i++)
		total += (size_t)get32(rn->n + at + i * IORT_ID_SIZE +
				       IORT_ID_COUNT) + 1;
	if (total > MAX_SIDS)
		return mc_map_report(map, MC_ERANGE, "IORT",
				     "RMR node at 0x%zx maps %zu stream IDs; "
				     "more than 0x%x are not listed",
				     rn->off, total, MAX_SIDS);
	rn->sids = malloc(total * sizeof(*rn->sids) + 1);
	if (!rn->sids)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *m = rn->n + at + i * IORT_ID_SIZE;
		uint32_t base = get32(m + IORT_ID_OUTPUT_BASE);

		for (uint64_t k = 0; k <= get32(m + IORT_ID_COUNT); k++)
			rn->sids[rn->n_sids++] = (uint32_t)(base + k);
	}
	return 0;
}

static int rmr_ranges(struct mc_map *map, struct rmr_node *rn)
{
	uint32_t flags = get32(rn->n + IORT_RMR_FLAGS);
	uint32_t count = get32(rn->n + IORT_RMR_COUNT);
	uint32_t at = get32(rn->n + IORT_RMR_OFFSET);
	struct mc_region r = {
		.kind = MC_RESERVED,
		.type = (flags & IORT_RMR_REMAP_PERMITTED) ?
				MC_RESV_DIRECT_RELAXABLE :
				MC_RESV_DIRECT,
		.flags = MC_F_ACCESS |
			 ((flags & IORT_RMR_ACCESS_PRIVILEGED) ? MC_F_PRIVILEGED :
								0),
		.access = flags >> IORT_RMR_ACCESS_SHIFT & IORT_RMR_ACCESS_MASK,
		.sids = rn->sids,
		.n_sids = rn->n_sids,
	};

	if (at > rn->len || count > (rn->len - at) / IORT_RMR_DESC_SIZE)
		return mc_map_report(map, MC_EBADBLOB, "IORT",
				     "RMR node at 0x%zx: %u memory ranges at "
				     "+0x%x do not fit in the node",
				     rn->off, count, at);
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *d = rn->n + at + i * IORT_RMR_DESC_SIZE;
		uint64_t len = get64(d + IORT_RMR_DESC_LENGTH);
		int err;

		r.first = get64(d + IORT_RMR_DESC_BASE);
		if (len == 0 || len - 1 > UINT64_MAX - r.first)
			return mc_map_report(map, MC_EBADBLOB, "IORT",
					     "RMR node at 0x%zx: range 0x%llx+"
					     "0x%llx is empty or wraps past 2^64",
					     rn->off,
					     (unsigned long long)r.first,
					     (unsigned long long)len);
		r.last = r.first + (len - 1);
		err = acpi_add_decoded(map, &r, "IORT");
		if (err)
			return err;
	}
	return 0;
}

static int rmr(struct mc_map *map, const uint8_t *n, size_t len, size_t off)
{
	struct rmr_node rn = { n, len, off, NULL, 0 };
	int err;

	if (len < IORT_RMR_SIZE)
		return mc_map_report(map, MC_EBADBLOB, "IORT",
				     "RMR node at 0x%zx: %zu bytes, shorter "
				     "than 28",
				     off, len);
	err = rmr_sids(map, &rn);
	if (!err)
		err = rmr_ranges(map, &rn);
	free(rn.sids);
	return err;
}

int mc_acpi_iort_decode(struct mc_map *map, const void *blob, size_t len)
{
	const uint8_t *p = blob;
	int err = acpi_check_table(map, blob, len, "IORT", "IORT");
	uint32_t count;
	size_t off;

	if (err <= 0)
		return err ? err : MC_EBADBLOB;
	if (len < IORT_SIZE)
		return mc_map_report(map, MC_EBADBLOB, "IORT",
				     "%zu bytes, shorter than its 48-byte header",
				     len);
	mc_map_set_arch(map, MC_ARCH_ARM64);
	count = get32(p + IORT_NODE_COUNT);
	off = get32(p + IORT_NODE_OFFSET);
	for (uint32_t i = 0; i < count; i++) {
		uint16_t nlen;

		if (off > len || len - off < IORT_NODE_SIZE ||
		    (nlen = get16(p + off + IORT_NODE_LENGTH)) <
			    IORT_NODE_SIZE ||
		    nlen > len - off)
			return mc_map_report(map, MC_EBADBLOB, "IORT",
					     "node %u at 0x%zx does not fit in "
					     "the table",
					     i, off);
		if (p[off + IORT_NODE_TYPE] == IORT_TYPE_RMR) {
			err = rmr(map, p + off, nlen, off);
			if (err)
				return err;
		}
		off += nlen;
	}
	return 0;
}
