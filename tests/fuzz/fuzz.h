/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - what the libFuzzer targets share.
 *
 * Every target feeds one untrusted input to the library, and whenever the
 * library accepts it, runs every emitter on the carved result: crashes hide
 * in the emitters as often as in the parsers. An emitter's success is also
 * checked against its own decoder, so a blob the library writes but cannot
 * read back fails the run (fuzz_fail()), not only a sanitizer report.
 */
#ifndef MC_FUZZ_H
#define MC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include "memcarve.h"

/* The libFuzzer entry point each target defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Outputs larger than this are asked for but not built: bounded runs. */
#define FUZZ_OUT_MAX ((size_t)1 << 22)

/* Abort with a message: an invariant the library promises was broken. */
void fuzz_fail(const char *what, int err) __attribute__((noreturn));

/* A new map holding @text (a map file), carved; NULL if it does not load. */
struct mc_map *fuzz_carved(const char *text);

/* Decode @blob with @decode into a fresh map; it must succeed. */
void fuzz_round_trip(int (*decode)(struct mc_map *, const void *, size_t),
		     const void *blob, size_t len, const char *what);

/* Run every emitter on a carved map; round-trip what they write. */
void fuzz_emit_all(struct mc_map *map);

#endif /* MC_FUZZ_H */
