// SPDX-License-Identifier: MIT
/*
 * decode_text.c - the kernel's printed e820 table read back into a map,
 * for "memcarve inspect": what `memcarve e820` writes, or the lines of a
 * guest's dmesg.
 *
 * A line is "PREFIX: [mem 0xFIRST-0xLAST] TYPE", as e820__print_table()
 * prints it. Linux 6.1 names the types "usable", "reserved", "ACPI data",
 * "ACPI NVS", "unusable", "persistent (type N)", "soft reserved" or
 * "type N"; newer kernels say "System RAM", "device reserved" and
 * "persistent RAM (type N)", put two spaces before the type and print
 * "[gap ...]" lines between entries. Both are read; gap lines and lines
 * with no "[mem " (the rest of a dmesg) are skipped. The entries are then
 * read as a raw table would be (mc_e820_raw_decode()), so every type maps
 * to the same kind there.
 */
#include <stdlib.h>
#include <string.h>
#include "memcarve-e820.h"
#include "internal/array.h"
#include "internal/byteorder.h"

struct text_type {
	const char *name;
	uint32_t type;
};

static const struct text_type text_types[] = {
	{ "usable", MC_E820_RAM },
	{ "System RAM", MC_E820_RAM },
	{ "reserved", MC_E820_RESERVED },
	{ "device reserved", MC_E820_RESERVED },
	{ "soft reserved", MC_E820_SOFT_RESERVED },
	{ "ACPI data", MC_E820_ACPI },
	{ "ACPI NVS", MC_E820_NVS },
	{ "unusable", MC_E820_UNUSABLE },
	{ "persistent (type 7)", MC_E820_PMEM },
	{ "persistent RAM (type 7)", MC_E820_PMEM },
	{ "persistent (type 12)", MC_E820_PRAM },
	{ "persistent RAM (type 12)", MC_E820_PRAM },
};

/* A "0x" hex number of at most 16 digits at *@p; moves *@p past it. */
static bool hex64(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	int digits = 0;

	if (end - s < 3 || s[0] != '0' || s[1] != 'x')
		return false;
	*v = 0;
	for (s += 2; s < end && digits < 17; s++, digits++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' :
			*s >= 'a' && *s <= 'f' ? *s - 'a' + 10 :
			*s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;

		if (d < 0)
			break;
		*v = *v << 4 | (uint64_t)d;
	}
	*p = s;
	return digits > 0 && digits <= 16;
}

/* The type at the end of a line, after the range and its blanks. */
static bool type_of(const char *s, const char *end, uint32_t *type)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\r'))
		end--;
	for (size_t i = 0; i < sizeof(text_types) / sizeof(text_types[0]); i++)
		if ((size_t)(end - s) == strlen(text_types[i].name) &&
		    memcmp(s, text_types[i].name, (size_t)(end - s)) == 0) {
			*type = text_types[i].type;
			return true;
		}
	return false;
}

struct entries {
	uint8_t *wire;		/* 20-byte boot_e820_entry each */
	size_t n, cap;
};

static int add_entry(struct entries *t, uint64_t first, uint64_t last,
		     uint32_t type)
{
	uint8_t *p = mc_array_grow(t->wire, &t->cap, t->n + 1,
				   MC_E820_ENTRY_SIZE, 64);

	if (!p)
		return MC_ENOMEM;
	t->wire = p;
	put_le64(t->wire + t->n * MC_E820_ENTRY_SIZE, first);
	put_le64(t->wire + t->n * MC_E820_ENTRY_SIZE + 8, last - first + 1);
	put_le32(t->wire + t->n * MC_E820_ENTRY_SIZE + 16, type);
	t->n++;
	return 0;
}

/* One line; 0 also for lines that are no entry. */
static int one_line(struct mc_map *map, struct entries *t, const char *s,
		    const char *end, size_t lineno)
{
	const char *at = s;
	uint64_t first, last;
	uint32_t type;

	while (at + 7 <= end && memcmp(at, ": [mem ", 7) != 0)
		at++;
	if (at + 7 > end)
		return 0;	/* a gap line, or not an e820 line */
	at += 7;
	if (!hex64(&at, end, &first) || end - at < 1 || *at++ != '-' ||
	    !hex64(&at, end, &last) || at >= end || *at++ != ']' ||
	    last < first)
		return mc_map_report(map, MC_EBADBLOB, NULL, "line %zu: not "
				     "'[mem 0xFIRST-0xLAST]' with FIRST <= LAST",
				     lineno);
	if (first == 0 && last == UINT64_MAX)
		return mc_map_report(map, MC_EBADBLOB, NULL, "line %zu: an "
				     "entry of 2^64 bytes", lineno);
	while (at < end && *at == ' ')
		at++;
	if (!type_of(at, end, &type))
		return mc_map_report(map, MC_EBADBLOB, NULL, "line %zu: '%.*s' "
				     "is not an e820 type Linux prints",
				     lineno, (int)(end - at > 40 ? 40 : end - at),
				     at);
	return add_entry(t, first, last, type);
}

int mc_e820_text_decode(struct mc_map *map, const void *blob, size_t len)
{
	const char *p = blob, *end = p + len, *nl;
	struct entries t = { 0 };
	size_t lineno = 0;
	int err = 0;

	if (memchr(p, '\0', len))
		return MC_EBADBLOB;	/* binary: not text at all */
	for (; p < end && !err; p = nl ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		err = one_line(map, &t, p, nl ? nl : end, ++lineno);
	}
	if (!err && !t.n)
		err = MC_EBADBLOB;	/* no "[mem " line: not this format */
	if (!err)
		err = mc_e820_raw_decode(map, t.wire, t.n * MC_E820_ENTRY_SIZE);
	free(t.wire);
	return err;
}
