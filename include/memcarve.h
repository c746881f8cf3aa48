/* SPDX-License-Identifier: MIT */
/*
 * memcarve.h - one guest-physical memory map, carved around reserved ranges.
 *
 * A map holds the regions a VMM knows about: guest RAM, device windows,
 * reserved ranges reported by the host IOMMU, firmware ranges. After
 * mc_map_carve() applies the carving policies, the map also holds the carved
 * result: a sorted, non-overlapping list of what the guest sees, and the RAM
 * slots a VMM registers with KVM_SET_USER_MEMORY_REGION. The emitters (device
 * tree, e820, ACPI, command line) read only that result.
 *
 * Addresses are inclusive ranges [first, last], so a range that ends at
 * 2^64 - 1 needs no 65-bit arithmetic.
 *
 * Ownership: pointers the library returns from a map (mc_map_input(),
 * mc_map_result(), mc_map_slots(), mc_map_totals(), mc_map_error()) belong
 * to the map; they stay valid until the map is changed (mc_map_add(),
 * mc_map_load*(), mc_map_set_*(), mc_map_carve()) or freed. Buffers an
 * emitter allocates for the caller (the _alloc forms below) belong to the
 * caller, outlive the map and are freed with mc_free(). Strings and arrays
 * passed in are copied. Functions that can fail return 0 or a negative
 * MC_E* code; the map then holds a diagnostic for the caller to print
 * (mc_map_error()). The library never prints, exits or keeps globals.
 *
 * Thread safety: calls on different maps may run concurrently, from any
 * threads. On one map, the calls that only read it (mc_map_input(),
 * mc_map_result(), mc_map_slots(), mc_map_totals(), mc_map_arch(),
 * mc_map_policy(), mc_map_granule(), mc_map_effective_policy(),
 * mc_map_error_count(), mc_map_error(), mc_map_errors_dropped()) may run
 * concurrently with each other. Every other call on a map, which includes
 * every build, decode, load and carve (each can record a diagnostic on
 * it), needs the map to itself: no other call on that map may run at the
 * same time. Functions without a map (mc_strerror(), mc_*_name(),
 * mc_*_parse(), mc_e820_sanitize(), mc_free(), ...) may run anywhere.
 *
 * Emitters: one convention for every function that writes a device tree,
 * an e820 table, an ACPI table or RSDP blob, or a command line. Each has
 * two forms:
 *
 *	int mc_X_build(struct mc_map *map, const struct mc_X_opts *opts,
 *		       void *buf, size_t *size);
 *	int mc_X_build_alloc(struct mc_map *map,
 *			     const struct mc_X_opts *opts,
 *			     void **out, size_t *size);
 *
 * (mc_e820_build() takes struct mc_e820_entry pointers; mc_acpi_build()
 * names the table before its options; mc_acpi_rsdp() takes the address
 * and the tables instead of a map's content.)
 *
 * The caller-buffer form: *size in is the room at buf, out the length
 * written (on 0) or the length needed (on MC_ENOSPC, when nothing is
 * written and no diagnostic is recorded). buf may be NULL when *size is 0,
 * which asks for the size. The allocating form does the same work once and
 * sets *out to a buffer the caller frees with mc_free() and *size to its
 * length; on error *out is NULL and *size 0. Sizes count bytes for blobs
 * and strings (a command line's count includes its NUL), and entries for
 * an e820 table (struct mc_e820_entry). Every other public function that
 * writes into a caller buffer (mc_e820_print(), mc_e820_encode(),
 * mc_e820_setup_data(), mc_e820_sanitize(), ...) follows the same in/out
 * size_t *size rule.
 *
 * Options: every emitter takes a struct mc_X_opts; NULL means the defaults,
 * and mc_X_opts_init() fills a struct with them. Option structs (and
 * struct mc_region) end in reserved words that must be zero (MC_EINVAL
 * otherwise): fields added in 1.x take that room, so a program built
 * against 1.0 keeps working. Start from mc_X_opts_init(), then set
 * fields. The library never reads past a struct's 1.0 layout.
 *
 * Layouts: array elements (struct mc_piece, struct mc_slot, struct
 * mc_e820_entry) are frozen for SONAME 1. Structs the library returns by
 * pointer (struct mc_error, struct mc_totals) may grow at their end:
 * never allocate or copy one, read it where it is.
 */
#ifndef MEMCARVE_H
#define MEMCARVE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version this header belongs to; the Makefile reads it from here. */
#define MC_VERSION "1.2.0"

/**
 * mc_version() - the version of the library a program runs with
 *
 * MC_VERSION is what the program was compiled against; a shared library
 * installed later may be newer.
 * Return: a static string such as "1.2.0".
 */
const char *mc_version(void);

/* Error codes: functions return 0 or one of these (negative). */
#define MC_EINVAL	(-1)	/* malformed input: syntax, bad value */
#define MC_ERANGE	(-2)	/* a number or range does not fit */
#define MC_EALIGN	(-3)	/* a base or size breaks a required alignment */
#define MC_EOVERLAP	(-4)	/* ranges conflict (overlapping RAM, policy abort) */
#define MC_ENOROOM	(-5)	/* relocate found no room */
#define MC_ENOMEM	(-6)	/* allocation failed */
#define MC_EIO		(-7)	/* reading a file failed */
#define MC_ESTATE	(-8)	/* call out of order, e.g. result before carve */
#define MC_ENOSPC	(-9)	/* caller buffer too small; needed size returned */
#define MC_EBADBLOB	(-10)	/* a binary input (DTB, table, image) is malformed */

/**
 * mc_strerror() - a short description of an error code
 * @err: 0 or an MC_E* code
 *
 * Return: a static string; never NULL.
 */
const char *mc_strerror(int err);

/* What a region is. */
enum mc_kind {
	MC_RAM = 0,	/* guest RAM backed by the VMM */
	MC_MMIO,	/* device window: never RAM, never described as memory */
	MC_RESERVED,	/* the guest must not use it as ordinary RAM */
	MC_ACPI,	/* ACPI reclaimable (e820 type 3) */
	MC_NVS,		/* ACPI NVS (e820 type 4) */
	MC_PMEM,	/* persistent memory (e820 type 7) */
	MC_HOTPLUG,	/* 1.1: a window where RAM may be hot-added later:
			 * not present at boot, never RAM, never a slot,
			 * never carved or relocated into; it overlaps no
			 * other region. Emitters that cannot describe it
			 * leave it out (ACPI SRAT marks it hot-pluggable). */
};

/* The Linux IOMMU reserved-region type of an MC_RESERVED region. */
enum mc_resv_type {
	MC_RESV_RESERVED = 0,
	MC_RESV_MSI,
	MC_RESV_SW_MSI,
	MC_RESV_DIRECT,			/* identity-mapped for devices */
	MC_RESV_DIRECT_RELAXABLE,	/* identity-mapped, may be remapped */
};

/*
 * What happens to RAM under a range that overlaps it: abort refuses the
 * map, overlay keeps the RAM backing the range, carve cuts the RAM out
 * (granule-rounded), relocate cuts it out and adds as much RAM back above
 * the same block.
 */
enum mc_policy {
	MC_POLICY_DEFAULT = 0,	/* region: inherit the map's; map: carve */
	MC_POLICY_ABORT,
	MC_POLICY_OVERLAY,
	MC_POLICY_CARVE,
	MC_POLICY_RELOCATE,
};

enum mc_arch {
	MC_ARCH_NONE = 0,
	MC_ARCH_ARM64,
	MC_ARCH_PPC64,
	MC_ARCH_X86_64,
	MC_ARCH_MIPS,
	MC_ARCH_RISCV64,	/* appended: the values above keep their numbers */
};

/* Region flags. The first group is input; the second is set in results. */
#define MC_F_REUSABLE	(1u << 0)	/* DT: "reusable" instead of "no-map" */
#define MC_F_READONLY	(1u << 1)	/* devices only read it (IVMD without IW) */
#define MC_F_PRIVILEGED	(1u << 2)	/* IORT RMR: privileged access only */
#define MC_F_ACCESS	(1u << 3)	/* @access holds IORT access attributes */
#define MC_F_ALL_DEVICES (1u << 4)	/* direct*: every device (devices=all) */
#define MC_F_IOVA_GAP	(1u << 5)	/* reserved: outside a device's usable
					 * IOVA ranges; any other range over
					 * it describes it */
#define MC_F_NODE	(1u << 6)	/* 1.1: @node holds the region's NUMA
					 * node (ram, pmem, hotplug only) */
#define MC_F_BACKED	(1u << 8)	/* result: guest RAM still backs it */
#define MC_F_RELOCATED	(1u << 9)	/* result: RAM added back by relocate */
#define MC_F_CARVED	(1u << 10)	/* result: RAM was cut out under it */
#define MC_F_INPUT_MASK	(MC_F_REUSABLE | MC_F_READONLY | MC_F_PRIVILEGED | \
			 MC_F_ACCESS | MC_F_ALL_DEVICES | MC_F_IOVA_GAP | \
			 MC_F_NODE)

/* A PCI device as [segment:]bus:dev.fn. */
struct mc_pci_dev {
	uint16_t segment;
	uint8_t bus;
	uint8_t devfn;		/* dev << 3 | fn */
};

/**
 * struct mc_region - one range of guest-physical address space, as input
 * @first:	first byte
 * @last:	last byte (inclusive); @first <= @last
 * @kind:	what the range is
 * @type:	IOMMU reserved-region type; meaningful for MC_RESERVED only
 * @policy:	this region's own policy, or MC_POLICY_DEFAULT
 * @flags:	MC_F_* input flags
 * @align:	required alignment of @first (a power of two), 0 for none
 * @access:	IORT RMR access attributes (DEN 0049E.d, RMR flags bits 9:2),
 *		0..0xff, when MC_F_ACCESS is set; else the emitter's default
 * @name:	name for DT nodes and labels, or NULL
 * @devices:	PCI devices a direct* range serves (@n_devices entries)
 * @sids:	IORT stream IDs, if given explicitly (@n_sids entries)
 * @source:	where it came from, named in diagnostics: the map or
 *		reserved_regions file ("<stdin>" for standard input), the
 *		decoded blob, or the caller's own name for mc_map_add()
 *		(copied). NULL in mc_map_add() stands for "mc_map_add()",
 *		with @line the call's number N (the map's mc_map_add() calls
 *		counted from 1): messages say "mc_map_add()#N".
 * @line:	the line of @source it was read from, 0 if none
 * @node:	1.1: the NUMA node (0..MC_MAX_NUMNODES - 1) when MC_F_NODE is
 *		set, for ram, pmem and hotplug only; else must be 0. A map
 *		is NUMA when any region has MC_F_NODE; then every ram, pmem
 *		and hotplug region must have it (mc_map_carve() checks)
 * @reserved32:	must be zero
 * @reserved:	must be zero (room for fields added in 1.x)
 *
 * 1.1 took the first of 1.0's four reserved words for @node and
 * @reserved32: the struct's size and every other member's offset are
 * 1.0's, and a 1.0 program's zeroed word reads as "no node".
 *
 * Callers fill one in for mc_map_add() (a zeroed struct is a valid start);
 * mc_map_input() hands them back. The carved result is made of struct
 * mc_piece, each naming the input region it comes from.
 */
struct mc_region {
	uint64_t first;
	uint64_t last;
	enum mc_kind kind;
	enum mc_resv_type type;
	enum mc_policy policy;
	unsigned int flags;
	uint64_t align;
	unsigned int access;
	unsigned int line;
	const char *name;
	const struct mc_pci_dev *devices;
	size_t n_devices;
	const uint32_t *sids;
	size_t n_sids;
	const char *source;
	uint32_t node;
	uint32_t reserved32;
	uint64_t reserved[3];
};

/*
 * The most NUMA nodes a map names: Linux's MAX_NUMNODES is
 * 1 << CONFIG_NODES_SHIFT, and CONFIG_NODES_SHIFT is at most 10
 * (mm/Kconfig), so node numbers run 0..1023.
 */
#define MC_MAX_NUMNODES 1024u

/* The most regions a map holds: a piece's @origin is 32 bits. */
#define MC_MAX_REGIONS	(UINT32_MAX - 1u)

/**
 * struct mc_piece - one piece of the carved result (24 bytes, an array
 *		     element: its layout is frozen for SONAME 1)
 * @first:	first byte
 * @last:	last byte (inclusive)
 * @origin:	index into mc_map_input() of the input region the piece comes
 *		from: its name, devices, stream IDs, access, line and policy
 *		are read there (mc_map_input(map, &n)[piece->origin])
 * @kind:	enum mc_kind, the input region's
 * @type:	enum mc_resv_type, the input region's (MC_RESERVED only)
 * @flags:	MC_F_*: the input region's and the result flags
 */
struct mc_piece {
	uint64_t first;
	uint64_t last;
	uint32_t origin;
	uint8_t kind;
	uint8_t type;
	uint16_t flags;
};

/**
 * struct mc_error - one diagnostic
 * @code:	the MC_E* code
 * @source:	file or buffer name ("<stdin>" for standard input,
 *		"mc_map_add()" for a region added without one), "" if none; a
 *		name over 255 bytes keeps its start and its end around "..."
 * @line:	line number (for "mc_map_add()", the call's number), 0 if the
 *		error is not about one line
 * @field:	the field at fault: a map-file attribute ("size", "type=")
 *		or a struct member ("opts.base", "region.devices"); "" if
 *		none
 * @msg:	the whole message, ready to print, in one of three shapes:
 *		about a range,
 *		"vm.map:7: reserved 0x8000000+0x100000 type=msi name=its:
 *		 ...";
 *		an overlap, naming both ranges,
 *		"vm.map:7: reserved 0x8000000+0x100000: overlaps ram
 *		 0x0+0x10000000 (vm.map:3) (policy abort)";
 *		anything else, "vm.map:7: size: '0' is zero" or
 *		"opts.base: not a valid DTB". A size of 0x10000000000000000
 *		is the whole 2^64 space. Bytes below 0x20 or above 0x7e are
 *		written as \xNN; a message is cut at 2047 bytes, ending "...".
 *
 * The strings belong to the map and stay valid until mc_map_clear_errors()
 * or mc_map_free(). The struct may grow at its end: use it through the
 * pointer mc_map_error() returns, never copy or allocate one.
 */
struct mc_error {
	int code;
	const char *source;
	unsigned int line;
	const char *field;
	const char *msg;
};

/**
 * struct mc_totals - what carving did to guest RAM, in bytes
 * @ram_before:		RAM the map declares
 * @ram_after:		RAM that backs the guest after carving (= backing size)
 * @carved:		RAM removed under carved ranges, rounding included
 * @relocated:		RAM added back by the relocate policy
 * @lost_to_rounding:	the part of @carved only due to granule rounding
 */
struct mc_totals {
	uint64_t ram_before;
	uint64_t ram_after;
	uint64_t carved;
	uint64_t relocated;
	uint64_t lost_to_rounding;
};

/**
 * struct mc_slot - one KVM memory slot (32 bytes, an array element: its
 *		    layout is frozen for SONAME 1)
 * @slot:	slot number, from 0 in ascending guest order
 * @node:	1.1 (in 1.0's padding): the slot's NUMA node; 0 when the map
 *		is not NUMA. A slot never spans two nodes.
 * @guest:	guest-physical address
 * @size:	bytes
 * @offset:	offset into one contiguous host backing area; slots are
 *		packed, so the backing area is mc_totals.ram_after bytes. In
 *		a NUMA map the area holds the nodes one after the other in
 *		ascending node order, each node's slots in guest order:
 *		@offset minus the node's mc_node_backing.offset is the
 *		slot's offset into its node's own area (mc_map_backing()).
 */
struct mc_slot {
	uint32_t slot;
	uint32_t node;
	uint64_t guest;
	uint64_t size;
	uint64_t offset;
};

struct mc_map;

/**
 * mc_map_new() - create an empty map
 *
 * Defaults: no arch, policy carve, granule = the arch's page size (ppc64:
 * 16 MiB, the multiple of RAM its kernel keeps).
 * Return: the map, or NULL when out of memory. Free it with mc_map_free().
 */
struct mc_map *mc_map_new(void);

/**
 * mc_map_free() - free a map and everything it returned
 * @map: the map, or NULL
 */
void mc_map_free(struct mc_map *map);

/**
 * mc_map_set_arch() - set the guest architecture
 * mc_map_set_policy() - set the default policy (not MC_POLICY_DEFAULT)
 * mc_map_set_granule() - set the carving alignment: a power of two, at
 *	least MC_GRANULE_MIN
 *
 * A value set here overrides the matching statement of any map text loaded
 * later or earlier ("arch", "policy", "granule" in a map file).
 * Return: 0, or MC_EINVAL for a value out of range.
 */
/*
 * KVM maps guest memory in host pages, 4K on every host memcarve's guests
 * run on: a slot's base and size must be multiples of it, so no granule
 * (and no piece of carved RAM) is smaller. A map may ask for more, e.g.
 * 16K or 64K for an arm64 guest with larger pages.
 */
#define MC_GRANULE_MIN 4096

int mc_map_set_arch(struct mc_map *map, enum mc_arch arch);
int mc_map_set_policy(struct mc_map *map, enum mc_policy policy);
int mc_map_set_granule(struct mc_map *map, uint64_t granule);

enum mc_arch mc_map_arch(const struct mc_map *map);
enum mc_policy mc_map_policy(const struct mc_map *map);
uint64_t mc_map_granule(const struct mc_map *map);

/**
 * mc_map_add() - add one region
 * @map:	the map
 * @region:	the region; name, devices, sids and source are copied;
 *		result flags are ignored; @region->reserved must be zero
 *
 * Return: 0, or MC_EINVAL / MC_ERANGE (also: the map already holds
 * MC_MAX_REGIONS) / MC_EALIGN / MC_ENOMEM with a diagnostic in the map.
 */
int mc_map_add(struct mc_map *map, const struct mc_region *region);

/**
 * mc_map_load() - parse map-file text (the format memcarve(1) describes
 *		   under MAP FILE: one statement per line)
 * @map:	the map to add to
 * @source:	name used in diagnostics, e.g. the file name; it becomes the
 *		source of every region the text adds (copied)
 * @text:	the text; need not be NUL-terminated
 * @len:	its length in bytes
 *
 * Every line is checked; parsing goes on after an error so that one call
 * reports all of them (up to MC_MAX_ERRORS). Regions from lines with errors
 * are not added. A line longer than 4096 bytes (newline excluded) is an
 * error. Text holding a NUL byte or a control character other than tab,
 * form feed, vertical tab and carriage return is binary: it is refused
 * whole, with one diagnostic, and nothing in it is read.
 * Return: 0, or the code of the first error.
 */
int mc_map_load(struct mc_map *map, const char *source, const char *text,
		size_t len);

/**
 * mc_map_load_resv() - parse sysfs reserved_regions text
 * @map:	the map to add to
 * @source:	name used in diagnostics
 * @text:	lines "0x<start> 0x<end> <type>", end inclusive, type one of
 *		direct, direct-relaxable, reserved, msi
 * @len:	its length in bytes
 *
 * Each line becomes an unnamed MC_RESERVED region whose source and line
 * are @source and its line, so a diagnostic about it names that file.
 * Lines are limited as in mc_map_load().
 * Return: 0, or the code of the first error.
 */
int mc_map_load_resv(struct mc_map *map, const char *source, const char *text,
		     size_t len);

/**
 * mc_map_load_file() - mc_map_load() on a file ("-" is standard input)
 * mc_map_load_resv_file() - mc_map_load_resv() on a file
 *
 * Return: as the text variants, or MC_EIO when the file cannot be read.
 */
int mc_map_load_file(struct mc_map *map, const char *path);
int mc_map_load_resv_file(struct mc_map *map, const char *path);

/*
 * The most any input is read: a map, a reserved_regions file, a base DTB
 * or table, a kernel image. A map of 10^6 ranges is about 70 MiB; anything
 * longer (an endless stream such as /dev/zero) is refused once this much
 * has been read, so memory and time stay bounded.
 */
#define MC_INPUT_MAX ((size_t)256 << 20)

/**
 * mc_read_file() - read all of a file, at most MC_INPUT_MAX bytes
 * @map:	where a failure's diagnostic goes
 * @path:	the file; "-" is standard input (named "<stdin>" in messages)
 * @data:	set to a buffer holding the bytes and a NUL after them; the
 *		caller frees it with mc_free()
 * @len:	set to the number of bytes
 *
 * Return: 0; MC_EIO when it cannot be opened or read (a directory, say);
 * MC_ERANGE when it holds more than MC_INPUT_MAX bytes; MC_ENOMEM.
 */
int mc_read_file(struct mc_map *map, const char *path, void **data,
		 size_t *len);

/**
 * mc_map_carve() - apply the policies and build the carved result
 * @map: the map
 *
 * Runs in O(n log n) for n regions. Can be called again after the map
 * changes; each call replaces the previous result.
 *
 * The same direct range listed more than once with the same attributes
 * but other devices (each passed-through device's IOMMU group lists the
 * firmware range they share) is one range serving all of them: the
 * listing its pieces name as @origin, the first one with a name or else
 * the first, gets the others' devices added to its @devices, as
 * mc_map_input() then shows; so does a direct listing of a range also
 * listed direct-relaxable (Linux lists an RMRR so in a USB or graphics
 * device's group). Ranges that only overlap and serve other devices are a
 * conflict (MC_EOVERLAP).
 * Return: 0, MC_EOVERLAP (overlapping RAM, a policy-abort conflict,
 * overlapping ranges that cannot be merged, or a range over a hotplug
 * window), MC_ENOROOM (relocate found no room, in a NUMA map in the
 * block's own node), MC_EINVAL (a NUMA rule: a ram, pmem or hotplug range
 * without a node in a NUMA map, a distance naming a node no region names,
 * a distance in a map that is not NUMA, one pair given two distances),
 * MC_ERANGE (total RAM above 2^64 - 1) or MC_ENOMEM. Conflicts get one
 * diagnostic each.
 */
int mc_map_carve(struct mc_map *map);

/**
 * mc_map_input() - the regions as added, in order
 * @map:	the map
 * @count:	set to the number of regions
 */
const struct mc_region *mc_map_input(const struct mc_map *map, size_t *count);

/**
 * mc_map_result() - the carved result
 * @map:	a carved map
 * @count:	set to the number of pieces
 *
 * Pieces are sorted by address and never overlap. Each names its input
 * region (@origin), whose attributes it carries. RAM pieces are what the
 * guest gets as RAM; every other piece is described to the guest. Each
 * piece lies wholly inside or wholly outside the input RAM: inside, it has
 * MC_F_BACKED where RAM still backs it (overlay) or MC_F_CARVED where RAM
 * was cut out. RAM pieces have MC_F_BACKED too. Gaps are space the map does
 * not mention.
 * Return: the array, or NULL (and *count = 0) if the map is not carved.
 */
const struct mc_piece *mc_map_result(const struct mc_map *map,
				     size_t *count);

/**
 * mc_map_effective_policy() - the policy that applies to an input region
 * @map:	the map (its default policy)
 * @region:	a region of mc_map_input(), e.g. that of a piece's origin
 *
 * The region's own policy, else the map's, except that direct ranges,
 * acpi and nvs default to overlay, and mmio and pmem are never overlaid
 * (overlay means carve for them).
 * Return: never MC_POLICY_DEFAULT.
 */
enum mc_policy mc_map_effective_policy(const struct mc_map *map,
				       const struct mc_region *region);

/**
 * mc_free() - free a buffer an _alloc function returned
 * @p:		the buffer, or NULL
 */
void mc_free(void *p);

/**
 * mc_map_totals() - RAM accounting of the carve
 * Return: the totals, or NULL if the map is not carved.
 */
const struct mc_totals *mc_map_totals(const struct mc_map *map);

/**
 * mc_map_slots() - the RAM slots for KVM_SET_USER_MEMORY_REGION
 * @map:	a carved map
 * @count:	set to the number of slots
 *
 * One slot per maximal run of backed memory (RAM and backed pieces), in
 * ascending guest order, offsets packed from 0. Emitters that describe
 * "memory" (DT memory nodes, mem=) use these blocks too.
 * Return: the array, or NULL (and *count = 0) if the map is not carved.
 */
const struct mc_slot *mc_map_slots(const struct mc_map *map, size_t *count);

/**
 * struct mc_node_backing - one NUMA node's part of the backing area (1.1;
 *			    24 bytes, an array element: its layout is frozen)
 * @node:	the node
 * @reserved:	0
 * @offset:	where the node's part starts in the one backing area
 * @size:	its bytes: the node's boot RAM after carving (may be 0, for
 *		a node with only pmem or hotplug windows)
 *
 * A VMM mmaps the one area and binds each node's part to the host node
 * with mbind(), or maps one area per node and gives each slot
 * slot.offset - backing.offset into its node's.
 */
struct mc_node_backing {
	uint32_t node;
	uint32_t reserved;
	uint64_t offset;
	uint64_t size;
};

/**
 * mc_map_backing() - the backing area, node by node (1.1)
 * @map:	a carved map
 * @count:	set to the number of entries
 *
 * One entry per node that any region names, in ascending node order;
 * the offsets are packed from 0 and the sizes add up to
 * mc_totals.ram_after. A map that is not NUMA has one entry
 * {0, 0, 0, ram_after}.
 * Return: the array, or NULL (and *count = 0) if the map is not carved.
 */
const struct mc_node_backing *mc_map_backing(const struct mc_map *map,
					     size_t *count);

/**
 * mc_map_is_numa() - whether the map is NUMA (1.1)
 * @map:	the map
 *
 * Return: 1 when any input region has MC_F_NODE, else 0.
 */
int mc_map_is_numa(const struct mc_map *map);

/* The distances Linux accepts (numa_set_distance(), of_numa.c). */
#define MC_NUMA_LOCAL_DISTANCE	10
#define MC_NUMA_MAX_DISTANCE	255

/**
 * mc_map_set_distance() - the map file's "distance FROM TO N" (1.1)
 * @map:	the map
 * @from:	a node some region of the map names
 * @to:		a node some region of the map names
 * @distance:	10 when @from == @to; else 11..255
 *
 * Sets @from -> @to, and @to -> @from unless that is set by its own
 * call. Checked here as the statement is: nodes below MC_MAX_NUMNODES,
 * the distance in range. What needs the whole map is checked by
 * mc_map_carve(), so statements and regions may come in any order: both
 * nodes named by some region, the map NUMA, and one ordered pair never
 * given two different values (the same value twice is no error).
 * Return: 0, MC_EINVAL (a node or distance out of range) or MC_ENOMEM,
 * each with a diagnostic.
 */
int mc_map_set_distance(struct mc_map *map, uint32_t from, uint32_t to,
			uint32_t distance);

/**
 * mc_map_distance() - the distance the map states for @from -> @to (1.1)
 * @map:	the map
 * @from:	a node
 * @to:		a node
 *
 * Return: the distance set for the pair directly or by symmetry, or 0
 * when the map states none; emitters then write no distance table and
 * the guest's default is 10 local, 20 remote.
 */
uint32_t mc_map_distance(const struct mc_map *map, uint32_t from,
			 uint32_t to);

/* Which regions mc_map_write() writes. */
enum mc_map_part {
	MC_MAP_INPUT = 0,	/* the regions as added (mc_map_input()) */
	MC_MAP_RESULT,		/* the carved result (mc_map_result()) */
};

/**
 * mc_map_write() - the map as map-file text, which mc_map_load() reads back
 * @map:	the map; carved for MC_MAP_RESULT
 * @what:	MC_MAP_INPUT or MC_MAP_RESULT
 * @buf:	where the text goes, NUL-terminated (may be NULL when *@size
 *		is 0)
 * @size:	in: bytes at @buf; out: the length of the text with its NUL,
 *		written (0 returned) or needed (MC_ENOSPC, nothing written,
 *		no diagnostic)
 *
 * First the settings the map holds other than a new map's: "arch A" when
 * one is set, "granule G" when one was set (by text or
 * mc_map_set_granule()), "policy P" when it is not carve. Then one
 * statement per region, "KIND 0xBASE SIZE [attributes]", BASE and SIZE in
 * hex (SIZE 0x10000000000000000 for all 2^64 bytes), columns padded with
 * blanks.
 *
 * MC_MAP_INPUT: every region with every attribute the parser reads (type=,
 * name=, policy=, align=, reusable, readonly, privileged, access= as a
 * number, devices=, sids=, node=), then every "distance" statement.
 * Loading the text into a new map gives the same settings, the same
 * distances and the same regions in the same order: first, last, kind,
 * type, policy, flags, align, access, node, name, devices and sids; only
 * the source and line differ.
 *
 * MC_MAP_RESULT: the carved pieces as statements that carve to the same
 * result. A RAM piece is a ram range; a piece RAM still backs
 * (MC_F_BACKED) is a ram range and the piece over it with policy=overlay;
 * any other piece is the piece alone, as no RAM is left under it. Each
 * keeps type=, name=, the input flags, access=, node=, devices= and sids=
 * (a ram statement the node of its RAM); policy and align of the input
 * are not written. The distances between nodes the text still names
 * follow (a node whose ranges were all carved away is named by none). Loading the text and carving
 * gives pieces equal in first, last, kind, type, name, devices, sids,
 * access and flags, except MC_F_CARVED and MC_F_RELOCATED, which describe
 * what the first carve did (nothing is cut or relocated the second time);
 * the same slots; totals with the same ram_after (ram_before is then
 * ram_after, carved, relocated and lost_to_rounding 0); origin, source
 * and line count in the new text.
 *
 * Return: 0; MC_ENOSPC; MC_EINVAL (@what unknown), MC_ESTATE
 * (MC_MAP_RESULT of a map not carved), MC_ERANGE (a region whose statement
 * would pass the 4096 bytes the parser reads in one line: thousands of
 * devices or sids) or MC_ENOMEM, each with a diagnostic.
 */
int mc_map_write(struct mc_map *map, enum mc_map_part what, char *buf,
		 size_t *size);

/**
 * mc_map_write_alloc() - mc_map_write() into a buffer of its own
 * @map:	the map; carved for MC_MAP_RESULT
 * @what:	MC_MAP_INPUT or MC_MAP_RESULT
 * @out:	set to the NUL-terminated text (free with mc_free()), NULL on
 *		error
 * @size:	set to its length with the NUL, 0 on error
 *
 * Return: as mc_map_write(), never MC_ENOSPC.
 */
int mc_map_write_alloc(struct mc_map *map, enum mc_map_part what, char **out,
		       size_t *size);

/**
 * mc_map_set_device_paths() - the device-tree nodes a direct range serves
 * @map:	the map
 * @index:	the input region, an index into mc_map_input(); a direct or
 *		direct-relaxable range without MC_F_ALL_DEVICES
 * @paths:	@n absolute node paths ("/soc/ethernet@ff0c0000",
 *		"/pcie@10000000/pci@1,0"), copied into the map; NULL when @n
 *		is 0
 * @n:		how many; 0 removes the range's paths
 *
 * A device-tree guest names a device by its node. The paths stand beside
 * @devices of struct mc_region (whose layout has no room for them), in a
 * table of the map; map text gives them in devices= (memcarve(1)). Each
 * path is checked as the DT specification writes one (v0.4, 2.2.1 and
 * 2.2.3): "/" and components "name[@unit-address]", a name of 1 to 31
 * characters of 0-9 a-z A-Z , . _ + - starting with a letter; not the
 * root. Only the device-tree emitter (patch mode, with the base tree that
 * has the nodes) uses them; the ACPI tables cannot name a node and refuse
 * a range with paths. A call replaces the range's paths and drops the
 * carved result, as every mc_map_set_*() call does.
 * Return: 0; MC_EINVAL (@index out of range, not a direct range, all
 * devices, a malformed path) or MC_ENOMEM, with a diagnostic naming
 * field "paths" (or "index").
 */
int mc_map_set_device_paths(struct mc_map *map, size_t index,
			    const char *const *paths, size_t n);

/**
 * mc_map_device_paths() - the device-tree node paths of an input region
 * @map:	the map
 * @index:	an index into mc_map_input()
 * @count:	set to the number of paths (0 for none, or @index out of
 *		range)
 *
 * Return: the paths, in the order given, or NULL when there are none.
 * They belong to the map, valid until it is changed or freed.
 */
const char *const *mc_map_device_paths(const struct mc_map *map,
				       size_t index, size_t *count);

#define MC_MAX_ERRORS 32	/* diagnostics kept per map; more are counted */

/**
 * mc_map_error_count() - diagnostics kept so far; they accumulate over
 *			  calls until mc_map_clear_errors()
 * mc_map_error() - one of them, 0 = first; NULL if out of range
 * mc_map_errors_dropped() - how many more there were beyond MC_MAX_ERRORS
 * mc_map_clear_errors() - forget them
 */
size_t mc_map_error_count(const struct mc_map *map);
const struct mc_error *mc_map_error(const struct mc_map *map, size_t i);
size_t mc_map_errors_dropped(const struct mc_map *map);
void mc_map_clear_errors(struct mc_map *map);

/**
 * mc_map_report() - record a diagnostic on the map
 * @map:	the map
 * @code:	an MC_E* code
 * @field:	the struct field at fault ("opts.base"), or NULL
 * @fmt:	printf-style message
 *
 * For tools built on the map, so that every error reaches the caller
 * through mc_map_error(). The message reads "FIELD: text", the shape of
 * the library's own messages that are not about one range.
 * Return: @code.
 */
int mc_map_report(struct mc_map *map, int code, const char *field,
		  const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* Names as the map file spells them; NULL or -1 when unknown. */
const char *mc_kind_name(enum mc_kind kind);
const char *mc_resv_type_name(enum mc_resv_type type);
const char *mc_policy_name(enum mc_policy policy);
const char *mc_arch_name(enum mc_arch arch);
int mc_kind_parse(const char *s, enum mc_kind *kind);
int mc_resv_type_parse(const char *s, enum mc_resv_type *type);
int mc_policy_parse(const char *s, enum mc_policy *policy);
int mc_arch_parse(const char *s, enum mc_arch *arch);

/**
 * mc_parse_number() - a number as the map file writes it
 * @s:		decimal or 0x hex, with an optional binary suffix K, M, G or T
 *		(case-insensitive, 1K = 1024)
 * @out:	set to the value on success
 *
 * Return: 0, MC_EINVAL if @s is not such a number, MC_ERANGE if it does
 * not fit in 64 bits.
 */
int mc_parse_number(const char *s, uint64_t *out);

/**
 * mc_arch_page_size() - the page size of an arch's Debian kernels
 * Return: 64K for ppc64, 4K otherwise. It is the default granule, but
 * on ppc64, whose default granule is 16 MiB.
 */
uint64_t mc_arch_page_size(enum mc_arch arch);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_H */
