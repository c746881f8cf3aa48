// SPDX-License-Identifier: MIT
/*
 * test_dt.c - the device-tree emitter's contract, one rule per test:
 * buffer ownership, refusals with their diagnostics, naming, cells,
 * patch-mode merging and inheritance, the inspect decoder, and linear
 * time on a large base.
 */
#include <time.h>
#include <libfdt.h>
#include "core_helpers.h"
#include "memcarve-dt.h"

/* Build into a library-sized buffer; returns the blob (free it). */
static void *build(struct mc_map *map, const struct mc_dt_opts *opt,
		   size_t *len)
{
	size_t need = 0;
	void *blob;

	need = 0;
	assert_int_equal(mc_dt_build(map, opt, NULL, &need), MC_ENOSPC);
	blob = malloc(need);
	assert_non_null(blob);
	*len = need;
	if (mc_dt_build(map, opt, blob, len))
		fail_msg("mc_dt_build: %s", first_error(map));
	assert_true(*len <= need);
	assert_int_equal(fdt_check_full(blob, *len), 0);
	return blob;
}

static struct mc_map *carved(const char *text)
{
	struct mc_map *map = map_from(text);

	if (mc_map_carve(map))
		fail_msg("carve: %s", first_error(map));
	return map;
}

static int refusal(const char *text, const struct mc_dt_opts *opt)
{
	struct mc_map *map = carved(text);
	char buf[4096];
	size_t len = sizeof(buf);
	int err = mc_dt_build(map, opt, buf, &len);

	assert_true(err < 0);
	assert_true(mc_map_error_count(map) > 0);
	print_message("refused: %s\n", first_error(map));
	mc_map_free(map);
	return err;
}

static const char *const ARM64 =
	"arch arm64\n"
	"ram 0x40000000 1G\n"
	"reserved 0x48000000 1M type=msi\n"
	"reserved 0x50000000 2M policy=overlay name=fw\n";

static void test_size_query_and_small_buffer(void **state)
{
	struct mc_map *map = carved(ARM64);
	size_t need = 0, len = 0;
	char *buf;

	(void)state;
	assert_int_equal(mc_dt_build(map, NULL, NULL, &need), MC_ENOSPC);
	assert_int_equal(mc_map_error_count(map), 0);	/* a query: no error */
	buf = malloc(need);
	len = need - 1;
	assert_int_equal(mc_dt_build(map, NULL, buf, &len), MC_ENOSPC);
	assert_int_equal(len, need);
	assert_int_equal(mc_map_error_count(map), 0);	/* too small: none */
	len = need;
	assert_int_equal(mc_dt_build(map, NULL, buf, &len), 0);
	assert_int_equal(fdt_totalsize(buf), len);
	free(buf);
	mc_map_free(map);
}

static void test_same_input_same_bytes(void **state)
{
	struct mc_map *map = carved(ARM64);
	size_t a_len, b_len;
	void *a = build(map, NULL, &a_len), *b = build(map, NULL, &b_len);

	(void)state;
	assert_int_equal(a_len, b_len);
	assert_memory_equal(a, b, a_len);
	free(a);
	free(b);
	mc_map_free(map);
}

static void test_not_carved_is_a_state_error(void **state)
{
	struct mc_map *map = map_from(ARM64);
	size_t len;

	(void)state;
	len = 0;
	assert_int_equal(mc_dt_build(map, NULL, NULL, &len), MC_ESTATE);
	mc_map_free(map);
}

static void test_unnamed_children_take_their_type(void **state)
{
	struct mc_map *map = carved(ARM64);
	size_t len;
	void *fdt = build(map, NULL, &len);

	(void)state;
	assert_true(fdt_path_offset(fdt, "/reserved-memory/msi@48000000") >= 0);
	assert_true(fdt_path_offset(fdt, "/reserved-memory/fw@50000000") >= 0);
	assert_true(fdt_path_offset(fdt, "/memory@40000000") >= 0);
	assert_true(fdt_path_offset(fdt, "/memory@48100000") >= 0);
	free(fdt);
	mc_map_free(map);
}

/* A range only partly inside RAM: two pieces, one name, two addresses. */
static void test_pieces_of_one_range_share_the_name(void **state)
{
	struct mc_map *map = carved("arch arm64\nram 0x40000000 1G\n"
				    "reserved 0x3ff00000 2M policy=overlay "
				    "name=straddle\n");
	size_t len;
	void *fdt = build(map, NULL, &len);
	int lo = fdt_path_offset(fdt, "/reserved-memory/straddle@3ff00000");
	int hi = fdt_path_offset(fdt, "/reserved-memory/straddle@40000000");

	(void)state;
	assert_true(lo >= 0 && hi >= 0);
	assert_non_null(fdt_getprop(fdt, lo, "no-map", NULL));	/* a hole */
	assert_non_null(fdt_getprop(fdt, hi, "no-map", NULL));	/* backed */
	free(fdt);
	mc_map_free(map);
}

static void test_mmio_is_never_described(void **state)
{
	struct mc_map *map = carved("arch arm64\nram 0x40000000 1G\n"
				    "mmio 0x48000000 16M name=bar\n");
	size_t len;
	void *fdt = build(map, NULL, &len);

	(void)state;
	assert_true(fdt_path_offset(fdt, "/reserved-memory") < 0);
	assert_true(fdt_path_offset(fdt, "/memory@49000000") >= 0);
	free(fdt);
	mc_map_free(map);
}

static void test_refusals_name_the_field(void **state)
{
	struct mc_dt_opts cells3 = { .cells = 3 };

	(void)state;
	assert_int_equal(refusal("arch arm64\nram 0x40000000 1G\n"
				 "reserved 0x48000000 1M reusable\n", NULL),
			 MC_EINVAL);
	assert_int_equal(refusal("arch ppc64\nram 0x40000000 1G\n", NULL),
			 MC_EINVAL);
	assert_int_equal(refusal("arch arm64\nmmio 0x0 1G\n", NULL), MC_EINVAL);
	assert_int_equal(refusal(ARM64, &cells3), MC_EINVAL);
	assert_int_equal(refusal("arch arm64\nram 0x40000000 1G\n"
				 "reserved 0x48000000 1M name=9lives\n",
				 NULL), MC_EINVAL);
	assert_int_equal(refusal("arch arm64\nram 0x100000000 1G\n",
				 &(struct mc_dt_opts){ .cells = 1 }),
			 MC_ERANGE);
}

static void test_longest_valid_name(void **state)
{
	struct mc_map *map = carved("arch arm64\nram 0x40000000 1G\n"
				    "reserved 0x48000000 1M "
				    "name=a234567890123456789012345678901\n");
	size_t len;
	void *fdt = build(map, NULL, &len);

	(void)state;
	assert_true(fdt_path_offset(fdt, "/reserved-memory/"
				    "a234567890123456789012345678901@48000000")
		    >= 0);
	free(fdt);
	mc_map_free(map);
}

/* Ranges ending at 2^64 - 1 fit two cells; one cell means 32 bits. */
static void test_top_of_the_address_space(void **state)
{
	struct mc_map *map = carved("arch arm64\nram 0x0 1G\n"
				    "reserved 0xfffffffffff00000 1M\n");
	size_t len;
	void *fdt = build(map, NULL, &len);

	(void)state;
	assert_true(fdt_path_offset(fdt, "/reserved-memory/"
				    "reserved@fffffffffff00000") >= 0);
	free(fdt);
	mc_map_free(map);
	/* It starts below 4G but ends above: not addressable in one cell. */
	assert_int_equal(refusal("arch arm64\nram 0xc0000000 2G\n",
				 &(struct mc_dt_opts){ .cells = 1 }),
			 MC_ERANGE);
}

/* ppc64 defaults to /memreserve/ for backed reservations; off on request. */
static void test_memreserve_default_on_ppc64(void **state)
{
	const char *text = "arch ppc64\nram 0x0 1G\n"
			   "reserved 0x6000000 1M policy=overlay\n";
	struct mc_dt_opts off = { .memreserve = MC_DT_MEMRESERVE_OFF };
	struct mc_map *map = carved(text);
	size_t len;
	uint64_t a, s;
	void *on = build(map, NULL, &len), *none = build(map, &off, &len);

	(void)state;
	assert_int_equal(fdt_num_mem_rsv(on), 1);
	fdt_get_mem_rsv(on, 0, &a, &s);
	assert_true(a == 0x6000000 && s == 0x100000);
	assert_null(fdt_getprop(on, fdt_path_offset(on,
				"/reserved-memory/reserved@6000000"),
				"no-map", NULL));
	assert_int_equal(fdt_num_mem_rsv(none), 0);
	assert_non_null(fdt_getprop(none, fdt_path_offset(none,
				    "/reserved-memory/reserved@6000000"),
				    "no-map", NULL));
	free(on);
	free(none);
	mc_map_free(map);
}

/* ---- patch mode on a small base made here ------------------------------ */

static void *make_base(int children, size_t *len)
{
	size_t size = 4096 + (size_t)children * 96;
	char *fdt = malloc(size), name[40];
	fdt32_t two = cpu_to_fdt32(2);
	fdt64_t reg[2] = { cpu_to_fdt64(0x40000000),
			   cpu_to_fdt64(0x1000000000) };	/* 64G */

	assert_int_equal(fdt_create(fdt, (int)size), 0);
	fdt_add_reservemap_entry(fdt, 0x1000, 0x1000);
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property(fdt, "#address-cells", &two, 4);
	fdt_property(fdt, "#size-cells", &two, 4);
	fdt_begin_node(fdt, "memory@40000000");
	fdt_property_string(fdt, "device_type", "memory");
	fdt_property(fdt, "reg", reg, sizeof(reg));
	fdt_property_u32(fdt, "numa-node-id", 3);
	fdt_property_u32(fdt, "phandle", 7);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "reserved-memory");
	fdt_property(fdt, "#address-cells", &two, 4);
	fdt_property(fdt, "#size-cells", &two, 4);
	fdt_property(fdt, "ranges", NULL, 0);
	for (int i = 0; i < children; i++) {
		fdt64_t r[2] = { cpu_to_fdt64(0x200000000ull + 0x10000ull * i),
				 cpu_to_fdt64(0x1000) };

		snprintf(name, sizeof(name), "base%d@%llx", i,
			 0x200000000ull + 0x10000ull * i);
		fdt_begin_node(fdt, name);
		fdt_property(fdt, "reg", r, sizeof(r));
		fdt_property(fdt, "no-map", NULL, 0);
		fdt_end_node(fdt);
	}
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	assert_int_equal(fdt_finish(fdt), 0);
	*len = fdt_totalsize(fdt);
	return fdt;
}

static void test_patch_splits_and_inherits(void **state)
{
	struct mc_map *map = carved("arch arm64\nram 0x40000000 1G\n"
				    "reserved 0x48000000 1M type=msi\n");
	struct mc_dt_opts opt = { 0 };
	size_t len;
	void *fdt;
	int mem;

	(void)state;
	opt.base = make_base(2, &opt.base_len);
	fdt = build(map, &opt, &len);
	assert_int_equal(fdt_num_mem_rsv(fdt), 1);	/* the base's stays */
	mem = fdt_path_offset(fdt, "/memory@40000000");
	assert_int_equal(fdt32_ld(fdt_getprop(fdt, mem, "numa-node-id", NULL)),
			 3);
	assert_non_null(fdt_getprop(fdt, mem, "phandle", NULL));
	mem = fdt_path_offset(fdt, "/memory@48100000");
	assert_non_null(fdt_getprop(fdt, mem, "numa-node-id", NULL));
	assert_null(fdt_getprop(fdt, mem, "phandle", NULL)); /* only once */
	assert_true(fdt_path_offset(fdt, "/reserved-memory/base1@200010000")
		    >= 0);
	assert_true(fdt_path_offset(fdt, "/reserved-memory/msi@48000000") >= 0);
	free(fdt);
	free((void *)opt.base);
	mc_map_free(map);
}

static void test_patch_conflict_names_both(void **state)
{
	struct mc_map *map = carved("arch arm64\nram 0x40000000 1G\n"
				    "reserved 0x200010800 1K name=mine\n");
	struct mc_dt_opts opt = { 0 };
	char buf[8192];
	size_t len;

	(void)state;
	opt.base = make_base(2, &opt.base_len);
	len = sizeof(buf);
	assert_int_equal(mc_dt_build(map, &opt, buf, &len),
			 MC_EOVERLAP);
	assert_non_null(strstr(first_error(map), "mine@200010800"));
	assert_non_null(strstr(first_error(map), "base1@200010000"));
	free((void *)opt.base);
	mc_map_free(map);
}

/* 10^5 base children and 10^5 of ours: linear, well under a second. */
static void test_patch_is_linear(void **state)
{
	struct mc_map *map = map_from("arch arm64\nram 0x40000000 64G\n");
	struct mc_dt_opts opt = { 0 };
	struct timespec t0, t1;
	size_t len;
	void *fdt;
	double secs;

	(void)state;
	for (uint64_t i = 0; i < 100000; i++) {
		struct mc_region r = { .first = 0x40010000 + (i << 16),
				       .kind = MC_RESERVED };

		r.last = r.first + 0xfff;
		assert_int_equal(mc_map_add(map, &r), 0);
	}
	assert_int_equal(mc_map_carve(map), 0);
	opt.base = make_base(100000, &opt.base_len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fdt = build(map, &opt, &len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("patched 200000 children, 100001 memory nodes: %zu "
		      "bytes in %.2f s\n", len, secs);
	assert_true(secs < 20.0);	/* quadratic insertion takes minutes */
	free(fdt);
	free((void *)opt.base);
	mc_map_free(map);
}

/* ---- inspect ------------------------------------------------------------- */

static void test_decode_round_trip(void **state)
{
	struct mc_map *map = carved("arch arm64\nram 0x40000000 1G\n"
				    "reserved 0x48000000 1M type=msi\n"
				    "reserved 0x50000000 2M policy=overlay "
				    "name=pool reusable\n");
	struct mc_dt_opts opt = { .memreserve = MC_DT_MEMRESERVE_ON };
	struct mc_map *back = mc_map_new();
	const struct mc_region *r;
	size_t len, n;
	void *fdt = build(map, &opt, &len);

	(void)state;
	assert_int_equal(mc_dt_decode(back, fdt, len), 0);
	r = mc_map_input(back, &n);
	assert_int_equal(n, 4);
	assert_true(r[0].kind == MC_RAM && r[0].first == 0x40000000 &&
		    r[0].last == 0x47ffffff);
	assert_true(r[1].kind == MC_RAM && r[1].first == 0x48100000);
	assert_string_equal(r[2].name, "msi");
	assert_string_equal(r[3].name, "pool");
	assert_true(r[3].flags & MC_F_REUSABLE);
	free(fdt);
	mc_map_free(map);
	mc_map_free(back);
}

static void test_decode_refuses_quietly_then_loudly(void **state)
{
	struct mc_map *map = mc_map_new();
	size_t len;
	char *fdt = make_base(1, &len);

	(void)state;
	assert_int_equal(mc_dt_decode(map, "not a dtb at all", 16), MC_EBADBLOB);
	assert_int_equal(mc_map_error_count(map), 0);
	assert_int_equal(mc_dt_decode(map, fdt, len - 8), MC_EINVAL);
	assert_int_equal(mc_map_error_count(map), 1);
	free(fdt);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_query_and_small_buffer),
		cmocka_unit_test(test_same_input_same_bytes),
		cmocka_unit_test(test_not_carved_is_a_state_error),
		cmocka_unit_test(test_unnamed_children_take_their_type),
		cmocka_unit_test(test_pieces_of_one_range_share_the_name),
		cmocka_unit_test(test_mmio_is_never_described),
		cmocka_unit_test(test_refusals_name_the_field),
		cmocka_unit_test(test_longest_valid_name),
		cmocka_unit_test(test_top_of_the_address_space),
		cmocka_unit_test(test_memreserve_default_on_ppc64),
		cmocka_unit_test(test_patch_splits_and_inherits),
		cmocka_unit_test(test_patch_conflict_names_both),
		cmocka_unit_test(test_patch_is_linear),
		cmocka_unit_test(test_decode_round_trip),
		cmocka_unit_test(test_decode_refuses_quietly_then_loudly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
