/*
 * memcarve test firmware for QEMU x86 (-bios, 64 KiB at 0xffff0000).
 *
 * Everything the kernel needs (vmlinux segments, boot_params, command
 * line, initrd, setup_data, ACPI) is already in RAM, put there by QEMU's
 * loader device before reset. This code only gets the CPU from the reset
 * vector into long mode and enters the kernel through the 64-bit boot
 * protocol: CS = __BOOT_CS (0x10), DS/ES/SS = __BOOT_DS (0x18),
 * %rsi = boot_params, interrupts off, identity-mapped low 4 GiB.
 *
 * Assembled with --defsym:
 *   KERNEL_ENTRY  physical entry of the vmlinux (its ELF e_entry)
 *   BOOT_PARAMS   physical address of the zero page
 *   PAGE_TABLES   6 pages of RAM for PML4, PDPT and four 2 MiB-page PDs
 *   STACK_TOP     a few bytes of stack (the kernel switches at once)
 * Linked at 0xffff0000 (see firmware.py).
 */

	.section .text
	.code16
	.globl	_start
_start:
	cli
	cld
	/*
	 * Real mode after reset: CS base is 0xffff0000, so an offset from
	 * the image start addresses the GDT descriptor.
	 */
	lgdtl	%cs:(gdt_desc - _start)
	movl	%cr0, %eax
	orl	$1, %eax		/* PE */
	movl	%eax, %cr0
	/*
	 * ljmpl $0x08, $protected: gas would emit a 16-bit offset here, so
	 * the 32-bit far jump is written out by hand.
	 */
	.byte	0x66, 0xea
	.long	protected
	.word	0x08

	.code32
protected:
	movw	$0x18, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movl	$STACK_TOP, %esp

	/* zero PML4, PDPT and the four PDs */
	movl	$PAGE_TABLES, %edi
	xorl	%eax, %eax
	movl	$(6 * 4096 / 4), %ecx
	rep stosl

	movl	$(PAGE_TABLES + 0x1000 + 3), PAGE_TABLES
	movl	$(PAGE_TABLES + 0x2000 + 3), PAGE_TABLES + 0x1000
	movl	$(PAGE_TABLES + 0x3000 + 3), PAGE_TABLES + 0x1008
	movl	$(PAGE_TABLES + 0x4000 + 3), PAGE_TABLES + 0x1010
	movl	$(PAGE_TABLES + 0x5000 + 3), PAGE_TABLES + 0x1018

	/* 2048 2 MiB pages: present, writable, PS */
	movl	$(PAGE_TABLES + 0x2000), %edi
	movl	$0x83, %eax
	movl	$2048, %ecx
1:	movl	%eax, (%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	loop	1b

	movl	%cr4, %eax
	orl	$0x20, %eax		/* PAE */
	movl	%eax, %cr4
	movl	$PAGE_TABLES, %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx	/* EFER */
	rdmsr
	orl	$0x100, %eax		/* LME */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000000, %eax	/* PG: long mode becomes active */
	movl	%eax, %cr0
	ljmp	$0x10, $long64

	.code64
long64:
	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movq	$BOOT_PARAMS, %rsi
	xorl	%ebp, %ebp
	xorl	%edi, %edi
	movq	$KERNEL_ENTRY, %rax
	jmp	*%rax

	/*
	 * Descriptors carry the accessed bit already: the CPU would try to
	 * set it in ROM when loading a selector.
	 */
	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: 32-bit code */
	.quad	0x00af9b000000ffff	/* 0x10: 64-bit code (__BOOT_CS) */
	.quad	0x00cf93000000ffff	/* 0x18: data (__BOOT_DS) */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

	/* reset vector, 16 bytes below 4 GiB; jmp near to _start by hand */
	.org	0xfff0
reset:
	.code16
	.byte	0xe9
	.word	(_start - (reset + 3)) & 0xffff
	.org	0x10000
