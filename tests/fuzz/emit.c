// SPDX-License-Identifier: MIT
/*
 * emit.c - every emitter on a carved map, with bounded output sizes.
 *
 * The sizes are asked for first (as a VMM would), and only outputs under
 * FUZZ_OUT_MAX are built, so a fuzz input cannot make a run slow by asking
 * for a huge blob. What an emitter writes must decode again: the decoders
 * are what "memcarve inspect" runs, so a failure there is a real bug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "fuzz.h"
#include "memcarve-acpi.h"
#include "memcarve-acpi-ssdt.h"
#include "memcarve-cmdline.h"
#include "memcarve-dt.h"
#include "memcarve-e820.h"
#include "memcarve-pvh.h"

void fuzz_fail(const char *what, int err)
{
	fprintf(stderr, "fuzz: %s (%d: %s)\n", what, err, mc_strerror(err));
	abort();
}

struct mc_map *fuzz_carved(const char *text)
{
	struct mc_map *map = mc_map_new();

	if (!map)
		fuzz_fail("mc_map_new", MC_ENOMEM);
	if (mc_map_load(map, "fuzz", text, strlen(text)) ||
	    mc_map_carve(map)) {
		mc_map_free(map);
		return NULL;
	}
	return map;
}

void fuzz_round_trip(int (*decode)(struct mc_map *, const void *, size_t),
		     const void *blob, size_t len, const char *what)
{
	struct mc_map *back = mc_map_new();
	int err;

	if (!back)
		fuzz_fail("mc_map_new", MC_ENOMEM);
	err = decode(back, blob, len);
	if (err) {
		if (mc_map_error_count(back))
			fprintf(stderr, "fuzz: %s\n", mc_map_error(back, 0)->msg);
		fuzz_fail(what, err);
	}
	mc_map_free(back);
}

static void emit_dt(struct mc_map *map, const struct mc_dt_opts *opt)
{
	size_t need = 0, len = 0;
	void *blob;
	int err = mc_dt_build(map, opt, NULL, &need);

	if (err != MC_ENOSPC || need > FUZZ_OUT_MAX)
		return;
	blob = malloc(need);
	if (!blob)
		fuzz_fail("malloc", MC_ENOMEM);
	len = need;
	err = mc_dt_build(map, opt, blob, &len);
	if (err)
		fuzz_fail("mc_dt_build: the size it asked for was not enough",
			  err);
	if (len > need || fdt_check_full(blob, len))
		fuzz_fail("mc_dt_build wrote a DTB libfdt rejects", MC_EBADBLOB);
	fuzz_round_trip(mc_dt_decode, blob, len, "mc_dt_decode of our own DTB");
	free(blob);
}

static void emit_zeropage(struct mc_map *map, const struct mc_e820_entry *e,
			  size_t n)
{
	struct mc_e820_boot_opts boot = { .cmdline_addr = 0x20000,
				     .setup_data_next = 0x40000 };
	uint8_t *zp = malloc(MC_ZEROPAGE_SIZE), *sd;
	size_t need = 0, zp_len = MC_ZEROPAGE_SIZE;

	if (!zp)
		fuzz_fail("malloc", MC_ENOMEM);
	if (n > MC_E820_ZEROPAGE_MAX)
		boot.setup_data_addr = 0x30000;
	if (mc_e820_zeropage(map, e, n, &boot, zp, &zp_len) == 0)
		fuzz_round_trip(mc_e820_zeropage_decode, zp, MC_ZEROPAGE_SIZE,
			   "mc_e820_zeropage_decode of our own zero page");
	free(zp);
	if (n <= MC_E820_ZEROPAGE_MAX ||
	    mc_e820_setup_data(e, n, 0, NULL, &need) != MC_ENOSPC)
		return;
	sd = malloc(need);
	if (!sd)
		fuzz_fail("malloc", MC_ENOMEM);
	if (mc_e820_setup_data(e, n, 0, sd, &need))
		fuzz_fail("mc_e820_setup_data with the size it asked for", 0);
	fuzz_round_trip(mc_e820_setup_data_decode, sd, need,
		   "mc_e820_setup_data_decode of our own node");
	free(sd);
}

static void emit_e820(struct mc_map *map)
{
	struct mc_e820_rules rules = { .legacy_hole = true };
	struct mc_e820_entry *e;
	size_t n = 0, len = 0, line_len;
	char line[96];
	void *raw;

	if (mc_e820_build(map, NULL, NULL, &n) != MC_ENOSPC ||
	    n > FUZZ_OUT_MAX / MC_E820_ENTRY_SIZE)
		return;
	e = malloc(n * sizeof(*e));
	if (!e || mc_e820_build(map, NULL, e, &n))
		fuzz_fail("mc_e820_build with the count it asked for", 0);
	mc_e820_check(map, e, n, &rules);
	for (size_t i = 0; i < n; i++) {
		line_len = sizeof(line);
		if (mc_e820_format_line(&e[i], "BIOS-e820", line, &line_len))
			fuzz_fail("mc_e820_format_line in 96 bytes", 0);
	}
	mc_e820_encode(e, n, NULL, &len);
	raw = malloc(len);
	if (!raw || mc_e820_encode(e, n, raw, &len))
		fuzz_fail("mc_e820_encode with the size it asked for", 0);
	fuzz_round_trip(mc_e820_raw_decode, raw, len,
		   "mc_e820_raw_decode of our own table");
	free(raw);
	emit_zeropage(map, e, n);
	free(e);
}

static int (*const acpi_decoders[])(struct mc_map *, const void *, size_t) = {
	[MC_ACPI_DMAR] = mc_acpi_dmar_decode,
	[MC_ACPI_IVRS] = mc_acpi_ivrs_decode,
	[MC_ACPI_IORT] = mc_acpi_iort_decode,
	[MC_ACPI_SRAT] = mc_acpi_srat_decode,
};

/* Each table fresh, decoded back, then all of them behind an RSDP. */
static void emit_acpi(struct mc_map *map)
{
	const void *tables[4];
	size_t lens[4], n = 0, len;
	void *out[4], *rsdp;

	for (int t = MC_ACPI_DMAR; t <= MC_ACPI_SRAT; t++) {
		if (mc_acpi_build_alloc(map, (enum mc_acpi_table)t, NULL,
					&out[n], &lens[n]))
			continue;
		fuzz_round_trip(acpi_decoders[t], out[n], lens[n],
			   "the decoder of our own ACPI table");
		tables[n] = out[n];
		n++;
	}
	if (mc_acpi_rsdp_alloc(map, 0x80000, tables, lens, n, NULL, &rsdp,
			       &len) == 0)
		mc_free(rsdp);
	while (n)
		mc_free(out[--n]);
}

static void emit_cmdline(struct mc_map *map, const struct mc_cmdline_opts *o)
{
	size_t size = 0;
	char *buf;

	if (mc_cmdline_build(map, o, NULL, &size) != MC_ENOSPC ||
	    size > FUZZ_OUT_MAX)
		return;
	buf = malloc(size);
	if (!buf || mc_cmdline_build(map, o, buf, &size))
		fuzz_fail("mc_cmdline_build with the size it asked for", 0);
	if (strlen(buf) + 1 != size)
		fuzz_fail("mc_cmdline_build: the length is not the size", 0);
	free(buf);
}

/* The PVH block and the PNP0C02 SSDT, each decoded back. */
static void emit_pvh_ssdt(struct mc_map *map)
{
	struct mc_pvh_opts o;
	size_t len;
	void *out;

	mc_pvh_opts_init(&o);
	o.start_info_addr = 0x7000;
	if (mc_pvh_build_alloc(map, &o, &out, &len) == 0) {
		fuzz_round_trip(mc_pvh_decode, out, len,
				"mc_pvh_decode of our own block");
		mc_free(out);
	}
	if (mc_acpi_ssdt_build_alloc(map, NULL, &out, &len) == 0) {
		fuzz_round_trip(mc_acpi_ssdt_decode, out, len,
				"mc_acpi_ssdt_decode of our own SSDT");
		mc_free(out);
	}
}

void fuzz_emit_all(struct mc_map *map)
{
	static const struct mc_dt_opts dt_opts[] = {
		{ 0 },
		{ .cells = 1, .layout = MC_DT_MEMORY_ONE_NODE,
		  .memreserve = MC_DT_MEMRESERVE_ON },
	};
	static const struct mc_cmdline_opts cl_opts[] = {
		{ .style = MC_CMDLINE_MIPS },
		{ .style = MC_CMDLINE_X86, .escape = MC_ESCAPE_GRUB,
		  .flags = MC_CMDLINE_RETYPE },
		{ .style = MC_CMDLINE_X86, .escape = MC_ESCAPE_SHELL,
		  .flags = MC_CMDLINE_PRAM,
		  .append = "console=ttyS0 mem=1G 'a b' -- init memmap=1" },
	};
	size_t n;

	mc_map_slots(map, &n);
	mc_map_totals(map);
	for (size_t i = 0; i < sizeof(dt_opts) / sizeof(dt_opts[0]); i++)
		emit_dt(map, &dt_opts[i]);
	emit_e820(map);
	emit_acpi(map);
	emit_pvh_ssdt(map);
	for (size_t i = 0; i < sizeof(cl_opts) / sizeof(cl_opts[0]); i++)
		emit_cmdline(map, &cl_opts[i]);
}
