// SPDX-License-Identifier: MIT
/*
 * decode_report.c - the text reports of show and slots read back into a
 * map, for "memcarve inspect".
 *
 * show (table or --json) lists the carved pieces: each comes back as its
 * own statement, a backed one (RAM still under it) as a ram statement
 * plus the range with policy=overlay, so that carving the result again
 * gives the same pieces. slots (table or --json) lists only the RAM the
 * guest gets: each slot comes back as a ram statement. Both are read line
 * by line in exactly the layout cmd_show.c and cmd_slots.c write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define MAX_WORDS 8

/* A line of @text as a NUL-terminated copy; NULL at the end. */
static char *next_line(const char **pos, const char *end, char *buf,
		       size_t size)
{
	const char *p = *pos, *nl;
	size_t n;

	if (p >= end)
		return NULL;
	nl = memchr(p, '\n', (size_t)(end - p));
	n = (size_t)((nl ? nl : end) - p);
	*pos = nl ? nl + 1 : end;
	if (n >= size)
		n = size - 1;	/* longer than any line of ours: it won't parse */
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

static size_t words(char *s, char **w)
{
	size_t n = 0;

	for (char *t = strtok_r(s, " \t", &s); t && n < MAX_WORDS;
	     t = strtok_r(NULL, " \t", &s))
		w[n++] = t;
	return n;
}

/*
 * The carved pieces come back as map statements, in address order: a ram
 * statement per run of one input RAM range, the pieces RAM still backs
 * inside it included (each piece alone would break the granule where an
 * overlay splits RAM), then the run's other pieces, policy=overlay; a
 * piece nothing backs as itself.
 */
struct piece {
	struct mc_region r;
	bool backed;
	bool relocated;	/* RAM relocate added: a run of its own */
	bool has_ram_node;	/* a backed range's node: the RAM's under it */
	uint32_t ram_node;
};

/* The kinds a region's node= may be on; on any other, a report's node is
 * that of the RAM backing the range. */
static bool kind_has_node(enum mc_kind kind)
{
	return kind == MC_RAM || kind == MC_PMEM || kind == MC_HOTPLUG;
}

/* The node of the RAM under piece @p, if the report says one. */
static bool node_under(const struct piece *p, uint32_t *node)
{
	if (p->r.kind == MC_RAM) {
		*node = p->r.node;
		return (p->r.flags & MC_F_NODE) != 0;
	}
	*node = p->ram_node;
	return p->has_ram_node;
}

struct pieces {
	struct piece *v;
	size_t n, cap;
	bool numa;	/* the report gave nodes */
};

static int keep_piece(struct pieces *p, const struct mc_region *r,
		      bool backed, bool relocated)
{
	struct piece *v = p->v;

	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		v = realloc(p->v, p->cap * sizeof(*v));
		if (!v)
			return MC_ENOMEM;
		p->v = v;
	}
	v[p->n].r = *r;
	v[p->n].backed = backed;
	v[p->n].relocated = relocated;
	v[p->n].has_ram_node = false;
	v[p->n].ram_node = 0;
	if ((r->flags & MC_F_NODE) && !kind_has_node(r->kind)) {
		v[p->n].has_ram_node = backed;
		v[p->n].ram_node = r->node;
		v[p->n].r.flags &= ~MC_F_NODE;
		v[p->n].r.node = 0;
	}
	v[p->n].r.name = r->name ? strdup(r->name) : NULL;
	if (r->name && !v[p->n].r.name)
		return MC_ENOMEM;
	p->n++;
	return 0;
}

static void free_pieces(struct pieces *p)
{
	for (size_t i = 0; i < p->n; i++)
		free((char *)p->v[i].r.name);
	free(p->v);
}

static bool same_name(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/*
 * One range RAM backs, cut in two where it touches itself: in a NUMA
 * report, only the node of the RAM under it changes there (carving never
 * lets a piece span two nodes).
 */
static bool node_cut(const struct piece *a, const struct piece *b)
{
	return a->r.kind != MC_RAM && a->r.kind == b->r.kind &&
	       a->r.type == b->r.type && same_name(a->r.name, b->r.name);
}

/* Does @b go on the RAM run @ram (named and noded by its RAM so far)? */
static bool continues(const struct piece *a, const struct mc_region *ram,
		      bool named, bool numa, const struct piece *b)
{
	uint32_t node;

	return b->backed && a->r.last + 1 == b->r.first &&
	       !(numa && node_cut(a, b)) &&
	       !((ram->flags & MC_F_NODE) && node_under(b, &node) &&
		 node != ram->node) &&
	       a->relocated == b->relocated &&
	       (b->r.kind != MC_RAM || !named ||
		(same_name(ram->name, b->r.name) &&
		 (ram->flags & MC_F_NODE) == (b->r.flags & MC_F_NODE) &&
		 ram->node == b->r.node));
}

/* The run's RAM takes its name and node from RAM piece @p. */
static void ram_from(struct mc_region *ram, const struct mc_region *p)
{
	ram->name = p->name;
	ram->flags = p->flags & MC_F_NODE;
	ram->node = p->node;
}

/* The run's RAM is on @node, which a range it backs said. */
static void ram_on(struct mc_region *ram, uint32_t node)
{
	ram->flags |= MC_F_NODE;
	ram->node = node;
}

/* The run of backed pieces from @v[0]: its ram statement, then the rest. */
static size_t emit_run(struct mc_map *map, struct piece *v, size_t n,
		       bool numa, int *err)
{
	struct mc_region ram = { .kind = MC_RAM, .first = v[0].r.first };
	bool named = v[0].r.kind == MC_RAM;
	uint32_t node;
	size_t k = 0;

	if (named)
		ram_from(&ram, &v[0].r);
	else if (node_under(&v[0], &node))
		ram_on(&ram, node);
	while (k + 1 < n && continues(&v[k], &ram, named, numa, &v[k + 1])) {
		k++;
		if (!named && v[k].r.kind == MC_RAM) {
			ram_from(&ram, &v[k].r);
			named = true;
		} else if (!(ram.flags & MC_F_NODE) &&
			   node_under(&v[k], &node)) {
			ram_on(&ram, node);
		}
	}
	ram.last = v[k].r.last;
	*err = mc_map_add(map, &ram);
	for (size_t i = 0; i <= k && !*err; i++) {
		if (v[i].r.kind == MC_RAM)
			continue;
		v[i].r.policy = MC_POLICY_OVERLAY;
		*err = mc_map_add(map, &v[i].r);
	}
	return k + 1;
}

static int emit_pieces(struct mc_map *map, struct pieces *p, int err)
{
	for (size_t i = 0; i < p->n && !err;)
		if (p->v[i].backed)
			i += emit_run(map, p->v + i, p->n - i, p->numa, &err);
		else
			err = mc_map_add(map, &p->v[i++].r);
	free_pieces(p);
	return err;
}

/* "reserved/msi", "ram/relocated", "mmio": the kind (and type). */
static int kind_label(const char *s, struct mc_region *r)
{
	char kind[16];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(kind))
		return -1;
	memcpy(kind, s, n);
	kind[n] = '\0';
	if (mc_kind_parse(kind, &r->kind))
		return -1;
	if (r->kind == MC_RESERVED)
		return slash ? mc_resv_type_parse(slash + 1, &r->type) : -1;
	return slash && strcmp(slash + 1, "relocated") ? -1 : 0;
}

static int bad_line(struct mc_map *map, const char *what, size_t line)
{
	return mc_map_report(map, MC_EBADBLOB, NULL, "line %zu: not a line of "
			     "%s", line, what);
}

static int set_arch(struct mc_map *map, const char *name)
{
	enum mc_arch a;

	return mc_arch_parse(name, &a) == 0 ? mc_map_set_arch(map, a) : 0;
}

/* A decimal node number of at most 9 digits (nodes are below 1024). */
static bool node_number(const char *s, uint32_t *node)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 9)
		return false;
	*node = (uint32_t)strtoul(s, NULL, 10);
	return true;
}

/* A word that is a node number (or a distance) and nothing else. */
static bool number_word(const char *s, uint32_t *v)
{
	return node_number(s, v) && !s[strspn(s, "0123456789")];
}

/* A NODE cell: "-" for a kind without one, else the node. */
static int node_word(const char *s, struct mc_region *r)
{
	if (strcmp(s, "-") == 0)
		return 0;
	if (!number_word(s, &r->node))
		return -1;
	r->flags |= MC_F_NODE;
	return 0;
}

/* "key": N in @s: a JSON number (a node, a distance). */
static bool json_uint(const char *s, const char *key, uint32_t *v)
{
	char pat[24];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(s, pat);
	return p && node_number(p + strlen(pat), v);
}

/*
 * A report lists every ordered pair of nodes; a pair the map stated one
 * way only comes back that way (inspect prints the map's own lines).
 */
static int add_distance(struct mc_map *map, uint32_t from, uint32_t to,
			uint32_t distance)
{
	if (from != to && mc_map_distance(map, from, to) == distance)
		return 0;	/* stated by symmetry already */
	return mc_map_set_distance(map, from, to, distance);
}

/* The table's "distance FROM TO N" lines, after its totals (line @line on). */
static int table_distances(struct mc_map *map, const char *pos,
			   const char *end, size_t line)
{
	char buf[512], *w[MAX_WORDS];
	uint32_t v[3];
	int err = 0;

	for (; !err && next_line(&pos, end, buf, sizeof(buf)); line++) {
		if (strncmp(buf, "distance ", 9))
			continue;	/* the totals */
		if (words(buf, w) != 4 || !number_word(w[1], &v[0]) ||
		    !number_word(w[2], &v[1]) || !number_word(w[3], &v[2]))
			return bad_line(map, "memcarve show", line);
		err = add_distance(map, v[0], v[1], v[2]);
	}
	return err;
}

/* "arch x86_64, policy carve, granule 4K", a blank line, the table. */
int cli_show_text_decode(struct mc_map *map, const void *blob, size_t len)
{
	const char *pos = blob, *end = pos + len;
	char buf[512], arch[32], *w[MAX_WORDS];
	struct pieces pc = { 0 };
	size_t line = 3, numa;
	int err = 0;

	if (!next_line(&pos, end, buf, sizeof(buf)) ||
	    sscanf(buf, "arch %31[^,], policy ", arch) != 1 ||
	    !strstr(buf, ", granule ") || !next_line(&pos, end, buf, sizeof(buf)) ||
	    !next_line(&pos, end, buf, sizeof(buf)) || strncmp(buf, "START ", 6))
		return MC_EBADBLOB;
	/* a NUMA map's table has a NODE column before NAME */
	numa = strstr(buf, " NODE ") != NULL;
	pc.numa = numa;
	err = set_arch(map, arch);
	while (!err && next_line(&pos, end, buf, sizeof(buf)) && buf[0]) {
		struct mc_region r = { 0 };
		size_t n = words(buf, w);

		line++;
		if (n != 6 + numa || mc_parse_number(w[0], &r.first) ||
		    mc_parse_number(w[1], &r.last) || r.last < r.first ||
		    kind_label(w[3], &r) ||
		    (strcmp(w[4], "yes") && strcmp(w[4], "no")) ||
		    (numa && node_word(w[5], &r))) {
			err = bad_line(map, "memcarve show", line);
			break;
		}
		r.name = strcmp(w[5 + numa], "-") ? w[5 + numa] : NULL;
		err = keep_piece(&pc, &r, w[4][0] == 'y',
				 strcmp(w[3], "ram/relocated") == 0);
	}
	err = emit_pieces(map, &pc, err);
	return err ? err : table_distances(map, pos, end, line + 2);
}

/* The string value of "key": "..." in @s (JSON escapes undone), or NULL. */
static char *json_str(const char *s, const char *key, char *out, size_t size)
{
	char pat[24];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	p = strstr(s, pat);
	if (!p)
		return NULL;
	for (p += strlen(pat); *p && *p != '"' && n + 1 < size; p++) {
		if (*p == '\\' && p[1] == 'u' && strlen(p) >= 6) {
			out[n++] = (char)strtol((char[3]){ p[4], p[5], 0 },
						NULL, 16);
			p += 5;
		} else {
			out[n++] = *p == '\\' && p[1] ? *++p : *p;
		}
	}
	out[n] = '\0';
	return *p == '"' ? out : NULL;
}

static bool json_number(const char *s, const char *key, uint64_t *v)
{
	char buf[40];

	return json_str(s, key, buf, sizeof(buf)) && !mc_parse_number(buf, v);
}

/*
 * show --json's "distances": one '{ "from": A, "to": B, "distance": N }'
 * a line, every ordered pair the map states; absent when it states none.
 */
static int json_distances(struct mc_map *map, const char **pos,
			  const char *end, size_t line)
{
	char buf[256];
	uint32_t from, to, d;
	int err = 0;

	if (!next_line(pos, end, buf, sizeof(buf)) ||
	    strcmp(buf, "  \"distances\": ["))
		return 0;
	while (!err && next_line(pos, end, buf, sizeof(buf)) &&
	       strncmp(buf, "  ]", 3)) {
		line++;
		if (!json_uint(buf, "from", &from) || !json_uint(buf, "to", &to) ||
		    !json_uint(buf, "distance", &d))
			return bad_line(map, "memcarve show --json", line);
		err = add_distance(map, from, to, d);
	}
	return err;
}

/* show --json: one region per line, '{ "start": ...'. */
int cli_show_json_decode(struct mc_map *map, const void *blob, size_t len)
{
	const char *pos = blob, *end = pos + len;
	char head[1024], buf[1024], arch[32], kind[32], type[32], name[256];
	struct pieces pc = { 0 };
	size_t line = 2;
	int err;

	/* @blob has no NUL of its own: only the copied lines are strings. */
	if (!next_line(&pos, end, head, sizeof(head)) ||
	    strncmp(head, "{ \"arch\": ", 10) ||
	    !strstr(head, "\"granule\": ") ||
	    !next_line(&pos, end, buf, sizeof(buf)) ||
	    strcmp(buf, "  \"regions\": ["))
		return MC_EBADBLOB;
	err = json_str(head, "arch", arch, sizeof(arch)) ? set_arch(map, arch) : 0;
	while (!err && next_line(&pos, end, buf, sizeof(buf)) &&
	       strncmp(buf, "  ]", 3)) {
		struct mc_region r = { 0 };

		line++;
		if (!json_number(buf, "start", &r.first) ||
		    !json_number(buf, "end", &r.last) || r.last < r.first ||
		    !json_str(buf, "kind", kind, sizeof(kind)) ||
		    mc_kind_parse(kind, &r.kind) ||
		    (r.kind == MC_RESERVED &&
		     (!json_str(buf, "type", type, sizeof(type)) ||
		      mc_resv_type_parse(type, &r.type))))
			err = bad_line(map, "memcarve show --json", line);
		r.name = json_str(buf, "name", name, sizeof(name));
		if (json_uint(buf, "node", &r.node)) {
			r.flags |= MC_F_NODE;
			pc.numa = true;
		}
		if (!err)
			err = keep_piece(&pc, &r, r.kind == MC_RAM ||
						  strstr(buf, "\"backed\": true"),
					 strstr(buf, "\"relocated\": true"));
	}
	err = emit_pieces(map, &pc, err);
	return err ? err : json_distances(map, &pos, end, line);
}

/*
 * slots: "SLOT  [NODE  ]GUEST  SIZE  OFFSET" rows, or --json. The table
 * has a NODE column when the map is NUMA. --json gives every slot a node
 * and says "numa": true or false (a NUMA map of node 0 alone is NUMA).
 */
static int add_slot(struct mc_map *map, uint64_t guest, uint64_t size,
		    const uint32_t *node)
{
	struct mc_region r = { .kind = MC_RAM, .first = guest };

	if (node) {
		r.flags = MC_F_NODE;
		r.node = *node;
	}
	if (!size || size - 1 > UINT64_MAX - guest)
		return mc_map_report(map, MC_EBADBLOB, NULL, "a slot of 0x%llx "
				     "bytes at 0x%llx", (unsigned long long)size,
				     (unsigned long long)guest);
	r.last = guest + (size - 1);
	return mc_map_add(map, &r);
}

/*
 * Whether slots --json, from @pos on, says "numa": true; a report from
 * before 1.1's "numa" was NUMA when it names a node other than 0.
 */
static bool json_numa(const char *pos, const char *end)
{
	char buf[512];
	uint32_t node;
	bool other = false;

	while (next_line(&pos, end, buf, sizeof(buf))) {
		if (strstr(buf, "\"numa\": "))
			return strstr(buf, "\"numa\": true") != NULL;
		other |= json_uint(buf, "node", &node) && node;
	}
	return other;
}

int cli_slots_decode(struct mc_map *map, const void *blob, size_t len)
{
	const char *pos = blob, *end = pos + len;
	char buf[512], *w[MAX_WORDS];
	bool json;
	size_t numa;
	size_t line = 1;
	int err = 0;

	if (!next_line(&pos, end, buf, sizeof(buf)))
		return MC_EBADBLOB;
	json = strcmp(buf, "{ \"slots\": [") == 0;
	numa = strncmp(buf, "SLOT  NODE  GUEST ", 18) == 0;
	if (!json && !numa && strncmp(buf, "SLOT  GUEST ", 12))
		return MC_EBADBLOB;
	if (json)
		numa = json_numa(pos, end);
	while (!err && next_line(&pos, end, buf, sizeof(buf)) && buf[0] &&
	       strncmp(buf, "  ]", 3)) {
		uint64_t guest, size;
		uint32_t node = 0;

		line++;
		if (json ? !json_number(buf, "guest", &guest) ||
				   !json_number(buf, "size", &size) ||
				   (numa && !json_uint(buf, "node", &node)) :
			   words(buf, w) != 4 + numa ||
				   (numa && !node_number(w[1], &node)) ||
				   mc_parse_number(w[1 + numa], &guest) ||
				   mc_parse_number(w[2 + numa], &size))
			return bad_line(map, json ? "memcarve slots --json" :
						    "memcarve slots", line);
		err = add_slot(map, guest, size, numa ? &node : NULL);
	}
	return err;
}
