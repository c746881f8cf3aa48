// SPDX-License-Identifier: MIT
/*
 * test_hardening_bounds.c - a count that would overflow an output field is
 * an error, never a wrap (issue 9). Each bound is tested on both sides: the
 * largest value that fits works, one more is refused. Where reaching a
 * bound would take gigabytes (a 4 GiB ACPI table, a 4 GiB setup_data), the
 * guard is driven with a count the function checks before it reads.
 * (A map of 10^6 regions: test_scale.c.)
 */
#include "core_helpers.h"
#include "memcarve-acpi.h"
#include "acpi_table.h"
#include "memcarve-dt.h"
#include "memcarve-e820.h"
#include "../../acpi/acpi.h"

#define LINE_MAX_BYTES 4096	/* MC_LINE_MAX, the documented limit */

/* A line of exactly @len bytes: @start, then spaces (and @comment). */
static char *line_of(size_t len, const char *start, bool comment)
{
	char *s = malloc(len + 2);

	assert_non_null(s);
	memset(s, ' ', len);
	memcpy(s, start, strlen(start));
	if (comment)
		s[strlen(start) + 1] = '#';
	s[len] = '\n';
	s[len + 1] = '\0';
	return s;
}

static void a_line_longer_than_4096_bytes_is_an_error(void **state)
{
	char *fits = line_of(LINE_MAX_BYTES, "ram 0 1G", true);
	char *over = line_of(LINE_MAX_BYTES + 1, "ram 0 1G", true);
	char *rfits = line_of(LINE_MAX_BYTES, "0x1000 0x1fff msi", false);
	char *rover = line_of(LINE_MAX_BYTES + 1, "0x1000 0x1fff msi", false);
	struct mc_map *map = mc_map_new();

	(void)state;
	assert_int_equal(mc_map_load(map, "t", fits, strlen(fits)), 0);
	assert_int_equal(mc_map_load(map, "t", over, strlen(over)),
			 MC_EINVAL);
	assert_non_null(strstr(first_error(map), "longer than 4096 bytes"));
	mc_map_clear_errors(map);
	/* sysfs text: the same limit, the same error */
	assert_int_equal(mc_map_load_resv(map, "r", rfits, strlen(rfits)), 0);
	assert_int_equal(mc_map_load_resv(map, "r", rover, strlen(rover)),
			 MC_EINVAL);
	assert_non_null(strstr(first_error(map), "longer than 4096 bytes"));
	mc_map_free(map);
	free(fits);
	free(over);
	free(rfits);
	free(rover);
}

/* One direct range on a carved map with @n devices or stream IDs. */
static struct mc_map *direct_with(enum mc_arch arch, size_t n_dev,
				  size_t n_sid)
{
	struct mc_map *map = mc_map_new();
	struct mc_pci_dev *dev = calloc(n_dev + 1, sizeof(*dev));
	uint32_t *sid = calloc(n_sid + 1, sizeof(*sid));
	struct mc_region ram = { .kind = MC_RAM, .first = 0x40000000,
				 .last = 0xbfffffff };
	struct mc_region r = { .kind = MC_RESERVED, .type = MC_RESV_DIRECT,
			       .first = 0x48000000, .last = 0x480fffff,
			       .devices = dev, .n_devices = n_dev,
			       .sids = sid, .n_sids = n_sid };

	assert_non_null(dev);
	assert_non_null(sid);
	for (size_t i = 0; i < n_dev; i++)
		dev[i] = (struct mc_pci_dev){ 0, (uint8_t)(i >> 8),
					      (uint8_t)i };
	for (size_t i = 0; i < n_sid; i++)
		sid[i] = (uint32_t)(2 * i);	/* no runs: one mapping each */
	assert_int_equal(mc_map_set_arch(map, arch), 0);
	assert_int_equal(mc_map_add(map, &ram), 0);
	assert_int_equal(mc_map_add(map, &r), 0);
	assert_int_equal(mc_map_carve(map), 0);
	free(dev);
	free(sid);
	return map;
}

static int build(struct mc_map *map, enum mc_acpi_table t, size_t *len)
{
	uint8_t *out = NULL;
	int err = acpi_table(map, t, NULL, NULL, 0, &out, len);

	mc_free(out);
	return err;
}

/* An RMRR's u16 length: 24 + 8 per one-hop scope, so 8188 devices. */
static void dmar_rmrr_device_count_fits_its_u16_length(void **state)
{
	struct mc_map *fits = direct_with(MC_ARCH_X86_64, 8188, 0);
	struct mc_map *over = direct_with(MC_ARCH_X86_64, 8189, 0);
	size_t len = 0;

	(void)state;
	assert_int_equal(build(fits, MC_ACPI_DMAR, &len), 0);
	assert_true(len > 24 + 8188 * 8);
	assert_int_equal(build(over, MC_ACPI_DMAR, &len), MC_ERANGE);
	assert_non_null(strstr(first_error(over), "devices do not fit"));
	mc_map_free(fits);
	mc_map_free(over);
}

/* An RMR node's u16 length: 28 + 20 per mapping + 20, so 3274 mappings. */
static void iort_rmr_mapping_count_fits_its_u16_length(void **state)
{
	struct mc_map *fits = direct_with(MC_ARCH_ARM64, 0, 3274);
	struct mc_map *over = direct_with(MC_ARCH_ARM64, 0, 3275);
	size_t len = 0;

	(void)state;
	assert_int_equal(build(fits, MC_ACPI_IORT, &len), 0);
	assert_int_equal(build(over, MC_ACPI_IORT, &len), MC_ERANGE);
	assert_non_null(strstr(first_error(over), "too many stream IDs"));
	mc_map_free(fits);
	mc_map_free(over);
}

/* The header's u32 length: a table of 2^32 bytes is refused, not cut. */
static void acpi_table_length_fits_its_u32(void **state)
{
	uint8_t small[64] = { 0 };
	struct acpi_buf huge = { small, (size_t)UINT32_MAX + 1, sizeof(small),
				 false };
	struct mc_map *map = mc_map_new();
	uint8_t *out = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(acpi_finish(map, &huge, &out, &len), MC_ERANGE);
	assert_null(out);
	assert_non_null(strstr(first_error(map), "32-bit"));
	mc_map_free(map);
}

/* The XSDT's u32 length holds (2^32 - 1 - 36) / 8 table pointers. */
static void xsdt_table_count_fits_its_u32_length(void **state)
{
	const void *tables[1] = { "DMAR" };
	size_t lens[1] = { 4 };
	struct mc_map *map = mc_map_new();
	uint8_t *out = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(mc_acpi_rsdp(map, 0x80000, tables, lens,
				      (UINT32_MAX - 36) / 8 + 1, NULL, &out,
				      &len),
			 MC_ERANGE);
	assert_null(out);
	mc_map_free(map);
}

/* setup_data's u32 len holds UINT32_MAX / 20 extended entries. */
static void setup_data_len_fits_its_u32(void **state)
{
	struct mc_e820_entry e[1] = { { 0, 0x1000, MC_E820_RAM } };
	size_t most = MC_E820_ZEROPAGE_MAX + UINT32_MAX / MC_E820_ENTRY_SIZE;
	size_t need = 0;

	(void)state;
	/* the count is checked before any entry is read */
	need = 0;
	assert_int_equal(mc_e820_setup_data(e, most, 0, NULL, &need),
			 MC_ENOSPC);
	assert_true(need - MC_SETUP_DATA_HDR <= UINT32_MAX);
	need = 0;
	assert_int_equal(mc_e820_setup_data(e, most + 1, 0, NULL, &need),
			 MC_EINVAL);
	need = 0;
	assert_int_equal(mc_e820_encode(e, SIZE_MAX / 20 + 1, NULL, &need),
			 MC_ERANGE);
}

/* e820_entries is a u8: 300 entries put 128 there and 172 in the node. */
static void zero_page_entry_count_never_wraps(void **state)
{
	static struct mc_e820_entry e[300];
	static uint8_t zp[MC_ZEROPAGE_SIZE];
	struct mc_e820_boot_opts boot = { .setup_data_addr = 0x30000 };
	struct mc_map *map = mc_map_new();
	uint8_t node[16 + 172 * 20];
	size_t need = 0;

	(void)state;
	for (size_t i = 0; i < 300; i++)
		e[i] = (struct mc_e820_entry){ i * 0x2000, 0x1000,
					       i % 2 ? MC_E820_RESERVED
						     : MC_E820_RAM };
	assert_int_equal(mc_e820_zeropage(map, e, 300, &boot, zp, &(size_t){ MC_ZEROPAGE_SIZE }), 0);
	assert_int_equal(zp[0x1e8], 128);
	need = sizeof(node);
	assert_int_equal(mc_e820_setup_data(e, 300, 0, node, &need),
			 0);
	assert_int_equal(need, sizeof(node));
	assert_int_equal(node[12] | node[13] << 8, 172 * 20);
	mc_map_free(map);
}

/* DT reg cells: a range past 4 GiB does not fit one cell; it is refused. */
static void dt_reg_values_fit_their_cells(void **state)
{
	struct mc_map *map = map_from("arch arm64\nram 0x40000000 1G\n"
				      "pmem 0x100000000 1G\n");
	struct mc_dt_opts one = { .cells = 1 }, two = { .cells = 2 };
	size_t need = 0;

	(void)state;
	assert_int_equal(mc_map_carve(map), 0);
	need = 0;
	assert_int_equal(mc_dt_build(map, &two, NULL, &need), MC_ENOSPC);
	need = 0;
	assert_int_equal(mc_dt_build(map, &one, NULL, &need), MC_ERANGE);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_line_longer_than_4096_bytes_is_an_error),
		cmocka_unit_test(dmar_rmrr_device_count_fits_its_u16_length),
		cmocka_unit_test(iort_rmr_mapping_count_fits_its_u16_length),
		cmocka_unit_test(acpi_table_length_fits_its_u32),
		cmocka_unit_test(xsdt_table_count_fits_its_u32_length),
		cmocka_unit_test(setup_data_len_fits_its_u32),
		cmocka_unit_test(zero_page_entry_count_never_wraps),
		cmocka_unit_test(dt_reg_values_fit_their_cells),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
