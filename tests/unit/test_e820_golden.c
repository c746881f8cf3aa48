// SPDX-License-Identifier: MIT
/*
 * test_e820_golden.c - the semantic check behind fixtures/golden/e820.list.
 *
 * A golden file only says the output did not change. This test reads each
 * expected output back (the kernel's text lines, raw tables, zero pages,
 * the SETUP_E820_EXT node) and checks it against the carved map on its
 * own terms, so a wrong golden file cannot pass:
 *   - the table is sorted, never overlaps, and has at least two entries;
 *   - every RAM piece lies in usable entries, every reserved piece (backed
 *     or not) in reserved ones, acpi in ACPI data, nvs in ACPI NVS, pmem
 *     in persistent (type 7);
 *   - every usable byte is a RAM piece, every described byte is a piece of
 *     its kind (reserved bytes may also be mmio inside RAM), and no mmio
 *     byte is ever usable;
 *   - the binary outputs decode to exactly the text output's entries;
 *   - the 7.0 text holds the same entries as the 6.1 text, with the new
 *     names, two spaces, and a [gap] line exactly where one is.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "memcarve-e820.h"

#define MAX 512

struct golden {
	const char *map;	/* fixture map */
	const char *resv;	/* --resv file, or NULL */
	bool x86;		/* --arch x86_64 */
	const char *text;	/* expected text output */
	const char *table;	/* expected raw table, or NULL */
	const char *zeropage;	/* expected zero page, or NULL */
	const char *setup_data;	/* expected SETUP_E820_EXT node, or NULL */
	const char *text7;	/* the same text as Linux 7.0 prints it */
	const char *who;	/* the lines' prefix; NULL for BIOS-e820 */
};

static const struct golden cases[] = {
	{ "fixtures/x86-8g.map", NULL, false, "fixtures/e820/x86-8g.txt",
	  "fixtures/e820/x86-8g.table", "fixtures/e820/x86-8g.zeropage", NULL,
	  "fixtures/e820/x86-8g.linux7.txt", NULL },
	{ "fixtures/x86-rmrr.map", "fixtures/x86-rmrr.resv", false,
	  "fixtures/e820/x86-rmrr.txt", NULL, NULL, NULL,
	  "fixtures/e820/x86-rmrr.linux7.txt", NULL },
	{ "fixtures/x86-1t-ht.map", NULL, false, "fixtures/e820/x86-1t-ht.txt", NULL,
	  NULL, NULL, NULL, NULL },
	{ "fixtures/edge-top.map", NULL, true, "fixtures/e820/edge-top.txt", NULL, NULL,
	  NULL, "fixtures/e820/edge-top.linux7.txt", NULL },
	{ "fixtures/arm64-kvmtool.map", NULL, true, "fixtures/e820/arm64-kvmtool.txt",
	  NULL, NULL, NULL, "fixtures/e820/arm64-kvmtool.linux7.txt",
	  NULL },
	{ "fixtures/arm64-overlay.map", NULL, true, "fixtures/e820/arm64-overlay.txt",
	  NULL, NULL, NULL, NULL, NULL },
	{ "fixtures/e820/all-types.map", NULL, false, "fixtures/e820/all-types.txt",
	  "fixtures/e820/all-types.table", "fixtures/e820/all-types.zeropage", NULL,
	  "fixtures/e820/all-types.linux7.txt", NULL },
	{ "fixtures/e820/many.map", NULL, false, "fixtures/e820/many.txt",
	  "fixtures/e820/many.table", "fixtures/e820/many.zeropage", "fixtures/e820/many.setup_data",
	  "fixtures/e820/many.linux7.txt", NULL },
	{ "fixtures/e820/flat.map", NULL, false, "fixtures/e820/flat.txt", NULL, NULL,
	  NULL, "fixtures/e820/flat.linux7.txt", NULL },
	{ "fixtures/cmdline/x86-seabios.map", NULL, false,
	  "fixtures/e820/x86-seabios.user.txt", NULL, NULL, NULL,
	  "fixtures/e820/x86-seabios.user.linux7.txt", "user" },
};

static char top[4096];

/* The repository top, from this file's path as the Makefile compiles it. */
static void find_top(void)
{
	const char *env = getenv("MEMCARVE_TOP");
	const char *self = __FILE__, *tail = strstr(self, "tests/unit/");

	if (env)
		snprintf(top, sizeof(top), "%s/", env);
	else
		snprintf(top, sizeof(top), "%.*s", (int)(tail - self), self);
}

static uint8_t *slurp(const char *rel, size_t *len)
{
	char path[4200];
	uint8_t *buf = malloc(1 << 20);
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", top, rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static struct mc_map *load(const struct golden *g)
{
	struct mc_map *map = mc_map_new();
	char path[4200];

	snprintf(path, sizeof(path), "%s%s", top, g->map);
	if (g->x86)
		mc_map_set_arch(map, MC_ARCH_X86_64);
	assert_int_equal(mc_map_load_file(map, path), 0);
	if (g->resv) {
		snprintf(path, sizeof(path), "%s%s", top, g->resv);
		assert_int_equal(mc_map_load_resv_file(map, path), 0);
	}
	assert_int_equal(mc_map_carve(map), 0);
	return map;
}

/* A name as Linux @version prints it back to its type. */
static uint32_t type_of_name(const char *name, uint32_t version)
{
	static const uint32_t known[] = { 1, 2, 3, 4, 5, 7, 12 };
	char buf[24];

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(name, mc_e820_type_name_linux(known[i], version, buf,
							  sizeof(buf))))
			return known[i];
	fail_msg("unknown type name '%s'", name);
	return 0;
}

/*
 * "BIOS-e820: [mem 0x...-0x...] usable" lines back to entries; with @gen7
 * the 7.0 form: "]  System RAM", and a "[gap 0x...-0x...]" line exactly
 * where an entry does not start at the end of the one before (or at 0).
 */
static size_t parse_text(const char *rel, const char *who, bool gen7,
			 struct mc_e820_entry *e)
{
	size_t len, n = 0;
	char *text = (char *)slurp(rel, &len), *line, *save;
	uint32_t version = gen7 ? MC_LINUX_VERSION(7, 0) : MC_LINUX_VERSION(6, 1);
	uint64_t gap_first = 0, gap_last = 0, prev_end = 0;
	bool gap = false;
	char gap_fmt[64], mem_fmt[64];

	who = who ? who : "BIOS-e820";
	snprintf(gap_fmt, sizeof(gap_fmt), "%s: [gap 0x%%" SCNx64 "-0x%%" SCNx64
		 "]%%n", who);
	snprintf(mem_fmt, sizeof(mem_fmt), "%s: [mem 0x%%" SCNx64 "-0x%%" SCNx64
		 "]%%n", who);

	text[len] = '\0';
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		uint64_t first, last;
		int used = 0;

		assert_true(n < MAX);
		if (gen7 && sscanf(line, gap_fmt, &first, &last, &used) == 2) {
			assert_int_equal(line[used], '\0');
			assert_false(gap);
			gap = true;
			gap_first = first;
			gap_last = last;
			continue;
		}
		assert_int_equal(sscanf(line, mem_fmt, &first, &last, &used), 2);
		/* one space before the name; 7.0 prints two */
		assert_int_equal(line[used++], ' ');
		if (gen7)
			assert_int_equal(line[used++], ' ');
		assert_int_not_equal(line[used], ' ');
		/* 7.0 prints a gap exactly where one is, never elsewhere */
		assert_int_equal(gen7 && first != prev_end, gap);
		if (gap)
			assert_true(gap_first == prev_end &&
				    gap_last == first - 1);
		gap = false;
		prev_end = last + 1;
		e[n++] = (struct mc_e820_entry){ first, last - first + 1,
						 type_of_name(line + used,
							      version) };
	}
	assert_false(gap);
	free(text);
	return n;
}

static uint32_t want_type(enum mc_kind kind)
{
	switch (kind) {
	case MC_RAM:
		return MC_E820_RAM;
	case MC_ACPI:
		return MC_E820_ACPI;
	case MC_NVS:
		return MC_E820_NVS;
	case MC_PMEM:
		return MC_E820_PMEM;
	default:
		return MC_E820_RESERVED;
	}
}

static uint64_t last_of(const struct mc_e820_entry *e)
{
	return e->addr + (e->size - 1);
}

/* The type of the entry holding @pos, 0 if none. */
static uint32_t type_at(const struct mc_e820_entry *e, size_t n, uint64_t pos)
{
	for (size_t i = 0; i < n; i++)
		if (e[i].addr <= pos && pos <= last_of(&e[i]))
			return e[i].type;
	return 0;
}

/* The piece holding @pos, or NULL. */
static const struct mc_piece *piece_at(const struct mc_piece *v, size_t n,
					uint64_t pos)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].first <= pos && pos <= v[i].last)
			return &v[i];
	return NULL;
}

/*
 * Both lists are runs of constant meaning; checking at every boundary of
 * either (and the byte before it) visits every run of each.
 */
static void check_point(const struct mc_map *map, const struct mc_e820_entry *e,
			size_t n, uint64_t pos)
{
	size_t n_v;
	const struct mc_piece *v = mc_map_result(map, &n_v);
	const struct mc_piece *p = piece_at(v, n_v, pos);
	uint32_t t = type_at(e, n, pos);

	if (p && p->kind == MC_MMIO) {
		if (t == MC_E820_RAM)
			fail_msg("mmio at 0x%" PRIx64 " is usable", pos);
		if (t && t != MC_E820_RESERVED)
			fail_msg("mmio at 0x%" PRIx64 " has type %u", pos, t);
		return;
	}
	if (p && t != want_type(p->kind))
		fail_msg("%s at 0x%" PRIx64 " has type %u", mc_kind_name(p->kind),
			 pos, t);
	if (!p && t)
		fail_msg("0x%" PRIx64 " is in no piece but has type %u", pos, t);
}

static void check_semantics(const struct mc_map *map,
			    const struct mc_e820_entry *e, size_t n)
{
	size_t n_v;
	const struct mc_piece *v = mc_map_result(map, &n_v);

	assert_true(n >= 2);
	for (size_t i = 0; i < n; i++) {
		assert_true(e[i].size > 0);
		if (i)
			assert_true(e[i].addr > last_of(&e[i - 1]));
		check_point(map, e, n, e[i].addr);
		check_point(map, e, n, last_of(&e[i]));
	}
	for (size_t i = 0; i < n_v; i++) {
		check_point(map, e, n, v[i].first);
		check_point(map, e, n, v[i].last);
	}
}

static size_t decode(int (*fn)(struct mc_map *, const void *, size_t),
		     const char *rel, struct mc_e820_entry *e)
{
	size_t len, n_in;
	uint8_t *blob = slurp(rel, &len);
	struct mc_map *map = mc_map_new();
	const struct mc_region *in;

	assert_int_equal(fn(map, blob, len), 0);
	in = mc_map_input(map, &n_in);
	for (size_t i = 0; i < n_in; i++)
		e[i] = (struct mc_e820_entry){ in[i].first,
					       in[i].last - in[i].first + 1,
					       want_type(in[i].kind) };
	mc_map_free(map);
	free(blob);
	return n_in;
}

static void assert_same(const struct mc_e820_entry *a, size_t na,
			const struct mc_e820_entry *b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(a[i].addr, b[i].addr);
		assert_int_equal(a[i].size, b[i].size);
		assert_int_equal(a[i].type, b[i].type);
	}
}

static void check_binaries(const struct golden *g,
			   const struct mc_e820_entry *text, size_t n)
{
	struct mc_e820_entry e[MAX];
	size_t k;

	if (g->table)
		assert_same(e, decode(mc_e820_raw_decode, g->table, e), text, n);
	if (!g->zeropage)
		return;
	k = decode(mc_e820_zeropage_decode, g->zeropage, e);
	assert_same(e, k, text, n < MC_E820_ZEROPAGE_MAX ? n :
					MC_E820_ZEROPAGE_MAX);
	assert_int_equal(!!g->setup_data, n > MC_E820_ZEROPAGE_MAX);
	if (g->setup_data)
		assert_same(e, decode(mc_e820_setup_data_decode, g->setup_data,
				      e),
			    text + MC_E820_ZEROPAGE_MAX,
			    n - MC_E820_ZEROPAGE_MAX);
}

static void every_golden_output_describes_its_carved_map(void **state)
{
	static struct mc_e820_entry text[MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mc_map *map = load(&cases[i]);
		size_t n;

		print_message("%s\n", cases[i].text);
		n = parse_text(cases[i].text, cases[i].who, false, text);
		check_semantics(map, text, n);
		check_binaries(&cases[i], text, n);
		if (cases[i].text7) {
			static struct mc_e820_entry text7[MAX];

			print_message("%s\n", cases[i].text7);
			assert_same(text7, parse_text(cases[i].text7,
						      cases[i].who, true, text7),
				    text, n);
		}
		mc_map_free(map);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_golden_output_describes_its_carved_map),
	};

	find_top();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
