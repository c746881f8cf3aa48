/* SPDX-License-Identifier: MIT */
/*
 * model.h - one file (a map or any output inspect decodes) as the model
 * the render, diff and check commands read.
 */
#ifndef MC_CLI_MODEL_H
#define MC_CLI_MODEL_H

#include "cli.h"

/*
 * What a format says about a map. A map file (and show) says everything;
 * every output says part of it, and two models are compared only on what
 * both say (diff).
 */
#define SAYS_RAM	(1u << 0)	/* which ranges are RAM and which not */
#define SAYS_KINDS	(1u << 1)	/* acpi, nvs, pmem apart from reserved */
#define SAYS_MMIO	(1u << 2)	/* device windows */
#define SAYS_TYPES	(1u << 3)	/* reserved types: msi, direct... */
#define SAYS_NAMES	(1u << 4)
#define SAYS_BACKED	(1u << 5)	/* RAM under a non-RAM range */
#define SAYS_DEVICES	(1u << 6)	/* devices= of direct ranges */
#define SAYS_SIDS	(1u << 7)	/* IORT stream IDs */
#define SAYS_REUSABLE	(1u << 8)
#define SAYS_READONLY	(1u << 9)
#define SAYS_PRIVILEGED	(1u << 10)	/* privileged, access= */
#define SAYS_NODE_NAMES	(1u << 11)	/* names, made up where none */
#define SAYS_ONLY_DIRECT (1u << 12)	/* ACPI tables: nothing but direct */
#define SAYS_ONLY_RAM	(1u << 13)	/* slots, SRAT: nothing but guest memory */
#define SAYS_RMR	(1u << 14)	/* IORT: every range has sids, access */
#define SAYS_MMIO_AS_RESERVED (1u << 15) /* e820: mmio cut from RAM is type 2 */
#define SAYS_RELOCATED	(1u << 16)	/* RAM added back by relocate */
#define SAYS_HOTPLUG	(1u << 17)	/* hotplug windows (e820 leaves them out) */
#define SAYS_NODES	(1u << 18)	/* NUMA nodes of memory, or that none */
#define SAYS_ALL	(SAYS_HOTPLUG | SAYS_RAM | SAYS_KINDS | SAYS_MMIO | SAYS_TYPES | \
			 SAYS_NAMES | SAYS_BACKED | SAYS_DEVICES | SAYS_SIDS | \
			 SAYS_REUSABLE | SAYS_READONLY | SAYS_PRIVILEGED | \
			 SAYS_RELOCATED | SAYS_NODES)

struct model {
	const char *name;	/* as given; "<stdin>" for "-" */
	const char *format;	/* "map", "device tree blob", ... */
	unsigned int says;	/* SAYS_* */
	struct mc_map *map;	/* the regions it describes, carved */
	struct cli_buf bytes;	/* the file as read */
	bool broken;		/* its format, but malformed: see map's errors */
};

/*
 * Read @path: a blob or report inspect knows, else a map file (with the
 * global options; --resv only if @with_resv). @carve: carve it too.
 * Prints what goes wrong; returns an exit status.
 */
int model_load(const struct cli *cli, const char *path, bool with_resv,
	       bool carve, struct model *m);
void model_free(struct model *m);

/*
 * model_load() for check: not carved, --resv not applied, and a broken
 * output's diagnostics left in m->map (m->broken, EXIT_INPUT) unprinted.
 */
int model_read(const struct cli *cli, const char *path, struct model *m);
/* Decode m->bytes again (changed by the caller): 0 or the decoder's error. */
int model_decode(struct model *m);
/* A map file only (no decoder tried), with --resv if @with_resv. */
int model_load_map(const struct cli *cli, const char *path, bool with_resv,
		   struct model *m);
/*
 * Carve a decoded model. A guest's e820 or DTB may have RAM edges off the
 * granule (639K of RAM, then the EBDA): then RAM is rounded out to it and
 * what lies in the rounding is overlaid, so every edge stays where it was.
 */
int model_carve(struct model *m);

/*
 * One carved piece with the attributes of the input region it comes
 * from. This is the one place that knows how the library hands pieces
 * out.
 */
struct piece {
	uint64_t first, last;
	enum mc_kind kind;
	enum mc_resv_type type;
	unsigned int flags;	/* MC_F_*, input and result */
	const struct mc_region *in;	/* name, devices, sids, access */
	const char *const *paths;	/* DT node paths of its devices */
	size_t n_paths;
	bool has_node;		/* a NUMA map's memory: ram, pmem, hotplug, */
	uint32_t node;		/* or RAM under an overlaid range */
};

size_t model_piece_count(const struct mc_map *map);
void model_piece(const struct mc_map *map, size_t i, struct piece *p);

/* "reserved/msi", "ram", "mmio": a kind with its type. */
const char *model_kind_label(enum mc_kind kind, enum mc_resv_type type,
			     char *buf, size_t size);

/* "0x90010000-0x9001ffff" */
void model_fmt_range(char *buf, size_t size, uint64_t first, uint64_t last);

#endif /* MC_CLI_MODEL_H */
