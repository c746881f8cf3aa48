/*
 * memcarve test firmware for QEMU pseries (-bios, loaded at 0, entered at
 * 0x100 in big-endian real mode). Enter the kernel through the flat
 * device-tree entry: r3 = DTB, r4 = kernel base, r5 = 0 (not an Open
 * Firmware client, so prom_init is skipped and our tree is used as is).
 * The kernel's first instructions switch it to little-endian itself.
 * --defsym: DTB_ADDR, KERNEL_ADDR (both below 2 GiB).
 */
	.text
	.org	0x100
	.globl	_start
_start:
	lis	3, DTB_ADDR@h
	ori	3, 3, DTB_ADDR@l
	lis	4, KERNEL_ADDR@h
	ori	4, 4, KERNEL_ADDR@l
	li	5, 0
	mtctr	4
	bctr
