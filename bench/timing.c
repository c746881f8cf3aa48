// SPDX-License-Identifier: MIT
/*
 * timing.c - median time of a call, with warm-up and batching.
 *
 * The median, not the mean: a 2-core VM sees the odd long preemption, and
 * one of those would move a mean by more than the effect being measured.
 * Calls shorter than 50 us are timed in batches so that the clock's cost
 * (under a microsecond) stays below 2 % of a sample.
 *
 * The clock is the thread's CPU time unless --wall asks for the wall
 * clock. On a machine shared with other jobs a long call (ms at 10^6
 * ranges) is preempted many times and a short one (us at 10^3) seldom,
 * so wall time inflates exactly the growth figure the benchmark reports;
 * CPU time counts what the call itself ran, page faults included. What the
 * other jobs do to the shared caches and memory bus still shows in it.
 */
#include <math.h>
#include <stdlib.h>
#include <time.h>
#include "bench.h"

#define MIN_SAMPLE_NS	50000.0
#define MIN_SAMPLES	5
#define LONG_NS		2e8	/* calls this long: 3 samples are enough */
#define MAX_SAMPLES	101

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The clock of a sample: this thread's CPU time, or the wall clock. */
static uint64_t sample_clock_ns(bool wall)
{
	struct timespec ts;

	clock_gettime(wall ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nanoseconds per call over one batch of @batch calls. */
static double sample(int (*fn)(void *), void *ctx, const char *what,
		     unsigned int batch, bool wall)
{
	uint64_t t0 = sample_clock_ns(wall);

	for (unsigned int i = 0; i < batch; i++)
		if (fn(ctx))
			die("%s failed while timed", what);
	return (double)(sample_clock_ns(wall) - t0) / batch;
}

void measure(int (*fn)(void *), void *ctx, const char *what,
	     double budget_s, bool wall, struct timing *t)
{
	double v[MAX_SAMPLES], once;
	unsigned int n;

	/*
	 * Warm-up (caches, first page faults, lazy binding), timed to size
	 * the batches: it is not a sample.
	 */
	once = sample(fn, ctx, what, 1, wall);
	if (once < LONG_NS)	/* a second warm-up is cheap: settle first */
		once = sample(fn, ctx, what, 1, wall);
	t->batch = once >= MIN_SAMPLE_NS ? 1 :
		(unsigned int)ceil(MIN_SAMPLE_NS / (once > 1 ? once : 1));
	n = (unsigned int)(budget_s * 1e9 / (once * t->batch));
	if (n < MIN_SAMPLES)
		n = once >= LONG_NS ? 3 : MIN_SAMPLES;
	n = n > MAX_SAMPLES ? MAX_SAMPLES : n;
	for (unsigned int i = 0; i < n; i++)
		v[i] = sample(fn, ctx, what, t->batch, wall);
	qsort(v, n, sizeof(v[0]), by_value);
	t->samples = n;
	t->min_ns = v[0];
	t->median_ns = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
