// SPDX-License-Identifier: MIT
/*
 * cmd_inspect.c - "memcarve inspect": every output decoded back to a map.
 *
 * Each emitter's library offers a decoder that recognises its own format;
 * they are tried in order, most distinctive signature first, and the first
 * that recognises the bytes wins. The regions it finds are printed in
 * map-file syntax, so an output can be round-tripped and diffed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "memcarve-dt.h"
#include "memcarve-acpi.h"
#include "memcarve-e820.h"
#include "memcarve-cmdline.h"

/*
 * A decoder returns 0 after adding the regions it found to the map,
 * MC_EBADBLOB (with no diagnostic) when the bytes are not its format, or
 * an error with a diagnostic (MC_EBADBLOB included: the ACPI decoders)
 * when they are its format but broken.
 */
struct decoder {
	const char *format;
	int (*decode)(struct mc_map *map, const void *blob, size_t len);
};

static const struct decoder decoders[] = {
	{ "device tree blob", mc_dt_decode },
	{ "ACPI DMAR table", mc_acpi_dmar_decode },
	{ "ACPI IVRS table", mc_acpi_ivrs_decode },
	{ "ACPI IORT table", mc_acpi_iort_decode },
	{ "x86 zero page (boot_params)", mc_e820_zeropage_decode },
	{ "x86 setup_data SETUP_E820_EXT", mc_e820_setup_data_decode },
	{ "raw e820 table", mc_e820_raw_decode },
	{ "ACPI RSDP + XSDT blob", mc_acpi_rsdp_decode },
	/* text last: a binary format never reads as text */
	{ "memcarve show --json", cli_show_json_decode },
	{ "memcarve show", cli_show_text_decode },
	{ "memcarve slots", cli_slots_decode },
	{ "e820 table as the kernel prints it", mc_e820_text_decode },
	{ "kernel command line", mc_cmdline_decode },
	{ NULL, NULL },
};

static void print_region(struct cli_buf *b, const struct mc_region *r)
{
	char size[32];

	cli_fmt_size(size, sizeof(size), r->first, r->last);
	cli_buf_printf(b, "%-9s 0x%-16" PRIx64 " %-12s", mc_kind_name(r->kind),
		       r->first, size);
	if (r->kind == MC_RESERVED && r->type != MC_RESV_RESERVED)
		cli_buf_printf(b, " type=%s", mc_resv_type_name(r->type));
	if (r->name)
		cli_buf_printf(b, " name=%s", r->name);
	if (r->policy != MC_POLICY_DEFAULT)
		cli_buf_printf(b, " policy=%s", mc_policy_name(r->policy));
	if (r->flags & MC_F_REUSABLE)
		cli_buf_printf(b, " reusable");
	if (r->flags & MC_F_READONLY)
		cli_buf_printf(b, " readonly");
	if (r->flags & MC_F_PRIVILEGED)
		cli_buf_printf(b, " privileged");
	if (r->flags & MC_F_ACCESS)
		cli_buf_printf(b, " access=%u", r->access);
	if (r->flags & MC_F_ALL_DEVICES)
		cli_buf_printf(b, " devices=all");
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct mc_pci_dev *d = &r->devices[i];

		cli_buf_printf(b, "%s%04x:%02x:%02x.%u", i ? "," : " devices=",
			       d->segment, d->bus, d->devfn >> 3, d->devfn & 7);
	}
	for (size_t i = 0; i < r->n_sids; i++)
		cli_buf_printf(b, "%s0x%" PRIx32, i ? "," : " sids=", r->sids[i]);
	cli_buf_printf(b, "\n");
}

static int run_inspect(struct cli *cli)
{
	struct cli_buf in = { 0 }, out = { 0 };
	const struct decoder *d;
	struct mc_map *map = NULL;
	const char *name = strcmp(cli->arg[0], "-") ? cli->arg[0] : "<stdin>";
	int st = cli_read_file(NULL, cli->arg[0], &in), err = MC_EBADBLOB;

	for (d = decoders; st == EXIT_OK && d->decode; d++) {
		mc_map_free(map);
		map = mc_map_new();
		if (!map) {
			st = cli_error(EXIT_INPUT, "out of memory");
			break;
		}
		err = d->decode(map, in.p, in.len);
		/* A diagnostic means "mine, but broken": stop, never let a
		 * later, laxer decoder claim the bytes. */
		if (err != MC_EBADBLOB || mc_map_error_count(map))
			break;
	}
	if (st == EXIT_OK && err == MC_EBADBLOB && !mc_map_error_count(map))
		st = cli_error(EXIT_INPUT, "%s: not a format memcarve knows",
			       name);
	else if (st == EXIT_OK && err) {
		for (size_t i = 0; i < mc_map_error_count(map); i++)
			fprintf(stderr, "%s: %s\n", name,
				mc_map_error(map, i)->msg);
		st = EXIT_INPUT;
	} else if (st == EXIT_OK) {
		const struct mc_region *r;
		size_t n;

		cli_buf_printf(&out, "# %s: %s\n", name, d->format);
		if (mc_map_arch(map))
			cli_buf_printf(&out, "arch %s\n",
				       mc_arch_name(mc_map_arch(map)));
		r = mc_map_input(map, &n);
		for (size_t i = 0; i < n; i++)
			print_region(&out, &r[i]);
		st = cli_write(NULL, &out);
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
		"                    no devices; names as node names allow\n"
		"  DMAR, IVRS, IORT  the direct ranges and their devices or stream IDs\n"
		"  RSDP blob         the blob as an acpi range, then its DMAR/IVRS/IORT\n"
		"  zero page, setup_data, e820 table or text\n"
		"                    e820 types only: no names, no reserved types (msi,\n"
		"                    direct), no mmio; a reserved range comes back\n"
		"                    unbacked even where RAM backed it\n"
		"  cmdline           as the e820 (x86) or mem= blocks and backed\n"
		"                    reserved ranges (mips)\n"
		"  show, show --json every carved piece with kind, type and name; a\n"
		"                    backed piece as ram plus the range, policy=overlay;\n"
		"                    no devices, stream IDs or flags\n"
		"  slots, --json     the RAM slots only, as ram\n\n"
		"Policy and granule are not printed: the statements are the carved\n"
		"result, which carving again leaves as it is.",
	.opts = (const struct cli_optspec[]){ { NULL, 0, false, false, NULL,
						NULL } },
	.min_args = 1,
	.max_args = 1,
	.run = run_inspect,
};
