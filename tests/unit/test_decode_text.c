// SPDX-License-Identifier: MIT
/*
 * test_decode_text.c - the decoders "memcarve inspect" added for outputs
 * that are text or wrap other tables (issue 14): the e820 table as the
 * kernel prints it, a command line's mem= and memmap=, the RSDP blob.
 * Each test states the text and the map it must read back as, carved and
 * rendered as core_helpers.h does.
 */
#include "core_helpers.h"
#include "memcarve-acpi.h"
#include "acpi_table.h"
#include "memcarve-cmdline.h"
#include "memcarve-e820.h"

typedef int (*decode_fn)(struct mc_map *, const void *, size_t);

/* Decode @text, carve what it says, and return the rendering. */
static const char *decoded(decode_fn decode, const char *text,
			   enum mc_arch arch)
{
	struct mc_map *map = mc_map_new();
	static char out[8192];
	int err = decode(map, text, strlen(text));

	if (err)
		fail_msg("decode failed (%d): %s", err, first_error(map));
	assert_int_equal(mc_map_arch(map), arch);
	if (mc_map_carve(map))
		fail_msg("carve failed: %s", first_error(map));
	snprintf(out, sizeof(out), "%s", render(map));
	mc_map_free(map);
	return out;
}

/* Decode @text, expecting @code and the diagnostic @msg ("" for none). */
static void refused(decode_fn decode, const char *text, int code,
		    const char *msg)
{
	struct mc_map *map = mc_map_new();

	assert_int_equal(decode(map, text, strlen(text)), code);
	assert_string_equal(first_error(map), msg);
	mc_map_free(map);
}

static void e820_text_linux_6_1(void **state)
{
	(void)state;
	assert_string_equal(decoded(mc_e820_text_decode,
		"BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable\n"
		"BIOS-e820: [mem 0x00000000000a0000-0x00000000000fffff] reserved\n"
		"BIOS-e820: [mem 0x0000000000100000-0x000000007fefffff] usable\n"
		"BIOS-e820: [mem 0x000000007ff00000-0x000000007ff7ffff] ACPI data\n"
		"BIOS-e820: [mem 0x000000007ff80000-0x000000007fffffff] ACPI NVS\n"
		"BIOS-e820: [mem 0x0000000100000000-0x00000001ffffffff] persistent (type 7)\n",
		MC_ARCH_X86_64),
		"0x0-0x9ffff ram -\n"
		"0xa0000-0xfffff reserved/reserved unbacked -\n"
		"0x100000-0x7fefffff ram -\n"
		"0x7ff00000-0x7ff7ffff acpi unbacked -\n"
		"0x7ff80000-0x7fffffff nvs unbacked -\n"
		"0x100000000-0x1ffffffff pmem unbacked -\n");
}

/* Newer kernels: other names, two spaces, gap lines, in a dmesg. */
static void e820_text_newer_kernels(void **state)
{
	(void)state;
	assert_string_equal(decoded(mc_e820_text_decode,
		"[    0.000000] BIOS-provided physical RAM map:\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff]  System RAM\n"
		"[    0.000000] BIOS-e820: [gap 0x00000000000a0000-0x00000000000effff]\n"
		"[    0.000000] BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff]  device reserved\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff]  persistent RAM (type 12)\n",
		MC_ARCH_X86_64),
		"0x0-0x9ffff ram -\n"
		"0xf0000-0xfffff reserved/reserved unbacked -\n"
		"0x100000000-0x13fffffff pmem unbacked pram\n");
}

static void e820_text_refusals(void **state)
{
	(void)state;
	refused(mc_e820_text_decode, "ram 0 1G\n", MC_EBADBLOB, "");
	refused(mc_e820_text_decode,
		"e820: [mem 0x0000000000000000-0x000000000009ffff] usable RAM\n",
		MC_EBADBLOB,
		"line 1: 'usable RAM' is not an e820 type Linux prints");
	refused(mc_e820_text_decode,
		"e820: [mem 0x00000000000a0000-0x000000000009ffff] usable\n",
		MC_EBADBLOB,
		"line 1: not '[mem 0xFIRST-0xLAST]' with FIRST <= LAST");
	refused(mc_e820_text_decode,
		"e820: [mem 0x0-0xffffffffffffffff] usable\n", MC_EBADBLOB,
		"line 1: an entry of 2^64 bytes");
}

static void cmdline_x86_every_operator(void **state)
{
	(void)state;
	assert_string_equal(decoded(mc_cmdline_decode,
		"console=ttyS0 memmap=exactmap memmap=640K@0 memmap=2046M@1M "
		"memmap=512K#2047M,512K%2096640K+4 memmap=2M$4075M "
		"memmap=4G!4G memmap=0x1000%0x200000000-2+7 -- memmap=1G@8G\n",
		MC_ARCH_X86_64),
		"0x0-0x9ffff ram -\n"
		"0x100000-0x7fefffff ram -\n"
		"0x7ff00000-0x7ff7ffff acpi unbacked -\n"
		"0x7ff80000-0x7fffffff nvs unbacked -\n"
		"0xfeb00000-0xfecfffff reserved/reserved unbacked -\n"
		"0x100000000-0x1ffffffff pmem unbacked pram\n"
		"0x200000000-0x200000fff pmem unbacked -\n");
}

/* MIPS: mem= blocks; memmap=$ is a range RAM still backs. GRUB quoting. */
static void cmdline_mips_and_quoting(void **state)
{
	const char *want = "0x0-0x5ffffff ram -\n"
			   "0x8000000-0x9ffffff ram -\n"
			   "0xa000000-0xaffffff reserved/reserved backed -\n"
			   "0xb000000-0xfffffff ram -\n";

	(void)state;
	assert_string_equal(decoded(mc_cmdline_decode,
		"mem=96M@0 mem=128M@128M memmap=16M\\$160M", MC_ARCH_MIPS), want);
	assert_string_equal(decoded(mc_cmdline_decode,
		"'console=ttyS0 mem=96M mem=128M@128M memmap=16M$160M'\n",
		MC_ARCH_MIPS), want);
}

static void cmdline_refusals(void **state)
{
	(void)state;
	refused(mc_cmdline_decode, "console=ttyS0 quiet\n", MC_EBADBLOB, "");
	refused(mc_cmdline_decode, "memmap=16M", MC_EINVAL,
		"'16M': memmap=SIZE alone is a limit, not a range");
	refused(mc_cmdline_decode, "memmap=16M%4G", MC_EINVAL,
		"'16M%4G': not SIZE@BASE, SIZE$BASE, SIZE#BASE, SIZE!BASE or "
		"SIZE%BASE+TYPE");
	refused(mc_cmdline_decode, "memmap=0@4G", MC_EINVAL,
		"'0@4G': no size, or a size of 0");
	refused(mc_cmdline_decode, "memmap=2G@0xffffffffc0000000", MC_EINVAL,
		"'2G@0xffffffffc0000000': runs past 2^64");
	refused(mc_cmdline_decode, "mem=99999999999999999999G", MC_EINVAL,
		"'99999999999999999999G': no size, or a size of 0");
}

/* A DMAR behind an RSDP: the blob's own range, then the RMRR. */
static void rsdp_blob_reads_back(void **state)
{
	struct mc_map *map = map_carved(
		"arch x86_64\nram 0 1G\n"
		"reserved 0x3e2e0000 128K type=direct devices=00:02.0\n");
	struct mc_map *back = mc_map_new();
	uint8_t *dmar, *blob;
	void *p;
	size_t dmar_len, len;
	const void *tables[1];
	char want[200];

	(void)state;
	assert_int_equal(acpi_table(map, MC_ACPI_DMAR, NULL, NULL, 0, &dmar, &dmar_len), 0);
	tables[0] = dmar;
	assert_int_equal(mc_acpi_rsdp_alloc(map, 0x9f000, tables, &dmar_len, 1,
					    NULL, &p, &len), 0);
	blob = p;
	assert_int_equal(mc_acpi_rsdp_decode(back, blob, len), 0);
	assert_int_equal(mc_map_carve(back), 0);
	snprintf(want, sizeof(want), "0x9f000-0x%zx acpi unbacked acpi-tables\n"
		 "0x3e2e0000-0x3e2fffff reserved/direct unbacked -\n",
		 0x9f000 + len - 1);
	assert_string_equal(render(back), want);
	mc_map_free(back);
	back = mc_map_new();
	blob[8] ^= 1;	/* the RSDP's checksum */
	assert_int_equal(mc_acpi_rsdp_decode(back, blob, len), MC_EBADBLOB);
	assert_string_equal(first_error(back), "RSDP: not a revision 2 RSDP "
			    "with both checksums right");
	mc_map_free(back);
	mc_free(blob);
	mc_free(dmar);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(e820_text_linux_6_1),
		cmocka_unit_test(e820_text_newer_kernels),
		cmocka_unit_test(e820_text_refusals),
		cmocka_unit_test(cmdline_x86_every_operator),
		cmocka_unit_test(cmdline_mips_and_quoting),
		cmocka_unit_test(cmdline_refusals),
		cmocka_unit_test(rsdp_blob_reads_back),
	};

	return cmocka_run_group_tests_name("decode_text", tests, NULL, NULL);
}
