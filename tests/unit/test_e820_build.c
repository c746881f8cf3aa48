// SPDX-License-Identifier: MIT
/*
 * test_e820_build.c - the calls a VMM makes on a big map: the table in a
 * buffer of its own (mc_e820_build()) and the whole boot log at once
 * (mc_e820_format()). Each must give exactly what the caller-buffer and
 * per-line calls give, and fail the same way.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core_helpers.h"
#include "memcarve-e820.h"

/* mc_e820_print() for 6.1: the lines of mc_e820_format_line(). */
#define LINUX_6_1 MC_LINUX_VERSION(6, 1)

#define MAX 64

/* Merges (RAM split by input boundaries, touching reserved) and kinds. */
static const char merging[] =
	"ram 0x0 640K\nreserved 0xa0000 384K\n"
	"ram 0x100000 15M\nram 0x1000000 16M\n"
	"reserved 0x1800000 1M type=msi\nreserved 0x1900000 1M type=sw-msi\n"
	"acpi 0x1a00000 64K\nnvs 0x1a10000 64K\n"
	"ram 0x100000000 1G\npmem 0x140000000 1G\n";

static void the_built_table_is_the_caller_buffer_table(void **state)
{
	struct mc_map *map = map_carved(merging);
	struct mc_e820_entry want[MAX], *got;
	size_t n_want, n_got;

	(void)state;
	n_want = MAX;
	assert_int_equal(mc_e820_build(map, NULL, want, &n_want), 0);
	assert_int_equal(mc_e820_build_alloc(map, NULL, &got, &n_got), 0);
	assert_non_null(got);
	assert_int_equal(n_got, n_want);
	for (size_t i = 0; i < n_want; i++) {
		assert_int_equal(got[i].addr, want[i].addr);
		assert_int_equal(got[i].size, want[i].size);
		assert_int_equal(got[i].type, want[i].type);
	}
	assert_int_equal(mc_map_error_count(map), 0);
	mc_free(got);
	mc_free(NULL);
	mc_map_free(map);
}

/* The error of mc_e820_build() on @map, which must leave nothing. */
static int build_error(struct mc_map *map)
{
	static struct mc_e820_entry stale;
	struct mc_e820_entry *e = &stale;
	size_t n = 7;
	int err = mc_e820_build_alloc(map, NULL, &e, &n);

	assert_null(e);
	assert_int_equal(n, 0);
	return err;
}

static void a_build_fails_as_the_table_does(void **state)
{
	struct mc_map *map = map_carved("arch arm64\nram 0x0 1G\n");

	(void)state;
	assert_int_equal(build_error(map), MC_EINVAL);
	assert_string_equal(first_error(map),
			    "arch: e820 describes x86 guests; the map is arm64 "
			    "(set the arch to x86_64 to write it anyway)");
	mc_map_free(map);
	map = mc_map_new();
	assert_int_equal(build_error(map), MC_ESTATE);
	assert_string_equal(first_error(map), "e820: the map is not carved");
	mc_map_free(map);
	/* Two reserved halves of the space join into one entry of 2^64. */
	map = map_carved("arch x86_64\n"
		     "reserved 0x0 0x8000000000000000 type=msi\n"
		     "reserved 0x8000000000000000 0x8000000000000000 "
		     "type=sw-msi\n");
	assert_int_equal(build_error(map), MC_ERANGE);
	assert_string_equal(first_error(map),
			    "e820: one entry would cover all 2^64 bytes; an "
			    "e820 size has 64 bits");
	mc_map_free(map);
}

/* Every line by mc_e820_format_line(), each with its newline. */
static size_t lines_of(const struct mc_e820_entry *e, size_t n,
		       const char *who, char *buf, size_t len)
{
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		size_t size = len - off;

		assert_int_equal(mc_e820_format_line(&e[i], who, buf + off,
						     &size), 0);
		off += size - 1;
		off += (size_t)snprintf(buf + off, len - off, "\n");
	}
	assert_true(off < len);
	return off;
}

static void the_whole_text_is_every_line(void **state)
{
	static const struct mc_e820_entry e[] = {
		{ 0, 0xa0000, MC_E820_RAM },
		{ 0xa0000, 0x60000, MC_E820_RESERVED },
		{ 0x100000, 0x1000, MC_E820_ACPI },
		{ 0x101000, 0x1000, MC_E820_NVS },
		{ 0x102000, 0x1000, MC_E820_UNUSABLE },
		{ 0x103000, 0x1000, MC_E820_PMEM },
		{ 0x104000, 0x1000, MC_E820_PRAM },
		{ 0x105000, 0x1000, MC_E820_SOFT_RESERVED },
		{ 0x106000, 0x1000, 9 },
		{ 0xfedcba9876543210, 0x123456789abcdef, UINT32_MAX },
	};
	size_t n = sizeof(e) / sizeof(e[0]), len;
	char want[4096], got[4096];
	size_t want_len = lines_of(e, n, "extended", want, sizeof(want));

	(void)state;
	len = 0;
	assert_int_equal(mc_e820_print(e, n, "extended", LINUX_6_1, NULL, &len),
			 MC_ENOSPC);
	assert_int_equal(len, want_len + 1);
	assert_int_equal(mc_e820_print(e, n, "extended", LINUX_6_1, got, &len), 0);
	assert_string_equal(got, want);
	len = 1;
	assert_int_equal(mc_e820_print(e, 0, "extended", LINUX_6_1, got, &len), 0);
	assert_int_equal(len, 1);
	assert_string_equal(got, "");
}

static void a_short_text_buffer_is_left_alone(void **state)
{
	static const struct mc_e820_entry e[] = {
		{ 0, 0xa0000, MC_E820_RAM },
		{ 0x100000, 0x100000, MC_E820_RESERVED },
	};
	char buf[256];
	size_t len;

	(void)state;
	len = 0;
	assert_int_equal(mc_e820_print(e, 2, "BIOS-e820", LINUX_6_1, NULL, &len),
			 MC_ENOSPC);
	memset(buf, 'x', sizeof(buf));
	len = len - 1;
	assert_int_equal(mc_e820_print(e, 2, "BIOS-e820", LINUX_6_1, buf, &len),
			 MC_ENOSPC);
	/* Two lines ("reserved" is 2 longer than "usable") and a NUL. */
	assert_int_equal(len, 2 * strlen("BIOS-e820: [mem 0x0000000000000000-"
					 "0x000000000009ffff] usable\n") + 3);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 'x');
	/* No entry is read when the size cannot be a size_t. */
	len = sizeof(buf);
	assert_int_equal(mc_e820_print(e, SIZE_MAX / 16, "BIOS-e820", LINUX_6_1, buf, &len),
			 MC_ERANGE);
	assert_int_equal(len, 0);
}

/* The digits are written eight at a time: check them against printf. */
static void addresses_are_16_hex_digits_like_printf(void **state)
{
	uint64_t v = 0x0123456789abcdefull;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		struct mc_e820_entry e = { v, i % 7 ? 1 + (v >> (i % 61)) : 1,
					   MC_E820_RAM };
		uint64_t last = e.addr + (e.size - 1);
		char want[96], got[96];

		if (last < e.addr) {	/* keep the entry below 2^64 */
			e.size = 1;
			last = e.addr;
		}
		snprintf(want, sizeof(want),
			 "x: [mem 0x%016" PRIx64 "-0x%016" PRIx64 "] usable",
			 e.addr, last);
		size_t size = sizeof(got);

		assert_int_equal(mc_e820_format_line(&e, "x", got, &size), 0);
		assert_int_equal(size, strlen(want) + 1);
		assert_string_equal(got, want);
		v = v * 6364136223846793005ull + 1442695040888963407ull;
	}
}

/* Too small a buffer: the size needed, and not a byte written. */
static void a_line_too_long_for_the_buffer_writes_nothing(void **state)
{
	struct mc_e820_entry e = { 0x1000, 0x1000, MC_E820_RESERVED };
	const char *whole = "BIOS-e820: [mem 0x0000000000001000-"
			    "0x0000000000001fff] reserved";
	char buf[80];

	(void)state;
	for (size_t len = 0; len <= strlen(whole) + 1; len++) {
		size_t size = len;
		int err = mc_e820_format_line(&e, "BIOS-e820", buf, &size);

		memset(buf, 'x', sizeof(buf));
		size = len;
		err = mc_e820_format_line(&e, "BIOS-e820", len ? buf : NULL,
					  &size);
		assert_int_equal(size, strlen(whole) + 1);
		assert_int_equal(err, len > strlen(whole) ? 0 : MC_ENOSPC);
		if (err)
			assert_int_equal(buf[0], 'x');
		else
			assert_string_equal(buf, whole);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_built_table_is_the_caller_buffer_table),
		cmocka_unit_test(a_build_fails_as_the_table_does),
		cmocka_unit_test(the_whole_text_is_every_line),
		cmocka_unit_test(a_short_text_buffer_is_left_alone),
		cmocka_unit_test(addresses_are_16_hex_digits_like_printf),
		cmocka_unit_test(a_line_too_long_for_the_buffer_writes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
