/* SPDX-License-Identifier: MIT */
/*
 * memcarve-acpi.h - the carved map's direct ranges as ACPI tables.
 *
 * Identity-mapped ("direct" and "direct-relaxable") reserved ranges reach a
 * guest's IOMMU driver through one ACPI structure per vendor:
 *
 *   DMAR (Intel VT-d)	one RMRR per range, a device scope per PCI device
 *   IVRS (AMD-Vi)	IVMD blocks (0x20 all devices, 0x21 one, 0x22 a range)
 *   IORT (Arm)		one RMR node per range, ID mappings to the SMMUv3
 *
 * and, through the same calls, a NUMA map's nodes as an SRAT (1.1,
 * MC_ACPI_SRAT: see mc_acpi_build()).
 *
 * Every range names the devices it serves (region.devices, or
 * region.sids for the IORT): a direct range with none is refused
 * (MC_EINVAL naming its source and line), since an RMRR needs a device
 * scope and Linux skips an RMR node without ID mappings. MC_F_ALL_DEVICES
 * ("devices=all") is an IVRS 0x20 IVMD; DMAR and IORT refuse it.
 *
 * Each table is built either fresh (a complete table whose IOMMU comes from
 * struct mc_acpi_opts, defaults matching QEMU's emulated IOMMUs) or by
 * patching the VMM's own table (opts.base): every existing byte is kept, the
 * new structures are added and length, checksum, revision and OEM revision
 * fixed, so that a Linux initrd table upgrade accepts the result.
 *
 * Each direct input range is described once, whole: the pieces of one input
 * range (struct mc_piece.origin) are joined again. Only the carved result
 * is read (mc_map_result()).
 *
 * Buffers, sizes, options and ownership follow the emitter convention of
 * memcarve.h: mc_acpi_build() and mc_acpi_rsdp() write into a caller
 * buffer (size in bytes), their _alloc forms into one freed with
 * mc_free(). Errors are negative MC_E* codes with a diagnostic in the map
 * (mc_map_error()) naming the option or range at fault, but MC_ENOSPC.
 */
#ifndef MEMCARVE_ACPI_H
#define MEMCARVE_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "memcarve.h"

#ifdef __cplusplus
extern "C" {
#endif

enum mc_acpi_table {
	MC_ACPI_DMAR = 1,
	MC_ACPI_IVRS,
	MC_ACPI_IORT,
	MC_ACPI_SRAT,	/* 1.1: the NUMA nodes, not the direct ranges */
};

/* IORT RMR access attributes (DEN 0049E.d RMR flags bits 9:2). */
#define MC_IORT_ACCESS_DEVICE_NGNRNE	0x00
#define MC_IORT_ACCESS_NORMAL_WB	0x05

/**
 * struct mc_acpi_opts - the base table, header fields and the IOMMU a
 *			  fresh table describes
 * @base:		the VMM's table of the same signature to patch, or NULL
 *			for a fresh table (mc_acpi_build() only). It is
 *			checked whole before use: length, checksum, revision
 *			(DMAR 1, IVRS 1 or 2, IORT 0 to 6), every structure,
 *			device scope, IVHD entry, IORT ID mapping (which must
 *			point at a node) and RMR descriptor inside its parent,
 *			and the ranges it already describes (as its decoder
 *			reads them). Only read.
 * @base_len:		bytes at @base
 * @oem_id:		OEM ID, at most 6 characters (space padded); NULL:
 *			"MCARVE" fresh, the base table's when patching
 * @oem_table_id:	OEM table ID, at most 8 characters; NULL: "MEMCARVE"
 *			fresh, the base table's when patching
 * @oem_revision:	used when @set_oem_revision; else 1 fresh, base + 1
 *			when patching (a table upgrade needs a higher one)
 * @set_oem_revision:	@oem_revision was given
 * @creator_id:		creator ID, at most 4 characters; NULL: "MCRV"
 * @creator_revision:	creator revision
 * @revision:		table revision; 0: DMAR 1, IVRS 1, IORT 5 (E.d, the
 *			first Linux reads RMR nodes from). When patching an
 *			IORT the result has at least this revision.
 * @iommu_base:		DMAR DRHD register base, IVRS IVHD base, IORT SMMUv3
 *			base; 0 for the table's default: 0xfed90000 (QEMU
 *			intel-iommu), 0xfed80000 (QEMU amd-iommu), 0x09050000
 *			(QEMU virt)
 * @host_address_width:	DMAR: DMA address width in bits (39)
 * @dmar_flags:		DMAR flags (bit0 INTR_REMAP ...), 0
 * @ivinfo:		IVRS IVinfo (0x2800: 40-bit physical addresses)
 * @ivhd_devid:		IVRS: the IOMMU's own requester ID (0x0018, 00:03.0)
 * @ivhd_flags:		IVRS IVHD flags (0xd1)
 * @ivhd_cap_offset:	IVRS IVHD capability offset (0x40)
 * @ivhd_features:	IVRS IVHD feature reporting (0x44)
 * @ioapic_devid:	IVRS: requester ID of the southbridge IOAPIC (0x00a0)
 * @ioapic_id:		IVRS: its IOAPIC ID (0)
 * @smmu_gsiv:		IORT SMMUv3 event GSIV (0x6a); PRI +1, sync +2,
 *			GERR +3, as QEMU wires them
 * @max_numnodes:	1.2, SRAT: the guest kernel's MAX_NUMNODES
 *			(1 << CONFIG_NODES_SHIFT), a power of two 2..1024;
 *			0 means the Debian kernel's for the map's arch (6.1,
 *			6.12 and sid alike): 1024 on x86_64, 16 on arm64
 * @reserved32:		must be zero
 * @reserved:		must be zero
 *
 * 1.2 took 1.0's first reserved word for @max_numnodes and @reserved32:
 * the struct's size and every 1.0 member's offset stay 1.0's, and a
 * struct filled by mc_acpi_opts_init() reads as the default.
 *
 * mc_acpi_opts_init() fills in the defaults above; NULL options are the
 * same. A zeroed struct is not: its IVRS and IORT fields are 0.
 */
struct mc_acpi_opts {
	const void *base;
	size_t base_len;
	const char *oem_id;
	const char *oem_table_id;
	uint32_t oem_revision;
	bool set_oem_revision;
	const char *creator_id;
	uint32_t creator_revision;
	uint8_t revision;
	uint64_t iommu_base;
	uint8_t host_address_width;
	uint8_t dmar_flags;
	uint32_t ivinfo;
	uint16_t ivhd_devid;
	uint8_t ivhd_flags;
	uint16_t ivhd_cap_offset;
	uint32_t ivhd_features;
	uint16_t ioapic_devid;
	uint8_t ioapic_id;
	uint32_t smmu_gsiv;
	uint32_t max_numnodes;
	uint32_t reserved32;
	uint64_t reserved[3];
};

/**
 * mc_acpi_opts_init() - the defaults, for any table
 * @opts:	filled in
 */
void mc_acpi_opts_init(struct mc_acpi_opts *opts);

/**
 * mc_acpi_build() - the table describing the map's direct ranges
 * @map:	a carved map; receives the diagnostics
 * @table:	which table
 * @opts:	the base table to patch, header fields and IOMMU; NULL for a
 *		fresh table with the defaults
 * @buf:	where the table goes; may be NULL when *@size is 0
 * @size:	in: bytes at @buf; out: the table's length (written, or
 *		needed on MC_ENOSPC)
 *
 * Per range: DMAR needs base and end + 1 4 KiB aligned, IORT 64 KiB
 * aligned, and an RMR needs stream IDs (sids=, else the requester IDs of
 * devices=, bus << 8 | devfn, as QEMU's root complex maps them 1:1).
 * A range that ends at 2^64 - 1 cannot be described by its length.
 *
 * What each range becomes: DMAR, one RMRR per PCI segment of its devices
 * (one scope per device, one hop from its bus); IVRS, IVMDs with Unity and
 * IR, and IW unless the range is readonly; IORT, one RMR node with
 * Remapping Permitted for direct-relaxable, Access Privileged for
 * privileged, and access attributes from access=, by default Normal
 * write-back (MC_IORT_ACCESS_NORMAL_WB) when guest RAM backs the whole
 * range and Device-nGnRnE (MC_IORT_ACCESS_DEVICE_NGNRNE) when it does not.
 * DMAR and IVRS cannot say "relaxable": such ranges are plain unity maps.
 *
 * MC_ACPI_SRAT (1.1) describes a NUMA map's nodes instead (a map with no
 * node= is refused, MC_EINVAL): one enabled memory affinity structure,
 * proximity domain = node, per node-contiguous range, joined where ranges
 * of one node and the same flags touch, written node by node in address
 * order: each KVM slot's RAM (so RAM and the ranges overlaid on it; holes
 * left out), pmem non-volatile, hotplug windows hot-pluggable. Fresh: a
 * table of revision 3 with nothing else (opts.revision overrides). With
 * opts.base (revision 1 to 3, the VMM's SRAT) its memory affinity
 * structures are replaced by these, written where its first one was, and
 * every other structure (processor, x2APIC, GICC, ITS, generic initiator
 * ...) is kept byte for byte; length, checksum and OEM revision are fixed
 * as for the others. Refused, with Linux's reason, is what the guest
 * would drop the whole SRAT for: a node of 256 or more (MAX_PXM_DOMAINS),
 * more proximity domains than MAX_NUMNODES (@max_numnodes; the map's
 * nodes and, with a base, those of its enabled processor, GICC, RINTC
 * and generic initiator structures: acpi_map_pxm_to_node() gives each a
 * node below MAX_NUMNODES), more structures than NR_NODE_MEMBLKS (2 x
 * MAX_NUMNODES), RAM the nodes leave uncovered (1 MiB or more), and a
 * range of 2^64 bytes. The IOMMU options are not read.
 *
 * Return: 0; MC_ENOSPC (no diagnostic, nothing written); MC_ESTATE if the
 * map is not carved; MC_EALIGN, MC_ERANGE, MC_EINVAL for a range or option
 * the table cannot hold; MC_EBADBLOB for a malformed base; MC_ENOMEM.
 */
int mc_acpi_build(struct mc_map *map, enum mc_acpi_table table,
		  const struct mc_acpi_opts *opts, void *buf, size_t *size);

/**
 * mc_acpi_build_alloc() - mc_acpi_build() into a new buffer
 * @out:	set to the table (free with mc_free()), NULL on error
 * @size:	set to its length, 0 on error
 *
 * Return: 0; the errors of mc_acpi_build() but MC_ENOSPC.
 */
int mc_acpi_build_alloc(struct mc_map *map, enum mc_acpi_table table,
			const struct mc_acpi_opts *opts, void **out,
			size_t *size);

/**
 * mc_acpi_rsdp() - an RSDP (revision 2) and an XSDT linking tables
 * @map:	a carved map that holds the blob; receives the diagnostics
 * @addr:	guest-physical address the blob is loaded at; 16-byte aligned
 * @tables:	the tables (each a complete ACPI table, checked)
 * @lens:	their lengths
 * @n:		how many
 * @opts:	OEM/creator fields of the RSDP and XSDT; NULL for defaults;
 *		@opts->base must be NULL
 * @buf:	where the blob goes; may be NULL when *@size is 0
 * @size:	in: bytes at @buf; out: the blob's length (written, or needed
 *		on MC_ENOSPC)
 *
 * Layout of the blob, all inside [@addr, @addr + *@size - 1]: the RSDP
 * at @addr, the XSDT at @addr + 0x40, then each table in order at the next
 * 16-byte boundary. That whole range must lie inside one piece of the
 * carved map that is ACPI data (map statement "acpi ADDR SIZE", e820
 * type 3) or RAM, so that the guest keeps it; a Linux guest finds the RSDP
 * through boot_params.acpi_rsdp_addr (zero page 0x70).
 *
 * Return: 0; MC_ENOSPC (no diagnostic, nothing written); MC_ESTATE (the
 * map is not carved); MC_EOVERLAP (the blob is not inside one acpi or RAM
 * piece); MC_EALIGN (@addr), MC_ERANGE (the blob would pass 2^64 - 1),
 * MC_EBADBLOB (a table's signature, length or checksum is wrong),
 * MC_EINVAL, MC_ENOMEM.
 */
int mc_acpi_rsdp(struct mc_map *map, uint64_t addr,
		 const void *const *tables, const size_t *lens, size_t n,
		 const struct mc_acpi_opts *opts, void *buf, size_t *size);

/**
 * mc_acpi_rsdp_alloc() - mc_acpi_rsdp() into a new buffer
 * @out:	set to the blob (free with mc_free()), NULL on error
 * @size:	set to its length, 0 on error
 *
 * Return: 0; the errors of mc_acpi_rsdp() but MC_ENOSPC.
 */
int mc_acpi_rsdp_alloc(struct mc_map *map, uint64_t addr,
		       const void *const *tables, const size_t *lens,
		       size_t n, const struct mc_acpi_opts *opts, void **out,
		       size_t *size);

/**
 * mc_acpi_dmar_decode() - the RMRRs of a DMAR as regions
 * mc_acpi_ivrs_decode() - the IVMDs of an IVRS as regions
 * mc_acpi_iort_decode() - the RMR nodes of an IORT as regions
 * @map:	receives one reserved region per range: type direct (IORT:
 *		direct-relaxable when remapping is permitted), with devices=
 *		(DMAR, IVRS), sids= (IORT), readonly (IVMD without IW),
 *		privileged and access= (IORT), source the table's signature
 *		("DMAR"); the arch is set
 * @blob:	the bytes
 * @len:	their length
 *
 * A DMAR device scope with a path of several hops is recorded as its first
 * hop (the port on the start bus): bus numbers behind bridges are not in
 * the table.
 * The table is checked whole before any region is added, as
 * mc_acpi_build() checks a base (all but the revision): a malformed table
 * adds none.
 * Return: 0; MC_EBADBLOB without a diagnostic when @blob is not that
 * table; MC_EBADBLOB with one when it is, but malformed; MC_ENOMEM.
 */
int mc_acpi_dmar_decode(struct mc_map *map, const void *blob, size_t len);
int mc_acpi_ivrs_decode(struct mc_map *map, const void *blob, size_t len);
int mc_acpi_iort_decode(struct mc_map *map, const void *blob, size_t len);

/**
 * mc_acpi_srat_decode() - an SRAT's memory affinity structures as regions
 *			   (1.1)
 * @map:	receives one region per enabled structure of non-zero length:
 *		hotplug when it is hot-pluggable, else pmem when it is
 *		non-volatile, else ram; each with node= its proximity domain
 *		(its low byte for a table of revision 1 or lower, as Linux
 *		reads it); source "SRAT"
 * @blob:	the bytes
 * @len:	their length
 *
 * Disabled structures are skipped, as Linux skips them; other structures
 * are counted by mc_acpi_srat_count(). The arch is not set: an SRAT is
 * read on x86 and arm64 alike.
 * Return: as mc_acpi_dmar_decode().
 */
int mc_acpi_srat_decode(struct mc_map *map, const void *blob, size_t len);

/**
 * mc_acpi_srat_count() - how many structures of one type an SRAT holds
 *			  (1.1)
 * @blob:	an SRAT
 * @len:	its length
 * @type:	the structure type (0 processor local APIC, 1 memory, 2
 *		x2APIC, 3 GICC, 4 GIC ITS, 5 generic initiator, 6 generic
 *		port, 7 RINTC)
 * @count:	set to the number, 0 on error
 *
 * Return: 0; MC_EBADBLOB when @blob is not an SRAT whose header and
 * structures fit its length and checksum.
 */
int mc_acpi_srat_count(const void *blob, size_t len, unsigned int type,
		       size_t *count);

/**
 * mc_acpi_srat_type_name() - what ACPI calls an SRAT structure type (1.1)
 * @type:	the type
 *
 * Return: a static string such as "processor local APIC affinity", or
 * NULL for a type ACPI 6.6 does not define.
 */
const char *mc_acpi_srat_type_name(unsigned int type);

/**
 * mc_acpi_rsdp_decode() - a blob from mc_acpi_rsdp() as regions
 * @map:	receives the blob itself as an acpi range named acpi-tables
 *		(at the address its XSDT pointer implies), then the regions of
 *		each DMAR, IVRS, IORT and SRAT (1.1) the XSDT links; other
 *		tables describe no memory and are skipped
 * @blob:	the bytes: "RSD PTR " revision 2, the XSDT at +0x40
 * @len:	their length
 *
 * Return: as mc_acpi_dmar_decode().
 */
int mc_acpi_rsdp_decode(struct mc_map *map, const void *blob, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_ACPI_H */
