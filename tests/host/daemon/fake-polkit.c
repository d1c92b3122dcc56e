// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stand-in for polkitd on the host tests' private bus: owns org.freedesktop.PolicyKit1
 * and answers CheckAuthorization from a policy file, so cellmgrd's real authorization code
 * runs unchanged.  Each call is logged, one line each: ACTION SUBJECT-KIND FLAGS DETAILS.
 *
 *   fake-polkit POLICY-FILE LOG-FILE
 *
 * POLICY-FILE holds "allow", "deny" or "challenge" (deny, authentication would help); it is
 * read at every call so tests can change it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

static const char *policy_file, *log_file;

static int check(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	const char *kind, *action, *cancel, *key, *value;
	char policy[32] = "deny", details[256] = "";
	uint32_t flags;
	FILE *f;
	int r;

	(void)userdata;
	(void)error;
	r = sd_bus_message_enter_container(m, 'r', "sa{sv}");
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "s", &kind);
	if (r < 0)
		return r;
	r = sd_bus_message_skip(m, "a{sv}");
	if (r < 0)
		return r;
	r = sd_bus_message_exit_container(m);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "s", &action);
	if (r < 0)
		return r;
	r = sd_bus_message_enter_container(m, 'a', "{ss}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_read(m, "{ss}", &key, &value)) > 0) {
		size_t n = strlen(details);

		snprintf(details + n, sizeof(details) - n, "%s%s=%s", n ? "," : "", key, value);
	}
	if (r < 0)
		return r;
	r = sd_bus_message_exit_container(m);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "us", &flags, &cancel);
	if (r < 0)
		return r;

	f = fopen(policy_file, "re");
	if (f) {
		if (fscanf(f, "%31s", policy) != 1)
			strcpy(policy, "deny");
		fclose(f);
	}
	f = fopen(log_file, "ae");
	if (f) {
		fprintf(f, "%s %s %u %s -> %s\n", action, kind, flags, details[0] ? details : "-",
			policy);
		fclose(f);
	}
	return sd_bus_reply_method_return(m, "(bba{ss})", !strcmp(policy, "allow"),
					  !strcmp(policy, "challenge"), 0);
}

static const sd_bus_vtable vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("CheckAuthorization", "(sa{sv})sa{ss}us", "(bba{ss})", check,
		      SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END
};

int main(int argc, char **argv)
{
	sd_bus *bus = NULL;
	sd_event *e = NULL;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: fake-polkit POLICY-FILE LOG-FILE\n");
		return 2;
	}
	policy_file = argv[1];
	log_file = argv[2];
	r = sd_event_default(&e);
	if (r >= 0)
		r = sd_bus_open_system(&bus);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/PolicyKit1/Authority",
					     "org.freedesktop.PolicyKit1.Authority", vtable, NULL);
	if (r >= 0)
		r = sd_bus_request_name(bus, "org.freedesktop.PolicyKit1", 0);
	if (r >= 0)
		r = sd_bus_attach_event(bus, e, 0);
	if (r >= 0)
		r = sd_event_loop(e);
	if (r < 0)
		fprintf(stderr, "fake-polkit: %s\n", strerror(-r));
	sd_bus_flush_close_unref(bus);
	sd_event_unref(e);
	return r < 0;
}
