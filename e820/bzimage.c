// SPDX-License-Identifier: MIT
/*
 * bzimage.c - the setup header of a bzImage (Documentation/x86/boot.rst).
 *
 * The header starts at 0x1f1 in both the image and boot_params; a loader
 * copies it from there to its end, which the two-byte jump at 0x200 gives
 * (0x202 + its displacement byte), so newer kernels' longer headers copy
 * whole and older ones do not drag in code.
 */
#include <string.h>
#include "memcarve-e820.h"
#include "bootparam.h"
#include "internal/byteorder.h"

#define BOOT_FLAG 0xaa55u
#define HDRS_MAGIC 0x53726448u		/* "HdrS" little-endian */
#define PROTO_MIN 0x020a		/* pref_address and init_size */

/*
 * The kernel_version string: "7.2.13+deb14-amd64 (debian-kernel@...) #1
 * SMP ...", NUL-terminated, at the header's offset + 0x200 (a real-mode
 * pointer relative to the setup code). 0 when there is none that reads.
 */
static uint32_t version_of(const uint8_t *p, size_t len, uint32_t hdr_end)
{
	size_t at, end;
	char text[16];
	uint32_t version;

	if (hdr_end < BP_KERNEL_VERSION + 2)
		return 0;
	at = (size_t)get_le16(p + BP_KERNEL_VERSION);
	if (!at || at + 0x200 >= len)
		return 0;
	at += 0x200;
	end = at;
	while (end < len && end - at < sizeof(text) - 1 && p[end])
		end++;
	memcpy(text, p + at, end - at);
	text[end - at] = '\0';
	return mc_linux_version(text, &version) ? 0 : version;
}

static int bad(struct mc_map *map, const char *name, const char *why)
{
	return mc_map_report(map, MC_EBADBLOB, "image", "%s: %s", name, why);
}

int mc_e820_bzimage(struct mc_map *map, const char *name, const void *image,
		    size_t len, struct mc_bzimage *out)
{
	const uint8_t *p = image;
	uint32_t end;

	name = name ? name : "bzImage";
	memset(out, 0, sizeof(*out));
	if (len < BP_HDR_END_MIN)
		return bad(map, name, "too short for a setup header");
	if (get_le16(p + BP_BOOT_FLAG) != BOOT_FLAG)
		return bad(map, name, "no 0xAA55 boot flag at 0x1fe; not a bzImage");
	if (get_le32(p + BP_HEADER) != HDRS_MAGIC)
		return bad(map, name, "no \"HdrS\" magic at 0x202; not a "
			   "bzImage (or older than boot protocol 2.00)");
	end = BP_HEADER + p[BP_JUMP + 1];
	if (end > BP_HDR_ROOM || end > len)
		return bad(map, name, "setup header runs past 0x290 (jump "
			   "byte at 0x201 is corrupt)");
	/* A jump that ends the header before its version field: no version
	 * to read (the image may end there too), so it is too old. */
	out->version = end >= BP_VERSION + 2 ?
			       (uint16_t)get_le16(p + BP_VERSION) : 0;
	out->hdr_end = end;
	if (out->version < PROTO_MIN || end < BP_INIT_SIZE + 4)
		return mc_map_report(map, MC_EBADBLOB, "image",
				     "%s: boot protocol %u.%02u; memcarve needs "
				     "2.10 or later (pref_address, init_size)",
				     name, out->version >> 8,
				     out->version & 0xff);
	out->setup_sects = p[BP_SETUP_SECTS];
	out->loadflags = p[BP_LOADFLAGS];
	out->xloadflags = out->version >= 0x020c ?
				  (uint16_t)get_le16(p + BP_XLOADFLAGS) : 0;
	out->cmdline_size = (uint32_t)get_le32(p + BP_CMDLINE_SIZE);
	out->pref_address = get_le64(p + BP_PREF_ADDRESS);
	out->init_size = (uint32_t)get_le32(p + BP_INIT_SIZE);
	out->linux_version = version_of(p, len, end);
	if (out->init_size == 0 ||
	    out->pref_address > UINT64_MAX - (out->init_size - 1))
		return bad(map, name, "pref_address/init_size give no load "
			   "range");
	return 0;
}
