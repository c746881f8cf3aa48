// SPDX-License-Identifier: MIT
/*
 * fuzz_inspect.c - "memcarve inspect" on arbitrary bytes.
 *
 * The decoders run in the order cli/cmd_inspect.c tries them, each on a
 * fresh map, until one recognises the bytes. What it decodes is carved and
 * handed to every emitter, as a user round-tripping an output would.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "memcarve-acpi.h"
#include "memcarve-acpi-ssdt.h"
#include "memcarve-dt.h"
#include "memcarve-e820.h"
#include "memcarve-cmdline.h"
#include "memcarve-pvh.h"
#include "../../cli/cli.h"

/* Keep in the order of decoders[] in cli/cmd_inspect.c. */
static int (*const decoders[])(struct mc_map *, const void *, size_t) = {
	mc_dt_decode,
	mc_acpi_dmar_decode,
	mc_acpi_ivrs_decode,
	mc_acpi_iort_decode,
	mc_acpi_srat_decode,
	mc_acpi_ssdt_decode,
	mc_e820_zeropage_decode,
	mc_e820_setup_data_decode,
	mc_pvh_decode,
	mc_e820_raw_decode,
	mc_acpi_rsdp_decode,
	cli_show_json_decode,
	cli_show_text_decode,
	cli_slots_decode,
	mc_e820_text_decode,
	mc_cmdline_decode,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *blob = malloc(size ? size : 1);
	struct mc_map *map = NULL;
	int err = MC_EBADBLOB;

	if (!blob)
		fuzz_fail("malloc", MC_ENOMEM);
	memcpy(blob, data, size);
	/* As inspect: "not my format" is MC_EBADBLOB with no diagnostic. */
	for (size_t i = 0; i < sizeof(decoders) / sizeof(decoders[0]); i++) {
		mc_map_free(map);
		map = mc_map_new();
		if (!map)
			fuzz_fail("mc_map_new", MC_ENOMEM);
		err = decoders[i](map, blob, size);
		if (err && err != MC_EBADBLOB && !mc_map_error_count(map))
			fuzz_fail("a decoder failed without a diagnostic", err);
		if (err != MC_EBADBLOB || mc_map_error_count(map))
			break;
	}
	if (err == 0 && mc_map_carve(map) == 0)
		fuzz_emit_all(map);
	mc_map_free(map);
	free(blob);
	return 0;
}
