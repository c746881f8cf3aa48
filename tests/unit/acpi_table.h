/* SPDX-License-Identifier: MIT */
/*
 * acpi_table.h - what the ACPI tests share: mc_acpi_build_alloc() with
 * the base table as arguments (a fresh table, @base NULL, or @base
 * patched, into a buffer freed with mc_free()), and the checksum the slow
 * way, one byte at a time, independent of the library's acpi_sum().
 */
#ifndef TEST_ACPI_TABLE_H
#define TEST_ACPI_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include "memcarve-acpi.h"

/* Offset of an ACPI table header's checksum byte (ACPI 6.5 5.2.6). */
#define ACPI_TEST_CHECKSUM 9

/* The sum of @n bytes mod 256: 0 over every table with a right checksum. */
static inline uint8_t acpi_byte_sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

/* Set the checksum of table @t (@len bytes) after editing it by hand. */
static inline void acpi_fix_checksum(uint8_t *t, size_t len)
{
	t[ACPI_TEST_CHECKSUM] = 0;
	t[ACPI_TEST_CHECKSUM] = (uint8_t)-acpi_byte_sum(t, len);
}

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
