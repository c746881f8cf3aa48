// SPDX-License-Identifier: MIT
/*
 * resv.c - /sys/kernel/iommu_groups/<group>/reserved_regions.
 *
 * The kernel prints "0x%016llx 0x%016llx %s\n": start, inclusive end, type.
 * Both IOMMU_RESV_MSI and IOMMU_RESV_SW_MSI print "msi", so msi here may be
 * either; the map file can say sw-msi where the difference matters.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "internal/names.h"
#include "resv_devices.h"

struct resv_line {
	struct mc_map *map;
	const char *src;
	unsigned int line;
	const struct mc_resv_opts *opts;	/* devices for direct ranges */
};

static int resv_number(struct resv_line *l, const char *field,
		       const char *tok, uint64_t *v)
{
	char why[200];
	int err = mc_parse_u64(tok, false, v, why, sizeof(why));

	if (err)
		return mc_diag(l->map, err, l->src, l->line, field, "%s", why);
	return 0;
}

static int resv_type(struct resv_line *l, const char *tok,
		     enum mc_resv_type *type)
{
	/* The types the kernel's sysfs file prints, in its order. */
	static const enum mc_resv_type sysfs_types[] = {
		MC_RESV_DIRECT, MC_RESV_DIRECT_RELAXABLE, MC_RESV_RESERVED,
		MC_RESV_MSI,
	};
	char words[MC_WORDS_MAX] = "";

	for (size_t i = 0; i < sizeof(sysfs_types) / sizeof(*sysfs_types); i++)
		if (strcmp(tok, mc_resv_type_name(sysfs_types[i])) == 0) {
			*type = sysfs_types[i];
			return 0;
		}
	for (size_t i = 0; i < sizeof(sysfs_types) / sizeof(*sysfs_types); i++)
		mc_words_add(words, sizeof(words),
			     mc_resv_type_name(sysfs_types[i]));
	return mc_diag(l->map, MC_EINVAL, l->src, l->line, "type",
		       "'%s' is not one of %s", tok, words);
}

static int resv_statement(struct resv_line *l, char *s)
{
	static const char *const fields[] = { "start", "end", "type" };
	struct mc_region r = { .kind = MC_RESERVED };
	char *tok[3];
	int n = 0, err;

	for (char *t = s + strspn(s, " \t"); *t; t += strspn(t, " \t")) {
		if (n == 3)
			return mc_diag(l->map, MC_EINVAL, l->src, l->line, NULL,
				       "extra text '%s' after the type", t);
		tok[n++] = t;
		t += strcspn(t, " \t");
		if (*t)
			*t++ = '\0';
	}
	if (n == 0)
		return 0;
	if (n < 3)
		return mc_diag(l->map, MC_EINVAL, l->src, l->line, fields[n],
			       "missing (expected: 0xSTART 0xEND TYPE)");
	err = resv_number(l, "start", tok[0], &r.first);
	if (!err)
		err = resv_number(l, "end", tok[1], &r.last);
	if (!err)
		err = resv_type(l, tok[2], &r.type);
	if (!err && r.last < r.first)
		err = mc_diag(l->map, MC_ERANGE, l->src, l->line, "end",
			      "%s is below the start %s", tok[1], tok[0]);
	if (!err && l->opts)
		mc_resv_apply(l->opts, &r);
	if (!err)
		err = mc_map_add_from(l->map, &r, l->src, l->line);
	return err;
}

static int resv_line_fn(void *ctx, unsigned int line, char *text)
{
	struct resv_line *l = ctx;

	l->line = line;
	return resv_statement(l, text);
}

int mc_load_resv(struct mc_map *map, const char *source, const char *text,
		 size_t len, const struct mc_resv_opts *opts)
{
	struct resv_line l = { .map = map, .opts = opts };

	l.src = mc_intern_source(map, source);
	if (!l.src)
		return mc_diag(map, MC_ENOMEM, source, 0, NULL, "out of memory");
	return mc_each_line(map, l.src, text, len, resv_line_fn, &l);
}

int mc_map_load_resv(struct mc_map *map, const char *source, const char *text,
		     size_t len)
{
	return mc_load_resv(map, source, text, len, NULL);
}

int mc_map_load_resv_file(struct mc_map *map, const char *path)
{
	return mc_load_file(map, path, mc_map_load_resv);
}
