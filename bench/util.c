// SPDX-License-Identifier: MIT
/*
 * util.c - buffers, fatal errors and files for memcarve-bench.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("memcarve-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void die_map(const struct mc_map *map, const char *what)
{
	fflush(stdout);
	for (size_t i = 0; i < mc_map_error_count(map); i++)
		fprintf(stderr, "%s\n", mc_map_error(map, i)->msg);
	die("%s failed", what);
}

void bb_reserve(struct bbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (more <= b->cap - b->len)
		return;
	while (cap - b->len < more) {
		if (cap > SIZE_MAX / 2)
			die("out of memory");
		cap *= 2;
	}
	p = realloc(b->p, cap);
	if (!p)
		die("out of memory (%zu bytes)", cap);
	b->p = p;
	b->cap = cap;
}

void bb_add(struct bbuf *b, const void *data, size_t len)
{
	bb_reserve(b, len + 1);
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';	/* text users may treat it as a string */
}

void bb_printf(struct bbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	bb_reserve(b, 256);
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("bad format");
	if ((size_t)n >= b->cap - b->len) {
		bb_reserve(b, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void bb_free(struct bbuf *b)
{
	free(b->p);
	*b = (struct bbuf){ 0 };
}

void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		die("cannot write %s", path);
}

void read_file(const char *path, struct bbuf *out)
{
	FILE *f = fopen(path, "rb");
	size_t got;

	if (!f)
		die("cannot read %s", path);
	do {
		bb_reserve(out, 1 << 16);
		got = fread(out->p + out->len, 1, out->cap - out->len, f);
		out->len += got;
	} while (got);
	if (ferror(f) || fclose(f))
		die("cannot read %s", path);
}

void path_printf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		die("path too long: %s...", buf);
}

struct mc_map *load_carved(const char *text, size_t len)
{
	struct mc_map *map = mc_map_new();

	if (!map)
		die("out of memory");
	if (mc_map_load(map, "bench.map", text, len))
		die_map(map, "parsing the generated map");
	if (mc_map_carve(map))
		die_map(map, "carving the generated map");
	return map;
}
