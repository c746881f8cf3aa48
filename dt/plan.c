// SPDX-License-Identifier: MIT
/*
 * plan.c - from the carved map to the nodes and entries of the tree.
 *
 * Everything that can be refused is refused here, before a byte is
 * written: node names, reusable pools without memory, the ppc64 RMA, and
 * values that do not fit the cells.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dt-internal.h"
#include "dt-iommu.h"

static const char *default_name(const struct mc_piece *r)
{
	if (r->kind == MC_RESERVED)
		return mc_resv_type_name(r->type);
	return mc_kind_name(r->kind);
}

static bool want_memreserve(const struct mc_map *map,
			    const struct mc_dt_opts *opt)
{
	if (opt->memreserve == MC_DT_MEMRESERVE_AUTO)
		return mc_map_arch(map) == MC_ARCH_PPC64;
	return opt->memreserve == MC_DT_MEMRESERVE_ON;
}

/* The flag of a child; see the table in memcarve-dt.h. */
static enum dt_flag child_flag(const struct mc_piece *r, bool memreserve)
{
	if (!(r->flags & MC_F_BACKED))
		return DT_NO_MAP;
	if (r->flags & MC_F_REUSABLE)
		return DT_REUSABLE;
	if (r->kind == MC_ACPI || (r->kind == MC_RESERVED && memreserve))
		return DT_MAPPED;
	return DT_NO_MAP;
}

/* The piece is described only for a diagnostic: most maps have none. */
static int check_piece(struct mc_map *map, const struct mc_piece *r,
		       const struct mc_region *in, const char *name,
		       bool name_ok)
{
	bool bad_name = !name_ok;
	bool bad_pool = (r->flags & MC_F_REUSABLE) && !(r->flags & MC_F_BACKED);

	if (bad_name)
		return mc_diag_range(map, MC_EINVAL, "region.name", in,
				     r->first, r->last,
				     "'%s' is not a device-tree node name "
				     "(1 to 31 of a-z A-Z 0-9 , . _ + -, "
				     "starting with a letter)", name);
	if (bad_pool)
		return mc_diag_range(map, MC_EINVAL, "region.flags", in,
				     r->first, r->last,
				     "RAM no longer backs it (policy %s), so "
				     "a reusable pool there would have no "
				     "memory behind it; use policy=overlay or "
				     "drop 'reusable'",
				     mc_policy_name(mc_map_effective_policy(map,
									    in)));
	return 0;
}

/* Uninitialised room for @n (maybe 0) items of @size bytes, or NULL. */
static void *alloc_each(size_t n, size_t size)
{
	return n <= SIZE_MAX / size ? malloc(n ? n * size : 1) : NULL;
}

static bool fits_cells(const struct dt_plan *plan, uint64_t first,
		       uint64_t last);

static int add_children(struct mc_map *map, struct dt_plan *plan,
			bool memreserve)
{
	const struct mc_piece *v;
	const struct mc_region *input;
	const char *valid = NULL;	/* the last name found valid */
	size_t n, n_in;
	int err = 0;

	v = mc_map_result(map, &n);
	input = mc_map_input(map, &n_in);
	/*
	 * Room for every piece, written only as far as used: each entry is
	 * set whole below, and calloc() zeroed all of it first, which at a
	 * million ranges was over 100 MB of memset per build.
	 */
	plan->children = alloc_each(n, sizeof(*plan->children));
	plan->rsv = alloc_each(n, sizeof(*plan->rsv));
	if (!plan->children || !plan->rsv)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct mc_piece *r = &v[i];
		const struct mc_region *in = &input[r->origin];
		struct dt_child *c;
		int e;

		/* a device window, and a hotplug window (no DT binding
		 * describes one; it is not memory at boot) */
		if (r->kind == MC_RAM || r->kind == MC_MMIO ||
		    r->kind == MC_HOTPLUG)
			continue;
		c = &plan->children[plan->n_children++];
		c->name = in->name ? in->name : default_name(r);
		c->first = r->first;
		c->last = r->last;
		c->flag = child_flag(r, memreserve);
		c->piece = r;
		c->in = in;
		/* checked while the child is in the cache: at 10^6 a second
		 * pass over the children read 48 MB (dt_check_fits() then
		 * names only what does not fit) */
		plan->children_fit = plan->children_fit &&
				     fits_cells(plan, c->first, c->last);
		/* most pieces share a name: a type's, or their range's */
		if (c->name != valid && dt_name_valid(c->name))
			valid = c->name;
		e = check_piece(map, r, in, c->name, c->name == valid);
		if (e && !err)
			err = e;
		if (memreserve && (r->flags & MC_F_BACKED) &&
		    c->flag == DT_MAPPED) {
			plan->rsv[plan->n_rsv].addr = r->first;
			plan->rsv[plan->n_rsv++].size = r->last - r->first + 1;
		}
	}
	return err;
}

static int check_memory(struct mc_map *map, const struct dt_plan *plan)
{
	char range[MC_RANGE_STR];

	if (plan->n_blocks == 0)
		return mc_map_report(map, MC_EINVAL, NULL,
				     "the map gives the guest no RAM: a device "
				     "tree needs at least one memory block");
	if (mc_map_arch(map) != MC_ARCH_PPC64 || plan->blocks[0].first == 0)
		return 0;
	mc_range_str(range, plan->blocks[0].first, plan->blocks[0].last);
	return mc_map_report(map, MC_EINVAL, "arch",
			     "ppc64: the first memory block %s does not start "
			     "at 0; PowerPC runs its real-mode area (RMA) from "
			     "the block at 0, so a ppc64 map needs RAM there",
			     range);
}

/* Memory blocks are the slots: the maximal runs of backed memory. */
static int add_blocks(struct mc_map *map, struct dt_plan *plan)
{
	const struct mc_slot *s;
	size_t n;

	s = mc_map_slots(map, &n);
	plan->blocks = calloc(n ? n : 1, sizeof(*plan->blocks));
	if (!plan->blocks)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++)
		plan->blocks[i] = (struct dt_block){ s[i].guest,
						     s[i].guest + (s[i].size - 1),
						     s[i].node };
	plan->n_blocks = n;
	return 0;
}

/* The root's compatible as a DT string list: each string and its NUL. */
static int root_strings(struct mc_map *map, const struct mc_dt_opts *opt,
			struct dt_plan *plan)
{
	size_t len = 0;

	plan->model = opt->model;
	if (opt->model && !*opt->model)
		return mc_map_report(map, MC_EINVAL, "opts.model", "empty");
	for (size_t i = 0; opt->compatible && opt->compatible[i]; i++) {
		if (!*opt->compatible[i])
			return mc_map_report(map, MC_EINVAL,
					     "opts.compatible",
					     "[%zu] is empty", i);
		len += strlen(opt->compatible[i]) + 1;
	}
	if (len == 0)
		return 0;
	plan->compatible = malloc(len);
	if (!plan->compatible)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; opt->compatible[i]; i++) {
		size_t n = strlen(opt->compatible[i]) + 1;

		memcpy(plan->compatible + plan->compatible_len,
		       opt->compatible[i], n);
		plan->compatible_len += n;
	}
	return 0;
}

int dt_plan_make(struct mc_map *map, const struct mc_dt_opts *opt,
		 unsigned int addr_cells, unsigned int size_cells,
		 struct dt_plan *plan)
{
	int err;

	*plan = (struct dt_plan){ 0 };
	plan->addr_cells = addr_cells;
	plan->size_cells = size_cells;
	plan->children_fit = true;
	plan->layout = opt->layout;
	err = root_strings(map, opt, plan);
	if (!err)
		err = add_blocks(map, plan);
	if (!err)
		err = check_memory(map, plan);
	if (!err)
		err = add_children(map, plan, want_memreserve(map, opt));
	if (!err && !opt->base)
		err = dt_iommu_fresh(map);
	if (!err)
		err = dt_check_fits(map, plan,
				    opt->base ? "opts.base" : "opts.cells");
	return err;
}

void dt_plan_free(struct dt_plan *plan)
{
	free(plan->blocks);
	free(plan->nodes);
	free(plan->children);
	free(plan->rsv);
	free(plan->compatible);
	dt_numa_free(&plan->numa);
	*plan = (struct dt_plan){ 0 };
}

/*
 * Every byte must be addressable in the cells, not just the first: one
 * address cell is a 32-bit space. A size of 2^64 (the whole space) fits
 * no cells at all.
 */
static bool fits_cells(const struct dt_plan *plan, uint64_t first,
		       uint64_t last)
{
	uint64_t max_addr = plan->addr_cells == 1 ? UINT32_MAX : UINT64_MAX;
	uint64_t max_size = plan->size_cells == 1 ? UINT32_MAX : UINT64_MAX;

	return last <= max_addr && last - first < max_size;
}

static int fits(struct mc_map *map, const struct dt_plan *plan,
		const char *field, const char *what, uint64_t first,
		uint64_t last)
{
	char range[MC_RANGE_STR];

	if (fits_cells(plan, first, last))
		return 0;
	mc_range_str(range, first, last);
	return mc_map_report(map, MC_ERANGE, field,
			     "%s %s (last byte 0x%" PRIx64 ") does not fit "
			     "#address-cells = %u, #size-cells = %u", what,
			     range, last, plan->addr_cells, plan->size_cells);
}

/* @field: what set the cells, opts.base (its root's) or opts.cells */
int dt_check_fits(struct mc_map *map, const struct dt_plan *plan,
		  const char *field)
{
	int err = 0, e;

	for (size_t i = 0; i < plan->n_blocks; i++) {
		e = fits(map, plan, field, "memory block",
			 plan->blocks[i].first, plan->blocks[i].last);
		err = err ? err : e;
	}
	if (plan->children_fit)	/* the common case: none to name */
		return err;
	for (size_t i = 0; i < plan->n_children; i++) {
		const struct dt_child *c = &plan->children[i];

		if (fits_cells(plan, c->first, c->last))
			continue;
		e = mc_diag_range(map, MC_ERANGE, field, c->in,
				  c->first, c->last, "its /reserved-memory "
				  "node '%s' (last byte 0x%" PRIx64 ") does "
				  "not fit #address-cells = %u, #size-cells = "
				  "%u", c->name, c->last, plan->addr_cells,
				  plan->size_cells);
		err = err ? err : e;
	}
	return err;
}
