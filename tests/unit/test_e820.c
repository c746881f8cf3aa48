// SPDX-License-Identifier: MIT
/*
 * test_e820.c - the e820 emitter as a VMM uses it: a carved map becomes
 * entries of the right types, the layout rules catch maps that would not
 * boot, the zero page and the SETUP_E820_EXT node hold the bytes the
 * kernel reads at the offsets bootparam.h gives, and the decoders read
 * every output back.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "memcarve-e820.h"

#define MAX 512

static struct mc_map *carved(const char *text)
{
	struct mc_map *map = mc_map_new();

	assert_non_null(map);
	if (mc_map_load(map, "test.map", text, strlen(text)) ||
	    mc_map_carve(map))
		fail_msg("map failed: %s", mc_map_error(map, 0)->msg);
	return map;
}

static const char *first_error(const struct mc_map *map)
{
	const struct mc_error *e = mc_map_error(map, 0);

	return e ? e->msg : "";
}

/* The kernel's lines for @e, joined by newlines. */
static const char *text_of(const struct mc_e820_entry *e, size_t n)
{
	static char buf[MAX * 80];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t len = sizeof(buf) - off;

		assert_int_equal(mc_e820_format_line(&e[i], "BIOS-e820",
						     buf + off, &len), 0);
		off += len - 1;
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "\n");
	}
	return buf;
}

static size_t table(struct mc_map *map, struct mc_e820_entry *e)
{
	size_t n;

	n = MAX;
	if (mc_e820_build(map, NULL, e, &n))
		fail_msg("table failed: %s", first_error(map));
	return n;
}

static const char *e820_text(const char *map_text)
{
	struct mc_e820_entry e[MAX];
	struct mc_map *map = carved(map_text);
	const char *s = text_of(e, table(map, e));

	mc_map_free(map);
	return s;
}

static void ram_is_usable_and_reserved_ranges_are_reserved(void **state)
{
	(void)state;
	assert_string_equal(
		e820_text("arch x86_64\n"
			  "ram 0x0 640K\nreserved 0xa0000 384K\n"
			  "ram 0x100000 1023M\n"
			  "reserved 0xfee00000 1M type=msi\n"),
		"BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable\n"
		"BIOS-e820: [mem 0x00000000000a0000-0x00000000000fffff] reserved\n"
		"BIOS-e820: [mem 0x0000000000100000-0x000000003fffffff] usable\n"
		"BIOS-e820: [mem 0x00000000fee00000-0x00000000feefffff] reserved\n");
}

static void acpi_nvs_and_pmem_get_types_3_4_and_7(void **state)
{
	(void)state;
	assert_string_equal(
		e820_text("ram 0x0 1M\nacpi 0x80000 64K\nnvs 0x90000 64K\n"
			  "ram 0x100000 1M\npmem 0x100000000 1G\n"),
		"BIOS-e820: [mem 0x0000000000000000-0x000000000007ffff] usable\n"
		"BIOS-e820: [mem 0x0000000000080000-0x000000000008ffff] ACPI data\n"
		"BIOS-e820: [mem 0x0000000000090000-0x000000000009ffff] ACPI NVS\n"
		"BIOS-e820: [mem 0x00000000000a0000-0x00000000001fffff] usable\n"
		"BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] persistent (type 7)\n");
}

/* Linux's RMRR check wants E820 reserved under the range, backed or not. */
static void a_backed_direct_range_stays_reserved(void **state)
{
	(void)state;
	assert_string_equal(
		e820_text("ram 0x0 1G\nreserved 0x3e2e0000 128K type=direct\n"
			  "reserved 0x3f000000 1M type=direct-relaxable "
			  "policy=overlay\n"),
		"BIOS-e820: [mem 0x0000000000000000-0x000000003e2dffff] usable\n"
		"BIOS-e820: [mem 0x000000003e2e0000-0x000000003e2fffff] reserved\n"
		"BIOS-e820: [mem 0x000000003e300000-0x000000003effffff] usable\n"
		"BIOS-e820: [mem 0x000000003f000000-0x000000003f0fffff] reserved\n"
		"BIOS-e820: [mem 0x000000003f100000-0x000000003fffffff] usable\n");
}

static void mmio_inside_ram_is_reserved_and_a_pci_hole_left_out(void **state)
{
	(void)state;
	assert_string_equal(
		e820_text("ram 0x0 3G\nmmio 0xc0000000 1G\nram 0x100000000 1G\n"
			  "mmio 0x10000000 1K\n"),
		"BIOS-e820: [mem 0x0000000000000000-0x000000000fffffff] usable\n"
		"BIOS-e820: [mem 0x0000000010000000-0x0000000010000fff] reserved\n"
		"BIOS-e820: [mem 0x0000000010001000-0x00000000bfffffff] usable\n"
		"BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] usable\n");
}

static void mmio_partly_in_ram_is_reserved_only_inside_it(void **state)
{
	(void)state;
	assert_string_equal(
		e820_text("ram 0x0 256M\nmmio 0xff00000 2M\n"),
		"BIOS-e820: [mem 0x0000000000000000-0x000000000fefffff] usable\n"
		"BIOS-e820: [mem 0x000000000ff00000-0x000000000fffffff] reserved\n");
}

static void touching_reserved_ranges_merge_like_the_kernel_does(void **state)
{
	(void)state;
	assert_string_equal(
		e820_text("ram 0x0 16M\nreserved 0x100000 1M type=msi\n"
			  "reserved 0x200000 1M type=sw-msi\n"),
		"BIOS-e820: [mem 0x0000000000000000-0x00000000000fffff] usable\n"
		"BIOS-e820: [mem 0x0000000000100000-0x00000000002fffff] reserved\n"
		"BIOS-e820: [mem 0x0000000000300000-0x0000000000ffffff] usable\n");
}

static void ranges_at_the_top_of_the_space_do_not_wrap(void **state)
{
	(void)state;
	assert_string_equal(
		e820_text("ram 0x0 1G\nram 0xffffffff00000000 4G\n"
			  "reserved 0xfffffffffff00000 1M\n"),
		"BIOS-e820: [mem 0x0000000000000000-0x000000003fffffff] usable\n"
		"BIOS-e820: [mem 0xffffffff00000000-0xffffffffffefffff] usable\n"
		"BIOS-e820: [mem 0xfffffffffff00000-0xffffffffffffffff] reserved\n");
}

static void a_caller_buffer_too_small_gets_the_count(void **state)
{
	struct mc_map *map = carved("ram 0x0 1G\nreserved 0x100000 4K\n");
	struct mc_e820_entry e[3];
	size_t n;

	(void)state;
	n = 0;
	assert_int_equal(mc_e820_build(map, NULL, NULL, &n), MC_ENOSPC);
	assert_int_equal(n, 3);
	assert_int_equal(mc_map_error_count(map), 0);
	n = 3;
	assert_int_equal(mc_e820_build(map, NULL, e, &n), 0);
	assert_int_equal(n, 3);
	mc_map_free(map);
}

static void other_arches_and_uncarved_maps_are_refused(void **state)
{
	struct mc_map *map = carved("arch arm64\nram 0x0 1G\n");
	size_t n;

	(void)state;
	n = 0;
	assert_int_equal(mc_e820_build(map, NULL, NULL, &n), MC_EINVAL);
	assert_string_equal(first_error(map),
			    "arch: e820 describes x86 guests; the map is arm64 "
			    "(set the arch to x86_64 to write it anyway)");
	mc_map_free(map);
	map = mc_map_new();
	n = 0;
	assert_int_equal(mc_e820_build(map, NULL, NULL, &n), MC_ESTATE);
	mc_map_free(map);
}

static void type_names_are_linux_6_1s(void **state)
{
	char buf[24];

	(void)state;
	assert_string_equal(mc_e820_type_name(1, buf, sizeof(buf)), "usable");
	assert_string_equal(mc_e820_type_name(5, buf, sizeof(buf)), "unusable");
	assert_string_equal(mc_e820_type_name(12, buf, sizeof(buf)),
			    "persistent (type 12)");
	assert_string_equal(mc_e820_type_name(0xefffffff, buf, sizeof(buf)),
			    "soft reserved");
	assert_string_equal(mc_e820_type_name(9, buf, sizeof(buf)), "type 9");
}

/* ---- layout rules ------------------------------------------------------ */

static int check_map(const char *text, const struct mc_e820_rules *rules,
		     struct mc_map **out)
{
	struct mc_e820_entry e[MAX];
	struct mc_map *map = carved(text);
	int err = mc_e820_check(map, e, table(map, e), rules);

	*out = map;
	return err;
}

static void the_legacy_hole_rule_wants_ram_to_end_at_640k(void **state)
{
	struct mc_e820_rules rules = { .legacy_hole = true };
	struct mc_map *map;

	(void)state;
	assert_int_equal(check_map("ram 0x0 2G\nreserved 0xfee00000 1M\n",
				   &rules, &map), MC_EOVERLAP);
	assert_string_equal(first_error(map),
			    "rules.legacy_hole: usable RAM 0x0+0x80000000 reaches "
			    "into 0xa0000+0x60000 (VGA window and ROMs); end low "
			    "RAM at 640K and reserve 0xa0000 384K");
	mc_map_free(map);
	assert_int_equal(check_map("ram 0x0 640K\nreserved 0xa0000 384K\n"
				   "ram 0x100000 1G\n", &rules, &map), 0);
	mc_map_free(map);
}

static void what_the_kernel_needs_must_be_usable_ram(void **state)
{
	struct mc_e820_need need[] = {
		{ "--kernel", 0x1000000, 0x4f97fff },
		{ "--initrd-addr", 0x6000000, 0x60fffff },
	};
	struct mc_e820_rules rules = { .need = need, .n_need = 2 };
	struct mc_map *map;

	(void)state;
	assert_int_equal(check_map("ram 0x0 1G\nreserved 0xfee00000 1M\n",
				   &rules, &map), 0);
	mc_map_free(map);
	assert_int_equal(check_map("ram 0x0 1G\nreserved 0x2000000 1M\n",
				   &rules, &map), MC_EOVERLAP);
	assert_string_equal(first_error(map),
			    "--kernel: 0x1000000+0x3f98000 must be usable RAM; "
			    "0x2000000+0x100000 is reserved");
	mc_map_free(map);
	assert_int_equal(check_map("ram 0x0 96M\nram 0x8000000 1G\n", &rules,
				   &map), MC_EOVERLAP);
	assert_string_equal(first_error(map),
			    "--initrd-addr: 0x6000000+0x100000 must be usable "
			    "RAM; 0x6000000+0x100000 is in no entry");
	mc_map_free(map);
}

static void linux_ignores_a_table_of_one_entry(void **state)
{
	struct mc_map *map;

	(void)state;
	assert_int_equal(check_map("ram 0x0 1G\n", NULL, &map), MC_EINVAL);
	assert_string_equal(first_error(map),
			    "e820: 1 entry; Linux ignores a table of fewer than "
			    "2 and guesses memory from the BIOS instead");
	mc_map_free(map);
}

static void overlapping_entries_are_caught(void **state)
{
	struct mc_e820_entry e[] = { { 0, 0x2000, 1 }, { 0x1000, 0x1000, 2 } };
	struct mc_map *map = mc_map_new();

	(void)state;
	assert_int_equal(mc_e820_check(map, e, 2, NULL), MC_EOVERLAP);
	assert_string_equal(first_error(map),
			    "e820: entry 1 0x1000+0x1000 overlaps or precedes "
			    "entry 0 0x0+0x2000");
	mc_map_free(map);
}

/* ---- bzImage, zero page, setup_data ------------------------------------ */

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void put(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A setup header as a 2.15 bzImage carries it, in a 1 KiB image. */
static void fake_bzimage(uint8_t *img, uint16_t version)
{
	memset(img, 0, 1024);
	img[0x1f1] = 0x27;			/* setup_sects */
	put(img + 0x1fe, 0xaa55, 2);
	img[0x200] = 0xeb;
	img[0x201] = 0x6a;			/* header ends at 0x26c */
	memcpy(img + 0x202, "HdrS", 4);
	put(img + 0x206, version, 2);
	put(img + 0x238, 0x7ff, 4);		/* cmdline_size */
	put(img + 0x258, 0x1000000, 8);		/* pref_address */
	put(img + 0x260, 0x3f98000, 4);		/* init_size */
	put(img + 0x264, 0x12345678, 4);	/* handover_offset: copied */
	img[0x26c] = 0x99;			/* past the header: not */
}

static void a_bzimage_header_is_read_and_checked(void **state)
{
	uint8_t img[1024];
	struct mc_bzimage b;
	struct mc_map *map = mc_map_new();

	(void)state;
	fake_bzimage(img, 0x020f);
	assert_int_equal(mc_e820_bzimage(map, "bz", img, sizeof(img), &b), 0);
	assert_int_equal(b.version, 0x020f);
	assert_int_equal(b.hdr_end, 0x26c);
	assert_int_equal(b.pref_address, 0x1000000);
	assert_int_equal(b.init_size, 0x3f98000);
	memcpy(img + 0x202, "HdrX", 4);
	assert_int_equal(mc_e820_bzimage(map, "bz", img, sizeof(img), &b),
			 MC_EBADBLOB);
	assert_string_equal(first_error(map),
			    "image: bz: no \"HdrS\" magic at 0x202; not a "
			    "bzImage (or older than boot protocol 2.00)");
	fake_bzimage(img, 0x0208);
	assert_int_equal(mc_e820_bzimage(map, "bz", img, sizeof(img), &b),
			 MC_EBADBLOB);
	fake_bzimage(img, 0x020f);
	img[0x201] = 0xff;
	assert_int_equal(mc_e820_bzimage(map, "bz", img, sizeof(img), &b),
			 MC_EBADBLOB);
	assert_int_equal(mc_e820_bzimage(map, "bz", img, 0x100, &b),
			 MC_EBADBLOB);
	mc_map_free(map);
}

static void the_zero_page_holds_header_fields_and_table(void **state)
{
	static uint8_t img[1024], zp[MC_ZEROPAGE_SIZE];
	size_t zp_size = sizeof(zp);
	struct mc_e820_entry e[] = { { 0, 0xa0000, 1 }, { 0xa0000, 0x60000, 2 },
				     { 0x100000, 0x3ff00000, 1 } };
	struct mc_e820_boot_opts b = { .kernel = img, .kernel_len = sizeof(img),
				  .kernel_name = "bz",
				  .cmdline_addr = 0x120020000,
				  .initrd_addr = 0x6000000,
				  .initrd_size = 0x200000,
				  .rsdp_addr = 0x80000,
				  .setup_data_next = 0x30000 };
	struct mc_map *map = mc_map_new();

	(void)state;
	fake_bzimage(img, 0x020f);
	assert_int_equal(mc_e820_zeropage(map, e, 3, &b, zp, &zp_size), 0);
	assert_memory_equal(zp + 0x1f1, img + 0x1f1, 0x210 - 0x1f1);
	assert_int_equal(le(zp + 0x264, 4), 0x12345678);
	assert_int_equal(zp[0x26c], 0);
	assert_int_equal(zp[0x210], 0xff);		/* type_of_loader */
	assert_int_equal(zp[0x1ef], 0);			/* sentinel */
	assert_int_equal(le(zp + 0x228, 4), 0x20020000);	/* cmd_line_ptr */
	assert_int_equal(le(zp + 0x0c8, 4), 0x1);	/* ext_cmd_line_ptr */
	assert_int_equal(le(zp + 0x218, 4), 0x6000000);
	assert_int_equal(le(zp + 0x21c, 4), 0x200000);
	assert_int_equal(le(zp + 0x070, 8), 0x80000);	/* acpi_rsdp_addr */
	assert_int_equal(le(zp + 0x250, 8), 0x30000);	/* setup_data */
	assert_int_equal(zp[0x1e8], 3);			/* e820_entries */
	assert_int_equal(le(zp + 0x2d0 + 20, 8), 0xa0000);
	assert_int_equal(le(zp + 0x2d0 + 28, 8), 0x60000);
	assert_int_equal(le(zp + 0x2d0 + 36, 4), 2);
	assert_int_equal(le(zp + 0x2d0 + 60, 4), 0);	/* nothing after */
	mc_map_free(map);
}

static void fields_the_kernels_protocol_lacks_are_refused(void **state)
{
	static uint8_t img[1024], zp[MC_ZEROPAGE_SIZE];
	size_t zp_size = sizeof(zp);
	struct mc_e820_entry e[] = { { 0, 0xa0000, 1 }, { 0x100000, 0x100000, 1 } };
	struct mc_e820_boot_opts b = { .kernel = img, .kernel_len = sizeof(img),
				  .kernel_name = "bz", .rsdp_addr = 0x80000 };
	struct mc_map *map = mc_map_new();

	(void)state;
	fake_bzimage(img, 0x020c);
	assert_int_equal(mc_e820_zeropage(map, e, 2, &b, zp, &zp_size), MC_EINVAL);
	assert_string_equal(first_error(map),
			    "opts.rsdp_addr: acpi_rsdp_addr needs boot protocol "
			    "2.14; the kernel has 2.12");
	mc_map_free(map);
}

static struct mc_e820_entry *many_entries(size_t n)
{
	struct mc_e820_entry *e = calloc(n, sizeof(*e));

	assert_non_null(e);
	for (size_t i = 0; i < n; i++)
		e[i] = (struct mc_e820_entry){ i * 0x2000, 0x1000,
					       i % 2 ? 2u : 1u };
	return e;
}

static void past_128_entries_the_rest_go_in_a_setup_data_node(void **state)
{
	static uint8_t zp[MC_ZEROPAGE_SIZE], node[16 + 172 * 20];
	size_t zp_size = sizeof(zp);
	struct mc_e820_entry *e = many_entries(300);
	struct mc_e820_boot_opts b = { .setup_data_addr = 0x30000,
				  .setup_data_next = 0x40000 };
	struct mc_map *map = mc_map_new();
	size_t needed;

	(void)state;
	assert_int_equal(mc_e820_ext_count(128), 0);
	assert_int_equal(mc_e820_ext_count(300), 172);
	assert_int_equal(mc_e820_zeropage(map, e, 300, &b, zp, &zp_size), 0);
	assert_int_equal(zp[0x1e8], 128);
	assert_int_equal(le(zp + 0x250, 8), 0x30000);
	assert_int_equal(le(zp + 0x2d0 + 127 * 20, 8), 127 * 0x2000);
	needed = 0;
	assert_int_equal(mc_e820_setup_data(e, 300, 0x40000, NULL, &needed),
			 MC_ENOSPC);
	assert_int_equal(needed, sizeof(node));
	needed = sizeof(node);
	assert_int_equal(mc_e820_setup_data(e, 300, 0x40000, node, &needed), 0);
	assert_int_equal(le(node, 8), 0x40000);		/* next */
	assert_int_equal(le(node + 8, 4), 1);		/* SETUP_E820_EXT */
	assert_int_equal(le(node + 12, 4), 172 * 20);	/* len */
	assert_int_equal(le(node + 16, 8), 128 * 0x2000);
	assert_int_equal(le(node + 16 + 171 * 20, 8), 299 * 0x2000);
	assert_int_equal(le(node + 16 + 171 * 20 + 16, 4), 2);
	needed = sizeof(node);
	assert_int_equal(mc_e820_setup_data(e, 128, 0, node, &needed), MC_EINVAL);
	b.setup_data_addr = 0;
	assert_int_equal(mc_e820_zeropage(map, e, 300, &b, zp, &zp_size), MC_EINVAL);
	assert_string_equal(first_error(map),
			    "opts.setup_data_addr: the table has 300 entries: 128 "
			    "fit in the zero page, the other 172 need a "
			    "SETUP_E820_EXT node; give its guest address");
	free(e);
	mc_map_free(map);
}

/* ---- decoders: every output reads back --------------------------------- */

static const char *decoded(int (*decode)(struct mc_map *, const void *,
					 size_t),
			   const void *blob, size_t len)
{
	static char buf[MAX * 64];
	struct mc_map *map = mc_map_new();
	const struct mc_region *r;
	size_t n, off = 0;

	assert_int_equal(decode(map, blob, len), 0);
	assert_int_equal(mc_map_arch(map), MC_ARCH_X86_64);
	r = mc_map_input(map, &n);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
					"%s 0x%" PRIx64 "-0x%" PRIx64 "%s%s\n",
					mc_kind_name(r[i].kind), r[i].first,
					r[i].last, r[i].name ? " " : "",
					r[i].name ? r[i].name : "");
	mc_map_free(map);
	return buf;
}

static void a_raw_table_decodes_to_its_regions(void **state)
{
	struct mc_e820_entry e[] = { { 0, 0xa0000, 1 }, { 0xa0000, 0x60000, 2 },
				     { 0x100000, 0x10000, 3 },
				     { 0x110000, 0x10000, 4 },
				     { 0x200000, 0, 1 },
				     { 0x120000, 0x10000, 5 },
				     { 0x100000000, 0x40000000, 7 },
				     { 0x140000000, 0x1000, 12 } };
	uint8_t raw[sizeof(e) / sizeof(e[0]) * 20];
	size_t len;
	struct mc_map *map = mc_map_new();

	(void)state;
	len = sizeof(raw);
	assert_int_equal(mc_e820_encode(e, 8, raw, &len), 0);
	assert_string_equal(decoded(mc_e820_raw_decode, raw, len),
			    "ram 0x0-0x9ffff\n"
			    "reserved 0xa0000-0xfffff\n"
			    "acpi 0x100000-0x10ffff\n"
			    "nvs 0x110000-0x11ffff\n"
			    "reserved 0x120000-0x12ffff unusable\n"
			    "pmem 0x100000000-0x13fffffff\n"
			    "pmem 0x140000000-0x140000fff pram\n");
	/* an unknown type or a ragged length: not a raw table */
	put(raw + 16, 9, 4);
	assert_int_equal(mc_e820_raw_decode(map, raw, len), MC_EBADBLOB);
	assert_int_equal(mc_e820_raw_decode(map, raw, 19), MC_EBADBLOB);
	assert_int_equal(mc_map_error_count(map), 0);
	mc_map_free(map);
}

static void a_zero_page_and_its_node_decode_to_the_whole_table(void **state)
{
	static uint8_t zp[MC_ZEROPAGE_SIZE], node[16 + 2 * 20];
	size_t zp_size = sizeof(zp);
	struct mc_e820_entry *e = many_entries(130);
	struct mc_e820_boot_opts b = { .setup_data_addr = 0x30000 };
	struct mc_map *map = mc_map_new();
	const char *text;
	size_t needed;

	(void)state;
	assert_int_equal(mc_e820_zeropage(map, e, 130, &b, zp, &zp_size), 0);
	needed = sizeof(node);
	assert_int_equal(mc_e820_setup_data(e, 130, 0, node, &needed), 0);
	text = decoded(mc_e820_zeropage_decode, zp, sizeof(zp));
	assert_non_null(strstr(text, "ram 0x0-0xfff\n"));
	assert_non_null(strstr(text, "reserved 0xfe000-0xfefff\n"));
	assert_null(strstr(text, "0x100000-"));	/* entry 128: the node's */
	assert_string_equal(decoded(mc_e820_setup_data_decode, node,
				    sizeof(node)),
			    "ram 0x100000-0x100fff\n"
			    "reserved 0x102000-0x102fff\n");
	/* neither is the other's format, nor a raw table's */
	assert_int_equal(mc_e820_zeropage_decode(map, node, sizeof(node)),
			 MC_EBADBLOB);
	assert_int_equal(mc_e820_setup_data_decode(map, zp, sizeof(zp)),
			 MC_EBADBLOB);
	assert_int_equal(mc_e820_raw_decode(map, node, sizeof(node)),
			 MC_EBADBLOB);
	assert_int_equal(mc_map_error_count(map), 0);
	zp[0x1e8] = 129;
	assert_int_equal(mc_e820_zeropage_decode(map, zp, sizeof(zp)),
			 MC_EBADBLOB);
	assert_string_equal(first_error(map),
			    "e820_entries: zero page: 129 entries at 0x1e8; the "
			    "table at 0x2d0 holds at most 128");
	free(e);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ram_is_usable_and_reserved_ranges_are_reserved),
		cmocka_unit_test(acpi_nvs_and_pmem_get_types_3_4_and_7),
		cmocka_unit_test(a_backed_direct_range_stays_reserved),
		cmocka_unit_test(mmio_inside_ram_is_reserved_and_a_pci_hole_left_out),
		cmocka_unit_test(mmio_partly_in_ram_is_reserved_only_inside_it),
		cmocka_unit_test(touching_reserved_ranges_merge_like_the_kernel_does),
		cmocka_unit_test(ranges_at_the_top_of_the_space_do_not_wrap),
		cmocka_unit_test(a_caller_buffer_too_small_gets_the_count),
		cmocka_unit_test(other_arches_and_uncarved_maps_are_refused),
		cmocka_unit_test(type_names_are_linux_6_1s),
		cmocka_unit_test(the_legacy_hole_rule_wants_ram_to_end_at_640k),
		cmocka_unit_test(what_the_kernel_needs_must_be_usable_ram),
		cmocka_unit_test(linux_ignores_a_table_of_one_entry),
		cmocka_unit_test(overlapping_entries_are_caught),
		cmocka_unit_test(a_bzimage_header_is_read_and_checked),
		cmocka_unit_test(the_zero_page_holds_header_fields_and_table),
		cmocka_unit_test(fields_the_kernels_protocol_lacks_are_refused),
		cmocka_unit_test(past_128_entries_the_rest_go_in_a_setup_data_node),
		cmocka_unit_test(a_raw_table_decodes_to_its_regions),
		cmocka_unit_test(a_zero_page_and_its_node_decode_to_the_whole_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
