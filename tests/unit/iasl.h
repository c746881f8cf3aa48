/* SPDX-License-Identifier: MIT */
/*
 * iasl.h - the golden ACPI tables through iasl -d (acpica-tools, the
 * reference disassembler): it reads each cleanly, flags nothing, and
 * prints the .dsl kept beside the table.
 */
#ifndef TEST_IASL_H
#define TEST_IASL_H

#include <stdlib.h>
#include <string.h>
#include "files.h"

/* A test that needs iasl fails loudly without it. */
static inline void iasl_require(void)
{
	if (system("iasl -v >/dev/null 2>&1") != 0)
		fail_msg("iasl not found: install acpica-tools (scripts/deps)");
}

/* iasl's text minus the lines that name its build, the file and the date. */
static inline char *iasl_normalized(const char *dsl)
{
	char *out = malloc(strlen(dsl) + 1), *o = out;

	assert_non_null(out);
	for (const char *l = dsl; *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l + 1) : strlen(l);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)n, l);
		if (!strstr(line, "Disassembler version") &&
		    !strstr(line, "Copyright (c)") &&
		    !strstr(line, "Disassembly of")) {
			memcpy(o, l, n);
			o += n;
		}
		l += n;
	}
	*o = 0;
	return out;
}

/*
 * iasl_check() - iasl -d of the table at @aml (run in scratch directory
 * @dir) complains of nothing, flags nothing in the table, and prints
 * @want_dsl once its build and date lines are gone; @want_name names the
 * .dsl in a failure.
 */
static inline void iasl_check(const char *dir, const char *aml,
			      const char *want_dsl, const char *want_name)
{
	char cmd[1024], path[300];
	uint8_t *log, *dsl;
	char *norm;
	size_t len;

	snprintf(cmd, sizeof(cmd),
		 "cp %s %s/t.aml && cd %s && iasl -d t.aml >log 2>&1",
		 aml, dir, dir);
	if (system(cmd) != 0)
		fail_msg("iasl -d %s failed", aml);
	snprintf(path, sizeof(path), "%s/log", dir);
	log = slurp(path, &len);
	if (strstr((char *)log, "Warning") || strstr((char *)log, "Error"))
		fail_msg("iasl -d %s complains:\n%s", aml, log);
	snprintf(path, sizeof(path), "%s/t.dsl", dir);
	dsl = slurp(path, &len);
	if (strstr((char *)dsl, "****") || strstr((char *)dsl, "Incorrect") ||
	    strstr((char *)dsl, "Invalid") || strstr((char *)dsl, "Unknown"))
		fail_msg("iasl -d %s flags the table:\n%s", aml, dsl);
	norm = iasl_normalized((char *)dsl);
	if (strcmp(norm, want_dsl) != 0)
		fail_msg("iasl -d %s differs from %s", aml, want_name);
	free(log);
	free(dsl);
	free(norm);
}

#endif
