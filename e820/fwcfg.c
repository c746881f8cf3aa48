// SPDX-License-Identifier: MIT
/*
 * fwcfg.c - mc_e820_fw_check(): what SeaBIOS keeps of fw_cfg "etc/e820"
 * (src/fw/paravirt.c qemu_cfg_e820(): "Qemu 1.7 uses RAM + RESERVED
 * only. Ignore everything else"; src/e820map.c insert_e820(): an entry
 * past BUILD_MAX_E820 is dropped).
 */
#include <inttypes.h>
#include "memcarve-fwcfg.h"

static int seabios(struct mc_map *map, const struct mc_e820_entry *e,
		   size_t n)
{
	char name[24];

	for (size_t i = 0; i < n; i++)
		if (e[i].type != MC_E820_RAM && e[i].type != MC_E820_RESERVED)
			return mc_map_report(map, MC_EINVAL, NULL, "e820 entry "
					     "[mem 0x%" PRIx64 "-0x%" PRIx64 "] "
					     "%s: SeaBIOS takes only usable and "
					     "reserved entries from etc/e820 "
					     "and drops this one",
					     e[i].addr, e[i].addr + (e[i].size - 1),
					     mc_e820_type_name(e[i].type, name,
							       sizeof(name)));
	if (n > MC_SEABIOS_MAX_E820)
		return mc_map_report(map, MC_ERANGE, NULL, "the e820 table has "
				     "%zu entries; SeaBIOS keeps at most %d, its "
				     "own included (e820_list[BUILD_MAX_E820]), "
				     "and drops the rest", n,
				     MC_SEABIOS_MAX_E820);
	return 0;
}

int mc_e820_fw_check(struct mc_map *map, const struct mc_e820_entry *e,
		     size_t n, enum mc_fw fw)
{
	if (fw == MC_FW_SEABIOS)
		return seabios(map, e, n);
	return mc_map_report(map, MC_EINVAL, "fw", "unknown firmware %d",
			     (int)fw);
}
