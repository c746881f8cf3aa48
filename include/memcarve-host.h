/* SPDX-License-Identifier: MIT */
/*
 * memcarve-host.h - the host's reserved regions for a passed-through device,
 * as the host reports them, tied to the guest's view of that device.
 *
 * A VMM that passes a device through with VFIO learns where the device
 * cannot DMA from one of three sources, and feeds them to the map:
 *
 *  - sysfs: /sys/kernel/iommu_groups/N/reserved_regions, one line per
 *    range with its IOMMU reserved-region type (direct, msi, ...).
 *    mc_map_load_resv_for() reads such text; mc_map_load_iommu_group()
 *    finds a group's file and its devices under a sysfs root.
 *  - VFIO type1: the VFIO_IOMMU_GET_INFO capability chain, whose
 *    VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE lists the *usable* IOVA ranges
 *    (mc_map_load_vfio_iommu_info()).
 *  - iommufd: IOMMU_IOAS_IOVA_RANGES, the usable ranges of an IOAS
 *    (mc_map_add_usable_iova()).
 *
 * The guest's IOMMU driver needs the *guest's* device IDs for an
 * identity-mapped (direct) range: an RMRR, IVMD or RMR names the devices
 * it serves. The host's files carry no devices, so the caller says which
 * guest devices a file's direct ranges serve (struct mc_resv_opts).
 *
 * Which source wins: every source adds ranges to the map, and carving
 * joins what they say. A range two sources report with the same extent and
 * a compatible type is one range; where one range contains a bare host
 * range, the containing range's attributes (name, devices, policy) apply.
 * The usable-IOVA sources know no types: the ranges they add are plain
 * "reserved", and a sysfs range of a more precise type over the same bytes
 * is kept with its type. Give sysfs (with devices) for what the guest's
 * IOMMU must be told, and VFIO/iommufd for where RAM must not be.
 *
 * VFIO type1 leaves direct-relaxable ranges (USB and graphics RMRRs) usable
 * for DMA mapping. They are described to the guest but, like every direct
 * range, default to the overlay policy: RAM stays behind them.
 */
#ifndef MEMCARVE_HOST_H
#define MEMCARVE_HOST_H

#include <stddef.h>
#include <stdint.h>
#include "memcarve.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * mc_pci_dev_parse() - a PCI device as lspci and sysfs write it
 * @s:		"[segment:]bus:dev.fn" in hex, e.g. "00:02.0" or
 *		"0000:3b:00.1"
 * @dev:	set on success
 *
 * Return: 0, or MC_EINVAL if @s is not such a device.
 */
int mc_pci_dev_parse(const char *s, struct mc_pci_dev *dev);

/**
 * struct mc_resv_opts - the guest devices a host file's direct ranges serve
 * @devices:	the guest's PCI devices (@n_devices entries); copied
 * @sids:	IORT stream IDs, if not the devices' requester IDs
 * @flags:	MC_F_ALL_DEVICES: every device (IVRS all-peripherals IVMD);
 *		then @devices must be empty
 * @reserved:	must be zero
 *
 * The devices and stream IDs go to each direct and direct-relaxable range
 * of the file; msi and reserved ranges take none.
 */
struct mc_resv_opts {
	const struct mc_pci_dev *devices;
	size_t n_devices;
	const uint32_t *sids;
	size_t n_sids;
	unsigned int flags;
	uint64_t reserved[4];
};

/* mc_resv_opts_init() - no devices, no stream IDs, no flags. */
void mc_resv_opts_init(struct mc_resv_opts *opts);

/**
 * mc_map_load_resv_for() - mc_map_load_resv() with devices for its direct
 *			    ranges
 * mc_map_load_resv_file_for() - the same on a file ("-" is standard input)
 * @opts: the devices, or NULL for none (then it is mc_map_load_resv())
 *
 * The map file says the same with "resv FILE devices=00:02.0" (FILE
 * relative to the map file's directory). Only a map read from a file by
 * mc_map_load_file() may: text parsed from memory or standard input never
 * makes the library open a file, and refuses the statement.
 * Return: as mc_map_load_resv(); MC_EINVAL for opts the map refuses
 * (region.devices rules: devices=all with a device list, reserved not 0).
 */
/**
 * mc_map_load_file_text() - mc_map_load() on the text of the map file
 *			     @path, which the caller has read already
 *
 * As mc_map_load_file(): its resv statements read their files beside
 * @path (unless @path is "<stdin>"). mc_map_load() refuses them.
 * Return: as mc_map_load().
 */
int mc_map_load_file_text(struct mc_map *map, const char *path,
			  const char *text, size_t len);

int mc_map_load_resv_for(struct mc_map *map, const char *source,
			 const char *text, size_t len,
			 const struct mc_resv_opts *opts);
int mc_map_load_resv_file_for(struct mc_map *map, const char *path,
			      const struct mc_resv_opts *opts);

/*
 * sysfs. @sysfs_root is the directory holding "sys" ("/" on a live host;
 * a saved tree for tests and offline use); NULL means "/".
 */

/**
 * mc_iommu_group_of() - the IOMMU group of a host PCI device
 * @map:	where a failure's diagnostic goes
 * @sysfs_root:	see above
 * @host:	the device, as the host numbers it
 * @group:	set to N of /sys/bus/pci/devices/DEV/iommu_group ->
 *		.../kernel/iommu_groups/N
 *
 * Return: 0; MC_EIO when the device or its group link is missing (no
 * IOMMU, or not that device); MC_EINVAL when the link is not a group.
 */
int mc_iommu_group_of(struct mc_map *map, const char *sysfs_root,
		      const struct mc_pci_dev *host, unsigned int *group);

/*
 * The most devices an IOMMU group lists that the library reads: a group is
 * the devices the IOMMU cannot tell apart, at most a bus's worth.
 */
#define MC_GROUP_DEVICES_MAX 256

/**
 * mc_map_load_iommu_group() - a group's reserved_regions, tied to devices
 * @map:	the map to add to
 * @sysfs_root:	see above
 * @group:	N of /sys/kernel/iommu_groups/N
 * @opts:	the guest devices its direct ranges serve; NULL or no devices
 *		(and no MC_F_ALL_DEVICES): the group's own PCI devices, as
 *		the host numbers them (iommu_groups/N/devices/)
 *
 * Diagnostics name the file, ".../iommu_groups/N/reserved_regions:LINE".
 * Return: 0; MC_EIO when the group or its file is missing; MC_ERANGE
 * when the group lists more than MC_GROUP_DEVICES_MAX devices; the
 * codes of mc_map_load_resv().
 */
int mc_map_load_iommu_group(struct mc_map *map, const char *sysfs_root,
			    unsigned int group,
			    const struct mc_resv_opts *opts);

/**
 * struct mc_iova_range - one usable IOVA range, [@start, @last] inclusive
 *
 * The layout of iommufd's struct iommu_iova_range (linux/iommufd.h), so an
 * IOMMU_IOAS_IOVA_RANGES result array passes straight in.
 */
struct mc_iova_range {
	uint64_t start;
	uint64_t last;
};

/**
 * struct mc_iova_opts - how usable IOVA ranges become reserved ones
 * @address_bits: the guest's physical address width, 1..64 (no default:
 *		0 is refused). The reserved ranges are the complement of the
 *		usable ranges within [0, 2^@address_bits - 1].
 * @source:	name for diagnostics and for the ranges' source, or NULL
 *		("vfio-info" or "iova-ranges")
 * @reserved:	must be zero
 */
struct mc_iova_opts {
	unsigned int address_bits;
	const char *source;
	uint64_t reserved[4];
};

/* mc_iova_opts_init() - address_bits 0 (must be set), source NULL. */
void mc_iova_opts_init(struct mc_iova_opts *opts);

/**
 * mc_map_add_usable_iova() - reserve what a device cannot DMA to
 * @map:	the map to add to
 * @ranges:	the usable ranges (iommufd IOMMU_IOAS_IOVA_RANGES), in any
 *		order; they may not overlap
 * @n:		how many
 * @opts:	the address width; required
 *
 * Adds one MC_RESERVED range of type MC_RESV_RESERVED per gap between the
 * usable ranges below 2^address_bits, so RAM never lands where the device
 * cannot reach it. Diagnostics say "SOURCE[I]:" for range I.
 * Return: 0; MC_EINVAL for an empty list (nothing usable), a range whose
 * last is below its start, overlapping ranges or bad opts; MC_ENOMEM.
 */
int mc_map_add_usable_iova(struct mc_map *map,
			   const struct mc_iova_range *ranges, size_t n,
			   const struct mc_iova_opts *opts);

/**
 * mc_map_load_vfio_iommu_info() - the usable ranges of a VFIO type1 IOMMU
 * @map:	the map to add to
 * @info:	the bytes VFIO_IOMMU_GET_INFO filled in: struct
 *		vfio_iommu_type1_info and its capability chain, in the
 *		host's byte order
 * @len:	how many bytes @info holds
 * @opts:	the address width; required
 *
 * Walks the capability chain; unknown capabilities are skipped. Without a
 * VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE capability nothing is added (the
 * kernel reports no limits). Otherwise, as mc_map_add_usable_iova() on its
 * ranges. Diagnostics say "SOURCE+0xOFFSET:" for the byte at fault.
 * Return: 0; MC_EBADBLOB for a buffer too short for what it says (argsz
 * above @len: call the ioctl again with a buffer of argsz bytes), an
 * offset outside it, a chain that does not go forward (it would loop);
 * the codes of mc_map_add_usable_iova().
 */
int mc_map_load_vfio_iommu_info(struct mc_map *map, const void *info,
				size_t len, const struct mc_iova_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_HOST_H */
