// SPDX-License-Identifier: MIT
/*
 * iommu_node.c - a device that is no PCI function, named by its node's
 * path: whether Linux would put it behind an IOMMU that reads the
 * iommu-addresses binding (dt-iommu.h), and the cells of its entries.
 *
 * Linux's view, from its sources:
 *  - a platform device is made only of an available node (status);
 *  - its IOMMU comes from its own "iommus", each entry a phandle and the
 *    #iommu-cells of that IOMMU's node (of_iommu_configure_dev()); one
 *    unavailable IOMMU leaves the device behind none (of_iommu_xlate()
 *    fails and the loop stops); an iommu-map serves only buses that pass
 *    an ID (PCI, fsl-mc), not a platform device;
 *  - of_iommu_get_resv_regions() takes the entries whose phandle is the
 *    device's node, and of_translate_dma_region() reads their address and
 *    size in the cells of the node's DMA parent: its parent, unless an
 *    "interconnects" entry named "dma-mem" names another
 *    (__of_get_dma_parent()), which memcarve does not follow;
 *  - the address goes through dma-ranges from that parent up
 *    (iommu_dma.c).
 */
#include <libfdt.h>
#include "dt-internal.h"
#include "dt-iommu.h"

/* A parent's own cells property, 1 or 2; 0 if absent or another value. */
static unsigned int own_cells(const void *fdt, int node, const char *name)
{
	const fdt32_t *v;
	int len;

	v = fdt_getprop(fdt, node, name, &len);
	if (!v || len != 4 || fdt32_ld(v) < 1 || fdt32_ld(v) > 2)
		return 0;
	return fdt32_ld(v);
}

/*
 * Linux looks further up for cells a node lacks (deprecated, and kernels
 * differ): memcarve asks for the parent's own.
 */
bool dt_iommu_node_cells(const void *fdt, int parent, unsigned int *ac,
			 unsigned int *sc)
{
	*ac = own_cells(fdt, parent, "#address-cells");
	*sc = own_cells(fdt, parent, "#size-cells");
	return *ac && *sc;
}

static const char *iommus_problem(const void *fdt, int node)
{
	const fdt32_t *v;
	int len, at = 0;

	v = fdt_getprop(fdt, node, "iommus", &len);
	if (!v || len < 4)
		return "it has no iommus property, so Linux puts it behind no "
		       "IOMMU and no driver reads iommu-addresses";
	if (len % 4)
		return "its iommus is not a list of cells";
	while (at < len / 4) {
		int iommu = fdt_node_offset_by_phandle(fdt, fdt32_ld(v + at));
		const fdt32_t *cells;
		int clen;

		if (iommu < 0)
			return "its iommus names a phandle no node has";
		cells = fdt_getprop(fdt, iommu, "#iommu-cells", &clen);
		if (!cells || clen != 4)
			return "an IOMMU its iommus names has no #iommu-cells, "
			       "so Linux cannot read iommus";
		if (fdt32_ld(cells) > (uint32_t)(len / 4 - at - 1))
			return "its iommus is shorter than the #iommu-cells of "
			       "its IOMMUs say";
		if (!dt_iommu_available(fdt, iommu))
			return "an IOMMU its iommus names is disabled, so Linux "
			       "puts it behind none";
		at += 1 + (int)fdt32_ld(cells);
	}
	return NULL;
}

const char *dt_iommu_node_find(const void *fdt, int node,
			       struct dt_iommu_dev *dev)
{
	int parent = fdt_parent_offset(fdt, node);
	struct dt_dma_path path;
	unsigned int ac, sc;
	const char *why;

	if (parent < 0)
		return "it is the root node, which is no device";
	if (!dt_iommu_available(fdt, node))
		return "the node is disabled (status), so Linux makes no "
		       "device of it";
	why = iommus_problem(fdt, node);
	if (why)
		return why;
	if (fdt_stringlist_search(fdt, node, "interconnect-names",
				  "dma-mem") >= 0)
		return "its DMA parent is an interconnect (\"dma-mem\"), whose "
		       "addresses memcarve does not translate";
	if (!dt_iommu_node_cells(fdt, parent, &ac, &sc))
		return "its parent lacks an #address-cells or #size-cells of "
		       "1 or 2, the cells Linux reads its iommu-addresses "
		       "entries in";
	if (dt_dma_path(fdt, parent, &path))
		return "it is nested too deep to translate its addresses";
	*dev = (struct dt_iommu_dev){ .node = node, .bridge = -1,
				      .bridge_end = -1, .path = path,
				      .platform = true, .ac = ac, .sc = sc };
	return NULL;
}
