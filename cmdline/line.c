// SPDX-License-Identifier: MIT
/*
 * line.c - the unescaped command line as it grows, counted per group.
 */
#include <stdlib.h>
#include <string.h>
#include "cmdline.h"

static bool reserve(struct cl_line *line, size_t more)
{
	size_t need, cap;
	char *p;

	if (line->nomem)
		return false;
	need = line->len + more + 1;
	if (need <= line->cap)
		return true;
	cap = line->cap ? line->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(line->p, cap);
	if (!p) {
		line->nomem = true;
		return false;
	}
	line->p = p;
	line->cap = cap;
	return true;
}

void cl_word(struct cl_line *line, enum cl_group group, const char *word,
	     size_t len)
{
	size_t sep = line->len ? 1 : 0;

	if (!reserve(line, sep + len))
		return;
	if (sep)
		line->p[line->len++] = ' ';
	memcpy(line->p + line->len, word, len);
	line->len += len;
	line->p[line->len] = '\0';
	line->count[group]++;
	line->bytes[group] += sep + len;
}

void cl_range(struct cl_line *line, enum cl_group group, const char *key,
	      uint64_t first, uint64_t last, char op, const char *tail)
{
	char word[2 * MC_CMDLINE_NUMBER_MAX + 32];
	size_t key_len = strlen(key), tail_len = strlen(tail), n;

	/* Room for both numbers with their NULs; keys and tails are short. */
	if (key_len + tail_len + 1 > sizeof(word) - 2 * MC_CMDLINE_NUMBER_MAX) {
		line->nomem = true;
		return;
	}
	memcpy(word, key, key_len);
	/* Callers refuse a range ending at 2^64 - 1: the size fits. */
	n = key_len + mc_cmdline_number(last - first + 1, word + key_len);
	word[n++] = op;
	n += mc_cmdline_number(first, word + n);
	memcpy(word + n, tail, tail_len);
	cl_word(line, group, word, n + tail_len);
}

void cl_line_free(struct cl_line *line)
{
	free(line->p);
	line->p = NULL;
	line->len = line->cap = 0;
}

const char *cl_group_name(enum cl_group group)
{
	static const char *const names[CL_NGROUPS] = {
		[CL_KEPT] = "words kept from the appended line",
		[CL_MEM] = "mem=SIZE@BASE",
		[CL_EXACTMAP] = "memmap=exactmap",
		[CL_RAM] = "memmap=SIZE@BASE",
		[CL_RESERVED] = "memmap=SIZE$BASE",
		[CL_ACPI] = "memmap=SIZE#BASE",
		[CL_RETYPED] = "memmap=SIZE%BASE+TYPE",
		[CL_PRAM] = "memmap=SIZE!BASE",
	};

	return (unsigned int)group < CL_NGROUPS ? names[group] : "?";
}
