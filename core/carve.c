// SPDX-License-Identifier: MIT
/*
 * carve.c - the policies of DESIGN §2 as one sorted sweep.
 *
 * Every range becomes a start and an end event; sorting them and walking
 * once gives, between consecutive events, an interval where the same
 * ranges are active. That interval becomes a piece of the result: RAM if
 * only RAM is there, else the most specific range there, backed by RAM if
 * RAM is there and no range over it carves. O(n log n), no pairwise loops.
 *
 * Ranges of one class (kind and reserved type) that overlap are merged
 * first, so at most one range per class is active at any point. Between
 * classes the more specific wins the description (class order below).
 *
 * Maps almost always list their ranges in address order, so every sort
 * here first checks whether its input is already in order: spans are
 * bucketed by class (a stable counting sort), each class is sorted only if
 * it is out of order, and the events of each class, already in order, are
 * merged rather than sorted. Sorted input costs O(n); any input stays
 * O(n log n).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "carve.h"
#include "dev_paths.h"
#include "internal/array.h"

/* struct mc_piece is an array element of the 1.0 ABI: its layout is fixed. */
_Static_assert(sizeof(struct mc_piece) == 24, "mc_piece is 24 bytes");
_Static_assert(offsetof(struct mc_piece, last) == 8, "mc_piece.last");
_Static_assert(offsetof(struct mc_piece, origin) == 16, "mc_piece.origin");
_Static_assert(offsetof(struct mc_piece, kind) == 20, "mc_piece.kind");
_Static_assert(offsetof(struct mc_piece, type) == 21, "mc_piece.type");
_Static_assert(offsetof(struct mc_piece, flags) == 22, "mc_piece.flags");

/* Description precedence, lowest first: later entries win overlaps. */
enum {
	CLS_RAM,
	CLS_IOVA_GAP,		/* a host's typeless hole: any range describes it */
	CLS_ACPI,
	CLS_NVS,
	CLS_MMIO,
	CLS_PMEM,
	CLS_HOTPLUG,		/* overlaps nothing (numa.c): its place is moot */
	CLS_DIRECT_RELAXABLE,
	CLS_DIRECT,
	CLS_RESERVED,
	CLS_SW_MSI,
	CLS_MSI,
	N_CLS
};

#define NONE ((uint32_t)-1)
_Static_assert(N_CLS <= 32, "a class is a bit of sweep.active_cls");

/*
 * A range as the sweep sees it. It carries what a piece of it needs
 * (kind, type, flags, the node of RAM), so that writing the result never
 * looks into the 128-byte input region: at 10^6 ranges each look was a
 * cache miss. 32 bytes.
 */
struct span {
	uint64_t first, last;	/* extent in the sweep, rounded if carving */
	uint32_t idx;		/* input index */
	uint32_t node;		/* RAM's node (the pieces' over it); else 0 */
	uint16_t flags;		/* the input's MC_F_*, as a piece holds them */
	uint8_t kind, type;	/* the input's */
	uint8_t cls;
	uint8_t pol;		/* effective policy */
	bool exact;		/* extent equals the input range */
};

#define EV_START (1u << 0)
#define EV_EXACT (1u << 1)	/* moves the exact-coverage count */
#define EV_SPAN  (1u << 2)	/* moves the span's activity */

struct event {
	uint64_t pos;		/* first byte from which the change holds */
	uint32_t span;
	uint32_t flags;
};

struct sweep {
	struct mc_map *map;
	uint64_t granule;
	struct mc_ram_block *ram;
	size_t n_ram;
	struct span *spans;	/* RAM spans first, then the others */
	size_t n_spans;
	struct event *ev;
	size_t n_ev;
	/* state while sweeping */
	uint32_t active[N_CLS];
	uint32_t active_cls;	/* bit c: active[c] is a span */
	size_t n_carving, n_reloc, n_exact;
	struct mc_pieces out;
	uint32_t out_node;	/* node of the RAM under the last piece */
	struct mc_totals t;
	/* direct listings of one range for other devices (direct_share.c):
	 * keep is the merged span's index until prepare() applies them */
	struct mc_share *shares;
	size_t n_shares, cap_shares;
	size_t group;		/* the merged span join_span() grows */
};

/* No RAM under a piece: it joins no piece that has RAM under it. */
#define NO_NODE UINT32_MAX

static unsigned int class_of(const struct mc_region *r)
{
	static const unsigned int resv_cls[] = {
		[MC_RESV_RESERVED] = CLS_RESERVED,
		[MC_RESV_MSI] = CLS_MSI,
		[MC_RESV_SW_MSI] = CLS_SW_MSI,
		[MC_RESV_DIRECT] = CLS_DIRECT,
		[MC_RESV_DIRECT_RELAXABLE] = CLS_DIRECT_RELAXABLE,
	};

	switch (r->kind) {
	case MC_RAM:
		return CLS_RAM;
	case MC_ACPI:
		return CLS_ACPI;
	case MC_NVS:
		return CLS_NVS;
	case MC_MMIO:
		return CLS_MMIO;
	case MC_PMEM:
		return CLS_PMEM;
	case MC_HOTPLUG:
		return CLS_HOTPLUG;
	default:
		if (r->flags & MC_F_IOVA_GAP)
			return CLS_IOVA_GAP;
		return resv_cls[r->type];
	}
}

/*
 * Ranges devices DMA into, and ACPI tables, need memory behind them: they
 * default to overlay. Device windows and pmem have their own backing and
 * are always taken out of RAM.
 */
enum mc_policy mc_map_effective_policy(const struct mc_map *map,
				       const struct mc_region *r)
{
	unsigned int cls = class_of(r);
	enum mc_policy pol = r->policy;

	if (pol == MC_POLICY_DEFAULT)
		pol = (cls == CLS_DIRECT || cls == CLS_DIRECT_RELAXABLE ||
		       cls == CLS_ACPI || cls == CLS_NVS) ?
			      MC_POLICY_OVERLAY :
			      map->policy;
	if ((cls == CLS_MMIO || cls == CLS_PMEM) && pol == MC_POLICY_OVERLAY)
		pol = MC_POLICY_CARVE;
	return pol;
}

/* Input region @i as a span of class @cls under policy @pol. */
static struct span span_of(const struct mc_region *in, size_t i,
			   unsigned int cls, enum mc_policy pol)
{
	const struct mc_region *r = &in[i];

	/* node is in the region's second cache line: read for RAM only */
	return (struct span){ .first = r->first, .last = r->last,
			      .idx = (uint32_t)i,
			      .node = cls == CLS_RAM ? r->node : 0,
			      .flags = (uint16_t)r->flags,
			      .kind = (uint8_t)r->kind,
			      .type = (uint8_t)r->type, .cls = (uint8_t)cls,
			      .pol = (uint8_t)pol, .exact = true };
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

static int cmp_ram(const void *a, const void *b)
{
	const struct mc_ram_block *x = a, *y = b;

	return cmp_u64(x->first, y->first);
}

/*
 * Strictly increasing only: with two blocks at one address, qsort() (not
 * stable) decides which conflict is named, so such input still goes to it.
 */
static bool ram_sorted(const struct mc_ram_block *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i - 1].first >= v[i].first)
			return false;
	return true;
}

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	if (x->first != y->first)
		return cmp_u64(x->first, y->first);
	return cmp_u64(x->idx, y->idx);
}

/* Ends sort before starts at one position, so touching ranges never mix. */
static int cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->pos != y->pos)
		return cmp_u64(x->pos, y->pos);
	return (int)(x->flags & EV_START) - (int)(y->flags & EV_START);
}

static int conflict(struct sweep *s, int code, size_t a, size_t b,
		    const char *why)
{
	return mc_diag_overlap(s->map, code, &s->map->in[a], &s->map->in[b],
			       why);
}

/* Collect RAM in address order and check it: disjoint, aligned, < 2^64. */
static int collect_ram(struct sweep *s)
{
	const struct mc_map *map = s->map;
	uint64_t g = s->granule, total = 0;
	int err = 0;

	for (size_t i = 0; i < map->n_ram_idx; i++) {
		const struct mc_region *r = &map->in[map->ram_idx[i]];

		s->ram[s->n_ram++] = (struct mc_ram_block){ r->first, r->last,
							    map->ram_idx[i], 0 };
	}
	if (!ram_sorted(s->ram, s->n_ram))
		qsort(s->ram, s->n_ram, sizeof(*s->ram), cmp_ram);
	for (size_t i = 0; i < s->n_ram; i++) {
		const struct mc_ram_block *b = &s->ram[i];
		const struct mc_region *r = &map->in[b->idx];

		if (i && b->first <= s->ram[i - 1].last) {
			err = conflict(s, MC_EOVERLAP, b->idx, s->ram[i - 1].idx,
				       "RAM blocks must not overlap");
			continue;
		}
		if ((b->first & (g - 1)) || ~b->last & (g - 1)) {
			err = mc_diag_range(s->map, MC_EALIGN, NULL, r,
					    r->first, r->last,
					    "not aligned to the granule 0x%llx",
					    (unsigned long long)g);
			continue;
		}
		if (b->last - b->first > UINT64_MAX - 1 - total) {
			return mc_diag_range(s->map, MC_ERANGE, NULL, r,
					     r->first, r->last,
					     "total RAM exceeds 2^64 - 1 bytes");
		}
		total += b->last - b->first + 1;
	}
	s->t.ram_before = total;
	return err;
}

/* Index of the first RAM block ending at or after @first, or n_ram. */
static size_t ram_from(const struct sweep *s, uint64_t first)
{
	size_t lo = 0, hi = s->n_ram;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->ram[mid].last < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool overlaps_ram(const struct sweep *s, uint64_t first, uint64_t last)
{
	size_t i = ram_from(s, first);

	return i < s->n_ram && s->ram[i].first <= last;
}

/* Name every RAM block a policy-abort range overlaps. */
static int abort_conflicts(struct sweep *s, size_t idx)
{
	const struct mc_region *r = &s->map->in[idx];

	for (size_t i = ram_from(s, r->first);
	     i < s->n_ram && s->ram[i].first <= r->last; i++)
		conflict(s, MC_EOVERLAP, idx, s->ram[i].idx, "policy abort");
	return MC_EOVERLAP;
}

/*
 * The non-RAM spans: a range carved out of RAM is widened to whole
 * granules, since RAM can only be taken away in granules. The widened
 * range is what the guest is told is reserved: no undescribed hole.
 */
static int collect_others(struct sweep *s)
{
	const struct mc_map *map = s->map;
	uint64_t g = s->granule;
	int err = 0;

	for (size_t i = 0; i < map->n_in; i++) {
		const struct mc_region *r = &map->in[i];
		struct span sp;
		bool in_ram;

		if (r->kind == MC_RAM)
			continue;
		sp = span_of(map->in, i, class_of(r),
			     mc_map_effective_policy(map, r));
		in_ram = overlaps_ram(s, r->first, r->last);
		if (in_ram && sp.pol == MC_POLICY_ABORT) {
			err = abort_conflicts(s, i);
			continue;
		}
		if (in_ram && sp.pol != MC_POLICY_OVERLAY) {
			sp.first = mc_align_down(r->first, g);
			sp.last = mc_granule_last(r->last, g);
			sp.exact = sp.first == r->first && sp.last == r->last;
		}
		s->spans[s->n_spans++] = sp;
	}
	return err;
}

static bool spans_sorted(const struct span *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (cmp_span(&v[i - 1], &v[i]) > 0)
			return false;
	return true;
}

/*
 * @in (in input order) into @out by (class, first, idx), a total order, so
 * this gives what one qsort() by cmp_span() gives. The counting sort by
 * class is stable: within a class, spans stay in input order (idx
 * ascending), so a class listed in address order is already sorted.
 */
static void sort_spans(const struct span *in, size_t n, struct span *out)
{
	size_t start[N_CLS + 1] = { 0 }, at[N_CLS];

	for (size_t i = 0; i < n; i++)
		start[in[i].cls + 1]++;
	for (unsigned int c = 0; c < N_CLS; c++)
		start[c + 1] += start[c];
	memcpy(at, start, sizeof(at));
	for (size_t i = 0; i < n; i++)
		out[at[in[i].cls]++] = in[i];
	for (unsigned int c = 0; c < N_CLS; c++) {
		struct span *v = out + start[c];
		size_t len = start[c + 1] - start[c];

		if (!spans_sorted(v, len))
			qsort(v, len, sizeof(*v), cmp_span);
	}
}

static bool same_devices(const struct mc_region *a, const struct mc_region *b)
{
	return a->n_devices == b->n_devices && a->n_sids == b->n_sids &&
	       (!a->n_devices || !memcmp(a->devices, b->devices,
					 a->n_devices * sizeof(*a->devices))) &&
	       (!a->n_sids ||
		!memcmp(a->sids, b->sids, a->n_sids * sizeof(*a->sids)));
}

/*
 * A range with nothing but its extent and type: what a host source
 * (reserved_regions, VFIO) reports. It says nothing a range of the same
 * class over it could contradict.
 */
static bool is_bare(const struct mc_region *r)
{
	return !r->n_devices && !r->n_sids && !r->name && !r->align &&
	       !r->flags && r->policy == MC_POLICY_DEFAULT;
}

/*
 * Whether @a says nothing @b does not: no attributes, and no devices or
 * @b's (a host file loaded with the devices the map names too).
 */
static bool adds_nothing(const struct mc_region *a, const struct mc_region *b)
{
	return !a->name && !a->align && !a->flags &&
	       a->policy == MC_POLICY_DEFAULT &&
	       ((!a->n_devices && !a->n_sids) || same_devices(a, b));
}

static bool contains(const struct mc_region *r, uint64_t lo, uint64_t hi)
{
	return r->first <= lo && r->last >= hi;
}

/* Record that @other's devices go to merged span @group's region. */
static int add_share(struct sweep *s, size_t group, size_t other)
{
	size_t cap = s->cap_shares;
	struct mc_share *v = mc_array_grow(s->shares, &cap, s->n_shares + 1,
					   sizeof(*v), 8);

	if (!v)
		return mc_diag(s->map, MC_ENOMEM, NULL, 0, NULL,
			       "out of memory");
	s->shares = v;
	s->cap_shares = cap;
	v[s->n_shares] = (struct mc_share){ group, other };
	s->n_shares++;
	return 0;
}

/*
 * Join @v into the group @cur, whose input ranges span [*lo, *hi]. A range
 * that adds nothing to a range containing the group (a host range and the
 * map's range over it) is one range with it: the group becomes that span,
 * so its pieces carry the map's attributes; so is the same direct range
 * listed for other devices (direct_share.c). Otherwise the two must agree
 * on policy and devices.
 */
static int join_span(struct sweep *s, struct span *cur, const struct span *v,
		     uint64_t *lo, uint64_t *hi)
{
	const struct mc_region *a = &s->map->in[cur->idx];
	const struct mc_region *b = &s->map->in[v->idx];
	/* DT node paths are devices too (dev_paths.h) */
	size_t pa = 0, pb = 0, keep;
	bool same_paths = mc_dev_paths_same(s->map, cur->idx, v->idx);

	mc_dev_paths_of(s->map, cur->idx, &pa);
	mc_dev_paths_of(s->map, v->idx, &pb);
	if (b->first < *lo)
		*lo = b->first;
	if (b->last > *hi)
		*hi = b->last;
	if (adds_nothing(b, a) && (!pb || same_paths) &&
	    contains(a, *lo, *hi))
		return 0;
	if (adds_nothing(a, b) && (!pa || same_paths) &&
	    contains(b, *lo, *hi)) {
		*cur = *v;	/* its extent: it may not be rounded */
		return 0;
	}
	if (contains(a, *lo, *hi) &&	/* the same range, other devices */
	    mc_direct_one(s->map, cur->idx, v->idx, false, &keep)) {
		size_t other = keep == v->idx ? cur->idx : v->idx;

		if (keep == v->idx)
			*cur = *v;
		return add_share(s, s->group, other);
	}
	if ((is_bare(a) && !pa) != (is_bare(b) && !pb))
		return conflict(s, MC_EOVERLAP, v->idx, cur->idx,
				"only a range that contains the other can "
				"give it devices and attributes");
	if (v->last > cur->last)
		cur->last = v->last;
	if (cur->pol != v->pol)
		return conflict(s, MC_EOVERLAP, v->idx, cur->idx,
				"the two have different policies");
	if (!same_devices(a, b) || !same_paths)
		return conflict(s, MC_EOVERLAP, v->idx, cur->idx,
				"the two serve different devices");
	return 0;
}

/*
 * The same range reported twice (sysfs lists the MSI window once per
 * group) is one range, and so is a host range and the map's range over it
 * (join_span()). Overlaps within a class merge into one span: the sorted
 * spans @v become the merged @out; @grp[i] is the one @v[i] went into.
 */
static int merge_class(struct sweep *s, const struct span *v, size_t n,
		       struct span *out, size_t *n_out, size_t *grp)
{
	const struct mc_region *in = s->map->in;
	uint64_t lo = 0, hi = 0;	/* the current group's input extent */
	size_t k = 0;
	int err = 0, e;

	for (size_t i = 0; i < n; i++) {
		struct span *cur = k ? &out[k - 1] : NULL;

		if (!cur || cur->cls != v[i].cls || v[i].first > cur->last) {
			grp[i] = k;
			out[k++] = v[i];
			/* exact: the span is its input's extent; at 10^6
			 * ranges a look into in[] was a cache miss each */
			lo = v[i].exact ? v[i].first : in[v[i].idx].first;
			hi = v[i].exact ? v[i].last : in[v[i].idx].last;
			continue;
		}
		grp[i] = k - 1;
		s->group = k - 1;
		e = join_span(s, cur, &v[i], &lo, &hi);
		err = e ? e : err;
		cur->exact = false;
	}
	*n_out = k;
	return err;
}

/*
 * A direct-relaxable and a direct listing of the same range serve the
 * devices of both (direct_share.c). The merged spans @v are by class,
 * then first, the relaxable class just before the direct one: one walk
 * pairs them.
 */
static int share_across_types(struct sweep *s, const struct span *v,
			      size_t n)
{
	size_t i = 0, d, keep;
	int err = 0;

	while (i < n && v[i].cls != CLS_DIRECT_RELAXABLE)
		i++;
	for (d = i; d < n && v[d].cls != CLS_DIRECT; d++)
		;
	for (; !err && i < n && v[i].cls == CLS_DIRECT_RELAXABLE; i++) {
		while (d < n && v[d].cls == CLS_DIRECT &&
		       v[d].first < v[i].first)
			d++;
		if (d < n && v[d].cls == CLS_DIRECT &&
		    v[d].first == v[i].first && v[d].last == v[i].last &&
		    mc_direct_one(s->map, v[d].idx, v[i].idx, true, &keep))
			err = add_share(s, d, v[i].idx);
	}
	return err;
}

/* The shares found, each merged span's region serving its others. */
static int apply_shares(struct sweep *s, const struct span *merged)
{
	for (size_t i = 0; i < s->n_shares; i++)
		s->shares[i].keep = merged[s->shares[i].keep].idx;
	return mc_direct_share_apply(s->map, s->shares, s->n_shares);
}

/* Events as they are generated: in runs, each already in event order. */
struct event_runs {
	struct event *v;	/* every run, one after the other */
	size_t n;
	size_t start[N_CLS + 2];	/* run i is v[start[i]..start[i + 1]) */
	size_t n_runs;		/* one per class, and the exact-coverage run */
};

static void start_run(struct event_runs *r)
{
	r->start[r->n_runs++] = r->n;
	r->start[r->n_runs] = r->n;
}

static void push_event(struct event_runs *r, uint64_t pos, uint32_t span,
		       uint32_t flags)
{
	r->v[r->n++] = (struct event){ pos, span, flags };
	r->start[r->n_runs] = r->n;
}

/* Events for one extent; a range ending at 2^64 - 1 never ends. */
static void push_extent(struct event_runs *r, uint64_t first, uint64_t last,
			uint32_t span, uint32_t flags)
{
	push_event(r, first, span, flags | EV_START);
	if (last != UINT64_MAX)
		push_event(r, last + 1, span, flags);
}

/* Two sorted runs, [a, a_end) and [b, b_end), into @out. */
static void merge_two(const struct event *a, const struct event *a_end,
		      const struct event *b, const struct event *b_end,
		      struct event *out)
{
	while (a != a_end && b != b_end)
		*out++ = cmp_event(b, a) < 0 ? *b++ : *a++;
	while (a != a_end)
		*out++ = *a++;
	while (b != b_end)
		*out++ = *b++;
}

/*
 * Merge the runs of @r pairwise, level by level, between r->v and @tmp
 * (room for r->n events): each event moves once per level, and at most
 * N_CLS + 1 runs take 4 levels. Any order cmp_event() accepts gives the
 * same sweep: events at one position with the same start flag touch
 * different classes (spans of a class are disjoint) or only counters.
 * Returns whichever of the two buffers holds the result.
 */
static struct event *merge_runs(struct event_runs *r, struct event *tmp)
{
	struct event *from = r->v, *to = tmp, *t;
	size_t *start = r->start, n_runs = r->n_runs;

	while (n_runs > 1) {
		size_t k = 0;

		/* start[k + 1], k <= i / 2, lies below every start[] read later */
		for (size_t i = 0; i < n_runs; i += 2) {
			size_t mid = start[i + 1];
			size_t end = i + 2 <= n_runs ? start[i + 2] : mid;

			merge_two(from + start[i], from + mid, from + mid,
				  from + end, to + start[i]);
			start[++k] = end;
		}
		n_runs = k;
		t = from;
		from = to;
		to = t;
	}
	return from;
}

static bool carves(enum mc_policy pol)
{
	return pol != MC_POLICY_OVERLAY;
}

/*
 * Span events, plus exact-coverage events for carving ranges whose span is
 * not their own extent (widened or merged), to tell rounding loss apart.
 * @unmerged are the non-RAM spans before merging; @grp maps each to the
 * merged span it went into, counted from the first non-RAM span.
 *
 * Spans come RAM first, then by class; within a class they are sorted and
 * disjoint (RAM was checked, the others merged), so the events of one
 * class are in event order as generated: one run per class. The exact
 * events of one class may overlap; they are few and sorted on their own.
 * The runs are written to s->ev and merged with the help of *@spare, as
 * large; the two swap if the result ends up in *@spare.
 */
static void build_events(struct sweep *s, const struct span *unmerged,
			 size_t n_unmerged, const size_t *grp,
			 struct event **spare)
{
	struct event_runs r = { .v = s->ev };
	struct event *exact, *merged;

	for (uint32_t i = 0; i < s->n_spans; i++) {
		const struct span *sp = &s->spans[i];
		uint32_t f = EV_SPAN;

		if (i == 0 || sp->cls != sp[-1].cls)
			start_run(&r);
		if (sp->cls != CLS_RAM && carves(sp->pol) && sp->exact)
			f |= EV_EXACT;
		push_extent(&r, sp->first, sp->last, i, f);
	}
	start_run(&r);
	exact = r.v + r.n;
	for (size_t i = 0; i < n_unmerged; i++) {
		const struct span *u = &unmerged[i];
		const struct mc_region *in = &s->map->in[u->idx];

		if (carves(u->pol) && !s->spans[s->n_ram + grp[i]].exact)
			push_extent(&r, in->first, in->last, NONE, EV_EXACT);
	}
	qsort(exact, (size_t)(r.v + r.n - exact), sizeof(*exact), cmp_event);
	merged = merge_runs(&r, *spare);
	if (merged != s->ev) {
		*spare = s->ev;
		s->ev = merged;
	}
	s->n_ev = r.n;
}

/*
 * The events of RAM (one run) and of every other span in input order (a
 * second), if that order is event order: the usual map lists disjoint
 * ranges by address, and then no class needs sorting or merging and the
 * two runs take one merge instead of four levels over every event (each
 * level moved 32 bytes per range through memory at 10^6 ranges). The
 * spans are the ones the general path would make: disjoint spans of a
 * class never merge. False: not in order, nothing kept.
 */
static bool build_events_in_order(struct sweep *s, struct event **spare)
{
	struct event_runs r = { .v = s->ev };
	const struct mc_region *in = s->map->in;
	bool open = false;	/* a span reached 2^64 - 1: none may follow */
	size_t from;

	start_run(&r);
	for (uint32_t i = 0; i < s->n_ram; i++)
		push_extent(&r, s->spans[i].first, s->spans[i].last, i, EV_SPAN);
	start_run(&r);
	from = r.n;
	for (uint32_t i = (uint32_t)s->n_ram; i < s->n_spans; i++) {
		const struct span *sp = &s->spans[i];
		bool carving = carves(sp->pol);

		if (open || (r.n > from && r.v[r.n - 1].pos > sp->first))
			return false;
		open = sp->last == UINT64_MAX;
		push_event(&r, sp->first, i, EV_SPAN | EV_START |
			   (carving && sp->exact ? EV_EXACT : 0));
		if (carving && !sp->exact)	/* within the span: in order */
			push_extent(&r, in[sp->idx].first, in[sp->idx].last,
				    NONE, EV_EXACT);
		if (sp->last != UINT64_MAX)
			push_event(&r, sp->last + 1, i, EV_SPAN |
				   (carving && sp->exact ? EV_EXACT : 0));
	}
	merge_two(r.v, r.v + from, r.v + from, r.v + r.n, *spare);
	s->ev = *spare;		/* the merged events; r.v is the spare now */
	*spare = r.v;
	s->n_ev = r.n;
	return true;
}

static void apply_event(struct sweep *s, const struct event *e)
{
	bool start = e->flags & EV_START;

	if (e->flags & EV_EXACT)
		s->n_exact = start ? s->n_exact + 1 : s->n_exact - 1;
	if (e->flags & EV_SPAN) {
		const struct span *sp = &s->spans[e->span];
		size_t d = start ? 1 : (size_t)-1;

		s->active[sp->cls] = start ? e->span : NONE;
		if (start)
			s->active_cls |= 1u << sp->cls;
		else
			s->active_cls &= ~(1u << sp->cls);
		if (sp->cls != CLS_RAM && carves(sp->pol))
			s->n_carving += d;
		if (sp->pol == MC_POLICY_RELOCATE)
			s->n_reloc += d;
	}
}

/* Room for @n pieces in all. */
int mc_pieces_reserve(struct mc_pieces *p, size_t n)
{
	struct mc_piece *v;

	/* never NULL after a reserve, even of none */
	v = mc_array_grow(p->v, &p->cap, n ? n : 1, sizeof(*v), 64);
	if (!v)
		return MC_ENOMEM;
	p->v = v;
	return 0;
}

int mc_pieces_push(struct mc_pieces *p, const struct mc_piece *r)
{
	/* Called once per piece: only a full array needs the slow path. */
	if (p->n == p->cap &&
	    (p->n == SIZE_MAX || mc_pieces_reserve(p, p->n + 1)))
		return MC_ENOMEM;
	p->v[p->n++] = *r;
	return 0;
}

/*
 * Append [first, last] from span @si, joining its predecessor if it can:
 * not across a change of the node of the RAM under it, so that no piece
 * (and no slot) spans two nodes.
 */
static int emit(struct sweep *s, uint64_t first, uint64_t last, uint32_t si,
		unsigned int flags)
{
	const struct span *sp = &s->spans[si];
	struct mc_piece *prev = s->out.n ? &s->out.v[s->out.n - 1] : NULL;
	uint32_t ram = s->active[CLS_RAM];
	uint32_t node = ram == NONE ? NO_NODE : s->spans[ram].node;
	struct mc_piece r = { .first = first, .last = last, .origin = sp->idx,
			      .kind = sp->kind, .type = sp->type,
			      .flags = (uint16_t)(sp->flags | flags) };

	if (prev && prev->origin == sp->idx && prev->last + 1 == first &&
	    prev->flags == r.flags && s->out_node == node) {
		prev->last = last;
		return 0;
	}
	s->out_node = node;
	return mc_pieces_push(&s->out, &r);
}

/* The most specific class of @mask (not 0): the one that describes. */
static unsigned int top_class(uint32_t mask)
{
#if defined(__GNUC__)
	return 31u - (unsigned int)__builtin_clz(mask);
#else
	unsigned int c = N_CLS - 1;

	while (!(mask >> c & 1))
		c--;
	return c;
#endif
}

/* Decide the interval [first, last] from the ranges active over it. */
static int interval(struct sweep *s, uint64_t first, uint64_t last)
{
	uint32_t ram = s->active[CLS_RAM], others = s->active_cls & ~1u;
	uint32_t win = others ? s->active[top_class(others)] : NONE;
	uint64_t len;
	if (win == NONE)
		return ram == NONE ? 0 : emit(s, first, last, ram, MC_F_BACKED);
	if (ram == NONE)
		return emit(s, first, last, win, 0);
	if (!s->n_carving)
		return emit(s, first, last, win, MC_F_BACKED);
	len = mc_len(first, last);	/* < 2^64: RAM total was checked */
	s->t.carved += len;
	if (!s->n_exact)
		s->t.lost_to_rounding += len;
	if (s->n_reloc)
		s->ram[ram].reloc_need += len;	/* RAM span i is block i */
	return emit(s, first, last, win, MC_F_CARVED);
}

/*
 * Room for a piece per interval between events, the most the sweep makes:
 * growing by doubling as it goes copied the pieces at every step.
 */
static int reserve_pieces(struct sweep *s)
{
	size_t n = s->n_ev + 1;

	if (n > SIZE_MAX / sizeof(*s->out.v))
		return MC_ENOMEM;
	s->out.v = malloc(n * sizeof(*s->out.v));
	s->out.cap = s->out.v ? n : 0;
	return s->out.v ? 0 : MC_ENOMEM;
}

static int sweep(struct sweep *s)
{
	size_t i = 0;
	int err = reserve_pieces(s);

	for (unsigned int c = 0; c < N_CLS; c++)
		s->active[c] = NONE;
	s->active_cls = 0;
	while (i < s->n_ev && !err) {
		uint64_t pos = s->ev[i].pos, last;

		while (i < s->n_ev && s->ev[i].pos == pos)
			apply_event(s, &s->ev[i++]);
		last = i < s->n_ev ? s->ev[i].pos - 1 : UINT64_MAX;
		err = interval(s, pos, last);
	}
	return err ? mc_diag(s->map, err, NULL, 0, NULL, "out of memory") : 0;
}

struct carve_bufs {
	struct span *unmerged;
	size_t *grp;
	struct event *spare;	/* as large as s->ev, for merging events */
};

static int alloc_sweep(struct sweep *s, struct carve_bufs *b, size_t n)
{
	if (n > SIZE_MAX / (4 * sizeof(struct event)) || n > NONE / 4)
		return MC_ENOMEM;
	s->ram = malloc(n * sizeof(*s->ram) + 1);
	s->spans = malloc(n * sizeof(*s->spans) + 1);
	s->ev = malloc(4 * n * sizeof(*s->ev) + 1);
	b->unmerged = malloc(n * sizeof(*b->unmerged) + 1);
	b->grp = malloc(n * sizeof(*b->grp) + 1);
	b->spare = malloc(4 * n * sizeof(*b->spare) + 1);
	if (!s->ram || !s->spans || !s->ev || !b->unmerged || !b->grp ||
	    !b->spare)
		return MC_ENOMEM;
	return 0;
}

static void free_sweep(struct sweep *s, struct carve_bufs *b)
{
	free(s->ram);
	free(s->spans);
	free(s->ev);
	free(s->out.v);
	free(s->shares);
	free(b->unmerged);
	free(b->grp);
	free(b->spare);
}

/* Everything up to the sweep: RAM, the other spans merged, the events. */
static int prepare(struct sweep *s, struct carve_bufs *b)
{
	struct span *others;
	size_t n_others, n_merged;
	int err, err2;

	err = collect_ram(s);
	for (size_t i = 0; i < s->n_ram; i++)
		s->spans[i] = span_of(s->map->in, s->ram[i].idx, CLS_RAM,
				      MC_POLICY_DEFAULT);
	s->n_spans = s->n_ram;
	err2 = collect_others(s);
	err = err ? err : err2;
	if (!err && build_events_in_order(s, &b->spare))
		return 0;
	others = s->spans + s->n_ram;
	n_others = s->n_spans - s->n_ram;
	sort_spans(others, n_others, b->unmerged);
	err2 = merge_class(s, b->unmerged, n_others, others, &n_merged,
			   b->grp);
	err = err ? err : err2;
	if (!err)
		err = share_across_types(s, others, n_merged);
	if (!err && s->n_shares)
		err = apply_shares(s, others);
	s->n_spans = s->n_ram + n_merged;
	if (!err)
		build_events(s, b->unmerged, n_others, b->grp, &b->spare);
	return err;
}

int mc_map_carve(struct mc_map *map)
{
	struct sweep s = { .map = map, .granule = mc_map_granule(map) };
	struct carve_bufs b = { 0 };
	int err;

	mc_map_uncarve(map);
	err = alloc_sweep(&s, &b, map->n_in);
	if (err)
		err = mc_diag(map, err, NULL, 0, NULL, "out of memory");
	if (!err) {
		int numa = mc_check_numa(map);

		err = prepare(&s, &b);
		err = numa ? numa : err;
	}
	if (!err)
		err = sweep(&s);
	if (!err)
		err = mc_relocate(map, s.ram, s.n_ram, s.granule, &s.out,
				  &s.t.relocated);
	if (!err) {
		s.t.ram_after = s.t.ram_before - s.t.carved + s.t.relocated;
		map->totals = s.t;
		map->out = s.out.v;
		map->n_out = s.out.n;
		s.out.v = NULL;
		err = mc_build_slots(map, s.ram, s.n_ram);
	}
	if (!err)
		err = mc_check_ram_total(map);
	free_sweep(&s, &b);
	if (err)
		mc_map_uncarve(map);
	else
		map->carved = true;
	return err;
}

const struct mc_piece *mc_map_result(const struct mc_map *map, size_t *count)
{
	*count = map->carved ? map->n_out : 0;
	return map->carved ? map->out : NULL;
}

const struct mc_totals *mc_map_totals(const struct mc_map *map)
{
	return map->carved ? &map->totals : NULL;
}
