// SPDX-License-Identifier: MIT
/*
 * error.c - diagnostics the caller prints; the library never does.
 *
 * Every message is built here, in the shapes internal/diag.h describes, and
 * kept in one allocation per diagnostic, owned by the map.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "internal/diag.h"

/* A source name longer than this keeps its start and its end ("..."). */
#define SOURCE_MAX 256

char *mc_range_str(char buf[MC_RANGE_STR], uint64_t first, uint64_t last)
{
	/* A range covering all 2^64 bytes has a size one bit too wide. */
	if (first == 0 && last == UINT64_MAX)
		snprintf(buf, MC_RANGE_STR, "0x0+0x10000000000000000");
	else
		snprintf(buf, MC_RANGE_STR, "0x%" PRIx64 "+0x%" PRIx64, first,
			 last - first + 1);
	return buf;
}

/* The file name is the end of the path: a long one keeps it. */
static void short_source(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src), head = (len - 4) / 4;

	if (n < len)
		snprintf(dst, len, "%s", src);
	else
		snprintf(dst, len, "%.*s...%s", (int)head, src,
			 src + n - (len - 4 - head));
}

/*
 * "SOURCE:LINE" ("mc_map_add()#N" for the API, "line N" without a source),
 * or "" when there is neither.
 */
#define WHERE_STR (SOURCE_MAX + 24)
static char *where_str(char buf[WHERE_STR], const char *source,
		       unsigned int line)
{
	char src[SOURCE_MAX];

	short_source(src, sizeof(src), source ? source : "");
	if (!*src && line)
		snprintf(buf, WHERE_STR, "line %u", line);
	else if (!*src)
		buf[0] = '\0';
	else if (strcmp(src, MC_API_SOURCE) == 0)
		snprintf(buf, WHERE_STR, "%s#%u", src, line);
	else if (line)
		snprintf(buf, WHERE_STR, "%s:%u", src, line);
	else
		snprintf(buf, WHERE_STR, "%s", src);
	return buf;
}

/* Bytes a terminal would act on are shown as \xNN, never sent raw. */
static size_t escape_controls(char *dst, const char *src)
{
	size_t at = 0;

	for (; *src; src++) {
		unsigned char c = (unsigned char)*src;

		if (c < 0x20 || c >= 0x7f) {
			if (dst)
				snprintf(dst + at, 5, "\\x%02x", c);
			at += 4;
		} else {
			if (dst)
				dst[at] = (char)c;
			at++;
		}
	}
	if (dst)
		dst[at] = '\0';
	return at;
}

static const char *const no_memory = "out of memory recording a diagnostic";

/*
 * Keep one diagnostic: source, field and the escaped message in one block,
 * so that clearing frees each with one call.
 */
static void keep(struct mc_map *map, int code, const char *source,
		 unsigned int line, const char *field, const char *msg)
{
	struct mc_error *e = &map->err[map->n_err];
	size_t ns = strlen(source) + 1, nf = strlen(field) + 1;
	size_t nm = escape_controls(NULL, msg) + 1;
	char *block = malloc(ns + nf + nm);

	map->err_block[map->n_err++] = block;
	e->code = code;
	e->line = line;
	if (!block) {
		e->source = e->field = "";
		e->msg = no_memory;
		return;
	}
	e->source = memcpy(block, source, ns);
	e->field = memcpy(block + ns, field, nf);
	escape_controls(block + ns + nf, msg);
	e->msg = block + ns + nf;
}

/* Format "@head@text" into one message, cut at MC_DIAG_MAX. */
static void record(struct mc_map *map, int code, const char *source,
		   unsigned int line, const char *field, const char *head,
		   const char *fmt, va_list ap)
{
	char msg[MC_DIAG_MAX], src[SOURCE_MAX];
	size_t n = strlen(head);
	int len;

	if (map->n_err == MC_MAX_ERRORS) {
		map->n_dropped++;
		return;
	}
	snprintf(msg, sizeof(msg), "%s", head);
	len = vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	if (len > 0 && (size_t)len >= sizeof(msg) - n)
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	short_source(src, sizeof(src), source ? source : "");
	keep(map, code, src, line, field ? field : "", msg);
}

int mc_diag(struct mc_map *map, int code, const char *source,
	    unsigned int line, const char *field, const char *fmt, ...)
{
	char where[WHERE_STR], head[WHERE_STR + 64];
	va_list ap;

	where_str(where, source, line);
	snprintf(head, sizeof(head), "%s%s%s%s", where, *where ? ": " : "",
		 field && *field ? field : "", field && *field ? ": " : "");
	va_start(ap, fmt);
	record(map, code, source, line, field, head, fmt, ap);
	va_end(ap);
	return code;
}

/* "reserved 0x8000000+0x100000 type=msi name=its" */
static void range_str(char *buf, size_t len, const struct mc_region *r,
		      uint64_t first, uint64_t last)
{
	char range[MC_RANGE_STR];
	const char *kind = mc_kind_name(r->kind);
	const char *type = mc_resv_type_name(r->type);
	bool typed = r->kind == MC_RESERVED && r->type != MC_RESV_RESERVED;

	snprintf(buf, len, "%s %s%s%s%s%s", kind ? kind : "range",
		 mc_range_str(range, first, last),
		 typed && type ? " type=" : "", typed && type ? type : "",
		 r->name ? " name=" : "", r->name ? r->name : "");
}

/* Longest range_str(): kind, range, type=direct-relaxable, a name (cut as the message is). */
#define REGION_STR (16 + MC_RANGE_STR + 24 + 8 + MC_DIAG_MAX)

int mc_diag_range(struct mc_map *map, int code, const char *field,
		  const struct mc_region *r, uint64_t first, uint64_t last,
		  const char *fmt, ...)
{
	char where[WHERE_STR], what[REGION_STR];
	char head[sizeof(where) + sizeof(what) + 8];
	va_list ap;

	where_str(where, r->source, r->line);
	range_str(what, sizeof(what), r, first, last);
	snprintf(head, sizeof(head), "%s%s%s: ", where, *where ? ": " : "",
		 what);
	va_start(ap, fmt);
	record(map, code, r->source, r->line, field, head, fmt, ap);
	va_end(ap);
	return code;
}

int mc_diag_pair(struct mc_map *map, int code, const char *field,
		 const struct mc_region *a, const struct mc_region *b,
		 const char *verb, const char *tail)
{
	char where[WHERE_STR], what[REGION_STR];

	where_str(where, b->source, b->line);
	range_str(what, sizeof(what), b, b->first, b->last);
	return mc_diag_range(map, code, field, a, a->first, a->last,
			     "%s %s%s%s%s%s%s", verb, what,
			     *where ? " (" : "", where, *where ? ")" : "",
			     *tail ? " " : "", tail);
}

int mc_diag_overlap(struct mc_map *map, int code, const struct mc_region *a,
		    const struct mc_region *b, const char *why)
{
	char paren[MC_DIAG_MAX];

	snprintf(paren, sizeof(paren), "(%s)", why);
	return mc_diag_pair(map, code, NULL, a, b, "overlaps", paren);
}

int mc_map_report(struct mc_map *map, int code, const char *field,
		  const char *fmt, ...)
{
	char head[WHERE_STR + 64];
	va_list ap;

	snprintf(head, sizeof(head), "%s%s", field && *field ? field : "",
		 field && *field ? ": " : "");
	va_start(ap, fmt);
	record(map, code, NULL, 0, field, head, fmt, ap);
	va_end(ap);
	return code;
}

size_t mc_map_error_count(const struct mc_map *map)
{
	return map->n_err;
}

const struct mc_error *mc_map_error(const struct mc_map *map, size_t i)
{
	return i < map->n_err ? &map->err[i] : NULL;
}

size_t mc_map_errors_dropped(const struct mc_map *map)
{
	return map->n_dropped;
}

void mc_map_clear_errors(struct mc_map *map)
{
	for (size_t i = 0; i < map->n_err; i++)
		free(map->err_block[i]);
	map->n_err = 0;
	map->n_dropped = 0;
}
