// SPDX-License-Identifier: MIT
/*
 * line.c - the unescaped command line word by word, counted per group,
 * and written too on the pass that has room for it.
 */
#include <string.h>
#include "cmdline.h"

/* @n bytes at @at of the line being written; nothing while counting. */
static size_t put(char *out, size_t at, const char *s, size_t n)
{
	if (out)
		memcpy(out + at, s, n);
	return at + n;
}

static void counted(struct cl_line *line, enum cl_group group, size_t n)
{
	line->len += n;
	line->count[group]++;
	line->bytes[group] += n;
}

void cl_word(struct cl_line *line, enum cl_group group, const char *word,
	     size_t len)
{
	char *out = line->p ? line->p + line->len : NULL;
	size_t n = line->len ? put(out, 0, " ", 1) : 0;

	counted(line, group, put(out, n, word, len));
}

void cl_range(struct cl_line *line, enum cl_group group, uint64_t first,
	      uint64_t last, char type)
{
	static const char ops[CL_NGROUPS] = {
		[CL_MEM] = '@', [CL_RAM] = '@', [CL_RESERVED] = '$',
		[CL_ACPI] = '#', [CL_RETYPED] = '%', [CL_PRAM] = '!',
	};
	char *out = line->p ? line->p + line->len : NULL;
	size_t n = line->len ? put(out, 0, " ", 1) : 0;

	/* Fixed sizes, so that these copies are a store or two each. */
	if (group == CL_MEM)
		n = put(out, n, "mem=", 4);
	else
		n = put(out, n, "memmap=", 7);
	/* Callers refuse a range ending at 2^64 - 1: the size fits. */
	n += cl_number(last - first + 1, out ? out + n : NULL);
	n = put(out, n, &ops[group], 1);
	n += cl_number(first, out ? out + n : NULL);
	if (type) {
		n = put(out, n, "+", 1);
		n = put(out, n, &type, 1);
	}
	counted(line, group, n);
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
