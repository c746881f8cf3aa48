// SPDX-License-Identifier: MIT
/*
 * pvh_elf.c - mc_pvh_kernel(): the PVH entry of an ELF vmlinux.
 *
 * Linux built with CONFIG_PVH carries a note "Xen", type
 * XEN_ELFNOTE_PHYS32_ENTRY, whose value is the physical address of
 * pvh_start_xen (arch/x86/platform/pvh/head.S: ELFNOTE(Xen,
 * XEN_ELFNOTE_PHYS32_ENTRY, _ASM_PTR ...), 8 bytes on x86_64). The note
 * sits in a PT_NOTE segment; a loader finds it through the program
 * headers (ELF gABI, "Note Section": namesz, descsz, type, then name and
 * desc each padded to 4 bytes).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include "memcarve-pvh.h"
#include "internal/byteorder.h"

/* ELF64 header and program header offsets (ELF gABI, ELF-64 Object File
 * Format 1.5). */
#define EI_CLASS	4	/* u8, 2 = ELFCLASS64 */
#define EI_DATA		5	/* u8, 1 = ELFDATA2LSB */
#define E_TYPE		16	/* u16, 2 = ET_EXEC */
#define E_MACHINE	18	/* u16, 62 = EM_X86_64 */
#define E_PHOFF		32	/* u64 */
#define E_PHENTSIZE	54	/* u16 */
#define E_PHNUM		56	/* u16 */
#define EHDR_SIZE	64
#define P_TYPE		0	/* u32 */
#define P_OFFSET	8	/* u64 */
#define P_PADDR		24	/* u64 */
#define P_FILESZ	32	/* u64 */
#define P_MEMSZ		40	/* u64 */
#define PHDR_SIZE	56
#define PT_LOAD		1
#define PT_NOTE		4
#define NOTE_HDR	12	/* namesz, descsz, type: u32 each */

_Static_assert(E_PHENTSIZE + 2 == E_PHNUM && E_PHNUM + 2 + 2 + 2 + 2 ==
	       EHDR_SIZE, "e_phnum e_shentsize e_shnum e_shstrndx");
_Static_assert(P_PADDR + 8 == P_FILESZ && P_FILESZ + 8 == P_MEMSZ &&
	       P_MEMSZ + 8 + 8 == PHDR_SIZE, "p_memsz p_align");

static int bad(struct mc_map *map, const char *name, const char *why)
{
	return mc_map_report(map, MC_EBADBLOB, "image", "%s: %s", name, why);
}

static size_t pad4(uint64_t v)
{
	return (size_t)((v + 3) & ~(uint64_t)3);
}

/*
 * The value of the PHYS32_ENTRY note in the notes at [@p, @p + @len), or
 * false. A note that does not fit ends the walk: nothing after it can be
 * trusted.
 */
static bool find_entry(const uint8_t *p, size_t len, uint64_t *entry)
{
	size_t at = 0;

	while (len - at >= NOTE_HDR) {
		uint64_t namesz = get_le32(p + at);
		uint64_t descsz = get_le32(p + at + 4);
		uint64_t type = get_le32(p + at + 8);
		const uint8_t *name = p + at + NOTE_HDR, *desc;

		if (pad4(namesz) > len - at - NOTE_HDR ||
		    pad4(descsz) > len - at - NOTE_HDR - pad4(namesz))
			return false;
		desc = name + pad4(namesz);
		if (namesz == 4 && memcmp(name, "Xen", 4) == 0 &&
		    type == MC_PVH_ELFNOTE_PHYS32_ENTRY &&
		    (descsz == 4 || descsz == 8)) {
			*entry = descsz == 8 ? get_le64(desc) : get_le32(desc);
			return true;
		}
		at += NOTE_HDR + pad4(namesz) + pad4(descsz);
	}
	return false;
}

/* Walk the program headers: the load range, and the note. */
static int walk(struct mc_map *map, const char *name, const uint8_t *p,
		size_t len, struct mc_pvh_kernel *out, bool *noted)
{
	uint64_t phoff = get_le64(p + E_PHOFF);
	uint64_t phnum = get_le16(p + E_PHNUM);
	bool loads = false;

	if (get_le16(p + E_PHENTSIZE) != PHDR_SIZE || phoff > len ||
	    phnum > (len - phoff) / PHDR_SIZE)
		return bad(map, name, "program headers run past the file");
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = p + phoff + i * PHDR_SIZE;
		uint64_t type = get_le32(ph + P_TYPE);
		uint64_t off = get_le64(ph + P_OFFSET);
		uint64_t filesz = get_le64(ph + P_FILESZ);
		uint64_t paddr = get_le64(ph + P_PADDR);
		uint64_t memsz = get_le64(ph + P_MEMSZ);

		if ((type == PT_LOAD || type == PT_NOTE) &&
		    (off > len || filesz > len - off))
			return bad(map, name, "a segment runs past the file");
		if (type == PT_NOTE && !*noted)
			*noted = find_entry(p + off, (size_t)filesz, &out->entry);
		if (type != PT_LOAD || !memsz)
			continue;
		if (paddr > UINT64_MAX - (memsz - 1))
			return bad(map, name, "a PT_LOAD runs past 2^64");
		if (!loads || paddr < out->load_first)
			out->load_first = paddr;
		if (!loads || paddr + (memsz - 1) > out->load_last)
			out->load_last = paddr + (memsz - 1);
		loads = true;
	}
	return loads ? 0 : bad(map, name, "no PT_LOAD segment");
}

int mc_pvh_kernel(struct mc_map *map, const char *name, const void *elf,
		  size_t len, struct mc_pvh_kernel *out)
{
	const uint8_t *p = elf;
	bool noted = false;
	int err;

	name = name ? name : "vmlinux";
	memset(out, 0, sizeof(*out));
	if (len >= 0x206 && memcmp(p + 0x202, "HdrS", 4) == 0)
		return bad(map, name, "a bzImage; a PVH boot loads the ELF "
			   "vmlinux inside it (scripts/extract-vmlinux)");
	if (len < EHDR_SIZE || memcmp(p, "\177ELF", 4) != 0)
		return bad(map, name, "not an ELF file");
	if (p[EI_CLASS] != 2 || p[EI_DATA] != 1 ||
	    get_le16(p + E_MACHINE) != 62 || get_le16(p + E_TYPE) != 2)
		return bad(map, name, "not an x86_64 ELF64 little-endian "
			   "executable");
	err = walk(map, name, p, len, out, &noted);
	if (err)
		return err;
	if (!noted)
		return bad(map, name, "no XEN_ELFNOTE_PHYS32_ENTRY (18) note: "
			   "the kernel has no PVH entry (built without "
			   "CONFIG_PVH)");
	if (out->entry > 0xffffffffull || out->entry < out->load_first ||
	    out->entry > out->load_last)
		return mc_map_report(map, MC_EBADBLOB, "image", "%s: the PVH "
				     "entry 0x%" PRIx64 " is not a 32-bit "
				     "address inside its PT_LOAD segments "
				     "0x%" PRIx64 "-0x%" PRIx64, name,
				     out->entry, out->load_first,
				     out->load_last);
	return 0;
}
