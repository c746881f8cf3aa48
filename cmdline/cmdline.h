/* SPDX-License-Identifier: MIT */
/*
 * cmdline.h - what the command-line emitter's files share; not installed.
 *
 * The line is built unescaped, word by word, and each word is counted
 * against the group it belongs to, so that a line over the kernel's limit
 * can say which tokens take the room.
 */
#ifndef MC_CMDLINE_INTERNAL_H
#define MC_CMDLINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "memcarve-cmdline.h"

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
	char *p;		/* NUL-terminated once anything was added */
	size_t len, cap;
	bool nomem;		/* an allocation failed: the line is unusable */
	size_t count[CL_NGROUPS];
	size_t bytes[CL_NGROUPS];	/* the words and their separators */
};

/* Append one word, a space before it unless it is the first. */
void cl_word(struct cl_line *line, enum cl_group group, const char *word,
	     size_t len);
/* Append "<key>SIZE<op>BASE<tail>" for the inclusive range [first, last]. */
void cl_range(struct cl_line *line, enum cl_group group, const char *key,
	      uint64_t first, uint64_t last, char op, const char *tail);
void cl_line_free(struct cl_line *line);
const char *cl_group_name(enum cl_group group);

/*
 * The next word of a kernel command line as lib/cmdline.c next_arg() splits
 * it: white space ends a word outside double quotes. Returns its start and
 * sets *len, or NULL at the end; *pos moves past it.
 */
const char *cl_next_word(const char **pos, size_t *len);
/* Does the word set the kernel parameter mem= or memmap=? */
bool cl_is_memory_param(const char *word, size_t len);
/* Is it the "--" after which words go to init? */
bool cl_is_init_separator(const char *word, size_t len);

/* The tokens of each style; 0 or an MC_E* code with a diagnostic. */
int cl_mips_tokens(struct mc_map *map, struct cl_line *line);
int cl_x86_tokens(struct mc_map *map, unsigned int flags,
		  struct cl_line *line);
/* MC_ERANGE with a diagnostic if [first, last] cannot be written. */
int cl_check_range(struct mc_map *map, uint64_t first, uint64_t last,
		   const char *what);

/* Escape @len bytes of @raw into @out (NULL: just count); the length. */
size_t cl_escape(enum mc_cmdline_escape how, const char *raw, size_t len,
		 char *out);

#endif /* MC_CMDLINE_INTERNAL_H */
