// SPDX-License-Identifier: MIT
/*
 * cmd_check.c - "memcarve check": the problems a guest would hit with
 * the blobs a VMM built, whoever built them.
 *
 * Every blob is decoded (any format inspect knows), checked on its own
 * bytes (check_dt.c, check_blob.c), carved, and then held against the
 * host's reserved ranges, the direct ranges any blob declares, the
 * minimum RAM, the other blobs and the map. Each problem is one finding
 * (findings.c). Exit 0 clean, 1 findings, 2 usage errors or a file that
 * cannot be read.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "rangeset.h"
#include "semdiff.h"

#define CHECK_TROUBLE 2

struct check {
	struct findings f;
	struct model *blob;
	size_t n_blob;
	bool *carved;
	bool *joined;		/* a setup_data node joined to its zero page */
	struct mc_map *host;	/* --resv, --vfio */
	struct rangeset direct;	/* every direct range, host's and tables' */
	struct model map;	/* --map */
	bool have_map;
	uint64_t min_ram;
};

static int load_host(struct check *c, const struct cli *cli)
{
	int err;

	c->host = mc_map_new();
	if (!c->host)
		return cli_error(CHECK_TROUBLE, "out of memory");
	/* The global --resv, --vfio and --sysfs-root, read as for a map. */
	err = cli_load_host(cli, c->host);
	if (err) {
		cli_print_errors(c->host);
		return CHECK_TROUBLE;
	}
	return EXIT_OK;
}

/* A blob its decoder calls broken is a finding; one with too many e820
 * entries in its zero page is one, and is read as the kernel reads it. */
static void read_broken(struct check *c, struct model *m)
{
	if (check_zeropage_count(&c->f, m) && model_decode(m) == 0)
		return;
	for (size_t i = 0; i < mc_map_error_count(m->map); i++)
		finding(&c->f, "bad-blob", m->name, "%s: %s", m->format,
			mc_map_error(m->map, i)->msg);
}

/*
 * A zero page and its SETUP_E820_EXT node are one e820 table: the node's
 * entries join the (first) zero page's, and the node is not checked alone.
 */
static void join_setup_data(struct check *c)
{
	struct model *zp = NULL;
	const struct mc_region *r;
	size_t n;

	for (size_t i = 0; i < c->n_blob && !zp; i++)
		if (!c->blob[i].broken &&
		    !strcmp(c->blob[i].format, "x86 zero page (boot_params)"))
			zp = &c->blob[i];
	for (size_t i = 0; zp && i < c->n_blob; i++) {
		if (c->blob[i].broken || strcmp(c->blob[i].format,
						"x86 setup_data SETUP_E820_EXT"))
			continue;
		r = mc_map_input(c->blob[i].map, &n);
		for (size_t k = 0; k < n; k++)
			if (mc_map_add(zp->map, &r[k]))
				c->f.failed = true;
		c->joined[i] = true;
	}
}

static int load_blobs(struct check *c, const struct cli *cli)
{
	c->blob = calloc(cli->n_arg, sizeof(*c->blob));
	c->carved = calloc(cli->n_arg, sizeof(*c->carved));
	c->joined = calloc(cli->n_arg, sizeof(*c->joined));
	if (!c->blob || !c->carved || !c->joined)
		return cli_error(CHECK_TROUBLE, "out of memory");
	for (size_t i = 0; i < cli->n_arg; i++) {
		struct model *m = &c->blob[i];
		int st = model_read(cli, cli->arg[i], m);

		c->n_blob = i + 1;
		if (st != EXIT_OK && !m->broken)
			return CHECK_TROUBLE;	/* unreadable, or a bad map */
		if (m->broken)
			read_broken(c, m);
	}
	join_setup_data(c);
	return EXIT_OK;
}

static void check_own(struct check *c, size_t i)
{
	struct model *m = &c->blob[i];

	if (c->joined[i])
		return;
	/* Only a tree the decoder took: libfdt's fdt_check_full() itself
	 * reads through NULL on some the decoder refuses (a version 12
	 * blob) and spins on others (a stalling property length). */
	if (!m->broken && !strcmp(m->format, "device tree blob"))
		check_dt(&c->f, m);
	check_zeropage(&c->f, m);
	check_e820_capacity(&c->f, m);
	check_acpi(&c->f, m);
	if (m->broken)
		return;
	if (!strcmp(m->format, "map") || model_carve(m) == 0) {
		c->carved[i] = true;
		return;
	}
	for (size_t k = 0; k < mc_map_error_count(m->map); k++)
		finding(&c->f, "conflict", m->name, "%s",
			mc_map_error(m->map, k)->msg);
}

/* Does the blob say where guest memory is (and so what is not)? */
static bool describes_memory(const struct model *m)
{
	return (m->says & SAYS_RAM) && !(m->says & SAYS_ONLY_RAM);
}

struct ctx {
	struct check *c;
	const struct model *m;
	const struct mc_region *r;
};

static void ram_over_resv(void *p, uint64_t first, uint64_t last)
{
	struct ctx *x = p;

	finding_at(&x->c->f, "ram-over-host-reserved", x->m->name, first, last,
		   "guest RAM over the host's %s range 0x%" PRIx64 "-0x%" PRIx64
		   "%s", mc_resv_type_name(x->r->type), x->r->first,
		   x->r->last, x->r->type == MC_RESV_MSI ||
				x->r->type == MC_RESV_SW_MSI ?
			   ": DMA to this RAM hits the MSI doorbell, never "
			   "memory" : ": the IOMMU never maps it for DMA");
}

static void direct_uncovered(void *p, uint64_t first, uint64_t last)
{
	struct ctx *x = p;

	finding_at(&x->c->f, "direct-not-reserved", x->m->name, first, last,
		   "a direct range (an RMRR, IVMD or RMR of a table given, or "
		   "the host's) over RAM this blob does not reserve (no "
		   "reserved e820 entry, no no-map node): the guest may "
		   "allocate memory a device DMAs to");
}

/*
 * The blob's guest RAM (RAM still backing a range included), and what of
 * it the guest may allocate: not what an e820 or a no-map node reserves.
 */
static void memory_sets(const struct model *m, struct rangeset *ram,
			struct rangeset *free_ram)
{
	struct piece p;

	for (size_t i = 0; i < model_piece_count(m->map); i++) {
		model_piece(m->map, i, &p);
		if (p.kind == MC_RAM || p.flags & MC_F_BACKED)
			rangeset_add(ram, p.first, p.last);
		if (p.kind == MC_RAM || (p.flags & MC_F_BACKED &&
					 p.in->flags & MC_F_REUSABLE))
			rangeset_add(free_ram, p.first, p.last);
	}
	rangeset_close(ram);
	rangeset_close(free_ram);
}

/* Direct ranges: the host's, and every ACPI table's, once each. */
static void direct_ranges(struct check *c)
{
	const struct mc_region *r;
	size_t n;

	for (size_t k = 0; k <= c->n_blob; k++) {
		const struct mc_map *map = k < c->n_blob ? c->blob[k].map :
							   c->host;

		if (k < c->n_blob && (c->blob[k].broken ||
				      !(c->blob[k].says & SAYS_ONLY_DIRECT)))
			continue;
		r = mc_map_input(map, &n);
		for (size_t i = 0; i < n; i++)
			if (cli_is_direct(r[i].kind, r[i].type))
				rangeset_add(&c->direct, r[i].first, r[i].last);
	}
	rangeset_close(&c->direct);
	c->f.failed |= c->direct.failed;
}

static void check_memory(struct check *c, size_t i)
{
	struct rangeset ram = { 0 }, free_ram = { 0 };
	struct ctx x = { c, &c->blob[i], NULL };
	const struct mc_region *r;
	const struct mc_totals *t = mc_map_totals(c->blob[i].map);
	size_t n;

	if (!c->carved[i] || !describes_memory(&c->blob[i]))
		return;
	memory_sets(&c->blob[i], &ram, &free_ram);
	r = mc_map_input(c->host, &n);
	for (size_t k = 0; k < n; k++) {
		x.r = &r[k];
		if (!cli_is_direct(r[k].kind, r[k].type))
			rangeset_overlaps(&ram, r[k].first, r[k].last,
					  ram_over_resv, &x);
	}
	for (size_t k = 0; k < c->direct.n; k++)
		rangeset_overlaps(&free_ram, c->direct.v[k].first,
				  c->direct.v[k].last, direct_uncovered, &x);
	if (c->min_ram && t->ram_after < c->min_ram)
		finding(&c->f, "ram-below-min", c->blob[i].name, "0x%" PRIx64
			" bytes of RAM, less than --min-ram 0x%" PRIx64,
			t->ram_after, c->min_ram);
	c->f.failed |= ram.failed || free_ram.failed;
	rangeset_free(&ram);
	rangeset_free(&free_ram);
}

/* What @a and @b disagree about, on what both say. */
static void disagree(struct check *c, const char *code, const struct model *a,
		     const struct model *b)
{
	struct changes ch = { 0 };
	char who[512];

	if (semdiff_incomparable(a, b))
		return;
	if (semdiff(&ch, a, b))
		c->f.failed = true;
	snprintf(who, sizeof(who), "%s vs %s", a->name, b->name);
	for (size_t i = 0; i < ch.n; i++)
		finding_at(&c->f, ch.v[i].node_only ? "node-disagrees" : code,
			   who, ch.v[i].first, ch.v[i].last,
			   "%s (%s) -> %s (%s)", ch.v[i].a, a->format,
			   ch.v[i].b, b->format);
	changes_free(&ch);
}

static void check_across(struct check *c)
{
	for (size_t i = 0; i < c->n_blob; i++) {
		if (!c->carved[i])
			continue;
		if (c->have_map)
			disagree(c, "map-disagrees", &c->map, &c->blob[i]);
		for (size_t k = i + 1; k < c->n_blob; k++)
			if (c->carved[k])
				disagree(c, "formats-disagree", &c->blob[i],
					 &c->blob[k]);
	}
}

static int run_checks(struct check *c, struct cli *cli)
{
	const char *map = cli_opt(cli, "map");
	int st = cli_opt_number(cli, "min-ram", UINT64_MAX, &c->min_ram);

	if (st == EXIT_OK)
		st = load_host(c, cli);
	if (st == EXIT_OK && map) {
		st = model_load_map(cli, map, true, &c->map) ? CHECK_TROUBLE :
							       EXIT_OK;
		c->have_map = st == EXIT_OK;
	}
	if (st == EXIT_OK)
		st = load_blobs(c, cli);
	for (size_t i = 0; st == EXIT_OK && i < c->n_blob; i++)
		check_own(c, i);
	if (st == EXIT_OK)
		direct_ranges(c);
	for (size_t i = 0; st == EXIT_OK && i < c->n_blob; i++)
		check_memory(c, i);
	if (st == EXIT_OK)
		check_across(c);
	if (st == EXIT_OK && c->f.failed)
		st = cli_error(CHECK_TROUBLE, "out of memory");
	return st;
}

static int run_check(struct cli *cli)
{
	struct check c = { 0 };
	struct cli_buf out = { 0 };
	int st = run_checks(&c, cli);

	if (st == EXIT_OK) {
		findings_print(&out, &c.f, cli_opt(cli, "json"));
		st = cli_write(NULL, &out) ? CHECK_TROUBLE :
		     c.f.n ? EXIT_INPUT : EXIT_OK;
	}
	cli_buf_free(&out);
	for (size_t i = 0; i < c.n_blob; i++)
		model_free(&c.blob[i]);
	free(c.blob);
	free(c.carved);
	free(c.joined);
	if (c.have_map)
		model_free(&c.map);
	mc_map_free(c.host);
	rangeset_free(&c.direct);
	findings_free(&c.f);
	return st;
}

static const struct cli_optspec check_opts[] = {
	{ "map", 0, true, false, "MAP", "the map the blobs should describe" },
	{ "min-ram", 0, true, false, "SIZE", "the least RAM a guest needs" },
	{ "json", 0, false, false, NULL, "list the findings as JSON" },
	{ NULL, 0, false, false, NULL, NULL },
};

const struct cli_cmd cli_cmd_check = {
	.name = "check",
	.synopsis = "BLOB... [--resv FILE | --vfio BDF]... [--map MAP] "
		    "[--min-ram SIZE] [--json]",
	.summary = "find what a guest would trip on in a VMM's blobs",
	.details =
		"Decode every BLOB (any format inspect knows: a DTB from memcarve or\n"
		"QEMU's dumpdtb, a zero page and its setup_data node, an e820 table,\n"
		"DMAR, IVRS, IORT, SRAT from /sys/firmware/acpi/tables, whose other\n"
		"tables are read and skipped, a command line, show, slots, or a map) and\n"
		"report each problem a guest would hit, one line each:\n\n"
		"  BLOB: CODE: FIRST-LAST: reason\n\n"
		"CODE is one of (memcarve(1) says more):\n"
		"  ram-over-host-reserved  guest RAM over a host reserved range\n"
		"                          (--resv, --vfio): DMA never reaches it\n"
		"  direct-not-reserved     a direct range (RMRR, IVMD, RMR, host)\n"
		"                          over RAM no e820 or no-map DT reserves\n"
		"  memreserve-and-no-map   a range in /memreserve/ and a no-map node\n"
		"  resv-mem-overlap        overlapping /reserved-memory children\n"
		"  resv-mem-ignored        a /reserved-memory whose cells or ranges\n"
		"                          make Linux ignore it\n"
		"  e820-capacity           more e820 entries than the kernel holds\n"
		"  ram-below-min           less RAM than --min-ram\n"
		"  boot-outside-ram        kernel, initrd, command line, setup_data\n"
		"                          or RSDP of a zero page outside its RAM\n"
		"  rmrr-no-scope           an RMRR with no device scope\n"
		"  iort-rmr-ignored        an IORT revision below 5 with RMR nodes\n"
		"  formats-disagree        two blobs that describe memory differently\n"
		"  map-disagrees           a blob that does not say what --map says\n"
		"  node-disagrees          memory on another NUMA node in one blob\n"
		"                          than in another blob or --map\n"
		"  bad-blob                a blob of a known format, malformed\n"
		"  conflict                ranges that cannot be carved together\n\n"
		"--resv FILE and --vfio BDF (global options) give the host's\n"
		"reserved ranges; --map MAP is carved with the global options.\n\n"
		"Exit status: 0 nothing found, 1 findings, 2 a usage error or a file\n"
		"that cannot be read (or a --map that does not carve).",
	.opts = check_opts,
	.min_args = 1,
	.max_args = CLI_MAX_ARGS,
	.run = run_check,
};
