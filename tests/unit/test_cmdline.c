// SPDX-License-Identifier: MIT
/*
 * test_cmdline.c - the command-line emitter: how numbers are written, the
 * order of tokens, merging with an existing line, quoting, and the limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "memcarve-cmdline.h"

/* A carved map from map-file text; the test fails if it does not carve. */
static struct mc_map *carved(const char *text)
{
	struct mc_map *map = mc_map_new();

	assert_non_null(map);
	assert_int_equal(mc_map_load(map, "t.map", text, strlen(text)), 0);
	assert_int_equal(mc_map_carve(map), 0);
	return map;
}

/* The line for @text with @opts (NULL: defaults); the map is freed. */
static char *line_of(const char *text, const struct mc_cmdline_opts *opts)
{
	struct mc_map *map = carved(text);
	size_t size = 0;
	char *buf;

	assert_int_equal(mc_cmdline_build(map, opts, NULL, &size), MC_ENOSPC);
	buf = malloc(size);
	assert_non_null(buf);
	assert_int_equal(mc_cmdline_build(map, opts, buf, &size), 0);
	assert_int_equal(strlen(buf) + 1, size);
	mc_map_free(map);
	return buf;
}

static void assert_line(const char *text, const struct mc_cmdline_opts *opts,
			const char *want)
{
	char *got = line_of(text, opts);

	assert_string_equal(got, want);
	free(got);
}

/* The error of a build that must fail, and its first diagnostic. */
static int failure_of(const char *text, const struct mc_cmdline_opts *opts,
		      char *msg, size_t len)
{
	struct mc_map *map = carved(text);
	char buf[8192];
	size_t size = sizeof(buf);
	int err = mc_cmdline_build(map, opts, buf, &size);

	assert_true(err < 0);
	assert_int_not_equal(err, MC_ENOSPC);
	assert_true(mc_map_error_count(map) >= 1);
	snprintf(msg, len, "%s", mc_map_error(map, 0)->msg);
	mc_map_free(map);
	return err;
}

static const char *num(uint64_t v)
{
	static char buf[MC_CMDLINE_NUMBER_MAX];

	mc_cmdline_number(v, buf);
	return buf;
}

/* ---- numbers ----------------------------------------------------------- */

static void numbers_take_the_largest_suffix_that_divides(void **state)
{
	(void)state;
	assert_string_equal(num(0), "0");
	assert_string_equal(num(0x400), "1K");
	assert_string_equal(num(0xa0000), "640K");
	assert_string_equal(num(0x100000), "1M");
	assert_string_equal(num(3071ull << 20), "3071M");
	assert_string_equal(num(1021ull << 30), "1021G");
	assert_string_equal(num(0x9fc00), "639K");
	/* T is left out on purpose: K, M and G every loader knows. */
	assert_string_equal(num(1ull << 40), "1024G");
}

static void numbers_no_suffix_divides_are_hex(void **state)
{
	(void)state;
	assert_string_equal(num(1), "0x1");
	assert_string_equal(num(512), "0x200");
	assert_string_equal(num(0x9fc01), "0x9fc01");
	assert_string_equal(num(UINT64_MAX), "0xffffffffffffffff");
}

static void numbers_pick_the_shorter_form_and_suffix_on_a_tie(void **state)
{
	(void)state;
	/* 18 characters both ways: "18014398509481983K", "0xfffffffffffffc00" */
	assert_string_equal(num(UINT64_MAX - 1023), "18014398509481983K");
	assert_int_equal(mc_cmdline_number(UINT64_MAX, (char[24]){ 0 }), 18);
}

static void numbers_never_start_with_a_zero_digit(void **state)
{
	(void)state;
	/* simple_strtoull(s, &end, 0) reads "0..." as octal */
	for (uint64_t v = 1; v < (1u << 22); v = v * 3 + 7) {
		const char *s = num(v);

		assert_true(s[0] != '0' || s[1] == 'x');
		s = num(v << 10);
		assert_true(s[0] != '0' || s[1] == 'x');
	}
}

/* The rule of memparse()-exact numbers, spelt out with printf. */
static void reference_number(uint64_t v, char *buf, size_t len)
{
	static const struct {
		char suffix;
		unsigned int shift;
	} units[] = { { 'G', 30 }, { 'M', 20 }, { 'K', 10 } };
	char hex[24];

	snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)v);
	snprintf(buf, len, "%s", v ? hex : "0");
	for (size_t i = 0; v && i < 3; i++) {
		if (v % (1ull << units[i].shift))
			continue;
		snprintf(buf, len, "%llu%c",
			 (unsigned long long)(v >> units[i].shift),
			 units[i].suffix);
		if (strlen(buf) > strlen(hex))
			snprintf(buf, len, "%s", hex);
		return;
	}
}

/* Lengths are counted without a loop: check every digit boundary. */
static void numbers_match_printf_at_every_length(void **state)
{
	char want[32];
	uint64_t p = 1;

	(void)state;
	for (int k = 0; k < 20; k++, p *= 10) {
		for (uint64_t d = 0; d < 3; d++) {
			uint64_t v = p - 1 + d;

			for (unsigned int shift = 0; shift <= 30; shift += 10) {
				if (v > UINT64_MAX >> shift)
					continue;
				reference_number(v << shift, want, sizeof(want));
				assert_string_equal(num(v << shift), want);
			}
		}
		for (unsigned int bit = 0; k == 0 && bit < 64; bit++) {
			reference_number(1ull << bit, want, sizeof(want));
			assert_string_equal(num(1ull << bit), want);
			reference_number((1ull << bit) - 1, want, sizeof(want));
			assert_string_equal(num((1ull << bit) - 1), want);
		}
	}
}

static void limits_are_command_line_size_of_each_arch(void **state)
{
	(void)state;
	assert_int_equal(mc_cmdline_limit(MC_ARCH_X86_64), 2048);
	assert_int_equal(mc_cmdline_limit(MC_ARCH_MIPS), 4096);
	assert_int_equal(mc_cmdline_limit(MC_ARCH_ARM64), 2048);
	assert_int_equal(mc_cmdline_limit(MC_ARCH_PPC64), 2048);
	assert_int_equal(mc_cmdline_limit(MC_ARCH_NONE), 2048);
}

/* ---- MIPS -------------------------------------------------------------- */

static const char malta[] =
	"arch mips\n"
	"ram 0x0 256M\n"
	"reserved 0x6000000 32M name=hole\n"
	"reserved 0xa000000 16M name=shared policy=overlay\n";

static void mips_writes_one_mem_per_block_then_memmap(void **state)
{
	(void)state;
	assert_line(malta, NULL, "mem=96M@0 mem=128M@128M memmap=16M$160M");
}

static void mips_puts_every_mem_before_any_memmap(void **state)
{
	/* An overlaid range in the first block would come first by address. */
	char *got = line_of("arch mips\n"
			    "ram 0x0 64M\n"
			    "reserved 0x1000000 1M policy=overlay\n"
			    "ram 0x8000000 64M\n"
			    "reserved 0x9000000 1M policy=overlay\n", NULL);

	(void)state;
	assert_string_equal(got, "mem=64M@0 mem=64M@128M memmap=1M$16M "
				 "memmap=1M$144M");
	assert_true(strrchr(got, '@') < strchr(got, '$'));
	free(got);
}

static void mips_leaves_carved_holes_and_mmio_out_of_every_token(void **state)
{
	(void)state;
	assert_line("arch mips\n"
		    "ram 0x0 256M\n"
		    "mmio 0x1000000 16M\n"
		    "reserved 0x4000000 1M type=msi\n", NULL,
		    "mem=16M@0 mem=32M@32M mem=191M@65M");
}

static void mips_joins_touching_backed_ranges_in_one_memmap(void **state)
{
	(void)state;
	assert_line("arch mips\npolicy overlay\n"
		    "ram 0x0 256M\n"
		    "reserved 0x1000000 1M name=a\n"
		    "reserved 0x1100000 1M name=b\n"
		    "acpi 0x2000000 1M\n", NULL,
		    "mem=256M@0 memmap=2M$16M memmap=1M$32M");
}

static void mips_style_serves_any_arch_when_asked(void **state)
{
	struct mc_cmdline_opts o = { .style = MC_CMDLINE_MIPS };

	(void)state;
	assert_line("arch arm64\nram 0x80000000 2G\n", &o, "mem=2G@2G");
	assert_line("ram 0x0 1G\n", &o, "mem=1G@0");
}

/* ---- x86 --------------------------------------------------------------- */

static const char x86_types[] =
	"arch x86_64\n"
	"ram 0x0 640K\n"
	"ram 0x100000 2047M\n"
	"acpi 0x7ff00000 512K\n"
	"nvs 0x7ff80000 512K\n"
	"reserved 0xfeb00000 1M\n"
	"reserved 0xfec00000 1M\n"
	"mmio 0xfee00000 1M\n"
	"pmem 0x100000000 4G\n";

static void x86_starts_with_exactmap_and_writes_each_type(void **state)
{
	(void)state;
	assert_line(x86_types, NULL,
		    "memmap=exactmap memmap=640K@0 memmap=2046M@1M "
		    "memmap=512K#2047M memmap=512K$2096640K memmap=2M$4075M "
		    "memmap=4G$4G");
}

static void x86_retype_gives_nvs_and_pmem_their_own_types(void **state)
{
	struct mc_cmdline_opts o = { .flags = MC_CMDLINE_RETYPE };

	(void)state;
	assert_line(x86_types, &o,
		    "memmap=exactmap memmap=640K@0 memmap=2046M@1M "
		    "memmap=512K#2047M memmap=512K%2096640K+4 memmap=2M$4075M "
		    "memmap=4G%4G+7");
}

static void x86_pram_writes_pmem_with_the_bang(void **state)
{
	struct mc_cmdline_opts o = { .flags = MC_CMDLINE_PRAM };

	(void)state;
	assert_line(x86_types, &o,
		    "memmap=exactmap memmap=640K@0 memmap=2046M@1M "
		    "memmap=512K#2047M memmap=512K$2096640K memmap=2M$4075M "
		    "memmap=4G!4G");
}

static void x86_describes_reserved_ranges_whatever_backs_them(void **state)
{
	(void)state;
	/* An overlaid range is reserved in e820 just like a carved one. */
	assert_line("arch x86_64\n"
		    "ram 0x0 1G\n"
		    "reserved 0x1000000 1M policy=overlay\n"
		    "reserved 0x2000000 1M\n", NULL,
		    "memmap=exactmap memmap=16M@0 memmap=1M$16M memmap=15M@17M "
		    "memmap=1M$32M memmap=991M@33M");
}

/* ---- merging with --append ------------------------------------------- */

static void append_keeps_other_words_in_order_and_drops_ours(void **state)
{
	struct mc_cmdline_opts o = {
		.append = "console=ttyS0 mem=1G root=/dev/vda memmap=exactmap "
			  "mem_encrypt=on memmapx=1 \"memmap=1M$2M\" mem quiet",
	};

	(void)state;
	assert_line(malta, &o,
		    "console=ttyS0 root=/dev/vda mem_encrypt=on memmapx=1 quiet "
		    "mem=96M@0 mem=128M@128M memmap=16M$160M");
}

static void append_keeps_quoted_words_whole(void **state)
{
	struct mc_cmdline_opts o = {
		.append = "  dyndbg=\"file foo.c +p\"\t\tloglevel=8\n",
	};

	(void)state;
	assert_line(malta, &o,
		    "dyndbg=\"file foo.c +p\" loglevel=8 mem=96M@0 mem=128M@128M "
		    "memmap=16M$160M");
}

static void append_leaves_words_after_the_init_separator_alone(void **state)
{
	struct mc_cmdline_opts o = {
		.append = "ro mem=2G -- single mem=3",
	};

	(void)state;
	assert_line(malta, &o,
		    "ro mem=96M@0 mem=128M@128M memmap=16M$160M -- single mem=3");
}

static void append_of_nothing_is_no_append(void **state)
{
	struct mc_cmdline_opts o = { .append = " \t " };

	(void)state;
	assert_line(malta, &o, "mem=96M@0 mem=128M@128M memmap=16M$160M");
}

/* ---- escaping ---------------------------------------------------------- */

static void escape_shell_single_quotes_the_line(void **state)
{
	struct mc_cmdline_opts o = { .escape = MC_ESCAPE_SHELL,
				     .append = "msg='hi'" };

	(void)state;
	assert_line(malta, &o,
		    "'msg='\\''hi'\\'' mem=96M@0 mem=128M@128M memmap=16M$160M'");
}

static void escape_grub_protects_the_dollar(void **state)
{
	struct mc_cmdline_opts o = { .escape = MC_ESCAPE_GRUB,
				     .append = "a=\"x y\" b=c\\d" };

	(void)state;
	assert_line(malta, &o,
		    "a=\\\"x y\\\" b=c\\\\d mem=96M@0 mem=128M@128M "
		    "memmap=16M\\$160M");
}

static void escape_none_is_raw(void **state)
{
	struct mc_cmdline_opts o = { .escape = MC_ESCAPE_NONE,
				     .append = "a='b' $x" };

	(void)state;
	assert_line(malta, &o,
		    "a='b' $x mem=96M@0 mem=128M@128M memmap=16M$160M");
}

/* ---- sizes and limits ------------------------------------------------- */

static void the_needed_size_is_reported_and_nothing_is_written(void **state)
{
	struct mc_map *map = carved(malta);
	char buf[16];
	size_t size = sizeof(buf);

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(mc_cmdline_build(map, NULL, buf, &size), MC_ENOSPC);
	assert_int_equal(size, strlen("mem=96M@0 mem=128M@128M memmap=16M$160M") + 1);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(mc_map_error_count(map), 0);
	mc_map_free(map);
}

static void a_line_that_just_fits_passes_and_one_byte_more_fails(void **state)
{
	const char *want = "mem=96M@0 mem=128M@128M memmap=16M$160M";
	struct mc_cmdline_opts o = { .max = strlen(want) + 1 };
	char msg[1024];

	(void)state;
	assert_line(malta, &o, want);
	o.max--;
	assert_int_equal(failure_of(malta, &o, msg, sizeof(msg)), MC_ERANGE);
	assert_string_equal(msg,
			    "opts.max: the command line needs 40 bytes with its NUL, over "
			    "the limit of 39 (not truncated); 2 x mem=SIZE@BASE: 23 "
			    "bytes; 1 x memmap=SIZE$BASE: 16 bytes");
}

static void the_limit_counts_the_raw_line_not_its_escaping(void **state)
{
	const char *want = "'mem=96M@0 mem=128M@128M memmap=16M$160M'";
	struct mc_cmdline_opts o = { .max = strlen(want) - 1,
				     .escape = MC_ESCAPE_SHELL };

	(void)state;
	assert_line(malta, &o, want);
}

/*
 * @n overlaid ranges of 4K near 1T: 22 bytes of memmap= token each
 * ("memmap=4K$1069547524K ").
 */
static char *many_ranges(const char *arch, int n)
{
	size_t cap = 16384, at;
	char *text = malloc(cap);

	assert_non_null(text);
	at = (size_t)snprintf(text, cap, "arch %s\npolicy overlay\nram 0x0 1T\n",
			      arch);
	for (int i = 0; i < n; i++)
		at += (size_t)snprintf(text + at, cap - at, "reserved 0x%llx 4K\n",
				       0xff00001000ull + (unsigned)i * 0x2000u);
	return text;
}

/* The kernel that reads the line is the style's, whatever the map's arch. */
static void the_limit_is_the_styles_command_line_size(void **state)
{
	struct mc_cmdline_opts mips = { .style = MC_CMDLINE_MIPS };
	struct mc_cmdline_opts x86 = { .style = MC_CMDLINE_X86 };
	char *on_x86 = many_ranges("x86_64", 104), *on_mips = many_ranges("mips", 104);
	char msg[1024], *got;

	(void)state;
	got = line_of(on_x86, &mips);
	assert_true(strlen(got) > 2048 && strlen(got) < 4096);
	free(got);
	assert_int_equal(failure_of(on_mips, &x86, msg, sizeof(msg)), MC_ERANGE);
	assert_non_null(strstr(msg, "over the limit of 2048 (COMMAND_LINE_SIZE)"));
	assert_non_null(strstr(msg, "104 x memmap=SIZE$BASE"));
	free(on_x86);
	free(on_mips);
}

/* @n blocks of 1M RAM, 1M apart: @n mem= tokens. */
static char *many_blocks(int n)
{
	size_t cap = 8192, at;
	char *text = malloc(cap);

	assert_non_null(text);
	at = (size_t)snprintf(text, cap, "arch mips\n");
	for (int i = 0; i < n; i++)
		at += (size_t)snprintf(text + at, cap - at, "ram 0x%x 1M\n",
				       i * 0x200000);
	return text;
}

/*
 * memblock holds 128 regions per array and MIPS never lets it grow early:
 * 128 mem= blocks fit, 129 do not; memmap=$ ranges leave 24 for the
 * kernel's own reservations.
 */
static void mips_keeps_within_memblocks_128_regions(void **state)
{
	struct mc_cmdline_opts o = { .style = MC_CMDLINE_MIPS, .max = 65536 };
	char *b127 = many_blocks(127), *b128 = many_blocks(128);
	char *b129 = many_blocks(129), *r104 = many_ranges("mips", 104);
	char *r105 = many_ranges("mips", 105), msg[1024];

	(void)state;
	free(line_of(b127, &o));
	free(line_of(b128, &o));
	free(line_of(r104, &o));
	assert_int_equal(failure_of(b129, &o, msg, sizeof(msg)), MC_ERANGE);
	assert_non_null(strstr(msg, "129 memory blocks (mem=)"));
	assert_non_null(strstr(msg, "128 memory regions (INIT_MEMBLOCK_REGIONS"));
	assert_int_equal(failure_of(r105, &o, msg, sizeof(msg)), MC_ERANGE);
	assert_non_null(strstr(msg, "105 reserved ranges"));
	assert_non_null(strstr(msg, "128 reserved regions"));
	free(b127);
	free(b128);
	free(b129);
	free(r104);
	free(r105);
}

/* Touching blocks are one memblock region: they do not count twice. */
static void touching_blocks_are_one_memblock_region(void **state)
{
	struct mc_cmdline_opts o = { .style = MC_CMDLINE_MIPS };

	(void)state;
	assert_line("arch mips\nram 0x0 1M\nram 0x100000 1M\n", &o,
		    "mem=2M@0");
}

/*
 * x86: memmap=exactmap with one entry panics the guest (the sanitizer
 * refuses a table of fewer than 2); the tokens are the e820 table's.
 */
static void x86_exactmap_needs_two_entries(void **state)
{
	struct mc_cmdline_opts o = { .style = MC_CMDLINE_X86 };
	char msg[1024];

	(void)state;
	assert_int_equal(failure_of("ram 0x0 512M\n", &o, msg, sizeof(msg)),
			 MC_EINVAL);
	assert_non_null(strstr(msg, "memmap=exactmap with 1 token"));
	assert_non_null(strstr(msg, "Invalid user supplied memory map"));
	assert_int_equal(failure_of("ram 0x0 256M\nram 0x10000000 256M\n", &o,
				    msg, sizeof(msg)), MC_EINVAL);
	assert_line("ram 0x0 512M\nmmio 0x1000000 4K\n", &o,
		    "memmap=exactmap memmap=16M@0 memmap=4K$16M "
		    "memmap=507900K@16388K");
}

static void x86_max_entries_counts_tokens(void **state)
{
	/*
	 * 3 tokens, and 2 entries the kernel splits off the RAM at 0 (its
	 * first page, and 0xa0000-0xfffff): 5 entries
	 */
	struct mc_cmdline_opts o = { .style = MC_CMDLINE_X86, .max_entries = 5 };
	char msg[1024];
	const char *map = "ram 0x0 512M\nmmio 0x1000000 4K\n";

	(void)state;
	free(line_of(map, &o));
	o.max_entries = 4;
	assert_int_equal(failure_of(map, &o, msg, sizeof(msg)), MC_ERANGE);
	assert_non_null(strstr(msg, "E820_MAX_ENTRIES of 4"));
}

/* ---- --append, split as next_arg() splits it -------------------------- */

static void append_follows_the_kernels_next_arg(void **state)
{
	const char *map = "arch mips\nram 0x0 96M\n";
	struct mc_cmdline_opts o = { .style = MC_CMDLINE_MIPS };

	(void)state;
	/* a quoted "--" ends the kernel's parameters: ours go before it */
	o.append = "console=ttyS0 \"--\" mem=1G";
	assert_line(map, &o, "console=ttyS0 mem=96M@0 \"--\" mem=1G");
	/* 0xA0 and tabs are white space to the kernel's isspace() */
	o.append = "console=ttyS0\xa0mem=1G\tmemmap=4K$0 quiet";
	assert_line(map, &o, "console=ttyS0 quiet mem=96M@0");
	/* a quoted parameter is still mem= once next_arg() drops the quote */
	o.append = "\"mem=1G root=/dev/x\" a=\"b c\"";
	assert_line(map, &o, "a=\"b c\" mem=96M@0");
	/* "-"- is not "--"; a backslash is an ordinary byte */
	o.append = "\"-\"- x=\\\" mem=2G\"";
	assert_line(map, &o, "\"-\"- x=\\\" mem=2G\" mem=96M@0");
}

static void an_open_quote_before_our_tokens_is_refused(void **state)
{
	struct mc_cmdline_opts o = { .style = MC_CMDLINE_MIPS,
				     .append = "quiet foo=\"bar" };
	char msg[1024];

	(void)state;
	assert_int_equal(failure_of("arch mips\nram 0x0 96M\n", &o, msg,
				    sizeof(msg)), MC_EINVAL);
	assert_non_null(strstr(msg, "opened at byte 10 is never closed"));
	/* after "--" it is init's, and nothing of ours follows it */
	o.append = "quiet -- \"x";
	assert_line("arch mips\nram 0x0 96M\n", &o, "quiet mem=96M@0 -- \"x");
}

/* ---- refusals ---------------------------------------------------------- */

/*
 * The size is counted in one pass and the line written in another: on a
 * long line of every kind, in every form of number, they must agree.
 */
static void a_long_line_is_exactly_its_size(void **state)
{
	static const char *const kinds[] = {
		"reserved", "acpi", "nvs", "pmem", "mmio", "reserved",
	};
	struct mc_cmdline_opts o = { .style = MC_CMDLINE_X86, .max = SIZE_MAX,
				     .append = "a=$b \"c d\" -- mem=1 'q'" };
	char text[64 * 200 + 64] = "arch x86_64\nram 0x0 16G\n";
	size_t at = strlen(text);

	(void)state;
	for (int i = 0; i < 200; i++)
		at += (size_t)snprintf(text + at, sizeof(text) - at,
				       "%s 0x%llx 0x%x\n", kinds[i % 6],
				       0x10000000ull * (unsigned)(i + 1) +
					       (unsigned)(i % 3) * 0x1400,
				       0x1000u << (i % 11));
	for (unsigned int e = MC_ESCAPE_NONE; e <= MC_ESCAPE_GRUB; e++) {
		for (unsigned int f = 0; f < 4; f++) {
			o.escape = (enum mc_cmdline_escape)e;
			o.flags = f;
			free(line_of(text, &o));
		}
	}
}

static void an_uncarved_map_is_refused(void **state)
{
	struct mc_map *map = mc_map_new();
	size_t size = 0;

	(void)state;
	assert_int_equal(mc_cmdline_build(map, NULL, NULL, &size), MC_ESTATE);
	mc_map_free(map);
}

static void an_arch_without_memmap_needs_a_style(void **state)
{
	char msg[1024];

	(void)state;
	assert_int_equal(failure_of("arch arm64\nram 0x80000000 1G\n", NULL, msg,
				    sizeof(msg)), MC_EINVAL);
	assert_string_equal(msg,
			    "opts.style: arch arm64 has no command-line memory map (only "
			    "mips and x86 parse memmap=): choose mips or x86 explicitly");
	assert_int_equal(failure_of("ram 0x0 1G\n", NULL, msg, sizeof(msg)),
			 MC_EINVAL);
	assert_string_equal(msg, "opts.style: the map names no arch: choose mips "
				 "or x86");
}

static void a_map_without_ram_is_refused(void **state)
{
	char msg[1024];

	(void)state;
	assert_int_equal(failure_of("arch mips\nreserved 0x0 1M\n", NULL, msg,
				    sizeof(msg)), MC_EINVAL);
	assert_non_null(strstr(msg, "no RAM"));
	assert_int_equal(failure_of("arch x86_64\nreserved 0x0 1M\n", NULL, msg,
				    sizeof(msg)), MC_EINVAL);
	assert_non_null(strstr(msg, "no RAM"));
}

static void a_range_ending_at_the_top_is_refused(void **state)
{
	struct mc_cmdline_opts mips = { .style = MC_CMDLINE_MIPS };
	char msg[1024];

	(void)state;
	assert_int_equal(failure_of("ram 0xffffffff00000000 4G\n", &mips, msg,
				    sizeof(msg)), MC_ERANGE);
	assert_string_equal(msg,
			    "cmdline: memory block 0xffffffff00000000+0x100000000 "
			    "ends at 2^64 - 1: the kernel keeps base + size, which does "
			    "not fit in 64 bits");
	assert_int_equal(failure_of("arch x86_64\nram 0x0 1G\n"
				    "reserved 0xfffffffffff00000 1M\n", NULL, msg,
				    sizeof(msg)), MC_ERANGE);
	assert_non_null(strstr(msg, "reserved 0xfffffffffff00000+0x100000 "));
}

static void unknown_options_are_refused(void **state)
{
	struct mc_cmdline_opts o = { .escape = (enum mc_cmdline_escape)7 };
	char msg[1024];

	(void)state;
	assert_int_equal(failure_of(malta, &o, msg, sizeof(msg)), MC_EINVAL);
	o = (struct mc_cmdline_opts){ .style = (enum mc_cmdline_style)9 };
	assert_int_equal(failure_of(malta, &o, msg, sizeof(msg)), MC_EINVAL);
	o = (struct mc_cmdline_opts){ .flags = 0x80 };
	assert_int_equal(failure_of(malta, &o, msg, sizeof(msg)), MC_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_take_the_largest_suffix_that_divides),
		cmocka_unit_test(numbers_no_suffix_divides_are_hex),
		cmocka_unit_test(numbers_pick_the_shorter_form_and_suffix_on_a_tie),
		cmocka_unit_test(numbers_never_start_with_a_zero_digit),
		cmocka_unit_test(numbers_match_printf_at_every_length),
		cmocka_unit_test(limits_are_command_line_size_of_each_arch),
		cmocka_unit_test(mips_writes_one_mem_per_block_then_memmap),
		cmocka_unit_test(mips_puts_every_mem_before_any_memmap),
		cmocka_unit_test(mips_leaves_carved_holes_and_mmio_out_of_every_token),
		cmocka_unit_test(mips_joins_touching_backed_ranges_in_one_memmap),
		cmocka_unit_test(mips_style_serves_any_arch_when_asked),
		cmocka_unit_test(x86_starts_with_exactmap_and_writes_each_type),
		cmocka_unit_test(x86_retype_gives_nvs_and_pmem_their_own_types),
		cmocka_unit_test(x86_pram_writes_pmem_with_the_bang),
		cmocka_unit_test(x86_describes_reserved_ranges_whatever_backs_them),
		cmocka_unit_test(append_keeps_other_words_in_order_and_drops_ours),
		cmocka_unit_test(append_keeps_quoted_words_whole),
		cmocka_unit_test(append_leaves_words_after_the_init_separator_alone),
		cmocka_unit_test(append_of_nothing_is_no_append),
		cmocka_unit_test(escape_shell_single_quotes_the_line),
		cmocka_unit_test(escape_grub_protects_the_dollar),
		cmocka_unit_test(escape_none_is_raw),
		cmocka_unit_test(the_needed_size_is_reported_and_nothing_is_written),
		cmocka_unit_test(a_line_that_just_fits_passes_and_one_byte_more_fails),
		cmocka_unit_test(the_limit_counts_the_raw_line_not_its_escaping),
		cmocka_unit_test(the_limit_is_the_styles_command_line_size),
		cmocka_unit_test(mips_keeps_within_memblocks_128_regions),
		cmocka_unit_test(touching_blocks_are_one_memblock_region),
		cmocka_unit_test(x86_exactmap_needs_two_entries),
		cmocka_unit_test(x86_max_entries_counts_tokens),
		cmocka_unit_test(append_follows_the_kernels_next_arg),
		cmocka_unit_test(an_open_quote_before_our_tokens_is_refused),
		cmocka_unit_test(a_long_line_is_exactly_its_size),
		cmocka_unit_test(an_uncarved_map_is_refused),
		cmocka_unit_test(an_arch_without_memmap_needs_a_style),
		cmocka_unit_test(a_map_without_ram_is_refused),
		cmocka_unit_test(a_range_ending_at_the_top_is_refused),
		cmocka_unit_test(unknown_options_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
