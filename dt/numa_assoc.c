// SPDX-License-Identifier: MIT
/*
 * numa_assoc.c - pseries: a memory node's NUMA node as ibm,associativity.
 *
 * Linux (arch/powerpc/mm/numa.c, 6.1 and current alike) reads a memory
 * node's node from its ibm,associativity: the cell at the primary domain
 * index, which find_primary_domain_index() takes from /rtas (or
 * /ibm,opal) ibm,associativity-reference-points, the first for FORM1 and
 * FORM2 affinity, the second for FORM0; the form is what /chosen
 * ibm,architecture-vec-5 says (pseries firmware.c fw_vec5_feature_init()).
 * The array's other cells are the platform's topology (FORM1 distances,
 * FORM2's lookup index): a node's array is taken whole from a base memory
 * node on that node, never made up.
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"

/* arch/powerpc/include/asm/prom.h: option vector 5 bytes and bits. */
#define OV5_BYTE_AFFINITY 5
#define OV5_FORM1 0x80
#define OV5_FORM2 0x20

static const char *const form_name[] = { "FORM0", "FORM1", "FORM2" };

/*
 * The form of affinity Linux uses (pseries firmware.c fw_vec5_feature_init
 * on /chosen ibm,architecture-vec-5; OPAL is always FORM1), and where it
 * reads the reference points (find_primary_domain_index()).
 */
static int affinity_form(const void *fdt, int *root)
{
	const unsigned char *vec5;
	int chosen, len;

	*root = fdt_path_offset(fdt, "/ibm,opal");
	if (*root >= 0)
		return 1;
	*root = fdt_path_offset(fdt, "/rtas");
	if (*root < 0)
		*root = 0;
	chosen = fdt_path_offset(fdt, "/chosen");
	vec5 = chosen < 0 ? NULL :
	       fdt_getprop(fdt, chosen, "ibm,architecture-vec-5", &len);
	if (!vec5 || len <= OV5_BYTE_AFFINITY)
		return 0;
	if (vec5[OV5_BYTE_AFFINITY] & OV5_FORM2)
		return 2;
	return (vec5[OV5_BYTE_AFFINITY] & OV5_FORM1) ? 1 : 0;
}

/*
 * The primary domain index, as find_primary_domain_index() finds it:
 * FORM1 and FORM2 take the first reference point, FORM0 the second.
 * Returns 0, or -1 with *@why saying why Linux has no NUMA on this tree.
 */
int dt_assoc_index(const void *fdt, unsigned int *index, const char **why)
{
	const fdt32_t *ref;
	int root, len, form = affinity_form(fdt, &root);

	ref = fdt_getprop(fdt, root, "ibm,associativity-reference-points",
			  &len);
	*why = NULL;
	if (!ref || len < 4)
		*why = "has no ibm,associativity-reference-points in /rtas: "
		       "Linux then disables NUMA";
	else if (form == 0 && len < 8)
		*why = "uses FORM0 affinity (/chosen ibm,architecture-vec-5 "
		       "has no FORM1 or FORM2 bit), which reads the second "
		       "reference point, and ibm,associativity-reference-"
		       "points has one: Linux disables NUMA (\"short "
		       "ibm,associativity-reference-points\")";
	if (*why)
		return -1;
	*index = fdt32_ld(&ref[form == 0 ? 1 : 0]);
	if (*index == 0) {
		*why = "names domain index 0 in ibm,associativity-reference-"
		       "points: that cell of ibm,associativity is its length";
		return -1;
	}
	return form;
}

/*
 * A node's ibm,associativity node id (associativity_to_nid()): the cell
 * at @index, when the array's length cell reaches it; 0xffff is "none".
 * Returns 0, or -1 if the node has none.
 */
int dt_assoc_nid(const void *fdt, int node, unsigned int index,
		 uint32_t *nid)
{
	const fdt32_t *a;
	int len;

	a = fdt_getprop(fdt, node, "ibm,associativity", &len);
	if (!a || len < 4 || (size_t)len / 4 <= index ||
	    fdt32_ld(&a[0]) < index)
		return -1;
	*nid = fdt32_ld(&a[index]);
	return *nid == 0xffff ? -1 : 0;
}

static int by_node(const void *a, const void *b)
{
	const struct dt_assoc *x = a, *y = b;

	return x->node < y->node ? -1 : x->node > y->node;
}

const struct dt_assoc *dt_assoc_of(const struct dt_numa *numa,
				     uint32_t node)
{
	struct dt_assoc key = { .node = node };

	return bsearch(&key, numa->assoc, numa->n_assoc, sizeof(key), by_node);
}

/* The ibm,associativity property of base memory node @i, as a tag. */
static bool assoc_tag(const struct dt_base *b, size_t i, struct dt_tag *t)
{
	int offset;

	dt_tag_next(b->fdt, b->mem_node[i]->offset, t);
	offset = t->next;
	while (dt_tag_next(b->fdt, offset, t) == FDT_PROP ||
	       t->tag == FDT_NOP) {
		offset = t->next;
		if (t->tag == FDT_PROP &&
		    strcmp(t->name, "ibm,associativity") == 0)
			return true;
	}
	return false;
}

/* Per node, the first base memory node (in tree order) on it. */
static int assoc_templates(struct mc_map *map, struct dt_numa *numa,
			   const struct dt_base *b)
{
	size_t n = 0;

	numa->assoc = calloc(b->n_mem_nodes ? b->n_mem_nodes : 1,
			     sizeof(*numa->assoc));
	if (!numa->assoc)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < b->n_mem_nodes; i++) {
		struct dt_assoc a = { .from = i };

		if (dt_assoc_nid(b->fdt, b->mem_node[i]->offset, numa->index,
				 &a.node) || !assoc_tag(b, i, &a.prop))
			continue;
		numa->assoc[n++] = a;
	}
	/* stable for equal nodes: the first in tree order wins */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && by_node(&numa->assoc[j - 1],
						    &numa->assoc[j]) > 0; j--) {
			struct dt_assoc t = numa->assoc[j];

			numa->assoc[j] = numa->assoc[j - 1];
			numa->assoc[j - 1] = t;
		}
	numa->n_assoc = 0;
	for (size_t i = 0; i < n; i++)
		if (!numa->n_assoc ||
		    numa->assoc[numa->n_assoc - 1].node != numa->assoc[i].node)
			numa->assoc[numa->n_assoc++] = numa->assoc[i];
	return 0;
}

static int no_assoc(struct mc_map *map, const struct dt_block *blk,
		    unsigned int index, int form)
{
	char range[MC_RANGE_STR];

	mc_range_str(range, blk->first, blk->last);
	return mc_map_report(map, MC_EINVAL, "opts.base",
			     "memory block %s is on NUMA node %u in the map, "
			     "but no memory node of the base has an "
			     "ibm,associativity naming node %u (cell %u, the "
			     "primary domain of %s affinity, which /chosen "
			     "ibm,architecture-vec-5 selects): the array's other "
			     "domains (the platform's topology) cannot be "
			     "derived; give the VMM that node, or the map "
			     "only nodes the base has", range, blk->node,
			     blk->node, index, form_name[form]);
}

bool dt_base_says_assoc(const struct dt_base *b)
{
	int rtas = fdt_path_offset(b->fdt, "/rtas");

	if (rtas >= 0 && fdt_getprop(b->fdt, rtas,
				     "ibm,associativity-reference-points",
				     NULL))
		return true;
	for (size_t i = 0; i < b->n_mem_nodes; i++)
		if (fdt_getprop(b->fdt, b->mem_node[i]->offset,
				"ibm,associativity", NULL))
			return true;
	return false;
}

/* pseries: each block's node must have an array in the base. */
int dt_assoc_plan(struct mc_map *map, struct dt_plan *plan,
		      const struct dt_base *b)
{
	const char *why;
	int form, err;

	if (!b)
		return mc_map_report(map, MC_EINVAL, "arch",
				     "ppc64: a NUMA map needs --base (opts."
				     "base): pseries reads a memory node's "
				     "NUMA node from ibm,associativity, whose "
				     "domains the platform's /rtas defines");
	form = dt_assoc_index(b->fdt, &plan->numa.index, &why);
	if (form < 0)
		return mc_map_report(map, MC_EINVAL, "opts.base",
				     "the map is NUMA, but the base %s", why);
	err = assoc_templates(map, &plan->numa, b);
	for (size_t i = 0; i < plan->n_blocks && !err; i++)
		if (!dt_assoc_of(&plan->numa, plan->blocks[i].node))
			err = no_assoc(map, &plan->blocks[i],
				       plan->numa.index, form);
	return err;
}
