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
 * Up to 6.14 both act on one table, the setup_data cut first and the trim
 * on what is left of the RAM; from 6.15 the larger of the two counts.
 * tests/unit/test_kernel_model.c checks the count against a model of
 * those steps.
 */
#include <stdbool.h>
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

static size_t max_of(size_t a, size_t b)
{
	return a > b ? a : b;
}

static uint64_t last_of(const struct mc_e820_entry *e)
{
	return e->addr + (e->size - 1);
}

/*
 * The first byte at or after @from in entry @r that no node of @sd covers,
 * or r->last + 1 (0 past 2^64 - 1: *@end) when there is none.
 */
static uint64_t next_free(const struct mc_e820_entry *r, uint64_t from,
			  const struct mc_e820_need *sd, size_t n_sd, bool *end)
{
	bool moved = true;

	while (moved && !*end) {
		moved = false;
		for (size_t k = 0; k < n_sd && !*end; k++)
			if (sd[k].first <= from && from <= sd[k].last) {
				from = sd[k].last + 1;
				*end = from == 0 || from > last_of(r);
				moved = true;
			}
	}
	return from;
}

/* The last byte of the piece of @r that starts at @from, cut by @sd. */
static uint64_t piece_last(const struct mc_e820_entry *r, uint64_t from,
			   const struct mc_e820_need *sd, size_t n_sd)
{
	uint64_t last = last_of(r);

	for (size_t k = 0; k < n_sd; k++)
		if (sd[k].first > from && sd[k].first - 1 < last)
			last = sd[k].first - 1;
	return last;
}

/*
 * Entries trim_bios_range() adds to a sanitized table whose RAM entries
 * the setup_data nodes @sd have already cut (none from 6.15): one for a
 * RAM piece at 0 longer than the first page, one for a piece that runs
 * through the whole of 0xa0000-0xfffff.
 */
static size_t trim_splits(const struct mc_e820_entry *e, size_t n,
			  const struct mc_e820_need *sd, size_t n_sd)
{
	size_t added = 0;

	for (size_t i = 0; i < n && e[i].addr < BIOS_BEGIN; i++) {
		bool end = false;
		uint64_t at = next_free(&e[i], e[i].addr, sd, n_sd, &end);

		while (e[i].type == MC_E820_RAM && !end && at < BIOS_BEGIN) {
			uint64_t last = piece_last(&e[i], at, sd, n_sd);

			added += at == 0 && last >= FIRST_PAGE;
			added += last > BIOS_LAST;
			if (last == last_of(&e[i]))
				break;
			at = next_free(&e[i], last + 1, sd, n_sd, &end);
		}
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
	size_t sd = setup_data_splits(e, n, setup_data, n_setup_data);

	/* up to 6.14 the working table is cut by setup_data, then trimmed */
	if (version && version < MC_LINUX_VERSION(6, 15))
		return n + sd + trim_splits(e, n, setup_data, n_setup_data);
	return n + max_of(trim_splits(e, n, NULL, 0), sd);
}
