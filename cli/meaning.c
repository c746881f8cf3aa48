// SPDX-License-Identifier: MIT
/*
 * meaning.c - a carved piece reduced to what a format can say about it.
 *
 * Each output carries part of a map (see "memcarve inspect --help"): an
 * e820 table has no names and no reserved types, a DTB no mmio, an ACPI
 * table nothing but direct ranges. Two models are compared on what both
 * say, so a DTB and an e820 table of one map have no difference.
 */
#include <inttypes.h>
#include <string.h>
#include "meaning.h"
#include "memcarve-acpi.h"

/*
 * IORT names stream IDs: against one, a map that gives only devices= has
 * their requester IDs (bus << 8 | devfn), as the acpi command writes them.
 */
static void take_sids(struct meaning *m, const struct mc_region *in,
		      unsigned int says)
{
	size_t n = in->n_sids || !(says & SAYS_RMR) ? in->n_sids :
						       in->n_devices;

	m->n_sids = n < MEANING_MAX_IDS ? n : MEANING_MAX_IDS;
	for (size_t i = 0; i < m->n_sids; i++)
		m->sids[i] = in->n_sids ? in->sids[i] :
			     (uint32_t)in->devices[i].bus << 8 |
				     in->devices[i].devfn;
}

static void take_kind(struct meaning *m, const struct piece *p,
		      unsigned int says)
{
	m->kind = p->kind;
	m->type = p->kind == MC_RESERVED ? p->type : MC_RESV_RESERVED;
	if (!(says & SAYS_KINDS) &&
	    (m->kind == MC_ACPI || m->kind == MC_NVS || m->kind == MC_PMEM)) {
		m->kind = MC_RESERVED;
		m->type = MC_RESV_RESERVED;
	}
	if (!(says & SAYS_TYPES) && m->kind == MC_RESERVED)
		m->type = (says & SAYS_ONLY_DIRECT) && cli_is_direct(p->kind, p->type) ?
				  MC_RESV_DIRECT : MC_RESV_RESERVED;
}

static void take_flags(struct meaning *m, const struct piece *p,
		       unsigned int says)
{
	const unsigned int f = p->flags | p->in->flags;

	if (says & SAYS_BACKED)
		m->flags |= f & MC_F_BACKED;
	if (says & SAYS_RELOCATED)
		m->flags |= f & MC_F_RELOCATED;
	if (m->kind == MC_RAM)
		m->flags &= ~MC_F_BACKED;	/* RAM is backed: say nothing */
	if (says & SAYS_REUSABLE)
		m->flags |= f & MC_F_REUSABLE;
	if (says & SAYS_READONLY)
		m->flags |= f & MC_F_READONLY;
	/* access=; against an IORT, whose RMRs always have it, what the
	 * acpi command writes by default */
	if (says & SAYS_PRIVILEGED && cli_is_direct(p->kind, p->type)) {
		m->flags |= f & (MC_F_PRIVILEGED | MC_F_ACCESS);
		m->access = f & MC_F_ACCESS ? p->in->access : 0;
		if (says & SAYS_RMR && !(f & MC_F_ACCESS)) {
			m->flags |= MC_F_ACCESS;
			m->access = p->flags & MC_F_BACKED ?
					    MC_IORT_ACCESS_NORMAL_WB :
					    MC_IORT_ACCESS_DEVICE_NGNRNE;
		}
	}
}

/*
 * Slots and an SRAT: guest memory or nothing. RAM and what it backs are
 * memory; an SRAT also says pmem (non-volatile) and hotplug windows.
 */
static void take_memory(struct meaning *m, const struct piece *p,
			unsigned int says)
{
	if (p->kind == MC_RAM || (p->flags & MC_F_BACKED))
		m->kind = MC_RAM;
	else if (p->kind == MC_PMEM && says & SAYS_KINDS)
		m->kind = MC_PMEM;
	else if (p->kind == MC_HOTPLUG && says & SAYS_HOTPLUG)
		m->kind = MC_HOTPLUG;
	else
		return;
	m->some = true;
}

/*
 * The node of memory (ram, pmem, hotplug, or what RAM backs) where both
 * formats say nodes; a format that does not never makes a difference.
 */
static void take_node(struct meaning *m, const struct piece *p,
		      unsigned int says)
{
	bool memory = m->kind == MC_RAM || m->kind == MC_PMEM ||
		      m->kind == MC_HOTPLUG || (m->flags & MC_F_BACKED);

	if (m->some && memory && says & SAYS_NODES && p->has_node) {
		m->has_node = true;
		m->node = p->node;
	}
}

void meaning_of(struct meaning *m, const struct piece *p, unsigned int says)
{
	memset(m, 0, sizeof(*m));
	if (!p)
		return;
	if (says & SAYS_ONLY_RAM) {
		take_memory(m, p, says);
		take_node(m, p, says);
		return;
	}
	if (p->kind == MC_HOTPLUG && !(says & SAYS_HOTPLUG))
		return;
	if ((says & SAYS_ONLY_DIRECT && !cli_is_direct(p->kind, p->type)) ||
	    (!(says & SAYS_MMIO) && p->kind == MC_MMIO &&
	     !(says & SAYS_MMIO_AS_RESERVED && p->flags & MC_F_CARVED)))
		return;
	m->some = true;
	take_kind(m, p, says);
	if (p->kind == MC_MMIO && !(says & SAYS_MMIO)) {
		/* e820: a device window inside declared RAM is reserved */
		m->kind = MC_RESERVED;
		m->type = MC_RESV_RESERVED;
	}
	take_flags(m, p, says);
	if (says & (SAYS_NAMES | SAYS_NODE_NAMES))
		m->name = p->in->name;
	if (says & SAYS_DEVICES) {
		m->devices = p->in->devices;
		m->n_devices = p->in->n_devices;
		m->paths = p->paths;
		m->n_paths = p->n_paths;
	}
	if (says & SAYS_SIDS)
		take_sids(m, p->in, says);
	take_node(m, p, says);
}

static bool same_devices(const struct meaning *a, const struct meaning *b)
{
	if (a->n_devices != b->n_devices)
		return false;
	for (size_t i = 0; i < a->n_devices; i++)
		if (a->devices[i].segment != b->devices[i].segment ||
		    a->devices[i].bus != b->devices[i].bus ||
		    a->devices[i].devfn != b->devices[i].devfn)
			return false;
	if (a->n_paths != b->n_paths)
		return false;
	for (size_t i = 0; i < a->n_paths; i++)
		if (strcmp(a->paths[i], b->paths[i]) != 0)
			return false;
	return true;
}

static bool same_name(const struct meaning *a, const struct meaning *b,
		      bool loose)
{
	if (a->name && b->name)
		return strcmp(a->name, b->name) == 0;
	return loose || (!a->name && !b->name);
}

bool meaning_equal_but_node(const struct meaning *a, const struct meaning *b,
			    bool loose_names)
{
	if (a->some != b->some)
		return false;
	if (!a->some)
		return true;
	return a->kind == b->kind && a->type == b->type &&
	       a->flags == b->flags && a->access == b->access &&
	       same_name(a, b, loose_names) && same_devices(a, b) &&
	       a->n_sids == b->n_sids &&
	       !memcmp(a->sids, b->sids, a->n_sids * sizeof(a->sids[0]));
}

bool meaning_equal(const struct meaning *a, const struct meaning *b,
		   bool loose_names)
{
	return meaning_equal_but_node(a, b, loose_names) &&
	       a->has_node == b->has_node && a->node == b->node;
}

void meaning_print(struct cli_buf *b, const struct meaning *m)
{
	char kind[40];

	if (!m->some) {
		cli_buf_printf(b, "hole");
		return;
	}
	cli_buf_printf(b, "%s", model_kind_label(m->kind, m->type, kind,
						  sizeof(kind)));
	if (m->name)
		cli_buf_printf(b, " (%s)", m->name);
	if (m->flags & MC_F_BACKED)
		cli_buf_printf(b, ", backed");
	if (m->flags & MC_F_RELOCATED)
		cli_buf_printf(b, ", relocated");
	if (m->has_node)
		cli_buf_printf(b, ", node %" PRIu32, m->node);
	if (m->flags & MC_F_REUSABLE)
		cli_buf_printf(b, ", reusable");
	if (m->flags & MC_F_READONLY)
		cli_buf_printf(b, ", readonly");
	if (m->flags & MC_F_PRIVILEGED)
		cli_buf_printf(b, ", privileged");
	if (m->flags & MC_F_ACCESS)
		cli_buf_printf(b, ", access=0x%x", m->access);
	for (size_t i = 0; i < m->n_devices; i++)
		cli_buf_printf(b, "%s%04x:%02x:%02x.%u", i ? "," : ", devices=",
			       m->devices[i].segment, m->devices[i].bus,
			       m->devices[i].devfn >> 3, m->devices[i].devfn & 7);
	for (size_t i = 0; i < m->n_paths; i++)
		cli_buf_printf(b, "%s%s", i || m->n_devices ? "," : ", devices=",
			       m->paths[i]);
	for (size_t i = 0; i < m->n_sids; i++)
		cli_buf_printf(b, "%s0x%" PRIx32, i ? "," : ", sids=",
			       m->sids[i]);
}
