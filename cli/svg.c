// SPDX-License-Identifier: MIT
/*
 * svg.c - the picture of a carved map for "memcarve render".
 *
 * Input ranges (which overlap) are stacked in rows of the upper lane, the
 * carved result (which never overlaps) fills the lower lane, holes
 * included, over the compressed address axis of svg_axis.c. Every
 * coordinate is an integer: the bytes depend on the map alone.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "meaning.h"
#include "svg.h"
#include "svg_axis.h"

#define LEFT		72	/* lane names */
#define RIGHT		24
#define TOP		40
#define ROW_H		22	/* one row of input ranges */
#define RESULT_H	40
#define LANE_GAP	14
#define AXIS_H		96	/* rotated address labels */
#define CHAR_W		6	/* at font-size 10, a generous estimate */

/* Okabe & Ito's colour-blind-safe palette, plus greys and hatching. */
struct style {
	const char *label;
	const char *fill;
	const char *text;
	bool hatch;
};

enum cat {
	CAT_RAM, CAT_MMIO, CAT_RESERVED, CAT_MSI, CAT_SW_MSI, CAT_DIRECT,
	CAT_DIRECT_RELAXABLE, CAT_ACPI, CAT_NVS, CAT_PMEM, CAT_HOTPLUG, CAT_HOLE,
	N_CAT
};

static const struct style styles[N_CAT] = {
	[CAT_RAM] = { "ram", "#009E73", "#000000", false },
	[CAT_MMIO] = { "mmio", "#0072B2", "#ffffff", false },
	[CAT_RESERVED] = { "reserved", "#999999", "#000000", false },
	[CAT_MSI] = { "reserved/msi", "#D55E00", "#ffffff", false },
	[CAT_SW_MSI] = { "reserved/sw-msi", "#E69F00", "#000000", false },
	[CAT_DIRECT] = { "reserved/direct", "#CC79A7", "#000000", false },
	[CAT_DIRECT_RELAXABLE] = { "reserved/direct-relaxable", "#CC79A7",
				   "#000000", true },
	[CAT_ACPI] = { "acpi", "#56B4E9", "#000000", false },
	[CAT_NVS] = { "nvs", "#F0E442", "#000000", false },
	[CAT_PMEM] = { "pmem", "#000000", "#ffffff", false },
	[CAT_HOTPLUG] = { "hotplug", "#009E73", "#000000", true },
	[CAT_HOLE] = { "hole (nothing)", "#f2f2f2", "#555555", false },
};

static enum cat category(enum mc_kind kind, enum mc_resv_type type)
{
	static const enum cat resv[] = {
		[MC_RESV_RESERVED] = CAT_RESERVED,
		[MC_RESV_MSI] = CAT_MSI,
		[MC_RESV_SW_MSI] = CAT_SW_MSI,
		[MC_RESV_DIRECT] = CAT_DIRECT,
		[MC_RESV_DIRECT_RELAXABLE] = CAT_DIRECT_RELAXABLE,
	};

	switch (kind) {
	case MC_RAM: return CAT_RAM;
	case MC_MMIO: return CAT_MMIO;
	case MC_ACPI: return CAT_ACPI;
	case MC_NVS: return CAT_NVS;
	case MC_PMEM: return CAT_PMEM;
	case MC_HOTPLUG: return CAT_HOTPLUG;
	case MC_RESERVED:
		if ((size_t)type < sizeof(resv) / sizeof(resv[0]))
			return resv[type];
		break;
	}
	return CAT_RESERVED;
}

/* Text for XML content and attributes. */
static void put_text(struct cli_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': cli_buf_printf(b, "&amp;"); break;
		case '<': cli_buf_printf(b, "&lt;"); break;
		case '>': cli_buf_printf(b, "&gt;"); break;
		case '"': cli_buf_printf(b, "&quot;"); break;
		default:
			/* control bytes are not XML; names hold none, but */
			if ((unsigned char)*s >= 0x20 || *s == '\n')
				cli_buf_add(b, s, 1);
		}
	}
}

static void fmt_size(char *buf, size_t size, uint64_t first, uint64_t last)
{
	if (first == 0 && last == UINT64_MAX)
		snprintf(buf, size, "16E");
	else
		cli_fmt_human(buf, size, last - first + 1);
}

/* "0x90010000-0x9001ffff (64K)": the exact range, for tooltips. */
static void put_range(struct cli_buf *b, uint64_t first, uint64_t last)
{
	char range[48], size[32];

	model_fmt_range(range, sizeof(range), first, last);
	fmt_size(size, sizeof(size), first, last);
	cli_buf_printf(b, "%s (%s)", range, size);
}

/* What the region means, as diff words it: the tooltip's first line. */
static void put_meaning(struct cli_buf *b, const struct mc_region *r,
			unsigned int flags)
{
	struct piece p = { .first = r->first, .last = r->last, .kind = r->kind,
			   .type = r->type, .flags = flags, .in = r };
	struct meaning m;
	struct cli_buf text = { 0 };

	meaning_of(&m, &p, SAYS_ALL);
	meaning_print(&text, &m);
	if (text.p)
		put_text(b, text.p);
	b->failed |= text.failed;
	cli_buf_free(&text);
}

struct box {
	int x, y, w, h;
	enum cat cat;
	const char *cls;
	const char *name;	/* label, or NULL */
	uint64_t first, last;
	bool dashed;
};

/* A label inside the box when it fits; 1 or 2 lines. */
static void put_label(struct cli_buf *b, const struct box *bx, bool two)
{
	char size[32];
	const char *name = bx->name ? bx->name : styles[bx->cat].label;
	int y = bx->y + bx->h / 2 + 4;

	fmt_size(size, sizeof(size), bx->first, bx->last);
	if ((int)strlen(name) * CHAR_W + 6 > bx->w) {
		if (!two || (int)strlen(size) * CHAR_W + 6 > bx->w)
			return;
		name = size;	/* the size alone, when the name is too long */
		two = false;
	}
	two = two && (int)strlen(size) * CHAR_W + 6 <= bx->w;
	cli_buf_printf(b, "<text x=\"%d\" y=\"%d\" fill=\"%s\" "
		       "text-anchor=\"middle\">", bx->x + bx->w / 2,
		       two ? y - 6 : y, styles[bx->cat].text);
	put_text(b, name);
	cli_buf_printf(b, "</text>\n");
	if (two)
		cli_buf_printf(b, "<text x=\"%d\" y=\"%d\" fill=\"%s\" "
			       "text-anchor=\"middle\">%s</text>\n",
			       bx->x + bx->w / 2, y + 7, styles[bx->cat].text,
			       size);
}

/* The box, its tooltip (@tip continues it), its label. */
static void put_box(struct cli_buf *b, const struct box *bx,
		    const struct mc_region *r, unsigned int flags, bool two)
{
	const struct style *st = &styles[bx->cat];

	cli_buf_printf(b, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" "
		       "height=\"%d\" fill=\"%s\" stroke=\"#ffffff\"%s>"
		       "<title>", bx->cls, bx->x, bx->y, bx->w, bx->h,
		       st->hatch ? "url(#hatch)" : st->fill,
		       bx->dashed ? " stroke-dasharray=\"4 2\"" : "");
	if (r)
		put_meaning(b, r, flags);
	else
		put_text(b, st->label);
	cli_buf_printf(b, "\n");
	put_range(b, bx->first, bx->last);
	if (flags & MC_F_CARVED)
		cli_buf_printf(b, "\nRAM carved out under it");
	cli_buf_printf(b, "</title></rect>\n");
	put_label(b, bx, two);
}

/* Input ranges overlap: each goes in the first row free at its start. */
static int input_rows(const struct mc_map *map, size_t *row, size_t *n_rows)
{
	size_t n;
	const struct mc_region *in = mc_map_input(map, &n);
	uint64_t *end = calloc(n + 1, sizeof(*end));	/* a row's last + 1 */
	bool *used = calloc(n + 1, sizeof(*used));

	if (!end || !used) {
		free(end);
		free(used);
		return MC_ENOMEM;
	}
	*n_rows = 1;
	/* in input order: a map's RAM comes first and stays on top */
	for (size_t i = 0; i < n; i++) {
		size_t r = 0;

		while (used[r] && (end[r] == 0 || end[r] > in[i].first))
			r++;	/* end 0: the row reaches 2^64 */
		row[i] = r;
		used[r] = true;
		end[r] = in[i].last + 1;
		if (r + 1 > *n_rows)
			*n_rows = r + 1;
	}
	free(end);
	free(used);
	return 0;
}

static void put_input_lane(struct cli_buf *b, const struct mc_map *map,
			   const struct axis *ax, const size_t *row, int y0)
{
	size_t n;
	const struct mc_region *in = mc_map_input(map, &n);

	cli_buf_printf(b, "<g id=\"input\">\n<text x=\"8\" y=\"%d\" "
		       "font-weight=\"bold\">input</text>\n", y0 + 15);
	for (size_t i = 0; i < n; i++) {
		struct box bx = {
			.x = axis_x_from(ax, in[i].first), .y = y0 + (int)row[i] * ROW_H,
			.h = ROW_H - 2, .cat = category(in[i].kind, in[i].type),
			.cls = "input", .name = in[i].name,
			.first = in[i].first, .last = in[i].last,
		};

		bx.w = axis_x_to(ax, in[i].last) - bx.x;
		put_box(b, &bx, &in[i], in[i].flags, false);
	}
	cli_buf_printf(b, "</g>\n");
}

static void put_hole(struct cli_buf *b, const struct axis *ax, uint64_t first,
		     uint64_t last, int y)
{
	struct box bx = { .x = axis_x_from(ax, first), .y = y, .h = RESULT_H,
			  .cat = CAT_HOLE, .cls = "hole", .name = "hole",
			  .first = first, .last = last };

	bx.w = axis_x_to(ax, last) - bx.x;
	put_box(b, &bx, NULL, 0, true);
}

static void put_result_lane(struct cli_buf *b, const struct mc_map *map,
			    const struct axis *ax, int y)
{
	size_t n = model_piece_count(map);
	uint64_t next = 0;	/* first address not drawn yet */
	bool done = false;	/* drawn up to 2^64 - 1 */
	struct piece p;

	cli_buf_printf(b, "<g id=\"result\">\n<text x=\"8\" y=\"%d\" "
		       "font-weight=\"bold\">result</text>\n", y + 24);
	for (size_t i = 0; i < n; i++) {
		struct box bx;

		model_piece(map, i, &p);
		if (p.first > next)
			put_hole(b, ax, next, p.first - 1, y);
		bx = (struct box){ .x = axis_x_from(ax, p.first), .y = y,
				   .h = RESULT_H, .cat = category(p.kind, p.type),
				   .cls = "piece", .name = p.in->name,
				   .first = p.first, .last = p.last,
				   .dashed = p.flags & MC_F_RELOCATED };
		bx.w = axis_x_to(ax, p.last) - bx.x;
		put_box(b, &bx, p.in, p.flags, true);
		if (p.kind != MC_RAM && p.flags & MC_F_BACKED)
			cli_buf_printf(b, "<rect class=\"backed\" x=\"%d\" "
				       "y=\"%d\" width=\"%d\" height=\"5\" "
				       "fill=\"%s\"/>\n", bx.x + 1,
				       y + RESULT_H - 5, bx.w - 2,
				       styles[CAT_RAM].fill);
		done = p.last == UINT64_MAX;
		next = p.last + 1;
	}
	if (!done)
		put_hole(b, ax, next, UINT64_MAX, y);
	cli_buf_printf(b, "</g>\n");
}

/* A tick and the address at every edge; a cut mark on compressed gaps. */
static void put_axis(struct cli_buf *b, const struct axis *ax, int top,
		     int y)
{
	cli_buf_printf(b, "<g id=\"axis\" font-family=\"DejaVu Sans Mono, "
		       "monospace\" font-size=\"9\">\n<line x1=\"%d\" y1=\"%d\" "
		       "x2=\"%d\" y2=\"%d\" stroke=\"#000000\"/>\n", LEFT, y,
		       ax->x[ax->n], y);
	for (size_t i = 0; i <= ax->n; i++) {
		int x = ax->x[i];

		cli_buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
			       "y2=\"%d\" stroke=\"#000000\"/>\n", x, y, x,
			       y + 4);
		cli_buf_printf(b, "<text transform=\"translate(%d,%d) "
			       "rotate(-60)\" text-anchor=\"end\">", x + 3,
			       y + 8);
		if (i < ax->n)
			cli_buf_printf(b, "0x%" PRIx64, ax->edge[i]);
		else
			cli_buf_printf(b, "2^64");
		cli_buf_printf(b, "</text>\n");
		if (i < ax->n && ax->cut[i]) {
			int c = x + CUT_W / 2;

			cli_buf_printf(b, "<path class=\"cut\" d=\"M%d %d L%d %d "
				       "M%d %d L%d %d\" stroke=\"#555555\" "
				       "stroke-width=\"2\" fill=\"none\"/>\n",
				       c - 6, y + 3, c - 2, top, c + 2, y + 3,
				       c + 6, top);
		}
	}
	cli_buf_printf(b, "</g>\n");
}

static void put_legend(struct cli_buf *b, int y)
{
	static const char *const marks[] = {
		"backed by RAM (bar)", "relocated RAM (dashed)",
		"gap cut short (//)",
	};
	int col = 0;

	cli_buf_printf(b, "<g id=\"legend\">\n");
	for (int i = 0; i < N_CAT + 3; i++, col = (col + 1) % 4) {
		int x = LEFT + col * 190, yy = y + (i / 4) * 20;
		const char *fill = i < N_CAT ? (styles[i].hatch ? "url(#hatch)" :
					       styles[i].fill) : "#ffffff";

		cli_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"14\" "
			       "height=\"14\" fill=\"%s\" stroke=\"%s\"%s/>\n",
			       x, yy, fill, i == N_CAT + 1 ? "#000000" : "#777777",
			       i == N_CAT + 1 ? " stroke-dasharray=\"4 2\"" : "");
		if (i == N_CAT)
			cli_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"14\" "
				       "height=\"5\" fill=\"%s\"/>\n", x, yy + 9,
				       styles[CAT_RAM].fill);
		if (i == N_CAT + 2)
			cli_buf_printf(b, "<path d=\"M%d %d L%d %d M%d %d L%d %d\" "
				       "stroke=\"#555555\" stroke-width=\"2\"/>\n",
				       x + 2, yy + 14, x + 6, yy, x + 8, yy + 14,
				       x + 12, yy);
		cli_buf_printf(b, "<text x=\"%d\" y=\"%d\">%s</text>\n", x + 20,
			       yy + 11, i < N_CAT ? styles[i].label :
						    marks[i - N_CAT]);
	}
	cli_buf_printf(b, "</g>\n");
}

static void put_head(struct cli_buf *b, const struct model *m, int w, int h)
{
	const struct mc_map *map = m->map;
	char granule[32];

	cli_fmt_human(granule, sizeof(granule), mc_map_granule(map));
	cli_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		       "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu "
		       "Sans, Verdana, sans-serif\" font-size=\"10\">\n<title>",
		       w, h, w, h);
	put_text(b, m->name);
	cli_buf_printf(b, "</title>\n<defs><pattern id=\"hatch\" width=\"6\" "
		       "height=\"6\" patternUnits=\"userSpaceOnUse\" "
		       "patternTransform=\"rotate(45)\"><rect width=\"6\" "
		       "height=\"6\" fill=\"%s\"/><rect width=\"2\" height=\"6\" "
		       "fill=\"#ffffff\"/></pattern></defs>\n<rect width=\"%d\" "
		       "height=\"%d\" fill=\"#ffffff\"/>\n<text x=\"8\" y=\"20\" "
		       "font-size=\"13\" font-weight=\"bold\">",
		       styles[CAT_DIRECT].fill, w, h);
	put_text(b, m->name);
	cli_buf_printf(b, " (%s): arch %s, policy %s, granule %s; widths grow "
		       "with log2 of the size</text>\n", m->format,
		       mc_map_arch(map) ? mc_arch_name(mc_map_arch(map)) : "none",
		       mc_policy_name(mc_map_policy(map)), granule);
}

int svg_render(struct cli_buf *b, const struct model *m)
{
	struct axis ax = { 0 };
	size_t n_in, n_rows = 0, *row;
	int err, w, h, y_in = TOP, y_res, y_axis, y_legend;

	mc_map_input(m->map, &n_in);
	row = calloc(n_in + 1, sizeof(*row));
	err = row ? axis_build(m->map, &ax, LEFT) : MC_ENOMEM;
	if (!err)
		err = input_rows(m->map, row, &n_rows);
	if (!err) {
		y_res = y_in + (int)n_rows * ROW_H + LANE_GAP;
		y_axis = y_res + RESULT_H + 4;
		y_legend = y_axis + AXIS_H;
		w = ax.x[ax.n] + RIGHT;
		w = w < LEFT + 4 * 190 ? LEFT + 4 * 190 : w;
		h = y_legend + ((N_CAT + 3 + 3) / 4) * 20 + 10;
		put_head(b, m, w, h);
		put_input_lane(b, m->map, &ax, row, y_in);
		put_result_lane(b, m->map, &ax, y_res);
		put_axis(b, &ax, y_in, y_axis);
		put_legend(b, y_legend);
		cli_buf_printf(b, "</svg>\n");
		err = b->failed ? MC_ENOMEM : 0;
	}
	free(row);
	axis_free(&ax);
	return err;
}
