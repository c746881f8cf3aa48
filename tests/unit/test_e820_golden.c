// SPDX-License-Identifier: MIT
/*
 * test_e820_golden.c - the semantic check behind fixtures/golden/e820.list:
 * every e820 case there that writes a table, read from the list itself.
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
 *     byte is ever usable; with --legacy-hole nothing in 0xa0000-0xfffff
 *     is usable; no table is longer than --max-entries;
 *   - the text is in the form of the release asked for (--linux, else the
 *     --kernel's release, else the newest): 7.0 and later print new names,
 *     two spaces, and a [gap] line exactly where one is;
 *   - every text of one map holds the same entries, whatever the release,
 *     and the binary outputs decode to exactly those entries (a zero page
 *     the first 128, its SETUP_E820_EXT node the rest).
 * An option this test does not know fails it: a new option needs a check.
 */
#include <inttypes.h>
#include "core_helpers.h"
#include "files.h"
#include "golden_list.h"
#include "memcarve-e820.h"
#include "internal/e820-type.h"

#define LIST "fixtures/golden/e820.list"
#define MAX 512
#define LEGACY_FIRST 0xa0000
#define LEGACY_LAST 0xfffff

enum output { OUT_TEXT, OUT_TABLE, OUT_ZEROPAGE, OUT_SETUP_DATA };

/* One "e820" case of the list, as the checks need it. */
struct e820_case {
	const char *expected;
	const char *map, *resv, *arch, *who, *kernel;
	uint32_t version;	/* --linux, else 0 */
	bool legacy_hole;
	size_t max_entries;	/* --max-entries, else 0 */
	enum output out;
	char key[1024];		/* map, --resv and --arch: one carved map */
};

/* The text entries of each map, once read: what binaries decode to. */
static struct text_of {
	char key[1024];
	struct mc_e820_entry e[MAX];
	size_t n;
} texts[32];
static size_t n_texts;

static enum output format_of(const char *v)
{
	if (strcmp(v, "text") == 0)
		return OUT_TEXT;
	if (strcmp(v, "table") == 0)
		return OUT_TABLE;
	if (strcmp(v, "zeropage") == 0)
		return OUT_ZEROPAGE;
	fail_msg("no semantic check knows --format %s", v);
	return OUT_TEXT;
}

/* The zero-page fields the table does not depend on. */
static bool zeropage_only(const char *w)
{
	static const char *const opts[] = {
		"--cmdline-addr", "--initrd-addr", "--initrd-size",
		"--rsdp-addr", "--setup-data-addr", "--setup-data-next",
	};

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strcmp(w, opts[i]) == 0)
			return true;
	return false;
}

/* The options of one case; any option this test does not know fails. */
static void parse_case(const struct golden_line *g, struct e820_case *c)
{
	bool to_setup_data = false;

	*c = (struct e820_case){ .expected = g->expected, .out = OUT_TEXT };
	for (size_t i = 1; i < g->n_arg; i++) {
		const char *w = g->arg[i];
		const char *next = i + 1 < g->n_arg ? g->arg[i + 1] : "";

		if (strcmp(w, "--legacy-hole") == 0)
			c->legacy_hole = true;
		else if (w[0] != '-' && !c->map)
			c->map = w;
		else if (!next[0])
			fail_msg("%s: '%s' without a value", g->word[0], w);
		else if (strcmp(w, "--resv") == 0)
			c->resv = next, i++;
		else if (strcmp(w, "--arch") == 0)
			c->arch = next, i++;
		else if (strcmp(w, "--prefix") == 0)
			c->who = next, i++;
		else if (strcmp(w, "--kernel") == 0)
			c->kernel = next, i++;
		else if (strcmp(w, "--format") == 0)
			c->out = format_of(next), i++;
		else if (strcmp(w, "--linux") == 0)
			assert_int_equal(mc_linux_version(next, &c->version), 0),
			i++;
		else if (strcmp(w, "--max-entries") == 0)
			c->max_entries = strtoul(next, NULL, 0), i++;
		else if (strcmp(w, "--setup-data-out") == 0)
			to_setup_data |= strcmp(next, "@OUT@") == 0, i++;
		else if (strcmp(w, "-o") == 0 || zeropage_only(w))
			i++;
		else
			fail_msg("%s: no semantic check knows '%s'", g->word[0],
				 w);
	}
	if (!c->map)
		fail_msg("%s: no map", g->word[0]);
	if (to_setup_data)
		c->out = OUT_SETUP_DATA;
	snprintf(c->key, sizeof(c->key), "%s %s %s", c->map,
		 c->resv ? c->resv : "-", c->arch ? c->arch : "-");
}

/* The release whose text the case asks for, as the tool decides it. */
static uint32_t release_of(const struct e820_case *c)
{
	struct mc_map *scratch;
	struct mc_bzimage img;
	size_t len;
	void *image;

	if (c->version || !c->kernel)
		return c->version;
	scratch = mc_map_new();
	image = slurp(c->kernel, &len);
	assert_int_equal(mc_e820_bzimage(scratch, c->kernel, image, len, &img),
			 0);
	free(image);
	mc_map_free(scratch);
	return img.linux_version;
}

static bool is_gen7(uint32_t version)
{
	return version == MC_LINUX_NEWEST ||
	       version >= MC_LINUX_VERSION(7, 0);
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
static size_t parse_text(const char *path, const char *who, uint32_t version,
			 struct mc_e820_entry *e)
{
	char *text = slurp(path, NULL), *line, *save;
	bool gen7 = is_gen7(version);
	size_t n = 0;
	uint64_t gap_first = 0, gap_last = 0, prev_end = 0;
	bool gap = false;
	char gap_fmt[64], mem_fmt[64];

	who = who ? who : "BIOS-e820";
	snprintf(gap_fmt, sizeof(gap_fmt), "%s: [gap 0x%%" SCNx64 "-0x%%" SCNx64
		 "]%%n", who);
	snprintf(mem_fmt, sizeof(mem_fmt), "%s: [mem 0x%%" SCNx64 "-0x%%" SCNx64
		 "]%%n", who);

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
	if (p && t != mc_e820_type_of(p->kind))
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
		     const char *path, struct mc_e820_entry *e)
{
	size_t len, n_in;
	uint8_t *blob = slurp(path, &len);
	struct mc_map *map = mc_map_new();
	const struct mc_region *in;

	assert_int_equal(fn(map, blob, len), 0);
	in = mc_map_input(map, &n_in);
	assert_true(n_in <= MAX);
	for (size_t i = 0; i < n_in; i++)
		e[i] = (struct mc_e820_entry){ in[i].first,
					       in[i].last - in[i].first + 1,
					       mc_e820_type_of(in[i].kind) };
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

static const struct text_of *text_of(const char *key)
{
	for (size_t i = 0; i < n_texts; i++)
		if (strcmp(texts[i].key, key) == 0)
			return &texts[i];
	return NULL;
}

/* A text output: checked on its own, then the same entries as its map's. */
static void check_text(const struct e820_case *c, const struct mc_map *map)
{
	static struct mc_e820_entry e[MAX];
	const struct text_of *seen = text_of(c->key);
	size_t n = parse_text(c->expected, c->who, release_of(c), e);

	check_semantics(map, e, n);
	if (seen) {
		assert_same(e, n, seen->e, seen->n);
		return;
	}
	assert_true(n_texts < sizeof(texts) / sizeof(texts[0]));
	snprintf(texts[n_texts].key, sizeof(texts[n_texts].key), "%s", c->key);
	memcpy(texts[n_texts].e, e, n * sizeof(*e));
	texts[n_texts++].n = n;
}

/*
 * A binary output: the entries of the text of its map (a zero page holds
 * the first MC_E820_ZEROPAGE_MAX, its SETUP_E820_EXT node the rest); a
 * whole table is also checked on its own.
 */
static void check_binary(const struct e820_case *c, const struct mc_map *map)
{
	static struct mc_e820_entry e[MAX];
	const struct text_of *t = text_of(c->key);
	size_t n, from = 0, count;

	if (!t)
		fail_msg("%s: no text case of %s to compare with", c->expected,
			 c->key);
	count = t->n;
	if (c->out == OUT_TABLE) {
		n = decode(mc_e820_raw_decode, c->expected, e);
		check_semantics(map, e, n);
	} else if (c->out == OUT_ZEROPAGE) {
		n = decode(mc_e820_zeropage_decode, c->expected, e);
		if (count > MC_E820_ZEROPAGE_MAX)
			count = MC_E820_ZEROPAGE_MAX;
	} else {
		n = decode(mc_e820_setup_data_decode, c->expected, e);
		assert_true(count > MC_E820_ZEROPAGE_MAX);
		from = MC_E820_ZEROPAGE_MAX;
		count -= from;
	}
	assert_same(e, n, t->e + from, count);
}

/* What every form of the table must keep, whatever the case asked. */
static void check_limits(const struct e820_case *c)
{
	const struct text_of *t = text_of(c->key);

	assert_non_null(t);
	if (c->max_entries)
		assert_true(t->n <= c->max_entries);
	for (size_t i = 0; c->legacy_hole && i < t->n; i++)
		if (t->e[i].type == MC_E820_RAM &&
		    t->e[i].addr <= LEGACY_LAST &&
		    last_of(&t->e[i]) >= LEGACY_FIRST)
			fail_msg("%s: usable RAM in the legacy hole",
				 c->expected);
}

/* Each e820 case of the list whose output is @text (or every other). */
static size_t check_cases(bool text)
{
	FILE *f = fopen(LIST, "r");
	struct golden_line g;
	struct e820_case c;
	size_t n = 0;

	if (!f)
		fail_msg("cannot open %s", LIST);
	while (golden_next(f, &g)) {
		struct mc_map *map;

		if (!golden_runs(&g, "e820"))
			continue;
		parse_case(&g, &c);
		if ((c.out == OUT_TEXT) != text)
			continue;
		print_message("%s\n", g.word[0]);
		map = golden_map(c.map, c.resv, c.arch);
		if (text)
			check_text(&c, map);
		else
			check_binary(&c, map);
		check_limits(&c);
		mc_map_free(map);
		n++;
	}
	fclose(f);
	return n;
}

static void every_golden_output_describes_its_carved_map(void **state)
{
	size_t n;

	(void)state;
	n = check_cases(true);		/* the texts first: binaries need them */
	n += check_cases(false);
	print_message("semantic checks on %zu golden e820 cases\n", n);
	assert_true(n >= 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_golden_output_describes_its_carved_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
