// SPDX-License-Identifier: MIT
/*
 * boot.c - what an x86 guest's boot needs from the table: the ranges the
 * loader puts in guest memory lie in usable RAM, and the table the kernel
 * ends up with fits it.
 *
 * The kernel sits at pref_address for init_size bytes while it starts
 * (Documentation/arch/x86/boot.rst; outside usable RAM it relocates or
 * fails), the initrd and every setup_data node are read as RAM and then
 * reserved (e820__reserve_setup_data(), reserve_initrd()).
 */
#include <inttypes.h>
#include <string.h>
#include "memcarve-e820.h"
#include "boot.h"
#include "internal/region.h"

#define KNOWN_FLAGS MC_E820_LEGACY_HOLE

void mc_e820_boot_opts_init(struct mc_e820_boot_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
}

/* What a caller may get wrong in the options themselves. */
static int check_opts(struct mc_map *map, const struct mc_e820_boot_opts *o)
{
	if (!MC_RESERVED_CLEAR(o))
		return mc_map_report(map, MC_EINVAL, "opts.reserved",
				     "must be zero");
	if (o->flags & ~(uint32_t)KNOWN_FLAGS)
		return mc_map_report(map, MC_EINVAL, "opts.flags",
				     "unknown bits 0x%" PRIx32,
				     o->flags & ~(uint32_t)KNOWN_FLAGS);
	if (!o->initrd_addr != !o->initrd_size)
		return mc_map_report(map, MC_EINVAL, "opts.initrd_size",
				     "0x%" PRIx64 " with opts.initrd_addr "
				     "0x%" PRIx64 ": an initrd needs both, or "
				     "neither", o->initrd_size, o->initrd_addr);
	if (o->initrd_size && o->initrd_addr > UINT64_MAX - (o->initrd_size - 1))
		return mc_map_report(map, MC_ERANGE, "opts.initrd_size",
				     "0x%" PRIx64 "+0x%" PRIx64 " (opts.initrd_addr"
				     " + size) runs past 2^64",
				     o->initrd_addr, o->initrd_size);
	return 0;
}

/* The kernel's load range and release, from its setup header. */
static int kernel_need(struct mc_map *map, const struct mc_e820_boot_opts *o,
		       struct mc_e820_need *need, uint32_t *version)
{
	struct mc_bzimage img;
	int err = mc_e820_bzimage(map, o->kernel_name ? o->kernel_name :
							"opts.kernel",
				  o->kernel, o->kernel_len, &img);

	if (err)
		return err;
	*need = (struct mc_e820_need){ "opts.kernel", img.pref_address,
				       img.pref_address + (img.init_size - 1) };
	if (!*version)
		*version = img.linux_version;
	return 0;
}

/* Our SETUP_E820_EXT node, when the table needs one and has an address. */
static int node_need(struct mc_map *map, const struct mc_e820_boot_opts *o,
		     size_t n, struct mc_e820_need *node, size_t *n_node)
{
	size_t ext = mc_e820_ext_count(n);
	uint64_t len = MC_SETUP_DATA_HDR + (uint64_t)ext * MC_E820_ENTRY_SIZE;

	*n_node = 0;
	if (!ext || !o->setup_data_addr)
		return 0;	/* mc_e820_zeropage() asks for the address */
	if (o->setup_data_addr > UINT64_MAX - (len - 1))
		return mc_map_report(map, MC_ERANGE, "opts.setup_data_addr",
				     "a node of 0x%" PRIx64
				     " bytes at 0x%" PRIx64 " runs past 2^64",
				     len, o->setup_data_addr);
	*node = (struct mc_e820_need){ "opts.setup_data_addr",
				       o->setup_data_addr,
				       o->setup_data_addr + (len - 1) };
	*n_node = 1;
	return 0;
}

int mc_e820_boot_check(struct mc_map *map,
		       const struct mc_e820_boot_opts *opts,
		       const struct mc_e820_entry *e, size_t n)
{
	static const struct mc_e820_boot_opts defaults;
	const struct mc_e820_boot_opts *o = opts ? opts : &defaults;
	struct mc_e820_need need[2], node;
	struct mc_e820_rules rules = {
		.legacy_hole = (o->flags & MC_E820_LEGACY_HOLE) != 0,
		.need = need,
		.max_entries = o->max_entries,
		.setup_data = &node,
		.linux_version = o->linux_version,
	};
	int err = check_opts(map, o);

	if (!err && o->kernel)
		err = kernel_need(map, o, &need[rules.n_need++],
				  &rules.linux_version);
	if (!err && o->initrd_size)
		need[rules.n_need++] = (struct mc_e820_need){
			"opts.initrd_addr", o->initrd_addr,
			o->initrd_addr + (o->initrd_size - 1) };
	if (!err)
		err = node_need(map, o, n, &node, &rules.n_setup_data);
	if (!err)
		err = mc_e820_check(map, e, n, &rules);
	if (!err)
		err = e820_check_boot_addrs(map, o->cmdline_addr, o->rsdp_addr);
	return err;
}
