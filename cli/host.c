// SPDX-License-Identifier: MIT
/*
 * host.c - the host's reserved regions on the command line:
 *
 *   --resv FILE[,devices=BDF[,BDF...]][,sids=N[,N...]]
 *	a reserved_regions file, its direct ranges serving these guest
 *	devices (devices=all: every device, IVRS only)
 *   --vfio GROUP | --vfio HOST_BDF[=GUEST_BDF]
 *	an IOMMU group from sysfs (below --sysfs-root, default /): a group
 *	number gives its direct ranges the group's own devices; a device
 *	gives them its guest BDF (itself if none). Devices of one group
 *	share its file, which is read once for all of them.
 *
 * The values are checked before any command runs (a bad one is a usage
 * error); the files are read when the map is loaded.
 */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "memcarve-host.h"

/* One --resv value, split. */
struct resv_arg {
	char *file;
	struct mc_pci_dev dev[CLI_MAX_OPTS];
	uint32_t sids[CLI_MAX_OPTS];
	struct mc_resv_opts o;
};

static int list_item(const char *opt, const char *key, const char *item,
		     struct resv_arg *r)
{
	uint64_t v;

	if (!strcmp(key, "devices") && !strcmp(item, "all") &&
	    !r->o.n_devices) {
		r->o.flags |= MC_F_ALL_DEVICES;
		return EXIT_OK;
	}
	if (r->o.n_devices == CLI_MAX_OPTS || r->o.n_sids == CLI_MAX_OPTS)
		return cli_error(EXIT_USAGE, "--%s: more than %d items", opt,
				 CLI_MAX_OPTS);
	if (!strcmp(key, "devices") && !(r->o.flags & MC_F_ALL_DEVICES) &&
	    !mc_pci_dev_parse(item, &r->dev[r->o.n_devices])) {
		r->o.n_devices++;
		return EXIT_OK;
	}
	/* the option's list is split at every comma, a unit address's too */
	if (!strcmp(key, "devices") && item[0] == '/')
		return cli_error(EXIT_USAGE, "--%s: devices=: '%s' is a "
				 "device-tree node path, which --%s does not "
				 "take; name it on the map's statement 'resv "
				 "FILE devices=...'", opt, item, opt);
	if (!strcmp(key, "sids") && !mc_parse_number(item, &v) &&
	    v <= UINT32_MAX) {
		r->sids[r->o.n_sids++] = (uint32_t)v;
		return EXIT_OK;
	}
	return cli_error(EXIT_USAGE, "--%s: %s=: '%s' is not %s", opt, key,
			 item, strcmp(key, "sids") ? "a PCI device "
			 "[segment:]bus:dev.fn (hex), or 'all' alone" :
			 "a 32-bit stream ID");
}

/* "FILE[,devices=...][,sids=...]" into @r; r->file is malloc'd. */
static int parse_resv(const char *val, struct resv_arg *r)
{
	const char *d = strstr(val, ",devices="), *s = strstr(val, ",sids=");
	const char *cut = d && (!s || d < s) ? d : s, *key = NULL;
	char *rest, *item, *next;
	int st = EXIT_OK;

	memset(r, 0, sizeof(*r));
	mc_resv_opts_init(&r->o);
	r->o.devices = r->dev;
	r->o.sids = r->sids;
	r->file = strndup(val, cut ? (size_t)(cut - val) : strlen(val));
	rest = cut ? strdup(cut + 1) : NULL;
	if (!r->file || (cut && !rest)) {
		free(rest);
		return cli_error(EXIT_INPUT, "out of memory");
	}
	if (!*r->file)
		st = cli_error(EXIT_USAGE, "--resv: '%s' names no file", val);
	for (item = rest; st == EXIT_OK && item; item = next) {
		char *eq = strchr(item, '=');

		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		if (eq && eq < item + strlen(item)) {
			*eq = '\0';
			key = item;
			item = eq + 1;
			if ((strcmp(key, "devices") && strcmp(key, "sids")) ||
			    (!strcmp(key, "devices") &&
			     (r->o.n_devices || r->o.flags)) ||
			    (!strcmp(key, "sids") && r->o.n_sids))
				st = cli_error(EXIT_USAGE, "--resv: '%s=' "
					       "unknown or given twice "
					       "(expected devices= and sids=)",
					       key);
		}
		if (st == EXIT_OK && !*item)
			st = cli_error(EXIT_USAGE, "--resv: empty item in '%s'",
				       val);
		if (st == EXIT_OK)
			st = list_item("resv", key, item, r);
	}
	free(rest);
	return st;
}

/* One --vfio value: a group number, or a host device and its guest BDF. */
struct vfio_arg {
	bool is_group;
	unsigned int group;
	struct mc_pci_dev host, guest;
};

static int parse_vfio(const char *val, struct vfio_arg *v)
{
	const char *eq = strchr(val, '=');
	char host[32];
	size_t n = eq ? (size_t)(eq - val) : strlen(val);

	memset(v, 0, sizeof(*v));
	if (n && n == strspn(val, "0123456789") && n < 10 && !eq) {
		v->is_group = true;
		v->group = (unsigned int)strtoul(val, NULL, 10);
		return EXIT_OK;
	}
	if (n < sizeof(host)) {
		memcpy(host, val, n);
		host[n] = '\0';
	}
	if (n >= sizeof(host) || mc_pci_dev_parse(host, &v->host))
		return cli_error(EXIT_USAGE, "--vfio: '%s' is not an IOMMU "
				 "group number or a host PCI device "
				 "[segment:]bus:dev.fn[=GUEST_BDF]", val);
	v->guest = v->host;
	if (eq && mc_pci_dev_parse(eq + 1, &v->guest))
		return cli_error(EXIT_USAGE, "--vfio: '%s' after '=' is not a "
				 "guest PCI device [segment:]bus:dev.fn",
				 eq + 1);
	return EXIT_OK;
}

int cli_check_host(const struct cli *cli)
{
	const char *val;
	int st = EXIT_OK;

	for (size_t i = 0; st == EXIT_OK && (val = cli_opt_nth(cli, "resv", i));
	     i++) {
		struct resv_arg *r = malloc(sizeof(*r));

		st = r ? parse_resv(val, r) : cli_error(EXIT_INPUT,
							"out of memory");
		if (r)
			free(r->file);
		free(r);
	}
	for (size_t i = 0; st == EXIT_OK && (val = cli_opt_nth(cli, "vfio", i));
	     i++) {
		struct vfio_arg v;

		st = parse_vfio(val, &v);
	}
	return st;
}

static int load_resv(const struct cli *cli, struct mc_map *map)
{
	const char *val;
	int err = 0;

	for (size_t i = 0; (val = cli_opt_nth(cli, "resv", i)); i++) {
		struct resv_arg *r = malloc(sizeof(*r));
		int e = r && parse_resv(val, r) == EXIT_OK ?
				mc_map_load_resv_file_for(map, r->file, &r->o) :
				mc_map_report(map, MC_ENOMEM, NULL,
					      "out of memory");

		err = err ? err : e;
		if (r)
			free(r->file);
		free(r);
	}
	return err;
}

/* The --vfio values of one group, and their guest devices. */
struct group {
	unsigned int n;
	bool whole;		/* "--vfio N": the group's own devices */
	const char *first;	/* the value that named it first */
	struct mc_pci_dev dev[CLI_MAX_OPTS];
	size_t n_dev;
};

static void add_guest(struct group *g, const struct mc_pci_dev *d)
{
	for (size_t i = 0; i < g->n_dev; i++)
		if (!memcmp(&g->dev[i], d, sizeof(*d)))
			return;
	g->dev[g->n_dev++] = *d;
}

/* Gather the --vfio values by group, in the order they were given. */
static int gather(const struct cli *cli, struct mc_map *map,
		  const char *root, struct group *g, size_t *n_g)
{
	const char *val;

	*n_g = 0;
	for (size_t i = 0; (val = cli_opt_nth(cli, "vfio", i)); i++) {
		struct vfio_arg v;
		size_t k;
		int err;

		parse_vfio(val, &v);	/* checked before: cannot fail */
		if (!v.is_group) {
			err = mc_iommu_group_of(map, root, &v.host, &v.group);
			if (err)
				return err;
		}
		for (k = 0; k < *n_g && g[k].n != v.group; k++)
			;
		if (k == *n_g)
			g[(*n_g)++] = (struct group){ .n = v.group,
						      .whole = v.is_group,
						      .first = val };
		else if (g[k].whole != v.is_group)
			return mc_map_report(map, MC_EINVAL, NULL,
					     "--vfio %s and --vfio %s name the "
					     "same IOMMU group %u: give the "
					     "group or its devices, not both",
					     g[k].first, val, v.group);
		if (!v.is_group)
			add_guest(&g[k], &v.guest);
	}
	return 0;
}

static int load_vfio(const struct cli *cli, struct mc_map *map)
{
	const char *root = cli_opt(cli, "sysfs-root");
	struct group *g = calloc(CLI_MAX_OPTS, sizeof(*g));
	size_t n_g;
	int err;

	if (!g)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	err = gather(cli, map, root, g, &n_g);
	for (size_t k = 0; !err && k < n_g; k++) {
		struct mc_resv_opts o;

		mc_resv_opts_init(&o);
		o.devices = g[k].dev;
		o.n_devices = g[k].n_dev;
		err = mc_map_load_iommu_group(map, root, g[k].n, &o);
	}
	free(g);
	return err;
}

int cli_load_host(const struct cli *cli, struct mc_map *map)
{
	int err = load_resv(cli, map), e = load_vfio(cli, map);

	return err ? err : e;
}
