// SPDX-License-Identifier: MIT
/*
 * test_cmdline_golden.c - every golden case of fixtures/golden/cmdline.list,
 * read back the way the kernel reads it.
 *
 * Each case is rebuilt through the library and must equal its expected
 * file. The expected file is then unescaped and parsed with the kernel's
 * rules, written here from the kernel sources, not from our emitter:
 *
 *   lib/cmdline.c       next_arg(): words split at white space outside
 *                       double quotes; parse_args() stops at "--".
 *                       memparse(): simple_strtoull(s, &e, 0) - "0x" hex,
 *                       a leading "0" octal, else decimal - then K M G T P E.
 *   arch/mips/kernel/setup.c
 *                       mem=: the first one (while usermem == 0) removes all
 *                       memory, each adds [start, start + size).
 *                       memmap=: "exactmap" and '#' refused, SIZE@BASE
 *                       adds, SIZE$BASE adds and reserves, trailing junk
 *                       refused; a good one sets usermem.
 *   arch/x86/kernel/e820.c
 *                       memmap= is split at commas; exactmap empties the
 *                       table; @ # $ ! add types 1 3 2 12; %BASE-OLD+NEW
 *                       adds or retypes; a bare size is a mem= limit.
 *                       e820__update_table(): base + size must not wrap; on
 *                       overlap the highest type wins; runs of one type
 *                       merge.
 *
 * What the kernel ends up with is compared with the carved map: MIPS
 * memory equals the slots and reserved equals the overlaid ranges; the x86
 * table equals the carved pieces by e820 type, mmio cut out of RAM
 * reserved and other mmio left out (as in the e820 table).
 */
#include <ctype.h>
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

#define LIST "fixtures/golden/cmdline.list"
#define MAX_RANGES 512

/* ---- a set of typed ranges, [first, last] inclusive ------------------- */

struct range {
	uint64_t first, last;
	unsigned int type;
};

struct ranges {
	struct range r[MAX_RANGES];
	size_t n;
};

static int by_first(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

static void push(struct ranges *s, uint64_t first, uint64_t last,
		 unsigned int type)
{
	assert_true(s->n < MAX_RANGES);
	s->r[s->n++] = (struct range){ first, last, type };
}

/* Sort and join overlapping or touching ranges of one type. */
static void normalize(struct ranges *s)
{
	size_t out = 0;

	qsort(s->r, s->n, sizeof(s->r[0]), by_first);
	for (size_t i = 0; i < s->n; i++) {
		struct range *prev = out ? &s->r[out - 1] : NULL;

		if (prev && prev->type == s->r[i].type &&
		    prev->last != UINT64_MAX && s->r[i].first <= prev->last + 1) {
			if (s->r[i].last > prev->last)
				prev->last = s->r[i].last;
		} else {
			s->r[out++] = s->r[i];
		}
	}
	s->n = out;
}

static void print_ranges(const char *what, const struct ranges *s)
{
	print_message("  %s:\n", what);
	for (size_t i = 0; i < s->n; i++)
		print_message("    [0x%llx-0x%llx] type %u\n",
			      (unsigned long long)s->r[i].first,
			      (unsigned long long)s->r[i].last, s->r[i].type);
}

static void assert_same(const char *what, const struct ranges *want,
			const struct ranges *got)
{
	bool same = want->n == got->n;

	for (size_t i = 0; same && i < want->n; i++)
		same = want->r[i].first == got->r[i].first &&
		       want->r[i].last == got->r[i].last &&
		       want->r[i].type == got->r[i].type;
	if (!same) {
		print_message("%s differ\n", what);
		print_ranges("carved map", want);
		print_ranges("kernel", got);
		fail();
	}
}

/* ---- the kernel's number and word rules --------------------------------- */

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
}

/* simple_strtoull(s, end, 0); overflow fails the test (we never emit it). */
static uint64_t strtoull_base0(const char *s, const char **end)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && tolower((unsigned char)s[1]) == 'x' &&
	    isxdigit((unsigned char)s[2])) {
		base = 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (; digit_value(*s) < (int)base; s++) {
		assert_true(v <= (UINT64_MAX - (uint64_t)digit_value(*s)) / base);
		v = v * base + (uint64_t)digit_value(*s);
	}
	*end = s;
	return v;
}

static uint64_t memparse(const char *s, const char **end)
{
	static const char units[] = "kmgtpe";
	uint64_t v = strtoull_base0(s, end);
	const char *u = **end ? strchr(units, tolower((unsigned char)**end)) : NULL;

	if (u) {
		unsigned int shift = 10 * (unsigned int)(u - units + 1);

		assert_true(v <= UINT64_MAX >> shift);
		v <<= shift;
		(*end)++;
	}
	return v;
}

/* next_arg(): a word and its parameter name (quotes removed), value. */
struct param {
	char name[320];
	char val[320];
	bool has_val;
};

static const char *next_param(const char *p, struct param *out)
{
	char word[320];
	size_t n = 0;
	bool in_quote = false;
	char *eq, *w = word;

	while (*p && isspace((unsigned char)*p))
		p++;
	if (!*p)
		return NULL;
	for (; *p && (in_quote || !isspace((unsigned char)*p)); p++) {
		if (*p == '"')
			in_quote = !in_quote;
		assert_true(n + 1 < sizeof(word));
		word[n++] = *p;
	}
	word[n] = '\0';
	if (*w == '"') {
		w++;
		if (n > 1 && word[n - 1] == '"')
			word[n - 1] = '\0';
	}
	eq = strchr(w, '=');
	out->has_val = eq != NULL;
	if (eq)
		*eq = '\0';
	snprintf(out->name, sizeof(out->name), "%s", w);
	snprintf(out->val, sizeof(out->val), "%s", eq ? eq + 1 : "");
	if (eq && out->val[0] == '"') {
		memmove(out->val, out->val + 1, strlen(out->val));
		if (*out->val && out->val[strlen(out->val) - 1] == '"')
			out->val[strlen(out->val) - 1] = '\0';
	}
	return p;
}

/* ---- MIPS: arch/mips/kernel/setup.c ----------------------------------- */

struct mips_state {
	bool usermem;
	struct ranges memory, reserved;
};

static void mips_mem(struct mips_state *k, const char *p)
{
	uint64_t start = 0, size;

	if (!k->usermem) {
		k->usermem = true;
		k->memory.n = 0;	/* memblock_remove() of all of DRAM */
	}
	size = memparse(p, &p);
	if (*p == '@')
		start = memparse(p + 1, &p);
	assert_int_equal(*p, '\0');	/* the kernel ignores junk; we never emit it */
	assert_true(size != 0 && start + size > start);	/* no wrap, no 2^64 - 1 end */
	push(&k->memory, start, start + size - 1, 1);
}

static void mips_memmap(struct mips_state *k, const char *p)
{
	const char *old = p;
	uint64_t size, start;
	char op;

	assert_true(strncmp(p, "exactmap", 8) != 0);	/* "invalid on MIPS" */
	size = memparse(p, &p);
	assert_true(p != old);
	op = *p;
	assert_true(op == '@' || op == '$');	/* '#' is refused on MIPS */
	start = memparse(p + 1, &p);
	assert_int_equal(*p, '\0');
	assert_true(size != 0 && start + size > start);	/* no wrap, no 2^64 - 1 end */
	push(&k->memory, start, start + size - 1, 1);
	if (op == '$')
		push(&k->reserved, start, start + size - 1, 1);
	k->usermem = true;
}

static void mips_parse(const char *line, struct mips_state *k)
{
	struct param prm;

	/* What Malta's firmware reported: the first mem= must drop it. */
	push(&k->memory, 0, 0xfffffff, 1);
	while ((line = next_param(line, &prm))) {
		if (strcmp(prm.name, "--") == 0 && !prm.has_val)
			break;
		if (strcmp(prm.name, "mem") == 0)
			mips_mem(k, prm.val);
		else if (strcmp(prm.name, "memmap") == 0)
			mips_memmap(k, prm.val);
	}
	normalize(&k->memory);
	normalize(&k->reserved);
}

static void check_mips(struct mc_map *map, const char *line)
{
	struct mips_state *k = calloc(1, sizeof(*k));
	struct ranges *want = calloc(2, sizeof(*want));
	const struct mc_region *v;
	const struct mc_slot *slot;
	size_t n;

	assert_non_null(k);
	assert_non_null(want);
	mips_parse(line, k);
	slot = mc_map_slots(map, &n);
	for (size_t i = 0; i < n; i++)
		push(&want[0], slot[i].guest, slot[i].guest + slot[i].size - 1, 1);
	v = mc_map_result(map, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].kind != MC_RAM && v[i].kind != MC_MMIO &&
		    (v[i].flags & MC_F_BACKED))
			push(&want[1], v[i].first, v[i].last, 1);
	normalize(&want[0]);
	normalize(&want[1]);
	assert_same("memory (slots vs memblock.memory)", &want[0], &k->memory);
	assert_same("reserved (overlaid ranges vs memmap=$)", &want[1],
		    &k->reserved);
	free(want);
	free(k);
}

/* ---- x86: arch/x86/kernel/e820.c --------------------------------------- */

static void x86_memmap_one(struct ranges *t, const char *p)
{
	const char *old = p;
	uint64_t size, start;
	unsigned int type = 0;

	if (strncmp(p, "exactmap", 8) == 0) {
		t->n = 0;
		return;
	}
	size = memparse(p, &p);
	assert_true(p != old);
	switch (*p) {
	case '@': type = 1; break;
	case '#': type = 3; break;
	case '$': type = 2; break;
	case '!': type = 12; break;
	case '%': break;
	default: fail_msg("bare memmap=%s is a mem= limit; we never write it", old);
	}
	start = memparse(p + 1, &p);
	if (type == 0) {
		uint64_t from = 0, to = 0;

		if (*p == '-')
			from = strtoull_base0(p + 1, &p);
		if (*p == '+')
			to = strtoull_base0(p + 1, &p);
		assert_true(from == 0 && to != 0);	/* we only add */
		type = (unsigned int)to;
	}
	assert_int_equal(*p, '\0');
	/* e820__update_table() refuses a table where base + size wraps. */
	assert_true(size != 0 && start + size > start);	/* no wrap, no 2^64 - 1 end */
	push(t, start, start + size - 1, type);
}

static int by_value(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/*
 * e820__update_table(): cut the line at every entry's start and end; each
 * piece takes the highest type of the entries over it; runs of one type
 * join. (Entries never end at 2^64 - 1: x86_memmap_one() refused that.)
 */
static void x86_sanitize(const struct ranges *in, struct ranges *out)
{
	uint64_t pts[2 * MAX_RANGES];
	size_t np = 0;

	for (size_t i = 0; i < in->n; i++) {
		pts[np++] = in->r[i].first;
		pts[np++] = in->r[i].last + 1;
	}
	qsort(pts, np, sizeof(pts[0]), by_value);
	out->n = 0;
	for (size_t i = 0; i + 1 < np; i++) {
		unsigned int best = 0;

		if (pts[i] == pts[i + 1])
			continue;
		for (size_t j = 0; j < in->n; j++)
			if (in->r[j].first <= pts[i] && pts[i] <= in->r[j].last &&
			    in->r[j].type > best)
				best = in->r[j].type;
		if (best)
			push(out, pts[i], pts[i + 1] - 1, best);
	}
	normalize(out);
}

static void check_x86(struct mc_map *map, unsigned int flags, const char *line)
{
	struct ranges *t = calloc(3, sizeof(*t));
	const struct mc_region *v;
	struct param prm;
	size_t n;

	assert_non_null(t);
	/*
	 * What the BIOS reported, which memmap=exactmap must drop: an unusable
	 * page at 0 (type 5 outranks RAM, reserved and ACPI where they overlap,
	 * so it shows unless dropped) and some RAM.
	 */
	push(&t[0], 0, 0xfff, 5);
	push(&t[0], 0x100000, 0x3fffffff, 1);
	while ((line = next_param(line, &prm))) {
		char *part, *save = NULL;

		if (strcmp(prm.name, "--") == 0 && !prm.has_val)
			break;
		assert_string_not_equal(prm.name, "mem");
		if (strcmp(prm.name, "memmap") != 0)
			continue;
		for (part = strtok_r(prm.val, ",", &save); part;
		     part = strtok_r(NULL, ",", &save))
			x86_memmap_one(&t[0], part);
	}
	x86_sanitize(&t[0], &t[1]);
	v = mc_map_result(map, &n);
	for (size_t i = 0; i < n; i++) {
		static const unsigned int e820[] = {
			[MC_RAM] = 1, [MC_RESERVED] = 2, [MC_ACPI] = 3,
			[MC_NVS] = 4, [MC_PMEM] = 7,
		};
		unsigned int type = e820[v[i].kind];

		/* as in the e820 table: mmio cut out of RAM is reserved */
		if (v[i].kind == MC_MMIO && !(v[i].flags & MC_F_CARVED))
			continue;
		if (v[i].kind == MC_MMIO)
			type = 2;
		if (v[i].kind == MC_NVS && !(flags & MC_CMDLINE_RETYPE))
			type = 2;
		if (v[i].kind == MC_PMEM)
			type = flags & MC_CMDLINE_PRAM ? 12 :
			       flags & MC_CMDLINE_RETYPE ? 7 : 2;
		push(&t[2], v[i].first, v[i].last, type);
	}
	normalize(&t[2]);
	assert_same("e820 (carved map vs user: table)", &t[2], &t[1]);
	free(t);
}

/* ---- undoing the quoting ------------------------------------------------- */

static void unescape(enum mc_cmdline_escape how, const char *in, char *out)
{
	bool quoted = false;

	for (; *in && *in != '\n'; in++) {
		if (how == MC_ESCAPE_SHELL && *in == '\'') {
			quoted = !quoted;
			continue;
		}
		if (how == MC_ESCAPE_SHELL && !quoted) {
			/* outside quotes only '\'' joins two quoted parts */
			assert_int_equal(*in, '\\');
			in++;
		} else if (how == MC_ESCAPE_GRUB && *in == '\\') {
			in++;
		} else if (how == MC_ESCAPE_GRUB) {
			assert_null(strchr("$\"';&|<>#", *in));
		}
		*out++ = *in;
	}
	assert_false(quoted);
	*out = '\0';
}

/* ---- one golden case ----------------------------------------------------- */

struct gcase {
	char expected[256];
	bool fails;
	char args[1024];
};

struct run {
	struct mc_map *map;
	struct mc_cmdline_opts opts;
	char append[256];
	int err;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 16);
	size_t n;

	assert_non_null(buf);
	if (!f)
		fail_msg("cannot open %s (run from the top of the repository)", path);
	n = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* "--x=V" or "--x V": the value of option @name at argv[*i], or NULL. */
static const char *opt_val(char **argv, int argc, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static int apply_args(struct run *r, char **argv, int argc)
{
	const char *v, *map_path = NULL, *resv = NULL;
	int err = 0;

	assert_string_equal(argv[0], "cmdline");
	for (int i = 1; i < argc; i++) {
		if ((v = opt_val(argv, argc, &i, "--style")))
			r->opts.style = strcmp(v, "mips") ? MC_CMDLINE_X86 :
							    MC_CMDLINE_MIPS;
		else if ((v = opt_val(argv, argc, &i, "--escape")))
			r->opts.escape = !strcmp(v, "shell") ? MC_ESCAPE_SHELL :
					 !strcmp(v, "grub") ? MC_ESCAPE_GRUB :
							      MC_ESCAPE_NONE;
		else if ((v = opt_val(argv, argc, &i, "--append"))) {
			snprintf(r->append, sizeof(r->append), "%s", v);
			r->opts.append = r->append;
		} else if ((v = opt_val(argv, argc, &i, "--max")))
			r->opts.max = (size_t)strtoull(v, NULL, 0);
		else if ((v = opt_val(argv, argc, &i, "--policy"))) {
			enum mc_policy p;

			assert_int_equal(mc_policy_parse(v, &p), 0);
			mc_map_set_policy(r->map, p);
		} else if ((v = opt_val(argv, argc, &i, "--resv")))
			resv = v;
		else if ((v = opt_val(argv, argc, &i, "-o")))
			continue;
		else if (!strcmp(argv[i], "--retype"))
			r->opts.flags |= MC_CMDLINE_RETYPE;
		else if (!strcmp(argv[i], "--pram"))
			r->opts.flags |= MC_CMDLINE_PRAM;
		else if (argv[i][0] != '-')
			map_path = argv[i];
		else
			fail_msg("%s: this test does not know the option; teach it",
				 argv[i]);
	}
	assert_non_null(map_path);
	err = mc_map_load_file(r->map, map_path);
	if (!err && resv)
		err = mc_map_load_resv_file(r->map, resv);
	return err ? err : mc_map_carve(r->map);
}

static void golden_case(void **state)
{
	const struct gcase *c = *state;
	struct run r = { .map = mc_map_new() };
	char args[1024], *argv[32], *save = NULL, *got = NULL, *want, *raw;
	int argc = 0;
	size_t size = 0;

	snprintf(args, sizeof(args), "%s", c->args);
	for (char *w = strtok_r(args, " \t", &save); w && argc < 32;
	     w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	r.err = apply_args(&r, argv, argc);
	if (!r.err)
		r.err = mc_cmdline_build(r.map, &r.opts, NULL, &size);
	if (r.err == MC_ENOSPC) {
		got = malloc(size);
		r.err = mc_cmdline_build(r.map, &r.opts, got, &size);
	}
	if (c->fails) {
		char msg[1024];

		/* The tool prints the diagnostic; the file holds what it printed. */
		assert_true(r.err < 0 && r.err != MC_ENOSPC);
		assert_int_equal(mc_map_error_count(r.map), 1);
		snprintf(msg, sizeof(msg), "memcarve: %s\n",
			 mc_map_error(r.map, 0)->msg);
		want = slurp(c->expected);
		assert_string_equal(want, msg);
		free(want);
	} else {
		assert_int_equal(r.err, 0);
		/* The expected file first: a golden --update cannot hide a bug. */
		want = slurp(c->expected);
		raw = calloc(1, strlen(want) + 1);
		assert_non_null(raw);
		unescape(r.opts.escape, want, raw);
		if (r.opts.style == MC_CMDLINE_MIPS ||
		    (r.opts.style == MC_CMDLINE_AUTO &&
		     mc_map_arch(r.map) == MC_ARCH_MIPS))
			check_mips(r.map, raw);
		else
			check_x86(r.map, r.opts.flags, raw);
		free(raw);
		want[strcspn(want, "\n")] = '\0';
		assert_string_equal(want, got);
		free(want);
	}
	free(got);
	mc_map_free(r.map);
}

/* ---- the list ------------------------------------------------------------ */

static size_t read_list(struct gcase *cases, size_t max)
{
	char *text = slurp(LIST), *save = NULL;
	size_t n = 0;

	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char exp[200];
		int at = 0;

		if (sscanf(l, " %199s %n", exp, &at) != 1 || exp[0] == '#')
			continue;
		assert_true(n < max);
		snprintf(cases[n].expected, sizeof(cases[n].expected),
			 "fixtures/%s", exp);
		cases[n].fails = l[at] == '!';
		snprintf(cases[n].args, sizeof(cases[n].args), "%s",
			 l + at + (cases[n].fails ? 1 : 0));
		n++;
	}
	free(text);
	return n;
}

/* The parser itself, on what the kernel documentation promises. */
static void memparse_reads_like_the_kernel(void **state)
{
	const char *end;

	(void)state;
	assert_int_equal(memparse("640K", &end), 640 << 10);
	assert_int_equal(memparse("0x9fc00", &end), 0x9fc00);
	assert_int_equal(memparse("010", &end), 8);	/* octal */
	assert_int_equal(memparse("08", &end), 0);	/* octal stops at 8 */
	assert_string_equal(end, "8");
	assert_int_equal(memparse("1g", &end), 1 << 30);
	assert_int_equal(memparse("1T", &end), 1ull << 40);
	assert_int_equal(memparse("0x", &end), 0);	/* "0x" without digits */
	assert_string_equal(end, "x");
}

int main(void)
{
	static struct gcase cases[128];
	static struct CMUnitTest tests[129];
	size_t n = read_list(cases, 128);

	tests[0] = (struct CMUnitTest)cmocka_unit_test(memparse_reads_like_the_kernel);
	for (size_t i = 0; i < n; i++)
		tests[i + 1] = (struct CMUnitTest){
			.name = cases[i].expected, .test_func = golden_case,
			.initial_state = &cases[i],
		};
	return _cmocka_run_group_tests("cmdline golden", tests, n + 1, NULL, NULL);
}
