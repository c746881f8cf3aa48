/* SPDX-License-Identifier: MIT */
/*
 * findings.h - what "memcarve check" finds: one line each, with a stable
 * code (documented in memcarve(1)), the blob, the range and the reason.
 */
#ifndef MC_CLI_FINDINGS_H
#define MC_CLI_FINDINGS_H

#include "cli.h"

struct finding {
	const char *code;
	char *blob;		/* "guest.dtb", or "a.dtb vs b.bin" */
	bool ranged;
	uint64_t first, last;
	char *msg;
};

struct findings {
	struct finding *v;
	size_t n, cap;
	bool failed;		/* out of memory */
};

/* One finding about [first, last] of @blob. */
void finding_at(struct findings *f, const char *code, const char *blob,
		uint64_t first, uint64_t last, const char *fmt, ...)
	CLI_PRINTF(6, 7);
/* One finding about @blob as a whole. */
void finding(struct findings *f, const char *code, const char *blob,
	     const char *fmt, ...) CLI_PRINTF(4, 5);

/* "BLOB: CODE: FIRST-LAST: reason" lines, or --json. */
void findings_print(struct cli_buf *b, const struct findings *f, bool json);
void findings_free(struct findings *f);

#endif /* MC_CLI_FINDINGS_H */
