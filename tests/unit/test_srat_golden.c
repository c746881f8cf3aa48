// SPDX-License-Identifier: MIT
/*
 * test_srat_golden.c - the golden SRATs (fixtures/golden/srat.list)
 * checked by meaning, not only by bytes:
 *
 *  - each is what the library builds for its map, so the golden file and
 *    the library agree;
 *  - read back by our decoder, its RAM is exactly the map's slots, each
 *    structure within one node's slots (so all RAM is covered, as Linux
 *    requires), its pmem the map's pmem pieces and its hotplug windows
 *    the map's, each with its node;
 *  - a patched table keeps QEMU's other structures byte for byte, in
 *    order, and its header but the OEM revision (one higher) and length;
 *  - iasl -d (acpica-tools, the reference disassembler) reads each one
 *    without a complaint, and its text equals the .dsl beside it.
 *
 * Runs from the top of the repository, as make unit does.
 */
#include <unistd.h>
#include "core_helpers.h"
#include "files.h"
#include "golden_list.h"
#include "iasl.h"
#include "memcarve-acpi.h"

#define LIST "fixtures/golden/srat.list"
#define MAX_CASES 8

struct golden {
	const char *map, *arch, *base;
	char name[200];		/* fixtures/srat/NAME.aml and NAME.dsl */
};

static struct golden_line lines[MAX_CASES];
static struct golden cases[MAX_CASES];
static size_t n_cases;

static void parse_case(const struct golden_line *g, struct golden *c)
{
	const char *dot = strrchr(g->expected, '.');
	bool srat = false;

	for (size_t i = 1; i < g->n_arg; i++) {
		const char *w = g->arg[i];
		const char *next = i + 1 < g->n_arg ? g->arg[i + 1] : "";

		if (w[0] != '-' && !c->map)
			c->map = w;
		else if (strcmp(w, "--table") == 0 && !strcmp(next, "srat"))
			srat = true, i++;
		else if (strcmp(w, "--base") == 0 && next[0])
			c->base = next, i++;
		else if (strcmp(w, "--arch") == 0 && next[0])
			c->arch = next, i++;
		else if (strcmp(w, "-o") == 0)
			i++;
		else
			fail_msg("%s: no semantic check knows '%s'", g->word[0],
				 w);
	}
	if (!srat || strncmp(g->expected, "fixtures/srat/", 14) != 0 || !dot ||
	    strcmp(dot, ".aml") != 0)
		fail_msg("%s: an SRAT case writes fixtures/srat/NAME.aml",
			 g->word[0]);
	snprintf(c->name, sizeof(c->name), "%.*s",
		 (int)(dot - g->expected - 14), g->expected + 14);
}

static void read_list(void)
{
	FILE *f = fopen(LIST, "r");

	if (!f)
		fail_msg("cannot open %s", LIST);
	n_cases = 0;
	while (n_cases < MAX_CASES && golden_next(f, &lines[n_cases])) {
		if (!golden_runs(&lines[n_cases], "acpi"))
			continue;
		memset(&cases[n_cases], 0, sizeof(cases[0]));
		parse_case(&lines[n_cases], &cases[n_cases]);
		n_cases++;
	}
	fclose(f);
	assert_true(n_cases >= 2);
}

static uint8_t *aml_of(const struct golden *g, const char *ext, size_t *len)
{
	char path[256];

	snprintf(path, sizeof(path), "fixtures/srat/%s.%s", g->name, ext);
	return slurp(path, len);
}

static uint8_t *build(struct mc_map *map, const struct golden *g,
		      size_t *len)
{
	struct mc_acpi_opts o;
	uint8_t *base = NULL;
	size_t blen = 0;
	void *t;

	mc_acpi_opts_init(&o);
	if (g->base) {
		base = slurp(g->base, &blen);
		o.base = base;
		o.base_len = blen;
	}
	if (mc_acpi_build_alloc(map, MC_ACPI_SRAT, &o, &t, len))
		fail_msg("%s: %s", g->name, first_error(map));
	free(base);
	return t;
}

static void golden_tables_are_what_the_library_builds(void **state)
{
	(void)state;
	read_list();
	for (size_t i = 0; i < n_cases; i++) {
		struct mc_map *map = golden_map(cases[i].map, NULL,
						cases[i].arch);
		size_t len, glen;
		uint8_t *t = build(map, &cases[i], &len);
		uint8_t *gold = aml_of(&cases[i], "aml", &glen);

		assert_int_equal(len, glen);
		assert_memory_equal(t, gold, len);
		mc_free(t);
		free(gold);
		mc_map_free(map);
	}
}

/* The map's bytes of node @node that slots hold inside [@first, @last]. */
static uint64_t slot_bytes(const struct mc_map *map, uint32_t node,
			   uint64_t first, uint64_t last)
{
	size_t n;
	const struct mc_slot *s = mc_map_slots(map, &n);
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i].node == node && s[i].guest >= first &&
		    s[i].guest + (s[i].size - 1) <= last)
			sum += s[i].size;
	return sum;
}

/* Is [@first, @last] of node @node exactly pieces of @kind, joined? */
static bool pieces_are(const struct mc_map *map, enum mc_kind kind,
		       uint32_t node, uint64_t first, uint64_t last)
{
	size_t np, ni;
	const struct mc_piece *p = mc_map_result(map, &np);
	const struct mc_region *in = mc_map_input(map, &ni);
	uint64_t at = first;

	for (size_t i = 0; i < np; i++) {
		if (p[i].last < first || p[i].first > last)
			continue;
		if (p[i].kind != kind || in[p[i].origin].node != node ||
		    p[i].first != at)
			return false;
		if (p[i].last == last)
			return true;
		at = p[i].last + 1;
	}
	return false;
}

static void decoded_tables_are_the_maps_nodes(void **state)
{
	(void)state;
	read_list();
	for (size_t i = 0; i < n_cases; i++) {
		struct mc_map *map = golden_map(cases[i].map, NULL,
						cases[i].arch);
		struct mc_map *back = mc_map_new();
		size_t len, n;
		uint8_t *t = aml_of(&cases[i], "aml", &len);
		const struct mc_region *r;
		uint64_t ram = 0;

		assert_int_equal(mc_acpi_srat_decode(back, t, len), 0);
		r = mc_map_input(back, &n);
		for (size_t k = 0; k < n; k++) {
			uint64_t size = r[k].last - r[k].first + 1;

			assert_true(r[k].flags & MC_F_NODE);
			if (r[k].kind == MC_RAM) {
				if (slot_bytes(map, r[k].node, r[k].first,
					       r[k].last) != size)
					fail_msg("%s: ram 0x%llx is not node "
						 "%u's slots", cases[i].name,
						 (unsigned long long)r[k].first,
						 r[k].node);
				ram += size;
			} else if (!pieces_are(map, (enum mc_kind)r[k].kind,
					       r[k].node, r[k].first,
					       r[k].last)) {
				fail_msg("%s: %s 0x%llx is not the map's",
					 cases[i].name,
					 mc_kind_name((enum mc_kind)r[k].kind),
					 (unsigned long long)r[k].first);
			}
		}
		/* Every slot is in one structure: all RAM is covered. */
		assert_int_equal(ram, mc_map_totals(map)->ram_after);
		free(t);
		mc_map_free(back);
		mc_map_free(map);
	}
}

/* The structures of @t other than memory affinity, one after the other. */
static size_t others(const uint8_t *t, size_t len, uint8_t *out)
{
	size_t n = 0;

	for (size_t at = 48; at + 2 <= len && t[at + 1] >= 2; at += t[at + 1])
		if (t[at] != 1) {
			memcpy(out + n, t + at, t[at + 1]);
			n += t[at + 1];
		}
	return n;
}

static void patched_tables_keep_the_base(void **state)
{
	(void)state;
	read_list();
	for (size_t i = 0; i < n_cases; i++) {
		size_t len, blen, n, bn;
		uint8_t *t, *base, *a, *b;

		if (!cases[i].base)
			continue;
		t = aml_of(&cases[i], "aml", &len);
		base = slurp(cases[i].base, &blen);
		a = malloc(len);
		b = malloc(blen);
		assert_true(a && b);
		n = others(t, len, a);
		bn = others(base, blen, b);
		assert_true(bn > 0);
		assert_int_equal(n, bn);
		assert_memory_equal(a, b, n);
		assert_memory_equal(t, base, 4);		/* signature */
		assert_int_equal(t[8], base[8]);		/* revision */
		assert_memory_equal(t + 10, base + 10, 14);	/* OEM IDs */
		assert_int_equal(t[24], base[24] + 1);		/* OEM revision */
		assert_memory_equal(t + 28, base + 28, 20);
		free(a);
		free(b);
		free(t);
		free(base);
	}
}

static void iasl_reads_every_srat(void **state)
{
	char dir[] = "/tmp/memcarve-iasl-srat-XXXXXX", aml[300], dsl[300];
	char cmd[128];

	(void)state;
	iasl_require();
	assert_non_null(mkdtemp(dir));
	read_list();
	for (size_t i = 0; i < n_cases; i++) {
		uint8_t *want;
		size_t len;

		snprintf(aml, sizeof(aml), "fixtures/srat/%s.aml",
			 cases[i].name);
		snprintf(dsl, sizeof(dsl), "fixtures/srat/%s.dsl",
			 cases[i].name);
		want = aml_of(&cases[i], "dsl", &len);
		iasl_check(dir, aml, (char *)want, dsl);
		free(want);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_tables_are_what_the_library_builds),
		cmocka_unit_test(decoded_tables_are_the_maps_nodes),
		cmocka_unit_test(patched_tables_keep_the_base),
		cmocka_unit_test(iasl_reads_every_srat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
