// SPDX-License-Identifier: MIT
/*
 * test_direct_share.c - a direct range listed once per device is one range
 * serving them all (core/direct_share.c).
 *
 * Two passed-through devices behind one firmware RMRR each have it in
 * their group's reserved_regions; loaded with each group's device, the
 * range comes twice. The guest's IOMMU driver must get one RMRR naming
 * both devices, as the host firmware has it.
 */
#include "core_helpers.h"
#include "memcarve-acpi.h"
#include "memcarve-host.h"

#define GROUP "0x000000007b800000 0x000000007fffffff direct\n" \
	      "0x00000000fee00000 0x00000000feefffff msi\n"

/* The input region the one direct piece of @map names. */
static const struct mc_region *direct_origin(const struct mc_map *map)
{
	size_t n, n_in, found = 0;
	const struct mc_piece *v = mc_map_result(map, &n);
	const struct mc_region *in = mc_map_input(map, &n_in), *r = NULL;

	for (size_t i = 0; i < n; i++)
		if (v[i].type == MC_RESV_DIRECT && v[i].kind == MC_RESERVED) {
			r = &in[v[i].origin];
			found++;
		}
	assert_int_equal(found, 1);
	return r;
}

static void assert_devices(const struct mc_region *r, const char *want)
{
	char got[256] = "";
	size_t off = 0;

	for (size_t i = 0; i < r->n_devices; i++)
		off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%02x:%02x.%u",
					i ? "," : "", r->devices[i].bus,
					r->devices[i].devfn >> 3,
					r->devices[i].devfn & 7);
	assert_string_equal(got, want);
}

static void load_group(struct mc_map *map, const char *source, uint8_t bus,
		       uint8_t devfn)
{
	struct mc_pci_dev dev = { .bus = bus, .devfn = devfn };
	struct mc_resv_opts o;

	mc_resv_opts_init(&o);
	o.devices = &dev;
	o.n_devices = 1;
	assert_int_equal(mc_map_load_resv_for(map, source, GROUP,
					      strlen(GROUP), &o), 0);
}

/* Two groups, one RMRR: one RMRR with both devices, read back as one. */
static void test_two_groups_one_rmrr(void **state)
{
	struct mc_map *map = map_from("arch x86_64\nram 0 4G\n");
	struct mc_map *back = mc_map_new();
	void *dmar = NULL;
	size_t len = 0, n;

	(void)state;
	load_group(map, "group7", 0, 0xa0);	/* 00:14.0 */
	load_group(map, "group9", 0, 0xd0);	/* 00:1a.0 */
	assert_int_equal(mc_map_carve(map), 0);
	assert_devices(direct_origin(map), "00:14.0,00:1a.0");
	assert_int_equal(mc_acpi_build_alloc(map, MC_ACPI_DMAR, NULL, &dmar,
					     &len), 0);
	assert_non_null(back);
	assert_int_equal(mc_acpi_dmar_decode(back, dmar, len), 0);
	assert_int_equal(mc_map_input(back, &n)[0].n_devices, 2);
	assert_int_equal(n, 1);
	mc_free(dmar);
	mc_map_free(back);
	mc_map_free(map);
}

/* The named listing keeps the range; a device listed twice counts once. */
static void test_named_listing_keeps_it(void **state)
{
	struct mc_map *map = map_carved(
		"arch x86_64\nram 0 4G\n"
		"reserved 0x10000000 64K type=direct devices=00:01.0,00:02.0\n"
		"reserved 0x10000000 64K type=direct name=fw devices=00:02.0\n"
		"reserved 0x10000000 64K type=direct devices=00:03.0\n");

	(void)state;
	assert_string_equal(direct_origin(map)->name, "fw");
	assert_devices(direct_origin(map), "00:02.0,00:01.0,00:03.0");
	mc_map_free(map);
}

/* Carving again finds every device already there: the same result. */
static void test_carving_again(void **state)
{
	struct mc_map *map = map_carved(
		"arch x86_64\nram 0 4G\n"
		"reserved 0x10000000 64K type=direct devices=00:01.0\n"
		"reserved 0x10000000 64K type=direct devices=00:02.0\n");
	const struct mc_pci_dev *first = direct_origin(map)->devices;

	(void)state;
	assert_int_equal(mc_map_carve(map), 0);
	assert_devices(direct_origin(map), "00:01.0,00:02.0");
	assert_ptr_equal(direct_origin(map)->devices, first);
	mc_map_free(map);
}

/* What one range cannot say stays a conflict naming both lines. */
static void refused(const char *first, const char *second, const char *why)
{
	char text[512];
	struct mc_map *map;

	snprintf(text, sizeof(text), "arch x86_64\nram 0 4G\n%s\n%s\n",
		 first, second);
	map = map_from(text);
	assert_int_equal(mc_map_carve(map), MC_EOVERLAP);
	if (!strstr(first_error(map), why) ||
	    !strstr(first_error(map), "test.map:3"))
		fail_msg("%s: %s", second, first_error(map));
	mc_map_free(map);
}

static void test_what_stays_a_conflict(void **state)
{
	const char *one = "reserved 0x10000000 64K type=direct devices=00:01.0";

	(void)state;
	/* overlapping, not the same range: each device its own extent */
	refused(one, "reserved 0x10008000 64K type=direct devices=00:02.0",
		"serve different devices");
	refused(one, "reserved 0x10000000 64K type=direct devices=00:02.0 "
		"policy=carve", "different policies");
	refused(one, "reserved 0x10000000 64K type=direct devices=00:02.0 "
		"readonly", "serve different devices");
	refused("reserved 0x10000000 64K type=direct name=a devices=00:01.0",
		"reserved 0x10000000 64K type=direct name=b devices=00:02.0",
		"serve different devices");
	refused(one, "reserved 0x10000000 64K type=direct sids=5",
		"serve different devices");
}

/*
 * Linux lists an RMRR as direct-relaxable in a USB or graphics device's
 * group and direct in another's: the direct listing describes the range
 * and serves both; one that only overlaps adds nothing.
 */
static void test_relaxable_and_direct(void **state)
{
	struct mc_map *map = map_carved(
		"arch x86_64\nram 0 4G\n"
		"reserved 0x10000000 64K type=direct-relaxable "
		"devices=00:14.0\n"
		"reserved 0x10000000 64K type=direct devices=00:02.0\n"
		"reserved 0x20000000 64K type=direct-relaxable "
		"devices=00:14.0\n"
		"reserved 0x20008000 64K type=direct devices=00:03.0\n");
	size_t n, n_in;
	const struct mc_region *in = mc_map_input(map, &n_in);
	const struct mc_piece *v;

	(void)state;
	assert_devices(&in[2], "00:02.0,00:14.0");
	assert_devices(&in[4], "00:03.0");
	assert_int_equal(mc_map_carve(map), 0);	/* again: the same */
	assert_devices(&in[2], "00:02.0,00:14.0");
	v = mc_map_result(map, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].first == 0x10000000)
			assert_int_equal(v[i].origin, 2);
	mc_map_free(map);
}

/* The name comes last: the joined range is the named listing, all three's. */
static void test_the_named_one_comes_last(void **state)
{
	struct mc_map *map = map_carved(
		"arch x86_64\nram 0 4G\n"
		"reserved 0x10000000 64K type=direct devices=00:01.0\n"
		"reserved 0x10000000 64K type=direct devices=00:02.0\n"
		"reserved 0x10000000 64K type=direct name=fw devices=00:03.0\n");

	(void)state;
	assert_string_equal(direct_origin(map)->name, "fw");
	assert_devices(direct_origin(map), "00:03.0,00:01.0,00:02.0");
	mc_map_free(map);
}

/*
 * One range listed once for each of 100,000 devices: one sort joins them
 * (a search per device made this quadratic; memory stays one list).
 */
static void test_many_listings(void **state)
{
	struct mc_map *map = map_from("arch x86_64\nram 0 4G\n");
	struct mc_pci_dev d = { 0 };
	struct mc_region r = { .kind = MC_RESERVED, .type = MC_RESV_DIRECT,
			       .first = 0x10000000, .last = 0x1000ffff,
			       .devices = &d, .n_devices = 1 };

	(void)state;
	for (uint32_t i = 0; i < 100000; i++) {
		d = (struct mc_pci_dev){ (uint16_t)(i >> 16),
					 (uint8_t)(i >> 8), (uint8_t)i };
		assert_int_equal(mc_map_add(map, &r), 0);
	}
	assert_int_equal(mc_map_add(map, &r), 0);	/* one again */
	assert_int_equal(mc_map_carve(map), 0);
	assert_int_equal(direct_origin(map)->n_devices, 100000);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_groups_one_rmrr),
		cmocka_unit_test(test_named_listing_keeps_it),
		cmocka_unit_test(test_carving_again),
		cmocka_unit_test(test_what_stays_a_conflict),
		cmocka_unit_test(test_relaxable_and_direct),
		cmocka_unit_test(test_the_named_one_comes_last),
		cmocka_unit_test(test_many_listings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
