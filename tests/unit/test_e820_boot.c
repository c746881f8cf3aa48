// SPDX-License-Identifier: MIT
/*
 * test_e820_boot.c - mc_e820_boot_build() as a VMM calls it: one carved map
 * and the addresses it loads things at give the zero page (and, past 128
 * entries, the SETUP_E820_EXT node after it), or a diagnostic naming the
 * options field whose range the guest could not use. The bytes equal what
 * the lower-level calls (mc_e820_build_alloc(), mc_e820_zeropage(),
 * mc_e820_setup_data()) write for the same table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "memcarve-e820.h"

#define X86_8G "arch x86_64\n" \
	"ram 0 640K\nreserved 0xa0000 384K\nram 1M 3071M\n" \
	"mmio 0xc0000000 1G\nreserved 0xfec00000 4K\nram 4G 5G\n"

static struct mc_map *carved(const char *text)
{
	struct mc_map *map = mc_map_new();

	assert_non_null(map);
	if (mc_map_load(map, "test.map", text, strlen(text)) ||
	    mc_map_carve(map))
		fail_msg("map failed: %s", mc_map_error(map, 0)->msg);
	return map;
}

/* @n reserved pages in 1G of RAM: a table of 2n + 1 entries. */
static struct mc_map *many(size_t n)
{
	size_t len = 64 + n * 40;
	char *text = malloc(len), *at = text;
	struct mc_map *map;

	assert_non_null(text);
	at += sprintf(at, "arch x86_64\nram 0 1G\n");
	for (size_t i = 0; i < n; i++)
		at += sprintf(at, "reserved 0x%zx 4K\n", 0x1000000 + i * 0x2000);
	map = carved(text);
	free(text);
	return map;
}

static uint64_t le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static const char *first_error(const struct mc_map *map)
{
	const struct mc_error *e = mc_map_error(map, 0);

	return e ? e->msg : "";
}

/* The call fails with @code and a message that starts with @start. */
static void assert_refused(struct mc_map *map,
			   const struct mc_e820_boot_opts *opts, int code,
			   const char *start)
{
	void *out = (void *)1;
	size_t size = 99;

	mc_map_clear_errors(map);
	assert_int_equal(mc_e820_boot_build_alloc(map, opts, &out, &size),
			 code);
	assert_null(out);
	assert_int_equal(size, 0);
	if (strncmp(first_error(map), start, strlen(start)))
		fail_msg("expected '%s...', got '%s'", start, first_error(map));
}

/* The same bytes as the table, mc_e820_zeropage() and the node. */
static void assert_as_parts(struct mc_map *map,
			    const struct mc_e820_boot_opts *o,
			    const uint8_t *out, size_t size)
{
	struct mc_e820_boot_opts b = *o;
	struct mc_e820_entry *e;
	uint8_t zp[MC_ZEROPAGE_SIZE], node[4096];
	size_t n, len = 0;

	assert_int_equal(mc_e820_build_alloc(map, NULL, &e, &n), 0);
	assert_int_equal(mc_e820_zeropage(map, e, n, &b, zp,
					  &(size_t){ sizeof(zp) }), 0);
	assert_memory_equal(out, zp, sizeof(zp));
	if (n > MC_E820_ZEROPAGE_MAX) {
		len = sizeof(node);
		assert_int_equal(mc_e820_setup_data(e, n, o->setup_data_next,
						    node, &len),
				 0);
		assert_int_equal(size, MC_ZEROPAGE_SIZE + len);
		assert_memory_equal(out + MC_ZEROPAGE_SIZE, node, len);
	} else {
		assert_int_equal(size, MC_ZEROPAGE_SIZE);
	}
	mc_free(e);
}

static void the_zero_page_points_where_the_vmm_loads(void **state)
{
	struct mc_map *map = carved(X86_8G);
	struct mc_e820_boot_opts o;
	uint8_t buf[MC_ZEROPAGE_SIZE];
	size_t size = 0;

	(void)state;
	mc_e820_boot_opts_init(&o);
	o.cmdline_addr = 0x20000;
	o.initrd_addr = 0x6000000;
	o.initrd_size = 0x100000;
	assert_int_equal(mc_e820_boot_build(map, &o, NULL, &size), MC_ENOSPC);
	assert_int_equal(size, MC_ZEROPAGE_SIZE);
	assert_int_equal(mc_map_error_count(map), 0);
	assert_int_equal(mc_e820_boot_build(map, &o, buf, &size), 0);
	assert_int_equal(size, MC_ZEROPAGE_SIZE);
	assert_int_equal(le(buf + 0x1fe, 2), 0xaa55);	/* boot_flag */
	assert_int_equal(le(buf + 0x202, 4), 0x53726448);	/* "HdrS" */
	assert_int_equal(buf[0x210], 0xff);		/* type_of_loader */
	assert_int_equal(le(buf + 0x228, 4), 0x20000);	/* cmd_line_ptr */
	assert_int_equal(le(buf + 0x218, 4), 0x6000000);	/* ramdisk_image */
	assert_int_equal(le(buf + 0x21c, 4), 0x100000);	/* ramdisk_size */
	assert_int_equal(buf[0x1e8], 5);			/* e820_entries */
	assert_int_equal(le(buf + 0x2d0 + 20, 8), 0xa0000);
	assert_int_equal(le(buf + 0x2d0 + 36, 4), MC_E820_RESERVED);
	assert_as_parts(map, &o, buf, size);
	mc_map_free(map);
}

/* NULL options: no kernel, nothing loaded but the page itself. */
static void null_options_are_the_defaults(void **state)
{
	struct mc_map *map = carved(X86_8G);
	void *out;
	size_t size;
	struct mc_e820_boot_opts o;

	(void)state;
	mc_e820_boot_opts_init(&o);
	assert_int_equal(mc_e820_boot_build_alloc(map, NULL, &out, &size), 0);
	assert_as_parts(map, &o, out, size);
	assert_int_equal(mc_e820_boot_check(map, NULL, NULL, 0), MC_EINVAL);
	mc_free(out);
	mc_map_free(map);
}

/* Past 128 entries the node follows the page, for setup_data_addr. */
static void the_node_follows_the_page(void **state)
{
	struct mc_map *map = many(100);		/* 201 entries */
	struct mc_e820_boot_opts o;
	uint8_t *out, sentinel[8192];
	size_t size, room;

	(void)state;
	mc_e820_boot_opts_init(&o);
	assert_refused(map, &o, MC_EINVAL, "opts.setup_data_addr: the table has "
		       "201 entries");
	o.setup_data_addr = 0x30000;
	o.setup_data_next = 0x40000;
	assert_int_equal(mc_e820_boot_build_alloc(map, &o, (void **)&out,
						  &size), 0);
	assert_int_equal(size, MC_ZEROPAGE_SIZE + 16 + 73 * 20);
	assert_int_equal(le(out + 0x250, 8), 0x30000);	/* hdr.setup_data */
	assert_int_equal(out[0x1e8], 128);
	assert_int_equal(le(out + 4096, 8), 0x40000);	/* next */
	assert_int_equal(le(out + 4096 + 8, 4), MC_SETUP_E820_EXT);
	assert_int_equal(le(out + 4096 + 12, 4), 73 * 20);
	assert_as_parts(map, &o, out, size);
	/* too small: MC_ENOSPC, the needed size, nothing written */
	memset(sentinel, 0x5a, sizeof(sentinel));
	room = size - 1;
	assert_int_equal(mc_e820_boot_build(map, &o, sentinel, &room),
			 MC_ENOSPC);
	assert_int_equal(room, size);
	for (size_t i = 0; i < sizeof(sentinel); i++)
		assert_int_equal(sentinel[i], 0x5a);
	assert_int_equal(mc_e820_boot_build(map, &o, sentinel, &room), 0);
	assert_memory_equal(sentinel, out, size);
	mc_free(out);
	/* the node is read as RAM: it must lie in usable RAM */
	o.setup_data_addr = 0x1000000;
	assert_refused(map, &o, MC_EOVERLAP, "opts.setup_data_addr: "
		       "0x1000000+0x5c4 must be usable RAM; "
		       "0x1000000+0x1000 is reserved");
	mc_map_free(map);
}

static void loaded_ranges_must_be_usable_ram(void **state)
{
	struct mc_map *map = carved(X86_8G);
	struct mc_e820_boot_opts o;

	(void)state;
	mc_e820_boot_opts_init(&o);
	o.initrd_addr = 0xfec00000;
	o.initrd_size = 0x100000;
	assert_refused(map, &o, MC_EOVERLAP, "opts.initrd_addr: "
		       "0xfec00000+0x100000 must be usable RAM; "
		       "0xfec00000+0x1000 is reserved");
	o.initrd_size = 0;
	assert_refused(map, &o, MC_EINVAL, "opts.initrd_size: 0x0 with "
		       "opts.initrd_addr 0xfec00000");
	o.initrd_addr = UINT64_MAX - 10;
	o.initrd_size = 0x100;
	assert_refused(map, &o, MC_ERANGE, "opts.initrd_size: ");
	mc_e820_boot_opts_init(&o);
	o.cmdline_addr = 0x9ff00;
	assert_refused(map, &o, MC_EOVERLAP, "opts.cmdline_addr: "
		       "0x9ff00+0x800 (the 2048 bytes the kernel copies) "
		       "must lie in guest memory; no RAM backs 0xa0000");
	mc_e820_boot_opts_init(&o);
	o.rsdp_addr = 0x300000000;
	assert_refused(map, &o, MC_EOVERLAP, "opts.rsdp_addr: "
		       "0x300000000+0x24 (the 36-byte RSDP)");
	mc_map_free(map);
}

/* The addresses are checked against the carved result: it must exist. */
static void the_map_must_be_carved(void **state)
{
	struct mc_map *map = carved(X86_8G);
	struct mc_e820_entry *e;
	struct mc_e820_boot_opts o;
	size_t n;

	(void)state;
	assert_int_equal(mc_e820_build_alloc(map, NULL, &e, &n), 0);
	mc_map_set_policy(map, MC_POLICY_ABORT);	/* drops the result */
	mc_e820_boot_opts_init(&o);
	o.cmdline_addr = 0x20000;
	assert_int_equal(mc_e820_boot_check(map, &o, e, n), MC_ESTATE);
	assert_string_equal(first_error(map), "opts.cmdline_addr: the map is "
			    "not carved: call mc_map_carve() first");
	assert_refused(map, &o, MC_ESTATE, "");
	mc_free(e);
	mc_map_free(map);
}

/* A bzImage from fixtures/: its load range and its release. */
static void *read_image(struct mc_map *map, const char *path, size_t *len)
{
	void *img;

	if (mc_read_file(map, path, &img, len))
		fail_msg("%s: %s", path, first_error(map));
	return img;
}

static void the_kernel_needs_its_load_range(void **state)
{
	struct mc_map *map = carved("arch x86_64\nram 0 640K\n"
				    "reserved 0xa0000 384K\nram 1M 511M\n"
				    "reserved 0x2000000 1M\n");
	struct mc_e820_boot_opts o;
	size_t len;
	void *img = read_image(map, "fixtures/e820/bzimage-2.15.bin", &len);

	(void)state;
	mc_e820_boot_opts_init(&o);
	o.kernel = img;
	o.kernel_len = len;
	assert_refused(map, &o, MC_EOVERLAP, "opts.kernel: "
		       "0x1000000+0x3f98000 must be usable RAM; "
		       "0x2000000+0x100000 is reserved");
	o.kernel_len = 100;
	assert_refused(map, &o, MC_EBADBLOB, "image: opts.kernel: ");
	mc_map_free(map);
	free(img);
}

/* The image's setup header is copied; its protocol limits the fields. */
static void the_setup_header_is_the_kernels(void **state)
{
	struct mc_map *map = carved(X86_8G);
	struct mc_e820_boot_opts o;
	size_t len, size;
	void *img = read_image(map, "fixtures/e820/bzimage-2.12.bin", &len);
	uint8_t *out;

	(void)state;
	mc_e820_boot_opts_init(&o);
	o.kernel = img;
	o.kernel_len = len;
	o.kernel_name = "bzImage";
	assert_int_equal(mc_e820_boot_build_alloc(map, &o, (void **)&out,
						  &size), 0);
	assert_memory_equal(out + 0x1f1, (uint8_t *)img + 0x1f1, 0x210 - 0x1f1);
	assert_as_parts(map, &o, out, size);
	mc_free(out);
	o.rsdp_addr = 0x80000;
	assert_refused(map, &o, MC_EINVAL, "opts.rsdp_addr: acpi_rsdp_addr needs "
		       "boot protocol 2.14; the kernel has 2.12");
	mc_map_free(map);
	free(img);
}

static void the_kernels_table_must_hold_it(void **state)
{
	struct mc_map *map = many(100);
	struct mc_e820_boot_opts o;
	void *out;
	size_t size;

	(void)state;
	mc_e820_boot_opts_init(&o);
	o.setup_data_addr = 0x30000;
	o.max_entries = 204;
	o.linux_version = MC_LINUX_VERSION(6, 1);
	assert_refused(map, &o, MC_ERANGE, "rules.max_entries: e820: 201 entries, "
		       "and 4 more");
	o.max_entries = 205;	/* 201 + the first page, 640K and the node */
	assert_int_equal(mc_e820_boot_build_alloc(map, &o, &out, &size), 0);
	mc_free(out);
	mc_map_free(map);
}

static void legacy_hole_and_guarded_fields(void **state)
{
	struct mc_map *map = carved("arch x86_64\nram 0 1G\n"
				    "reserved 1G 4K\n");
	struct mc_e820_boot_opts o;

	(void)state;
	mc_e820_boot_opts_init(&o);
	o.flags = MC_E820_LEGACY_HOLE;
	assert_refused(map, &o, MC_EOVERLAP, "rules.legacy_hole: usable RAM "
		       "0x0+0x40000000 reaches into 0xa0000+0x60000");
	o.flags = 1u << 7;
	assert_refused(map, &o, MC_EINVAL, "opts.flags: unknown bits 0x80");
	mc_e820_boot_opts_init(&o);
	o.reserved[3] = 1;
	assert_refused(map, &o, MC_EINVAL, "opts.reserved: must be zero");
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_zero_page_points_where_the_vmm_loads),
		cmocka_unit_test(null_options_are_the_defaults),
		cmocka_unit_test(the_node_follows_the_page),
		cmocka_unit_test(loaded_ranges_must_be_usable_ram),
		cmocka_unit_test(the_map_must_be_carved),
		cmocka_unit_test(the_kernel_needs_its_load_range),
		cmocka_unit_test(the_setup_header_is_the_kernels),
		cmocka_unit_test(the_kernels_table_must_hold_it),
		cmocka_unit_test(legacy_hole_and_guarded_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
