/* SPDX-License-Identifier: MIT */
/*
 * array.h - arrays that grow by doubling, for every part of the library.
 * Not installed.
 */
#ifndef MC_INTERNAL_ARRAY_H
#define MC_INTERNAL_ARRAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/*
 * mc_array_grow() - room for @need (> 0) elements of @elem bytes at @v
 * @v:		the array, NULL when *@cap is 0
 * @cap:	elements @v has room for; updated when it grows
 * @need:	elements wanted in all
 * @elem:	bytes per element
 * @first:	room to start with: a first allocation of @first elements
 *
 * The room doubles (so n pushes cost O(n) copies) and never wraps: a
 * doubling past SIZE_MAX bytes takes just @need instead.
 * Return: the array, moved or not, with room for @need; NULL when out of
 * memory, with @v and *@cap untouched (the caller still frees @v).
 */
static inline void *mc_array_grow(void *v, size_t *cap, size_t need,
				  size_t elem, size_t first)
{
	size_t room = *cap ? *cap : first ? first : 1;

	if (need <= *cap)
		return v;
	while (room < need)
		room = room <= SIZE_MAX / 2 / elem ? room * 2 : need;
	if (room > SIZE_MAX / elem)
		return NULL;
	v = realloc(v, room * elem);
	if (v)
		*cap = room;
	return v;
}

#endif /* MC_INTERNAL_ARRAY_H */
