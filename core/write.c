// SPDX-License-Identifier: MIT
/*
 * write.c - a map written back as map-file text, the parser's inverse.
 *
 * Every statement is one line the parser reads back into the same region:
 * "KIND 0xBASE SIZE [attributes]", the size in hex. A range of all 2^64
 * bytes has no size the parser reads and is refused, as is a statement
 * longer than the parser's lines. The text is measured by one walk and
 * written by a second, so MC_ENOSPC leaves the caller's buffer untouched.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dev_paths.h"
#include "internal.h"
#include "internal/diag.h"

/* Where the text goes: @len counts every byte, written or not. */
struct sink {
	char *buf;
	size_t room;		/* bytes at @buf, NUL included */
	size_t len;
};

/* Where the ram statements of a result have got to. */
struct ram_walk {
	uint64_t next;		/* the first byte none covers yet */
	bool done;		/* one ended at 2^64 - 1 */
};

/* One statement, built whole before it is measured against the parser. */
struct line {
	char text[MC_LINE_MAX + 2];
	size_t len;		/* may pass MC_LINE_MAX: then it is refused */
};

static void line_add(struct line *l, const char *fmt, ...) MC_PRINTF(2, 3);

static void line_add(struct line *l, const char *fmt, ...)
{
	size_t at = l->len < sizeof(l->text) ? l->len : sizeof(l->text) - 1;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->text + at, sizeof(l->text) - at, fmt, ap);
	va_end(ap);
	l->len += n > 0 ? (size_t)n : 0;
}

static void sink_add(struct sink *s, const char *p, size_t len)
{
	if (s->len < s->room && s->room - s->len > len)
		memcpy(s->buf + s->len, p, len);
	s->len += len;
}

static void put_kind_range(struct line *l, enum mc_kind kind,
			   uint64_t first, uint64_t last)
{
	char size[32];

	/* all 2^64 bytes: the one size that needs 65 bits */
	if (first == 0 && last == UINT64_MAX)
		snprintf(size, sizeof(size), "0x10000000000000000");
	else
		snprintf(size, sizeof(size), "0x%" PRIx64, last - first + 1);
	line_add(l, "%-9s 0x%-16" PRIx64 " %-12s", mc_kind_name(kind), first,
		 size);
}

/* The attributes a piece keeps from its input region (not policy, align). */
static void put_attrs(struct line *l, const struct mc_region *r)
{
	if (r->kind == MC_RESERVED && r->type != MC_RESV_RESERVED)
		line_add(l, " type=%s", mc_resv_type_name(r->type));
	if (r->name)
		line_add(l, " name=%s", r->name);
}

/*
 * devices=: the PCI devices, then the DT node paths of input region
 * @index (dev_paths.h), which the parser tells apart (each path starts
 * with '/', a BDF holds ':').
 */
static void put_flags(struct line *l, const struct mc_map *map,
		      const struct mc_region *r, size_t index)
{
	size_t n_paths;
	const char *const *paths = mc_dev_paths_of(map, index, &n_paths);

	if (r->flags & MC_F_REUSABLE)
		line_add(l, " reusable");
	if (r->flags & MC_F_READONLY)
		line_add(l, " readonly");
	if (r->flags & MC_F_PRIVILEGED)
		line_add(l, " privileged");
	if (r->flags & MC_F_ACCESS)
		line_add(l, " access=%u", r->access);
	if (r->flags & MC_F_IOVA_GAP)
		line_add(l, " iova-gap");
	if (r->flags & MC_F_ALL_DEVICES)
		line_add(l, " devices=all");
	if (r->flags & MC_F_NODE)
		line_add(l, " node=%" PRIu32, r->node);
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct mc_pci_dev *d = &r->devices[i];

		line_add(l, "%s%04x:%02x:%02x.%u", i ? "," : " devices=",
			 d->segment, d->bus, d->devfn >> 3, d->devfn & 7);
	}
	for (size_t i = 0; i < n_paths; i++)
		line_add(l, "%s%s", i || r->n_devices ? "," : " devices=",
			 paths[i]);
	for (size_t i = 0; i < r->n_sids; i++)
		line_add(l, "%s0x%" PRIx32, i ? "," : " sids=", r->sids[i]);
}

static int too_long(struct mc_map *map, enum mc_map_part what, size_t i,
		    size_t len)
{
	return mc_diag(map, MC_ERANGE, NULL, 0, "region",
		       "%s %zu: its statement would be %zu bytes; the map "
		       "parser reads lines of at most %d (too many devices "
		       "or sids for one line)",
		       what == MC_MAP_INPUT ? "input region" : "result piece",
		       i, len, MC_LINE_MAX);
}

/* One statement and its newline into @s, if the parser can read it back. */
static int emit(struct mc_map *map, struct sink *s, struct line *l,
		enum mc_map_part what, size_t i)
{
	line_add(l, "\n");
	if (l->len - 1 > MC_LINE_MAX)
		return too_long(map, what, i, l->len - 1);
	sink_add(s, l->text, l->len);
	l->len = 0;
	return 0;
}

/* The parser's sizes stop at 2^64 - 1: [0, 2^64 - 1] has none. */
static int whole_space(struct mc_map *map, enum mc_map_part what, size_t i)
{
	return mc_diag(map, MC_ERANGE, NULL, 0, "region",
		       "%s %zu covers all 2^64 bytes; a map file's size "
		       "ends at 0xffffffffffffffff",
		       what == MC_MAP_INPUT ? "input region" : "result piece",
		       i);
}

/* An input region: every attribute the parser reads. */
static int input_line(struct mc_map *map, struct sink *s, struct line *l,
		      const struct mc_region *r, size_t i)
{
	if (r->first == 0 && r->last == UINT64_MAX)
		return whole_space(map, MC_MAP_INPUT, i);
	put_kind_range(l, r->kind, r->first, r->last);
	put_attrs(l, r);
	if (r->policy != MC_POLICY_DEFAULT)
		line_add(l, " policy=%s", mc_policy_name(r->policy));
	if (r->align)
		line_add(l, " align=0x%" PRIx64, r->align);
	put_flags(l, map, r, i);
	return emit(map, s, l, MC_MAP_INPUT, i);
}

/* Pieces of one RAM range that one carve leaves as one. */
static bool same_ram(const struct mc_piece *a, const struct mc_piece *b)
{
	return a->origin == b->origin &&
	       (a->flags & MC_F_RELOCATED) == (b->flags & MC_F_RELOCATED);
}

/*
 * The last byte of the ram statement that starts inside backed piece @i:
 * the run of touching backed pieces, cut where RAM of another input range
 * (or relocated RAM) begins, so each keeps its name, node and pieces. An
 * overlaid piece can hide that boundary: it is where the input range of
 * the RAM before it ended (in a NUMA map a node boundary, which must stay
 * exact). Relocated RAM has no input range; the input ranges were
 * granule-aligned, so the first granule boundary after it carves the same.
 */
static uint64_t ram_end(const struct mc_piece *r, const struct mc_region *in,
			size_t n, size_t i, uint64_t granule,
			const struct mc_region **from)
{
	const struct mc_piece *ram = NULL;	/* the run's first RAM piece */
	uint64_t ram_last = 0;

	*from = NULL;
	for (size_t j = i; j < n; j++) {
		if (j > i && (!(r[j].flags & MC_F_BACKED) ||
			      r[j].first - 1 != r[j - 1].last || !r[j].first))
			return r[j - 1].last;
		/* one range cut where it touches itself: the RAM under it
		 * changes node there (carving splits nothing else) */
		if (j > i && r[j].kind != MC_RAM &&
		    r[j].origin == r[j - 1].origin &&
		    r[j].flags == r[j - 1].flags)
			return r[j - 1].last;
		if (r[j].kind != MC_RAM)
			continue;
		if (!ram) {
			ram = &r[j];
			*from = &in[r[j].origin];
		} else if (!same_ram(ram, &r[j])) {
			const struct mc_region *was = &in[ram->origin];

			if (r[j - 1].kind == MC_RAM)
				return r[j].first - 1;
			/* where its input range ended, if overlaid there */
			if (!(ram->flags & MC_F_RELOCATED) &&
			    was->last >= ram_last && was->last < r[j].first)
				return was->last;
			return ram_last | (granule - 1);
		}
		ram_last = r[j].last;
	}
	return r[n - 1].last;
}

/* The node of backed byte @addr: its slot's (slots never span nodes). */
static uint32_t node_at(const struct mc_map *map, uint64_t addr)
{
	size_t lo = 0, hi = map->n_slots;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct mc_slot *sl = &map->slots[mid];

		if (sl->guest + (sl->size - 1) < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < map->n_slots ? map->slots[lo].node : 0;
}

/* The ram statements that back piece @i, as far as none does yet. */
static int ram_lines(struct mc_map *map, struct sink *s, struct line *l,
		     const struct mc_piece *r, size_t n, size_t i,
		     struct ram_walk *w)
{
	const struct mc_region *from;	/* the input RAM range, if known */
	uint64_t first, last;
	int err = 0;

	while (!err && !w->done && r[i].last >= w->next) {
		first = r[i].first > w->next ? r[i].first : w->next;
		last = ram_end(r, map->in, n, i, mc_map_granule(map), &from);
		put_kind_range(l, MC_RAM, first, last);
		if (from && from->name)
			line_add(l, " name=%s", from->name);
		/* an overlaid run alone has no RAM piece: its slot knows */
		if (mc_map_is_numa(map))
			line_add(l, " node=%" PRIu32,
				 from ? from->node : node_at(map, first));
		err = emit(map, s, l, MC_MAP_RESULT, i);
		w->done = last == UINT64_MAX;
		w->next = last + 1;
	}
	return err;
}

/*
 * A result piece. Backed memory is written as ram statements, one per
 * input RAM range the result still shows; a non-RAM piece RAM still backs
 * follows with policy=overlay, a carved one stands alone, as RAM is no
 * longer there.
 */
static int result_line(struct mc_map *map, struct sink *s, struct line *l,
		       const struct mc_piece *r, size_t n, size_t i,
		       struct ram_walk *w)
{
	/* a piece's name, devices, sids and access are its input region's */
	const struct mc_region *in = &map->in[r[i].origin];
	int err = 0;

	if (r[i].flags & MC_F_BACKED)
		err = ram_lines(map, s, l, r, n, i, w);
	if (err || r[i].kind == MC_RAM)
		return err;
	if (r[i].first == 0 && r[i].last == UINT64_MAX)
		return whole_space(map, MC_MAP_RESULT, i);
	put_kind_range(l, (enum mc_kind)r[i].kind, r[i].first, r[i].last);
	put_attrs(l, in);
	if (r[i].flags & MC_F_BACKED)
		line_add(l, " policy=overlay");
	put_flags(l, map, in, r[i].origin);
	return emit(map, s, l, MC_MAP_RESULT, i);
}

/* The nodes a result's statements name: 1024 bits. */
struct node_bits {
	uint64_t bit[MC_MAX_NUMNODES / 64];
};

static void add_node(struct node_bits *b, uint32_t node)
{
	if (node < MC_MAX_NUMNODES)
		b->bit[node / 64] |= 1ull << (node % 64);
}

static bool has_node(const struct node_bits *b, uint32_t node)
{
	return node < MC_MAX_NUMNODES && (b->bit[node / 64] >> (node % 64) & 1);
}

/*
 * The nodes the result's statements name: those of the pieces' own
 * regions (ram, pmem, hotplug) and of the RAM left under the others (the
 * slots). A node whose ranges were all carved away is not among them.
 */
static void result_nodes(const struct mc_map *map, struct node_bits *b)
{
	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < map->n_out; i++) {
		const struct mc_region *r = &map->in[map->out[i].origin];

		if (r->flags & MC_F_NODE)
			add_node(b, r->node);
	}
	for (size_t i = 0; i < map->n_slots; i++)
		add_node(b, map->slots[i].node);
}

/*
 * The distance statements, after the regions whose nodes they name;
 * their order is moot, each states one ordered pair. A result keeps those
 * between nodes it still names: a distance must name nodes of the map.
 */
static void put_distances(struct sink *s, const struct mc_map *map,
			  enum mc_map_part what)
{
	struct node_bits nodes;
	struct line l;

	if (what == MC_MAP_RESULT)
		result_nodes(map, &nodes);
	for (size_t i = 0; i < map->n_dist; i++) {
		const struct mc_distance *d = &map->dist[i];

		if (what == MC_MAP_RESULT &&
		    (!has_node(&nodes, d->from) || !has_node(&nodes, d->to)))
			continue;
		l.len = 0;
		line_add(&l, "distance %" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
			 d->from, d->to, d->distance);
		sink_add(s, l.text, l.len);
	}
}

/* Settings the map holds other than its defaults, as statements. */
static void put_settings(struct sink *s, const struct mc_map *map)
{
	struct line l = { .len = 0 };

	if (map->arch != MC_ARCH_NONE)
		line_add(&l, "arch %s\n", mc_arch_name(map->arch));
	if (map->granule)
		line_add(&l, "granule 0x%" PRIx64 "\n", map->granule);
	if (map->policy != MC_POLICY_CARVE)
		line_add(&l, "policy %s\n", mc_policy_name(map->policy));
	sink_add(s, l.text, l.len);
}

/* The whole text into @s; the length counts even what did not fit. */
static int write_text(struct mc_map *map, enum mc_map_part what,
		      struct sink *s)
{
	size_t n_in, n = 0;
	const struct mc_region *in = mc_map_input(map, &n_in);
	const struct mc_piece *r = NULL;
	struct line *l = malloc(sizeof(*l));
	struct ram_walk w = { 0, false };
	int err = 0;

	if (!l)
		return mc_diag(map, MC_ENOMEM, NULL, 0, NULL, "out of memory");
	put_settings(s, map);
	l->len = 0;
	if (what == MC_MAP_INPUT)
		n = n_in;
	else
		r = mc_map_result(map, &n);
	for (size_t i = 0; !err && i < n; i++)
		err = what == MC_MAP_INPUT ?
			      input_line(map, s, l, &in[i], i) :
			      result_line(map, s, l, r, n, i, &w);
	if (!err)
		put_distances(s, map, what);
	free(l);
	return err;
}

static int check_what(struct mc_map *map, enum mc_map_part what)
{
	if (what != MC_MAP_INPUT && what != MC_MAP_RESULT)
		return mc_diag(map, MC_EINVAL, NULL, 0, "what",
			       "%d is neither MC_MAP_INPUT nor MC_MAP_RESULT",
			       (int)what);
	if (what == MC_MAP_RESULT && !map->carved)
		return mc_diag(map, MC_ESTATE, NULL, 0, "what",
			       "MC_MAP_RESULT: the map is not carved; call "
			       "mc_map_carve() first");
	return 0;
}

/* The text's length with its NUL, or an error with a diagnostic. */
static int measure(struct mc_map *map, enum mc_map_part what, size_t *need)
{
	struct sink s = { NULL, 0, 0 };
	int err = check_what(map, what);

	if (!err)
		err = write_text(map, what, &s);
	*need = err ? 0 : s.len + 1;
	return err;
}

/* Text known to fit @room bytes, NUL included. */
static int fill(struct mc_map *map, enum mc_map_part what, char *buf,
		size_t room)
{
	struct sink s = { buf, room, 0 };
	int err = write_text(map, what, &s);

	if (!err)
		buf[s.len] = '\0';
	return err;
}

int mc_map_write(struct mc_map *map, enum mc_map_part what, char *buf,
		 size_t *size)
{
	size_t need;
	int err = measure(map, what, &need);

	if (!err && (!buf || *size < need))
		err = MC_ENOSPC;
	if (!err)
		err = fill(map, what, buf, need);
	*size = !err || err == MC_ENOSPC ? need : 0;
	return err;
}

int mc_map_write_alloc(struct mc_map *map, enum mc_map_part what, char **out,
		       size_t *size)
{
	size_t need;
	int err = measure(map, what, &need);

	*out = NULL;
	*size = 0;
	if (err)
		return err;
	*out = malloc(need);
	if (!*out)
		return mc_diag(map, MC_ENOMEM, NULL, 0, NULL, "out of memory");
	err = fill(map, what, *out, need);
	if (err) {
		free(*out);
		*out = NULL;
		return err;
	}
	*size = need;
	return 0;
}
