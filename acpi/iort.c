// SPDX-License-Identifier: MIT
/*
 * iort.c - the IORT table (Arm): one RMR node per direct range.
 *
 * An RMR node carries the range (one memory range descriptor), its flags
 * and ID mappings that name the stream IDs of the devices using it, output
 * to the SMMUv3 node. Linux reads RMR nodes only from table revision 5
 * (E.d) on and skips a node without ID mappings, so both are required here.
 *
 * A fresh table is QEMU virt's (iommu=smmuv3): ITS group, SMMUv3, PCI root
 * complex mapping all requester IDs 1:1 to the SMMU, then the RMR nodes.
 * Patching appends the RMR nodes after the VMM's last node and points their
 * mappings at the VMM's first SMMUv3 node.
 */
#include <stdlib.h>
#include <string.h>
#include "acpi.h"
#include "iort.h"
#include "walk.h"

struct iort_ctx {
	uint32_t smmu_ref;	/* offset of the SMMUv3 node */
	uint32_t next_id;	/* next free node identifier */
	uint32_t added;		/* nodes added */
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Most ranges have a stream ID or two: no allocation for those. */
#define FEW_IDS 8

/*
 * The stream IDs of a range, sorted: sids=, else the requester IDs. *@out
 * is @few if they fit, else malloc'd.
 */
static int stream_ids(struct mc_map *map, const struct acpi_range *a,
		      uint32_t few[FEW_IDS], uint32_t **out, size_t *n)
{
	size_t count = a->n_sids ? a->n_sids : a->n_devices;
	uint32_t *ids = count <= FEW_IDS ? few : malloc(count * sizeof(*ids));

	if (!ids)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < count; i++)
		ids[i] = a->n_sids ? a->sids[i] :
				     PCI_RID(a->devices[i].bus,
					     a->devices[i].devfn);
	if (count > 1)	/* most ranges: one device, no library call */
		qsort(ids, count, sizeof(*ids), cmp_u32);
	*out = ids;
	*n = count;
	return 0;
}

/* Runs of consecutive IDs (duplicates folded) in a sorted list. */
static size_t count_runs(const uint32_t *ids, size_t n)
{
	size_t runs = 0;

	for (size_t i = 0; i < n; i++)
		runs += i == 0 || ids[i] - ids[i - 1] > 1;
	return runs;
}

static void put_mapping(uint8_t *m, uint32_t first, uint32_t count_minus1,
			uint32_t ref)
{
	put_le32(m + IORT_ID_INPUT_BASE, first);
	put_le32(m + IORT_ID_COUNT, count_minus1);
	put_le32(m + IORT_ID_OUTPUT_BASE, first);
	put_le32(m + IORT_ID_OUTPUT_REFERENCE, ref);
	put_le32(m + IORT_ID_FLAGS, 0);
}

/*
 * Access attributes: the map's access=, else Normal write-back for a range
 * guest RAM backs (a DMA buffer) and Device-nGnRnE for one it does not.
 */
static uint32_t rmr_flags(const struct acpi_range *a)
{
	uint32_t access = a->backed ? MC_IORT_ACCESS_NORMAL_WB :
				      MC_IORT_ACCESS_DEVICE_NGNRNE;
	uint32_t flags = 0;

	if (a->flags & MC_F_ACCESS)
		access = a->access & IORT_RMR_ACCESS_MASK;
	if (a->relaxable)
		flags |= IORT_RMR_REMAP_PERMITTED;
	if (a->flags & MC_F_PRIVILEGED)
		flags |= IORT_RMR_ACCESS_PRIVILEGED;
	return flags | access << IORT_RMR_ACCESS_SHIFT;
}

static void put_rmr(struct acpi_buf *b, const struct acpi_range *a,
		    const uint32_t *ids, size_t n_ids, struct iort_ctx *c)
{
	size_t runs = count_runs(ids, n_ids);
	size_t maps = IORT_RMR_SIZE, desc = maps + runs * IORT_ID_SIZE;
	size_t len = desc + IORT_RMR_DESC_SIZE;
	size_t at = acpi_buf_grow(b, len);
	uint8_t *node, *m;

	if (at == SIZE_MAX)
		return;
	node = b->p + at;
	put8(node + IORT_NODE_TYPE, IORT_TYPE_RMR);
	put_le16(node + IORT_NODE_LENGTH, (uint16_t)len);
	put8(node + IORT_NODE_REVISION, IORT_RMR_NODE_REVISION);
	put_le32(node + IORT_NODE_IDENTIFIER, c->next_id++);
	put_le32(node + IORT_NODE_MAPPING_COUNT, (uint32_t)runs);
	put_le32(node + IORT_NODE_MAPPING_OFFSET, (uint32_t)maps);
	put_le32(node + IORT_RMR_FLAGS, rmr_flags(a));
	put_le32(node + IORT_RMR_COUNT, 1);
	put_le32(node + IORT_RMR_OFFSET, (uint32_t)desc);
	m = node + maps;
	for (size_t i = 0; i < n_ids;) {
		size_t j = i;

		while (j + 1 < n_ids && ids[j + 1] - ids[j] <= 1)
			j++;
		put_mapping(m, ids[i], ids[j] - ids[i], c->smmu_ref);
		m += IORT_ID_SIZE;
		i = j + 1;
	}
	put_le64(node + desc + IORT_RMR_DESC_BASE, a->first);
	put_le64(node + desc + IORT_RMR_DESC_LENGTH, a->last - a->first + 1);
	c->added++;
}

static int check_range(struct mc_map *map, const struct acpi_range *a)
{
	if ((a->first & (IORT_RMR_ALIGN - 1)) ||
	    (a->last & (IORT_RMR_ALIGN - 1)) != IORT_RMR_ALIGN - 1)
		return acpi_range_report(map, MC_EALIGN, "region.first", a,
					 "an RMR memory range's base and "
					 "length must be 64 KiB aligned");
	if (a->first == 0 && a->last == UINT64_MAX)
		return acpi_range_report(map, MC_ERANGE, "region.last", a,
					 "a 64-bit length cannot say 2^64");
	if (acpi_check_devices(map, a, MC_ACPI_IORT))
		return MC_EINVAL;
	/* A node's 16-bit length holds this many single-ID mappings. */
	if (a->n_sids + a->n_devices >
	    (UINT16_MAX - IORT_RMR_SIZE - IORT_RMR_DESC_SIZE) / IORT_ID_SIZE)
		return acpi_range_report(map, MC_ERANGE,
					 a->n_sids ? "region.sids" :
						    "region.devices", a,
					 "too many stream IDs for one RMR "
					 "node");
	return 0;
}

static int put_rmrs(struct mc_map *map, struct acpi_buf *b,
		    const struct acpi_range *v, size_t n, struct iort_ctx *c)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t few[FEW_IDS], *ids = NULL;
		size_t n_ids = 0;
		int err = check_range(map, &v[i]);

		if (!err)
			err = stream_ids(map, &v[i], few, &ids, &n_ids);
		if (err)
			return err;
		put_rmr(b, &v[i], ids, n_ids, c);
		if (ids != few)
			free(ids);
	}
	return 0;
}

/* The three nodes of QEMU virt with iommu=smmuv3 (hw/arm/virt-acpi-build.c). */
/* An ITS group of one ITS. */
#define ITS_ONE_ID (IORT_ITS_SIZE + IORT_ITS_IDENTIFIER_SIZE)
#define PLATFORM_SIZE (ITS_ONE_ID + IORT_SMMU_SIZE + IORT_ID_SIZE + \
		       IORT_RC_SIZE + IORT_ID_SIZE)

static void put_platform(struct acpi_buf *b, const struct mc_acpi_opts *o,
			 struct iort_ctx *c)
{
	size_t its = acpi_buf_grow(b, ITS_ONE_ID);
	size_t smmu = acpi_buf_grow(b, IORT_SMMU_SIZE + IORT_ID_SIZE);
	size_t rc = acpi_buf_grow(b, IORT_RC_SIZE + IORT_ID_SIZE);
	uint8_t *n;

	if (b->failed)
		return;
	n = b->p + its;
	put8(n + IORT_NODE_TYPE, IORT_TYPE_ITS_GROUP);
	put_le16(n + IORT_NODE_LENGTH, ITS_ONE_ID);
	put8(n + IORT_NODE_REVISION, 1);
	put_le32(n + IORT_NODE_IDENTIFIER, 0);
	put_le32(n + IORT_ITS_COUNT, 1);
	put_le32(n + IORT_ITS_IDENTIFIERS, 0);

	n = b->p + smmu;
	put8(n + IORT_NODE_TYPE, IORT_TYPE_SMMU_V3);
	put_le16(n + IORT_NODE_LENGTH, IORT_SMMU_SIZE + IORT_ID_SIZE);
	put8(n + IORT_NODE_REVISION, 4);
	put_le32(n + IORT_NODE_IDENTIFIER, 1);
	put_le32(n + IORT_NODE_MAPPING_COUNT, 1);
	put_le32(n + IORT_NODE_MAPPING_OFFSET, IORT_SMMU_SIZE);
	put_le64(n + IORT_SMMU_BASE_ADDRESS, o->iommu_base);
	put_le32(n + IORT_SMMU_FLAGS, 1);	/* COHACC override */
	put_le32(n + IORT_SMMU_EVENT_GSIV, o->smmu_gsiv);
	put_le32(n + IORT_SMMU_PRI_GSIV, o->smmu_gsiv + 1);
	put_le32(n + IORT_SMMU_GERR_GSIV, o->smmu_gsiv + 3);
	put_le32(n + IORT_SMMU_SYNC_GSIV, o->smmu_gsiv + 2);
	put_mapping(n + IORT_SMMU_SIZE, 0, 0xffff, (uint32_t)its);

	n = b->p + rc;
	put8(n + IORT_NODE_TYPE, IORT_TYPE_ROOT_COMPLEX);
	put_le16(n + IORT_NODE_LENGTH, IORT_RC_SIZE + IORT_ID_SIZE);
	put8(n + IORT_NODE_REVISION, 3);
	put_le32(n + IORT_NODE_IDENTIFIER, 2);
	put_le32(n + IORT_NODE_MAPPING_COUNT, 1);
	put_le32(n + IORT_NODE_MAPPING_OFFSET, IORT_RC_SIZE);
	put_le32(n + IORT_RC_CACHE_COHERENCY, 1);
	put8(n + IORT_RC_MEMORY_FLAGS, 0x3);	/* CPM, DACS */
	put8(n + IORT_RC_MEMORY_ADDRESS_LIMIT, 64);
	put_mapping(n + IORT_RC_SIZE, 0, 0xffff, (uint32_t)smmu);

	c->smmu_ref = (uint32_t)smmu;
	c->next_id = 3;
	c->added = 3;
}

/*
 * Walk the checked base's nodes: where they end (new nodes go there), the
 * first SMMUv3 node, the next free identifier.
 */
static int walk_base(struct mc_map *map, const uint8_t *p, size_t len,
		     size_t *end, struct iort_ctx *c)
{
	struct acpi_walk w;
	struct acpi_item n;
	bool smmu = false;

	acpi_walk_start(&w, MC_ACPI_IORT, p, len);
	while (acpi_walk_next(&w, &n) > 0) {
		uint32_t id = get_le32(n.p + IORT_NODE_IDENTIFIER);

		if (!smmu && n.type == IORT_TYPE_SMMU_V3) {
			c->smmu_ref = (uint32_t)n.off;
			smmu = true;
		}
		if (id >= c->next_id)
			c->next_id = id + 1;
	}
	if (!smmu)
		return mc_map_report(map, MC_EINVAL, "opts.base",
				     IORT_SIG ": no SMMUv3 node for the RMR "
				     "nodes' ID mappings to point at");
	*end = w.off;
	return 0;
}

static int patch_base(struct mc_map *map, const struct mc_acpi_opts *o,
		      const uint8_t *base, size_t len, struct acpi_buf *b,
		      struct iort_ctx *c, size_t *end)
{
	uint8_t rev = o->revision ? o->revision : IORT_REVISION_E_D;
	int err;

	err = walk_base(map, base, len, end, c);
	if (err)
		return err;
	acpi_buf_append(b, base, len);
	if (b->failed)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	err = acpi_header_patch(map, b, o);
	if (!err && b->p[SDT_REVISION] < rev)
		put8(b->p + SDT_REVISION, rev);
	return err;
}

/* What most ranges take: an RMR node with one ID mapping. */
#define RMR_ONE_MAPPING (IORT_RMR_SIZE + IORT_ID_SIZE + IORT_RMR_DESC_SIZE)

int acpi_build_iort(struct mc_map *map, const struct mc_acpi_opts *o,
		    const uint8_t *base, size_t base_len,
		    const struct acpi_range *v, size_t n, struct acpi_buf *b)
{
	struct iort_ctx c = { 0 };
	struct acpi_buf nodes = { 0 };
	size_t end = 0;
	int err;

	if (!base) {
		acpi_buf_reserve(b, IORT_SIZE + PLATFORM_SIZE, n,
				 RMR_ONE_MAPPING);
		if (acpi_buf_grow(b, IORT_SIZE) == SIZE_MAX)
			return mc_map_report(map, MC_ENOMEM, NULL,
					     "out of memory");
		acpi_header_fresh(b, IORT_SIG,
				  o->revision ? o->revision : IORT_REVISION_E_D,
				  o);
		put_le32(b->p + IORT_NODE_OFFSET, IORT_SIZE);
		put_platform(b, o, &c);
		err = put_rmrs(map, b, v, n, &c);
		if (!err && !b->failed)
			put_le32(b->p + IORT_NODE_COUNT, c.added);
		return err;
	}
	acpi_buf_reserve(b, base_len, n, RMR_ONE_MAPPING);
	err = patch_base(map, o, base, base_len, b, &c, &end);
	if (err)
		return err;
	/* RMR offsets inside a node are relative: build them apart. */
	acpi_buf_reserve(&nodes, 0, n, RMR_ONE_MAPPING);
	err = put_rmrs(map, &nodes, v, n, &c);
	if (!err && !nodes.failed &&
	    acpi_buf_insert(b, end, nodes.len) != SIZE_MAX && nodes.len)
		memcpy(b->p + end, nodes.p, nodes.len);
	if (nodes.failed)
		b->failed = true;
	if (!err && !b->failed)
		put_le32(b->p + IORT_NODE_COUNT,
		      get_le32(b->p + IORT_NODE_COUNT) + c.added);
	free(nodes.p);
	return err;
}
