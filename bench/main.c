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
 * --cold MAP DTB it is the child that measures one cold pass and peak
 * memory instead; with --only it times one stage and prints nothing else
 * (for a profiler).
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "results.h"

#define STAGE_BUDGET_S	0.3	/* sampling time per stage and size */
#define ROUNDS		3	/* passes over every size */

struct args {
	const char *tool, *out, *cold_map, *cold_base, *self, *only, *profile;
	uint64_t seed;
	size_t max_n, profile_n;
	bool peers, wall;
};

static void usage(void)
{
	fputs("usage: memcarve-bench [--tool MEMCARVE] [--out DIR] [--seed S] "
	      "[--max-n N] [--no-peers] [--wall]\n"
	      "       memcarve-bench --only STAGE [--max-n N]   (to profile)\n"
	      "       memcarve-bench --profile STAGE N   (one call, for callgrind)\n",
	      stderr);
	exit(2);
}

static void parse_args(int argc, char **argv, struct args *a)
{
	*a = (struct args){ "build/memcarve", "build/bench", NULL, NULL,
			    argv[0], NULL, NULL, 1, 1000000, 0, true, false };
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--no-peers") == 0) {
			a->peers = false;
			continue;
		}
		if (strcmp(argv[i], "--wall") == 0) {
			a->wall = true;
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
		else if (strcmp(argv[i], "--cold") == 0 && i + 2 < argc) {
			a->cold_map = v;
			a->cold_base = argv[i + 2];
			i++;
		}
		else if (strcmp(argv[i], "--profile") == 0 && i + 2 < argc) {
			a->profile = v;
			a->profile_n = (size_t)strtoull(argv[i + 2], NULL, 0);
			i++;
		}
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

/*
 * Steady state: freed memory stays in the process (no mmap'ed chunks, no
 * trimming), so a repeated call reuses pages at 10^6 as it does at 10^5.
 * glibc's default maps every chunk over 32 MiB afresh and unmaps it on
 * free, so each call at 10^6 would pay a page fault per 4 KiB it touches
 * (1.7 us on this kind of VM): a cost of the first call, which the cold
 * pass (run_cold) reports on its own.
 */
static void steady_allocator(void)
{
	if (!mallopt(M_MMAP_MAX, 0) || !mallopt(M_TRIM_THRESHOLD, INT_MAX))
		fputs("memcarve-bench: mallopt() refused (valgrind?): large "
		      "sizes will include page faults\n", stderr);
}

/* One size's inputs: the map text, the base tree, the carved map. */
struct size_input {
	struct bbuf text, base;
	struct stage_ctx c;
};

static int by_median(const void *a, const void *b)
{
	const struct timing *x = a, *y = b;

	return (x->median_ns > y->median_ns) - (x->median_ns < y->median_ns);
}

/* The median round of @n, its minimum the least of all, samples summed. */
static void combine(struct timing *t, size_t n, struct timing *out)
{
	double min = t[0].min_ns;
	unsigned int samples = 0;

	for (size_t i = 0; i < n; i++) {
		min = t[i].min_ns < min ? t[i].min_ns : min;
		samples += t[i].samples;
	}
	qsort(t, n, sizeof(*t), by_median);
	*out = t[n / 2];
	out->min_ns = min;
	out->samples = samples;
}

/*
 * Every stage (or only the one named @only) at every size, in ROUNDS
 * passes over all sizes: this VM's speed drifts for seconds at a time,
 * and a slow spell should cost one round of a few figures, not a whole
 * size. Each figure is the median of its rounds' medians.
 */
static void run_sizes(struct results *r, uint64_t seed, const char *only,
		      bool wall)
{
	static struct size_input in[MAX_SIZES];
	static struct timing t[MAX_SIZES][MAX_STAGES][ROUNDS];

	for (size_t k = 0; k < r->n_sizes; k++) {
		gen_map_text(&in[k].text, r->sizes[k], GEN_MIXED, seed);
		gen_base_dtb(&in[k].base, r->sizes[k]);
		in[k].c = (struct stage_ctx){
			.text = in[k].text.p, .len = in[k].text.len,
			.map = load_carved(in[k].text.p, in[k].text.len),
			.base = in[k].base.p, .base_len = in[k].base.len };
	}
	for (unsigned int round = 0; round < ROUNDS; round++) {
		printf("round %u of %u ", round + 1, ROUNDS);
		for (size_t k = 0; k < r->n_sizes; k++)
			for (size_t s = 0; s < n_stages; s++) {
				if (only && strcmp(only, stages[s].name))
					continue;
				measure(stages[s].run, &in[k].c,
					stages[s].name,
					STAGE_BUDGET_S / ROUNDS, wall,
					&t[k][s][round]);
				putchar('.');
				fflush(stdout);
			}
		putchar('\n');
	}
	for (size_t k = 0; k < r->n_sizes; k++) {
		for (size_t s = 0; s < n_stages; s++)
			if (!only || !strcmp(only, stages[s].name))
				combine(t[k][s], ROUNDS, &r->stage[k][s]);
		mc_map_free(in[k].c.map);
		bb_free(&in[k].text);
		bb_free(&in[k].base);
	}
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
	struct stage_ctx c = { .text = text, .len = strlen(text),
			       .map = mc_map_new() };
	int err = c.map ? mc_map_load(c.map, "typical.map", c.text, c.len) :
			  MC_ENOMEM;

	if (!err)
		err = run_pipeline(&c);
	mc_map_free(c.map);
	return err;
}

static void run_typical(struct results *r, bool wall)
{
	const char *text = gen_typical_map();
	struct mc_map *map = load_carved(text, strlen(text));

	mc_map_input(map, &r->typical_regions);
	mc_map_free(map);
	measure(typical_once, (void *)text, "the typical map", 1.0, wall,
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

/* The stage called @name; every name asked for exists. */
static const struct stage *stage_named(const char *name)
{
	for (size_t s = 0; s < n_stages; s++)
		if (strcmp(stages[s].name, name) == 0)
			return &stages[s];
	die("no stage %s", name);
}

/*
 * The child, a fresh process with glibc's default allocator: load a map
 * file, then carve and run every emitter once, as a VMM does at boot;
 * DT patch last, over the base tree from @base_path. Reports the peak RSS
 * before the base is read (what the map costs) and the time of that one
 * cold pass, page faults of every fresh buffer included.
 */
static int cold_child(const char *path, const char *base_path)
{
	struct stage_ctx c = { .map = mc_map_new() };
	double before = peak_rss_kib(), peak;
	struct bbuf base = { 0 };
	uint64_t t0, t1, t2, t3;

	if (!c.map || mc_map_load_file(c.map, path))
		die_map(c.map, "loading the map");
	t0 = now_ns();
	if (run_pipeline(&c))
		die_map(c.map, "the pipeline");
	t1 = now_ns();
	peak = peak_rss_kib();
	read_file(base_path, &base);
	c.base = base.p;
	c.base_len = base.len;
	t2 = now_ns();
	if (stage_named("dt-patch")->run(&c))
		die_map(c.map, "DT patch");
	t3 = now_ns();
	printf("%.0f %.0f %.9f\n", before, peak,
	       (double)(t1 - t0 + t3 - t2) / 1e9);
	bb_free(&base);
	mc_map_free(c.map);
	return 0;
}

/*
 * The call a profiler counts: valgrind --tool=callgrind
 * --toggle-collect=profiled_call counts one call of the stage, after a
 * warm-up call, and none of the setup.
 */
__attribute__((noinline)) int profiled_call(const struct stage *s,
					    struct stage_ctx *c);
__attribute__((noinline)) int profiled_call(const struct stage *s,
					    struct stage_ctx *c)
{
	return s->run(c);
}

/* --profile STAGE N: the map of @n ranges, the stage called twice. */
static int profile_once(const char *name, size_t n, uint64_t seed)
{
	const struct stage *s = stage_named(name);
	struct bbuf text = { 0 }, base = { 0 };
	struct stage_ctx c;

	gen_map_text(&text, n, GEN_MIXED, seed);
	gen_base_dtb(&base, n);
	c = (struct stage_ctx){ .text = text.p, .len = text.len,
				.map = load_carved(text.p, text.len),
				.base = base.p, .base_len = base.len };
	if (s->run(&c) || profiled_call(s, &c))
		die_map(c.map, name);
	mc_map_free(c.map);
	bb_free(&text);
	bb_free(&base);
	return 0;
}

/* A fresh process, so that nothing of ours inflates its peak or warms it. */
static void run_cold(struct results *r, const struct args *a, char *work)
{
	char map[600], dtb[600], out[600];
	char *argv[] = { (char *)a->self, "--cold", map, dtb, NULL };
	struct bbuf text = { 0 }, base = { 0 };
	double secs;
	FILE *f;

	r->rss_n = r->sizes[r->n_sizes - 1];
	path_printf(map, sizeof(map), "%s/cold-%zu.map", work, r->rss_n);
	path_printf(dtb, sizeof(dtb), "%s/cold-%zu.dtb", work, r->rss_n);
	path_printf(out, sizeof(out), "%s/cold-%zu.out", work, r->rss_n);
	gen_map_text(&text, r->rss_n, GEN_MIXED, a->seed);
	write_file(map, text.p, text.len);
	gen_base_dtb(&base, r->rss_n);
	write_file(dtb, base.p, base.len);
	bb_free(&text);
	bb_free(&base);
	if (run_process(argv, out, NULL, 600, &secs) != 0)
		die("the cold child failed on %s", map);
	f = fopen(out, "r");
	if (!f || fscanf(f, "%lf %lf %lf", &r->rss_base_kib, &r->rss_kib,
			 &r->cold_s) != 3)
		die("no figures in %s", out);
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
	if (a.cold_map)
		return cold_child(a.cold_map, a.cold_base);
	steady_allocator();
	if (a.profile)
		return profile_once(a.profile, a.profile_n, a.seed);
	r.seed = a.seed;
	r.wall_clock = a.wall;
	r.load_before = load_average();
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (sizes[i] <= a.max_n)
			r.sizes[r.n_sizes++] = sizes[i];
	if (!r.n_sizes || n_stages > MAX_STAGES)
		usage();
	make_dir(a.out);
	path_printf(work, sizeof(work), "%s/work", a.out);
	make_dir(work);
	printf("in-process stages (median of %d rounds, each the median of repeated "
	       "runs after a warm-up; %s):\n", ROUNDS,
	       a.wall ? "wall clock" : "thread CPU time");
	run_sizes(&r, a.seed, a.only, a.wall);
	if (a.only)
		return print_only(&r, a.only);
	run_typical(&r, a.wall);
	run_cold(&r, &a, work);
	if (a.peers)
		run_peers(&r, &a, work);
	r.load_after = load_average();
	report_print(&r);
	report_write(&r, a.out);
	return 0;
}
