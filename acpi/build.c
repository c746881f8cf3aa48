// SPDX-License-Identifier: MIT
/*
 * build.c - mc_acpi_build(): defaults, checks, and the table builders.
 */
#include <stdlib.h>
#include <string.h>
#include "acpi.h"
#include "dmar.h"
#include "iort.h"
#include "ivrs.h"
#include "srat.h"
#include "walk.h"

/* QEMU 7.2's emulated IOMMUs: intel-iommu, amd-iommu, virt smmuv3. */
static const uint64_t default_iommu_base[] = {
	[MC_ACPI_DMAR] = 0xfed90000,
	[MC_ACPI_IVRS] = 0xfed80000,
	[MC_ACPI_IORT] = 0x09050000,
	[MC_ACPI_SRAT] = 0,		/* no IOMMU */
};

void mc_acpi_opts_init(struct mc_acpi_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->creator_revision = 1;
	opts->host_address_width = 39;
	opts->ivinfo = 0x2800;
	opts->ivhd_devid = 0x0018;	/* 00:03.0 */
	opts->ivhd_flags = 0xd1;
	opts->ivhd_cap_offset = 0x40;
	opts->ivhd_features = 0x44;
	opts->ioapic_devid = 0x00a0;	/* 00:14.0 */
	opts->ioapic_id = 0;
	opts->smmu_gsiv = 0x6a;		/* SPI 74 */
}

static const char *const table_sig[] = {
	[MC_ACPI_DMAR] = DMAR_SIG,
	[MC_ACPI_IVRS] = IVRS_SIG,
	[MC_ACPI_IORT] = IORT_SIG,
	[MC_ACPI_SRAT] = SRAT_SIG,
};

/* The table revisions whose layout the builders know how to patch. */
static const struct {
	uint8_t lo, hi;
} patch_revisions[] = {
	[MC_ACPI_DMAR] = { DMAR_REVISION, DMAR_REVISION },
	[MC_ACPI_IVRS] = { IVRS_REVISION_MIN, IVRS_REVISION_MAX },
	[MC_ACPI_IORT] = { 0, IORT_REVISION_MAX },
	[MC_ACPI_SRAT] = { 1, SRAT_REVISION_MAX },
};

/*
 * A base table to patch, already through acpi_check_table(): a revision
 * the builder knows, then its body checked once (walk.c); the builder
 * trusts it from here on.
 */
static int check_base(struct mc_map *map, enum mc_acpi_table table,
		      const uint8_t *p, size_t len)
{
	uint8_t rev = p[SDT_REVISION];

	if (rev < patch_revisions[table].lo || rev > patch_revisions[table].hi)
		return mc_map_report(map, MC_EBADBLOB, "opts.base",
				     "%s: table revision %u; memcarve patches "
				     "revisions %u to %u",
				     table_sig[table], rev,
				     patch_revisions[table].lo,
				     patch_revisions[table].hi);
	return acpi_check_body(map, table, p, len, "opts.base");
}

/* The base is some other table, or no table: say what it starts with. */
static int wrong_base(struct mc_map *map, const char *sig, const void *base,
		      size_t len)
{
	const uint8_t *p = base;
	char seen[5] = "";

	for (size_t i = 0; i < 4 && i < len; i++)
		seen[i] = (char)(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '?');
	return mc_map_report(map, MC_EBADBLOB, "opts.base",
			     "the table to patch must have signature %s; "
			     "this one starts '%s'",
			     sig, seen);
}

/*
 * The table into a buffer of its own (*@out, malloc'd): the one
 * implementation behind both forms.
 */
static int build(struct mc_map *map, enum mc_acpi_table table,
		 const struct mc_acpi_opts *opts, uint8_t **out,
		 size_t *out_len)
{
	static int (*const builder[])(struct mc_map *,
				      const struct mc_acpi_opts *,
				      const uint8_t *, size_t,
				      const struct acpi_range *, size_t,
				      struct acpi_buf *) = {
		[MC_ACPI_DMAR] = acpi_build_dmar,
		[MC_ACPI_IVRS] = acpi_build_ivrs,
		[MC_ACPI_IORT] = acpi_build_iort,
	};
	struct mc_acpi_opts o;
	struct acpi_buf b = { 0 };
	struct acpi_range *v;
	size_t n;
	int err;

	*out = NULL;
	*out_len = 0;
	if (table < MC_ACPI_DMAR || table > MC_ACPI_SRAT)
		return mc_map_report(map, MC_EINVAL, "table",
				     "unknown table %d", (int)table);
	if (opts)
		o = *opts;
	else
		mc_acpi_opts_init(&o);
	if (!o.iommu_base)
		o.iommu_base = default_iommu_base[table];
	err = acpi_check_opts(map, &o);
	if (!err && o.base) {
		err = acpi_check_table(map, o.base, o.base_len,
				       table_sig[table], "opts.base");
		if (err == 0)
			err = wrong_base(map, table_sig[table], o.base,
					 o.base_len);
		else if (err == 1)
			err = check_base(map, table, o.base, o.base_len);
	}
	if (err)
		return err;
	if (table == MC_ACPI_SRAT) {
		if (!mc_map_result(map, &n))
			return mc_map_report(map, MC_ESTATE, NULL, "the map is "
					     "not carved (call mc_map_carve() "
					     "first)");
		err = acpi_build_srat(map, &o, o.base, o.base_len, &b);
		if (!err)
			err = acpi_finish(map, &b, out, out_len);
		free(b.p);
		return err;
	}
	err = acpi_direct_ranges(map, &v, &n);
	if (err)
		return err;
	err = builder[table](map, &o, o.base, o.base_len, v, n, &b);
	if (!err)
		err = acpi_finish(map, &b, out, out_len);
	free(v);
	free(b.p);
	return err;
}

int mc_acpi_build(struct mc_map *map, enum mc_acpi_table table,
		  const struct mc_acpi_opts *opts, void *buf, size_t *size)
{
	uint8_t *t;
	size_t len;
	int err = build(map, table, opts, &t, &len);

	if (!err && (!buf || *size < len))
		err = MC_ENOSPC;
	if (!err)
		memcpy(buf, t, len);
	*size = !err || err == MC_ENOSPC ? len : 0;
	free(t);
	return err;
}

int mc_acpi_build_alloc(struct mc_map *map, enum mc_acpi_table table,
			const struct mc_acpi_opts *opts, void **out,
			size_t *size)
{
	uint8_t *t;
	int err = build(map, table, opts, &t, size);

	*out = t;
	return err;
}
