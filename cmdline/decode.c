// SPDX-License-Identifier: MIT
/*
 * decode.c - a command line's memory parameters read back into a map, for
 * "memcarve inspect".
 *
 * The line may be as `memcarve cmdline` writes it for the kernel, for a
 * shell (in single quotes) or for GRUB (backslashes): quoting is undone
 * first. Then, word by word as the kernel splits them, up to "--":
 *
 *   mem=SIZE[@BASE]            MIPS: RAM at BASE (0 without it)
 *   memmap=exactmap            x86: the firmware's table is dropped
 *   memmap=SIZE@BASE           x86: usable RAM
 *   memmap=SIZE$BASE           reserved; on MIPS a range RAM still backs
 *   memmap=SIZE#BASE           x86: ACPI data
 *   memmap=SIZE!BASE           x86: legacy persistent memory (type 12)
 *   memmap=SIZE%BASE[-OLD]+NEW x86: the range becomes e820 type NEW
 *
 * x86 takes comma lists in one memmap= (parse_memmap_opt()). Numbers are
 * memparse()'s: 0x hex, a leading 0 octal, else decimal, then an optional
 * K, M, G, T, P or E. Other words (console=...) describe no memory.
 */
#include <stdlib.h>
#include <string.h>
#include "cmdline.h"

/* Single quotes and backslashes as a shell or GRUB reads them. */
static char *unquote(const char *text, size_t len)
{
	char *out = malloc(len + 1), *o = out;
	bool in_single = false;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\'')
			in_single = !in_single;
		else if (text[i] == '\\' && !in_single && i + 1 < len)
			*o++ = text[++i];
		else
			*o++ = text[i];
	}
	*o = '\0';
	return out;
}

/* memparse(): the number at *@p, moved past it; false if none or too big. */
static bool memparse(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	unsigned int base = 10, shift = 0;
	bool any = false;

	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	else if (s < end && s[0] == '0')
		base = 8;
	for (*v = 0; s < end; s++, any = true) {
		unsigned int d = *s >= '0' && *s <= '9' ? (unsigned int)(*s - '0') :
				 *s >= 'a' && *s <= 'f' ? (unsigned int)(*s - 'a' + 10) :
				 *s >= 'A' && *s <= 'F' ? (unsigned int)(*s - 'A' + 10) :
							  99;

		if (d >= base)
			break;
		if (*v > (UINT64_MAX - d) / base)
			return false;
		*v = *v * base + d;
	}
	if (s < end && *s && strchr("KkMmGgTtPpEe", *s))
		shift = 10 * (unsigned int)(strchr("KMGTPE", *s & ~0x20) -
					    "KMGTPE" + 1), s++;
	if (!any || (shift && *v > UINT64_MAX >> shift))
		return false;
	*v <<= shift;
	*p = s;
	return true;
}

struct decoded {
	struct mc_map *map;
	bool mips;		/* mem= seen: $ ranges are backed */
};

static int bad(struct decoded *d, const char *word, size_t len, const char *why)
{
	return mc_map_report(d->map, MC_EINVAL, NULL, "'%.*s': %s",
			     (int)(len > 60 ? 60 : len), word, why);
}

/* The kind an x86 "%...+TYPE" gives, by e820 type. */
static bool retyped(uint64_t type, struct mc_region *r)
{
	static const enum mc_kind kind_of[] = { 0, MC_RAM, MC_RESERVED,
						MC_ACPI, MC_NVS };

	if (type >= 1 && type <= 4)
		r->kind = kind_of[type];
	else if (type == 7 || type == 12)
		r->kind = MC_PMEM, r->name = type == 12 ? "pram" : NULL;
	else
		return false;
	return true;
}

/* The operator and what follows BASE: the region's kind. */
static bool kind_of_op(char op, const char **p, const char *end,
		       struct mc_region *r)
{
	uint64_t type;

	switch (op) {
	case '@': r->kind = MC_RAM; return true;
	case '$': r->kind = MC_RESERVED; return true;
	case '#': r->kind = MC_ACPI; return true;
	case '!': r->kind = MC_PMEM; r->name = "pram"; return true;
	case '%':
		if (*p < end && **p == '-' && (++*p, !memparse(p, end, &type)))
			return false;
		return *p < end && *(*p)++ == '+' && memparse(p, end, &type) &&
		       retyped(type, r);
	default: return false;
	}
}

/* One "SIZE<op>BASE..." item of mem= (@op only) or memmap=. */
static int item(struct decoded *d, const char *s, const char *end, bool mem)
{
	struct mc_region r = { .kind = MC_RAM };
	const char *p = s;
	uint64_t size, base = 0;
	char op = '@';

	if (!memparse(&p, end, &size) || !size)
		return bad(d, s, (size_t)(end - s), "no size, or a size of 0");
	if (p < end) {
		op = *p++;
		if (!memparse(&p, end, &base))
			return bad(d, s, (size_t)(end - s),
				   "no base after the size");
	} else if (!mem) {
		return bad(d, s, (size_t)(end - s), "memmap=SIZE alone is a "
			   "limit, not a range");
	}
	if ((mem && op != '@') || !kind_of_op(op, &p, end, &r) || p != end)
		return bad(d, s, (size_t)(end - s), "not SIZE@BASE, SIZE$BASE, "
			   "SIZE#BASE, SIZE!BASE or SIZE%BASE+TYPE");
	if (size - 1 > UINT64_MAX - base)
		return bad(d, s, (size_t)(end - s), "runs past 2^64");
	r.first = base;
	r.last = base + (size - 1);
	if (r.kind == MC_RESERVED && d->mips)
		r.policy = MC_POLICY_OVERLAY;	/* MIPS keeps RAM under it */
	r.source = "command line";	/* the blob's name in diagnostics */
	return mc_map_add(d->map, &r);
}

static bool starts(const char *word, size_t len, const char *prefix)
{
	return len >= strlen(prefix) && memcmp(word, prefix, strlen(prefix)) == 0;
}

/* One mem= or memmap= word. */
static int param(struct decoded *d, const char *word, size_t len)
{
	bool mem = word[3] == '=';
	const char *v = word + (mem ? 4 : 7), *end = word + len, *comma;
	int err = 0;

	if (!mem && (size_t)(end - v) == 8 && memcmp(v, "exactmap", 8) == 0)
		return 0;
	for (; !err && v <= end; v = comma + 1) {
		comma = mem ? end : memchr(v, ',', (size_t)(end - v));
		comma = comma ? comma : end;
		err = item(d, v, comma, mem);
	}
	return err;
}

int mc_cmdline_decode(struct mc_map *map, const void *text, size_t len)
{
	struct decoded d = { map, false };
	const char *pos, *w;
	char *line;
	size_t n, found = 0;
	bool open;
	int err = 0;

	if (memchr(text, '\0', len))
		return MC_EBADBLOB;
	line = unquote(text, len);
	if (!line)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (pos = line; (w = cl_next_word(&pos, &n, &open)) &&
			 !cl_is_init_separator(cl_param_of(w, n));)
		d.mips |= starts(w, n, "mem=");
	for (pos = line; !err && (w = cl_next_word(&pos, &n, &open)) &&
			 !cl_is_init_separator(cl_param_of(w, n));)
		if ((starts(w, n, "mem=") || starts(w, n, "memmap=")) && ++found)
			err = param(&d, w, n);
	free(line);
	if (!err && !found)
		return MC_EBADBLOB;	/* no memory parameter: not this format */
	if (!err)
		err = mc_map_set_arch(map, d.mips ? MC_ARCH_MIPS : MC_ARCH_X86_64);
	return err;
}
