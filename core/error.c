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

/*
 * A source name that does not fit @len keeps its start and its end (the
 * file name) around "...", so that every message still says where.
 */
static void copy_source(char *dst, size_t len, const char *src)
{
	size_t n = src ? strlen(src) : 0, head = (len - 4) / 4;

	if (n < len) {
		copy_str(dst, len, src);
		return;
	}
	snprintf(dst, len, "%.*s...%s", (int)head, src,
		 src + n - (len - 4 - head));
}

/* Bytes a terminal would act on are shown as \xNN, never sent raw. */
static void escape_controls(char *dst, size_t len, const char *src)
{
	size_t at = 0;

	for (; *src && at + 5 < len; src++) {
		unsigned char c = (unsigned char)*src;

		if (c < 0x20 || c >= 0x7f)
			at += (size_t)snprintf(dst + at, len - at, "\\x%02x", c);
		else
			dst[at++] = (char)c;
	}
	dst[at] = '\0';
}

int mc_fail(struct mc_map *map, int code, const char *source,
	    unsigned int line, const char *field, const char *fmt, ...)
{
	struct mc_error *e;
	char text[320], msg[sizeof(e->msg)];
	va_list ap;

	if (map->n_err == MC_MAX_ERRORS) {
		map->n_dropped++;
		return code;
	}
	e = &map->err[map->n_err++];
	e->code = code;
	copy_source(e->source, sizeof(e->source), source);
	e->line = line;
	copy_str(e->field, sizeof(e->field), field);

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);

	if (source && line)
		snprintf(msg, sizeof(msg), "%s:%u: ", e->source, line);
	else if (source && *source)
		snprintf(msg, sizeof(msg), "%s: ", e->source);
	else
		msg[0] = '\0';
	snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s%s%s",
		 field && *field ? field : "", field && *field ? ": " : "",
		 text);
	escape_controls(e->msg, sizeof(e->msg), msg);
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
