/* SPDX-License-Identifier: MIT */
/*
 * files.h - fixture files for the unit tests, which run from the top of
 * the repository (make unit does), so paths are "fixtures/...".
 */
#ifndef TEST_FILES_H
#define TEST_FILES_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

/*
 * slurp() - the whole file at @path, with a NUL after its last byte (not
 * counted in *@len; @len may be NULL), in a buffer the caller frees.
 * A file that cannot be read fails the test, naming it.
 */
static inline void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f)
		fail_msg("cannot open %s (tests run from the top of the "
			 "repository)", path);
	do {
		if (cap - n < 4096) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	if (ferror(f))
		fail_msg("cannot read %s", path);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

#endif /* TEST_FILES_H */
