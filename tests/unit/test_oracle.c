// SPDX-License-Identifier: MIT
/*
 * test_oracle.c - the sweep against a brute-force model, on random maps.
 *
 * The model decides every byte of a small window on its own, straight from
 * DESIGN §2 (who covers the byte, which policy, which wins), then places
 * relocated RAM granule by granule. The library must produce exactly the
 * same pieces, totals and slots. Windows sit at 0 and at the top of the
 * 64-bit space, so nothing near 2^64 is left untested.
 */
#include "core_helpers.h"

#define W 128			/* window bytes with ranges in them */
#define L (2 * W)		/* bytes modelled: room for relocation */
#define MAXR 10
/* One model byte is a page of the map: no granule is below MC_GRANULE_MIN. */
#define S MC_GRANULE_MIN

struct model_range {
	uint64_t first, last;	/* window offsets, inclusive */
	int kind, type, pol;	/* pol: effective policy */
};

struct label {
	int used;		/* 0: nothing there */
	int kind, type;
	size_t origin;
	unsigned int flags;	/* MC_F_BACKED, _RELOCATED, _CARVED */
};

struct model {
	uint64_t base, granule;
	size_t n;
	struct model_range r[MAXR];
	size_t idx[MAXR];	/* input index of each range */
	struct label lab[L];
	uint64_t before, carved, lost, relocated;
	int err;
};

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(uint64_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state % n;
}

/* The class order of carve.c, as the spec of precedence. */
static int rank(int kind, int type)
{
	static const int resv[] = { 7, 9, 8, 6, 5 };	/* by mc_resv_type */
	static const int k[] = { 0, 3, -1, 1, 2, 4 };	/* by mc_kind */

	return kind == MC_RESERVED ? resv[type] : k[kind];
}

static bool carving(int pol)
{
	return pol != MC_POLICY_OVERLAY;
}

/* One random map, as text for the library and as ranges for the model. */
static void make_map(struct model *m, char *text, size_t len)
{
	static const char *const pols[] = { "", "abort", "overlay", "carve",
					    "relocate" };
	int map_pol = 2 + (int)rnd(3), class_pol[10];
	size_t off = 0;

	for (int c = 0; c < 10; c++)
		class_pol[c] = rnd(4) ? 0 : 1 + (int)rnd(4);
	m->granule = (uint64_t[]){ 1, 4, 16 }[rnd(3)];
	m->base = rnd(2) ? 0 : UINT64_MAX - (L * S - 1);
	off += (size_t)snprintf(text + off, len - off, "granule %llu\npolicy %s\n",
				(unsigned long long)m->granule * S, pols[map_pol]);
	m->n = 0;
	for (uint64_t at = rnd(3) * m->granule; m->n < 3 && at < W;) {
		uint64_t size = (1 + rnd(4)) * 8 * m->granule / 4;

		size = (size + m->granule - 1) / m->granule * m->granule;
		if (at + size > W)
			break;
		m->r[m->n++] = (struct model_range){ at, at + size - 1, MC_RAM,
						     0, 0 };
		at += size + rnd(3) * m->granule;
	}
	for (size_t k = 1 + rnd(MAXR - 3); k && m->n < MAXR; k--) {
		struct model_range *r = &m->r[m->n++];
		int c, pol;

		r->first = rnd(W);
		r->last = r->first + rnd(W - r->first > 24 ? 24 : W - r->first);
		r->kind = 1 + (int)rnd(5);
		r->type = r->kind == MC_RESERVED ? (int)rnd(5) : 0;
		c = rank(r->kind, r->type);
		pol = class_pol[c] ? class_pol[c] : 0;
		/* one policy per class: conflicts have their own tests */
		r->pol = pol;
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct model_range *r = &m->r[i];

		off += (size_t)snprintf(text + off, len - off,
					"%s 0x%llx %llu", mc_kind_name(r->kind),
					(unsigned long long)(m->base + r->first * S),
					(unsigned long long)(r->last - r->first + 1) * S);
		if (r->kind == MC_RESERVED)
			off += (size_t)snprintf(text + off, len - off, " type=%s",
						mc_resv_type_name(r->type));
		if (r->pol && !(r->pol == MC_POLICY_OVERLAY &&
				(r->kind == MC_MMIO || r->kind == MC_PMEM)))
			off += (size_t)snprintf(text + off, len - off,
						" policy=%s", pols[r->pol]);
		else
			m->r[i].pol = 0;
		off += (size_t)snprintf(text + off, len - off, " name=r%zu\n", i);
		m->idx[i] = i;
	}
	for (size_t i = 0; i < m->n; i++) {	/* effective policies */
		struct model_range *r = &m->r[i];
		bool needs = r->kind == MC_ACPI || r->kind == MC_NVS ||
			     (r->kind == MC_RESERVED && r->type >= MC_RESV_DIRECT);

		if (r->kind == MC_RAM)
			continue;
		if (!r->pol)
			r->pol = needs ? MC_POLICY_OVERLAY : map_pol;
		if ((r->kind == MC_MMIO || r->kind == MC_PMEM) &&
		    r->pol == MC_POLICY_OVERLAY)
			r->pol = MC_POLICY_CARVE;
	}
}

static int ram_at(const struct model *m, uint64_t a)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->r[i].kind == MC_RAM && m->r[i].first <= a &&
		    a <= m->r[i].last)
			return (int)i;
	return -1;
}

static bool overlaps_ram(const struct model *m, const struct model_range *r)
{
	for (uint64_t a = r->first; a <= r->last; a++)
		if (ram_at(m, a) >= 0)
			return true;
	return false;
}

/* Extent in the sweep: widened to granules when it carves RAM. */
static void extent(const struct model *m, const struct model_range *r,
		   uint64_t *f, uint64_t *l)
{
	*f = r->first;
	*l = r->last;
	if (overlaps_ram(m, r) && carving(r->pol)) {
		*f = r->first / m->granule * m->granule;
		*l = (r->last / m->granule + 1) * m->granule - 1;
	}
}

/*
 * Within a class, overlapping extents merge and take the name of the
 * first by (start, input order): the origin of byte @a in class @c.
 */
static int class_origin(const struct model *m, int c, uint64_t a)
{
	uint64_t gf = 0, gl = 0;
	int gi = -1, hit = -1;
	size_t order[MAXR], k = 0;

	for (size_t i = 0; i < m->n; i++)
		if (m->r[i].kind != MC_RAM && rank(m->r[i].kind, m->r[i].type) == c)
			order[k++] = i;
	for (size_t i = 1; i < k; i++)	/* insertion sort by (first, index) */
		for (size_t j = i; j > 0; j--) {
			uint64_t fa, la, fb, lb;

			extent(m, &m->r[order[j - 1]], &fa, &la);
			extent(m, &m->r[order[j]], &fb, &lb);
			if (fa < fb || (fa == fb && order[j - 1] < order[j]))
				break;
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (size_t i = 0; i < k; i++) {
		uint64_t f, l;

		extent(m, &m->r[order[i]], &f, &l);
		if (gi < 0 || f > gl) {
			if (gi >= 0 && gf <= a && a <= gl)
				hit = gi;
			gi = (int)order[i];
			gf = f;
			gl = l;
		} else if (l > gl) {
			gl = l;
		}
	}
	if (gi >= 0 && gf <= a && a <= gl)
		hit = gi;
	return hit;
}

static void label_byte(struct model *m, uint64_t a)
{
	int ram = ram_at(m, a), win = -1, win_rank = -1;
	bool carve = false, reloc = false, exact = false;
	struct label *lab = &m->lab[a];

	for (size_t i = 0; i < m->n; i++) {
		const struct model_range *r = &m->r[i];
		uint64_t f, l;

		if (r->kind == MC_RAM)
			continue;
		extent(m, r, &f, &l);
		if (a < f || a > l)
			continue;
		if (rank(r->kind, r->type) > win_rank) {
			win_rank = rank(r->kind, r->type);
			win = (int)i;
		}
		carve |= carving(r->pol);
		reloc |= r->pol == MC_POLICY_RELOCATE;
		exact |= carving(r->pol) && r->first <= a && a <= r->last;
	}
	if (win < 0 && ram < 0)
		return;
	lab->used = 1;
	if (win < 0) {
		*lab = (struct label){ 1, MC_RAM, 0, (size_t)ram, MC_F_BACKED };
		return;
	}
	*lab = (struct label){ 1, m->r[win].kind, m->r[win].type,
			       (size_t)class_origin(m, win_rank, a), 0 };
	if (ram >= 0 && !carve)
		lab->flags = MC_F_BACKED;
	if (ram >= 0 && carve) {
		lab->flags = MC_F_CARVED;
		m->carved++;
		m->lost += !exact;
	}
	(void)reloc;
}

/* Relocate, granule by granule, lowest free space above each block. */
static void relocate(struct model *m)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct model_range *b = &m->r[i];
		uint64_t need = 0, g = m->granule;

		if (b->kind != MC_RAM)
			continue;
		for (uint64_t a = b->first; a <= b->last; a++) {
			bool reloc = false;

			for (size_t k = 0; k < m->n; k++) {
				uint64_t f, l;

				if (m->r[k].kind == MC_RAM)
					continue;
				extent(m, &m->r[k], &f, &l);
				reloc |= f <= a && a <= l &&
					 m->r[k].pol == MC_POLICY_RELOCATE;
			}
			need += reloc;
		}
		for (uint64_t c = (b->last / g + 1) * g; need && c + g <= L; c += g) {
			bool free_chunk = true;

			for (uint64_t a = c; a < c + g; a++)
				free_chunk &= !m->lab[a].used;
			if (!free_chunk)
				continue;
			for (uint64_t a = c; a < c + g; a++)
				m->lab[a] = (struct label){ 1, MC_RAM, 0, i,
							    MC_F_BACKED |
								    MC_F_RELOCATED };
			need -= g;
			m->relocated += g;
		}
		if (need && m->base)
			m->err = MC_ENOROOM;	/* the window ends at 2^64 */
	}
}

static void run_model(struct model *m)
{
	memset(m->lab, 0, sizeof(m->lab));
	m->before = m->carved = m->lost = m->relocated = 0;
	m->err = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (m->r[i].kind == MC_RAM)
			m->before += m->r[i].last - m->r[i].first + 1;
		else if (m->r[i].pol == MC_POLICY_ABORT &&
			 overlaps_ram(m, &m->r[i]))
			m->err = MC_EOVERLAP;
	}
	if (m->err)
		return;
	for (uint64_t a = 0; a < W + 16; a++)
		label_byte(m, a);
	relocate(m);
}

/* The library's pieces, expanded back to bytes, must equal the model's. */
static void compare(const struct model *m, const struct mc_map *map,
		    const char *text)
{
	const struct mc_totals *t = mc_map_totals(map);
	struct label got[L];
	const struct mc_piece *v;
	size_t n, ns;
	const struct mc_slot *s = mc_map_slots(map, &ns);
	uint64_t backed = 0;

	memset(got, 0, sizeof(got));
	v = mc_map_result(map, &n);
	for (size_t i = 0; i < n; i++) {
		uint64_t first = (v[i].first - m->base) / S;
		uint64_t last = (v[i].last - m->base) / S;

		assert_true(v[i].first >= m->base);
		assert_true(v[i].last - m->base < L * S);
		assert_int_equal((v[i].first - m->base) % S, 0);
		assert_int_equal((v[i].last - m->base) % S, S - 1);
		if (i)
			assert_true(v[i].first > v[i - 1].last);
		for (uint64_t a = first; a <= last; a++)
			got[a] = (struct label){ 1, v[i].kind,
						 v[i].kind == MC_RESERVED ? (int)v[i].type : 0,
						 v[i].origin,
						 v[i].flags & (MC_F_BACKED | MC_F_RELOCATED |
							       MC_F_CARVED) };
		if (v[i].flags & MC_F_BACKED)
			backed += v[i].last - v[i].first + 1;
	}
	for (uint64_t a = 0; a < L; a++) {
		const struct label *x = &m->lab[a], *y = &got[a];

		if (x->used != y->used || (x->used && (x->kind != y->kind ||
			x->type != y->type || x->origin != y->origin ||
			x->flags != y->flags)))
			fail_msg("byte 0x%llx: model %d/%d/%d origin %zu flags %x, "
				 "library %d/%d/%d origin %zu flags %x\nmap:\n%s",
				 (unsigned long long)a, x->used, x->kind, x->type,
				 x->origin, x->flags, y->used, y->kind, y->type,
				 y->origin, y->flags, text);
	}
	assert_int_equal(t->ram_before, m->before * S);
	assert_int_equal(t->carved, m->carved * S);
	assert_int_equal(t->lost_to_rounding, m->lost * S);
	assert_int_equal(t->relocated, m->relocated * S);
	assert_int_equal(t->ram_after, backed);
	for (size_t i = 0; i < ns; i++)	/* slots: packed runs of backing */
		assert_int_equal(s[i].offset, i ? s[i - 1].offset + s[i - 1].size : 0);
	assert_int_equal(ns ? s[ns - 1].offset + s[ns - 1].size : 0, backed);
}

static void random_maps_match_the_model(void **state)
{
	static struct model m;
	char text[2048];
	size_t runs = 0, errs = 0;

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		struct mc_map *map;
		int err;

		make_map(&m, text, sizeof(text));
		run_model(&m);
		map = map_from(text);
		err = mc_map_carve(map);
		if (err != m.err)
			fail_msg("carve returned %d (%s), model %d\nmap:\n%s", err,
				 first_error(map), m.err, text);
		if (!err)
			compare(&m, map, text);
		runs++;
		errs += err != 0;
		mc_map_free(map);
	}
	print_message("%zu random maps, %zu refused\n", runs, errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_maps_match_the_model),
	};

	return cmocka_run_group_tests_name("oracle", tests, NULL, NULL);
}
