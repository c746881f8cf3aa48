// SPDX-License-Identifier: MIT
/*
 * vfio.c - the usable IOVA ranges in a VFIO type1 VFIO_IOMMU_GET_INFO
 * answer (layout in vfio_info.h).
 *
 * The kernel (vfio_iommu_type1_get_info()) sets VFIO_IOMMU_INFO_CAPS when
 * it has capabilities; if they did not fit the caller's argsz, it raises
 * argsz to what they need and leaves cap_offset 0. Each capability is
 * appended after the previous one (vfio_info_cap_add()), so a chain only
 * goes forward: one that points back is refused, which also bounds the
 * walk. The IOVA range capability lists the ranges the device may DMA to,
 * the host's reserved regions taken out (vfio_iommu_resv_exclude(), which
 * leaves direct-relaxable ones usable).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iova.h"
#include "vfio_info.h"

struct chain {
	struct mc_map *map;
	const uint8_t *p;
	size_t len;		/* bytes of the answer: min(argsz, given) */
	const char *src;
};

/* Host byte order: the buffer is what the ioctl wrote in memory. */
static uint16_t ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t ld64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* A diagnostic about the byte at @off: "vfio-info+0x38: FIELD: ..." */
static int bad(struct chain *c, size_t off, const char *field,
	       const char *fmt, ...) MC_PRINTF(4, 5);

static int bad(struct chain *c, size_t off, const char *field,
	       const char *fmt, ...)
{
	char where[160], text[256];
	va_list ap;

	snprintf(where, sizeof(where), "%s+0x%zx", c->src, off);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return mc_diag(c->map, MC_EBADBLOB, where, 0, field, "%s", text);
}

static int iova_cap(struct chain *c, size_t off, unsigned int bits)
{
	uint16_t version = ld16(c->p + off + VFIO_CAP_VERSION);
	size_t at = off + VFIO_IOVA_CAP_RANGES, n;
	struct mc_iova_item *v;
	int err;

	if (version != VFIO_IOVA_CAP_VERSION)
		return bad(c, off + VFIO_CAP_VERSION, "version",
			   "%u: the IOVA range capability is version 1",
			   version);
	if (c->len - off < VFIO_IOVA_CAP_RANGES)
		return bad(c, off, NULL, "the IOVA range capability runs "
			   "past the 0x%zx bytes of the answer", c->len);
	n = ld32(c->p + off + VFIO_IOVA_CAP_NR_IOVAS);
	if (n == 0)
		return bad(c, off + VFIO_IOVA_CAP_NR_IOVAS, "nr_iovas",
			   "0: no usable IOVA range, the device could DMA "
			   "nowhere");
	if (n > (c->len - at) / VFIO_IOVA_SIZE)
		return bad(c, off + VFIO_IOVA_CAP_NR_IOVAS, "nr_iovas",
			   "%zu ranges of 16 bytes run past the 0x%zx bytes "
			   "of the answer", n, c->len);
	v = malloc(n * sizeof(*v));
	if (!v)
		return mc_diag(c->map, MC_ENOMEM, c->src, 0, NULL,
			       "out of memory");
	for (size_t i = 0; i < n; i++, at += VFIO_IOVA_SIZE)
		v[i] = (struct mc_iova_item){ ld64(c->p + at + VFIO_IOVA_START),
					      ld64(c->p + at + VFIO_IOVA_END),
					      at };
	err = mc_iova_add_gaps(c->map, c->src, "%s+0x%zx", v, n, bits);
	free(v);
	return err;
}

/*
 * Check the whole chain before anything is added, so a broken one adds
 * nothing; *@iova is the IOVA range capability's offset, 0 if none.
 */
static int walk(struct chain *c, size_t *iova)
{
	size_t off = ld32(c->p + VFIO_INFO_CAP_OFFSET), seen = 0;
	size_t lowest = VFIO_INFO_SIZE;	/* where a capability may start */

	*iova = 0;
	if (off == 0)
		return bad(c, VFIO_INFO_CAP_OFFSET, "cap_offset",
			   "0 with VFIO_IOMMU_INFO_CAPS set: the capabilities "
			   "did not fit; call VFIO_IOMMU_GET_INFO again with "
			   "argsz bytes");
	for (; off; seen++) {
		if (off < lowest)
			return bad(c, off, seen ? "next" : "cap_offset",
				   "points back to 0x%zx: a chain only goes "
				   "forward (it would loop)", off);
		if (off > c->len || c->len - off < VFIO_CAP_HEADER_SIZE)
			return bad(c, off, seen ? "next" : "cap_offset",
				   "a capability at 0x%zx runs past the 0x%zx "
				   "bytes of the answer", off, c->len);
		if (ld16(c->p + off + VFIO_CAP_ID) == VFIO_CAP_IOVA_RANGE) {
			if (*iova)
				return bad(c, off, "id", "a second IOVA range "
					   "capability (the first at 0x%zx)",
					   *iova);
			*iova = off;
		}
		lowest = off + VFIO_CAP_HEADER_SIZE;
		off = ld32(c->p + off + VFIO_CAP_NEXT);
	}
	return 0;
}

int mc_map_load_vfio_iommu_info(struct mc_map *map, const void *info,
				size_t len, const struct mc_iova_opts *opts)
{
	struct chain c = { .map = map, .p = info, .len = len };
	uint32_t argsz;
	size_t iova;
	int err = mc_iova_opts_check(map, opts, "vfio-info", &c.src);

	if (err)
		return err;
	if (!info || len < VFIO_INFO_SIZE)
		return bad(&c, 0, NULL, "0x%zx bytes: shorter than struct "
			   "vfio_iommu_type1_info (0x%x)", info ? len : 0,
			   VFIO_INFO_SIZE);
	argsz = ld32(c.p + VFIO_INFO_ARGSZ);
	if (argsz < VFIO_INFO_SIZE)
		return bad(&c, VFIO_INFO_ARGSZ, "argsz", "0x%x: less than "
			   "struct vfio_iommu_type1_info (0x%x)", argsz,
			   VFIO_INFO_SIZE);
	if (argsz > len)
		return bad(&c, VFIO_INFO_ARGSZ, "argsz", "0x%x: the answer "
			   "needs more than the 0x%zx bytes given; call "
			   "VFIO_IOMMU_GET_INFO again with argsz bytes", argsz,
			   len);
	c.len = argsz;
	if (!(ld32(c.p + VFIO_INFO_FLAGS) & VFIO_IOMMU_INFO_CAPS_FLAG))
		return 0;	/* no capabilities: no limit named */
	err = walk(&c, &iova);
	if (err || !iova)
		return err;	/* no IOVA range capability: none either */
	return iova_cap(&c, iova, opts->address_bits);
}
