// SPDX-License-Identifier: MIT
/*
 * cmd_slots.c - "memcarve slots": what to hand KVM_SET_USER_MEMORY_REGION.
 */
#include <inttypes.h>
#include <stdio.h>
#include "cli.h"

/* Where node @node's part of the backing area starts. */
static uint64_t node_start(const struct mc_map *map, uint32_t node)
{
	size_t n;
	const struct mc_node_backing *nb = mc_map_backing(map, &n);
	size_t lo = 0, hi = n;

	while (lo < hi) {	/* entries are in ascending node order */
		size_t mid = lo + (hi - lo) / 2;

		if (nb[mid].node < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n ? nb[lo].offset : 0;
}

static void slots_table(struct cli_buf *b, const struct mc_map *map)
{
	const struct mc_slot *s;
	const struct mc_node_backing *nb;
	bool numa = mc_map_is_numa(map);
	char size[32];
	size_t n;

	s = mc_map_slots(map, &n);
	cli_buf_printf(b, "%-4s  %s%-18s  %-12s  %s\n", "SLOT",
		       numa ? "NODE  " : "", "GUEST", "SIZE", "OFFSET");
	for (size_t i = 0; i < n; i++) {
		cli_fmt_human(size, sizeof(size), s[i].size);
		cli_buf_printf(b, "%-4" PRIu32 "  ", s[i].slot);
		if (numa)
			cli_buf_printf(b, "%-4" PRIu32 "  ", s[i].node);
		cli_buf_printf(b, "0x%016" PRIx64 "  %-12s  0x%016" PRIx64 "\n",
			       s[i].guest, size, s[i].offset);
	}
	cli_buf_printf(b, "\nbacking size 0x%" PRIx64 "\n",
		       mc_map_totals(map)->ram_after);
	nb = mc_map_backing(map, &n);
	for (size_t i = 0; numa && i < n; i++)
		cli_buf_printf(b, "node %-4" PRIu32 " offset 0x%" PRIx64
			       " size 0x%" PRIx64 "\n", nb[i].node,
			       nb[i].offset, nb[i].size);
}

static void slots_json(struct cli_buf *b, const struct mc_map *map)
{
	const struct mc_slot *s;
	const struct mc_node_backing *nb;
	size_t n;

	s = mc_map_slots(map, &n);
	cli_buf_printf(b, "{ \"slots\": [\n");
	for (size_t i = 0; i < n; i++)
		cli_buf_printf(b,
			       "    { \"slot\": %" PRIu32 ", \"node\": %" PRIu32
			       ", \"guest\": \"0x%" PRIx64
			       "\", \"size\": \"0x%" PRIx64
			       "\", \"offset\": \"0x%" PRIx64
			       "\", \"node_offset\": \"0x%" PRIx64 "\" }%s\n",
			       s[i].slot, s[i].node, s[i].guest, s[i].size,
			       s[i].offset,
			       s[i].offset - node_start(map, s[i].node),
			       i + 1 < n ? "," : "");
	/* "numa": a map of node 0 alone is NUMA too (every slot node 0) */
	cli_buf_printf(b, "  ],\n  \"backing_size\": \"0x%" PRIx64 "\", "
		       "\"numa\": %s,\n  \"backing\": [",
		       mc_map_totals(map)->ram_after,
		       mc_map_is_numa(map) ? "true" : "false");
	nb = mc_map_backing(map, &n);
	for (size_t i = 0; i < n; i++)
		cli_buf_printf(b, "%s\n    { \"node\": %" PRIu32
			       ", \"offset\": \"0x%" PRIx64
			       "\", \"size\": \"0x%" PRIx64 "\" }",
			       i ? "," : "", nb[i].node, nb[i].offset,
			       nb[i].size);
	cli_buf_printf(b, "\n  ] }\n");
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
		"area is exactly the guest's RAM after carving.\n"
		"\n"
		"In a NUMA map (ranges with node=) no slot spans two nodes, and the\n"
		"backing area holds the nodes one after the other in ascending node\n"
		"order, each node's slots in guest order: a VMM binds each node's part\n"
		"to its host node (mbind). The table gets a NODE column and one line\n"
		"per node's part. --json always gives each slot's \"node\" and\n"
		"\"node_offset\" (its offset into its node's part), \"numa\": whether\n"
		"the map is NUMA (one of node 0 alone is), and \"backing\": each\n"
		"node's part (a map that is not NUMA has one, node 0).",
	.opts = slots_opts,
	.min_args = 1,
	.max_args = 1,
	.run = run_slots,
};
