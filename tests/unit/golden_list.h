/* SPDX-License-Identifier: MIT */
/*
 * golden_list.h - the cases of a fixtures/golden list (NAME.list), for the
 * semantic checkers beside them: every line the golden runner (tests/golden)
 * runs, so a new golden case gets its semantic check without a second list.
 *
 * A line is "EXPECTED [!|!N] memcarve-arguments...", EXPECTED relative to
 * fixtures/; '#' starts a comment line.
 */
#ifndef TEST_GOLDEN_LIST_H
#define TEST_GOLDEN_LIST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "memcarve.h"
#include "memcarve-host.h"

#define GOLDEN_WORDS 64

struct golden_line {
	char text[2048];
	char *word[GOLDEN_WORDS];
	size_t n_word;
	char expected[256];	/* "fixtures/" + the first word */
	bool fails;		/* "!" or "!N": a refusal, stderr expected */
	char **arg;		/* the command ("e820"), then its arguments */
	size_t n_arg;
};

/* The next case of @f into @g; false at the end of the file. */
static inline bool golden_next(FILE *f, struct golden_line *g)
{
	for (;;) {
		char *save = NULL;

		memset(g, 0, sizeof(*g));
		if (!fgets(g->text, sizeof(g->text), f))
			return false;
		if (!strchr(g->text, '\n') && !feof(f))
			fail_msg("golden line too long: %.60s...", g->text);
		for (char *w = strtok_r(g->text, " \t\n", &save); w;
		     w = strtok_r(NULL, " \t\n", &save)) {
			if (g->n_word == GOLDEN_WORDS)
				fail_msg("golden line of more than %d words",
					 GOLDEN_WORDS);
			g->word[g->n_word++] = w;
		}
		if (g->n_word < 2 || g->word[0][0] == '#')
			continue;
		snprintf(g->expected, sizeof(g->expected), "fixtures/%s",
			 g->word[0]);
		g->fails = g->word[1][0] == '!';
		g->arg = g->word + 1 + g->fails;
		g->n_arg = g->n_word - 1 - g->fails;
		if (g->n_arg == 0)
			fail_msg("%s: no command", g->word[0]);
		return true;
	}
}

/* Whether @g runs @command with output to check (not a refusal). */
static inline bool golden_runs(const struct golden_line *g,
			       const char *command)
{
	return !g->fails && strcmp(g->arg[0], command) == 0;
}

/*
 * --resv FILE[,devices=BDF[,BDF...]] as the tool reads it: the host file,
 * its direct ranges serving those guest devices ("all": every device).
 */
static inline int golden_load_resv(struct mc_map *map, const char *resv)
{
	struct mc_pci_dev dev[16];
	struct mc_resv_opts o;
	char file[512], *list, *save = NULL;

	snprintf(file, sizeof(file), "%s", resv);
	mc_resv_opts_init(&o);
	o.devices = dev;
	list = strstr(file, ",devices=");
	if (list) {
		*list = '\0';
		for (char *d = strtok_r(list + 9, ",", &save); d;
		     d = strtok_r(NULL, ",", &save)) {
			if (strcmp(d, "all") == 0)
				o.flags |= MC_F_ALL_DEVICES;
			else if (o.n_devices == 16 ||
				 mc_pci_dev_parse(d, &dev[o.n_devices++]))
				fail_msg("--resv %s: bad device '%s'", resv, d);
		}
	}
	return mc_map_load_resv_file_for(map, file, &o);
}

/*
 * The carved map a case names: its MAP file, --resv FILE and --arch ARCH
 * (NULL: not given). Any error fails the test, naming it.
 */
static inline struct mc_map *golden_map(const char *path, const char *resv,
					const char *arch)
{
	struct mc_map *map = mc_map_new();
	enum mc_arch a;

	assert_non_null(map);
	if (arch && (mc_arch_parse(arch, &a) || mc_map_set_arch(map, a)))
		fail_msg("--arch %s: not an arch", arch);
	if (mc_map_load_file(map, path) ||
	    (resv && golden_load_resv(map, resv)) || mc_map_carve(map))
		fail_msg("%s: %s", path, mc_map_error(map, 0)->msg);
	return map;
}

#endif /* TEST_GOLDEN_LIST_H */
