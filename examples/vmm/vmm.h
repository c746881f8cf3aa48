/* SPDX-License-Identifier: MIT */
/*
 * vmm.h - a small KVM monitor for arm64 guests, built on memcarve.
 *
 * main.c talks to memcarve (map, carve, slots) and loads the guest,
 * tree.c writes the device tree, kvm.c runs the guest. Guest RAM is one
 * host mapping; each memcarve slot is a window of it at the slot's offset,
 * so a carved hole has no host memory at all.
 */
#ifndef VMM_H
#define VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memcarve.h"

/*
 * The monitor's own devices, below the default RAM base (QEMU virt's,
 * 1 GiB). The whole window goes into the map as mmio, so memcarve refuses
 * RAM there and relocate never puts RAM on a device.
 */
#define PLAT_BASE	0x01000000ull
#define PLAT_SIZE	0x01000000ull
#define UART_BASE	0x01000000ull	/* 16550, reg-shift 0 */
#define UART_SIZE	0x1000ull
#define UART_CLOCK	1843200u
#define UART_SPI	1u		/* its interrupt: GIC SPI 1 (INTID 33) */
#define GICD_BASE	0x01010000ull	/* GICv3 distributor, 64 KiB */
#define GICD_SIZE	0x10000ull
#define GICR_BASE	0x01020000ull	/* one redistributor, 128 KiB */
#define GICR_SIZE	0x20000ull

/* Where the loaded pieces went, for the tree and the vCPU. */
struct boot {
	uint64_t kernel;		/* guest address of the Image */
	uint64_t initrd, initrd_size;	/* initrd_size 0: none */
	uint64_t dtb;
	const char *cmdline;
};

/* Guest RAM: one host mapping, memcarve's slots at their offsets. */
struct guest_ram {
	uint8_t *host;
	uint64_t size;			/* mc_totals.ram_after */
	const struct mc_slot *slots;
	size_t n_slots;
};

void *guest_ptr(const struct guest_ram *ram, uint64_t gpa, uint64_t len);

int report(struct mc_map *map, const char *what, int err);
int tree_build(struct mc_map *map, const struct boot *boot, bool merge,
	       void **dtb, size_t *len);

int kvm_boot(const struct guest_ram *ram, const struct boot *boot);

#endif /* VMM_H */
