// SPDX-License-Identifier: MIT
/*
 * main.c - memcarve: command dispatch, options and help.
 *
 * "memcarve [GLOBAL OPTIONS] COMMAND [ARGS] [OPTIONS]": global options go
 * anywhere, a command's own options after the command name.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static const struct cli_cmd *const commands[] = {
	&cli_cmd_show,	&cli_cmd_slots, &cli_cmd_dt,	  &cli_cmd_e820,
	&cli_cmd_acpi,	&cli_cmd_cmdline, &cli_cmd_all, &cli_cmd_inspect,
	&cli_cmd_render, &cli_cmd_diff, &cli_cmd_check,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct cli_optspec global_opts[] = {
	{ "arch", 0, true, false, "ARCH",
	  "arm64, ppc64, x86_64, mips or riscv64; overrides the map's 'arch'" },
	{ "policy", 0, true, false, "POLICY",
	  "abort, overlay, carve or relocate; overrides the map's 'policy'" },
	{ "granule", 0, true, false, "SIZE",
	  "carving alignment, a power of two (4K, 64K, 2M...)" },
	{ "resv", 0, true, true, "FILE[,devices=BDF,...]",
	  "add an IOMMU group's sysfs reserved_regions file, its direct "
	  "ranges serving these guest devices; repeatable" },
	{ "vfio", 0, true, true, "GROUP|BDF[=GUEST]",
	  "add a host IOMMU group's reserved regions from sysfs, for its "
	  "devices or the device's guest BDF; repeatable" },
	{ "sysfs-root", 0, true, false, "DIR",
	  "where --vfio finds sys/ (default /)" },
	{ "help", 'h', false, false, NULL, "show help (of a command, after it)" },
	{ "version", 0, false, false, NULL, "print the version" },
	{ NULL, 0, false, false, NULL, NULL },
};

static void print_opts(const struct cli_optspec *o)
{
	char left[64];

	for (; o->name; o++) {
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s", o->short_name,
				 o->name);
		else
			snprintf(left, sizeof(left), "    --%s", o->name);
		if (o->arg_name)
			snprintf(left + strlen(left), sizeof(left) - strlen(left),
				 " %s", o->arg_name);
		printf("  %-30s %s\n", left, o->help);
	}
}

static int usage(void)
{
	printf("Usage: memcarve [OPTIONS] COMMAND ARGS... [COMMAND OPTIONS]\n\n"
	       "Carve a guest-physical memory map around the ranges a host IOMMU\n"
	       "reserves, and write what each guest architecture reads about it.\n\n"
	       "Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		printf("  %-8s %s\n", commands[i]->name, commands[i]->summary);
	printf("\n'memcarve COMMAND --help' shows a command's arguments and options.\n"
	       "\nOptions:\n");
	print_opts(global_opts);
	printf("\nMAP is a map file, or - for standard input. A map has one statement\n"
	       "per line; '#' starts a comment; sizes take K, M, G or T:\n\n"
	       "  arch     x86_64\n"
	       "  policy   carve                  # abort | overlay | carve | relocate\n"
	       "  ram      0x0          2G        name=lowmem\n"
	       "  ram      0x100000000  6G        name=highmem\n"
	       "  mmio     0xc0000000   512M      name=pci-hole\n"
	       "  reserved 0xfee00000   1M        type=msi name=msi\n"
	       "  reserved 0x7f000000   16M       type=direct devices=00:02.0\n\n"
	       "Policies decide what happens to RAM under a reserved range: 'abort'\n"
	       "refuses the map, 'overlay' keeps RAM and describes the range on top,\n"
	       "'carve' cuts a hole (rounded out to the granule), 'relocate' cuts the\n"
	       "hole and adds the RAM back above its block. direct, acpi and nvs ranges\n"
	       "default to overlay; mmio is always cut out. See memcarve(1).\n\n"
	       "Examples:\n"
	       "  memcarve show vm.map\n"
	       "  memcarve slots vm.map --resv /sys/kernel/iommu_groups/7/reserved_regions\n"
	       "  memcarve dt vm.map --base qemu-virt.dtb -o guest.dtb\n"
	       "  memcarve e820 vm.map --format zeropage --kernel bzImage -o zp.bin\n"
	       "  memcarve acpi vm.map --table dmar -o dmar.aml\n"
	       "  memcarve cmdline vm.map --style mips\n"
	       "  memcarve all vm.map -d out/\n"
	       "  memcarve inspect guest.dtb\n\n"
	       "Exit status: 0 success, 1 bad input or a conflict the policy refuses,\n"
	       "2 usage error.\n");
	return EXIT_OK;
}

static int command_usage(const struct cli_cmd *c)
{
	printf("Usage: memcarve %s %s\n\n%s\n", c->name, c->synopsis,
	       c->details);
	if (c->opts[0].name) {
		printf("\nOptions:\n");
		print_opts(c->opts);
	}
	printf("\nGlobal options:\n");
	print_opts(global_opts);
	return EXIT_OK;
}

static const struct cli_optspec *find_opt(const struct cli_optspec *o,
					  const char *name, size_t len,
					  char short_name)
{
	for (; o && o->name; o++)
		if (short_name ? o->short_name == short_name :
				 strlen(o->name) == len &&
					 !strncmp(o->name, name, len))
			return o;
	return NULL;
}

/* Take one option at argv[*i]; returns an exit status if it is wrong. */
static int take_opt(struct cli *cli, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *name = a + 2, *eq, *val = "";
	bool is_short = a[1] != '-';
	size_t len;
	const struct cli_optspec *o;

	eq = is_short ? NULL : strchr(name, '=');
	len = eq ? (size_t)(eq - name) : strlen(name);
	o = find_opt(global_opts, name, len, is_short ? a[1] : 0);
	if (!o)
		o = find_opt(cli->cmd ? cli->cmd->opts : NULL, name, len,
			     is_short ? a[1] : 0);
	if (!o || (is_short && a[2] && !o->has_arg))
		return cli_error(EXIT_USAGE, "unknown option '%s'%s%s", a,
				 cli->cmd ? " for " : "",
				 cli->cmd ? cli->cmd->name : "");
	if (o->has_arg) {
		if (is_short && a[2])
			val = a + 2;	/* "-oFILE", as getopt takes it */
		else if (eq)
			val = eq + 1;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else
			return cli_error(EXIT_USAGE, "option '%s' needs a value", a);
	} else if (eq) {
		return cli_error(EXIT_USAGE, "option '--%s' takes no value",
				 o->name);
	}
	if (!o->repeatable && cli_opt(cli, o->name))
		return cli_error(EXIT_USAGE, "option '--%s' given twice", o->name);
	if (cli->n_opt == CLI_MAX_OPTS)
		return cli_error(EXIT_USAGE, "too many options: at most %d",
				 CLI_MAX_OPTS);
	cli->opt[cli->n_opt].spec = o;
	cli->opt[cli->n_opt++].val = val;
	return EXIT_OK;
}

static int take_arg(struct cli *cli, const char *a)
{
	if (!cli->cmd) {
		for (size_t i = 0; i < N_COMMANDS; i++)
			if (strcmp(commands[i]->name, a) == 0)
				cli->cmd = commands[i];
		if (!cli->cmd)
			return cli_error(EXIT_USAGE, "unknown command '%s'", a);
		return EXIT_OK;
	}
	if (cli->n_arg == CLI_MAX_ARGS)
		return cli_error(EXIT_USAGE, "too many arguments: at most %d",
				 CLI_MAX_ARGS);
	cli->arg[cli->n_arg++] = a;
	return EXIT_OK;
}

static int parse(struct cli *cli, int argc, char **argv)
{
	bool opts_done = false;
	int st = EXIT_OK;

	for (int i = 1; i < argc && st == EXIT_OK; i++) {
		const char *a = argv[i];

		if (!opts_done && strcmp(a, "--") == 0)
			opts_done = true;
		else if (!opts_done && a[0] == '-' && a[1])
			st = take_opt(cli, argc, argv, &i);
		else
			st = take_arg(cli, a);
	}
	return st;
}

/* Options whose value is a file read: with MAP, at most one may be "-". */
static const char *const input_opts[] = { "resv", "base", "kernel", NULL };

static int stdin_once(const struct cli *cli)
{
	size_t n = 0;
	const char *v;

	for (size_t i = 0; i < cli->n_arg; i++)
		n += strcmp(cli->arg[i], "-") == 0;
	for (size_t k = 0; input_opts[k]; k++)
		for (size_t i = 0; (v = cli_opt_nth(cli, input_opts[k], i)); i++)
			n += strcmp(v, "-") == 0 || strncmp(v, "-,", 2) == 0;
	if (n > 1)
		return cli_error(EXIT_USAGE, "standard input ('-') given %zu "
				 "times; it can be read only once", n);
	return EXIT_OK;
}

static int wrong_count(const struct cli_cmd *c, size_t n)
{
	if (c->min_args == c->max_args)
		return cli_error(EXIT_USAGE, "%s takes %zu argument%s, %zu given",
				 c->name, c->min_args,
				 c->min_args == 1 ? "" : "s", n);
	if (n < c->min_args)
		return cli_error(EXIT_USAGE, "%s needs at least %zu argument%s, "
				 "%zu given", c->name, c->min_args,
				 c->min_args == 1 ? "" : "s", n);
	return cli_error(EXIT_USAGE, "%s takes at most %zu arguments, %zu given",
			 c->name, c->max_args, n);
}

static int run(struct cli *cli)
{
	int st;

	if (cli_opt(cli, "version")) {
		printf("memcarve %s\n", MC_VERSION);
		return EXIT_OK;
	}
	if (cli_opt(cli, "help"))
		return cli->cmd ? command_usage(cli->cmd) : usage();
	if (!cli->cmd)
		return cli_error(EXIT_USAGE, "no command given");
	if (cli->n_arg < cli->cmd->min_args || cli->n_arg > cli->cmd->max_args)
		return wrong_count(cli->cmd, cli->n_arg);
	st = stdin_once(cli);
	if (st == EXIT_OK)
		st = cli_check_globals(cli);
	return st == EXIT_OK ? cli->cmd->run(cli) : st;
}

/* Every usage error ends with the usage line of what was asked. */
int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	int st = parse(&cli, argc, argv);

	if (st == EXIT_OK)
		st = run(&cli);
	if (st == EXIT_USAGE && cli.cmd)
		fprintf(stderr, "usage: memcarve %s %s (see memcarve %s --help)\n",
			cli.cmd->name, cli.cmd->synopsis, cli.cmd->name);
	else if (st == EXIT_USAGE)
		fprintf(stderr, "usage: memcarve [OPTIONS] COMMAND ARGS... "
			"(see memcarve --help)\n");
	return st;
}
