// SPDX-License-Identifier: MIT
/*
 * names.c - the words of the map file and the error strings.
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "internal/names.h"

static const char *const kind_names[] = {
	[MC_RAM] = "ram",	  [MC_MMIO] = "mmio", [MC_RESERVED] = "reserved",
	[MC_ACPI] = "acpi",	  [MC_NVS] = "nvs",   [MC_PMEM] = "pmem",
	[MC_HOTPLUG] = "hotplug",
};

/* The Linux IOMMU reserved-region vocabulary (sysfs spells sw-msi "msi"). */
static const char *const resv_names[] = {
	[MC_RESV_RESERVED] = "reserved",
	[MC_RESV_MSI] = "msi",
	[MC_RESV_SW_MSI] = "sw-msi",
	[MC_RESV_DIRECT] = "direct",
	[MC_RESV_DIRECT_RELAXABLE] = "direct-relaxable",
};

static const char *const policy_names[] = {
	[MC_POLICY_DEFAULT] = "default", [MC_POLICY_ABORT] = "abort",
	[MC_POLICY_OVERLAY] = "overlay", [MC_POLICY_CARVE] = "carve",
	[MC_POLICY_RELOCATE] = "relocate",
};

static const char *const arch_names[] = {
	[MC_ARCH_NONE] = "none",     [MC_ARCH_ARM64] = "arm64",
	[MC_ARCH_PPC64] = "ppc64",   [MC_ARCH_X86_64] = "x86_64",
	[MC_ARCH_MIPS] = "mips",     [MC_ARCH_RISCV64] = "riscv64",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? names[v] : NULL;
}

static int index_of(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

void mc_words_add(char *buf, size_t size, const char *word)
{
	size_t at = strlen(buf);

	snprintf(buf + at, size - at, "%s%s", at ? ", " : "", word);
}

const char *mc_words_of(enum mc_words which, char *buf, size_t size)
{
	/* "default" and "none" are the absence of a word, never written. */
	static const struct {
		const char *const *names;
		size_t n, from;
	} lists[] = {
		[MC_WORDS_KIND] = { kind_names, N_OF(kind_names), 0 },
		[MC_WORDS_RESV_TYPE] = { resv_names, N_OF(resv_names), 0 },
		[MC_WORDS_POLICY] = { policy_names, N_OF(policy_names),
				      MC_POLICY_DEFAULT + 1 },
		[MC_WORDS_ARCH] = { arch_names, N_OF(arch_names),
				    MC_ARCH_NONE + 1 },
	};

	buf[0] = '\0';
	for (size_t i = lists[which].from; i < lists[which].n; i++)
		mc_words_add(buf, size, lists[which].names[i]);
	return buf;
}

const char *mc_kind_name(enum mc_kind kind)
{
	return name_of(kind_names, N_OF(kind_names), (int)kind);
}

const char *mc_resv_type_name(enum mc_resv_type type)
{
	return name_of(resv_names, N_OF(resv_names), (int)type);
}

const char *mc_policy_name(enum mc_policy policy)
{
	return name_of(policy_names, N_OF(policy_names), (int)policy);
}

const char *mc_arch_name(enum mc_arch arch)
{
	return name_of(arch_names, N_OF(arch_names), (int)arch);
}

int mc_kind_parse(const char *s, enum mc_kind *kind)
{
	int i = index_of(kind_names, N_OF(kind_names), s);

	if (i < 0)
		return MC_EINVAL;
	*kind = (enum mc_kind)i;
	return 0;
}

int mc_resv_type_parse(const char *s, enum mc_resv_type *type)
{
	int i = index_of(resv_names, N_OF(resv_names), s);

	if (i < 0)
		return MC_EINVAL;
	*type = (enum mc_resv_type)i;
	return 0;
}

int mc_policy_parse(const char *s, enum mc_policy *policy)
{
	int i = index_of(policy_names, N_OF(policy_names), s);

	/* "default" is the absence of a policy, not a word users write. */
	if (i <= 0)
		return MC_EINVAL;
	*policy = (enum mc_policy)i;
	return 0;
}

int mc_arch_parse(const char *s, enum mc_arch *arch)
{
	int i = index_of(arch_names, N_OF(arch_names), s);

	if (i <= 0)
		return MC_EINVAL;
	*arch = (enum mc_arch)i;
	return 0;
}

uint64_t mc_arch_page_size(enum mc_arch arch)
{
	/* Debian's ppc64el kernels use 64K pages; the others 4K. */
	return arch == MC_ARCH_PPC64 ? 0x10000 : 0x1000;
}

uint64_t mc_arch_granule(enum mc_arch arch)
{
	return arch == MC_ARCH_PPC64 ? MC_PPC64_RAM_MULTIPLE
				     : mc_arch_page_size(arch);
}

const char *mc_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case MC_EINVAL:
		return "invalid input";
	case MC_ERANGE:
		return "value out of range";
	case MC_EALIGN:
		return "misaligned address or size";
	case MC_EOVERLAP:
		return "conflicting ranges";
	case MC_ENOROOM:
		return "relocate found no room";
	case MC_ENOMEM:
		return "out of memory";
	case MC_EIO:
		return "input/output error";
	case MC_ESTATE:
		return "map not in the right state for this call";
	case MC_ENOSPC:
		return "buffer too small";
	case MC_EBADBLOB:
		return "malformed binary input";
	default:
		return "unknown error";
	}
}
