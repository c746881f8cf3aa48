// SPDX-License-Identifier: MIT
/*
 * walk_dmar.c - a DMAR's remapping structures and their device scopes,
 * checked once (Intel VT-d spec §8).
 *
 * Each structure with device scopes has its fixed part, then scopes of
 * 6 bytes and a 2-byte (device, function) hop each (§8.3.1): a scope
 * running past its structure, or with half a hop, is refused, as is an
 * RMRR whose end is below its base (the end is an inclusive limit).
 */
#include "walk.h"
#include "dmar.h"

size_t acpi_dmar_scopes_at(unsigned int type)
{
	switch (type) {
	case DMAR_TYPE_DRHD:
		return DMAR_DRHD_SIZE;
	case DMAR_TYPE_RMRR:
		return DMAR_RMRR_SIZE;
	case DMAR_TYPE_ATSR:
	case DMAR_TYPE_SATC:
		return DMAR_ATS_SIZE;
	default:
		return 0;
	}
}

size_t acpi_dmar_scope_len(const struct acpi_item *s, size_t at)
{
	uint8_t n;

	if (at > s->len || s->len - at < DMAR_SCOPE_SIZE)
		return 0;
	n = s->p[at + DMAR_SCOPE_LENGTH];
	if (n < DMAR_SCOPE_SIZE || n > s->len - at ||
	    (n - DMAR_SCOPE_SIZE) % DMAR_PATH_SIZE)
		return 0;
	return n;
}

static const char *structure_name(unsigned int type)
{
	static const char *const name[] = {
		[DMAR_TYPE_DRHD] = "DRHD", [DMAR_TYPE_RMRR] = "RMRR",
		[DMAR_TYPE_ATSR] = "ATSR", [DMAR_TYPE_RHSA] = "RHSA",
		[DMAR_TYPE_ANDD] = "ANDD", [DMAR_TYPE_SATC] = "SATC",
	};

	return acpi_type_name(name, sizeof(name) / sizeof(name[0]), type,
			      "structure");
}

static int check_rmrr(struct mc_map *map, const char *what,
		      const struct acpi_item *s)
{
	uint64_t base = get_le64(s->p + DMAR_RMRR_BASE);
	uint64_t end = get_le64(s->p + DMAR_RMRR_END);

	if (end < base)
		return mc_map_report(map, MC_EBADBLOB, what,
				     DMAR_SIG ": RMRR at 0x%zx: end 0x%llx is "
				     "below base 0x%llx",
				     s->off, (unsigned long long)end,
				     (unsigned long long)base);
	return 0;
}

static int check_structure(struct mc_map *map, const char *what,
			   const struct acpi_item *s, void *ctx)
{
	size_t at = acpi_dmar_scopes_at(s->type);
	const char *name = structure_name(s->type);
	int err;

	(void)ctx;
	if (!at)
		return 0;	/* no scopes: skipped by its length */
	err = acpi_check_fixed(map, what, DMAR_SIG, name, s, at);
	if (!err)
		err = acpi_check_entries(map, what, DMAR_SIG, name, s, at,
					 acpi_dmar_scope_len, "device scope");
	if (!err && s->type == DMAR_TYPE_RMRR)
		err = check_rmrr(map, what, s);
	return err;
}

int acpi_check_dmar(struct mc_map *map, const uint8_t *p, size_t len,
		    const char *what)
{
	return acpi_check_items(map, MC_ACPI_DMAR, p, len, what,
				check_structure, NULL);
}
