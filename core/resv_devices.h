/* SPDX-License-Identifier: MIT */
/*
 * resv_devices.h - host reserved_regions tied to the guest's devices; what
 * resv.c, parse.c and the sysfs reader share. Not installed.
 */
#ifndef MC_RESV_DEVICES_H
#define MC_RESV_DEVICES_H

#include "internal.h"
#include "memcarve-host.h"

/* Give @r the devices of @opts if it is a direct range. */
void mc_resv_apply(const struct mc_resv_opts *opts, struct mc_region *r);

/* Check @opts as the region rules would; @src/@line for the message. */
int mc_resv_opts_check(struct mc_map *map, const struct mc_resv_opts *opts,
		       const char *src, unsigned int line);

/* reserved_regions text with @opts (NULL: none), in resv.c. */
int mc_load_resv(struct mc_map *map, const char *source, const char *text,
		 size_t len, const struct mc_resv_opts *opts);

/*
 * The map statement "resv FILE [devices=...] [sids=...]" at @src:@line:
 * FILE, if relative, is read from the directory of @src.
 */
int mc_resv_statement(struct mc_map *map, const char *src, unsigned int line,
		      const char *file, const struct mc_resv_opts *opts);

#endif /* MC_RESV_DEVICES_H */
