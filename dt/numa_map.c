// SPDX-License-Identifier: MIT
/*
 * numa_map.c - a NUMA map's nodes in the tree.
 *
 * When the map is NUMA (any region has node=), each memory node carries
 * the node of its blocks, and the map is the truth: the base's NUMA
 * properties are not inherited (numa.c does that for maps that are not
 * NUMA). How the guest reads a node:
 *
 *  numa-node-id	arm64, riscv64 (drivers/of/of_numa.c). Linux gives
 *			up on NUMA when one memory node lacks it (the memblock
 *			then has no node: "invalid memblk node", or 6.12+'s
 *			numa_memblks "no nodes coverage"): every memory node
 *			gets it, fresh or patched.
 *  ibm,associativity	pseries (arch/powerpc/mm/numa.c): the node is the
 *			cell at the primary domain index, which the form of
 *			affinity picks from /rtas ibm,associativity-reference-
 *			points. The other cells are the platform's topology
 *			(FORM1 distances, FORM2 lookup index), which the map
 *			does not hold: a node's array is taken whole from a
 *			base memory node on that node, and a node no base
 *			memory node is on is refused.
 *
 * A base memory node whose own node disagrees with the map's for the
 * same RAM is refused, naming both: which one the platform means cannot
 * be known, and the CPUs' and devices' nodes in the base follow the base.
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

static const struct dt_assoc *assoc_of(const struct dt_numa *numa,
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

static bool base_says_assoc(const struct dt_base *b)
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
static int assoc_plan(struct mc_map *map, struct dt_plan *plan,
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
		if (!assoc_of(&plan->numa, plan->blocks[i].node))
			err = no_assoc(map, &plan->blocks[i],
				       plan->numa.index, form);
	return err;
}

static int by_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorted, without repeats: returns the count. */
static size_t unique(uint32_t *v, size_t n)
{
	size_t k = 0;

	qsort(v, n, sizeof(*v), by_u32);
	for (size_t i = 0; i < n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/* The nodes some region names, and those with a memory block in the tree. */
static uint32_t *named_nodes(const struct mc_map *map,
			     const struct dt_plan *plan, size_t *n_named,
			     size_t *n_mem)
{
	const struct mc_region *in;
	size_t n_in, n = 0;
	uint32_t *v;

	in = mc_map_input(map, &n_in);
	v = calloc(n_in + plan->n_blocks + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < plan->n_blocks; i++)
		v[n++] = plan->blocks[i].node;
	*n_mem = unique(v, n);
	n = 0;
	for (size_t i = 0; i < n_in; i++)
		if (in[i].flags & MC_F_NODE)
			v[*n_mem + n++] = in[i].node;
	*n_named = unique(v + *n_mem, n);
	return v;
}

static bool has_memory(const uint32_t *mem, size_t n, uint32_t node)
{
	return bsearch(&node, mem, n, sizeof(node), by_u32) != NULL;
}

static int memoryless(struct mc_map *map, uint32_t a, uint32_t b,
		      uint32_t none)
{
	return mc_map_report(map, MC_EINVAL, "opts.distance_map",
			     "distance %u %u: node %u has no memory block in "
			     "the tree (its RAM is carved away, or it has only "
			     "pmem or hotplug ranges), and a fresh tree names "
			     "a node only through its memory nodes: Linux "
			     "(of_numa_parse_distance_map_v1) would set up a "
			     "node without memory", a, b, none);
}

/*
 * The distance-matrix: a triple per ordered pair the map states, in
 * ascending (from, to) order. Linux sets B->A from an A->B entry with
 * B > A and lets a later entry override it: (A, B) comes before (B, A),
 * so an asymmetric pair the map states reads back as stated.
 */
static int distance_matrix(struct mc_map *map, struct dt_numa *numa,
			   const struct dt_plan *plan)
{
	size_t n_named, n_mem, n = 0;
	uint32_t *mem = named_nodes(map, plan, &n_named, &n_mem);
	const uint32_t *named = mem + n_mem;
	int err = 0;

	if (!mem)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n_named && !err; i++)
		for (size_t j = 0; j < n_named && !err; j++) {
			uint32_t a = named[i], b = named[j];

			if (!mc_map_distance(map, a, b))
				continue;
			if (!has_memory(mem, n_mem, a) ||
			    !has_memory(mem, n_mem, b))
				err = memoryless(map, a, b,
						 has_memory(mem, n_mem, a) ?
						 b : a);
			n++;
		}
	if (!err && n == 0)
		err = mc_map_report(map, MC_EINVAL, "opts.distance_map",
				    "the map states no distance (distance A "
				    "B N) to write");
	if (!err && !(numa->matrix = malloc(12 * n)))
		err = mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n_named && !err; i++)
		for (size_t j = 0; j < n_named; j++) {
			uint32_t d = mc_map_distance(map, named[i], named[j]);
			unsigned char *at = numa->matrix + numa->matrix_len;

			if (!d)
				continue;
			fdt32_st(at, named[i]);
			fdt32_st(at + 4, named[j]);
			fdt32_st(at + 8, d);
			numa->matrix_len += 12;
		}
	free(mem);
	return err;
}

static int distance_differs(struct mc_map *map, uint32_t a, uint32_t b,
			    uint32_t ours, uint32_t theirs, bool stated)
{
	return mc_map_report(map, MC_EINVAL, "opts.base",
			     "distance %u %u: the map says %u, but the guest "
			     "takes %u from the base (%s): give the VMM the "
			     "map's distances, or the map the base's", a, b,
			     ours, theirs, stated ? "its distance-map" :
			     "it has no distance-map entry, so Linux keeps "
			     "its default, 10 local and 20 remote");
}

/*
 * Patch mode, numa-node-id: the guest takes its distances from the
 * base's distance-map (kept), else Linux's defaults; each distance the
 * map states must be the one the guest gets. A matrix Linux refuses turns
 * NUMA off. (pseries derives distances from ibm,associativity or its own
 * FORM2 tables, which the base keeps; not compared.)
 */
static int base_distances(struct mc_map *map, const struct dt_plan *plan,
			  const struct dt_base *b)
{
	size_t n_named = 0, n_mem = 0, n = 0;
	uint32_t *mem = named_nodes(map, plan, &n_named, &n_mem);
	const uint32_t *named = mem + n_mem;
	struct dt_dist *t = NULL;
	int err = mem ? dt_linux_distances(b->fdt, &t, &n) : MC_ENOMEM;

	if (err == -1)
		err = mc_map_report(map, MC_EINVAL, "opts.base",
				    "the map is NUMA, but the base's "
				    "distance-map is one Linux refuses (a "
				    "local distance other than 10, a remote "
				    "one of 10 or less, or no distance-matrix): "
				    "it would turn NUMA off");
	else if (err)
		err = mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n_named && !err; i++)
		for (size_t j = 0; j < n_named && !err; j++) {
			uint32_t a = named[i], c = named[j];
			uint32_t d = mc_map_distance(map, a, c);
			uint32_t got = dt_dist_find(t, n, a, c);

			if (d && d != (got ? got : a == c ? 10 : 20))
				err = distance_differs(map, a, c, d,
						       got ? got : 20,
						       got != 0);
		}
	free(t);
	free(mem);
	return err;
}

int dt_numa_plan(struct mc_map *map, const struct mc_dt_opts *opt,
		 struct dt_plan *plan, const struct dt_base *base)
{
	enum mc_arch arch = mc_map_arch(map);
	int err = 0;

	if (!mc_map_is_numa(map))
		return opt->distance_map ?
			mc_map_report(map, MC_EINVAL, "opts.distance_map",
				      "the map is not NUMA (no node=): there "
				      "are no nodes to give distances") : 0;
	if (opt->distance_map && base)
		return mc_map_report(map, MC_EINVAL, "opts.distance_map",
				     "is for a fresh tree; a patched tree "
				     "keeps the base's distance-map, if any");
	if (arch == MC_ARCH_MIPS)
		return mc_map_report(map, MC_EINVAL, "arch",
				     "mips: the map is NUMA, but Linux reads "
				     "no NUMA node from a MIPS device tree");
	if (arch == MC_ARCH_PPC64 || (base && base_says_assoc(base))) {
		plan->numa.style = DT_NUMA_ASSOC;
		err = assoc_plan(map, plan, base);
	} else {
		plan->numa.style = DT_NUMA_ID;
		if (base)
			err = base_distances(map, plan, base);
	}
	if (!err && opt->distance_map)
		err = distance_matrix(map, &plan->numa, plan);
	return err;
}

/* What a base memory node says its node is, for a NUMA map's check. */
static bool base_node(const struct dt_plan *plan, const struct dt_base *b,
		      size_t owner, uint32_t *node, const char **prop)
{
	const fdt32_t *id;
	int len, offset = b->mem_node[owner]->offset;

	if (plan->numa.style == DT_NUMA_ASSOC) {
		*prop = "ibm,associativity";
		return dt_assoc_nid(b->fdt, offset, plan->numa.index,
				    node) == 0;
	}
	*prop = "numa-node-id";
	id = fdt_getprop(b->fdt, offset, "numa-node-id", &len);
	if (!id || len != 4)
		return false;
	*node = fdt32_ld(id);
	return true;
}

int dt_numa_check_owner(struct mc_map *map, const struct dt_plan *plan,
			const struct dt_base *base,
			const struct dt_block *blk, size_t owner)
{
	char range[MC_RANGE_STR];
	const char *prop;
	uint32_t node;

	if (plan->numa.style == DT_NUMA_NONE || owner == DT_NO_OWNER ||
	    !base_node(plan, base, owner, &node, &prop) || node == blk->node)
		return 0;
	mc_range_str(range, blk->first, blk->last);
	return mc_map_report(map, MC_EINVAL, "opts.base",
			     "memory block %s is on NUMA node %u in the map, "
			     "but the base's /%s, which holds it, says node "
			     "%u (%s): the base's CPUs and devices follow the "
			     "base's numbering, so the map must use it",
			     range, blk->node, base->mem_node[owner]->name,
			     node, prop);
}

void dt_numa_write(struct dt_out *o, const struct dt_plan *plan,
		   uint32_t node)
{
	fdt32_t be = cpu_to_fdt32(node);

	if (plan->numa.style == DT_NUMA_ID)
		dt_out_prop(o, "numa-node-id", &be, sizeof(be));
	else if (plan->numa.style == DT_NUMA_ASSOC)
		dt_out_base_prop(o, &assoc_of(&plan->numa, node)->prop);
}

void dt_numa_free(struct dt_numa *numa)
{
	free(numa->assoc);
	free(numa->matrix);
	*numa = (struct dt_numa){ 0 };
}
