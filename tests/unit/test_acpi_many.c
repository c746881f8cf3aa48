// SPDX-License-Identifier: MIT
/*
 * test_acpi_many.c - ACPI tables of many ranges, and the pieces that keep
 * them fast: the checksum eight bytes at a time, the table buffer sized
 * up front, the small per-range lists without an allocation, and range
 * names formatted only for a diagnostic.
 */
#include "core_helpers.h"
#include "memcarve-acpi.h"
#include "acpi_table.h"
#include "../../acpi/acpi.h"

/* Build @table of @map on @base (or fresh); fails the test on an error. */
static uint8_t *build(struct mc_map *map, enum mc_acpi_table table,
		      const void *base, size_t base_len, size_t *len)
{
	uint8_t *t = NULL;

	if (acpi_table(map, table, NULL, base, base_len, &t, len))
		fail_msg("build failed: %s", first_error(map));
	assert_int_equal(get_le32(t + 4), *len);
	assert_int_equal(acpi_byte_sum(t, *len), 0);
	return t;
}

static void sum_matches_a_byte_at_a_time(void **state)
{
	static uint8_t buf[4099];
	uint32_t x = 1;

	(void)state;
	/* All 0xff: every 16-bit lane as full as it gets before a fold. */
	memset(buf, 0xff, sizeof(buf));
	for (size_t n = 0; n <= sizeof(buf); n += n < 40 ? 1 : 97)
		assert_int_equal(acpi_sum(buf, n), acpi_byte_sum(buf, n));
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245 + 12345;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (size_t at = 0; at < 8; at++)
		for (size_t n = 0; n + at <= sizeof(buf); n += 131)
			assert_int_equal(acpi_sum(buf + at, n),
					 acpi_byte_sum(buf + at, n));
	assert_int_equal(acpi_sum(buf, sizeof(buf)),
			 acpi_byte_sum(buf, sizeof(buf)));
}

static void reserve_keeps_the_table_in_place(void **state)
{
	struct acpi_buf b = { 0 };
	uint8_t *p;

	(void)state;
	acpi_buf_reserve(&b, 48, 100, 32);
	assert_non_null(b.p);
	assert_int_equal(b.cap, 48 + 100 * 32);
	assert_int_equal(b.len, 0);
	p = b.p;
	assert_int_equal(acpi_buf_grow(&b, 48), 0);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(acpi_buf_grow(&b, 32), 48 + i * 32);
	assert_ptr_equal(b.p, p);
	/* Enough room already, or a size that overflows: a no-op. */
	acpi_buf_reserve(&b, 0, 0, 32);
	acpi_buf_reserve(&b, 1, SIZE_MAX / 2, 4);
	acpi_buf_reserve(&b, SIZE_MAX, 1, 1);
	acpi_buf_reserve(&b, SIZE_MAX - 8, 0, 32);
	assert_ptr_equal(b.p, p);
	assert_int_equal(b.cap, 48 + 100 * 32);
	assert_false(b.failed);
	/* Past the reserve the buffer still grows. */
	assert_int_equal(acpi_buf_grow(&b, 1), 48 + 100 * 32);
	assert_true(b.cap > 48 + 100 * 32);
	/* After a failure nothing is reserved, and the failure stays. */
	b.failed = true;
	p = b.p;
	acpi_buf_reserve(&b, 1 << 20, 1, 1);
	assert_ptr_equal(b.p, p);
	assert_int_equal(acpi_buf_grow(&b, 1), SIZE_MAX);
	free(b.p);
}

/*
 * A map of @n direct ranges of 64 KiB: every fifth has 12 devices (more
 * than fit the small list on the stack, and more than the buffer is
 * sized for), every fifth stream IDs (@sids) or one device, the rest
 * one. @arch and @ram start it.
 */
static char *many_ranges(const char *head, size_t n, bool sids)
{
	size_t cap = strlen(head) + n * 160 + 1, off;
	char *text = malloc(cap);

	assert_non_null(text);
	off = (size_t)snprintf(text, cap, "%s", head);
	for (size_t i = 0; i < n; i++) {
		off += (size_t)snprintf(text + off, cap - off,
					"reserved 0x%zx 64K type=direct%s",
					0x48000000 + i * 0x20000,
					i % 3 ? "" : "-relaxable");
		if (i % 5 == 0)
			off += (size_t)snprintf(text + off, cap - off,
						" devices=01:1f.7,00:1f.0,"
						"00:03.0,00:01.2,00:01.1,"
						"00:01.0,02:00.0,00:07.0,"
						"00:05.0,00:03.2,00:0a.0,"
						"00:09.0");
		else if (i % 5 == 1)
			off += (size_t)snprintf(text + off, cap - off, "%s",
						sids ? " sids=9,3,4,1" :
						       " devices=00:1f.1");
		else
			off += (size_t)snprintf(text + off, cap - off,
						" devices=00:%02zx.%zu",
						i % 32, i % 8);
		off += (size_t)snprintf(text + off, cap - off, "\n");
	}
	return text;
}

#define X86 "arch x86_64\nram 0x40000000 2G\n"
#define ARM "arch arm64\nram 0x40000000 2G\n"

static void long_tables_are_whole_and_sum_to_zero(void **state)
{
	char *x86 = many_ranges(X86, 101, false);
	char *arm = many_ranges(ARM, 101, true);
	struct mc_map *xm = map_carved(x86), *am = map_carved(arm);
	size_t len;
	uint8_t *t;

	(void)state;
	/* DMAR: header, DRHD, an RMRR per range, 8 bytes per device. */
	t = build(xm, MC_ACPI_DMAR, NULL, 0, &len);
	assert_int_equal(len, 48 + 16 + 101 * 24 + (21 * 12 + 80) * 8);
	mc_free(t);
	t = build(xm, MC_ACPI_IVRS, NULL, 0, &len);
	assert_true(len > 48 + 36 + 101 * 32);
	mc_free(t);
	t = build(am, MC_ACPI_IORT, NULL, 0, &len);
	assert_true(len > 216 + 101 * 68);
	assert_int_equal(get_le32(t + 36), 3 + 101);	/* node count */
	mc_free(t);
	mc_map_free(xm);
	mc_map_free(am);
	free(x86);
	free(arm);
}

static void patched_long_tables_sum_to_zero(void **state)
{
	char *x86 = many_ranges(X86, 101, false);
	char *arm = many_ranges(ARM, 101, true);
	struct mc_map *xm = map_carved(x86), *am = map_carved(arm);
	struct mc_map *xb = map_carved(X86), *ab = map_carved(ARM);
	static const enum mc_acpi_table tables[] = {
		MC_ACPI_DMAR, MC_ACPI_IVRS, MC_ACPI_IORT,
	};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		bool arm64 = tables[i] == MC_ACPI_IORT;
		size_t blen, len, flen;
		uint8_t *base = build(arm64 ? ab : xb, tables[i], NULL, 0,
				      &blen);
		uint8_t *fresh = build(arm64 ? am : xm, tables[i], NULL, 0,
				       &flen);
		uint8_t *t = build(arm64 ? am : xm, tables[i], base, blen,
				   &len);

		/* The fresh table's structures after the base's. */
		assert_int_equal(len, flen);
		assert_memory_equal(t + blen, fresh + blen, len - blen);
		mc_free(t);
		mc_free(fresh);
		mc_free(base);
	}
	mc_map_free(xm);
	mc_map_free(am);
	mc_map_free(xb);
	mc_map_free(ab);
	free(x86);
	free(arm);
}

static void ivrs_sorts_more_devices_than_fit_on_the_stack(void **state)
{
	struct mc_map *map = map_carved(X86 "reserved 0x48000000 64K type=direct "
				    "devices=00:09.0,00:07.0,00:05.0,00:03.0,"
				    "00:01.0,01:09.0,01:07.0,01:05.0,01:03.0,"
				    "01:01.0\n");
	size_t len;
	uint8_t *t = build(map, MC_ACPI_IVRS, NULL, 0, &len);

	(void)state;
	assert_int_equal(len, 48 + 36 + 10 * 32);
	for (size_t i = 0; i < 10; i++) {
		const uint8_t *m = t + 48 + 36 + i * 32;

		assert_int_equal(m[0], 0x21);		/* one device each */
		assert_int_equal(get_le16(m + 4),
				 (i / 5) << 8 | (1 + 2 * (i % 5)) << 3);
	}
	mc_free(t);
	mc_map_free(map);
}

static void iort_sorts_more_stream_ids_than_fit_on_the_stack(void **state)
{
	struct mc_map *map = map_carved(ARM "reserved 0x48000000 64K type=direct "
				    "sids=30,27,24,21,18,15,12,9,6,3,4\n");
	size_t len;
	uint8_t *t = build(map, MC_ACPI_IORT, NULL, 0, &len);
	const uint8_t *m = t + 216 + 28;

	(void)state;
	assert_int_equal(get_le32(t + 216 + 8), 10);	/* 3-4 is one run */
	assert_int_equal(get_le32(m), 3);
	assert_int_equal(get_le32(m + 4), 1);
	for (size_t i = 1; i < 10; i++)
		assert_int_equal(get_le32(m + i * 20), 3 + 3 * i);
	mc_free(t);
	mc_map_free(map);
}

/* The message of building @table for @map, which must fail with @code. */
static const char *failure(struct mc_map *map, enum mc_acpi_table table,
			   int code)
{
	uint8_t *t = NULL;
	size_t len = 0;

	assert_int_equal(acpi_table(map, table, NULL, NULL, 0, &t, &len),
			 code);
	assert_null(t);
	return first_error(map);
}

static void diagnostics_name_the_range_whole(void **state)
{
	static const char all[] = "0x0 0xffffffffffffffff direct\n";
	struct mc_map *map = map_from(X86 "reserved 0x48001000 64K "
				      "type=direct-relaxable name=dma-buf "
				      "devices=0001:02:03.4\n");
	struct mc_map *top = map_from(ARM);

	(void)state;
	assert_int_equal(mc_map_carve(map), 0);
	assert_string_equal(failure(map, MC_ACPI_IVRS, MC_EINVAL),
			    "test.map:3: reserved 0x48001000+0x10000 "
			    "type=direct-relaxable name=dma-buf: device "
			    "0001:02:03.4 is on segment 1, but a fresh IVRS "
			    "has one IVHD, on segment 0 (patch the VMM's own "
			    "IVRS, which covers it, instead)");
	mc_map_clear_errors(map);
	assert_string_equal(failure(map, MC_ACPI_IORT, MC_EALIGN),
			    "test.map:3: reserved 0x48001000+0x10000 "
			    "type=direct-relaxable name=dma-buf: an RMR memory "
			    "range's base and length must be 64 KiB aligned");
	/* All of 2^64 from sysfs text: no name, its file and line. */
	assert_int_equal(mc_map_load_resv(top, "resv", all, strlen(all)), 0);
	assert_int_equal(mc_map_carve(top), 0);
	assert_string_equal(failure(top, MC_ACPI_IVRS, MC_ERANGE),
			    "resv:1: reserved 0x0+0x10000000000000000 "
			    "type=direct: an IVMD's 64-bit length cannot say "
			    "2^64");
	mc_map_clear_errors(top);
	assert_string_equal(failure(top, MC_ACPI_IORT, MC_ERANGE),
			    "resv:1: reserved 0x0+0x10000000000000000 "
			    "type=direct: a 64-bit length cannot say 2^64");
	mc_map_free(map);
	mc_map_free(top);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sum_matches_a_byte_at_a_time),
		cmocka_unit_test(reserve_keeps_the_table_in_place),
		cmocka_unit_test(long_tables_are_whole_and_sum_to_zero),
		cmocka_unit_test(patched_long_tables_sum_to_zero),
		cmocka_unit_test(ivrs_sorts_more_devices_than_fit_on_the_stack),
		cmocka_unit_test(iort_sorts_more_stream_ids_than_fit_on_the_stack),
		cmocka_unit_test(diagnostics_name_the_range_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
