// SPDX-License-Identifier: MIT
/*
 * base.c - the VMM tree that "DT patch" rewrites.
 *
 * A patch must stay linear in the size of the base as well as in the
 * number of our ranges, so the base grows with the map: n/4 virtio-mmio
 * device nodes and n/16 firmware children already in /reserved-memory
 * (above the generated map, so none conflicts with ours), besides the
 * usual root properties, CPUs, /chosen, an interrupt controller, one
 * memory node covering the map and two /memreserve/ entries. Written with
 * libfdt's sequential-write functions, as a VMM would.
 */
#include <stdio.h>
#include <libfdt.h>
#include "bench.h"

#define FW_START	0x10000000000ull	/* 1 TiB: above any map */
#define VIRTIO_START	0x0a000000ull
#define MAP_START	0x100000000ull

/* A reg value of two address and two size cells. */
static int prop_reg(void *fdt, uint64_t addr, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(addr), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

static int node_named(void *fdt, const char *name, uint64_t addr)
{
	char full[64];

	snprintf(full, sizeof(full), "%s@%llx", name, (unsigned long long)addr);
	return fdt_begin_node(fdt, full);
}

static int put_cpus(void *fdt)
{
	int err = fdt_begin_node(fdt, "cpus");

	err = err ? err : fdt_property_u32(fdt, "#address-cells", 1);
	err = err ? err : fdt_property_u32(fdt, "#size-cells", 0);
	for (uint32_t i = 0; !err && i < 4; i++) {
		err = node_named(fdt, "cpu", i);
		err = err ? err : fdt_property_string(fdt, "device_type", "cpu");
		err = err ? err : fdt_property_string(fdt, "compatible",
						      "arm,cortex-a57");
		err = err ? err : fdt_property_u32(fdt, "reg", i);
		err = err ? err : fdt_property_string(fdt, "enable-method",
						      "psci");
		err = err ? err : fdt_end_node(fdt);
	}
	return err ? err : fdt_end_node(fdt);
}

static int put_reserved(void *fdt, size_t n)
{
	int err = fdt_begin_node(fdt, "reserved-memory");

	err = err ? err : fdt_property_u32(fdt, "#address-cells", 2);
	err = err ? err : fdt_property_u32(fdt, "#size-cells", 2);
	err = err ? err : fdt_property(fdt, "ranges", NULL, 0);
	for (size_t i = 0; !err && i < n / 16 + 2; i++) {
		uint64_t at = FW_START + i * 0x10000;

		err = node_named(fdt, "fw", at);
		err = err ? err : prop_reg(fdt, at, 0x10000);
		err = err ? err : fdt_property(fdt, "no-map", NULL, 0);
		err = err ? err : fdt_end_node(fdt);
	}
	return err ? err : fdt_end_node(fdt);
}

static int put_devices(void *fdt, size_t n)
{
	int err = 0;

	for (size_t i = 0; !err && i < n / 4 + 4; i++) {
		uint64_t at = VIRTIO_START + i * 0x200;
		fdt32_t irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32(16 + i % 256),
				   cpu_to_fdt32(1) };

		err = node_named(fdt, "virtio_mmio", at);
		err = err ? err : fdt_property_string(fdt, "compatible",
						      "virtio,mmio");
		err = err ? err : prop_reg(fdt, at, 0x200);
		err = err ? err : fdt_property(fdt, "interrupts", irq,
					       sizeof(irq));
		err = err ? err : fdt_property(fdt, "dma-coherent", NULL, 0);
		err = err ? err : fdt_end_node(fdt);
	}
	return err;
}

static int put_root(void *fdt, size_t n)
{
	int err = fdt_begin_node(fdt, "");

	err = err ? err : fdt_property_u32(fdt, "#address-cells", 2);
	err = err ? err : fdt_property_u32(fdt, "#size-cells", 2);
	err = err ? err : fdt_property_string(fdt, "compatible",
					      "linux,dummy-virt");
	err = err ? err : fdt_property_string(fdt, "model", "memcarve-bench");
	err = err ? err : fdt_begin_node(fdt, "chosen");
	err = err ? err : fdt_property_string(fdt, "bootargs",
					      "console=ttyAMA0 root=/dev/vda");
	err = err ? err : fdt_end_node(fdt);
	err = err ? err : put_cpus(fdt);
	err = err ? err : node_named(fdt, "memory", MAP_START);
	err = err ? err : fdt_property_string(fdt, "device_type", "memory");
	/* The VMM's own view: one block over the whole generated map. */
	err = err ? err : prop_reg(fdt, MAP_START, (uint64_t)(n + 16) * 0x40000);
	err = err ? err : fdt_end_node(fdt);
	err = err ? err : put_reserved(fdt, n);
	err = err ? err : node_named(fdt, "intc", 0x8000000);
	err = err ? err : fdt_property_string(fdt, "compatible", "arm,gic-v3");
	err = err ? err : fdt_property(fdt, "interrupt-controller", NULL, 0);
	err = err ? err : fdt_property_u32(fdt, "phandle", 1);
	err = err ? err : fdt_end_node(fdt);
	err = err ? err : put_devices(fdt, n);
	return err ? err : fdt_end_node(fdt);
}

static int put_tree(void *fdt, size_t size, size_t n)
{
	int err = fdt_create(fdt, (int)size);

	err = err ? err : fdt_add_reservemap_entry(fdt, 0x40000000, 0x1000);
	err = err ? err : fdt_add_reservemap_entry(fdt, 0x40010000, 0x1000);
	err = err ? err : fdt_finish_reservemap(fdt);
	err = err ? err : put_root(fdt, n);
	return err ? err : fdt_finish(fdt);
}

void gen_base_dtb(struct bbuf *out, size_t n)
{
	size_t size = 8192 + 160 * (n / 4 + n / 16 + 8);
	int err;

	for (;;) {
		out->len = 0;
		bb_reserve(out, size);
		err = put_tree(out->p, size, n);
		if (err != -FDT_ERR_NOSPACE)
			break;
		size *= 2;
	}
	if (err)
		die("building the base tree: %s", fdt_strerror(err));
	out->len = fdt_totalsize(out->p);
}
