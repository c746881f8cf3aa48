// SPDX-License-Identifier: MIT
/*
 * test_e820_text.c - the e820 table as each kernel generation prints it
 * (e820_print_type(), e820__print_table()), the release it is chosen by,
 * and the table capacity E820_MAX_ENTRIES.
 *
 *   5.5 .. 6.14   "BIOS-e820: [mem 0x...-0x...] usable"; type 128
 *                 (RESERVED_KERN) "usable"
 *   6.15 .. 6.19  the same, type 128 "type 128" (RESERVED_KERN dropped)
 *   7.0 ..        "]  System RAM", "device reserved", "persistent RAM
 *                 (type N)", a "[gap ...]" line before an entry that does
 *                 not start where the last one ended (or at 0), and the
 *                 "[Firmware Bug]" line before one that starts below it
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "memcarve-e820.h"

#define V(a, b) MC_LINUX_VERSION(a, b)

static void type_names_follow_the_release(void **state)
{
	static const struct {
		uint32_t type;
		const char *v61, *v615, *v70;
	} names[] = {
		{ 1, "usable", "usable", "System RAM" },
		{ 2, "reserved", "reserved", "device reserved" },
		{ 3, "ACPI data", "ACPI data", "ACPI data" },
		{ 4, "ACPI NVS", "ACPI NVS", "ACPI NVS" },
		{ 5, "unusable", "unusable", "unusable" },
		{ 7, "persistent (type 7)", "persistent (type 7)",
		  "persistent RAM (type 7)" },
		{ 12, "persistent (type 12)", "persistent (type 12)",
		  "persistent RAM (type 12)" },
		{ 0xefffffff, "soft reserved", "soft reserved", "soft reserved" },
		{ 128, "usable", "type 128", "type 128" },
		{ 6, "type 6", "type 6", "type 6" },
		{ 0xffffffff, "type 4294967295", "type 4294967295",
		  "type 4294967295" },
	};
	char buf[16];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint32_t t = names[i].type;

		assert_string_equal(mc_e820_type_name_linux(t, V(6, 1), buf,
							    sizeof(buf)),
				    names[i].v61);
		assert_string_equal(mc_e820_type_name_linux(t, V(6, 14), buf,
							    sizeof(buf)),
				    names[i].v61);
		assert_string_equal(mc_e820_type_name_linux(t, V(6, 15), buf,
							    sizeof(buf)),
				    names[i].v615);
		assert_string_equal(mc_e820_type_name_linux(t, V(7, 0), buf,
							    sizeof(buf)),
				    names[i].v70);
		assert_string_equal(mc_e820_type_name_linux(t, MC_LINUX_NEWEST,
							    buf, sizeof(buf)),
				    names[i].v70);
		assert_string_equal(mc_e820_type_name(t, buf, sizeof(buf)),
				    names[i].v61);
	}
}

/* The whole text of @n entries for @version, as a malloc'd string. */
static char *print(const struct mc_e820_entry *e, size_t n, uint32_t version)
{
	size_t len = 0;
	char *text;

	len = 0;
	assert_int_equal(mc_e820_print(e, n, "BIOS-e820", version, NULL, &len), MC_ENOSPC);
	text = malloc(len);
	assert_non_null(text);
	assert_int_equal(mc_e820_print(e, n, "BIOS-e820", version, text, &len), 0);
	assert_int_equal(strlen(text) + 1, len);
	return text;
}

static const struct mc_e820_entry caller_table[] = {
	{ 0x1000, 0x9f000, 1 },
	{ 0xa0000, 0x60000, 128 },
	{ 0x200000, 0x100000, 0xefffffff },
	{ 0x100000, 0x1000, 12 },	/* out of order */
	{ 0xfffffffffffff000, 0x1000, 2 },
};

static void before_7_0_one_line_per_entry(void **state)
{
	char *text = print(caller_table, 5, V(6, 1));

	(void)state;
	assert_string_equal(text,
		"BIOS-e820: [mem 0x0000000000001000-0x000000000009ffff] usable\n"
		"BIOS-e820: [mem 0x00000000000a0000-0x00000000000fffff] usable\n"
		"BIOS-e820: [mem 0x0000000000200000-0x00000000002fffff] soft reserved\n"
		"BIOS-e820: [mem 0x0000000000100000-0x0000000000100fff] persistent (type 12)\n"
		"BIOS-e820: [mem 0xfffffffffffff000-0xffffffffffffffff] reserved\n");
	free(text);
	text = print(caller_table, 2, V(6, 15));
	assert_string_equal(text,
		"BIOS-e820: [mem 0x0000000000001000-0x000000000009ffff] usable\n"
		"BIOS-e820: [mem 0x00000000000a0000-0x00000000000fffff] type 128\n");
	free(text);
}

static void from_7_0_gaps_and_two_spaces(void **state)
{
	char *text = print(caller_table, 5, V(7, 2));

	(void)state;
	assert_string_equal(text,
		"BIOS-e820: [gap 0x0000000000000000-0x0000000000000fff]\n"
		"BIOS-e820: [mem 0x0000000000001000-0x000000000009ffff]  System RAM\n"
		"BIOS-e820: [mem 0x00000000000a0000-0x00000000000fffff]  type 128\n"
		"BIOS-e820: [gap 0x0000000000100000-0x00000000001fffff]\n"
		"BIOS-e820: [mem 0x0000000000200000-0x00000000002fffff]  soft reserved\n"
		"[Firmware Bug]: out of order E820 entry!\n"
		"BIOS-e820: [mem 0x0000000000100000-0x0000000000100fff]  persistent RAM (type 12)\n"
		"BIOS-e820: [gap 0x0000000000101000-0xffffffffffffefff]\n"
		"BIOS-e820: [mem 0xfffffffffffff000-0xffffffffffffffff]  device reserved\n");
	free(text);
}

static void releases_before_5_5_are_refused(void **state)
{
	size_t len;

	(void)state;
	len = 0;
	assert_int_equal(mc_e820_print(caller_table, 1, "BIOS-e820", V(5, 4), NULL, &len), MC_EINVAL);
}

static void a_release_reads_from_its_name(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(mc_linux_version("6.1", &v), 0);
	assert_int_equal(v, V(6, 1));
	assert_int_equal(mc_linux_version("7.2.13+deb14-amd64 (debian) #1", &v), 0);
	assert_int_equal(v, V(7, 2));
	assert_int_equal(mc_linux_version("6.12-rc1", &v), 0);
	assert_int_equal(v, V(6, 12));
	assert_int_equal(mc_linux_version("7", &v), MC_EINVAL);
	assert_int_equal(mc_linux_version("7.", &v), MC_EINVAL);
	assert_int_equal(mc_linux_version("v7.2", &v), MC_EINVAL);
	assert_int_equal(mc_linux_version("256.1", &v), MC_EINVAL);
	assert_int_equal(mc_linux_version(NULL, &v), MC_EINVAL);
}

/* A 2.15 setup header with kernel_version pointing at @text (or none). */
static void bzimage_version(const char *text, uint32_t want)
{
	uint8_t img[1024] = { 0 };
	struct mc_bzimage b;
	struct mc_map *map = mc_map_new();

	img[0x1fe] = 0x55;
	img[0x1ff] = 0xaa;
	img[0x200] = 0xeb;
	img[0x201] = 0x6a;		/* header ends at 0x26c */
	memcpy(img + 0x202, "HdrS", 4);
	img[0x206] = 0x0f;
	img[0x207] = 0x02;
	img[0x258 + 1] = 0x10;		/* pref_address 0x1000000 */
	img[0x258 + 3] = 0x01;
	img[0x260 + 2] = 0x10;		/* init_size 1M */
	if (text) {
		img[0x20e] = 0x00;	/* at 0x200 + 0x100 */
		img[0x20f] = 0x01;
		memcpy(img + 0x300, text, strlen(text) + 1);
	}
	assert_int_equal(mc_e820_bzimage(map, "bz", img, sizeof(img), &b), 0);
	assert_int_equal(b.linux_version, want);
	mc_map_free(map);
}

static void a_bzimage_names_its_release(void **state)
{
	(void)state;
	bzimage_version("6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1",
			V(6, 1));
	bzimage_version("7.2.13+deb14-amd64 (debian-kernel@lists.debian.org)",
			V(7, 2));
	bzimage_version(NULL, 0);
	bzimage_version("not a release", 0);
}

/*
 * The kernel splits our entries at boot: the first 4K page of RAM at 0,
 * RAM through 0xa0000-0xfffff, and a setup_data node's RAM entry (up to
 * 6.14 in the working table too, so the splits add up; from 6.15 the
 * tables are apart and the larger count is the one that must fit).
 */
static void the_kernel_adds_entries_at_boot(void **state)
{
	static const struct mc_e820_entry flat[] = {
		{ 0, 0x80000000, 1 }, { 0xfee00000, 0x100000, 2 },
	};
	static const struct mc_e820_entry legacy[] = {
		{ 0, 0xa0000, 1 }, { 0xa0000, 0x60000, 2 },
		{ 0x100000, 0x7ff00000, 1 },
	};
	const struct mc_e820_need sd = { "setup_data", 0x30000, 0x30fff };
	const struct mc_e820_need sd_at_0 = { "setup_data", 0, 0xfff };

	(void)state;
	assert_int_equal(mc_e820_boot_entries(flat, 2, NULL, 0, V(6, 1)), 4);
	assert_int_equal(mc_e820_boot_entries(legacy, 3, NULL, 0, V(6, 1)), 4);
	assert_int_equal(mc_e820_boot_entries(legacy, 3, &sd, 1, V(6, 1)), 6);
	assert_int_equal(mc_e820_boot_entries(legacy, 3, &sd, 1, V(6, 15)), 5);
	assert_int_equal(mc_e820_boot_entries(legacy, 3, &sd, 1,
					      MC_LINUX_NEWEST), 5);
	/* a node on the first page: the kernel's own split is not needed */
	assert_int_equal(mc_e820_boot_entries(legacy, 3, &sd_at_0, 1, V(6, 1)),
			 4);
}

static void the_check_names_e820_max_entries(void **state)
{
	static const struct mc_e820_entry legacy[] = {
		{ 0, 0xa0000, 1 }, { 0xa0000, 0x60000, 2 },
		{ 0x100000, 0x7ff00000, 1 },
	};
	struct mc_e820_rules rules = { .max_entries = 4 };
	struct mc_map *map = mc_map_new();

	(void)state;
	assert_int_equal(mc_e820_check(map, legacy, 3, &rules), 0);
	rules.max_entries = 3;
	assert_int_equal(mc_e820_check(map, legacy, 3, &rules), MC_ERANGE);
	assert_non_null(strstr(mc_map_error(map, 0)->msg,
			       "over its E820_MAX_ENTRIES of 3"));
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(type_names_follow_the_release),
		cmocka_unit_test(before_7_0_one_line_per_entry),
		cmocka_unit_test(from_7_0_gaps_and_two_spaces),
		cmocka_unit_test(releases_before_5_5_are_refused),
		cmocka_unit_test(a_release_reads_from_its_name),
		cmocka_unit_test(a_bzimage_names_its_release),
		cmocka_unit_test(the_kernel_adds_entries_at_boot),
		cmocka_unit_test(the_check_names_e820_max_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
