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

static inline void mc_put_le(uint8_t *p, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t mc_get_le(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = bytes; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

#endif /* MC_E820_LE_H */
