/* SPDX-License-Identifier: MIT */
/*
 * le.h - little-endian fields in byte buffers, for the e820 emitter.
 *
 * The x86 boot structures are packed little-endian layouts; they are read
 * and written byte by byte so that neither host endianness nor struct
 * padding can leak into them.
 */
#ifndef MC_E820_LE_H
#define MC_E820_LE_H

#include <stdint.h>
#include <string.h>

static inline void mc_put_le(uint8_t *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * The fixed widths, once per table entry. On a little-endian host the
 * host's bytes are the wire's, and a memcpy is one store: compilers do not
 * merge the byte stores of mc_put_le() inside a loop.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline void mc_put_le32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void mc_put_le64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}
#else
static inline void mc_put_le32(uint8_t *p, uint32_t v)
{
	mc_put_le(p, v, 4);
}

static inline void mc_put_le64(uint8_t *p, uint64_t v)
{
	mc_put_le(p, v, 8);
}
#endif

static inline uint64_t mc_get_le(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = bytes; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

#endif /* MC_E820_LE_H */
