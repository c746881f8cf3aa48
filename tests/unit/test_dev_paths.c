// SPDX-License-Identifier: MIT
/*
 * test_dev_paths.c - devices= naming device-tree nodes by path, and the
 * side table that holds them (mc_map_set_device_paths(),
 * mc_map_device_paths()).
 *
 * The tokenizer rule (memcarve(1), devices=): the value splits at commas;
 * "all" alone is every device; a piece starting with '/' begins a path; a
 * piece holding ':' is a PCI device [segment:]bus:dev.fn (a BDF always
 * has a ':', a DT node name never: DT spec 2.2.1); any other piece
 * continues the path before it, with its comma (a unit address such as
 * "pci@1,0"). Paths are checked as the DT spec writes them: node names of
 * 1 to 31 characters of 0-9 a-z A-Z , . _ + -, starting with a letter, a
 * unit address after one '@', no empty component, not the root.
 */
#include <unistd.h>
#include "core_helpers.h"
#include "memcarve-acpi.h"

#define RAM "arch arm64\nram 0x40000000 1G\n"

/* The map of one direct range with devices=@list; fails on an error. */
static struct mc_map *one_range(const char *list)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 RAM "reserved 0x48000000 1M type=direct devices=%s\n", list);
	return map_from(text);
}

/* The paths of input region 1, joined by " | ", and its BDF count. */
static const char *paths_of(const struct mc_map *map, size_t index,
			    size_t *n_devices)
{
	static char buf[4096];
	size_t n, n_in, off = 0;
	const char *const *p = mc_map_device_paths(map, index, &n);

	*n_devices = mc_map_input(map, &n_in)[index].n_devices;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
					i ? " | " : "", p[i]);
	return buf;
}

static void expect_tokens(const char *list, const char *paths,
			  size_t n_devices)
{
	struct mc_map *map = one_range(list);
	size_t n_dev;

	assert_string_equal(paths_of(map, 1, &n_dev), paths);
	assert_int_equal(n_dev, n_devices);
	mc_map_free(map);
}

static void test_tokenizer(void **state)
{
	(void)state;
	expect_tokens("/soc/ethernet@ff0c0000", "/soc/ethernet@ff0c0000", 0);
	/* a unit address's comma continues the path */
	expect_tokens("/pcie@10000000/pci@1,0", "/pcie@10000000/pci@1,0", 0);
	expect_tokens("/a@1,2,3", "/a@1,2,3", 0);
	/* node names may hold commas too */
	expect_tokens("/soc/arm,gic@0", "/soc/arm,gic@0", 0);
	/* mixed: a piece holding ':' is a PCI device, '/' a new path */
	expect_tokens("00:02.0,/pcie@10000000/pci@1,0,0000:00:03.1,/b",
		      "/pcie@10000000/pci@1,0 | /b", 2);
	expect_tokens("/a@1,0,00:02.0", "/a@1,0", 1);
	/* "all" after a path is part of it: a unit address "all" */
	expect_tokens("/a@1,all", "/a@1,all", 0);
	expect_tokens("00:02.0", "", 1);
}

static void expect_refused(const char *list, const char *msg)
{
	char text[4096];
	struct mc_map *map = mc_map_new();

	snprintf(text, sizeof(text),
		 RAM "reserved 0x48000000 1M type=direct devices=%s\n", list);
	assert_int_equal(mc_map_load(map, "t.map", text, strlen(text)),
			 MC_EINVAL);
	assert_string_equal(mc_map_error(map, 0)->field, "devices=");
	assert_int_equal(mc_map_error(map, 0)->line, 3);
	if (!strstr(first_error(map), msg))
		fail_msg("'%s': '%s' lacks '%s'", list, first_error(map), msg);
	assert_int_equal(mc_map_error_count(map), 1);
	mc_map_free(map);
}

static void test_tokenizer_refusals(void **state)
{
	(void)state;
	expect_refused("/", "root node");
	expect_refused("/soc//eth@0", "empty node name");
	expect_refused("/soc/eth@0/", "empty node name");
	expect_refused("/soc/0eth", "does not start with a letter");
	expect_refused("/soc/@0", "does not start with a letter");
	expect_refused("/soc/abcdefghijklmnopqrstuvwxyz012345@0",
		       "is 32 characters; the DT spec allows 1 to 31");
	expect_refused("/soc/eth@", "empty unit address");
	expect_refused("/soc/eth@0@1", "'@' is not a node-name character");
	expect_refused("/soc/eth$0", "'$' is not a node-name character");
	expect_refused("/soc/a:b", "':' is not a node-name character");
	/* a piece with ':' after a path is a PCI device, and must be one */
	expect_refused("/soc/eth@0,1:2", "'1:2' is not a PCI device");
	/* a piece neither path nor BDF with no path before it */
	expect_refused("eth@0,/soc", "or a device-tree node path");
	expect_refused("all,/soc", "stands alone");
	expect_refused("00:02.0,all", "stands alone");
	expect_refused("/soc,,/a", "empty item");
	expect_refused("/soc,", "empty item");
}

/* 31 characters is the most a name holds; the unit address is apart. */
static void test_name_lengths(void **state)
{
	(void)state;
	expect_tokens("/abcdefghijklmnopqrstuvwxyz01234@ffffffffffffffff",
		      "/abcdefghijklmnopqrstuvwxyz01234@ffffffffffffffff", 0);
	expect_tokens("/a/b/c/d", "/a/b/c/d", 0);
}

/* Paths only on direct ranges, as devices= always was. */
static void test_only_direct_ranges(void **state)
{
	const char *text = RAM "reserved 0x48000000 1M devices=/soc/eth@0\n"
			       "reserved 0x49000000 1M type=msi "
			       "devices=/soc/eth@0,00:01.0\n";
	struct mc_map *map = mc_map_new();
	size_t n;

	(void)state;
	assert_int_equal(mc_map_load(map, "t.map", text, strlen(text)),
			 MC_EINVAL);
	assert_int_equal(mc_map_error_count(map), 2);
	assert_non_null(strstr(mc_map_error(map, 0)->msg,
			       "only direct and direct-relaxable"));
	mc_map_input(map, &n);
	assert_int_equal(n, 1);	/* the lines with errors are not added */
	assert_null(mc_map_device_paths(map, 1, &n));
	mc_map_free(map);
}

/* The text mc_map_write() gives loads back into the same paths. */
static void test_write_round_trip(void **state)
{
	const char *text = RAM
		"reserved 0x48000000 1M type=direct policy=overlay "
		"devices=/soc/eth@0,00:02.0,/pcie@10000000/pci@1,0\n"
		"reserved 0x49000000 1M type=direct-relaxable "
		"devices=/soc/dma@ff,/virtio_mmio@a000000\n"
		"reserved 0x4a000000 1M type=direct devices=00:03.0\n";
	struct mc_map *map = map_carved(text), *again;
	char *out;
	size_t len, n_dev;

	(void)state;
	assert_int_equal(mc_map_write_alloc(map, MC_MAP_INPUT, &out, &len), 0);
	assert_non_null(strstr(out, " devices=0000:00:02.0,/soc/eth@0,"
				    "/pcie@10000000/pci@1,0\n"));
	again = map_from(out);
	assert_string_equal(paths_of(again, 1, &n_dev),
			    "/soc/eth@0 | /pcie@10000000/pci@1,0");
	assert_int_equal(n_dev, 1);
	assert_string_equal(paths_of(again, 2, &n_dev),
			    "/soc/dma@ff | /virtio_mmio@a000000");
	assert_string_equal(paths_of(again, 3, &n_dev), "");
	mc_free(out);
	mc_map_free(again);
	/* the result: each piece keeps its input region's paths */
	assert_int_equal(mc_map_write_alloc(map, MC_MAP_RESULT, &out, &len),
			 0);
	again = map_carved(out);
	assert_non_null(strstr(out, "devices=/soc/dma@ff,/virtio_mmio@a000000"));
	mc_free(out);
	mc_map_free(again);
	mc_map_free(map);
}

static void test_api_set_and_get(void **state)
{
	const char *a[] = { "/soc/eth@0", "/pcie@10000000/pci@1,0" };
	const char *b[] = { "/x" };
	struct mc_map *map = map_from(RAM
		"reserved 0x48000000 1M type=direct\n"
		"reserved 0x49000000 1M type=direct-relaxable\n"
		"reserved 0x4a000000 1M type=direct\n");
	const char *const *got;
	size_t n, n_dev;

	(void)state;
	assert_null(mc_map_device_paths(map, 1, &n));
	assert_int_equal(n, 0);
	/* out of order: the table stays sorted by index */
	assert_int_equal(mc_map_set_device_paths(map, 3, b, 1), 0);
	assert_int_equal(mc_map_set_device_paths(map, 1, a, 2), 0);
	assert_int_equal(mc_map_set_device_paths(map, 2, b, 1), 0);
	assert_string_equal(paths_of(map, 1, &n_dev),
			    "/soc/eth@0 | /pcie@10000000/pci@1,0");
	assert_string_equal(paths_of(map, 2, &n_dev), "/x");
	assert_string_equal(paths_of(map, 3, &n_dev), "/x");
	/* copied: the caller's strings may go */
	got = mc_map_device_paths(map, 1, &n);
	assert_true(got[0] != a[0]);
	/* replaced, then removed */
	assert_int_equal(mc_map_set_device_paths(map, 1, b, 1), 0);
	assert_string_equal(paths_of(map, 1, &n_dev), "/x");
	assert_int_equal(mc_map_set_device_paths(map, 2, NULL, 0), 0);
	assert_null(mc_map_device_paths(map, 2, &n));
	assert_string_equal(paths_of(map, 3, &n_dev), "/x");
	/* out of range reads as none */
	assert_null(mc_map_device_paths(map, 99, &n));
	assert_int_equal(n, 0);
	assert_int_equal(mc_map_error_count(map), 0);
	mc_map_free(map);
}

static void expect_api_refused(struct mc_map *map, size_t index,
			       const char *const *paths, size_t n,
			       const char *field, const char *msg)
{
	mc_map_clear_errors(map);
	assert_int_equal(mc_map_set_device_paths(map, index, paths, n),
			 MC_EINVAL);
	assert_string_equal(mc_map_error(map, 0)->field, field);
	if (!strstr(first_error(map), msg))
		fail_msg("'%s' lacks '%s'", first_error(map), msg);
}

static void test_api_refusals(void **state)
{
	const char *ok[] = { "/soc/eth@0" }, *bad[] = { "/soc/eth@0", "soc" };
	const char *null[] = { NULL };
	struct mc_map *map = map_from(RAM
		"reserved 0x48000000 1M type=direct\n"
		"reserved 0x49000000 1M type=msi\n"
		"reserved 0x4a000000 1M type=direct devices=all\n");

	(void)state;
	expect_api_refused(map, 4, ok, 1, "index", "the map holds 4");
	expect_api_refused(map, 2, ok, 1, "paths", "only direct");
	expect_api_refused(map, 3, ok, 1, "paths", "MC_F_ALL_DEVICES");
	expect_api_refused(map, 1, bad, 2, "paths",
			   "path 1: 'soc' does not start with '/'");
	expect_api_refused(map, 1, null, 1, "paths", "path 0: NULL");
	expect_api_refused(map, 1, NULL, 1, "paths", "NULL with a non-zero");
	/* the message is placed at the region's line */
	assert_int_equal(mc_map_error(map, 0)->line, 3);
	mc_map_free(map);
}

/* Changing paths drops the carved result, as every mc_map_set_*() does. */
static void test_set_uncarves(void **state)
{
	const char *p[] = { "/a" };
	struct mc_map *map = map_carved(RAM
		"reserved 0x48000000 1M type=direct policy=overlay\n");
	size_t n;

	(void)state;
	assert_non_null(mc_map_result(map, &n));
	assert_int_equal(mc_map_set_device_paths(map, 1, p, 1), 0);
	assert_null(mc_map_result(map, &n));
	mc_map_free(map);
}

/*
 * Carving joins a host range with the map's range over it: the one that
 * names paths is kept (its pieces carry them); two that name different
 * paths conflict, as different devices= do.
 */
static void test_carve_keeps_paths(void **state)
{
	struct mc_map *map = map_carved(RAM
		"reserved 0x48000000 1M type=direct policy=overlay "
		"devices=/soc/eth@0\n"
		"reserved 0x48000000 1M type=direct\n");
	const struct mc_piece *v;
	size_t n, n_p;

	(void)state;
	v = mc_map_result(map, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].kind == MC_RESERVED) {
			assert_non_null(mc_map_device_paths(map, v[i].origin,
							    &n_p));
			assert_int_equal(n_p, 1);
		}
	mc_map_free(map);
	map = map_from(RAM
		"reserved 0x48000000 1M type=direct devices=/soc/eth@0\n"
		"reserved 0x48000000 1M type=direct devices=/soc/eth@1\n");
	assert_int_equal(mc_map_carve(map), MC_EOVERLAP);
	assert_non_null(strstr(first_error(map), "different devices"));
	mc_map_free(map);
}

/* "resv FILE devices=..." gives the file's direct ranges the paths too. */
static void test_resv_statement(void **state)
{
	char dir[] = "/tmp/memcarve-paths-XXXXXX", path[64];
	const char *map_text = RAM "resv host.resv devices=00:02.0,/soc/eth@0\n";
	const struct mc_region *in;
	struct mc_map *map = mc_map_new();
	size_t n, n_paths;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/host.resv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("0x48000000 0x480fffff direct\n0x8000000 0x80fffff msi\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/vm.map", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(map_text, f);
	fclose(f);
	assert_int_equal(mc_map_load_file(map, path), 0);
	in = mc_map_input(map, &n);
	assert_int_equal(n, 3);
	for (size_t i = 1; i < n; i++) {
		const char *const *p = mc_map_device_paths(map, i, &n_paths);
		bool direct = in[i].type == MC_RESV_DIRECT;

		assert_int_equal(n_paths, direct ? 1 : 0);
		assert_int_equal(in[i].n_devices, direct ? 1 : 0);
		if (direct)
			assert_string_equal(p[0], "/soc/eth@0");
	}
	mc_map_free(map);
	unlink(path);
	snprintf(path, sizeof(path), "%s/host.resv", dir);
	unlink(path);
	rmdir(dir);
}

/* No ACPI table can name a node: the range is refused, not cut short. */
static void test_acpi_refuses_paths(void **state)
{
	static const enum mc_acpi_table tables[] = {
		MC_ACPI_DMAR, MC_ACPI_IVRS, MC_ACPI_IORT };
	struct mc_acpi_opts o;
	void *out;
	size_t len;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct mc_map *map = map_carved(
			"arch x86_64\nram 0 4G\nreserved 0x48000000 1M "
			"type=direct policy=overlay "
			"devices=00:02.0,/soc/eth@0\n");

		mc_acpi_opts_init(&o);
		assert_int_equal(mc_acpi_build_alloc(map, tables[i], &o, &out,
						     &len),
				 MC_EINVAL);
		assert_null(out);
		assert_string_equal(mc_map_error(map, 0)->field,
				    "region.devices");
		assert_non_null(strstr(first_error(map),
				       "devices=/soc/eth@0: a device-tree "
				       "node path"));
		mc_map_free(map);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokenizer),
		cmocka_unit_test(test_tokenizer_refusals),
		cmocka_unit_test(test_name_lengths),
		cmocka_unit_test(test_only_direct_ranges),
		cmocka_unit_test(test_write_round_trip),
		cmocka_unit_test(test_api_set_and_get),
		cmocka_unit_test(test_api_refusals),
		cmocka_unit_test(test_set_uncarves),
		cmocka_unit_test(test_carve_keeps_paths),
		cmocka_unit_test(test_resv_statement),
		cmocka_unit_test(test_acpi_refuses_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
