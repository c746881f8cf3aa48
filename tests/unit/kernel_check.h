/* SPDX-License-Identifier: MIT */
/*
 * kernel_check.h - a command line checked against its carved map through
 * the kernel model (kernel_model.h): what the guest ends up with must be
 * exactly the map, with nothing dropped and no panic, and an appended
 * line's own parameters and init words must survive.
 *
 * MIPS: memblock.memory = the slots, memblock.reserved = the ranges RAM
 * backs. x86: the user table = the carved pieces by e820 type (mmio cut
 * out of RAM reserved, other mmio left out; NVS and PMEM as the flags
 * write them), with the kernel's own splits at boot within its
 * E820_MAX_ENTRIES.
 */
#ifndef KERNEL_CHECK_H
#define KERNEL_CHECK_H

#include "memcarve-cmdline.h"
#include "kernel_model.h"

struct kc_want {
	struct km_entry e[512];
	size_t n;
};

static inline void kc_push(struct kc_want *w, uint64_t first, uint64_t last, uint32_t type)
{
	assert_true(w->n < 512);
	if (w->n && w->e[w->n - 1].type == type &&
	    w->e[w->n - 1].addr + w->e[w->n - 1].size == first) {
		w->e[w->n - 1].size += last - first + 1;
		return;
	}
	w->e[w->n++] = (struct km_entry){ first, last - first + 1, type };
}

/* x86: the e820 type of each piece as memmap= can write it. */
static inline uint32_t kc_x86_type(const struct mc_piece *v, unsigned int flags)
{
	switch (v->kind) {
	case MC_RAM:
		return 1;
	case MC_ACPI:
		return 3;
	case MC_NVS:
		return flags & MC_CMDLINE_RETYPE ? 4 : 2;
	case MC_PMEM:
		return flags & MC_CMDLINE_PRAM ? 12 :
		       flags & MC_CMDLINE_RETYPE ? 7 : 2;
	case MC_MMIO:
		return v->flags & MC_F_CARVED ? 2 : 0;
	default:
		return 2;
	}
}

static inline void kc_want_x86(struct mc_map *map, unsigned int flags, struct kc_want *w)
{
	size_t n;
	const struct mc_piece *v = mc_map_result(map, &n);

	w->n = 0;
	for (size_t i = 0; i < n; i++)
		if (kc_x86_type(&v[i], flags))
			kc_push(w, v[i].first, v[i].last, kc_x86_type(&v[i], flags));
}

static inline void kc_want_mips(struct mc_map *map, struct kc_want *mem, struct kc_want *resv)
{
	size_t n;
	const struct mc_slot *s = mc_map_slots(map, &n);
	const struct mc_piece *v;

	mem->n = resv->n = 0;
	for (size_t i = 0; i < n; i++)
		kc_push(mem, s[i].guest, s[i].guest + s[i].size - 1, 0);
	v = mc_map_result(map, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].kind != MC_RAM && v[i].kind != MC_MMIO &&
		    (v[i].flags & MC_F_BACKED))
			kc_push(resv, v[i].first, v[i].last, 0);
}

static inline void kc_assert_same(const struct kc_want *w, const struct km_entry *got,
			size_t n, const char *line)
{
	bool same = w->n == n;

	for (size_t i = 0; same && i < n; i++)
		same = w->e[i].addr == got[i].addr &&
		       w->e[i].size == got[i].size && w->e[i].type == got[i].type;
	if (!same)
		fail_msg("the kernel's map differs from the carved map for: %s",
			 line);
}

/* The appended line's parameters and init words survive, in order. */
static inline void kc_assert_kept(const char *append, const struct km_cmdline *got)
{
	struct km_cmdline *user = calloc(1, sizeof(*user));
	size_t k = 0;

	assert_non_null(user);
	km_parse_cmdline(append, user);
	for (size_t i = 0; i < user->n_kernel; i++) {
		const char *name = user->kernel[i].name;

		if (!strcmp(name, "mem") || !strcmp(name, "memmap"))
			continue;
		while (k < got->n_kernel && strcmp(got->kernel[k].name, name))
			k++;
		assert_true(k < got->n_kernel);
		k++;
	}
	assert_int_equal(user->n_init, got->n_init);
	for (size_t i = 0; i < user->n_init; i++) {
		assert_string_equal(user->init[i].name, got->init[i].name);
		assert_true(!user->init[i].val == !got->init[i].val);
		if (user->init[i].val)
			assert_string_equal(user->init[i].val, got->init[i].val);
	}
	km_cmdline_free(user);
	free(user);
}

/*
 * @line, written for @map with @o (a resolved style), read by the model:
 * the guest gets exactly the map and the appended line survives.
 */
static inline void kc_check_line(struct mc_map *map, const struct mc_cmdline_opts *o,
		       const char *line, size_t max_entries)
{
	struct km_cmdline *c = calloc(1, sizeof(*c));
	struct kc_want *w = calloc(2, sizeof(*w));

	assert_non_null(c);
	assert_non_null(w);
	assert_true(strlen(line) + 1 <= (o->max ? o->max :
		    o->style == MC_CMDLINE_MIPS ? 4096u : 2048u));
	km_parse_cmdline(line, c);
	if (o->style == MC_CMDLINE_MIPS) {
		struct km_mips *k = calloc(1, sizeof(*k));

		assert_non_null(k);
		km_mips_boot(k, c);
		assert_false(k->memory.dropped);
		assert_false(k->reserved.dropped);
		kc_want_mips(map, &w[0], &w[1]);
		kc_assert_same(&w[0], k->memory.r, km_mb_count(&k->memory), line);
		kc_assert_same(&w[1], k->reserved.r, km_mb_count(&k->reserved),
			    line);
		free(k);
	} else {
		struct km_e820 *t = km_e820_new(max_entries);

		assert_non_null(t);
		/* what a BIOS reported: exactmap must drop it */
		km_e820_add(t, 0, 0x1000, 5);
		km_e820_add(t, 0x100000, 0x3ff00000, 1);
		assert_true(km_x86_boot(t, c));
		assert_false(t->panic);
		assert_false(t->dropped);
		kc_want_x86(map, o->flags, &w[0]);
		kc_assert_same(&w[0], t->e, t->n, line);
		km_x86_trim_bios(t);
		assert_false(t->dropped);
		free(t);
	}
	if (o->append)
		kc_assert_kept(o->append, c);
	km_cmdline_free(c);
	free(c);
	free(w);
}

#endif /* KERNEL_CHECK_H */
