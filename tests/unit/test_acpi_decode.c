// SPDX-License-Identifier: MIT
/*
 * test_acpi_decode.c - every table memcarve writes, read back by its
 * decoder, says what the map says: each direct input range once, with its
 * devices (DMAR, IVRS) or stream IDs (IORT) and attributes. The expected
 * side is computed from the map's input regions, not from the emitter.
 * Then the decoders' refusals: other bytes, truncated and broken tables.
 */
#include "core_helpers.h"
#include "memcarve-acpi.h"
#include "memcarve-host.h"
#include "internal/region.h"
#include "acpi_table.h"

/* @path, and @resv for the USB controller at 00:14.0 the fixtures pass. */
static struct mc_map *load(const char *path, const char *resv)
{
	static const struct mc_pci_dev usb = { 0, 0, 0x14 << 3 };
	struct mc_map *map = mc_map_new();
	struct mc_resv_opts o;

	assert_non_null(map);
	mc_resv_opts_init(&o);
	o.devices = &usb;
	o.n_devices = 1;
	if (mc_map_load_file(map, path) ||
	    (resv && mc_map_load_resv_file_for(map, resv, &o)) ||
	    mc_map_carve(map))
		fail_msg("%s: %s", path, first_error(map));
	return map;
}

/* Requester ID of a device, or its stream ID in the IORT. */
static uint32_t rid(const struct mc_pci_dev *d)
{
	return (uint32_t)d->bus << 8 | d->devfn;
}

static bool has_id(const uint32_t *v, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return true;
	return false;
}

/* The IDs the decoded regions of [first, last] name, all together. */
static size_t decoded_ids(const struct mc_region *d, size_t nd,
			  const struct mc_region *want, bool iort,
			  uint32_t *ids, size_t cap, unsigned int *n_regions)
{
	size_t n = 0;

	*n_regions = 0;
	for (size_t i = 0; i < nd; i++) {
		if (d[i].first != want->first || d[i].last != want->last)
			continue;
		(*n_regions)++;
		for (size_t k = 0; k < (iort ? d[i].n_sids : d[i].n_devices);
		     k++) {
			uint32_t id = iort ? d[i].sids[k] :
					     rid(&d[i].devices[k]) |
						     (uint32_t)d[i].devices[k]
								     .segment
							     << 16;
			if (!has_id(ids, n, id) && n < cap)
				ids[n++] = id;
		}
		/* Attributes each table can say. */
		if (iort) {
			assert_int_equal(d[i].type, want->type);
			assert_int_equal(d[i].flags & MC_F_PRIVILEGED,
					 want->flags & MC_F_PRIVILEGED);
			if (want->flags & MC_F_ACCESS)
				assert_int_equal(d[i].access, want->access);
		} else {
			assert_int_equal(d[i].type, MC_RESV_DIRECT);
		}
	}
	return n;
}

/* Every direct input range appears whole, with exactly its devices. */
static void check_round_trip(const struct mc_map *map, const uint8_t *t,
			     size_t len, enum mc_acpi_table table)
{
	static int (*const decode[])(struct mc_map *, const void *, size_t) = {
		[MC_ACPI_DMAR] = mc_acpi_dmar_decode,
		[MC_ACPI_IVRS] = mc_acpi_ivrs_decode,
		[MC_ACPI_IORT] = mc_acpi_iort_decode,
	};
	bool iort = table == MC_ACPI_IORT;
	struct mc_map *back = mc_map_new();
	const struct mc_region *in, *d;
	size_t n_in, nd, n_direct = 0;
	static uint32_t ids[4096];

	assert_int_equal(decode[table](back, t, len), 0);
	in = mc_map_input(map, &n_in);
	d = mc_map_input(back, &nd);
	for (size_t i = 0; i < n_in; i++) {
		const struct mc_region *w = &in[i];
		unsigned int regions;
		size_t n, want_n;

		if (!mc_is_direct(w->kind, w->type))
			continue;
		n_direct++;
		n = decoded_ids(d, nd, w, iort, ids, 4096, &regions);
		if (!regions)
			fail_msg("range 0x%llx-0x%llx is missing",
				 (unsigned long long)w->first,
				 (unsigned long long)w->last);
		want_n = iort && w->n_sids ? w->n_sids : w->n_devices;
		assert_int_equal(n, want_n);
		for (size_t k = 0; k < want_n; k++) {
			uint32_t id = iort && w->n_sids ? w->sids[k] :
				      iort ? rid(&w->devices[k]) :
					     rid(&w->devices[k]) |
						     (uint32_t)w->devices[k]
								     .segment
							     << 16;
			assert_true(has_id(ids, n, id));
		}
		if (table == MC_ACPI_IVRS)
			for (size_t k = 0; k < nd; k++)
				if (d[k].first == w->first)
					assert_int_equal(d[k].flags &
								 MC_F_READONLY,
							 w->flags &
								 MC_F_READONLY);
	}
	/* Nothing else: every decoded region is one of the map's. */
	for (size_t k = 0; k < nd; k++) {
		bool found = false;

		for (size_t i = 0; i < n_in && !found; i++)
			found = mc_is_direct(in[i].kind, in[i].type) && in[i].first == d[k].first &&
				in[i].last == d[k].last;
		assert_true(found);
	}
	assert_true(nd >= n_direct);
	mc_map_free(back);
}

static void round_trip(const char *path, const char *resv,
		       enum mc_acpi_table table)
{
	struct mc_map *map = load(path, resv);
	uint8_t *t = NULL;
	size_t len;

	if (acpi_table(map, table, NULL, NULL, 0, &t, &len))
		fail_msg("%s: %s", path, first_error(map));
	check_round_trip(map, t, len, table);
	mc_free(t);
	mc_map_free(map);
}

static void dmar_round_trips(void **state)
{
	(void)state;
	round_trip("fixtures/acpi/x86-direct.map", NULL, MC_ACPI_DMAR);
	round_trip("fixtures/x86-rmrr.map", "fixtures/x86-rmrr.resv",
		   MC_ACPI_DMAR);
}

static void ivrs_round_trips(void **state)
{
	(void)state;
	round_trip("fixtures/acpi/x86-direct.map", NULL, MC_ACPI_IVRS);
	round_trip("fixtures/x86-rmrr.map", "fixtures/x86-rmrr.resv",
		   MC_ACPI_IVRS);
}

static void iort_round_trips(void **state)
{
	(void)state;
	round_trip("fixtures/acpi/arm64-rmr.map", NULL, MC_ACPI_IORT);
	round_trip("fixtures/arm64-overlay.map", NULL, MC_ACPI_IORT);
}

static void decoders_leave_other_bytes_alone(void **state)
{
	static const uint8_t dtb[] = { 0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 0x40 };
	struct mc_map *map = mc_map_new();
	int (*const dec[])(struct mc_map *, const void *, size_t) = {
		mc_acpi_dmar_decode, mc_acpi_ivrs_decode, mc_acpi_iort_decode,
	};

	(void)state;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(dec[i](map, dtb, sizeof(dtb)), MC_EBADBLOB);
		assert_int_equal(dec[i](map, "DM", 2), MC_EBADBLOB);
		assert_int_equal(dec[i](map, NULL, 0), MC_EBADBLOB);
	}
	/* A DMAR is not an IVRS or an IORT either. */
	assert_int_equal(mc_acpi_ivrs_decode(map, "DMAR", 4), MC_EBADBLOB);
	assert_int_equal(mc_acpi_iort_decode(map, "DMAR", 4), MC_EBADBLOB);
	assert_int_equal(mc_map_error_count(map), 0);
	mc_map_free(map);
}

static uint8_t *table_of(const char *text, enum mc_acpi_table t, size_t *len)
{
	struct mc_map *map = map_from(text);
	uint8_t *b = NULL;

	assert_int_equal(mc_map_carve(map), 0);
	assert_int_equal(acpi_table(map, t, NULL, NULL, 0, &b, len), 0);
	mc_map_free(map);
	return b;
}

/* Decoding @t must fail with a diagnostic containing @what. */
static void broken(int (*dec)(struct mc_map *, const void *, size_t),
		   const uint8_t *t, size_t len, const char *what)
{
	struct mc_map *map = mc_map_new();

	assert_int_equal(dec(map, t, len), MC_EBADBLOB);
	if (!strstr(first_error(map), what))
		fail_msg("expected '%s' in: %s", what, first_error(map));
	mc_map_free(map);
}

static void decoders_name_what_is_broken(void **state)
{
	size_t len;
	uint8_t *t = table_of("arch x86_64\nram 0 1G\nreserved 0x1000000 4K "
			      "type=direct devices=00:01.0\n",
			      MC_ACPI_DMAR, &len);

	(void)state;
	broken(mc_acpi_dmar_decode, t, len - 1, "the header says");
	t[len - 8 + 1] = 0x40;	/* scope length past the end */
	acpi_fix_checksum(t, len);
	broken(mc_acpi_dmar_decode, t, len, "does not fit");
	t[9] ^= 1;
	broken(mc_acpi_dmar_decode, t, len, "checksum");
	mc_free(t);

	t = table_of("arch x86_64\nram 0 1G\nreserved 0x1000000 4K "
		     "type=direct devices=all\n", MC_ACPI_IVRS, &len);
	t[len - 32 + 24] = 0;	/* IVMD memory length 0 */
	t[len - 32 + 25] = 0;
	acpi_fix_checksum(t, len);
	broken(mc_acpi_ivrs_decode, t, len, "empty");
	mc_free(t);

	t = table_of("arch arm64\nram 0x40000000 1G\nreserved 0x48000000 64K "
		     "type=direct sids=3\n", MC_ACPI_IORT, &len);
	t[36] = 9;		/* more nodes than there are */
	acpi_fix_checksum(t, len);
	broken(mc_acpi_iort_decode, t, len, "does not fit");
	mc_free(t);
}

/*
 * Byte @at of table @t set to @v, checksum fixed: the decoder and
 * mc_acpi_build() given it as a base refuse it with the same words, the
 * base's prefixed "base: ", and the decoder adds no region.
 */
static void both_refuse(enum mc_acpi_table table, const uint8_t *t,
			size_t len, size_t at, uint8_t v, const char *what)
{
	static int (*const dec[])(struct mc_map *, const void *, size_t) = {
		[MC_ACPI_DMAR] = mc_acpi_dmar_decode,
		[MC_ACPI_IVRS] = mc_acpi_ivrs_decode,
		[MC_ACPI_IORT] = mc_acpi_iort_decode,
	};
	const char *map_text = table == MC_ACPI_IORT ?
		"arch arm64\nram 0x40000000 1G\n" :
		"arch x86_64\nram 0 1G\n";
	struct mc_map *decoded = mc_map_new(), *map = map_carved(map_text);
	uint8_t *m = malloc(len), *out = NULL;
	size_t n, out_len;

	memcpy(m, t, len);
	m[at] = v;
	acpi_fix_checksum(m, len);
	assert_int_equal(dec[table](decoded, m, len), MC_EBADBLOB);
	mc_map_input(decoded, &n);
	assert_int_equal(n, 0);
	if (!strstr(first_error(decoded), what))
		fail_msg("expected '%s' in: %s", what, first_error(decoded));
	assert_int_equal(acpi_table(map, table, NULL, m, len, &out, &out_len),
			 MC_EBADBLOB);
	assert_memory_equal(first_error(map), "opts.base: ", 11);
	assert_string_equal(first_error(map) + 11, first_error(decoded));
	free(m);
	mc_map_free(decoded);
	mc_map_free(map);
}

/*
 * The checks of VT-d §8, the AMD IOMMU spec §5.2 and Arm DEN 0049 on the
 * tables memcarve writes: a DRHD at 0x30, an RMRR at 0x40 with one scope;
 * an IVHD at 0x30 with entries at +0x18 and +0x1c, an IVMD at 0x54; an
 * ITS group at 0x30, an SMMUv3 at 0x48, a root complex at 0xa0, an RMR
 * node at 0xd8 with its ID mapping at +0x1c.
 */
static void decoding_and_patching_check_alike(void **state)
{
	uint8_t *longer;
	size_t len;
	uint8_t *t = table_of("arch x86_64\nram 0 1G\nreserved 0x1000000 4K "
			      "type=direct devices=00:01.0\n",
			      MC_ACPI_DMAR, &len);

	(void)state;
	/* A scope is 6 bytes and 2 per hop: 7 is half a hop (§8.3.1). */
	both_refuse(MC_ACPI_DMAR, t, len, 0x40 + 0x18 + 1, 7,
		    "DMAR: RMRR at 0x40: device scope at +0x18 does not fit");
	both_refuse(MC_ACPI_DMAR, t, len, 0x30 + 2, 12,
		    "DMAR: DRHD at 0x30 is 12 bytes, shorter than its 16-byte "
		    "fixed part");
	/* RMRR end below its base (an inclusive limit). */
	both_refuse(MC_ACPI_DMAR, t, len, 0x40 + 16 + 3, 0,
		    "DMAR: RMRR at 0x40: end 0xfff is below base 0x1000000");
	mc_free(t);

	t = table_of("arch x86_64\nram 0 1G\nreserved 0x1000000 4K "
		     "type=direct devices=all\n", MC_ACPI_IVRS, &len);
	/* An IVMD is 32 bytes: the decoder took longer ones before. */
	longer = calloc(1, len + 4);
	memcpy(longer, t, len);
	longer[4] = (uint8_t)(len + 4);
	both_refuse(MC_ACPI_IVRS, longer, len + 4, 0x54 + 2, 36,
		    "IVRS: IVMD at 0x54 is 36 bytes, not 32");
	free(longer);
	/* Entry type 0x81 has no length Linux knows. */
	both_refuse(MC_ACPI_IVRS, t, len, 0x48, 0x81,
		    "IVRS: IVHD at 0x30: device entry at +0x18 does not fit");
	both_refuse(MC_ACPI_IVRS, t, len, 0x54 + 24 + 1, 0,
		    "IVRS: IVMD at 0x54: 0x1000000+0x0 is empty or wraps past "
		    "2^64");
	mc_free(t);

	t = table_of("arch arm64\nram 0x40000000 1G\nreserved 0x48000000 64K "
		     "type=direct sids=3\n", MC_ACPI_IORT, &len);
	both_refuse(MC_ACPI_IORT, t, len, 0xa0 + 36 + 12, 0x49,
		    "IORT: root complex node at 0xa0: ID mapping 0 points at "
		    "no node");
	/* ID mappings never overlap the node header. */
	both_refuse(MC_ACPI_IORT, t, len, 0xd8 + 12, 8,
		    "IORT: RMR node at 0xd8: 1 ID mappings at +0x8 do not fit "
		    "in it");
	both_refuse(MC_ACPI_IORT, t, len, 0x48 + 1, 24,
		    "IORT: SMMUv3 node at 0x48 is 24 bytes, shorter than its "
		    "68-byte fixed part");
	mc_free(t);
}

/*
 * An IVHD's ACPI HID entry (0xf0) is 22 bytes and its UID: one with an
 * empty UID may end the IVHD exactly; one UID byte more runs past it.
 */
static void ivhd_acpi_hid_entry_says_its_own_length(void **state)
{
	size_t len, n;
	uint8_t *fresh = table_of("arch x86_64\nram 0 1G\n", MC_ACPI_IVRS,
				  &len);
	uint8_t t[48 + 24 + 4 + 22] = { 0 };
	struct mc_map *map = mc_map_new();

	(void)state;
	memcpy(t, fresh, 48 + 24 + 4);	/* header, IVHD, "all devices" */
	mc_free(fresh);
	t[4] = sizeof(t);
	t[0x30 + 2] = 24 + 4 + 22;
	t[0x4c] = 0xf0;
	acpi_fix_checksum(t, sizeof(t));
	assert_int_equal(mc_acpi_ivrs_decode(map, t, sizeof(t)), 0);
	mc_map_input(map, &n);
	assert_int_equal(n, 0);
	mc_map_free(map);
	t[0x4c + 21] = 1;	/* UID length */
	acpi_fix_checksum(t, sizeof(t));
	broken(mc_acpi_ivrs_decode, t, sizeof(t),
	       "IVHD at 0x30: device entry at +0x1c does not fit");
}

static void iort_decoder_reads_rmr_attributes(void **state)
{
	size_t len;
	uint8_t *t = table_of("arch arm64\nram 0x40000000 1G\n"
			      "reserved 0x48000000 64K type=direct-relaxable "
			      "sids=0x20,0x21,0x22 privileged access=device-gre\n",
			      MC_ACPI_IORT, &len);
	struct mc_map *map = mc_map_new();
	const struct mc_region *r;
	size_t n;

	(void)state;
	assert_int_equal(mc_acpi_iort_decode(map, t, len), 0);
	assert_int_equal(mc_map_arch(map), MC_ARCH_ARM64);
	r = mc_map_input(map, &n);
	assert_int_equal(n, 1);
	assert_int_equal(r->type, MC_RESV_DIRECT_RELAXABLE);
	assert_int_equal(r->flags & (MC_F_PRIVILEGED | MC_F_ACCESS),
			 MC_F_PRIVILEGED | MC_F_ACCESS);
	assert_int_equal(r->access, 3);
	assert_int_equal(r->n_sids, 3);
	assert_int_equal(r->sids[2], 0x22);
	mc_free(t);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dmar_round_trips),
		cmocka_unit_test(ivrs_round_trips),
		cmocka_unit_test(iort_round_trips),
		cmocka_unit_test(decoders_leave_other_bytes_alone),
		cmocka_unit_test(decoders_name_what_is_broken),
		cmocka_unit_test(iort_decoder_reads_rmr_attributes),
		cmocka_unit_test(decoding_and_patching_check_alike),
		cmocka_unit_test(ivhd_acpi_hid_entry_says_its_own_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
