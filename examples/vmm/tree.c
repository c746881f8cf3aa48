// SPDX-License-Identifier: MIT
/*
 * tree.c - the guest's device tree. The monitor writes what it emulates
 * (cpus with PSCI, the GICv3, the architected timer, the UART, /chosen);
 * memcarve writes the memory nodes and /reserved-memory from the carved
 * map. Two ways to join them, with the same result for the guest:
 *
 *   patch: the monitor builds its whole tree, memcarve patches it
 *          (mc_dt_opts.base; `memcarve dt --base` on the command line);
 *   merge: memcarve builds a fragment, the monitor adds its nodes to it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>

#include "memcarve-dt.h"
#include "vmm.h"

#define GIC_PHANDLE	1
#define ROOM		4096	/* bytes of tree the platform nodes need */
#define TRY(x)		do { int e_ = (x); if (e_ < 0) return e_; } while (0)

/* A "reg" of (address, size) pairs, two cells each. */
static int set_reg(void *fdt, int node, const uint64_t *pairs, int n)
{
	TRY(fdt_setprop_u64(fdt, node, "reg", pairs[0]));
	for (int i = 1; i < 2 * n; i++)
		TRY(fdt_appendprop_u64(fdt, node, "reg", pairs[i]));
	return 0;
}

static int add_node(void *fdt, int parent, const char *name,
		    const char *compatible)
{
	int node = fdt_add_subnode(fdt, parent, name);

	if (node >= 0 && compatible)
		TRY(fdt_setprop_string(fdt, node, "compatible", compatible));
	return node;
}

static int cpus(void *fdt)
{
	int node, cpu;

	TRY(node = add_node(fdt, 0, "cpus", NULL));
	TRY(fdt_setprop_u32(fdt, node, "#address-cells", 1));
	TRY(fdt_setprop_u32(fdt, node, "#size-cells", 0));
	TRY(cpu = add_node(fdt, node, "cpu@0", "arm,arm-v8"));
	TRY(fdt_setprop_string(fdt, cpu, "device_type", "cpu"));
	TRY(fdt_setprop_u32(fdt, cpu, "reg", 0));
	TRY(fdt_setprop_string(fdt, cpu, "enable-method", "psci"));
	/* KVM_ARM_VCPU_PSCI_0_2: calls trap to KVM through hvc. */
	TRY(node = add_node(fdt, 0, "psci", "arm,psci-0.2"));
	return fdt_setprop_string(fdt, node, "method", "hvc");
}

static int irq_chip_and_timer(void *fdt)
{
	static const uint64_t gic_reg[] = { GICD_BASE, GICD_SIZE,
					    GICR_BASE, GICR_SIZE };
	/* PPIs 13, 14, 11, 10 (secure, non-secure, virtual, hyp), level high */
	static const uint32_t timer_ppi[] = { 13, 14, 11, 10 };
	int node;

	TRY(node = add_node(fdt, 0, "intc@1010000", "arm,gic-v3"));
	TRY(fdt_setprop_u32(fdt, node, "#interrupt-cells", 3));
	TRY(fdt_setprop_empty(fdt, node, "interrupt-controller"));
	TRY(set_reg(fdt, node, gic_reg, 2));
	TRY(fdt_setprop_u32(fdt, node, "phandle", GIC_PHANDLE));
	TRY(fdt_setprop_u32(fdt, 0, "interrupt-parent", GIC_PHANDLE));
	TRY(node = add_node(fdt, 0, "timer", "arm,armv8-timer"));
	for (int i = 0; i < 4; i++) {
		TRY(fdt_appendprop_u32(fdt, node, "interrupts", 1));
		TRY(fdt_appendprop_u32(fdt, node, "interrupts", timer_ppi[i]));
		TRY(fdt_appendprop_u32(fdt, node, "interrupts", 4));
	}
	return 0;
}

static int uart_and_chosen(void *fdt, const struct boot *boot)
{
	static const uint64_t uart_reg[] = { UART_BASE, UART_SIZE };
	int node;

	TRY(node = add_node(fdt, 0, "uart@1000000", "ns16550a"));
	TRY(set_reg(fdt, node, uart_reg, 1));
	TRY(fdt_setprop_u32(fdt, node, "clock-frequency", UART_CLOCK));
	/* GIC_SPI UART_SPI, level high */
	TRY(fdt_setprop_u32(fdt, node, "interrupts", 0));
	TRY(fdt_appendprop_u32(fdt, node, "interrupts", UART_SPI));
	TRY(fdt_appendprop_u32(fdt, node, "interrupts", 4));
	TRY(node = add_node(fdt, 0, "chosen", NULL));
	TRY(fdt_setprop_string(fdt, node, "bootargs", boot->cmdline));
	TRY(fdt_setprop_string(fdt, node, "stdout-path", "/uart@1000000"));
	if (!boot->initrd_size)
		return 0;
	TRY(fdt_setprop_u64(fdt, node, "linux,initrd-start", boot->initrd));
	return fdt_setprop_u64(fdt, node, "linux,initrd-end",
			       boot->initrd + boot->initrd_size);
}

static int platform_nodes(void *fdt, const struct boot *boot)
{
	TRY(fdt_setprop_string(fdt, 0, "compatible", "linux,dummy-virt"));
	TRY(cpus(fdt));
	TRY(irq_chip_and_timer(fdt));
	TRY(uart_and_chosen(fdt, boot));
	return fdt_pack(fdt);
}

static int fdt_fail(const char *what, int err)
{
	fprintf(stderr, "vmm: device tree: %s: %s\n", what, fdt_strerror(err));
	return -1;
}

/* patch: our tree first, then memcarve replaces memory, adds reservations. */
static int patch(struct mc_map *map, const struct boot *boot, void **dtb,
		 size_t *len)
{
	size_t size = ROOM + strlen(boot->cmdline);
	void *base = malloc(size), *blob;
	struct mc_dt_opts opt;
	int err = base ? fdt_create_empty_tree(base, (int)size) : -FDT_ERR_NOSPACE;

	mc_dt_opts_init(&opt);
	if (!err && !(err = fdt_setprop_u32(base, 0, "#address-cells", 2)) &&
	    !(err = fdt_setprop_u32(base, 0, "#size-cells", 2)))
		err = platform_nodes(base, boot);
	if (err) {
		free(base);
		return fdt_fail("platform nodes", err);
	}
	opt.base = base;
	opt.base_len = fdt_totalsize(base);
	err = mc_dt_build_alloc(map, &opt, &blob, len);
	free(base);
	if (err)
		return report(map, "device tree", err);
	*dtb = malloc(*len);
	if (*dtb)
		memcpy(*dtb, blob, *len);
	mc_free(blob);
	return *dtb ? 0 : fdt_fail("copy", -FDT_ERR_NOSPACE);
}

/* merge: memcarve's fragment first, then the monitor adds its nodes. */
static int merge(struct mc_map *map, const struct boot *boot, void **dtb,
		 size_t *len)
{
	void *frag, *tree;
	size_t frag_len, size;
	int err = mc_dt_build_alloc(map, NULL, &frag, &frag_len);

	if (err)
		return report(map, "device tree", err);
	size = frag_len + ROOM + strlen(boot->cmdline);
	tree = malloc(size);
	err = tree ? fdt_open_into(frag, tree, (int)size) : -FDT_ERR_NOSPACE;
	mc_free(frag);
	if (!err)
		err = platform_nodes(tree, boot);
	if (err) {
		free(tree);
		return fdt_fail("merge", err);
	}
	*dtb = tree;
	*len = fdt_totalsize(tree);
	return 0;
}

int tree_build(struct mc_map *map, const struct boot *boot, bool merged,
	       void **dtb, size_t *len)
{
	return merged ? merge(map, boot, dtb, len) : patch(map, boot, dtb, len);
}
