// SPDX-License-Identifier: MIT
/*
 * free.c - one free for every buffer the library hands a caller.
 */
#include <stdlib.h>
#include "memcarve.h"

void mc_free(void *p)
{
	free(p);
}
