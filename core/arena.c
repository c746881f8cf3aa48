// SPDX-License-Identifier: MIT
/*
 * arena.c - a bump allocator whose pointers never move.
 *
 * Names and device lists live as long as their map, and a map may hold a
 * million of them: one chunk list beats a million mallocs and frees.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define CHUNK_MIN (64 * 1024)

struct mc_arena_chunk {
	struct mc_arena_chunk *next;
	size_t used;
	size_t cap;
	_Alignas(max_align_t) unsigned char data[];
};

void *mc_arena_alloc(struct mc_arena *arena, size_t size)
{
	const size_t a = _Alignof(max_align_t);
	struct mc_arena_chunk *c = arena->head;
	size_t need, cap;

	if (size > SIZE_MAX - a)
		return NULL;
	need = (size + a - 1) & ~(a - 1);
	if (!c || c->cap - c->used < need) {
		cap = need > CHUNK_MIN ? need : CHUNK_MIN;
		if (cap > SIZE_MAX - sizeof(*c))
			return NULL;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = arena->head;
		c->used = 0;
		c->cap = cap;
		arena->head = c;
	}
	c->used += need;
	return c->data + c->used - need;
}

char *mc_arena_strdup(struct mc_arena *arena, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	p = mc_arena_alloc(arena, len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void mc_arena_free(struct mc_arena *arena)
{
	struct mc_arena_chunk *c = arena->head, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	arena->head = NULL;
}
