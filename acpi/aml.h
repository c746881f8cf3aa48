/* SPDX-License-Identifier: MIT */
/*
 * aml.h - the few AML encodings the SSDT needs (ACPI 6.4 §20, "ACPI
 * Machine Language (AML) Specification"), sized before they are written.
 *
 * Every writer takes a cursor into a buffer already sized by the matching
 * *_size() function, so the table is written once with no growing.
 */
#ifndef MC_ACPI_AML_H
#define MC_ACPI_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Opcodes and prefixes (§20.2.2, §20.2.3, §20.2.5). */
#define AML_ZERO_OP		0x00	/* ZeroOp */
#define AML_ONE_OP		0x01	/* OneOp */
#define AML_NAME_OP		0x08	/* DefName := NameOp NameString DataRefObject */
#define AML_BYTE_PREFIX		0x0a	/* ByteConst */
#define AML_WORD_PREFIX		0x0b	/* WordConst */
#define AML_DWORD_PREFIX	0x0c	/* DWordConst */
#define AML_QWORD_PREFIX	0x0e	/* QWordConst */
#define AML_BUFFER_OP		0x11	/* DefBuffer := BufferOp PkgLength BufferSize ByteList */
#define AML_DUAL_NAME_PREFIX	0x2e	/* two NameSegs follow */
#define AML_MULTI_NAME_PREFIX	0x2f	/* SegCount, then SegCount NameSegs */
#define AML_EXT_OP_PREFIX	0x5b
#define AML_DEVICE_OP		0x82	/* after ExtOpPrefix: DefDevice */
#define AML_ROOT_CHAR		0x5c	/* '\' */

#define AML_NAMESEG		4	/* NameSeg: 4 characters */
#define AML_PKGLEN_MAX		((1u << 28) - 1)	/* 4-byte PkgLength */
#define AML_PATH_SEGS_MAX	255	/* SegCount is a byte */

/* An absolute path, as NameSegs padded with '_'. */
struct aml_path {
	char seg[AML_PATH_SEGS_MAX][AML_NAMESEG];
	size_t n;
};

/*
 * Parse "\_SB.MCRV": a backslash, then NameSegs of 1 to 4 characters
 * (LeadNameChar 'A'-'Z' or '_', then also '0'-'9'; §20.2.2) joined by dots.
 * Return: true, or false for anything else.
 */
bool aml_path_parse(const char *s, struct aml_path *p);

/* NameString bytes of an absolute path (RootChar NamePath, §20.2.2). */
size_t aml_path_size(const struct aml_path *p);
uint8_t *aml_put_path(uint8_t *at, const struct aml_path *p);

/* The shortest ComputationalData for an Integer (§20.2.3). */
size_t aml_int_size(uint64_t v);
uint8_t *aml_put_int(uint8_t *at, uint64_t v);

/*
 * PkgLength (§20.2.4) for @content bytes after it: its own size in bytes
 * (1 to 4), or 0 when the package is too long for 28 bits.
 */
size_t aml_pkglen_size(size_t content);
uint8_t *aml_put_pkglen(uint8_t *at, size_t content);

/* A raw NameSeg such as "_HID". */
uint8_t *aml_put_nameseg(uint8_t *at, const char name[AML_NAMESEG]);

#endif /* MC_ACPI_AML_H */
