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
#include "memcarve-acpi.h"
#include "memcarve-e820.h"
#include "memcarve-host.h"

struct golden {
	const char *map, *resv;
	enum mc_acpi_table table;
	const char *base;	/* fixtures/acpi/..., or NULL */
	const char *name;	/* fixtures/acpi/NAME.aml, .dsl, .hex */
};

static const struct golden cases[] = {
	{ "fixtures/acpi/x86-direct.map", NULL, MC_ACPI_DMAR, NULL, "x86-dmar" },
	{ "fixtures/acpi/x86-direct.map", NULL, MC_ACPI_IVRS, NULL, "x86-ivrs" },
	{ "fixtures/x86-rmrr.map", "fixtures/x86-rmrr.resv", MC_ACPI_DMAR, NULL,
	  "x86-rmrr-dmar" },
	{ "fixtures/acpi/arm64-rmr.map", NULL, MC_ACPI_IORT, NULL, "arm64-iort" },
	{ "fixtures/arm64-overlay.map", NULL, MC_ACPI_IORT, NULL,
	  "arm64-overlay-iort" },
	{ "fixtures/acpi/x86-direct.map", NULL, MC_ACPI_DMAR,
	  "fixtures/acpi/qemu-dmar.aml", "qemu-dmar.patched" },
	{ "fixtures/acpi/x86-direct.map", NULL, MC_ACPI_IVRS,
	  "fixtures/acpi/qemu-ivrs.aml", "qemu-ivrs.patched" },
	{ "fixtures/acpi/arm64-rmr.map", NULL, MC_ACPI_IORT,
	  "fixtures/acpi/qemu-iort.aml", "qemu-iort.patched" },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL;
	size_t cap = 0;

	if (!f)
		fail_msg("cannot open %s", path);
	*len = 0;
	for (;;) {
		size_t n;

		if (*len == cap) {
			cap = cap ? 2 * cap : 4096;
			p = realloc(p, cap + 1);
			assert_non_null(p);
		}
		n = fread(p + *len, 1, cap - *len, f);
		if (!n)
			break;
		*len += n;
	}
	fclose(f);
	p[*len] = 0;
	return p;
}

static char *path_of(char *buf, size_t len, const char *name, const char *ext)
{
	snprintf(buf, len, "fixtures/acpi/%s.%s", name, ext);
	return buf;
}

/* The map, and its resv file for the USB controller at 00:14.0. */
static struct mc_map *load(const struct golden *g)
{
	static const struct mc_pci_dev usb = { 0, 0, 0x14 << 3 };
	struct mc_map *map = mc_map_new();
	struct mc_resv_opts o;

	assert_non_null(map);
	mc_resv_opts_init(&o);
	o.devices = &usb;
	o.n_devices = 1;
	if (mc_map_load_file(map, g->map) ||
	    (g->resv && mc_map_load_resv_file_for(map, g->resv, &o)) ||
	    mc_map_carve(map))
		fail_msg("%s: %s", g->map, first_error(map));
	return map;
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

		if (in[i].kind != MC_RESERVED || (in[i].type != MC_RESV_DIRECT &&
						  in[i].type !=
							  MC_RESV_DIRECT_RELAXABLE))
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
	for (size_t i = 0; i < N_CASES; i++) {
		const struct golden *g = &cases[i];
		struct mc_map *map = load(g), *back = mc_map_new();
		uint8_t *gold, *base = NULL, *t = NULL;
		size_t glen, blen = 0, len;
		char path[256];

		gold = slurp(path_of(path, sizeof(path), g->name, "aml"), &glen);
		if (g->base)
			base = slurp(g->base, &blen);
		if (mc_acpi_build(map, g->table, NULL, base, blen, &t, &len))
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
		mc_acpi_free(t);
		mc_map_free(back);
		mc_map_free(map);
	}
}

/* iasl's text minus the lines that name its build, the file and the date. */
static char *normalized(const char *dsl)
{
	char *out = malloc(strlen(dsl) + 1), *o = out;

	assert_non_null(out);
	for (const char *l = dsl; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l + 1) : strlen(l);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)n, l);
		if (!strstr(line, "Disassembler version") &&
		    !strstr(line, "Copyright (c)") &&
		    !strstr(line, "Disassembly of")) {
			memcpy(o, l, n);
			o += n;
		}
		l += n;
	}
	*o = 0;
	return out;
}

static void iasl_reads_every_dmar_and_ivrs(void **state)
{
	char dir[] = "/tmp/memcarve-iasl-XXXXXX";

	(void)state;
	if (system("iasl -v >/dev/null 2>&1") != 0)
		fail_msg("iasl not found: install acpica-tools (scripts/deps)");
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < N_CASES; i++) {
		const struct golden *g = &cases[i];
		char cmd[1024], path[256], dsl_path[300];
		uint8_t *log, *dsl, *want;
		char *norm;
		size_t len;

		if (g->table == MC_ACPI_IORT)
			continue;
		snprintf(cmd, sizeof(cmd),
			 "cp fixtures/acpi/%s.aml %s/t.aml && cd %s && "
			 "iasl -d t.aml >log 2>&1",
			 g->name, dir, dir);
		if (system(cmd) != 0)
			fail_msg("iasl -d %s.aml failed", g->name);
		snprintf(dsl_path, sizeof(dsl_path), "%s/log", dir);
		log = slurp(dsl_path, &len);
		if (strstr((char *)log, "Warning") || strstr((char *)log, "Error"))
			fail_msg("iasl -d %s.aml complains:\n%s", g->name, log);
		snprintf(dsl_path, sizeof(dsl_path), "%s/t.dsl", dir);
		dsl = slurp(dsl_path, &len);
		if (strstr((char *)dsl, "****") ||
		    strstr((char *)dsl, "Incorrect") ||
		    strstr((char *)dsl, "Invalid") ||
		    strstr((char *)dsl, "Unknown"))
			fail_msg("iasl -d %s.aml flags the table:\n%s", g->name,
				 dsl);
		norm = normalized((char *)dsl);
		want = slurp(path_of(path, sizeof(path), g->name, "dsl"), &len);
		if (strcmp(norm, (char *)want) != 0)
			fail_msg("iasl -d %s.aml differs from %s", g->name, path);
		free(log);
		free(dsl);
		free(norm);
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
	for (size_t i = 0; i < N_CASES; i++) {
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
		{ "fixtures/x86-rmrr.map", "fixtures/x86-rmrr.resv", "" },
		{ "fixtures/acpi/boot-q35-dmar.map", NULL, "" },
		{ "fixtures/acpi/boot-q35-ivrs.map", NULL, "ivrs only" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		struct golden g = { maps[i][0], maps[i][1], MC_ACPI_DMAR, NULL,
				    NULL };
		struct mc_map *map = load(&g);
		struct mc_e820_entry e[256];
		size_t n;

		assert_int_equal(mc_e820_table(map, e, 256, &n), 0);
		for (enum mc_acpi_table t = *maps[i][2] ? MC_ACPI_IVRS :
							   MC_ACPI_DMAR;
		     t <= MC_ACPI_IVRS; t++) {
			struct mc_map *back = mc_map_new();
			const struct mc_region *r;
			size_t len, nr;
			uint8_t *b = NULL;

			assert_int_equal(mc_acpi_build(map, t, NULL, NULL, 0, &b,
						       &len),
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
			mc_acpi_free(b);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
