// SPDX-License-Identifier: MIT
/*
 * test_fwcfg.c - mc_e820_fw_check(): what SeaBIOS keeps of fw_cfg
 * etc/e820 (qemu_cfg_e820(): RAM and reserved only; e820_list[32]).
 */
#include "core_helpers.h"
#include "memcarve-fwcfg.h"

static int check(const struct mc_e820_entry *e, size_t n, const char *want)
{
	struct mc_map *map = mc_map_new();
	int err = mc_e820_fw_check(map, e, n, MC_FW_SEABIOS);

	if (want && !strstr(first_error(map), want))
		fail_msg("'%s' does not say '%s'", first_error(map), want);
	assert_int_equal(mc_map_error_count(map), err ? 1 : 0);
	mc_map_free(map);
	return err;
}

static void seabios_keeps_ram_and_reserved(void **state)
{
	struct mc_e820_entry e[3] = {
		{ 0, 0x9fc00, MC_E820_RAM },
		{ 0x9fc00, 0x400, MC_E820_RESERVED },
		{ 0x100000, 0x1ff00000, MC_E820_RAM },
	};

	(void)state;
	assert_int_equal(check(e, 3, NULL), 0);
	e[1].type = MC_E820_ACPI;
	assert_int_equal(check(e, 3, "ACPI data"), MC_EINVAL);
	e[1].type = MC_E820_PMEM;
	assert_int_equal(check(e, 3, "0x9fc00-0x9ffff"), MC_EINVAL);
}

static void seabios_holds_32_entries(void **state)
{
	struct mc_e820_entry e[33];

	(void)state;
	for (size_t i = 0; i < 33; i++)
		e[i] = (struct mc_e820_entry){ 0x100000 * i, 0x1000,
					       i % 2 ? MC_E820_RESERVED :
						       MC_E820_RAM };
	assert_int_equal(check(e, 32, NULL), 0);
	assert_int_equal(check(e, 33, "BUILD_MAX_E820"), MC_ERANGE);
}

static void unknown_firmware(void **state)
{
	struct mc_map *map = mc_map_new();

	(void)state;
	assert_int_equal(mc_e820_fw_check(map, NULL, 0, (enum mc_fw)7),
			 MC_EINVAL);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seabios_keeps_ram_and_reserved),
		cmocka_unit_test(seabios_holds_32_entries),
		cmocka_unit_test(unknown_firmware),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
