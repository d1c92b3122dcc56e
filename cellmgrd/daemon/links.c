// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellmgrd: following the links' peers for the LinkChanged signal of the manager
 * (org.cellvisor.cell1(5)).
 *
 * The daemon keeps the peers of every link as it last saw them (cell id and state; the
 * doorbell counters move with every message and are read by ListLinks only).  It looks again
 * after every refresh of the manager (a cell came, went or changed state) and after every
 * uevent of a link device (cellvisor-link(4): a peer set its state); a link whose peers
 * changed, that appeared (enable) or went (disable; no peers) is signalled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-device.h>

#include "cellmgrd.h"

#define LINK_DEVICE_PREFIX	"cellvisor-link-"

static const struct be_link *find(const struct be_link *links, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(links[i].name, name))
			return &links[i];
	return NULL;
}

static bool same_peers(const struct be_link *a, const struct be_link *b)
{
	if (a->num_peers != b->num_peers)
		return false;
	for (uint32_t p = 0; p < a->num_peers; p++)
		if (a->peers[p].cell_id != b->peers[p].cell_id ||
		    a->peers[p].state != b->peers[p].state ||
		    strcmp(a->peers[p].cell, b->peers[p].cell))
			return false;
	return true;
}

/* LinkChanged(s name, a(siu) peers): 'l' NULL when the link is gone. */
static void emit(struct manager *m, const char *name, const struct be_link *l)
{
	sd_bus_message *sig = NULL;
	int r;

	if (!m->bus)
		return;
	r = sd_bus_message_new_signal(m->bus, &sig, CV_BUS_MANAGER_PATH, CV_BUS_MANAGER_IFACE,
				      "LinkChanged");
	if (r >= 0)
		r = sd_bus_message_append(sig, "s", name);
	if (r >= 0)
		r = sd_bus_message_open_container(sig, 'a', "(siu)");
	for (uint32_t p = 0; r >= 0 && l && p < l->num_peers; p++)
		r = sd_bus_message_append(sig, "(siu)", l->peers[p].cell, l->peers[p].cell_id,
					  l->peers[p].state);
	if (r >= 0)
		r = sd_bus_message_close_container(sig);
	if (r >= 0)
		r = sd_bus_send(m->bus, sig, NULL);
	if (r < 0)
		log_warning(NULL, "cannot send LinkChanged for link \"%s\": %s", name, strerror(-r));
	sd_bus_message_unref(sig);
}

void links_refresh(struct manager *m)
{
	struct be_link *links = NULL;
	size_t n = 0;
	int r = 0;

	if (m->info.enabled && m->backend->ops->list_links)
		r = m->backend->ops->list_links(m->backend, &links, &n);
	if (r < 0) {
		log_warning(NULL, "cannot read the links from the %s backend: %s",
			    m->backend->ops->name, strerror(-r));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct be_link *old = find(m->links, m->num_links, links[i].name);

		links[i].name[sizeof(links[i].name) - 1] = 0;
		for (uint32_t p = 0; p < links[i].num_peers; p++)
			links[i].peers[p].cell[sizeof(links[i].peers[p].cell) - 1] = 0;
		if (!old || !same_peers(old, &links[i]))
			emit(m, links[i].name, &links[i]);
	}
	for (size_t i = 0; i < m->num_links; i++)
		if (!find(links, n, m->links[i].name))
			emit(m, m->links[i].name, NULL);
	free(m->links);
	m->links = links;
	m->num_links = n;
}

static int on_links(sd_event_source *s, void *userdata)
{
	(void)s;
	links_refresh(userdata);
	return 0;
}

static int on_uevent(sd_device_monitor *mon, sd_device *dev, void *userdata)
{
	struct manager *m = userdata;
	const char *name = NULL;

	(void)mon;
	if (sd_device_get_sysname(dev, &name) >= 0 && name &&
	    !strncmp(name, LINK_DEVICE_PREFIX, strlen(LINK_DEVICE_PREFIX)))
		sd_event_source_set_enabled(m->links_source, SD_EVENT_ONESHOT);
	return 0;
}

int links_init(struct manager *m)
{
	int r;

	r = sd_event_add_defer(m->event, &m->links_source, on_links, m);
	if (r >= 0)
		r = sd_event_source_set_enabled(m->links_source, SD_EVENT_OFF);
	if (r < 0)
		return r;
	/* Without uevents (no udev), peers' own state changes are seen at the next refresh. */
	r = sd_device_monitor_new(&m->link_monitor);
	if (r >= 0)
		r = sd_device_monitor_filter_add_match_subsystem_devtype(m->link_monitor, "misc",
									 NULL);
	if (r >= 0)
		r = sd_device_monitor_attach_event(m->link_monitor, m->event);
	if (r >= 0)
		r = sd_device_monitor_start(m->link_monitor, on_uevent, m);
	if (r < 0) {
		log_warning(NULL, "cannot listen to the link devices' uevents (%s); a peer's own "
			    "state changes are seen with the next change of a cell", strerror(-r));
		m->link_monitor = sd_device_monitor_unref(m->link_monitor);
	}
	return 0;
}

void links_done(struct manager *m)
{
	sd_device_monitor_unref(m->link_monitor);
	sd_event_source_disable_unref(m->links_source);
	free(m->links);
	m->links = NULL;
	m->num_links = 0;
}
