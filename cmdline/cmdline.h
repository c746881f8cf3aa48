/* SPDX-License-Identifier: MIT */
/*
 * cmdline.h - what the command-line emitter's files share; not installed.
 *
 * The line is built unescaped, word by word, and each word is counted
 * against the group it belongs to, so that a line over the kernel's limit
 * can say which tokens take the room. It is built twice: once only
 * counted, which gives its size and every error, then written into memory
 * of exactly that size (the caller's buffer, or the raw line that quoting
 * reads). No pass grows a buffer.
 */
#ifndef MC_CMDLINE_INTERNAL_H
#define MC_CMDLINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "memcarve-cmdline.h"
#include "internal/diag.h"

enum cl_group {
	CL_KEPT,	/* words kept from the appended line */
	CL_MEM,		/* mem=SIZE@BASE */
	CL_EXACTMAP,	/* memmap=exactmap */
	CL_RAM,		/* memmap=SIZE@BASE */
	CL_RESERVED,	/* memmap=SIZE$BASE */
	CL_ACPI,	/* memmap=SIZE#BASE */
	CL_RETYPED,	/* memmap=SIZE%BASE+TYPE */
	CL_PRAM,	/* memmap=SIZE!BASE */
	CL_NGROUPS,
};

struct cl_line {
	char *p;		/* room for the line; NULL: only count it */
	size_t len;
	size_t count[CL_NGROUPS];
	size_t bytes[CL_NGROUPS];	/* the words and their separators */
};

/* Append one word, a space before it unless it is the first. */
void cl_word(struct cl_line *line, enum cl_group group, const char *word,
	     size_t len);
/*
 * Append the token of @group for the inclusive range [first, last]:
 * "mem=SIZE@BASE" for CL_MEM, else "memmap=SIZE", the group's operator
 * ('@' RAM, '$' reserved, '#' ACPI, '!' PRAM, '%' retyped) and "BASE";
 * then, when @type is not 0, '+' and @type (the e820 type's digit).
 */
void cl_range(struct cl_line *line, enum cl_group group, uint64_t first,
	      uint64_t last, char type);
const char *cl_group_name(enum cl_group group);

/*
 * mc_cmdline_number() without the NUL, into @out, or only counted when
 * @out is NULL. Return: the length.
 */
size_t cl_number(uint64_t value, char *out);

/* The kernel's isspace() (lib/ctype.c): 9-13, 32 and 0xA0. */
bool cl_is_space(char c);
/*
 * The next word of a kernel command line as lib/cmdline.c next_arg()
 * splits it. Returns its start and sets *len, or NULL at the end; *pos
 * moves past it; *open_quote tells a word whose double quote is never
 * closed (it then runs to the end of the line).
 */
const char *cl_next_word(const char **pos, size_t *len, bool *open_quote);

/* A word's parameter name as next_arg() gives it, and whether a value. */
struct cl_param {
	const char *name;
	size_t len;
	bool has_val;
};

struct cl_param cl_param_of(const char *word, size_t len);
/* Does it set the kernel parameter mem= or memmap= (or a bare one)? */
bool cl_is_memory_param(struct cl_param prm);
/* Is it the "--" (quoted or not) after which words go to init? */
bool cl_is_init_separator(struct cl_param prm);

/* The tokens of each style; 0 or an MC_E* code with a diagnostic. */
int cl_mips_tokens(struct mc_map *map, struct cl_line *line);
int cl_x86_tokens(struct mc_map *map, const struct mc_cmdline_opts *opts,
		  struct cl_line *line);
/* MC_ERANGE with a diagnostic if [first, last] cannot be written. */
int cl_check_range(struct mc_map *map, uint64_t first, uint64_t last,
		   const char *what);

/* Escape @len bytes of @raw into @out (NULL: just count); the length. */
size_t cl_escape(enum mc_cmdline_escape how, const char *raw, size_t len,
		 char *out);

#endif /* MC_CMDLINE_INTERNAL_H */
