// SPDX-License-Identifier: MIT
/*
 * iommu_pci.c - a PCI device's node under its host bridge, and whether
 * Linux would put that device behind an IOMMU that reads the binding.
 *
 * Linux's view, from its sources:
 *  - the host bridge of PCI domain N is the node with linux,pci-domain = N
 *    (of_get_pci_domain_nr()); without that property domains are numbered
 *    in probe order, so only a lone host bridge is known to be domain 0;
 *  - a device on the root bus gets the host bridge's child whose reg
 *    (5 cells at least) carries its devfn in bits 15:8 of the first cell
 *    (pci_set_of_node(), of_pci_find_child_device(), of_pci_get_devfn());
 *    a device behind a PCI-PCI bridge gets a child of that bridge's node;
 *  - its IOMMU comes from the host bridge's iommu-map (of_iommu_configure()
 *    on the requester ID, masked by iommu-map-mask; of_map_id()); the
 *    IOMMU node must be available (of_iommu_xlate());
 *  - iommu-addresses are translated through dma-ranges up to the root
 *    (of_translate_dma_region(), iommu_dma.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"
#include "dt-iommu.h"

bool dt_pci_bus(const void *fdt, int node)
{
	const char *type = node >= 0 ?
				   fdt_getprop(fdt, node, "device_type", NULL) :
				   NULL;

	return type && strcmp(type, "pci") == 0;
}

bool dt_iommu_available(const void *fdt, int node)
{
	const char *s = fdt_getprop(fdt, node, "status", NULL);

	return !s || strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0;
}

int dt_iommu_pci_bridges(const void *fdt, struct dt_pci_bridges *list)
{
	int node;

	*list = (struct dt_pci_bridges){ 0 };
	for (node = fdt_next_node(fdt, 0, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		struct dt_pci_bridge *grown;
		const fdt32_t *dom;
		int len;

		if (!dt_pci_bus(fdt, node) ||
		    dt_pci_bus(fdt, fdt_parent_offset(fdt, node)))
			continue;
		grown = realloc(list->bridge,
				(list->n + 1) * sizeof(*list->bridge));
		if (!grown)
			return MC_ENOMEM;
		list->bridge = grown;
		dom = fdt_getprop(fdt, node, "linux,pci-domain", &len);
		grown[list->n++] = (struct dt_pci_bridge){
			node, dom && len == 4 ? (int64_t)fdt32_ld(dom) : -1 };
	}
	return 0;
}

/*
 * The host bridge of @segment: the one whose linux,pci-domain says so, or
 * for segment 0 a lone bridge without one. Else -1, and *@why says why.
 */
static int host_bridge(const struct dt_pci_bridges *list, uint16_t segment,
		       const char **why)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->bridge[i].domain == segment)
			return list->bridge[i].node;
	if (list->n == 1 && list->bridge[0].domain < 0 && segment == 0)
		return list->bridge[0].node;
	*why = list->n == 0 ? "the base tree has no PCI host bridge "
			      "(device_type \"pci\") to hold the device"
			    : "no host bridge of the base tree is that PCI "
			      "segment (linux,pci-domain, or a lone bridge for "
			      "segment 0)";
	return -1;
}

/* The number of @bridge's root bus: the first of its bus-range. */
static uint32_t root_bus(const void *fdt, int bridge)
{
	const fdt32_t *range;
	int len;

	range = fdt_getprop(fdt, bridge, "bus-range", &len);
	return range && len == 8 ? fdt32_ld(range) : 0;
}

/* The child of @bridge Linux gives @devfn, or -1. */
static int child_of(const void *fdt, int bridge, uint8_t devfn)
{
	int child;

	fdt_for_each_subnode(child, fdt, bridge) {
		const fdt32_t *reg;
		int len;

		reg = fdt_getprop(fdt, child, "reg", &len);
		if (reg && len >= 4 * DT_PCI_REG_CELLS &&
		    ((fdt32_ld(reg) >> 8) & 0xff) == devfn)
			return child;
	}
	return -1;
}

static const char *iommu_map_problem(const void *fdt, int bridge,
				     uint32_t rid)
{
	const fdt32_t *map, *mask;
	int len, mlen;

	map = fdt_getprop(fdt, bridge, "iommu-map", &len);
	if (!map)
		return "its host bridge has no iommu-map, so Linux puts it "
		       "behind no IOMMU and no driver reads iommu-addresses";
	if (len <= 0 || len % 16)	/* of_map_id(): "Bad iommu-map length" */
		return "its host bridge's iommu-map is not a list of 4-cell "
		       "entries, which Linux rejects";
	mask = fdt_getprop(fdt, bridge, "iommu-map-mask", &mlen);
	if (mask && mlen == 4)
		rid &= fdt32_ld(mask);
	for (int at = 0; at + 16 <= len; at += 16) {
		uint32_t base = fdt32_ld(map + at / 4);
		uint32_t count = fdt32_ld(map + at / 4 + 3);
		int iommu;

		if (rid < base || rid - base >= count)
			continue;
		iommu = fdt_node_offset_by_phandle(fdt,
						   fdt32_ld(map + at / 4 + 1));
		if (iommu < 0)
			return "its host bridge's iommu-map names a phandle no "
			       "node has";
		if (!dt_iommu_available(fdt, iommu))
			return "the IOMMU its host bridge's iommu-map names is "
			       "disabled";
		return NULL;
	}
	return "its requester ID is outside its host bridge's iommu-map, so "
	       "Linux puts it behind no IOMMU";
}

/* The offset of @node's FDT_END_NODE tag (a checked blob). */
static int end_tag(const void *fdt, int node)
{
	int depth = 0, offset = node, next = 0;
	uint32_t tag;

	do {
		tag = fdt_next_tag(fdt, offset, &next);
		if (tag == FDT_BEGIN_NODE)
			depth++;
		else if (tag == FDT_END_NODE && --depth == 0)
			return offset;
		offset = next;
	} while (tag != FDT_END && next >= 0);
	return -1;
}

const char *dt_iommu_pci_find(const void *fdt,
			      const struct dt_pci_bridges *list,
			      const struct mc_pci_dev *pci,
			      struct dt_iommu_dev *dev)
{
	const char *problem = NULL;
	struct dt_dma_path path;
	int bridge = host_bridge(list, pci->segment, &problem);

	if (bridge < 0)
		return problem;
	if (pci->bus != root_bus(fdt, bridge))
		problem = "it is not on the host bridge's root bus: Linux looks "
			  "for its node under the node of the PCI-PCI bridge "
			  "above it, which memcarve does not write";
	else
		problem = iommu_map_problem(fdt, bridge,
					    (uint32_t)pci->bus << 8 |
						    pci->devfn);
	if (!problem && dt_dma_path(fdt, bridge, &path))
		problem = "its host bridge is nested too deep to translate its "
			  "addresses";
	if (problem)
		return problem;
	*dev = (struct dt_iommu_dev){ .node = child_of(fdt, bridge,
						       pci->devfn),
				      .bridge = bridge,
				      .bridge_end = end_tag(fdt, bridge),
				      .path = path, .pci = *pci };
	return NULL;
}

/* The PCI segment of host bridge @bridge, as host_bridge() finds it. */
static int segment_of(const struct dt_pci_bridges *list, int bridge)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->bridge[i].node == bridge)
			return list->bridge[i].domain >= 0 ?
				       (int)list->bridge[i].domain :
			       list->n == 1 ? 0 : -1;
	return -1;
}

bool dt_iommu_pci_node(const void *fdt, const struct dt_pci_bridges *list,
		       int node, struct mc_pci_dev *pci, const char **why)
{
	int bridge = fdt_parent_offset(fdt, node), len;
	int segment = segment_of(list, bridge);
	const fdt32_t *reg;

	*why = NULL;
	if (!dt_pci_bus(fdt, bridge))
		return false;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (dt_pci_bus(fdt, fdt_parent_offset(fdt, bridge)))
		*why = "it sits under a PCI-PCI bridge's node: Linux numbers "
		       "that bus as it enumerates, so memcarve cannot tell "
		       "its requester ID for the host bridge's iommu-map";
	else if (!reg || len < 4 * DT_PCI_REG_CELLS)
		*why = "it sits under a PCI host bridge without a 5-cell reg, "
		       "so Linux gives it to no PCI function "
		       "(of_pci_find_child_device())";
	else if (segment < 0)
		*why = "its host bridge has no linux,pci-domain and is not "
		       "the only one, so its PCI segment is not known";
	if (*why)
		return false;
	/* Linux's view: the root bus's number, the devfn of reg */
	*pci = (struct mc_pci_dev){
		.segment = (uint16_t)segment,
		.bus = (uint8_t)root_bus(fdt, bridge),
		.devfn = (uint8_t)(fdt32_ld(reg) >> 8),
	};
	return true;
}
