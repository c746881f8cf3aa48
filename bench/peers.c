// SPDX-License-Identifier: MIT
/*
 * peers.c - memcarve against dtc and iasl, as whole processes on the same
 * content.
 *
 * For each size: write the map and the peer's source, run both once,
 * check with "memcarve inspect" that the two outputs hold the same
 * regions, then time both. A peer that fails or runs out of time is
 * recorded, and larger sizes are not tried. A peer run that takes more
 * than a few seconds (iasl at 10^4) is timed once: that first run, whose
 * output was checked, is the sample, so that "make bench" stays within
 * its 5 minutes.
 *
 * memcarve writes a file durably (temporary file, fsync, rename); dtc and
 * iasl do not sync. So memcarve is also timed writing to /dev/null, which
 * it writes directly: the difference is the cost of that guarantee.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "peers.h"

#define SLOW_S		3.0	/* a run this long is its own single sample */
#define MC_RUNS		5

struct job {
	const struct peer_opts *o;
	const struct peer_kind *k;
	size_t n;
	struct peer_paths f;
};

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The map and the peer's source for @j->n ranges, written to files. */
static void write_inputs(struct job *j)
{
	struct bbuf text = { 0 }, src = { 0 };
	struct mc_map *map;

	gen_map_text(&text, j->n, j->k->mix, j->o->seed);
	write_file(j->f.map, text.p, text.len);
	map = load_carved(text.p, text.len);
	j->k->source(map, &src);
	write_file(j->f.src, src.p, src.len);
	mc_map_free(map);
	bb_free(&text);
	bb_free(&src);
}

/* "memcarve inspect" of @path into @into; dies if it cannot decode it. */
static void inspect(const struct job *j, const char *path, const char *into)
{
	char *argv[] = { (char *)j->o->tool, "inspect", (char *)path, NULL };
	double s;

	if (run_process(argv, into, j->f.log, 600, &s) != 0)
		die("memcarve inspect %s failed (see %s)", path, j->f.log);
}

/* The inspect output after its first line, which names the file. */
static char *regions_of(const char *path)
{
	struct bbuf b = { 0 };
	FILE *f = fopen(path, "rb");
	char chunk[65536], *nl;
	size_t got;

	if (!f)
		die("cannot read %s", path);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		bb_add(&b, chunk, got);
	fclose(f);
	bb_add(&b, "", 0);
	nl = strchr(b.p, '\n');
	memmove(b.p, nl ? nl + 1 : b.p, strlen(nl ? nl + 1 : b.p) + 1);
	return b.p;
}

static void check_same(const struct job *j)
{
	char a[600], b[600];
	char *ra, *rb;

	path_printf(a, sizeof(a), "%s.inspect", j->f.mc_out);
	path_printf(b, sizeof(b), "%s.inspect", j->f.peer_out);
	inspect(j, j->f.mc_out, a);
	inspect(j, j->f.peer_out, b);
	ra = regions_of(a);
	rb = regions_of(b);
	if (strcmp(ra, rb))
		die("%s and %s describe different regions (diff %s %s)",
		    j->f.mc_out, j->f.peer_out, a, b);
	free(ra);
	free(rb);
}

/* One run of the peer; fills @r->status and returns false on failure. */
static bool peer_once(const struct job *j, char *const *argv,
		      struct peer_result *r, double *secs)
{
	int st = run_process(argv, NULL, j->f.log, j->k->timeout_s, secs);
	char line[160] = "";
	FILE *f;

	if (st == 0)
		return true;
	if (st < 0) {
		snprintf(r->status, sizeof(r->status), "%s: no result after "
			 "%u s (killed)", j->k->peer, j->k->timeout_s);
		return false;
	}
	f = fopen(j->f.log, "r");
	if (f && fgets(line, sizeof(line), f))
		line[strcspn(line, "\n")] = '\0';
	if (f)
		fclose(f);
	snprintf(r->status, sizeof(r->status), "%s failed (%s %d): %s",
		 j->k->peer, st > 128 ? "signal" : "exit",
		 st > 128 ? st - 128 : st, line);
	return false;
}

static double time_runs(char *const *argv, const struct job *j,
			unsigned int runs, unsigned int timeout_s)
{
	double v[MC_RUNS];

	for (unsigned int i = 0; i < runs; i++)
		if (run_process(argv, NULL, j->f.log, timeout_s, &v[i]) != 0)
			die("%s failed while timed (see %s)", argv[0], j->f.log);
	return median(v, runs);
}

/* @argv with the output file replaced by /dev/null, into @out. */
static char **null_argv(char **argv, const char *out_path, char **out)
{
	size_t i;

	for (i = 0; argv[i]; i++)
		out[i] = argv[i] == out_path ? "/dev/null" : argv[i];
	out[i] = NULL;
	return out;
}

static void name_files(struct job *j)
{
	const char *d = j->o->dir, *p = j->k->peer;

	path_printf(j->f.map, sizeof(j->f.map), "%s/%s-%zu.map", d, p, j->n);
	path_printf(j->f.src, sizeof(j->f.src), "%s/%s-%zu.%s", d, p, j->n,
		 j->k->src_ext);
	path_printf(j->f.mc_out, sizeof(j->f.mc_out), "%s/%s-%zu.memcarve.%s", d, p,
		 j->n, j->k->out_ext);
	/* No dot in the prefix: iasl -p takes what follows one as a suffix. */
	path_printf(j->f.prefix, sizeof(j->f.prefix), "%s/%s-%zu-%s", d, p,
		    j->n, p);
	path_printf(j->f.peer_out, sizeof(j->f.peer_out), "%s.%s", j->f.prefix,
		 j->k->out_ext);
	path_printf(j->f.log, sizeof(j->f.log), "%s/%s-%zu.log", d, p, j->n);
}

/* One size: returns false when the peer failed (larger sizes are moot). */
static bool run_size(struct job *j, struct peer_result *r)
{
	char *mc_argv[12], *peer_argv[12], *null[12];
	double first, mc_first;

	name_files(j);
	write_inputs(j);
	j->k->argv(&j->f, j->o->tool, mc_argv, peer_argv);
	if (run_process(mc_argv, NULL, j->f.log, 600, &mc_first) != 0)
		die("memcarve failed on %s (see %s)", j->f.map, j->f.log);
	*r = (struct peer_result){ .n = j->n, .mc_s = mc_first, .mc_runs = 1,
				   .peer_s = -1 };
	if (!peer_once(j, peer_argv, r, &first))
		return false;
	check_same(j);
	r->mc_runs = mc_first > SLOW_S ? 1 : MC_RUNS;
	r->mc_s = r->mc_runs == 1 ? mc_first :
		time_runs(mc_argv, j, r->mc_runs, 600);
	r->peer_runs = first > SLOW_S ? 1 : first > SLOW_S / 10 ? 3 : MC_RUNS;
	r->peer_s = r->peer_runs == 1 ? first :
		time_runs(peer_argv, j, r->peer_runs, j->k->timeout_s);
	r->mc_null_s = time_runs(null_argv(mc_argv, j->f.mc_out, null),
				 j, MC_RUNS, 600);
	snprintf(r->status, sizeof(r->status), "ok, same regions");
	return true;
}

size_t run_peer(const struct peer_opts *o, const struct peer_kind *k,
		struct peer_result *out)
{
	size_t done = 0;

	for (size_t i = 0; i < k->n_sizes; i++) {
		struct job j = { .o = o, .k = k, .n = k->sizes[i] };

		printf("  %s: N = %zu ...\n", k->peer, j.n);
		fflush(stdout);
		if (!run_size(&j, &out[done++]))
			break;
	}
	return done;
}

static void dtc_argv(const struct peer_paths *p, const char *tool, char **mc,
		     char **peer)
{
	/* the generated map is x86's; the tree's content is the same */
	char *m[] = { (char *)tool, "dt", (char *)p->map, "--arch", "arm64",
		      "--memory-nodes", "one", "-o", (char *)p->mc_out, NULL };
	char *d[] = { "dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
		      (char *)p->peer_out, (char *)p->src, NULL };

	memcpy(mc, m, sizeof(m));
	memcpy(peer, d, sizeof(d));
}

static void iasl_argv(const struct peer_paths *p, const char *tool, char **mc,
		      char **peer)
{
	char *m[] = { (char *)tool, "acpi", (char *)p->map, "--table", "dmar",
		      "-o", (char *)p->mc_out, NULL };
	char *a[] = { "iasl", "-p", (char *)p->prefix, (char *)p->src, NULL };

	memcpy(mc, m, sizeof(m));
	memcpy(peer, a, sizeof(a));
}

/*
 * 9000 is where the issue quotes dtc (0.33 s). dtc's parser keeps every
 * sibling of the nodes being read on its stack (bison, 10000 entries), so
 * somewhat below 10^4 nodes in all it stops with "memory exhausted".
 */
static const size_t dtc_sizes[] = { 10, 1000, 9000, 10000, 100000, 1000000 };
/* iasl takes ~9 s at 10^4 and grows quadratically: 10^5 would be ~15 min. */
static const size_t iasl_sizes[] = { 10, 1000, 10000 };

const struct peer_kind peer_dtc = {
	"dtc", "map -> DTB", GEN_MIXED, peer_dts, "dts", "dtb", 120,
	dtc_sizes, sizeof(dtc_sizes) / sizeof(dtc_sizes[0]), dtc_argv,
};

const struct peer_kind peer_iasl = {
	"iasl", "map -> DMAR", GEN_DIRECT, peer_dmar_dsl, "dsl", "aml", 120,
	iasl_sizes, sizeof(iasl_sizes) / sizeof(iasl_sizes[0]), iasl_argv,
};
