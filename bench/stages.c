// SPDX-License-Identifier: MIT
/*
 * stages.c - the in-process stages: each does what a VMM does to get one
 * output from the library, buffers included.
 *
 * Every emitter stage starts from the carved map and ends with its bytes
 * in memory, freed again. Every emitter offers an allocating form
 * (mc_dt_build_alloc(), mc_e820_build_alloc(), mc_acpi_build_alloc(),
 * mc_cmdline_build_alloc()), which the stage uses; the e820 text, raw
 * table and zero page have caller buffers only: the stage asks for the
 * size, allocates, writes and frees, as the convention asks. The three e820 stages each build the
 * sanitized table first, since each stands for one output a VMM would ask
 * for on its own.
 */
#include <stdlib.h>
#include "bench.h"
#include "memcarve-acpi.h"
#include "memcarve-cmdline.h"
#include "memcarve-dt.h"
#include "memcarve-e820.h"

/* Where the SETUP_E820_EXT node would go: usable RAM in every map here. */
#define SETUP_DATA_ADDR 0x100000000ull

static int st_parse(void *p)
{
	struct stage_ctx *c = p;
	struct mc_map *map = mc_map_new();
	int err = map ? mc_map_load(map, "bench.map", c->text, c->len) :
			MC_ENOMEM;

	mc_map_free(map);
	return err;
}

static int st_carve(void *p)
{
	struct stage_ctx *c = p;
	size_t n;
	int err = mc_map_carve(c->map);

	return err ? err : mc_map_slots(c->map, &n) ? 0 : MC_ESTATE;
}

/* The one-shot API: a VMM gets the same bytes for one walk, not two. */
static int dt(struct stage_ctx *c, const struct mc_dt_opts *o)
{
	size_t len = 0;
	void *blob;
	int err = mc_dt_build_alloc(c->map, o, &blob, &len);

	mc_free(blob);
	return err;
}

static int st_dt_fresh(void *p)
{
	return dt(p, NULL);
}

static int st_dt_patch(void *p)
{
	struct stage_ctx *c = p;
	/* the generated base has no PCI host bridge to bind devices under:
	 * the stage measures the /reserved-memory patch, as before */
	struct mc_dt_opts o = { .base = c->base, .base_len = c->base_len,
				.no_iommu_addresses = true };

	return dt(c, &o);
}

#define LINUX_6_1 MC_LINUX_VERSION(6, 1)

/* The kernel's boot log lines, with the layout check "memcarve e820" makes. */
static int st_e820_text(void *p)
{
	struct stage_ctx *c = p;
	/* the bench's maps are far over the kernel's 3200 entries */
	struct mc_e820_rules rules = { .legacy_hole = false,
				       .max_entries = SIZE_MAX };
	struct mc_e820_entry *e;
	size_t n, len = 0;
	char *text = NULL;
	int err = mc_e820_build_alloc(c->map, NULL, &e, &n);

	if (!err)
		err = mc_e820_check(c->map, e, n, &rules);
	if (!err && mc_e820_print(e, n, "BIOS-e820", LINUX_6_1, NULL, &len) ==
			    MC_ENOSPC) {
		text = malloc(len);
		err = text ? mc_e820_print(e, n, "BIOS-e820", LINUX_6_1, text,
					   &len) :
			     MC_ENOMEM;
	}
	free(text);
	mc_free(e);
	return err;
}

static int st_e820_table(void *p)
{
	struct stage_ctx *c = p;
	struct mc_e820_entry *e;
	size_t n, len = 0;
	void *raw;
	int err = mc_e820_build_alloc(c->map, NULL, &e, &n);

	if (err)
		return err;
	mc_e820_encode(e, n, NULL, &len);
	raw = malloc(len ? len : 1);
	err = raw ? mc_e820_encode(e, n, raw, &len) : MC_ENOMEM;
	free(raw);
	mc_free(e);
	return err;
}

static int st_e820_zeropage(void *p)
{
	struct stage_ctx *c = p;
	struct mc_e820_boot_opts boot = { .setup_data_addr = SETUP_DATA_ADDR };
	struct mc_e820_entry *e;
	size_t n, len = 0, zp_len = MC_ZEROPAGE_SIZE;
	void *zp, *node = NULL;
	int err = mc_e820_build_alloc(c->map, NULL, &e, &n);

	if (err)
		return err;
	zp = malloc(MC_ZEROPAGE_SIZE);
	err = zp ? mc_e820_zeropage(c->map, e, n, &boot, zp, &zp_len) :
		   MC_ENOMEM;
	if (!err && mc_e820_ext_count(n)) {
		mc_e820_setup_data(e, n, 0, NULL, &len);
		node = malloc(len);
		err = node ? mc_e820_setup_data(e, n, 0, node, &len) :
			     MC_ENOMEM;
	}
	free(node);
	free(zp);
	mc_free(e);
	return err;
}

static int acpi(struct stage_ctx *c, enum mc_acpi_table t)
{
	void *table = NULL;
	size_t len = 0;
	int err = mc_acpi_build_alloc(c->map, t, NULL, &table, &len);

	mc_free(table);
	return err;
}

static int st_dmar(void *p)
{
	return acpi(p, MC_ACPI_DMAR);
}

static int st_ivrs(void *p)
{
	return acpi(p, MC_ACPI_IVRS);
}

static int st_iort(void *p)
{
	return acpi(p, MC_ACPI_IORT);
}

/*
 * x86 memmap=exactmap. The line of a big map is far over the kernel's
 * 2048 bytes and 3200 e820 entries, which the emitter refuses; the limits
 * are lifted (opts.max and opts.max_entries, "memcarve cmdline --max") so
 * that the stage is measured at every size.
 */
static int st_cmdline(void *p)
{
	struct stage_ctx *c = p;
	struct mc_cmdline_opts o;
	size_t size = 0;
	void *line;
	int err;

	mc_cmdline_opts_init(&o);
	o.style = MC_CMDLINE_X86;
	o.max = SIZE_MAX;
	o.max_entries = SIZE_MAX;
	err = mc_cmdline_build_alloc(c->map, &o, &line, &size);
	mc_free(line);
	return err;
}

/*
 * The least an emitter does: mc_map_result() and one look at every piece
 * (24 bytes each, 1.9 per range here), to find the ones it describes.
 */
static int st_read_result(void *p)
{
	struct stage_ctx *c = p;
	size_t n;
	const struct mc_piece *v = mc_map_result(c->map, &n);
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += v[i].kind;
	c->sink = sum;
	return v ? 0 : MC_ESTATE;
}

const struct stage stages[] = {
	{ "parse", st_parse, ROLE_PARSE },
	{ "carve", st_carve, ROLE_CARVE },
	{ "dt-fresh", st_dt_fresh, ROLE_EMITTER },
	{ "dt-patch", st_dt_patch, ROLE_EMITTER },
	{ "e820-text", st_e820_text, ROLE_EMITTER },
	{ "e820-table", st_e820_table, ROLE_EMITTER },
	{ "e820-zeropage", st_e820_zeropage, ROLE_EMITTER },
	{ "dmar", st_dmar, ROLE_EMITTER },
	{ "ivrs", st_ivrs, ROLE_EMITTER },
	{ "iort", st_iort, ROLE_EMITTER },
	{ "cmdline", st_cmdline, ROLE_EMITTER },
	{ "read-result", st_read_result, ROLE_FLOOR },
};
const size_t n_stages = sizeof(stages) / sizeof(stages[0]);

/* Every emitter stage but DT patch (the typical VMM has no base). */
int run_pipeline(struct stage_ctx *ctx)
{
	int err = 0;

	for (size_t i = 1; !err && i < n_stages; i++)
		if ((stages[i].role == ROLE_CARVE ||
		     stages[i].role == ROLE_EMITTER) &&
		    (stages[i].run != st_dt_patch || ctx->base))
			err = stages[i].run(ctx);
	return err;
}
