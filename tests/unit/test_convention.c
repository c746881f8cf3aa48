// SPDX-License-Identifier: MIT
/*
 * test_convention.c - the rules memcarve.h states once for every emitter:
 * two forms (caller buffer with an in/out size, allocating with mc_free()),
 * options from mc_X_opts_init() whose reserved words must stay zero, lean
 * result pieces read through their origin, and the region limit.
 */
#include "core_helpers.h"
#include "memcarve-acpi.h"
#include "memcarve-cmdline.h"
#include "memcarve-dt.h"
#include "memcarve-e820.h"

#define X86 "arch x86_64\nram 0 640K name=low\nram 1M 1G name=high\n" \
	    "reserved 0x3e2e0000 128K type=direct devices=00:02.0 name=fw\n" \
	    "reserved 0xfee00000 1M type=msi\n"

/* The array element of the result is frozen at 24 bytes. */
static void a_piece_is_24_bytes_and_names_its_origin(void **state)
{
	struct mc_map *map = map_carved(X86);
	size_t n, n_in;
	const struct mc_piece *p = mc_map_result(map, &n);
	const struct mc_region *in = mc_map_input(map, &n_in);

	(void)state;
	assert_int_equal(sizeof(struct mc_piece), 24);
	assert_int_equal(n, 5);	/* low, high, fw, high again, msi */
	for (size_t i = 0; i < n; i++) {
		assert_true(p[i].origin < n_in);
		assert_int_equal(p[i].kind, in[p[i].origin].kind);
		assert_true(p[i].first >= in[p[i].origin].first);
		assert_true(p[i].last <= in[p[i].origin].last);
	}
	assert_string_equal(in[p[2].origin].name, "fw");
	assert_int_equal(p[2].type, MC_RESV_DIRECT);
	assert_int_equal(in[p[2].origin].devices[0].devfn, 0x10);
	assert_int_equal(mc_map_effective_policy(map, &in[p[2].origin]),
			 MC_POLICY_OVERLAY);	/* direct ranges stay backed */
	assert_int_equal(p[3].origin, p[1].origin);	/* RAM around fw */
	assert_int_equal(mc_map_effective_policy(map, &in[p[4].origin]),
			 MC_POLICY_CARVE);
	mc_map_free(map);
}

static void a_region_with_reserved_words_set_is_refused(void **state)
{
	struct mc_map *map = mc_map_new();
	struct mc_region r = { .first = 0, .last = 0xfff, .kind = MC_RAM };

	(void)state;
	r.reserved[2] = 1;
	assert_int_equal(mc_map_add(map, &r), MC_EINVAL);
	assert_non_null(strstr(first_error(map), "reserved: must be zero"));
	r.reserved[2] = 0;
	r.reserved32 = 1;
	assert_int_equal(mc_map_add(map, &r), MC_EINVAL);
	assert_non_null(strstr(mc_map_error(map, 1)->msg,
			       "reserved32: must be zero"));
	r.reserved32 = 0;
	assert_int_equal(mc_map_add(map, &r), 0);
	mc_map_free(map);
}

/* Each emitter refuses options whose reserved words are not zero. */
static void options_with_reserved_words_set_are_refused(void **state)
{
	struct mc_map *map = map_carved(X86);
	struct mc_dt_opts dt;
	struct mc_e820_opts e820;
	struct mc_acpi_opts acpi;
	struct mc_cmdline_opts cl;
	size_t size = 0;

	(void)state;
	mc_dt_opts_init(&dt);
	mc_e820_opts_init(&e820);
	mc_acpi_opts_init(&acpi);
	mc_cmdline_opts_init(&cl);
	dt.reserved[0] = e820.reserved[1] = acpi.reserved[2] = 1;
	cl.reserved[3] = 1;
	assert_int_equal(mc_dt_build(map, &dt, NULL, &size), MC_EINVAL);
	assert_int_equal(mc_e820_build(map, &e820, NULL, &size), MC_EINVAL);
	assert_int_equal(mc_acpi_build(map, MC_ACPI_DMAR, &acpi, NULL, &size),
			 MC_EINVAL);
	assert_int_equal(mc_cmdline_build(map, &cl, NULL, &size), MC_EINVAL);
	assert_int_equal(mc_map_error_count(map), 4);
	for (size_t i = 0; i < 4; i++)
		assert_non_null(strstr(mc_map_error(map, i)->msg,
				       "reserved: must be zero"));
	mc_map_free(map);
}

/*
 * Size query, too small, exact: MC_ENOSPC with the need and no
 * diagnostic, then the bytes the allocating form returns.
 */
static void both_forms_agree(struct mc_map *map,
			     int (*build)(struct mc_map *, void *, size_t *),
			     int (*alloc)(struct mc_map *, void **, size_t *),
			     size_t unit)
{
	size_t need = 0, size, alloc_size;
	void *buf, *blob;

	assert_int_equal(build(map, NULL, &need), MC_ENOSPC);
	assert_true(need > 0);
	buf = malloc(need * unit);
	assert_non_null(buf);
	size = need - 1;
	assert_int_equal(build(map, buf, &size), MC_ENOSPC);
	assert_int_equal(size, need);
	assert_int_equal(mc_map_error_count(map), 0);
	size = need;
	assert_int_equal(build(map, buf, &size), 0);
	assert_int_equal(alloc(map, &blob, &alloc_size), 0);
	assert_int_equal(alloc_size, size);
	assert_memory_equal(buf, blob, size * unit);
	mc_free(blob);
	free(buf);
}

static int dt(struct mc_map *m, void *b, size_t *s)
{
	return mc_dt_build(m, NULL, b, s);
}

static int dt_alloc(struct mc_map *m, void **b, size_t *s)
{
	return mc_dt_build_alloc(m, NULL, b, s);
}

static int e820(struct mc_map *m, void *b, size_t *s)
{
	return mc_e820_build(m, NULL, b, s);
}

static int e820_alloc(struct mc_map *m, void **b, size_t *s)
{
	struct mc_e820_entry *e;
	int err = mc_e820_build_alloc(m, NULL, &e, s);

	*b = e;
	return err;
}

static int dmar(struct mc_map *m, void *b, size_t *s)
{
	return mc_acpi_build(m, MC_ACPI_DMAR, NULL, b, s);
}

static int dmar_alloc(struct mc_map *m, void **b, size_t *s)
{
	return mc_acpi_build_alloc(m, MC_ACPI_DMAR, NULL, b, s);
}

static int cmdline(struct mc_map *m, void *b, size_t *s)
{
	return mc_cmdline_build(m, NULL, b, s);
}

static int cmdline_alloc(struct mc_map *m, void **b, size_t *s)
{
	return mc_cmdline_build_alloc(m, NULL, b, s);
}

static void every_emitter_has_both_forms(void **state)
{
	struct mc_map *map = map_carved(X86);

	(void)state;
	both_forms_agree(map, dt, dt_alloc, 1);
	both_forms_agree(map, e820, e820_alloc, sizeof(struct mc_e820_entry));
	both_forms_agree(map, dmar, dmar_alloc, 1);
	both_forms_agree(map, cmdline, cmdline_alloc, 1);
	mc_map_free(map);
}

/* On error the allocating form hands back nothing. */
static void a_failed_alloc_form_leaves_null_and_zero(void **state)
{
	struct mc_map *map = map_from(X86);	/* not carved */
	void *out = (void *)1;
	struct mc_e820_entry *e = (void *)1;
	size_t size = 7;

	(void)state;
	assert_int_equal(mc_dt_build_alloc(map, NULL, &out, &size), MC_ESTATE);
	assert_null(out);
	assert_int_equal(size, 0);
	size = 7;
	assert_int_equal(mc_e820_build_alloc(map, NULL, &e, &size), MC_ESTATE);
	assert_null(e);
	assert_int_equal(size, 0);
	out = (void *)1;
	assert_int_equal(mc_acpi_build_alloc(map, MC_ACPI_IVRS, NULL, &out,
					     &size),
			 MC_ESTATE);
	assert_null(out);
	out = (void *)1;
	assert_int_equal(mc_cmdline_build_alloc(map, NULL, &out, &size),
			 MC_ESTATE);
	assert_null(out);
	mc_map_free(map);
}

/* MC_E820_AS_X86: the x86 view of a map of another arch. */
static void e820_as_x86_takes_any_arch(void **state)
{
	struct mc_map *map = map_carved("arch arm64\nram 0x40000000 1G\n");
	struct mc_e820_opts o;
	struct mc_e820_entry e[4];
	size_t n = 4;

	(void)state;
	assert_int_equal(mc_e820_build(map, NULL, e, &n), MC_EINVAL);
	mc_e820_opts_init(&o);
	o.flags = MC_E820_AS_X86;
	n = 4;
	assert_int_equal(mc_e820_build(map, &o, e, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].addr, 0x40000000);
	o.flags = 2;
	assert_int_equal(mc_e820_build(map, &o, e, &n), MC_EINVAL);
	mc_map_free(map);
}

/* Fixed-size outputs follow the rule too: the zero page is 4096 bytes. */
static void zeropage_says_its_size(void **state)
{
	struct mc_map *map = map_carved(X86);
	struct mc_e820_entry *e;
	struct mc_e820_boot_opts boot = { 0 };
	uint8_t zp[MC_ZEROPAGE_SIZE];
	size_t n, size = 0;

	(void)state;
	assert_int_equal(mc_e820_build_alloc(map, NULL, &e, &n), 0);
	assert_int_equal(mc_e820_zeropage(map, e, n, &boot, NULL, &size),
			 MC_ENOSPC);
	assert_int_equal(size, MC_ZEROPAGE_SIZE);
	assert_int_equal(mc_e820_zeropage(map, e, n, &boot, zp, &size), 0);
	assert_int_equal(zp[0x1e8], n);		/* e820_entries */
	mc_free(e);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_piece_is_24_bytes_and_names_its_origin),
		cmocka_unit_test(a_region_with_reserved_words_set_is_refused),
		cmocka_unit_test(options_with_reserved_words_set_are_refused),
		cmocka_unit_test(every_emitter_has_both_forms),
		cmocka_unit_test(a_failed_alloc_form_leaves_null_and_zero),
		cmocka_unit_test(e820_as_x86_takes_any_arch),
		cmocka_unit_test(zeropage_says_its_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
