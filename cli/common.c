// SPDX-License-Identifier: MIT
/*
 * common.c - loading the map for a command, and shared formatting.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "memcarve-host.h"

int cli_error(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("memcarve: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

const char *cli_opt_nth(const struct cli *cli, const char *name, size_t i)
{
	for (size_t k = 0; k < cli->n_opt; k++)
		if (strcmp(cli->opt[k].spec->name, name) == 0 && i-- == 0)
			return cli->opt[k].val;
	return NULL;
}

const char *cli_opt(const struct cli *cli, const char *name)
{
	const char *v = NULL;

	for (size_t k = 0; k < cli->n_opt; k++)
		if (strcmp(cli->opt[k].spec->name, name) == 0)
			v = cli->opt[k].val;
	return v;
}

/*
 * The library names the struct field at fault ("opts.base",
 * "opts.setup_data_addr"); the tool's user knows the option that set it.
 * A member of opts, boot or rules is the option of the same name, with
 * dashes; these few are not.
 */
static void option_of(const char *field, char *opt, size_t len)
{
	static const char *const special[][2] = {
		{ "image", "--kernel" },
		{ "addr", "--rsdp" },
		{ "opts.layout", "--memory-nodes" },
		{ "opts.drop_base_memreserve", "--drop-memreserve" },
	};
	const char *dot = strchr(field, '.');

	*opt = '\0';
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (strcmp(field, special[i][0]) == 0) {
			snprintf(opt, len, "%s", special[i][1]);
			return;
		}
	if (!dot || (strncmp(field, "opts.", 5) && strncmp(field, "boot.", 5) &&
		     strncmp(field, "rules.", 6)))
		return;
	snprintf(opt, len, "--%s", dot + 1);
	for (char *c = opt; *c; c++)
		if (*c == '_')
			*c = '-';
}

int cli_print_errors(const struct mc_map *map)
{
	size_t n = mc_map_error_count(map);

	for (size_t i = 0; i < n; i++) {
		const struct mc_error *e = mc_map_error(map, i);
		size_t k = strlen(e->field);
		char opt[48] = "";

		/* "vm.map:7: ..." names its place; the rest name the tool */
		if (!e->source[0] && k && strncmp(e->msg, e->field, k) == 0 &&
		    e->msg[k] == ':')
			option_of(e->field, opt, sizeof(opt));
		fprintf(stderr, "%s%s%s\n", e->source[0] ? "" : "memcarve: ",
			opt, *opt ? e->msg + k : e->msg);
	}
	if (mc_map_errors_dropped(map))
		fprintf(stderr, "memcarve: %zu more errors not shown\n",
			mc_map_errors_dropped(map));
	return EXIT_INPUT;
}

int cli_read_file(const char *what, const char *path, struct cli_buf *b)
{
	struct mc_map *scratch = mc_map_new();	/* holds the diagnostic */
	void *data = NULL;
	size_t len = 0;
	int err = scratch ? mc_read_file(scratch, path, &data, &len) : MC_ENOMEM;

	if (err && scratch)
		cli_error(EXIT_INPUT, "%s%s%s", what ? what : "", what ? ": " : "",
			  mc_map_error(scratch, 0)->msg);
	else if (err)
		cli_error(EXIT_INPUT, "out of memory");
	mc_map_free(scratch);
	if (err)
		return EXIT_INPUT;
	cli_buf_free(b);
	b->p = data;
	b->len = len;
	b->cap = len + 1;
	return EXIT_OK;
}

int cli_opt_number(const struct cli *cli, const char *name, uint64_t max,
		   uint64_t *out)
{
	const char *v = cli_opt(cli, name);
	uint64_t n;
	char limit[40] = "";

	if (!v)
		return EXIT_OK;
	if (mc_parse_number(v, &n) == 0 && n <= max) {
		*out = n;
		return EXIT_OK;
	}
	if (max != UINT64_MAX)
		snprintf(limit, sizeof(limit), " up to 0x%" PRIx64, max);
	return cli_error(EXIT_USAGE,
			 "--%s: '%s' is not a number%s (decimal or 0x hex, "
			 "optional K/M/G/T)",
			 name, v, limit);
}

int cli_opt_numnodes(const struct cli *cli, uint32_t *out)
{
	uint64_t n = *out;
	int st = cli_opt_number(cli, "max-numnodes", 1024, &n);

	if (st != EXIT_OK)
		return st;
	if (cli_opt(cli, "max-numnodes") && (n < 2 || (n & (n - 1))))
		return cli_error(EXIT_USAGE,
				 "--max-numnodes: %" PRIu64 " is not a power "
				 "of two 2..1024 (Linux's MAX_NUMNODES is "
				 "1 << CONFIG_NODES_SHIFT, 1..10)", n);
	*out = (uint32_t)n;
	return EXIT_OK;
}

static const char *arch_word(int i)
{
	return mc_arch_name((enum mc_arch)i);
}

static const char *policy_word(int i)
{
	return mc_policy_name((enum mc_policy)i);
}

/*
 * The words the library names from 1 up (0 is "none" or "default", never
 * written), listed for a usage message: the library's tables, not a copy.
 */
static const char *words_of(const char *(*word)(int), char *buf, size_t size)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 1; word(i) && at < size; i++)
		at += (size_t)snprintf(buf + at, size - at, "%s%s",
				       i > 1 ? ", " : "", word(i));
	return buf;
}

/*
 * --arch, --policy, --granule: checked before any command runs (a bad one
 * is a usage error), applied to the map so its own statements yield.
 */
static int apply_globals(const struct cli *cli, struct mc_map *map)
{
	char words[128];
	const char *v;
	uint64_t g;

	if ((v = cli_opt(cli, "arch"))) {
		enum mc_arch a;

		if (mc_arch_parse(v, &a))
			return cli_error(EXIT_USAGE,
					 "--arch: '%s' is not one of %s", v,
					 words_of(arch_word, words,
						  sizeof(words)));
		if (map)
			mc_map_set_arch(map, a);
	}
	if ((v = cli_opt(cli, "policy"))) {
		enum mc_policy p;

		if (mc_policy_parse(v, &p))
			return cli_error(EXIT_USAGE,
					 "--policy: '%s' is not one of %s", v,
					 words_of(policy_word, words,
						  sizeof(words)));
		if (map)
			mc_map_set_policy(map, p);
	}
	if ((v = cli_opt(cli, "granule"))) {
		if (mc_parse_number(v, &g) || (g & (g - 1)) || !g)
			return cli_error(EXIT_USAGE,
					 "--granule: '%s' is not a power of two "
					 "(decimal or 0x hex, optional K/M/G/T)",
					 v);
		if (g < MC_GRANULE_MIN)
			return cli_error(EXIT_USAGE,
					 "--granule: '%s' is below the 4K page "
					 "size KVM maps memory in", v);
		if (map)
			mc_map_set_granule(map, g);
	}
	return EXIT_OK;
}

int cli_check_globals(const struct cli *cli)
{
	int st = apply_globals(cli, NULL);

	return st == EXIT_OK ? cli_check_host(cli) : st;
}

/* A guest with no memory boots nothing: every command refuses it. */
static bool has_ram(const struct cli *cli, struct mc_map *map)
{
	const struct mc_totals *t = mc_map_totals(map);
	const char *src = !strcmp(cli->arg[0], "-") ? "<stdin>" : cli->arg[0];

	if (t->ram_before == 0)
		mc_map_report(map, MC_EINVAL, NULL, "%s: the map declares no "
			      "RAM: a guest needs at least one 'ram' range", src);
	else if (t->ram_after == 0)
		mc_map_report(map, MC_EINVAL, NULL, "%s: no RAM left: carving "
			      "took all 0x%llx bytes the map declares", src,
			      (unsigned long long)t->ram_before);
	return t->ram_after != 0;
}

/* The map at cli->arg[0], or in @text when not NULL (read already). */
static struct mc_map *load_map(const struct cli *cli, const char *text,
			       size_t len)
{
	const char *src = !strcmp(cli->arg[0], "-") ? "<stdin>" : cli->arg[0];
	struct mc_map *map;
	int err;

	if (cli->map)
		return cli->map;
	map = mc_map_new();
	if (!map) {
		cli_error(EXIT_INPUT, "out of memory");
		return NULL;
	}
	if (apply_globals(cli, map) != EXIT_OK) {
		mc_map_free(map);
		return NULL;
	}
	/* text read from a file: its resv statements are beside it */
	err = text ? mc_map_load_file_text(map, src, text, len) :
		     mc_map_load_file(map, cli->arg[0]);
	if (!err)
		err = cli_load_host(cli, map);
	if (!err)
		err = mc_map_carve(map);
	if (err || !has_ram(cli, map)) {
		cli_print_errors(map);
		mc_map_free(map);
		return NULL;
	}
	return map;
}

struct mc_map *cli_load_map(const struct cli *cli)
{
	return load_map(cli, NULL, 0);
}

struct mc_map *cli_load_map_text(const struct cli *cli, const char *text,
				 size_t len)
{
	return load_map(cli, text, len);
}

void cli_map_free(const struct cli *cli, struct mc_map *map)
{
	if (map != cli->map)
		mc_map_free(map);
}

int cli_require_arch(const struct mc_map *map, const char *what,
		     unsigned int archs)
{
	enum mc_arch a = mc_map_arch(map);
	char names[64] = "";

	if (a == MC_ARCH_NONE || (archs & (1u << a)))
		return EXIT_OK;
	for (int i = MC_ARCH_NONE + 1; mc_arch_name((enum mc_arch)i); i++) {
		if (!(archs & (1u << i)))
			continue;
		archs &= ~(1u << i);	/* the last one is joined by "or" */
		snprintf(names + strlen(names), sizeof(names) - strlen(names),
			 "%s%s", !names[0] ? "" : archs ? ", " : " or ",
			 mc_arch_name((enum mc_arch)i));
	}
	return cli_error(EXIT_INPUT, "%s is for %s guests, and the map's arch "
			 "is %s; give --arch to write it anyway", what, names,
			 mc_arch_name(a));
}

int cli_run_report(struct cli *cli, cli_report_fn table, cli_report_fn json)
{
	struct mc_map *map = cli_load_map(cli);
	struct cli_buf b = { 0 };
	int st;

	if (!map)
		return EXIT_INPUT;
	(cli_opt(cli, "json") ? json : table)(&b, map);
	st = cli_write(cli_opt(cli, "output"), &b);
	cli_buf_free(&b);
	cli_map_free(cli, map);
	return st;
}

void cli_fmt_size(char *buf, size_t len, uint64_t first, uint64_t last)
{
	if (first == 0 && last == UINT64_MAX)
		snprintf(buf, len, "0x10000000000000000");
	else
		snprintf(buf, len, "0x%" PRIx64, last - first + 1);
}

/*
 * "640K" or "4075M" when a binary suffix says it exactly in at most four
 * digits; else hex, which is exact and easier to read than "4194240K".
 */
void cli_fmt_human(char *buf, size_t len, uint64_t bytes)
{
	static const char suffix[] = "KMGT";

	for (int i = 3; i >= 0; i--) {
		uint64_t unit = (uint64_t)1 << (10 * (i + 1));

		if (bytes && bytes % unit == 0 && bytes / unit < 10000) {
			snprintf(buf, len, "%" PRIu64 "%c", bytes / unit,
				 suffix[i]);
			return;
		}
	}
	if (bytes < 10000)
		snprintf(buf, len, "%" PRIu64, bytes);
	else
		snprintf(buf, len, "0x%" PRIx64, bytes);
}

void cli_json_str(struct cli_buf *b, const char *s)
{
	if (!s) {
		cli_buf_printf(b, "null");
		return;
	}
	cli_buf_add(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			cli_buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			cli_buf_printf(b, "\\u%04x", c);
		else
			cli_buf_add(b, s, 1);
	}
	cli_buf_add(b, "\"", 1);
}

bool cli_is_direct(int kind, int type)
{
	return kind == MC_RESERVED && (type == MC_RESV_DIRECT ||
				       type == MC_RESV_DIRECT_RELAXABLE);
}
