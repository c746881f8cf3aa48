// SPDX-License-Identifier: MIT
/*
 * test_pvh.c - mc_pvh_build(), mc_pvh_kernel(), mc_pvh_decode(): the PVH
 * start_info block as Linux's PVH entry reads it
 * (arch/x86/platform/pvh/enlighten.c), and its limits.
 */
#include "core_helpers.h"
#include "memcarve-e820.h"
#include "memcarve-pvh.h"

static const char *const low_map =
	"arch x86_64\n"
	"ram       0x0        640K  name=lowmem\n"
	"reserved  0xa0000    384K  name=legacy\n"
	"ram       0x100000   511M  name=ram\n"
	"mmio      0x10000000 4K    name=fw-cfg\n"
	"reserved  0xfee00000 1M    type=msi\n";

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static struct mc_pvh_opts opts_at(uint64_t addr)
{
	struct mc_pvh_opts o;

	mc_pvh_opts_init(&o);
	o.start_info_addr = addr;
	return o;
}

/* Every field where Xen's start_info.h puts it; the memmap is the table. */
static void the_block_is_start_info_modlist_then_memmap(void **state)
{
	struct mc_map *map = map_carved(low_map);
	struct mc_pvh_opts o = opts_at(0x6000);
	struct mc_e820_entry e[8];
	uint8_t buf[512];
	size_t size = sizeof(buf), n;

	(void)state;
	o.cmdline_addr = 0x20000;
	o.initrd_addr = 0x6000000;
	o.initrd_size = 0x100000;
	o.rsdp_addr = 0x80000;
	assert_int_equal(mc_pvh_build(map, &o, buf, &size), 0);
	n = 8;
	assert_int_equal(mc_e820_build(map, NULL, e, &n), 0);
	assert_int_equal(size, 56 + 32 + 24 * n);
	assert_int_equal(le(buf, 4), 0x336ec578);	/* "xEn3" */
	assert_int_equal(le(buf + 4, 4), 1);		/* version */
	assert_int_equal(le(buf + 8, 4), 0);		/* flags */
	assert_int_equal(le(buf + 12, 4), 1);		/* nr_modules */
	assert_int_equal(le(buf + 16, 8), 0x6000 + 56);	/* modlist_paddr */
	assert_int_equal(le(buf + 24, 8), 0x20000);
	assert_int_equal(le(buf + 32, 8), 0x80000);
	assert_int_equal(le(buf + 40, 8), 0x6000 + 56 + 32);
	assert_int_equal(le(buf + 48, 4), n);
	assert_int_equal(le(buf + 52, 4), 0);
	assert_int_equal(le(buf + 56, 8), 0x6000000);	/* module paddr */
	assert_int_equal(le(buf + 64, 8), 0x100000);
	assert_int_equal(le(buf + 72, 16), 0);		/* cmdline, reserved */
	for (size_t i = 0; i < n; i++) {
		const uint8_t *m = buf + 88 + 24 * i;

		assert_int_equal(le(m, 8), e[i].addr);
		assert_int_equal(le(m + 8, 8), e[i].size);
		assert_int_equal(le(m + 16, 4), e[i].type);
		assert_int_equal(le(m + 20, 4), 0);
	}
	mc_map_free(map);
}

static void no_initrd_no_module_entry(void **state)
{
	struct mc_map *map = map_carved(low_map);
	struct mc_pvh_opts o = opts_at(0x6000);
	void *p;
	size_t size;

	(void)state;
	assert_int_equal(mc_pvh_build_alloc(map, &o, &p, &size), 0);
	assert_int_equal(le((uint8_t *)p + 12, 4), 0);
	assert_int_equal(le((uint8_t *)p + 16, 8), 0);
	assert_int_equal(le((uint8_t *)p + 40, 8), 0x6000 + 56);
	assert_int_equal((size - 56) % 24, 0);
	mc_free(p);
	mc_map_free(map);
}

static void a_short_buffer_gets_the_size_and_nothing_else(void **state)
{
	struct mc_map *map = map_carved(low_map);
	struct mc_pvh_opts o = opts_at(0x6000);
	uint8_t buf[64];
	size_t size = sizeof(buf);

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(mc_pvh_build(map, &o, buf, &size), MC_ENOSPC);
	assert_true(size > sizeof(buf));
	assert_int_equal(buf[0], 0xaa);
	assert_int_equal(mc_map_error_count(map), 0);
	size = 0;
	assert_int_equal(mc_pvh_build(map, &o, NULL, &size), MC_ENOSPC);
	mc_map_free(map);
}

/* A map of @n e820 entries: RAM at 1 MiB cut by reserved pages. */
static struct mc_map *map_of_entries(size_t n)
{
	char *text = malloc(64 * (n + 8));
	size_t at;
	struct mc_map *map;

	at = (size_t)sprintf(text, "arch x86_64\nram 0x0 640K\n"
			     "reserved 0xa0000 384K\nram 0x100000 1023M\n");
	for (size_t i = 0; i < (n - 3) / 2; i++)
		at += (size_t)sprintf(text + at, "reserved 0x%zx 4K\n",
				      0x8000000 + 0x200000 * i);
	if ((n - 3) % 2)
		sprintf(text + at, "reserved 0x40000000 4K\n");
	map = map_carved(text);
	free(text);
	return map;
}

/* init_pvh_bootparams() copies memmap_entries into e820_table[128]. */
static void at_most_128_entries(void **state)
{
	struct mc_map *map = map_of_entries(128);
	struct mc_pvh_opts o = opts_at(0x6000);
	void *p;
	size_t size;

	(void)state;
	assert_int_equal(mc_pvh_build_alloc(map, &o, &p, &size), 0);
	assert_int_equal(le((uint8_t *)p + 48, 4), 128);
	mc_free(p);
	mc_map_free(map);
	map = map_of_entries(129);
	assert_int_equal(mc_pvh_build_alloc(map, &o, &p, &size), MC_ERANGE);
	assert_null(p);
	assert_int_equal(size, 0);
	assert_non_null(strstr(first_error(map), "129 entries"));
	assert_non_null(strstr(first_error(map), "e820_table[128]"));
	mc_map_free(map);
}

static int refused(uint64_t addr, uint64_t cmdline, uint64_t initrd,
		   uint64_t initrd_size, const char *want)
{
	struct mc_map *map = map_carved(low_map);
	struct mc_pvh_opts o = opts_at(addr);
	uint8_t buf[512];
	size_t size = sizeof(buf);
	int err;

	o.cmdline_addr = cmdline;
	o.initrd_addr = initrd;
	o.initrd_size = initrd_size;
	err = mc_pvh_build(map, &o, buf, &size);
	if (!strstr(first_error(map), want))
		fail_msg("'%s' does not say '%s'", first_error(map), want);
	assert_int_equal(size, 0);
	mc_map_free(map);
	return err;
}

static void the_kernel_limits_are_refused(void **state)
{
	(void)state;
	assert_int_equal(refused(0, 0, 0, 0, "start_info_addr"), MC_EINVAL);
	assert_int_equal(refused(0x6004, 0, 0, 0, "aligned"), MC_EALIGN);
	/* the early page tables map 1 GiB: the block must end below */
	assert_int_equal(refused(0x3fffff80, 0, 0, 0, "1 GiB"), MC_ERANGE);
	/* in one usable entry: not the legacy range, not across it */
	assert_int_equal(refused(0xa0000, 0, 0, 0, "usable"), MC_EOVERLAP);
	assert_int_equal(refused(0x9ff80, 0, 0, 0, "usable"), MC_EOVERLAP);
	assert_int_equal(refused(0x6000, 0x100000000ull, 0, 0,
				 "hdr.cmd_line_ptr"), MC_ERANGE);
	assert_int_equal(refused(0x6000, 0, 0x100000000ull, 0x1000,
				 "ramdisk_image"), MC_ERANGE);
	assert_int_equal(refused(0x6000, 0, 0x1000000, 0, "together"),
			 MC_EINVAL);
}

static void reserved_must_be_zero_and_opts_given(void **state)
{
	struct mc_map *map = map_carved(low_map);
	struct mc_pvh_opts o = opts_at(0x6000);
	size_t size = 0;

	(void)state;
	o.reserved[3] = 1;
	assert_int_equal(mc_pvh_build(map, &o, NULL, &size), MC_EINVAL);
	assert_non_null(strstr(first_error(map), "reserved"));
	assert_int_equal(mc_pvh_build(map, NULL, NULL, &size), MC_EINVAL);
	mc_map_free(map);
	map = map_from(low_map);	/* not carved */
	o.reserved[3] = 0;
	assert_int_equal(mc_pvh_build(map, &o, NULL, &size), MC_ESTATE);
	mc_map_free(map);
}

/* The block decodes back to the table's entries. */
static void the_block_decodes_back(void **state)
{
	struct mc_map *map = map_carved(low_map), *back = mc_map_new();
	struct mc_pvh_opts o = opts_at(0x8000);
	struct mc_e820_entry e[8];
	const struct mc_region *r;
	size_t size, n, nr;
	void *p;

	(void)state;
	o.initrd_addr = 0x1000000;
	o.initrd_size = 0x1000;
	assert_int_equal(mc_pvh_build_alloc(map, &o, &p, &size), 0);
	assert_int_equal(mc_pvh_decode(back, p, size), 0);
	n = 8;
	assert_int_equal(mc_e820_build(map, NULL, e, &n), 0);
	r = mc_map_input(back, &nr);
	assert_int_equal(nr, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(r[i].first, e[i].addr);
		assert_int_equal(r[i].last, e[i].addr + e[i].size - 1);
	}
	/* a wrong module pointer, a cut blob, no magic */
	((uint8_t *)p)[16] ^= 8;
	mc_map_free(back);
	back = mc_map_new();
	assert_int_equal(mc_pvh_decode(back, p, size), MC_EBADBLOB);
	assert_int_equal(mc_map_error_count(back), 1);
	mc_map_free(back);
	back = mc_map_new();
	assert_int_equal(mc_pvh_decode(back, p, size - 1), MC_EBADBLOB);
	assert_int_equal(mc_map_error_count(back), 1);
	mc_map_free(back);
	back = mc_map_new();
	((uint8_t *)p)[0] = 0;
	assert_int_equal(mc_pvh_decode(back, p, size), MC_EBADBLOB);
	assert_int_equal(mc_map_error_count(back), 0);
	mc_free(p);
	mc_map_free(back);
	mc_map_free(map);
}

/* --- the ELF note ---------------------------------------------------- */

static size_t note(uint8_t *p, const char *name, uint32_t type,
		   uint64_t value, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	size_t at = 12;

	memset(p, 0, 12 + 8 + 8);
	memcpy(p, &namesz, 4);
	memcpy(p + 4, &descsz, 4);
	memcpy(p + 8, &type, 4);
	memcpy(p + at, name, namesz);
	at += (namesz + 3) & ~3u;
	memcpy(p + at, &value, descsz);	/* little-endian host */
	return at + ((descsz + 3) & ~3u);
}

/* ELF64 x86_64 with one PT_LOAD at 16 MiB and one PT_NOTE of @notes. */
static size_t elf(uint8_t *p, const uint8_t *notes, size_t nlen)
{
	uint64_t v;
	uint32_t w;
	uint16_t h;

	memset(p, 0, 64 + 2 * 56);
	memcpy(p, "\177ELF\2\1\1", 7);
	h = 2, memcpy(p + 16, &h, 2);		/* ET_EXEC */
	h = 62, memcpy(p + 18, &h, 2);		/* EM_X86_64 */
	v = 64, memcpy(p + 32, &v, 8);		/* e_phoff */
	h = 56, memcpy(p + 54, &h, 2);
	h = 2, memcpy(p + 56, &h, 2);
	w = 1, memcpy(p + 64, &w, 4);		/* PT_LOAD */
	v = 0x1000000, memcpy(p + 64 + 24, &v, 8);
	v = 0x2000000, memcpy(p + 64 + 40, &v, 8);	/* memsz */
	w = 4, memcpy(p + 120, &w, 4);		/* PT_NOTE */
	v = 176, memcpy(p + 120 + 8, &v, 8);
	v = nlen, memcpy(p + 120 + 32, &v, 8);
	memcpy(p + 176, notes, nlen);
	return 176 + nlen;
}

static int kernel(const uint8_t *notes, size_t nlen, struct mc_pvh_kernel *k)
{
	static uint8_t img[1024];
	struct mc_map *map = mc_map_new();
	size_t len = elf(img, notes, nlen);
	int err = mc_pvh_kernel(map, "vmlinux", img, len, k);

	assert_int_equal(mc_map_error_count(map), err ? 1 : 0);
	mc_map_free(map);
	return err;
}

static void the_pvh_note_gives_the_entry(void **state)
{
	uint8_t notes[128];
	struct mc_pvh_kernel k;
	size_t n;

	(void)state;
	n = note(notes, "GNU", 3, 0x1234, 4);
	n += note(notes + n, "Xen", 18, 0x1000200, 8);
	assert_int_equal(kernel(notes, n, &k), 0);
	assert_int_equal(k.entry, 0x1000200);
	assert_int_equal(k.load_first, 0x1000000);
	assert_int_equal(k.load_last, 0x2ffffff);
	/* 4-byte value, as a 32-bit kernel writes it */
	n = note(notes, "Xen", 18, 0x1000400, 4);
	assert_int_equal(kernel(notes, n, &k), 0);
	assert_int_equal(k.entry, 0x1000400);
}

static void no_note_or_a_bad_one_is_refused(void **state)
{
	uint8_t notes[128], img[64];
	struct mc_pvh_kernel k;
	struct mc_map *map = mc_map_new();
	size_t n;

	(void)state;
	n = note(notes, "Xen", 17, 0x1000200, 8);	/* another Xen note */
	assert_int_equal(kernel(notes, n, &k), MC_EBADBLOB);
	n = note(notes, "Xen", 18, 0x5000000, 8);	/* outside PT_LOAD */
	assert_int_equal(kernel(notes, n, &k), MC_EBADBLOB);
	n = note(notes, "Xen", 18, 0x1000200, 8);
	notes[4] = 200;					/* descsz past the end */
	assert_int_equal(kernel(notes, n, &k), MC_EBADBLOB);
	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF\1\1", 6);			/* ELF32 */
	assert_int_equal(mc_pvh_kernel(map, "x", img, sizeof(img), &k),
			 MC_EBADBLOB);
	assert_non_null(strstr(first_error(map), "ELF64"));
	mc_map_free(map);
}

/* opts.kernel: the note read, the load range usable, like a bzImage's. */
static void the_kernel_in_opts_is_checked(void **state)
{
	static uint8_t img[1024];
	uint8_t notes[64];
	struct mc_map *map = map_carved(low_map);
	struct mc_map *hole = map_carved("arch x86_64\nram 0x0 640K\n"
					 "reserved 0xa0000 384K\n"
					 "ram 0x100000 511M\n"
					 "reserved 0x2000000 1M\n");
	struct mc_pvh_opts o = opts_at(0x6000);
	size_t size = 0;

	(void)state;
	o.kernel = img;
	o.kernel_len = elf(img, notes, note(notes, "Xen", 18, 0x1000200, 8));
	o.kernel_name = "vmlinux";
	assert_int_equal(mc_pvh_build(map, &o, NULL, &size), MC_ENOSPC);
	assert_int_equal(mc_pvh_build(hole, &o, NULL, &size), MC_EOVERLAP);
	assert_non_null(strstr(first_error(hole), "opts.kernel"));
	o.kernel_len = elf(img, notes, note(notes, "Xen", 17, 0x1000200, 8));
	assert_int_equal(mc_pvh_build(map, &o, NULL, &size), MC_EBADBLOB);
	o.kernel = NULL;
	o.flags = 0x80;
	assert_int_equal(mc_pvh_build(map, &o, NULL, &size), MC_EINVAL);
	mc_map_free(hole);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_block_is_start_info_modlist_then_memmap),
		cmocka_unit_test(no_initrd_no_module_entry),
		cmocka_unit_test(a_short_buffer_gets_the_size_and_nothing_else),
		cmocka_unit_test(at_most_128_entries),
		cmocka_unit_test(the_kernel_limits_are_refused),
		cmocka_unit_test(reserved_must_be_zero_and_opts_given),
		cmocka_unit_test(the_block_decodes_back),
		cmocka_unit_test(the_pvh_note_gives_the_entry),
		cmocka_unit_test(no_note_or_a_bad_one_is_refused),
		cmocka_unit_test(the_kernel_in_opts_is_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
