// SPDX-License-Identifier: MIT
/*
 * resv_devices.c - a host reserved_regions file tied to the guest devices
 * its direct ranges serve: the file carries no devices, the caller (or the
 * map's "resv FILE devices=..." statement) says which.
 */
#include <stdlib.h>
#include <string.h>
#include "resv_devices.h"
#include "internal/region.h"

void mc_resv_opts_init(struct mc_resv_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
}

static bool takes_devices(const struct mc_region *r)
{
	return mc_is_direct(r->kind, r->type);
}

void mc_resv_apply(const struct mc_resv_opts *opts, struct mc_region *r)
{
	if (!takes_devices(r))
		return;
	r->devices = opts->devices;
	r->n_devices = opts->n_devices;
	r->sids = opts->sids;
	r->n_sids = opts->n_sids;
	r->flags |= opts->flags & MC_F_ALL_DEVICES;
}

int mc_resv_opts_check(struct mc_map *map, const struct mc_resv_opts *opts,
		       const char *src, unsigned int line)
{
	if (!MC_RESERVED_CLEAR(opts))
		return mc_diag(map, MC_EINVAL, src, line, "opts.reserved",
			       "must be zero");
	if (opts->flags & ~MC_F_ALL_DEVICES)
		return mc_diag(map, MC_EINVAL, src, line, "opts.flags",
			       "0x%x: only MC_F_ALL_DEVICES is an option",
			       opts->flags);
	if ((opts->flags & MC_F_ALL_DEVICES) && opts->n_devices)
		return mc_diag(map, MC_EINVAL, src, line, "opts.devices",
			       "all devices (MC_F_ALL_DEVICES) and a list of "
			       "%zu: give one or the other", opts->n_devices);
	if ((opts->n_devices && !opts->devices) ||
	    (opts->n_sids && !opts->sids))
		return mc_diag(map, MC_EINVAL, src, line,
			       opts->n_sids && !opts->sids ? "opts.sids" :
							     "opts.devices",
			       "NULL with a non-zero count");
	return 0;
}

int mc_map_load_resv_for(struct mc_map *map, const char *source,
			 const char *text, size_t len,
			 const struct mc_resv_opts *opts)
{
	int err = opts ? mc_resv_opts_check(map, opts, source, 0) : 0;

	return err ? err : mc_load_resv(map, source, text, len, opts);
}

int mc_map_load_resv_file_for(struct mc_map *map, const char *path,
			      const struct mc_resv_opts *opts)
{
	bool is_stdin = strcmp(path, "-") == 0;
	void *text;
	size_t len;
	int err = opts ? mc_resv_opts_check(map, opts, path, 0) : 0;

	if (!err)
		err = mc_read_file(map, path, &text, &len);
	if (err)
		return err;
	err = mc_load_resv(map, is_stdin ? "<stdin>" : path, text, len, opts);
	free(text);
	return err;
}

/* @file as seen from the directory of @src (the map that names it). */
static char *beside(const char *src, const char *file)
{
	const char *slash = file[0] == '/' ? NULL : strrchr(src, '/');
	size_t dir = slash ? (size_t)(slash - src) + 1 : 0;
	size_t n = strlen(file);
	char *path = malloc(dir + n + 1);

	if (path) {
		memcpy(path, src, dir);
		memcpy(path + dir, file, n + 1);
	}
	return path;
}

/*
 * Read @path for the statement at @src:@line: a failure is one diagnostic
 * at the statement, quoting what the read said.
 */
static int read_named(struct mc_map *map, const char *src, unsigned int line,
		      const char *path, void **text, size_t *len)
{
	struct mc_map *scratch = mc_map_new();
	int err = scratch ? mc_read_file(scratch, path, text, len) : MC_ENOMEM;

	if (err == MC_ENOMEM && !scratch)
		err = mc_diag(map, err, src, line, NULL, "out of memory");
	else if (err)
		mc_diag(map, err, src, line, "resv", "%s",
			mc_map_error(scratch, 0)->msg);
	mc_map_free(scratch);
	return err;
}

int mc_resv_statement(struct mc_map *map, const char *src, unsigned int line,
		      const char *file, const struct mc_resv_opts *opts)
{
	const char *name;
	char *path;
	void *text;
	size_t len;
	int err;

	if (strcmp(file, "-") == 0)
		return mc_diag(map, MC_EINVAL, src, line, "resv",
			       "'-' (standard input) cannot be named in a map");
	path = beside(src, file);
	name = path ? mc_intern_source(map, path) : NULL;
	free(path);
	if (!name)
		return mc_diag(map, MC_ENOMEM, src, line, NULL,
			       "out of memory");
	err = read_named(map, src, line, name, &text, &len);
	if (err)
		return err;
	err = mc_load_resv(map, name, text, len, opts);
	free(text);
	return err;
}
