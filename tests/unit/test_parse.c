// SPDX-License-Identifier: MIT
/*
 * test_parse.c - the map file (DESIGN §1): what it accepts and how it
 * refuses the rest. Every refusal names the file, the line and the field.
 */
#include "core_helpers.h"

static const struct mc_region *only_region(struct mc_map *map)
{
	size_t n;
	const struct mc_region *r = mc_map_input(map, &n);

	assert_int_equal(n, 1);
	return r;
}

static void numbers_are_decimal_hex_or_suffixed(void **state)
{
	static const struct {
		const char *text;
		uint64_t first, last;
	} ok[] = {
		{ "ram 4096 8192", 0x1000, 0x2fff },
		{ "ram 0x1000 0X2000", 0x1000, 0x2fff },
		{ "ram 0xABCdef000 4k", 0xabcdef000, 0xabcdeffff },
		{ "ram 1G 2M", 0x40000000, 0x401fffff },
		{ "ram 0 1t", 0, 0xffffffffff },
		{ "ram 0x10 0x1T", 0x10, 0x1000000000f },
		{ "ram 010 1", 10, 10 },	/* decimal, never octal */
		{ "ram 0xffffffffffffffff 1", UINT64_MAX, UINT64_MAX },
		{ "ram 0 0xffffffffffffffff", 0, UINT64_MAX - 1 },
		{ "ram 0xfffffffffffff000 4K", 0xfffffffffffff000, UINT64_MAX },
		{ "ram 1 0xffffffffffffffff", 1, UINT64_MAX },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct mc_map *map = map_from(ok[i].text);
		const struct mc_region *r = only_region(map);

		assert_int_equal(r->first, ok[i].first);
		assert_int_equal(r->last, ok[i].last);
		mc_map_free(map);
	}
}

static void comments_blank_lines_and_crlf_are_ignored(void **state)
{
	struct mc_map *map = map_from(
		"# a comment\n\n   \t\nram 0 1M # trailing comment\r\n"
		"reserved 0x1000 4K type=msi#no space needed\n");
	size_t n;
	const struct mc_region *r = mc_map_input(map, &n);

	(void)state;
	assert_int_equal(n, 2);
	assert_int_equal(r[0].line, 4);
	assert_int_equal(r[1].line, 5);
	assert_int_equal(r[1].type, MC_RESV_MSI);
	mc_map_free(map);
}

static void every_attribute_is_read(void **state)
{
	struct mc_map *map = map_from(
		"reserved 0x10000 64K type=direct-relaxable name=fw.buf_1 "
		"devices=00:1f.2,0001:02:00.7 sids=0x10,17 align=64K "
		"policy=carve access=normal-wb readonly privileged\n");
	const struct mc_region *r = only_region(map);

	(void)state;
	assert_int_equal(r->kind, MC_RESERVED);
	assert_int_equal(r->type, MC_RESV_DIRECT_RELAXABLE);
	assert_string_equal(r->name, "fw.buf_1");
	assert_int_equal(r->n_devices, 2);
	assert_int_equal(r->devices[0].segment, 0);
	assert_int_equal(r->devices[0].bus, 0);
	assert_int_equal(r->devices[0].devfn, 0x1f << 3 | 2);
	assert_int_equal(r->devices[1].segment, 1);
	assert_int_equal(r->devices[1].bus, 2);
	assert_int_equal(r->devices[1].devfn, 7);
	assert_int_equal(r->n_sids, 2);
	assert_int_equal(r->sids[0], 0x10);
	assert_int_equal(r->sids[1], 17);
	assert_int_equal(r->align, 0x10000);
	assert_int_equal(r->policy, MC_POLICY_CARVE);
	assert_int_equal(r->access, 5);
	assert_int_equal(r->flags, MC_F_ACCESS | MC_F_READONLY |
					   MC_F_PRIVILEGED);
	mc_map_free(map);
}

static void settings_set_arch_granule_policy(void **state)
{
	struct mc_map *map = map_from("arch ppc64\npolicy relocate\n");

	(void)state;
	assert_int_equal(mc_map_arch(map), MC_ARCH_PPC64);
	assert_int_equal(mc_map_policy(map), MC_POLICY_RELOCATE);
	assert_int_equal(mc_map_granule(map), 0x1000000); /* ppc64: 16M */
	mc_map_free(map);
	map = map_from("arch x86_64\ngranule 2M\n");
	assert_int_equal(mc_map_granule(map), 0x200000);
	assert_int_equal(mc_map_policy(map), MC_POLICY_CARVE);	/* default */
	mc_map_free(map);
}

static void caller_settings_override_the_map(void **state)
{
	struct mc_map *map = mc_map_new();
	const char *text = "arch arm64\npolicy abort\ngranule 64K\n";

	(void)state;
	assert_int_equal(mc_map_set_arch(map, MC_ARCH_X86_64), 0);
	assert_int_equal(mc_map_set_policy(map, MC_POLICY_OVERLAY), 0);
	assert_int_equal(mc_map_set_granule(map, 0x1000), 0);
	assert_int_equal(mc_map_load(map, "m", text, strlen(text)), 0);
	assert_int_equal(mc_map_arch(map), MC_ARCH_X86_64);
	assert_int_equal(mc_map_policy(map), MC_POLICY_OVERLAY);
	assert_int_equal(mc_map_granule(map), 0x1000);
	mc_map_free(map);
}

struct bad {
	const char *text;
	int code;
	const char *msg;
};

static const struct bad bad[] = {
	{ "rom 0 1M", MC_EINVAL,
	  "test.map:1: 'rom': unknown statement (expected arch, granule, "
	  "policy, ram, mmio, reserved, acpi, nvs, pmem, hotplug, resv, distance)" },
	{ "ram", MC_EINVAL,
	  "test.map:1: start: missing (expected: ram START SIZE [attributes])" },
	{ "ram 0", MC_EINVAL,
	  "test.map:1: size: missing (expected: ram START SIZE [attributes])" },
	{ "ram zero 1M", MC_EINVAL,
	  "test.map:1: start: 'zero' is not a number (decimal or 0x hex, "
	  "optional K/M/G/T)" },
	{ "ram 0 1Q", MC_EINVAL,
	  "test.map:1: size: '1Q': unknown suffix 'Q' (expected K, M, G or T)" },
	{ "ram 0 1MB", MC_EINVAL,
	  "test.map:1: size: '1MB' is not a number (decimal or 0x hex, "
	  "optional K/M/G/T)" },
	{ "ram 0 -1", MC_EINVAL,
	  "test.map:1: size: '-1' is not a number (decimal or 0x hex, "
	  "optional K/M/G/T)" },
	{ "ram 0 0x", MC_EINVAL,
	  "test.map:1: size: '0x' is not a number (decimal or 0x hex, "
	  "optional K/M/G/T)" },
	{ "ram 0 0", MC_EINVAL, "test.map:1: size: '0' is zero" },
	{ "ram 0x10000000000000000 1", MC_ERANGE,
	  "test.map:1: start: '0x10000000000000000' does not fit in 64 bits" },
	{ "ram 0 18446744073709551616", MC_ERANGE,
	  "test.map:1: size: '18446744073709551616' does not fit in 64 bits" },
	{ "ram 0 16777216T", MC_ERANGE,
	  "test.map:1: size: '16777216T' does not fit in 64 bits" },
	{ "ram 0xffffffffffffffff 2", MC_ERANGE,
	  "test.map:1: size: 0xffffffffffffffff+2 wraps past 2^64" },
	{ "ram 2 0xffffffffffffffff", MC_ERANGE,
	  "test.map:1: size: 2+0xffffffffffffffff wraps past 2^64" },
	{ "ram 0 1M colour=red", MC_EINVAL,
	  "test.map:1: 'colour=red': unknown attribute (expected type=, name=, "
	  "devices=, sids=, align=, policy=, access=, node=, reusable, readonly, "
	  "privileged, iova-gap)" },
	{ "ram 0 1M type=msi", MC_EINVAL,
	  "test.map:1: type=: only reserved ranges have a type" },
	{ "reserved 0 1M type=doorbell", MC_EINVAL,
	  "test.map:1: type=: 'doorbell' is not one of reserved, msi, sw-msi, "
	  "direct, direct-relaxable" },
	{ "reserved 0 1M name=a name=b", MC_EINVAL,
	  "test.map:1: name=: given twice" },
	{ "reserved 0 1M name=", MC_EINVAL, "test.map:1: name=: needs a value" },
	{ "reserved 0 1M name", MC_EINVAL, "test.map:1: name=: needs a value" },
	{ "reserved 0 1M reusable=yes", MC_EINVAL,
	  "test.map:1: reusable: is a flag and takes no value ('reusable=yes')" },
	{ "reserved 0 1M name=my@node", MC_EINVAL,
	  "test.map:1: name=: 'my@node' must be characters of A-Z a-z "
	  "0-9 , . _ + -" },
	{ "reserved 0 1M type=direct devices=00:02", MC_EINVAL,
	  "test.map:1: devices=: '00:02' is not a PCI device "
	  "[segment:]bus:dev.fn (hex)" },
	{ "reserved 0 1M type=direct devices=00:20.0", MC_EINVAL,
	  "test.map:1: devices=: '00:20.0' is not a PCI device "
	  "[segment:]bus:dev.fn (hex)" },
	{ "reserved 0 1M type=direct devices=00:02.8", MC_EINVAL,
	  "test.map:1: devices=: '00:02.8' is not a PCI device "
	  "[segment:]bus:dev.fn (hex)" },
	{ "reserved 0 1M type=direct devices=00:02.0,,00:03.0", MC_EINVAL,
	  "test.map:1: devices=: empty item in '00:02.0,,00:03.0'" },
	{ "reserved 0 1M type=direct sids=0x100000000", MC_ERANGE,
	  "test.map:1: sids=: stream ID '0x100000000' does not fit in 32 bits" },
	{ "reserved 0 1M devices=00:02.0", MC_EINVAL,
	  "test.map:1: devices=: only direct and direct-relaxable ranges take "
	  "devices=" },
	{ "reserved 0 1M type=msi readonly", MC_EINVAL,
	  "test.map:1: readonly: only direct and direct-relaxable ranges take "
	  "readonly" },
	{ "reserved 0 1M type=direct access=strongly-ordered", MC_EINVAL,
	  "test.map:1: access=: 'strongly-ordered' is not 0..255 or one of "
	  "device-ngnrne, device-ngnre, device-ngre, device-gre, normal-nc, "
	  "normal-wb" },
	{ "mmio 0 1M reusable", MC_EINVAL,
	  "test.map:1: reusable: only reserved ranges can be reusable" },
	{ "ram 0x1000 1M align=64K", MC_EALIGN,
	  "test.map:1: align=: base 0x1000 is not aligned to 0x10000" },
	{ "ram 0 1M align=3", MC_EINVAL,
	  "test.map:1: align=: 0x3 is not a power of two" },
	{ "ram 0 1M policy=carve", MC_EINVAL,
	  "test.map:1: policy=: ram takes no policy; the ranges over it do" },
	{ "mmio 0 1M policy=overlay", MC_EINVAL,
	  "test.map:1: policy=: mmio has its own backing and is never overlaid "
	  "on RAM" },
	{ "reserved 0 1M policy=maybe", MC_EINVAL,
	  "test.map:1: policy=: 'maybe' is not one of abort, overlay, carve, "
	  "relocate" },
	{ "arch riscv", MC_EINVAL,
	  "test.map:1: arch: 'riscv' is not one of arm64, ppc64, x86_64, "
	  "mips, riscv64" },
	{ "arch", MC_EINVAL, "test.map:1: arch: expects exactly one value" },
	{ "arch arm64\narch arm64", MC_EINVAL,
	  "test.map:2: arch: given twice (first on line 1)" },
	{ "granule 3K", MC_EINVAL,
	  "test.map:1: granule: '3K' is not a power of two" },
	{ "granule 1K", MC_EINVAL,
	  "test.map:1: granule: '1K' is below the 4K page size KVM maps memory "
	  "in (MC_GRANULE_MIN)" },
	{ "policy none", MC_EINVAL,
	  "test.map:1: policy: 'none' is not one of abort, overlay, carve, "
	  "relocate" },
	{ "policy default", MC_EINVAL,
	  "test.map:1: policy: 'default' is not one of abort, overlay, carve, "
	  "relocate" },
};

static void bad_lines_are_refused_with_file_line_and_field(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mc_map *map = mc_map_new();
		size_t n;

		print_message("%s\n", bad[i].text);
		assert_int_equal(mc_map_load(map, "test.map", bad[i].text,
					     strlen(bad[i].text)),
				 bad[i].code);
		assert_string_equal(first_error(map), bad[i].msg);
		mc_map_input(map, &n);
		assert_int_equal(n, 0);	/* nothing from a bad line */
		mc_map_free(map);
	}
}

static void every_bad_line_is_reported_in_one_pass(void **state)
{
	const char *text = "ram 0 1M\nram 0 0\nmmio x 1\nreserved 0 1M\nbogus\n";
	struct mc_map *map = mc_map_new();
	size_t n;

	(void)state;
	assert_int_equal(mc_map_load(map, "vm.map", text, strlen(text)),
			 MC_EINVAL);
	assert_int_equal(mc_map_error_count(map), 3);
	assert_int_equal(mc_map_error(map, 0)->line, 2);
	assert_string_equal(mc_map_error(map, 0)->field, "size");
	assert_string_equal(mc_map_error(map, 0)->source, "vm.map");
	assert_int_equal(mc_map_error(map, 1)->line, 3);
	assert_int_equal(mc_map_error(map, 2)->line, 5);
	mc_map_input(map, &n);
	assert_int_equal(n, 2);	/* the good lines */
	mc_map_free(map);
}

static void long_lines_and_nul_bytes_are_refused(void **state)
{
	char *text = malloc(5000);
	struct mc_map *map = mc_map_new();

	(void)state;
	memset(text, ' ', 5000);
	memcpy(text, "ram 0 1M", 8);
	assert_int_equal(mc_map_load(map, "m", text, 5000), MC_EINVAL);
	assert_string_equal(first_error(map),
			    "m:1: line longer than 4096 bytes");
	mc_map_clear_errors(map);
	assert_int_equal(mc_map_load(map, "m", "ram 0\0 1M\n", 10), MC_EINVAL);
	assert_string_equal(first_error(map),
			    "m:1: NUL byte in a text line: binary data, not read");
	mc_map_free(map);
	/* Binary data is refused whole: one message, no raw byte in it. */
	map = mc_map_new();
	assert_int_equal(mc_map_load(map, "m", "ram 0 1M\n\x1b[2J\0\n\0\n", 15),
			 MC_EINVAL);
	assert_int_equal(mc_map_error_count(map), 1);
	assert_string_equal(first_error(map), "m:2: control byte 0x1b in a text "
			    "line: binary data, not read");
	mc_map_free(map);
	free(text);
}

static void diagnostics_stop_at_the_cap_and_count_the_rest(void **state)
{
	struct mc_map *map = mc_map_new();
	char text[4096] = "";

	(void)state;
	for (int i = 0; i < MC_MAX_ERRORS + 5; i++)
		strcat(text, "bad\n");
	assert_int_equal(mc_map_load(map, "m", text, strlen(text)), MC_EINVAL);
	assert_int_equal(mc_map_error_count(map), MC_MAX_ERRORS);
	assert_int_equal(mc_map_errors_dropped(map), 5);
	assert_null(mc_map_error(map, MC_MAX_ERRORS));
	mc_map_clear_errors(map);
	assert_int_equal(mc_map_error_count(map), 0);
	mc_map_free(map);
}

static void a_missing_file_is_an_io_error(void **state)
{
	struct mc_map *map = mc_map_new();

	(void)state;
	assert_int_equal(mc_map_load_file(map, "/nonexistent/vm.map"), MC_EIO);
	assert_string_equal(first_error(map),
			    "/nonexistent/vm.map: cannot open: No such file or "
			    "directory");
	mc_map_free(map);
}

/* An endless stream stops at MC_INPUT_MAX; a directory is no text. */
static void endless_and_unreadable_inputs_are_refused(void **state)
{
	struct mc_map *map = mc_map_new();

	(void)state;
	assert_int_equal(mc_map_load_file(map, "/dev/zero"), MC_ERANGE);
	assert_string_equal(first_error(map),
			    "/dev/zero: longer than the input limit of 256 MiB "
			    "(MC_INPUT_MAX); an endless stream?");
	mc_map_clear_errors(map);
	assert_int_equal(mc_map_load_file(map, "/"), MC_EIO);
	assert_string_equal(first_error(map), "/: cannot read: Is a directory");
	mc_map_free(map);
}

/* A long path keeps its end, and every message its "file:line:". */
static void long_source_names_keep_file_and_line(void **state)
{
	struct mc_map *map = mc_map_new();
	char name[400];

	(void)state;
	memset(name, 'a', sizeof(name));
	strcpy(name + sizeof(name) - 8, "/vm.map");
	assert_int_equal(mc_map_load(map, name, "\nbad\n", 5), MC_EINVAL);
	assert_int_equal(strlen(mc_map_error(map, 0)->source), 255);
	assert_non_null(strstr(first_error(map), "aaa...aaa"));
	assert_non_null(strstr(first_error(map), "a/vm.map:2: 'bad': "));
	assert_int_equal(strncmp(first_error(map), "aaaa", 4), 0);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_are_decimal_hex_or_suffixed),
		cmocka_unit_test(comments_blank_lines_and_crlf_are_ignored),
		cmocka_unit_test(every_attribute_is_read),
		cmocka_unit_test(settings_set_arch_granule_policy),
		cmocka_unit_test(caller_settings_override_the_map),
		cmocka_unit_test(bad_lines_are_refused_with_file_line_and_field),
		cmocka_unit_test(every_bad_line_is_reported_in_one_pass),
		cmocka_unit_test(long_lines_and_nul_bytes_are_refused),
		cmocka_unit_test(diagnostics_stop_at_the_cap_and_count_the_rest),
		cmocka_unit_test(a_missing_file_is_an_io_error),
		cmocka_unit_test(endless_and_unreadable_inputs_are_refused),
		cmocka_unit_test(long_source_names_keep_file_and_line),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
