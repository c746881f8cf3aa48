// SPDX-License-Identifier: MIT
/*
 * test_cmdline_golden.c - every golden case of fixtures/golden/cmdline.list,
 * read back the way the kernel reads it.
 *
 * Each case is rebuilt through the library and must equal its expected
 * file. The expected file is then unescaped and read by the model of the
 * kernel's parsing (kernel_model.h: next_arg, memparse, MIPS
 * early_parse_mem/memmap into memblock, x86 parse_memmap_one into e820
 * and its sanitizer), which must give exactly the carved map
 * (kernel_check.h).
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
#include "memcarve-e820.h"
#include "kernel_check.h"
#include "files.h"

#define LIST "fixtures/golden/cmdline.list"

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
		} else if ((v = opt_val(argv, argc, &i, "--max-entries")))
			r->opts.max_entries = (size_t)strtoull(v, NULL, 0);
		else if ((v = opt_val(argv, argc, &i, "--max")))
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
		const struct mc_error *e;
		char msg[1024], opt[64];
		size_t k;

		/*
		 * The tool prints the diagnostic, naming the option for the
		 * field ("opts.max_entries" is --max-entries); the file holds
		 * what it printed.
		 */
		assert_true(r.err < 0 && r.err != MC_ENOSPC);
		assert_int_equal(mc_map_error_count(r.map), 1);
		e = mc_map_error(r.map, 0);
		snprintf(opt, sizeof(opt), "--%s", strncmp(e->field, "opts.", 5) ?
			 e->field : e->field + 5);
		for (char *u = opt; *u; u++)
			*u = *u == '_' ? '-' : *u;
		k = strlen(e->field);
		snprintf(msg, sizeof(msg), "memcarve: %s%s\n",
			 strncmp(e->field, "opts.", 5) ? "" : opt,
			 strncmp(e->field, "opts.", 5) ? e->msg : e->msg + k);
		want = slurp(c->expected, NULL);
		assert_string_equal(want, msg);
		free(want);
	} else {
		assert_int_equal(r.err, 0);
		/* The expected file first: a golden --update cannot hide a bug. */
		want = slurp(c->expected, NULL);
		raw = calloc(1, strlen(want) + 1);
		assert_non_null(raw);
		unescape(r.opts.escape, want, raw);
		if (r.opts.style == MC_CMDLINE_AUTO)
			r.opts.style = mc_map_arch(r.map) == MC_ARCH_MIPS ?
					       MC_CMDLINE_MIPS : MC_CMDLINE_X86;
		kc_check_line(r.map, &r.opts, raw, r.opts.max_entries ?
			      r.opts.max_entries : MC_E820_MAX_ENTRIES_DEFAULT);
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
	char *text = slurp(LIST, NULL), *save = NULL;
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

int main(void)
{
	static struct gcase cases[128];
	static struct CMUnitTest tests[128];
	size_t n = read_list(cases, 128);

	for (size_t i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){
			.name = cases[i].expected, .test_func = golden_case,
			.initial_state = &cases[i],
		};
	return _cmocka_run_group_tests("cmdline golden", tests, n, NULL, NULL);
}
