// SPDX-License-Identifier: MIT
/*
 * rsdp.c - an RSDP and XSDT linking tables, for VMMs without firmware.
 *
 * One blob, loaded at one guest address: the RSDP first (ACPI 6.5 §5.2.5,
 * revision 2), the XSDT at +0x40, then each table at the next 16-byte
 * boundary. The XSDT holds the tables' guest addresses, so the blob is
 * only right at the address it was built for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "acpi.h"
#include "internal/region.h"

enum {
	RSDP_SIGNATURE = 0,		/* "RSD PTR " */
	RSDP_CHECKSUM = 8,		/* u8, over the first 20 bytes */
	RSDP_OEM_ID = 9,		/* 6 bytes */
	RSDP_REVISION = 15,		/* u8, 2 */
	RSDP_RSDT_ADDRESS = 16,		/* u32 */
	RSDP_LENGTH = 20,		/* u32, 36 */
	RSDP_XSDT_ADDRESS = 24,		/* u64 */
	RSDP_EXTENDED_CHECKSUM = 32,	/* u8, over all 36 bytes */
	RSDP_RESERVED = 33,		/* 3 bytes */
	RSDP_SIZE = 36,
	RSDP_V1_SIZE = 20,
};
#define RSDP_SIG "RSD PTR "
#define RSDP_SIGNATURE_LEN 8
FIELD_AFTER(RSDP_SIGNATURE, RSDP_SIGNATURE_LEN, RSDP_CHECKSUM);
FIELD_AFTER(RSDP_CHECKSUM, 1, RSDP_OEM_ID);
FIELD_AFTER(RSDP_OEM_ID, SDT_OEM_ID_LEN, RSDP_REVISION);
FIELD_AFTER(RSDP_REVISION, 1, RSDP_RSDT_ADDRESS);
FIELD_AFTER(RSDP_RSDT_ADDRESS, 4, RSDP_LENGTH);
FIELD_AFTER(RSDP_LENGTH, 4, RSDP_XSDT_ADDRESS);
FIELD_AFTER(RSDP_XSDT_ADDRESS, 8, RSDP_EXTENDED_CHECKSUM);
FIELD_AFTER(RSDP_EXTENDED_CHECKSUM, 1, RSDP_RESERVED);
FIELD_AFTER(RSDP_RESERVED, 3, RSDP_SIZE);
FIELD_AFTER(RSDP_RSDT_ADDRESS, 4, RSDP_V1_SIZE);

#define XSDT_AT 0x40
#define TABLE_ALIGN 16

static size_t align_up(size_t v)
{
	return (v + TABLE_ALIGN - 1) & ~(size_t)(TABLE_ALIGN - 1);
}

static int check_tables(struct mc_map *map, const void *const *tables,
			const size_t *lens, size_t n)
{
	char what[24];

	if (n == 0)
		return mc_map_report(map, MC_EINVAL, "tables",
				     "an XSDT needs at least one table");
	if (n > (UINT32_MAX - SDT_SIZE) / 8)
		return mc_map_report(map, MC_ERANGE, "tables",
				     "%zu tables do not fit in one XSDT", n);
	for (size_t i = 0; i < n; i++) {
		const char *sig = tables[i];
		int err;

		snprintf(what, sizeof(what), "tables[%zu]", i);
		if (lens[i] < SDT_SIGNATURE_LEN)
			return mc_map_report(map, MC_EBADBLOB, what,
					     "%zu bytes is not an ACPI table",
					     lens[i]);
		for (int k = 0; k < SDT_SIGNATURE_LEN; k++)
			if (!((sig[k] >= 'A' && sig[k] <= 'Z') ||
			      (sig[k] >= '0' && sig[k] <= '9')))
				return mc_map_report(map, MC_EBADBLOB, what,
						     "its signature is not four "
						     "capitals or digits: not "
						     "an ACPI table");
		err = acpi_check_table(map, tables[i], lens[i], sig, what);
		if (err < 0)
			return err;
	}
	return 0;
}

static void put_rsdp(uint8_t *p, uint64_t xsdt, const struct mc_acpi_opts *o)
{
	const char *oem_id = o->oem_id ? o->oem_id : ACPI_OEM_ID_DEFAULT;

	memcpy(p + RSDP_SIGNATURE, RSDP_SIG, RSDP_SIGNATURE_LEN);
	acpi_put_id(p + RSDP_OEM_ID, oem_id, SDT_OEM_ID_LEN);
	put8(p + RSDP_REVISION, 2);
	put_le32(p + RSDP_LENGTH, RSDP_SIZE);
	put_le64(p + RSDP_XSDT_ADDRESS, xsdt);
	put8(p + RSDP_CHECKSUM, (uint8_t)-acpi_sum(p, RSDP_V1_SIZE));
	put8(p + RSDP_EXTENDED_CHECKSUM, (uint8_t)-acpi_sum(p, RSDP_SIZE));
}

static bool holds_tables(const struct mc_piece *p)
{
	return p->kind == MC_ACPI || p->kind == MC_RAM;
}

/*
 * The guest must keep the blob: [addr, last] inside one acpi or RAM piece
 * of the carved map, else the piece in its way (or the gap) is named.
 */
static int check_place(struct mc_map *map, uint64_t addr, uint64_t last)
{
	size_t n, n_in, i, j;
	const struct mc_piece *v = mc_map_result(map, &n);
	const struct mc_region *in = mc_map_input(map, &n_in);
	const struct mc_region *r;
	char blob[MC_RANGE_STR];

	if (!v)
		return mc_map_report(map, MC_ESTATE, NULL,
				     "the map is not carved (call "
				     "mc_map_carve() first)");
	i = mc_piece_at(v, n, addr);
	if (i < n && v[i].first <= addr && v[i].last >= last &&
	    holds_tables(&v[i]))
		return 0;
	/* The piece in the way: the next one when this one holds its start. */
	j = i < n && v[i].first <= addr && holds_tables(&v[i]) ? i + 1 : i;
	mc_range_str(blob, addr, last);
	if (j == n || v[j].first > last ||
	    (j > i && v[j].first != v[i].last + 1) ||
	    (j == i && v[j].first > addr))
		return mc_map_report(map, MC_EOVERLAP, "addr",
				     "the blob %s lies partly where the map "
				     "has no range: declare it as acpi data",
				     blob);
	r = &in[v[j].origin];
	return mc_diag_range(map, MC_EOVERLAP, "addr", r, v[j].first,
			     v[j].last, "the blob %s at addr overlaps it: the "
			     "blob must lie inside one acpi or ram range",
			     blob);
}

/* The blob into a buffer of its own: the one implementation of both forms. */
static int rsdp(struct mc_map *map, uint64_t addr, const void *const *tables,
		const size_t *lens, size_t n, const struct mc_acpi_opts *opts,
		uint8_t **out, size_t *out_len)
{
	struct mc_acpi_opts defaults;
	struct acpi_buf x = { 0 }, b = { 0 };
	uint8_t *xsdt = NULL;
	size_t at, xsdt_len = 0;
	int err;

	*out = NULL;
	*out_len = 0;
	if (!opts) {
		mc_acpi_opts_init(&defaults);
		opts = &defaults;
	}
	if (opts->base)
		return mc_map_report(map, MC_EINVAL, "opts.base",
				     "an RSDP links finished tables: it has no "
				     "base to patch");
	if (addr & (TABLE_ALIGN - 1))
		return mc_map_report(map, MC_EALIGN, "addr",
				     "0x%llx: the RSDP must be 16-byte aligned",
				     (unsigned long long)addr);
	err = acpi_check_opts(map, opts);
	if (!err)
		err = check_tables(map, tables, lens, n);
	if (err)
		return err;
	/* The blob: RSDP, XSDT, tables, each placed before its address is known. */
	acpi_buf_grow(&b, XSDT_AT);
	at = align_up(XSDT_AT + SDT_SIZE + 8 * n);
	acpi_buf_grow(&x, SDT_SIZE + 8 * n);
	if (!x.failed)
		acpi_header_fresh(&x, "XSDT", 1, opts);
	for (size_t i = 0; i < n && !b.failed && !x.failed; i++) {
		acpi_buf_grow(&b, at - b.len);
		acpi_buf_append(&b, tables[i], lens[i]);
		put_le64(x.p + SDT_SIZE + 8 * i, addr + at);
		at = align_up(b.len);
	}
	if (!b.failed && b.len - 1 > UINT64_MAX - addr)
		err = mc_map_report(map, MC_ERANGE, "addr",
				    "0x%llx + 0x%zx bytes passes 2^64 - 1",
				    (unsigned long long)addr, b.len);
	if (!err && b.failed)
		err = mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	if (!err)
		err = check_place(map, addr, addr + (b.len - 1));
	if (!err)
		err = acpi_finish(map, &x, &xsdt, &xsdt_len);
	if (!err) {
		memcpy(b.p + XSDT_AT, xsdt, xsdt_len);
		put_rsdp(b.p, addr + XSDT_AT, opts);
		*out = b.p;
		*out_len = b.len;
		b.p = NULL;
	}
	free(xsdt);
	free(x.p);
	free(b.p);
	return err;
}

int mc_acpi_rsdp(struct mc_map *map, uint64_t addr,
		 const void *const *tables, const size_t *lens, size_t n,
		 const struct mc_acpi_opts *opts, void *buf, size_t *size)
{
	uint8_t *blob;
	size_t len;
	int err = rsdp(map, addr, tables, lens, n, opts, &blob, &len);

	if (!err && (!buf || *size < len))
		err = MC_ENOSPC;
	if (!err)
		memcpy(buf, blob, len);
	*size = !err || err == MC_ENOSPC ? len : 0;
	free(blob);
	return err;
}

int mc_acpi_rsdp_alloc(struct mc_map *map, uint64_t addr,
		       const void *const *tables, const size_t *lens,
		       size_t n, const struct mc_acpi_opts *opts, void **out,
		       size_t *size)
{
	uint8_t *blob;
	int err = rsdp(map, addr, tables, lens, n, opts, &blob, size);

	*out = blob;
	return err;
}

/* ---- reading a blob back, for "memcarve inspect" ------------------------ */

static const struct {
	const char *sig;
	int (*decode)(struct mc_map *map, const void *blob, size_t len);
} linked[] = {
	{ "DMAR", mc_acpi_dmar_decode },
	{ "IVRS", mc_acpi_ivrs_decode },
	{ "IORT", mc_acpi_iort_decode },
	{ "SRAT", mc_acpi_srat_decode },
};

/* The table the XSDT's entry @i points at, at @base + its offset. */
static int decode_linked(struct mc_map *map, const uint8_t *p, size_t len,
			 uint64_t base, size_t i)
{
	uint64_t addr = get_le64(p + XSDT_AT + SDT_SIZE + 8 * i), off;
	size_t k;
	uint32_t n;
	int err;

	off = addr - base;
	if (addr < base || off > len - SDT_SIZE)
		return mc_map_report(map, MC_EBADBLOB, "XSDT",
				     "entry %zu: 0x%llx is not a table inside "
				     "the blob at 0x%llx",
				     i, (unsigned long long)addr,
				     (unsigned long long)base);
	n = get_le32(p + off + SDT_LENGTH);
	if (n > len - off)
		return mc_map_report(map, MC_EBADBLOB, "XSDT",
				     "entry %zu: its %u bytes run past the blob",
				     i, n);
	for (k = 0; k < sizeof(linked) / sizeof(linked[0]); k++)
		if (memcmp(p + off, linked[k].sig, 4) == 0)
			break;
	if (k == sizeof(linked) / sizeof(linked[0]))
		return 0;	/* a table that describes no memory */
	err = linked[k].decode(map, p + off, n);
	if (err == MC_EBADBLOB && !mc_map_error_count(map))
		return mc_map_report(map, err, "XSDT", "entry %zu: not a "
				     "valid %s", i, linked[k].sig);
	return err;
}

int mc_acpi_rsdp_decode(struct mc_map *map, const void *blob, size_t len)
{
	const uint8_t *p = blob;
	struct mc_region r = { .kind = MC_ACPI, .name = "acpi-tables",
				 .source = "RSDP" };
	uint64_t base;
	int err;

	if (len < XSDT_AT + SDT_SIZE || memcmp(p, "RSD PTR ", 8) != 0)
		return MC_EBADBLOB;
	if (acpi_sum(p, RSDP_V1_SIZE) || p[RSDP_REVISION] < 2 ||
	    get_le32(p + RSDP_LENGTH) != RSDP_SIZE || acpi_sum(p, RSDP_SIZE))
		return mc_map_report(map, MC_EBADBLOB, "RSDP", "not a revision "
				     "2 RSDP with both checksums right");
	base = get_le64(p + RSDP_XSDT_ADDRESS) - XSDT_AT;
	if (get_le64(p + RSDP_XSDT_ADDRESS) < XSDT_AT ||
	    len - 1 > UINT64_MAX - base)
		return mc_map_report(map, MC_EBADBLOB, "RSDP", "the XSDT is "
				     "not at +0x40 of a blob below 2^64");
	err = acpi_check_table(map, p + XSDT_AT,
			       get_le32(p + XSDT_AT + SDT_LENGTH) <= len - XSDT_AT ?
				       get_le32(p + XSDT_AT + SDT_LENGTH) :
				       len - XSDT_AT,
			       "XSDT", "XSDT");
	if (err == 0)
		return mc_map_report(map, MC_EBADBLOB, "RSDP", "no XSDT at +0x40");
	if (err < 0)
		return err;
	r.first = base;
	r.last = base + (len - 1);
	err = mc_map_add(map, &r);
	for (size_t i = 0; !err &&
	     i < (get_le32(p + XSDT_AT + SDT_LENGTH) - SDT_SIZE) / 8; i++)
		err = decode_linked(map, p, len, base, i);
	return err;
}
