// SPDX-License-Identifier: MIT
/*
 * main.c - the monitor's memcarve side: build the guest map from the
 * options and the host's reserved regions, carve it, back every slot from
 * one host mapping, load the kernel, initrd and device tree into RAM the
 * carved map left, then hand over to kvm.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <asm/setup.h>

#include "vmm.h"

#define SZ_2M		0x200000ull
#define SZ_4K		0x1000ull
#define DTB_MAX		SZ_2M	/* arm64 booting.rst: the dtb must not exceed 2 MB */
#define IMAGE_MAGIC	0x644d5241u	/* "ARM\x64" at offset 56 of the Image */
#define MAX_IPA		(1ull << 52)	/* arm64's largest guest-physical space */

struct opts {
	uint64_t ram_base, ram_size;
	enum mc_policy policy;
	const char *resv, *kernel, *initrd, *cmdline;
	bool merge;
};

static const char usage[] =
"usage: vmm --kernel IMAGE [--initrd FILE] [--cmdline TEXT]\n"
"           [--ram-base ADDR] [--ram-size SIZE] [--resv FILE]\n"
"           [--policy carve|overlay|relocate|abort] [--dt patch|merge]\n"
"  --resv FILE  host reserved regions, as in\n"
"               /sys/kernel/iommu_groups/N/reserved_regions\n"
"  --dt patch   memcarve patches the monitor's tree (default)\n"
"  --dt merge   the monitor adds its nodes to memcarve's fragment\n";

/* Print a memcarve failure with every diagnostic the map holds. */
int report(struct mc_map *map, const char *what, int err)
{
	size_t n = mc_map_error_count(map);

	fprintf(stderr, "vmm: %s: %s\n", what, mc_strerror(err));
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "vmm:   %s\n", mc_map_error(map, i)->msg);
	if (mc_map_errors_dropped(map))
		fprintf(stderr, "vmm:   and %zu more\n",
			mc_map_errors_dropped(map));
	return -1;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	*o = (struct opts){ .ram_base = 0x40000000, .ram_size = 512ull << 20,
			    .policy = MC_POLICY_CARVE, .cmdline = "" };
	for (i = 1; i + 1 < argc; i += 2) {
		const char *opt = argv[i], *val = argv[i + 1];
		int err = 0;

		if (!strcmp(opt, "--ram-base")) {
			err = mc_parse_number(val, &o->ram_base);
		} else if (!strcmp(opt, "--ram-size")) {
			err = mc_parse_number(val, &o->ram_size);
		} else if (!strcmp(opt, "--policy")) {
			err = mc_policy_parse(val, &o->policy);
		} else if (!strcmp(opt, "--dt")) {
			o->merge = !strcmp(val, "merge");
			err = !o->merge && strcmp(val, "patch");
		} else if (!strcmp(opt, "--resv")) {
			o->resv = val;
		} else if (!strcmp(opt, "--kernel")) {
			o->kernel = val;
		} else if (!strcmp(opt, "--initrd")) {
			o->initrd = val;
		} else if (!strcmp(opt, "--cmdline")) {
			o->cmdline = val;
		} else {
			break;
		}
		if (err) {
			fprintf(stderr, "vmm: %s: bad value '%s'\n", opt, val);
			return -1;
		}
	}
	/* Longer bootargs are cut by early_init_dt_scan_chosen(). */
	if (strlen(o->cmdline) >= COMMAND_LINE_SIZE) {
		fprintf(stderr, "vmm: --cmdline: %zu bytes; arm64 Linux keeps "
			"%d (COMMAND_LINE_SIZE, NUL included)\n",
			strlen(o->cmdline), COMMAND_LINE_SIZE);
		return -1;
	}
	if (i == argc && o->kernel)
		return 0;
	fputs(usage, stderr);
	return -1;
}

/*
 * The map: guest RAM, the monitor's device window, the host's reserved
 * regions. Slots must be host pages, so the granule is at least one.
 */
static int build_map(struct mc_map *map, const struct opts *o)
{
	struct mc_region ram = { .first = o->ram_base, .kind = MC_RAM,
				 .last = o->ram_base + o->ram_size - 1,
				 .name = "ram" };
	struct mc_region plat = { .first = PLAT_BASE, .kind = MC_MMIO,
				  .last = PLAT_BASE + PLAT_SIZE - 1,
				  .name = "platform" };
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	int err;

	if (!o->ram_size || ram.last < ram.first || ram.last >= MAX_IPA) {
		fprintf(stderr, "vmm: --ram-base %#llx --ram-size %#llx: empty, "
			"or past 2^52 (arm64's largest guest-physical space)\n",
			(unsigned long long)o->ram_base,
			(unsigned long long)o->ram_size);
		return -1;
	}
	if ((err = mc_map_set_arch(map, MC_ARCH_ARM64)) ||
	    (err = mc_map_set_policy(map, o->policy)) ||
	    (page > mc_map_granule(map) &&
	     (err = mc_map_set_granule(map, page))) ||
	    (err = mc_map_add(map, &ram)) || (err = mc_map_add(map, &plat)) ||
	    (o->resv && (err = mc_map_load_resv_file(map, o->resv))) ||
	    (err = mc_map_carve(map)))
		return report(map, "memory map", err);
	return 0;
}

static void print_map(const struct mc_map *map)
{
	const struct mc_totals *t = mc_map_totals(map);
	size_t n;
	const struct mc_piece *r = mc_map_result(map, &n);

	for (size_t i = 0; i < n; i++)
		printf("vmm: map %#018llx-%#018llx %s%s%s%s%s%s\n",
		       (unsigned long long)r[i].first,
		       (unsigned long long)r[i].last, mc_kind_name(r[i].kind),
		       r[i].kind == MC_RESERVED ? " " : "",
		       r[i].kind == MC_RESERVED ? mc_resv_type_name(r[i].type) : "",
		       r[i].kind != MC_RAM && (r[i].flags & MC_F_BACKED) ?
		       " backed" : "",
		       r[i].flags & MC_F_CARVED ? " carved" : "",
		       r[i].flags & MC_F_RELOCATED ? " relocated" : "");
	printf("vmm: ram %#llx declared, %#llx backed, %#llx carved, "
	       "%#llx relocated\n", (unsigned long long)t->ram_before,
	       (unsigned long long)t->ram_after, (unsigned long long)t->carved,
	       (unsigned long long)t->relocated);
}

void *guest_ptr(const struct guest_ram *ram, uint64_t gpa, uint64_t len)
{
	for (size_t i = 0; i < ram->n_slots; i++) {
		const struct mc_slot *s = &ram->slots[i];

		if (gpa >= s->guest && gpa - s->guest <= s->size &&
		    len <= s->size - (gpa - s->guest))
			return ram->host + s->offset + (gpa - s->guest);
	}
	return NULL;
}

/*
 * The lowest address at or above @from, aligned to @align, where @len
 * bytes fit inside one RAM piece: never in a hole, and never in a range
 * that RAM backs but the guest is told is reserved (overlay).
 */
static int place(const struct mc_map *map, uint64_t from, uint64_t align,
		 uint64_t len, uint64_t *at)
{
	size_t n;
	const struct mc_piece *r = mc_map_result(map, &n);

	for (size_t i = 0; i < n; i++) {
		uint64_t start = r[i].first > from ? r[i].first : from;

		if (r[i].kind != MC_RAM || r[i].last < start ||
		    start > UINT64_MAX - (align - 1))
			continue;
		start = (start + align - 1) & ~(align - 1);
		if (len && start <= r[i].last && len - 1 <= r[i].last - start) {
			*at = start;
			return 0;
		}
	}
	fprintf(stderr, "vmm: no RAM piece at or above %#llx holds %#llx "
		"bytes\n", (unsigned long long)from, (unsigned long long)len);
	return -1;
}

static int read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long size = -1;

	errno = 0;
	if (f && fseek(f, 0, SEEK_END) == 0)
		size = ftell(f);
	*data = size >= 0 ? malloc(size ? (size_t)size : 1) : NULL;
	if (!*data || fseek(f, 0, SEEK_SET) != 0 ||
	    fread(*data, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "vmm: %s: %s\n", path,
			errno ? strerror(errno) : "read failed");
		free(*data);
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	*len = (size_t)size;
	return 0;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Copy @len bytes to @gpa, which place() found inside RAM. */
static void copy_in(const struct guest_ram *ram, uint64_t gpa,
		    const void *data, uint64_t len)
{
	memcpy(guest_ptr(ram, gpa, len), data, len);
}

/*
 * arm64 booting.rst: the Image goes text_offset bytes above a 2 MiB
 * aligned base, with image_size bytes (bss included) free from its start.
 */
static int load_kernel(const struct mc_map *map, const struct guest_ram *ram,
		       const char *path, struct boot *boot, uint64_t *end)
{
	uint8_t *img;
	size_t len;
	uint64_t text_offset, image_size, base;
	int ret = -1;

	if (read_file(path, &img, &len))
		return -1;
	text_offset = len >= 64 ? le64(img + 8) : 0;
	image_size = len >= 64 ? le64(img + 16) : 0;
	if (len < 64 || (le64(img + 56) & 0xffffffffu) != IMAGE_MAGIC ||
	    image_size < len || image_size > MAX_IPA || text_offset >= SZ_2M)
		fprintf(stderr, "vmm: %s: not an arm64 Image (magic, "
			"text_offset or image_size)\n", path);
	else if (!place(map, 0, SZ_2M, text_offset + image_size, &base)) {
		boot->kernel = base + text_offset;
		copy_in(ram, boot->kernel, img, len);
		*end = boot->kernel + image_size;
		ret = 0;
	}
	free(img);
	return ret;
}

static int load_rest(struct mc_map *map, const struct guest_ram *ram,
		     const struct opts *o, struct boot *boot, uint64_t end)
{
	uint8_t *initrd;
	size_t len;
	void *dtb;
	int ret;

	if (o->initrd) {
		if (read_file(o->initrd, &initrd, &len))
			return -1;
		ret = place(map, end, SZ_4K, len, &boot->initrd);
		if (!ret)
			copy_in(ram, boot->initrd, initrd, len);
		free(initrd);
		if (ret)
			return -1;
		boot->initrd_size = len;
		end = boot->initrd + len;
	}
	if (tree_build(map, boot, o->merge, &dtb, &len))
		return -1;
	ret = len > DTB_MAX ? -1 : place(map, end, SZ_4K, len, &boot->dtb);
	if (len > DTB_MAX)
		fprintf(stderr, "vmm: device tree is %zu bytes; arm64 takes "
			"at most %llu\n", len, DTB_MAX);
	if (!ret)
		copy_in(ram, boot->dtb, dtb, len);
	free(dtb);
	return ret;
}

/*
 * One anonymous mapping, 2 MiB aligned: KVM maps a slot in 2 MiB blocks
 * (transparent huge pages) where its guest address and host address agree
 * modulo 2 MiB, which holds for slot 0 at least.
 */
static uint8_t *map_ram(uint64_t size)
{
	uint8_t *raw = mmap(NULL, size + SZ_2M, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *host;

	if (raw == MAP_FAILED) {
		perror("vmm: guest RAM");
		return NULL;
	}
	host = raw + (-(uintptr_t)raw & (SZ_2M - 1));
	if (host > raw)
		munmap(raw, (size_t)(host - raw));
	munmap(host + size, (size_t)(raw + SZ_2M - host));
	return host;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct mc_map *map;
	struct guest_ram ram = { 0 };
	struct boot boot = { 0 };
	uint64_t end;
	int ret = 1;

	if (parse_opts(argc, argv, &o))
		return 2;
	boot.cmdline = o.cmdline;
	map = mc_map_new();
	if (!map || build_map(map, &o))
		goto out;
	print_map(map);
	ram.slots = mc_map_slots(map, &ram.n_slots);
	ram.size = mc_map_totals(map)->ram_after;
	if (!ram.n_slots) {
		fprintf(stderr, "vmm: no RAM left after carving\n");
		goto out;
	}
	ram.host = map_ram(ram.size);
	if (!ram.host)
		goto out;
	if (!load_kernel(map, &ram, o.kernel, &boot, &end) &&
	    !load_rest(map, &ram, &o, &boot, end) && !kvm_boot(&ram, &boot))
		ret = 0;
out:
	if (ram.host)
		munmap(ram.host, ram.size);
	mc_map_free(map);
	return ret;
}
