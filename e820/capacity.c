// SPDX-License-Identifier: MIT
/*
 * capacity.c - how many entries the guest kernel's e820 tables hold, and
 * how many it adds to ours at boot.
 *
 * struct e820_table holds E820_MAX_ENTRIES = E820_MAX_ENTRIES_ZEROPAGE
 * (128) + 3 * MAX_NUMNODES entries (arch/x86/include/asm/e820/types.h);
 * MAX_NUMNODES is 1 << CONFIG_NODES_SHIFT, 1 without NUMA. An entry past
 * that is dropped by __e820__range_add() ("too many entries; ignoring",
 * "E820 table full; ignoring" from 7.0), and a split whose second half is
 * dropped loses the tail of the entry it splits. So the table must hold
 * ours plus what the kernel itself adds before it sanitizes again:
 *  - trim_bios_range(): the first 4K page becomes reserved, splitting a
 *    RAM entry that starts at 0 and is longer; RAM in 0xa0000-0xfffff is
 *    removed, splitting an entry that runs through the whole window.
 *    Both act on e820_table.
 *  - each setup_data node is turned from RAM into RESERVED_KERN (128),
 *    splitting its RAM entry at each end that is not the entry's: in
 *    e820_table up to 6.14 (e820__reserve_setup_data(), which 6.15
 *    dropped), and always in e820_table_kexec, a copy of the firmware's
 *    table of the same capacity.
 * Up to 6.14 both act on one table; from 6.15 the larger of the two.
 */
#include "memcarve-e820.h"

#define FIRST_PAGE 0x1000ull		/* PAGE_SIZE on x86 */
#define BIOS_BEGIN 0xa0000ull
#define BIOS_LAST 0xfffffull

size_t mc_e820_max_entries(unsigned int nodes_shift)
{
	if (nodes_shift > MC_E820_NODES_SHIFT_MAX)
		return 0;
	return MC_E820_ZEROPAGE_MAX + 3 * ((size_t)1 << nodes_shift);
}

static uint64_t last_of(const struct mc_e820_entry *e)
{
	return e->addr + (e->size - 1);
}

/* Entries trim_bios_range() adds to a sanitized table. */
static size_t trim_splits(const struct mc_e820_entry *e, size_t n)
{
	size_t added = 0;

	for (size_t i = 0; i < n && e[i].addr < BIOS_BEGIN; i++) {
		if (e[i].type != MC_E820_RAM)
			continue;
		added += e[i].addr == 0 && last_of(&e[i]) >= FIRST_PAGE;
		added += last_of(&e[i]) > BIOS_LAST;
	}
	return added;
}

/* Entries the reservation of each setup_data node adds. */
static size_t setup_data_splits(const struct mc_e820_entry *e, size_t n,
				const struct mc_e820_need *sd, size_t n_sd)
{
	size_t added = 0;

	for (size_t k = 0; k < n_sd; k++)
		for (size_t i = 0; i < n; i++) {
			if (e[i].type != MC_E820_RAM || e[i].addr > sd[k].last ||
			    last_of(&e[i]) < sd[k].first)
				continue;
			added += e[i].addr < sd[k].first;
			added += last_of(&e[i]) > sd[k].last;
		}
	return added;
}

size_t mc_e820_boot_entries(const struct mc_e820_entry *e, size_t n,
			    const struct mc_e820_need *setup_data,
			    size_t n_setup_data, uint32_t version)
{
	size_t trim = trim_splits(e, n);
	size_t sd = setup_data_splits(e, n, setup_data, n_setup_data);

	if (version && version < MC_LINUX_VERSION(6, 15))
		return n + trim + sd;
	return n + (trim > sd ? trim : sd);
}
