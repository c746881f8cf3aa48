// SPDX-License-Identifier: MIT
/*
 * iova.c - a device's usable IOVA ranges, as the host's IOMMU reports them
 * (iommufd IOMMU_IOAS_IOVA_RANGES, VFIO type1 CAP_IOVA_RANGE), turned into
 * what the map needs: the gaps between them, reserved, so the guest never
 * gets RAM where the device cannot DMA.
 *
 * The kernel lists the ranges sorted and disjoint (vfio_iommu_type1.c
 * keeps iova_list so; iommufd's iopt_check_iova() walks allowed ranges in
 * order). A caller's list is sorted here; an overlap means the list is
 * not what the kernel gave and is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iova.h"
#include "internal/region.h"

/* struct iommu_iova_range in linux/iommufd.h: two __aligned_u64. */
_Static_assert(sizeof(struct mc_iova_range) == 16,
	       "struct mc_iova_range is iommu_iova_range's 16 bytes");
_Static_assert(offsetof(struct mc_iova_range, start) == 0,
	       "iommu_iova_range.start at 0");
_Static_assert(offsetof(struct mc_iova_range, last) == 8,
	       "iommu_iova_range.last at 8");

void mc_iova_opts_init(struct mc_iova_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
}

int mc_iova_opts_check(struct mc_map *map, const struct mc_iova_opts *opts,
		       const char *fallback, const char **src)
{
	const char *name = opts && opts->source ? opts->source : fallback;

	*src = mc_intern_source(map, name);
	if (!*src)
		return mc_diag(map, MC_ENOMEM, name, 0, NULL, "out of memory");
	if (!opts || opts->address_bits == 0 || opts->address_bits > 64)
		return mc_diag(map, MC_EINVAL, name, 0, "opts.address_bits",
			       "%u: give the guest's physical address width, "
			       "1..64",
			       opts ? opts->address_bits : 0);
	if (!MC_RESERVED_CLEAR(opts))
		return mc_diag(map, MC_EINVAL, name, 0, "opts.reserved",
			       "must be zero");
	return 0;
}

static int cmp_item(const void *a, const void *b)
{
	const struct mc_iova_item *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->where > y->where) - (x->where < y->where);
}

static int add_gap(struct mc_map *map, const char *src, uint64_t first,
		   uint64_t last)
{
	struct mc_region r = {
		.first = first,
		.last = last,
		.kind = MC_RESERVED,
		.type = MC_RESV_RESERVED,
		.flags = MC_F_IOVA_GAP,
	};

	return mc_map_add_from(map, &r, src, 0);
}

/* "vfio-info+0x28" or "iova-ranges[3]" */
static void fmt_where(char *buf, size_t len, const char *fmt,
		      const char *src, size_t where)
{
	snprintf(buf, len, fmt, src, where);
}

static int check_items(struct mc_map *map, const char *src,
		       const char *where_fmt, struct mc_iova_item *v, size_t n)
{
	char a[160], b[160];

	for (size_t i = 0; i < n; i++)
		if (v[i].last < v[i].start) {
			fmt_where(a, sizeof(a), where_fmt, src, v[i].where);
			return mc_diag(map, MC_EINVAL, a, 0, NULL,
				       "usable range 0x%llx-0x%llx ends "
				       "below its start",
				       (unsigned long long)v[i].start,
				       (unsigned long long)v[i].last);
		}
	qsort(v, n, sizeof(*v), cmp_item);
	for (size_t i = 1; i < n; i++)
		if (v[i].start <= v[i - 1].last) {
			char ra[MC_RANGE_STR], rb[MC_RANGE_STR];

			fmt_where(a, sizeof(a), where_fmt, src, v[i].where);
			fmt_where(b, sizeof(b), where_fmt, src, v[i - 1].where);
			return mc_diag(map, MC_EINVAL, a, 0, NULL,
				       "usable %s overlaps usable %s (%s): "
				       "not a list the kernel gives",
				       mc_range_str(ra, v[i].start, v[i].last),
				       mc_range_str(rb, v[i - 1].start,
						    v[i - 1].last),
				       b);
		}
	return 0;
}

int mc_iova_add_gaps(struct mc_map *map, const char *src,
		     const char *where_fmt, struct mc_iova_item *v, size_t n,
		     unsigned int bits)
{
	uint64_t top = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
	uint64_t next = 0;	/* the first byte no range has covered yet */
	bool done = false;	/* a range reached 2^64 - 1 */
	int err = check_items(map, src, where_fmt, v, n);

	for (size_t i = 0; !err && !done && i < n && next <= top; i++) {
		uint64_t end = v[i].start - 1 < top ? v[i].start - 1 : top;

		if (v[i].start > next)
			err = add_gap(map, src, next, end);
		if (v[i].last == UINT64_MAX)
			done = true;
		else
			next = v[i].last + 1;
	}
	if (!err && !done && next <= top)
		err = add_gap(map, src, next, top);
	return err;
}

int mc_map_add_usable_iova(struct mc_map *map,
			   const struct mc_iova_range *ranges, size_t n,
			   const struct mc_iova_opts *opts)
{
	struct mc_iova_item *v;
	const char *src;
	int err = mc_iova_opts_check(map, opts, "iova-ranges", &src);

	if (err)
		return err;
	if (n == 0)
		return mc_diag(map, MC_EINVAL, src, 0, NULL,
			       "no usable IOVA range: the device could DMA "
			       "nowhere");
	if (!ranges)
		return mc_diag(map, MC_EINVAL, src, 0, "ranges",
			       "NULL with a count of %zu", n);
	v = n <= SIZE_MAX / sizeof(*v) ? malloc(n * sizeof(*v)) : NULL;
	if (!v)
		return mc_diag(map, MC_ENOMEM, src, 0, NULL, "out of memory");
	for (size_t i = 0; i < n; i++)
		v[i] = (struct mc_iova_item){ ranges[i].start, ranges[i].last,
					      i };
	err = mc_iova_add_gaps(map, src, "%s[%zu]", v, n, opts->address_bits);
	free(v);
	return err;
}
