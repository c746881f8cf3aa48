// SPDX-License-Identifier: MIT
/*
 * peer_text.c - the sources a user would hand to dtc and iasl for the same
 * content as a memcarve map.
 *
 * They are written from the carved result, the way a user without memcarve
 * would write them by hand: a DTS with a memory node listing the RAM blocks
 * and a /reserved-memory child per reservation, and a DMAR in iasl's data-table
 * language with one RMRR per direct range. The benchmark checks that
 * compiling them gives the same regions as memcarve's own output before it
 * times anything.
 */
#include <inttypes.h>
#include <stdio.h>
#include "bench.h"

/* "0x1 0x0 0x0 0x10000": two address and two size cells. */
static void put_cells(struct bbuf *out, uint64_t addr, uint64_t size)
{
	bb_printf(out, "0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64,
		  addr >> 32, addr & 0xffffffff, size >> 32, size & 0xffffffff);
}

static void put_reg(struct bbuf *out, uint64_t addr, uint64_t size)
{
	bb_add(out, "reg = <", 7);
	put_cells(out, addr, size);
	bb_add(out, ">;\n", 3);
}

/* @in: the piece's input region, whose name the child takes. */
static const char *child_name(const struct mc_region *in)
{
	if (in->name)
		return in->name;
	return in->kind == MC_RESERVED ? mc_resv_type_name(in->type) :
					 mc_kind_name(in->kind);
}

/* The flag Linux needs (memcarve-dt.h; no /memreserve/ off ppc64). */
static const char *child_flag(const struct mc_piece *r)
{
	if (!(r->flags & MC_F_BACKED))
		return "no-map";
	if (r->flags & MC_F_REUSABLE)
		return "reusable";
	return r->kind == MC_ACPI ? NULL : "no-map";
}

void peer_dts(const struct mc_map *map, struct bbuf *out)
{
	const struct mc_slot *s;
	const struct mc_piece *v;
	const struct mc_region *in;
	size_t n, n_in;

	bb_printf(out, "/dts-v1/;\n\n/ {\n\t#address-cells = <2>;\n"
		  "\t#size-cells = <2>;\n");
	/*
	 * One memory node listing every block (memcarve dt --memory-nodes
	 * one): a node per block would leave dtc's parser no room for the
	 * reserved-memory children (see peers.c).
	 */
	s = mc_map_slots(map, &n);
	bb_printf(out, "\n\tmemory@%" PRIx64 " {\n\t\tdevice_type = "
		  "\"memory\";\n\t\treg = <", n ? s[0].guest : 0);
	for (size_t i = 0; i < n; i++) {
		bb_add(out, i ? "\n\t\t       " : "", i ? 10 : 0);
		put_cells(out, s[i].guest, s[i].size);
	}
	bb_printf(out, ">;\n\t};\n");
	bb_printf(out, "\n\treserved-memory {\n\t\t#address-cells = <2>;\n"
		  "\t\t#size-cells = <2>;\n\t\tranges;\n");
	v = mc_map_result(map, &n);
	in = mc_map_input(map, &n_in);
	for (size_t i = 0; i < n; i++) {
		const struct mc_piece *r = &v[i];
		const char *flag = child_flag(r);

		if (r->kind == MC_RAM || r->kind == MC_MMIO)
			continue;
		bb_printf(out, "\n\t\t%s@%" PRIx64 " {\n\t\t\t",
			  child_name(&in[r->origin]), r->first);
		put_reg(out, r->first, r->last - r->first + 1);
		if (flag)
			bb_printf(out, "\t\t\t%s;\n", flag);
		bb_printf(out, "\t\t};\n");
	}
	bb_printf(out, "\t};\n};\n");
}

static void dsl_field(struct bbuf *out, unsigned int bytes, const char *name,
		      const char *value)
{
	bb_printf(out, "[%04u] %34s : %s\n", bytes, name, value);
}

static void dsl_hex(struct bbuf *out, unsigned int bytes, const char *name,
		    uint64_t value)
{
	char v[24];

	snprintf(v, sizeof(v), "%0*" PRIX64, (int)bytes * 2, value);
	dsl_field(out, bytes, name, v);
}

/* The header and DRHD of memcarve's fresh DMAR (QEMU's intel-iommu). */
static void dsl_header(struct bbuf *out)
{
	dsl_field(out, 4, "Signature", "\"DMAR\"");
	dsl_hex(out, 4, "Table Length", 0);
	dsl_hex(out, 1, "Revision", 1);
	dsl_hex(out, 1, "Checksum", 0);
	dsl_field(out, 6, "Oem ID", "\"MCARVE\"");
	dsl_field(out, 8, "Oem Table ID", "\"MEMCARVE\"");
	dsl_hex(out, 4, "Oem Revision", 1);
	dsl_field(out, 4, "Asl Compiler ID", "\"MCRV\"");
	dsl_hex(out, 4, "Asl Compiler Revision", 1);
	dsl_hex(out, 1, "Host Address Width", 38);
	dsl_hex(out, 1, "Flags", 0);
	dsl_field(out, 10, "Reserved", "00 00 00 00 00 00 00 00 00 00");
	bb_add(out, "\n", 1);
	dsl_hex(out, 2, "Subtable Type", 0);
	dsl_hex(out, 2, "Length", 16);
	dsl_hex(out, 1, "Flags", 1);	/* INCLUDE_PCI_ALL */
	dsl_hex(out, 1, "Reserved", 0);
	dsl_hex(out, 2, "PCI Segment Number", 0);
	dsl_hex(out, 8, "Register Base Address", 0xfed90000);
}

/* @r: a direct piece; @in: its input region, whose devices it serves. */
static void dsl_rmrr(struct bbuf *out, const struct mc_piece *r,
		     const struct mc_region *in)
{
	char path[16];

	bb_add(out, "\n", 1);
	dsl_hex(out, 2, "Subtable Type", 1);
	dsl_hex(out, 2, "Length", 24 + 8 * in->n_devices);
	dsl_hex(out, 2, "Reserved", 0);
	dsl_hex(out, 2, "PCI Segment Number", 0);
	dsl_hex(out, 8, "Base Address", r->first);
	dsl_hex(out, 8, "End Address (limit)", r->last);
	for (size_t d = 0; d < in->n_devices; d++) {
		const struct mc_pci_dev *dev = &in->devices[d];

		bb_add(out, "\n", 1);
		dsl_hex(out, 1, "Device Scope Type", 1);	/* endpoint */
		dsl_hex(out, 1, "Entry Length", 8);
		dsl_hex(out, 2, "Reserved", 0);
		dsl_hex(out, 1, "Enumeration ID", 0);
		dsl_hex(out, 1, "PCI Bus Number", dev->bus);
		snprintf(path, sizeof(path), "%02X,%02X", dev->devfn >> 3,
			 dev->devfn & 7);
		dsl_field(out, 2, "PCI Path", path);
	}
}

void peer_dmar_dsl(const struct mc_map *map, struct bbuf *out)
{
	const struct mc_piece *v;
	const struct mc_region *in;
	size_t n, n_in;

	bb_printf(out, "/* memcarve-bench: one RMRR per direct range */\n");
	dsl_header(out);
	v = mc_map_result(map, &n);
	in = mc_map_input(map, &n_in);
	for (size_t i = 0; i < n; i++)
		if (v[i].kind == MC_RESERVED && (v[i].type == MC_RESV_DIRECT ||
						 v[i].type ==
							 MC_RESV_DIRECT_RELAXABLE))
			dsl_rmrr(out, &v[i], &in[v[i].origin]);
}
