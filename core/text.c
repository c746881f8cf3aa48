// SPDX-License-Identifier: MIT
/*
 * text.c - reading whole inputs and walking their lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static int read_stream(FILE *f, char **text, size_t *len)
{
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap), *p;

	if (!buf)
		return MC_ENOMEM;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n < cap)
			continue;
		if (cap > SIZE_MAX / 2) {
			free(buf);
			return MC_ENOMEM;
		}
		p = realloc(buf, cap * 2);
		if (!p) {
			free(buf);
			return MC_ENOMEM;
		}
		buf = p;
		cap *= 2;
	}
	if (ferror(f)) {
		free(buf);
		return MC_EIO;
	}
	*text = buf;
	*len = n;
	return 0;
}

int mc_load_file(struct mc_map *map, const char *path, mc_loader_fn load)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	char *text;
	size_t len;
	int err;

	if (!f)
		return mc_fail(map, MC_EIO, path, 0, NULL, "cannot open: %s",
			       strerror(errno));
	err = read_stream(f, &text, &len);
	if (err == MC_EIO)
		mc_fail(map, err, path, 0, NULL, "cannot read: %s",
			strerror(errno));
	else if (err)
		mc_fail(map, err, path, 0, NULL, "%s", mc_strerror(err));
	if (!is_stdin)
		fclose(f);
	if (err)
		return err;
	err = load(map, path, text, len);
	free(text);
	return err;
}

const char *mc_intern_source(struct mc_map *map, const char *source)
{
	if (!source)
		source = "";
	return mc_arena_strdup(&map->arena, source, strlen(source));
}

int mc_each_line(struct mc_map *map, const char *source, const char *text,
		 size_t len, mc_line_fn fn, void *ctx)
{
	const char *p = text, *end = text + len, *nl;
	char buf[MC_LINE_MAX + 1];
	unsigned int lineno = 0;
	int first = 0, err;
	size_t n;

	for (; p < end; p = nl ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl ? nl : end) - p);
		if (n && p[n - 1] == '\r')
			n--;
		lineno++;
		if (n > MC_LINE_MAX)
			err = mc_fail(map, MC_EINVAL, source, lineno, NULL,
				      "line longer than %d bytes", MC_LINE_MAX);
		else if (memchr(p, '\0', n))
			err = mc_fail(map, MC_EINVAL, source, lineno, NULL,
				      "NUL byte in a text line");
		else {
			memcpy(buf, p, n);
			buf[n] = '\0';
			err = fn(ctx, lineno, buf);
		}
		if (err && !first)
			first = err;
	}
	return first;
}
