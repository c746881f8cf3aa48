// SPDX-License-Identifier: MIT
/*
 * test_ssdt.c - the PNP0C02 SSDT: its AML byte for byte as the ACPI spec
 * lays it out, the encodings at their size boundaries, the options, and
 * the golden tables of fixtures/golden/ssdt.list read by iasl -d (the
 * reference disassembler: no error, no warning, one QWordMemory per range
 * the carved map lists) and by our decoder.
 *
 * Runs from the top of the repository, as make unit does.
 */
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core_helpers.h"
#include "memcarve-acpi-ssdt.h"
#include "../../acpi/aml.h"

static uint8_t *build(const char *text, const struct mc_acpi_ssdt_opts *o,
		      size_t *len)
{
	struct mc_map *map = map_carved(text);
	void *p;

	if (mc_acpi_ssdt_build_alloc(map, o, &p, len))
		fail_msg("build failed: %s", first_error(map));
	mc_map_free(map);
	return p;
}

/* One reserved MiB outside RAM, as the spec's encodings spell it. */
static void the_table_is_the_aml_the_spec_describes(void **state)
{
	static const uint8_t want_aml[] = {
		0x5b, 0x82, 0x47, 0x05,		/* Device, PkgLength 0x57 */
		0x5c, 0x2e, '_', 'S', 'B', '_', 'M', 'C', 'R', 'V',
		0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0c, 0x02,
		0x08, '_', 'U', 'I', 'D', 0x0b, 0x43, 0x4d,
		0x08, '_', 'C', 'R', 'S', 0x11, 0x33, 0x0a, 0x30,
		0x8a, 0x2b, 0x00,		/* QWord, 43 bytes follow */
		0x00, 0x0d, 0x09,		/* memory, consumer+fixed, RW reserved */
		0, 0, 0, 0, 0, 0, 0, 0,		/* _GRA */
		0x00, 0x00, 0xe0, 0xfe, 0, 0, 0, 0,	/* _MIN */
		0xff, 0xff, 0xef, 0xfe, 0, 0, 0, 0,	/* _MAX */
		0, 0, 0, 0, 0, 0, 0, 0,		/* _TRA */
		0x00, 0x00, 0x10, 0x00, 0, 0, 0, 0,	/* _LEN */
		0x79, 0x00,			/* End Tag */
	};
	size_t len;
	uint8_t *t = build("arch x86_64\nram 0x0 2G\n"
			   "reserved 0xfee00000 1M type=msi\n", NULL, &len);
	uint8_t sum = 0;

	(void)state;
	assert_int_equal(len, 36 + sizeof(want_aml));
	assert_memory_equal(t, "SSDT", 4);
	assert_int_equal(t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24,
			 len);
	assert_int_equal(t[8], 2);			/* revision */
	assert_memory_equal(t + 10, "MCARVEMEMCARVE\1\0\0\0MCRV\1\0\0\0", 26);
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	assert_int_equal(sum, 0);
	assert_memory_equal(t + 36, want_aml, sizeof(want_aml));
	mc_free(t);
}

/* The SSDT of @text as our decoder reads it back: @want ranges. */
static struct mc_map *listed(const char *text, size_t want)
{
	struct mc_map *back = mc_map_new();
	size_t len, n;
	void *t = build(text, NULL, &len);

	assert_int_equal(mc_acpi_ssdt_decode(back, t, len), 0);
	mc_map_input(back, &n);
	assert_int_equal(n, want);
	mc_free(t);
	return back;
}

static void assert_range(const struct mc_map *back, size_t i, uint64_t first,
			 uint64_t last)
{
	size_t n;
	const struct mc_region *r = mc_map_input(back, &n);

	assert_int_equal(r[i].first, first);
	assert_int_equal(r[i].last, last);
}

/* What is listed: unbacked reserved and carved mmio; touching ones join. */
static void the_holes_are_what_the_guest_must_not_use(void **state)
{
	struct mc_map *back = listed(
		"arch x86_64\nram 0x0 1G\n"
		"reserved 0x1000000 1M type=msi\n"	/* carved */
		"mmio 0x1100000 1M\n"			/* carved, touching */
		"reserved 0x2000000 1M type=direct\n"	/* backed: in e820 */
		"mmio 0xc0000000 256M\n"		/* PCI hole: BARs go here */
		"reserved 0xfee00000 1M type=msi\n", 2);	/* unbacked */

	(void)state;
	assert_range(back, 0, 0x1000000, 0x11fffff);
	assert_range(back, 1, 0xfee00000, 0xfeefffff);
	mc_map_free(back);
}

/*
 * Holes touching at 4 GiB stay two ranges: Linux cannot claim one range
 * across the end of the 32-bit PCI window (boot_hotplug.py saw "could
 * not be reserved" for 0xfffc0000-0x103ffffff, and a BAR placed inside).
 */
static void holes_touching_at_4g_stay_apart(void **state)
{
	struct mc_map *back = listed(
		"arch x86_64\nram 0x0 1G\n"
		"reserved 0xfffc0000 256K\n"		/* the flash, below 4 GiB */
		"reserved 0x100000000 64M\n"		/* touching it, above */
		"reserved 0x104000000 1M\n", 2);	/* touching: joined */

	(void)state;
	assert_range(back, 0, 0xfffc0000, 0xffffffff);
	assert_range(back, 1, 0x100000000, 0x1040fffff);
	mc_map_free(back);
}

static void no_hole_is_an_empty_template(void **state)
{
	size_t len;
	uint8_t *t = build("arch x86_64\nram 0x0 1G\n", NULL, &len);
	struct mc_map *back = mc_map_new();
	size_t n;

	(void)state;
	/* _CRS: Buffer, PkgLength 5, BufferSize 2, End Tag */
	assert_memory_equal(t + len - 6, "\x11\x05\x0a\x02\x79\x00", 6);
	assert_int_equal(mc_acpi_ssdt_decode(back, t, len), 0);
	mc_map_input(back, &n);
	assert_int_equal(n, 0);
	mc_map_free(back);
	mc_free(t);
}

/* PkgLength (§20.2.4): 1 byte to 63, then 2 to 4095, 3, 4 bytes. */
static void pkglength_at_its_boundaries(void **state)
{
	uint8_t b[4];

	(void)state;
	assert_int_equal(aml_pkglen_size(62), 1);	/* total 63 */
	assert_int_equal(aml_pkglen_size(63), 2);	/* total 65 */
	assert_int_equal(aml_pkglen_size(4093), 2);	/* total 4095 */
	assert_int_equal(aml_pkglen_size(4094), 3);
	assert_int_equal(aml_pkglen_size((1u << 20) - 4), 3);
	assert_int_equal(aml_pkglen_size((1u << 20) - 3), 4);
	assert_int_equal(aml_pkglen_size((1u << 28) - 5), 4);
	assert_int_equal(aml_pkglen_size((1u << 28) - 4), 0);
	aml_put_pkglen(b, 62);
	assert_int_equal(b[0], 63);
	aml_put_pkglen(b, 63);				/* 65 = 0x41 */
	assert_memory_equal(b, "\x41\x04", 2);
	aml_put_pkglen(b, 4094);			/* 4097 = 0x1001 */
	assert_memory_equal(b, "\x81\x00\x01", 3);
}

static void integers_take_the_shortest_form(void **state)
{
	uint8_t b[9];

	(void)state;
	assert_int_equal(aml_put_int(b, 0) - b, 1);
	assert_int_equal(b[0], 0x00);
	assert_int_equal(aml_put_int(b, 1) - b, 1);
	assert_int_equal(b[0], 0x01);
	assert_int_equal(aml_put_int(b, 0xff) - b, 2);
	assert_memory_equal(b, "\x0a\xff", 2);
	assert_int_equal(aml_put_int(b, 0x100) - b, 3);
	assert_int_equal(aml_put_int(b, 0x10000) - b, 5);
	assert_int_equal(aml_put_int(b, 0x100000000ull) - b, 9);
	assert_memory_equal(b, "\x0e\0\0\0\0\1\0\0\0", 9);
}

static void paths_as_namestrings(void **state)
{
	struct aml_path p;
	uint8_t b[32];

	(void)state;
	assert_true(aml_path_parse("\\MCRV", &p));
	assert_int_equal(aml_put_path(b, &p) - b, 5);
	assert_memory_equal(b, "\\MCRV", 5);
	assert_true(aml_path_parse("\\_SB.PCI0.M", &p));
	assert_int_equal(aml_put_path(b, &p) - b, 15);
	assert_memory_equal(b, "\\\x2f\x03_SB_PCI0M___", 15);
	assert_false(aml_path_parse("_SB.MCRV", &p));	/* not rooted */
	assert_false(aml_path_parse("\\_SB.", &p));
	assert_false(aml_path_parse("\\_SB..X", &p));
	assert_false(aml_path_parse("\\_SB.MCRVX", &p));
	assert_false(aml_path_parse("\\_SB.mcrv", &p));
	assert_false(aml_path_parse("\\", &p));
}

static void bad_options_are_refused(void **state)
{
	struct mc_map *map = map_carved("arch x86_64\nram 0x0 1G\n");
	struct mc_acpi_ssdt_opts o;
	size_t size = 0;

	(void)state;
	mc_acpi_ssdt_opts_init(&o);
	o.reserved[0] = 1;
	assert_int_equal(mc_acpi_ssdt_build(map, &o, NULL, &size), MC_EINVAL);
	mc_acpi_ssdt_opts_init(&o);
	o.device_path = "\\_SB.TOOLONG";
	assert_int_equal(mc_acpi_ssdt_build(map, &o, NULL, &size), MC_EINVAL);
	assert_non_null(strstr(mc_map_error(map, 1)->msg, "opts.device_path"));
	mc_acpi_ssdt_opts_init(&o);
	o.creator_id = "ABCDE";
	assert_int_equal(mc_acpi_ssdt_build(map, &o, NULL, &size), MC_EINVAL);
	mc_acpi_ssdt_opts_init(&o);
	assert_int_equal(mc_acpi_ssdt_build(map, &o, NULL, &size), MC_ENOSPC);
	assert_true(size > 36);
	mc_map_free(map);
	map = map_from("arch x86_64\nram 0x0 1G\n");
	assert_int_equal(mc_acpi_ssdt_build(map, &o, NULL, &size), MC_ESTATE);
	mc_map_free(map);
}

/* --- golden tables through iasl -d ------------------------------------ */

struct golden {
	const char *map, *resv, *aml;
	const char *path;	/* as iasl prints it */
	const char *uid;
};

static const struct golden cases[] = {
	{ "fixtures/e820/all-types.map", NULL, "fixtures/ssdt/all-types.aml",
	  "\\_SB.MCRV", "0x4D43" },
	{ "fixtures/x86-rmrr.map", "fixtures/x86-rmrr.resv",
	  "fixtures/ssdt/x86-rmrr.aml", "\\_SB.MCRV", "0x4D43" },
	{ "fixtures/x86-8g.map", NULL, "fixtures/ssdt/x86-8g-pci0.aml",
	  "\\_SB.PCI0.MCRV", "0x07" },
	{ "fixtures/e820/many.map", NULL, "fixtures/ssdt/many.aml",
	  "\\_SB.MCRV", "0x4D43" },
	{ "fixtures/e820/flat.map", NULL, "fixtures/ssdt/flat.aml",
	  "\\_SB.MCRV", "0x4D43" },
};

static char *slurp_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	size_t n;

	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* The ranges the carved map must list, as the header says. */
static size_t expected(const struct golden *g, uint64_t (*v)[2])
{
	struct mc_map *map = mc_map_new();
	const struct mc_piece *r;
	size_t np, n = 0;

	assert_int_equal(mc_map_load_file(map, g->map), 0);
	if (g->resv)
		assert_int_equal(mc_map_load_resv_file(map, g->resv), 0);
	assert_int_equal(mc_map_carve(map), 0);
	r = mc_map_result(map, &np);
	for (size_t i = 0; i < np; i++) {
		bool hole = r[i].kind == MC_RESERVED ?
				    !(r[i].flags & MC_F_BACKED) :
				    r[i].kind == MC_MMIO &&
					    (r[i].flags & MC_F_CARVED);

		if (hole && n && v[n - 1][1] + 1 == r[i].first)
			v[n - 1][1] = r[i].last;
		else if (hole) {
			v[n][0] = r[i].first;
			v[n++][1] = r[i].last;
		}
	}
	mc_map_free(map);
	return n;
}

static void check_dsl(const struct golden *g, const char *dsl)
{
	static uint64_t want[512][2];
	size_t n = expected(g, want), k = 0;
	char line[160];
	const char *at = dsl;

	snprintf(line, sizeof(line), "Device (%s)", g->path);
	assert_non_null(strstr(dsl, line));
	assert_non_null(strstr(dsl, "EisaId (\"PNP0C02\")"));
	snprintf(line, sizeof(line), "Name (_UID, %s)", g->uid);
	assert_non_null(strstr(dsl, line));
	while ((at = strstr(at, "QWordMemory (ResourceConsumer, PosDecode, "
				"MinFixed, MaxFixed, NonCacheable, ReadWrite,"))) {
		uint64_t gra, min, max, tra, len;

		at = strchr(at, '\n');
		assert_int_equal(sscanf(at, " 0x%" SCNx64 ", // Granularity "
					"0x%" SCNx64 ", // Range Minimum "
					"0x%" SCNx64 ", // Range Maximum "
					"0x%" SCNx64 ", // Translation Offset "
					"0x%" SCNx64 ", // Length",
					&gra, &min, &max, &tra, &len), 5);
		assert_true(k < n);
		assert_int_equal(min, want[k][0]);
		assert_int_equal(max, want[k][1]);
		assert_int_equal(len, max - min + 1);
		assert_int_equal(gra | tra, 0);
		assert_non_null(strstr(at, "AddressRangeReserved, TypeStatic)"));
		k++;
	}
	assert_int_equal(k, n);
}

static void iasl_reads_every_golden_ssdt(void **state)
{
	char dir[] = "/tmp/memcarve-ssdt-XXXXXX";

	(void)state;
	if (system("iasl -v >/dev/null 2>&1") != 0)
		fail_msg("iasl not found: install acpica-tools (scripts/deps)");
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char cmd[1024], path[300];
		char *log, *dsl;

		snprintf(cmd, sizeof(cmd), "cp %s %s/t.aml && cd %s && "
			 "iasl -d t.aml >log 2>&1", cases[i].aml, dir, dir);
		if (system(cmd) != 0)
			fail_msg("iasl -d %s failed", cases[i].aml);
		snprintf(path, sizeof(path), "%s/log", dir);
		log = slurp_text(path);
		if (strstr(log, "Error") || strstr(log, "Warning"))
			fail_msg("iasl -d %s complains:\n%s", cases[i].aml, log);
		snprintf(path, sizeof(path), "%s/t.dsl", dir);
		dsl = slurp_text(path);
		check_dsl(&cases[i], dsl);
		free(dsl);
		free(log);
	}
	for (const char *const *f = (const char *const[]){ "t.aml", "t.dsl",
							   "log", NULL };
	     *f; f++) {
		char path[300];

		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		unlink(path);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_table_is_the_aml_the_spec_describes),
		cmocka_unit_test(the_holes_are_what_the_guest_must_not_use),
		cmocka_unit_test(holes_touching_at_4g_stay_apart),
		cmocka_unit_test(no_hole_is_an_empty_template),
		cmocka_unit_test(pkglength_at_its_boundaries),
		cmocka_unit_test(integers_take_the_shortest_form),
		cmocka_unit_test(paths_as_namestrings),
		cmocka_unit_test(bad_options_are_refused),
		cmocka_unit_test(iasl_reads_every_golden_ssdt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
