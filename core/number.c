// SPDX-License-Identifier: MIT
/*
 * number.c - the numbers of the map file: decimal, 0x hex, K/M/G/T.
 */
#include <ctype.h>
#include <stdio.h>
#include "internal.h"

static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;	/* ASCII lower case: only A-F land on a-f */
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return 99;
}

static int suffix_shift(int c)
{
	switch (toupper(c)) {
	case 'K':
		return 10;
	case 'M':
		return 20;
	case 'G':
		return 30;
	case 'T':
		return 40;
	default:
		return -1;
	}
}

int mc_parse_u64(const char *tok, bool suffix, uint64_t *out, char *why,
		 size_t why_len)
{
	const char *p = tok;
	unsigned int base = 10;
	uint64_t v = 0, max_v, max_d;
	int shift;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (digit_value((unsigned char)*p) >= (int)base)
		goto not_a_number;
	/* v * base + d overflows past these: no division per digit */
	max_v = UINT64_MAX / base;
	max_d = UINT64_MAX % base;
	for (int d; (d = digit_value((unsigned char)*p)) < (int)base; p++) {
		if (v > max_v || (v == max_v && (uint64_t)d > max_d))
			goto too_big;
		v = v * base + (unsigned int)d;
	}
	if (*p == '\0')
		goto done;
	shift = suffix ? suffix_shift((unsigned char)*p) : -1;
	if (shift < 0 || p[1] != '\0') {
		if (suffix && p[1] == '\0' && isalpha((unsigned char)*p))
			snprintf(why, why_len,
				 "'%s': unknown suffix '%c' (expected K, M, G or T)",
				 tok, *p);
		else
			goto not_a_number;
		return MC_EINVAL;
	}
	if (v > (UINT64_MAX >> shift))
		goto too_big;
	v <<= shift;
done:
	*out = v;
	return 0;
not_a_number:
	snprintf(why, why_len, "'%s' is not a number%s", tok,
		 suffix ? " (decimal or 0x hex, optional K/M/G/T)"
			: " (decimal or 0x hex)");
	return MC_EINVAL;
too_big:
	snprintf(why, why_len, "'%s' does not fit in 64 bits", tok);
	return MC_ERANGE;
}

int mc_parse_number(const char *s, uint64_t *out)
{
	char why[1];

	return mc_parse_u64(s, true, out, why, sizeof(why));
}
