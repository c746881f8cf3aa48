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

static size_t hex_digits(uint64_t v)
{
	size_t n = 1;

	while (v >>= 4)
		n++;
	return n;
}

static size_t dec_digits(uint64_t v)
{
	size_t n = 1;

	/* 10^19 is the last power of ten below 2^64. */
	for (uint64_t p = 10; n < 20 && v >= p; p *= 10)
		n++;
	return n;
}

/* @v in @n digits, the last at @buf[n - 1] (no NUL). */
static void put_dec(char *buf, size_t n, uint64_t v)
{
	while (n--) {
		buf[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

static void put_hex(char *buf, size_t n, uint64_t v)
{
	while (n--) {
		buf[n] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	}
}

/*
 * Both lengths are counted first and only the shorter form is written:
 * this runs twice per token, and formatting both with snprintf() was most
 * of the emitter's time.
 */
size_t mc_cmdline_number(uint64_t value, char *buf)
{
	size_t hex_len, n;

	if (value == 0) {
		memcpy(buf, "0", 2);
		return 1;
	}
	hex_len = 2 + hex_digits(value);	/* "0x" */
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		uint64_t unit = UINT64_C(1) << suffixes[i].shift;
		uint64_t units = value >> suffixes[i].shift;

		if (value % unit)
			continue;
		/* The largest unit that divides gives the fewest digits. */
		n = dec_digits(units);
		if (n + 1 > hex_len)
			break;
		put_dec(buf, n, units);
		buf[n] = suffixes[i].suffix;
		buf[n + 1] = '\0';
		return n + 1;
	}
	memcpy(buf, "0x", 2);
	put_hex(buf + 2, hex_len - 2, value);
	buf[hex_len] = '\0';
	return hex_len;
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
