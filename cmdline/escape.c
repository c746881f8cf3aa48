// SPDX-License-Identifier: MIT
/*
 * escape.c - the finished line quoted for whoever passes it on.
 */
#include <string.h>
#include "cmdline.h"

static size_t put(char *out, size_t at, const char *s, size_t n)
{
	if (out)
		memcpy(out + at, s, n);
	return at + n;
}

/* POSIX sh: inside single quotes nothing is special but the quote. */
static size_t escape_shell(const char *raw, size_t len, char *out)
{
	size_t at = put(out, 0, "'", 1);

	for (size_t i = 0; i < len; i++)
		at = raw[i] == '\'' ? put(out, at, "'\\''", 4) :
				      put(out, at, &raw[i], 1);
	return put(out, at, "'", 1);
}

/*
 * GRUB 2 script: $ expands a variable, \ escapes, quotes group and vanish,
 * ; & | < > separate or redirect, # can start a comment. A backslash makes
 * each of them literal. White space stays a word break: GRUB's "linux"
 * joins its words with single spaces, which is what the kernel splits on.
 */
static size_t escape_grub(const char *raw, size_t len, char *out)
{
	size_t at = 0;

	for (size_t i = 0; i < len; i++) {
		if (raw[i] && strchr("$\\\"';&|<>#", raw[i]))
			at = put(out, at, "\\", 1);
		at = put(out, at, &raw[i], 1);
	}
	return at;
}

size_t cl_escape(enum mc_cmdline_escape how, const char *raw, size_t len,
		 char *out)
{
	switch (how) {
	case MC_ESCAPE_SHELL:
		return escape_shell(raw, len, out);
	case MC_ESCAPE_GRUB:
		return escape_grub(raw, len, out);
	case MC_ESCAPE_NONE:
	default:
		return put(out, 0, raw, len);
	}
}
