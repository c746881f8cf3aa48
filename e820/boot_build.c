// SPDX-License-Identifier: MIT
/*
 * boot_build.c - the bytes a VMM loads for a 64-bit x86 boot, in one call:
 * the table from the carved map, every rule of mc_e820_boot_check(), the
 * zero page and, past 128 entries, the SETUP_E820_EXT node after it.
 */
#include <stdlib.h>
#include <string.h>
#include "memcarve-e820.h"

/* Bytes of the zero page and our node: 4096, or 4096 + 16 + 20 x (n - 128). */
static size_t size_of(size_t n)
{
	size_t ext = mc_e820_ext_count(n);

	return MC_ZEROPAGE_SIZE +
	       (ext ? MC_SETUP_DATA_HDR + ext * MC_E820_ENTRY_SIZE : 0);
}

/* Everything checked and the zero page written to @zp; the table in *@e. */
static int plan(struct mc_map *map, const struct mc_e820_boot_opts *opts,
		struct mc_e820_entry **e, size_t *n, uint8_t *zp)
{
	static const struct mc_e820_boot_opts defaults;
	const struct mc_e820_boot_opts *o = opts ? opts : &defaults;
	int err = mc_e820_build_alloc(map, NULL, e, n);

	if (!err)
		err = mc_e820_boot_check(map, o, *e, *n);
	if (!err && mc_e820_ext_count(*n) > UINT32_MAX / MC_E820_ENTRY_SIZE)
		err = mc_map_report(map, MC_ERANGE, "opts.max_entries",
				    "%zu entries past 128 do not fit the u32 "
				    "len of one setup_data node",
				    mc_e820_ext_count(*n));
	if (!err)
		err = mc_e820_zeropage(map, *e, *n, o, zp,
				       &(size_t){ MC_ZEROPAGE_SIZE });
	if (err) {
		mc_free(*e);
		*e = NULL;
	}
	return err;
}

/* The node after the zero page at @buf, which has room for both. */
static int put_node(const struct mc_e820_entry *e, size_t n, uint64_t next,
		    uint8_t *buf, size_t size)
{
	size_t len = size - MC_ZEROPAGE_SIZE;

	if (!mc_e820_ext_count(n))
		return 0;
	return mc_e820_setup_data(e, n, next, buf + MC_ZEROPAGE_SIZE, &len);
}

int mc_e820_boot_build(struct mc_map *map,
		       const struct mc_e820_boot_opts *opts, void *buf,
		       size_t *size)
{
	uint8_t zp[MC_ZEROPAGE_SIZE];
	struct mc_e820_entry *e;
	size_t n, need;
	int err = plan(map, opts, &e, &n, zp);

	if (err) {
		*size = 0;
		return err;
	}
	need = size_of(n);
	if (!buf || *size < need) {
		err = MC_ENOSPC;
	} else {
		memcpy(buf, zp, sizeof(zp));
		err = put_node(e, n, opts ? opts->setup_data_next : 0, buf,
			       need);
	}
	mc_free(e);
	*size = !err || err == MC_ENOSPC ? need : 0;
	return err;
}

int mc_e820_boot_build_alloc(struct mc_map *map,
			     const struct mc_e820_boot_opts *opts, void **out,
			     size_t *size)
{
	uint8_t zp[MC_ZEROPAGE_SIZE];
	struct mc_e820_entry *e;
	size_t n, need;
	int err = plan(map, opts, &e, &n, zp);

	*out = NULL;
	*size = 0;
	if (err)
		return err;
	need = size_of(n);
	*out = malloc(need);
	if (!*out) {
		mc_free(e);
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	}
	memcpy(*out, zp, sizeof(zp));
	err = put_node(e, n, opts ? opts->setup_data_next : 0, *out, need);
	mc_free(e);
	if (err) {
		free(*out);
		*out = NULL;
		return err;
	}
	*size = need;
	return 0;
}
