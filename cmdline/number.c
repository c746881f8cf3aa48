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

/* Bits in @v, v > 0: one instruction where the compiler has one. */
static unsigned int bit_length(uint64_t v)
{
#if defined(__GNUC__)
	return 64 - (unsigned int)__builtin_clzll(v);
#else
	unsigned int n = 0;

	for (; v; v >>= 1)
		n++;
	return n;
#endif
}

static size_t hex_digits(uint64_t v)
{
	return (bit_length(v) + 3) / 4;
}

/*
 * Decimal digits of @v > 0 without a loop: bits * log10(2) (1233 / 4096)
 * is the number of digits or one more, and one comparison tells which.
 * The lengths of a map's numbers vary from token to token; a loop that
 * stops at the length mispredicted its exit every time.
 */
static size_t dec_digits(uint64_t v)
{
	static const uint64_t pow10[20] = {
		1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
		10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
		100000000000ull, 1000000000000ull, 10000000000000ull,
		100000000000000ull, 1000000000000000ull,
		10000000000000000ull, 100000000000000000ull,
		1000000000000000000ull, 10000000000000000000ull,
	};
	unsigned int t = bit_length(v) * 1233 >> 12;

	return t + 1 - (v < pow10[t]);
}

/*
 * @v in @n digits, the last at @buf[n - 1] (no NUL): two digits per
 * division, from a table, so that each step waits on one multiply.
 */
static void put_dec(char *buf, size_t n, uint64_t v)
{
	static const char pairs[] =
		"00010203040506070809" "10111213141516171819"
		"20212223242526272829" "30313233343536373839"
		"40414243444546474849" "50515253545556575859"
		"60616263646566676869" "70717273747576777879"
		"80818283848586878889" "90919293949596979899";

	for (; n >= 2; v /= 100) {
		n -= 2;
		memcpy(buf + n, &pairs[2 * (v % 100)], 2);
	}
	if (n)
		buf[0] = (char)('0' + v);
}

static void put_hex(char *buf, size_t n, uint64_t v)
{
	while (n--) {
		buf[n] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	}
}

/*
 * Both lengths are counted first and only the shorter form is written, or
 * nothing when the caller only counts: every token's numbers go through
 * here two or three times, and formatting both forms was most of the
 * emitter's time. The largest of K, M and G that divides gives the fewest
 * digits: the shift is 10 for each of them that divides.
 */
size_t cl_number(uint64_t value, char *out)
{
	unsigned int shift = 10 * (!(value & 0x3ff) + !(value & 0xfffff) +
				   !(value & 0x3fffffff));
	size_t hex_len, n;

	if (value == 0) {
		if (out)
			out[0] = '0';
		return 1;
	}
	hex_len = 2 + hex_digits(value);	/* "0x" */
	n = dec_digits(value >> shift);
	if (shift && n + 1 <= hex_len) {
		if (out) {
			put_dec(out, n, value >> shift);
			out[n] = " KMG"[shift / 10];
		}
		return n + 1;
	}
	if (out) {
		memcpy(out, "0x", 2);
		put_hex(out + 2, hex_len - 2, value);
	}
	return hex_len;
}

size_t mc_cmdline_number(uint64_t value, char *buf)
{
	size_t n = cl_number(value, buf);

	buf[n] = '\0';
	return n;
}

size_t mc_cmdline_limit(enum mc_arch arch)
{
	/* COMMAND_LINE_SIZE in arch/<arch>/include/uapi/asm/setup.h */
	switch (arch) {
	case MC_ARCH_MIPS:
		return 4096;
	case MC_ARCH_RISCV64:
		/*
		 * 1024 since the arch got its own uapi setup.h (6.1 used
		 * asm-generic's 512 and has no Debian riscv64 build; 6.12,
		 * trixie's, has 1024): the smallest of the kernels we boot.
		 */
		return 1024;
	case MC_ARCH_X86_64:
	case MC_ARCH_ARM64:
	case MC_ARCH_PPC64:
	case MC_ARCH_NONE:
	default:
		return 2048;
	}
}
