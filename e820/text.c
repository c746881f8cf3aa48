// SPDX-License-Identifier: MIT
/*
 * text.c - entries as the kernel prints them, and as raw bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include "memcarve-e820.h"
#include "le.h"

/* Linux 6.1 e820_print_type(); RESERVED_KERN (128) is never emitted. */
const char *mc_e820_type_name(uint32_t type, char *buf, size_t len)
{
	switch (type) {
	case MC_E820_RAM:
		return "usable";
	case MC_E820_RESERVED:
		return "reserved";
	case MC_E820_SOFT_RESERVED:
		return "soft reserved";
	case MC_E820_ACPI:
		return "ACPI data";
	case MC_E820_NVS:
		return "ACPI NVS";
	case MC_E820_UNUSABLE:
		return "unusable";
	case MC_E820_PMEM:
		return "persistent (type 7)";
	case MC_E820_PRAM:
		return "persistent (type 12)";
	default:
		snprintf(buf, len, "type %" PRIu32, type);
		return buf;
	}
}

/*
 * The kernel prints "%#018Lx"; its vsprintf puts the 0x on zero too,
 * unlike C's printf, so the C spelling is "0x%016".
 */
int mc_e820_format_line(const struct mc_e820_entry *e, const char *who,
			char *buf, size_t len)
{
	char tmp[24];
	const char *name = mc_e820_type_name(e->type, tmp, sizeof(tmp));

	return snprintf(buf, len, "%s: [mem 0x%016" PRIx64 "-0x%016" PRIx64
			"] %s", who, e->addr, e->addr + (e->size - 1), name);
}

int mc_e820_encode(const struct mc_e820_entry *e, size_t n, void *buf,
		   size_t len, size_t *needed)
{
	uint8_t *p = buf;

	*needed = 0;
	if (n > SIZE_MAX / MC_E820_ENTRY_SIZE)
		return MC_ERANGE;
	*needed = n * MC_E820_ENTRY_SIZE;
	if (len < *needed)
		return MC_ENOSPC;
	for (size_t i = 0; i < n; i++, p += MC_E820_ENTRY_SIZE) {
		mc_put_le(p, e[i].addr, 8);
		mc_put_le(p + 8, e[i].size, 8);
		mc_put_le(p + 16, e[i].type, 4);
	}
	return 0;
}

size_t mc_e820_ext_count(size_t n)
{
	return n > MC_E820_ZEROPAGE_MAX ? n - MC_E820_ZEROPAGE_MAX : 0;
}
