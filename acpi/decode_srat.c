// SPDX-License-Identifier: MIT
/*
 * decode_srat.c - an SRAT's memory affinity structures back to ram, pmem
 * and hotplug regions with their nodes. The table is checked whole first
 * (srat_walk.c); the walk here trusts it.
 */
#include "srat.h"
#include "walk.h"

/* The proximity domain as Linux reads it (acpi_numa_memory_affinity_init). */
static uint32_t domain(const struct acpi_item *s, uint8_t revision)
{
	uint32_t pxm = get_le32(s->p + SRAT_MEM_PROXIMITY_DOMAIN);

	return revision <= 1 ? pxm & 0xff : pxm;
}

static int memory(struct mc_map *map, const struct acpi_item *s,
		  uint8_t revision)
{
	struct mc_region r = { .kind = MC_RAM, .flags = MC_F_NODE };
	uint32_t flags = get_le32(s->p + SRAT_MEM_FLAGS);
	uint64_t length = get_le64(s->p + SRAT_MEM_LENGTH_LOW);

	if (!(flags & SRAT_MEM_ENABLED) || length == 0)
		return 0;
	if (flags & SRAT_MEM_HOT_PLUGGABLE)
		r.kind = MC_HOTPLUG;
	else if (flags & SRAT_MEM_NON_VOLATILE)
		r.kind = MC_PMEM;
	r.first = get_le64(s->p + SRAT_MEM_BASE_LOW);
	r.last = r.first + (length - 1);
	r.node = domain(s, revision);
	return acpi_add_decoded(map, &r, SRAT_SIG);
}

int mc_acpi_srat_decode(struct mc_map *map, const void *blob, size_t len)
{
	struct acpi_walk w;
	struct acpi_item it;
	int err = acpi_check_table(map, blob, len, SRAT_SIG, NULL);

	if (err <= 0)
		return err ? err : MC_EBADBLOB;
	err = acpi_check_body(map, MC_ACPI_SRAT, blob, len, NULL);
	acpi_walk_start(&w, MC_ACPI_SRAT, blob, len);
	while (!err && acpi_walk_next(&w, &it) > 0)
		if (it.type == SRAT_TYPE_MEMORY)
			err = memory(map, &it,
				     ((const uint8_t *)blob)[SDT_REVISION]);
	return err;
}

int mc_acpi_srat_count(const void *blob, size_t len, unsigned int type,
		       size_t *count)
{
	const uint8_t *p = blob;
	struct acpi_walk w;
	struct acpi_item it;
	int step;

	*count = 0;
	if (!p || len < SRAT_SIZE || memcmp(p, SRAT_SIG, SDT_SIGNATURE_LEN) ||
	    get_le32(p + SDT_LENGTH) != len || acpi_sum(p, len) != 0)
		return MC_EBADBLOB;
	acpi_walk_start(&w, MC_ACPI_SRAT, p, len);
	while ((step = acpi_walk_next(&w, &it)) > 0)
		*count += it.type == type;
	if (step < 0)
		*count = 0;
	return step < 0 ? MC_EBADBLOB : 0;
}
