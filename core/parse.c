// SPDX-License-Identifier: MIT
/*
 * parse.c - the map file (DESIGN §1): settings and region statements.
 *
 * One statement per line. A bad line is reported and skipped, and parsing
 * goes on, so a user sees every mistake in one run.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "internal/names.h"
#include "dev_paths.h"
#include "internal/region.h"
#include "resv_devices.h"

#define MAX_TOKENS 64

struct parser {
	struct mc_map *map;
	const char *src;
	unsigned int line;
	unsigned int seen_arch, seen_granule, seen_policy; /* line numbers */
	bool from_file;		/* "resv FILE" is read beside it */
};

/* One region statement's attributes as read, before they are checked. */
struct attrs {
	struct mc_region r;
	struct mc_pci_dev *devices;
	char **paths;		/* DT node paths, in the line (dev_paths.h) */
	size_t n_paths;
	uint32_t *sids;
	unsigned int seen;	/* bit per attribute key, for duplicates */
};

static int fail(struct parser *p, int code, const char *field,
		const char *fmt, const char *arg)
{
	return mc_diag(p->map, code, p->src, p->line, field, fmt, arg);
}

/* @val is none of the words @list names. */
static int not_one_of(struct parser *p, const char *field, const char *val,
		      const char *list)
{
	return mc_diag(p->map, MC_EINVAL, p->src, p->line, field,
		       "'%s' is not one of %s", val, list);
}

static int number(struct parser *p, const char *field, const char *tok,
		  bool suffix, uint64_t *v)
{
	char why[200];
	int err = mc_parse_u64(tok, suffix, v, why, sizeof(why));

	return err ? fail(p, err, field, "%s", why) : 0;
}

/* A setting ("arch x86_64"): checked always, applied unless fixed by API. */
static int setting(struct parser *p, char **tok, int n)
{
	struct mc_map *map = p->map;
	char words[MC_WORDS_MAX];
	unsigned int *seen;
	uint64_t g;
	int err = 0;

	seen = strcmp(tok[0], "arch") == 0 ? &p->seen_arch :
	       strcmp(tok[0], "granule") == 0 ? &p->seen_granule :
						&p->seen_policy;
	if (n != 2)
		return fail(p, MC_EINVAL, tok[0], "expects exactly one value%s",
			    "");
	if (*seen)
		return mc_diag(map, MC_EINVAL, p->src, p->line, tok[0],
			       "given twice (first on line %u)", *seen);
	*seen = p->line;
	if (seen == &p->seen_arch) {
		enum mc_arch a;

		if (mc_arch_parse(tok[1], &a))
			return not_one_of(p, "arch", tok[1],
					  mc_words_of(MC_WORDS_ARCH, words,
						      sizeof(words)));
		if (!(map->fixed & MC_SET_ARCH))
			map->arch = a;
	} else if (seen == &p->seen_granule) {
		err = number(p, "granule", tok[1], true, &g);
		if (!err && !mc_is_pow2(g))
			return fail(p, MC_EINVAL, "granule",
				    "'%s' is not a power of two", tok[1]);
		if (!err && g < MC_GRANULE_MIN)
			return fail(p, MC_EINVAL, "granule",
				    "'%s' is below the 4K page size KVM maps "
				    "memory in (MC_GRANULE_MIN)", tok[1]);
		if (!err && !(map->fixed & MC_SET_GRANULE))
			map->granule = g;
	} else {
		enum mc_policy pol;

		if (mc_policy_parse(tok[1], &pol))
			return not_one_of(p, "policy", tok[1],
					  mc_words_of(MC_WORDS_POLICY, words,
						      sizeof(words)));
		if (!(map->fixed & MC_SET_POLICY))
			map->policy = pol;
	}
	return err;
}

/*
 * Split a comma-separated list in place into @items (at most @max).
 * Return: the count, or 0 if an item is empty.
 */
static size_t split_list(char *list, char **items, size_t max)
{
	size_t n = 0;

	for (char *p = list;; p++) {
		char *comma = strchr(p, ',');

		if (comma == p || *p == '\0' || n == max)
			return 0;
		items[n++] = p;
		if (!comma)
			return n;
		*comma = '\0';
		p = comma;
	}
}

/*
 * A list attribute's items, or a diagnostic. A list is at most as long as
 * its line, so MC_LINE_MAX / 2 items always suffice.
 */
static char **list_items(struct parser *p, const char *field, char *val,
			 size_t *n)
{
	size_t len = strlen(val), max = len / 2 + 1;
	char **items = calloc(max, sizeof(*items));

	if (!items) {
		fail(p, MC_ENOMEM, field, "out of memory%s", "");
		return NULL;
	}
	/*
	 * What split_list() refuses, checked before it writes NULs into @val,
	 * so the message can quote @val whole without copying every list.
	 */
	if (!len || val[0] == ',' || val[len - 1] == ',' || strstr(val, ",,")) {
		fail(p, MC_EINVAL, field, "empty item in '%s'", val);
		free(items);
		return NULL;
	}
	*n = split_list(val, items, max);
	return items;
}

/*
 * devices=: "all" alone, or PCI devices [segment:]bus:dev.fn and
 * device-tree node paths, mixed. A comma also joins the parts of a unit
 * address ("/pcie@10000000/pci@1,0"), so each comma-separated piece is
 * read as: one starting with '/' begins a path; one holding ':' is a PCI
 * device (a BDF always has one, a node name never: DT spec 2.2.1); any
 * other piece continues the path before it, its comma kept.
 */
static int device_piece(struct parser *p, struct attrs *a, char *piece,
			bool *in_path)
{
	if (piece[0] == '/') {
		a->paths[a->n_paths++] = piece;
		*in_path = true;
		return 0;
	}
	if (strchr(piece, ':')) {
		*in_path = false;
		if (mc_pci_dev_parse(piece, &a->devices[a->r.n_devices]))
			return fail(p, MC_EINVAL, "devices=",
				    "'%s' is not a PCI device "
				    "[segment:]bus:dev.fn (hex)", piece);
		a->r.n_devices++;
		return 0;
	}
	if (*in_path) {
		piece[-1] = ',';	/* split_list()'s NUL: the path goes on */
		return 0;
	}
	if (strcmp(piece, "all") == 0)
		return fail(p, MC_EINVAL, "devices=",
			    "'all' (every device) stands alone, not in a "
			    "list%s", "");
	return fail(p, MC_EINVAL, "devices=",
		    "'%s' is not a PCI device [segment:]bus:dev.fn (hex) or a "
		    "device-tree node path (/...)", piece);
}

static int devices_attr(struct parser *p, struct attrs *a, char *val)
{
	size_t n;
	char **item = list_items(p, "devices=", val, &n), why[MC_LINE_MAX];
	bool in_path = false;
	int err = 0;

	if (!item)
		return MC_EINVAL;
	/* An IVRS all-peripherals IVMD; DMAR and IORT have no such form. */
	if (n == 1 && strcmp(item[0], "all") == 0) {
		free(item);
		a->r.flags |= MC_F_ALL_DEVICES;
		return 0;
	}
	a->devices = calloc(n, sizeof(*a->devices));
	a->paths = calloc(n, sizeof(*a->paths));
	if (!a->devices || !a->paths)
		err = fail(p, MC_ENOMEM, "devices=", "out of memory%s", "");
	for (size_t i = 0; !err && i < n; i++)
		err = device_piece(p, a, item[i], &in_path);
	for (size_t i = 0; !err && i < a->n_paths; i++)
		if (mc_dt_path_check(a->paths[i], why, sizeof(why)))
			err = fail(p, MC_EINVAL, "devices=", "%s", why);
	free(item);
	a->r.devices = a->devices;
	return err;
}

/*
 * Paths stand beside the region (dev_paths.h): checked before it is
 * added, given to it after.
 */
static int paths_fit(struct parser *p, const struct attrs *a)
{
	if (a->n_paths && !mc_is_direct(a->r.kind, a->r.type))
		return fail(p, MC_EINVAL, "devices=",
			    "only direct and direct-relaxable ranges take "
			    "devices=%s", "");
	return 0;
}

static int put_paths(struct parser *p, const struct attrs *a, size_t index)
{
	if (mc_dev_paths_put(p->map, index, (const char *const *)a->paths,
			     a->n_paths))
		return fail(p, MC_ENOMEM, "devices=", "out of memory%s", "");
	return 0;
}

static int sids_attr(struct parser *p, struct attrs *a, char *val)
{
	size_t n;
	char **item = list_items(p, "sids=", val, &n);
	uint64_t v;
	int err = 0;

	if (!item)
		return MC_EINVAL;
	a->sids = calloc(n, sizeof(*a->sids));
	if (!a->sids)
		err = fail(p, MC_ENOMEM, "sids=", "out of memory%s", "");
	for (size_t i = 0; !err && i < n; i++) {
		err = number(p, "sids=", item[i], false, &v);
		if (!err && v > UINT32_MAX)
			err = fail(p, MC_ERANGE, "sids=",
				   "stream ID '%s' does not fit in 32 bits",
				   item[i]);
		if (!err)
			a->sids[i] = (uint32_t)v;
	}
	free(item);
	a->r.sids = a->sids;
	a->r.n_sids = n;
	return err;
}

/* IORT RMR access attributes by the names of DEN 0049E.d table 18. */
static int access_attr(struct parser *p, struct attrs *a, const char *val)
{
	static const char *const names[] = {
		"device-ngnrne", "device-ngnre", "device-ngre",
		"device-gre",	 "normal-nc",	 "normal-wb",
	};
	char words[MC_WORDS_MAX] = "";
	uint64_t v;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(val, names[i]) == 0) {
			a->r.access = (unsigned int)i;
			a->r.flags |= MC_F_ACCESS;
			return 0;
		}
	if (mc_parse_u64(val, false, &v, (char[1]){ 0 }, 1) || v > 0xff) {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			mc_words_add(words, sizeof(words), names[i]);
		return mc_diag(p->map, MC_EINVAL, p->src, p->line, "access=",
			       "'%s' is not 0..255 or one of %s", val, words);
	}
	a->r.access = (unsigned int)v;
	a->r.flags |= MC_F_ACCESS;
	return 0;
}

/*
 * A node number or distance, decimal as Linux writes them; their limits
 * are checked by map.c and numa.c, so the API gets the same messages.
 */
static int decimal(struct parser *p, const char *field, const char *val,
		   uint32_t *out)
{
	uint64_t v = 0;

	if (!*val || strspn(val, "0123456789") != strlen(val))
		return fail(p, MC_EINVAL, field, "'%s' is not a decimal number",
			    val);
	for (const char *c = val; *c && v <= UINT32_MAX; c++)
		v = v * 10 + (uint64_t)(*c - '0');
	if (v > UINT32_MAX)
		return fail(p, MC_ERANGE, field,
			    "'%s' does not fit in 32 bits", val);
	*out = (uint32_t)v;
	return 0;
}

static int node_attr(struct parser *p, struct attrs *a, const char *val,
		     const char *field)
{
	if (!mc_kind_has_node(a->r.kind))
		return fail(p, MC_EINVAL, field,
			    "only ram, pmem and hotplug ranges have a node%s",
			    "");
	a->r.flags |= MC_F_NODE;
	return decimal(p, field, val, &a->r.node);
}

/*
 * "distance FROM TO N" (numa.md §1): checked here one statement at a
 * time; against the regions and the other statements when carving.
 */
static int distance(struct parser *p, char **tok, int n)
{
	uint32_t v[3];
	int err = 0;

	if (n != 4)
		return fail(p, MC_EINVAL, "distance",
			    "expects three numbers (distance FROM TO N)%s",
			    "");
	for (int i = 0; !err && i < 3; i++)
		err = decimal(p, "distance", tok[i + 1], &v[i]);
	if (!err)
		err = mc_distance_add(p->map, p->src, p->line, v[0], v[1],
				      v[2]);
	return err;
}

/* The attributes of a region statement; the flags come last. */
enum attr_key {
	KEY_TYPE, KEY_NAME, KEY_DEVICES, KEY_SIDS, KEY_ALIGN, KEY_POLICY,
	KEY_ACCESS, KEY_NODE,
	N_VALUED,	/* keys before this one take "=value" */
	KEY_REUSABLE = N_VALUED, KEY_READONLY, KEY_PRIVILEGED, KEY_IOVA_GAP,
	N_KEYS
};

/* Each key, and the key as diagnostics name it (spelled out, not formatted). */
static const struct {
	const char *key, *field;
} attrs[N_KEYS] = {
	[KEY_TYPE] = { "type", "type=" },
	[KEY_NAME] = { "name", "name=" },
	[KEY_DEVICES] = { "devices", "devices=" },
	[KEY_SIDS] = { "sids", "sids=" },
	[KEY_ALIGN] = { "align", "align=" },
	[KEY_POLICY] = { "policy", "policy=" },
	[KEY_ACCESS] = { "access", "access=" },
	[KEY_NODE] = { "node", "node=" },
	[KEY_REUSABLE] = { "reusable", "reusable" },
	[KEY_READONLY] = { "readonly", "readonly" },
	[KEY_PRIVILEGED] = { "privileged", "privileged" },
	[KEY_IOVA_GAP] = { "iova-gap", "iova-gap" },
};

static int attr_value(struct parser *p, struct attrs *a, enum attr_key key,
		      char *val, const char *field)
{
	char words[MC_WORDS_MAX];

	switch (key) {
	case KEY_TYPE:
		if (a->r.kind != MC_RESERVED)
			return fail(p, MC_EINVAL, field,
				    "only reserved ranges have a type%s", "");
		if (mc_resv_type_parse(val, &a->r.type))
			return not_one_of(p, field, val,
					  mc_words_of(MC_WORDS_RESV_TYPE, words,
						      sizeof(words)));
		return 0;
	case KEY_NAME:
		a->r.name = val;
		return 0;
	case KEY_DEVICES:
		return devices_attr(p, a, val);
	case KEY_SIDS:
		return sids_attr(p, a, val);
	case KEY_ALIGN:
		return number(p, field, val, true, &a->r.align);
	case KEY_POLICY:
		if (mc_policy_parse(val, &a->r.policy))
			return not_one_of(p, field, val,
					  mc_words_of(MC_WORDS_POLICY, words,
						      sizeof(words)));
		return 0;
	case KEY_NODE:
		return node_attr(p, a, val, field);
	default:
		return access_attr(p, a, val);
	}
}

static int unknown_attribute(struct parser *p, const char *tok)
{
	char words[MC_WORDS_MAX] = "";

	for (size_t key = 0; key < N_KEYS; key++)
		mc_words_add(words, sizeof(words), attrs[key].field);
	return mc_diag(p->map, MC_EINVAL, p->src, p->line, NULL,
		       "'%s': unknown attribute (expected %s)", tok, words);
}

static int attribute(struct parser *p, struct attrs *a, char *tok)
{
	static const unsigned int flag_of[N_KEYS] = {
		[KEY_REUSABLE] = MC_F_REUSABLE,
		[KEY_READONLY] = MC_F_READONLY,
		[KEY_PRIVILEGED] = MC_F_PRIVILEGED,
		[KEY_IOVA_GAP] = MC_F_IOVA_GAP,
	};
	char *eq = strchr(tok, '=');
	const char *field;
	size_t klen = eq ? (size_t)(eq - tok) : strlen(tok);
	enum attr_key key;

	for (key = 0; key < N_KEYS; key++)
		if (strncmp(tok, attrs[key].key, klen) == 0 &&
		    attrs[key].key[klen] == '\0')
			break;
	if (key == N_KEYS)
		return unknown_attribute(p, tok);
	field = attrs[key].field;
	if (a->seen & (1u << key))
		return fail(p, MC_EINVAL, field, "given twice%s", "");
	a->seen |= 1u << key;
	if (key >= N_VALUED) {
		if (eq)
			return fail(p, MC_EINVAL, field,
				    "is a flag and takes no value ('%s')", tok);
		a->r.flags |= flag_of[key];
		return 0;
	}
	if (!eq || !eq[1])
		return fail(p, MC_EINVAL, field, "needs a value%s", "");
	return attr_value(p, a, key, eq + 1, field);
}

static int region(struct parser *p, enum mc_kind kind, char **tok, int n)
{
	struct attrs a = { .r = { .kind = kind } };
	uint64_t size;
	int err;

	if (n < 3)
		return fail(p, MC_EINVAL, n < 2 ? "start" : "size",
			    "missing (expected: %s START SIZE [attributes])",
			    tok[0]);
	err = number(p, "start", tok[1], true, &a.r.first);
	if (!err)
		err = number(p, "size", tok[2], true, &size);
	if (!err && size == 0)
		err = fail(p, MC_EINVAL, "size", "'%s' is zero", tok[2]);
	if (!err && size - 1 > UINT64_MAX - a.r.first)
		err = mc_diag(p->map, MC_ERANGE, p->src, p->line, "size",
			      "%s+%s wraps past 2^64", tok[1], tok[2]);
	for (int i = 3; !err && i < n; i++)
		err = attribute(p, &a, tok[i]);
	if (!err)
		err = paths_fit(p, &a);
	if (!err) {
		a.r.last = a.r.first + (size - 1);
		err = mc_map_add_from(p->map, &a.r, p->src, p->line);
	}
	if (!err && a.n_paths)
		err = put_paths(p, &a, p->map->n_in - 1);
	free(a.devices);
	free(a.paths);
	free(a.sids);
	return err;
}

/*
 * "resv FILE [devices=...] [sids=...]": a host reserved_regions file whose
 * direct ranges serve these devices. The attributes are read as a direct
 * range's, so they take the same forms and give the same diagnostics.
 */
static int resv_include(struct parser *p, char **tok, int n)
{
	struct attrs a = { .r = { .kind = MC_RESERVED,
				  .type = MC_RESV_DIRECT } };
	struct mc_resv_opts o;
	size_t added = p->map->n_in;
	int err = 0;

	if (n < 2)
		return fail(p, MC_EINVAL, "resv",
			    "missing FILE (expected: resv FILE [devices=...] "
			    "[sids=...])%s", "");
	/* Text from memory (or a pipe) names no directory, and parsing
	 * it must not open files: the caller loads the host file itself. */
	if (!p->from_file)
		return fail(p, MC_EINVAL, "resv",
			    "only in a map read from a file (mc_map_load_file()); "
			    "load '%s' with mc_map_load_resv_file_for()", tok[1]);
	for (int i = 2; !err && i < n; i++)
		err = attribute(p, &a, tok[i]);
	if (!err && (a.seen & ~(1u << KEY_DEVICES | 1u << KEY_SIDS)))
		err = fail(p, MC_EINVAL, "resv",
			   "takes devices= and sids= only; give other "
			   "attributes on a range of the map over the host's%s",
			   "");
	if (!err) {
		mc_resv_opts_init(&o);
		o.devices = a.r.devices;
		o.n_devices = a.r.n_devices;
		o.sids = a.r.sids;
		o.n_sids = a.r.n_sids;
		o.flags = a.r.flags & MC_F_ALL_DEVICES;
		err = mc_resv_statement(p->map, p->src, p->line, tok[1], &o);
	}
	/* the file's direct ranges serve the nodes too */
	for (; !err && a.n_paths && added < p->map->n_in; added++)
		if (mc_is_direct(p->map->in[added].kind,
				 p->map->in[added].type))
			err = put_paths(p, &a, added);
	free(a.devices);
	free(a.paths);
	free(a.sids);
	return err;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* Split at blanks in place; strtok() would keep hidden global state. */
static int split(char *s, char **tok)
{
	int n = 0;

	for (;;) {
		while (is_blank(*s))
			s++;
		if (!*s)
			return n;
		if (n == MAX_TOKENS)
			return -1;
		tok[n++] = s;
		while (*s && !is_blank(*s))
			s++;
		if (*s)
			*s++ = '\0';
	}
}

static int statement(struct parser *p, char *s)
{
	char *tok[MAX_TOKENS], words[MC_WORDS_MAX];
	enum mc_kind kind;
	int n = split(s, tok);

	if (n < 0)
		return mc_diag(p->map, MC_EINVAL, p->src, p->line, NULL,
			       "more than %d words on one line", MAX_TOKENS);
	if (n == 0)
		return 0;
	/* ranges first: a map is mostly ranges */
	if (mc_kind_parse(tok[0], &kind) == 0)
		return region(p, kind, tok, n);
	if (!strcmp(tok[0], "arch") || !strcmp(tok[0], "granule") ||
	    !strcmp(tok[0], "policy"))
		return setting(p, tok, n);
	if (!strcmp(tok[0], "resv"))
		return resv_include(p, tok, n);
	if (!strcmp(tok[0], "distance"))
		return distance(p, tok, n);
	return mc_diag(p->map, MC_EINVAL, p->src, p->line, NULL,
		       "'%s': unknown statement (expected arch, granule, "
		       "policy, %s, resv, distance)",
		       tok[0], mc_words_of(MC_WORDS_KIND, words, sizeof(words)));
}

static int map_line(void *ctx, unsigned int line, char *text)
{
	struct parser *p = ctx;
	char *comment = strchr(text, '#');

	p->line = line;
	if (comment)
		*comment = '\0';
	return statement(p, text);
}

static int load(struct mc_map *map, const char *source, const char *text,
		size_t len, bool from_file)
{
	struct parser p = { .map = map, .from_file = from_file };

	p.src = mc_intern_source(map, source);
	if (!p.src)
		return mc_diag(map, MC_ENOMEM, source, 0, NULL, "out of memory");
	return mc_each_line(map, p.src, text, len, map_line, &p);
}

int mc_map_load(struct mc_map *map, const char *source, const char *text,
		size_t len)
{
	return load(map, source, text, len, false);
}

/* A map file may name host files beside it; standard input has no "beside". */
static int load_file_text(struct mc_map *map, const char *source,
			  const char *text, size_t len)
{
	return load(map, source, text, len, strcmp(source, "<stdin>") != 0);
}

int mc_map_load_file_text(struct mc_map *map, const char *path,
			  const char *text, size_t len)
{
	return load_file_text(map, path, text, len);
}

int mc_map_load_file(struct mc_map *map, const char *path)
{
	return mc_load_file(map, path, load_file_text);
}
