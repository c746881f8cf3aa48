// SPDX-License-Identifier: MIT
/*
 * text.c - entries as the kernel prints them, and as raw bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "memcarve-e820.h"
#include "le.h"

/* Linux 6.1 e820_print_type(); RESERVED_KERN (128) is never emitted. */
struct type_name {
	uint32_t type;
	const char *name;
	size_t len;
};

static const struct type_name names[] = {
#define NAME(t, s) { t, s, sizeof(s) - 1 }
	NAME(MC_E820_RAM, "usable"),
	NAME(MC_E820_RESERVED, "reserved"),
	NAME(MC_E820_SOFT_RESERVED, "soft reserved"),
	NAME(MC_E820_ACPI, "ACPI data"),
	NAME(MC_E820_NVS, "ACPI NVS"),
	NAME(MC_E820_UNUSABLE, "unusable"),
	NAME(MC_E820_PMEM, "persistent (type 7)"),
	NAME(MC_E820_PRAM, "persistent (type 12)"),
#undef NAME
};

/* "type 4294967295" and its NUL: the longest name of an unknown type. */
#define UNKNOWN_MAX 16

/* The name of @type, or NULL for one Linux prints as "type N". */
static const struct type_name *known(uint32_t type)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type)
			return &names[i];
	return NULL;
}

const char *mc_e820_type_name(uint32_t type, char *buf, size_t len)
{
	const struct type_name *t = known(type);

	if (t)
		return t->name;
	snprintf(buf, len, "type %" PRIu32, type);
	return buf;
}

/* ": [mem 0x", 16 digits, "-0x", 16 digits, "] ": then the name. */
#define NAME_AT 46
#define TAIL_MAX (NAME_AT + 20)		/* "persistent (type 12)" */

static size_t name_len(uint32_t type)
{
	const struct type_name *t = known(type);
	char buf[UNKNOWN_MAX];

	return t ? t->len : (size_t)snprintf(buf, sizeof(buf), "type %" PRIu32,
					     type);
}

/*
 * @v as 8 hex digits at @p, all at once. Each nibble is moved into a byte
 * of its own, the most significant into the lowest byte (mc_put_le64()
 * stores that one first); then the bytes become digits together: '0' + d,
 * plus 'a' - '0' - 10 where d >= 10, and no byte carries into the next.
 * A loop per digit was most of the text's cost.
 */
static inline void put_hex8(char *p, uint32_t v)
{
	uint64_t x = v >> 16 | (uint64_t)(v & 0xffff) << 32;
	uint64_t ten;

	x = (x >> 8 & 0x000000ff000000ffull) | (x & 0x000000ff000000ffull) << 16;
	x = (x >> 4 & 0x000f000f000f000full) | (x & 0x000f000f000f000full) << 8;
	ten = (x + 0x0606060606060606ull) >> 4 & 0x0101010101010101ull;
	x += 0x3030303030303030ull + ten * ('a' - '0' - 10);
	mc_put_le64((uint8_t *)p, x);
}

/*
 * What follows the prefix, ": [mem 0x...-0x...] usable", at @p with room
 * for TAIL_MAX bytes; returns its end. The kernel prints "%#018Lx"; its
 * vsprintf puts the 0x on zero too, unlike C's printf, so the C spelling
 * would be "0x%016". Written by hand: this runs once per entry, and
 * snprintf() was most of the cost.
 */
static char *put_tail(char *p, const struct mc_e820_entry *e)
{
	uint64_t last = e->addr + (e->size - 1);
	const struct type_name *t = known(e->type);

	memcpy(p, ": [mem 0x", 9);
	put_hex8(p + 9, (uint32_t)(e->addr >> 32));
	put_hex8(p + 17, (uint32_t)e->addr);
	memcpy(p + 25, "-0x", 3);
	put_hex8(p + 28, (uint32_t)(last >> 32));
	put_hex8(p + 36, (uint32_t)last);
	memcpy(p + 44, "] ", 2);
	if (t) {
		memcpy(p + NAME_AT, t->name, t->len);
		return p + NAME_AT + t->len;
	}
	return p + NAME_AT + (size_t)snprintf(p + NAME_AT, UNKNOWN_MAX,
					      "type %" PRIu32, e->type);
}

/* snprintf() semantics: cut to @len with a NUL, whole length returned. */
int mc_e820_format_line(const struct mc_e820_entry *e, const char *who,
			char *buf, size_t len)
{
	char tail[TAIL_MAX];
	size_t who_len = strlen(who);
	size_t tail_len = (size_t)(put_tail(tail, e) - tail);
	size_t at = who_len < len ? who_len : len;

	if (len) {
		memcpy(buf, who, at);
		memcpy(buf + at, tail,
		       tail_len < len - at ? tail_len : len - at);
		buf[who_len + tail_len < len ? who_len + tail_len :
					       len - 1] = '\0';
	}
	return (int)(who_len + tail_len);
}

int mc_e820_format(const struct mc_e820_entry *e, size_t n, const char *who,
		   char *buf, size_t len, size_t *needed)
{
	size_t who_len = strlen(who), need = 1;
	char *p = buf;

	*needed = 0;
	/* A line is at most who_len + TAIL_MAX + 1 bytes: the sum fits. */
	if (who_len > SIZE_MAX / 2 ||
	    (n && who_len + TAIL_MAX + 1 > (SIZE_MAX - 1) / n))
		return MC_ERANGE;
	for (size_t i = 0; i < n; i++)
		need += who_len + NAME_AT + name_len(e[i].type) + 1;
	*needed = need;
	if (len < need)
		return MC_ENOSPC;
	for (size_t i = 0; i < n; i++) {
		memcpy(p, who, who_len);
		p = put_tail(p + who_len, &e[i]);
		*p++ = '\n';
	}
	*p = '\0';
	return 0;
}

int mc_e820_encode(const struct mc_e820_entry *e, size_t n, void *buf,
		   size_t len, size_t *needed)
{
	uint8_t *p = buf;

	*needed = 0;
	if (n > SIZE_MAX / MC_E820_ENTRY_SIZE)
		return MC_ERANGE;
	*needed = n * MC_E820_ENTRY_SIZE;
	if (len < *needed)
		return MC_ENOSPC;
	for (size_t i = 0; i < n; i++, p += MC_E820_ENTRY_SIZE) {
		struct mc_e820_entry x = e[i];	/* no reload between stores */

		mc_put_le64(p, x.addr);
		mc_put_le64(p + 8, x.size);
		mc_put_le32(p + 16, x.type);
	}
	return 0;
}

size_t mc_e820_ext_count(size_t n)
{
	return n > MC_E820_ZEROPAGE_MAX ? n - MC_E820_ZEROPAGE_MAX : 0;
}
