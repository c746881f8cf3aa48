// SPDX-License-Identifier: MIT
/*
 * pvh.c - mc_pvh_build(): struct hvm_start_info, the initrd's module
 * entry and the memmap, as one block a VMM loads at the address it puts
 * in %ebx.
 *
 * The limits are Linux's (arch/x86/platform/pvh/enlighten.c,
 * init_pvh_bootparams(), and head.S); memcarve-pvh.h lists them. The
 * memmap is mc_e820_build()'s table: what the guest prints equals what
 * `memcarve e820` prints for the same map, plus the ISA range the kernel
 * adds below 127 entries. The rules a zero page's addresses follow are
 * mc_e820_boot_check()'s, applied here to the same addresses.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "memcarve-e820.h"
#include "memcarve-pvh.h"
#include "internal/byteorder.h"
#include "internal/region.h"
#include "pvh_layout.h"

#define ADDR32_LAST 0xffffffffull	/* a 32-bit boot_params field */

void mc_pvh_opts_init(struct mc_pvh_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
}

static int check_opts(struct mc_map *map, const struct mc_pvh_opts *o)
{
	if (!MC_RESERVED_CLEAR(o))
		return mc_map_report(map, MC_EINVAL, "opts.reserved",
				     "must be zero");
	if (o->flags & ~(uint32_t)MC_E820_LEGACY_HOLE)
		return mc_map_report(map, MC_EINVAL, "opts.flags",
				     "0x%x: unknown flags", o->flags);
	if (!o->start_info_addr)
		return mc_map_report(map, MC_EINVAL, "opts.start_info_addr",
				     "give the guest address of the block "
				     "(%%ebx at the PVH entry); 0 means absent "
				     "in start_info");
	if (o->start_info_addr % 8)
		return mc_map_report(map, MC_EALIGN, "opts.start_info_addr",
				     "0x%" PRIx64 " is not 8-byte aligned "
				     "(the block's u64 fields)",
				     o->start_info_addr);
	if (o->cmdline_addr > ADDR32_LAST)
		return mc_map_report(map, MC_ERANGE, "opts.cmdline_addr",
				     "0x%" PRIx64 " is above 4 GiB: Linux "
				     "keeps cmdline_paddr in the 32-bit "
				     "hdr.cmd_line_ptr (init_pvh_bootparams())",
				     o->cmdline_addr);
	if (!o->initrd_addr != !o->initrd_size)
		return mc_map_report(map, MC_EINVAL, "opts.initrd_addr",
				     "initrd_addr and initrd_size go together");
	if (o->initrd_addr > ADDR32_LAST || o->initrd_size > ADDR32_LAST)
		return mc_map_report(map, MC_ERANGE, "opts.initrd_addr",
				     "initrd 0x%" PRIx64 "+0x%" PRIx64 ": Linux "
				     "keeps the first module in the 32-bit "
				     "hdr.ramdisk_image and ramdisk_size; both "
				     "must be below 4 GiB", o->initrd_addr,
				     o->initrd_size);
	return 0;
}

/*
 * The block lies below 1 GiB (the kernel reads the memmap and module list
 * through early page tables that map only the first GiB: head.S, then
 * xen_prepare_pvh()) and in one usable entry (the VMM writes it to guest
 * RAM; the kernel copies it before it allocates anything).
 */
static int check_place(struct mc_map *map, const struct mc_pvh_opts *o,
		       const struct mc_e820_entry *e, size_t n, size_t len)
{
	uint64_t first = o->start_info_addr, last;

	if (first > MC_PVH_ADDR_LIMIT - len)
		return mc_map_report(map, MC_ERANGE, "opts.start_info_addr",
				     "the block 0x%" PRIx64 "+0x%zx must end "
				     "below 1 GiB: Linux reads its memmap "
				     "through early page tables that map only "
				     "the first GiB", first, len);
	last = first + (len - 1);
	for (size_t i = 0; i < n; i++)
		if (e[i].type == MC_E820_RAM && e[i].addr <= first &&
		    last - e[i].addr <= e[i].size - 1)
			return 0;
	return mc_map_report(map, MC_EOVERLAP, "opts.start_info_addr",
			     "the block 0x%" PRIx64 "+0x%zx must lie in one "
			     "usable RAM entry of the table", first, len);
}

static void put_block(const struct mc_pvh_opts *o,
		      const struct mc_e820_entry *e, size_t n, uint8_t *p)
{
	uint32_t nr_modules = o->initrd_size ? 1 : 0;
	uint64_t memmap = o->start_info_addr + SI_END + nr_modules * MOD_END;
	uint8_t *m = p + SI_END;

	memset(p, 0, SI_END + nr_modules * MOD_END + n * MM_END);
	put_le32(p + SI_MAGIC, MC_PVH_MAGIC);
	put_le32(p + SI_VERSION, MC_PVH_VERSION);
	put_le32(p + SI_NR_MODULES, nr_modules);
	put_le64(p + SI_MODLIST_PADDR,
		 nr_modules ? o->start_info_addr + SI_END : 0);
	put_le64(p + SI_CMDLINE_PADDR, o->cmdline_addr);
	put_le64(p + SI_RSDP_PADDR, o->rsdp_addr);
	put_le64(p + SI_MEMMAP_PADDR, memmap);
	put_le32(p + SI_MEMMAP_ENTRIES, (uint32_t)n);	/* at most 128 */
	if (nr_modules) {
		put_le64(m + MOD_PADDR, o->initrd_addr);
		put_le64(m + MOD_SIZE, o->initrd_size);
		m += MOD_END;
	}
	for (size_t i = 0; i < n; i++, m += MM_END) {
		put_le64(m + MM_ADDR, e[i].addr);
		put_le64(m + MM_SIZE, e[i].size);
		put_le32(m + MM_TYPE, e[i].type);
	}
}

/* The table, at most MC_PVH_MAX_ENTRIES of it, into @e. */
static int table(struct mc_map *map, struct mc_e820_entry *e, size_t *n)
{
	int err;

	*n = MC_PVH_MAX_ENTRIES;
	err = mc_e820_build(map, NULL, e, n);
	if (err == MC_ENOSPC)
		return mc_map_report(map, MC_ERANGE, NULL,
				     "the e820 table has %zu entries; a PVH "
				     "memmap holds at most %d: Linux copies it "
				     "into boot_params.e820_table[128] without "
				     "a bound (init_pvh_bootparams())", *n,
				     MC_PVH_MAX_ENTRIES);
	if (!err && *n == 0)
		return mc_map_report(map, MC_EINVAL, NULL, "the map describes "
				     "nothing: a memmap of 0 entries is a "
				     "BUG() in Linux's PVH entry");
	return err;
}

/*
 * What a zero page's addresses must satisfy, for the same addresses
 * (mc_e820_boot_check(): initrd in usable RAM, command line and RSDP in
 * backed memory, the legacy hole, the kernel's table capacity), then the
 * ELF kernel's note and its load range in usable RAM.
 */
static int check_boot(struct mc_map *map, const struct mc_pvh_opts *o,
		      const struct mc_e820_entry *e, size_t n)
{
	struct mc_e820_boot_opts boot;
	struct mc_e820_rules rules = { 0 };
	struct mc_e820_need need;
	struct mc_pvh_kernel k;
	int err;

	mc_e820_boot_opts_init(&boot);
	boot.cmdline_addr = o->cmdline_addr;
	boot.initrd_addr = o->initrd_addr;
	boot.initrd_size = o->initrd_size;
	boot.rsdp_addr = o->rsdp_addr;
	boot.flags = o->flags;
	err = mc_e820_boot_check(map, &boot, e, n);
	if (err || !o->kernel)
		return err;
	err = mc_pvh_kernel(map, o->kernel_name, o->kernel, o->kernel_len,
			    &k);
	if (err)
		return err;
	need = (struct mc_e820_need){ "opts.kernel", k.load_first,
				      k.load_last };
	rules.need = &need;
	rules.n_need = 1;
	return mc_e820_check(map, e, n, &rules);
}

int mc_pvh_build(struct mc_map *map, const struct mc_pvh_opts *opts,
		 void *buf, size_t *size)
{
	struct mc_e820_entry e[MC_PVH_MAX_ENTRIES];
	size_t n = 0, len, room = *size;
	int err;

	*size = 0;
	if (!opts)
		return mc_map_report(map, MC_EINVAL, "opts.start_info_addr",
				     "give the guest address of the block");
	err = check_opts(map, opts);
	if (!err)
		err = table(map, e, &n);
	len = SI_END + (opts->initrd_size ? MOD_END : 0) + n * MM_END;
	if (!err)
		err = check_boot(map, opts, e, n);
	if (!err)
		err = check_place(map, opts, e, n, len);
	if (err)
		return err;
	*size = len;
	if (room < len)
		return MC_ENOSPC;
	put_block(opts, e, n, buf);
	return 0;
}

int mc_pvh_build_alloc(struct mc_map *map, const struct mc_pvh_opts *opts,
		       void **out, size_t *size)
{
	size_t len = 0;
	void *p;
	int err = mc_pvh_build(map, opts, NULL, &len);

	*out = NULL;
	*size = 0;
	if (err != MC_ENOSPC)
		return err;	/* a block is never empty: 0 cannot happen */
	p = malloc(len);
	if (!p)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	err = mc_pvh_build(map, opts, p, &len);
	if (err) {
		free(p);
		return err;
	}
	*out = p;
	*size = len;
	return 0;
}
