// SPDX-License-Identifier: MIT
/*
 * dev_paths.c - the device-tree node paths of direct ranges, a side table
 * of the map reached by an input region's index (dev_paths.h).
 *
 * A device-tree guest's device is a node: a PCI function can be named by
 * its BDF (struct mc_region's devices), but a platform device only by its
 * path. Most maps name none; those that do name a few per range. The
 * table holds one entry per region with paths, sorted by index: the
 * parser appends in index order, the API may insert anywhere.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dev_paths.h"
#include "internal/array.h"
#include "internal/region.h"

/* DT spec v0.4, 2.2.1: a node name is 1 to 31 characters. */
#define DT_NAME_MAX 31

static bool name_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == ',' || c == '.' || c == '_' ||
	       c == '+' || c == '-';
}

static bool letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int bad(char *why, size_t why_len, const char *fmt, ...)
	MC_PRINTF(3, 4);

/* Say why in @why; return MC_EINVAL. */
static int bad(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return MC_EINVAL;
}

/* One component "name[@unit]" of @len bytes at @s. */
static int component(const char *s, size_t len, char *why, size_t why_len)
{
	const char *at = memchr(s, '@', len);
	size_t name_len = at ? (size_t)(at - s) : len;

	if (len == 0)
		return bad(why, why_len, "an empty node name ('//' or a "
				"trailing '/')");
	if (name_len == 0 || !letter(s[0]))
		return bad(why, why_len, "node name '%.*s' does not start "
				"with a letter (DT spec 2.2.1)", (int)len, s);
	if (name_len > DT_NAME_MAX)
		return bad(why, why_len, "node name '%.*s' is %zu "
				"characters; the DT spec allows 1 to %d",
				(int)name_len, s, name_len, DT_NAME_MAX);
	if (at && at + 1 == s + len)
		return bad(why, why_len, "'%.*s' has an empty unit "
				"address after '@'", (int)len, s);
	for (size_t i = 0; i < len; i++)
		if (!name_char(s[i]) && !(s + i == at))
			return bad(why, why_len, "'%.*s': '%c' is not a "
					"node-name character (0-9 a-z A-Z , . _ "
					"+ -, one '@' before the unit address)",
					(int)len, s, s[i]);
	return 0;
}

int mc_dt_path_check(const char *path, char *why, size_t why_len)
{
	const char *s = path;

	if (s[0] != '/')
		return bad(why, why_len, "'%s' does not start with '/'",
				path);
	if (s[1] == '\0')
		return bad(why, why_len, "'/' is the root node, which is "
				"no device");
	while (*s == '/') {
		const char *end = strchr(s + 1, '/');
		size_t len = end ? (size_t)(end - s - 1) : strlen(s + 1);
		int err = component(s + 1, len, why, why_len);

		if (err)
			return err;
		s += 1 + len;
	}
	return 0;
}

/* The entry of @index, or where it would go (*@found false). */
static size_t find(const struct mc_map *map, size_t index, bool *found)
{
	size_t lo = 0, hi = map->n_paths;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (map->paths[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < map->n_paths && map->paths[lo].index == index;
	return lo;
}

const char *const *mc_dev_paths_of(const struct mc_map *map, size_t index,
				   size_t *n)
{
	bool found;
	size_t at = find(map, index, &found);

	*n = found ? map->paths[at].n : 0;
	return found ? (const char *const *)map->paths[at].path : NULL;
}

bool mc_dev_paths_same(const struct mc_map *map, size_t a, size_t b)
{
	size_t na, nb;
	const char *const *pa = mc_dev_paths_of(map, a, &na);
	const char *const *pb = mc_dev_paths_of(map, b, &nb);

	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(pa[i], pb[i]) != 0)
			return false;
	return true;
}

static void drop(struct mc_map *map, size_t at)
{
	memmove(&map->paths[at], &map->paths[at + 1],
		(map->n_paths - at - 1) * sizeof(*map->paths));
	map->n_paths--;
}

/* Copies in the arena: they live as long as the map. */
static const char **copy(struct mc_map *map, const char *const *paths,
			 size_t n)
{
	const char **v;

	if (n > SIZE_MAX / sizeof(*v))
		return NULL;
	v = mc_arena_alloc(&map->arena, n * sizeof(*v));
	for (size_t i = 0; v && i < n; i++) {
		v[i] = mc_arena_strdup(&map->arena, paths[i],
				       strlen(paths[i]));
		if (!v[i])
			return NULL;
	}
	return v;
}

int mc_dev_paths_put(struct mc_map *map, size_t index,
		     const char *const *paths, size_t n)
{
	bool found;
	size_t at = find(map, index, &found);
	struct mc_dev_paths *grown;
	const char **v = NULL;

	mc_map_uncarve(map);	/* carving joins ranges by their devices */
	if (!n) {
		if (found)
			drop(map, at);
		return 0;
	}
	v = copy(map, paths, n);
	if (!v)
		return MC_ENOMEM;
	if (!found) {
		grown = mc_array_grow(map->paths, &map->cap_paths,
				      map->n_paths + 1, sizeof(*grown), 16);
		if (!grown)
			return MC_ENOMEM;
		map->paths = grown;
		memmove(&grown[at + 1], &grown[at],
			(map->n_paths - at) * sizeof(*grown));
		map->n_paths++;
	}
	map->paths[at] = (struct mc_dev_paths){ index, n, v };
	return 0;
}

/* What the API checks that the parser checked while reading the line. */
static int check(struct mc_map *map, size_t index, const char *const *paths,
		 size_t n)
{
	const struct mc_region *r = &map->in[index];
	char why[MC_DIAG_MAX / 2];

	if (n && !paths)
		return mc_diag(map, MC_EINVAL, r->source, r->line, "paths",
			       "NULL with a non-zero count");
	if (n && !mc_is_direct(r->kind, r->type))
		return mc_diag(map, MC_EINVAL, r->source, r->line, "paths",
			       "only direct and direct-relaxable ranges take "
			       "devices");
	if (n && (r->flags & MC_F_ALL_DEVICES))
		return mc_diag(map, MC_EINVAL, r->source, r->line, "paths",
			       "all devices (MC_F_ALL_DEVICES) and a list of "
			       "%zu: give one or the other", n);
	for (size_t i = 0; i < n; i++)
		if (!paths[i] || mc_dt_path_check(paths[i], why, sizeof(why)))
			return mc_diag(map, MC_EINVAL, r->source, r->line,
				       "paths", "path %zu: %s", i,
				       paths[i] ? why : "NULL");
	return 0;
}

int mc_map_set_device_paths(struct mc_map *map, size_t index,
			    const char *const *paths, size_t n)
{
	int err;

	if (index >= map->n_in)
		return mc_diag(map, MC_EINVAL, NULL, 0, "index",
			       "%zu: the map holds %zu input regions", index,
			       map->n_in);
	err = check(map, index, paths, n);
	if (!err && mc_dev_paths_put(map, index, paths, n))
		err = mc_diag(map, MC_ENOMEM, NULL, 0, NULL, "out of memory");
	return err;
}

const char *const *mc_map_device_paths(const struct mc_map *map,
				       size_t index, size_t *count)
{
	return mc_dev_paths_of(map, index, count);
}
