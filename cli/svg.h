/* SPDX-License-Identifier: MIT */
/*
 * svg.h - the picture of a model for "memcarve render".
 */
#ifndef MC_CLI_SVG_H
#define MC_CLI_SVG_H

#include "model.h"

/* The SVG of @m's carved map into @b: 0 or MC_ENOMEM. */
int svg_render(struct cli_buf *b, const struct model *m);

#endif /* MC_CLI_SVG_H */
