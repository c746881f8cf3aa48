// SPDX-License-Identifier: MIT
/*
 * cmd_inspect.c - "memcarve inspect": every output decoded back to a map.
 *
 * Each emitter's library offers a decoder that recognises its own format;
 * they are tried in order, most distinctive signature first, and the first
 * that recognises the bytes wins. The regions it finds are printed in
 * map-file syntax, so an output can be round-tripped and diffed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "memcarve-dt.h"
#include "memcarve-acpi.h"
#include "memcarve-acpi-ssdt.h"
#include "memcarve-e820.h"
#include "memcarve-cmdline.h"
#include "memcarve-pvh.h"

static const struct cli_decoder decoders[] = {
	{ "device tree blob", mc_dt_decode, 0 },
	{ "ACPI DMAR table", mc_acpi_dmar_decode, 0 },
	{ "ACPI IVRS table", mc_acpi_ivrs_decode, 0 },
	{ "ACPI IORT table", mc_acpi_iort_decode, 0 },
	{ "ACPI SRAT table", mc_acpi_srat_decode, 0 },
	{ "ACPI SSDT (PNP0C02 device)", mc_acpi_ssdt_decode, 0 },
	{ "x86 zero page (boot_params)", mc_e820_zeropage_decode, 0 },
	{ "x86 setup_data SETUP_E820_EXT", mc_e820_setup_data_decode, 0 },
	{ "x86 PVH start_info + memmap", mc_pvh_decode, 0 },
	{ "raw e820 table", mc_e820_raw_decode, 0 },
	{ "ACPI RSDP + XSDT blob", mc_acpi_rsdp_decode, 0 },
	/* text last: a binary format never reads as text */
	{ "memcarve show --json", cli_show_json_decode, 0 },
	{ "memcarve show", cli_show_text_decode, 0 },
	{ "memcarve slots", cli_slots_decode, 0 },
	{ "e820 table as the kernel prints it", mc_e820_text_decode, 0 },
	{ "kernel command line", mc_cmdline_decode, 0 },
	{ NULL, NULL, 0 },
};

/*
 * An SRAT's structures other than memory affinity describe no memory:
 * say what they are, as `acpi --table srat --base` keeps them.
 */
static void srat_kept(struct cli_buf *out, const struct cli_buf *in)
{
	for (unsigned int t = 0; t < 256; t++) {
		const char *name = mc_acpi_srat_type_name(t);
		size_t n;

		if (t == 1 || mc_acpi_srat_count(in->p, in->len, t, &n) || !n)
			continue;
		if (name)
			cli_buf_printf(out, "# kept: %zu %s\n", n, name);
		else
			cli_buf_printf(out, "# kept: %zu of type %u\n", n, t);
	}
}

/* The regions found, as a map file that loads back into them. */
static int print_map(struct cli_buf *out, const char *name,
		     const struct cli_decoder *d, const struct cli_buf *in,
		     struct mc_map *map)
{
	char *text;
	size_t len;

	if (mc_map_write_alloc(map, MC_MAP_INPUT, &text, &len))
		return cli_print_errors(map);
	cli_buf_printf(out, "# %s: %s\n", name, d->format);
	if (d->decode == mc_acpi_srat_decode)
		srat_kept(out, in);
	cli_buf_add(out, text, len - 1);
	mc_free(text);
	return cli_write(NULL, out);
}

/*
 * A decoder knows lines but not the file: "line 4: ..." about FILE is
 * printed "FILE:4: ...", as the map parser names its lines.
 */
static void print_decode_error(const char *name, const char *msg)
{
	unsigned int line;
	int n = 0;

	if (sscanf(msg, "line %u: %n", &line, &n) == 1 && n > 0)
		fprintf(stderr, "%s:%u: %s\n", name, line, msg + n);
	else
		fprintf(stderr, "%s: %s\n", name, msg);
}

static int run_inspect(struct cli *cli)
{
	struct cli_buf in = { 0 }, out = { 0 };
	const struct cli_decoder *d = NULL;
	struct mc_map *map = NULL;
	const char *name = strcmp(cli->arg[0], "-") ? cli->arg[0] : "<stdin>";
	int st = cli_read_file(NULL, cli->arg[0], &in), err = 0;

	if (st == EXIT_OK)
		d = cli_decode(decoders, in.p, in.len, &map, &err);
	if (st == EXIT_OK && !d && err == MC_ENOMEM)
		st = cli_error(EXIT_INPUT, "out of memory");
	else if (st == EXIT_OK && !d)
		st = cli_error(EXIT_INPUT, "%s: not a format memcarve knows",
			       name);
	else if (st == EXIT_OK && err) {
		for (size_t i = 0; i < mc_map_error_count(map); i++)
			print_decode_error(name, mc_map_error(map, i)->msg);
		st = EXIT_INPUT;
	} else if (st == EXIT_OK) {
		st = print_map(&out, name, d, &in, map);
	}
	mc_map_free(map);
	cli_buf_free(&in);
	cli_buf_free(&out);
	return st;
}

const struct cli_cmd cli_cmd_inspect = {
	.name = "inspect",
	.synopsis = "FILE",
	.summary = "decode an output back to a map",
	.details =
		"Recognise FILE (- for standard input) as one of memcarve's outputs and\n"
		"print the regions it describes in map-file syntax, so that any output\n"
		"can be round-tripped and diffed against the map it came from. Each\n"
		"format carries only part of a map:\n\n"
		"  dtb (dt)          memory, /reserved-memory and /memreserve/; no mmio,\n"
		"                    no devices; names as node names allow; node= and\n"
		"                    distance lines when Linux takes NUMA from the tree\n"
		"  DMAR, IVRS, IORT  the direct ranges and their devices or stream IDs\n"
		"  SRAT              enabled memory affinity as ram, pmem (non-volatile)\n"
		"                    and hotplug (hot-pluggable) with node=; the other\n"
		"                    structures counted in '# kept:' lines\n"
		"  SSDT              the PNP0C02 device's ranges, as reserved\n"
		"  RSDP blob         the blob as an acpi range, then its DMAR/IVRS/IORT\n"
		"  zero page, setup_data, PVH start_info, e820 table or text\n"
		"                    e820 types only: no names, no reserved types (msi,\n"
		"                    direct), no mmio; a reserved range comes back\n"
		"                    unbacked even where RAM backed it\n"
		"  cmdline           as the e820 (x86) or mem= blocks and backed\n"
		"                    reserved ranges (mips)\n"
		"  show, show --json every carved piece with kind, type, name and node;\n"
		"                    a backed piece as ram plus the range,\n"
		"                    policy=overlay; the distances; no devices,\n"
		"                    stream IDs or flags\n"
		"  slots, --json     the RAM slots only, as ram, with node= when the\n"
		"                    map was NUMA (one of node 0 alone too)\n\n"
		"Policy and granule are not printed: the statements are the carved\n"
		"result, which carving again leaves as it is.",
	.opts = (const struct cli_optspec[]){ { NULL, 0, false, false, NULL,
						NULL } },
	.min_args = 1,
	.max_args = 1,
	.run = run_inspect,
};
