// SPDX-License-Identifier: MIT
/*
 * e820_pvh.c - "memcarve e820 --format pvh": the PVH start_info block.
 *
 * cmd_e820.c parses and checks the table as for a zero page; this file
 * holds what only PVH has: --start-info-addr, the ELF vmlinux's PVH note
 * and load range, and the block itself (mc_pvh_build()).
 */
#include <stdlib.h>
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

int cli_pvh_kernel(struct mc_map *map, const char *path,
		   const struct cli_buf *kernel, struct mc_e820_need *need)
{
	struct mc_pvh_kernel k;
	int err = mc_pvh_kernel(map, path, kernel->p, kernel->len, &k);

	if (!err)
		*need = (struct mc_e820_need){ "--kernel", k.load_first,
					       k.load_last };
	return err;
}

int cli_pvh_emit(struct mc_map *map, const struct mc_e820_boot *boot,
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
	if (mc_pvh_build_alloc(map, &o, &block, &len))
		return cli_print_errors(map);
	cli_buf_add(&b, block, len);
	free(block);
	st = b.failed ? cli_error(EXIT_INPUT, "out of memory") :
			cli_write(out, &b);
	cli_buf_free(&b);
	return st;
}
