// SPDX-License-Identifier: MIT
/*
 * cmd_render.c - "memcarve render": the map as a picture.
 *
 * SVG is written here (svg.c); PNG is that SVG handed to rsvg-convert
 * (Debian's librsvg2-bin), which memcarve does not replace: without it,
 * --format png is refused before anything is written.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "model.h"
#include "svg.h"

#define CONVERTER "rsvg-convert"

extern char **environ;

/* Is @prog an executable on PATH? */
static bool on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char dir[4096];

	while (path && *path) {
		size_t n = strcspn(path, ":");

		if (snprintf(dir, sizeof(dir), "%.*s/%s", (int)n, n ? path : ".",
			     prog) < (int)sizeof(dir) &&
		    access(dir, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/* A new temporary file holding @b; *made says whether it exists. */
static int write_tmp(char *tmpl, const struct cli_buf *b, bool *made)
{
	int fd = mkstemp(tmpl);
	size_t done = 0;

	if (fd < 0)
		return -1;
	*made = true;
	while (done < b->len) {
		ssize_t w = write(fd, b->p + done, b->len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)w;
	}
	return close(fd);
}

/* rsvg-convert SVG -> PNG through two temporary files. */
static int to_png(const struct cli_buf *svg, struct cli_buf *png)
{
	const char *tmp = getenv("TMPDIR");
	char in[4096], out[4096];
	char *argv[] = { CONVERTER, "-f", "png", "-o", out, in, NULL };
	int st = EXIT_INPUT, status = 0;
	bool made_in = false, made_out = false;
	pid_t pid;

	tmp = tmp && *tmp ? tmp : "/tmp";
	snprintf(in, sizeof(in), "%s/memcarve-render-XXXXXX", tmp);
	snprintf(out, sizeof(out), "%s/memcarve-render-XXXXXX", tmp);
	if (write_tmp(in, svg, &made_in) ||
	    write_tmp(out, &(struct cli_buf){ 0 }, &made_out)) {
		cli_error(EXIT_INPUT, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (posix_spawnp(&pid, CONVERTER, NULL, NULL, argv, environ)) {
		cli_error(EXIT_INPUT, "--format png: cannot run %s", CONVERTER);
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		cli_error(EXIT_INPUT, "--format png: %s failed", CONVERTER);
	else
		st = cli_read_file(CONVERTER, out, png);
out:
	if (made_in)
		unlink(in);
	if (made_out)
		unlink(out);
	return st;
}

static int run_render(struct cli *cli)
{
	const char *fmt = cli_opt(cli, "format");
	struct cli_buf svg = { 0 }, png = { 0 };
	struct model m;
	bool want_png = fmt && strcmp(fmt, "png") == 0;
	int st;

	if (fmt && !want_png && strcmp(fmt, "svg"))
		return cli_error(EXIT_USAGE, "--format: '%s' is not svg or png",
				 fmt);
	if (want_png && !on_path(CONVERTER))
		return cli_error(EXIT_INPUT, "--format png needs %s (Debian "
				 "package librsvg2-bin), which is not on PATH; "
				 "--format svg needs nothing", CONVERTER);
	st = model_load(cli, cli->arg[0], true, true, &m);
	if (st == EXIT_OK && svg_render(&svg, &m))
		st = cli_error(EXIT_INPUT, "out of memory");
	if (st == EXIT_OK && want_png)
		st = to_png(&svg, &png);
	if (st == EXIT_OK)
		st = cli_write(cli_opt(cli, "output"), want_png ? &png : &svg);
	cli_buf_free(&svg);
	cli_buf_free(&png);
	model_free(&m);
	return st;
}

static const struct cli_optspec render_opts[] = {
	{ "output", 'o', true, false, "OUT", "write here instead of standard "
	  "output" },
	{ "format", 0, true, false, "FMT", "svg (default) or png (needs "
	  "rsvg-convert)" },
	{ NULL, 0, false, false, NULL, NULL },
};

const struct cli_cmd cli_cmd_render = {
	.name = "render",
	.synopsis = "MAP|FILE [-o OUT] [--format svg|png]",
	.summary = "draw the map and its carved result as a picture",
	.details =
		"Draw a map file, or any output inspect reads (a DTB, an e820 table, a\n"
		"zero page, DMAR/IVRS/IORT, show, slots, a command line), carved, as an\n"
		"SVG picture. The upper lane holds the input ranges (stacked where\n"
		"they overlap), the lower lane the carved result, holes included;\n"
		"a green bar under a piece says RAM still backs it, a dashed outline\n"
		"marks RAM added back by relocate. Colours are Okabe and Ito's\n"
		"colour-blind-safe palette; the legend names each one. The address\n"
		"axis is cut at every edge, and a segment is drawn wider the larger it\n"
		"is (log2 of its size), so a 4K page and a terabyte both show; a gap\n"
		"of 1G or more that nothing covers is drawn short and marked //.\n"
		"Every box has a tooltip (<title>) with its exact range, size and\n"
		"attributes, and a label when it fits. The same input always gives\n"
		"the same bytes.\n\n"
		"--format png converts the SVG with rsvg-convert (Debian package\n"
		"librsvg2-bin) and fails, writing nothing, when it is not installed.",
	.opts = render_opts,
	.min_args = 1,
	.max_args = 1,
	.run = run_render,
};
