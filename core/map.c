// SPDX-License-Identifier: MIT
/*
 * map.c - the map: settings, input regions and their validation.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "internal/array.h"
#include "internal/region.h"

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
	free(map->backing);
	map->out = NULL;
	map->slots = NULL;
	map->backing = NULL;
	map->n_out = map->n_slots = map->n_backing = 0;
	memset(&map->totals, 0, sizeof(map->totals));
	map->carved = false;
}

void mc_map_free(struct mc_map *map)
{
	if (!map)
		return;
	mc_map_uncarve(map);
	mc_map_clear_errors(map);
	free(map->in);
	free(map->ram_idx);
	free(map->dist);
	free(map->paths);
	mc_arena_free(&map->arena);
	free(map);
}

void mc_free(void *p)
{
	free(p);
}

int mc_map_set_arch(struct mc_map *map, enum mc_arch arch)
{
	if (!mc_arch_name(arch) || arch == MC_ARCH_NONE)
		return mc_diag(map, MC_EINVAL, NULL, 0, "arch",
			       "unknown architecture %d", (int)arch);
	map->arch = arch;
	map->fixed |= MC_SET_ARCH;
	mc_map_uncarve(map);
	return 0;
}

int mc_map_set_policy(struct mc_map *map, enum mc_policy policy)
{
	if (!mc_policy_name(policy) || policy == MC_POLICY_DEFAULT)
		return mc_diag(map, MC_EINVAL, NULL, 0, "policy",
			       "unknown policy %d", (int)policy);
	map->policy = policy;
	map->fixed |= MC_SET_POLICY;
	mc_map_uncarve(map);
	return 0;
}

int mc_map_set_granule(struct mc_map *map, uint64_t granule)
{
	if (!mc_is_pow2(granule))
		return mc_diag(map, MC_EINVAL, NULL, 0, "granule",
			       "0x%llx is not a power of two",
			       (unsigned long long)granule);
	if (granule < MC_GRANULE_MIN)
		return mc_diag(map, MC_EINVAL, NULL, 0, "granule",
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

uint64_t mc_map_granule(const struct mc_map *map)
{
	return map->granule ? map->granule : mc_arch_granule(map->arch);
}

const struct mc_region *mc_map_input(const struct mc_map *map, size_t *count)
{
	*count = map->n_in;
	return map->in;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	/*
	 * The DT node-name alphabet, so every emitter can use the name; how
	 * long a name may be is each emitter's to say (DT: 31, dt/).
	 */
	if (n == 0)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,._+-") == n;
}

/*
 * A field at fault, named as its caller wrote it: the map file's attribute
 * for a line of text, struct mc_region's member for mc_map_add().
 */
#define FIELD(attr, member) (api ? "region." member : attr)

/* The checks every region passes, from a map file or from the API. */
static int check_region(struct mc_map *map, const struct mc_region *r,
			const char *src, unsigned int line, bool api)
{
	const char *kind = mc_kind_name(r->kind);

	if (!MC_RESERVED_CLEAR(r))
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("reserved", "reserved"), "must be zero");
	if (r->reserved32)
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("reserved32", "reserved32"), "must be zero");
	if (!kind)
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("kind", "kind"),
			       "unknown kind %d", (int)r->kind);
	if (r->kind == MC_RESERVED && !mc_resv_type_name(r->type))
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("type=", "type"),
			       "unknown type %d", (int)r->type);
	if (r->first > r->last)
		return mc_diag(map, MC_ERANGE, src, line,
			       FIELD("size", "last"),
			       "first 0x%llx is above last 0x%llx: the range is "
			       "empty or wraps past 2^64",
			       (unsigned long long)r->first,
			       (unsigned long long)r->last);
	if (!mc_policy_name(r->policy))
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("policy=", "policy"),
			       "unknown policy %d", (int)r->policy);
	if (r->kind == MC_RAM && r->policy != MC_POLICY_DEFAULT)
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("policy=", "policy"),
			       "ram takes no policy; the ranges over it do");
	if ((r->kind == MC_MMIO || r->kind == MC_PMEM) &&
	    r->policy == MC_POLICY_OVERLAY)
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("policy=", "policy"),
			       "%s has its own backing and is never overlaid on RAM",
			       kind);
	if ((r->flags & MC_F_REUSABLE) && r->kind != MC_RESERVED)
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("reusable", "flags"),
			       "only reserved ranges can be reusable");
	if (!mc_is_direct(r->kind, r->type)) {
		const char *f =
			r->n_devices ? FIELD("devices=", "devices") :
			(r->flags & MC_F_ALL_DEVICES) ?
				FIELD("devices=", "flags") :
			r->n_sids ? FIELD("sids=", "sids") :
			(r->flags & MC_F_READONLY) ?
				FIELD("readonly", "flags") :
			(r->flags & MC_F_PRIVILEGED) ?
				FIELD("privileged", "flags") :
			(r->flags & MC_F_ACCESS) ? FIELD("access=", "flags") :
						   NULL;
		if (f)
			return mc_diag(map, MC_EINVAL, src, line, f,
				       "only direct and direct-relaxable ranges take %s",
				       f);
	}
	if ((r->flags & MC_F_IOVA_GAP) &&
	    (r->kind != MC_RESERVED || r->type != MC_RESV_RESERVED))
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("iova-gap", "flags"),
			       "only reserved ranges of type reserved are "
			       "IOVA gaps (MC_F_IOVA_GAP)");
	if ((r->flags & MC_F_ALL_DEVICES) && r->n_devices)
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("devices=", "devices"),
			       "all devices (MC_F_ALL_DEVICES) and a list of "
			       "%zu: give one or the other", r->n_devices);
	if ((r->flags & MC_F_ACCESS) && r->access > 0xff)
		return mc_diag(map, MC_ERANGE, src, line,
			       FIELD("access=", "access"),
			       "%u is outside 0..255", r->access);
	if (r->align && !mc_is_pow2(r->align))
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("align=", "align"),
			       "0x%llx is not a power of two",
			       (unsigned long long)r->align);
	if (r->align && (r->first & (r->align - 1)))
		return mc_diag(map, MC_EALIGN, src, line,
			       FIELD("align=", "align"),
			       "base 0x%llx is not aligned to 0x%llx",
			       (unsigned long long)r->first,
			       (unsigned long long)r->align);
	if (r->kind == MC_HOTPLUG && r->policy != MC_POLICY_DEFAULT)
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("policy=", "policy"),
			       "hotplug takes no policy: no range may overlap it");
	if ((r->flags & MC_F_NODE) && !mc_kind_has_node(r->kind))
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("node=", "flags"),
			       "only ram, pmem and hotplug ranges have a node");
	if ((r->flags & MC_F_NODE) && r->node >= MC_MAX_NUMNODES)
		return mc_diag(map, MC_ERANGE, src, line,
			       FIELD("node=", "node"),
			       "%u is above %u: Linux numbers nodes below "
			       "MAX_NUMNODES, at most 1 << 10 (MC_MAX_NUMNODES)",
			       r->node, MC_MAX_NUMNODES - 1);
	if (!(r->flags & MC_F_NODE) && r->node)
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("node=", "node"),
			       "%u without MC_F_NODE: must be 0", r->node);
	if (r->name && !name_ok(r->name))
		return mc_diag(map, MC_EINVAL, src, line,
			       FIELD("name=", "name"),
			       "'%s' must be characters of A-Z a-z 0-9 , . _ + -",
			       r->name);
	return 0;
}
#undef FIELD

/* Room for one more input region. */
static int grow_input(struct mc_map *map)
{
	size_t cap = map->cap_in;
	struct mc_region *in;

	in = mc_array_grow(map->in, &cap, map->n_in + 1, sizeof(*in), 64);
	if (!in)
		return MC_ENOMEM;
	map->in = in;
	map->cap_in = cap;
	return 0;
}

/* Room for one more RAM index. */
static int grow_ram_idx(struct mc_map *map)
{
	size_t cap = map->cap_ram_idx;
	uint32_t *v;

	v = mc_array_grow(map->ram_idx, &cap, map->n_ram_idx + 1, sizeof(*v),
			  8);
	if (!v)
		return MC_ENOMEM;
	map->ram_idx = v;
	map->cap_ram_idx = cap;
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

static int add_region(struct mc_map *map, const struct mc_region *region,
		      const char *source, unsigned int line, bool api)
{
	struct mc_region r = *region;
	int err;

	if (r.kind != MC_RESERVED)
		r.type = MC_RESV_RESERVED;
	r.flags &= MC_F_INPUT_MASK;
	if (!(r.flags & MC_F_ACCESS))
		r.access = 0;
	r.source = source;
	r.line = line;
	err = check_region(map, &r, source, line, api);
	if (err)
		return err;
	if (map->n_in >= MC_MAX_REGIONS)
		return mc_diag(map, MC_ERANGE, source, line, NULL,
			       "a map holds at most %u regions",
			       (unsigned int)MC_MAX_REGIONS);
	if ((map->n_in == map->cap_in && grow_input(map)) ||
	    (r.kind == MC_RAM && grow_ram_idx(map)))
		return mc_diag(map, MC_ENOMEM, source, line, NULL,
			       "out of memory");
	if (own_arrays(map, &r))
		return mc_diag(map, MC_ENOMEM, source, line, NULL,
			       "out of memory");
	if (r.kind == MC_RAM)
		map->ram_idx[map->n_ram_idx++] = (uint32_t)map->n_in;
	map->in[map->n_in++] = r;
	if (r.flags & MC_F_NODE)
		map->n_node_regions++;
	map->n_hotplug += r.kind == MC_HOTPLUG;
	mc_map_uncarve(map);
	return 0;
}

int mc_map_add_from(struct mc_map *map, const struct mc_region *region,
		    const char *source, unsigned int line)
{
	return add_region(map, region, source, line, false);
}

/* A caller's source, copied once for a run of regions from one source. */
static const char *own_source(struct mc_map *map, const char *source)
{
	if (!map->last_source || strcmp(map->last_source, source) != 0)
		map->last_source = mc_intern_source(map, source);
	return map->last_source;
}

int mc_map_add(struct mc_map *map, const struct mc_region *region)
{
	unsigned int n = ++map->n_api_adds;
	const char *source;

	if (!region->source)
		return add_region(map, region, MC_API_SOURCE, n, true);
	source = own_source(map, region->source);
	if (!source)
		return mc_diag(map, MC_ENOMEM, MC_API_SOURCE, n, NULL,
			       "out of memory");
	return add_region(map, region, source, region->line, true);
}
