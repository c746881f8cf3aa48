/* SPDX-License-Identifier: MIT */
/*
 * acpi_table.h - mc_acpi_build_alloc() with the base table as arguments,
 * the shape most ACPI tests want: a fresh table (@base NULL) or @base
 * patched, into a buffer freed with mc_free().
 */
#ifndef TEST_ACPI_TABLE_H
#define TEST_ACPI_TABLE_H

#include <stdint.h>
#include "memcarve-acpi.h"

static inline int acpi_table(struct mc_map *map, enum mc_acpi_table table,
			     const struct mc_acpi_opts *opts, const void *base,
			     size_t base_len, uint8_t **out, size_t *len)
{
	struct mc_acpi_opts o;
	void *p;
	int err;

	if (opts)
		o = *opts;
	else
		mc_acpi_opts_init(&o);
	o.base = base;
	o.base_len = base_len;
	err = mc_acpi_build_alloc(map, table, &o, &p, len);
	*out = p;
	return err;
}

#endif /* TEST_ACPI_TABLE_H */
