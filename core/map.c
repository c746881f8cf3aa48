// SPDX-License-Identifier: MIT
/*
 * map.c - the map: settings, input regions and their validation.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct mc_map *mc_map_new(void)
{
	struct mc_map *map = calloc(1, sizeof(*map));

	if (map)
		map->policy = MC_POLICY_CARVE;
	return map;
}

void mc_map_uncarve(struct mc_map *map)
{
	free(map->out);
	free(map->slots);
	map->out = NULL;
	map->slots = NULL;
	map->n_out = map->n_slots = 0;
	memset(&map->totals, 0, sizeof(map->totals));
	map->carved = false;
}

void mc_map_free(struct mc_map *map)
{
	if (!map)
		return;
	mc_map_uncarve(map);
	free(map->in);
	free(map->in_source);
	mc_arena_free(&map->arena);
	free(map);
}

int mc_map_set_arch(struct mc_map *map, enum mc_arch arch)
{
	if (!mc_arch_name(arch) || arch == MC_ARCH_NONE)
		return mc_fail(map, MC_EINVAL, NULL, 0, "arch",
			       "unknown architecture %d", (int)arch);
	map->arch = arch;
	map->fixed |= MC_SET_ARCH;
	mc_map_uncarve(map);
	return 0;
}

int mc_map_set_policy(struct mc_map *map, enum mc_policy policy)
{
	if (!mc_policy_name(policy) || policy == MC_POLICY_DEFAULT)
		return mc_fail(map, MC_EINVAL, NULL, 0, "policy",
			       "unknown policy %d", (int)policy);
	map->policy = policy;
	map->fixed |= MC_SET_POLICY;
	mc_map_uncarve(map);
	return 0;
}

int mc_map_set_granule(struct mc_map *map, uint64_t granule)
{
	if (!mc_is_pow2(granule))
		return mc_fail(map, MC_EINVAL, NULL, 0, "granule",
			       "0x%llx is not a power of two",
			       (unsigned long long)granule);
	if (granule < MC_GRANULE_MIN)
		return mc_fail(map, MC_EINVAL, NULL, 0, "granule",
			       "0x%llx is below the 4K page size KVM maps "
			       "memory in (MC_GRANULE_MIN)",
			       (unsigned long long)granule);
	map->granule = granule;
	map->fixed |= MC_SET_GRANULE;
	mc_map_uncarve(map);
	return 0;
}

enum mc_arch mc_map_arch(const struct mc_map *map)
{
	return map->arch;
}

enum mc_policy mc_map_policy(const struct mc_map *map)
{
	return map->policy;
}

uint64_t mc_map_granule_of(const struct mc_map *map)
{
	return map->granule ? map->granule : mc_arch_granule(map->arch);
}

uint64_t mc_map_granule(const struct mc_map *map)
{
	return mc_map_granule_of(map);
}

const struct mc_region *mc_map_input(const struct mc_map *map, size_t *count)
{
	*count = map->n_in;
	return map->in;
}

static bool is_direct(const struct mc_region *r)
{
	return r->kind == MC_RESERVED && (r->type == MC_RESV_DIRECT ||
					  r->type == MC_RESV_DIRECT_RELAXABLE);
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	/* The DT node-name alphabet, so every emitter can use the name. */
	if (n == 0 || n > MC_NAME_MAX)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,._+-") == n;
}

/* The checks every region passes, from a map file or from the API. */
static int check_region(struct mc_map *map, const struct mc_region *r,
			const char *src, unsigned int line)
{
	const char *kind = mc_kind_name(r->kind);

	if (!kind)
		return mc_fail(map, MC_EINVAL, src, line, "kind",
			       "unknown kind %d", (int)r->kind);
	if (r->kind == MC_RESERVED && !mc_resv_type_name(r->type))
		return mc_fail(map, MC_EINVAL, src, line, "type=",
			       "unknown type %d", (int)r->type);
	if (r->first > r->last)
		return mc_fail(map, MC_ERANGE, src, line, "size",
			       "range 0x%llx-0x%llx is empty or wraps past 2^64",
			       (unsigned long long)r->first,
			       (unsigned long long)r->last);
	if (!mc_policy_name(r->policy))
		return mc_fail(map, MC_EINVAL, src, line, "policy=",
			       "unknown policy %d", (int)r->policy);
	if (r->kind == MC_RAM && r->policy != MC_POLICY_DEFAULT)
		return mc_fail(map, MC_EINVAL, src, line, "policy=",
			       "ram takes no policy; the ranges over it do");
	if ((r->kind == MC_MMIO || r->kind == MC_PMEM) &&
	    r->policy == MC_POLICY_OVERLAY)
		return mc_fail(map, MC_EINVAL, src, line, "policy=",
			       "%s has its own backing and is never overlaid on RAM",
			       kind);
	if ((r->flags & MC_F_REUSABLE) && r->kind != MC_RESERVED)
		return mc_fail(map, MC_EINVAL, src, line, "reusable",
			       "only reserved ranges can be reusable");
	if (!is_direct(r)) {
		const char *f = r->n_devices ? "devices=" :
				(r->flags & MC_F_ALL_DEVICES) ? "devices=" :
				r->n_sids ? "sids=" :
				(r->flags & MC_F_READONLY) ? "readonly" :
				(r->flags & MC_F_PRIVILEGED) ? "privileged" :
				(r->flags & MC_F_ACCESS) ? "access=" :
							   NULL;
		if (f)
			return mc_fail(map, MC_EINVAL, src, line, f,
				       "only direct and direct-relaxable ranges take %s",
				       f);
	}
	if ((r->flags & MC_F_IOVA_GAP) &&
	    (r->kind != MC_RESERVED || r->type != MC_RESV_RESERVED))
		return mc_fail(map, MC_EINVAL, src, line, "flags",
			       "MC_F_IOVA_GAP is for reserved ranges of type "
			       "reserved");
	if ((r->flags & MC_F_ALL_DEVICES) && r->n_devices)
		return mc_fail(map, MC_EINVAL, src, line, "devices=",
			       "all devices (MC_F_ALL_DEVICES) and a list of "
			       "%zu: give one or the other", r->n_devices);
	if ((r->flags & MC_F_ACCESS) && r->access > 0xff)
		return mc_fail(map, MC_ERANGE, src, line, "access=",
			       "%u is outside 0..255", r->access);
	if (r->align && !mc_is_pow2(r->align))
		return mc_fail(map, MC_EINVAL, src, line, "align=",
			       "0x%llx is not a power of two",
			       (unsigned long long)r->align);
	if (r->align && (r->first & (r->align - 1)))
		return mc_fail(map, MC_EALIGN, src, line, "align=",
			       "base 0x%llx is not aligned to 0x%llx",
			       (unsigned long long)r->first,
			       (unsigned long long)r->align);
	if (r->name && !name_ok(r->name))
		return mc_fail(map, MC_EINVAL, src, line, "name=",
			       "'%s' must be 1-%d characters of A-Z a-z 0-9 , . _ + -",
			       r->name, MC_NAME_MAX);
	return 0;
}

static int grow_input(struct mc_map *map)
{
	size_t cap = map->cap_in ? map->cap_in * 2 : 64;
	struct mc_region *in;
	const char **src;

	if (cap > SIZE_MAX / sizeof(*in))
		return MC_ENOMEM;
	in = realloc(map->in, cap * sizeof(*in));
	if (!in)
		return MC_ENOMEM;
	map->in = in;
	src = realloc(map->in_source, cap * sizeof(*src));
	if (!src)
		return MC_ENOMEM;
	map->in_source = src;
	map->cap_in = cap;
	return 0;
}

/* Copy what the caller's pointers hold into the map's arena. */
static int own_arrays(struct mc_map *map, struct mc_region *r)
{
	void *p;

	if (r->name) {
		r->name = mc_arena_strdup(&map->arena, r->name,
					  strlen(r->name));
		if (!r->name)
			return MC_ENOMEM;
	}
	if (r->n_devices) {
		if (r->n_devices > SIZE_MAX / sizeof(*r->devices))
			return MC_ENOMEM;
		p = mc_arena_alloc(&map->arena,
				   r->n_devices * sizeof(*r->devices));
		if (!p)
			return MC_ENOMEM;
		r->devices = memcpy(p, r->devices,
				    r->n_devices * sizeof(*r->devices));
	} else {
		r->devices = NULL;
	}
	if (r->n_sids) {
		if (r->n_sids > SIZE_MAX / sizeof(*r->sids))
			return MC_ENOMEM;
		p = mc_arena_alloc(&map->arena, r->n_sids * sizeof(*r->sids));
		if (!p)
			return MC_ENOMEM;
		r->sids = memcpy(p, r->sids, r->n_sids * sizeof(*r->sids));
	} else {
		r->sids = NULL;
	}
	return 0;
}

int mc_map_add_from(struct mc_map *map, const struct mc_region *region,
		    const char *source, unsigned int line)
{
	struct mc_region r = *region;
	int err;

	if (r.kind != MC_RESERVED)
		r.type = MC_RESV_RESERVED;
	r.flags &= MC_F_INPUT_MASK;
	if (!(r.flags & MC_F_ACCESS))
		r.access = 0;
	r.line = line;
	err = check_region(map, &r, source, line);
	if (err)
		return err;
	if (map->n_in == map->cap_in && grow_input(map))
		return mc_fail(map, MC_ENOMEM, source, line, NULL,
			       "out of memory");
	if (own_arrays(map, &r))
		return mc_fail(map, MC_ENOMEM, source, line, NULL,
			       "out of memory");
	r.origin = map->n_in;
	map->in_source[map->n_in] = source;
	map->in[map->n_in++] = r;
	mc_map_uncarve(map);
	return 0;
}

int mc_map_add(struct mc_map *map, const struct mc_region *region)
{
	return mc_map_add_from(map, region, NULL, 0);
}
