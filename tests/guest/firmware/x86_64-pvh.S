/*
 * memcarve test firmware for a PVH boot on QEMU x86 (-bios, 64 KiB at
 * 0xffff0000).
 *
 * The vmlinux segments, our start_info block (from `memcarve e820 --format
 * pvh`), the command line and the initrd are already in RAM, put there by
 * QEMU's loader device before reset. This code only takes the CPU from the
 * reset vector to the state the PVH boot ABI asks for and jumps to the
 * kernel's 32-bit PVH entry (XEN_ELFNOTE_PHYS32_ENTRY), as Linux's
 * arch/x86/platform/pvh/head.S documents it:
 *   %ebx = start_info; CR0 = PE only; CR4 = 0; CS a flat 32-bit code
 *   segment, DS/ES flat 32-bit data; interrupts off; paging off.
 * (TR, which the ABI also names, is left as reset set it: the kernel loads
 * its own GDT, TSS and stack before it uses any of them.)
 *
 * Assembled with --defsym:
 *   PVH_ENTRY   physical address of the PVH entry (the ELF note's value)
 *   START_INFO  physical address of our start_info block
 * Linked at 0xffff0000 (see boot_pvh.py).
 */

	.section .text
	.code16
	.globl	_start
_start:
	cli
	cld
	/* CS base is 0xffff0000 after reset: an offset from the image start
	 * addresses the GDT descriptor */
	lgdtl	%cs:(gdt_desc - _start)
	movl	$1, %eax		/* PE; every other writable bit 0 */
	movl	%eax, %cr0
	/* ljmpl $0x08, $protected, written out: gas would emit a 16-bit
	 * offset in .code16 */
	.byte	0x66, 0xea
	.long	protected
	.word	0x08

	.code32
protected:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	xorl	%eax, %eax
	movl	%eax, %cr4
	movl	$START_INFO, %ebx
	movl	$PVH_ENTRY, %eax
	jmp	*%eax

	/* accessed bits set: the CPU would try to set them in ROM */
	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: flat 32-bit code */
	.quad	0x00cf93000000ffff	/* 0x10: flat 32-bit data */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

	/* reset vector, 16 bytes below 4 GiB: jmp near to _start by hand */
	.org	0xfff0
reset:
	.code16
	.byte	0xe9
	.word	(_start - (reset + 3)) & 0xffff
	.org	0x10000
