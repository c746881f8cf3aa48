// SPDX-License-Identifier: MIT
/*
 * test_host.c - the host's reserved regions as the host reports them
 * (memcarve-host.h): reserved_regions files given the guest's devices,
 * IOMMU groups read from a saved sysfs tree (fixtures/host/sysfs), the
 * VFIO type1 VFIO_IOMMU_GET_INFO capability chain and iommufd's usable
 * IOVA ranges.
 */
#include <linux/vfio.h>
#include "core_helpers.h"
#include "memcarve-acpi.h"
#include "memcarve-e820.h"
#include "memcarve-host.h"
#include "vfio_info.h"

/* The private layout is the kernel's own header's. */
_Static_assert(VFIO_INFO_SIZE == sizeof(struct vfio_iommu_type1_info),
	       "vfio_iommu_type1_info size");
_Static_assert(VFIO_INFO_CAP_OFFSET ==
		       offsetof(struct vfio_iommu_type1_info, cap_offset),
	       "cap_offset");
_Static_assert(VFIO_INFO_IOVA_PGSIZES ==
		       offsetof(struct vfio_iommu_type1_info, iova_pgsizes),
	       "iova_pgsizes");
_Static_assert(VFIO_CAP_HEADER_SIZE == sizeof(struct vfio_info_cap_header),
	       "cap header size");
_Static_assert(VFIO_CAP_NEXT == offsetof(struct vfio_info_cap_header, next),
	       "cap next");
_Static_assert(VFIO_IOVA_CAP_NR_IOVAS ==
		       offsetof(struct vfio_iommu_type1_info_cap_iova_range,
				nr_iovas),
	       "nr_iovas");
_Static_assert(VFIO_IOVA_CAP_RANGES ==
		       sizeof(struct vfio_iommu_type1_info_cap_iova_range),
	       "iova ranges follow the fixed part");
_Static_assert(VFIO_IOVA_SIZE == sizeof(struct vfio_iova_range),
	       "vfio_iova_range size");
_Static_assert(VFIO_CAP_IOVA_RANGE == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE,
	       "IOVA range capability ID");
_Static_assert(VFIO_IOMMU_INFO_CAPS_FLAG == VFIO_IOMMU_INFO_CAPS,
	       "VFIO_IOMMU_INFO_CAPS");

#define SYSFS "fixtures/host/sysfs"
#define X86 "arch x86_64\nram 0 2G\nram 0x100000000 2G\n"

static const struct mc_pci_dev *dev_at(const struct mc_region *r, size_t i)
{
	assert_true(i < r->n_devices);
	return &r->devices[i];
}

static void assert_dev(const struct mc_pci_dev *d, unsigned int seg,
		       unsigned int bus, unsigned int slot, unsigned int fn)
{
	assert_int_equal(d->segment, seg);
	assert_int_equal(d->bus, bus);
	assert_int_equal(d->devfn, slot << 3 | fn);
}

static void pci_devices_read_as_lspci_and_sysfs_write_them(void **state)
{
	struct mc_pci_dev d;

	(void)state;
	assert_int_equal(mc_pci_dev_parse("00:02.0", &d), 0);
	assert_dev(&d, 0, 0, 2, 0);
	assert_int_equal(mc_pci_dev_parse("0000:3b:1f.7", &d), 0);
	assert_dev(&d, 0, 0x3b, 0x1f, 7);
	assert_int_equal(mc_pci_dev_parse("ffff:ff:1f.7", &d), 0);
	assert_dev(&d, 0xffff, 0xff, 0x1f, 7);
	assert_int_equal(mc_pci_dev_parse("00:20.0", &d), MC_EINVAL);
	assert_int_equal(mc_pci_dev_parse("00:02.8", &d), MC_EINVAL);
	assert_int_equal(mc_pci_dev_parse("00:02", &d), MC_EINVAL);
	assert_int_equal(mc_pci_dev_parse("10000:00:02.0", &d), MC_EINVAL);
	assert_int_equal(mc_pci_dev_parse("all", &d), MC_EINVAL);
	assert_int_equal(mc_pci_dev_parse("", &d), MC_EINVAL);
}

static const char usb_resv[] =
	"0x000000003e2e0000 0x000000003e2fffff direct-relaxable\n"
	"0x00000000fee00000 0x00000000feefffff msi\n";

static void a_host_file_gives_its_direct_ranges_the_devices(void **state)
{
	static const struct mc_pci_dev usb = { 0, 0, 0x14 << 3 };
	struct mc_map *map = map_from(X86);
	const struct mc_region *in;
	struct mc_resv_opts o;
	size_t n;

	(void)state;
	mc_resv_opts_init(&o);
	o.devices = &usb;
	o.n_devices = 1;
	assert_int_equal(mc_map_load_resv_for(map, "usb.resv", usb_resv,
					      strlen(usb_resv), &o),
			 0);
	in = mc_map_input(map, &n);
	assert_int_equal(n, 4);
	assert_int_equal(in[2].type, MC_RESV_DIRECT_RELAXABLE);
	assert_int_equal(in[2].n_devices, 1);
	assert_dev(dev_at(&in[2], 0), 0, 0, 0x14, 0);
	/* msi ranges serve no device: they take none. */
	assert_int_equal(in[3].type, MC_RESV_MSI);
	assert_int_equal(in[3].n_devices, 0);
	mc_map_free(map);
}

static void resv_opts_are_checked(void **state)
{
	static const struct mc_pci_dev usb = { 0, 0, 0x14 << 3 };
	struct mc_map *map = map_from(X86);
	struct mc_resv_opts o;

	(void)state;
	mc_resv_opts_init(&o);
	o.devices = &usb;
	o.n_devices = 1;
	o.flags = MC_F_ALL_DEVICES;
	assert_int_equal(mc_map_load_resv_for(map, "usb.resv", usb_resv,
					      strlen(usb_resv), &o),
			 MC_EINVAL);
	assert_non_null(strstr(first_error(map), "opts.devices"));
	mc_map_clear_errors(map);
	mc_resv_opts_init(&o);
	o.reserved[3] = 1;
	assert_int_equal(mc_map_load_resv_for(map, "usb.resv", usb_resv,
					      strlen(usb_resv), &o),
			 MC_EINVAL);
	assert_string_equal(first_error(map),
			    "usb.resv: opts.reserved: must be zero");
	mc_map_clear_errors(map);
	mc_resv_opts_init(&o);
	o.n_sids = 2;
	assert_int_equal(mc_map_load_resv_for(map, "usb.resv", usb_resv,
					      strlen(usb_resv), &o),
			 MC_EINVAL);
	mc_map_free(map);
}

/* The map's resv statement reads FILE beside the map, with its devices. */
static void the_resv_statement_reads_the_file_beside_the_map(void **state)
{
	struct mc_map *map = mc_map_new();
	const struct mc_region *in;
	size_t n;

	(void)state;
	assert_int_equal(mc_map_load_file(map, "fixtures/host/q35-resv.map"), 0);
	in = mc_map_input(map, &n);
	assert_int_equal(n, 8);
	assert_int_equal(in[6].first, 0x3e2e0000);
	assert_int_equal(in[6].line, 1);	/* its line in usb.resv */
	assert_dev(dev_at(&in[6], 0), 0, 0, 0x14, 0);
	assert_int_equal(mc_map_carve(map), 0);
	/* The host's msi window and the map's named one are one range. */
	assert_non_null(strstr(render(map),
			       "0xfee00000-0xfeefffff reserved/msi unbacked "
			       "msi-window\n"));
	mc_map_free(map);
}

/* Text from memory names no directory and never makes the parser open. */
static void the_resv_statement_needs_a_map_file(void **state)
{
	static const char text[] = "arch x86_64\nram 0 1G\n"
				   "resv fixtures/host/usb.resv\n";
	struct mc_map *map = mc_map_new();

	(void)state;
	assert_int_equal(mc_map_load(map, "vm.map", text, strlen(text)),
			 MC_EINVAL);
	assert_string_equal(first_error(map),
			    "vm.map:3: resv: only in a map read from a file "
			    "(mc_map_load_file()); load 'fixtures/host/usb.resv' "
			    "with mc_map_load_resv_file_for()");
	mc_map_free(map);
}

/* VFIO type1 leaves direct-relaxable ranges usable: RAM stays behind. */
static void relaxable_ranges_keep_their_ram(void **state)
{
	struct mc_map *map = map_from(X86);

	(void)state;
	assert_int_equal(mc_map_load_resv(map, "usb.resv", usb_resv,
					  strlen(usb_resv)),
			 0);
	assert_int_equal(mc_map_carve(map), 0);
	assert_non_null(strstr(render(map), "0x3e2e0000-0x3e2fffff "
					    "reserved/direct-relaxable backed"));
	assert_int_equal(mc_map_totals(map)->carved, 0);
	mc_map_free(map);
}

/* Group 7: a GPU and its audio function; both share the group's file. */
static void a_group_gives_its_ranges_to_its_own_devices(void **state)
{
	struct mc_map *map = map_from(X86);
	const struct mc_region *in;
	unsigned int group = 0;
	struct mc_pci_dev audio = { 0, 1, 1 };
	size_t n;

	(void)state;
	assert_int_equal(mc_iommu_group_of(map, SYSFS, &audio, &group), 0);
	assert_int_equal(group, 7);
	assert_int_equal(mc_map_load_iommu_group(map, SYSFS, 7, NULL), 0);
	in = mc_map_input(map, &n);
	assert_int_equal(n, 4);
	assert_int_equal(in[2].type, MC_RESV_DIRECT);
	assert_int_equal(in[2].n_devices, 2);	/* sorted, readdir aside */
	assert_dev(dev_at(&in[2], 0), 0, 1, 0, 0);
	assert_dev(dev_at(&in[2], 1), 0, 1, 0, 1);
	mc_map_free(map);
}

static void a_group_gives_its_ranges_to_the_guest_devices(void **state)
{
	static const struct mc_pci_dev guest[] = { { 0, 0, 3 << 3 },
						   { 0, 0, 3 << 3 | 1 } };
	struct mc_map *map = map_from(X86);
	const struct mc_region *in;
	struct mc_resv_opts o;
	size_t n;

	(void)state;
	mc_resv_opts_init(&o);
	o.devices = guest;
	o.n_devices = 2;
	assert_int_equal(mc_map_load_iommu_group(map, SYSFS "/", 7, &o), 0);
	in = mc_map_input(map, &n);
	assert_int_equal(in[2].n_devices, 2);
	assert_dev(dev_at(&in[2], 0), 0, 0, 3, 0);
	assert_dev(dev_at(&in[2], 1), 0, 0, 3, 1);
	mc_map_free(map);
}

static void a_missing_group_or_device_is_named(void **state)
{
	struct mc_map *map = map_from(X86);
	struct mc_pci_dev none = { 0, 9, 0 };
	unsigned int group;

	(void)state;
	assert_int_equal(mc_iommu_group_of(map, SYSFS, &none, &group), MC_EIO);
	assert_non_null(strstr(first_error(map),
			       SYSFS "/sys/bus/pci/devices/0000:09:00.0/"
				     "iommu_group: cannot read the link"));
	mc_map_clear_errors(map);
	assert_int_equal(mc_map_load_iommu_group(map, SYSFS, 99, NULL), MC_EIO);
	assert_non_null(strstr(first_error(map),
			       "iommu_groups/99/reserved_regions: cannot open"));
	mc_map_free(map);
}

/* A VFIO_IOMMU_GET_INFO answer under construction, in host byte order. */
struct info {
	uint8_t b[512];
	size_t len;
	size_t link;	/* where the next capability's offset goes */
};

static void put32(struct info *i, size_t at, uint32_t v)
{
	memcpy(i->b + at, &v, sizeof(v));
}

static void put16(struct info *i, size_t at, uint16_t v)
{
	memcpy(i->b + at, &v, sizeof(v));
}

static void put64(struct info *i, size_t at, uint64_t v)
{
	memcpy(i->b + at, &v, sizeof(v));
}

static void info_start(struct info *i, bool caps)
{
	memset(i, 0, sizeof(*i));
	i->len = VFIO_INFO_SIZE;
	i->link = VFIO_INFO_CAP_OFFSET;
	put32(i, VFIO_INFO_FLAGS, VFIO_IOMMU_INFO_PGSIZES_FLAG |
				  (caps ? VFIO_IOMMU_INFO_CAPS_FLAG : 0));
	put64(i, VFIO_INFO_IOVA_PGSIZES, 0x40201000);
}

/* Append a capability and link it after the last; its offset. */
static size_t cap_add(struct info *i, uint16_t id, uint16_t version,
		      size_t body)
{
	size_t at = i->len;

	put32(i, i->link, (uint32_t)at);
	i->link = at + VFIO_CAP_NEXT;
	put16(i, at + VFIO_CAP_ID, id);
	put16(i, at + VFIO_CAP_VERSION, version);
	i->len += VFIO_CAP_HEADER_SIZE + body;
	i->len = (i->len + 7) & ~(size_t)7;	/* vfio_info_cap_add() */
	put32(i, VFIO_INFO_ARGSZ, (uint32_t)i->len);
	return at;
}

static void iova_cap(struct info *i, const uint64_t (*r)[2], uint32_t n)
{
	size_t at = cap_add(i, VFIO_CAP_IOVA_RANGE, 1,
			    8 + n * VFIO_IOVA_SIZE);

	put32(i, at + VFIO_IOVA_CAP_NR_IOVAS, n);
	for (uint32_t k = 0; k < n; k++) {
		put64(i, at + VFIO_IOVA_CAP_RANGES + k * 16, r[k][0]);
		put64(i, at + VFIO_IOVA_CAP_RANGES + k * 16 + 8, r[k][1]);
	}
}

static struct mc_iova_opts bits(unsigned int n)
{
	struct mc_iova_opts o;

	mc_iova_opts_init(&o);
	o.address_bits = n;
	return o;
}

/* The reserved ranges a map holds, "first-last" per line. */
static const char *gaps(const struct mc_map *map)
{
	static char buf[1024];
	const struct mc_region *in;
	size_t n, off = 0;

	in = mc_map_input(map, &n);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if (in[i].flags & MC_F_IOVA_GAP)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
						"0x%llx-0x%llx\n",
						(unsigned long long)in[i].first,
						(unsigned long long)in[i].last);
	return buf;
}

/* x86 under VFIO: everything but the MSI window and an RMRR, 39 bits. */
static const uint64_t x86_usable[][2] = {
	{ 0, 0x7b7fffff },
	{ 0x80000000, 0xfedfffff },
	{ 0xfef00000, 0x7fffffffff },
};

static void vfio_info_gaps_become_reserved(void **state)
{
	struct mc_map *map = map_from(X86);
	struct mc_iova_opts o = bits(48);
	struct info i;

	(void)state;
	info_start(&i, true);
	iova_cap(&i, x86_usable, 3);
	assert_int_equal(mc_map_load_vfio_iommu_info(map, i.b, i.len, &o), 0);
	assert_string_equal(gaps(map), "0x7b800000-0x7fffffff\n"
				       "0xfee00000-0xfeefffff\n"
				       "0x8000000000-0xffffffffffff\n");
	mc_map_free(map);
}

static void vfio_info_without_caps_adds_nothing(void **state)
{
	struct mc_map *map = map_from(X86);
	struct mc_iova_opts o = bits(48);
	struct info i;
	size_t n;

	(void)state;
	info_start(&i, false);
	put32(&i, VFIO_INFO_ARGSZ, VFIO_INFO_SIZE);
	assert_int_equal(mc_map_load_vfio_iommu_info(map, i.b, i.len, &o), 0);
	/* Capabilities, none of them the IOVA ranges: nothing either. */
	info_start(&i, true);
	cap_add(&i, VFIO_CAP_MIGRATION, 1, 20);
	cap_add(&i, VFIO_CAP_DMA_AVAIL, 1, 4);
	assert_int_equal(mc_map_load_vfio_iommu_info(map, i.b, i.len, &o), 0);
	mc_map_input(map, &n);
	assert_int_equal(n, 2);
	mc_map_free(map);
}

static void unknown_caps_before_and_after_are_skipped(void **state)
{
	struct mc_map *map = map_from(X86);
	struct mc_iova_opts o = bits(40);
	struct info i;

	(void)state;
	info_start(&i, true);
	cap_add(&i, 0x7777, 3, 40);
	iova_cap(&i, x86_usable, 3);
	cap_add(&i, VFIO_CAP_DMA_AVAIL, 1, 4);
	assert_int_equal(mc_map_load_vfio_iommu_info(map, i.b, i.len, &o), 0);
	assert_string_equal(gaps(map), "0x7b800000-0x7fffffff\n"
				       "0xfee00000-0xfeefffff\n"
				       "0x8000000000-0xffffffffff\n");
	mc_map_free(map);
}

/* Refused, with the byte at fault named. */
static void refused(const struct info *i, size_t len, int code,
		    const char *msg)
{
	struct mc_map *map = map_from(X86);
	struct mc_iova_opts o = bits(48);
	size_t n;

	assert_int_equal(mc_map_load_vfio_iommu_info(map, i->b, len, &o),
			 code);
	assert_string_equal(first_error(map), msg);
	mc_map_input(map, &n);
	assert_int_equal(n, 2);		/* nothing added: the two RAM ranges */
	mc_map_free(map);
}

static void broken_vfio_info_is_refused(void **state)
{
	struct info i;
	size_t cap;

	(void)state;
	info_start(&i, true);
	iova_cap(&i, x86_usable, 3);
	refused(&i, 20, MC_EBADBLOB, "vfio-info+0x0: 0x14 bytes: shorter "
		"than struct vfio_iommu_type1_info (0x18)");
	refused(&i, i.len - 8, MC_EBADBLOB, "vfio-info+0x0: argsz: 0x58: the "
		"answer needs more than the 0x50 bytes given; call "
		"VFIO_IOMMU_GET_INFO again with argsz bytes");
	/* argsz cut short: the ranges run past what the kernel wrote. */
	put32(&i, VFIO_INFO_ARGSZ, 0x40);
	refused(&i, i.len, MC_EBADBLOB, "vfio-info+0x20: nr_iovas: 3 ranges "
		"of 16 bytes run past the 0x40 bytes of the answer");
	put32(&i, VFIO_INFO_ARGSZ, (uint32_t)i.len);
	/* The kernel's "did not fit" answer: caps set, no offset. */
	put32(&i, VFIO_INFO_CAP_OFFSET, 0);
	refused(&i, i.len, MC_EBADBLOB, "vfio-info+0x10: cap_offset: 0 with "
		"VFIO_IOMMU_INFO_CAPS set: the capabilities did not fit; call "
		"VFIO_IOMMU_GET_INFO again with argsz bytes");

	/* A chain that loops: the second capability points at the first. */
	info_start(&i, true);
	cap = cap_add(&i, 0x7777, 1, 8);
	iova_cap(&i, x86_usable, 1);
	put32(&i, VFIO_INFO_ARGSZ, (uint32_t)i.len);
	put32(&i, 0x28 + VFIO_CAP_NEXT, (uint32_t)cap);
	refused(&i, i.len, MC_EBADBLOB, "vfio-info+0x18: next: points back "
		"to 0x18: a chain only goes forward (it would loop)");
	/* One that points past the end. */
	put32(&i, 0x28 + VFIO_CAP_NEXT, 0x1000);
	refused(&i, i.len, MC_EBADBLOB, "vfio-info+0x1000: next: a "
		"capability at 0x1000 runs past the 0x48 bytes of the answer");

	info_start(&i, true);
	cap = cap_add(&i, VFIO_CAP_IOVA_RANGE, 2, 8);
	refused(&i, i.len, MC_EBADBLOB, "vfio-info+0x1a: version: 2: the IOVA "
		"range capability is version 1");
	info_start(&i, true);
	iova_cap(&i, x86_usable, 0);
	refused(&i, i.len, MC_EBADBLOB, "vfio-info+0x20: nr_iovas: 0: no "
		"usable IOVA range, the device could DMA nowhere");
}

/* Gaps and devices=all are written back as the map file says them. */
static void host_ranges_write_back_as_map_text(void **state)
{
	static const char all[] = "0x3e2e0000 0x3e2fffff direct\n";
	struct mc_map *map = map_from(X86), *back = mc_map_new();
	struct mc_iova_opts o = bits(40);
	struct mc_resv_opts ro;
	struct info i;
	const struct mc_region *a, *b;
	size_t na, nb, len;
	char *text;

	(void)state;
	info_start(&i, true);
	iova_cap(&i, x86_usable, 3);
	assert_int_equal(mc_map_load_vfio_iommu_info(map, i.b, i.len, &o), 0);
	mc_resv_opts_init(&ro);
	ro.flags = MC_F_ALL_DEVICES;
	assert_int_equal(mc_map_load_resv_for(map, "r", all, strlen(all), &ro),
			 0);
	assert_int_equal(mc_map_write_alloc(map, MC_MAP_INPUT, &text, &len), 0);
	assert_non_null(strstr(text, " iova-gap\n"));
	assert_non_null(strstr(text, " type=direct devices=all\n"));
	assert_int_equal(mc_map_load(back, "written", text, len - 1), 0);
	a = mc_map_input(map, &na);
	b = mc_map_input(back, &nb);
	assert_int_equal(na, nb);
	for (size_t k = 0; k < na; k++) {
		assert_int_equal(a[k].first, b[k].first);
		assert_int_equal(a[k].last, b[k].last);
		assert_int_equal(a[k].type, b[k].type);
		assert_int_equal(a[k].flags, b[k].flags);
	}
	mc_free(text);
	mc_map_free(back);
	mc_map_free(map);
}

static void iommufd_ranges_become_reserved(void **state)
{
	/* Out of order, one reaching 2^64 - 1: no gap above it. */
	static const struct mc_iova_range r[] = {
		{ 0xfef00000, UINT64_MAX },
		{ 0x1000, 0xfedfffff },
	};
	struct mc_map *map = map_from(X86);
	struct mc_iova_opts o = bits(64);

	(void)state;
	assert_int_equal(mc_map_add_usable_iova(map, r, 2, &o), 0);
	assert_string_equal(gaps(map), "0x0-0xfff\n0xfee00000-0xfeefffff\n");
	mc_map_free(map);
}

static void iommufd_ranges_are_checked(void **state)
{
	static const struct mc_iova_range overlap[] = {
		{ 0, 0xfedfffff },
		{ 0xfee00000, 0xffffffff },
		{ 0xf0000000, 0xf0000fff },
	};
	static const struct mc_iova_range backwards[] = { { 0x2000, 0x1fff } };
	struct mc_map *map = map_from(X86);
	struct mc_iova_opts o = bits(48);
	size_t n;

	(void)state;
	assert_int_equal(mc_map_add_usable_iova(map, overlap, 0, &o),
			 MC_EINVAL);
	assert_string_equal(first_error(map), "iova-ranges: no usable IOVA "
			    "range: the device could DMA nowhere");
	mc_map_clear_errors(map);
	o.source = "ioas2";
	assert_int_equal(mc_map_add_usable_iova(map, overlap, 3, &o),
			 MC_EINVAL);
	assert_string_equal(first_error(map), "ioas2[2]: usable "
			    "0xf0000000+0x1000 overlaps usable 0x0+0xfee00000 "
			    "(ioas2[0]): not a list the kernel gives");
	mc_map_clear_errors(map);
	assert_int_equal(mc_map_add_usable_iova(map, backwards, 1, &o),
			 MC_EINVAL);
	assert_string_equal(first_error(map), "ioas2[0]: usable range "
			    "0x2000-0x1fff ends below its start");
	mc_map_clear_errors(map);
	o.address_bits = 0;
	assert_int_equal(mc_map_add_usable_iova(map, backwards, 1, &o),
			 MC_EINVAL);
	assert_string_equal(first_error(map), "ioas2: opts.address_bits: 0: "
			    "give the guest's physical address width, 1..64");
	assert_int_equal(mc_map_add_usable_iova(map, backwards, 1, NULL),
			 MC_EINVAL);
	mc_map_input(map, &n);
	assert_int_equal(n, 2);		/* nothing added: the two RAM ranges */
	mc_map_free(map);
}

/*
 * The host's sysfs file and VFIO's gaps for one device: the typed range
 * describes the bytes (a DMAR still has its RMRR), the gap still carves.
 */
static void a_typed_range_describes_what_a_gap_covers(void **state)
{
	static const char gpu[] = "0x7b800000 0x7fffffff direct\n";
	static const struct mc_pci_dev d = { 0, 0, 3 << 3 };
	struct mc_map *map = map_from(X86), *back = mc_map_new();
	struct mc_iova_opts o = bits(39);
	struct mc_resv_opts ro;
	struct info i;
	uint8_t *t = NULL;
	size_t len, n;

	(void)state;
	info_start(&i, true);
	iova_cap(&i, x86_usable, 3);
	assert_int_equal(mc_map_load_vfio_iommu_info(map, i.b, i.len, &o), 0);
	mc_resv_opts_init(&ro);
	ro.devices = &d;
	ro.n_devices = 1;
	assert_int_equal(mc_map_load_resv_for(map, "group7", gpu,
					      strlen(gpu), &ro),
			 0);
	assert_int_equal(mc_map_carve(map), 0);
	assert_non_null(strstr(render(map), "0x7b800000-0x7fffffff "
					    "reserved/direct carved -\n"));
	assert_non_null(strstr(render(map), "0xfee00000-0xfeefffff "
					    "reserved/reserved unbacked -\n"));
	assert_int_equal(mc_acpi_build_alloc(map, MC_ACPI_DMAR, NULL,
					     (void **)&t, &len),
			 0);
	assert_int_equal(mc_acpi_dmar_decode(back, t, len), 0);
	assert_int_equal(mc_map_input(back, &n)[0].first, 0x7b800000);
	assert_int_equal(n, 1);
	mc_free(t);
	mc_map_free(back);
	mc_map_free(map);
}


/*
 * The semantic check of fixtures/golden/host.list: each table rebuilt
 * through the library from the same host inputs equals its golden file,
 * and decoded, names every direct range of the host's files once, for
 * exactly the guest devices (or stream IDs) given.
 */
struct host_golden {
	const char *name;	/* fixtures/host/NAME.aml */
	const char *map;
	enum mc_arch arch;	/* set over the map's, or MC_ARCH_NONE */
	enum mc_acpi_table table;
	unsigned int group[2];	/* groups loaded from SYSFS, 0: none */
	const char *guest[2];	/* their guest devices, NULL: their own */
	const char *resv;	/* a resv file, or NULL */
	const char *resv_devices; /* its devices: "00:14.0", "all" */
	uint32_t sid;		/* its stream ID, 0: none */
	const char *want;	/* decoded: "0xBASE DEVICES\n" per range */
};

#define GPU_GUESTS "00:03.0,00:03.1"
static const struct host_golden host_goldens[] = {
	{ "vfio-gpu-dmar", "q35-vfio.map", 0, MC_ACPI_DMAR, { 7 },
	  { GPU_GUESTS }, NULL, NULL, 0,
	  "0x7b800000 0000:00:03.0,0000:00:03.1\n" },
	{ "vfio-gpu-ivrs", "q35-vfio.map", 0, MC_ACPI_IVRS, { 7 },
	  { GPU_GUESTS }, NULL, NULL, 0,
	  "0x7b800000 0000:00:03.0,0000:00:03.1\n" },
	{ "vfio-gpu-iort", "q35-vfio.map", MC_ARCH_ARM64, MC_ACPI_IORT, { 7 },
	  { GPU_GUESTS }, NULL, NULL, 0, "0x7b800000 sids=0x18,0x19\n" },
	{ "vfio-usb-dmar", "q35-vfio.map", 0, MC_ACPI_DMAR, { 12 }, { NULL },
	  NULL, NULL, 0, "0x3e2e0000 0000:00:14.0\n" },
	{ "vfio-both-dmar", "q35-vfio.map", 0, MC_ACPI_DMAR, { 7, 12 },
	  { GPU_GUESTS, "00:04.0" }, NULL, NULL, 0,
	  "0x3e2e0000 0000:00:04.0\n"
	  "0x7b800000 0000:00:03.0,0000:00:03.1\n" },
	{ "vfio-usb2-dmar", "q35-vfio.map", 0, MC_ACPI_DMAR, { 12, 13 },
	  { "00:04.0", "00:05.0" }, NULL, NULL, 0,
	  "0x3e2e0000 0000:00:04.0,0000:00:05.0\n" },
	{ "vfio-usb2-ivrs", "q35-vfio.map", 0, MC_ACPI_IVRS, { 12, 13 },
	  { "00:04.0", "00:05.0" }, NULL, NULL, 0,
	  "0x3e2e0000 0000:00:04.0\n0x3e2e0000 0000:00:05.0\n" },
	{ "vfio-usb2-iort", "q35-vfio.map", MC_ARCH_ARM64, MC_ACPI_IORT,
	  { 12, 13 }, { "00:04.0", "00:05.0" }, NULL, NULL, 0,
	  "0x3e2e0000 sids=0x20,0x28\n" },
	{ "resv-stmt-dmar", "q35-resv.map", 0, MC_ACPI_DMAR, { 0 }, { NULL },
	  NULL, NULL, 0, "0x3e2e0000 0000:00:14.0\n" },
	{ "contain-dmar", "contain.map", 0, MC_ACPI_DMAR, { 0 }, { NULL },
	  NULL, NULL, 0, "0x3e000000 0000:00:14.0\n" },
	{ "resv-opt-dmar", "q35-vfio.map", 0, MC_ACPI_DMAR, { 0 }, { NULL },
	  "usb.resv", "00:14.0", 0, "0x3e2e0000 0000:00:14.0\n" },
	{ "resv-all-ivrs", "q35-vfio.map", 0, MC_ACPI_IVRS, { 0 }, { NULL },
	  "usb.resv", "all", 0, "0x3e2e0000 all\n" },
	{ "resv-sids-iort", "q35-vfio.map", MC_ARCH_ARM64, MC_ACPI_IORT,
	  { 0 }, { NULL }, "usb.resv", "00:14.0", 0x140,
	  "0x3e2e0000 sids=0x140\n" },
};

/* "00:03.0,00:03.1" into @d (room for 4); the count. */
static size_t parse_devices(const char *list, struct mc_pci_dev *d)
{
	char buf[64], *tok, *save = NULL;
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok && n < 4;
	     tok = strtok_r(NULL, ",", &save))
		assert_int_equal(mc_pci_dev_parse(tok, &d[n++]), 0);
	return n;
}

static struct mc_map *host_golden_map(const struct host_golden *g)
{
	struct mc_map *map = mc_map_new();
	struct mc_pci_dev d[4];
	struct mc_resv_opts o;
	char path[128];
	uint32_t sid = g->sid;

	snprintf(path, sizeof(path), "fixtures/host/%s", g->map);
	assert_int_equal(mc_map_load_file(map, path), 0);
	if (g->arch)
		assert_int_equal(mc_map_set_arch(map, g->arch), 0);
	for (size_t k = 0; k < 2 && g->group[k]; k++) {
		mc_resv_opts_init(&o);
		o.devices = d;
		o.n_devices = g->guest[k] ? parse_devices(g->guest[k], d) : 0;
		assert_int_equal(mc_map_load_iommu_group(map, SYSFS, g->group[k],
							 &o),
				 0);
	}
	if (g->resv) {
		mc_resv_opts_init(&o);
		if (!strcmp(g->resv_devices, "all"))
			o.flags = MC_F_ALL_DEVICES;
		else
			o.n_devices = parse_devices(g->resv_devices, d);
		o.devices = d;
		o.sids = sid ? &sid : NULL;
		o.n_sids = sid ? 1 : 0;
		snprintf(path, sizeof(path), "fixtures/host/%s", g->resv);
		assert_int_equal(mc_map_load_resv_file_for(map, path, &o), 0);
	}
	if (mc_map_carve(map))
		fail_msg("%s: %s", g->name, first_error(map));
	return map;
}

static const char *decoded(const struct mc_map *back)
{
	static char buf[512];
	const struct mc_region *r;
	size_t n, off = 0;

	r = mc_map_input(back, &n);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "0x%llx%s",
					(unsigned long long)r[i].first,
					(r[i].flags & MC_F_ALL_DEVICES) ?
						" all" : "");
		for (size_t k = 0; k < r[i].n_devices; k++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
						"%s%04x:%02x:%02x.%u",
						k ? "," : " ",
						r[i].devices[k].segment,
						r[i].devices[k].bus,
						r[i].devices[k].devfn >> 3,
						r[i].devices[k].devfn & 7);
		for (size_t k = 0; k < r[i].n_sids; k++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
						"%s0x%x", k ? "," : " sids=",
						(unsigned int)r[i].sids[k]);
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "\n");
	}
	return buf;
}

static int decode_table(struct mc_map *m, enum mc_acpi_table t,
			const void *b, size_t len)
{
	return t == MC_ACPI_DMAR ? mc_acpi_dmar_decode(m, b, len) :
	       t == MC_ACPI_IVRS ? mc_acpi_ivrs_decode(m, b, len) :
				   mc_acpi_iort_decode(m, b, len);
}

static uint8_t *slurp_file(const char *path, size_t *len)
{
	struct mc_map *m = mc_map_new();
	void *data = NULL;

	if (mc_read_file(m, path, &data, len))
		fail_msg("%s", first_error(m));
	mc_map_free(m);
	return data;
}

static void host_goldens_say_what_the_host_and_the_guest_said(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(host_goldens) / sizeof(*host_goldens);
	     i++) {
		const struct host_golden *g = &host_goldens[i];
		struct mc_map *map = host_golden_map(g), *back = mc_map_new();
		uint8_t *t = NULL, *gold;
		size_t len, glen;
		char path[128];

		snprintf(path, sizeof(path), "fixtures/host/%s.aml", g->name);
		gold = slurp_file(path, &glen);
		if (mc_acpi_build_alloc(map, g->table, NULL, (void **)&t, &len))
			fail_msg("%s: %s", g->name, first_error(map));
		assert_int_equal(len, glen);
		assert_memory_equal(t, gold, len);
		assert_int_equal(decode_table(back, g->table, gold, glen), 0);
		if (strcmp(decoded(back), g->want))
			fail_msg("%s decodes as\n%swant\n%s", g->name,
				 decoded(back), g->want);
		mc_free(t);
		free(gold);
		mc_map_free(back);
		mc_map_free(map);
	}
}

/*
 * host/vfio-both.e820.txt read back: every direct range the host's groups
 * gave lies in an e820 reserved entry (Linux's RMRR sanity check wants
 * it there), and the MSI window is reserved too.
 */
static void host_ranges_are_e820_reserved(void **state)
{
	struct mc_map *map = host_golden_map(&host_goldens[4]), *back;
	const struct mc_region *in, *e;
	size_t n_in, n_e, len;
	uint8_t *text = slurp_file("fixtures/host/vfio-both.e820.txt", &len);

	(void)state;
	assert_string_equal(host_goldens[4].name, "vfio-both-dmar");
	back = mc_map_new();
	assert_int_equal(mc_e820_text_decode(back, text, len), 0);
	in = mc_map_input(map, &n_in);
	e = mc_map_input(back, &n_e);
	for (size_t i = 0; i < n_in; i++) {
		bool found = false;

		if (in[i].kind != MC_RESERVED)
			continue;
		for (size_t k = 0; k < n_e && !found; k++)
			found = e[k].kind == MC_RESERVED &&
				e[k].first <= in[i].first &&
				e[k].last >= in[i].last;
		if (!found)
			fail_msg("0x%llx-0x%llx (%s) is not e820 reserved",
				 (unsigned long long)in[i].first,
				 (unsigned long long)in[i].last,
				 mc_resv_type_name(in[i].type));
	}
	free(text);
	mc_map_free(back);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pci_devices_read_as_lspci_and_sysfs_write_them),
		cmocka_unit_test(a_host_file_gives_its_direct_ranges_the_devices),
		cmocka_unit_test(resv_opts_are_checked),
		cmocka_unit_test(the_resv_statement_reads_the_file_beside_the_map),
		cmocka_unit_test(the_resv_statement_needs_a_map_file),
		cmocka_unit_test(relaxable_ranges_keep_their_ram),
		cmocka_unit_test(a_group_gives_its_ranges_to_its_own_devices),
		cmocka_unit_test(a_group_gives_its_ranges_to_the_guest_devices),
		cmocka_unit_test(a_missing_group_or_device_is_named),
		cmocka_unit_test(vfio_info_gaps_become_reserved),
		cmocka_unit_test(vfio_info_without_caps_adds_nothing),
		cmocka_unit_test(unknown_caps_before_and_after_are_skipped),
		cmocka_unit_test(broken_vfio_info_is_refused),
		cmocka_unit_test(host_ranges_write_back_as_map_text),
		cmocka_unit_test(iommufd_ranges_become_reserved),
		cmocka_unit_test(iommufd_ranges_are_checked),
		cmocka_unit_test(a_typed_range_describes_what_a_gap_covers),
		cmocka_unit_test(host_goldens_say_what_the_host_and_the_guest_said),
		cmocka_unit_test(host_ranges_are_e820_reserved),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
