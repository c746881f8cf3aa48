// SPDX-License-Identifier: MIT
/*
 * ssdt_decode.c - mc_acpi_ssdt_decode(): the PNP0C02 SSDT read back.
 *
 * Only the AML memcarve writes (ssdt.c): a Device, Name objects for _HID,
 * _UID and _CRS, and a _CRS buffer of memory descriptors. Every read is
 * bounded by the package it is in; anything else is named and refused.
 */
#include <inttypes.h>
#include <string.h>
#include "aml.h"
#include "ssdt.h"
#include "memcarve-acpi-ssdt.h"

struct reader {
	const uint8_t *p;
	size_t at, end;		/* the package being read: [at, end) */
	const char *bad;	/* the first thing that did not read */
};

static bool take(struct reader *r, size_t n, const char *what)
{
	if (r->bad || r->end - r->at < n) {
		r->bad = r->bad ? r->bad : what;
		return false;
	}
	return true;
}

static uint64_t get(struct reader *r, size_t n, const char *what)
{
	uint64_t v = 0;

	if (!take(r, n, what))
		return 0;
	for (size_t i = n; i-- > 0;)
		v = v << 8 | r->p[r->at + i];
	r->at += n;
	return v;
}

/* A PkgLength (§20.2.4): the end of its package, inside the reader's. */
static size_t pkg_end(struct reader *r)
{
	size_t start = r->at, total, k;
	uint8_t lead = (uint8_t)get(r, 1, "PkgLength");

	k = lead >> 6;
	total = k ? lead & 0x0fu : lead & 0x3fu;
	for (size_t i = 0; i < k; i++)
		total |= (size_t)get(r, 1, "PkgLength") << (4 + 8 * i);
	if (!r->bad && (total < k + 1 || total > r->end - start))
		r->bad = "a PkgLength past its parent";
	return r->bad ? r->at : start + total;
}

/* An integer (§20.2.3): ZeroOp, OneOp, OnesOp or a prefixed constant. */
static uint64_t integer(struct reader *r)
{
	uint8_t op = (uint8_t)get(r, 1, "an integer");

	switch (op) {
	case AML_ZERO_OP:
		return 0;
	case AML_ONE_OP:
		return 1;
	case 0xff:		/* OnesOp */
		return UINT64_MAX;
	case AML_BYTE_PREFIX:
		return get(r, 1, "ByteConst");
	case AML_WORD_PREFIX:
		return get(r, 2, "WordConst");
	case AML_DWORD_PREFIX:
		return get(r, 4, "DWordConst");
	case AML_QWORD_PREFIX:
		return get(r, 8, "QWordConst");
	}
	r->bad = r->bad ? r->bad : "an integer";
	return 0;
}

/* A rooted NameString (§20.2.2), skipped. */
static void name_string(struct reader *r)
{
	uint64_t segs = 1;

	if (get(r, 1, "the device's path") != AML_ROOT_CHAR) {
		r->bad = r->bad ? r->bad : "the device's path (not rooted)";
		return;
	}
	if (take(r, 1, "the device's path") &&
	    r->p[r->at] == AML_DUAL_NAME_PREFIX) {
		r->at++;
		segs = 2;
	} else if (take(r, 1, "the device's path") &&
		   r->p[r->at] == AML_MULTI_NAME_PREFIX) {
		r->at++;
		segs = get(r, 1, "SegCount");
	}
	if (take(r, segs * AML_NAMESEG, "the device's path"))
		r->at += segs * AML_NAMESEG;
}

static int add(struct mc_map *map, uint64_t first, uint64_t last)
{
	struct mc_region reg = { 0 };

	reg.first = first;
	reg.last = last;
	reg.kind = MC_RESERVED;
	reg.name = "pnp0c02";
	return mc_map_add(map, &reg);
}

/* One descriptor of the _CRS; 1 after the End Tag. */
static int descriptor(struct mc_map *map, struct reader *r)
{
	size_t at = r->at;
	uint8_t tag = (uint8_t)get(r, 1, "a descriptor");
	uint64_t first, last;

	if (tag == END_TAG_VALUE) {
		get(r, 1, "the End Tag");
		return 1;
	}
	if (tag == QW_TAG_VALUE && take(r, QW_SIZE - 1, "QWordMemory") &&
	    get_le16(r->p + at + QW_LENGTH) == QW_SIZE - QW_RESOURCE_TYPE &&
	    r->p[at + QW_RESOURCE_TYPE] == QW_MEMORY) {
		first = get_le64(r->p + at + QW_MIN);
		last = get_le64(r->p + at + QW_MAX);
		r->at = at + QW_SIZE;
		if (last < first ||
		    get_le64(r->p + at + QW_LEN) != last - first + 1) {
			r->bad = "a QWordMemory whose _LEN is not _MAX - _MIN + 1";
			return 0;
		}
		return add(map, first, last);
	}
	if (tag == M32F_TAG_VALUE && take(r, M32F_SIZE - 1, "Memory32Fixed") &&
	    get_le16(r->p + at + 1) == M32F_SIZE - 3 &&
	    get_le32(r->p + at + 8) != 0) {
		first = get_le32(r->p + at + 4);
		r->at = at + M32F_SIZE;
		return add(map, first, first + (get_le32(r->p + at + 8) - 1));
	}
	r->bad = r->bad ? r->bad : "a descriptor other than QWordMemory, "
				   "Memory32Fixed or the End Tag";
	return 0;
}

/* Name (_CRS, Buffer (N) { descriptors }). */
static int crs(struct mc_map *map, struct reader *r)
{
	struct reader b = *r;
	int st = 0;

	if (get(r, 1, "_CRS") != AML_BUFFER_OP) {
		r->bad = r->bad ? r->bad : "_CRS (not a Buffer)";
		return 0;
	}
	b.at = r->at;
	b.end = pkg_end(&b);
	if (!b.bad && integer(&b) != b.end - b.at)
		b.bad = "_CRS BufferSize (not the bytes that follow)";
	while (!b.bad && st == 0)
		st = descriptor(map, &b);
	if (!b.bad && (st != 1 || b.at != b.end))
		b.bad = "_CRS (bytes after the End Tag)";
	r->bad = b.bad;
	r->at = b.end;
	return st < 0 ? st : 0;
}

/* The Name objects of the device; *@hid once _HID is PNP0C02. */
static int names(struct mc_map *map, struct reader *r, bool *hid, bool *res)
{
	int err = 0;

	while (!err && !r->bad && r->at < r->end) {
		const uint8_t *seg = r->p + r->at + 1;

		if (get(r, 1, "a Name") != AML_NAME_OP ||
		    !take(r, AML_NAMESEG, "a Name")) {
			r->bad = r->bad ? r->bad : "an object other than Name";
			break;
		}
		r->at += AML_NAMESEG;
		if (!memcmp(seg, "_HID", 4))
			*hid = integer(r) == EISAID_PNP0C02;
		else if (!memcmp(seg, "_UID", 4))
			integer(r);
		else if (!memcmp(seg, "_CRS", 4))
			err = (*res = true) ? crs(map, r) : 0;
		else
			r->bad = "a Name other than _HID, _UID, _CRS";
	}
	return err;
}

int mc_acpi_ssdt_decode(struct mc_map *map, const void *blob, size_t len)
{
	struct reader r = { blob, SDT_SIZE, len, NULL };
	bool hid = false, res = false;
	int err = acpi_check_table(map, blob, len, SSDT_SIG, "SSDT");

	if (err <= 0)
		return err ? err : MC_EBADBLOB;
	err = mc_map_set_arch(map, MC_ARCH_X86_64);
	if (get(&r, 2, "Device") != (AML_DEVICE_OP << 8 | AML_EXT_OP_PREFIX))
		r.bad = r.bad ? r.bad : "the first object (not a Device)";
	r.end = pkg_end(&r);
	name_string(&r);
	if (!err)
		err = names(map, &r, &hid, &res);
	if (!err && !r.bad && (!hid || !res))
		r.bad = hid ? "the device (no _CRS)" :
			      "the device (no _HID PNP0C02)";
	if (!err && r.bad)
		err = mc_map_report(map, MC_EBADBLOB, "SSDT", "%s: not "
				    "the AML memcarve writes", r.bad);
	return err;
}
