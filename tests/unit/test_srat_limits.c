// SPDX-License-Identifier: MIT
/*
 * test_srat_limits.c - an SRAT fits the guest kernel's MAX_NUMNODES
 * (acpi/srat_limits.c), or is refused with Linux's reason.
 *
 * acpi_map_pxm_to_node() gives each proximity domain a node below
 * MAX_NUMNODES, the base's enabled processors' first, and drops the whole
 * SRAT when none is left ("SRAT: Too many proximity domains."); Debian's
 * arm64 kernels have 16 nodes. numa_add_memblk() holds 2 x MAX_NUMNODES
 * structures ("too many memblk ranges").
 */
#include "acpi_table.h"
#include "core_helpers.h"
#include "memcarve-acpi.h"

/* A map of @arch with one 1M RAM range on each of nodes 0..@n-1. */
static struct mc_map *nodes(const char *arch, unsigned int n)
{
	char text[4096];
	size_t off = (size_t)snprintf(text, sizeof(text), "arch %s\n", arch);

	for (unsigned int i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"ram 0x%x 1M node=%u\n",
					0x40000000u + i * 0x200000u, i);
	return map_carved(text);
}

static int srat(struct mc_map *map, const struct mc_acpi_opts *o)
{
	void *t = NULL;
	size_t len = 0;
	int err = mc_acpi_build_alloc(map, MC_ACPI_SRAT, o, &t, &len);

	mc_free(t);
	return err;
}

static void seventeen_domains_on_arm64(void **state)
{
	struct mc_map *map = nodes("arm64", 17);
	struct mc_acpi_opts o;

	(void)state;
	assert_int_equal(srat(map, NULL), MC_ERANGE);
	assert_non_null(strstr(first_error(map), "17 proximity domains, and "
			       "the guest's MAX_NUMNODES is 16, Debian's"));
	assert_non_null(strstr(first_error(map), "Too many proximity domains"));
	mc_acpi_opts_init(&o);
	o.max_numnodes = 32;	/* the guest's own kernel says so */
	assert_int_equal(srat(map, &o), 0);
	mc_map_free(map);
	map = nodes("arm64", 16);
	assert_int_equal(srat(map, NULL), 0);
	mc_map_free(map);
	map = nodes("x86_64", 17);	/* Debian's amd64: 1024 */
	assert_int_equal(srat(map, NULL), 0);
	mc_map_free(map);
}

/* Node 0's RAM in @n pieces, 4K holes carved between them; node 1 too. */
static struct mc_map *pieces(unsigned int n)
{
	char text[8192];
	size_t off = (size_t)snprintf(text, sizeof(text), "arch arm64\n"
				      "ram 0x40000000 64M node=0\n"
				      "ram 0x48000000 64M node=1\n");

	for (unsigned int i = 1; i < n; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"reserved 0x%x 4K\n",
					0x40000000u + i * 0x10000u);
	return map_carved(text);
}

static void memblks_on_arm64(void **state)
{
	struct mc_map *map = pieces(31);	/* 31 + node 1's: 32 */
	struct mc_acpi_opts o;

	(void)state;
	assert_int_equal(srat(map, NULL), 0);
	mc_map_free(map);
	map = pieces(32);
	assert_int_equal(srat(map, NULL), MC_ERANGE);
	assert_non_null(strstr(first_error(map), "33 memory affinity "
			       "structures, and the guest holds "
			       "NR_NODE_MEMBLKS = 2 x MAX_NUMNODES = 32"));
	mc_acpi_opts_init(&o);
	o.max_numnodes = 32;
	assert_int_equal(srat(map, &o), 0);
	mc_map_free(map);
}

/* A base SRAT of @n GICC structures (18 bytes): domain and enabled bit. */
static size_t gicc_base(uint8_t *t, const uint32_t *pxm, const bool *on,
			size_t n)
{
	size_t len = 48 + n * 18;

	memset(t, 0, len);
	memcpy(t, "SRAT", 4);
	for (int i = 0; i < 4; i++)
		t[4 + i] = (uint8_t)(len >> (8 * i));
	t[8] = 3;
	t[36] = 1;
	for (size_t i = 0; i < n; i++) {
		uint8_t *g = t + 48 + i * 18;

		g[0] = 3;	/* GICC affinity */
		g[1] = 18;
		for (int b = 0; b < 4; b++)
			g[2 + b] = (uint8_t)(pxm[i] >> (8 * b));
		g[10] = on[i];	/* flags: enabled */
	}
	acpi_fix_checksum(t, len);
	return len;
}

static void the_base_processors_count(void **state)
{
	uint32_t pxm[16];
	bool on[16];
	uint8_t base[48 + 16 * 18];
	struct mc_map *map = nodes("arm64", 16);
	struct mc_acpi_opts o;

	(void)state;
	for (unsigned int i = 0; i < 14; i++) {
		pxm[i] = i;		/* processors on nodes 0..13 */
		on[i] = true;
	}
	pxm[14] = 200;		/* disabled: Linux maps no domain for it */
	on[14] = false;
	mc_acpi_opts_init(&o);
	o.base = base;
	o.base_len = gicc_base(base, pxm, on, 15);
	assert_int_equal(srat(map, &o), 0);	/* 0..15: 16 domains */
	pxm[15] = 20;		/* one more enabled processor's domain */
	on[15] = true;
	o.base_len = gicc_base(base, pxm, on, 16);
	assert_int_equal(srat(map, &o), MC_ERANGE);
	assert_non_null(strstr(first_error(map), "17 proximity domains with "
			       "the base's processors"));
	mc_map_free(map);
	map = nodes("arm64", 2);
	pxm[15] = 256;
	o.base_len = gicc_base(base, pxm, on, 16);
	assert_int_equal(srat(map, &o), MC_ERANGE);
	assert_non_null(strstr(first_error(map), "GICC affinity at 0x13e is "
			       "in proximity domain 256"));
	mc_map_free(map);
}

static void bad_options(void **state)
{
	struct mc_map *map = nodes("arm64", 2);
	struct mc_acpi_opts o;

	(void)state;
	mc_acpi_opts_init(&o);
	o.max_numnodes = 24;
	assert_int_equal(srat(map, &o), MC_EINVAL);
	assert_non_null(strstr(first_error(map), "opts.max_numnodes: 24 is "
			       "not 0 or a power of two"));
	mc_map_free(map);
	map = nodes("arm64", 2);
	mc_acpi_opts_init(&o);
	o.reserved32 = 1;
	assert_int_equal(srat(map, &o), MC_EINVAL);
	assert_non_null(strstr(first_error(map), "opts.reserved32"));
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seventeen_domains_on_arm64),
		cmocka_unit_test(memblks_on_arm64),
		cmocka_unit_test(the_base_processors_count),
		cmocka_unit_test(bad_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
