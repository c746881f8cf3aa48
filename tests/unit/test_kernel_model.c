// SPDX-License-Identifier: MIT
/*
 * test_kernel_model.c - memcarve's command lines read by a model of the
 * kernel (kernel_model.h), on the kernel's own edge cases and on 10^5
 * random maps and --append lines.
 *
 * For every map, `cmdline` either refuses it, with a diagnostic whose
 * reason the test checks on its own (an open quote, the line's length,
 * memblock's 128 regions, an exactmap table of fewer than 2 entries,
 * E820_MAX_ENTRIES, an end at 2^64 - 1, no RAM), or writes a line the
 * model parses, without losing or dying of anything, into exactly the
 * carved map: MIPS memory = the slots and reserved = the ranges RAM
 * backs; the x86 user table = the carved pieces by e820 type. The
 * appended line's other parameters reach the kernel in order and its
 * words after "--" reach init unchanged.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "memcarve-cmdline.h"
#include "memcarve-e820.h"
#include "kernel_model.h"
#include "kernel_check.h"

/* ---- the model on the kernel's own cases -------------------------------- */

static void next_arg_splits_as_the_kernel(void **state)
{
	struct km_cmdline *c = calloc(1, sizeof(*c));

	(void)state;
	assert_non_null(c);
	km_parse_cmdline(" a=\"b c\"\t\"mem=1G\"\xa0=x=y \"--\" mem=2G -- z", c);
	assert_int_equal(c->n_kernel, 3);
	assert_string_equal(c->kernel[0].name, "a");
	assert_string_equal(c->kernel[0].val, "b c");
	assert_string_equal(c->kernel[1].name, "mem");
	assert_string_equal(c->kernel[1].val, "1G");
	/* next_arg() never takes an '=' at the word's first byte */
	assert_string_equal(c->kernel[2].name, "=x");
	assert_string_equal(c->kernel[2].val, "y");
	/* the quoted "--" ends the kernel's part: the rest is init's */
	assert_int_equal(c->n_init, 3);
	assert_string_equal(c->init[0].name, "mem");
	assert_string_equal(c->init[1].name, "--");
	km_cmdline_free(c);
	free(c);
}

static void memparse_reads_base_0_and_suffixes(void **state)
{
	const char *end;

	(void)state;
	assert_int_equal(km_memparse("010", &end), 8);
	assert_int_equal(km_memparse("0x10k", &end), 16 << 10);
	assert_int_equal(km_memparse("3G$", &end), 3ull << 30);
	assert_int_equal(*end, '$');
	assert_int_equal(km_memparse("1E", &end), 1ull << 60);
}


static void the_sanitizer_refuses_one_entry_and_keeps_pram(void **state)
{
	struct km_e820 *t = km_e820_new(128);
	struct km_cmdline *c = calloc(1, sizeof(*c));

	(void)state;
	assert_non_null(c);
	/* two touching RAM tokens: two entries, sanitized into one */
	km_parse_cmdline("memmap=exactmap memmap=1M@0 memmap=1M@1M", c);
	assert_true(km_x86_boot(t, c));
	assert_false(t->panic);
	assert_int_equal(t->n, 1);
	km_cmdline_free(c);
	/* one token: the sanitizer refuses, e820 panics */
	memset(t, 0, sizeof(*t));
	t->max = 128;
	km_parse_cmdline("memmap=exactmap memmap=2M@0", c);
	km_x86_boot(t, c);
	assert_true(t->panic);
	km_cmdline_free(c);
	/* PRAM is never merged; the higher type wins an overlap */
	memset(t, 0, sizeof(*t));
	t->max = 128;
	km_parse_cmdline("memmap=exactmap memmap=1M!1M,1M!2M memmap=4M@0 "
			 "memmap=1M$0", c);
	km_x86_boot(t, c);
	assert_int_equal(t->n, 4);
	assert_int_equal(t->e[0].type, 2);
	assert_int_equal(t->e[1].type, 12);
	assert_int_equal(t->e[2].type, 12);
	assert_int_equal(t->e[3].type, 1);
	km_cmdline_free(c);
	free(c);
	free(t);
}

static void e820_max_entries_drops_the_rest(void **state)
{
	struct km_e820 *t = km_e820_new(131);	/* no NUMA: 128 + 3 */

	(void)state;
	assert_int_equal(mc_e820_max_entries(0), 131);
	assert_int_equal(mc_e820_max_entries(MC_E820_NODES_SHIFT_DEBIAN),
			 MC_E820_MAX_ENTRIES_DEFAULT);
	for (uint64_t i = 0; i < 131; i++)
		km_e820_add(t, i << 21, 1 << 20, 1);
	assert_false(t->dropped);
	km_e820_add(t, 131ull << 21, 1 << 20, 1);
	assert_true(t->dropped);
	free(t);
}

/* memblock checks the count before it merges: touching ranges count too */
static void memblock_holds_128_regions(void **state)
{
	struct km_memblock *m = calloc(1, sizeof(*m));

	(void)state;
	assert_non_null(m);
	km_mb_clear(m);
	for (uint64_t i = 0; i < 128; i++)
		km_mb_add(m, i << 21, 1 << 20);
	assert_int_equal(km_mb_count(m), 128);
	assert_false(m->dropped);
	km_mb_add(m, (127ull << 21) + (1 << 20), 4096);
	assert_true(m->dropped);
	m->dropped = false;
	km_mb_add(m, 0, 4096);		/* inside a region: nothing new */
	assert_false(m->dropped);
	free(m);
}

/* ---- random maps --------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* What the random run saw: lines per style, refusals per reason. */
enum outcome { OK_MIPS, OK_X86, NO_QUOTE, NO_LENGTH, NO_MEMBLOCK,
	       NO_EXACTMAP, NO_E820_MAX, NO_TOP, NO_RAM, OUTCOMES };
static size_t seen[OUTCOMES];

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

struct text {
	char *p;
	size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < t->cap - t->len);
	t->len += (size_t)n;
}

static const char *const kinds[] = { "reserved", "acpi", "nvs", "pmem", "mmio" };

/* A map of a few ranges, or one near a limit (128 blocks, 120 ranges). */
static void random_map(struct text *t, bool mips)
{
	uint64_t shape = below(40);

	t->len = 0;
	put(t, "arch %s\npolicy %s\n", mips ? "mips" : "x86_64",
	    below(2) ? "overlay" : "carve");
	if (shape == 0 || shape == 1) {		/* 127..130 blocks */
		uint64_t n = 127 + below(4);

		for (uint64_t i = 0; i < n; i++)
			put(t, "ram 0x%" PRIx64 " 1M\n",
			    (i << 21) + (below(3) == 0 ? 1 << 20 : 0));
		return;
	}
	if (shape == 2 || shape == 3) {		/* 102..106 ranges */
		uint64_t n = 102 + below(5);

		put(t, "ram 0x0 1G\n");
		for (uint64_t i = 0; i < n; i++)
			put(t, "reserved 0x%" PRIx64 " 4K policy=overlay\n",
			    0x1000000 + (i << 14));
		return;
	}
	if (shape == 4)				/* the top of the space */
		put(t, "ram 0xffffffff00000000 4G\n");
	for (uint64_t i = 0, n = 1 + below(3); i < n; i++)
		put(t, "ram 0x%" PRIx64 " 0x%" PRIx64 "\n",
		    below(8) << 28, (1 + below(256)) << 20);
	for (uint64_t i = 0, n = below(8); i < n; i++)
		put(t, "%s 0x%" PRIx64 " 0x%" PRIx64 "%s\n", kinds[below(5)],
		    below(1 << 20) << 12, (1 + below(4096)) << 12,
		    below(3) == 0 ? " policy=overlay" : "");
}

static const char *const words[] = {
	"console=ttyS0", "quiet", "mem=1G", "memmap=4K$0x1000", "\"mem=2G\"",
	"\"--\"", "--", "a=\"b c\"", "init=/bin/sh", "memmapx=1", "mem",
	"=mem=1", "\"-\"-", "x\\y", "\"q r\"", "memmap=exactmap", "\xc2",
};
static const char seps[] = { ' ', '\t', (char)0xa0, '\n', ' ' };

static void random_append(struct text *t)
{
	t->len = 0;
	for (uint64_t i = 0, n = below(7); i < n; i++)
		put(t, "%s%s", i ? (char[]){ seps[below(5)], 0 } : "",
		    words[below(sizeof(words) / sizeof(words[0]))]);
	if (below(30) == 0)
		put(t, " open=\"quote");
}

/* Does the appended line leave a quote open before its "--"? */
static bool open_quote_in_kernel_part(const char *s)
{
	while (*s) {
		const char *start;
		bool in = false;

		while (*s && km_isspace(*s))
			s++;
		start = s;
		for (; *s && (in || !km_isspace(*s)); s++)
			in ^= *s == '"';
		if (in)
			return true;
		if ((s - start == 2 && !strncmp(start, "--", 2)) ||
		    (s - start == 4 && !strncmp(start, "\"--\"", 4)))
			return false;
	}
	return false;
}

/* A refusal must have one of the reasons, checked here on its own. */
static void check_refusal(struct mc_map *map, const struct mc_cmdline_opts *o,
			  int err, size_t max_entries)
{
	const struct mc_error *e = mc_map_error(map, mc_map_error_count(map) - 1);
	const char *msg = e ? e->msg : "";
	struct kc_want w;
	size_t n;
	const struct mc_piece *v = mc_map_result(map, &n);

	assert_true(err == MC_EINVAL || err == MC_ERANGE);
	if (strstr(msg, "never closed")) {
		seen[NO_QUOTE]++;
		assert_true(open_quote_in_kernel_part(o->append));
	} else if (strstr(msg, "COMMAND_LINE_SIZE")) {
		struct mc_cmdline_opts big = *o;
		size_t size = 0;

		seen[NO_LENGTH]++;
		big.max = SIZE_MAX;
		assert_int_equal(mc_cmdline_build(map, &big, NULL, &size),
				 MC_ENOSPC);
		assert_true(size > (o->style == MC_CMDLINE_MIPS ? 4096u : 2048u));
	} else if (strstr(msg, "INIT_MEMBLOCK_REGIONS")) {
		struct kc_want *mw = calloc(2, sizeof(*mw));

		seen[NO_MEMBLOCK]++;
		assert_non_null(mw);
		kc_want_mips(map, &mw[0], &mw[1]);
		assert_true(mw[0].n > KM_MEMBLOCK_REGIONS ||
			    mw[1].n + KM_MIPS_KERNEL_RESERVED > KM_MEMBLOCK_REGIONS);
		free(mw);
	} else if (strstr(msg, "memmap=exactmap with")) {
		kc_want_x86(map, o->flags, &w);
		assert_true(w.n < 2 || strstr(msg, "E820_MAX_ENTRIES"));
		seen[strstr(msg, "E820_MAX_ENTRIES") ? NO_E820_MAX : NO_EXACTMAP]++;
		if (!strstr(msg, "E820_MAX_ENTRIES"))
			return;
		{
			struct km_e820 *t = km_e820_new(max_entries);

			for (size_t i = 0; i < w.n; i++)
				km_e820_add(t, w.e[i].addr, w.e[i].size,
					    w.e[i].type);
			km_x86_trim_bios(t);
			assert_true(t->dropped);
			free(t);
		}
	} else if (strstr(msg, "2^64")) {
		seen[NO_TOP]++;
		assert_int_equal(v[n - 1].last, UINT64_MAX);
	} else if (strstr(msg, "no RAM")) {
		seen[NO_RAM]++;
		mc_map_slots(map, &n);
		assert_int_equal(n, 0);
	} else {
		fail_msg("refused for no reason the test knows: %s", msg);
	}
}

static unsigned int random_flags(void)
{
	return (unsigned int)below(4);
}

/* One map, one style; returns whether the map carved (and so counted). */
static bool one_case(struct text *map_text, struct text *append)
{
	bool mips = below(2);
	struct mc_map *map = mc_map_new();
	struct mc_cmdline_opts o = { 0 };
	size_t size = 0, max_entries = below(8) == 0 ? 3 + below(6) :
						       MC_E820_MAX_ENTRIES_DEFAULT;
	char *line;
	int err;

	random_map(map_text, mips);
	if (mc_map_load(map, "random.map", map_text->p, map_text->len) ||
	    mc_map_carve(map)) {
		mc_map_free(map);
		return false;
	}
	o.style = below(4) == 0 ? (mips ? MC_CMDLINE_X86 : MC_CMDLINE_MIPS) :
				  (mips ? MC_CMDLINE_MIPS : MC_CMDLINE_X86);
	o.flags = o.style == MC_CMDLINE_X86 ? random_flags() : 0;
	o.max_entries = max_entries;
	random_append(append);
	o.append = below(2) ? append->p : NULL;
	err = mc_cmdline_build(map, &o, NULL, &size);
	if (err != MC_ENOSPC) {
		check_refusal(map, &o, err, max_entries);
		mc_map_free(map);
		return true;
	}
	line = malloc(size);
	assert_non_null(line);
	assert_int_equal(mc_cmdline_build(map, &o, line, &size), 0);
	kc_check_line(map, &o, line, max_entries);
	seen[o.style == MC_CMDLINE_MIPS ? OK_MIPS : OK_X86]++;
	free(line);
	mc_map_free(map);
	return true;
}

/*
 * A sorted table of @n entries (types 1, 2, 3; touching ones of one type
 * never), starting at 0 or above it.
 */
static size_t random_table(struct mc_e820_entry *e, size_t n)
{
	uint64_t at = below(2) ? 0 : below(4) << 12;
	size_t k = 0;

	while (k < n) {
		uint32_t type = 1 + (uint32_t)below(3);
		uint64_t size = (1 + below(300)) << 12;

		if (k && e[k - 1].type == type &&
		    e[k - 1].addr + e[k - 1].size == at)
			continue;
		e[k++] = (struct mc_e820_entry){ at, size, type };
		at += size + (below(2) ? 0 : (1 + below(16)) << 12);
	}
	return k;
}

/*
 * E820_MAX_ENTRIES on the zero-page path: mc_e820_check() refuses a table
 * exactly when the kernel would drop an entry of it at boot, for random
 * tables around the capacity, with and without a setup_data node in RAM,
 * on 6.1 and on 7.x.
 */
static void e820_capacity_is_exact(void **state)
{
	struct mc_e820_entry e[24];
	struct km_entry k[24];

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n = random_table(e, 2 + below(20)), ram = 0;
		size_t max = n - 1 + below(5);
		bool old = below(2), has_sd = below(2), cut;
		struct mc_e820_need sd = { "setup_data", 0, 0 };
		struct mc_e820_rules rules = {
			.max_entries = max, .setup_data = &sd,
			.linux_version = old ? MC_LINUX_VERSION(6, 1) :
					       MC_LINUX_NEWEST,
		};
		struct mc_map *map = mc_map_new();
		int err;

		for (size_t i = 0; i < n; i++)	/* a RAM entry, the first often */
			if (e[i].type == MC_E820_RAM && (!ram || below(2)))
				ram = i + 1;
		has_sd = has_sd && ram;
		if (has_sd) {	/* one page somewhere in a RAM entry */
			const struct mc_e820_entry *r = &e[ram - 1];
			uint64_t pages = r->size >> 12, at = below(3) == 0 ? 0 :
						     below(3) == 0 ? pages - 1 :
								     below(pages);

			sd.first = r->addr + (at << 12);
			sd.last = sd.first + 0xfff;
		}
		rules.n_setup_data = has_sd;
		for (size_t i = 0; i < n; i++)
			k[i] = (struct km_entry){ e[i].addr, e[i].size, e[i].type };
		cut = km_x86_zeropage_boot(k, n, max, has_sd, sd.first, sd.last,
					   old);
		err = mc_e820_check(map, e, n, &rules);
		if (cut != (err == MC_ERANGE))
			fail_msg("round %d: %zu entries, max %zu, setup_data %d "
				 "at 0x%" PRIx64 ", %s: the kernel %s, memcarve %s",
				 round, n, max, has_sd, sd.first,
				 old ? "6.1" : "7.x", cut ? "cuts" : "keeps all",
				 err == MC_ERANGE ? "refuses" : "accepts");
		mc_map_free(map);
	}
}

#define RANDOM_MAPS 100000

static void random_maps_boot_as_carved_or_are_refused(void **state)
{
	struct text map_text = { malloc(16384), 0, 16384 };
	struct text append = { malloc(512), 0, 512 };
	size_t done = 0, tries = 0;

	(void)state;
	assert_non_null(map_text.p);
	assert_non_null(append.p);
	while (done < RANDOM_MAPS) {
		assert_true(++tries < 10 * RANDOM_MAPS);
		done += one_case(&map_text, &append);
	}
	print_message("%zu random maps (%zu tried): lines mips %zu x86 %zu; "
		      "refused: open quote %zu, length %zu, memblock %zu, "
		      "exactmap %zu, E820_MAX_ENTRIES %zu, 2^64 %zu, no RAM %zu\n",
		      done, tries, seen[OK_MIPS], seen[OK_X86], seen[NO_QUOTE],
		      seen[NO_LENGTH], seen[NO_MEMBLOCK], seen[NO_EXACTMAP],
		      seen[NO_E820_MAX], seen[NO_TOP], seen[NO_RAM]);
	/* every reason the run is meant to reach, reached */
	for (int i = 0; i < OUTCOMES; i++)
		if (i != NO_RAM && i != NO_LENGTH)
			assert_true(seen[i] > 0);
	free(map_text.p);
	free(append.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(next_arg_splits_as_the_kernel),
		cmocka_unit_test(memparse_reads_base_0_and_suffixes),
		cmocka_unit_test(the_sanitizer_refuses_one_entry_and_keeps_pram),
		cmocka_unit_test(e820_max_entries_drops_the_rest),
		cmocka_unit_test(memblock_holds_128_regions),
		cmocka_unit_test(e820_capacity_is_exact),
		cmocka_unit_test(random_maps_boot_as_carved_or_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
