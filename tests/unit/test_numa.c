// SPDX-License-Identifier: MIT
/*
 * test_numa.c - NUMA nodes, hotplug windows and distances (numa.md §1-2),
 * rule by rule.
 *
 * Each rule of the map file is a case: the map, then what carving gives
 * (pieces as render() prints them, slots as "SLOT NODE GUEST SIZE
 * OFFSET") or the diagnostic it refuses with, word for word.
 */
#include "core_helpers.h"
#include "memcarve-acpi-ssdt.h"
#include "memcarve-cmdline.h"
#include "memcarve-e820.h"

/* "slot node guest size offset" per slot, in hex but the numbers. */
static const char *slots_text(const struct mc_map *map)
{
	static char buf[2048];
	size_t n, off = 0;
	const struct mc_slot *s = mc_map_slots(map, &n);

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
					"%u %u 0x%llx 0x%llx 0x%llx\n",
					s[i].slot, s[i].node,
					(unsigned long long)s[i].guest,
					(unsigned long long)s[i].size,
					(unsigned long long)s[i].offset);
	return buf;
}

/* "node offset size" per node of the backing area. */
static const char *backing_text(const struct mc_map *map)
{
	static char buf[1024];
	size_t n, off = 0;
	const struct mc_node_backing *b = mc_map_backing(map, &n);

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
					"%u 0x%llx 0x%llx\n", b[i].node,
					(unsigned long long)b[i].offset,
					(unsigned long long)b[i].size);
	return buf;
}

/* ---- a map that carves ---------------------------------------------- */

struct numa_case {
	const char *name;
	const char *map;
	const char *result;	/* render() */
	const char *slots;	/* slots_text() */
	const char *backing;	/* backing_text() */
};

static const struct numa_case cases[] = {
	{ "node= on ram, pmem and hotplug; the backing is one part per node",
	  "ram 0 1G node=0\nram 0x40000000 1G node=1\n"
	  "pmem 0x80000000 1G node=1\nhotplug 0x100000000 4G node=2\n",
	  "0x0-0x3fffffff ram -\n0x40000000-0x7fffffff ram -\n"
	  "0x80000000-0xbfffffff pmem unbacked -\n"
	  "0x100000000-0x1ffffffff hotplug unbacked -\n",
	  "0 0 0x0 0x40000000 0x0\n1 1 0x40000000 0x40000000 0x40000000\n",
	  "0 0x0 0x40000000\n1 0x40000000 0x40000000\n2 0x80000000 0x0\n" },
	{ "the backing is laid out in node order, slots stay in guest order",
	  "ram 0 1G node=1\nram 0x40000000 2G node=0\n",
	  "0x0-0x3fffffff ram -\n0x40000000-0xbfffffff ram -\n",
	  "0 1 0x0 0x40000000 0x80000000\n1 0 0x40000000 0x80000000 0x0\n",
	  "0 0x0 0x80000000\n1 0x80000000 0x40000000\n" },
	{ "a map that is not NUMA: one backing part, node 0",
	  "ram 0 1G\nram 0x40000000 1G\n",
	  "0x0-0x3fffffff ram -\n0x40000000-0x7fffffff ram -\n",
	  "0 0 0x0 0x80000000 0x0\n",
	  "0 0x0 0x80000000\n" },
	{ "carving keeps node boundaries: an overlay across two nodes is two "
	  "pieces, and two slots",
	  "ram 0 1M node=0\nram 0x100000 1M node=1\n"
	  "acpi 0xff000 8K name=t\n",
	  "0x0-0xfefff ram -\n0xff000-0xfffff acpi backed t\n"
	  "0x100000-0x100fff acpi backed t\n0x101000-0x1fffff ram -\n",
	  "0 0 0x0 0x100000 0x0\n1 1 0x100000 0x100000 0x100000\n",
	  "0 0x0 0x100000\n1 0x100000 0x100000\n" },
	{ "a hole carved across two nodes is a piece in each",
	  "ram 0 1M node=0\nram 0x100000 1M node=1\n"
	  "reserved 0xff000 8K name=x\n",
	  "0x0-0xfefff ram -\n0xff000-0xfffff reserved/reserved carved x\n"
	  "0x100000-0x100fff reserved/reserved carved x\n"
	  "0x101000-0x1fffff ram -\n",
	  "0 0 0x0 0xff000 0x0\n1 1 0x101000 0xff000 0xff000\n",
	  "0 0x0 0xff000\n1 0xff000 0xff000\n" },
	{ "relocate adds RAM back in the block's own node",
	  "ram 0 1M node=0\nram 0x200000 1M node=1\n"
	  "reserved 0x80000 4K policy=relocate name=x\n",
	  "0x0-0x7ffff ram -\n0x80000-0x80fff reserved/reserved carved x\n"
	  "0x81000-0xfffff ram -\n0x100000-0x100fff ram/relocated -\n"
	  "0x200000-0x2fffff ram -\n",
	  "0 0 0x0 0x80000 0x0\n1 0 0x81000 0x80000 0x80000\n"
	  "2 1 0x200000 0x100000 0x100000\n",
	  "0 0x0 0x100000\n1 0x100000 0x100000\n" },
	{ "relocate passes its own node's ranges, and above the highest "
	  "range the space is that range's node's",
	  "ram 0 1M node=1\npmem 0x100000 1M node=1\n"
	  "reserved 0x80000 4K policy=relocate name=x\n",
	  "0x0-0x7ffff ram -\n0x80000-0x80fff reserved/reserved carved x\n"
	  "0x81000-0xfffff ram -\n0x100000-0x1fffff pmem unbacked -\n"
	  "0x200000-0x200fff ram/relocated -\n",
	  "0 1 0x0 0x80000 0x0\n1 1 0x81000 0x7f000 0x80000\n"
	  "2 1 0x200000 0x1000 0xff000\n",
	  "1 0x0 0x100000\n" },
	{ "relocate never fills a hotplug window",
	  "ram 0 1M node=0\nhotplug 0x100000 1M node=0\n"
	  "reserved 0x80000 4K policy=relocate name=x\n",
	  "0x0-0x7ffff ram -\n0x80000-0x80fff reserved/reserved carved x\n"
	  "0x81000-0xfffff ram -\n0x100000-0x1fffff hotplug unbacked -\n"
	  "0x200000-0x200fff ram/relocated -\n",
	  "0 0 0x0 0x80000 0x0\n1 0 0x81000 0x7f000 0x80000\n"
	  "2 0 0x200000 0x1000 0xff000\n",
	  "0 0x0 0x100000\n" },
	{ "a hotplug window without NUMA: no slot, no RAM",
	  "ram 0 1M\nhotplug 0x100000 1M\n",
	  "0x0-0xfffff ram -\n0x100000-0x1fffff hotplug unbacked -\n",
	  "0 0 0x0 0x100000 0x0\n",
	  "0 0x0 0x100000\n" },
};

static void run_case(void **state)
{
	const struct numa_case *c = *state;
	struct mc_map *map;

	print_message("%s\n", c->name);
	assert_string_equal(carve_text(&map, c->map), c->result);
	assert_string_equal(slots_text(map), c->slots);
	assert_string_equal(backing_text(map), c->backing);
	mc_map_free(map);
}

/* ---- a map refused ---------------------------------------------------- */

struct error_case {
	const char *name;
	const char *map;
	bool at_load;		/* refused by the parser, else by carving */
	int code;
	const char *msg;	/* the first diagnostic */
};

static const struct error_case errors[] = {
	{ "node= on a kind without nodes names the field",
	  "ram 0 1M node=0\nreserved 0 4K node=0\n", true, MC_EINVAL,
	  "test.map:2: node=: only ram, pmem and hotplug ranges have a node" },
	{ "node= is decimal",
	  "ram 0 1M node=0x1\n", true, MC_EINVAL,
	  "test.map:1: node=: '0x1' is not a decimal number" },
	{ "node= above 1023 names Linux's limit",
	  "ram 0 1M node=1024\n", true, MC_ERANGE,
	  "test.map:1: node=: 1024 is above 1023: Linux numbers "
	  "nodes below MAX_NUMNODES, at most 1 << 10 (MC_MAX_NUMNODES)" },
	{ "every ram, pmem and hotplug range has a node, or none has",
	  "ram 0 1M node=0\nram 0x100000 1M\n", false, MC_EINVAL,
	  "test.map:2: ram 0x100000+0x100000: has no node=, but ram "
	  "0x0+0x100000 (test.map:1) has one: every ram, pmem and hotplug "
	  "range has a node, or none has" },
	{ "a pmem range of a NUMA map needs a node too",
	  "pmem 0x100000 1M\nram 0 1M node=0\n", false, MC_EINVAL,
	  "test.map:1: pmem 0x100000+0x100000: has no node=, but ram "
	  "0x0+0x100000 (test.map:2) has one: every ram, pmem and hotplug "
	  "range has a node, or none has" },
	{ "a hotplug window overlaps no range, overlay or not",
	  "ram 0 2M\nhotplug 0x100000 2M\n", false, MC_EOVERLAP,
	  "test.map:1: ram 0x0+0x200000: overlaps hotplug 0x100000+0x200000 "
	  "(test.map:2) (a hotplug window overlaps no other range)" },
	{ "a reserved range with policy=overlay over a window is refused",
	  "hotplug 0x100000 1M\nreserved 0x100000 4K policy=overlay\n", false,
	  MC_EOVERLAP,
	  "test.map:2: reserved 0x100000+0x1000: overlaps hotplug "
	  "0x100000+0x100000 (test.map:1) (a hotplug window overlaps no other "
	  "range)" },
	{ "two hotplug windows may not overlap",
	  "hotplug 0 2M\nhotplug 0x100000 2M\n", false, MC_EOVERLAP,
	  "test.map:2: hotplug 0x100000+0x200000: overlaps hotplug 0x0+0x200000 "
	  "(test.map:1) (a hotplug window overlaps no other range)" },
	{ "hotplug takes no policy",
	  "hotplug 0 1M policy=carve\n", true, MC_EINVAL,
	  "test.map:1: policy=: hotplug takes no policy: no range may overlap "
	  "it" },
	{ "distance names nodes some region names",
	  "ram 0 1M node=0\ndistance 0 1 20\n", false, MC_EINVAL,
	  "test.map:2: distance: no region has node=1" },
	{ "distance from a node to itself is 10",
	  "ram 0 1M node=0\ndistance 0 0 12\n", true, MC_EINVAL,
	  "test.map:2: distance: node 0 to itself is 12: a node's distance to "
	  "itself is 10 (LOCAL_DISTANCE)" },
	{ "distance between two nodes is above 10",
	  "ram 0 1M node=0\nram 0x100000 1M node=1\ndistance 0 1 10\n", true,
	  MC_EINVAL,
	  "test.map:3: distance: node 0 to node 1 is 10: a distance between two "
	  "nodes is 11..255 (above LOCAL_DISTANCE, fits in a u8)" },
	{ "distance between two nodes fits in a u8",
	  "ram 0 1M node=0\nram 0x100000 1M node=1\ndistance 0 1 256\n", true,
	  MC_EINVAL,
	  "test.map:3: distance: node 0 to node 1 is 256: a distance between "
	  "two nodes is 11..255 (above LOCAL_DISTANCE, fits in a u8)" },
	{ "distance takes three numbers",
	  "distance 0 1\n", true, MC_EINVAL,
	  "test.map:1: distance: expects three numbers (distance FROM TO N)" },
	{ "the same pair twice with different values names both lines",
	  "ram 0 1M node=0\nram 0x100000 1M node=1\ndistance 0 1 20\n"
	  "distance 0 1 30\n", false, MC_EINVAL,
	  "test.map:4: distance: node 0 to node 1 is 30 here and 20 at "
	  "test.map:3" },
	{ "distance in a map that is not NUMA",
	  "ram 0 1M\ndistance 0 0 10\n", false, MC_EINVAL,
	  "test.map:2: distance: the map is not NUMA: no region has node=" },
	{ "relocate refuses naming the node and the other node's range",
	  "ram 0 1M node=0\nram 0x100000 1M node=1\n"
	  "reserved 0x80000 4K policy=relocate\n", false, MC_ENOROOM,
	  "test.map:1: ram 0x0+0x100000: node 0: no free space to relocate "
	  "0x1000 bytes above it before node 1's ram 0x100000+0x100000 "
	  "(test.map:2)" },
	{ "relocate does not jump over another node's pmem",
	  "ram 0 1M node=0\npmem 0x100000 1M node=1\n"
	  "reserved 0x80000 4K policy=relocate\n", false, MC_ENOROOM,
	  "test.map:1: ram 0x0+0x100000: node 0: no free space to relocate "
	  "0x1000 bytes above it before node 1's pmem 0x100000+0x100000 "
	  "(test.map:2)" },
};

static void run_error(void **state)
{
	const struct error_case *c = *state;
	struct mc_map *map = mc_map_new();
	int err = mc_map_load(map, "test.map", c->map, strlen(c->map));

	print_message("%s\n", c->name);
	if (!c->at_load) {
		assert_int_equal(err, 0);
		err = mc_map_carve(map);
		assert_null(mc_map_slots(map, &(size_t){ 0 }));
		assert_null(mc_map_backing(map, &(size_t){ 0 }));
	}
	assert_int_equal(err, c->code);
	assert_string_equal(first_error(map), c->msg);
	mc_map_free(map);
}

/* ---- the API ---------------------------------------------------------- */

static int add(struct mc_map *map, enum mc_kind kind, uint64_t first,
	       uint64_t size, unsigned int flags, uint32_t node)
{
	struct mc_region r = { .first = first, .last = first + size - 1,
			       .kind = kind, .flags = flags, .node = node };

	return mc_map_add(map, &r);
}

/* mc_map_add() applies the parser's rules to struct mc_region.node. */
static void api_node_rules(void **state)
{
	struct mc_map *map = mc_map_new();

	(void)state;
	assert_int_equal(add(map, MC_MMIO, 0, 4096, MC_F_NODE, 0), MC_EINVAL);
	assert_string_equal(mc_map_error(map, 0)->field, "region.flags");
	assert_string_equal(first_error(map), "mc_map_add()#1: region.flags: "
			    "only ram, pmem and hotplug ranges have a node");
	assert_int_equal(add(map, MC_RAM, 0, 4096, 0, 3), MC_EINVAL);
	assert_string_equal(mc_map_error(map, 1)->msg, "mc_map_add()#2: "
			    "region.node: 3 without MC_F_NODE: must be 0");
	assert_int_equal(add(map, MC_RAM, 0, 4096, MC_F_NODE, 1024), MC_ERANGE);
	assert_string_equal(mc_map_error(map, 2)->field, "region.node");
	assert_int_equal(mc_map_is_numa(map), 0);
	assert_int_equal(add(map, MC_RAM, 0, 4096, MC_F_NODE, 1023), 0);
	assert_int_equal(mc_map_is_numa(map), 1);
	assert_int_equal(mc_map_input(map, &(size_t){ 0 })[0].node, 1023);
	mc_map_free(map);
}

/* Distances by symmetry, unless the reverse is stated on its own. */
static void api_distances(void **state)
{
	struct mc_map *map = map_from("ram 0 1M node=0\nram 0x100000 1M node=1\n"
				      "ram 0x200000 1M node=2\n");

	(void)state;
	assert_int_equal(mc_map_set_distance(map, 0, 1, 20), 0);
	assert_int_equal(mc_map_set_distance(map, 2, 0, 30), 0);
	assert_int_equal(mc_map_set_distance(map, 0, 2, 40), 0);
	assert_int_equal(mc_map_set_distance(map, 1, 1, 10), 0);
	assert_int_equal(mc_map_set_distance(map, 1, 2, 9), MC_EINVAL);
	assert_int_equal(mc_map_set_distance(map, 1, 1024, 20), MC_EINVAL);
	assert_string_equal(mc_map_error(map, 1)->msg,
			    "mc_map_set_distance(): distance: node 1024 is above "
			    "1023: Linux numbers nodes below MAX_NUMNODES, at "
			    "most 1 << 10 (MC_MAX_NUMNODES)");
	for (int carved = 0; carved < 2; carved++) {	/* unsorted, sorted */
		assert_int_equal(mc_map_distance(map, 0, 1), 20);
		assert_int_equal(mc_map_distance(map, 1, 0), 20);
		assert_int_equal(mc_map_distance(map, 2, 0), 30);
		assert_int_equal(mc_map_distance(map, 0, 2), 40);
		assert_int_equal(mc_map_distance(map, 1, 1), 10);
		assert_int_equal(mc_map_distance(map, 0, 0), 0);
		assert_int_equal(mc_map_distance(map, 1, 2), 0);
		assert_int_equal(mc_map_carve(map), 0);
	}
	mc_map_free(map);
}

/* The writer gives back node=, hotplug and distance, input and result. */
static void write_round_trips(void **state)
{
	static const char text[] =
		"ram 0 1M node=0\nram 0x200000 1M node=1\n"
		"reserved 0x80000 4K policy=relocate name=x\n"
		"acpi 0x1ff000 8K\n"
		"pmem 0x400000 1M node=1\nhotplug 0x800000 8M node=1\n"
		"distance 0 1 20\ndistance 1 0 30\n";
	struct mc_map *map = map_carved(text), *again;
	char *out;
	size_t size;

	(void)state;
	for (int part = MC_MAP_INPUT; part <= MC_MAP_RESULT; part++) {
		assert_int_equal(mc_map_write_alloc(map, (enum mc_map_part)part,
						    &out, &size), 0);
		assert_non_null(strstr(out, "hotplug   0x800000"));
		assert_non_null(strstr(out, "distance 1 0 30\n"));
		again = map_carved(out);
		assert_string_equal(slots_text(again), slots_text(map));
		assert_string_equal(backing_text(again), backing_text(map));
		assert_int_equal(mc_map_distance(again, 1, 0), 30);
		assert_int_equal(mc_map_distance(again, 0, 1), 20);
		assert_int_equal(mc_map_is_numa(again), 1);
		mc_map_free(again);
		mc_free(out);
	}
	mc_map_free(map);
}

/* An uncarved map has no backing; a map may be carved again. */
static void backing_needs_a_carve(void **state)
{
	struct mc_map *map = map_from("ram 0 1M node=5\n");
	size_t n = 7;

	(void)state;
	assert_null(mc_map_backing(map, &n));
	assert_int_equal(n, 0);
	assert_int_equal(mc_map_carve(map), 0);
	assert_string_equal(backing_text(map), "5 0x0 0x100000\n");
	assert_int_equal(mc_map_load(map, "more", "ram 0x100000 1M node=2\n", 23),
			 0);
	assert_null(mc_map_backing(map, &n));
	assert_int_equal(mc_map_carve(map), 0);
	assert_string_equal(backing_text(map),
			    "2 0x0 0x100000\n5 0x100000 0x100000\n");
	mc_map_free(map);
}

/*
 * A hotplug window is in no e820 table (so no zero page, PVH memmap or
 * memmap= line, all made from it) and no PNP0C02 SSDT: e820/table.c and
 * acpi/ssdt.c say why.
 */
static void hotplug_windows_are_in_no_boot_table(void **state)
{
	struct mc_map *map = map_carved(
		"arch x86_64\nram 0 1G node=0\nram 0x100000000 1G node=1\n"
		"reserved 0x80000000 1M\nhotplug 0x200000000 8G node=1\n");
	struct mc_cmdline_opts cl;
	struct mc_e820_entry *e;
	void *out;
	size_t n;
	const uint8_t base[8] = { 0, 0, 0, 0, 2, 0, 0, 0 };	/* LE 0x2_0000_0000 */

	(void)state;
	assert_int_equal(mc_e820_build_alloc(map, NULL, &e, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_true(e[i].addr + e[i].size <= 0x200000000ull);
	mc_free(e);
	mc_cmdline_opts_init(&cl);
	cl.style = MC_CMDLINE_X86;
	assert_int_equal(mc_cmdline_build_alloc(map, &cl, &out, &n), 0);
	assert_string_equal(out, "memmap=exactmap memmap=1G@0 memmap=1M$2G "
				 "memmap=1G@4G");
	mc_free(out);
	assert_int_equal(mc_acpi_ssdt_build_alloc(map, NULL, &out, &n), 0);
	for (size_t i = 0; i + sizeof(base) <= n; i++)	/* no _MIN there */
		assert_memory_not_equal((uint8_t *)out + i, base, sizeof(base));
	mc_free(out);
	mc_map_free(map);
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

int main(void)
{
	static const struct CMUnitTest api[] = {
		cmocka_unit_test(api_node_rules),
		cmocka_unit_test(api_distances),
		cmocka_unit_test(write_round_trips),
		cmocka_unit_test(backing_needs_a_carve),
		cmocka_unit_test(hotplug_windows_are_in_no_boot_table),
	};
	struct CMUnitTest t[N_OF(cases) + N_OF(errors) + N_OF(api)];
	size_t n = 0;

	for (size_t i = 0; i < N_OF(cases); i++)
		t[n++] = (struct CMUnitTest){ cases[i].name, run_case, NULL,
					      NULL, (void *)&cases[i] };
	for (size_t i = 0; i < N_OF(errors); i++)
		t[n++] = (struct CMUnitTest){ errors[i].name, run_error, NULL,
					      NULL, (void *)&errors[i] };
	for (size_t i = 0; i < N_OF(api); i++)
		t[n++] = api[i];
	return _cmocka_run_group_tests("numa", t, n, NULL, NULL);
}
