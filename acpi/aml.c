// SPDX-License-Identifier: MIT
/*
 * aml.c - AML names, integers and package lengths (ACPI 6.4 §20.2).
 */
#include <string.h>
#include "aml.h"

static bool lead_char(char c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(char c)
{
	return lead_char(c) || (c >= '0' && c <= '9');
}

bool aml_path_parse(const char *s, struct aml_path *p)
{
	p->n = 0;
	if (!s || *s++ != '\\')
		return false;
	for (;;) {
		size_t k = 0;

		if (p->n == AML_PATH_SEGS_MAX || !lead_char(*s))
			return false;
		while (k < AML_NAMESEG && name_char(*s))
			p->seg[p->n][k++] = *s++;
		while (k < AML_NAMESEG)		/* "_SB" is "_SB_" */
			p->seg[p->n][k++] = '_';
		p->n++;
		if (*s != '.')
			return *s == '\0';
		s++;
	}
}

/* RootChar, the prefix for 2 or more segments, the segments. */
size_t aml_path_size(const struct aml_path *p)
{
	size_t prefix = p->n == 1 ? 0 : p->n == 2 ? 1 : 2;

	return 1 + prefix + AML_NAMESEG * p->n;
}

uint8_t *aml_put_path(uint8_t *at, const struct aml_path *p)
{
	*at++ = AML_ROOT_CHAR;
	if (p->n == 2) {
		*at++ = AML_DUAL_NAME_PREFIX;
	} else if (p->n > 2) {
		*at++ = AML_MULTI_NAME_PREFIX;
		*at++ = (uint8_t)p->n;	/* SegCount, at most 255 */
	}
	for (size_t i = 0; i < p->n; i++)
		at = aml_put_nameseg(at, p->seg[i]);
	return at;
}

uint8_t *aml_put_nameseg(uint8_t *at, const char name[AML_NAMESEG])
{
	memcpy(at, name, AML_NAMESEG);
	return at + AML_NAMESEG;
}

size_t aml_int_size(uint64_t v)
{
	if (v <= 1)
		return 1;		/* ZeroOp, OneOp */
	if (v <= UINT8_MAX)
		return 2;
	if (v <= UINT16_MAX)
		return 3;
	if (v <= UINT32_MAX)
		return 5;
	return 9;			/* QWordConst: table revision 2 */
}

uint8_t *aml_put_int(uint8_t *at, uint64_t v)
{
	size_t n = aml_int_size(v) - 1;

	if (!n) {
		*at++ = v ? AML_ONE_OP : AML_ZERO_OP;
		return at;
	}
	*at++ = n == 1 ? AML_BYTE_PREFIX : n == 2 ? AML_WORD_PREFIX :
		n == 4 ? AML_DWORD_PREFIX : AML_QWORD_PREFIX;
	for (size_t i = 0; i < n; i++)
		*at++ = (uint8_t)(v >> (8 * i));
	return at;
}

/*
 * The PkgLength counts itself. One byte holds up to 63 in bits 5:0;
 * longer, bits 7:6 of the lead byte say how many bytes follow, its bits
 * 3:0 hold the low nibble and each following byte the next 8 bits.
 */
size_t aml_pkglen_size(size_t content)
{
	static const size_t limit[] = { 0, 1u << 6, 1u << 12, 1u << 20,
					1u << 28 };

	for (size_t k = 1; k <= 4; k++)
		if (content < limit[k] - k)
			return k;
	return 0;
}

uint8_t *aml_put_pkglen(uint8_t *at, size_t content)
{
	size_t k = aml_pkglen_size(content), total = content + k;

	if (k == 1) {
		*at++ = (uint8_t)total;
		return at;
	}
	*at++ = (uint8_t)((k - 1) << 6 | (total & 0xf));
	for (size_t i = 1; i < k; i++)
		*at++ = (uint8_t)(total >> (4 + 8 * (i - 1)));
	return at;
}
