// SPDX-License-Identifier: MIT
/*
 * model.c - a map file or any output inspect decodes, read into one map
 * for render, diff and check, with what its format can say.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "rangeset.h"
#include "memcarve-dt.h"
#include "memcarve-acpi.h"
#include "memcarve-e820.h"
#include "memcarve-cmdline.h"
#include "memcarve-pvh.h"

#define ACPI_HEADER_LEN 36

#define SAYS_E820 (SAYS_RAM | SAYS_KINDS | SAYS_MMIO_AS_RESERVED)
#define SAYS_SHOW (SAYS_RAM | SAYS_KINDS | SAYS_MMIO | SAYS_TYPES | \
		   SAYS_NAMES | SAYS_BACKED | SAYS_HOTPLUG | SAYS_NODES)
/* memory only, each range on its node: RAM (and what it backs), pmem
 * non-volatile, hotplug windows hot-pluggable */
#define SAYS_SRAT (SAYS_ONLY_RAM | SAYS_RAM | SAYS_KINDS | SAYS_HOTPLUG | \
		   SAYS_NODES)

/*
 * Any other ACPI table (DSDT, FACP, SSDT... as /sys/firmware/acpi/tables
 * holds them): a whole, checksummed table that says nothing about memory.
 */
static int acpi_other_decode(struct mc_map *map, const void *blob, size_t len)
{
	const unsigned char *t = blob;
	unsigned char sum = 0;

	(void)map;
	if (len < ACPI_HEADER_LEN || (size_t)(t[4] | t[5] << 8 | t[6] << 16 |
					      (uint32_t)t[7] << 24) != len)
		return MC_EBADBLOB;
	for (size_t i = 0; i < 4; i++)
		if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9')))
			return MC_EBADBLOB;
	for (size_t i = 0; i < len; i++)
		sum += t[i];
	return sum ? MC_EBADBLOB : 0;
}

/*
 * inspect's decoders in inspect's order (most distinctive signature
 * first, text last), each with what its format says about a map.
 */
static const struct cli_decoder formats[] = {
	/* no-map nodes are carved, so "backed" is not said; unnamed
	 * ranges get made-up names (nvs, direct); nodes only when Linux
	 * takes NUMA from the tree (model_decode()) */
	{ "device tree blob", mc_dt_decode,
	  SAYS_RAM | SAYS_REUSABLE | SAYS_NODE_NAMES },
	{ "ACPI DMAR table", mc_acpi_dmar_decode,
	  SAYS_ONLY_DIRECT | SAYS_DEVICES },
	{ "ACPI IVRS table", mc_acpi_ivrs_decode,
	  SAYS_ONLY_DIRECT | SAYS_DEVICES | SAYS_READONLY },
	{ "ACPI IORT table", mc_acpi_iort_decode,
	  SAYS_ONLY_DIRECT | SAYS_TYPES | SAYS_SIDS | SAYS_PRIVILEGED |
	  SAYS_RMR },
	{ "ACPI SRAT table", mc_acpi_srat_decode, SAYS_SRAT },
	/* our PNP0C02 SSDT too: its holes are no statement a map makes (no
	 * SAYS_ flag says "only the ranges the guest must keep clear of") */
	{ "ACPI table (no memory in it)", acpi_other_decode, 0 },
	{ "x86 zero page (boot_params)", mc_e820_zeropage_decode, SAYS_E820 },
	{ "x86 setup_data SETUP_E820_EXT", mc_e820_setup_data_decode,
	  SAYS_E820 },
	{ "x86 PVH start_info + memmap", mc_pvh_decode, SAYS_E820 },
	{ "raw e820 table", mc_e820_raw_decode, SAYS_E820 },
	{ "ACPI RSDP + XSDT blob", mc_acpi_rsdp_decode,
	  SAYS_ONLY_DIRECT | SAYS_DEVICES },
	{ "memcarve show --json", cli_show_json_decode, SAYS_SHOW },
	{ "memcarve show", cli_show_text_decode, SAYS_SHOW },
	{ "memcarve slots", cli_slots_decode,
	  SAYS_ONLY_RAM | SAYS_RAM | SAYS_NODES },
	{ "e820 table as the kernel prints it", mc_e820_text_decode,
	  SAYS_E820 },
	{ "kernel command line", mc_cmdline_decode, SAYS_E820 },
	{ NULL, NULL, 0 },
};

static void print_errors(const struct model *m)
{
	for (size_t i = 0; i < mc_map_error_count(m->map); i++) {
		const struct mc_error *e = mc_map_error(m->map, i);
		const char *src = e->source;	/* "" or NULL: none */
		bool named = src && *src;

		fprintf(stderr, "%s%s%s\n", named ? "" : m->name,
			named ? "" : ": ", e->msg);
	}
}

/* Bytes no map holds: the map parser's "binary" refusal needs a word. */
static bool looks_binary(const struct cli_buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if ((unsigned char)b->p[i] < 0x09)
			return true;
	return false;
}

/* The map-file path: cli_load_map() on @path, --resv dropped if asked. */
static int load_map_text(const struct cli *cli, const char *path,
			 bool with_resv, struct model *m)
{
	struct cli sub = *cli;

	sub.n_opt = 0;
	for (size_t i = 0; i < cli->n_opt; i++)
		if (with_resv || (strcmp(cli->opt[i].spec->name, "resv") &&
				  strcmp(cli->opt[i].spec->name, "vfio")))
			sub.opt[sub.n_opt++] = cli->opt[i];
	sub.arg[0] = path;
	sub.n_arg = 1;
	sub.map = NULL;
	m->map = cli_load_map_text(&sub, m->bytes.p, m->bytes.len);
	m->format = "map";
	m->says = SAYS_ALL;
	if (!m->map && looks_binary(&m->bytes))
		return cli_error(EXIT_INPUT, "%s: not an output memcarve knows "
				 "(inspect's formats), nor a map", m->name);
	return m->map ? EXIT_OK : EXIT_INPUT;
}

/* @out, built from m->map, takes its place; or is dropped on @err. */
static int replace_map(struct model *m, struct mc_map *out, int err)
{
	if (err) {
		mc_map_free(out);
		return err;
	}
	mc_map_free(m->map);
	m->map = out;
	return 0;
}

static int cmp_dev(const void *x, const void *y)
{
	const struct mc_pci_dev *a = x, *b = y;
	uint32_t ka = (uint32_t)a->segment << 16 | a->bus << 8 | a->devfn;
	uint32_t kb = (uint32_t)b->segment << 16 | b->bus << 8 | b->devfn;

	return (ka > kb) - (ka < kb);
}

static bool same_range(const struct mc_region *a, const struct mc_region *b)
{
	return a->first == b->first && a->last == b->last &&
	       a->kind == b->kind && a->type == b->type &&
	       a->flags == b->flags && a->node == b->node && !a->n_sids &&
	       !b->n_sids;
}

/*
 * An IVRS has an IVMD per device, a DTB may say a range twice: one
 * statement per range, serving all its devices, as a map says it (carving
 * refuses one range twice for different devices). Quadratic in the ranges
 * of one blob, which are few.
 */
static int merge_repeats(struct model *m)
{
	size_t n, n_dev;
	const struct mc_region *in = mc_map_input(m->map, &n);
	struct mc_map *out = mc_map_new();
	struct mc_pci_dev *dev = NULL;
	int err = !out ? MC_ENOMEM : !mc_map_arch(m->map) ? 0 :
		  mc_map_set_arch(out, mc_map_arch(m->map));

	for (size_t i = 0; i < n && !err; i++) {
		struct mc_region r = in[i];
		size_t k = 0;

		while (k < i && !same_range(&in[k], &in[i]))
			k++;
		if (k < i)
			continue;	/* said with the first */
		n_dev = 0;
		for (k = i; k < n; k++)
			n_dev += same_range(&in[k], &in[i]) ? in[k].n_devices : 0;
		free(dev);
		dev = malloc((n_dev + 1) * sizeof(*dev));
		if (!dev) {
			err = MC_ENOMEM;
			break;
		}
		n_dev = 0;
		for (k = i; k < n; k++)
			for (size_t d = 0; same_range(&in[k], &in[i]) &&
					   d < in[k].n_devices; d++)
				dev[n_dev++] = in[k].devices[d];
		qsort(dev, n_dev, sizeof(*dev), cmp_dev);
		r.devices = dev;
		r.n_devices = 0;
		for (k = 0; k < n_dev; k++)
			if (!r.n_devices || cmp_dev(&dev[r.n_devices - 1], &dev[k]))
				dev[r.n_devices++] = dev[k];
		err = mc_map_add(out, &r);
	}
	free(dev);
	return replace_map(m, out, err);
}

int model_decode(struct model *m)
{
	const struct cli_decoder *f;
	int err = 0;

	f = cli_decode(formats, m->bytes.p, m->bytes.len, &m->map, &err);
	if (!f)
		return err;
	m->format = f->format;
	m->says = f->says;
	m->broken = err != 0;
	/* mem= (MIPS) lists memory only, as slots do; memmap= (x86) has
	 * no nvs or pmem unless retyped */
	if (!err && f->decode == mc_cmdline_decode)
		m->says = mc_map_arch(m->map) == MC_ARCH_MIPS ?
				  SAYS_RAM | SAYS_ONLY_RAM :
				  SAYS_RAM | SAYS_MMIO_AS_RESERVED;
	/* a tree says nodes when it carries numa-node-id as Linux reads
	 * it; without, it says nothing of them (no NUMA, or not yet) */
	if (!err && f->decode == mc_dt_decode && mc_map_is_numa(m->map))
		m->says |= SAYS_NODES;
	return err ? err : merge_repeats(m);
}

/* The file at @path into m->bytes, named. */
static int read_bytes(const char *path, struct model *m)
{
	memset(m, 0, sizeof(*m));
	m->name = strcmp(path, "-") ? path : "<stdin>";
	return cli_read_file(NULL, path, &m->bytes);
}

/*
 * Not an output but a map: no decoder claims it, or one calls it broken
 * (a map whose comment says "memmap=exactmap" reads as a broken command
 * line) and the map parser takes all of it. Then m->map is dropped.
 */
static bool is_map(struct model *m, int err)
{
	struct mc_map *map;
	bool ok;

	if (err == MC_EBADBLOB && !m->map)
		return true;
	if (!err || err == MC_ENOMEM || !(map = mc_map_new()))
		return false;
	ok = mc_map_load(map, m->name, m->bytes.p, m->bytes.len) == 0;
	mc_map_free(map);
	if (ok) {
		mc_map_free(m->map);
		m->map = NULL;
		m->broken = false;
	}
	return ok;
}

int model_read(const struct cli *cli, const char *path, struct model *m)
{
	int st = read_bytes(path, m), err;

	if (st != EXIT_OK)
		return st;
	err = model_decode(m);
	if (is_map(m, err))
		return load_map_text(cli, path, false, m);
	if (err == MC_ENOMEM && !mc_map_error_count(m->map))
		return cli_error(EXIT_INPUT, "out of memory");
	return err ? EXIT_INPUT : EXIT_OK;
}

int model_load_map(const struct cli *cli, const char *path, bool with_resv,
		   struct model *m)
{
	int st = read_bytes(path, m);

	return st == EXIT_OK ? load_map_text(cli, path, with_resv, m) : st;
}

static uint64_t round_down(uint64_t v, uint64_t g)
{
	return v & ~(g - 1);
}

static uint64_t round_up_last(uint64_t last, uint64_t g)
{
	return last | (g - 1);	/* the granule's last byte, at most 2^64-1 */
}

static int cmp_node_first(const void *x, const void *y)
{
	const struct mc_region *a = x, *b = y;

	if (a->node != b->node)
		return a->node < b->node ? -1 : 1;
	return (a->first > b->first) - (a->first < b->first);
}

/*
 * The RAM of @in (@n regions, sorted by node) rounded out to the granule
 * and merged node by node, each node's added to @out with its node (a
 * range never joins RAM of another node), all of it to @all.
 */
static int add_ram_by_node(struct mc_map *out, const struct mc_region *in,
			   size_t n, uint64_t g, struct rangeset *all)
{
	int err = 0;

	for (size_t i = 0, k; i < n && !err; i = k) {
		struct rangeset node = { 0 };

		for (k = i; k < n && in[k].node == in[i].node; k++) {
			rangeset_add(&node, round_down(in[k].first, g),
				     round_up_last(in[k].last, g));
			rangeset_add(all, round_down(in[k].first, g),
				     round_up_last(in[k].last, g));
		}
		rangeset_close(&node);
		for (size_t r = 0; !err && r < node.n; r++)
			err = mc_map_add(out, &(struct mc_region){
				.kind = MC_RAM, .first = node.v[r].first,
				.last = node.v[r].last,
				.flags = in[i].flags & MC_F_NODE,
				.node = in[i].node });
		err = err ? err : node.failed ? MC_ENOMEM : 0;
		rangeset_free(&node);
	}
	return err;
}

/* RAM rounded out to the granule, merged; the rest overlaid on it. */
static int align_ram(struct model *m)
{
	size_t n, n_ram = 0;
	const struct mc_region *in = mc_map_input(m->map, &n);
	struct mc_region *ram_in = malloc((n + 1) * sizeof(*ram_in));
	struct rangeset ram = { 0 };
	struct mc_map *out = mc_map_new();
	int err = !out || !ram_in ? MC_ENOMEM : !mc_map_arch(m->map) ? 0 :
		  mc_map_set_arch(out, mc_map_arch(m->map));

	for (size_t i = 0; ram_in && i < n; i++)
		if (in[i].kind == MC_RAM)
			ram_in[n_ram++] = in[i];
	if (n_ram)
		qsort(ram_in, n_ram, sizeof(*ram_in), cmp_node_first);
	if (!err)
		err = add_ram_by_node(out, ram_in, n_ram,
				      mc_map_granule(m->map), &ram);
	rangeset_close(&ram);
	for (size_t i = 0; !err && i < n; i++) {
		struct mc_region r = in[i];

		if (r.kind == MC_RAM)
			continue;
		if (r.kind != MC_MMIO && rangeset_covers(&ram, r.first, r.last))
			r.policy = MC_POLICY_OVERLAY;
		err = mc_map_add(out, &r);
	}
	err = err ? err : ram.failed ? MC_ENOMEM : mc_map_carve(out);
	rangeset_free(&ram);
	free(ram_in);
	return replace_map(m, out, err);
}

int model_carve(struct model *m)
{
	int err = mc_map_carve(m->map);

	if (err != MC_EALIGN)
		return err;
	err = align_ram(m);
	/* the first attempt's diagnostics stand when rounding fails too */
	return err ? MC_EALIGN : 0;
}

int model_load(const struct cli *cli, const char *path, bool with_resv,
	       bool carve, struct model *m)
{
	int st = read_bytes(path, m), err;

	if (st != EXIT_OK)
		return st;
	err = model_decode(m);
	if (is_map(m, err))
		return load_map_text(cli, path, with_resv, m);
	if (!err && carve)
		err = model_carve(m);
	if (err == MC_ENOMEM && !mc_map_error_count(m->map))
		return cli_error(EXIT_INPUT, "out of memory");
	if (err) {
		print_errors(m);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

void model_free(struct model *m)
{
	mc_map_free(m->map);
	cli_buf_free(&m->bytes);
	memset(m, 0, sizeof(*m));
}

size_t model_piece_count(const struct mc_map *map)
{
	size_t n;

	mc_map_result(map, &n);
	return n;
}

/*
 * The node of the RAM under a backed piece: its slot's (a slot never
 * spans two nodes). Slots are in guest order; NULL past every slot.
 */
static const struct mc_slot *slot_at(const struct mc_map *map, uint64_t addr)
{
	size_t n, lo = 0, hi;
	const struct mc_slot *s = mc_map_slots(map, &n);

	for (hi = n; lo < hi;) {	/* the first slot ending at or past @addr */
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid].guest + (s[mid].size - 1) < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && s[lo].guest <= addr ? &s[lo] : NULL;
}

/* A NUMA map's memory has a node: its range's, or the RAM's under it. */
static void piece_node(const struct mc_map *map, struct piece *p)
{
	const struct mc_slot *s;

	p->has_node = false;
	p->node = 0;
	if (p->in->flags & MC_F_NODE) {
		p->has_node = true;
		p->node = p->in->node;
	} else if (p->flags & MC_F_BACKED && mc_map_is_numa(map) &&
		   (s = slot_at(map, p->first))) {
		p->has_node = true;
		p->node = s->node;
	}
}

void model_piece(const struct mc_map *map, size_t i, struct piece *p)
{
	size_t n;
	const struct mc_piece *r = &mc_map_result(map, &n)[i];

	p->first = r->first;
	p->last = r->last;
	p->kind = r->kind;
	p->type = r->type;
	p->flags = r->flags;
	p->in = &mc_map_input(map, &n)[r->origin];
	p->paths = mc_map_device_paths(map, r->origin, &p->n_paths);
	piece_node(map, p);
}

const char *model_kind_label(enum mc_kind kind, enum mc_resv_type type,
			     char *buf, size_t size)
{
	if (kind == MC_RESERVED)
		snprintf(buf, size, "reserved/%s", mc_resv_type_name(type));
	else
		snprintf(buf, size, "%s", mc_kind_name(kind));
	return buf;
}

void model_fmt_range(char *buf, size_t size, uint64_t first, uint64_t last)
{
	snprintf(buf, size, "0x%" PRIx64 "-0x%" PRIx64, first, last);
}
