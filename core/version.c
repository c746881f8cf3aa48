// SPDX-License-Identifier: MIT
/*
 * version.c - the library's own version, for programs that load it
 * dynamically and want to know which one they got.
 */
#include "memcarve.h"

const char *mc_version(void)
{
	return MC_VERSION;
}
