// SPDX-License-Identifier: MIT
/*
 * test_carve_order.c - the order of a map's lines does not change its carve.
 *
 * carve.c takes a short way for the usual map, disjoint ranges listed by
 * address (their events come out in order), and the general way (sort by
 * class, merge, merge the event runs) for anything else. The same ranges
 * listed backwards always take the general way, so each generated map is
 * carved both ways and the results must be the same piece for piece: same
 * extent, kind, type, flags and input range (every range has its own
 * name), same totals, same slots.
 */
#include "core_helpers.h"

#define MAPS		300
#define RANGES		120
#define RAM_BLOCKS	3
#define BLOCK		(64ull << 20)

struct gen {
	uint64_t state;
	struct mc_region r[RAM_BLOCKS + RANGES];
	char names[RAM_BLOCKS + RANGES][8];
	size_t n;
};

/* A fixed generator: the same maps on every run (MMIX's LCG). */
static uint64_t next(struct gen *g, uint64_t below)
{
	g->state = g->state * 6364136223846793005ull + 1442695040888963407ull;
	return (g->state >> 33) % below;
}

static const struct { enum mc_kind kind; enum mc_resv_type type; } kinds[] = {
	{ MC_RESERVED, MC_RESV_RESERVED }, { MC_RESERVED, MC_RESV_MSI },
	{ MC_RESERVED, MC_RESV_SW_MSI }, { MC_RESERVED, MC_RESV_DIRECT },
	{ MC_RESERVED, MC_RESV_DIRECT_RELAXABLE }, { MC_ACPI, 0 },
	{ MC_NVS, 0 }, { MC_MMIO, 0 }, { MC_PMEM, 0 },
};

static const enum mc_policy policies[] = {
	MC_POLICY_DEFAULT, MC_POLICY_CARVE, MC_POLICY_OVERLAY,
};

static void add(struct gen *g, enum mc_kind kind, enum mc_resv_type type,
		uint64_t first, uint64_t size, enum mc_policy pol)
{
	struct mc_region *r = &g->r[g->n];

	/* mmio and pmem have their own backing: never overlaid */
	if (kind == MC_MMIO || kind == MC_PMEM)
		pol = MC_POLICY_DEFAULT;
	snprintf(g->names[g->n], sizeof(g->names[0]), "r%zu", g->n);
	*r = (struct mc_region){ .kind = kind, .type = type, .first = first,
				 .last = first + size - 1, .policy = pol,
				 .name = g->names[g->n] };
	g->n++;
}

/*
 * RAM blocks with gaps between them, then ranges by address: sizes of a
 * byte to 64K at any offset (so some are widened to 4K granules), gaps of
 * none to 64K (so some share a granule or touch), and every @nest_every-th
 * range placed inside the one before it (another class over it).
 */
static void generate(struct gen *g, unsigned int seed, unsigned int nest_every)
{
	uint64_t at = BLOCK - (4ull << 20);	/* across the end of RAM */

	memset(g, 0, sizeof(*g));
	g->state = seed;
	for (int b = 0; b < RAM_BLOCKS; b++)
		add(g, MC_RAM, 0, (uint64_t)b * 2 * BLOCK, BLOCK,
		    MC_POLICY_DEFAULT);
	for (int i = 0; i < RANGES; i++) {
		unsigned int k = (unsigned int)next(g, sizeof(kinds) /
						    sizeof(kinds[0]));
		uint64_t size = 1 + next(g, 0x10000);
		enum mc_policy pol = policies[next(g, 3)];
		const struct mc_region *prev = &g->r[g->n - 1];

		if (nest_every && i % nest_every == 1 && prev->kind != MC_RAM &&
		    prev->last - prev->first >= 2) {
			/* of another class: within one, the first listed of
			 * two ranges that round to one start gives the merged
			 * range its attributes, by design */
			if (kinds[k].kind == prev->kind &&
			    kinds[k].type == prev->type)
				k = (k + 1) % (sizeof(kinds) / sizeof(kinds[0]));
			add(g, kinds[k].kind, kinds[k].type, prev->first + 1, 1,
			    pol);
			continue;
		}
		at += next(g, 0x10000);
		add(g, kinds[k].kind, kinds[k].type, at, size, pol);
		at += size;
	}
}

/* Every piece, naming its range: what must not depend on the order. */
static void describe(const struct mc_map *map, char *buf, size_t len)
{
	size_t n, n_in, n_slots, off = 0;
	const struct mc_piece *v = mc_map_result(map, &n);
	const struct mc_region *in = mc_map_input(map, &n_in);
	const struct mc_slot *sl = mc_map_slots(map, &n_slots);
	const struct mc_totals *t = mc_map_totals(map);

	off += (size_t)snprintf(buf + off, len - off, "%llx %llx %llx %llx\n",
				(unsigned long long)t->ram_after,
				(unsigned long long)t->carved,
				(unsigned long long)t->relocated,
				(unsigned long long)t->lost_to_rounding);
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off,
					"%llx-%llx %u/%u %x %s\n",
					(unsigned long long)v[i].first,
					(unsigned long long)v[i].last,
					v[i].kind, v[i].type, v[i].flags,
					in[v[i].origin].name);
	for (size_t i = 0; i < n_slots && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off,
					"slot %llx+%llx @%llx\n",
					(unsigned long long)sl[i].guest,
					(unsigned long long)sl[i].size,
					(unsigned long long)sl[i].offset);
	assert_true(off < len);
}

/* Fail naming the first line where the two carves differ. */
static void differ(unsigned int seed, const char *fwd, const char *bwd)
{
	size_t at = 0, line = 0;

	while (fwd[at] == bwd[at])
		line += fwd[at++] == '\n';
	while (at && fwd[at - 1] != '\n')
		at--;
	fail_msg("seed %u, line %zu: by address \"%.60s\", backwards "
		 "\"%.60s\"", seed, line + 1, fwd + at, bwd + at);
}

/* @g's ranges added first to last, or last to first; then carved. */
static int carve_listed(const struct gen *g, bool backwards,
			struct mc_map **out)
{
	struct mc_map *map = mc_map_new();

	assert_non_null(map);
	for (size_t i = 0; i < g->n; i++)
		if (mc_map_add(map, &g->r[backwards ? g->n - 1 - i : i]))
			fail_msg("%s", first_error(map));
	*out = map;
	return mc_map_carve(map);
}

static void same_both_ways(unsigned int nest_every)
{
	static struct gen g;
	static char fwd[64 * 1024], bwd[64 * 1024];

	for (unsigned int seed = 1; seed <= MAPS; seed++) {
		struct mc_map *a, *b;
		int ea, eb;

		generate(&g, seed, nest_every);
		ea = carve_listed(&g, false, &a);
		eb = carve_listed(&g, true, &b);
		assert_int_equal(ea, eb);
		if (!ea) {
			describe(a, fwd, sizeof(fwd));
			describe(b, bwd, sizeof(bwd));
			if (strcmp(fwd, bwd) != 0)
				differ(seed, fwd, bwd);
		}
		mc_map_free(a);
		mc_map_free(b);
	}
}

/* Disjoint ranges by address: the short way, against the general one. */
static void test_disjoint_by_address(void **state)
{
	(void)state;
	same_both_ways(0);
}

/* One range in three over its predecessor: the short way gives up. */
static void test_nested(void **state)
{
	(void)state;
	same_both_ways(3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disjoint_by_address),
		cmocka_unit_test(test_nested),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
