// SPDX-License-Identifier: MIT
/*
 * ssdt.c - mc_acpi_ssdt_build(): one PNP0C02 device whose _CRS lists the
 * holes of the carved map (memcarve-acpi-ssdt.h says which).
 *
 *   DefinitionBlock ("", "SSDT", 2, "MCARVE", "MEMCARVE", 1)
 *   Device (\_SB.MCRV) {
 *       Name (_HID, EisaId ("PNP0C02"))
 *       Name (_UID, 0x4D43)
 *       Name (_CRS, ResourceTemplate () { QWordMemory (...) ... })
 *   }
 *
 * The size of every part is known before writing, so the table is sized
 * first (one pass over the carved result) and written in a second pass.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "aml.h"
#include "ssdt.h"
#include "memcarve-acpi-ssdt.h"
#include "internal/diag.h"
#include "internal/region.h"

void mc_acpi_ssdt_opts_init(struct mc_acpi_ssdt_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->device_path = MC_SSDT_PATH_DEFAULT;
	opts->uid = MC_SSDT_UID_DEFAULT;
	opts->oem_id = ACPI_OEM_ID_DEFAULT;
	opts->oem_table_id = SSDT_OEM_TABLE_ID;
	opts->oem_revision = 1;
	opts->creator_id = "MCRV";
	opts->creator_revision = 1;
}

/*
 * A piece the guest must keep clear of that nothing else describes. Not a
 * hotplug window (MC_HOTPLUG): memory is hot-added there, and a
 * motherboard resource claiming the range would say a device decodes it.
 */
static bool listed(const struct mc_piece *r)
{
	if (r->kind == MC_RESERVED)
		return !(r->flags & MC_F_BACKED);
	return r->kind == MC_MMIO && (r->flags & MC_F_CARVED);
}

static uint8_t *put_range(uint8_t *at, uint64_t first, uint64_t last)
{
	memset(at, 0, QW_SIZE);
	put8(at + QW_TAG, QW_TAG_VALUE);
	put_le16(at + QW_LENGTH, QW_SIZE - QW_RESOURCE_TYPE);
	put8(at + QW_RESOURCE_TYPE, QW_MEMORY);
	put8(at + QW_GENERAL_FLAGS, QW_CONSUMER_FIXED);
	put8(at + QW_TYPE_FLAGS, QW_RW_RESERVED);
	put_le64(at + QW_MIN, first);
	put_le64(at + QW_MAX, last);
	put_le64(at + QW_LEN, last - first + 1);
	return at + QW_SIZE;
}

/*
 * The listed pieces, touching ones joined: counted into *@n, and written
 * at @at when it is not NULL. A range ending at 2^64 - 1 has a length of
 * 2^64 at most, which _LEN cannot hold.
 */
static int ranges(struct mc_map *map, uint8_t *at, size_t *n)
{
	size_t np, n_in;
	const struct mc_piece *r = mc_map_result(map, &np);
	uint64_t first = 0, last = 0;
	bool open = false;

	*n = 0;
	for (size_t i = 0; i <= np; i++) {
		if (i < np && !listed(&r[i]))
			continue;
		if (i < np && r[i].last == UINT64_MAX)
			return mc_diag_range(map, MC_ERANGE, NULL,
					     &mc_map_input(map, &n_in)[r[i].origin],
					     r[i].first, r[i].last, "ends at "
					     "2^64 - 1: a QWordMemory _LEN "
					     "cannot hold its length");
		if (open && i < np && r[i].first == last + 1) {
			last = r[i].last;
			continue;
		}
		if (open && at)
			at = put_range(at, first, last);
		*n += open;
		open = i < np;
		if (open) {
			first = r[i].first;
			last = r[i].last;
		}
	}
	return 0;
}

struct layout {
	struct aml_path path;
	size_t n, crs, buffer, device, table;
};

/* Sizes of the parts, inside out; MC_ERANGE if a PkgLength overflows. */
static int size_up(struct mc_map *map, const struct mc_acpi_ssdt_opts *o,
		   struct layout *l)
{
	size_t names, k;

	if (l->n > (AML_PKGLEN_MAX - END_TAG_SIZE) / QW_SIZE)
		goto too_long;
	l->crs = QW_SIZE * l->n + END_TAG_SIZE;
	l->buffer = aml_int_size(l->crs) + l->crs;	/* BufferSize ByteList */
	k = aml_pkglen_size(l->buffer);
	if (!k)
		goto too_long;
	names = (1 + AML_NAMESEG + 5) +				/* _HID */
		(1 + AML_NAMESEG + aml_int_size(o->uid)) +	/* _UID */
		(1 + AML_NAMESEG + 1 + k + l->buffer);		/* _CRS */
	l->device = aml_path_size(&l->path) + names;
	k = aml_pkglen_size(l->device);
	if (!k || l->device + 2 + k > UINT32_MAX - SDT_SIZE)
		goto too_long;
	l->table = SDT_SIZE + 2 + k + l->device;
	return 0;
too_long:
	return mc_map_report(map, MC_ERANGE, NULL, "%zu ranges: the _CRS "
			     "buffer outgrows an AML package (2^28 bytes)",
			     l->n);
}

static int check_id(struct mc_map *map, const char *field, const char *s,
		    size_t width)
{
	size_t n = s ? strlen(s) : 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			n = width + 1;
	if (!s || n > width)
		return mc_map_report(map, MC_EINVAL, field, "'%s' is not 1 to "
				     "%zu printable characters",
				     s ? s : "(null)", width);
	return 0;
}

static int check_opts(struct mc_map *map, const struct mc_acpi_ssdt_opts *o,
		      struct aml_path *path)
{
	int err = 0;

	if (!MC_RESERVED_CLEAR(o))
		return mc_map_report(map, MC_EINVAL, "opts.reserved",
				     "must be zero");
	if (!o->device_path || strlen(o->device_path) > MC_SSDT_PATH_MAX ||
	    !aml_path_parse(o->device_path, path))
		return mc_map_report(map, MC_EINVAL, "opts.device_path",
				     "'%s' is not an absolute ACPI path such "
				     "as \\_SB.MCRV (name segments of 1 to 4 "
				     "of A-Z, 0-9, _, not a digit first; at "
				     "most %d bytes)", o->device_path ?
				     o->device_path : "(null)",
				     MC_SSDT_PATH_MAX);
	err = check_id(map, "opts.oem_id", o->oem_id, SDT_OEM_ID_LEN);
	if (!err)
		err = check_id(map, "opts.oem_table_id", o->oem_table_id,
			       SDT_OEM_TABLE_ID_LEN);
	if (!err)
		err = check_id(map, "opts.creator_id", o->creator_id,
			       SDT_CREATOR_ID_LEN);
	return err;
}

static void put_header(uint8_t *p, const struct mc_acpi_ssdt_opts *o,
		       size_t len)
{
	memset(p, 0, SDT_SIZE);
	memcpy(p + SDT_SIGNATURE, SSDT_SIG, SDT_SIGNATURE_LEN);
	put_le32(p + SDT_LENGTH, (uint32_t)len);
	put8(p + SDT_REVISION, SSDT_REVISION);
	acpi_put_id(p + SDT_OEM_ID, o->oem_id, SDT_OEM_ID_LEN);
	acpi_put_id(p + SDT_OEM_TABLE_ID, o->oem_table_id,
		    SDT_OEM_TABLE_ID_LEN);
	put_le32(p + SDT_OEM_REVISION, o->oem_revision);
	acpi_put_id(p + SDT_CREATOR_ID, o->creator_id, SDT_CREATOR_ID_LEN);
	put_le32(p + SDT_CREATOR_REVISION, o->creator_revision);
}

/* DefDevice := ExtOpPrefix DeviceOp PkgLength NameString TermList. */
static void put_device(struct mc_map *map, uint8_t *at,
		       const struct mc_acpi_ssdt_opts *o,
		       const struct layout *l)
{
	size_t n;

	*at++ = AML_EXT_OP_PREFIX;
	*at++ = AML_DEVICE_OP;
	at = aml_put_pkglen(at, l->device);
	at = aml_put_path(at, &l->path);
	*at++ = AML_NAME_OP;				/* Name (_HID, ...) */
	at = aml_put_nameseg(at, "_HID");
	*at++ = AML_DWORD_PREFIX;
	put_le32(at, EISAID_PNP0C02);
	at += 4;
	*at++ = AML_NAME_OP;				/* Name (_UID, ...) */
	at = aml_put_nameseg(at, "_UID");
	at = aml_put_int(at, o->uid);
	*at++ = AML_NAME_OP;				/* Name (_CRS, ...) */
	at = aml_put_nameseg(at, "_CRS");
	*at++ = AML_BUFFER_OP;
	at = aml_put_pkglen(at, l->buffer);
	at = aml_put_int(at, l->crs);			/* BufferSize */
	ranges(map, at, &n);				/* checked: no error */
	at += QW_SIZE * n;
	*at++ = END_TAG_VALUE;
	*at = 0;
}

int mc_acpi_ssdt_build(struct mc_map *map,
		       const struct mc_acpi_ssdt_opts *opts, void *buf,
		       size_t *size)
{
	struct mc_acpi_ssdt_opts defaults;
	struct layout l;
	size_t room = *size;
	uint8_t *p = buf;
	int err;

	*size = 0;
	if (!opts) {
		mc_acpi_ssdt_opts_init(&defaults);
		opts = &defaults;
	}
	if (!mc_map_result(map, &l.n))
		return mc_map_report(map, MC_ESTATE, NULL, "the map is not "
				     "carved: call mc_map_carve() first");
	err = check_opts(map, opts, &l.path);
	if (!err)
		err = ranges(map, NULL, &l.n);
	if (!err)
		err = size_up(map, opts, &l);
	if (err)
		return err;
	*size = l.table;
	if (room < l.table)
		return MC_ENOSPC;
	put_header(p, opts, l.table);
	put_device(map, p + SDT_SIZE, opts, &l);
	p[SDT_CHECKSUM] = (uint8_t)-acpi_sum(p, l.table);
	return 0;
}

int mc_acpi_ssdt_build_alloc(struct mc_map *map,
			     const struct mc_acpi_ssdt_opts *opts, void **out,
			     size_t *size)
{
	size_t len = 0;
	void *p;
	int err = mc_acpi_ssdt_build(map, opts, NULL, &len);

	*out = NULL;
	*size = 0;
	if (err != MC_ENOSPC)
		return err;	/* never 0: a table is at least its header */
	p = malloc(len);
	if (!p)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	err = mc_acpi_ssdt_build(map, opts, p, &len);
	if (err) {
		free(p);
		return err;
	}
	*out = p;
	*size = len;
	return 0;
}
