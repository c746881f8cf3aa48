// SPDX-License-Identifier: MIT
/*
 * test_dt_sw.c - dt/sw.c, the emitter's hand-written sequential writer,
 * against libfdt's fdt_create() ... fdt_finish() on the same calls, byte
 * for byte, on each way it sets a property's name offset:
 *  - the names' final size not known (0): libfdt's negative offsets,
 *    made absolute by the fix-up walk at the end;
 *  - known (what a names-only writer of the same calls counted, as the DT
 *    emitter's sizing pass does): written final, no walk;
 *  - given but wrong: the walk moves every offset by the difference.
 * The calls include a name that is the tail of an earlier one ("reg"
 * after "ibm,reg"), found inside it as libfdt finds it, and a name added
 * after offsets were written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>
#include "dt/dt-internal.h"

#define BUF_SIZE 4096

/* One property of the test tree; NULL name: end the node. */
struct call {
	const char *node;	/* begin this node first, if set */
	const char *name;
	uint32_t value;
};

static const struct call calls[] = {
	{ "", "#address-cells", 2 },
	{ NULL, "ibm,reg", 1 },
	{ "memory@0", "reg", 2 },
	{ NULL, "device_type", 3 },
	{ NULL, NULL, 0 },
	{ "reserved-memory", "ranges", 4 },
	{ "fw@1000", "reg", 5 },
	{ NULL, "no-map", 6 },
	{ NULL, NULL, 0 },
	{ "pool@2000", "reusable", 7 },
	{ NULL, "reg", 8 },
	{ NULL, "#address-cells", 9 },
	{ NULL, NULL, 0 },
	{ NULL, NULL, 0 },
};

static void libfdt_tree(void *buf)
{
	assert_int_equal(fdt_create(buf, BUF_SIZE), 0);
	assert_int_equal(fdt_add_reservemap_entry(buf, 0x1000, 0x1000), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		if (calls[i].node)
			assert_int_equal(fdt_begin_node(buf, calls[i].node), 0);
		if (calls[i].name)
			assert_int_equal(fdt_property_u32(buf, calls[i].name,
							  calls[i].value), 0);
		else
			assert_int_equal(fdt_end_node(buf), 0);
	}
	assert_int_equal(fdt_end_node(buf), 0);	/* the root */
	assert_int_equal(fdt_finish(buf), 0);
}

static void our_tree(void *buf, uint32_t names_final)
{
	struct dt_sw w;

	assert_int_equal(dt_sw_create(&w, buf, BUF_SIZE, names_final), 0);
	assert_int_equal(dt_sw_add_reservemap_entry(&w, 0x1000, 0x1000), 0);
	assert_int_equal(dt_sw_finish_reservemap(&w), 0);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		fdt32_t v = cpu_to_fdt32(calls[i].value);

		if (calls[i].node)
			assert_int_equal(dt_sw_begin_node(&w, calls[i].node,
							  strlen(calls[i].node)),
					 0);
		if (calls[i].name)
			assert_int_equal(dt_sw_property(&w, calls[i].name, &v,
							sizeof(v)), 0);
		else
			assert_int_equal(dt_sw_end_node(&w), 0);
	}
	assert_int_equal(dt_sw_end_node(&w), 0);
	assert_int_equal(dt_sw_finish(&w), 0);
}

/* What the names of the calls come to, as the sizing pass counts them. */
static uint32_t counted_names(void)
{
	unsigned char buf[DT_HEADER_ROOM + 256];
	struct dt_sw w;

	assert_int_equal(dt_sw_create(&w, buf, sizeof(buf), 0), 0);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (calls[i].name)
			assert_int_equal(dt_sw_name(&w, calls[i].name), 0);
	return (uint32_t)w.strings;
}

static void same_as_libfdt(uint32_t names_final)
{
	static unsigned char want[BUF_SIZE], got[BUF_SIZE];

	libfdt_tree(want);
	our_tree(got, names_final);
	assert_int_equal(fdt_check_full(got, fdt_totalsize(got)), 0);
	assert_int_equal(fdt_totalsize(got), fdt_totalsize(want));
	assert_memory_equal(got, want, fdt_totalsize(want));
}

static void test_names_not_known(void **state)
{
	(void)state;
	same_as_libfdt(0);
}

static void test_names_counted(void **state)
{
	uint32_t names = counted_names();

	(void)state;
	/* "reg" is found inside "ibm,reg", so it adds nothing */
	assert_int_equal(names, strlen("#address-cells") + 1 +
				strlen("ibm,reg") + 1 +
				strlen("device_type") + 1 +
				strlen("ranges") + 1 + strlen("no-map") + 1 +
				strlen("reusable") + 1);
	same_as_libfdt(names);
}

static void test_names_wrong(void **state)
{
	uint32_t names = counted_names();

	(void)state;
	same_as_libfdt(names + 5);
	same_as_libfdt(names - 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_not_known),
		cmocka_unit_test(test_names_counted),
		cmocka_unit_test(test_names_wrong),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
