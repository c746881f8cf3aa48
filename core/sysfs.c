// SPDX-License-Identifier: MIT
/*
 * sysfs.c - a host IOMMU group as sysfs shows it:
 *
 *   /sys/bus/pci/devices/DEV/iommu_group -> ../../../kernel/iommu_groups/N
 *   /sys/kernel/iommu_groups/N/reserved_regions
 *   /sys/kernel/iommu_groups/N/devices/DEV -> ../../../../devices/...
 *
 * (drivers/iommu/iommu.c: iommu_group_add_device() makes both links,
 * iommu_group_show_resv_regions() prints the file.) DEV is the device's
 * name on its bus: "0000:00:02.0" for PCI. Everything is read below a root
 * directory, so a saved tree works as well as the live one.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "resv_devices.h"

/* root + the path formatted from @fmt, malloc'd; NULL if out of memory. */
static char *sysfs_path(const char *root, const char *fmt, ...)
	MC_PRINTF(2, 3);

static char *sysfs_path(const char *root, const char *fmt, ...)
{
	char tail[128];
	size_t n;
	char *path;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tail, sizeof(tail), fmt, ap);
	va_end(ap);
	if (!root || !*root)
		root = "/";
	n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	path = malloc(n + strlen(tail) + 2);
	if (path)
		sprintf(path, "%.*s%s%s", (int)n, root,
			root[n - 1] == '/' ? "" : "/", tail);
	return path;
}

/* N of a link target ".../iommu_groups/N"; false if it is not one. */
static bool group_number(const char *target, unsigned int *group)
{
	const char *slash = strrchr(target, '/');
	const char *num = slash ? slash + 1 : target;
	static const char dir[] = "iommu_groups/";
	unsigned long v;
	char *end;

	if ((size_t)(num - target) < sizeof(dir) - 1 ||
	    strncmp(num - (sizeof(dir) - 1), dir, sizeof(dir) - 1) ||
	    *num < '0' || *num > '9')
		return false;
	errno = 0;
	v = strtoul(num, &end, 10);
	if (*end || errno || v > UINT32_MAX)
		return false;
	*group = (unsigned int)v;
	return true;
}

int mc_iommu_group_of(struct mc_map *map, const char *sysfs_root,
		      const struct mc_pci_dev *host, unsigned int *group)
{
	char *path = sysfs_path(sysfs_root, "sys/bus/pci/devices/"
				"%04x:%02x:%02x.%u/iommu_group",
				host->segment, host->bus, host->devfn >> 3,
				host->devfn & 7);
	char target[4096];
	ssize_t n;
	int err = 0;

	if (!path)
		return mc_diag(map, MC_ENOMEM, NULL, 0, NULL, "out of memory");
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		err = mc_diag(map, MC_EIO, path, 0, NULL,
			      "cannot read the link: %s (no such device, or "
			      "no IOMMU for it)", strerror(errno));
	else {
		target[n] = '\0';
		if (!group_number(target, group))
			err = mc_diag(map, MC_EINVAL, path, 0, NULL,
				      "links to '%s', not .../iommu_groups/N",
				      target);
	}
	free(path);
	return err;
}

static int cmp_dev(const void *a, const void *b)
{
	const struct mc_pci_dev *x = a, *y = b;

	if (x->segment != y->segment)
		return x->segment < y->segment ? -1 : 1;
	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	return (x->devfn > y->devfn) - (x->devfn < y->devfn);
}

/*
 * The PCI devices in group @dir's devices/, sorted (readdir's order is the
 * filesystem's). Entries that are not PCI names (a platform device shares
 * a group on some hosts) have no requester ID and are left out.
 */
static int group_devices(struct mc_map *map, const char *dir,
			 struct mc_pci_dev *dev, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct mc_pci_dev one;
	int err = 0;

	*n = 0;
	if (!d)
		return mc_diag(map, MC_EIO, dir, 0, NULL, "cannot open: %s",
			       strerror(errno));
	while (!err && (e = readdir(d))) {
		if (e->d_name[0] == '.' || mc_pci_dev_parse(e->d_name, &one))
			continue;
		if (*n == MC_GROUP_DEVICES_MAX)
			err = mc_diag(map, MC_ERANGE, dir, 0, NULL,
				      "more than %d devices "
				      "(MC_GROUP_DEVICES_MAX)",
				      MC_GROUP_DEVICES_MAX);
		else
			dev[(*n)++] = one;
	}
	closedir(d);
	qsort(dev, *n, sizeof(*dev), cmp_dev);
	return err;
}

int mc_map_load_iommu_group(struct mc_map *map, const char *sysfs_root,
			    unsigned int group,
			    const struct mc_resv_opts *opts)
{
	struct mc_pci_dev *dev = NULL;
	struct mc_resv_opts o;
	char *file, *dir = NULL;
	void *text = NULL;
	size_t len = 0;
	int err = 0;

	if (opts)
		o = *opts;
	else
		mc_resv_opts_init(&o);
	file = sysfs_path(sysfs_root,
			  "sys/kernel/iommu_groups/%u/reserved_regions", group);
	if (!file)
		return mc_diag(map, MC_ENOMEM, NULL, 0, NULL, "out of memory");
	err = mc_resv_opts_check(map, &o, file, 0);
	if (!err)
		err = mc_read_file(map, file, &text, &len);
	if (!err && !o.n_devices && !(o.flags & MC_F_ALL_DEVICES)) {
		dir = sysfs_path(sysfs_root,
				 "sys/kernel/iommu_groups/%u/devices", group);
		dev = calloc(MC_GROUP_DEVICES_MAX, sizeof(*dev));
		if (!dir || !dev)
			err = mc_diag(map, MC_ENOMEM, NULL, 0, NULL,
				      "out of memory");
		else
			err = group_devices(map, dir, dev, &o.n_devices);
		o.devices = dev;
	}
	if (!err)
		err = mc_load_resv(map, file, text, len, &o);
	free(text);
	free(dev);
	free(dir);
	free(file);
	return err;
}
