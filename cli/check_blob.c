// SPDX-License-Identifier: MIT
/*
 * check_blob.c - checks on a zero page, an e820 table and ACPI tables
 * that need their bytes. Offsets are struct boot_params'
 * (arch/x86/include/uapi/asm/bootparam.h).
 */
#include <inttypes.h>
#include <string.h>
#include "check.h"
#include "memcarve-e820.h"
#include "rangeset.h"

#define ZP_SIZE			4096
#define ZP_ACPI_RSDP_ADDR	0x070	/* u64 */
#define ZP_EXT_RAMDISK_IMAGE	0x0c0	/* u32, high half */
#define ZP_EXT_RAMDISK_SIZE	0x0c4
#define ZP_EXT_CMD_LINE_PTR	0x0c8
#define ZP_E820_ENTRIES		0x1e8	/* u8 */
#define ZP_HEADER		0x202	/* "HdrS" */
#define ZP_CODE32_START		0x214	/* u32 */
#define ZP_RAMDISK_IMAGE	0x218
#define ZP_RAMDISK_SIZE		0x21c
#define ZP_CMD_LINE_PTR		0x228
#define ZP_SETUP_DATA		0x250	/* u64 */
#define ZP_INIT_SIZE		0x260	/* u32 */
#define ACPI_RSDP_V2_LEN	36
#define SETUP_DATA_HDR		16
#define IORT_RMR_REVISION	5	/* iort_get_rmrs: DEN 0049E.d on */

static uint64_t le(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t v = 0;

	while (n--)
		v = v << 8 | b[n];
	return v;
}

static bool is_zeropage(const struct model *m)
{
	return m->bytes.len == ZP_SIZE &&
	       !memcmp(m->bytes.p + ZP_HEADER, "HdrS", 4);
}

bool check_zeropage_count(struct findings *f, struct model *m)
{
	unsigned char *n = (unsigned char *)m->bytes.p + ZP_E820_ENTRIES;

	if (!is_zeropage(m) || *n <= MC_E820_ZEROPAGE_MAX)
		return false;
	finding(f, "e820-capacity", m->name, "e820_entries is %u; the zero "
		"page's table holds %d (E820_MAX_ENTRIES_ZEROPAGE): more go in "
		"a SETUP_E820_EXT node", *n, MC_E820_ZEROPAGE_MAX);
	*n = MC_E820_ZEROPAGE_MAX;
	return true;
}

void check_e820_capacity(struct findings *f, const struct model *m)
{
	size_t n;

	if (!strstr(m->format, "e820") && !strstr(m->format, "zero page"))
		return;
	mc_map_input(m->map, &n);
	if (n > MC_E820_MAX_ENTRIES_DEFAULT)
		finding(f, "e820-capacity", m->name, "%zu entries; Debian's "
			"x86_64 kernels hold %d (E820_MAX_ENTRIES = 128 + 3 * "
			"MAX_NUMNODES) and drop the rest", n,
			MC_E820_MAX_ENTRIES_DEFAULT);
}

/* [first, first + size - 1] inside @ram, else a finding. */
static void need_in(struct findings *f, const struct model *m,
		    const struct rangeset *ram, const char *what,
		    const char *in, uint64_t first, uint64_t size)
{
	uint64_t last;

	if (!first || !size)
		return;		/* not set */
	last = size - 1 > UINT64_MAX - first ? UINT64_MAX : first + size - 1;
	if (!rangeset_covers(ram, first, last))
		finding_at(f, "boot-outside-ram", m->name, first, last,
			   "the %s is not all in %s the zero page's e820 "
			   "describes", what, in);
}

void check_zeropage(struct findings *f, const struct model *m)
{
	const unsigned char *zp = (const unsigned char *)m->bytes.p;
	struct rangeset ram = { 0 }, any = { 0 };
	const struct mc_region *r;
	size_t n;

	if (!is_zeropage(m) || m->broken)
		return;
	r = mc_map_input(m->map, &n);
	for (size_t i = 0; i < n; i++) {
		if (r[i].kind == MC_RAM)
			rangeset_add(&ram, r[i].first, r[i].last);
		rangeset_add(&any, r[i].first, r[i].last);
	}
	rangeset_close(&ram);
	rangeset_close(&any);
	need_in(f, m, &ram, "kernel (code32_start, init_size)", "the RAM",
		le(zp + ZP_CODE32_START, 4), le(zp + ZP_INIT_SIZE, 4));
	need_in(f, m, &ram, "initrd (ramdisk_image, ramdisk_size)", "the RAM",
		le(zp + ZP_RAMDISK_IMAGE, 4) |
			le(zp + ZP_EXT_RAMDISK_IMAGE, 4) << 32,
		le(zp + ZP_RAMDISK_SIZE, 4) |
			le(zp + ZP_EXT_RAMDISK_SIZE, 4) << 32);
	need_in(f, m, &ram, "command line (cmd_line_ptr)", "the RAM",
		le(zp + ZP_CMD_LINE_PTR, 4) |
			le(zp + ZP_EXT_CMD_LINE_PTR, 4) << 32, 1);
	need_in(f, m, &ram, "first setup_data node", "the RAM",
		le(zp + ZP_SETUP_DATA, 8), SETUP_DATA_HDR);
	need_in(f, m, &any, "RSDP (acpi_rsdp_addr)", "memory",
		le(zp + ZP_ACPI_RSDP_ADDR, 8), ACPI_RSDP_V2_LEN);
	f->failed |= ram.failed || any.failed;
	rangeset_free(&ram);
	rangeset_free(&any);
}

void check_acpi(struct findings *f, const struct model *m)
{
	const struct mc_region *r;
	size_t n;

	if (m->broken)
		return;
	r = mc_map_input(m->map, &n);
	if (!strcmp(m->format, "ACPI DMAR table"))
		for (size_t i = 0; i < n; i++)
			if (!r[i].n_devices)
				finding_at(f, "rmrr-no-scope", m->name,
					   r[i].first, r[i].last, "an RMRR with "
					   "no device scope: no device is "
					   "identity-mapped there");
	if (!strcmp(m->format, "ACPI IORT table") && n &&
	    (unsigned char)m->bytes.p[8] < IORT_RMR_REVISION)
		finding(f, "iort-rmr-ignored", m->name, "IORT revision %u "
			"with %zu RMR range%s: Linux reads RMR nodes from "
			"revision %d (DEN 0049E.d) on and ignores these",
			(unsigned char)m->bytes.p[8], n, n == 1 ? "" : "s",
			IORT_RMR_REVISION);
}
