/* SPDX-License-Identifier: MIT */
/*
 * carve.h - what the sweep (carve.c), relocation (relocate.c) and slot
 * listing (slots.c) hand each other; not installed.
 */
#ifndef MC_CARVE_H
#define MC_CARVE_H

#include "internal.h"

/* One RAM block of the input, in address order. */
struct mc_ram_block {
	uint64_t first, last;
	size_t idx;		/* input index */
	uint64_t reloc_need;	/* bytes a relocate-policy range carved */
};

/* A growable array of result pieces. */
struct mc_pieces {
	struct mc_piece *v;
	size_t n, cap;
};

/* A piece [first, last] of input region @in (index @origin). */
static inline struct mc_piece mc_piece_of(const struct mc_region *in,
					  uint32_t origin, uint64_t first,
					  uint64_t last, unsigned int flags)
{
	return (struct mc_piece){ .first = first, .last = last,
				  .origin = origin, .kind = (uint8_t)in->kind,
				  .type = (uint8_t)in->type,
				  .flags = (uint16_t)(in->flags | flags) };
}

int mc_pieces_reserve(struct mc_pieces *p, size_t n);
int mc_pieces_push(struct mc_pieces *p, const struct mc_piece *r);

/* @other's devices go to @keep (input indices). */
struct mc_share {
	size_t keep, other;
};

/*
 * Whether input regions @a and @b are one direct range listed for other
 * devices (direct_share.c), of one type or (@any_type) direct and
 * direct-relaxable; *@keep: the one whose pieces stand for both. Nothing
 * changes yet: mc_direct_share_apply() joins the devices once carving
 * has found every pair.
 */
bool mc_direct_one(const struct mc_map *map, size_t a, size_t b,
		   bool any_type, size_t *keep);

/*
 * Each @v[i].keep serves its others' devices too, after its own, in input
 * order; sorts @v. 0 or MC_ENOMEM (diagnosed).
 */
int mc_direct_share_apply(struct mc_map *map, struct mc_share *v, size_t n);

/*
 * Place each block's reloc_need in the lowest free granule-aligned space
 * above it, adding RAM pieces to @out (kept sorted). Adds the bytes placed
 * to *relocated.
 */
int mc_relocate(struct mc_map *map, const struct mc_ram_block *ram,
		size_t n_ram, uint64_t granule, struct mc_pieces *out,
		uint64_t *relocated);

/*
 * Build map->slots and map->backing from map->out; @ram (the input RAM in
 * address order) gives the node of a backed piece that is not RAM.
 */
int mc_build_slots(struct mc_map *map, const struct mc_ram_block *ram,
		   size_t n_ram);

#endif /* MC_CARVE_H */
