// SPDX-License-Identifier: MIT
/*
 * e820_pvh.c - "memcarve e820 --format pvh": the PVH start_info block.
 *
 * cmd_e820.c parses the options a zero page shares with it (the command
 * line, initrd and RSDP addresses, --kernel, --legacy-hole); this file
 * holds --start-info-addr and hands the rest to mc_pvh_build(), which
 * checks every rule.
 */
#include "cli.h"
#include "memcarve-e820.h"
#include "memcarve-pvh.h"

int cli_pvh_args(const struct cli *cli, bool pvh, uint64_t *start_info_addr)
{
	const char *v = cli_opt(cli, "start-info-addr");

	*start_info_addr = 0;
	if (!pvh && v)
		return cli_error(EXIT_USAGE, "--start-info-addr only applies "
				 "to --format pvh");
	if (pvh && !v)
		return cli_error(EXIT_USAGE, "--format pvh: give "
				 "--start-info-addr ADDR, where the block is "
				 "loaded (%%ebx at the PVH entry)");
	return pvh ? cli_opt_number(cli, "start-info-addr", UINT64_MAX,
				    start_info_addr) : EXIT_OK;
}

int cli_pvh_emit(struct mc_map *map, const struct mc_e820_boot_opts *boot,
		 uint64_t start_info_addr, const char *out)
{
	struct mc_pvh_opts o;
	struct cli_buf b = { 0 };
	void *block;
	size_t len;
	int st;

	mc_pvh_opts_init(&o);
	o.start_info_addr = start_info_addr;
	o.cmdline_addr = boot->cmdline_addr;
	o.initrd_addr = boot->initrd_addr;
	o.initrd_size = boot->initrd_size;
	o.rsdp_addr = boot->rsdp_addr;
	o.kernel = boot->kernel;
	o.kernel_len = boot->kernel_len;
	o.kernel_name = boot->kernel_name;
	o.flags = boot->flags & MC_E820_LEGACY_HOLE;
	if (mc_pvh_build_alloc(map, &o, &block, &len))
		return cli_print_errors(map);
	cli_buf_add(&b, block, len);
	mc_free(block);
	st = b.failed ? cli_error(EXIT_INPUT, "out of memory") :
			cli_write(out, &b);
	cli_buf_free(&b);
	return st;
}
