// SPDX-License-Identifier: MIT
/*
 * words.c - an existing command line, split as the kernel splits it.
 *
 * lib/cmdline.c next_arg(), read from its source: a word ends at white
 * space unless inside double quotes, each '"' toggling; no backslash
 * escapes (a backslash is an ordinary byte). A word that starts with '"'
 * loses it, and a '"' that then ends the word; the parameter name is what
 * comes before the first '=' after the word's first byte. parse_args()
 * (kernel/params.c) stops at a word whose name is "--" and has no value,
 * quoted or not: the words after it go to init. White space is the
 * kernel's isspace() (lib/ctype.c): \t \n \v \f \r, space, and 0xA0 (the
 * no-break space of Latin-1, also the second byte of UTF-8's).
 */
#include <string.h>
#include "cmdline.h"

bool cl_is_space(char c)
{
	unsigned char u = (unsigned char)c;

	return (u >= '\t' && u <= '\r') || u == ' ' || u == 0xa0;
}

const char *cl_next_word(const char **pos, size_t *len, bool *open_quote)
{
	const char *p = *pos, *start;
	bool in_quote = false;

	while (*p && cl_is_space(*p))
		p++;
	if (!*p) {
		*pos = p;
		return NULL;
	}
	start = p;
	for (; *p && (in_quote || !cl_is_space(*p)); p++)
		if (*p == '"')
			in_quote = !in_quote;
	*len = (size_t)(p - start);
	*open_quote = in_quote;
	*pos = p;
	return start;
}

struct cl_param cl_param_of(const char *word, size_t len)
{
	struct cl_param prm = { word, len, false };
	bool quoted = len && word[0] == '"';

	prm.name += quoted;
	prm.len -= quoted;
	/* next_arg() takes the first '=' but at the word's first byte */
	for (size_t i = 1; i < prm.len; i++)
		if (prm.name[i] == '=') {
			prm.len = i;
			prm.has_val = true;
			return prm;
		}
	if (quoted && prm.len && prm.name[prm.len - 1] == '"')
		prm.len--;
	return prm;
}

static bool name_is(struct cl_param prm, const char *name)
{
	return prm.len == strlen(name) && memcmp(prm.name, name, prm.len) == 0;
}

bool cl_is_memory_param(struct cl_param prm)
{
	return name_is(prm, "mem") || name_is(prm, "memmap");
}

bool cl_is_init_separator(struct cl_param prm)
{
	return !prm.has_val && name_is(prm, "--");
}
