// SPDX-License-Identifier: MIT
/*
 * text.c - entries as the kernel prints them, and as raw bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "memcarve-e820.h"
#include "internal/byteorder.h"

/*
 * e820_print_type() of arch/x86/kernel/e820.c, by generation:
 *  - 5.5 to 6.14: "usable", "reserved", ...; RESERVED_KERN (128, the
 *    kernel's own type for setup_data) is printed "usable" too. Soft
 *    reserved got its name in 5.5, the floor memcarve knows.
 *  - 6.15 drops RESERVED_KERN ("x86/e820: drop E820_TYPE_RESERVED_KERN
 *    and related code", Mike Rapoport): 128 is "type 128".
 *  - 7.0 (the x86/boot rework by Ingo Molnar, merged from
 *    x86-boot-2026-02-09): "System RAM", "device reserved", "persistent
 *    RAM (type N)"; every name is printed after its own space, so two
 *    follow the "]"; a "[gap ...]" line precedes an entry that does not
 *    start where the one before it ended (the first one: at 0).
 */
enum gen { GEN_5_5, GEN_6_15, GEN_7_0 };

struct type_name {
	uint32_t type;
	const char *name[2];	/* before 7.0, from 7.0 */
	uint8_t len[2];
};

#define MC_E820_RESERVED_KERN 128u

static const struct type_name names[] = {
#define NAME(t, a, b) { t, { a, b }, { sizeof(a) - 1, sizeof(b) - 1 } }
	NAME(MC_E820_RAM, "usable", "System RAM"),
	NAME(MC_E820_RESERVED, "reserved", "device reserved"),
	NAME(MC_E820_SOFT_RESERVED, "soft reserved", "soft reserved"),
	NAME(MC_E820_ACPI, "ACPI data", "ACPI data"),
	NAME(MC_E820_NVS, "ACPI NVS", "ACPI NVS"),
	NAME(MC_E820_UNUSABLE, "unusable", "unusable"),
	NAME(MC_E820_PMEM, "persistent (type 7)", "persistent RAM (type 7)"),
	NAME(MC_E820_PRAM, "persistent (type 12)", "persistent RAM (type 12)"),
	NAME(MC_E820_RESERVED_KERN, "usable", "usable"),
#undef NAME
};

/* "type 4294967295" and its NUL: the longest name of an unknown type. */
#define UNKNOWN_MAX 16

static enum gen gen_of(uint32_t version)
{
	if (version == MC_LINUX_NEWEST || version >= MC_LINUX_VERSION(7, 0))
		return GEN_7_0;
	return version >= MC_LINUX_VERSION(6, 15) ? GEN_6_15 : GEN_5_5;
}

/* The name of @type, or NULL for one Linux prints as "type N". */
static const struct type_name *known(uint32_t type, enum gen gen)
{
	if (type == MC_E820_RESERVED_KERN && gen != GEN_5_5)
		return NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type)
			return &names[i];
	return NULL;
}

const char *mc_e820_type_name_linux(uint32_t type, uint32_t version,
				    char *buf, size_t len)
{
	enum gen gen = gen_of(version);
	const struct type_name *t = known(type, gen);

	if (t)
		return t->name[gen == GEN_7_0];
	snprintf(buf, len, "type %" PRIu32, type);
	return buf;
}

const char *mc_e820_type_name(uint32_t type, char *buf, size_t len)
{
	return mc_e820_type_name_linux(type, MC_LINUX_VERSION(6, 1), buf, len);
}

/* ": [mem 0x", 16 digits, "-0x", 16 digits, "]": then " " and the name. */
#define BRACKET_END 45
#define NAME_MAX_LEN 24			/* "persistent RAM (type 12)" */
#define TAIL_MAX (BRACKET_END + 2 + NAME_MAX_LEN)
#define GAP_LEN BRACKET_END		/* ": [gap 0x...-0x...]" */
static const char fw_bug[] = "[Firmware Bug]: out of order E820 entry!";
#define FW_BUG_LEN (sizeof(fw_bug) - 1)

static size_t name_len(uint32_t type, enum gen gen)
{
	const struct type_name *t = known(type, gen);
	char buf[UNKNOWN_MAX];

	return t ? t->len[gen == GEN_7_0] :
		   (size_t)snprintf(buf, sizeof(buf), "type %" PRIu32, type);
}

/*
 * @v as 8 hex digits at @p, all at once. Each nibble is moved into a byte
 * of its own, the most significant into the lowest byte (put_le64()
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
	put_le64((uint8_t *)p, x);
}

/*
 * ": [@what 0x...-0x...]" at @p; returns its end. The kernel prints
 * "%#018Lx"; its vsprintf puts the 0x on zero too, unlike C's printf, so
 * the C spelling would be "0x%016". Written by hand: this runs once per
 * entry, and snprintf() was most of the cost.
 */
static char *put_range(char *p, const char *what, uint64_t first,
		       uint64_t last)
{
	memcpy(p, ": [", 3);
	memcpy(p + 3, what, 3);
	memcpy(p + 6, " 0x", 3);
	put_hex8(p + 9, (uint32_t)(first >> 32));
	put_hex8(p + 17, (uint32_t)first);
	memcpy(p + 25, "-0x", 3);
	put_hex8(p + 28, (uint32_t)(last >> 32));
	put_hex8(p + 36, (uint32_t)last);
	p[44] = ']';
	return p + BRACKET_END;
}

/*
 * What follows the prefix, ": [mem 0x...-0x...] usable", at @p with room
 * for TAIL_MAX bytes; returns its end. The last byte is addr + size - 1
 * modulo 2^64, as the kernel's u64 arithmetic has it.
 */
static char *put_tail(char *p, const struct mc_e820_entry *e, enum gen gen)
{
	const struct type_name *t = known(e->type, gen);

	p = put_range(p, "mem", e->addr, e->addr + (e->size - 1));
	*p++ = ' ';
	if (gen == GEN_7_0)
		*p++ = ' ';
	if (t) {
		memcpy(p, t->name[gen == GEN_7_0], t->len[gen == GEN_7_0]);
		return p + t->len[gen == GEN_7_0];
	}
	return p + (size_t)snprintf(p, UNKNOWN_MAX, "type %" PRIu32, e->type);
}

int mc_e820_format_line(const struct mc_e820_entry *e, const char *who,
			char *buf, size_t *size)
{
	char tail[TAIL_MAX];
	size_t who_len = strlen(who), room = *size;
	size_t tail_len = (size_t)(put_tail(tail, e, GEN_5_5) - tail);

	if (who_len > SIZE_MAX - TAIL_MAX - 1)
		return MC_ERANGE;
	*size = who_len + tail_len + 1;
	if (room < *size)
		return MC_ENOSPC;
	memcpy(buf, who, who_len);
	memcpy(buf + who_len, tail, tail_len);
	buf[who_len + tail_len] = '\0';
	return 0;
}

/*
 * What e820__print_table() of 7.0 prints before entry @i besides its own
 * line, from the end of the entry before it (0 before the first; u64
 * arithmetic, so an end at 2^64 is 0): a gap line when the entry starts
 * above it, the firmware-bug line when below.
 */
enum before { BEFORE_NOTHING, BEFORE_GAP, BEFORE_FW_BUG };

static enum before before_entry(const struct mc_e820_entry *e, size_t i)
{
	uint64_t prev_end = i ? e[i - 1].addr + e[i - 1].size : 0;

	if (e[i].addr > prev_end)
		return BEFORE_GAP;
	return e[i].addr < prev_end ? BEFORE_FW_BUG : BEFORE_NOTHING;
}

/* Bytes of the whole text with its NUL; every line is short, no wrap. */
static size_t text_size(const struct mc_e820_entry *e, size_t n,
			size_t who_len, enum gen gen)
{
	size_t need = 1;

	for (size_t i = 0; i < n; i++) {
		need += who_len + BRACKET_END + 1 + name_len(e[i].type, gen) + 1;
		if (gen != GEN_7_0)
			continue;
		need += 1;
		switch (before_entry(e, i)) {
		case BEFORE_GAP:
			need += who_len + GAP_LEN + 1;
			break;
		case BEFORE_FW_BUG:
			need += FW_BUG_LEN + 1;
			break;
		default:
			break;
		}
	}
	return need;
}

static char *put_before(char *p, const struct mc_e820_entry *e, size_t i,
			const char *who, size_t who_len)
{
	switch (before_entry(e, i)) {
	case BEFORE_GAP:
		memcpy(p, who, who_len);
		p = put_range(p + who_len, "gap",
			      i ? e[i - 1].addr + e[i - 1].size : 0,
			      e[i].addr - 1);
		*p++ = '\n';
		break;
	case BEFORE_FW_BUG:
		memcpy(p, fw_bug, FW_BUG_LEN);
		p += FW_BUG_LEN;
		*p++ = '\n';
		break;
	default:
		break;
	}
	return p;
}

int mc_e820_print(const struct mc_e820_entry *e, size_t n, const char *who,
		  uint32_t version, char *buf, size_t *size)
{
	enum gen gen = gen_of(version);
	size_t who_len = strlen(who), need, len = *size, *needed = size;
	char *p = buf;

	*needed = 0;
	if (version && version < MC_LINUX_OLDEST)
		return MC_EINVAL;
	/* Two lines of at most who_len + TAIL_MAX + 1 bytes: the sum fits. */
	if (who_len > SIZE_MAX / 8 ||
	    (n && 2 * (who_len + TAIL_MAX + 1) > (SIZE_MAX - 1) / n))
		return MC_ERANGE;
	need = text_size(e, n, who_len, gen);
	*needed = need;
	if (len < need)
		return MC_ENOSPC;
	for (size_t i = 0; i < n; i++) {
		if (gen == GEN_7_0)
			p = put_before(p, e, i, who, who_len);
		memcpy(p, who, who_len);
		p = put_tail(p + who_len, &e[i], gen);
		*p++ = '\n';
	}
	*p = '\0';
	return 0;
}

int mc_e820_encode(const struct mc_e820_entry *e, size_t n, void *buf,
		   size_t *size)
{
	uint8_t *p = buf;
	size_t len = *size, *needed = size;

	*needed = 0;
	if (n > SIZE_MAX / MC_E820_ENTRY_SIZE)
		return MC_ERANGE;
	*needed = n * MC_E820_ENTRY_SIZE;
	if (len < *needed)
		return MC_ENOSPC;
	for (size_t i = 0; i < n; i++, p += MC_E820_ENTRY_SIZE) {
		struct mc_e820_entry x = e[i];	/* no reload between stores */

		put_le64(p, x.addr);
		put_le64(p + 8, x.size);
		put_le32(p + 16, x.type);
	}
	return 0;
}

size_t mc_e820_ext_count(size_t n)
{
	return n > MC_E820_ZEROPAGE_MAX ? n - MC_E820_ZEROPAGE_MAX : 0;
}
