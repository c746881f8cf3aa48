// SPDX-License-Identifier: MIT
/*
 * acpi_ssdt.c - "memcarve acpi MAP --table ssdt": the PNP0C02 device that
 * reports the map's holes (mc_acpi_ssdt_build()).
 */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "memcarve-acpi-ssdt.h"

static int ssdt_opts(const struct cli *cli, struct mc_acpi_ssdt_opts *o)
{
	uint64_t v = o->oem_revision;
	int st = cli_opt_number(cli, "uid", UINT64_MAX, &o->uid);

	if (cli_opt(cli, "base"))
		return cli_error(EXIT_USAGE, "--base: an SSDT is always "
				 "fresh; add it beside the VMM's tables");
	if (cli_opt(cli, "device-path"))
		o->device_path = cli_opt(cli, "device-path");
	if (cli_opt(cli, "oem-id"))
		o->oem_id = cli_opt(cli, "oem-id");
	if (cli_opt(cli, "oem-table-id"))
		o->oem_table_id = cli_opt(cli, "oem-table-id");
	if (cli_opt(cli, "creator-id"))
		o->creator_id = cli_opt(cli, "creator-id");
	if (st == EXIT_OK)
		st = cli_opt_number(cli, "oem-revision", UINT32_MAX, &v);
	o->oem_revision = (uint32_t)v;
	v = o->creator_revision;
	if (st == EXIT_OK)
		st = cli_opt_number(cli, "creator-revision", UINT32_MAX, &v);
	o->creator_revision = (uint32_t)v;
	return st;
}

int cli_acpi_ssdt(struct cli *cli, const char *out)
{
	struct mc_acpi_ssdt_opts o;
	struct cli_buf b = { 0 };
	struct mc_map *map;
	size_t len;
	void *table;
	int st;

	mc_acpi_ssdt_opts_init(&o);
	st = ssdt_opts(cli, &o);
	if (st == EXIT_OK && cli->n_arg != 1)
		st = cli_error(EXIT_USAGE, "acpi --table ssdt takes one MAP");
	if (st != EXIT_OK)
		return st;
	map = cli_load_map(cli);
	if (!map)
		return EXIT_INPUT;
	st = cli_require_arch(map, "an SSDT with a PNP0C02 device",
			      1u << MC_ARCH_X86_64);
	if (st == EXIT_OK && mc_acpi_ssdt_build_alloc(map, &o, &table, &len))
		st = cli_print_errors(map);
	else if (st == EXIT_OK) {
		cli_buf_add(&b, table, len);
		mc_free(table);
		st = b.failed ? cli_error(EXIT_INPUT, "out of memory") :
				cli_write(out, &b);
	}
	cli_buf_free(&b);
	cli_map_free(cli, map);
	return st;
}
