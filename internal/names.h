/* SPDX-License-Identifier: MIT */
/*
 * names.h - the words of the map file listed for a diagnostic ("is not one
 * of arm64, ppc64, x86_64, mips"), made from core/names.c's tables so that
 * a new word is named in every message at once. Not installed.
 */
#ifndef MC_INTERNAL_NAMES_H
#define MC_INTERNAL_NAMES_H

#include <stddef.h>

enum mc_words {
	MC_WORDS_KIND,		/* ram, mmio, ..., pmem, hotplug */
	MC_WORDS_RESV_TYPE,	/* reserved, msi, sw-msi, direct, ... */
	MC_WORDS_POLICY,	/* abort, overlay, ... ("default" is no word) */
	MC_WORDS_ARCH,		/* arm64, ppc64, ... ("none" is no word) */
};

/* Room for any list here, with room to spare. */
#define MC_WORDS_MAX 128

/* Append @word to the ", "-separated list in @buf (a string). */
void mc_words_add(char *buf, size_t size, const char *word);

/* The words of @which in table order, ", "-separated; returns @buf. */
const char *mc_words_of(enum mc_words which, char *buf, size_t size);

#endif /* MC_INTERNAL_NAMES_H */
