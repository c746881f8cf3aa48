// SPDX-License-Identifier: MIT
/*
 * cmd_dt.c - "memcarve dt": the carved map as a device tree (DTB or DTS).
 *
 * The tree comes from the library (mc_dt_build_alloc()). The source form is
 * dtc's own decompiler output ("dtc -I dtb -O dts"), so it reads exactly as
 * users of dtc expect and cannot drift from the blob: the text is always
 * made from the bytes memcarve would write.
 */
#include <errno.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "memcarve-dt.h"

extern char **environ;

#define DT_COMPATIBLE_MAX 16

/* --model and each --compatible (most specific first): fresh tree only. */
static int root_options(const struct cli *cli, struct mc_dt_opts *o,
			const char **compat)
{
	size_t n = 0;

	o->model = cli_opt(cli, "model");
	while (n < DT_COMPATIBLE_MAX && (compat[n] = cli_opt_nth(cli,
							"compatible", n)))
		n++;
	if (cli_opt_nth(cli, "compatible", n))
		return cli_error(EXIT_USAGE, "--compatible: at most %d strings",
				 DT_COMPATIBLE_MAX);
	compat[n] = NULL;
	o->compatible = n ? compat : NULL;
	if ((o->model || n) && cli_opt(cli, "base"))
		return cli_error(EXIT_USAGE,
				 "--model and --compatible are for a fresh "
				 "tree; with --base the base's root is kept");
	return EXIT_OK;
}

static int parse_options(const struct cli *cli, struct mc_dt_opts *o,
			 const char **compat)
{
	const char *v;
	uint64_t pad = 0;
	int st;

	if ((v = cli_opt(cli, "cells"))) {
		if (strcmp(v, "1") && strcmp(v, "2"))
			return cli_error(EXIT_USAGE, "--cells: '%s' is not 1 or 2",
					 v);
		o->cells = (unsigned int)(v[0] - '0');
	}
	if ((v = cli_opt(cli, "memory-nodes"))) {
		if (strcmp(v, "per-block") == 0)
			o->layout = MC_DT_MEMORY_PER_BLOCK;
		else if (strcmp(v, "one") == 0)
			o->layout = MC_DT_MEMORY_ONE_NODE;
		else
			return cli_error(EXIT_USAGE,
					 "--memory-nodes: '%s' is not per-block or one",
					 v);
	}
	if (cli_opt(cli, "memreserve") && cli_opt(cli, "no-memreserve"))
		return cli_error(EXIT_USAGE,
				 "--memreserve and --no-memreserve contradict");
	if (cli_opt(cli, "memreserve"))
		o->memreserve = MC_DT_MEMRESERVE_ON;
	if (cli_opt(cli, "no-memreserve"))
		o->memreserve = MC_DT_MEMRESERVE_OFF;
	st = cli_opt_number(cli, "pad", INT32_MAX, &pad);
	if (st != EXIT_OK)
		return st;
	o->pad_set = cli_opt(cli, "pad") != NULL;
	o->pad = (size_t)pad;
	st = root_options(cli, o, compat);
	if (st != EXIT_OK)
		return st;
	o->drop_base_memreserve = cli_opt(cli, "drop-memreserve") != NULL;
	if (o->drop_base_memreserve && !cli_opt(cli, "base"))
		return cli_error(EXIT_USAGE,
				 "--drop-memreserve needs --base (a fresh tree "
				 "has no entries to drop)");
	o->distance_map = cli_opt(cli, "distance-map") != NULL;
	if (o->distance_map && cli_opt(cli, "base"))
		return cli_error(EXIT_USAGE,
				 "--distance-map is for a fresh tree (with "
				 "--base the base's distance-map is kept)");
	st = cli_opt_numnodes(cli, &o->max_numnodes);
	if (st != EXIT_OK)
		return st;
	o->no_iommu_addresses = cli_opt(cli, "no-iommu-addresses") != NULL;
	if (o->no_iommu_addresses && !cli_opt(cli, "base"))
		return cli_error(EXIT_USAGE,
				 "--no-iommu-addresses needs --base (a fresh "
				 "tree has no device nodes to bind)");
	return EXIT_OK;
}

static int check_format(const struct cli *cli, bool *dts)
{
	const char *f = cli_opt(cli, "format");

	*dts = f && strcmp(f, "dts") == 0;
	if (f && !*dts && strcmp(f, "dtb"))
		return cli_error(EXIT_USAGE, "--format: '%s' is not dtb or dts",
				 f);
	if (!*dts && !cli_opt(cli, "output"))
		return cli_error(EXIT_USAGE,
				 "a DTB is binary: give -o FILE (or --format dts "
				 "for text)");
	return EXIT_OK;
}

static int build(struct mc_map *map, const struct mc_dt_opts *o,
		 struct cli_buf *out)
{
	size_t len = 0;
	void *blob;

	if (mc_dt_build_alloc(map, o, &blob, &len))
		return cli_print_errors(map);
	cli_buf_add(out, blob, len);
	mc_free(blob);
	return out->failed ? cli_error(EXIT_INPUT, "out of memory") : EXIT_OK;
}

static int spawn_dtc(const char *path, int fd_out, pid_t *pid)
{
	char *argv[] = { "dtc", "-q", "-I", "dtb", "-O", "dts", (char *)path,
			 NULL };
	posix_spawn_file_actions_t fa;
	int err;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd_out, STDOUT_FILENO);
	err = posix_spawnp(pid, "dtc", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err == ENOENT)
		return cli_error(EXIT_INPUT,
				 "--format dts runs dtc, which is not on PATH "
				 "(Debian: apt install device-tree-compiler)");
	if (err)
		return cli_error(EXIT_INPUT, "cannot run dtc: %s",
				 strerror(err));
	return EXIT_OK;
}

/* dtc's decompiled source of @blob, from a private temporary file. */
static int decompile(const struct cli_buf *blob, struct cli_buf *dts)
{
	const char *dir = getenv("TMPDIR");
	char path[4096], chunk[65536];
	int fd, pipefd[2], status = 0, st;
	pid_t pid;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/memcarve-dt-XXXXXX",
		 dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return cli_error(EXIT_INPUT, "cannot create %s: %s", path,
				 strerror(errno));
	st = write(fd, blob->p, blob->len) == (ssize_t)blob->len ? EXIT_OK :
		cli_error(EXIT_INPUT, "cannot write %s", path);
	close(fd);
	if (st == EXIT_OK && pipe(pipefd))
		st = cli_error(EXIT_INPUT, "pipe: %s", strerror(errno));
	if (st == EXIT_OK) {
		st = spawn_dtc(path, pipefd[1], &pid);
		close(pipefd[1]);
		while (st == EXIT_OK && (n = read(pipefd[0], chunk,
						  sizeof(chunk))) > 0)
			cli_buf_add(dts, chunk, (size_t)n);
		close(pipefd[0]);
		if (st == EXIT_OK && (waitpid(pid, &status, 0) < 0 ||
				      !WIFEXITED(status) ||
				      WEXITSTATUS(status) != 0))
			st = cli_error(EXIT_INPUT,
				       "dtc could not decompile the DTB");
	}
	unlink(path);
	return st;
}

static int run_dt(struct cli *cli)
{
	struct mc_dt_opts o;
	const char *compat[DT_COMPATIBLE_MAX + 1];
	struct cli_buf base = { 0 }, blob = { 0 }, dts = { 0 };
	struct mc_map *map = NULL;
	bool as_dts = false;
	int st;

	mc_dt_opts_init(&o);
	st = parse_options(cli, &o, compat);

	if (st == EXIT_OK)
		st = check_format(cli, &as_dts);
	if (st == EXIT_OK && cli_opt(cli, "base")) {
		st = cli_read_file("--base", cli_opt(cli, "base"), &base);
		o.base = base.p;
		o.base_len = base.len;
	}
	if (st == EXIT_OK && !(map = cli_load_map(cli)))
		st = EXIT_INPUT;
	if (st == EXIT_OK)	/* x86 guests read the e820 */
		st = cli_require_arch(map, "a device tree",
				      1u << MC_ARCH_ARM64 | 1u << MC_ARCH_PPC64 |
					      1u << MC_ARCH_MIPS |
					      1u << MC_ARCH_RISCV64);
	if (st == EXIT_OK)
		st = build(map, &o, &blob);
	if (st == EXIT_OK && as_dts)
		st = decompile(&blob, &dts);
	if (st == EXIT_OK)
		st = cli_write(cli_opt(cli, "output"), as_dts ? &dts : &blob);
	cli_map_free(cli, map);
	cli_buf_free(&base);
	cli_buf_free(&blob);
	cli_buf_free(&dts);
	return st;
}

static const struct cli_optspec dt_opts[] = {
	{ "output", 'o', true, false, "FILE",
	  "write here (required for a DTB; dts: default standard output)" },
	{ "base", 0, true, false, "IN.dtb",
	  "patch this tree instead of building a fresh one" },
	{ "format", 0, true, false, "FORMAT",
	  "dtb (default) or dts (dtc's source form; needs dtc)" },
	{ "memory-nodes", 0, true, false, "LAYOUT",
	  "per-block (default: memory@ADDR per block) or one (one node, a "
	  "reg each; one per NUMA node)" },
	{ "cells", 0, true, false, "N",
	  "fresh tree: root #address-cells/#size-cells, 1 or 2 (default 2)" },
	{ "memreserve", 0, false, false, NULL,
	  "also list backed reservations in /memreserve/ (default on ppc64)" },
	{ "no-memreserve", 0, false, false, NULL,
	  "no /memreserve/ entries of ours, even on ppc64" },
	{ "drop-memreserve", 0, false, false, NULL,
	  "with --base: leave out the base's own /memreserve/ entries" },
	{ "no-iommu-addresses", 0, false, false, NULL,
	  "with --base: no iommu-addresses binding for direct ranges' "
	  "devices (only their /reserved-memory children)" },
	{ "distance-map", 0, false, false, NULL,
	  "fresh tree of a NUMA map: a /distance-map node "
	  "(numa-distance-map-v1) with the map's distance lines" },
	{ "max-numnodes", 0, true, false, "N",
	  "NUMA map: the guest kernel's MAX_NUMNODES, a power of two "
	  "2..1024 (default Debian's: arm64 16, riscv64 4, ppc64 256)" },
	{ "pad", 0, true, false, "BYTES",
	  "free space left in the tree, like dtc -p (default: with --base, "
	  "what the base had; else 0)" },
	{ "model", 0, true, false, "STRING",
	  "fresh tree: the root's model (default: none)" },
	{ "compatible", 0, true, true, "STRING",
	  "fresh tree: a root compatible string, most specific first; "
	  "repeatable (default: none)" },
	{ NULL, 0, false, false, NULL, NULL },
};

const struct cli_cmd cli_cmd_dt = {
	.name = "dt",
	.synopsis = "MAP -o OUT [--base IN.dtb] [--format dtb|dts] [--memreserve]",
	.summary = "the carved map as a device tree (DTB or DTS)",
	.details =
		"Describe the carved map to a device-tree guest (arm64, PowerPC):\n"
		"\n"
		"  memory@ADDR        device_type = \"memory\": every block RAM backs\n"
		"                     (one node per block, or --memory-nodes one)\n"
		"  /reserved-memory   a child NAME@ADDR per reserved, acpi, nvs or\n"
		"                     pmem range (NAME: its name=, else its type):\n"
		"                     no-map where RAM does not back it (a hole) and\n"
		"                     for backed ranges, reusable for 'reusable'\n"
		"                     ranges, neither for acpi (tables stay mapped)\n"
		"  /memreserve/       with --memreserve (default on ppc64): backed\n"
		"                     reserved and acpi ranges, which then stay\n"
		"                     mapped (Linux memblock_reserve) instead of no-map\n"
		"\n"
		"mmio ranges are device windows, not memory: they appear nowhere.\n"
		"'reusable' on a range RAM no longer backs is refused. On ppc64 the\n"
		"first memory block must start at 0 (the RMA).\n"
		"\n"
		"Without --base the tree is fresh and minimal (root cells, memory,\n"
		"/reserved-memory), for a VMM to merge into its own; the root has a\n"
		"model or compatible only from --model and --compatible. With --base\n"
		"the VMM's DTB is patched: its enabled memory nodes are replaced (ours\n"
		"inherit the platform properties, e.g. numa-node-id, of the node that\n"
		"held their address; never merged across NUMA nodes; a phandle is kept\n"
		"on one node, and refused if no RAM of the map reaches its node), our\n"
		"children join its /reserved-memory (a child sharing a name or range\n"
		"with ours, or a range with its /memreserve/, is an error), and every\n"
		"other node, property and /memreserve/ entry is kept byte for byte,\n"
		"disabled memory nodes too. The base's cells (1 or 2) are used; a\n"
		"range that does not fit is an error. The base's free space is kept\n"
		"unless --pad says otherwise.\n"
		"\n"
		"A NUMA map (node=) is the truth for its nodes: every memory node\n"
		"carries its blocks' node, as numa-node-id (arm64, riscv64) or, on\n"
		"ppc64 (--base only), as the ibm,associativity of a base memory node on\n"
		"that node; a node no base memory node is on, or a base memory node\n"
		"that says another node for the same RAM, is an error. No memory node\n"
		"spans two NUMA nodes (--memory-nodes one: one per NUMA node), and\n"
		"--distance-map adds a fresh tree's /distance-map from the map's\n"
		"distance lines. A map without node= keeps the base's NUMA properties.\n"
		"A node at or above the guest's MAX_NUMNODES (--max-numnodes; default\n"
		"Debian's CONFIG_NODES_SHIFT: 16 arm64, 4 riscv64, 256 ppc64) is an\n"
		"error: Linux would turn NUMA off (arm64, riscv64) or put the RAM on\n"
		"another node (ppc64). So, on arm64 and riscv64, is a tree with more\n"
		"than 2 x MAX_NUMNODES reg ranges in its memory nodes: from Linux 6.12\n"
		"(numa_memblks) that many turn NUMA off (\"too many memblk ranges\").\n"
		"\n"
		"--format dts prints dtc's decompiled source of the same blob (it runs\n"
		"'dtc -I dtb -O dts'; Debian package device-tree-compiler).\n"
		"\n"
		"Examples:\n"
		"  memcarve dt vm.map -o vm.dtb\n"
		"  memcarve dt vm.map --base qemu-virt.dtb -o guest.dtb --memreserve\n"
		"  memcarve dt vm.map --format dts --memory-nodes one",
	.opts = dt_opts,
	.min_args = 1,
	.max_args = 1,
	.run = run_dt,
};
