// SPDX-License-Identifier: MIT
/*
 * findings.c - the list "memcarve check" prints.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "findings.h"

static void add(struct findings *f, const char *code, const char *blob,
		bool ranged, uint64_t first, uint64_t last, const char *fmt,
		va_list ap)
{
	struct finding *v = f->v;
	char *msg = NULL, *name = strdup(blob);
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n >= 0 && (msg = malloc((size_t)n + 1)))
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 16;
		v = realloc(f->v, f->cap * sizeof(*v));
	}
	if (!v || !msg || !name) {
		f->failed = true;
		free(msg);
		free(name);
		return;
	}
	f->v = v;
	v[f->n++] = (struct finding){ code, name, ranged, first, last, msg };
}

void finding_at(struct findings *f, const char *code, const char *blob,
		uint64_t first, uint64_t last, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(f, code, blob, true, first, last, fmt, ap);
	va_end(ap);
}

void finding(struct findings *f, const char *code, const char *blob,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(f, code, blob, false, 0, 0, fmt, ap);
	va_end(ap);
}

static void print_json(struct cli_buf *b, const struct findings *f)
{
	cli_buf_printf(b, "{ \"findings\": [");
	for (size_t i = 0; i < f->n; i++) {
		const struct finding *x = &f->v[i];

		cli_buf_printf(b, "%s\n    { \"code\": \"%s\", \"blob\": ",
			       i ? "," : "", x->code);
		cli_json_str(b, x->blob);
		if (x->ranged)
			cli_buf_printf(b, ", \"first\": \"0x%" PRIx64 "\", "
				       "\"last\": \"0x%" PRIx64 "\"", x->first,
				       x->last);
		cli_buf_printf(b, ", \"message\": ");
		cli_json_str(b, x->msg);
		cli_buf_printf(b, " }");
	}
	cli_buf_printf(b, "%s] }\n", f->n ? "\n  " : " ");
}

void findings_print(struct cli_buf *b, const struct findings *f, bool json)
{
	if (json) {
		print_json(b, f);
		return;
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct finding *x = &f->v[i];

		cli_buf_printf(b, "%s: %s: ", x->blob, x->code);
		if (x->ranged)
			cli_buf_printf(b, "0x%" PRIx64 "-0x%" PRIx64 ": ",
				       x->first, x->last);
		cli_buf_printf(b, "%s\n", x->msg);
	}
}

void findings_free(struct findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].blob);
		free(f->v[i].msg);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}
