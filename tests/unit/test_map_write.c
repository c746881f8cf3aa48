// SPDX-License-Identifier: MIT
/*
 * test_map_write.c - mc_map_write() is the parser's inverse: the input it
 * writes loads back into the same settings and regions, and the result it
 * writes carves back into the same pieces and slots, on every map under
 * fixtures/ and on random maps; the buffer forms keep the convention.
 */
#define _XOPEN_SOURCE 700	/* ftw() */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "memcarve.h"

#define RANDOM_MAPS 2000

static const char *first_error(const struct mc_map *map)
{
	const struct mc_error *e = mc_map_error(map, 0);

	return e ? e->msg : "";
}

/* The text @map writes for @what; fails the test on any error. */
static char *written(struct mc_map *map, enum mc_map_part what)
{
	char *text;
	size_t len;

	if (mc_map_write_alloc(map, what, &text, &len))
		fail_msg("mc_map_write: %s", first_error(map));
	assert_int_equal(strlen(text) + 1, len);
	return text;
}

static struct mc_map *loaded(const char *text)
{
	struct mc_map *map = mc_map_new();

	assert_non_null(map);
	if (mc_map_load(map, "written.map", text, strlen(text)))
		fail_msg("written text does not load: %s\n%s",
			 first_error(map), text);
	return map;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Everything a region says but where it came from. */
static void assert_same_attrs(const struct mc_region *a,
			      const struct mc_region *b, unsigned int flags)
{
	assert_int_equal(a->first, b->first);
	assert_int_equal(a->last, b->last);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->flags & flags, b->flags & flags);
	assert_int_equal(a->access, b->access);
	if (!same_str(a->name, b->name))
		fail_msg("name %s, read back %s", a->name ? a->name : "(none)",
			 b->name ? b->name : "(none)");
	assert_int_equal(a->n_devices, b->n_devices);
	if (a->n_devices)
		assert_memory_equal(a->devices, b->devices,
				    a->n_devices * sizeof(*a->devices));
	assert_int_equal(a->n_sids, b->n_sids);
	if (a->n_sids)
		assert_memory_equal(a->sids, b->sids,
				    a->n_sids * sizeof(*a->sids));
}

/* Two result pieces alike, and the attributes of their input regions. */
static void assert_same_piece(const struct mc_map *ma,
			      const struct mc_piece *a,
			      const struct mc_map *mb,
			      const struct mc_piece *b, unsigned int flags)
{
	size_t na, nb;
	const struct mc_region *ia = &mc_map_input(ma, &na)[a->origin];
	const struct mc_region *ib = &mc_map_input(mb, &nb)[b->origin];

	assert_int_equal(a->first, b->first);
	assert_int_equal(a->last, b->last);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->flags & flags, b->flags & flags);
	assert_int_equal(ia->access, ib->access);
	if (!same_str(ia->name, ib->name))
		fail_msg("name %s, read back %s",
			 ia->name ? ia->name : "(none)",
			 ib->name ? ib->name : "(none)");
	assert_int_equal(ia->n_devices, ib->n_devices);
	if (ia->n_devices)
		assert_memory_equal(ia->devices, ib->devices,
				    ia->n_devices * sizeof(*ia->devices));
	assert_int_equal(ia->n_sids, ib->n_sids);
	if (ia->n_sids)
		assert_memory_equal(ia->sids, ib->sids,
				    ia->n_sids * sizeof(*ia->sids));
}

/* parse(write(input)) == input: settings, regions, order. */
static void check_input_round_trip(struct mc_map *map)
{
	char *text = written(map, MC_MAP_INPUT);
	struct mc_map *back = loaded(text);
	size_t n, m;
	const struct mc_region *a = mc_map_input(map, &n);
	const struct mc_region *b = mc_map_input(back, &m);

	assert_int_equal(mc_map_arch(map), mc_map_arch(back));
	assert_int_equal(mc_map_policy(map), mc_map_policy(back));
	assert_int_equal(mc_map_granule(map), mc_map_granule(back));
	assert_int_equal(n, m);
	for (size_t i = 0; i < n; i++) {
		assert_same_attrs(&a[i], &b[i], ~0u);
		assert_int_equal(a[i].policy, b[i].policy);
		assert_int_equal(a[i].align, b[i].align);
	}
	mc_map_free(back);
	mc_free(text);
}

/* carve(parse(write(result))) == result, but for what the first carve did. */
static void check_result_round_trip(struct mc_map *map)
{
	char *text = written(map, MC_MAP_RESULT);
	struct mc_map *back = loaded(text);
	size_t n, m;
	const struct mc_piece *a, *b;
	const struct mc_slot *sa, *sb;

	if (mc_map_carve(back))
		fail_msg("written result does not carve: %s\n%s",
			 first_error(back), text);
	a = mc_map_result(map, &n);
	b = mc_map_result(back, &m);
	assert_int_equal(n, m);
	for (size_t i = 0; i < n; i++)
		assert_same_piece(map, &a[i], back, &b[i],
				  ~(unsigned int)(MC_F_CARVED | MC_F_RELOCATED));
	sa = mc_map_slots(map, &n);
	sb = mc_map_slots(back, &m);
	assert_int_equal(n, m);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(sa[i].slot, sb[i].slot);
		assert_int_equal(sa[i].guest, sb[i].guest);
		assert_int_equal(sa[i].size, sb[i].size);
		assert_int_equal(sa[i].offset, sb[i].offset);
	}
	assert_int_equal(mc_map_totals(map)->ram_after,
			 mc_map_totals(back)->ram_after);
	mc_map_free(back);
	mc_free(text);
}

static size_t n_loaded, n_carved;

/* Every map under fixtures/ that loads round-trips; those that carve too. */
static int each_fixture(const char *path, const struct stat *st, int flag)
{
	size_t len = strlen(path);
	struct mc_map *map;

	(void)st;
	if (flag != FTW_F || len < 4 || strcmp(path + len - 4, ".map"))
		return 0;
	map = mc_map_new();
	assert_non_null(map);
	if (mc_map_load_file(map, path) == 0) {
		n_loaded++;
		check_input_round_trip(map);
		if (mc_map_carve(map) == 0) {
			n_carved++;
			check_result_round_trip(map);
		}
	}
	mc_map_free(map);
	return 0;
}

static void every_fixture_map_round_trips(void **state)
{
	(void)state;
	assert_int_equal(ftw("fixtures", each_fixture, 16), 0);
	print_message("%zu fixture maps loaded, %zu carved\n", n_loaded,
		      n_carved);
	assert_true(n_loaded >= 30);
	assert_true(n_carved >= 20);
}

/* xorshift64: the same maps on every run. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t below(uint64_t *s, uint64_t n)
{
	return n ? next(s) % n : 0;
}

static void random_name(uint64_t *s, char *name)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,._+-";
	size_t len = 1 + below(s, 31);

	for (size_t i = 0; i < len; i++)
		name[i] = alpha[below(s, sizeof(alpha) - 1)];
	name[len] = '\0';
}

/* What a direct range may carry: devices, sids and the IORT flags. */
static void random_direct(uint64_t *s, struct mc_region *r,
			  struct mc_pci_dev *dev, uint32_t *sids)
{
	r->n_devices = below(s, 4);
	for (size_t i = 0; i < r->n_devices; i++)
		dev[i] = (struct mc_pci_dev){ (uint16_t)below(s, 0x10000),
					      (uint8_t)next(s),
					      (uint8_t)next(s) };
	r->devices = dev;
	r->n_sids = below(s, 4);
	for (size_t i = 0; i < r->n_sids; i++)
		sids[i] = (uint32_t)next(s);
	r->sids = sids;
	r->flags |= below(s, 2) ? MC_F_READONLY : 0;
	r->flags |= below(s, 2) ? MC_F_PRIVILEGED : 0;
	if (below(s, 2)) {
		r->flags |= MC_F_ACCESS;
		r->access = (unsigned int)below(s, 256);
	}
}

static void random_attrs(uint64_t *s, struct mc_region *r, char *name,
			 struct mc_pci_dev *dev, uint32_t *sids)
{
	static const enum mc_policy pol[] = {
		MC_POLICY_DEFAULT, MC_POLICY_ABORT, MC_POLICY_OVERLAY,
		MC_POLICY_CARVE, MC_POLICY_RELOCATE,
	};

	if (below(s, 2)) {
		random_name(s, name);
		r->name = name;
	}
	if (r->kind == MC_RESERVED) {
		r->type = (enum mc_resv_type)below(s, 5);
		r->flags |= below(s, 3) ? 0 : MC_F_REUSABLE;
	}
	if (r->kind == MC_RESERVED && (r->type == MC_RESV_DIRECT ||
				       r->type == MC_RESV_DIRECT_RELAXABLE))
		random_direct(s, r, dev, sids);
	if (r->kind != MC_RAM)
		r->policy = pol[below(s, 5)];
	if ((r->kind == MC_MMIO || r->kind == MC_PMEM) &&
	    r->policy == MC_POLICY_OVERLAY)
		r->policy = MC_POLICY_CARVE;
}

/* A range in 16 GiB, 4K-aligned mostly, sometimes odd or at the top. */
static void random_range(uint64_t *s, struct mc_region *r)
{
	uint64_t size = (1 + below(s, 0x4000)) << 12;

	r->first = below(s, 0x400000) << 12;
	if (below(s, 8) == 0)
		r->first += below(s, 0x1000);
	if (below(s, 50) == 0)
		r->first = UINT64_MAX - size + 1;
	r->last = r->first + (size - 1);
	if (below(s, 4) == 0 && r->first)
		r->align = r->first & -r->first;	/* its lowest bit */
}

/* RAM in disjoint blocks, then other ranges anywhere. */
static struct mc_map *random_map(uint64_t *s)
{
	struct mc_map *map = mc_map_new();
	size_t n_ram = 1 + below(s, 4), n = n_ram + below(s, 12);
	uint64_t at = 0;

	assert_non_null(map);
	if (below(s, 2))
		mc_map_set_arch(map, (enum mc_arch)(1 + below(s, 4)));
	if (below(s, 3) == 0)
		mc_map_set_policy(map, (enum mc_policy)(1 + below(s, 4)));
	if (below(s, 4) == 0)
		mc_map_set_granule(map, (uint64_t)4096 << below(s, 4));
	for (size_t i = 0; i < n; i++) {
		struct mc_region r = { .kind = MC_RAM };
		struct mc_pci_dev dev[4];
		uint32_t sids[4];
		char name[32];

		if (i < n_ram) {
			r.first = at + (below(s, 4) << 28);
			r.last = r.first + (((1 + below(s, 16)) << 26) - 1);
			at = r.last + 1 + (below(s, 2) << 26);
		} else {
			r.kind = (enum mc_kind)(1 + below(s, 5));
			random_range(s, &r);
			random_attrs(s, &r, name, dev, sids);
		}
		if (mc_map_add(map, &r))
			fail_msg("random region refused: %s", first_error(map));
	}
	return map;
}

static void random_maps_round_trip(void **state)
{
	uint64_t seed = 0x6d656d6361727665ull;
	size_t n_carved_random = 0;

	(void)state;
	for (int i = 0; i < RANDOM_MAPS; i++) {
		struct mc_map *map = random_map(&seed);

		check_input_round_trip(map);
		if (mc_map_carve(map) == 0) {
			n_carved_random++;
			check_result_round_trip(map);
		}
		mc_map_free(map);
	}
	print_message("%d random maps, %zu carved\n", RANDOM_MAPS,
		      n_carved_random);
	assert_true(n_carved_random >= RANDOM_MAPS / 4);
}

static struct mc_map *carved(const char *text)
{
	struct mc_map *map = loaded(text);

	if (mc_map_carve(map))
		fail_msg("carve: %s", first_error(map));
	return map;
}

/* What a reader of the file sees: one statement per region, in order. */
static void input_reads_as_a_map_file(void **state)
{
	struct mc_map *map = loaded(
		"arch x86_64\ngranule 64K\nram 0 1G\n"
		"reserved 0x8000000 1M type=direct name=rmrr "
		"devices=0:00:02.0,1:02:1f.7 sids=7 readonly access=normal-wb\n"
		"mmio 0xfe000000 16M policy=abort align=16M\n");
	char *text = written(map, MC_MAP_INPUT);

	(void)state;
	assert_string_equal(text,
		"arch x86_64\n"
		"granule 0x10000\n"
		"ram       0x0                0x40000000  \n"
		"reserved  0x8000000          0x100000     type=direct name=rmrr"
		" readonly access=5 devices=0000:00:02.0,0001:02:1f.7 sids=0x7\n"
		"mmio      0xfe000000         0x1000000    policy=abort"
		" align=0x1000000\n");
	mc_free(text);
	mc_map_free(map);
}

/* An overlaid range keeps RAM under it; a carved one stands alone. */
static void result_writes_backing_and_holes(void **state)
{
	struct mc_map *map = carved(
		"arch x86_64\nram 0 1G name=low\n"
		"reserved 0x8000000 1M name=fw policy=overlay\n"
		"reserved 0x9000000 1M type=msi\n");
	char *text = written(map, MC_MAP_RESULT);

	(void)state;
	assert_string_equal(text,
		"arch x86_64\n"
		"ram       0x0                0x9000000    name=low\n"
		"reserved  0x8000000          0x100000     name=fw"
		" policy=overlay\n"
		"reserved  0x9000000          0x100000     type=msi\n"
		"ram       0x9100000          0x36f00000   name=low\n");
	mc_free(text);
	mc_map_free(map);
}

/*
 * An overlay across the boundary of two RAM ranges hides it: the RAM is
 * cut where the input range before the overlay ended (a NUMA map's node
 * boundary must stay exact), and each range keeps its name and pieces.
 */
static void an_overlay_may_hide_a_ram_boundary(void **state)
{
	struct mc_map *map = carved(
		"arch x86_64\nram 0 1G name=a\nram 1G 1G name=b\n"
		"reserved 0x3ff00400 0x1ffc00 name=ov policy=overlay\n");
	char *text = written(map, MC_MAP_RESULT);

	(void)state;
	assert_string_equal(text,
		"arch x86_64\n"
		"ram       0x0                0x40000000   name=a\n"
		"ram       0x40000000         0x40000000   name=b\n"
		"reserved  0x3ff00400         0x1ffc00     name=ov"
		" policy=overlay\n");
	check_result_round_trip(map);
	mc_free(text);
	mc_map_free(map);
}

/* *size in = room, out = needed; MC_ENOSPC writes nothing. */
static void caller_buffer_convention(void **state)
{
	struct mc_map *map = loaded("ram 0 1G\nreserved 0x1000 4K\n");
	char buf[256], *text = written(map, MC_MAP_INPUT);
	size_t need = strlen(text) + 1, size = 0;

	(void)state;
	assert_int_equal(mc_map_write(map, MC_MAP_INPUT, NULL, &size),
			 MC_ENOSPC);
	assert_int_equal(size, need);
	memset(buf, 'x', sizeof(buf));
	size = need - 1;
	assert_int_equal(mc_map_write(map, MC_MAP_INPUT, buf, &size),
			 MC_ENOSPC);
	assert_int_equal(size, need);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 'x');
	assert_int_equal(mc_map_error_count(map), 0);
	size = need;
	assert_int_equal(mc_map_write(map, MC_MAP_INPUT, buf, &size), 0);
	assert_int_equal(size, need);
	assert_string_equal(buf, text);
	mc_free(text);
	mc_map_free(map);
}

static void refusals_leave_a_diagnostic(void **state)
{
	struct mc_map *map = loaded("ram 0 1G\n");
	char *text = (char *)1;
	size_t size = 7;

	(void)state;
	assert_int_equal(mc_map_write_alloc(map, MC_MAP_RESULT, &text, &size),
			 MC_ESTATE);
	assert_null(text);
	assert_int_equal(size, 0);
	assert_int_equal(mc_map_error_count(map), 1);
	assert_int_equal(mc_map_write_alloc(map, (enum mc_map_part)7, &text,
					    &size), MC_EINVAL);
	mc_map_free(map);
}

/* No map-file size says 2^64: such a range is refused, not misspelt. */
static void all_of_the_space_is_refused(void **state)
{
	struct mc_map *map = mc_map_new();
	struct mc_region r = { .first = 0, .last = UINT64_MAX,
			       .kind = MC_RESERVED };
	char *text;
	size_t size;

	(void)state;
	assert_int_equal(mc_map_add(map, &r), 0);
	assert_int_equal(mc_map_write_alloc(map, MC_MAP_INPUT, &text, &size),
			 MC_ERANGE);
	assert_int_equal(mc_map_carve(map), 0);
	assert_int_equal(mc_map_write_alloc(map, MC_MAP_RESULT, &text, &size),
			 MC_ERANGE);
	assert_non_null(strstr(first_error(map), "all 2^64 bytes"));
	mc_map_free(map);
}

/* A statement the parser could not read in one line is refused. */
static void a_line_too_long_is_refused(void **state)
{
	struct mc_map *map = mc_map_new();
	static struct mc_pci_dev dev[400];
	struct mc_region r = { .first = 0x1000, .last = 0x1fff,
			       .kind = MC_RESERVED, .type = MC_RESV_DIRECT,
			       .devices = dev, .n_devices = 400 };
	char *text;
	size_t size;

	(void)state;
	assert_int_equal(mc_map_add(map, &r), 0);
	assert_int_equal(mc_map_write_alloc(map, MC_MAP_INPUT, &text, &size),
			 MC_ERANGE);
	assert_non_null(strstr(first_error(map), "at most 4096"));
	r.n_devices = 300;	/* 300 x 13 bytes: one line still holds them */
	mc_map_clear_errors(map);
	mc_map_free(map);
	map = mc_map_new();
	assert_int_equal(mc_map_add(map, &r), 0);
	check_input_round_trip(map);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(input_reads_as_a_map_file),
		cmocka_unit_test(result_writes_backing_and_holes),
		cmocka_unit_test(an_overlay_may_hide_a_ram_boundary),
		cmocka_unit_test(caller_buffer_convention),
		cmocka_unit_test(refusals_leave_a_diagnostic),
		cmocka_unit_test(a_line_too_long_is_refused),
		cmocka_unit_test(all_of_the_space_is_refused),
		cmocka_unit_test(every_fixture_map_round_trips),
		cmocka_unit_test(random_maps_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
