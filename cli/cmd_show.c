// SPDX-License-Identifier: MIT
/*
 * cmd_show.c - "memcarve show": the carved map as a table or JSON.
 */
#include <inttypes.h>
#include <stdio.h>
#include "cli.h"
#include "model.h"

/* "reserved/msi", "ram/relocated": the kind, refined where it matters. */
static void kind_label(char *buf, size_t len, const struct mc_piece *r)
{
	if (r->kind == MC_RESERVED)
		snprintf(buf, len, "reserved/%s",
			 mc_resv_type_name((enum mc_resv_type)r->type));
	else if (r->flags & MC_F_RELOCATED)
		snprintf(buf, len, "ram/relocated");
	else
		snprintf(buf, len, "%s", mc_kind_name((enum mc_kind)r->kind));
}

static void total_line(struct cli_buf *b, const char *what, uint64_t v)
{
	char h[32];

	cli_fmt_human(h, sizeof(h), v);
	if (h[0] == '0' && h[1] == 'x')
		cli_buf_printf(b, "%-17s %s\n", what, h);
	else
		cli_buf_printf(b, "%-17s %s (0x%" PRIx64 ")\n", what, h, v);
}

/*
 * Piece @i's NUMA node: its own region's (ram, pmem, hotplug), or that of
 * the RAM backing it (an overlaid range): the node its memory is on.
 */
static bool piece_node(const struct mc_map *map, size_t i, uint32_t *node)
{
	struct piece p;

	model_piece(map, i, &p);
	*node = p.node;
	return p.has_node;
}

/* "0", or "-" for a piece on no node; "" outside NUMA. */
static const char *node_cell(char *buf, size_t len, const struct mc_map *map,
			     size_t i)
{
	uint32_t node;

	if (!mc_map_is_numa(map))
		return "";
	if (piece_node(map, i, &node))
		snprintf(buf, len, "%-4" PRIu32 "  ", node);
	else
		snprintf(buf, len, "%-4s  ", "-");
	return buf;
}

typedef void (*distance_fn)(struct cli_buf *b, size_t k, uint32_t from,
			    uint32_t to, uint32_t distance);

/*
 * @fn on every ordered pair of nodes the map states a distance for,
 * directly or by symmetry, ascending, @k counting from 0; the count.
 */
static size_t each_distance(struct cli_buf *b, const struct mc_map *map,
			    distance_fn fn)
{
	size_t n, k = 0;
	const struct mc_node_backing *nb = mc_map_backing(map, &n);
	uint32_t d;

	for (size_t i = 0; mc_map_is_numa(map) && i < n; i++)
		for (size_t j = 0; j < n; j++) {
			d = mc_map_distance(map, nb[i].node, nb[j].node);
			if (d)
				fn(b, k++, nb[i].node, nb[j].node, d);
		}
	return k;
}

/* The table's: map-file statements, after a blank line. */
static void table_distance(struct cli_buf *b, size_t k, uint32_t from,
			   uint32_t to, uint32_t distance)
{
	cli_buf_printf(b, "%sdistance %" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
		       k ? "" : "\n", from, to, distance);
}

static void json_distance(struct cli_buf *b, size_t k, uint32_t from,
			  uint32_t to, uint32_t distance)
{
	cli_buf_printf(b, "%s\n    { \"from\": %" PRIu32 ", \"to\": %" PRIu32
		       ", \"distance\": %" PRIu32 " }",
		       k ? "," : "  \"distances\": [", from, to, distance);
}

static void show_table(struct cli_buf *b, const struct mc_map *map)
{
	const struct mc_totals *t = mc_map_totals(map);
	const struct mc_piece *v;
	const struct mc_region *in;
	char g[32], size[32], kind[32], node[32];
	size_t n, n_in;

	v = mc_map_result(map, &n);
	in = mc_map_input(map, &n_in);
	cli_fmt_human(g, sizeof(g), mc_map_granule(map));
	cli_buf_printf(b, "arch %s, policy %s, granule %s\n\n",
		       mc_map_arch(map) ? mc_arch_name(mc_map_arch(map)) : "-",
		       mc_policy_name(mc_map_policy(map)), g);
	cli_buf_printf(b, "%-18s  %-18s  %-12s  %-25s  %-6s  %s%s\n", "START",
		       "END", "SIZE", "KIND", "BACKED",
		       mc_map_is_numa(map) ? "NODE  " : "", "NAME");
	for (size_t i = 0; i < n; i++) {
		const struct mc_piece *r = &v[i];
		const char *name = in[r->origin].name;

		if (r->first == 0 && r->last == UINT64_MAX)
			snprintf(size, sizeof(size), "16E");
		else
			cli_fmt_human(size, sizeof(size),
				      r->last - r->first + 1);
		kind_label(kind, sizeof(kind), r);
		cli_buf_printf(b,
			       "0x%016" PRIx64 "  0x%016" PRIx64
			       "  %-12s  %-25s  %-6s  %s%s\n",
			       r->first, r->last, size, kind,
			       (r->flags & MC_F_BACKED) ? "yes" : "no",
			       node_cell(node, sizeof(node), map, i),
			       name ? name : "-");
	}
	cli_buf_printf(b, "\n");
	total_line(b, "ram before", t->ram_before);
	total_line(b, "ram after", t->ram_after);
	total_line(b, "carved", t->carved);
	total_line(b, "relocated", t->relocated);
	total_line(b, "lost to rounding", t->lost_to_rounding);
	each_distance(b, map, table_distance);
}

static void json_region(struct cli_buf *b, const struct mc_map *map,
			size_t i)
{
	size_t n;
	const struct mc_piece *r = &mc_map_result(map, &n)[i];
	size_t n_in;
	const struct mc_region *in = &mc_map_input(map, &n_in)[r->origin];
	enum mc_policy policy = mc_map_effective_policy(map, in);
	char size[32];
	uint32_t node;

	cli_fmt_size(size, sizeof(size), r->first, r->last);
	cli_buf_printf(b,
		       "    { \"start\": \"0x%" PRIx64 "\", \"end\": \"0x%" PRIx64
		       "\", \"size\": \"%s\", \"kind\": \"%s\", ",
		       r->first, r->last, size, mc_kind_name(in->kind));
	if (r->kind == MC_RESERVED)
		cli_buf_printf(b, "\"type\": \"%s\", ",
			       mc_resv_type_name(in->type));
	if (mc_map_is_numa(map) && piece_node(map, i, &node))
		cli_buf_printf(b, "\"node\": %" PRIu32 ", ", node);
	cli_buf_printf(b, "\"name\": ");
	cli_json_str(b, in->name);
	/* nothing overlaps a hotplug window: no policy applies to it */
	if (r->kind == MC_HOTPLUG)
		cli_buf_printf(b, ", \"backed\": false");
	else if (r->kind != MC_RAM)
		cli_buf_printf(b, ", \"backed\": %s, \"policy\": \"%s\"",
			       (r->flags & MC_F_BACKED) ? "true" : "false",
			       mc_policy_name(policy));
	else if (r->flags & MC_F_RELOCATED)
		cli_buf_printf(b, ", \"relocated\": true");
	cli_buf_printf(b, " }");
}

static void show_json(struct cli_buf *b, const struct mc_map *map)
{
	const struct mc_totals *t = mc_map_totals(map);
	size_t n;

	mc_map_result(map, &n);
	cli_buf_printf(b, "{ \"arch\": ");
	cli_json_str(b, mc_map_arch(map) ? mc_arch_name(mc_map_arch(map))
					 : NULL);
	cli_buf_printf(b,
		       ", \"policy\": \"%s\", \"granule\": \"0x%" PRIx64
		       "\",\n  \"regions\": [\n",
		       mc_policy_name(mc_map_policy(map)), mc_map_granule(map));
	for (size_t i = 0; i < n; i++) {
		json_region(b, map, i);
		cli_buf_printf(b, "%s\n", i + 1 < n ? "," : "");
	}
	cli_buf_printf(b, "  ],\n");
	if (each_distance(b, map, json_distance))
		cli_buf_printf(b, "\n  ],\n");
	cli_buf_printf(b,
		       "  \"ram_before\": \"0x%" PRIx64
		       "\", \"ram_after\": \"0x%" PRIx64 "\",\n"
		       "  \"carved\": \"0x%" PRIx64 "\", \"relocated\": \"0x%" PRIx64
		       "\", \"lost_to_rounding\": \"0x%" PRIx64 "\" }\n",
		       t->ram_before, t->ram_after, t->carved, t->relocated,
		       t->lost_to_rounding);
}

static int run_show(struct cli *cli)
{
	return cli_run_report(cli, show_table, show_json);
}

static const struct cli_optspec show_opts[] = {
	{ "json", 0, false, false, NULL, "print JSON instead of a table" },
	{ "output", 'o', true, false, "FILE",
	  "write to FILE (replaced whole or not at all)" },
	{ NULL, 0, false, false, NULL, NULL },
};

const struct cli_cmd cli_cmd_show = {
	.name = "show",
	.synopsis = "MAP [--json] [-o FILE]",
	.summary = "the carved map as a table (or JSON)",
	.details =
		"Carve MAP and print what the guest sees, sorted by address: every\n"
		"RAM piece and every described range, with its inclusive end, size,\n"
		"kind (reserved ranges with their IOMMU type), whether guest RAM still\n"
		"backs it, and its name. Then the totals: RAM before and after\n"
		"carving, bytes carved, bytes relocated, bytes lost to granule rounding.\n"
		"Addresses the map does not mention are not listed.\n"
		"\n"
		"A NUMA map (one whose ranges have node=) gets a NODE column: the node\n"
		"of each ram, pmem and hotplug range, and after the totals a line\n"
		"'distance FROM TO N' for each ordered pair of nodes the map states a\n"
		"distance for, by symmetry too. --json gives them as \"node\" and\n"
		"\"distances\".",
	.opts = show_opts,
	.min_args = 1,
	.max_args = 1,
	.run = run_show,
};
