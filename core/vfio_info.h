/* SPDX-License-Identifier: MIT */
/*
 * vfio_info.h - what VFIO_IOMMU_GET_INFO writes (include/uapi/linux/vfio.h),
 * as byte offsets: struct vfio_iommu_type1_info, then a chain of
 * capabilities, each starting with struct vfio_info_cap_header. Every
 * field is in the host's byte order (an ioctl buffer); cap_offset and each
 * capability's next count bytes from the start of the buffer. Not
 * installed.
 */
#ifndef MC_VFIO_INFO_H
#define MC_VFIO_INFO_H

#define VFIO_FIELD_AFTER(prev, prev_size, next) \
	_Static_assert((prev) + (prev_size) == (next), #next " follows " #prev)

/* struct vfio_iommu_type1_info */
enum {
	VFIO_INFO_ARGSZ = 0,		/* u32: bytes the answer needs */
	VFIO_INFO_FLAGS = 4,		/* u32: VFIO_IOMMU_INFO_* */
	VFIO_INFO_IOVA_PGSIZES = 8,	/* u64 (__aligned_u64) */
	VFIO_INFO_CAP_OFFSET = 16,	/* u32: the first capability */
	VFIO_INFO_PAD = 20,		/* u32 */
	VFIO_INFO_SIZE = 24,
};
VFIO_FIELD_AFTER(VFIO_INFO_ARGSZ, 4, VFIO_INFO_FLAGS);
VFIO_FIELD_AFTER(VFIO_INFO_FLAGS, 4, VFIO_INFO_IOVA_PGSIZES);
VFIO_FIELD_AFTER(VFIO_INFO_IOVA_PGSIZES, 8, VFIO_INFO_CAP_OFFSET);
VFIO_FIELD_AFTER(VFIO_INFO_CAP_OFFSET, 4, VFIO_INFO_PAD);
VFIO_FIELD_AFTER(VFIO_INFO_PAD, 4, VFIO_INFO_SIZE);

#define VFIO_IOMMU_INFO_PGSIZES_FLAG	(1u << 0)
#define VFIO_IOMMU_INFO_CAPS_FLAG	(1u << 1)	/* cap_offset valid */

/* struct vfio_info_cap_header */
enum {
	VFIO_CAP_ID = 0,		/* u16 */
	VFIO_CAP_VERSION = 2,		/* u16 */
	VFIO_CAP_NEXT = 4,		/* u32: next capability, 0 = last */
	VFIO_CAP_HEADER_SIZE = 8,
};
VFIO_FIELD_AFTER(VFIO_CAP_ID, 2, VFIO_CAP_VERSION);
VFIO_FIELD_AFTER(VFIO_CAP_VERSION, 2, VFIO_CAP_NEXT);
VFIO_FIELD_AFTER(VFIO_CAP_NEXT, 4, VFIO_CAP_HEADER_SIZE);

/* Type1 capability IDs. */
#define VFIO_CAP_IOVA_RANGE	1
#define VFIO_CAP_MIGRATION	2
#define VFIO_CAP_DMA_AVAIL	3

/* struct vfio_iommu_type1_info_cap_iova_range, version 1 */
enum {
	VFIO_IOVA_CAP_NR_IOVAS = VFIO_CAP_HEADER_SIZE,	/* u32 */
	VFIO_IOVA_CAP_RESERVED = 12,			/* u32 */
	VFIO_IOVA_CAP_RANGES = 16,	/* struct vfio_iova_range[nr_iovas] */
};
VFIO_FIELD_AFTER(VFIO_IOVA_CAP_NR_IOVAS, 4, VFIO_IOVA_CAP_RESERVED);
VFIO_FIELD_AFTER(VFIO_IOVA_CAP_RESERVED, 4, VFIO_IOVA_CAP_RANGES);
#define VFIO_IOVA_CAP_VERSION 1

/* struct vfio_iova_range: [start, end], end inclusive */
enum {
	VFIO_IOVA_START = 0,		/* u64 */
	VFIO_IOVA_END = 8,		/* u64 */
	VFIO_IOVA_SIZE = 16,
};
VFIO_FIELD_AFTER(VFIO_IOVA_START, 8, VFIO_IOVA_END);
VFIO_FIELD_AFTER(VFIO_IOVA_END, 8, VFIO_IOVA_SIZE);

#endif /* MC_VFIO_INFO_H */
