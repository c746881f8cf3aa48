// SPDX-License-Identifier: MIT
/*
 * test_dt_scan.c - dt/scan.c answers what the NUMA decoder used to ask
 * libfdt, as libfdt answers it, on every DTB fixture and on trees built to
 * put the answer where a walk could miss it:
 *  - ppc: fdt_path_offset("/rtas") or fdt_path_offset("/ibm,opal") finds
 *    a node (a unit address matches too);
 *  - distance_map: fdt_node_offset_by_compatible(-1,
 *    "numa-distance-map-v1"), the first such node in tree order, the root
 *    included, its compatible a string list.
 * The scan walks the tree once; each libfdt search was a walk of its own.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>
#include "dt/dt-internal.h"
#include "files.h"

#define FIXTURES "fixtures/dt/"

static void same_as_libfdt(const void *fdt, const char *what)
{
	struct dt_scan s;
	bool ppc = fdt_path_offset(fdt, "/rtas") >= 0 ||
		   fdt_path_offset(fdt, "/ibm,opal") >= 0;
	int map = fdt_node_offset_by_compatible(fdt, -1,
						"numa-distance-map-v1");

	assert_int_equal(dt_scan(fdt, &s), 0);
	if (s.ppc != ppc || s.distance_map != (map < 0 ? -1 : map))
		fail_msg("%s: scan says ppc %d, distance-map %d; libfdt %d, %d",
			 what, s.ppc, s.distance_map, ppc, map);
	dt_scan_free(&s);
}

/* Every DTB fixture libfdt takes. */
static void the_fixtures(void **state)
{
	DIR *d = opendir(FIXTURES);
	struct dirent *e;
	size_t n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[512];
		size_t len;
		void *fdt;

		if (!strstr(e->d_name, ".dtb"))
			continue;
		snprintf(path, sizeof(path), FIXTURES "%s", e->d_name);
		fdt = slurp(path, &len);
		if (fdt_check_full(fdt, len) == 0) {
			same_as_libfdt(fdt, path);
			n++;
		}
		free(fdt);
	}
	closedir(d);
	assert_true(n >= 10);
}

/*
 * A tree with @root_compat on the root, a deep subtree first, then
 * @second (a root child) with @compat of @len bytes.
 */
static void *tree(const char *root_compat, const char *second,
		  const char *compat, int len)
{
	void *fdt = malloc(4096);

	assert_non_null(fdt);
	assert_int_equal(fdt_create(fdt, 4096), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	if (root_compat)
		assert_int_equal(fdt_property_string(fdt, "compatible",
						     root_compat), 0);
	assert_int_equal(fdt_begin_node(fdt, "soc"), 0);
	assert_int_equal(fdt_begin_node(fdt, "rtas-like"), 0);
	assert_int_equal(fdt_property_string(fdt, "compatible", "x,rtas"), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, second), 0);
	if (compat)
		assert_int_equal(fdt_property(fdt, "compatible", compat, len), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	return fdt;
}

static void built_trees(void **state)
{
	static const char two[] = "vendor,map\0numa-distance-map-v1";
	static const char tail[] = "numa-distance-map-v1x";
	void *t[] = {
		tree(NULL, "rtas", NULL, 0),
		tree(NULL, "rtas@1000", NULL, 0),
		tree(NULL, "ibm,opal", NULL, 0),
		tree(NULL, "rtasx", NULL, 0),		/* not /rtas */
		tree(NULL, "distance-map", two, sizeof(two)),
		tree(NULL, "distance-map", tail, sizeof(tail)),
		tree("numa-distance-map-v1", "distance-map", two, sizeof(two)),
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char what[32];

		snprintf(what, sizeof(what), "tree %zu", i);
		same_as_libfdt(t[i], what);
		free(t[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_fixtures),
		cmocka_unit_test(built_trees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
