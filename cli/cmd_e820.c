// SPDX-License-Identifier: MIT
/*
 * cmd_e820.c - "memcarve e820": the carved map as an x86 e820 table, as
 * the kernel prints it, as raw entries, or inside a zero page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "memcarve-e820.h"
#include "memcarve-fwcfg.h"

enum format { FMT_TEXT, FMT_TABLE, FMT_ZEROPAGE, FMT_PVH };

struct e820_args {
	enum format format;
	const char *out;
	const char *kernel;
	const char *sd_out;
	const char *prefix;	/* --prefix: whose lines the text mimics */
	/* --linux in linux_version, --max-entries, --legacy-hole, zero page */
	struct mc_e820_boot_opts opts;
	uint64_t start_info_addr;	/* --start-info-addr, pvh */
};

/* Options that only a zero page has; the first four a PVH block too. */
static const char *const zp_only[] = {
	"cmdline-addr", "initrd-addr", "initrd-size", "rsdp-addr",
	"setup-data-addr", "setup-data-next", "setup-data-out", NULL,
};
#define ZP_AND_PVH 4

static int parse_num(const struct cli *cli, const char *name, uint64_t *v)
{
	*v = 0;
	return cli_opt_number(cli, name, UINT64_MAX, v);
}

static int parse_format(const char *v, enum format *f)
{
	if (!v || strcmp(v, "text") == 0)
		*f = FMT_TEXT;
	else if (strcmp(v, "table") == 0)
		*f = FMT_TABLE;
	else if (strcmp(v, "zeropage") == 0)
		*f = FMT_ZEROPAGE;
	else if (strcmp(v, "pvh") == 0)
		*f = FMT_PVH;
	else
		return cli_error(EXIT_USAGE, "--format: '%s' is not one of "
				 "text, table, zeropage, pvh", v);
	return EXIT_OK;
}

static int parse_boot(const struct cli *cli, struct mc_e820_boot_opts *b)
{
	int st = parse_num(cli, "cmdline-addr", &b->cmdline_addr);

	if (st == EXIT_OK)
		st = parse_num(cli, "initrd-addr", &b->initrd_addr);
	if (st == EXIT_OK)
		st = parse_num(cli, "initrd-size", &b->initrd_size);
	if (st == EXIT_OK)
		st = parse_num(cli, "rsdp-addr", &b->rsdp_addr);
	if (st == EXIT_OK)
		st = parse_num(cli, "setup-data-addr", &b->setup_data_addr);
	if (st == EXIT_OK)
		st = parse_num(cli, "setup-data-next", &b->setup_data_next);
	if (st == EXIT_OK && !b->initrd_addr != !b->initrd_size)
		st = cli_error(EXIT_USAGE, "--initrd-addr and --initrd-size "
			       "go together");
	if (st == EXIT_OK && b->initrd_size &&
	    b->initrd_addr > UINT64_MAX - (b->initrd_size - 1))
		st = cli_error(EXIT_USAGE, "--initrd-addr + --initrd-size "
			       "runs past 2^64");
	return st;
}

/* The prefixes e820__print_table() is called with for a whole table. */
static int parse_prefix(const char *v, const char **prefix)
{
	static const char *const known[] = {
		"BIOS-e820", "extended", "user", "modified", NULL,
	};

	for (size_t i = 0; known[i]; i++)
		if (!v || strcmp(v, known[i]) == 0) {
			*prefix = known[i];
			return EXIT_OK;
		}
	return cli_error(EXIT_USAGE, "--prefix: '%s' is not one of BIOS-e820, "
			 "extended, user, modified", v);
}

/* --linux VERSION, --max-entries N and --prefix WHO. */
static int parse_target(const struct cli *cli, struct e820_args *a)
{
	const char *v = cli_opt(cli, "linux");
	uint64_t max = 0;
	int st = parse_prefix(cli_opt(cli, "prefix"), &a->prefix);

	if (st != EXIT_OK)
		return st;
	if (a->format != FMT_TEXT && cli_opt(cli, "prefix"))
		return cli_error(EXIT_USAGE, "--prefix only applies to "
				 "--format text");
	if (v && (mc_linux_version(v, &a->opts.linux_version) ||
		  a->opts.linux_version < MC_LINUX_OLDEST))
		return cli_error(EXIT_USAGE, "--linux: '%s' is not a release "
				 "of 5.5 or later (MAJOR.MINOR; memcarve knows "
				 "the e820 text from 5.5 on)", v);
	st = cli_opt_number(cli, "max-entries", SIZE_MAX, &max);
	if (st == EXIT_OK && cli_opt(cli, "max-entries") && max < 2)
		st = cli_error(EXIT_USAGE, "--max-entries: a kernel's table "
			       "holds at least 2 entries, not '%s'",
			       cli_opt(cli, "max-entries"));
	a->opts.max_entries = (size_t)max;
	return st;
}

static int parse_args(const struct cli *cli, struct e820_args *a)
{
	int st = parse_format(cli_opt(cli, "format"), &a->format);

	mc_e820_boot_opts_init(&a->opts);
	if (st == EXIT_OK)
		st = parse_target(cli, a);
	if (st != EXIT_OK)
		return st;
	a->out = cli_opt(cli, "output");
	a->kernel = cli_opt(cli, "kernel");
	a->sd_out = cli_opt(cli, "setup-data-out");
	if (cli_opt(cli, "legacy-hole"))
		a->opts.flags |= MC_E820_LEGACY_HOLE;
	if (a->format != FMT_TEXT && !a->out)
		return cli_error(EXIT_USAGE, "--format %s is binary: give -o "
				 "FILE", cli_opt(cli, "format"));
	for (size_t i = 0; a->format != FMT_ZEROPAGE && zp_only[i]; i++)
		if (cli_opt(cli, zp_only[i]) &&
		    (a->format != FMT_PVH || i >= ZP_AND_PVH))
			return cli_error(EXIT_USAGE, "--%s only applies to "
					 "--format zeropage%s", zp_only[i],
					 i < ZP_AND_PVH ? " or pvh" : "");
	st = cli_pvh_args(cli, a->format == FMT_PVH, &a->start_info_addr);
	if (st == EXIT_OK && cli_opt(cli, "firmware") &&
	    (a->format != FMT_TABLE ||
	     strcmp(cli_opt(cli, "firmware"), "seabios")))
		st = cli_error(EXIT_USAGE, "--firmware: only seabios, with "
			       "--format table (the etc/e820 blob)");
	return st == EXIT_OK ? parse_boot(cli, &a->opts) : st;
}

struct job {
	const struct cli *cli;
	struct e820_args a;
	struct mc_map *map;
	struct mc_e820_entry *e;
	size_t n;
	struct cli_buf kernel;
};

/* The text is the target kernel's: --linux, else --kernel's release. */
static int text_version(struct job *j)
{
	struct mc_bzimage img;
	uint32_t v;

	if (j->a.format != FMT_TEXT || !j->a.kernel || j->a.opts.linux_version)
		return EXIT_OK;
	if (mc_e820_bzimage(j->map, j->a.kernel, j->kernel.p, j->kernel.len,
			    &img))
		return cli_print_errors(j->map);
	v = img.linux_version;
	if (v && v < MC_LINUX_OLDEST)
		return cli_error(EXIT_INPUT, "--kernel: %s is Linux %u.%u; "
				 "memcarve knows the e820 text from 5.5 on "
				 "(--linux VERSION chooses another)",
				 j->a.kernel, v >> 16, (v >> 8) & 0xff);
	j->a.opts.linux_version = v;
	return EXIT_OK;
}

/* The table and the rules the guest relies on (mc_e820_boot_check()). */
static int build_table(struct job *j)
{
	int st = EXIT_OK;

	if (mc_e820_build_alloc(j->map, NULL, &j->e, &j->n))
		return cli_print_errors(j->map);
	st = text_version(j);
	if (st == EXIT_OK &&
	    mc_e820_boot_check(j->map, &j->a.opts, j->e, j->n))
		st = cli_print_errors(j->map);
	if (st == EXIT_OK && cli_opt(j->cli, "firmware") &&
	    mc_e820_fw_check(j->map, j->e, j->n, MC_FW_SEABIOS))
		st = cli_print_errors(j->map);
	return st;
}

/* Hand @len bytes at @p (freed here) to cli_write(). */
static int write_bytes(const char *path, void *p, size_t len)
{
	struct cli_buf b = { 0 };
	int st;

	if (p)
		cli_buf_add(&b, p, len);
	free(p);
	st = !p || b.failed ? cli_error(EXIT_INPUT, "out of memory") :
			      cli_write(path, &b);
	cli_buf_free(&b);
	return st;
}

static int emit_text(const struct job *j)
{
	size_t len = 0;
	char *text = NULL;

	uint32_t v = j->a.opts.linux_version;
	const char *who = j->a.prefix;

	if (mc_e820_print(j->e, j->n, who, v, NULL, &len) == MC_ENOSPC)
		text = malloc(len);
	if (text && mc_e820_print(j->e, j->n, who, v, text, &len)) {
		free(text);
		text = NULL;
	}
	return write_bytes(j->a.out, text, text ? len - 1 : 0);	/* no NUL */
}

static int emit_table(const struct job *j)
{
	size_t len = 0;
	void *p;

	mc_e820_encode(j->e, j->n, NULL, &len);
	p = malloc(len + 1);
	if (p)
		mc_e820_encode(j->e, j->n, p, &len);
	return write_bytes(j->a.out, p, len);
}

/* The zero page and its node are written together or not at all. */
static int emit_zeropage(struct job *j)
{
	struct cli_buf zp = { 0 }, node = { 0 };
	const struct cli_buf *bufs[2] = { &zp, &node };
	const char *paths[2] = { j->a.out, j->a.sd_out };
	size_t len, ext;
	void *p;
	int st = EXIT_OK;

	if (mc_e820_boot_build_alloc(j->map, &j->a.opts, &p, &len))
		return cli_print_errors(j->map);
	ext = (len - MC_ZEROPAGE_SIZE) / MC_E820_ENTRY_SIZE;	/* header < 20 */
	if (ext && !j->a.sd_out)
		st = cli_error(EXIT_INPUT, "the table has %zu entries: the %zu "
			       "past 128 go in a SETUP_E820_EXT node; give "
			       "--setup-data-out FILE",
			       ext + MC_E820_ZEROPAGE_MAX, ext);
	cli_buf_add(&zp, p, MC_ZEROPAGE_SIZE);
	cli_buf_add(&node, (char *)p + MC_ZEROPAGE_SIZE,
		    len - MC_ZEROPAGE_SIZE);
	mc_free(p);
	if (st == EXIT_OK && (zp.failed || node.failed))
		st = cli_error(EXIT_INPUT, "out of memory");
	if (st == EXIT_OK)
		st = cli_write_all(paths, bufs, ext ? 2 : 1);
	cli_buf_free(&zp);
	cli_buf_free(&node);
	return st;
}

static int run_e820(struct cli *cli)
{
	struct job j = { .cli = cli };
	int st = parse_args(cli, &j.a);

	if (st == EXIT_OK && j.a.kernel)
		st = cli_read_file("--kernel", j.a.kernel, &j.kernel);
	j.a.opts.kernel = j.a.kernel ? j.kernel.p : NULL;
	j.a.opts.kernel_len = j.kernel.len;
	j.a.opts.kernel_name = j.a.kernel;
	if (st == EXIT_OK) {
		j.map = cli_load_map(cli);
		st = j.map ? EXIT_OK : EXIT_INPUT;
	}
	if (st == EXIT_OK && j.a.format == FMT_ZEROPAGE)
		st = emit_zeropage(&j);
	else if (st == EXIT_OK && j.a.format == FMT_PVH)
		st = cli_pvh_emit(j.map, &j.a.opts, j.a.start_info_addr,
				  j.a.out);
	else if (st == EXIT_OK)
		st = build_table(&j);
	if (st == EXIT_OK && j.a.format == FMT_TEXT)
		st = emit_text(&j);
	else if (st == EXIT_OK && j.a.format == FMT_TABLE)
		st = emit_table(&j);
	mc_free(j.e);
	cli_map_free(cli, j.map);
	cli_buf_free(&j.kernel);
	return st;
}

static const struct cli_optspec e820_opts[] = {
	{ "output", 'o', true, false, "FILE",
	  "write here (text: default standard output; binary: required)" },
	{ "format", 0, true, false, "FORMAT",
	  "text (default), table (raw 20-byte entries), zeropage or pvh" },
	{ "kernel", 0, true, false, "BZIMAGE",
	  "check its load range is usable RAM; zeropage: copy its setup "
	  "header; pvh: an ELF vmlinux with a PVH entry note" },
	{ "linux", 0, true, false, "VERSION",
	  "text as this Linux release prints it, e.g. 6.1 or 7.2 (default: "
	  "--kernel's version, else the newest form)" },
	{ "prefix", 0, true, false, "WHO",
	  "text: BIOS-e820 (default), extended, user or modified lines" },
	{ "max-entries", 0, true, false, "N",
	  "the guest's E820_MAX_ENTRIES (default 3200, Debian amd64)" },
	{ "legacy-hole", 0, false, false, NULL,
	  "require RAM below 1M to end at 640K (0xa0000-0xfffff not usable)" },
	{ "cmdline-addr", 0, true, false, "ADDR",
	  "zeropage: guest address of the command line" },
	{ "initrd-addr", 0, true, false, "ADDR",
	  "zeropage: guest address of the initrd (with --initrd-size)" },
	{ "initrd-size", 0, true, false, "SIZE", "zeropage: initrd size" },
	{ "rsdp-addr", 0, true, false, "ADDR",
	  "zeropage: ACPI RSDP address (boot protocol 2.14+)" },
	{ "setup-data-addr", 0, true, false, "ADDR",
	  "zeropage: guest address of the SETUP_E820_EXT node" },
	{ "setup-data-out", 0, true, false, "FILE",
	  "zeropage: write that node here (only if over 128 entries)" },
	{ "setup-data-next", 0, true, false, "ADDR",
	  "zeropage: existing setup_data chain to link after ours" },
	{ "firmware", 0, true, false, "seabios",
	  "table: check what SeaBIOS keeps of it as fw_cfg etc/e820" },
	{ "start-info-addr", 0, true, false, "ADDR",
	  "pvh: guest address of the block (%ebx at the PVH entry)" },
	{ NULL, 0, false, false, NULL, NULL },
};

const struct cli_cmd cli_cmd_e820 = {
	.name = "e820",
	.synopsis = "MAP [-o OUT] [--format text|table|zeropage] [--kernel BZIMAGE] [--linux VERSION] [--max-entries N]",
	.summary = "x86 e820 table: kernel's text, raw, or a zero page",
	.details =
		"Describe the carved map as an x86 e820 table. RAM is usable (1);\n"
		"every reserved range, backed or not, is reserved (2), as Linux wants\n"
		"for RMRRs; mmio inside declared RAM is reserved (2); mmio outside RAM\n"
		"(a PCI hole) is left out, as firmware does; acpi is 3, nvs 4, pmem 7.\n"
		"A hotplug window is left out too, here and in every format below: it\n"
		"is not RAM at boot (ACPI SRAT tells the guest of it, hot-pluggable),\n"
		"QEMU leaves it out of e820 the same way, and a reserved entry would\n"
		"stay beside the RAM hot-added there, which a kexec'd kernel then\n"
		"reads as reserved (Linux's e820 keeps the higher type).\n"
		"The table is sanitized as Linux does it (sorted, touching entries of\n"
		"one type merged, the higher type winning an overlap), so --format text\n"
		"prints exactly the guest's 'BIOS-e820:' lines. (Past 128 entries\n"
		"the guest prints the zero page's 128 as 'BIOS-e820:' and then the\n"
		"whole table as 'extended:'; text prints the whole table.)\n"
		"The text is the target kernel's: --linux VERSION, else the release\n"
		"in --kernel's setup header, else the newest. Up to 6.x:\n"
		"  BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable\n"
		"From 7.0 (new names, two spaces, a [gap] line before an entry that\n"
		"does not start where the one before it ends):\n"
		"  BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff]  System RAM\n"
		"  BIOS-e820: [gap 0x00000000000a0000-0x00000000000effff]\n"
		"--prefix names whose lines: extended (after a SETUP_E820_EXT node),\n"
		"user (after memmap=, e.g. the table of `cmdline --style x86`), modified.\n\n"
		"--format table writes the raw 20-byte boot_e820_entry array. --format\n"
		"zeropage writes a 4096-byte boot_params for the 64-bit boot protocol:\n"
		"the setup header copied from --kernel, type_of_loader 0xff, the\n"
		"addresses given, and the first 128 entries; the rest go in a\n"
		"SETUP_E820_EXT node written to --setup-data-out, to be loaded at\n"
		"--setup-data-addr, and linked from hdr.setup_data.\n\n"
		"--format pvh writes the block a PVH boot (Firecracker, Cloud\n"
		"Hypervisor) points %ebx at, to load at --start-info-addr: struct\n"
		"hvm_start_info version 1, the initrd's module entry, then the table\n"
		"as 24-byte memmap entries. Linux copies at most 128 entries (more\n"
		"overflow its zero page), reads the block below 1 GiB and keeps the\n"
		"command line and initrd in 32-bit fields; --kernel is the ELF\n"
		"vmlinux, which must carry XEN_ELFNOTE_PHYS32_ENTRY. The same table\n"
		"as --format table is the raw blob of fw_cfg's etc/e820 (SeaBIOS,\n"
		"OVMF); --firmware seabios checks what SeaBIOS keeps of it: types 1\n"
		"and 2 only, and at most 32 entries with its own (BUILD_MAX_E820).\n\n"
		"Checked: the table has at least 2 entries (Linux ignores a shorter\n"
		"one); it fits the guest's E820_MAX_ENTRIES (128 + 3 x MAX_NUMNODES;\n"
		"3200 for Debian's amd64 kernels, CONFIG_NODES_SHIFT=10; else\n"
		"--max-entries) with the entries the kernel adds when it reserves its\n"
		"first page, 0xa0000-0xfffff and setup_data; the kernel's load range (pref_address + init_size from\n"
		"--kernel), the initrd and the setup_data node lie in usable RAM; with\n"
		"--legacy-hole, no usable RAM in 0xa0000-0xfffff.\n\n"
		"Example:\n"
		"  memcarve e820 vm.map --kernel bzImage --format zeropage -o zp.bin \\\n"
		"      --cmdline-addr 0x20000 --initrd-addr 0x6000000 --initrd-size 4M \\\n"
		"      --setup-data-addr 0x30000 --setup-data-out sd.bin",
	.opts = e820_opts,
	.min_args = 1,
	.max_args = 1,
	.run = run_e820,
};
