// SPDX-License-Identifier: MIT
/*
 * test_acpi_golden.c - the golden ACPI tables (fixtures/golden/acpi.list)
 * checked by meaning, not only by bytes:
 *
 *  - each is what the library builds for its map (so the golden file and
 *    the library agree), and decodes back to the map's direct ranges;
 *  - iasl -d (acpica-tools, the reference disassembler) reads every DMAR
 *    and IVRS without a complaint, and its text equals the .dsl beside it
 *    (header lines that vary with the iasl build and date removed);
 *  - each IORT equals the .hex beside it (iasl cannot read RMR nodes);
 *  - patched tables keep every byte of QEMU's table;
 *  - every RMRR and IVMD range is reserved (type 2) in the e820 table the
 *    e820 emitter writes for the same map, as Linux requires of RMRRs.
 *
 * Runs from the top of the repository, as make unit does.
 */
#include <sys/stat.h>
#include <unistd.h>
#include "core_helpers.h"
#include "files.h"
#include "golden_list.h"
#include "iasl.h"
#include "memcarve-acpi.h"
#include "internal/byteorder.h"
#include "internal/region.h"
#include "acpi_table.h"
#include "memcarve-e820.h"
#include "memcarve-host.h"

#define LIST "fixtures/golden/acpi.list"
#define MAX_CASES 32

/* One "acpi --table" case of the list. */
struct golden {
	const char *map, *resv, *arch;
	enum mc_acpi_table table;
	const char *base;	/* --base, or NULL */
	char name[200];		/* fixtures/acpi/NAME.aml, .dsl, .hex */
};

/* The list's lines, kept: the cases point into them. */
static struct golden_line lines[MAX_CASES];
static struct golden cases[MAX_CASES];
static size_t n_cases;

/* One "acpi --rsdp ADDR -o @OUT@ MAP TABLE..." case. */
struct rsdp_case {
	const char *expected;
	uint64_t addr;
	const char *table[8];
	size_t n_table;
};

static struct rsdp_case rsdps[4];
static size_t n_rsdps;

static enum mc_acpi_table table_of(const char *v)
{
	if (strcmp(v, "dmar") == 0)
		return MC_ACPI_DMAR;
	if (strcmp(v, "ivrs") == 0)
		return MC_ACPI_IVRS;
	if (strcmp(v, "iort") != 0)
		fail_msg("no semantic check knows --table %s", v);
	return MC_ACPI_IORT;
}

/* fixtures/acpi/NAME.aml: the checks find NAME.dsl and NAME.hex beside. */
static void name_of(struct golden *c, const char *expected)
{
	const char *dot = strrchr(expected, '.');

	if (strncmp(expected, "fixtures/acpi/", 14) != 0 || !dot ||
	    strcmp(dot, ".aml") != 0)
		fail_msg("%s: a table case writes fixtures/acpi/NAME.aml",
			 expected);
	snprintf(c->name, sizeof(c->name), "%.*s", (int)(dot - expected - 14),
		 expected + 14);
}

/* One case's options; any option this test does not know fails it. */
static void parse_case(const struct golden_line *g)
{
	struct golden c = { 0 };
	struct rsdp_case r = { .expected = g->expected };

	for (size_t i = 1; i < g->n_arg; i++) {
		const char *w = g->arg[i];
		const char *next = i + 1 < g->n_arg ? g->arg[i + 1] : "";

		if (w[0] != '-') {
			/* --rsdp ADDR -o OUT MAP TABLE...: the map first */
			if (!c.map)
				c.map = w;
			else if (r.addr && r.n_table < 8)
				r.table[r.n_table++] = w;
			else
				fail_msg("%s: what is '%s'?", g->word[0], w);
		} else if (!next[0]) {
			fail_msg("%s: '%s' without a value", g->word[0], w);
		} else if (strcmp(w, "--table") == 0) {
			c.table = table_of(next), i++;
		} else if (strcmp(w, "--resv") == 0) {
			c.resv = next, i++;
		} else if (strcmp(w, "--arch") == 0) {
			c.arch = next, i++;
		} else if (strcmp(w, "--base") == 0) {
			c.base = next, i++;
		} else if (strcmp(w, "--rsdp") == 0) {
			r.addr = strtoull(next, NULL, 0), i++;
		} else if (strcmp(w, "-o") == 0) {
			i++;
		} else {
			fail_msg("%s: no semantic check knows '%s'", g->word[0],
				 w);
		}
	}
	if (r.addr) {
		assert_true(n_rsdps < sizeof(rsdps) / sizeof(rsdps[0]));
		rsdps[n_rsdps++] = r;
		return;
	}
	if (!c.map)
		fail_msg("%s: no map", g->word[0]);
	name_of(&c, g->expected);
	cases[n_cases++] = c;
}

/* Every acpi case of the list with an output, once. */
static void read_list(void)
{
	FILE *f;

	if (n_cases)
		return;
	f = fopen(LIST, "r");
	if (!f)
		fail_msg("cannot open %s", LIST);
	while (n_cases + n_rsdps < MAX_CASES &&
	       golden_next(f, &lines[n_cases + n_rsdps])) {
		const struct golden_line *g = &lines[n_cases + n_rsdps];

		if (golden_runs(g, "acpi"))
			parse_case(g);
	}
	assert_false(n_cases + n_rsdps == MAX_CASES);
	fclose(f);
	print_message("semantic checks on %zu golden acpi tables and %zu "
		      "RSDP blobs\n", n_cases, n_rsdps);
	assert_true(n_cases >= 8 && n_rsdps >= 1);
}

static char *path_of(char *buf, size_t len, const char *name, const char *ext)
{
	snprintf(buf, len, "fixtures/acpi/%s.%s", name, ext);
	return buf;
}

static struct mc_map *load(const struct golden *g)
{
	return golden_map(g->map, g->resv, g->arch);
}

/* The direct input ranges of @map, each found in @back with its devices. */
static void same_ranges(const struct mc_map *map, struct mc_map *back,
			const char *name)
{
	const struct mc_region *in, *d;
	size_t n_in, nd, want = 0;

	in = mc_map_input(map, &n_in);
	d = mc_map_input(back, &nd);
	for (size_t i = 0; i < n_in; i++) {
		bool found = false;

		if (!mc_is_direct(in[i].kind, in[i].type))
			continue;
		want++;
		for (size_t k = 0; k < nd && !found; k++)
			found = d[k].first == in[i].first &&
				d[k].last == in[i].last;
		if (!found)
			fail_msg("%s: range 0x%llx-0x%llx is not in the table",
				 name, (unsigned long long)in[i].first,
				 (unsigned long long)in[i].last);
	}
	for (size_t k = 0; k < nd; k++) {
		bool found = false;

		for (size_t i = 0; i < n_in && !found; i++)
			found = d[k].first == in[i].first &&
				d[k].last == in[i].last;
		if (!found)
			fail_msg("%s: the table has 0x%llx-0x%llx, the map does "
				 "not",
				 name, (unsigned long long)d[k].first,
				 (unsigned long long)d[k].last);
	}
	assert_true(want > 0);
}

static int decode(struct mc_map *m, enum mc_acpi_table t, const void *b,
		  size_t len)
{
	return t == MC_ACPI_DMAR ? mc_acpi_dmar_decode(m, b, len) :
	       t == MC_ACPI_IVRS ? mc_acpi_ivrs_decode(m, b, len) :
				   mc_acpi_iort_decode(m, b, len);
}

static void golden_tables_are_what_the_library_builds(void **state)
{
	(void)state;
	read_list();
	for (size_t i = 0; i < n_cases; i++) {
		const struct golden *g = &cases[i];
		struct mc_map *map = load(g), *back = mc_map_new();
		uint8_t *gold, *base = NULL, *t = NULL;
		size_t glen, blen = 0, len;
		char path[256];

		gold = slurp(path_of(path, sizeof(path), g->name, "aml"), &glen);
		if (g->base)
			base = slurp(g->base, &blen);
		if (acpi_table(map, g->table, NULL, base, blen, &t, &len))
			fail_msg("%s: %s", g->name, first_error(map));
		assert_int_equal(len, glen);
		assert_memory_equal(t, gold, len);
		assert_int_equal(decode(back, g->table, gold, glen), 0);
		same_ranges(map, back, g->name);
		if (base) {
			/* QEMU's bytes kept: header after the OEM revision,
			 * and (DMAR aside, which inserts) all it had. */
			assert_memory_equal(gold + 28, base + 28, 8);
			if (g->table != MC_ACPI_DMAR)
				assert_memory_equal(gold + 40, base + 40,
						    blen - 40);
		}
		free(gold);
		free(base);
		mc_free(t);
		mc_map_free(back);
		mc_map_free(map);
	}
}

static void iasl_reads_every_dmar_and_ivrs(void **state)
{
	char dir[] = "/tmp/memcarve-iasl-XXXXXX";

	(void)state;
	iasl_require();
	assert_non_null(mkdtemp(dir));
	read_list();
	for (size_t i = 0; i < n_cases; i++) {
		const struct golden *g = &cases[i];
		char path[256], aml[300];
		uint8_t *want;
		size_t len;

		if (g->table == MC_ACPI_IORT)
			continue;
		snprintf(aml, sizeof(aml), "fixtures/acpi/%s.aml", g->name);
		want = slurp(path_of(path, sizeof(path), g->name, "dsl"), &len);
		iasl_check(dir, aml, (char *)want, path);
		free(want);
	}
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		assert_int_equal(system(cmd), 0);
	}
}

static void iort_tables_equal_their_hex_dumps(void **state)
{
	(void)state;
	read_list();
	for (size_t i = 0; i < n_cases; i++) {
		const struct golden *g = &cases[i];
		char path[256], *hex, *o;
		uint8_t *aml, *want;
		size_t len, wlen;

		if (g->table != MC_ACPI_IORT)
			continue;
		aml = slurp(path_of(path, sizeof(path), g->name, "aml"), &len);
		hex = malloc(len / 16 * 60 + 64);
		assert_non_null(hex);
		o = hex;
		for (size_t k = 0; k < len; k++)
			o += sprintf(o, "%s%02x%s", k % 16 ? " " : "",
				     aml[k], k % 16 == 15 || k + 1 == len ? "\n" :
									  "");
		want = slurp(path_of(path, sizeof(path), g->name, "hex"), &wlen);
		if (strcmp(hex, (char *)want) != 0)
			fail_msg("%s.aml differs from %s", g->name, path);
		free(aml);
		free(hex);
		free(want);
	}
}

static void qemu_iort_has_no_rmr_and_keeps_its_nodes(void **state)
{
	size_t blen, plen;
	uint8_t *base = slurp("fixtures/acpi/qemu-iort.aml", &blen);
	uint8_t *p = slurp("fixtures/acpi/qemu-iort.patched.aml", &plen);
	struct mc_map *map = mc_map_new();
	size_t n;

	(void)state;
	assert_int_equal(mc_acpi_iort_decode(map, base, blen), 0);
	mc_map_input(map, &n);
	assert_int_equal(n, 0);			/* QEMU 7.2 writes no RMR */
	assert_int_equal(base[8], 3);		/* at revision 3 (E.b) */
	assert_int_equal(p[8], 5);		/* ours is E.d */
	assert_memory_equal(p + 48, base + 48, blen - 48);
	free(base);
	free(p);
	mc_map_free(map);
}

/* Bytes that sum to 0 mod 256, as every ACPI checksum makes them. */
static bool sums_to_zero(const uint8_t *p, size_t len)
{
	return acpi_byte_sum(p, len) == 0;
}

/*
 * An RSDP blob read as a guest's OS reads it (ACPI 6.5 5.2.5, 5.2.8): the
 * RSDP's two checksums, its XSDT pointer, the XSDT's checksum, and each
 * XSDT entry pointing inside the blob at the bytes of the table given, in
 * order; decoded, the blob is one acpi range at its address.
 */
static void check_rsdp(const struct rsdp_case *r)
{
	size_t len, n_in;
	uint8_t *b = slurp(r->expected, &len);
	uint64_t xsdt;
	uint32_t xlen;
	struct mc_map *map = mc_map_new();
	const struct mc_region *in;

	assert_true(len >= 36 && r->addr % 16 == 0);
	assert_memory_equal(b, "RSD PTR ", 8);
	assert_int_equal(b[15], 2);			/* revision */
	assert_true(sums_to_zero(b, 20));
	assert_int_equal(get_le32(b + 20), 36);		/* length */
	assert_true(sums_to_zero(b, 36));
	xsdt = get_le64(b + 24) - r->addr;
	assert_true(xsdt < len && len - xsdt >= 36);
	assert_memory_equal(b + xsdt, "XSDT", 4);
	xlen = get_le32(b + xsdt + 4);
	assert_true(xlen <= len - xsdt && sums_to_zero(b + xsdt, xlen));
	assert_int_equal((xlen - 36) / 8, r->n_table);
	for (size_t i = 0; i < r->n_table; i++) {
		uint64_t at = get_le64(b + xsdt + 36 + 8 * i) - r->addr;
		size_t tlen;
		uint8_t *t = slurp(r->table[i], &tlen);

		assert_true(at % 16 == 0 && at < len && tlen <= len - at);
		assert_memory_equal(b + at, t, tlen);
		free(t);
	}
	assert_int_equal(mc_acpi_rsdp_decode(map, b, len), 0);
	in = mc_map_input(map, &n_in);
	assert_true(n_in >= 1);
	assert_int_equal(in[0].kind, MC_ACPI);
	assert_int_equal(in[0].first, r->addr);
	assert_int_equal(in[0].last, r->addr + len - 1);
	mc_map_free(map);
	free(b);
}

static void rsdp_blobs_link_their_tables(void **state)
{
	(void)state;
	read_list();
	for (size_t i = 0; i < n_rsdps; i++)
		check_rsdp(&rsdps[i]);
}

/* Is [first, last] inside reserved (type 2) entries, without a gap? */
static bool reserved_in_e820(const struct mc_e820_entry *e, size_t n,
			     uint64_t first, uint64_t last)
{
	uint64_t at = first;

	for (size_t i = 0; i < n; i++) {
		uint64_t end = e[i].addr + (e[i].size - 1);

		if (e[i].type != MC_E820_RESERVED || end < at || e[i].addr > at)
			continue;
		if (end >= last)
			return true;
		at = end + 1;
	}
	return false;
}

static void rmrr_and_ivmd_ranges_are_e820_reserved(void **state)
{
	/* The IVRS boot map has a devices=all range: no RMRR can say it. */
	static const char *const maps[][3] = {
		{ "fixtures/acpi/x86-direct.map", NULL, "" },
		{ "fixtures/x86-rmrr.map", "fixtures/x86-rmrr.resv,devices=00:14.0",
		  "" },
		{ "fixtures/acpi/boot-q35-dmar.map", NULL, "" },
		{ "fixtures/acpi/boot-q35-ivrs.map", NULL, "ivrs only" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		struct golden g = { .map = maps[i][0], .resv = maps[i][1] };
		struct mc_map *map = load(&g);
		struct mc_e820_entry e[256];
		size_t n;

		n = 256;
		assert_int_equal(mc_e820_build(map, NULL, e, &n), 0);
		for (enum mc_acpi_table t = *maps[i][2] ? MC_ACPI_IVRS :
							   MC_ACPI_DMAR;
		     t <= MC_ACPI_IVRS; t++) {
			struct mc_map *back = mc_map_new();
			const struct mc_region *r;
			size_t len, nr;
			uint8_t *b = NULL;

			assert_int_equal(acpi_table(map, t, NULL, NULL, 0, &b, &len),
					 0);
			assert_int_equal(decode(back, t, b, len), 0);
			r = mc_map_input(back, &nr);
			assert_true(nr > 0);
			for (size_t k = 0; k < nr; k++)
				if (!reserved_in_e820(e, n, r[k].first,
						      r[k].last))
					fail_msg("%s: 0x%llx-0x%llx is not e820 "
						 "reserved",
						 maps[i][0],
						 (unsigned long long)r[k].first,
						 (unsigned long long)r[k].last);
			mc_free(b);
			mc_map_free(back);
		}
		mc_map_free(map);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_tables_are_what_the_library_builds),
		cmocka_unit_test(iasl_reads_every_dmar_and_ivrs),
		cmocka_unit_test(iort_tables_equal_their_hex_dumps),
		cmocka_unit_test(qemu_iort_has_no_rmr_and_keeps_its_nodes),
		cmocka_unit_test(rmrr_and_ivmd_ranges_are_e820_reserved),
		cmocka_unit_test(rsdp_blobs_link_their_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
