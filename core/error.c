// SPDX-License-Identifier: MIT
/*
 * error.c - diagnostics the caller prints; the library never does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

int mc_fail(struct mc_map *map, int code, const char *source,
	    unsigned int line, const char *field, const char *fmt, ...)
{
	struct mc_error *e;
	char text[320];
	char where[sizeof(e->source) + 16];	/* "source:line: " */
	va_list ap;

	if (map->n_err == MC_MAX_ERRORS) {
		map->n_dropped++;
		return code;
	}
	e = &map->err[map->n_err++];
	e->code = code;
	copy_str(e->source, sizeof(e->source), source);
	e->line = line;
	copy_str(e->field, sizeof(e->field), field);

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);

	if (source && line)
		snprintf(where, sizeof(where), "%s:%u: ", source, line);
	else if (source && *source)
		snprintf(where, sizeof(where), "%s: ", source);
	else
		where[0] = '\0';
	snprintf(e->msg, sizeof(e->msg), "%s%s%s%s", where,
		 field && *field ? field : "", field && *field ? ": " : "",
		 text);
	return code;
}

int mc_map_report(struct mc_map *map, int code, const char *field,
		  const char *fmt, ...)
{
	char text[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return mc_fail(map, code, NULL, 0, field, "%s", text);
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
	map->n_err = 0;
	map->n_dropped = 0;
}

void mc_fmt_range(char *buf, size_t len, uint64_t first, uint64_t last)
{
	/* A range covering all 2^64 bytes has a size one bit too wide. */
	if (first == 0 && last == UINT64_MAX)
		snprintf(buf, len, "0x0+0x10000000000000000");
	else
		snprintf(buf, len, "0x%" PRIx64 "+0x%" PRIx64, first,
			 mc_len(first, last));
}

void mc_fmt_region(char *buf, size_t len, const struct mc_region *r)
{
	char range[48];

	mc_fmt_range(range, sizeof(range), r->first, r->last);
	snprintf(buf, len, "%s %s", mc_kind_name(r->kind), range);
}
