// SPDX-License-Identifier: MIT
/*
 * memcarve-bench - how memcarve's cost grows with the map, and how it
 * compares with dtc and iasl (issue 8; see bench/README.md).
 *
 *   memcarve-bench [--tool build/memcarve] [--out build/bench] [--seed S]
 *                  [--max-n N] [--no-peers]
 *   memcarve-bench --only STAGE [--max-n N]
 *
 * Prints a table and writes results.tsv and plot.dat into --out. With
 * --rss MAP it is the child that measures peak memory instead; with --only
 * it times one stage and prints nothing else (for a profiler).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "results.h"

#define STAGE_BUDGET_S	0.25	/* sampling time per stage and size */

struct args {
	const char *tool, *out, *rss_map, *self, *only;
	uint64_t seed;
	size_t max_n;
	bool peers;
};

static void usage(void)
{
	fputs("usage: memcarve-bench [--tool MEMCARVE] [--out DIR] [--seed S] "
	      "[--max-n N] [--no-peers]\n"
	      "       memcarve-bench --only STAGE [--max-n N]   (to profile)\n",
	      stderr);
	exit(2);
}

static void parse_args(int argc, char **argv, struct args *a)
{
	*a = (struct args){ "build/memcarve", "build/bench", NULL, argv[0],
			    NULL, 1, 1000000, true };
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--no-peers") == 0) {
			a->peers = false;
			continue;
		}
		if (!v)
			usage();
		if (strcmp(argv[i], "--tool") == 0)
			a->tool = v;
		else if (strcmp(argv[i], "--out") == 0)
			a->out = v;
		else if (strcmp(argv[i], "--only") == 0)
			a->only = v;
		else if (strcmp(argv[i], "--rss") == 0)
			a->rss_map = v;
		else if (strcmp(argv[i], "--seed") == 0)
			a->seed = strtoull(v, NULL, 0);
		else if (strcmp(argv[i], "--max-n") == 0)
			a->max_n = (size_t)strtoull(v, NULL, 0);
		else
			usage();
		i++;
	}
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		die("cannot create %s: %s", path, strerror(errno));
}

/* Every stage (or only the one named @only) at one size. */
static void run_size(struct results *r, size_t k, uint64_t seed,
		     const char *only)
{
	struct bbuf text = { 0 }, base = { 0 };
	struct stage_ctx c;

	gen_map_text(&text, r->sizes[k], GEN_MIXED, seed);
	gen_base_dtb(&base, r->sizes[k]);
	c = (struct stage_ctx){ text.p, text.len,
				load_carved(text.p, text.len), base.p,
				base.len };
	printf("N = %-8zu", r->sizes[k]);
	for (size_t s = 0; s < n_stages; s++) {
		if (only && strcmp(only, stages[s].name))
			continue;
		measure(stages[s].run, &c, stages[s].name, STAGE_BUDGET_S,
			&r->stage[k][s]);
		putchar('.');
		fflush(stdout);
	}
	putchar('\n');
	mc_map_free(c.map);
	bb_free(&text);
	bb_free(&base);
}

/* --only: ns per region of the one stage, at each size. */
static int print_only(const struct results *r, const char *only)
{
	for (size_t s = 0; s < n_stages; s++)
		for (size_t k = 0; s < n_stages && k < r->n_sizes; k++)
			if (strcmp(stages[s].name, only) == 0)
				printf("%s N = %zu: %.1f ns/region (%u samples "
				       "of %u)\n", only, r->sizes[k],
				       r->stage[k][s].median_ns /
					       (double)r->sizes[k],
				       r->stage[k][s].samples,
				       r->stage[k][s].batch);
	return 0;
}

/* The typical map, end to end: parse, carve, slots, every emitter. */
static int typical_once(void *p)
{
	const char *text = p;
	struct stage_ctx c = { text, strlen(text), mc_map_new(), NULL, 0 };
	int err = c.map ? mc_map_load(c.map, "typical.map", c.text, c.len) :
			  MC_ENOMEM;

	if (!err)
		err = run_pipeline(&c);
	mc_map_free(c.map);
	return err;
}

static void run_typical(struct results *r)
{
	const char *text = gen_typical_map();
	struct mc_map *map = load_carved(text, strlen(text));

	mc_map_input(map, &r->typical_regions);
	mc_map_free(map);
	measure(typical_once, (void *)text, "the typical map", 1.0,
		&r->typical);
}

/* The 1-minute load average: other work on the machine skews every figure. */
static double load_average(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double load = -1;

	if (f && fscanf(f, "%lf", &load) != 1)
		load = -1;
	if (f)
		fclose(f);
	return load;
}

/* VmHWM (peak RSS) of this process, in KiB. */
static double peak_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	double kib = -1;

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kib = strtod(line + 6, NULL);
	if (f)
		fclose(f);
	return kib;
}

/* The child: load a map file, carve, every emitter; report the peak. */
static int rss_child(const char *path)
{
	struct stage_ctx c = { NULL, 0, mc_map_new(), NULL, 0 };
	double before = peak_rss_kib();

	if (!c.map || mc_map_load_file(c.map, path))
		die_map(c.map, "loading the map");
	if (run_pipeline(&c))
		die_map(c.map, "the pipeline");
	printf("%.0f %.0f\n", before, peak_rss_kib());
	mc_map_free(c.map);
	return 0;
}

/* A fresh process, so that nothing of ours inflates its peak. */
static void run_rss(struct results *r, const struct args *a, char *work)
{
	char map[600], out[600], *argv[] = { (char *)a->self, "--rss", map, NULL };
	struct bbuf text = { 0 };
	double secs;
	FILE *f;

	r->rss_n = r->sizes[r->n_sizes - 1];
	path_printf(map, sizeof(map), "%s/rss-%zu.map", work, r->rss_n);
	path_printf(out, sizeof(out), "%s/rss-%zu.out", work, r->rss_n);
	gen_map_text(&text, r->rss_n, GEN_MIXED, a->seed);
	write_file(map, text.p, text.len);
	bb_free(&text);
	if (run_process(argv, out, NULL, 600, &secs) != 0)
		die("the RSS child failed on %s", map);
	f = fopen(out, "r");
	if (!f || fscanf(f, "%lf %lf", &r->rss_base_kib, &r->rss_kib) != 2)
		die("no RSS figures in %s", out);
	fclose(f);
}

static void run_peers(struct results *r, const struct args *a,
		      const char *work)
{
	struct peer_opts o = { a->tool, work, a->seed };

	printf("peers (whole processes):\n");
	r->n_dtc = run_peer(&o, &peer_dtc, r->dtc);
	r->n_iasl = run_peer(&o, &peer_iasl, r->iasl);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 10, 1000, 10000, 100000, 1000000 };
	static struct results r;
	struct args a;
	char work[600];

	parse_args(argc, argv, &a);
	if (a.rss_map)
		return rss_child(a.rss_map);
	r.seed = a.seed;
	r.load_before = load_average();
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (sizes[i] <= a.max_n)
			r.sizes[r.n_sizes++] = sizes[i];
	if (!r.n_sizes || n_stages > MAX_STAGES)
		usage();
	make_dir(a.out);
	path_printf(work, sizeof(work), "%s/work", a.out);
	make_dir(work);
	printf("in-process stages (median of repeated runs after a warm-up):\n");
	for (size_t k = 0; k < r.n_sizes; k++)
		run_size(&r, k, a.seed, a.only);
	if (a.only)
		return print_only(&r, a.only);
	run_typical(&r);
	run_rss(&r, &a, work);
	if (a.peers)
		run_peers(&r, &a, work);
	r.load_after = load_average();
	report_print(&r);
	report_write(&r, a.out);
	return 0;
}
