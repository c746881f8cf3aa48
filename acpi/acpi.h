/* SPDX-License-Identifier: MIT */
/*
 * acpi.h - what the ACPI emitter's files share: a growable table buffer,
 * the common table header, the direct ranges.
 *
 * Layouts are offsets, never packed host structs: every field is written
 * and read one at a time, in little-endian (internal/byteorder.h), at the
 * offset the spec gives.
 * Each layout lists its fields in order with their sizes, and static
 * assertions check that each offset is the previous one plus its size.
 */
#ifndef MC_ACPI_H
#define MC_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "memcarve.h"
#include "memcarve-acpi.h"
#include "internal/byteorder.h"
#include "internal/diag.h"

#define FIELD_AFTER(prev, prev_size, next) \
	_Static_assert((prev) + (prev_size) == (next), #next " follows " #prev)

/*
 * A PCI function's device and function numbers in its devfn byte, and its
 * requester ID: bus, then devfn (PCI Express Base spec, Routing IDs).
 */
#define PCI_SLOT(devfn) ((unsigned int)(devfn) >> 3)
#define PCI_FUNC(devfn) ((unsigned int)(devfn) & 7)
#define PCI_DEVFN(slot, fn) ((uint8_t)(((slot) & 0x1f) << 3 | ((fn) & 7)))
#define PCI_RID(bus, devfn) ((uint16_t)((unsigned int)(bus) << 8 | (devfn)))

/* The common header of every system description table (ACPI 6.5 §5.2.6). */
enum {
	SDT_SIGNATURE = 0,		/* 4 bytes */
	SDT_LENGTH = 4,			/* u32, the whole table */
	SDT_REVISION = 8,		/* u8 */
	SDT_CHECKSUM = 9,		/* u8, all bytes sum to 0 */
	SDT_OEM_ID = 10,		/* 6 bytes */
	SDT_OEM_TABLE_ID = 16,		/* 8 bytes */
	SDT_OEM_REVISION = 24,		/* u32 */
	SDT_CREATOR_ID = 28,		/* 4 bytes */
	SDT_CREATOR_REVISION = 32,	/* u32 */
	SDT_SIZE = 36,
};
/* Widths of its text fields: printable ASCII, space padded, no NUL. */
#define SDT_SIGNATURE_LEN 4
#define SDT_OEM_ID_LEN 6
#define SDT_OEM_TABLE_ID_LEN 8
#define SDT_CREATOR_ID_LEN 4
/* The OEM ID of a fresh table, and of the RSDP, unless one is given. */
#define ACPI_OEM_ID_DEFAULT "MCARVE"
FIELD_AFTER(SDT_SIGNATURE, SDT_SIGNATURE_LEN, SDT_LENGTH);
FIELD_AFTER(SDT_LENGTH, 4, SDT_REVISION);
FIELD_AFTER(SDT_REVISION, 1, SDT_CHECKSUM);
FIELD_AFTER(SDT_CHECKSUM, 1, SDT_OEM_ID);
FIELD_AFTER(SDT_OEM_ID, SDT_OEM_ID_LEN, SDT_OEM_TABLE_ID);
FIELD_AFTER(SDT_OEM_TABLE_ID, SDT_OEM_TABLE_ID_LEN, SDT_OEM_REVISION);
FIELD_AFTER(SDT_OEM_REVISION, 4, SDT_CREATOR_ID);
FIELD_AFTER(SDT_CREATOR_ID, SDT_CREATOR_ID_LEN, SDT_CREATOR_REVISION);
FIELD_AFTER(SDT_CREATOR_REVISION, 4, SDT_SIZE);

/* A table being built. On allocation failure @failed is set and stays. */
struct acpi_buf {
	uint8_t *p;
	size_t len, cap;
	bool failed;
};

/*
 * Room for @fixed bytes and @n items of @each bytes more, so that writing
 * them never moves the table: at a million ranges every move copied
 * megabytes into fresh pages. A hint only: nothing happens if the sum
 * overflows or the allocation fails (acpi_buf_grow() then reports it).
 */
void acpi_buf_reserve(struct acpi_buf *b, size_t fixed, size_t n,
		      size_t each);
/* Append @n zero bytes; their offset, or SIZE_MAX after a failure. */
size_t acpi_buf_grow(struct acpi_buf *b, size_t n);
/* Open a gap of @n zero bytes at @at (<= len), moving the tail up. */
size_t acpi_buf_insert(struct acpi_buf *b, size_t at, size_t n);
/* Append a copy of @n bytes. */
void acpi_buf_append(struct acpi_buf *b, const void *data, size_t n);

/*
 * Write text field @p of @width bytes: @s, then spaces. Inline: with the
 * width a constant, the padding is a few stores.
 */
static inline void acpi_put_id(uint8_t *p, const char *s, size_t width)
{
	size_t n = strlen(s);

	memset(p, ' ', width);
	memcpy(p, s, n < width ? n : width);
}

/*
 * Write a fresh header at offset 0 of @b (already SDT_SIZE or longer):
 * @sig, @revision, the OEM and creator fields from @o. Length and checksum
 * are set by acpi_finish().
 */
void acpi_header_fresh(struct acpi_buf *b, const char *sig, uint8_t revision,
		       const struct mc_acpi_opts *o);
/* Apply the options given over a base table's header: OEM revision base+1. */
int acpi_header_patch(struct mc_map *map, struct acpi_buf *b,
		      const struct mc_acpi_opts *o);
/*
 * Set length and checksum; hand the bytes to the caller. MC_ERANGE if the
 * table outgrew its 32-bit length, MC_ENOMEM if building it failed.
 */
int acpi_finish(struct mc_map *map, struct acpi_buf *b, uint8_t **out,
		size_t *out_len);

/* The 8-bit sum of @n bytes. */
uint8_t acpi_sum(const uint8_t *p, size_t n);

/*
 * Is @blob a table with signature @sig? 0 if not (no diagnostic); 1 if it
 * is and its length field and checksum are right; else a diagnostic naming
 * @what and MC_EBADBLOB.
 */
int acpi_check_table(struct mc_map *map, const void *blob, size_t len,
		     const char *sig, const char *what);

/* Check the string options fit their fields (6, 8 and 4 characters). */
int acpi_check_opts(struct mc_map *map, const struct mc_acpi_opts *o);

/*
 * One direct* input range, whole, as the carved result describes it. The
 * fields the tables need are copied from its first piece while the join
 * reads it: at a million ranges the pieces are long out of the cache when
 * the tables are written, and going back to each one was a cache miss per
 * range.
 */
struct acpi_range {
	uint64_t first, last;
	const struct mc_region *r;	/* its input region */
	const struct mc_pci_dev *devices;
	size_t n_devices;
	const uint32_t *sids;
	size_t n_sids;
	unsigned int flags;		/* MC_F_* of the first piece */
	unsigned int access;
	bool relaxable;			/* direct-relaxable */
	bool backed;			/* guest RAM backs all of it */
};

/*
 * The map's direct and direct-relaxable ranges, one per input range, by
 * address. *@out is malloc'd (free() it); NULL with *@n = 0 if none.
 */
int acpi_direct_ranges(struct mc_map *map, struct acpi_range **out,
		       size_t *n);

/*
 * Report a diagnostic about range @a, in mc_diag_range()'s shape
 * "vm.map:7: reserved 0x1000+0x1000 type=direct name=fw: " then @fmt.
 * The range is named only here, on the error path: building a table checks
 * every range, and formatting a name for each one up front cost more than
 * writing the table. Return: @code.
 */
/*
 * What an RMRR (@table MC_ACPI_DMAR), IVMD (IVRS) or RMR (IORT) can say
 * about the devices of range @a: a direct range with none is refused, and
 * "all devices" only IVRS can say (direct_devices.c). Return: 0 or
 * MC_EINVAL with a diagnostic naming the range and its source line.
 */
int acpi_check_devices(struct mc_map *map, const struct acpi_range *a,
		       enum mc_acpi_table table);

int acpi_range_report(struct mc_map *map, int code, const char *field,
		      const struct acpi_range *a, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;

/*
 * A fresh DMAR or IVRS describes one IOMMU, on PCI segment 0: refuse a
 * device of range @a elsewhere. @table and @unit name them in the
 * message ("DMAR", "DRHD"). Return: 0 or MC_EINVAL with a diagnostic.
 */
int acpi_check_segment0(struct mc_map *map, const struct acpi_range *a,
			const char *table, const char *unit);

/* The table builders; @base NULL for a fresh table. */
int acpi_build_dmar(struct mc_map *map, const struct mc_acpi_opts *o,
		    const uint8_t *base, size_t base_len,
		    const struct acpi_range *v, size_t n, struct acpi_buf *b);
int acpi_build_ivrs(struct mc_map *map, const struct mc_acpi_opts *o,
		    const uint8_t *base, size_t base_len,
		    const struct acpi_range *v, size_t n, struct acpi_buf *b);
int acpi_build_iort(struct mc_map *map, const struct mc_acpi_opts *o,
		    const uint8_t *base, size_t base_len,
		    const struct acpi_range *v, size_t n, struct acpi_buf *b);

/*
 * The SRAT (srat.c): a map's NUMA nodes rather than its direct ranges;
 * @base NULL for a fresh table.
 */
int acpi_build_srat(struct mc_map *map, const struct mc_acpi_opts *o,
		    const uint8_t *base, size_t base_len, struct acpi_buf *b);

/* Add one decoded range to @map as a direct reserved region. */
int acpi_add_decoded(struct mc_map *map, const struct mc_region *r,
		     const char *table);

#endif /* MC_ACPI_H */
