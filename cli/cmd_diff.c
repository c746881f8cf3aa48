// SPDX-License-Identifier: MIT
/*
 * cmd_diff.c - "memcarve diff": what changed in the guest's memory
 * between two outputs (or maps), whatever their encoding.
 *
 * Both are read into carved models and compared by meaning (semdiff.c);
 * --allow marks the changes expected. Exit status as diff(1): 0 same,
 * 1 different, 2 trouble.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "semdiff.h"

#define DIFF_TROUBLE 2

struct allow {
	uint64_t first, last;
	char *a, *b;		/* NULL: any */
	unsigned int line;
	bool used;
};

struct diff {
	struct changes ch;
	struct allow *allow;
	size_t n_allow;
	const char *allow_file;
};

/* "A -> B" after the range: each side a meaning as printed, or "*". */
static int allow_sides(struct allow *al, const char *s)
{
	const char *arrow = strstr(s, " -> ");

	if (!arrow)
		return -1;
	if (strncmp(s, "*", (size_t)(arrow - s)) || arrow - s != 1)
		al->a = strndup(s, (size_t)(arrow - s));
	if (strcmp(arrow + 4, "*"))
		al->b = strdup(arrow + 4);
	return 0;
}

/* "FIRST-LAST" or "FIRST-LAST: A -> B"; -1 if it is neither. */
static int parse_allow(struct allow *al, char *line)
{
	char *colon = strchr(line, ':'), *dash;

	if (colon)
		*colon = '\0';
	dash = strchr(line, '-');
	if (!dash)
		return -1;
	*dash = '\0';
	if (mc_parse_number(line, &al->first) ||
	    mc_parse_number(dash + 1, &al->last) || al->last < al->first)
		return -1;
	if (!colon)
		return 0;
	if (colon[1] != ' ')
		return -1;
	return allow_sides(al, colon + 2);
}

/* One line of the file without comment and surrounding blanks. */
static char *trim(char *s)
{
	char *end = s + strcspn(s, "#");

	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\r'))
		end--;
	*end = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int read_allow(struct diff *d, const char *path)
{
	struct cli_buf f = { 0 };
	char *save = NULL, *line;
	unsigned int no = 0;
	int st = cli_read_file("--allow", path, &f);

	if (st != EXIT_OK)
		return DIFF_TROUBLE;
	d->allow_file = strcmp(path, "-") ? path : "<stdin>";
	d->allow = calloc(f.len / 2 + 1, sizeof(*d->allow));
	for (char *p = f.p; d->allow && p && p < f.p + f.len; p = save) {
		save = strchr(p, '\n');
		if (save)
			*save++ = '\0';
		no++;
		line = trim(p);
		if (!*line)
			continue;
		d->allow[d->n_allow].line = no;
		if (parse_allow(&d->allow[d->n_allow++], line)) {
			st = cli_error(DIFF_TROUBLE, "--allow %s:%u: not "
				       "'FIRST-LAST' or 'FIRST-LAST: A -> B' "
				       "(A, B as diff prints them, or *)",
				       d->allow_file, no);
			break;
		}
	}
	if (!d->allow && st == EXIT_OK)
		st = cli_error(DIFF_TROUBLE, "out of memory");
	cli_buf_free(&f);
	return st;
}

/* The first --allow line that covers @c; marks it used. */
static void match_allow(struct diff *d, struct change *c)
{
	for (size_t i = 0; i < d->n_allow; i++) {
		struct allow *al = &d->allow[i];

		if (c->first < al->first || c->last > al->last ||
		    (al->a && strcmp(al->a, c->a)) ||
		    (al->b && strcmp(al->b, c->b)))
			continue;
		al->used = true;
		c->allowed_by = al->line;
		return;
	}
}

static void print_text(struct cli_buf *b, const struct diff *d,
		       const struct model *ma, const struct model *mb)
{
	char range[48];

	if (!d->ch.n)
		return;
	cli_buf_printf(b, "--- %s (%s)\n+++ %s (%s)\n", ma->name, ma->format,
		       mb->name, mb->format);
	for (size_t i = 0; i < d->ch.n; i++) {
		const struct change *c = &d->ch.v[i];

		model_fmt_range(range, sizeof(range), c->first, c->last);
		cli_buf_printf(b, "%s: %s -> %s", range, c->a, c->b);
		if (c->allowed_by)
			cli_buf_printf(b, "  # allowed by %s:%u", d->allow_file,
				       c->allowed_by);
		cli_buf_printf(b, "\n");
	}
}

static void print_side(struct cli_buf *b, const char *key,
		       const struct model *m)
{
	cli_buf_printf(b, "  \"%s\": { \"file\": ", key);
	cli_json_str(b, m->name);
	cli_buf_printf(b, ", \"format\": ");
	cli_json_str(b, m->format);
	cli_buf_printf(b, " },\n");
}

static void print_json(struct cli_buf *b, const struct diff *d,
		       const struct model *ma, const struct model *mb)
{
	cli_buf_printf(b, "{\n");
	print_side(b, "a", ma);
	print_side(b, "b", mb);
	cli_buf_printf(b, "  \"changes\": [");
	for (size_t i = 0; i < d->ch.n; i++) {
		const struct change *c = &d->ch.v[i];

		cli_buf_printf(b, "%s\n    { \"first\": \"0x%" PRIx64 "\", "
			       "\"last\": \"0x%" PRIx64 "\", \"a\": ",
			       i ? "," : "", c->first, c->last);
		cli_json_str(b, c->a);
		cli_buf_printf(b, ", \"b\": ");
		cli_json_str(b, c->b);
		cli_buf_printf(b, ", \"allowed\": %s }",
			       c->allowed_by ? "true" : "false");
	}
	cli_buf_printf(b, "%s]\n}\n", d->ch.n ? "\n  " : "");
}

static void free_diff(struct diff *d)
{
	changes_free(&d->ch);
	for (size_t i = 0; i < d->n_allow; i++) {
		free(d->allow[i].a);
		free(d->allow[i].b);
	}
	free(d->allow);
}

/* The verdict, and a note on every allowed change that did not happen. */
static int verdict(struct diff *d)
{
	bool unexpected = false;

	for (size_t i = 0; i < d->ch.n; i++) {
		match_allow(d, &d->ch.v[i]);
		unexpected |= !d->ch.v[i].allowed_by;
	}
	for (size_t i = 0; i < d->n_allow; i++)
		if (!d->allow[i].used)
			fprintf(stderr, "memcarve: note: --allow %s:%u: no such "
				"change\n", d->allow_file, d->allow[i].line);
	return unexpected ? 1 : 0;
}

static int run_diff(struct cli *cli)
{
	struct model a = { 0 }, b = { 0 };
	struct diff d = { 0 };
	struct cli_buf out = { 0 };
	const char *allow = cli_opt(cli, "allow"), *why;
	int st = allow ? read_allow(&d, allow) : EXIT_OK;

	if (st == EXIT_OK && (model_load(cli, cli->arg[0], true, true, &a) ||
			      model_load(cli, cli->arg[1], true, true, &b)))
		st = DIFF_TROUBLE;
	why = st == EXIT_OK ? semdiff_incomparable(&a, &b) : NULL;
	if (why)
		st = cli_error(DIFF_TROUBLE, "%s (%s) and %s (%s): one %s: "
			       "nothing to compare", a.name, a.format, b.name,
			       b.format, why);
	if (st == EXIT_OK && semdiff(&d.ch, &a, &b))
		st = cli_error(DIFF_TROUBLE, "out of memory");
	if (st == EXIT_OK) {
		int found = verdict(&d);

		(cli_opt(cli, "json") ? print_json : print_text)(&out, &d, &a,
								&b);
		st = cli_write(NULL, &out) == EXIT_OK ? found : DIFF_TROUBLE;
	}
	cli_buf_free(&out);
	free_diff(&d);
	model_free(&a);
	model_free(&b);
	/* diff(1)'s 2 is trouble, said already: not main's usage error */
	if (st == DIFF_TROUBLE)
		exit(DIFF_TROUBLE);
	return st;
}

static const struct cli_optspec diff_opts[] = {
	{ "json", 0, false, false, NULL, "list the changes as JSON" },
	{ "allow", 0, true, false, "FILE",
	  "expected changes: they are marked, and do not make the exit status 1" },
	{ NULL, 0, false, false, NULL, NULL },
};

const struct cli_cmd cli_cmd_diff = {
	.name = "diff",
	.synopsis = "A B [--json] [--allow FILE]",
	.summary = "what changed in guest memory between two outputs or maps",
	.details =
		"Read A and B (each a map, or any output inspect reads), carve both,\n"
		"and print every address range whose meaning changed, in the model's\n"
		"words, one line per change:\n\n"
		"  0x90010000-0x9001ffff: ram (dram0) -> reserved/msi (gits-doorbell)\n\n"
		"A meaning is a kind (hole where nothing is), reserved type, (name),\n"
		"and backed, relocated, reusable, readonly, privileged, node N,\n"
		"access=, devices=, sids= where they apply. Encodings do not matter:\n"
		"DT node order, phandles, checksums, OEM fields, how e820 entries are\n"
		"split.\n"
		"A and B are compared on what both formats say: a DTB against an\n"
		"e820 table compares RAM and reserved ranges without names or types;\n"
		"an ACPI table (DMAR, IVRS, IORT) says only the direct ranges, so the\n"
		"rest of the other side is not compared (and a format without reserved\n"
		"types, such as a DTB or e820, cannot be compared with one); slots\n"
		"and an SRAT say only guest memory (and compare with maps, show,\n"
		"slots and SRATs only). Names are compared where both have one when\n"
		"either format is a DTB (its unnamed ranges get made-up node names).\n"
		"The NUMA node of memory (ram, pmem, hotplug, and the RAM under a\n"
		"backed range) is compared where both say nodes: a map, show, slots,\n"
		"an SRAT, and a DTB when it carries numa-node-id (as Linux takes\n"
		"them); an e820 table, command line, DMAR, IVRS or IORT says none,\n"
		"and makes no node difference.\n\n"
		"--allow FILE lists expected changes, one per line ('#' comments):\n"
		"'FIRST-LAST' allows any change inside the range, 'FIRST-LAST: A -> B'\n"
		"only that change (A and B as printed, or * for any). Allowed changes\n"
		"are still printed, marked '# allowed by FILE:LINE'; a line no change\n"
		"matched gets a note on standard error.\n\n"
		"Exit status as diff(1): 0 no change (or only allowed ones), 1 changes,\n"
		"2 trouble (a file that does not read or carve, a bad --allow line).",
	.opts = diff_opts,
	.min_args = 2,
	.max_args = 2,
	.run = run_diff,
};
