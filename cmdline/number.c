// SPDX-License-Identifier: MIT
/*
 * number.c - numbers the way the kernel's memparse() reads them back.
 *
 * memparse() is simple_strtoull(s, &end, 0) followed by an optional K, M,
 * G, T, P or E that shifts the value left by 10 per step. Base 0 means a
 * leading "0x" is hex and a leading "0" is octal, so a decimal number must
 * never start with 0 (except 0 itself). We use K, M and G only: every
 * kernel and boot loader knows them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "cmdline.h"

static const struct {
	char suffix;
	unsigned int shift;
} suffixes[] = {
	{ 'G', 30 },
	{ 'M', 20 },
	{ 'K', 10 },
};

size_t mc_cmdline_number(uint64_t value, char *buf)
{
	char hex[MC_CMDLINE_NUMBER_MAX];
	int hex_len, dec_len;

	if (value == 0) {
		memcpy(buf, "0", 2);
		return 1;
	}
	hex_len = snprintf(hex, sizeof(hex), "0x%" PRIx64, value);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		uint64_t unit = UINT64_C(1) << suffixes[i].shift;

		if (value % unit)
			continue;
		/* The largest unit that divides gives the fewest digits. */
		dec_len = snprintf(buf, MC_CMDLINE_NUMBER_MAX, "%" PRIu64 "%c",
				   value >> suffixes[i].shift,
				   suffixes[i].suffix);
		if (dec_len <= hex_len)
			return (size_t)dec_len;
		break;
	}
	memcpy(buf, hex, (size_t)hex_len + 1);
	return (size_t)hex_len;
}

size_t mc_cmdline_limit(enum mc_arch arch)
{
	/* COMMAND_LINE_SIZE in arch/<arch>/include/uapi/asm/setup.h */
	switch (arch) {
	case MC_ARCH_MIPS:
		return 4096;
	case MC_ARCH_X86_64:
	case MC_ARCH_ARM64:
	case MC_ARCH_PPC64:
	case MC_ARCH_NONE:
	default:
		return 2048;
	}
}
