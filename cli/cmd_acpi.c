// SPDX-License-Identifier: MIT
/*
 * cmd_acpi.c - "memcarve acpi": the map's direct ranges as a DMAR, IVRS
 * or IORT table, fresh or patched onto the VMM's; or an RSDP + XSDT that
 * links finished tables at a guest address.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "memcarve-acpi.h"

/* Options that set a numeric field of struct mc_acpi_opts, by width. */
static int opt_u8(const struct cli *cli, const char *name, uint8_t *field)
{
	uint64_t v = *field;
	int st = cli_opt_number(cli, name, UINT8_MAX, &v);

	*field = (uint8_t)v;
	return st;
}

static int opt_u16(const struct cli *cli, const char *name, uint16_t *field)
{
	uint64_t v = *field;
	int st = cli_opt_number(cli, name, UINT16_MAX, &v);

	*field = (uint16_t)v;
	return st;
}

static int opt_u32(const struct cli *cli, const char *name, uint32_t max,
		   uint32_t *field)
{
	uint64_t v = *field;
	int st = cli_opt_number(cli, name, max, &v);

	*field = (uint32_t)v;
	return st;
}

static int numeric_opts(const struct cli *cli, struct mc_acpi_opts *o)
{
	int st = opt_u32(cli, "oem-revision", UINT32_MAX, &o->oem_revision);

	o->set_oem_revision = cli_opt(cli, "oem-revision") != NULL;
	if (st == EXIT_OK)
		st = opt_u32(cli, "creator-revision", UINT32_MAX,
			     &o->creator_revision);
	if (st == EXIT_OK)
		st = opt_u8(cli, "revision", &o->revision);
	if (st == EXIT_OK)
		st = cli_opt_number(cli, "iommu-base", UINT64_MAX, &o->iommu_base);
	if (st == EXIT_OK)
		st = opt_u8(cli, "host-address-width", &o->host_address_width);
	/* Linux dmar.c refuses a DMAR whose width is below PAGE_SHIFT
	 * ("Invalid DMAR haw"); no DMA address has more than 64 bits. */
	if (st == EXIT_OK && (o->host_address_width < 12 ||
			      o->host_address_width > 64))
		st = cli_error(EXIT_USAGE, "--host-address-width: %u is not "
			       "12..64 bits (Linux refuses a DMAR below 12)",
			       o->host_address_width);
	if (st == EXIT_OK)
		st = opt_u8(cli, "dmar-flags", &o->dmar_flags);
	if (st == EXIT_OK)
		st = opt_u32(cli, "ivinfo", UINT32_MAX, &o->ivinfo);
	if (st == EXIT_OK)
		st = opt_u16(cli, "ivhd-devid", &o->ivhd_devid);
	if (st == EXIT_OK)
		st = opt_u32(cli, "smmu-gsiv", UINT32_MAX - 3, &o->smmu_gsiv);
	if (st == EXIT_OK)
		st = cli_opt_numnodes(cli, &o->max_numnodes);
	return st;
}

static int header_opts(const struct cli *cli, struct mc_acpi_opts *o)
{
	o->oem_id = cli_opt(cli, "oem-id");
	o->oem_table_id = cli_opt(cli, "oem-table-id");
	o->creator_id = cli_opt(cli, "creator-id");
	return numeric_opts(cli, o);
}

/* Hand the library's bytes to cli_write(). */
static int write_table(const char *path, uint8_t *bytes, size_t len)
{
	struct cli_buf b = { 0 };
	int st;

	cli_buf_add(&b, bytes, len);
	st = b.failed ? cli_error(EXIT_INPUT, "out of memory") :
			cli_write(path, &b);
	cli_buf_free(&b);
	return st;
}

/* MAP then the tables: the blob must lie in an acpi or RAM range of MAP. */
static int run_rsdp(struct cli *cli, const char *out)
{
	struct cli_buf in[CLI_MAX_ARGS] = { 0 };
	const void *tables[CLI_MAX_ARGS];
	size_t lens[CLI_MAX_ARGS], len = 0, n = cli->n_arg - 1;
	struct mc_acpi_opts o;
	struct mc_map *map = NULL;
	void *blob = NULL;
	uint64_t addr;
	int st = cli_opt_number(cli, "rsdp", UINT64_MAX, &addr);

	mc_acpi_opts_init(&o);
	if (st == EXIT_OK && cli->n_arg < 2)
		st = cli_error(EXIT_USAGE, "--rsdp takes MAP and at least one "
			       "table");
	if (st == EXIT_OK)
		st = header_opts(cli, &o);
	if (st == EXIT_OK && !(map = cli_load_map(cli)))
		st = EXIT_INPUT;
	for (size_t i = 0; st == EXIT_OK && i < n; i++) {
		st = cli_read_file(NULL, cli->arg[i + 1], &in[i]);
		tables[i] = in[i].p;
		lens[i] = in[i].len;
	}
	if (st == EXIT_OK && mc_acpi_rsdp_alloc(map, addr, tables, lens, n,
						&o, &blob, &len)) {
		cli_print_errors(map);
		st = EXIT_INPUT;
	}
	if (st == EXIT_OK)
		st = write_table(out, blob, len);
	/* The range the blob takes, in map syntax. */
	if (st == EXIT_OK)
		printf("acpi      0x%" PRIx64 "  0x%zx  name=acpi-tables\n",
		       addr, len);
	mc_free(blob);
	for (size_t i = 0; i < n; i++)
		cli_buf_free(&in[i]);
	mc_map_free(map);
	return st;
}

static int parse_table(const char *s, enum mc_acpi_table *t)
{
	static const char *const names[] = { "dmar", "ivrs", "iort", "srat" };

	for (int i = 0; s && i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*t = (enum mc_acpi_table)(MC_ACPI_DMAR + i);
			return 0;
		}
	return -1;
}

static int build_table(struct cli *cli, struct mc_map *map,
		       enum mc_acpi_table t, const char *out)
{
	struct cli_buf base = { 0 };
	struct mc_acpi_opts o;
	const char *base_path = cli_opt(cli, "base");
	void *table = NULL;
	size_t len = 0;
	int st;

	mc_acpi_opts_init(&o);
	st = header_opts(cli, &o);
	if (st == EXIT_OK && base_path)
		st = cli_read_file("--base", base_path, &base);
	o.base = base_path ? base.p : NULL;
	o.base_len = base.len;
	if (st == EXIT_OK && mc_acpi_build_alloc(map, t, &o, &table, &len)) {
		cli_print_errors(map);
		st = EXIT_INPUT;
	}
	if (st == EXIT_OK)
		st = write_table(out, table, len);
	mc_free(table);
	cli_buf_free(&base);
	return st;
}

static int run_acpi(struct cli *cli)
{
	const char *out = cli_opt(cli, "output");
	enum mc_acpi_table t = MC_ACPI_DMAR;
	struct mc_map *map;
	int st;

	if (!out || !*out || strcmp(out, "-") == 0)
		return cli_error(EXIT_USAGE,
				 "acpi writes binary tables: give -o FILE");
	if (cli_opt(cli, "rsdp")) {
		if (cli_opt(cli, "table") || cli_opt(cli, "base"))
			return cli_error(EXIT_USAGE,
					 "--rsdp links finished tables: no "
					 "--table or --base with it");
		return run_rsdp(cli, out);
	}
	if (cli_opt(cli, "table") && !strcmp(cli_opt(cli, "table"), "ssdt"))
		return cli_acpi_ssdt(cli, out);
	if (cli_opt(cli, "uid") || cli_opt(cli, "device-path"))
		return cli_error(EXIT_USAGE, "--uid and --device-path only "
				 "apply to --table ssdt");
	if (parse_table(cli_opt(cli, "table"), &t))
		return cli_error(EXIT_USAGE,
				 "--table: give one of dmar, ivrs, iort, srat, "
				 "ssdt");
	if (cli->n_arg != 1)
		return cli_error(EXIT_USAGE,
				 "acpi takes one MAP (or --rsdp ADDR, MAP and "
				 "tables)");
	map = cli_load_map(cli);
	if (!map)
		return EXIT_INPUT;
	if (t == MC_ACPI_SRAT)
		st = cli_require_arch(map, "an SRAT", 1u << MC_ARCH_X86_64 |
						      1u << MC_ARCH_ARM64);
	else
		st = cli_require_arch(map, t == MC_ACPI_IORT ? "an IORT" :
					   t == MC_ACPI_DMAR ? "a DMAR" :
							       "an IVRS",
				      1u << (t == MC_ACPI_IORT ?
						     MC_ARCH_ARM64 :
						     MC_ARCH_X86_64));
	if (st == EXIT_OK)
		st = build_table(cli, map, t, out);
	cli_map_free(cli, map);
	return st;
}

static const struct cli_optspec acpi_opts[] = {
	{ "table", 't', true, false, "TABLE",
	  "dmar (Intel), ivrs (AMD), iort (Arm), srat (NUMA nodes) or ssdt "
	  "(PNP0C02 holes)" },
	{ "output", 'o', true, false, "FILE", "write the table here (required)" },
	{ "base", 0, true, false, "IN.aml",
	  "patch the VMM's table instead of writing a fresh one" },
	{ "rsdp", 0, true, false, "ADDR",
	  "build RSDP + XSDT + the TABLE.aml files for address ADDR" },
	{ "oem-id", 0, true, false, "ID", "OEM ID (6 chars; fresh: MCARVE)" },
	{ "oem-table-id", 0, true, false, "ID",
	  "OEM table ID (8 chars; fresh: MEMCARVE)" },
	{ "oem-revision", 0, true, false, "N",
	  "OEM revision (fresh: 1; patching: the base's + 1)" },
	{ "creator-id", 0, true, false, "ID", "creator ID (4 chars; MCRV)" },
	{ "creator-revision", 0, true, false, "N", "creator revision (1)" },
	{ "revision", 0, true, false, "N",
	  "table revision (DMAR 1, IVRS 1, IORT at least 5, SRAT 3)" },
	{ "iommu-base", 0, true, false, "ADDR",
	  "fresh: DRHD 0xfed90000, IVHD 0xfed80000, SMMUv3 0x09050000" },
	{ "host-address-width", 0, true, false, "BITS", "DMAR: DMA width (39)" },
	{ "dmar-flags", 0, true, false, "N", "DMAR flags (0; 1 = INTR_REMAP)" },
	{ "ivinfo", 0, true, false, "N", "IVRS IVinfo (0x2800)" },
	{ "ivhd-devid", 0, true, false, "RID",
	  "IVRS: the IOMMU's requester ID (0x18 = 00:03.0)" },
	{ "smmu-gsiv", 0, true, false, "N",
	  "IORT SMMUv3 event GSIV; PRI, sync, GERR follow (0x6a)" },
	{ "max-numnodes", 0, true, false, "N",
	  "SRAT: the guest kernel's MAX_NUMNODES (default Debian's: x86_64 "
	  "1024, arm64 16)" },
	{ "uid", 0, true, false, "N", "SSDT: the device's _UID (0x4d43)" },
	{ "device-path", 0, true, false, "PATH",
	  "SSDT: the device's ACPI path (\\_SB.MCRV)" },
	{ NULL, 0, false, false, NULL, NULL },
};

const struct cli_cmd cli_cmd_acpi = {
	.name = "acpi",
	.synopsis = "MAP --table dmar|ivrs|iort|srat -o OUT [--base IN.aml] "
		    "[--max-numnodes N]",
	.summary = "DMAR/IVRS/IORT for direct ranges; SRAT; RSDP+XSDT",
	.details =
		"Describe MAP's direct and direct-relaxable reserved ranges to the\n"
		"guest's IOMMU driver, each input range once and whole:\n\n"
		"  dmar  one RMRR per range (base and end+1 4K aligned), a device\n"
		"        scope per device in devices=\n"
		"  ivrs  IVMDs: 0x20 with no devices, 0x21 per lone device, 0x22 per\n"
		"        run of consecutive requester IDs; unity, IR, and IW unless\n"
		"        the range is readonly\n"
		"  iort  one RMR node per range (64K aligned): remapping permitted for\n"
		"        direct-relaxable, 'privileged', access= (default normal-wb\n"
		"        when guest RAM backs the range, else device-ngnrne), and ID\n"
		"        mappings to the SMMUv3 for sids= or the requester IDs\n"
		"        (bus << 8 | devfn) of devices=; table revision 5 (E.d), the\n"
		"        first Linux reads RMRs from\n"
		"  ssdt  one PNP0C02 (motherboard resources) device, --device-path\n"
		"        (\\_SB.MCRV) with _UID --uid (0x4d43), whose _CRS lists as\n"
		"        QWordMemory every range the guest must keep clear of that no\n"
		"        e820 RAM entry covers: reserved ranges no RAM backs, and mmio\n"
		"        carved out of RAM; Linux reserves each one ('system 00:0N: [mem\n"
		"        ...] has been reserved') so no BAR is placed there. Add it to a\n"
		"        guest with the initrd table upgrade or the VMM's XSDT.\n"
		"  srat  a NUMA map's nodes (node= on every ram, pmem and hotplug\n"
		"        range; a map without is refused): one memory affinity\n"
		"        structure, proximity domain = node, per node-contiguous range,\n"
		"        node by node: each KVM slot's RAM (holes left out) enabled,\n"
		"        pmem non-volatile, hotplug windows hot-pluggable. Refused with\n"
		"        Linux's reason is what the guest would drop the SRAT for: a\n"
		"        node of 256 or more (MAX_PXM_DOMAINS), more proximity domains\n"
		"        than MAX_NUMNODES (--max-numnodes; Debian's: x86_64 1024,\n"
		"        arm64 16; the base's processors' domains count too), more\n"
		"        structures than NR_NODE_MEMBLKS (2 x MAX_NUMNODES), RAM left\n"
		"        uncovered. With --base\n"
		"        (QEMU's SRAT) the base's memory affinity structures are\n"
		"        replaced and every other one (processors, GICC, ITS, generic\n"
		"        initiators) kept byte for byte.\n\n"
		"Without --base the table is complete, its IOMMU as QEMU 7.2 emulates\n"
		"it (intel-iommu; amd-iommu on q35; virt,iommu=smmuv3) unless options\n"
		"say otherwise. With --base the VMM's table is kept byte for byte and\n"
		"the new structures added; length, checksum and (IORT) revision are\n"
		"fixed and the OEM revision raised by one, so that the Linux initrd\n"
		"table upgrade (kernel/firmware/acpi/*.aml) replaces the VMM's table.\n\n"
		"--rsdp ADDR MAP TABLE... writes one blob to load at guest address\n"
		"ADDR (16-byte aligned): the RSDP (revision 2) at ADDR, the XSDT at\n"
		"ADDR+0x40, then each TABLE at the next 16-byte boundary. The whole\n"
		"blob must lie inside one acpi range of MAP (e.g. 'acpi 0x9f000 4K',\n"
		"so that the e820 marks it type 3) or one RAM range; the range it\n"
		"takes is printed on standard output. Point\n"
		"boot_params.acpi_rsdp_addr at ADDR.\n\n"
		"Examples:\n"
		"  memcarve acpi vm.map --table dmar -o dmar.aml\n"
		"  memcarve acpi vm.map --table ivrs --base qemu-ivrs.aml -o ivrs.aml\n"
		"  memcarve acpi numa.map --table srat --base qemu-srat.aml -o srat.aml\n"
		"  memcarve acpi --rsdp 0x9f000 -o acpi.bin vm.map dmar.aml",
	.opts = acpi_opts,
	.min_args = 1,
	.max_args = CLI_MAX_ARGS,
	.run = run_acpi,
};
