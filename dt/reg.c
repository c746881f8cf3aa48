// SPDX-License-Identifier: MIT
/*
 * reg.c - reg values and node names, as the DT spec spells them.
 *
 * Cells are big-endian 32-bit words; an address or size of two cells puts
 * the high word first. Callers check that a value fits before encoding.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "dt-internal.h"

static unsigned char *put_cells(unsigned char *p, unsigned int cells,
				uint64_t v)
{
	for (unsigned int i = cells; i-- > 0; p += sizeof(fdt32_t))
		fdt32_st(p, (uint32_t)(v >> (32 * i)));
	return p;
}

/* One (address, size) pair; returns the bytes written (4 per cell). */
size_t dt_reg_encode(unsigned char *out, unsigned int addr_cells,
		     unsigned int size_cells, uint64_t addr, uint64_t size)
{
	unsigned char *p = put_cells(out, addr_cells, addr);

	p = put_cells(p, size_cells, size);
	return (size_t)(p - out);
}

/* A 1- or 2-cell value; wider values keep their low 64 bits. */
uint64_t dt_cells_get(const unsigned char *p, unsigned int cells)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < cells; i++)
		v = v << 32 | fdt32_ld((const fdt32_t *)p + i);
	return v;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Hex digits of a unit address: at least one. */
static size_t hex_digits(uint64_t addr)
{
	size_t n = 1;

	while (n < 16 && addr >> (4 * n))
		n++;
	return n;
}

/*
 * "name@addr": the unit address is the first reg address, in hex. Written
 * by hand (snprintf() was a fifth of a build: it runs for every node), cut
 * to @len the way snprintf() cuts "%s@%" PRIx64. Returns its length.
 */
size_t dt_node_name(char *buf, size_t len, const char *name, uint64_t addr)
{
	size_t digits = hex_digits(addr), n_name, n_tail;
	char tail[1 + 16];	/* "@" and up to 16 hex digits */

	tail[0] = '@';
	for (size_t i = digits; i > 0; i--, addr >>= 4)
		tail[i] = "0123456789abcdef"[addr & 0xf];
	if (len == 0)
		return 0;
	n_name = min_size(strlen(name), len - 1);
	memcpy(buf, name, n_name);
	n_tail = min_size(1 + digits, len - 1 - n_name);
	memcpy(buf + n_name, tail, n_tail);
	buf[n_name + n_tail] = '\0';
	return n_name + n_tail;
}

/* What dt_node_name() returns for a DT_NODE_NAME_LEN buffer. */
size_t dt_node_name_len(const char *name, uint64_t addr)
{
	return min_size(strlen(name) + 1 + hex_digits(addr),
			DT_NODE_NAME_LEN - 1);
}

/* DT spec 2.2.1: what a node name or unit address may hold. */
static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == ',' || c == '.' || c == '_' ||
	       c == '+' || c == '-';
}

/* The @n bytes at @name: 1 to 31 name characters, starting with a letter. */
static bool node_name_ok(const char *name, size_t n)
{
	if (n == 0 || n > DT_NAME_MAX)
		return false;
	if (!((name[0] >= 'a' && name[0] <= 'z') ||
	      (name[0] >= 'A' && name[0] <= 'Z')))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!name_char(name[i]))
			return false;
	return true;
}

/*
 * DT spec 2.2.1: 1 to 31 characters from [0-9a-zA-Z,._+-], starting with a
 * letter. dtc and Linux accept more, but not every consumer does.
 */
bool dt_name_valid(const char *name)
{
	return node_name_ok(name, strlen(name));
}

/*
 * A name dtc reads back (its checks.c errors node_name_chars and
 * node_name_format): only a-z A-Z 0-9 , . _ + - and at most one '@'. It
 * is looser than the spec on purpose: a base may use any name dtc and
 * Linux accept (a leading digit, __symbols__, over 31 characters), while
 * a byte outside these would make dtc refuse the patched tree.
 */
bool dt_base_name_ok(const char *name)
{
	bool at = false;

	for (; *name; name++) {
		if (*name == '@' && !at)
			at = true;
		else if (!name_char(*name))
			return false;
	}
	return true;
}

/*
 * Whether @unit is a unit address as dt_node_name() writes one (lower-case
 * hex, no leading zero), and of which address. Only a base name with such
 * a unit can equal the name of a node of ours.
 */
bool dt_unit_addr(const char *unit, uint64_t *addr)
{
	size_t n;

	*addr = 0;
	for (n = 0; unit[n]; n++) {
		char ch = unit[n];

		if (n == 16)
			return false;
		if (ch >= '0' && ch <= '9')
			*addr = *addr << 4 | (uint64_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			*addr = *addr << 4 | (uint64_t)(ch - 'a' + 10);
		else
			return false;
	}
	return n > 0 && (unit[0] != '0' || n == 1);
}
