// SPDX-License-Identifier: MIT
/*
 * cmd_cmdline.c - "memcarve cmdline": the carved map as kernel parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "memcarve-cmdline.h"

static int parse_style(const char *v, enum mc_cmdline_style *style)
{
	if (!v)
		*style = MC_CMDLINE_AUTO;
	else if (strcmp(v, "mips") == 0)
		*style = MC_CMDLINE_MIPS;
	else if (strcmp(v, "x86") == 0)
		*style = MC_CMDLINE_X86;
	else
		return cli_error(EXIT_USAGE,
				 "--style: '%s' is not one of mips, x86", v);
	return EXIT_OK;
}

static int parse_escape(const char *v, enum mc_cmdline_escape *escape)
{
	if (!v || strcmp(v, "none") == 0)
		*escape = MC_ESCAPE_NONE;
	else if (strcmp(v, "shell") == 0)
		*escape = MC_ESCAPE_SHELL;
	else if (strcmp(v, "grub") == 0)
		*escape = MC_ESCAPE_GRUB;
	else
		return cli_error(EXIT_USAGE,
				 "--escape: '%s' is not one of none, shell, grub",
				 v);
	return EXIT_OK;
}

static int parse_opts(const struct cli *cli, struct mc_cmdline_opts *o)
{
	const char *max = cli_opt(cli, "max");
	uint64_t v;
	int st;

	memset(o, 0, sizeof(*o));
	st = parse_style(cli_opt(cli, "style"), &o->style);
	if (st == EXIT_OK)
		st = parse_escape(cli_opt(cli, "escape"), &o->escape);
	if (st != EXIT_OK)
		return st;
	if (max && (mc_parse_number(max, &v) || v < 2 || v > SIZE_MAX))
		return cli_error(EXIT_USAGE,
				 "--max: '%s' is not a size of at least 2 bytes",
				 max);
	o->max = max ? (size_t)v : 0;
	v = 0;
	st = cli_opt_number(cli, "max-entries", SIZE_MAX, &v);
	if (st == EXIT_OK && cli_opt(cli, "max-entries") && v < 2)
		st = cli_error(EXIT_USAGE, "--max-entries: a kernel's table "
			       "holds at least 2 entries, not '%s'",
			       cli_opt(cli, "max-entries"));
	if (st != EXIT_OK)
		return st;
	o->max_entries = (size_t)v;
	o->append = cli_opt(cli, "append");
	if (cli_opt(cli, "pram"))
		o->flags |= MC_CMDLINE_PRAM;
	if (cli_opt(cli, "retype"))
		o->flags |= MC_CMDLINE_RETYPE;
	return EXIT_OK;
}

/* --pram and --retype write x86 memmap= operators MIPS does not have. */
static int x86_flags_only(const struct mc_cmdline_opts *o,
			  const struct mc_map *map)
{
	if (!o->flags || o->style == MC_CMDLINE_X86 ||
	    (o->style == MC_CMDLINE_AUTO && mc_map_arch(map) != MC_ARCH_MIPS))
		return EXIT_OK;
	return cli_error(EXIT_USAGE, "--%s: the MIPS command line has no "
			 "such memmap= operator (x86 only)",
			 o->flags & MC_CMDLINE_PRAM ? "pram" : "retype");
}

static int run_cmdline(struct cli *cli)
{
	struct mc_cmdline_opts o;
	struct cli_buf b = { 0 };
	struct mc_map *map;
	size_t size = 0;
	void *text = NULL;
	int err, st = parse_opts(cli, &o);

	if (st != EXIT_OK)
		return st;
	map = cli_load_map(cli);
	if (!map)
		return EXIT_INPUT;
	if ((st = x86_flags_only(&o, map)) != EXIT_OK) {
		cli_map_free(cli, map);
		return st;
	}
	err = mc_cmdline_build_alloc(map, &o, &text, &size);
	if (err)
		st = cli_print_errors(map);
	else {
		cli_buf_printf(&b, "%s\n", (const char *)text);
		st = cli_write(cli_opt(cli, "output"), &b);
	}
	mc_free(text);
	cli_buf_free(&b);
	cli_map_free(cli, map);
	return st;
}

static const struct cli_optspec cmdline_opts[] = {
	{ "style", 0, true, false, "STYLE",
	  "mips or x86 (default: from the map's arch)" },
	{ "escape", 0, true, false, "HOW",
	  "none (default), shell (single quotes) or grub (\\$)" },
	{ "append", 0, true, false, "LINE",
	  "merge with this command line; its mem=/memmap= are replaced" },
	{ "max", 0, true, false, "N",
	  "limit in bytes with the NUL (default: COMMAND_LINE_SIZE)" },
	{ "max-entries", 0, true, false, "N",
	  "x86: the guest's E820_MAX_ENTRIES (default 3200, Debian amd64)" },
	{ "pram", 0, false, false, NULL,
	  "x86: pmem as memmap=SIZE!BASE (type 12, legacy pmem)" },
	{ "retype", 0, false, false, NULL,
	  "x86: nvs and pmem as memmap=SIZE%BASE+4/+7 (Linux 4.17+)" },
	{ "output", 'o', true, false, "FILE",
	  "write to FILE (atomically) instead of standard output" },
	{ NULL, 0, false, false, NULL, NULL },
};

const struct cli_cmd cli_cmd_cmdline = {
	.name = "cmdline",
	.synopsis = "MAP [--style mips|x86] [--escape none|shell|grub] [--append LINE]",
	.summary = "the map as kernel mem=/memmap= parameters",
	.details =
		"Print the carved map as Linux command-line parameters, for guests\n"
		"that learn their memory from the command line (MIPS Malta; x86 under a\n"
		"BIOS whose e820 you cannot change).\n"
		"\n"
		"--style mips: one mem=SIZE@BASE per block of backed memory (the slots),\n"
		"all before any memmap=, then memmap=SIZE$BASE for each reserved range\n"
		"RAM still backs (overlay): MIPS adds such a range as memory and then\n"
		"reserves it. A carved hole is simply in no mem=. One range per token.\n"
		"\n"
		"--style x86: memmap=exactmap (drop the firmware's e820), then\n"
		"memmap=SIZE@BASE for RAM, SIZE$BASE reserved, SIZE#BASE ACPI data.\n"
		"x86 has no operator for ACPI NVS or type-7 pmem: they are written as\n"
		"reserved, so the guest keeps off them, unless --retype (SIZE%BASE+4 and\n"
		"+7, exact types, Linux 4.17+; older kernels read it as a mem= limit) or\n"
		"--pram (pmem as SIZE!BASE, type 12). The tokens are the e820 table of\n"
		"`memcarve e820` (mmio inside RAM reserved, mmio outside RAM left out),\n"
		"one token per entry: a table of fewer than 2 entries is refused (the\n"
		"kernel panics on it), and one over the guest's E820_MAX_ENTRIES\n"
		"(--max-entries, default 3200) too.\n"
		"\n"
		"Numbers are what memparse() reads back exactly: decimal with a K, M or\n"
		"G suffix, else 0x hex, never a leading zero (that would be octal).\n"
		"--append merges with an existing line, split as the kernel's next_arg()\n"
		"splits it (white space is its isspace(): tab, newline, space and 0xA0;\n"
		"double quotes group; a backslash is an ordinary byte): its mem= and\n"
		"memmap= parameters, quoted or not, are dropped (ours replace them), the\n"
		"rest kept in order; a \"--\", quoted or not, ends the kernel's\n"
		"parameters and it and init's words after it stay last. A double quote\n"
		"left open before the \"--\" is refused: it would swallow our tokens.\n"
		"MIPS: at most 128 mem= blocks and 104 memmap= ranges (memblock holds\n"
		"128 regions per array until it may grow, which MIPS never allows that\n"
		"early; 24 reserved regions are left for the kernel's own: Debian's\n"
		"Malta kernels reserve up to 21).\n"
		"A line longer than the COMMAND_LINE_SIZE of the style's kernel (x86\n"
		"2048, mips 4096, NUL included) or --max is an error, never truncated.\n"
		"QEMU's Malta passes only 255 bytes of -append (and puts rd_start= and\n"
		"rd_size= first with -initrd): give it --max 256 or less.\n"
		"--escape shell quotes the line for sh; grub puts a backslash before $\n"
		"and GRUB's other special characters. The kernel itself wants none.\n"
		"\n"
		"Examples:\n"
		"  $ memcarve cmdline fixtures/cmdline/malta.map --append 'console=ttyS0 mem=1G'\n"
		"  console=ttyS0 mem=96M@0 mem=128M@128M memmap=16M$160M\n"
		"  $ qemu-system-mipsel -M malta -kernel vmlinuz -append \"$(memcarve cmdline vm.map)\"\n"
		"  $ memcarve cmdline vm.map --style x86 --escape grub   # for grub.cfg",
	.opts = cmdline_opts,
	.min_args = 1,
	.max_args = 1,
	.run = run_cmdline,
};
