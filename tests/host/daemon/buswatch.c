// SPDX-License-Identifier: GPL-2.0-only
/*
 * Print every signal org.cellvisor.cell1 sends, one line each, for the host tests:
 *   PropertiesChanged PATH IFACE NAME=VALUE ...      (basic types; others as NAME=<SIG>)
 *   CellNew NAME PATH, CellRemoved NAME PATH, InterfacesAdded PATH, InterfacesRemoved PATH
 *   LinkChanged NAME CELL:ID:STATE ...                (one word per peer)
 * Runs until killed; stdout is flushed after every line.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

static void print_value(sd_bus_message *m)
{
	const char *contents = NULL;
	char type;

	if (sd_bus_message_peek_type(m, &type, &contents) <= 0)
		return;
	if (sd_bus_message_enter_container(m, 'v', contents) < 0)
		return;
	switch (contents[0]) {
	case 's': case 'o': {
		const char *s;

		if (sd_bus_message_read_basic(m, contents[0], &s) >= 0)
			printf("\"%s\"", s);
		break;
	}
	case 'b': {
		int b;

		if (sd_bus_message_read_basic(m, 'b', &b) >= 0)
			printf("%s", b ? "true" : "false");
		break;
	}
	case 'u': {
		uint32_t u;

		if (sd_bus_message_read_basic(m, 'u', &u) >= 0)
			printf("%u", u);
		break;
	}
	case 't': {
		uint64_t t;

		if (sd_bus_message_read_basic(m, 't', &t) >= 0)
			printf("%llu", (unsigned long long)t);
		break;
	}
	default:
		printf("<%s>", contents);
		sd_bus_message_skip(m, contents);
	}
	sd_bus_message_exit_container(m);
}

static int on_signal(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	const char *member = sd_bus_message_get_member(m), *path = sd_bus_message_get_path(m);
	const char *a, *b;

	(void)userdata;
	(void)error;
	if (!strcmp(member, "PropertiesChanged")) {
		if (sd_bus_message_read(m, "s", &a) < 0)
			return 0;
		printf("PropertiesChanged %s %s", path, a);
		if (sd_bus_message_enter_container(m, 'a', "{sv}") >= 0) {
			while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
				if (sd_bus_message_read(m, "s", &b) < 0)
					break;
				printf(" %s=", b);
				print_value(m);
				sd_bus_message_exit_container(m);
			}
		}
		printf("\n");
	} else if (!strcmp(member, "CellNew") || !strcmp(member, "CellRemoved")) {
		if (sd_bus_message_read(m, "so", &a, &b) >= 0)
			printf("%s %s %s\n", member, a, b);
	} else if (!strcmp(member, "LinkChanged")) {
		int32_t id;
		uint32_t state;

		if (sd_bus_message_read(m, "s", &a) < 0)
			return 0;
		printf("LinkChanged %s", a);
		if (sd_bus_message_enter_container(m, 'a', "(siu)") >= 0)
			while (sd_bus_message_read(m, "(siu)", &b, &id, &state) > 0)
				printf(" %s:%d:%u", b, id, state);
		printf("\n");
	} else if (!strcmp(member, "InterfacesAdded") || !strcmp(member, "InterfacesRemoved")) {
		if (sd_bus_message_read(m, "o", &a) >= 0)
			printf("%s %s\n", member, a);
	} else {
		printf("%s %s\n", member, path);
	}
	fflush(stdout);
	return 0;
}

int main(void)
{
	sd_bus *bus = NULL;
	sd_event *e = NULL;
	int r;

	r = sd_event_default(&e);
	if (r >= 0)
		r = sd_bus_open_system(&bus);
	if (r >= 0)
		r = sd_bus_add_match(bus, NULL, "type='signal',sender='org.cellvisor.cell1'",
				     on_signal, NULL);
	if (r >= 0)
		r = sd_bus_attach_event(bus, e, 0);
	if (r >= 0) {
		printf("watching\n");
		fflush(stdout);
		r = sd_event_loop(e);
	}
	if (r < 0)
		fprintf(stderr, "buswatch: %s\n", strerror(-r));
	sd_bus_unref(bus);
	sd_event_unref(e);
	return r < 0;
}
