// SPDX-License-Identifier: MIT
/*
 * zeropage.c - struct boot_params and the SETUP_E820_EXT node.
 *
 * The 64-bit boot protocol (what Firecracker and Cloud Hypervisor use)
 * hands the kernel one page: the bzImage's setup header copied in, plus
 * what the loader knows. boot_params only holds 128 e820 entries; the
 * kernel appends the rest from a SETUP_E820_EXT setup_data node and
 * sanitizes the whole (e820__memory_setup_extended()).
 */
#include <string.h>
#include "memcarve-e820.h"
#include "bootparam.h"
#include "internal/byteorder.h"
#include "internal/region.h"

#define LOADER_UNDEFINED 0xff	/* type_of_loader: no assigned ID */
#define PROTO_SETUP_DATA 0x0209
#define PROTO_RSDP 0x020e

/* A field this kernel's protocol does not have: say which and why. */
static int too_old(struct mc_map *map, const char *field, uint16_t version,
		   uint16_t need, const char *what)
{
	return mc_map_report(map, MC_EINVAL, field,
			     "%s needs boot protocol %u.%02u; the kernel has "
			     "%u.%02u", what, need >> 8, need & 0xff,
			     version >> 8, version & 0xff);
}

/* Copy the setup header, or write the few fields the 64-bit entry reads. */
static int put_header(struct mc_map *map, const struct mc_e820_boot_opts *b,
		      uint8_t *zp, uint16_t *version)
{
	struct mc_bzimage img;
	int err;

	*version = 0xffff;	/* no image: no protocol limit to check */
	if (!b->kernel) {
		put_le16(zp + BP_BOOT_FLAG, 0xaa55);
		put_le32(zp + BP_HEADER, 0x53726448);
		return 0;
	}
	err = mc_e820_bzimage(map, b->kernel_name ? b->kernel_name :
				   "opts.kernel", b->kernel, b->kernel_len,
			      &img);
	if (err)
		return err;
	memcpy(zp + BP_SETUP_SECTS, (const uint8_t *)b->kernel + BP_SETUP_SECTS,
	       img.hdr_end - BP_SETUP_SECTS);
	*version = img.version;
	return 0;
}

/* A 64-bit address split over a header field and its ext_ high half. */
static void put_split(uint8_t *zp, size_t lo, size_t hi, uint64_t v)
{
	put_le32(zp + lo, v & 0xffffffffu);
	put_le32(zp + hi, v >> 32);
}

static int put_setup_data(struct mc_map *map, const struct mc_e820_boot_opts *b,
			  size_t n, uint16_t version, uint8_t *zp)
{
	size_t ext = mc_e820_ext_count(n);
	uint64_t head = ext ? b->setup_data_addr : b->setup_data_next;

	if (ext && !b->setup_data_addr)
		return mc_map_report(map, MC_EINVAL, "opts.setup_data_addr",
				     "the table has %zu entries: 128 fit in "
				     "the zero page, the other %zu need a "
				     "SETUP_E820_EXT node; give its guest "
				     "address", n, ext);
	if (head && version < PROTO_SETUP_DATA)
		return too_old(map, ext ? "opts.setup_data_addr" :
					  "opts.setup_data_next",
			       version, PROTO_SETUP_DATA, "setup_data");
	put_le64(zp + BP_SETUP_DATA, head);
	return 0;
}

int mc_e820_zeropage(struct mc_map *map, const struct mc_e820_entry *e,
		     size_t n, const struct mc_e820_boot_opts *opts, void *out,
		     size_t *size)
{
	static const struct mc_e820_boot_opts none;
	const struct mc_e820_boot_opts *boot = opts ? opts : &none;
	uint8_t *zp = out;
	size_t k = n < MC_E820_ZEROPAGE_MAX ? n : MC_E820_ZEROPAGE_MAX;
	size_t len = BP_E820_TABLE_END - BP_E820_TABLE, room = *size;
	uint16_t version;
	int err;

	*size = MC_ZEROPAGE_SIZE;
	if (!MC_RESERVED_CLEAR(boot))
		return mc_map_report(map, MC_EINVAL, "opts.reserved",
				     "must be zero");
	if (room < MC_ZEROPAGE_SIZE)
		return MC_ENOSPC;
	memset(zp, 0, MC_ZEROPAGE_SIZE);
	err = put_header(map, boot, zp, &version);
	if (!err && boot->rsdp_addr && version < PROTO_RSDP)
		err = too_old(map, "opts.rsdp_addr", version, PROTO_RSDP,
			      "acpi_rsdp_addr");
	if (!err)
		err = put_setup_data(map, boot, n, version, zp);
	if (err) {
		memset(zp, 0, MC_ZEROPAGE_SIZE);
		return err;
	}
	zp[BP_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	zp[BP_SENTINEL] = 0;
	put_split(zp, BP_CMD_LINE_PTR, BP_EXT_CMD_LINE_PTR, boot->cmdline_addr);
	put_split(zp, BP_RAMDISK_IMAGE, BP_EXT_RAMDISK_IMAGE, boot->initrd_addr);
	put_split(zp, BP_RAMDISK_SIZE, BP_EXT_RAMDISK_SIZE, boot->initrd_size);
	put_le64(zp + BP_ACPI_RSDP_ADDR, boot->rsdp_addr);
	zp[BP_E820_ENTRIES] = (uint8_t)k;
	return mc_e820_encode(e, k, zp + BP_E820_TABLE, &len);
}

int mc_e820_setup_data(const struct mc_e820_entry *e, size_t n, uint64_t next,
		       void *buf, size_t *size)
{
	size_t ext = mc_e820_ext_count(n), payload, len = *size;
	size_t *needed = size;
	uint8_t *p = buf;

	*needed = 0;
	if (!ext || ext > UINT32_MAX / MC_E820_ENTRY_SIZE)
		return MC_EINVAL;
	payload = ext * MC_E820_ENTRY_SIZE;
	*needed = SD_DATA + payload;
	if (len < *needed)
		return MC_ENOSPC;
	put_le64(p + SD_NEXT, next);
	put_le32(p + SD_TYPE, MC_SETUP_E820_EXT);
	put_le32(p + SD_LEN, payload);
	return mc_e820_encode(e + MC_E820_ZEROPAGE_MAX, ext, p + SD_DATA,
			      &payload);
}
