// SPDX-License-Identifier: MIT
/*
 * cmd_all.c - "memcarve all": every output the map's arch uses, in one go.
 *
 * The map is read, parsed and carved once; the other commands run on that
 * one map, each writing one file, into a temporary directory beside DIR,
 * and the files move into DIR only when all of them succeeded: a map that
 * one emitter refuses leaves DIR as it was.
 */
#include <errno.h>
#include <dirent.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

#define ARM64	(1u << MC_ARCH_ARM64)
#define PPC64	(1u << MC_ARCH_PPC64)
#define X86	(1u << MC_ARCH_X86_64)
#define MIPS	(1u << MC_ARCH_MIPS)
#define RISCV	(1u << MC_ARCH_RISCV64)
#define ANY	(ARM64 | PPC64 | X86 | MIPS | RISCV)
#define DT_ARCHS (ARM64 | PPC64 | RISCV)

/*
 * Where a PVH boot's start_info block goes unless `all --start-info-addr`
 * says otherwise: Firecracker's and Cloud Hypervisor's PVH_INFO_START.
 */
#define PVH_START_INFO_DEFAULT	"0x6000"

/* One output: a command, its own options, the archs that use it. */
struct job {
	const char *file;
	const struct cli_cmd *cmd;
	const char *opt, *val;	/* one option of the command, or NULL */
	unsigned int archs;
	unsigned int only;	/* WITH_*: what the map must have, or 0 */
};

#define WITH_DIRECT	(1u << 0)	/* direct ranges (DMAR, IVRS, IORT) */
#define WITH_NODES	(1u << 1)	/* NUMA nodes (SRAT) */

static const struct job jobs[] = {
	{ "carved.txt", &cli_cmd_show, NULL, NULL, ANY, 0 },
	{ "carved.json", &cli_cmd_show, "json", "", ANY, 0 },
	{ "slots.json", &cli_cmd_slots, "json", "", ANY, 0 },
	{ "memcarve.dtb", &cli_cmd_dt, NULL, NULL, DT_ARCHS, 0 },
	{ "memcarve.dts", &cli_cmd_dt, "format", "dts", DT_ARCHS, 0 },
	{ "iort.aml", &cli_cmd_acpi, "table", "iort", ARM64, WITH_DIRECT },
	{ "e820.txt", &cli_cmd_e820, "format", "text", X86, 0 },
	{ "e820.bin", &cli_cmd_e820, "format", "table", X86, 0 },
	{ "pvh.bin", &cli_cmd_e820, "format", "pvh", X86, 0 },
	{ "dmar.aml", &cli_cmd_acpi, "table", "dmar", X86, WITH_DIRECT },
	{ "ivrs.aml", &cli_cmd_acpi, "table", "ivrs", X86, WITH_DIRECT },
	{ "ssdt.aml", &cli_cmd_acpi, "table", "ssdt", X86, 0 },
	{ "srat.aml", &cli_cmd_acpi, "table", "srat", X86 | ARM64, WITH_NODES },
	{ "cmdline.txt", &cli_cmd_cmdline, "style", "x86", X86, 0 },
	{ "cmdline.txt", &cli_cmd_cmdline, "style", "mips", MIPS, 0 },
};

#define N_JOBS (sizeof(jobs) / sizeof(jobs[0]))

/*
 * A job's second option, by file; `all`'s own option of that name wins.
 * One without a default (NULL) is passed only when `all` is given it.
 */
static const struct {
	const char *file, *opt, *val;
} second_opts[] = {
	{ "pvh.bin", "start-info-addr", PVH_START_INFO_DEFAULT },
	{ "memcarve.dtb", "max-numnodes", NULL },
	{ "memcarve.dts", "max-numnodes", NULL },
	{ "srat.aml", "max-numnodes", NULL },
};

#define N_SECOND (sizeof(second_opts) / sizeof(second_opts[0]))

/* DIR, its scratch sibling and a file name fit the 4096-byte path buffers. */
#define DIR_MAX 4000

/* A job's command line: the globals, -o, and up to two options of its own. */
#define JOB_OPTS 3

static const struct cli_optspec *spec_of(const struct cli_cmd *cmd,
					 const char *name)
{
	for (const struct cli_optspec *o = cmd->opts; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/*
 * The command line of one job: the global options of @all, the map (its
 * name, and @map carved already), -o.
 */
static struct cli job_cli(const struct cli *all, const struct job *j,
			  struct mc_map *map, const char *out)
{
	struct cli c = { .cmd = j->cmd, .arg = { all->arg[0] }, .n_arg = 1,
			 .map = map };

	for (size_t i = 0; i < all->n_opt; i++)
		if (!spec_of(&cli_cmd_all, all->opt[i].spec->name))
			c.opt[c.n_opt++] = all->opt[i];	/* a global */
	c.opt[c.n_opt].spec = spec_of(j->cmd, "output");
	c.opt[c.n_opt++].val = out;
	if (j->opt) {
		c.opt[c.n_opt].spec = spec_of(j->cmd, j->opt);
		c.opt[c.n_opt++].val = j->val;
	}
	for (size_t i = 0; i < N_SECOND; i++) {
		const char *own = cli_opt(all, second_opts[i].opt);

		if (strcmp(second_opts[i].file, j->file) ||
		    (!own && !second_opts[i].val))
			continue;
		c.opt[c.n_opt].spec = spec_of(j->cmd, second_opts[i].opt);
		c.opt[c.n_opt++].val = own ? own : second_opts[i].val;
	}
	return c;
}

static bool has_direct(const struct mc_map *map)
{
	size_t n;
	const struct mc_piece *r = mc_map_result(map, &n);

	for (size_t i = 0; i < n; i++)
		if (cli_is_direct(r[i].kind, r[i].type))
			return true;
	return false;
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Move the outputs into @dir, or make the scratch directory @dir. */
static int publish(const char *tmp, const char *dir, const char **files,
		   size_t n)
{
	char from[4096], to[4096];
	struct stat st;

	if (stat(dir, &st) != 0) {
		if (rename(tmp, dir) == 0)
			return EXIT_OK;
		return cli_error(EXIT_INPUT, "cannot create %s: %s", dir,
				 strerror(errno));
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(from, sizeof(from), "%s/%s", tmp, files[i]);
		snprintf(to, sizeof(to), "%s/%s", dir, files[i]);
		if (rename(from, to) != 0)
			return cli_error(EXIT_INPUT, "cannot write %s: %s", to,
					 strerror(errno));
	}
	return EXIT_OK;
}

static int run_jobs(const struct cli *cli, const char *tmp,
		    struct mc_map *carved, const char **files, size_t *n_files)
{
	unsigned int arch = 1u << mc_map_arch(carved);
	unsigned int has = (has_direct(carved) ? WITH_DIRECT : 0) |
			   (mc_map_is_numa(carved) ? WITH_NODES : 0);
	char out[4096];
	int st = EXIT_OK;

	for (size_t i = 0; i < N_JOBS && st == EXIT_OK; i++) {
		const struct job *j = &jobs[i];
		struct cli c;

		if (!(j->archs & arch) || (j->only & ~has))
			continue;
		snprintf(out, sizeof(out), "%s/%s", tmp, j->file);
		c = job_cli(cli, j, carved, out);
		mc_map_clear_errors(carved);	/* each job prints its own */
		st = j->cmd->run(&c);
		if (st != EXIT_OK)
			cli_error(st, "all: %s failed; nothing written to %s",
				  j->file, cli_opt(cli, "dir"));
		files[(*n_files)++] = j->file;
	}
	return st;
}

/* The globals and a job's own options fit one command line (cli.h). */
static int check_globals(const struct cli *cli)
{
	size_t n = 0;

	for (size_t i = 0; i < cli->n_opt; i++)
		n += !spec_of(&cli_cmd_all, cli->opt[i].spec->name);
	if (n + JOB_OPTS > CLI_MAX_OPTS)
		return cli_error(EXIT_USAGE, "all: %zu options besides all's "
				 "own; at most %d (each output's command adds "
				 "%d)", n, CLI_MAX_OPTS - JOB_OPTS, JOB_OPTS);
	return EXIT_OK;
}

static int check_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		return cli_error(EXIT_USAGE, "all: %s is not a directory", dir);
	return EXIT_OK;
}

/* mkdtemp() makes it 0700; as DIR it gets what mkdir(1) would give. */
static char *scratch_dir(const char *dir)
{
	char *copy = strdup(dir), *tmp = NULL;
	size_t len = strlen(dir) + 32;
	mode_t mask = umask(0);

	umask(mask);
	if (copy && (tmp = malloc(len))) {
		snprintf(tmp, len, "%s/.memcarve-all.XXXXXX", dirname(copy));
		if (!mkdtemp(tmp) || chmod(tmp, 0777 & ~mask)) {
			cli_error(EXIT_INPUT, "cannot create a directory beside %s: %s",
				  dir, strerror(errno));
			free(tmp);
			tmp = NULL;
		}
	}
	free(copy);
	return tmp;
}

/* Standard input too is read once, by the one load. */
static int run_all(struct cli *cli)
{
	const char *dir = cli_opt(cli, "dir"), *files[N_JOBS];
	struct mc_map *map = NULL;
	size_t n_files = 0;
	char *tmp = NULL;
	int st;

	if (!dir || !*dir)
		return cli_error(EXIT_USAGE, "all: give the output directory "
				 "with -d DIR");
	if (strlen(dir) > DIR_MAX)
		return cli_error(EXIT_USAGE, "all: -d: a path of %zu bytes; at "
				 "most %d", strlen(dir), DIR_MAX);
	st = check_globals(cli);
	if (st == EXIT_OK)
		st = check_dir(dir);
	if (st == EXIT_OK && !(map = cli_load_map(cli)))
		st = EXIT_INPUT;
	if (st == EXIT_OK && !mc_map_arch(map))
		st = cli_error(EXIT_INPUT,
			       "all: the map names no arch; add 'arch' to it or "
			       "give --arch");
	if (st == EXIT_OK && cli_opt(cli, "start-info-addr") &&
	    mc_map_arch(map) != MC_ARCH_X86_64)
		st = cli_error(EXIT_USAGE, "all: --start-info-addr only applies "
			       "to an x86_64 map (pvh.bin)");
	if (st == EXIT_OK && cli_opt(cli, "max-numnodes") &&
	    !((1u << mc_map_arch(map)) & DT_ARCHS) &&
	    !(mc_map_arch(map) == MC_ARCH_X86_64 && mc_map_is_numa(map)))
		st = cli_error(EXIT_USAGE, "all: --max-numnodes only applies "
			       "to a map with a device tree (arm64, ppc64, "
			       "riscv64: memcarve.dtb, memcarve.dts) or an "
			       "SRAT (a NUMA map of x86_64 or arm64: "
			       "srat.aml)");
	if (st == EXIT_OK && !(tmp = scratch_dir(dir)))
		st = EXIT_INPUT;
	if (st == EXIT_OK)
		st = run_jobs(cli, tmp, map, files, &n_files);
	if (st == EXIT_OK)
		st = publish(tmp, dir, files, n_files);
	mc_map_free(map);
	if (tmp)
		remove_tree(tmp);	/* gone already if it became DIR */
	free(tmp);
	return st;
}

static const struct cli_optspec all_opts[] = {
	{ "dir", 'd', true, false, "DIR",
	  "write the outputs here (created if missing)" },
	{ "start-info-addr", 0, true, false, "ADDR",
	  "x86_64: guest address of pvh.bin (default " PVH_START_INFO_DEFAULT
	  ")" },
	{ "max-numnodes", 0, true, false, "N",
	  "the guest kernel's MAX_NUMNODES for memcarve.dtb, memcarve.dts and "
	  "srat.aml, as dt and acpi take it (default: Debian's)" },
	{ NULL, 0, false, false, NULL, NULL },
};

const struct cli_cmd cli_cmd_all = {
	.name = "all",
	.synopsis = "MAP -d DIR [--start-info-addr ADDR] [--max-numnodes N]",
	.summary = "every output the map's arch uses",
	.details =
		"Carve MAP and write every output its arch uses into DIR:\n"
		"  every arch  carved.txt, carved.json, slots.json\n"
		"  arm64       memcarve.dtb, memcarve.dts, iort.aml (with direct ranges),\n"
		"              srat.aml (with NUMA nodes)\n"
		"  ppc64       memcarve.dtb, memcarve.dts\n"
		"  riscv64     memcarve.dtb, memcarve.dts\n"
		"  x86_64      e820.txt, e820.bin, pvh.bin (PVH start_info block\n"
		"              at --start-info-addr), ssdt.aml (PNP0C02 holes),\n"
		"              cmdline.txt, dmar.aml and ivrs.aml (with direct\n"
		"              ranges), srat.aml (with NUMA nodes)\n"
		"  mips        cmdline.txt\n"
		"Each is what the matching command writes with its defaults, but for\n"
		"the options all passes on: --start-info-addr to pvh.bin's e820, and\n"
		"--max-numnodes to both dt outputs and srat.aml (a NUMA tree or SRAT\n"
		"must fit the guest's MAX_NUMNODES; see dt --help). Either with a map\n"
		"that has no such output is a usage error. All are built in a\n"
		"directory beside DIR first: if any fails, DIR is left as it was.\n"
		"Files of other archs already in DIR are left alone.\n\n"
		"Example:\n"
		"  memcarve all vm.map -d out/\n"
		"  memcarve all vm.map -d out/ --start-info-addr 0x7000\n"
		"  memcarve all arm64-numa.map -d out/ --max-numnodes 64",
	.opts = all_opts,
	.min_args = 1,
	.max_args = 1,
	.run = run_all,
};
