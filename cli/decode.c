// SPDX-License-Identifier: MIT
/*
 * decode.c - which format a blob is: the decoders of a table tried in
 * order, for inspect and for the tools built on its model.
 */
#include "cli.h"

const struct cli_decoder *cli_decode(const struct cli_decoder *table,
				     const void *blob, size_t len,
				     struct mc_map **map, int *err)
{
	for (const struct cli_decoder *d = table; d->decode; d++) {
		mc_map_free(*map);
		*map = mc_map_new();
		if (!*map) {
			*err = MC_ENOMEM;
			return NULL;
		}
		*err = d->decode(*map, blob, len);
		/* A diagnostic means "mine, but broken": stop, never let a
		 * later, laxer decoder claim the bytes. */
		if (*err != MC_EBADBLOB || mc_map_error_count(*map))
			return d;
	}
	mc_map_free(*map);
	*map = NULL;
	*err = MC_EBADBLOB;
	return NULL;
}
