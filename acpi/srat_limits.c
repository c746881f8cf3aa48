// SPDX-License-Identifier: MIT
/*
 * srat_limits.c - what the guest kernel's MAX_NUMNODES lets an SRAT hold
 * (opts.max_numnodes, or Debian's for the map's arch).
 *
 *  - Proximity domains: acpi_map_pxm_to_node() (drivers/acpi/numa/srat.c)
 *    gives each new domain the next free node below MAX_NUMNODES, the
 *    processors' first (the SRAT's processor, x2APIC, GICC and RINTC
 *    structures are parsed before memory), then the generic initiators'
 *    and the memory's. With none left it fails: "SRAT: Too many proximity
 *    domains." and bad_srat(), NUMA off. Only enabled structures map a
 *    domain. Debian's arm64 kernels have MAX_NUMNODES 16, so a 17-node
 *    arm64 SRAT is dropped whole (booted: 7.2 says so).
 *  - NR_NODE_MEMBLKS = 2 * MAX_NUMNODES blocks in mm/numa_memblks.c, one
 *    per enabled memory affinity structure: one more logs "too many
 *    memblk ranges" and drops the SRAT (x86 always; arm64 and riscv64 from
 *    6.12, whose arch_numa took any number before; the table does not say
 *    which kernel reads it, so the limit always holds here).
 */
#include "srat.h"
#include "walk.h"
#include "internal/numnodes.h"

/* The proximity domains seen, below MAX_PXM_DOMAINS. */
struct pxm_set {
	uint64_t bit[SRAT_MAX_PXM_DOMAINS / 64];
	uint32_t count;
};

static void add_pxm(struct pxm_set *s, uint32_t pxm)
{
	uint64_t *w = &s->bit[pxm / 64], b = 1ull << (pxm % 64);

	s->count += !(*w & b);
	*w |= b;
}

/* The domain an enabled initiator structure maps, or false. */
static bool initiator_pxm(const struct acpi_item *it, uint8_t revision,
			  uint32_t *pxm)
{
	static const struct {
		unsigned int type, pxm, flags, size;
	} t[] = {
		{ SRAT_TYPE_X2APIC, SRAT_X2APIC_PXM, SRAT_X2APIC_FLAGS,
		  SRAT_X2APIC_SIZE },
		{ SRAT_TYPE_GICC, SRAT_GICC_PXM, SRAT_GICC_FLAGS,
		  SRAT_GICC_SIZE },
		{ SRAT_TYPE_GENERIC, SRAT_GENERIC_PXM, SRAT_GENERIC_FLAGS,
		  SRAT_GENERIC_SIZE },
		{ SRAT_TYPE_RINTC, SRAT_RINTC_PXM, SRAT_RINTC_FLAGS,
		  SRAT_RINTC_SIZE },
	};

	if (it->type == SRAT_TYPE_CPU && it->len >= SRAT_CPU_SIZE) {
		/* the high bytes count from revision 2 (acpi_srat_revision) */
		*pxm = it->p[SRAT_CPU_PXM_LO];
		if (revision >= 2)
			*pxm |= (uint32_t)it->p[SRAT_CPU_PXM_HI] << 8 |
				(uint32_t)it->p[SRAT_CPU_PXM_HI + 1] << 16 |
				(uint32_t)it->p[SRAT_CPU_PXM_HI + 2] << 24;
		return get_le32(it->p + SRAT_CPU_FLAGS) & SRAT_AFFINITY_ENABLED;
	}
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (it->type == t[i].type && it->len >= t[i].size) {
			*pxm = get_le32(it->p + t[i].pxm);
			return get_le32(it->p + t[i].flags) &
			       SRAT_AFFINITY_ENABLED;
		}
	return false;
}

/* The base's initiators' domains into @s; MC_ERANGE past 255. */
static int base_domains(struct mc_map *map, const uint8_t *base,
			size_t len, uint8_t revision, struct pxm_set *s)
{
	struct acpi_walk w;
	struct acpi_item it;
	uint32_t pxm;

	acpi_walk_start(&w, MC_ACPI_SRAT, base, len);
	while (acpi_walk_next(&w, &it) > 0) {
		if (!initiator_pxm(&it, revision, &pxm))
			continue;
		if (pxm >= SRAT_MAX_PXM_DOMAINS)
			return mc_map_report(map, MC_ERANGE, "opts.base",
					     "SRAT: the %s at 0x%zx is in "
					     "proximity domain %u: Linux maps "
					     "domains below MAX_PXM_DOMAINS "
					     "(256) and drops the SRAT for "
					     "another (\"SRAT: Too many "
					     "proximity domains\")",
					     acpi_srat_type_name(it.type),
					     it.off, pxm);
		add_pxm(s, pxm);
	}
	return 0;
}

int acpi_srat_limits(struct mc_map *map, const struct mc_acpi_opts *o,
		     const uint8_t *base, size_t base_len,
		     const struct srat_list *l)
{
	uint32_t max = o->max_numnodes ? o->max_numnodes :
		       mc_debian_max_numnodes(mc_map_arch(map));
	const char *how = o->max_numnodes ? "" : ", Debian's for the arch";
	struct pxm_set s = { { 0 }, 0 };
	int err = 0;

	if (base)
		err = base_domains(map, base, base_len, o->revision ?
				   o->revision : base[SDT_REVISION], &s);
	for (size_t i = 0; !err && i < l->n; i++)
		add_pxm(&s, l->v[i].node);	/* < 256: checked before */
	if (!err && s.count > max)
		err = mc_map_report(map, MC_ERANGE, "opts.max_numnodes",
				    "%u proximity domains%s, and the guest's "
				    "MAX_NUMNODES is %u%s: Linux gives each "
				    "domain a node below it and drops the SRAT "
				    "when none is left (\"SRAT: Too many "
				    "proximity domains.\"); use fewer nodes, "
				    "or give the guest kernel's MAX_NUMNODES",
				    s.count, base ? " with the base's "
				    "processors" : "", max, how);
	if (!err && l->n > 2 * (size_t)max)
		err = mc_map_report(map, MC_ERANGE, "opts.max_numnodes",
				    "%zu memory affinity structures, and the "
				    "guest holds NR_NODE_MEMBLKS = 2 x "
				    "MAX_NUMNODES = %u%s: Linux drops the SRAT "
				    "for more (\"too many memblk ranges\"); "
				    "carve fewer holes, or give the guest "
				    "kernel's MAX_NUMNODES",
				    l->n, 2 * max, how);
	return err;
}
