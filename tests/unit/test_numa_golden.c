// SPDX-License-Identifier: MIT
/*
 * test_numa_golden.c - the semantic check behind fixtures/golden/numa.list:
 * every case there, read from the list itself.
 *
 * A golden file only says the output did not change. This test reads each
 * expected output back and checks it against the carved map and numa.md:
 *   - show --json: one line per piece, in order, with its range and kind;
 *     "node" exactly on the ram, pmem and hotplug pieces of a NUMA map,
 *     their region's node; "distances" lists every ordered pair the map
 *     states (directly or by symmetry) and nothing else;
 *   - show (table): the same pieces, the NODE column as in JSON, and a
 *     "distance A B N" line for each pair JSON lists, nothing else;
 *   - slots --json and slots: every slot with its node; "numa" (JSON) or
 *     the NODE column (table) exactly when the map is NUMA; the backing parts
 *     packed in ascending node order, each the sum of its node's slots;
 *     each node's slots packed in guest order inside its part, node_offset
 *     their offset into it; and no slot spans two nodes: every RAM piece
 *     in it is of its node, every overlaid piece over RAM of its node;
 *   - e820: no entry touches a hotplug window, every RAM piece is usable;
 *   - inspect: the decoded map carves to the same pieces (range, kind,
 *     node) and slots as the map the report came from, is NUMA exactly
 *     when it is (a map of node 0 alone too), and has the same distances
 *     from show and show --json (a slots report gives slots only);
 *   - a refusal: the map's diagnostics, one per line, and none missing.
 * A command or option this test does not know fails it. The README's
 * NUMA example is the fixture map and its slots --json golden, verbatim.
 */
#include <inttypes.h>
#include "core_helpers.h"
#include "files.h"
#include "golden_list.h"

#define LIST "fixtures/golden/numa.list"

/* Which map each report came from, for the inspect cases after it. */
static struct report {
	char expected[256];
	char map[256];
	bool slots_only;	/* slots: RAM only */
	bool distances;		/* show, show --json: distances too */
} reports[32];
static size_t n_reports;

/* The line holding @key's value in @s ("key": ...), or NULL. */
static const char *json_at(const char *s, const char *key)
{
	char pat[40];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(s, pat);
	return p ? p + strlen(pat) : NULL;
}

static bool json_u64(const char *s, const char *key, uint64_t *v)
{
	const char *p = json_at(s, key);

	if (!p)
		return false;
	*v = strtoull(p + (*p == '"'), NULL, 0);
	return true;
}

/* The next line of @text from *@pos into @buf; false at the end. */
static bool next_line(const char **pos, char *buf, size_t size)
{
	const char *nl;
	size_t n;

	if (!**pos)
		return false;
	nl = strchr(*pos, '\n');
	n = nl ? (size_t)(nl - *pos) : strlen(*pos);
	if (n >= size)
		fail_msg("line too long: %.40s", *pos);
	memcpy(buf, *pos, n);
	buf[n] = '\0';
	*pos += n + (nl != NULL);
	return true;
}

/* The node a piece shows: its region's, when it has one. */
/*
 * The node a piece's memory is on: its region's (ram, pmem, hotplug), or
 * for a backed range the node of the slot that holds it (the RAM under
 * it). What show prints in NODE, and inspect needs to give that RAM back
 * its node.
 */
static bool piece_node(const struct mc_map *map, const struct mc_piece *p,
		       uint32_t *node)
{
	const struct mc_region *r = &mc_map_input(map, &(size_t){ 0 })[p->origin];
	size_t n;
	const struct mc_slot *s = mc_map_slots(map, &n);

	*node = r->node;
	if (r->flags & MC_F_NODE)
		return true;
	for (size_t i = 0; (p->flags & MC_F_BACKED) && i < n; i++)
		if (s[i].guest <= p->first &&
		    p->last - s[i].guest < s[i].size) {
			*node = s[i].node;
			return true;
		}
	return false;
}

/* The ordered pairs of nodes the map states a distance for. */
static size_t distance_count(const struct mc_map *map)
{
	size_t n_b, n = 0;
	const struct mc_node_backing *b = mc_map_backing(map, &n_b);

	for (size_t i = 0; i < n_b; i++)
		for (size_t j = 0; j < n_b; j++)
			n += mc_map_distance(map, b[i].node, b[j].node) != 0;
	return n;
}

static void check_show_json(const struct mc_map *map, const char *text)
{
	size_t n, k = 0;
	const struct mc_piece *v = mc_map_result(map, &n);
	const char *pos = text;
	char line[1024];
	uint64_t first, last, from, to, d;
	uint32_t node;
	size_t n_dist = 0;

	while (next_line(&pos, line, sizeof(line))) {
		if (json_u64(line, "start", &first)) {
			assert_true(k < n);
			assert_true(json_u64(line, "end", &last));
			assert_int_equal(first, v[k].first);
			assert_int_equal(last, v[k].last);
			assert_non_null(strstr(line, mc_kind_name(
				(enum mc_kind)v[k].kind)));
			if (piece_node(map, &v[k], &node)) {
				uint64_t got;

				assert_true(mc_map_is_numa(map));
				assert_true(json_u64(line, "node", &got));
				assert_int_equal(got, node);
			} else {
				assert_null(json_at(line, "node"));
			}
			k++;
		} else if (json_u64(line, "from", &from)) {
			assert_true(json_u64(line, "to", &to));
			assert_true(json_u64(line, "distance", &d));
			assert_int_equal(mc_map_distance(map, (uint32_t)from,
							 (uint32_t)to), d);
			n_dist++;
		}
	}
	assert_int_equal(k, n);
	assert_int_equal(n_dist, distance_count(map));
}

static void check_show_table(const struct mc_map *map, const char *text)
{
	size_t n, k = 0;
	const struct mc_piece *v = mc_map_result(map, &n);
	const char *pos = text;
	char line[1024], w[7][64];
	uint32_t node, from, to, d;
	size_t n_dist = 0;

	while (next_line(&pos, line, sizeof(line))) {
		if (sscanf(line, "distance %" SCNu32 " %" SCNu32 " %" SCNu32,
			   &from, &to, &d) == 3) {
			assert_int_equal(mc_map_distance(map, from, to), d);
			n_dist++;
		}
		if (strncmp(line, "0x", 2) == 0) {
			assert_true(k < n);
			assert_int_equal(sscanf(line, "%63s %63s %63s %63s %63s "
						"%63s %63s", w[0], w[1], w[2],
						w[3], w[4], w[5], w[6]), 7);
			assert_int_equal(strtoull(w[0], NULL, 16), v[k].first);
			assert_int_equal(strtoull(w[1], NULL, 16), v[k].last);
			if (piece_node(map, &v[k], &node))
				assert_int_equal(strtoul(w[5], NULL, 10), node);
			else
				assert_string_equal(w[5], "-");
			k++;
		}
	}
	assert_int_equal(k, n);
	assert_int_equal(n_dist, distance_count(map));
}

/* The backing part of @node. */
static const struct mc_node_backing *part_of(const struct mc_map *map,
					     uint32_t node)
{
	size_t n;
	const struct mc_node_backing *b = mc_map_backing(map, &n);

	for (size_t i = 0; i < n; i++)
		if (b[i].node == node)
			return &b[i];
	fail_msg("no backing part for node %u", node);
	return NULL;
}

/* No slot spans two nodes: what backs it is all of its node. */
static void check_slot_nodes(const struct mc_map *map, const struct mc_slot *s)
{
	size_t n, n_in;
	const struct mc_piece *v = mc_map_result(map, &n);
	const struct mc_region *in = mc_map_input(map, &n_in);
	uint64_t last = s->guest + (s->size - 1);

	for (size_t i = 0; i < n; i++) {
		if (v[i].last < s->guest || v[i].first > last)
			continue;
		assert_true(v[i].flags & MC_F_BACKED);
		assert_true(v[i].first >= s->guest && v[i].last <= last);
		if (v[i].kind == MC_RAM) {
			assert_int_equal(in[v[i].origin].node, s->node);
			continue;
		}
		for (size_t r = 0; r < n_in; r++)
			if (in[r].kind == MC_RAM && in[r].first <= v[i].last &&
			    in[r].last >= v[i].first)
				assert_int_equal(in[r].node, s->node);
	}
}

/* The layout rules, from the library's own slots and backing. */
static void check_layout(const struct mc_map *map)
{
	size_t n, n_b;
	const struct mc_slot *s = mc_map_slots(map, &n);
	const struct mc_node_backing *b = mc_map_backing(map, &n_b);
	uint64_t at = 0;

	for (size_t i = 0; i < n_b; i++) {
		uint64_t next = b[i].offset, sum = 0;

		assert_true(i == 0 || b[i].node > b[i - 1].node);
		assert_int_equal(b[i].offset, at);
		for (size_t j = 0; j < n; j++)
			if (s[j].node == b[i].node) {
				assert_int_equal(s[j].offset, next);
				next += s[j].size;
				sum += s[j].size;
			}
		assert_int_equal(sum, b[i].size);
		at += b[i].size;
	}
	assert_int_equal(at, mc_map_totals(map)->ram_after);
	for (size_t j = 0; j < n; j++)
		check_slot_nodes(map, &s[j]);
}

static void check_slots(const struct mc_map *map, const char *text,
			bool json)
{
	size_t n, k = 0, n_b, kb = 0, said_numa = 0;
	const struct mc_slot *s = mc_map_slots(map, &n);
	const struct mc_node_backing *b = mc_map_backing(map, &n_b);
	const char *pos = text;
	char line[1024];
	uint64_t v[6];

	check_layout(map);
	while (next_line(&pos, line, sizeof(line))) {
		if (strncmp(line, "SLOT ", 5) == 0)	/* the table's header */
			said_numa += mc_map_is_numa(map) ==
				     (strstr(line, " NODE ") != NULL);
		if (json && json_at(line, "numa"))
			said_numa += strncmp(json_at(line, "numa"),
					     mc_map_is_numa(map) ? "true" :
								   "false",
					     mc_map_is_numa(map) ? 4 : 5) == 0;
		if (json && json_u64(line, "slot", &v[0])) {
			assert_true(k < n);
			assert_true(json_u64(line, "node", &v[1]) &&
				    json_u64(line, "guest", &v[2]) &&
				    json_u64(line, "size", &v[3]) &&
				    json_u64(line, "offset", &v[4]) &&
				    json_u64(line, "node_offset", &v[5]));
			assert_int_equal(v[5], v[4] - part_of(map,
						(uint32_t)v[1])->offset);
		} else if (json && json_u64(line, "node", &v[1])) {
			assert_true(kb < n_b);
			assert_true(json_u64(line, "offset", &v[4]) &&
				    json_u64(line, "size", &v[3]));
			assert_int_equal(v[1], b[kb].node);
			assert_int_equal(v[4], b[kb].offset);
			assert_int_equal(v[3], b[kb].size);
			kb++;
			continue;
		} else if (!json && line[0] >= '0' && line[0] <= '9') {
			char size[32];

			assert_int_equal(sscanf(line, "%" SCNu64 " %" SCNu64
						" %" SCNx64 " %31s %" SCNx64,
						&v[0], &v[1], &v[2], size,
						&v[4]), 5);
			v[3] = s[k < n ? k : 0].size;	/* human, checked below */
		} else {
			continue;
		}
		assert_int_equal(v[0], s[k].slot);
		assert_int_equal(v[1], s[k].node);
		assert_int_equal(v[2], s[k].guest);
		assert_int_equal(v[3], s[k].size);
		assert_int_equal(v[4], s[k].offset);
		k++;
	}
	assert_int_equal(k, n);
	assert_int_equal(said_numa, 1);
	if (json)
		assert_int_equal(kb, n_b);
}

/* e820 text: no entry touches a hotplug window; RAM pieces are usable. */
static void check_e820(const struct mc_map *map, const char *text)
{
	size_t n;
	const struct mc_piece *v = mc_map_result(map, &n);
	const char *pos = text;
	char line[256];
	uint64_t a[64], z[64];
	bool ram[64];
	size_t m = 0;

	while (next_line(&pos, line, sizeof(line))) {
		if (!strstr(line, "[mem "))
			continue;
		assert_true(m < 64);
		assert_int_equal(sscanf(strstr(line, "[mem "), "[mem %" SCNx64
					"-%" SCNx64, &a[m], &z[m]), 2);
		ram[m++] = strstr(line, "System RAM") != NULL;
	}
	for (size_t i = 0; i < n; i++) {
		bool usable = false;

		for (size_t e = 0; e < m; e++) {
			if (v[i].kind == MC_HOTPLUG)
				assert_true(z[e] < v[i].first ||
					    a[e] > v[i].last);
			usable |= ram[e] && a[e] <= v[i].first &&
				  z[e] >= v[i].last;
		}
		if (v[i].kind == MC_RAM)
			assert_true(usable);
	}
}

/* Two carved maps agree on pieces (range, kind, node), slots, distances. */
static void check_same(const struct mc_map *a, const struct mc_map *b,
		       const struct report *r)
{
	size_t na, nb;
	const struct mc_piece *pa = mc_map_result(a, &na);
	const struct mc_piece *pb = mc_map_result(b, &nb);
	const struct mc_slot *sa = mc_map_slots(a, &na);
	const struct mc_slot *sb = mc_map_slots(b, &nb);
	const struct mc_node_backing *ba = mc_map_backing(a, &na);

	assert_int_equal(mc_map_is_numa(a), mc_map_is_numa(b));
	assert_int_equal(mc_map_slots(a, &na) ? na : 0,
			 mc_map_slots(b, &nb) ? nb : 0);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(sa[i].guest, sb[i].guest);
		assert_int_equal(sa[i].size, sb[i].size);
		assert_int_equal(sa[i].node, sb[i].node);
		assert_int_equal(sa[i].offset, sb[i].offset);
	}
	if (r->slots_only)
		return;
	mc_map_result(a, &na);
	mc_map_result(b, &nb);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		uint32_t x, y;
		bool hx = piece_node(a, &pa[i], &x), hy = piece_node(b, &pb[i], &y);

		assert_int_equal(pa[i].first, pb[i].first);
		assert_int_equal(pa[i].last, pb[i].last);
		assert_int_equal(pa[i].kind, pb[i].kind);
		assert_int_equal(hx, hy);
		if (hx)
			assert_int_equal(x, y);
	}
	ba = mc_map_backing(a, &na);
	for (size_t i = 0; r->distances && i < na; i++)
		for (size_t j = 0; j < na; j++)
			assert_int_equal(mc_map_distance(a, ba[i].node, ba[j].node),
					 mc_map_distance(b, ba[i].node, ba[j].node));
}

static void check_inspect(const struct golden_line *g, const char *text)
{
	const struct report *r = NULL;
	struct mc_map *orig, *decoded;

	for (size_t i = 0; i < n_reports; i++)
		if (strcmp(reports[i].expected, g->arg[1]) == 0)
			r = &reports[i];
	if (!r)
		fail_msg("%s: inspect of %s, which no case before it writes",
			 g->expected, g->arg[1]);
	orig = golden_map(r->map, NULL, NULL);
	decoded = map_carved(text);
	check_same(orig, decoded, r);
	mc_map_free(orig);
	mc_map_free(decoded);
}

/* A refusal: exactly the map's diagnostics, one a line. */
static void check_refusal(const struct golden_line *g, const char *text)
{
	struct mc_map *map = mc_map_new();
	const char *path = g->arg[g->n_arg - 1];
	char want[8192] = "";
	size_t at = 0;

	if (mc_map_load_file(map, path) == 0)
		assert_int_not_equal(mc_map_carve(map), 0);
	assert_true(mc_map_error_count(map) > 0);
	for (size_t i = 0; i < mc_map_error_count(map); i++)
		at += (size_t)snprintf(want + at, sizeof(want) - at, "%s\n",
				       mc_map_error(map, i)->msg);
	assert_string_equal(text, want);
	mc_map_free(map);
}

static void remember(const struct golden_line *g, const char *map,
		     bool slots_only, bool distances)
{
	struct report *r = &reports[n_reports++];

	assert_true(n_reports <= sizeof(reports) / sizeof(reports[0]));
	snprintf(r->expected, sizeof(r->expected), "%s", g->expected);
	snprintf(r->map, sizeof(r->map), "%s", map);
	r->slots_only = slots_only;
	r->distances = distances;
}

static void check_case(const struct golden_line *g)
{
	char *text = slurp(g->expected, NULL);
	const char *cmd = g->arg[0], *map = g->arg[g->n_arg - 1];
	bool json = g->n_arg == 3 && strcmp(g->arg[1], "--json") == 0;
	struct mc_map *m;

	print_message("%s\n", g->expected);
	if (g->fails) {
		check_refusal(g, text);
	} else if (strcmp(cmd, "inspect") == 0 && g->n_arg == 2) {
		check_inspect(g, text);
	} else if (g->n_arg != (json ? 3u : 2u) ||
		   (json && strcmp(cmd, "e820") == 0)) {
		fail_msg("%s: an option this test does not check", g->expected);
	} else {
		m = golden_map(map, NULL, NULL);
		if (strcmp(cmd, "show") == 0)
			json ? check_show_json(m, text) : check_show_table(m, text);
		else if (strcmp(cmd, "slots") == 0)
			check_slots(m, text, json);
		else if (strcmp(cmd, "e820") == 0)
			check_e820(m, text);
		else
			fail_msg("%s: command '%s' not checked", g->expected, cmd);
		remember(g, map, strcmp(cmd, "slots") == 0,
			 strcmp(cmd, "show") == 0);
		mc_map_free(m);
	}
	free(text);
}

static void every_case_means_what_it_says(void **state)
{
	FILE *f = fopen(LIST, "r");
	struct golden_line g;
	size_t n = 0;

	(void)state;
	assert_non_null(f);
	while (golden_next(f, &g)) {
		check_case(&g);
		n++;
	}
	fclose(f);
	assert_true(n >= 22);
}

/* The README shows fixtures/x86-numa.map and its slots, as they are. */
static void the_readme_example_is_the_fixture(void **state)
{
	char *readme = slurp("README.md", NULL);
	char *slots = slurp("fixtures/numa/x86-numa.slots", NULL);
	char *map = slurp("fixtures/x86-numa.map", NULL);
	const char *body = map;

	(void)state;
	while (*body == '#')	/* the statements, after the comment */
		body = strchr(body, '\n') + 1;
	while (*body == '\n')
		body++;
	if (!strstr(readme, slots))
		fail_msg("README.md lacks fixtures/numa/x86-numa.slots verbatim");
	if (!strstr(readme, body))
		fail_msg("README.md lacks fixtures/x86-numa.map's statements");
	free(readme);
	free(slots);
	free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_case_means_what_it_says),
		cmocka_unit_test(the_readme_example_is_the_fixture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
