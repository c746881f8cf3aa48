// SPDX-License-Identifier: MIT
/*
 * sdt.c - the pieces every ACPI table shares: the growable buffer, the
 * common header, the checksum, and checking a table handed in.
 */
#include <stdlib.h>
#include <string.h>
#include "acpi.h"
#include "internal/numnodes.h"
#include "internal/array.h"
#include "internal/region.h"

void acpi_buf_reserve(struct acpi_buf *b, size_t fixed, size_t n,
		      size_t each)
{
	size_t more;
	uint8_t *p;

	if (b->failed || (each && n > (SIZE_MAX - fixed) / each))
		return;
	more = fixed + n * each;
	if (more <= b->cap - b->len || more > SIZE_MAX - b->len)
		return;
	p = realloc(b->p, b->len + more);
	if (!p)
		return;
	b->p = p;
	b->cap = b->len + more;
}

size_t acpi_buf_grow(struct acpi_buf *b, size_t n)
{
	size_t at = b->len;

	if (b->failed || n > SIZE_MAX - b->len) {
		b->failed = true;
		return SIZE_MAX;
	}
	if (n) {
		uint8_t *p = mc_array_grow(b->p, &b->cap, b->len + n, 1, 256);

		if (!p) {
			b->failed = true;
			return SIZE_MAX;
		}
		b->p = p;
	}
	memset(b->p + at, 0, n);
	b->len += n;
	return at;
}

size_t acpi_buf_insert(struct acpi_buf *b, size_t at, size_t n)
{
	size_t tail = b->len - at;

	if (acpi_buf_grow(b, n) == SIZE_MAX)
		return SIZE_MAX;
	memmove(b->p + at + n, b->p + at, tail);
	memset(b->p + at, 0, n);
	return at;
}

void acpi_buf_append(struct acpi_buf *b, const void *data, size_t n)
{
	size_t at = acpi_buf_grow(b, n);

	if (at != SIZE_MAX && n)
		memcpy(b->p + at, data, n);
}

uint8_t acpi_sum(const uint8_t *p, size_t n)
{
	/*
	 * Eight bytes at a time: a table of a million ranges is megabytes,
	 * and byte by byte this was a third of building a small one.
	 * Each word adds its even and its odd bytes into four 16-bit lanes,
	 * at most 510 a word, so 128 words fit before the lanes are folded.
	 */
	const uint64_t low = 0x00ff00ff00ff00ffull;
	unsigned int s = 0;
	size_t i = 0;

	while (n - i >= 8) {
		size_t words = (n - i) / 8 < 128 ? (n - i) / 8 : 128;
		uint64_t lanes = 0, w;

		for (size_t k = 0; k < words; k++, i += 8) {
			memcpy(&w, p + i, 8);
			lanes += (w & low) + (w >> 8 & low);
		}
		s += (unsigned int)(lanes + (lanes >> 16) + (lanes >> 32) +
				    (lanes >> 48));
	}
	for (; i < n; i++)
		s += p[i];
	return (uint8_t)s;
}

void acpi_header_fresh(struct acpi_buf *b, const char *sig, uint8_t revision,
		       const struct mc_acpi_opts *o)
{
	const char *oem_id = o->oem_id ? o->oem_id : ACPI_OEM_ID_DEFAULT;
	const char *table_id = o->oem_table_id ? o->oem_table_id : "MEMCARVE";
	const char *creator = o->creator_id ? o->creator_id : "MCRV";
	uint32_t oem_revision = o->set_oem_revision ? o->oem_revision : 1;
	uint8_t *h = b->p;

	memcpy(h + SDT_SIGNATURE, sig, SDT_SIGNATURE_LEN);
	put8(h + SDT_REVISION, revision);
	acpi_put_id(h + SDT_OEM_ID, oem_id, SDT_OEM_ID_LEN);
	acpi_put_id(h + SDT_OEM_TABLE_ID, table_id, SDT_OEM_TABLE_ID_LEN);
	put_le32(h + SDT_OEM_REVISION, oem_revision);
	acpi_put_id(h + SDT_CREATOR_ID, creator, SDT_CREATOR_ID_LEN);
	put_le32(h + SDT_CREATOR_REVISION, o->creator_revision);
}

int acpi_header_patch(struct mc_map *map, struct acpi_buf *b,
		      const struct mc_acpi_opts *o)
{
	uint8_t *h = b->p;
	uint32_t rev = get_le32(h + SDT_OEM_REVISION);

	if (o->oem_id)
		acpi_put_id(h + SDT_OEM_ID, o->oem_id, SDT_OEM_ID_LEN);
	if (o->oem_table_id)
		acpi_put_id(h + SDT_OEM_TABLE_ID, o->oem_table_id,
			    SDT_OEM_TABLE_ID_LEN);
	if (o->creator_id) {
		acpi_put_id(h + SDT_CREATOR_ID, o->creator_id,
			    SDT_CREATOR_ID_LEN);
		put_le32(h + SDT_CREATOR_REVISION, o->creator_revision);
	}
	if (o->set_oem_revision) {
		put_le32(h + SDT_OEM_REVISION, o->oem_revision);
		return 0;
	}
	/* A table upgrade replaces the VMM's table only if this is higher. */
	if (rev == UINT32_MAX)
		return mc_map_report(map, MC_ERANGE, "opts.oem_revision",
				     "the base table's OEM revision is 0xffffffff: "
				     "no higher one exists; give one explicitly");
	put_le32(h + SDT_OEM_REVISION, rev + 1);
	return 0;
}

int acpi_finish(struct mc_map *map, struct acpi_buf *b, uint8_t **out,
		size_t *out_len)
{
	if (b->failed)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	if (b->len > UINT32_MAX)
		return mc_map_report(map, MC_ERANGE, NULL,
				     "the table would be %zu bytes; ACPI lengths "
				     "are 32-bit",
				     b->len);
	put_le32(b->p + SDT_LENGTH, (uint32_t)b->len);
	put8(b->p + SDT_CHECKSUM, 0);
	put8(b->p + SDT_CHECKSUM, (uint8_t)-acpi_sum(b->p, b->len));
	*out = b->p;
	*out_len = b->len;
	b->p = NULL;
	return 0;
}

int acpi_check_table(struct mc_map *map, const void *blob, size_t len,
		     const char *sig, const char *what)
{
	const uint8_t *p = blob;
	uint32_t n;

	if (!p || len < SDT_SIGNATURE_LEN ||
	    memcmp(p, sig, SDT_SIGNATURE_LEN) != 0)
		return 0;
	if (len < SDT_SIZE)
		return mc_map_report(map, MC_EBADBLOB, what,
				     "%.4s: %zu bytes, shorter than the 36-byte "
				     "table header",
				     sig, len);
	n = get_le32(p + SDT_LENGTH);
	if (n != len)
		return mc_map_report(map, MC_EBADBLOB, what,
				     "%.4s: the header says %u bytes, the table "
				     "has %zu",
				     sig, n, len);
	if (acpi_sum(p, len) != 0)
		return mc_map_report(map, MC_EBADBLOB, what,
				     "%.4s: checksum 0x%02x is wrong (the bytes "
				     "sum to 0x%02x, not 0)",
				     sig, p[SDT_CHECKSUM], acpi_sum(p, len));
	return 1;
}

int acpi_check_opts(struct mc_map *map, const struct mc_acpi_opts *o)
{
	const struct {
		const char *s;
		size_t width;
		const char *field;
	} ids[] = {
		{ o->oem_id, SDT_OEM_ID_LEN, "opts.oem_id" },
		{ o->oem_table_id, SDT_OEM_TABLE_ID_LEN, "opts.oem_table_id" },
		{ o->creator_id, SDT_CREATOR_ID_LEN, "opts.creator_id" },
	};

	if (!MC_RESERVED_CLEAR(o) || o->reserved32)
		return mc_map_report(map, MC_EINVAL, o->reserved32 ?
				     "opts.reserved32" : "opts.reserved",
				     "must be zero");
	if (o->max_numnodes && !mc_numnodes_valid(o->max_numnodes))
		return mc_map_report(map, MC_EINVAL, "opts.max_numnodes",
				     "%u is not 0 or a power of two 2..1024 "
				     "(1 << CONFIG_NODES_SHIFT, 1..10)",
				     o->max_numnodes);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const char *s = ids[i].s;

		if (!s)
			continue;
		if (strlen(s) > ids[i].width)
			return mc_map_report(map, MC_EINVAL, ids[i].field,
					     "'%s' is longer than %zu characters",
					     s, ids[i].width);
		for (const char *c = s; *c; c++)
			if (*c < 0x20 || *c > 0x7e)
				return mc_map_report(map, MC_EINVAL,
						     ids[i].field,
						     "'%s' has a character "
						     "that is not printable ASCII",
						     s);
	}
	return 0;
}
