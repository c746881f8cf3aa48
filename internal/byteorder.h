/* SPDX-License-Identifier: MIT */
/*
 * byteorder.h - little-endian fields in byte buffers: the x86 boot
 * structures (e820) and the ACPI tables. Not installed.
 *
 * Binary layouts are written and read one field at a time, at the offset
 * the format gives, so neither host byte order nor struct padding can leak
 * into them. Big-endian fields are the device tree's alone, and dt/ uses
 * libfdt's fdt32_ld(), fdt32_st() and fdt64_st() for them.
 */
#ifndef MC_INTERNAL_BYTEORDER_H
#define MC_INTERNAL_BYTEORDER_H

#include <stdint.h>
#include <string.h>

/* A byte has no order; here so that a layout is written with one set. */
static inline void put8(uint8_t *p, uint8_t v)
{
	p[0] = v;
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/*
 * On a little-endian host the host's bytes are the wire's, and a memcpy
 * is one store: compilers do not always merge byte stores (the e820 table
 * writes three per entry, for up to 10^6 entries).
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline void put_le32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}
#else
static inline void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}
#endif

static inline uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)get_le16(p) | (uint32_t)get_le16(p + 2) << 16;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

#endif /* MC_INTERNAL_BYTEORDER_H */
