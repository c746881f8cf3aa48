// SPDX-License-Identifier: MIT
/*
 * test_pvh_golden.c - the semantic check behind fixtures/golden/pvh.list.
 *
 * Each expected block is read back on its own terms, as Linux's PVH entry
 * reads it (init_pvh_bootparams()), and checked against the carved map:
 *   - magic, version 1, the addresses the case gives, the module entry
 *     for the initrd, the memmap right after start_info and the module;
 *   - at most 128 entries, sorted, disjoint, reserved fields zero;
 *   - every RAM piece lies in a usable entry and every usable byte is a
 *     RAM piece; every acpi, nvs, pmem and reserved piece lies in an entry
 *     of its type (3, 4, 7, 2), every mmio piece inside RAM in a reserved
 *     one, and no mmio byte is usable;
 *   - its inspect golden lists exactly the memmap's entries.
 */
#include <inttypes.h>
#include "core_helpers.h"
#include "memcarve-pvh.h"

struct golden {
	const char *map, *block, *inspect;
	uint64_t addr, cmdline, initrd, initrd_size, rsdp;
};

static const struct golden cases[] = {
	{ "fixtures/e820/all-types.map", "fixtures/pvh/all-types.pvh",
	  "fixtures/pvh/inspect-all-types.txt", 0x6000, 0x20000, 0x6000000,
	  0x100000, 0x80000 },
	{ "fixtures/x86-8g.map", "fixtures/pvh/x86-8g.pvh", NULL, 0x7000, 0,
	  0, 0, 0 },
	{ "fixtures/pvh/max.map", "fixtures/pvh/max.pvh",
	  "fixtures/pvh/inspect-max.txt", 0x6000, 0x20000, 0, 0, 0 },
};

struct entry {
	uint64_t first, last;
	uint32_t type;
};

static char top[4096];

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
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* start_info as the kernel reads it; the memmap's entries into @e. */
static size_t read_block(const struct golden *g, struct entry *e)
{
	size_t len, n, nr, at;
	uint8_t *p = slurp(g->block, &len);

	assert_true(len >= 56);
	assert_int_equal(le(p, 4), 0x336ec578);
	assert_int_equal(le(p + 4, 4), 1);
	assert_int_equal(le(p + 8, 4), 0);
	nr = (size_t)le(p + 12, 4);
	assert_int_equal(nr, g->initrd_size ? 1 : 0);
	assert_int_equal(le(p + 16, 8), nr ? g->addr + 56 : 0);
	assert_int_equal(le(p + 24, 8), g->cmdline);
	assert_int_equal(le(p + 32, 8), g->rsdp);
	at = 56 + 32 * nr;
	assert_int_equal(le(p + 40, 8), g->addr + at);
	n = (size_t)le(p + 48, 4);
	assert_int_equal(le(p + 52, 4), 0);
	assert_true(n >= 1 && n <= 128);	/* e820_table[128] */
	assert_int_equal(len, at + 24 * n);
	assert_true(g->addr + len <= 0x40000000);	/* below 1 GiB */
	if (nr) {
		assert_int_equal(le(p + 56, 8), g->initrd);
		assert_int_equal(le(p + 64, 8), g->initrd_size);
		assert_int_equal(le(p + 72, 8), 0);
		assert_int_equal(le(p + 80, 8), 0);
	}
	for (size_t i = 0; i < n; i++) {
		const uint8_t *m = p + at + 24 * i;

		assert_true(le(m + 8, 8) > 0);
		e[i].first = le(m, 8);
		e[i].last = e[i].first + (le(m + 8, 8) - 1);
		e[i].type = (uint32_t)le(m + 16, 4);
		assert_int_equal(le(m + 20, 4), 0);
		assert_true(e[i].last >= e[i].first);
		assert_true(i == 0 || e[i].first > e[i - 1].last);
	}
	mc_free(p);
	return n;
}

/* The entry holding all of [first, last], or NULL. */
static const struct entry *holder(const struct entry *e, size_t n,
				  uint64_t first, uint64_t last)
{
	for (size_t i = 0; i < n; i++)
		if (e[i].first <= first && last <= e[i].last)
			return &e[i];
	return NULL;
}

static uint32_t type_of(const struct mc_piece *r)
{
	static const uint32_t types[] = {
		[MC_RAM] = 1, [MC_RESERVED] = 2, [MC_ACPI] = 3, [MC_NVS] = 4,
		[MC_PMEM] = 7, [MC_MMIO] = 2,
	};

	return types[r->kind];
}

static void check_pieces(const struct mc_piece *r, size_t np,
			 const struct entry *e, size_t n)
{
	for (size_t i = 0; i < np; i++) {
		const struct entry *h = holder(e, n, r[i].first, r[i].last);
		bool mmio_out = r[i].kind == MC_MMIO &&
				!(r[i].flags & MC_F_CARVED);

		if (mmio_out) {	/* a PCI hole: left out, never usable */
			for (size_t k = 0; k < n; k++)
				assert_false(e[k].type == 1 &&
					     e[k].first <= r[i].last &&
					     r[i].first <= e[k].last);
			continue;
		}
		if (!h || h->type != type_of(&r[i]))
			fail_msg("piece 0x%" PRIx64 "-0x%" PRIx64 " kind %d not "
				 "in an entry of type %u", r[i].first,
				 r[i].last, r[i].kind, type_of(&r[i]));
	}
	/* every usable byte is RAM: walk each usable entry through pieces */
	for (size_t k = 0; k < n; k++) {
		uint64_t pos = e[k].first;

		if (e[k].type != 1)
			continue;
		for (size_t i = 0; i < np && pos <= e[k].last; i++)
			if (r[i].first <= pos && pos <= r[i].last) {
				assert_int_equal(r[i].kind, MC_RAM);
				if (r[i].last >= e[k].last)
					break;
				pos = r[i].last + 1;
			}
	}
}

/* The inspect golden: "KIND 0xBASE 0xSIZE" per entry, in order. */
static void check_inspect(const char *rel, const struct entry *e, size_t n)
{
	static const char *const kinds[] = { [1] = "ram", [2] = "reserved",
		[3] = "acpi", [4] = "nvs", [7] = "pmem" };
	size_t len, i = 0;
	char *text = (char *)slurp(rel, &len), *line, *save;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char kind[16];
		uint64_t base, size;

		if (line[0] == '#' || !strncmp(line, "arch ", 5))
			continue;
		assert_int_equal(sscanf(line, "%15s %" SCNx64 " %" SCNx64,
					kind, &base, &size), 3);
		assert_true(i < n);
		assert_string_equal(kind, kinds[e[i].type]);
		assert_int_equal(base, e[i].first);
		assert_int_equal(size, e[i].last - e[i].first + 1);
		i++;
	}
	assert_int_equal(i, n);
	free(text);
}

static void every_block_is_the_carved_map(void **state)
{
	(void)state;
	find_top();
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct golden *g = &cases[c];
		struct entry e[128];
		size_t n = read_block(g, e), np, len;
		char *text = (char *)slurp(g->map, &len);
		struct mc_map *map = map_carved(text);
		const struct mc_piece *r = mc_map_result(map, &np);

		check_pieces(r, np, e, n);
		if (g->inspect)
			check_inspect(g->inspect, e, n);
		mc_map_free(map);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_block_is_the_carved_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
