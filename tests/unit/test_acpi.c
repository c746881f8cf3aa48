// SPDX-License-Identifier: MIT
/*
 * test_acpi.c - the ACPI tables memcarve writes, field by field: what a
 * guest's IOMMU driver reads from each DMAR, IVRS and IORT structure.
 */
#include "core_helpers.h"
#include "memcarve-acpi.h"
#include "acpi_table.h"

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return le16(p) | (uint32_t)le16(p + 2) << 16; }
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

static struct mc_map *carved(const char *text)
{
	struct mc_map *map = map_from(text);

	if (mc_map_carve(map))
		fail_msg("carve failed: %s", first_error(map));
	return map;
}

/* Build @table for @text; fails the test on an error. */
static uint8_t *build(const char *text, enum mc_acpi_table table,
		      const struct mc_acpi_opts *o, const void *base,
		      size_t base_len, size_t *len)
{
	struct mc_map *map = carved(text);
	uint8_t *t = NULL;

	if (acpi_table(map, table, o, base, base_len, &t, len))
		fail_msg("build failed: %s", first_error(map));
	mc_map_free(map);
	return t;
}

/* The error code of building @table for @text; @msg gets the diagnostic. */
static int build_error(const char *text, enum mc_acpi_table table,
		       const void *base, size_t base_len, char *msg)
{
	struct mc_map *map = carved(text);
	uint8_t *t = NULL;
	size_t len = 0;
	int err = acpi_table(map, table, NULL, base, base_len, &t, &len);

	assert_null(t);
	snprintf(msg, 384, "%.383s", first_error(map));
	mc_map_free(map);
	return err;
}

static void assert_table(const uint8_t *t, size_t len, const char *sig)
{
	assert_memory_equal(t, sig, 4);
	assert_int_equal(le32(t + 4), len);
	assert_int_equal(acpi_byte_sum(t, len), 0);
}

#define X86 "arch x86_64\nram 0x0 2G\n"
#define ARM "arch arm64\nram 0x40000000 2G\n"

/* --- DMAR ------------------------------------------------------------- */

static void dmar_fresh_has_drhd_for_qemu_intel_iommu(void **state)
{
	size_t len;
	uint8_t *t = build(X86, MC_ACPI_DMAR, NULL, NULL, 0, &len);

	(void)state;
	assert_int_equal(len, 48 + 16);
	assert_table(t, len, "DMAR");
	assert_int_equal(t[8], 1);			/* revision */
	assert_memory_equal(t + 10, "MCARVE", 6);	/* OEM ID */
	assert_memory_equal(t + 16, "MEMCARVE", 8);	/* OEM table ID */
	assert_int_equal(le32(t + 24), 1);		/* OEM revision */
	assert_memory_equal(t + 28, "MCRV", 4);		/* creator ID */
	assert_int_equal(t[36], 38);			/* width - 1 */
	assert_int_equal(le16(t + 48), 0);		/* DRHD */
	assert_int_equal(le16(t + 50), 16);
	assert_int_equal(t[52], 1);			/* INCLUDE_PCI_ALL */
	assert_int_equal(le64(t + 56), 0xfed90000);
	mc_free(t);
}

static void dmar_rmrr_per_range_with_a_scope_per_device(void **state)
{
	size_t len;
	uint8_t *t = build(X86 "reserved 0x7e000000 1M type=direct "
			   "devices=00:03.0,02:01.7\n",
			   MC_ACPI_DMAR, NULL, NULL, 0, &len);
	const uint8_t *r = t + 64, *s = r + 24;

	(void)state;
	assert_table(t, len, "DMAR");
	assert_int_equal(len, 64 + 24 + 2 * 8);
	assert_int_equal(le16(r), 1);			/* RMRR */
	assert_int_equal(le16(r + 2), 24 + 16);
	assert_int_equal(le16(r + 6), 0);		/* segment */
	assert_int_equal(le64(r + 8), 0x7e000000);	/* base */
	assert_int_equal(le64(r + 16), 0x7e0fffff);	/* inclusive limit */
	assert_int_equal(s[0], 1);			/* PCI endpoint */
	assert_int_equal(s[1], 8);
	assert_int_equal(s[5], 0);			/* start bus */
	assert_int_equal(s[6], 3);
	assert_int_equal(s[7], 0);
	assert_int_equal(s[8 + 5], 2);
	assert_int_equal(s[8 + 6], 1);
	assert_int_equal(s[8 + 7], 7);
	mc_free(t);
}

static void dmar_describes_the_whole_input_range_once(void **state)
{
	/* An msi range on top splits the direct range into two pieces. */
	size_t len;
	uint8_t *t = build(X86 "reserved 0x7e000000 1M type=direct "
			   "devices=00:02.0\n"
			   "reserved 0x7e040000 64K type=msi\n",
			   MC_ACPI_DMAR, NULL, NULL, 0, &len);

	(void)state;
	assert_int_equal(len, 64 + 24 + 8);	/* one device scope */
	assert_int_equal(le64(t + 64 + 8), 0x7e000000);
	assert_int_equal(le64(t + 64 + 16), 0x7e0fffff);
	mc_free(t);
}

static void dmar_rmrr_may_end_at_the_top_of_memory(void **state)
{
	size_t len;
	uint8_t *t = build("arch x86_64\nram 0x0 1G\n"
			   "reserved 0xfffffffffffff000 4K type=direct "
			   "devices=00:02.0\n",
			   MC_ACPI_DMAR, NULL, NULL, 0, &len);

	(void)state;
	assert_int_equal(le64(t + 64 + 16), UINT64_MAX);
	mc_free(t);
}

static void dmar_refuses_an_unaligned_rmrr(void **state)
{
	char msg[384];

	(void)state;
	assert_int_equal(build_error(X86 "reserved 0x7e000800 4K type=direct "
				     "name=buf\n",
				     MC_ACPI_DMAR, NULL, 0, msg),
			 MC_EALIGN);
	assert_non_null(strstr(msg, "test.map:3: reserved 0x7e000800+0x1000 "
				    "type=direct name=buf: "));
	assert_non_null(strstr(msg, "4 KiB aligned"));
}

static void dmar_fresh_covers_segment_0_only(void **state)
{
	char msg[384];

	(void)state;
	assert_int_equal(build_error(X86 "reserved 0x7e000000 4K type=direct "
				     "devices=0001:00:01.0\n",
				     MC_ACPI_DMAR, NULL, 0, msg),
			 MC_EINVAL);
	assert_non_null(strstr(msg, "segment 1"));
}

/* A QEMU-like DMAR: DRHD with an IOAPIC scope, then an ATSR. */
static uint8_t *qemu_dmar(size_t *len)
{
	size_t n;
	uint8_t *t = build(X86, MC_ACPI_DMAR, NULL, NULL, 0, &n);
	static const uint8_t atsr[8] = { 2, 0, 8, 0, 1, 0, 0, 0 };

	t = realloc(t, n + sizeof(atsr));
	assert_non_null(t);
	memcpy(t + n, atsr, sizeof(atsr));
	n += sizeof(atsr);
	t[4] = (uint8_t)n;
	memcpy(t + 10, "BOCHS ", 6);
	memcpy(t + 16, "BXPC    ", 8);
	acpi_fix_checksum(t, n);
	*len = n;
	return t;
}

static void dmar_patch_inserts_rmrrs_after_the_drhds(void **state)
{
	size_t blen, len;
	uint8_t *base = qemu_dmar(&blen);
	uint8_t *t = build(X86 "reserved 0x7e000000 1M type=direct "
			   "devices=00:02.0\n",
			   MC_ACPI_DMAR, NULL, base, blen, &len);

	(void)state;
	assert_table(t, len, "DMAR");
	assert_int_equal(len, blen + 24 + 8);	/* RMRR and its scope */
	assert_memory_equal(t + 10, "BOCHS BXPC    ", 14);
	assert_int_equal(le32(t + 24), 2);		/* base + 1 */
	assert_memory_equal(t + 36, base + 36, 64 - 36);	/* DRHD kept */
	assert_int_equal(le16(t + 64), 1);		/* then the RMRR */
	assert_memory_equal(t + 96, base + 64, 8);	/* ATSR after it */
	mc_free(t);
	free(base);
}

static void dmar_patch_needs_an_oem_revision_above_the_base(void **state)
{
	size_t blen, len;
	uint8_t *base = qemu_dmar(&blen), *t;
	struct mc_acpi_opts o;
	char msg[384];

	(void)state;
	memset(base + 24, 0xff, 4);
	acpi_fix_checksum(base, blen);
	assert_int_equal(build_error(X86, MC_ACPI_DMAR, base, blen, msg),
			 MC_ERANGE);
	assert_non_null(strstr(msg, "opts.oem_revision"));
	mc_acpi_opts_init(&o);
	o.oem_revision = 7;
	o.set_oem_revision = true;
	t = build(X86, MC_ACPI_DMAR, &o, base, blen, &len);
	assert_int_equal(le32(t + 24), 7);
	mc_free(t);
	free(base);
}

static void base_must_be_the_same_table_and_intact(void **state)
{
	size_t blen;
	uint8_t *base = qemu_dmar(&blen);
	char msg[384];

	(void)state;
	assert_int_equal(build_error(X86, MC_ACPI_IVRS, base, blen, msg),
			 MC_EBADBLOB);
	assert_non_null(strstr(msg, "must have signature IVRS"));
	base[40] ^= 1;
	assert_int_equal(build_error(X86, MC_ACPI_DMAR, base, blen, msg),
			 MC_EBADBLOB);
	assert_non_null(strstr(msg, "checksum"));
	assert_int_equal(build_error(X86, MC_ACPI_DMAR, base, blen - 1, msg),
			 MC_EBADBLOB);
	assert_non_null(strstr(msg, "the header says"));
	free(base);
}

/* --- IVRS ------------------------------------------------------------- */

static const uint8_t *ivmd(const uint8_t *t, size_t i)
{
	return t + 48 + 36 + 32 * i;	/* after the fresh IVHD */
}

static void ivrs_fresh_has_qemu_amd_iommu_ivhd(void **state)
{
	size_t len;
	uint8_t *t = build(X86, MC_ACPI_IVRS, NULL, NULL, 0, &len);
	const uint8_t *h = t + 48;

	(void)state;
	assert_table(t, len, "IVRS");
	assert_int_equal(len, 48 + 36);
	assert_int_equal(le32(t + 36), 0x2800);		/* IVinfo */
	assert_int_equal(h[0], 0x10);
	assert_int_equal(h[1], 0xd1);
	assert_int_equal(le16(h + 2), 36);
	assert_int_equal(le16(h + 4), 0x0018);		/* 00:03.0 */
	assert_int_equal(le16(h + 6), 0x40);
	assert_int_equal(le64(h + 8), 0xfed80000);
	assert_int_equal(le32(h + 20), 0x44);
	assert_int_equal(h[24], 0x01);			/* all devices */
	assert_int_equal(h[28], 0x48);			/* special: */
	assert_int_equal(le16(h + 33), 0x00a0);		/* IOAPIC 00:14.0 */
	assert_int_equal(h[35], 1);
	mc_free(t);
}

static void ivrs_ivmd_types_follow_the_devices(void **state)
{
	size_t len;
	uint8_t *t = build(X86 "reserved 0x10000000 1M type=direct devices=all\n"
			   "reserved 0x20000000 1M type=direct devices=00:04.0\n"
			   "reserved 0x30000000 1M type=direct "
			   "devices=00:05.2,00:05.0,00:05.1,01:00.0 readonly\n",
			   MC_ACPI_IVRS, NULL, NULL, 0, &len);

	(void)state;
	assert_table(t, len, "IVRS");
	assert_int_equal(len, 48 + 36 + 4 * 32);
	assert_int_equal(ivmd(t, 0)[0], 0x20);		/* all peripherals */
	assert_int_equal(ivmd(t, 0)[1], 0x07);		/* unity, IR, IW */
	assert_int_equal(le16(ivmd(t, 0) + 2), 32);
	assert_int_equal(le64(ivmd(t, 0) + 16), 0x10000000);
	assert_int_equal(le64(ivmd(t, 0) + 24), 0x100000);	/* a length */
	assert_int_equal(ivmd(t, 1)[0], 0x21);		/* one device */
	assert_int_equal(le16(ivmd(t, 1) + 4), 0x0020);
	assert_int_equal(ivmd(t, 2)[0], 0x22);		/* 00:05.0-00:05.2 */
	assert_int_equal(ivmd(t, 2)[1], 0x03);		/* readonly: no IW */
	assert_int_equal(le16(ivmd(t, 2) + 4), 0x0028);
	assert_int_equal(le16(ivmd(t, 2) + 6), 0x002a);
	assert_int_equal(ivmd(t, 3)[0], 0x21);		/* 01:00.0 apart */
	assert_int_equal(le16(ivmd(t, 3) + 4), 0x0100);
	mc_free(t);
}

static void ivrs_patch_appends_ivmds(void **state)
{
	size_t blen, len;
	uint8_t *base = build(X86, MC_ACPI_IVRS, NULL, NULL, 0, &blen);
	uint8_t *t = build(X86 "reserved 0x10000000 1M type=direct devices=all\n",
			   MC_ACPI_IVRS, NULL, base, blen, &len);

	(void)state;
	assert_table(t, len, "IVRS");
	assert_int_equal(len, blen + 32);
	assert_memory_equal(t + 36, base + 36, blen - 36);
	assert_int_equal(le32(t + 24), 2);
	assert_int_equal(t[blen], 0x20);
	mc_free(t);
	mc_free(base);
}

/* --- IORT ------------------------------------------------------------- */

#define ITS 48
#define SMMU (ITS + 24)
#define RC (SMMU + 88)
#define RMR0 (RC + 56)

static void iort_fresh_is_qemu_virt_smmuv3_at_revision_e_d(void **state)
{
	size_t len;
	uint8_t *t = build(ARM, MC_ACPI_IORT, NULL, NULL, 0, &len);

	(void)state;
	assert_table(t, len, "IORT");
	assert_int_equal(t[8], 5);			/* E.d */
	assert_int_equal(le32(t + 36), 3);		/* nodes */
	assert_int_equal(le32(t + 40), 48);
	assert_int_equal(t[ITS], 0);
	assert_int_equal(le32(t + ITS + 16), 1);	/* one ITS */
	assert_int_equal(t[SMMU], 4);
	assert_int_equal(le64(t + SMMU + 16), 0x09050000);
	assert_int_equal(le32(t + SMMU + 44), 0x6a);	/* event */
	assert_int_equal(le32(t + SMMU + 52), 0x6d);	/* GERR */
	assert_int_equal(le32(t + SMMU + 56), 0x6c);	/* sync */
	assert_int_equal(le32(t + SMMU + 68 + 12), ITS);	/* to the ITS */
	assert_int_equal(t[RC], 2);
	assert_int_equal(le32(t + RC + 36 + 4), 0xffff);	/* all RIDs */
	assert_int_equal(le32(t + RC + 36 + 12), SMMU);
	assert_int_equal(RMR0, len);
	mc_free(t);
}

static void iort_rmr_node_maps_stream_ids_to_the_smmu(void **state)
{
	size_t len;
	uint8_t *t = build(ARM "reserved 0x48000000 16M type=direct "
			   "devices=00:02.0,00:03.1,00:03.0\n",
			   MC_ACPI_IORT, NULL, NULL, 0, &len);
	const uint8_t *n = t + RMR0, *m = n + 28, *d = m + 2 * 20;

	(void)state;
	assert_table(t, len, "IORT");
	assert_int_equal(le32(t + 36), 4);
	assert_int_equal(n[0], 6);			/* RMR */
	assert_int_equal(le16(n + 1), 28 + 2 * 20 + 20);
	assert_int_equal(n[3], 3);			/* node revision */
	assert_int_equal(le32(n + 4), 3);		/* unique identifier */
	assert_int_equal(le32(n + 8), 2);		/* 0x10, 0x18-0x19 */
	assert_int_equal(le32(n + 12), 28);
	assert_int_equal(le32(n + 16), 5 << 2);		/* RAM: normal-wb */
	assert_int_equal(le32(n + 20), 1);		/* one range */
	assert_int_equal(le32(n + 24), 28 + 2 * 20);
	assert_int_equal(le32(m + 0), 0x10);		/* input base */
	assert_int_equal(le32(m + 4), 0);		/* one ID */
	assert_int_equal(le32(m + 8), 0x10);		/* output base */
	assert_int_equal(le32(m + 12), SMMU);
	assert_int_equal(le32(m + 20), 0x18);
	assert_int_equal(le32(m + 24), 1);		/* two IDs */
	assert_int_equal(le64(d), 0x48000000);
	assert_int_equal(le64(d + 8), 0x1000000);
	mc_free(t);
}

static uint32_t rmr_flags_of(const char *line)
{
	char text[256];
	size_t len;
	uint8_t *t;
	uint32_t flags;

	snprintf(text, sizeof(text), "%s%s", ARM, line);
	t = build(text, MC_ACPI_IORT, NULL, NULL, 0, &len);
	flags = le32(t + RMR0 + 16);
	mc_free(t);
	return flags;
}

static void iort_rmr_flags_follow_the_map(void **state)
{
	(void)state;
	/* direct-relaxable: remapping permitted (bit 0) */
	assert_int_equal(rmr_flags_of("reserved 0x48000000 64K "
				      "type=direct-relaxable sids=1\n"),
			 1 | 5 << 2);
	/* privileged (bit 1), access attributes (bits 9:2) */
	assert_int_equal(rmr_flags_of("reserved 0x48000000 64K type=direct "
				      "sids=1 privileged access=normal-nc\n"),
			 2 | 4 << 2);
	assert_int_equal(rmr_flags_of("reserved 0x48000000 64K type=direct "
				      "sids=1 access=0x83\n"),
			 0x83 << 2);
	/* not backed by guest RAM: device memory by default */
	assert_int_equal(rmr_flags_of("reserved 0x20000000 64K type=direct "
				      "sids=1\n"),
			 0);
}

static void iort_refuses_what_linux_would_skip(void **state)
{
	char msg[384];

	(void)state;
	assert_int_equal(build_error(ARM "reserved 0x48001000 64K type=direct "
				     "sids=1\n",
				     MC_ACPI_IORT, NULL, 0, msg),
			 MC_EALIGN);
	assert_non_null(strstr(msg, "64 KiB aligned"));
	assert_int_equal(build_error(ARM "reserved 0x48000000 64K "
				     "type=direct\n",
				     MC_ACPI_IORT, NULL, 0, msg),
			 MC_EINVAL);
	assert_non_null(strstr(msg, "needs stream IDs"));
}

/* QEMU 7.2's IORT: revision 3, ITS, SMMUv3, RC (from a fresh one). */
static uint8_t *qemu_iort(size_t *len)
{
	uint8_t *t = build(ARM, MC_ACPI_IORT, NULL, NULL, 0, len);

	t[8] = 3;
	memcpy(t + 10, "BOCHS ", 6);
	memcpy(t + 16, "BXPC    ", 8);
	acpi_fix_checksum(t, *len);
	return t;
}

static void iort_patch_appends_rmr_nodes_and_raises_the_revision(void **state)
{
	size_t blen, len;
	uint8_t *base = qemu_iort(&blen);
	uint8_t *t = build(ARM "reserved 0x48000000 64K type=direct sids=7\n",
			   MC_ACPI_IORT, NULL, base, blen, &len);

	(void)state;
	assert_table(t, len, "IORT");
	assert_int_equal(t[8], 5);
	assert_int_equal(le32(t + 24), 2);
	assert_int_equal(le32(t + 36), 4);
	assert_memory_equal(t + 40, base + 40, blen - 40);
	assert_int_equal(t[blen], 6);
	assert_int_equal(le32(t + blen + 4), 3);	/* after QEMU's 0-2 */
	assert_int_equal(le32(t + blen + 28 + 12), SMMU);
	mc_free(t);
	mc_free(base);
}

static void iort_patch_needs_an_smmuv3(void **state)
{
	size_t blen;
	uint8_t *base = qemu_iort(&blen);
	char msg[384];

	(void)state;
	base[SMMU] = 3;		/* now an SMMUv1/v2 node */
	acpi_fix_checksum(base, blen);
	assert_int_equal(build_error(ARM "reserved 0x48000000 64K type=direct "
				     "sids=7\n",
				     MC_ACPI_IORT, base, blen, msg),
			 MC_EINVAL);
	assert_non_null(strstr(msg, "no SMMUv3 node"));
	mc_free(base);
}

static void build_needs_a_carved_map(void **state)
{
	struct mc_map *map = map_from(X86);
	uint8_t *t = NULL;
	size_t len;

	(void)state;
	assert_int_equal(acpi_table(map, MC_ACPI_DMAR, NULL, NULL, 0, &t, &len),
			 MC_ESTATE);
	assert_null(t);
	mc_map_free(map);
}

static void header_options_are_checked(void **state)
{
	struct mc_map *map = carved(X86);
	struct mc_acpi_opts o;
	uint8_t *t = NULL;
	size_t len;

	(void)state;
	mc_acpi_opts_init(&o);
	o.oem_id = "TOOLONG";
	assert_int_equal(acpi_table(map, MC_ACPI_DMAR, &o, NULL, 0, &t, &len),
			 MC_EINVAL);
	assert_non_null(strstr(first_error(map), "opts.oem_id"));
	o.oem_id = "AB";
	o.creator_id = "QEMU";
	o.creator_revision = 0x20250101;
	assert_int_equal(acpi_table(map, MC_ACPI_DMAR, &o, NULL, 0, &t, &len),
			 0);
	assert_memory_equal(t + 10, "AB    ", 6);	/* space padded */
	assert_memory_equal(t + 28, "QEMU", 4);
	assert_int_equal(le32(t + 32), 0x20250101);
	mc_free(t);
	mc_map_free(map);
}

/* --- RSDP + XSDT ------------------------------------------------------ */

static void rsdp_links_tables_at_their_guest_addresses(void **state)
{
	size_t l1, l2, len;
	uint8_t *dmar = build(X86, MC_ACPI_DMAR, NULL, NULL, 0, &l1);
	uint8_t *ivrs = build(X86, MC_ACPI_IVRS, NULL, NULL, 0, &l2);
	const void *tables[] = { dmar, ivrs };
	const size_t lens[] = { l1, l2 };
	struct mc_map *map = carved("ram 0 640K\n");
	uint8_t *b = NULL, *x;
	void *blob;
	const uint64_t addr = 0x9f000;

	(void)state;
	assert_int_equal(mc_acpi_rsdp_alloc(map, addr, tables, lens, 2, NULL,
					    &blob, &len),
			 0);
	b = blob;
	assert_memory_equal(b, "RSD PTR ", 8);
	assert_int_equal(acpi_byte_sum(b, 20), 0);		/* ACPI 1.0 checksum */
	assert_int_equal(acpi_byte_sum(b, 36), 0);		/* extended checksum */
	assert_int_equal(b[15], 2);
	assert_int_equal(le32(b + 20), 36);
	assert_int_equal(le64(b + 24), addr + 0x40);
	x = b + 0x40;
	assert_table(x, 36 + 16, "XSDT");
	assert_int_equal(le64(x + 36), addr + 0x80);	/* 16-byte aligned */
	assert_memory_equal(b + 0x80, dmar, l1);
	assert_int_equal(le64(x + 44), addr + 0x80 + ((l1 + 15) & ~15ul));
	assert_memory_equal(b + le64(x + 44) - addr, ivrs, l2);
	assert_int_equal(len, le64(x + 44) - addr + l2);
	mc_free(b);
	mc_free(dmar);
	mc_free(ivrs);
	mc_map_free(map);
}

static void rsdp_refuses_bad_addresses_and_tables(void **state)
{
	size_t l1, len;
	uint8_t *dmar = build(X86, MC_ACPI_DMAR, NULL, NULL, 0, &l1);
	const void *tables[] = { dmar };
	struct mc_map *map = carved("ram 0 640K\n");
	void *b = NULL;

	(void)state;
	assert_int_equal(mc_acpi_rsdp_alloc(map, 0x9f008, tables, &l1, 1, NULL,
					    &b, &len),
			 MC_EALIGN);
	assert_int_equal(mc_acpi_rsdp_alloc(map, UINT64_MAX - 0xf, tables, &l1,
					    1, NULL, &b, &len),
			 MC_ERANGE);
	dmar[20] ^= 1;
	assert_int_equal(mc_acpi_rsdp_alloc(map, 0x9f000, tables, &l1, 1, NULL,
					    &b, &len),
			 MC_EBADBLOB);
	assert_null(b);
	assert_int_equal(len, 0);
	mc_free(dmar);
	mc_map_free(map);
}

/* The guest keeps the blob only where the map says acpi data or RAM. */
static void rsdp_blob_lies_in_one_acpi_or_ram_range(void **state)
{
	size_t l1, len;
	uint8_t *dmar = build(X86, MC_ACPI_DMAR, NULL, NULL, 0, &l1);
	const void *tables[] = { dmar };
	struct mc_map *map = carved("ram 0 640K name=low\n"
				    "reserved 0xa0000 384K name=legacy\n"
				    "acpi 0x100000 64K name=tables\n");
	struct mc_map *raw = mc_map_new();
	void *b = NULL;

	(void)state;
	assert_int_equal(mc_acpi_rsdp_alloc(map, 0x100000, tables, &l1, 1,
					    NULL, &b, &len),
			 0);
	mc_free(b);
	assert_int_equal(mc_acpi_rsdp_alloc(map, 0x9ffc0, tables, &l1, 1,
					    NULL, &b, &len),
			 MC_EOVERLAP);
	assert_null(b);
	assert_non_null(strstr(first_error(map), "name=legacy"));
	assert_int_equal(mc_acpi_rsdp_alloc(map, 0x200000, tables, &l1, 1,
					    NULL, &b, &len),
			 MC_EOVERLAP);
	assert_int_equal(mc_acpi_rsdp_alloc(raw, 0x100000, tables, &l1, 1,
					    NULL, &b, &len),
			 MC_ESTATE);
	mc_free(dmar);
	mc_map_free(raw);
	mc_map_free(map);
}

/* The caller-buffer forms: the size needed, then the same bytes. */
static void caller_buffer_forms_give_the_alloc_bytes(void **state)
{
	size_t l1, len, size = 0;
	uint8_t *dmar = build(X86, MC_ACPI_DMAR, NULL, NULL, 0, &l1);
	const void *tables[] = { dmar };
	struct mc_map *map = carved(X86);
	uint8_t buf[4096];
	void *b;

	(void)state;
	assert_int_equal(mc_acpi_build(map, MC_ACPI_DMAR, NULL, NULL, &size),
			 MC_ENOSPC);
	assert_int_equal(size, l1);
	assert_int_equal(mc_map_error_count(map), 0);
	size = l1 - 1;
	assert_int_equal(mc_acpi_build(map, MC_ACPI_DMAR, NULL, buf, &size),
			 MC_ENOSPC);
	assert_int_equal(size, l1);
	size = sizeof(buf);
	assert_int_equal(mc_acpi_build(map, MC_ACPI_DMAR, NULL, buf, &size), 0);
	assert_int_equal(size, l1);
	assert_memory_equal(buf, dmar, l1);
	assert_int_equal(mc_acpi_rsdp_alloc(map, 0x9f000, tables, &l1, 1, NULL,
					    &b, &len),
			 0);
	size = 0;
	assert_int_equal(mc_acpi_rsdp(map, 0x9f000, tables, &l1, 1, NULL, NULL,
				      &size),
			 MC_ENOSPC);
	assert_int_equal(size, len);
	assert_int_equal(mc_acpi_rsdp(map, 0x9f000, tables, &l1, 1, NULL, buf,
				      &size),
			 0);
	assert_memory_equal(buf, b, len);
	mc_free(b);
	mc_free(dmar);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dmar_fresh_has_drhd_for_qemu_intel_iommu),
		cmocka_unit_test(dmar_rmrr_per_range_with_a_scope_per_device),
		cmocka_unit_test(dmar_describes_the_whole_input_range_once),
		cmocka_unit_test(dmar_rmrr_may_end_at_the_top_of_memory),
		cmocka_unit_test(dmar_refuses_an_unaligned_rmrr),
		cmocka_unit_test(dmar_fresh_covers_segment_0_only),
		cmocka_unit_test(dmar_patch_inserts_rmrrs_after_the_drhds),
		cmocka_unit_test(dmar_patch_needs_an_oem_revision_above_the_base),
		cmocka_unit_test(base_must_be_the_same_table_and_intact),
		cmocka_unit_test(ivrs_fresh_has_qemu_amd_iommu_ivhd),
		cmocka_unit_test(ivrs_ivmd_types_follow_the_devices),
		cmocka_unit_test(ivrs_patch_appends_ivmds),
		cmocka_unit_test(iort_fresh_is_qemu_virt_smmuv3_at_revision_e_d),
		cmocka_unit_test(iort_rmr_node_maps_stream_ids_to_the_smmu),
		cmocka_unit_test(iort_rmr_flags_follow_the_map),
		cmocka_unit_test(iort_refuses_what_linux_would_skip),
		cmocka_unit_test(iort_patch_appends_rmr_nodes_and_raises_the_revision),
		cmocka_unit_test(iort_patch_needs_an_smmuv3),
		cmocka_unit_test(build_needs_a_carved_map),
		cmocka_unit_test(header_options_are_checked),
		cmocka_unit_test(rsdp_links_tables_at_their_guest_addresses),
		cmocka_unit_test(rsdp_refuses_bad_addresses_and_tables),
		cmocka_unit_test(rsdp_blob_lies_in_one_acpi_or_ram_range),
		cmocka_unit_test(caller_buffer_forms_give_the_alloc_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
