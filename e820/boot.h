/* SPDX-License-Identifier: MIT */
/*
 * boot.h - the checks of mc_e820_boot_check() that read the carved map
 * itself rather than the table; private to e820/.
 */
#ifndef MC_E820_BOOT_H
#define MC_E820_BOOT_H

#include <stdint.h>
#include "memcarve.h"

/*
 * The command line at @cmdline_addr and the RSDP at @rsdp_addr (0: none)
 * lie in backed guest memory. Return: 0, or MC_EOVERLAP / MC_ERANGE with
 * a diagnostic naming the field.
 */
int e820_check_boot_addrs(struct mc_map *map, uint64_t cmdline_addr,
			  uint64_t rsdp_addr);

#endif /* MC_E820_BOOT_H */
