/* SPDX-License-Identifier: MIT */
/*
 * check.h - the checks of "memcarve check" that read a blob's own bytes
 * (what the decoded model no longer holds).
 */
#ifndef MC_CLI_CHECK_H
#define MC_CLI_CHECK_H

#include "findings.h"
#include "model.h"

/* /memreserve/ against no-map, overlapping and ignored /reserved-memory. */
void check_dt(struct findings *f, const struct model *m);
/* The zero page: its e820 count, and what it points at outside RAM. */
void check_zeropage(struct findings *f, const struct model *m);
/* Tables past E820_MAX_ENTRIES. */
void check_e820_capacity(struct findings *f, const struct model *m);
/* RMRRs without a device scope, an IORT too old for its RMRs. */
void check_acpi(struct findings *f, const struct model *m);

/* Zero page: e820_entries past the 128 its table holds, as the kernel
 * reads it (clamped in m->bytes, so the rest still decodes). */
bool check_zeropage_count(struct findings *f, struct model *m);

#endif /* MC_CLI_CHECK_H */
