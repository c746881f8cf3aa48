/*
 * RTAS for the stub-booted pseries guest. The kernel calls RTAS in
 * big-endian real mode with r3 = the argument buffer; QEMU implements
 * every RTAS service behind the KVMPPC_H_RTAS hypercall (0xf000, args
 * in r4). Named in the tree by /rtas linux,rtas-base / linux,rtas-entry.
 */
	.text
	.globl	_start
_start:
	mr	4, 3
	lis	3, 0
	ori	3, 3, 0xf000
	sc	1
	blr
