// SPDX-License-Identifier: MIT
/*
 * kvm.c - one arm64 vCPU on KVM: memcarve's slots registered from one
 * host mapping, an in-kernel GICv3, PSCI 0.2, and a 16550 emulated from
 * MMIO exits. The guest stops the monitor with PSCI SYSTEM_OFF. File
 * descriptors and mappings are left to the process's exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "vmm.h"

#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | \
			 KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(x))
#define DEFAULT_IPA	40	/* VM type 0 gives a 40-bit guest space */

static int sys_fail(const char *what)
{
	fprintf(stderr, "vmm: %s: %s\n", what, strerror(errno));
	return -1;
}

/* The guest-physical space must hold the last slot and the devices. */
static int create_vm(int kvm, const struct guest_ram *ram)
{
	const struct mc_slot *last = &ram->slots[ram->n_slots - 1];
	uint64_t top = last->guest + (last->size - 1);
	int bits = 64 - __builtin_clzll(top > GICR_BASE ? top : GICR_BASE);
	int max = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	int vm;

	if (bits > (max > 0 ? max : DEFAULT_IPA)) {
		fprintf(stderr, "vmm: slot %u ends at %#llx: needs a %d-bit "
			"guest space, this KVM gives %d bits\n", last->slot,
			(unsigned long long)top, bits,
			max > 0 ? max : DEFAULT_IPA);
		return -1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, bits > DEFAULT_IPA ?
		   KVM_VM_TYPE_ARM_IPA_SIZE(bits) : 0);
	return vm < 0 ? sys_fail("KVM_CREATE_VM") : vm;
}

/* Every memcarve slot, at its offset in the one host mapping. */
static int set_slots(int kvm, int vm, const struct guest_ram *ram)
{
	int max = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	if (max > 0 && ram->n_slots > (size_t)max) {
		fprintf(stderr, "vmm: %zu slots; KVM_CAP_NR_MEMSLOTS is %d\n",
			ram->n_slots, max);
		return -1;
	}
	for (size_t i = 0; i < ram->n_slots; i++) {
		const struct mc_slot *s = &ram->slots[i];
		struct kvm_userspace_memory_region r = {
			.slot = s->slot, .guest_phys_addr = s->guest,
			.memory_size = s->size,
			.userspace_addr = (uintptr_t)(ram->host + s->offset),
		};

		printf("vmm: slot %u guest %#llx size %#llx host +%#llx\n",
		       s->slot, (unsigned long long)s->guest,
		       (unsigned long long)s->size,
		       (unsigned long long)s->offset);
		if ((s->guest | s->size | s->offset) & (page - 1)) {
			fprintf(stderr, "vmm: slot %u is not in %#llx-byte "
				"pages\n", s->slot, (unsigned long long)page);
			return -1;
		}
		if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) < 0)
			return sys_fail("KVM_SET_USER_MEMORY_REGION");
	}
	return 0;
}

static int gic_attr(int gic, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr,
				     .addr = (uintptr_t)val };

	return ioctl(gic, KVM_SET_DEVICE_ATTR, &a) < 0 ?
	       sys_fail("vGICv3 attribute") : 0;
}

/* KVM wants the vGIC created and placed before the vCPU is initialised. */
static int create_gic(int vm)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = GICD_BASE, redist = GICR_BASE;

	if (ioctl(vm, KVM_CREATE_DEVICE, &dev) < 0)
		return sys_fail("KVM_CREATE_DEVICE (vGICv3)");
	if (gic_attr(dev.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
		     KVM_VGIC_V3_ADDR_TYPE_DIST, &dist) ||
	    gic_attr(dev.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
		     KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist))
		return -1;
	return (int)dev.fd;
}

static int set_reg(int vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(vcpu, KVM_SET_ONE_REG, &reg) < 0 ?
	       sys_fail("KVM_SET_ONE_REG") : 0;
}

/* booting.rst: x0 = the DTB, x1-x3 = 0 (as KVM resets them), PC = Image. */
static int create_vcpu(int vm, const struct boot *boot)
{
	struct kvm_vcpu_init init;
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);

	if (vcpu < 0)
		return sys_fail("KVM_CREATE_VCPU");
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		return sys_fail("KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init) < 0)
		return sys_fail("KVM_ARM_VCPU_INIT");
	if (set_reg(vcpu, CORE_REG(regs.pc), boot->kernel) ||
	    set_reg(vcpu, CORE_REG(regs.regs[0]), boot->dtb))
		return -1;
	return vcpu;
}

/*
 * The 16550 as Linux's 8250 driver uses it, byte access only. It sends
 * each byte at once, so THR is always empty; no byte ever arrives. Its
 * one interrupt is "THR empty": raised when THR is written or the
 * interrupt enabled (as a real 16550 reasserts it), cleared when IIR
 * reports it.
 */
struct uart {
	uint8_t reg[8];		/* IER, FCR, LCR, MCR, SCR by offset */
	uint8_t dll, dlm;
	bool thre;		/* THR-empty interrupt pending */
	bool line;		/* level last given to KVM */
};

enum { RBR, IER, IIR, LCR, MCR, LSR, MSR, SCR };
#define IER_THRI	0x02
#define IIR_NONE	0x01
#define IIR_THRE	0x02
#define LCR_DLAB	0x80
#define LSR_IDLE	0x60	/* THR empty, transmitter empty */
#define MSR_READY	0xb0	/* DCD, DSR, CTS */

static bool uart_irq(const struct uart *u)
{
	return (u->reg[IER] & IER_THRI) && u->thre;
}

static uint8_t uart_read(struct uart *u, unsigned int off)
{
	bool dlab = u->reg[LCR] & LCR_DLAB;
	uint8_t fifo = (u->reg[IIR] & 1) ? 0xc0 : 0;	/* FCR: FIFOs on */

	switch (off) {
	case RBR: return dlab ? u->dll : 0;
	case IER: return dlab ? u->dlm : u->reg[IER];
	case IIR:
		if (!uart_irq(u))
			return fifo | IIR_NONE;
		u->thre = false;
		return fifo | IIR_THRE;
	case LSR: return LSR_IDLE;
	case MSR: return MSR_READY;
	default: return u->reg[off];
	}
}

static void uart_write(struct uart *u, unsigned int off, uint8_t v)
{
	bool dlab = u->reg[LCR] & LCR_DLAB;

	if (off == RBR && !dlab) {
		putchar(v);
		if (v == '\n')
			fflush(stdout);
		u->thre = true;
	} else if (off == RBR) {
		u->dll = v;
	} else if (off == IER && dlab) {
		u->dlm = v;
	} else if (off != LSR && off != MSR) {
		u->reg[off] = v;	/* IIR's offset holds FCR on write */
		u->thre |= off == IER && (v & IER_THRI);
	}
}

static int uart_mmio(struct uart *u, int vm, struct kvm_run *run)
{
	uint64_t addr = run->mmio.phys_addr;
	struct kvm_irq_level irq = {
		.irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT |
		       (32 + UART_SPI) << KVM_ARM_IRQ_NUM_SHIFT };

	if (addr < UART_BASE || addr - UART_BASE >= 8 || run->mmio.len != 1) {
		fprintf(stderr, "vmm: %s of %u bytes at %#llx: no device\n",
			run->mmio.is_write ? "write" : "read", run->mmio.len,
			(unsigned long long)addr);
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		return 0;
	}
	if (run->mmio.is_write)
		uart_write(u, (unsigned int)(addr - UART_BASE), run->mmio.data[0]);
	else
		run->mmio.data[0] = uart_read(u, (unsigned int)(addr - UART_BASE));
	if (uart_irq(u) == u->line)
		return 0;
	u->line = uart_irq(u);
	irq.level = u->line;
	return ioctl(vm, KVM_IRQ_LINE, &irq) < 0 ? sys_fail("KVM_IRQ_LINE") : 0;
}

static int run_loop(int vm, int vcpu, struct kvm_run *run)
{
	struct uart uart;

	memset(&uart, 0, sizeof(uart));
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return sys_fail("KVM_RUN");
		}
		if (run->exit_reason == KVM_EXIT_MMIO) {
			if (uart_mmio(&uart, vm, run))
				return -1;
			continue;
		}
		fflush(stdout);
		if (run->exit_reason != KVM_EXIT_SYSTEM_EVENT) {
			fprintf(stderr, "vmm: unexpected KVM exit %u\n",
				run->exit_reason);
			return -1;
		}
		if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN) {
			printf("vmm: guest powered off\n");
			return 0;
		}
		/* Linux resets after a panic when booted with panic=-1. */
		fprintf(stderr, "vmm: guest stopped with system event %u "
			"(%s)\n", run->system_event.type,
			run->system_event.type == KVM_SYSTEM_EVENT_RESET ?
			"reset" : "crash or other");
		return -1;
	}
}

int kvm_boot(const struct guest_ram *ram, const struct boot *boot)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm, gic, vcpu;
	long run_size;
	struct kvm_run *run;
	uint32_t init = 0;

	if (kvm < 0)
		return sys_fail("/dev/kvm");
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "vmm: KVM API version is not %d\n",
			KVM_API_VERSION);
		return -1;
	}
	if ((vm = create_vm(kvm, ram)) < 0 || set_slots(kvm, vm, ram) ||
	    (gic = create_gic(vm)) < 0 || (vcpu = create_vcpu(vm, boot)) < 0)
		return -1;
	/* ...and initialised once the vCPU exists. */
	if (gic_attr(gic, KVM_DEV_ARM_VGIC_GRP_CTRL,
		     KVM_DEV_ARM_VGIC_CTRL_INIT, &init))
		return -1;
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = run_size > 0 ? mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE,
				  MAP_SHARED, vcpu, 0) : MAP_FAILED;
	if (run == MAP_FAILED)
		return sys_fail("vCPU run area");
	printf("vmm: kernel %#llx initrd %#llx+%#llx dtb %#llx\n",
	       (unsigned long long)boot->kernel,
	       (unsigned long long)boot->initrd,
	       (unsigned long long)boot->initrd_size,
	       (unsigned long long)boot->dtb);
	fflush(stdout);
	return run_loop(vm, vcpu, run);
}
