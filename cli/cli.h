/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the memcarve tool's commands share.
 *
 * The tool is a thin layer over the library: parse options, load and carve
 * the map, hand the result to one emitter, write its bytes.
 */
#ifndef MC_CLI_H
#define MC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "memcarve.h"

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Exit statuses (DESIGN §3). */
#define EXIT_OK		0
#define EXIT_INPUT	1	/* bad input, a refused conflict, a failed write */
#define EXIT_USAGE	2

#define CLI_MAX_OPTS 64
#define CLI_MAX_ARGS 16

/* An option a command accepts. */
struct cli_optspec {
	const char *name;	/* long name without "--" */
	char short_name;	/* 0 for none */
	bool has_arg;
	bool repeatable;
	const char *arg_name;	/* for help: "FILE", "N" */
	const char *help;
};

struct cli;

struct cli_cmd {
	const char *name;
	const char *synopsis;	/* "MAP [--json]" */
	const char *summary;	/* one line for the command list */
	const char *details;	/* paragraphs for "memcarve CMD --help" */
	const struct cli_optspec *opts;	/* ends with { NULL } */
	size_t min_args, max_args;	/* positional arguments */
	int (*run)(struct cli *cli);
};

struct cli {
	const struct cli_cmd *cmd;
	struct {
		const struct cli_optspec *spec;
		const char *val;	/* "" for flags */
	} opt[CLI_MAX_OPTS];
	size_t n_opt;
	const char *arg[CLI_MAX_ARGS];
	size_t n_arg;
	/* The map loaded and carved once for every command "all" runs. */
	struct mc_map *map;
};

/* The last value of option @name, "" for a flag, NULL if not given. */
const char *cli_opt(const struct cli *cli, const char *name);
/* The @i-th value of a repeatable option, NULL past the end. */
const char *cli_opt_nth(const struct cli *cli, const char *name, size_t i);

/* "memcarve: ..." on stderr; returns @status. */
int cli_error(int status, const char *fmt, ...) CLI_PRINTF(2, 3);

/* Check the global options' values; returns EXIT_USAGE if one is wrong. */
int cli_check_globals(const struct cli *cli);

/*
 * --resv FILE[,devices=...][,sids=...], --vfio GROUP|BDF[=GUEST_BDF] and
 * --sysfs-root (host.c): check their values (EXIT_USAGE if one is wrong);
 * load them into @map (0 or the first MC_E* code, diagnostics in @map).
 */
int cli_check_host(const struct cli *cli);
int cli_load_host(const struct cli *cli, struct mc_map *map);

/*
 * Load the map at cli->arg[0] with the global options applied, carve it,
 * and print every diagnostic. NULL (after printing) on failure.
 */
struct mc_map *cli_load_map(const struct cli *cli);
/* The same for map text already read (from the file cli->arg[0] names). */
struct mc_map *cli_load_map_text(const struct cli *cli, const char *text,
				 size_t len);

/*
 * A direct range (identity-mapped for devices: RMRR, IVMD, RMR). The
 * library's own check is private to it; the tool asks here, once.
 */
bool cli_is_direct(int kind, int type);

/*
 * A format inspect knows. @decode returns 0 after adding the regions it
 * found to the map, MC_EBADBLOB with no diagnostic when the bytes are not
 * its format, or an error with a diagnostic (MC_EBADBLOB included) when
 * they are its format but broken. @says is what the format tells of a map
 * (model.h's SAYS_*), for the tools that compare formats.
 */
struct cli_decoder {
	const char *format;
	int (*decode)(struct mc_map *map, const void *blob, size_t len);
	unsigned int says;
};

/*
 * The first decoder of @table (ended by a NULL decode) that claims @len
 * bytes at @blob, each tried on a new map left in *@map, *@err its return.
 * NULL, with *@map NULL, when none claims them (*@err MC_EBADBLOB) or a
 * map cannot be made (*@err MC_ENOMEM).
 */
const struct cli_decoder *cli_decode(const struct cli_decoder *table,
				     const void *blob, size_t len,
				     struct mc_map **map, int *err);

/* Free a map from cli_load_map(), unless it is the shared cli->map. */
void cli_map_free(const struct cli *cli, struct mc_map *map);

/*
 * EXIT_OK if the map names no arch or one of @archs (bits 1 << MC_ARCH_*);
 * else says that @what is not for it (--arch overrides) and EXIT_INPUT.
 */
int cli_require_arch(const struct mc_map *map, const char *what,
		     unsigned int archs);

/* Print the map's diagnostics to standard error; returns EXIT_INPUT. */
int cli_print_errors(const struct mc_map *map);

/*
 * Option @name as a number (map-file syntax) up to @max into *out, which
 * stays as it was when the option is absent. EXIT_USAGE if it is bad.
 */
int cli_opt_number(const struct cli *cli, const char *name, uint64_t max,
		   uint64_t *out);

/*
 * --max-numnodes N: the guest kernel's MAX_NUMNODES (a power of two
 * 2..1024) into *out, left as it was when absent (dt and acpi's SRAT).
 */
int cli_opt_numnodes(const struct cli *cli, uint32_t *out);

/* A growable output buffer: commands build their output, then write it. */
struct cli_buf {
	char *p;
	size_t len, cap;
	bool failed;		/* out of memory: the output is unusable */
};

void cli_buf_printf(struct cli_buf *b, const char *fmt, ...) CLI_PRINTF(2, 3);
void cli_buf_add(struct cli_buf *b, const void *data, size_t len);
void cli_buf_free(struct cli_buf *b);

/*
 * Read all of @path ("-" is standard input) into @b, at most MC_INPUT_MAX
 * bytes; errors are printed, prefixed with @what (an option name) if not
 * NULL.
 */
int cli_read_file(const char *what, const char *path, struct cli_buf *b);

/*
 * Write @b to @path, or to standard output when @path is NULL or "-".
 * A regular file is written to a temporary file beside it and renamed into
 * place only when complete; anything else (a pipe, /dev/stdout, a device)
 * is written directly. Prints the error; returns an exit status.
 */
int cli_write(const char *path, const struct cli_buf *b);

/*
 * cli_write() for the @n outputs of one command: all of them or none. A
 * failure on any leaves every regular file as it was (no temporaries).
 */
#define CLI_MAX_OUTPUTS 4
int cli_write_all(const char *const *path, const struct cli_buf *const *b,
		  size_t n);

/*
 * The text reports (show, slots): load and carve, format with @table or,
 * with --json, @json, write to -o or standard output.
 */
typedef void (*cli_report_fn)(struct cli_buf *b, const struct mc_map *map);
int cli_run_report(struct cli *cli, cli_report_fn table, cli_report_fn json);

/*
 * e820 --format pvh (cli/e820_pvh.c): --start-info-addr (required when
 * @pvh, refused otherwise), and the block built and written to @out.
 * Each prints its error and returns an exit status.
 */
struct mc_e820_boot_opts;
int cli_pvh_args(const struct cli *cli, bool pvh, uint64_t *start_info_addr);
int cli_pvh_emit(struct mc_map *map, const struct mc_e820_boot_opts *boot,
		 uint64_t start_info_addr, const char *out);

/* acpi --table ssdt (cli/acpi_ssdt.c): load, carve, write the table. */
int cli_acpi_ssdt(struct cli *cli, const char *out);

/*
 * Decoders of the text reports for inspect, as the library's: 0 with
 * regions added, MC_EBADBLOB with no diagnostic when the text is not that
 * report, an error with one when it is but broken.
 */
int cli_show_text_decode(struct mc_map *map, const void *blob, size_t len);
int cli_show_json_decode(struct mc_map *map, const void *blob, size_t len);
int cli_slots_decode(struct mc_map *map, const void *blob, size_t len);

/* Formatting shared by the text and JSON outputs. */
void cli_fmt_size(char *buf, size_t len, uint64_t first, uint64_t last);
void cli_fmt_human(char *buf, size_t len, uint64_t bytes);
void cli_json_str(struct cli_buf *b, const char *s);

extern const struct cli_cmd cli_cmd_show;
extern const struct cli_cmd cli_cmd_slots;
extern const struct cli_cmd cli_cmd_cmdline;
extern const struct cli_cmd cli_cmd_e820;
extern const struct cli_cmd cli_cmd_inspect;
extern const struct cli_cmd cli_cmd_acpi;
extern const struct cli_cmd cli_cmd_dt;
extern const struct cli_cmd cli_cmd_all;
extern const struct cli_cmd cli_cmd_render;
extern const struct cli_cmd cli_cmd_diff;
extern const struct cli_cmd cli_cmd_check;

#endif /* MC_CLI_H */
