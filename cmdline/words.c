// SPDX-License-Identifier: MIT
/*
 * words.c - an existing command line, split as the kernel splits it.
 *
 * lib/cmdline.c next_arg(): a word ends at white space (isspace()) unless
 * inside double quotes; a quote toggles. The parameter name is what comes
 * before the first '=', after a leading quote. parse_args() stops at a bare
 * "--": what follows goes to init, so a "mem=" there is not ours to drop.
 */
#include <string.h>
#include "cmdline.h"

/* The kernel's isspace() for the ASCII range a command line uses. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

const char *cl_next_word(const char **pos, size_t *len)
{
	const char *p = *pos, *start;
	bool in_quote = false;

	while (*p && is_space(*p))
		p++;
	if (!*p) {
		*pos = p;
		return NULL;
	}
	start = p;
	for (; *p && (in_quote || !is_space(*p)); p++)
		if (*p == '"')
			in_quote = !in_quote;
	*len = (size_t)(p - start);
	*pos = p;
	return start;
}

static bool name_is(const char *word, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (len && word[0] == '"') {
		word++;
		len--;
	}
	/* "mem=..." or a bare "mem" (which the kernel also hands to mem=) */
	return len >= n && memcmp(word, name, n) == 0 &&
	       (len == n || word[n] == '=' || word[n] == '"');
}

bool cl_is_memory_param(const char *word, size_t len)
{
	return name_is(word, len, "mem") || name_is(word, len, "memmap");
}

bool cl_is_init_separator(const char *word, size_t len)
{
	return len == 2 && word[0] == '-' && word[1] == '-';
}
