/* SPDX-License-Identifier: MIT */
/*
 * dt-path.h - a device-tree node path as the DT specification writes one:
 * what the map parser and the API check (core/dev_paths.c) and the DT
 * decoder asks of a path it reads back. Not installed.
 */
#ifndef MC_INTERNAL_DT_PATH_H
#define MC_INTERNAL_DT_PATH_H

#include <stddef.h>

/*
 * Whether @path is a node path (DT spec v0.4, 2.2.1 and 2.2.3): "/" then
 * components "name[@unit]" joined by "/", a name of 1 to 31 characters of
 * 0-9 a-z A-Z , . _ + - starting with a letter, a unit address of one or
 * more of the same characters. Not the root itself: it is no device.
 * Return: 0, or MC_EINVAL with @why saying what is wrong.
 */
int mc_dt_path_check(const char *path, char *why, size_t why_len);

#endif /* MC_INTERNAL_DT_PATH_H */
