// SPDX-License-Identifier: MIT
/*
 * buf.c - the output buffer every command fills before anything is written.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static bool reserve(struct cli_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (b->failed || more > SIZE_MAX - b->len - 1)
		return b->failed = true, false;
	while (cap < b->len + more + 1) {
		if (cap > SIZE_MAX / 2)
			return b->failed = true, false;
		cap *= 2;
	}
	if (cap == b->cap)
		return true;
	p = realloc(b->p, cap);
	if (!p)
		return b->failed = true, false;
	b->p = p;
	b->cap = cap;
	return true;
}

void cli_buf_add(struct cli_buf *b, const void *data, size_t len)
{
	if (!reserve(b, len))
		return;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void cli_buf_printf(struct cli_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(b, (size_t)n)) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void cli_buf_free(struct cli_buf *b)
{
	free(b->p);
	*b = (struct cli_buf){ 0 };
}
