// SPDX-License-Identifier: MIT
/*
 * test_carve.c - the policies of DESIGN §2, case by case.
 *
 * Each case is a map and the carved result as `render()` prints it, plus
 * the RAM totals. Granule is 4K unless the map says otherwise.
 */
#include "core_helpers.h"

struct carve_case {
	const char *name;
	const char *map;
	const char *result;
	const char *totals;	/* before after carved relocated lost */
};

static const char *totals(const struct mc_map *map)
{
	static char buf[160];
	const struct mc_totals *t = mc_map_totals(map);

	snprintf(buf, sizeof(buf), "%llx %llx %llx %llx %llx",
		 (unsigned long long)t->ram_before,
		 (unsigned long long)t->ram_after,
		 (unsigned long long)t->carved,
		 (unsigned long long)t->relocated,
		 (unsigned long long)t->lost_to_rounding);
	return buf;
}

static const struct carve_case cases[] = {
	{ "carve: a range inside RAM becomes a hole",
	  "ram 0 1M name=r\nreserved 0x40000 4K name=x\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x40fff reserved/reserved carved x\n"
	  "0x41000-0xfffff ram r\n",
	  "100000 ff000 1000 0 0" },
	{ "carve: a range touching RAM from outside takes nothing",
	  "ram 0 1M name=r\nreserved 0x100000 4K name=x\n",
	  "0x0-0xfffff ram r\n"
	  "0x100000-0x100fff reserved/reserved unbacked x\n",
	  "100000 100000 0 0 0" },
	{ "carve: a range at address 0",
	  "ram 0 1M name=r\nreserved 0 4K name=x\n",
	  "0x0-0xfff reserved/reserved carved x\n"
	  "0x1000-0xfffff ram r\n",
	  "100000 ff000 1000 0 0" },
	{ "carve: a range ending at 2^64 - 1",
	  "ram 0xfffffffffff00000 1M name=top\n"
	  "reserved 0xfffffffffffff000 4K name=x\n",
	  "0xfffffffffff00000-0xffffffffffffefff ram top\n"
	  "0xfffffffffffff000-0xffffffffffffffff reserved/reserved carved x\n",
	  "100000 ff000 1000 0 0" },
	{ "carve: nested ranges of one type merge into the outer",
	  "ram 0 1M name=r\nreserved 0x40000 64K name=outer\n"
	  "reserved 0x41000 4K name=inner\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x4ffff reserved/reserved carved outer\n"
	  "0x50000-0xfffff ram r\n",
	  "100000 f0000 10000 0 0" },
	{ "carve: overlapping ranges of one type merge into the first",
	  "ram 0 1M name=r\nreserved 0x41000 8K name=b\n"
	  "reserved 0x40000 8K name=a\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x42fff reserved/reserved carved a\n"
	  "0x43000-0xfffff ram r\n",
	  "100000 fd000 3000 0 0" },
	{ "carve: the same range twice is one range (sysfs repeats them)",
	  "ram 0 1M name=r\nreserved 0x40000 4K type=msi\n"
	  "reserved 0x40000 4K type=msi\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x40fff reserved/msi carved -\n"
	  "0x41000-0xfffff ram r\n",
	  "100000 ff000 1000 0 0" },
	{ "merge: a bare (host) range takes the map's range of its extent",
	  "ram 0 1M name=r\nreserved 0x40000 4K type=msi\n"
	  "reserved 0x40000 4K type=msi name=m\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x40fff reserved/msi carved m\n"
	  "0x41000-0xfffff ram r\n",
	  "100000 ff000 1000 0 0" },
	{ "merge: a map range containing host ranges describes them all",
	  "ram 0 1M name=r\nreserved 0x41000 4K type=direct\n"
	  "reserved 0x40000 16K type=direct devices=00:02.0 name=igd "
	  "policy=overlay\nreserved 0x43000 4K type=direct\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x43fff reserved/direct backed igd\n"
	  "0x44000-0xfffff ram r\n",
	  "100000 100000 0 0 0" },
	{ "merge: the map's policy applies to the host range it names",
	  "ram 0 1M name=r\nreserved 0x40800 2K type=direct\n"
	  "reserved 0x40800 2K type=direct policy=overlay name=fw\n",
	  "0x0-0x407ff ram r\n"
	  "0x40800-0x40fff reserved/direct backed fw\n"
	  "0x41000-0xfffff ram r\n",
	  "100000 100000 0 0 0" },
	{ "carve: overlapping types: the more specific wins the description",
	  "ram 0 1M name=r\nreserved 0x40000 16K name=a\n"
	  "reserved 0x41000 4K type=msi name=m\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x40fff reserved/reserved carved a\n"
	  "0x41000-0x41fff reserved/msi carved m\n"
	  "0x42000-0x43fff reserved/reserved carved a\n"
	  "0x44000-0xfffff ram r\n",
	  "100000 fc000 4000 0 0" },
	{ "carve: a reserved range inside an mmio window is described as reserved",
	  "mmio 0x8000000 16M name=gic\nreserved 0x8080000 64K type=msi name=its\n",
	  "0x8000000-0x807ffff mmio unbacked gic\n"
	  "0x8080000-0x808ffff reserved/msi unbacked its\n"
	  "0x8090000-0x8ffffff mmio unbacked gic\n",
	  "0 0 0 0 0" },
	{ "carve: many overlaps at once",
	  "ram 0 1M name=r\n"
	  "reserved 0x10000 8K name=a\nreserved 0x11000 8K name=b\n"
	  "reserved 0x12000 8K name=c\nreserved 0x11800 1K type=msi name=m\n"
	  "mmio 0x13000 16K name=dev\nacpi 0x16000 16K name=tables\n",
	  "0x0-0xffff ram r\n"
	  "0x10000-0x10fff reserved/reserved carved a\n"
	  "0x11000-0x11fff reserved/msi carved m\n"
	  "0x12000-0x13fff reserved/reserved carved a\n"
	  "0x14000-0x16fff mmio carved dev\n"
	  "0x17000-0x19fff acpi backed tables\n"
	  "0x1a000-0xfffff ram r\n",
	  "100000 f9000 7000 0 0" },	/* m's slack is b's exact range */
	{ "carve: a range across a RAM gap is cut where RAM was, described across",
	  "ram 0 1M name=a\nram 2M 1M name=b\nreserved 0xff000 0x102000 name=x\n",
	  "0x0-0xfefff ram a\n"
	  "0xff000-0xfffff reserved/reserved carved x\n"
	  "0x100000-0x1fffff reserved/reserved unbacked x\n"
	  "0x200000-0x200fff reserved/reserved carved x\n"
	  "0x201000-0x2fffff ram b\n",
	  "200000 1fe000 2000 0 0" },
	{ "carve: holes are rounded out to the granule; the loss is counted",
	  "ram 0 1M name=r\nmmio 0x40100 0x100 name=hpet\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x40fff mmio carved hpet\n"
	  "0x41000-0xfffff ram r\n",
	  "100000 ff000 1000 0 f00" },
	{ "carve: a 64K granule rounds a 4K page out to 64K",
	  "granule 64K\nram 0 1M name=r\nreserved 0x41000 4K type=msi name=m\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x4ffff reserved/msi carved m\n"
	  "0x50000-0xfffff ram r\n",
	  "100000 f0000 10000 0 f000" },
	{ "carve: a range outside RAM is never rounded",
	  "granule 64K\nram 0 1M name=r\nreserved 0x200100 0x100 name=x\n",
	  "0x0-0xfffff ram r\n"
	  "0x200100-0x2001ff reserved/reserved unbacked x\n",
	  "100000 100000 0 0 0" },
	{ "overlay: RAM stays and backs the range",
	  "policy overlay\nram 0 1M name=r\nreserved 0x40000 4K name=x\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x40fff reserved/reserved backed x\n"
	  "0x41000-0xfffff ram r\n",
	  "100000 100000 0 0 0" },
	{ "overlay: no rounding, since nothing is cut",
	  "policy overlay\nram 0 1M name=r\nreserved 0x40100 0x100 name=x\n",
	  "0x0-0x400ff ram r\n"
	  "0x40100-0x401ff reserved/reserved backed x\n"
	  "0x40200-0xfffff ram r\n",
	  "100000 100000 0 0 0" },
	{ "overlay: the part outside RAM is not backed",
	  "policy overlay\nram 0 1M name=r\nreserved 0xff000 8K name=x\n",
	  "0x0-0xfefff ram r\n"
	  "0xff000-0xfffff reserved/reserved backed x\n"
	  "0x100000-0x100fff reserved/reserved unbacked x\n",
	  "100000 100000 0 0 0" },
	{ "overlay: mmio is still carved",
	  "policy overlay\nram 0 1M name=r\nmmio 0x40000 4K name=dev\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x40fff mmio carved dev\n"
	  "0x41000-0xfffff ram r\n",
	  "100000 ff000 1000 0 0" },
	{ "overlay: pmem has its own backing and is carved",
	  "policy overlay\nram 0 1M name=r\npmem 0x80000 4K name=nv\n",
	  "0x0-0x7ffff ram r\n"
	  "0x80000-0x80fff pmem carved nv\n"
	  "0x81000-0xfffff ram r\n",
	  "100000 ff000 1000 0 0" },
	{ "defaults: direct, acpi and nvs ranges are overlaid under carve",
	  "ram 0 1M name=r\nreserved 0x10000 4K type=direct name=d\n"
	  "reserved 0x20000 4K type=direct-relaxable name=dr\n"
	  "acpi 0x30000 4K name=a\nnvs 0x40000 4K name=n\n",
	  "0x0-0xffff ram r\n"
	  "0x10000-0x10fff reserved/direct backed d\n"
	  "0x11000-0x1ffff ram r\n"
	  "0x20000-0x20fff reserved/direct-relaxable backed dr\n"
	  "0x21000-0x2ffff ram r\n"
	  "0x30000-0x30fff acpi backed a\n"
	  "0x31000-0x3ffff ram r\n"
	  "0x40000-0x40fff nvs backed n\n"
	  "0x41000-0xfffff ram r\n",
	  "100000 100000 0 0 0" },
	{ "defaults: a region's own policy= wins over the map's",
	  "ram 0 1M name=r\nreserved 0x10000 4K type=direct policy=carve name=d\n"
	  "reserved 0x20000 4K policy=overlay name=o\n",
	  "0x0-0xffff ram r\n"
	  "0x10000-0x10fff reserved/direct carved d\n"
	  "0x11000-0x1ffff ram r\n"
	  "0x20000-0x20fff reserved/reserved backed o\n"
	  "0x21000-0xfffff ram r\n",
	  "100000 ff000 1000 0 0" },
	{ "overlay under a carving range: the carve wins the backing",
	  "ram 0 1M name=r\nmmio 0x10000 64K name=win\n"
	  "reserved 0x18000 4K type=direct name=d\n",
	  "0x0-0xffff ram r\n"
	  "0x10000-0x17fff mmio carved win\n"
	  "0x18000-0x18fff reserved/direct carved d\n"
	  "0x19000-0x1ffff mmio carved win\n"
	  "0x20000-0xfffff ram r\n",
	  "100000 f0000 10000 0 0" },
	{ "relocate: the carved bytes come back right above the block",
	  "policy relocate\nram 0 1M name=r\nreserved 0x40000 4K name=x\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x40fff reserved/reserved carved x\n"
	  "0x41000-0xfffff ram r\n"
	  "0x100000-0x100fff ram/relocated r\n",
	  "100000 100000 1000 1000 0" },
	{ "relocate: the new RAM avoids every described range above",
	  "policy relocate\nram 0 1M name=r\nreserved 0x40000 8K name=x\n"
	  "mmio 0x100000 4K name=dev\nreserved 0x102000 4K type=msi name=m\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x41fff reserved/reserved carved x\n"
	  "0x42000-0xfffff ram r\n"
	  "0x100000-0x100fff mmio unbacked dev\n"
	  "0x101000-0x101fff ram/relocated r\n"
	  "0x102000-0x102fff reserved/msi unbacked m\n"
	  "0x103000-0x103fff ram/relocated r\n",
	  "100000 100000 2000 2000 0" },
	{ "relocate: the lowest gap above the block, even below the next block",
	  "policy relocate\nram 0 1M name=a\nram 2M 1M name=b\n"
	  "reserved 0x40000 4K name=x\n",
	  "0x0-0x3ffff ram a\n"
	  "0x40000-0x40fff reserved/reserved carved x\n"
	  "0x41000-0xfffff ram a\n"
	  "0x100000-0x100fff ram/relocated a\n"
	  "0x200000-0x2fffff ram b\n",
	  "200000 200000 1000 1000 0" },
	{ "relocate: the new RAM skips gaps smaller than a granule",
	  "policy relocate\ngranule 64K\nram 0 1M name=r\n"
	  "reserved 0x40000 64K name=x\nreserved 0x100000 4K name=y\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x4ffff reserved/reserved carved x\n"
	  "0x50000-0xfffff ram r\n"
	  "0x100000-0x100fff reserved/reserved unbacked y\n"
	  "0x110000-0x11ffff ram/relocated r\n",
	  "100000 100000 10000 10000 0" },
	{ "relocate: only ranges under relocate are given back",
	  "ram 0 1M name=r\nreserved 0x40000 4K policy=relocate name=x\n"
	  "reserved 0x50000 4K name=y\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x40fff reserved/reserved carved x\n"
	  "0x41000-0x4ffff ram r\n"
	  "0x50000-0x50fff reserved/reserved carved y\n"
	  "0x51000-0xfffff ram r\n"
	  "0x100000-0x100fff ram/relocated r\n",
	  "100000 ff000 2000 1000 0" },
	{ "relocate: the rounding loss is given back too",
	  "policy relocate\nram 0 1M name=r\nmmio 0x40100 0x100 name=hpet\n",
	  "0x0-0x3ffff ram r\n"
	  "0x40000-0x40fff mmio carved hpet\n"
	  "0x41000-0xfffff ram r\n"
	  "0x100000-0x100fff ram/relocated r\n",
	  "100000 100000 1000 1000 f00" },
	{ "abort: ranges outside RAM are fine",
	  "policy abort\nram 0 1M name=r\nreserved 0x100000 4K name=x\n",
	  "0x0-0xfffff ram r\n"
	  "0x100000-0x100fff reserved/reserved unbacked x\n",
	  "100000 100000 0 0 0" },
	{ "no RAM at all: ranges are only described",
	  "mmio 0x1000 4K name=a\nreserved 0x3000 4K name=b\n",
	  "0x1000-0x1fff mmio unbacked a\n"
	  "0x3000-0x3fff reserved/reserved unbacked b\n",
	  "0 0 0 0 0" },
	{ "adjacent RAM blocks stay separate pieces",
	  "ram 0 1M name=a\nram 1M 1M name=b\n",
	  "0x0-0xfffff ram a\n"
	  "0x100000-0x1fffff ram b\n",
	  "200000 200000 0 0 0" },
};

static void run_case(void **state)
{
	const struct carve_case *c = *state;
	struct mc_map *map;

	print_message("%s\n", c->name);
	assert_string_equal(carve_text(&map, c->map), c->result);
	assert_string_equal(totals(map), c->totals);
	mc_map_free(map);
}

struct error_case {
	const char *name;
	const char *map;
	int code;
	const char *msg;	/* the first diagnostic */
	size_t count;		/* diagnostics in all */
};

static const struct error_case errors[] = {
	{ "abort: a range over RAM is refused, naming both",
	  "policy abort\nram 0 256M\nreserved 0x8000000 1M\n", MC_EOVERLAP,
	  "test.map:3: reserved 0x8000000+0x100000: overlaps ram 0x0+0x10000000 "
	  "(test.map:2) (policy abort)", 1 },
	{ "abort: each overlapping pair is named",
	  "policy abort\nram 0 1M\nram 2M 1M\nreserved 0xff000 0x102000\n",
	  MC_EOVERLAP,
	  "test.map:4: reserved 0xff000+0x102000: overlaps ram 0x0+0x100000 "
	  "(test.map:2) (policy abort)", 2 },
	{ "abort: mmio over RAM is refused too",
	  "policy abort\nram 0 1M\nmmio 0x40000 4K\n", MC_EOVERLAP,
	  "test.map:3: mmio 0x40000+0x1000: overlaps ram 0x0+0x100000 "
	  "(test.map:2) (policy abort)", 1 },
	{ "RAM blocks must not overlap",
	  "ram 0 1M\nram 0x80000 1M\n", MC_EOVERLAP,
	  "test.map:2: ram 0x80000+0x100000: overlaps ram 0x0+0x100000 "
	  "(test.map:1) (RAM blocks must not overlap)", 1 },
	{ "RAM must be aligned to the granule",
	  "granule 64K\nram 0 0x9f000\n", MC_EALIGN,
	  "test.map:2: ram 0x0+0x9f000: not aligned to the granule 0x10000", 1 },
	{ "relocate: no room above the block",
	  "policy relocate\nram 0xfffffffffff00000 1M\n"
	  "reserved 0xfffffffffff80000 4K\n", MC_ENOROOM,
	  "test.map:2: ram 0xfffffffffff00000+0x100000: no free space above it "
	  "for the 0x1000 bytes relocate carved out of it", 1 },
	{ "merge: overlapping ranges of one type with different policies",
	  "ram 0 1M\nreserved 0x40000 8K policy=overlay\n"
	  "reserved 0x41000 8K policy=carve\n",
	  MC_EOVERLAP,
	  "test.map:3: reserved 0x41000+0x2000: overlaps reserved 0x40000+0x2000 "
	  "(test.map:2) (the two have different policies)", 1 },
	{ "merge: overlapping direct ranges serving different devices "
	  "(the same range is one serving both: test_direct_share.c)",
	  "ram 0 1M\nreserved 0x40000 8K type=direct devices=00:02.0\n"
	  "reserved 0x41000 8K type=direct devices=00:03.0\n", MC_EOVERLAP,
	  "test.map:3: reserved 0x41000+0x2000 type=direct: overlaps reserved "
	  "0x40000+0x2000 type=direct (test.map:2) (the two serve different "
	  "devices)", 1 },
	{ "merge: a map range naming devices must contain the host range",
	  "ram 0 1M\nreserved 0x40000 8K type=direct devices=00:02.0\n"
	  "reserved 0x41000 8K type=direct\n", MC_EOVERLAP,
	  "test.map:3: reserved 0x41000+0x2000 type=direct: overlaps reserved "
	  "0x40000+0x2000 type=direct (test.map:2) (only a range that contains "
	  "the other can give it devices and attributes)", 1 },
};

static void run_error(void **state)
{
	const struct error_case *c = *state;
	struct mc_map *map = map_from(c->map);

	print_message("%s\n", c->name);
	assert_int_equal(mc_map_carve(map), c->code);
	assert_string_equal(first_error(map), c->msg);
	assert_int_equal(mc_map_error_count(map), c->count);
	assert_null(mc_map_totals(map));
	mc_map_free(map);
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

int main(void)
{
	struct CMUnitTest t[N_OF(cases) + N_OF(errors)];
	size_t n = 0;

	for (size_t i = 0; i < N_OF(cases); i++)
		t[n++] = (struct CMUnitTest){ cases[i].name, run_case, NULL,
					      NULL, (void *)&cases[i] };
	for (size_t i = 0; i < N_OF(errors); i++)
		t[n++] = (struct CMUnitTest){ errors[i].name, run_error, NULL,
					      NULL, (void *)&errors[i] };
	return _cmocka_run_group_tests("carve", t, n, NULL, NULL);
}
