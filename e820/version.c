// SPDX-License-Identifier: MIT
/*
 * version.c - a Linux release from its name: "6.1", "7.2.13+deb14-amd64".
 *
 * What a kernel prints depends on its release (text.c); a release comes
 * from --linux or from a bzImage's kernel_version string, whose first
 * word is the release and whose MAJOR.MINOR is all that matters here.
 */
#include <stdbool.h>
#include "memcarve-e820.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A decimal part of at most 255; *@s moves past it. */
static int part(const char **s, uint32_t *v)
{
	const char *p = *s;

	*v = 0;
	if (!is_digit(*p))
		return MC_EINVAL;
	for (; is_digit(*p); p++) {
		*v = *v * 10 + (uint32_t)(*p - '0');
		if (*v > 255)
			return MC_EINVAL;
	}
	*s = p;
	return 0;
}

int mc_linux_version(const char *s, uint32_t *version)
{
	uint32_t major, minor;

	*version = 0;
	if (!s || part(&s, &major) || *s++ != '.' || part(&s, &minor))
		return MC_EINVAL;
	if (is_digit(*s))
		return MC_EINVAL;
	*version = MC_LINUX_VERSION(major, minor);
	return 0;
}
