// SPDX-License-Identifier: MIT
/*
 * test_hardening.c - untrusted binary inputs are refused with a clear
 * error, never used (issue 9): one test per bug the fuzzers found, each
 * on its regression input under fixtures/fuzz/, and one per validation of
 * a base table or tree, on a QEMU fixture with one field broken.
 */
#include "core_helpers.h"
#include "files.h"
#include "memcarve-acpi.h"
#include "acpi_table.h"
#include "memcarve-dt.h"
#include "memcarve-e820.h"

struct blob {
	uint8_t *p;
	size_t len;
};

static struct blob blob_of(const char *path)
{
	struct blob b;

	b.p = slurp(path, &b.len);
	return b;
}

static struct mc_map *carved(const char *text)
{
	struct mc_map *map = map_from(text);

	if (mc_map_carve(map))
		fail_msg("carve failed: %s", first_error(map));
	return map;
}

static const char x86_map[] =
	"arch x86_64\n"
	"ram 0 2G\n"
	"reserved 0x7e000000 1M type=direct devices=00:03.0\n";

static const char arm_map[] =
	"arch arm64\n"
	"ram 0x40000000 2G\n"
	"reserved 0x48000000 16M type=direct devices=00:02.0\n";

static const char dt_map[] =
	"arch arm64\n"
	"ram 0x40000000 1G\n"
	"reserved 0x48000000 1M type=msi name=hole\n";

/* Patch @base as @table; expect @code and a diagnostic holding @what. */
static void acpi_refused(enum mc_acpi_table table, const struct blob *base,
			 const char *what)
{
	struct mc_map *map = carved(table == MC_ACPI_IORT ? arm_map : x86_map);
	uint8_t *out = NULL;
	size_t len = 0;

	assert_int_equal(acpi_table(map, table, NULL, base->p, base->len, &out, &len),
			 MC_EBADBLOB);
	assert_null(out);
	if (!strstr(first_error(map), what))
		fail_msg("'%s' does not say '%s'", first_error(map), what);
	mc_map_free(map);
}

static void acpi_patches(enum mc_acpi_table table, const struct blob *base)
{
	struct mc_map *map = carved(table == MC_ACPI_IORT ? arm_map : x86_map);
	uint8_t *out = NULL;
	size_t len = 0;

	if (acpi_table(map, table, NULL, base->p, base->len, &out, &len))
		fail_msg("patch refused: %s", first_error(map));
	mc_free(out);
	mc_map_free(map);
}

/* The first copy of @s in @b (memmem() is not POSIX). */
static char *find(const struct blob *b, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->p + i, s, n) == 0)
			return (char *)b->p + i;
	return NULL;
}

/* A fixture with one byte changed and the checksum fixed again. */
static struct blob mutated(const char *path, size_t at, uint8_t value)
{
	struct blob b = blob_of(path);
	uint8_t sum = 0;

	assert_true(at < b.len);
	b.p[at] = value;
	b.p[9] = 0;
	for (size_t i = 0; i < b.len; i++)
		sum = (uint8_t)(sum + b.p[i]);
	b.p[9] = (uint8_t)-sum;
	return b;
}

static void dt_refused(const struct blob *base, const char *what)
{
	struct mc_map *map = carved(dt_map);
	struct mc_dt_opts opt = { .base = base->p, .base_len = base->len };
	size_t need = 0;

	need = 0;
	assert_int_equal(mc_dt_build(map, &opt, NULL, &need), MC_EBADBLOB);
	if (!strstr(first_error(map), what))
		fail_msg("'%s' does not say '%s'", first_error(map), what);
	mc_map_free(map);
}

/*
 * Bug: libfdt checks a tree's structure, not its names; a base node whose
 * name holds a byte outside the DT alphabet was copied into the output,
 * which dtc then refused and our own decoder could not read back.
 */
static void dt_base_with_a_bad_node_name_is_refused(void **state)
{
	struct blob b = blob_of("fixtures/fuzz/dt_patch/bad-node-name.dtb");

	(void)state;
	dt_refused(&b, "is not a device-tree node name");
	free(b.p);
}

/*
 * Bug: fdt_check_full() of libfdt 1.6.1 dereferences NULL on a header
 * version below 16: "memcarve inspect" and patch mode crashed on it.
 */
static void dtb_before_version_16_is_refused_not_crashed_on(void **state)
{
	struct blob b = blob_of("fixtures/fuzz/inspect/dtb-version-12.dtb");
	struct mc_map *map = mc_map_new();

	(void)state;
	assert_int_equal(mc_dt_decode(map, b.p, b.len), MC_EINVAL);
	assert_non_null(strstr(first_error(map), "FDT_ERR_BADVERSION"));
	mc_map_free(map);
	dt_refused(&b, "FDT_ERR_BADVERSION");
	free(b.p);
}

/*
 * Bug: a base /memreserve/ entry whose size wraps past 2^64 was copied
 * into the output, where Linux reserves garbage and inspect refused it.
 */
static void dt_base_with_a_wrapping_memreserve_is_refused(void **state)
{
	struct blob b = blob_of("fixtures/fuzz/dt_patch/memreserve-wraps.dtb");

	(void)state;
	dt_refused(&b, "/memreserve/: 0xffffffffffffff+0xff00000000010000 "
		       "wraps past 2^64");
	free(b.p);
}

/*
 * Bug: libfdt adds a property length of 2^31 or more as a negative int.
 * With 0xffffffff, fdt_check_full() passed and fdt_property() copied -1
 * bytes when patch mode kept the property; with 0xfffffff4 the walk
 * stands still and fdt_check_full() never returns.
 */
static void dtb_property_lengths_past_2g_are_refused(void **state)
{
	struct blob neg = blob_of("fixtures/fuzz/dt_patch/prop-len-negative.dtb");
	struct blob stall = blob_of("fixtures/fuzz/inspect/prop-len-stall.dtb");
	struct mc_map *map = mc_map_new();

	(void)state;
	dt_refused(&neg, "FDT_ERR_BADSTRUCTURE");
	dt_refused(&stall, "FDT_ERR_BADSTRUCTURE");
	assert_int_equal(mc_dt_decode(map, stall.p, stall.len), MC_EINVAL);
	mc_map_free(map);
	free(neg.p);
	free(stall.p);
}

/*
 * Bug: a jump byte of 0 ends the setup header at 0x202, before the
 * version field, and the version was read anyway: past the end of an
 * image that ends there too.
 */
static void bzimage_header_ending_before_its_version_is_refused(void **s)
{
	struct blob b =
		blob_of("fixtures/fuzz/bzimage/header-ends-before-version.bin");
	struct mc_map *map = mc_map_new();
	struct mc_bzimage img;

	(void)s;
	assert_int_equal(b.len, 0x206);	/* ends right after "HdrS" */
	assert_int_equal(mc_e820_bzimage(map, "k", b.p, b.len, &img),
			 MC_EBADBLOB);
	assert_non_null(strstr(first_error(map), "boot protocol 0.00"));
	mc_map_free(map);
	free(b.p);
}

/*
 * Bug: a base whose root had a memory node named "reserved-memory" before
 * the real one: the decoder (and Linux) read the first, patch mode merged
 * into the second and dropped the first, so a broken child nobody had
 * checked became the guest's /reserved-memory.
 */
static void dt_base_with_two_reserved_memory_nodes_is_refused(void **state)
{
	struct blob b =
		blob_of("fixtures/fuzz/dt_patch/two-reserved-memory.dtb");

	(void)state;
	dt_refused(&b, "the root has two reserved-memory nodes");
	free(b.p);
}

/* Base node names are what dtc reads back: no byte outside its alphabet. */
static void dt_base_names_follow_the_spec(void **state)
{
	struct blob b = blob_of("fixtures/dt/base-arm64.dtb");
	char *at = find(&b, "memory@40000000");

	(void)state;
	assert_non_null(at);
	at[6] = '\x7f';			/* "memory\x7f40000000": a bad byte */
	dt_refused(&b, "'memory?40000000'");
	free(b.p);
}

/* Bug: the device scopes inside a base's RMRR were never walked. */
static void dmar_base_with_a_scope_past_its_rmrr_is_refused(void **state)
{
	struct blob b =
		blob_of("fixtures/fuzz/acpi_patch/dmar-rmrr-scope-overflow.aml");

	(void)state;
	acpi_refused(MC_ACPI_DMAR, &b, "device scope at +0x20 does not fit");
	free(b.p);
}

/* Bug: a base RMRR ending below its base was kept: inspect refused it. */
static void dmar_base_with_an_rmrr_ending_below_its_base_is_refused(void **s)
{
	struct blob b =
		blob_of("fixtures/fuzz/acpi_patch/dmar-rmrr-end-below-base.aml");

	(void)s;
	acpi_refused(MC_ACPI_DMAR, &b, "is below base");
	free(b.p);
}

static void acpi_base_revisions_are_checked(void **state)
{
	struct blob dmar = mutated("fixtures/acpi/qemu-dmar.aml", 8, 2);
	struct blob ivrs = mutated("fixtures/acpi/qemu-ivrs.aml", 8, 3);
	struct blob iort = mutated("fixtures/acpi/qemu-iort.aml", 8, 7);
	struct blob ivrs2 = mutated("fixtures/acpi/qemu-ivrs.aml", 8, 2);

	(void)state;
	acpi_refused(MC_ACPI_DMAR, &dmar, "table revision 2");
	acpi_refused(MC_ACPI_IVRS, &ivrs, "table revision 3");
	acpi_refused(MC_ACPI_IORT, &iort, "table revision 7");
	acpi_patches(MC_ACPI_IVRS, &ivrs2);
	free(dmar.p);
	free(ivrs.p);
	free(iort.p);
	free(ivrs2.p);
}

/* QEMU's IVRS: one IVHD 0x10 at 0x30 (52 bytes), entries from 0x48. */
static void ivrs_base_entries_and_blocks_are_checked(void **state)
{
	struct blob entry = mutated("fixtures/acpi/qemu-ivrs.aml", 0x48, 0x85);
	struct blob ivmd = mutated("fixtures/acpi/qemu-ivrs.aml", 0x30, 0x21);

	(void)state;
	acpi_refused(MC_ACPI_IVRS, &entry, "device entry at +0x18");
	acpi_refused(MC_ACPI_IVRS, &ivmd, "IVMD at 0x30 is 52 bytes");
	free(entry.p);
	free(ivmd.p);
}

/* QEMU's IORT: ITS group at 0x30, SMMUv3 at 0x48 (mapping at 0x8c). */
static void iort_base_nodes_and_mappings_are_checked(void **state)
{
	struct blob ref = mutated("fixtures/acpi/qemu-iort.aml", 0x98, 0x31);
	struct blob its = mutated("fixtures/acpi/qemu-iort.aml", 0x41, 1);
	struct blob smmu = mutated("fixtures/acpi/qemu-iort.aml", 0x30, 4);

	(void)state;
	acpi_refused(MC_ACPI_IORT, &ref, "ID mapping 0 points at no node");
	acpi_refused(MC_ACPI_IORT, &its, "ITS group at 0x30");
	acpi_refused(MC_ACPI_IORT, &smmu, "SMMUv3 node at 0x30 is 24 bytes");
	free(ref.p);
	free(its.p);
	free(smmu.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dt_base_with_a_bad_node_name_is_refused),
		cmocka_unit_test(dtb_before_version_16_is_refused_not_crashed_on),
		cmocka_unit_test(
			dt_base_with_a_wrapping_memreserve_is_refused),
		cmocka_unit_test(
			dt_base_with_two_reserved_memory_nodes_is_refused),
		cmocka_unit_test(dt_base_names_follow_the_spec),
		cmocka_unit_test(dtb_property_lengths_past_2g_are_refused),
		cmocka_unit_test(
			bzimage_header_ending_before_its_version_is_refused),
		cmocka_unit_test(dmar_base_with_a_scope_past_its_rmrr_is_refused),
		cmocka_unit_test(
			dmar_base_with_an_rmrr_ending_below_its_base_is_refused),
		cmocka_unit_test(acpi_base_revisions_are_checked),
		cmocka_unit_test(ivrs_base_entries_and_blocks_are_checked),
		cmocka_unit_test(iort_base_nodes_and_mappings_are_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
