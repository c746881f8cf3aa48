/* SPDX-License-Identifier: MIT */
/*
 * walk.h - one checked walk per ACPI table.
 *
 * acpi_check_body() checks a table's body once, whole: every structure in
 * it (DMAR remapping structures and their device scopes, IVRS blocks and
 * their IVHD device entries, IORT nodes, their ID mappings and RMR memory
 * ranges) lies inside its parent, and the ranges it describes read back.
 * The builders (patching a base) and the decoders then walk the checked
 * table with acpi_walk_next() and the per-table entry helpers and trust
 * it: the walk still never reads outside the table, but reports nothing.
 * SRAT affinity structures, whose type and length are a byte each, walk
 * the same way.
 */
#ifndef MC_ACPI_WALK_H
#define MC_ACPI_WALK_H

#include "acpi.h"

/* A DMAR remapping structure, an IVRS block or an IORT node. */
struct acpi_item {
	const uint8_t *p;	/* its first byte */
	size_t off;		/* its offset in the table */
	size_t len;		/* its length field: it fits in the table */
	unsigned int type;	/* its type field */
};

/* A walk over the structures of a table of one kind. */
struct acpi_walk {
	const uint8_t *p;
	size_t len;		/* the table's */
	size_t off;		/* the next structure's offset */
	uint32_t left;		/* IORT: nodes not walked yet */
	enum mc_acpi_table table;
};

/*
 * Start walking table @p of @len bytes, at least its fixed header long
 * (the length acpi_check_body() checks first).
 */
void acpi_walk_start(struct acpi_walk *w, enum mc_acpi_table table,
		     const uint8_t *p, size_t len);

/*
 * The next structure into @it: 1; 0 after the last; -1 if the next one
 * does not fit in the table (w->off is where it starts), which never
 * happens in a checked table.
 */
int acpi_walk_next(struct acpi_walk *w, struct acpi_item *it);

/*
 * Check the body of table @p (already through acpi_check_table()): 0, or
 * a diagnostic "SIG: ..." for field @what (NULL for none) and MC_EBADBLOB
 * (or MC_ENOMEM).
 */
int acpi_check_body(struct mc_map *map, enum mc_acpi_table table,
		    const uint8_t *p, size_t len, const char *what);

/*
 * Structure @it, a @name of table @sig, is at least its @fixed-byte fixed
 * part long: 0, or a diagnostic and MC_EBADBLOB.
 */
int acpi_check_fixed(struct mc_map *map, const char *what, const char *sig,
		     const char *name, const struct acpi_item *it,
		     size_t fixed);

/*
 * The variable-length entries of @it from @at (DMAR device scopes, IVHD
 * device entries, called @entry) fill it exactly; @entry_len() gives each
 * one's length, 0 when it does not fit. 0, or a diagnostic and
 * MC_EBADBLOB.
 */
int acpi_check_entries(struct mc_map *map, const char *what,
		       const char *sig, const char *name,
		       const struct acpi_item *it, size_t at,
		       size_t (*entry_len)(const struct acpi_item *, size_t),
		       const char *entry);

/* @names[@type] (of @n) if it has one, else @other. */
const char *acpi_type_name(const char *const *names, size_t n,
			   unsigned int type, const char *other);

/*
 * A range given as base and length (IVMD, RMR memory range) in structure
 * @name at @off: 0 if it covers at least a byte below 2^64, else a
 * diagnostic and MC_EBADBLOB.
 */
int acpi_check_span(struct mc_map *map, const char *what, const char *sig,
		    const char *name, size_t off, uint64_t base,
		    uint64_t length);

/*
 * Walk every structure of checked-header table @p, calling @check on each
 * with @ctx; report one that does not fit. 0, or the first error.
 */
int acpi_check_items(struct mc_map *map, enum mc_acpi_table table,
		     const uint8_t *p, size_t len, const char *what,
		     int (*check)(struct mc_map *map, const char *what,
				  const struct acpi_item *it, void *ctx),
		     void *ctx);

/*
 * What mc_acpi_*_decode() share: @blob checked whole as a @table, then
 * @one called on each of its structures (it picks the ones it reads), the
 * map's arch set to @arch. Return: as mc_acpi_dmar_decode().
 */
int acpi_decode(struct mc_map *map, enum mc_acpi_table table,
		const void *blob, size_t len, enum mc_arch arch,
		int (*one)(struct mc_map *map, const struct acpi_item *it));

/* The per-table checks of acpi_check_body(), on a body past its header. */
int acpi_check_dmar(struct mc_map *map, const uint8_t *p, size_t len,
		    const char *what);
int acpi_check_ivrs(struct mc_map *map, const uint8_t *p, size_t len,
		    const char *what);
int acpi_check_iort(struct mc_map *map, const uint8_t *p, size_t len,
		    const char *what);
int acpi_check_srat(struct mc_map *map, const uint8_t *p, size_t len,
		    const char *what);

#endif /* MC_ACPI_WALK_H */
