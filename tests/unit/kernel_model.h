/* SPDX-License-Identifier: MIT */
/*
 * kernel_model.h - how a Linux guest reads a command line and an e820
 * table, modelled for the tests from the kernel's sources (6.1, with what
 * changed up to 7.2 noted), not from memcarve's code:
 *
 *   lib/ctype.c          isspace(): 9-13, 32 and 0xA0
 *   lib/cmdline.c        next_arg(), memparse(), simple_strtoull(.., 0)
 *   kernel/params.c      parse_args(): stop at a "--" without a value
 *   arch/x86/kernel/e820.c
 *                        parse_memmap_one() with exactmap, parse_memopt(),
 *                        __e820__range_add() into E820_MAX_ENTRIES,
 *                        __e820__range_update(), e820__range_remove(),
 *                        e820__update_table() (the sanitizer), the
 *                        early_panic() of e820__finish_early_params() and
 *                        trim_bios_range()
 *   arch/mips/kernel/setup.c
 *                        early_parse_mem(), early_parse_memmap()
 *   mm/memblock.c        memblock_add_range() with INIT_MEMBLOCK_REGIONS
 *                        (128) and no resizing, region merging,
 *                        memblock_remove()
 *
 * Each model records what the kernel would lose (a dropped entry or
 * region) or die of (a panic), so a test can require neither happens.
 */
#ifndef KERNEL_MODEL_H
#define KERNEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- lib/ctype.c, lib/cmdline.c --------------------------------------- */

static inline bool km_isspace(char c)
{
	unsigned char u = (unsigned char)c;

	return (u >= 9 && u <= 13) || u == 32 || u == 160;
}

static inline int km_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* simple_strtoull(s, end, 0): 0x hex, a leading 0 octal, else decimal. */
static inline uint64_t km_strtoull0(const char *s, const char **end)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    km_digit(s[2]) < 16) {
		base = 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (; km_digit(*s) < (int)base; s++)
		v = v * base + (uint64_t)km_digit(*s);
	*end = s;
	return v;
}

/* memparse(): a number, then K M G T P E (either case) shift it. */
static inline uint64_t km_memparse(const char *s, const char **end)
{
	static const char units[] = "KMGTPE";
	uint64_t v = km_strtoull0(s, end);

	for (int i = 0; units[i]; i++)
		if (**end == units[i] || **end == units[i] + ('a' - 'A')) {
			v <<= 10 * (i + 1);
			(*end)++;
			break;
		}
	return v;
}

/* One parameter as next_arg() leaves it: name, value or NULL. */
struct km_param {
	char *name;
	char *val;
};

/*
 * next_arg() on the NUL-terminated, writable @args: cuts the word, strips
 * the quotes it strips, and returns where the next word starts.
 */
static inline char *km_next_arg(char *args, struct km_param *prm)
{
	size_t i, equals = 0;
	bool in_quote = false, quoted = false;

	if (*args == '"') {
		args++;
		in_quote = quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (km_isspace(args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	prm->name = args;
	prm->val = NULL;
	if (equals) {
		args[equals] = '\0';
		prm->val = args + equals + 1;
		if (*prm->val == '"') {
			prm->val++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i])
		args[i++] = '\0';
	args += i;
	while (*args && km_isspace(*args))
		args++;
	return args;
}

#define KM_MAX_PARAMS 1024

/* parse_args(): the kernel's parameters up to "--", then init's. */
struct km_cmdline {
	char *copy;
	struct km_param kernel[KM_MAX_PARAMS], init[KM_MAX_PARAMS];
	size_t n_kernel, n_init;
};

static inline void km_parse_cmdline(const char *line, struct km_cmdline *c)
{
	char *args;
	bool to_init = false;

	c->copy = strdup(line);
	c->n_kernel = c->n_init = 0;
	args = c->copy;
	while (*args && km_isspace(*args))
		args++;
	while (*args) {
		struct km_param prm;

		args = km_next_arg(args, &prm);
		if (!to_init && !prm.val && strcmp(prm.name, "--") == 0) {
			to_init = true;
			continue;
		}
		if (to_init && c->n_init < KM_MAX_PARAMS)
			c->init[c->n_init++] = prm;
		else if (!to_init && c->n_kernel < KM_MAX_PARAMS)
			c->kernel[c->n_kernel++] = prm;
	}
}

static inline void km_cmdline_free(struct km_cmdline *c)
{
	free(c->copy);
}

/* ---- arch/x86/kernel/e820.c -------------------------------------------- */

struct km_entry {
	uint64_t addr, size;
	uint32_t type;
};

#define KM_E820_CAP 3300	/* above every capacity the tests ask for */

struct km_e820 {
	struct km_entry e[KM_E820_CAP];
	size_t n, max;		/* max: E820_MAX_ENTRIES */
	bool userdef;
	bool dropped;		/* "too many entries; ignoring" */
	bool panic;		/* "Invalid user supplied memory map" */
};

static inline void km_e820_add(struct km_e820 *t, uint64_t addr,
			       uint64_t size, uint32_t type)
{
	if (t->n >= t->max) {
		t->dropped = true;
		return;
	}
	t->e[t->n++] = (struct km_entry){ addr, size, type };
}

static inline struct km_e820 *km_e820_new(size_t max)
{
	struct km_e820 *t = calloc(1, sizeof(*t));

	if (t)
		t->max = max;
	return t;
}

/*
 * __e820__range_update() when @update (@old pieces of [start, start +
 * size) become @new: inside an entry, new entries for the piece and the
 * tail), else e820__range_remove() (of type @old only when @check: a
 * covered entry becomes empty, one cut inside keeps a new tail entry).
 */
static inline void km_e820_cut(struct km_e820 *t, uint64_t start,
			       uint64_t size, uint32_t old, bool check,
			       bool update, uint32_t new)
{
	uint64_t end;

	if (size > UINT64_MAX - start)
		size = UINT64_MAX - start;
	end = start + size;
	for (size_t i = 0; i < t->n; i++) {
		struct km_entry *e = &t->e[i];
		uint64_t e_end = e->addr + e->size, fs, fe;

		if (check && e->type != old)
			continue;
		if (e->addr >= start && e_end <= end) {
			*e = update ? (struct km_entry){ e->addr, e->size, new } :
				      (struct km_entry){ 0, 0, 0 };
			continue;
		}
		if (e->addr < start && e_end > end) {
			if (update)
				km_e820_add(t, start, size, new);
			km_e820_add(t, end, e_end - end, t->e[i].type);
			t->e[i].size = start - t->e[i].addr;
			continue;
		}
		fs = e->addr > start ? e->addr : start;
		fe = e_end < end ? e_end : end;
		if (fs >= fe)
			continue;
		if (update)
			km_e820_add(t, fs, fe - fs, new);
		e = &t->e[i];
		e->size -= fe - fs;
		if (e->addr < fs)
			continue;
		e->addr = fe;
	}
}

static inline void km_e820_update(struct km_e820 *t, uint64_t start,
				  uint64_t size, uint32_t old, uint32_t new)
{
	km_e820_cut(t, start, size, old, true, true, new);
}

static inline void km_e820_remove(struct km_e820 *t, uint64_t start,
				  uint64_t size, uint32_t old, bool check)
{
	km_e820_cut(t, start, size, old, check, false, 0);
}

struct km_point {
	uint64_t addr;
	bool is_end;
	size_t entry;
};

static inline int km_point_cmp(const void *a, const void *b)
{
	const struct km_point *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr > y->addr ? 1 : -1;
	return (int)x->is_end - (int)y->is_end;
}

/*
 * e820__update_table(): -1 for fewer than 2 entries or one whose end
 * wraps; else cut at every start and end, the highest type over a piece
 * wins, touching pieces of one type join but PRAM (12) and soft reserved.
 */
static inline int km_e820_sanitize(struct km_e820 *t)
{
	struct km_point *pt;
	size_t *over, n_over = 0, np = 0, out = 0;
	struct km_entry *res;
	uint32_t last_type = 0;
	uint64_t last_addr = 0;

	if (t->n < 2)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		if (t->e[i].addr + t->e[i].size < t->e[i].addr)
			return -1;
	pt = calloc(2 * t->n, sizeof(*pt));
	over = calloc(t->n, sizeof(*over));
	res = calloc(t->n, sizeof(*res));
	for (size_t i = 0; i < t->n; i++) {
		if (!t->e[i].size)
			continue;
		pt[np++] = (struct km_point){ t->e[i].addr, false, i };
		pt[np++] = (struct km_point){ t->e[i].addr + t->e[i].size, true, i };
	}
	qsort(pt, np, sizeof(*pt), km_point_cmp);
	for (size_t k = 0; k < np; k++) {
		uint32_t type = 0;

		if (!pt[k].is_end) {
			over[n_over++] = pt[k].entry;
		} else {
			for (size_t j = 0; j < n_over; j++)
				if (over[j] == pt[k].entry)
					over[j--] = over[--n_over];
		}
		for (size_t j = 0; j < n_over; j++)
			if (t->e[over[j]].type > type)
				type = t->e[over[j]].type;
		if (type == last_type && type != 12 && type != 0xefffffffu)
			continue;
		if (last_type && pt[k].addr != last_addr)
			res[out++] = (struct km_entry){ last_addr,
							pt[k].addr - last_addr,
							last_type };
		if (type)
			last_addr = pt[k].addr;
		last_type = type;
	}
	memcpy(t->e, res, out * sizeof(*res));
	t->n = out;
	free(pt);
	free(over);
	free(res);
	return 0;
}

/* parse_memmap_one() */
static inline void km_memmap_one(struct km_e820 *t, const char *p)
{
	const char *old = p;
	uint64_t size, start;

	if (strncmp(p, "exactmap", 8) == 0) {
		t->n = 0;
		t->userdef = true;
		return;
	}
	size = km_memparse(p, &p);
	if (p == old)
		return;
	t->userdef = true;
	switch (*p) {
	case '@':
		start = km_memparse(p + 1, &p);
		km_e820_add(t, start, size, 1);
		return;
	case '#':
		start = km_memparse(p + 1, &p);
		km_e820_add(t, start, size, 3);
		return;
	case '$':
		start = km_memparse(p + 1, &p);
		km_e820_add(t, start, size, 2);
		return;
	case '!':
		start = km_memparse(p + 1, &p);
		km_e820_add(t, start, size, 12);
		return;
	case '%': {
		uint64_t from = 0, to = 0;

		start = km_memparse(p + 1, &p);
		if (*p == '-')
			from = km_strtoull0(p + 1, &p);
		if (*p == '+')
			to = km_strtoull0(p + 1, &p);
		if (*p != '\0')
			return;
		if (from && to)
			km_e820_update(t, start, size, (uint32_t)from, (uint32_t)to);
		else if (to)
			km_e820_add(t, start, size, (uint32_t)to);
		else
			km_e820_remove(t, start, size, (uint32_t)from, from != 0);
		return;
	}
	default:
		km_e820_remove(t, size, UINT64_MAX - size, 1, true);
	}
}

/*
 * The x86 early parameters on the firmware's table @t, then what
 * e820__finish_early_params() does: a user table the sanitizer refuses
 * panics. Returns whether the user: lines were printed (userdef).
 */
static inline bool km_x86_boot(struct km_e820 *t, const struct km_cmdline *c)
{
	for (size_t i = 0; i < c->n_kernel; i++) {
		const struct km_param *prm = &c->kernel[i];

		if (strcmp(prm->name, "memmap") == 0 && prm->val) {
			char *v = strdup(prm->val), *s = v;

			while (s) {
				char *k = strchr(s, ',');

				if (k)
					*k++ = '\0';
				km_memmap_one(t, s);
				s = k;
			}
			free(v);
		} else if (strcmp(prm->name, "mem") == 0 && prm->val &&
			   strcmp(prm->val, "nopentium") != 0) {
			const char *p = prm->val;
			uint64_t limit = km_memparse(p, &p);

			if (limit) {
				km_e820_remove(t, limit, UINT64_MAX - limit, 1, true);
				t->userdef = true;
			}
		}
	}
	if (t->userdef && km_e820_sanitize(t) < 0)
		t->panic = true;
	return t->userdef;
}

/*
 * trim_bios_range() on the sanitized table: the first page reserved, RAM
 * in 0xa0000-0xfffff removed; entries it cannot add are dropped.
 */
static inline void km_x86_trim_bios(struct km_e820 *t)
{
	km_e820_update(t, 0, 0x1000, 1, 2);
	km_e820_remove(t, 0xa0000, 0x60000, 1, true);
	km_e820_sanitize(t);
}

/*
 * A zero-page boot (arch/x86/kernel/e820.c, setup.c): the zero page's
 * first 128 entries appended and sanitized, a SETUP_E820_EXT node's
 * entries appended (into E820_MAX_ENTRIES) and sanitized; the setup_data
 * node [sd_first, sd_last] (if @sd) reserved out of RAM as type 128 in
 * the working table up to 6.14 (e820__reserve_setup_data()) and always
 * in e820_table_kexec, a copy of the firmware's table as big; then
 * trim_bios_range(). Returns whether either table dropped an entry.
 */
static inline bool km_x86_zeropage_boot(const struct km_entry *e, size_t n,
					size_t max, bool sd, uint64_t sd_first,
					uint64_t sd_last, bool before_6_15)
{
	struct km_e820 *t = km_e820_new(max), *kexec = km_e820_new(max);
	bool dropped;

	for (size_t i = 0; i < n && i < 128; i++)
		km_e820_add(t, e[i].addr, e[i].size, e[i].type);
	km_e820_sanitize(t);
	for (size_t i = 128; i < n; i++)
		km_e820_add(t, e[i].addr, e[i].size, e[i].type);
	km_e820_sanitize(t);
	*kexec = *t;
	if (sd) {
		km_e820_update(kexec, sd_first, sd_last - sd_first + 1, 1, 128);
		if (before_6_15) {
			km_e820_update(t, sd_first, sd_last - sd_first + 1, 1, 128);
			km_e820_sanitize(t);
		}
	}
	km_x86_trim_bios(t);
	dropped = t->dropped || kexec->dropped;
	free(t);
	free(kexec);
	return dropped;
}

/* ---- mm/memblock.c, arch/mips/kernel/setup.c --------------------------- */

#define KM_MEMBLOCK_REGIONS 128

struct km_memblock {
	struct km_entry r[KM_MEMBLOCK_REGIONS + 1];
	size_t cnt;		/* 1 with an empty region when empty */
	bool dropped;		/* a range memblock could not take */
};

static inline int km_entry_cmp(const void *a, const void *b)
{
	const struct km_entry *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static inline void km_mb_clear(struct km_memblock *m)
{
	m->cnt = 1;
	m->r[0] = (struct km_entry){ 0, 0, 0 };
}

static inline bool km_mb_empty(const struct km_memblock *m)
{
	return m->cnt == 1 && m->r[0].size == 0;
}

/*
 * memblock_add_range(): count the pieces of [base, end) no region covers;
 * past INIT_MEMBLOCK_REGIONS (no resizing yet) the range is dropped; else
 * insert them and merge touching regions.
 */
static inline void km_mb_add(struct km_memblock *m, uint64_t base,
			     uint64_t size)
{
	uint64_t end, at;
	struct km_entry add[KM_MEMBLOCK_REGIONS + 1];
	size_t nr_new = 0, out = 0;
	struct km_entry all[2 * KM_MEMBLOCK_REGIONS + 2];

	if (!size)
		return;
	if (size > UINT64_MAX - base)	/* memblock_cap_size() */
		size = UINT64_MAX - base;
	end = base + size;
	if (km_mb_empty(m)) {
		m->r[0] = (struct km_entry){ base, size, 0 };
		return;
	}
	at = base;
	for (size_t i = 0; i < m->cnt; i++) {
		uint64_t rb = m->r[i].addr, re = rb + m->r[i].size;

		if (rb >= end)
			break;
		if (re <= at)
			continue;
		if (rb > at)
			add[nr_new++] = (struct km_entry){ at, rb - at, 0 };
		at = re < end ? re : end;
	}
	if (at < end)
		add[nr_new++] = (struct km_entry){ at, end - at, 0 };
	if (!nr_new)
		return;
	if (m->cnt + nr_new > KM_MEMBLOCK_REGIONS) {
		m->dropped = true;
		return;
	}
	memcpy(all, m->r, m->cnt * sizeof(all[0]));
	memcpy(all + m->cnt, add, nr_new * sizeof(all[0]));
	qsort(all, m->cnt + nr_new, sizeof(all[0]), km_entry_cmp);
	for (size_t i = 0; i < m->cnt + nr_new; i++)
		if (out && all[out - 1].addr + all[out - 1].size == all[i].addr)
			all[out - 1].size += all[i].size;
		else
			all[out++] = all[i];
	memcpy(m->r, all, out * sizeof(all[0]));
	m->cnt = out;
}

/* Regions in @m; 0 for the empty array. */
static inline size_t km_mb_count(const struct km_memblock *m)
{
	return km_mb_empty(m) ? 0 : m->cnt;
}

/*
 * The regions the Malta kernel reserves itself after the command line
 * (the DT's first MiB, its image, the initrd, early allocations):
 * measured with memblock=debug at 20 on 6.1 and 21 on 6.12; 24 with a
 * margin. memcarve must leave them room.
 */
#define KM_MIPS_KERNEL_RESERVED 24

struct km_mips {
	struct km_memblock memory, reserved;
	bool usermem;
};

/*
 * Malta: the firmware's memory (QEMU -m 256M: one region), then the
 * early parameters: early_parse_mem() empties memory at the first mem=
 * while no mem= or memmap= was taken, then adds; early_parse_memmap()
 * adds SIZE@BASE, adds and reserves SIZE$BASE, refuses exactmap and '#'.
 */
static inline void km_mips_boot(struct km_mips *k, const struct km_cmdline *c)
{
	km_mb_clear(&k->memory);
	km_mb_clear(&k->reserved);
	k->memory.dropped = k->reserved.dropped = false;
	k->usermem = false;
	km_mb_add(&k->memory, 0, 0x10000000);
	for (size_t i = 0; i < c->n_kernel; i++) {
		const struct km_param *prm = &c->kernel[i];
		const char *p = prm->val, *old = p;
		uint64_t start = 0, size;

		if (!p)
			continue;
		if (strcmp(prm->name, "mem") == 0) {
			if (!k->usermem) {
				k->usermem = true;
				km_mb_clear(&k->memory);
			}
			size = km_memparse(p, &p);
			if (*p == '@')
				start = km_memparse(p + 1, &p);
			km_mb_add(&k->memory, start, size);
		} else if (strcmp(prm->name, "memmap") == 0 &&
			   strncmp(p, "exactmap", 8) != 0) {
			char op;

			size = km_memparse(p, &p);
			op = *p;
			if (p == old || (op != '@' && op != '$'))
				continue;
			start = km_memparse(p + 1, &p);
			km_mb_add(&k->memory, start, size);
			if (op == '$')
				km_mb_add(&k->reserved, start, size);
			if (*p == '\0')
				k->usermem = true;
		}
	}
	if (km_mb_count(&k->reserved) + KM_MIPS_KERNEL_RESERVED >
	    KM_MEMBLOCK_REGIONS)
		k->reserved.dropped = true;
}

#endif /* KERNEL_MODEL_H */
