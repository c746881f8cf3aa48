// SPDX-License-Identifier: MIT
/*
 * pci_dev.c - a PCI device as lspci and sysfs write it.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "memcarve-host.h"

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* "[segment:]bus:dev.fn" in hex: up to three ':'-separated numbers. */
int mc_pci_dev_parse(const char *s, struct mc_pci_dev *dev)
{
	unsigned long v[4];
	int n = 0;
	char *end;

	for (;;) {
		if (n == 3 || !is_hex(*s))
			return MC_EINVAL;
		v[n++] = strtoul(s, &end, 16);
		if (end - s > 4)
			return MC_EINVAL;
		s = end;
		if (*s != ':')
			break;
		s++;
	}
	if (*s != '.' || n < 2 || s[1] < '0' || s[1] > '7' || s[2] != '\0')
		return MC_EINVAL;
	v[n] = (unsigned long)(s[1] - '0');
	if (n == 2) {
		memmove(&v[1], &v[0], 3 * sizeof(v[0]));
		v[0] = 0;
	}
	if (v[0] > 0xffff || v[1] > 0xff || v[2] > 0x1f)
		return MC_EINVAL;
	dev->segment = (uint16_t)v[0];
	dev->bus = (uint8_t)v[1];
	dev->devfn = (uint8_t)(v[2] << 3 | v[3]);
	return 0;
}
