// SPDX-License-Identifier: MIT
/*
 * srat_walk.c - an SRAT's affinity structures, checked once (ACPI 6.5
 * §5.2.16), and what ACPI calls each type.
 *
 * Every structure must fit in the table, at least its type and length
 * long, as Linux's acpi_table_parse_entries() steps over them. A memory
 * affinity structure is 40 bytes (Linux drops the whole SRAT for a
 * shorter one: "SRAT: Unexpected header length"), and an enabled one of
 * non-zero length ends below 2^64. Other types are kept, not read.
 */
#include "srat.h"
#include "walk.h"

const char *acpi_srat_type_name(unsigned int type)
{
	static const char *const name[SRAT_TYPES] = {
		[SRAT_TYPE_CPU] = "processor local APIC affinity",
		[SRAT_TYPE_MEMORY] = "memory affinity",
		[SRAT_TYPE_X2APIC] = "processor local x2APIC affinity",
		[SRAT_TYPE_GICC] = "GICC affinity",
		[SRAT_TYPE_GIC_ITS] = "GIC ITS affinity",
		[SRAT_TYPE_GENERIC] = "generic initiator affinity",
		[SRAT_TYPE_GENERIC_PORT] = "generic port affinity",
		[SRAT_TYPE_RINTC] = "RINTC affinity",
	};

	return acpi_type_name(name, SRAT_TYPES, type, "structure");
}

const char *mc_acpi_srat_type_name(unsigned int type)
{
	return type < SRAT_TYPES ? acpi_srat_type_name(type) : NULL;
}

static int check_structure(struct mc_map *map, const char *what,
			   const struct acpi_item *s, void *ctx)
{
	uint64_t base, length;

	(void)ctx;
	if (s->type != SRAT_TYPE_MEMORY)
		return 0;
	if (s->len != SRAT_MEM_SIZE)
		return mc_map_report(map, MC_EBADBLOB, what,
				     SRAT_SIG ": memory affinity at 0x%zx is "
				     "%zu bytes, not %u",
				     s->off, s->len, SRAT_MEM_SIZE);
	if (!(get_le32(s->p + SRAT_MEM_FLAGS) & SRAT_MEM_ENABLED))
		return 0;
	base = get_le64(s->p + SRAT_MEM_BASE_LOW);
	length = get_le64(s->p + SRAT_MEM_LENGTH_LOW);
	if (length == 0)
		return 0;	/* Linux ignores it (numa_add_memblk()) */
	return acpi_check_span(map, what, SRAT_SIG, "memory affinity", s->off,
			       base, length);
}

int acpi_check_srat(struct mc_map *map, const uint8_t *p, size_t len,
		    const char *what)
{
	return acpi_check_items(map, MC_ACPI_SRAT, p, len, what,
				check_structure, NULL);
}
