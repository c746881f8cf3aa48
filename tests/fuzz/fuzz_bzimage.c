// SPDX-License-Identifier: MIT
/*
 * fuzz_bzimage.c - the bzImage setup-header reader and the zero page.
 *
 * The input is the kernel image ("--kernel"). An image mc_e820_bzimage()
 * accepts is copied into a zero page with every optional field set (the
 * ones its protocol lacks must be refused, not written), over a table of
 * more than 128 entries so the SETUP_E820_EXT chain is linked too.
 * mc_e820_boot_build() with the same fields writes the same page whenever
 * it accepts the image (it checks more: the load range must be RAM).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "memcarve-e820.h"

static struct mc_map *table_map(void)
{
	char text[8192];
	size_t at = 0;

	at += (size_t)snprintf(text, sizeof(text),
			       "arch x86_64\nram 0 640K\nram 0x100000 511M\n");
	for (int i = 0; i < 80; i++)
		at += (size_t)snprintf(text + at, sizeof(text) - at,
				       "%s 0x%x 4K\n", i % 2 ? "acpi" : "nvs",
				       0x10000000 + i * 0x10000);
	return fuzz_carved(text);
}

/* Decoding into the carved map would change it: use a fresh one. */
static void check_zeropage(const uint8_t *zp)
{
	struct mc_map *back = mc_map_new();

	if (!back || mc_e820_zeropage_decode(back, zp, MC_ZEROPAGE_SIZE))
		fuzz_fail("our zero page does not decode", MC_EBADBLOB);
	mc_map_free(back);
}

/* The one-call form: when it accepts, the same page and our node after. */
static void check_boot_build(struct mc_map *map,
			     const struct mc_e820_boot_opts *b, size_t n,
			     const uint8_t *zp, int zp_err)
{
	struct mc_e820_boot_opts o;
	uint8_t *out;
	size_t size;

	mc_e820_boot_opts_init(&o);
	o.kernel = b->kernel;
	o.kernel_len = b->kernel_len;
	o.kernel_name = b->kernel_name;
	o.cmdline_addr = b->cmdline_addr;
	o.initrd_addr = b->initrd_addr;
	o.initrd_size = b->initrd_size;
	o.rsdp_addr = b->rsdp_addr;
	o.setup_data_addr = b->setup_data_addr;
	o.setup_data_next = b->setup_data_next;
	if (mc_e820_boot_build_alloc(map, &o, (void **)&out, &size))
		return;
	if (zp_err || memcmp(out, zp, MC_ZEROPAGE_SIZE) ||
	    size != MC_ZEROPAGE_SIZE + MC_SETUP_DATA_HDR +
			    (n - MC_E820_ZEROPAGE_MAX) * MC_E820_ENTRY_SIZE)
		fuzz_fail("mc_e820_boot_build: another zero page", zp_err);
	mc_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mc_map *map;
	static struct mc_e820_entry e[256];
	static size_t n;
	uint8_t *image = malloc(size ? size : 1), zp[MC_ZEROPAGE_SIZE];
	struct mc_bzimage img;
	int err;
	struct mc_e820_boot_opts boot = {
		.kernel_name = "fuzz.bzImage", .cmdline_addr = 0x20000,
		.initrd_addr = 0x6000000, .initrd_size = 1 << 20,
		.rsdp_addr = 0x80000, .setup_data_addr = 0x30000,
		.setup_data_next = 0x40000,
	};

	if (!map) {
		map = table_map();
		n = 256;
		if (!map || mc_e820_build(map, NULL, e, &n) ||
		    n <= MC_E820_ZEROPAGE_MAX)
			fuzz_fail("the table map", MC_EINVAL);
	}
	if (!image)
		fuzz_fail("malloc", MC_ENOMEM);
	memcpy(image, data, size);
	mc_e820_bzimage(map, boot.kernel_name, image, size, &img);
	boot.kernel = image;
	boot.kernel_len = size;
	err = mc_e820_zeropage(map, e, n, &boot, zp,
			       &(size_t){ MC_ZEROPAGE_SIZE });
	if (!err)
		check_zeropage(zp);
	check_boot_build(map, &boot, n, zp, err);
	/* The same image with only the fields every protocol has. */
	boot.initrd_addr = boot.initrd_size = boot.rsdp_addr = 0;
	boot.setup_data_next = 0;
	mc_e820_zeropage(map, e, 128, &boot, zp, &(size_t){ MC_ZEROPAGE_SIZE });
	mc_map_clear_errors(map);
	free(image);
	return 0;
}
