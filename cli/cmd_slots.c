// SPDX-License-Identifier: MIT
/*
 * cmd_slots.c - "memcarve slots": what to hand KVM_SET_USER_MEMORY_REGION.
 */
#include <inttypes.h>
#include <stdio.h>
#include "cli.h"

static void slots_table(struct cli_buf *b, const struct mc_map *map)
{
	const struct mc_slot *s;
	char size[32];
	size_t n;

	s = mc_map_slots(map, &n);
	cli_buf_printf(b, "%-4s  %-18s  %-12s  %s\n", "SLOT", "GUEST", "SIZE",
		       "OFFSET");
	for (size_t i = 0; i < n; i++) {
		cli_fmt_human(size, sizeof(size), s[i].size);
		cli_buf_printf(b, "%-4" PRIu32 "  0x%016" PRIx64 "  %-12s  0x%016" PRIx64 "\n",
			       s[i].slot, s[i].guest, size, s[i].offset);
	}
	cli_buf_printf(b, "\nbacking size 0x%" PRIx64 "\n",
		       mc_map_totals(map)->ram_after);
}

static void slots_json(struct cli_buf *b, const struct mc_map *map)
{
	const struct mc_slot *s;
	size_t n;

	s = mc_map_slots(map, &n);
	cli_buf_printf(b, "{ \"slots\": [\n");
	for (size_t i = 0; i < n; i++)
		cli_buf_printf(b,
			       "    { \"slot\": %" PRIu32 ", \"guest\": \"0x%" PRIx64
			       "\", \"size\": \"0x%" PRIx64
			       "\", \"offset\": \"0x%" PRIx64 "\" }%s\n",
			       s[i].slot, s[i].guest, s[i].size, s[i].offset,
			       i + 1 < n ? "," : "");
	cli_buf_printf(b, "  ],\n  \"backing_size\": \"0x%" PRIx64 "\" }\n",
		       mc_map_totals(map)->ram_after);
}

static int run_slots(struct cli *cli)
{
	return cli_run_report(cli, slots_table, slots_json);
}

static const struct cli_optspec slots_opts[] = {
	{ "json", 0, false, false, NULL, "print JSON instead of a table" },
	{ "output", 'o', true, false, "FILE",
	  "write to FILE (replaced whole or not at all)" },
	{ NULL, 0, false, false, NULL, NULL },
};

const struct cli_cmd cli_cmd_slots = {
	.name = "slots",
	.synopsis = "MAP [--json] [-o FILE]",
	.summary = "RAM slots for KVM_SET_USER_MEMORY_REGION",
	.details =
		"Carve MAP and list the memory slots a VMM registers with KVM: one per\n"
		"run of contiguous guest memory that RAM backs (overlaid ranges\n"
		"included), in ascending guest order, each with its offset into one\n"
		"contiguous host backing area. Offsets are packed, so the backing\n"
		"area is exactly the guest's RAM after carving.",
	.opts = slots_opts,
	.min_args = 1,
	.max_args = 1,
	.run = run_slots,
};
