/*
 * memcarve test firmware for QEMU arm64 virt (-bios, runs from flash at 0).
 * The Image, DTB and initrd are already in RAM (loader devices); enter
 * the Image per Documentation/arm64/booting.rst: x0 = DTB, x1..x3 = 0,
 * MMU off. QEMU starts us at EL1, which the kernel accepts.
 * --defsym: DTB_ADDR, KERNEL_ADDR (2 MiB aligned).
 */
	.text
	.globl	_start
_start:
	ldr	x0, =DTB_ADDR
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	ldr	x4, =KERNEL_ADDR
	br	x4
	.ltorg
