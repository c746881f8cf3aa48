// SPDX-License-Identifier: MIT
/*
 * test_scale.c - a million ranges carve correctly. (How fast is measured
 * by `make bench`, never here.)
 *
 * Four RAM blocks of 512 GiB, 1 TiB apart, and N ranges spread over them
 * one per 64 KiB slot, cycling through three kinds whose effect is known
 * exactly: a 4K MSI page (carved), an 8K direct range (overlaid) and a 1K
 * device page at +0x100 (carved, rounded out to 4K, 3K lost).
 */
#include "core_helpers.h"

#define N 1000000
#define BLOCKS 4
#define BLOCK_SIZE (512ull << 30)
#define BLOCK_STRIDE (1ull << 40)

static uint64_t range_base(size_t j)
{
	/* mid-slot, so no range touches a block's start or end */
	return (j % BLOCKS) * BLOCK_STRIDE + (j / BLOCKS) * 0x10000 + 0x8000;
}

static void build(struct mc_map *map, enum mc_policy policy)
{
	assert_int_equal(mc_map_set_policy(map, policy), 0);
	for (size_t b = 0; b < BLOCKS; b++) {
		struct mc_region r = { .kind = MC_RAM,
				       .first = b * BLOCK_STRIDE,
				       .last = b * BLOCK_STRIDE + BLOCK_SIZE - 1 };

		assert_int_equal(mc_map_add(map, &r), 0);
	}
	for (size_t j = 0; j < N; j++) {
		struct mc_region r = { 0 };
		uint64_t at = range_base(j);

		if (j % 3 == 0)
			r = (struct mc_region){ .kind = MC_RESERVED,
						.type = MC_RESV_MSI,
						.first = at, .last = at + 0xfff };
		else if (j % 3 == 1)
			r = (struct mc_region){ .kind = MC_RESERVED,
						.type = MC_RESV_DIRECT,
						.first = at, .last = at + 0x1fff };
		else
			r = (struct mc_region){ .kind = MC_MMIO,
						.first = at + 0x100,
						.last = at + 0x4ff };
		assert_int_equal(mc_map_add(map, &r), 0);
	}
}

/* Invariants every result keeps, whatever the map. */
static uint64_t check_result(const struct mc_map *map, size_t *described)
{
	const struct mc_piece *v;
	uint64_t backed = 0;
	size_t n;

	v = mc_map_result(map, &n);
	*described = 0;
	for (size_t i = 0; i < n; i++) {
		assert_true(v[i].first <= v[i].last);
		if (i)
			assert_true(v[i].first > v[i - 1].last);
		if (v[i].flags & MC_F_BACKED)
			backed += v[i].last - v[i].first + 1;
		*described += v[i].kind != MC_RAM;
	}
	return backed;
}

static void a_million_ranges_carve(void **state)
{
	const uint64_t carving = N - N / 3;	/* j % 3 == 0 or 2 */
	struct mc_map *map = mc_map_new();
	const struct mc_totals *t;
	const struct mc_slot *s;
	size_t described, ns;

	(void)state;
	build(map, MC_POLICY_CARVE);
	assert_int_equal(mc_map_carve(map), 0);
	t = mc_map_totals(map);
	assert_int_equal(t->ram_before, BLOCKS * BLOCK_SIZE);
	assert_int_equal(t->carved, carving * 0x1000);
	assert_int_equal(t->lost_to_rounding, (N / 3) * 0xc00);
	assert_int_equal(t->relocated, 0);
	assert_int_equal(t->ram_after, t->ram_before - t->carved);
	assert_int_equal(check_result(map, &described), t->ram_after);
	assert_int_equal(described, N);
	s = mc_map_slots(map, &ns);
	/* every carved range splits its block's slot once more */
	assert_int_equal(ns, BLOCKS + carving);
	assert_int_equal(s[ns - 1].offset + s[ns - 1].size, t->ram_after);
	mc_map_free(map);
}

static void a_million_ranges_relocate(void **state)
{
	struct mc_map *map = mc_map_new();
	const struct mc_totals *t;
	const struct mc_piece *v;
	size_t described, n;
	uint64_t per_block[BLOCKS] = { 0 };

	(void)state;
	build(map, MC_POLICY_RELOCATE);
	assert_int_equal(mc_map_carve(map), 0);
	t = mc_map_totals(map);
	assert_int_equal(t->relocated, t->carved);
	assert_int_equal(t->ram_after, t->ram_before);
	assert_int_equal(check_result(map, &described), t->ram_after);
	assert_int_equal(described, N);
	/* each block's loss comes back in one piece right above it */
	v = mc_map_result(map, &n);
	for (size_t i = 0; i < n; i++) {
		uint64_t b = v[i].first / BLOCK_STRIDE;

		if (!(v[i].flags & MC_F_RELOCATED))
			continue;
		assert_int_equal(v[i].first, b * BLOCK_STRIDE + BLOCK_SIZE);
		per_block[b] += v[i].last - v[i].first + 1;
	}
	for (size_t b = 0; b < BLOCKS; b++)
		assert_true(per_block[b] > 0);
	assert_int_equal(per_block[0] + per_block[1] + per_block[2] +
				 per_block[3],
			 t->carved);
	mc_map_free(map);
}

static void a_million_lines_parse(void **state)
{
	const size_t line_max = 64;
	char *text = malloc(N * line_max), *p = text;
	struct mc_map *map = mc_map_new();
	const struct mc_region *r;
	size_t n;

	(void)state;
	assert_non_null(text);
	for (size_t j = 0; j < N; j++)
		p += snprintf(p, line_max, "reserved 0x%llx 4K type=msi name=m%zu\n",
			      (unsigned long long)range_base(j), j % 1000);
	assert_int_equal(mc_map_load(map, "big.map", text, (size_t)(p - text)),
			 0);
	r = mc_map_input(map, &n);
	assert_int_equal(n, N);
	assert_int_equal(r[N - 1].first, range_base(N - 1));
	assert_int_equal(r[N - 1].line, N);
	assert_string_equal(r[N - 1].name, "m999");
	free(text);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_million_ranges_carve),
		cmocka_unit_test(a_million_ranges_relocate),
		cmocka_unit_test(a_million_lines_parse),
	};

	return cmocka_run_group_tests_name("scale", tests, NULL, NULL);
}
