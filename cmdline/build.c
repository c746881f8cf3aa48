// SPDX-License-Identifier: MIT
/*
 * build.c - mc_cmdline_build(): kept words, our tokens, the limit, quoting.
 *
 * The line is counted first, which finds every error and the size, and
 * only then written, straight into the caller's buffer: unquoted, a size
 * query costs one counting pass and allocates nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmdline.h"
#include "internal/region.h"

static int resolve_style(struct mc_map *map, enum mc_cmdline_style asked,
			 enum mc_cmdline_style *style)
{
	enum mc_arch arch = mc_map_arch(map);

	if (asked == MC_CMDLINE_MIPS || asked == MC_CMDLINE_X86) {
		*style = asked;
		return 0;
	}
	if (asked != MC_CMDLINE_AUTO)
		return mc_map_report(map, MC_EINVAL, "opts.style",
				     "unknown command-line style %d", asked);
	if (arch == MC_ARCH_MIPS || arch == MC_ARCH_X86_64) {
		*style = arch == MC_ARCH_MIPS ? MC_CMDLINE_MIPS : MC_CMDLINE_X86;
		return 0;
	}
	if (arch == MC_ARCH_NONE)
		return mc_map_report(map, MC_EINVAL, "opts.style",
				     "the map names no arch: choose mips or x86");
	return mc_map_report(map, MC_EINVAL, "opts.style",
			     "arch %s has no command-line memory map (only mips "
			     "and x86 parse memmap=): choose mips or x86 explicitly",
			     mc_arch_name(arch));
}

/*
 * The appended line's kernel parameters, but its mem= and memmap= (ours
 * replace them), up to a "--"; *init is set to that "--", or NULL. A
 * double quote left open there would make the rest of the line, our
 * tokens too, one word of the kernel's: refused.
 */
static int add_kept(struct mc_map *map, struct cl_line *line,
		    const char *append, const char **init)
{
	const char *pos = append ? append : "", *word;
	size_t len;
	bool open;

	*init = NULL;
	while ((word = cl_next_word(&pos, &len, &open))) {
		struct cl_param prm = cl_param_of(word, len);

		if (cl_is_init_separator(prm)) {
			*init = word;
			return 0;
		}
		if (open)
			return mc_map_report(map, MC_EINVAL, "opts.append",
					     "the double quote opened at byte "
					     "%zu is never closed: the kernel "
					     "would read the rest of the line, "
					     "our memory tokens too, as one word",
					     (size_t)(strchr(word, '"') - append));
		if (!cl_is_memory_param(prm))
			cl_word(line, CL_KEPT, word, len);
	}
	return 0;
}

/* "--" and every word after it belong to init: all kept. */
static void add_init_words(struct cl_line *line, const char *from)
{
	const char *word;
	size_t len;
	bool open;

	while (from && (word = cl_next_word(&from, &len, &open)))
		cl_word(line, CL_KEPT, word, len);
}

/*
 * The limit of the kernel that parses the line, which the style names: an
 * x86 line is read by an x86 kernel whatever arch the map names.
 */
static size_t limit_of(enum mc_cmdline_style style,
		       const struct mc_cmdline_opts *opts)
{
	if (opts->max)
		return opts->max;
	return mc_cmdline_limit(style == MC_CMDLINE_MIPS ? MC_ARCH_MIPS :
							   MC_ARCH_X86_64);
}

/* Name the groups that take the most room, largest first. */
static int too_long(struct mc_map *map, const struct cl_line *line,
		    size_t limit, bool from_max)
{
	char who[200] = "";
	bool used[CL_NGROUPS] = { false };
	size_t at = 0;

	for (int k = 0; k < 3; k++) {
		int best = -1;

		for (int g = 0; g < CL_NGROUPS; g++)
			if (!used[g] && line->count[g] &&
			    (best < 0 || line->bytes[g] > line->bytes[best]))
				best = g;
		if (best < 0 || at >= sizeof(who))
			break;
		used[best] = true;
		at += (size_t)snprintf(who + at, sizeof(who) - at,
				       "%s%zu x %s: %zu bytes", k ? "; " : "",
				       line->count[best],
				       cl_group_name((enum cl_group)best),
				       line->bytes[best]);
	}
	return mc_map_report(map, MC_ERANGE, from_max ? "opts.max" : "cmdline",
			     "the command line needs %zu bytes with its NUL, "
			     "over the limit of %zu%s (not truncated); %s",
			     line->len + 1, limit,
			     from_max ? "" : " (COMMAND_LINE_SIZE)", who);
}

void mc_cmdline_opts_init(struct mc_cmdline_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
}

static int check_opts(struct mc_map *map, const struct mc_cmdline_opts *opts)
{
	if (!MC_RESERVED_CLEAR(opts))
		return mc_map_report(map, MC_EINVAL, "opts.reserved",
				     "must be zero");
	if (!mc_map_totals(map))
		return mc_map_report(map, MC_ESTATE, "cmdline",
				     "the map is not carved yet");
	if ((unsigned int)opts->escape > MC_ESCAPE_GRUB)
		return mc_map_report(map, MC_EINVAL, "opts.escape",
				     "unknown escape %d", opts->escape);
	if (opts->flags & ~(MC_CMDLINE_PRAM | MC_CMDLINE_RETYPE))
		return mc_map_report(map, MC_EINVAL, "opts.flags",
				     "unknown flags 0x%x", opts->flags);
	return 0;
}

/* Every word in order: kept parameters, our tokens, then init's words. */
static int add_words(struct mc_map *map, const struct mc_cmdline_opts *opts,
		     enum mc_cmdline_style style, struct cl_line *line)
{
	const char *init_words;
	int err = add_kept(map, line, opts->append, &init_words);

	if (!err)
		err = style == MC_CMDLINE_MIPS ? cl_mips_tokens(map, line) :
						 cl_x86_tokens(map, opts, line);

	if (!err)
		add_init_words(line, init_words);
	return err;
}

/* The line counted, not written: its length, its groups, every error. */
static int count_line(struct mc_map *map, const struct mc_cmdline_opts *opts,
		      enum mc_cmdline_style *style, struct cl_line *line)
{
	size_t limit;
	int err = check_opts(map, opts);

	if (!err)
		err = resolve_style(map, opts->style, style);
	if (!err)
		err = add_words(map, opts, *style, line);
	if (err)
		return err;
	limit = limit_of(*style, opts);
	if (line->len + 1 > limit)
		return too_long(map, line, limit, opts->max != 0);
	return 0;
}

/*
 * The counted line again, into @out: @len bytes and a NUL. The same map
 * and options give the same words, so this pass has no error to find.
 */
static void write_line(struct mc_map *map, const struct mc_cmdline_opts *opts,
		       enum mc_cmdline_style style, char *out, size_t len)
{
	struct cl_line line = { .p = out };

	add_words(map, opts, style, &line);
	out[len] = '\0';
}

/* A line counted, its escaped form set aside when it has one. */
struct job {
	enum mc_cmdline_style style;
	struct cl_line line;
	char *raw;		/* unescaped words, when quoting */
	size_t need;		/* bytes of the result, NUL included */
};

static int plan(struct mc_map *map, const struct mc_cmdline_opts *opts,
		struct job *j)
{
	int err = count_line(map, opts, &j->style, &j->line);

	if (err)
		return err;
	j->need = j->line.len + 1;
	if (opts->escape != MC_ESCAPE_NONE) {
		/* Quoting is counted on the words: write them aside first. */
		j->raw = malloc(j->need);
		if (!j->raw)
			return mc_map_report(map, MC_ENOMEM, "cmdline",
					     "out of memory");
		write_line(map, opts, j->style, j->raw, j->line.len);
		j->need = cl_escape(opts->escape, j->raw, j->line.len, NULL) + 1;
	}
	return 0;
}

/* The planned line into @buf, which holds j->need bytes. */
static void put(struct mc_map *map, const struct mc_cmdline_opts *opts,
		const struct job *j, char *buf)
{
	if (j->raw) {
		cl_escape(opts->escape, j->raw, j->line.len, buf);
		buf[j->need - 1] = '\0';
	} else {
		write_line(map, opts, j->style, buf, j->line.len);
	}
}

int mc_cmdline_build(struct mc_map *map, const struct mc_cmdline_opts *opts,
		     void *buf, size_t *size)
{
	static const struct mc_cmdline_opts defaults;
	struct job j = { 0 };
	int err;

	opts = opts ? opts : &defaults;
	err = plan(map, opts, &j);
	if (!err && (!buf || j.need > *size))
		err = MC_ENOSPC;
	if (!err)
		put(map, opts, &j, buf);
	*size = !err || err == MC_ENOSPC ? j.need : 0;
	free(j.raw);
	return err;
}

int mc_cmdline_build_alloc(struct mc_map *map,
			   const struct mc_cmdline_opts *opts, void **out,
			   size_t *size)
{
	static const struct mc_cmdline_opts defaults;
	struct job j = { 0 };
	char *buf = NULL;
	int err;

	*out = NULL;
	*size = 0;
	opts = opts ? opts : &defaults;
	err = plan(map, opts, &j);
	if (!err && !(buf = malloc(j.need)))
		err = mc_map_report(map, MC_ENOMEM, "cmdline",
				    "out of memory");
	if (!err) {
		put(map, opts, &j, buf);
		*out = buf;
		*size = j.need;
	}
	free(j.raw);
	return err;
}
