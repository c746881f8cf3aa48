// SPDX-License-Identifier: MIT
/*
 * test_srat.c - the SRAT (mc_acpi_build() with MC_ACPI_SRAT): its bytes
 * field by field as ACPI 6.5 §5.2.16 lays them out, which ranges it
 * covers and joins, the refusals Linux's reasons call for, patching
 * QEMU's own SRAT (fixtures/srat/qemu-q35-srat.aml, dumped from a QEMU 7.2
 * q35 guest with two NUMA nodes), and the decoder.
 *
 * Runs from the top of the repository, as make unit does.
 */
#include "core_helpers.h"
#include "acpi_table.h"
#include "files.h"
#include "memcarve-acpi.h"

#define QEMU_SRAT "fixtures/srat/qemu-q35-srat.aml"

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static uint8_t *build(struct mc_map *map, const struct mc_acpi_opts *o,
		      size_t *len)
{
	void *p;

	if (mc_acpi_build_alloc(map, MC_ACPI_SRAT, o, &p, len))
		fail_msg("build failed: %s", first_error(map));
	return p;
}

static uint8_t *build_text(const char *text, size_t *len)
{
	struct mc_map *map = map_carved(text);
	uint8_t *t = build(map, NULL, len);

	mc_map_free(map);
	return t;
}

/* The memory affinity structure at @s says node, range and flags. */
static void assert_mem(const uint8_t *s, uint32_t node, uint64_t base,
		       uint64_t length, uint32_t flags)
{
	static const uint8_t zero[8];

	assert_int_equal(s[0], 1);			/* type */
	assert_int_equal(s[1], 40);			/* length */
	assert_int_equal(le32(s + 2), node);		/* proximity domain */
	assert_memory_equal(s + 6, zero, 2);		/* reserved */
	assert_int_equal(le64(s + 8), base);
	assert_int_equal(le64(s + 16), length);
	assert_memory_equal(s + 24, zero, 4);		/* reserved */
	assert_int_equal(le32(s + 28), flags);
	assert_memory_equal(s + 32, zero, 8);		/* reserved */
}

#define ENABLED 1u
#define HOTPLUG 2u
#define NONVOLATILE 4u

static const char two_nodes[] =
	"arch x86_64\n"
	"ram     0x0          640K      node=0\n"
	"ram     0x100000     0x3ff00000 node=0\n"
	"ram     0x40000000   1G        node=1\n"
	"pmem    0x100000000  1G        node=1\n"
	"hotplug 0x140000000  2G        node=1\n";

static void a_fresh_table_is_what_acpi_lays_out(void **state)
{
	static const uint8_t zero[8];
	size_t len;
	uint8_t *t = build_text(two_nodes, &len);

	(void)state;
	assert_int_equal(len, 48 + 5 * 40);
	assert_memory_equal(t, "SRAT", 4);
	assert_int_equal(le32(t + 4), len);
	assert_int_equal(t[8], 3);				/* revision */
	assert_int_equal(acpi_byte_sum(t, len), 0);
	assert_memory_equal(t + 10, "MCARVEMEMCARVE\1\0\0\0MCRV\1\0\0\0", 26);
	assert_int_equal(le32(t + 36), 1);	/* reserved, 1 for compatibility */
	assert_memory_equal(t + 40, zero, 8);
	/* Node by node, each node's ranges by address. */
	assert_mem(t + 48, 0, 0x0, 0xa0000, ENABLED);
	assert_mem(t + 88, 0, 0x100000, 0x3ff00000, ENABLED);
	assert_mem(t + 128, 1, 0x40000000, 0x40000000, ENABLED);
	assert_mem(t + 168, 1, 0x100000000, 0x40000000,
		   ENABLED | NONVOLATILE);
	assert_mem(t + 208, 1, 0x140000000, 0x80000000, ENABLED | HOTPLUG);
	mc_free(t);
}

static void nodes_are_written_in_node_order(void **state)
{
	size_t len;
	uint8_t *t = build_text("arch x86_64\n"
				"ram 0x0 1G node=1\n"
				"ram 0x40000000 1G node=0\n", &len);

	(void)state;
	assert_int_equal(len, 48 + 2 * 40);
	assert_mem(t + 48, 0, 0x40000000, 0x40000000, ENABLED);
	assert_mem(t + 88, 1, 0x0, 0x40000000, ENABLED);
	mc_free(t);
}

static void touching_ranges_of_a_node_are_one(void **state)
{
	size_t len;
	uint8_t *t = build_text("arch x86_64\n"
				"ram  0x0 1G node=0\n"
				"ram  0x40000000 1G node=0\n"
				"pmem 0x80000000 1G node=0\n"
				"pmem 0xc0000000 1G node=0\n"
				"hotplug 0x100000000 1G node=0\n"
				"hotplug 0x140000000 1G node=0\n", &len);

	(void)state;
	assert_int_equal(len, 48 + 3 * 40);
	assert_mem(t + 48, 0, 0x0, 0x80000000, ENABLED);
	assert_mem(t + 88, 0, 0x80000000, 0x80000000, ENABLED | NONVOLATILE);
	assert_mem(t + 128, 0, 0x100000000, 0x80000000, ENABLED | HOTPLUG);
	mc_free(t);
}

/* A hole carved out of RAM is left out; a range overlaid on RAM is not. */
static void holes_are_left_out_and_overlays_kept(void **state)
{
	size_t len;
	uint8_t *t = build_text("arch x86_64\n"
				"ram 0x0 1G node=0\n"
				"reserved 0x10000000 1M name=hole\n"
				"acpi 0x20000000 64K policy=overlay\n", &len);

	(void)state;
	assert_int_equal(len, 48 + 2 * 40);
	assert_mem(t + 48, 0, 0x0, 0x10000000, ENABLED);
	assert_mem(t + 88, 0, 0x10100000, 0x2ff00000, ENABLED);
	mc_free(t);
}

static void a_map_without_nodes_is_refused(void **state)
{
	struct mc_map *map = map_carved("arch x86_64\nram 0x0 1G\n");
	size_t len = 0;
	void *t;

	(void)state;
	assert_int_equal(mc_acpi_build_alloc(map, MC_ACPI_SRAT, NULL, &t, &len),
			 MC_EINVAL);
	assert_null(t);
	assert_non_null(strstr(first_error(map), "names none"));
	mc_map_free(map);
}

/* acpi_map_pxm_to_node(): a domain of 256 or more drops the whole SRAT. */
static void a_node_past_max_pxm_domains_is_refused(void **state)
{
	struct mc_map *map = map_carved("arch x86_64\n"
					"ram 0x0 1G node=0\n"
					"ram 0x40000000 1G node=256\n");
	size_t len = 0;
	void *t;

	(void)state;
	assert_int_equal(mc_acpi_build_alloc(map, MC_ACPI_SRAT, NULL, &t, &len),
			 MC_ERANGE);
	assert_non_null(strstr(first_error(map), "MAX_PXM_DOMAINS"));
	assert_non_null(strstr(first_error(map), "test.map:3"));
	mc_map_free(map);
	map = map_carved("arch x86_64\nram 0x0 1G node=255\n");
	t = build(map, NULL, &len);
	assert_mem((uint8_t *)t + 48, 255, 0, 0x40000000, ENABLED);
	mc_free(t);
	mc_map_free(map);
}

/* @n RAM ranges of node 0 with 4K holes between: @n structures. */
static struct mc_map *many(size_t n)
{
	size_t cap = 32 + n * 48, off;
	char *text = malloc(cap);
	struct mc_map *map;

	assert_non_null(text);
	off = (size_t)snprintf(text, cap, "arch x86_64\n");
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, cap - off,
					"ram 0x%zx 4K node=0\n", i * 0x2000);
	map = map_carved(text);
	free(text);
	return map;
}

/* numa_add_memblk(): NR_NODE_MEMBLKS (2048 in Debian) blocks at most. */
static void more_structures_than_nr_node_memblks_are_refused(void **state)
{
	struct mc_map *map = many(2048);
	size_t len = 0;
	void *t;

	(void)state;
	t = build(map, NULL, &len);
	assert_int_equal(len, 48 + 2048 * 40);
	mc_free(t);
	mc_map_free(map);
	map = many(2049);
	assert_int_equal(mc_acpi_build_alloc(map, MC_ACPI_SRAT, NULL, &t, &len),
			 MC_ERANGE);
	assert_non_null(strstr(first_error(map), "NR_NODE_MEMBLKS"));
	mc_map_free(map);
}

static void the_buffer_convention_holds(void **state)
{
	struct mc_map *map = map_carved(two_nodes);
	uint8_t small[16], *full;
	size_t len = sizeof(small), want;

	(void)state;
	assert_int_equal(mc_acpi_build(map, MC_ACPI_SRAT, NULL, small, &len),
			 MC_ENOSPC);
	assert_int_equal(len, 48 + 5 * 40);
	assert_int_equal(mc_map_error_count(map), 0);
	want = len;
	full = malloc(want);
	assert_non_null(full);
	assert_int_equal(mc_acpi_build(map, MC_ACPI_SRAT, NULL, full, &len), 0);
	assert_int_equal(len, want);
	assert_memory_equal(full, "SRAT", 4);
	free(full);
	mc_map_free(map);
}

/* QEMU's processor structure kept, its memory structures replaced. */
static void qemu_srat_is_patched_in_place(void **state)
{
	struct mc_map *map = map_carved(two_nodes);
	struct mc_acpi_opts o;
	size_t blen, len;
	uint8_t *base = slurp(QEMU_SRAT, &blen), *t;

	(void)state;
	mc_acpi_opts_init(&o);
	o.base = base;
	o.base_len = blen;
	t = build(map, &o, &len);
	assert_int_equal(len, 48 + 16 + 5 * 40);
	assert_int_equal(le32(t + 4), len);
	assert_int_equal(acpi_byte_sum(t, len), 0);
	assert_int_equal(t[8], base[8]);		/* revision kept */
	assert_memory_equal(t + 10, base + 10, 14);	/* OEM and table IDs */
	assert_int_equal(le32(t + 24), le32(base + 24) + 1);
	assert_memory_equal(t + 28, base + 28, 20);	/* creator, reserved */
	assert_memory_equal(t + 48, base + 48, 16);	/* processor 0 */
	assert_mem(t + 64, 0, 0x0, 0xa0000, ENABLED);
	assert_mem(t + 224, 1, 0x140000000, 0x80000000, ENABLED | HOTPLUG);
	free(base);
	mc_free(t);
	mc_map_free(map);
}

static void a_malformed_base_is_refused(void **state)
{
	struct mc_map *map = map_carved(two_nodes);
	struct mc_acpi_opts o;
	size_t blen, len;
	uint8_t *base = slurp(QEMU_SRAT, &blen);
	void *t;

	(void)state;
	mc_acpi_opts_init(&o);
	o.base = base;
	o.base_len = blen;
	/* The first memory structure (at 64) says 24 bytes, not 40. */
	base[65] = 24;
	base[9] = (uint8_t)(base[9] + 40 - 24);
	assert_int_equal(mc_acpi_build_alloc(map, MC_ACPI_SRAT, &o, &t, &len),
			 MC_EBADBLOB);
	assert_non_null(strstr(first_error(map), "not 40"));
	mc_map_clear_errors(map);
	/* A structure of length 0 would never end. */
	base[65] = 0;
	base[9] = (uint8_t)(base[9] + 24);
	assert_int_equal(mc_acpi_build_alloc(map, MC_ACPI_SRAT, &o, &t, &len),
			 MC_EBADBLOB);
	assert_non_null(strstr(first_error(map), "does not fit"));
	free(base);
	mc_map_free(map);
}

static void the_decoder_gives_the_map_back(void **state)
{
	struct mc_map *map = mc_map_new();
	const struct mc_region *r;
	size_t len, n;
	uint8_t *t = build_text(two_nodes, &len);

	(void)state;
	assert_int_equal(mc_acpi_srat_decode(map, t, len), 0);
	r = mc_map_input(map, &n);
	assert_int_equal(n, 5);
	assert_int_equal(r[2].kind, MC_RAM);
	assert_int_equal(r[2].node, 1);
	assert_true(r[2].flags & MC_F_NODE);
	assert_int_equal(r[3].kind, MC_PMEM);
	assert_int_equal(r[4].kind, MC_HOTPLUG);
	assert_int_equal(r[4].first, 0x140000000);
	assert_int_equal(r[4].last, 0x1bfffffff);
	assert_string_equal(r[4].source, "SRAT");
	mc_free(t);
	mc_map_free(map);
}

/* QEMU's: revision 1 (Linux reads the domain's low byte), a disabled
 * zero structure skipped, one processor structure counted. */
static void the_decoder_reads_qemu_as_linux_does(void **state)
{
	struct mc_map *map = mc_map_new();
	const struct mc_region *r;
	size_t blen, n;
	uint8_t *base = slurp(QEMU_SRAT, &blen);

	(void)state;
	base[0x92 + 1] = 0x01;			/* node 1 becomes 0x101 */
	base[9] = (uint8_t)(base[9] - 1);
	assert_int_equal(mc_acpi_srat_decode(map, base, blen), 0);
	r = mc_map_input(map, &n);
	assert_int_equal(n, 4);
	assert_int_equal(r[2].node, 1);
	assert_int_equal(r[3].kind, MC_HOTPLUG);
	assert_int_equal(mc_acpi_srat_count(base, blen, 0, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(mc_acpi_srat_count(base, blen, 1, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(mc_acpi_srat_count(base, blen - 1, 1, &n),
			 MC_EBADBLOB);
	assert_string_equal(mc_acpi_srat_type_name(2),
			    "processor local x2APIC affinity");
	assert_null(mc_acpi_srat_type_name(8));
	free(base);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_fresh_table_is_what_acpi_lays_out),
		cmocka_unit_test(nodes_are_written_in_node_order),
		cmocka_unit_test(touching_ranges_of_a_node_are_one),
		cmocka_unit_test(holes_are_left_out_and_overlays_kept),
		cmocka_unit_test(a_map_without_nodes_is_refused),
		cmocka_unit_test(a_node_past_max_pxm_domains_is_refused),
		cmocka_unit_test(more_structures_than_nr_node_memblks_are_refused),
		cmocka_unit_test(the_buffer_convention_holds),
		cmocka_unit_test(qemu_srat_is_patched_in_place),
		cmocka_unit_test(a_malformed_base_is_refused),
		cmocka_unit_test(the_decoder_gives_the_map_back),
		cmocka_unit_test(the_decoder_reads_qemu_as_linux_does),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
