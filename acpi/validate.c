// SPDX-License-Identifier: MIT
/*
 * validate.c - a base table is checked whole before patch mode copies it.
 *
 * Length and checksum are checked by acpi_check_table(). Here: the
 * revision, and every length inside the table (structures, their device
 * scopes or entries, IORT ID mappings and RMR descriptors), so the
 * patched table never carries a structure that runs past its parent: our
 * own decoder, iasl and the guest's kernel would read it out of bounds or
 * stop. Each table keeps the fields it cannot be without.
 */
#include <stdlib.h>
#include "acpi.h"
#include "dmar.h"
#include "iort.h"
#include "ivrs.h"

/* The newest IORT revision there is: 6 = E.e (DEN 0049E.e). */
#define IORT_REVISION_MAX 6

/* IVRS block types with device entries, and where the entries start. */
#define IVRS_TYPE_IVHD_11 0x11
#define IVRS_TYPE_IVHD_40 0x40
#define IVHD_11_SIZE 40
#define IVHD_DEV_ACPI_HID 0xf0
#define IVHD_HID_UID_LENGTH 21		/* u8, then the UID */
#define IVHD_HID_SIZE 22

static int bad(struct mc_map *map, const char *fmt, size_t off, size_t a)
{
	return mc_map_report(map, MC_EBADBLOB, "base", fmt, off, a);
}

static int check_revision(struct mc_map *map, const char *sig, uint8_t rev,
			  uint8_t lo, uint8_t hi)
{
	if (rev >= lo && rev <= hi)
		return 0;
	return mc_map_report(map, MC_EBADBLOB, "base",
			     "%s: table revision %u; memcarve patches "
			     "revisions %u to %u",
			     sig, rev, lo, hi);
}

/* Device scopes from @at to the end of a DMAR structure of @len bytes. */
static int dmar_scopes(struct mc_map *map, const uint8_t *s, size_t len,
		       size_t at, size_t off)
{
	if (len < at)
		return bad(map, "DMAR: structure at 0x%zx is %zu bytes, "
			   "shorter than its fixed part", off, len);
	while (at < len) {
		uint8_t slen;

		if (len - at < DMAR_SCOPE_SIZE ||
		    (slen = s[at + DMAR_SCOPE_LENGTH]) < DMAR_SCOPE_SIZE ||
		    slen > len - at ||
		    (slen - DMAR_SCOPE_SIZE) % DMAR_PATH_SIZE)
			return bad(map, "DMAR: structure at 0x%zx: device "
				   "scope at +0x%zx does not fit", off, at);
		at += slen;
	}
	return 0;
}

/* Where the device scopes of a DMAR structure start; 0: it has none. */
static size_t dmar_scope_start(uint16_t type)
{
	switch (type) {
	case DMAR_TYPE_DRHD:
		return DMAR_DRHD_SIZE;
	case DMAR_TYPE_RMRR:
		return DMAR_RMRR_SIZE;
	case 2:		/* ATSR: flags, reserved, segment */
	case 5:		/* SATC: flags, reserved, segment */
		return 8;
	default:
		return 0;
	}
}

static int validate_dmar(struct mc_map *map, const uint8_t *p, size_t len)
{
	int err = check_revision(map, "DMAR", p[SDT_REVISION], 1, 1);

	if (!err && len < DMAR_SIZE)
		err = bad(map, "DMAR: %zu bytes, shorter than its %zu-byte "
			  "header", len, DMAR_SIZE);
	for (size_t off = DMAR_SIZE; !err && off < len;) {
		uint16_t slen;
		size_t scopes;

		if (len - off < DMAR_STRUCT_SIZE ||
		    (slen = get16(p + off + DMAR_STRUCT_LENGTH)) <
			    DMAR_STRUCT_SIZE || slen > len - off)
			return bad(map, "DMAR: structure at 0x%zx does not fit "
				   "in the table (%zu bytes)", off, len);
		scopes = dmar_scope_start(get16(p + off + DMAR_STRUCT_TYPE));
		if (scopes)
			err = dmar_scopes(map, p + off, slen, scopes, off);
		off += slen;
	}
	return err;
}

/* The size of the IVHD device entry at @e (Linux ivhd_entry_length()). */
static size_t ivhd_entry_size(const uint8_t *e, size_t room)
{
	if (e[IVHD_ENTRY_TYPE] < 0x80)
		return (size_t)4 << (e[IVHD_ENTRY_TYPE] >> 6);
	if (e[IVHD_ENTRY_TYPE] == IVHD_DEV_ACPI_HID && room > IVHD_HID_SIZE)
		return IVHD_HID_SIZE + e[IVHD_HID_UID_LENGTH];
	return 0;	/* unknown: Linux cannot step over it */
}

static int ivhd_entries(struct mc_map *map, const uint8_t *b, size_t len,
			size_t at, size_t off)
{
	if (len < at)
		return bad(map, "IVRS: IVHD at 0x%zx is %zu bytes, shorter "
			   "than its fixed part", off, len);
	while (at < len) {
		size_t n = ivhd_entry_size(b + at, len - at);

		if (n == 0 || n > len - at)
			return bad(map, "IVRS: IVHD at 0x%zx: device entry at "
				   "+0x%zx does not fit", off, at);
		at += n;
	}
	return 0;
}

static int validate_ivrs_block(struct mc_map *map, const uint8_t *b,
			       size_t len, size_t off)
{
	switch (b[IVRS_BLOCK_TYPE]) {
	case IVRS_TYPE_IVHD_10:
		return ivhd_entries(map, b, len, IVHD_10_SIZE, off);
	case IVRS_TYPE_IVHD_11:
	case IVRS_TYPE_IVHD_40:
		return ivhd_entries(map, b, len, IVHD_11_SIZE, off);
	case IVRS_TYPE_IVMD_ALL:
	case IVRS_TYPE_IVMD_ONE:
	case IVRS_TYPE_IVMD_RANGE:
		if (len != IVMD_SIZE)
			return bad(map, "IVRS: IVMD at 0x%zx is %zu bytes, not "
				   "32", off, len);
		return 0;
	default:
		return 0;	/* skipped by length, as Linux does */
	}
}

static int validate_ivrs(struct mc_map *map, const uint8_t *p, size_t len)
{
	int err = check_revision(map, "IVRS", p[SDT_REVISION], 1, 2);

	if (!err && len < IVRS_SIZE)
		err = bad(map, "IVRS: %zu bytes, shorter than its %zu-byte "
			  "header", len, IVRS_SIZE);
	for (size_t off = IVRS_SIZE; !err && off < len;) {
		uint16_t blen;

		if (len - off < IVRS_BLOCK_SIZE ||
		    (blen = get16(p + off + IVRS_BLOCK_LENGTH)) <
			    IVRS_BLOCK_SIZE || blen > len - off)
			return bad(map, "IVRS: block at 0x%zx does not fit in "
				   "the table (%zu bytes)", off, len);
		err = validate_ivrs_block(map, p + off, blen, off);
		off += blen;
	}
	return err;
}

/* @count items of @size bytes at @at lie inside a node of @len bytes. */
static bool array_fits(size_t len, size_t at, uint32_t count, size_t size)
{
	return at <= len && count <= (len - at) / size;
}

/* The node's own fixed part and arrays, by type. */
static int iort_node_body(struct mc_map *map, const uint8_t *n, size_t len,
			  size_t off)
{
	switch (n[IORT_NODE_TYPE]) {
	case IORT_TYPE_ITS_GROUP:
		if (len < IORT_ITS_SIZE ||
		    !array_fits(len, IORT_ITS_IDENTIFIERS,
				get32(n + IORT_ITS_COUNT), 4))
			return bad(map, "IORT: ITS group at 0x%zx: %zu bytes "
				   "do not hold its identifiers", off, len);
		return 0;
	case IORT_TYPE_SMMU_V3:
		if (len < IORT_SMMU_SIZE)
			return bad(map, "IORT: SMMUv3 node at 0x%zx is %zu "
				   "bytes, shorter than 68", off, len);
		return 0;
	case IORT_TYPE_RMR:
		if (len < IORT_RMR_SIZE ||
		    !array_fits(len, get32(n + IORT_RMR_OFFSET),
				get32(n + IORT_RMR_COUNT), IORT_RMR_DESC_SIZE))
			return bad(map, "IORT: RMR node at 0x%zx: %zu bytes do "
				   "not hold its memory ranges", off, len);
		return 0;
	default:
		return 0;
	}
}

/* Is @ref the offset of one of the @n nodes at @node (ascending)? */
static bool is_node(const size_t *node, size_t n, uint32_t ref)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (node[mid] == ref)
			return true;
		if (node[mid] < ref)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Every ID mapping inside its node and pointing at a node. */
static int iort_mappings(struct mc_map *map, const uint8_t *p,
			 const size_t *node, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const uint8_t *nd = p + node[i];
		size_t len = get16(nd + IORT_NODE_LENGTH);
		uint32_t count = get32(nd + IORT_NODE_MAPPING_COUNT);
		uint32_t at = get32(nd + IORT_NODE_MAPPING_OFFSET);

		if (count && (at < IORT_NODE_SIZE ||
			      !array_fits(len, at, count, IORT_ID_SIZE)))
			return bad(map, "IORT: node at 0x%zx: %zu ID mappings "
				   "do not fit in it", node[i], count);
		for (uint32_t k = 0; k < count; k++)
			if (!is_node(node, n,
				     get32(nd + at + k * IORT_ID_SIZE +
					   IORT_ID_OUTPUT_REFERENCE)))
				return bad(map, "IORT: node at 0x%zx: ID "
					   "mapping %zu points at no node",
					   node[i], k);
	}
	return 0;
}

/* The nodes' offsets, in the order walked (ascending): *@node malloc'd. */
static int iort_nodes(struct mc_map *map, const uint8_t *p, size_t len,
		      size_t **node, size_t *n)
{
	uint32_t count = get32(p + IORT_NODE_COUNT);
	size_t off = get32(p + IORT_NODE_OFFSET);
	int err = 0;

	if (off < IORT_SIZE || off > len ||
	    count > (len - off) / IORT_NODE_SIZE)
		return bad(map, "IORT: node offset 0x%zx or count %zu does not "
			   "fit in the table", off, count);
	*node = malloc((count ? count : 1) * sizeof(**node));
	if (!*node)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (*n = 0; !err && *n < count; ++*n) {
		uint16_t nlen;

		if (len - off < IORT_NODE_SIZE ||
		    (nlen = get16(p + off + IORT_NODE_LENGTH)) <
			    IORT_NODE_SIZE || nlen > len - off)
			return bad(map, "IORT: node at 0x%zx does not fit in "
				   "the table (%zu bytes)", off, len);
		err = iort_node_body(map, p + off, nlen, off);
		(*node)[*n] = off;
		off += nlen;
	}
	return err;
}

static int validate_iort(struct mc_map *map, const uint8_t *p, size_t len)
{
	size_t *node = NULL, n = 0;
	int err = check_revision(map, "IORT", p[SDT_REVISION], 0,
				 IORT_REVISION_MAX);

	if (!err && len < IORT_SIZE)
		err = bad(map, "IORT: %zu bytes, shorter than its %zu-byte "
			  "header", len, IORT_SIZE);
	if (!err)
		err = iort_nodes(map, p, len, &node, &n);
	if (!err)
		err = iort_mappings(map, p, node, n);
	free(node);
	return err;
}

/*
 * The ranges the base already describes must read back: "memcarve
 * inspect" decodes the patched table, and a guest would read an RMRR
 * ending below its base or an empty IVMD as firmware bugs.
 */
static int decodes(struct mc_map *map, enum mc_acpi_table table,
		   const uint8_t *p, size_t len)
{
	static int (*const decode[])(struct mc_map *, const void *, size_t) = {
		[MC_ACPI_DMAR] = mc_acpi_dmar_decode,
		[MC_ACPI_IVRS] = mc_acpi_ivrs_decode,
		[MC_ACPI_IORT] = mc_acpi_iort_decode,
	};
	struct mc_map *scratch = mc_map_new();
	int err;

	if (!scratch)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	err = decode[table](scratch, p, len);
	if (err && err != MC_ENOMEM)
		err = mc_map_report(map, MC_EBADBLOB, "base", "%s",
				    mc_map_error_count(scratch) ?
					    mc_map_error(scratch, 0)->msg :
					    "the base does not decode");
	else if (err)
		err = mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	mc_map_free(scratch);
	return err;
}

int acpi_validate_base(struct mc_map *map, enum mc_acpi_table table,
		       const uint8_t *p, size_t len)
{
	int err;

	switch (table) {
	case MC_ACPI_DMAR:
		err = validate_dmar(map, p, len);
		break;
	case MC_ACPI_IVRS:
		err = validate_ivrs(map, p, len);
		break;
	case MC_ACPI_IORT:
		err = validate_iort(map, p, len);
		break;
	default:
		return mc_map_report(map, MC_EINVAL, "table",
				     "unknown table %d", (int)table);
	}
	return err ? err : decodes(map, table, p, len);
}
