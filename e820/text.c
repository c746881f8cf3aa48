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
const char *mc_e820_type_name(uint32_t type, char *buf, size_t len)
{
	switch (type) {
	case MC_E820_RAM:
		return "usable";
	case MC_E820_RESERVED:
		return "reserved";
	case MC_E820_SOFT_RESERVED:
		return "soft reserved";
	case MC_E820_ACPI:
		return "ACPI data";
	case MC_E820_NVS:
		return "ACPI NVS";
	case MC_E820_UNUSABLE:
		return "unusable";
	case MC_E820_PMEM:
		return "persistent (type 7)";
	case MC_E820_PRAM:
		return "persistent (type 12)";
	default:
		snprintf(buf, len, "type %" PRIu32, type);
		return buf;
	}
}

/* A line as snprintf() writes it: cut to @len with a NUL, length counted. */
struct line_out {
	char *buf;
	size_t len, at;
};

static void put(struct line_out *o, const char *s, size_t n)
{
	if (o->at < o->len)
		memcpy(o->buf + o->at, s,
		       n < o->len - o->at ? n : o->len - o->at);
	o->at += n;
}

static void put_str(struct line_out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* "0x%016" PRIx64: always 16 digits, so a fixed loop writes them. */
static void put_hex16(struct line_out *o, uint64_t v)
{
	char hex[18] = "0x";

	for (int i = 17; i >= 2; i--, v >>= 4)
		hex[i] = "0123456789abcdef"[v & 0xf];
	put(o, hex, sizeof(hex));
}

/*
 * The kernel prints "%#018Lx"; its vsprintf puts the 0x on zero too,
 * unlike C's printf, so the C spelling is "0x%016". Written by hand: this
 * is called once per entry, and snprintf() was most of the cost.
 */
int mc_e820_format_line(const struct mc_e820_entry *e, const char *who,
			char *buf, size_t len)
{
	char tmp[24];
	const char *name = mc_e820_type_name(e->type, tmp, sizeof(tmp));
	struct line_out o = { buf, len, 0 };

	put_str(&o, who);
	put_str(&o, ": [mem ");
	put_hex16(&o, e->addr);
	put_str(&o, "-");
	put_hex16(&o, e->addr + (e->size - 1));
	put_str(&o, "] ");
	put_str(&o, name);
	if (len)
		buf[o.at < len ? o.at : len - 1] = '\0';
	return (int)o.at;
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
		mc_put_le(p, e[i].addr, 8);
		mc_put_le(p + 8, e[i].size, 8);
		mc_put_le(p + 16, e[i].type, 4);
	}
	return 0;
}

size_t mc_e820_ext_count(size_t n)
{
	return n > MC_E820_ZEROPAGE_MAX ? n - MC_E820_ZEROPAGE_MAX : 0;
}
