// SPDX-License-Identifier: MIT
/*
 * walk.c - the structures of a DMAR, IVRS, IORT or SRAT one after the other,
 * and the body check that runs once before anything trusts them.
 *
 * The tables differ only in where their structures start, how many
 * there are and where each one keeps its type and length: DMAR remapping
 * structures and IVRS blocks run to the end of the table, IORT nodes start
 * at the header's node offset and number its node count. SRAT affinity
 * structures run to the end too, with a byte for the type and the length.
 */
#include "walk.h"
#include "dmar.h"
#include "iort.h"
#include "ivrs.h"
#include "srat.h"

static const struct item_shape {
	const char *sig;
	const char *noun;	/* what the table calls its structures */
	size_t header;		/* the table's fixed part */
	size_t type_at;
	bool wide_type;		/* u16, else u8 */
	size_t length_at;	/* u16 */
	size_t min;		/* the common header of every structure */
	bool byte_length;	/* the length is a u8 (SRAT) */
} shape[] = {
	[MC_ACPI_DMAR] = { DMAR_SIG, "structure", DMAR_SIZE, DMAR_STRUCT_TYPE,
			   true, DMAR_STRUCT_LENGTH, DMAR_STRUCT_SIZE, false },
	[MC_ACPI_IVRS] = { IVRS_SIG, "block", IVRS_SIZE, IVRS_BLOCK_TYPE, false,
			   IVRS_BLOCK_LENGTH, IVRS_BLOCK_SIZE, false },
	[MC_ACPI_IORT] = { IORT_SIG, "node", IORT_SIZE, IORT_NODE_TYPE, false,
			   IORT_NODE_LENGTH, IORT_NODE_SIZE, false },
	[MC_ACPI_SRAT] = { SRAT_SIG, "structure", SRAT_SIZE, SRAT_STRUCT_TYPE,
			   false, SRAT_STRUCT_LENGTH, SRAT_STRUCT_SIZE, true },
};

void acpi_walk_start(struct acpi_walk *w, enum mc_acpi_table table,
		     const uint8_t *p, size_t len)
{
	*w = (struct acpi_walk){ .p = p, .len = len, .table = table };
	w->off = shape[table].header;
	if (table == MC_ACPI_IORT) {
		w->off = get_le32(p + IORT_NODE_OFFSET);
		w->left = get_le32(p + IORT_NODE_COUNT);
	}
}

int acpi_walk_next(struct acpi_walk *w, struct acpi_item *it)
{
	const struct item_shape *s = &shape[w->table];
	size_t room = w->off < w->len ? w->len - w->off : 0;

	if (w->table == MC_ACPI_IORT ? w->left == 0 : w->off >= w->len)
		return 0;
	if (room < s->min)
		return -1;
	it->p = w->p + w->off;
	it->off = w->off;
	it->len = s->byte_length ? it->p[s->length_at] :
				   get_le16(it->p + s->length_at);
	it->type = s->wide_type ? get_le16(it->p + s->type_at) :
				  it->p[s->type_at];
	if (it->len < s->min || it->len > room)
		return -1;
	w->off += it->len;
	if (w->left)
		w->left--;
	return 1;
}

int acpi_check_fixed(struct mc_map *map, const char *what, const char *sig,
		     const char *name, const struct acpi_item *it,
		     size_t fixed)
{
	if (it->len >= fixed)
		return 0;
	return mc_map_report(map, MC_EBADBLOB, what,
			     "%s: %s at 0x%zx is %zu bytes, shorter than its "
			     "%zu-byte fixed part",
			     sig, name, it->off, it->len, fixed);
}

int acpi_check_entries(struct mc_map *map, const char *what,
		       const char *sig, const char *name,
		       const struct acpi_item *it, size_t at,
		       size_t (*entry_len)(const struct acpi_item *, size_t),
		       const char *entry)
{
	size_t n;

	for (; at < it->len; at += n)
		if (!(n = entry_len(it, at)))
			return mc_map_report(map, MC_EBADBLOB, what,
					     "%s: %s at 0x%zx: %s at +0x%zx "
					     "does not fit",
					     sig, name, it->off, entry, at);
	return 0;
}

const char *acpi_type_name(const char *const *names, size_t n,
			   unsigned int type, const char *other)
{
	return type < n && names[type] ? names[type] : other;
}

int acpi_check_span(struct mc_map *map, const char *what, const char *sig,
		    const char *name, size_t off, uint64_t base,
		    uint64_t length)
{
	if (length != 0 && length - 1 <= UINT64_MAX - base)
		return 0;
	return mc_map_report(map, MC_EBADBLOB, what,
			     "%s: %s at 0x%zx: 0x%llx+0x%llx is empty or wraps "
			     "past 2^64",
			     sig, name, off, (unsigned long long)base,
			     (unsigned long long)length);
}

int acpi_check_items(struct mc_map *map, enum mc_acpi_table table,
		     const uint8_t *p, size_t len, const char *what,
		     int (*check)(struct mc_map *map, const char *what,
				  const struct acpi_item *it, void *ctx),
		     void *ctx)
{
	struct acpi_walk w;
	struct acpi_item it;
	int step = 0, err = 0;

	acpi_walk_start(&w, table, p, len);
	while (!err && (step = acpi_walk_next(&w, &it)) > 0)
		err = check(map, what, &it, ctx);
	if (!err && step < 0)
		err = mc_map_report(map, MC_EBADBLOB, what,
				    "%s: %s at 0x%zx does not fit in the table "
				    "(%zu bytes)",
				    shape[table].sig, shape[table].noun, w.off,
				    len);
	return err;
}

int acpi_check_body(struct mc_map *map, enum mc_acpi_table table,
		    const uint8_t *p, size_t len, const char *what)
{
	static int (*const check[])(struct mc_map *, const uint8_t *, size_t,
				    const char *) = {
		[MC_ACPI_DMAR] = acpi_check_dmar,
		[MC_ACPI_IVRS] = acpi_check_ivrs,
		[MC_ACPI_IORT] = acpi_check_iort,
		[MC_ACPI_SRAT] = acpi_check_srat,
	};

	if (len < shape[table].header)
		return mc_map_report(map, MC_EBADBLOB, what,
				     "%s: %zu bytes, shorter than its %zu-byte "
				     "header",
				     shape[table].sig, len,
				     shape[table].header);
	return check[table](map, p, len, what);
}

int acpi_decode(struct mc_map *map, enum mc_acpi_table table,
		const void *blob, size_t len, enum mc_arch arch,
		int (*one)(struct mc_map *map, const struct acpi_item *it))
{
	struct acpi_walk w;
	struct acpi_item it;
	int err = acpi_check_table(map, blob, len, shape[table].sig, NULL);

	if (err <= 0)
		return err ? err : MC_EBADBLOB;
	err = acpi_check_body(map, table, blob, len, NULL);
	if (err)
		return err;
	mc_map_set_arch(map, arch);
	acpi_walk_start(&w, table, blob, len);
	while (!err && acpi_walk_next(&w, &it) > 0)
		err = one(map, &it);
	return err;
}
