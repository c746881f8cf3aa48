// SPDX-License-Identifier: MIT
/*
 * build.c - mc_dt_build() and mc_dt_build_alloc(): plan, check, count,
 * write.
 *
 * The DTB layout of libfdt's sequential-write functions (sw.c writes the
 * same): a 40-byte header padded to 48 (fdt_create() aligns the reserve
 * map to its 16-byte entries), the reserve map with its {0, 0} terminator,
 * the structure block ending in FDT_END, then the property names.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"
#include "internal/numnodes.h"
#include "dt-iommu.h"
#include "internal/region.h"

_Static_assert(sizeof(struct fdt_header) == 40, "DTB header is 40 bytes");
_Static_assert(sizeof(struct fdt_reserve_entry) == DT_RSV_ENTRY,
	       "reserve map entries are two u64");
_Static_assert(sizeof(struct fdt_property) == 12,
	       "property tag, length, name offset");

/*
 * struct mc_dt_opts as 1.0 laid it out: 1.1's fields take its padding and
 * reserved words, and must leave its size and its members where they were
 * on every ABI this builds for.
 */
struct dt_opts_1_0 {
	const void *base;
	size_t base_len;
	unsigned int cells;
	enum mc_dt_layout layout;
	enum mc_dt_memreserve memreserve;
	bool drop_base_memreserve;
	size_t pad;
	bool pad_set;
	const char *model;
	const char *const *compatible;
	bool no_iommu_addresses;
	uint64_t reserved[4];
};

_Static_assert(sizeof(struct mc_dt_opts) == sizeof(struct dt_opts_1_0),
	       "mc_dt_opts keeps its 1.0 size");
_Static_assert(offsetof(struct mc_dt_opts, no_iommu_addresses) ==
	       offsetof(struct dt_opts_1_0, no_iommu_addresses),
	       "mc_dt_opts keeps its 1.0 members where they were");
_Static_assert(offsetof(struct mc_dt_opts, distance_map) >
	       offsetof(struct dt_opts_1_0, no_iommu_addresses),
	       "1.1's fields come after 1.0's last member");

void mc_dt_opts_init(struct mc_dt_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
}

static int check_options(struct mc_map *map, const struct mc_dt_opts *opt)
{
	if (!MC_RESERVED_CLEAR(opt) || opt->reserved32)
		return mc_map_report(map, MC_EINVAL, "opts.reserved",
				     "must be zero");
	if (opt->max_numnodes && !mc_numnodes_valid(opt->max_numnodes))
		return mc_map_report(map, MC_EINVAL, "opts.max_numnodes",
				     "%u: Linux's MAX_NUMNODES is a power of "
				     "two, 2..1024 (1 << CONFIG_NODES_SHIFT, "
				     "1..10)", opt->max_numnodes);
	if (opt->cells > 2)
		return mc_map_report(map, MC_EINVAL, "opts.cells",
				     "%u: a root written by memcarve has 1 or "
				     "2 cells", opt->cells);
	if (opt->layout != MC_DT_MEMORY_PER_BLOCK &&
	    opt->layout != MC_DT_MEMORY_ONE_NODE)
		return mc_map_report(map, MC_EINVAL, "opts.layout",
				     "unknown memory node layout %d",
				     (int)opt->layout);
	if (opt->memreserve > MC_DT_MEMRESERVE_OFF)
		return mc_map_report(map, MC_EINVAL, "opts.memreserve",
				     "unknown memreserve setting %d",
				     (int)opt->memreserve);
	if (opt->base && (opt->model || opt->compatible))
		return mc_map_report(map, MC_EINVAL, opt->model ? "opts.model" :
				     "opts.compatible", "patch mode keeps the base's "
				     "root; a model or compatible is only for "
				     "a fresh tree");
	if (opt->pad_set && opt->pad > INT_MAX)
		return mc_map_report(map, MC_ERANGE, "opts.pad",
				     "%zu bytes: a DTB holds at most 2^31 - 1",
				     opt->pad);
	if (opt->base && opt->base_len > INT_MAX)
		return mc_map_report(map, MC_EBADBLOB, "opts.base",
				     "%zu bytes: larger than any DTB",
				     opt->base_len);
	return 0;
}

static size_t base_rsv_count(const struct dt_base *b)
{
	if (!b || b->drop_memreserve)
		return 0;
	return (size_t)fdt_num_mem_rsv(b->fdt);
}

/*
 * A names-only writer for the sizing pass (sw.c), in @buf: room for every
 * name we write and the base's whole names block. NULL without one, which
 * costs only the name offsets' fix-up pass later.
 */
static struct dt_sw *names_writer(struct dt_sw *w, unsigned char **buf,
				  const struct dt_base *b)
{
	size_t size = DT_HEADER_ROOM + dt_out_own_names_size() +
		      (b ? (size_t)fdt_size_dt_strings(b->fdt) : 0);

	*buf = malloc(size);
	return *buf && !dt_sw_create(w, *buf, size, 0) ? w : NULL;
}

/*
 * The buffer the write pass needs: counted on the same tree walk, with
 * *@names the names' final size (0 if not found).
 */
static int needed_size(struct mc_map *map, const struct dt_plan *plan,
		       const struct dt_base *b, size_t *size, uint32_t *names)
{
	struct dt_out o = { 0 };
	struct dt_sw names_sw;
	unsigned char *names_buf;
	int err;

	if (b) {
		o.seen_len = fdt_size_dt_strings(b->fdt);
		o.seen = calloc(o.seen_len / 8 + 1, 1);
		if (!o.seen)
			return mc_map_report(map, MC_ENOMEM, NULL,
					     "out of memory");
	}
	o.names = names_writer(&names_sw, &names_buf, b);
	err = dt_write_tree(&o, plan, b);
	free(o.seen);
	*names = o.names ? (uint32_t)names_sw.strings : 0;
	free(names_buf);
	if (err || o.err)
		return mc_map_report(map, err ? err : MC_EINVAL, NULL,
				     "sizing the tree: %s",
				     err ? mc_strerror(err) : fdt_strerror(o.err));
	*size = DT_HEADER_ROOM +
		DT_RSV_ENTRY * (base_rsv_count(b) + plan->n_rsv + 1) +
		o.struct_size + FDT_TAGSIZE + o.strings_size +
		dt_out_own_names_size();
	if (*size > INT_MAX)
		return mc_map_report(map, MC_ERANGE, NULL,
				     "the tree needs %zu bytes; a DTB holds "
				     "at most 2^31 - 1", *size);
	return 0;
}

static int reserve_map(struct dt_sw *sw, const struct dt_plan *plan,
		       const struct dt_base *b)
{
	int err = 0;

	for (size_t i = 0; i < base_rsv_count(b) && !err; i++) {
		uint64_t addr, size;

		err = fdt_get_mem_rsv(b->fdt, (int)i, &addr, &size);
		if (!err)
			err = dt_sw_add_reservemap_entry(sw, addr, size);
	}
	for (size_t i = 0; i < plan->n_rsv && !err; i++)
		err = dt_sw_add_reservemap_entry(sw, plan->rsv[i].addr,
						 plan->rsv[i].size);
	return err ? err : dt_sw_finish_reservemap(sw);
}

/* Free space inside the tree, as fdt_open_into() leaves it: zeroed. */
static void add_pad(void *buf, size_t pad)
{
	size_t size = fdt_totalsize(buf);

	memset((char *)buf + size, 0, pad);
	fdt_set_totalsize(buf, (uint32_t)(size + pad));
}

static int write_blob(struct mc_map *map, const struct dt_plan *plan,
		      const struct dt_base *b, void *buf, size_t size,
		      size_t pad, uint32_t names)
{
	struct dt_sw sw;
	struct dt_out o = { .sw = &sw };
	int err = dt_sw_create(&sw, buf, size - pad, names);

	if (!err)
		err = reserve_map(&sw, plan, b);
	if (!err) {
		int e = dt_write_tree(&o, plan, b);

		if (e)
			return mc_map_report(map, e, NULL, "out of memory");
		err = o.err;
	}
	/*
	 * No fdt_check_full() of the result: it walked the whole blob again
	 * (a seventh of a build) to find what could only be a bug here. The
	 * tree is written in libfdt's layout (sw.c) from a checked plan and a
	 * base that dt_base_open() checked in full, and the tests check every
	 * output they make.
	 */
	if (!err)
		err = dt_sw_finish(&sw);
	if (err)	/* the size was computed: any failure here is ours */
		return mc_map_report(map, MC_EINVAL, NULL,
				     "internal error writing the DTB: %s",
				     fdt_strerror(err));
	add_pad(buf, pad);
	return 0;
}

/* What one build holds from planning to writing. */
struct job {
	struct dt_plan plan;
	struct dt_base base;
	struct dt_iommu iommu;		/* patch mode's binding */
	const struct dt_base *patch;	/* &base in patch mode, else NULL */
	size_t need;			/* the buffer the tree needs */
	size_t pad;			/* free bytes after it */
	uint32_t names;			/* the names' final size, or 0 */
};

/* What the base has beyond its last block (dtc -p, a VMM's fdt_create()). */
static size_t base_free(const void *fdt)
{
	size_t used = fdt_off_mem_rsvmap(fdt) +
		      DT_RSV_ENTRY * ((size_t)fdt_num_mem_rsv(fdt) + 1);
	size_t end = fdt_off_dt_struct(fdt) + fdt_size_dt_struct(fdt);

	used = end > used ? end : used;
	end = fdt_off_dt_strings(fdt) + fdt_size_dt_strings(fdt);
	used = end > used ? end : used;
	return fdt_totalsize(fdt) > used ? fdt_totalsize(fdt) - used : 0;
}

/* Everything but the writing: plan, check, and size the tree. */
static int prepare(struct mc_map *map, const struct mc_dt_opts *opt,
		   struct job *j)
{
	static const struct mc_dt_opts defaults;
	unsigned int ac, sc;
	int err;

	*j = (struct job){ .base = { .resv_node = -1, .resv_index = -1 } };
	if (!mc_map_totals(map))
		return mc_map_report(map, MC_ESTATE, NULL,
				     "the map is not carved yet "
				     "(mc_map_carve() first)");
	opt = opt ? opt : &defaults;
	ac = opt->cells ? opt->cells : 2;
	sc = ac;
	err = check_options(map, opt);
	if (!err && opt->base) {
		j->patch = &j->base;
		err = dt_base_open(map, opt, &j->base, &ac, &sc);
	}
	if (!err)
		err = dt_plan_make(map, opt, ac, sc, &j->plan);
	if (!err)
		err = dt_numa_plan(map, opt, &j->plan, j->patch);
	if (!err)
		err = dt_plan_nodes(map, &j->plan, j->patch);
	if (!err && opt->base)
		err = dt_base_check(map, &j->base, &j->plan);
	if (!err && opt->base && !opt->no_iommu_addresses) {
		err = dt_iommu_plan(map, &j->base, &j->plan, &j->iommu);
		j->plan.iommu = &j->iommu;
	}
	if (!err)
		err = needed_size(map, &j->plan, j->patch, &j->need,
				  &j->names);
	if (!err)
		j->pad = opt->pad_set ? opt->pad :
			 j->patch ? base_free(opt->base) : 0;
	if (!err && j->need + j->pad > INT_MAX)
		err = mc_map_report(map, MC_ERANGE, "opts.pad",
				    "the tree needs %zu bytes and %zu free: a "
				    "DTB holds at most 2^31 - 1", j->need,
				    j->pad);
	if (!err)
		j->need += j->pad;
	return err;
}

static void job_free(struct job *j)
{
	dt_plan_free(&j->plan);
	dt_base_free(&j->base);
	dt_iommu_free(&j->iommu);
}

int mc_dt_build(struct mc_map *map, const struct mc_dt_opts *opt,
		void *buf, size_t *size)
{
	struct job j;
	int err = prepare(map, opt, &j);

	if (!err && (!buf || *size < j.need))
		err = MC_ENOSPC;	/* the caller asks again: no diagnostic */
	else if (!err)
		err = write_blob(map, &j.plan, j.patch, buf, j.need, j.pad,
				 j.names);
	*size = err == MC_ENOSPC ? j.need : err ? 0 : fdt_totalsize(buf);
	job_free(&j);
	return err;
}

/*
 * The same tree, planned, checked and walked once: the caller-buffer API
 * does it all twice, once for the size and once for the bytes.
 */
int mc_dt_build_alloc(struct mc_map *map, const struct mc_dt_opts *opt,
		      void **blob, size_t *len)
{
	struct job j;
	void *buf = NULL;
	int err;

	*blob = NULL;
	*len = 0;
	err = prepare(map, opt, &j);
	if (!err && !(buf = malloc(j.need)))
		err = mc_map_report(map, MC_ENOMEM, NULL,
				    "out of memory (%zu bytes)", j.need);
	if (!err)
		err = write_blob(map, &j.plan, j.patch, buf, j.need, j.pad,
				 j.names);
	if (!err) {
		*blob = buf;
		*len = fdt_totalsize(buf);
	} else {
		free(buf);
	}
	job_free(&j);
	return err;
}
