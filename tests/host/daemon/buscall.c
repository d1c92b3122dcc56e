// SPDX-License-Identifier: GPL-2.0-only
/*
 * A minimal D-Bus caller for the host tests that, unlike busctl, prints the error *name*.
 *
 *   buscall [--timeout SEC] [--interactive] PATH IFACE METHOD [SIG [ARG...]]
 *
 * Calls org.cellvisor.cell1 on the system bus (DBUS_SYSTEM_BUS_ADDRESS).  Input signatures:
 * "", "s", "u", "b", "a(st)" (ARGs: COUNT then PATH ADDRESS pairs).  The reply is printed
 * per type: s/o/u/b/t one per line; ay raw; h: the file descriptor is read to its end and
 * copied to stdout; a(ssou): one line per cell, "NAME|STATE|PATH|ID".  On error:
 * "ERROR NAME: MESSAGE" on stdout and exit status 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

static int print_reply(sd_bus_message *m)
{
	const char *contents;
	char type;
	int r;

	while ((r = sd_bus_message_peek_type(m, &type, &contents)) > 0) {
		if (type == 's' || type == 'o') {
			const char *s;

			sd_bus_message_read_basic(m, type, &s);
			printf("%s\n", s);
		} else if (type == 'u') {
			uint32_t u;

			sd_bus_message_read_basic(m, type, &u);
			printf("%u\n", u);
		} else if (type == 't') {
			uint64_t t;

			sd_bus_message_read_basic(m, type, &t);
			printf("%llu\n", (unsigned long long)t);
		} else if (type == 'b') {
			int b;

			sd_bus_message_read_basic(m, type, &b);
			printf("%s\n", b ? "true" : "false");
		} else if (type == 'h') {
			int fd;
			char buf[4096];
			ssize_t n;

			sd_bus_message_read_basic(m, type, &fd);
			fflush(stdout);
			while ((n = read(fd, buf, sizeof(buf))) > 0)
				if (write(STDOUT_FILENO, buf, n) != n)
					break;
		} else if (type == 'a' && !strcmp(contents, "y")) {
			const void *p;
			size_t n;

			sd_bus_message_read_array(m, 'y', &p, &n);
			fwrite(p, 1, n, stdout);
		} else if (type == 'a' && !strcmp(contents, "(ssou)")) {
			const char *name, *state, *path;
			uint32_t id;

			sd_bus_message_enter_container(m, 'a', contents);
			while (sd_bus_message_read(m, "(ssou)", &name, &state, &path, &id) > 0)
				printf("%s|%s|%s|%u\n", name, state, path, id);
			sd_bus_message_exit_container(m);
		} else {
			printf("<%c%s>\n", type, contents ? contents : "");
			sd_bus_message_skip(m, NULL);
		}
	}
	return r;
}

int main(int argc, char **argv)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	uint64_t timeout = 0;
	bool interactive = false;
	sd_bus *bus = NULL;
	const char *sig = "";
	int i = 1, r;

	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout = strtoull(argv[++i], NULL, 10) * 1000000ULL;
		else if (!strcmp(argv[i], "--interactive"))
			interactive = true;
	}
	if (argc - i < 3) {
		fprintf(stderr, "usage: buscall [--timeout SEC] PATH IFACE METHOD [SIG [ARG...]]\n");
		return 2;
	}
	r = sd_bus_open_system(&bus);
	if (r < 0)
		goto fail;
	r = sd_bus_message_new_method_call(bus, &m, "org.cellvisor.cell1", argv[i], argv[i + 1],
					   argv[i + 2]);
	if (r < 0)
		goto fail;
	sd_bus_message_set_allow_interactive_authorization(m, interactive);
	i += 3;
	if (i < argc)
		sig = argv[i++];
	if (!strcmp(sig, "u") || !strcmp(sig, "b")) {
		if (i >= argc)
			goto usage;
		if (sig[0] == 'u')
			r = sd_bus_message_append(m, "u", (uint32_t)strtoul(argv[i], NULL, 0));
		else
			r = sd_bus_message_append(m, "b", !strcmp(argv[i], "true"));
	} else if (sig[0] == 's' && strspn(sig, "s") == strlen(sig)) {
		for (size_t k = 0; r >= 0 && k < strlen(sig); k++) {
			if (i >= argc)
				goto usage;
			r = sd_bus_message_append(m, "s", argv[i++]);
		}
	} else if (!strcmp(sig, "a(st)")) {
		int n = i < argc ? atoi(argv[i++]) : 0;

		r = sd_bus_message_open_container(m, 'a', "(st)");
		for (int k = 0; r >= 0 && k < n; k++) {
			if (i + 1 >= argc)
				goto usage;
			r = sd_bus_message_append(m, "(st)", argv[i],
						  (uint64_t)strtoull(argv[i + 1], NULL, 0));
			i += 2;
		}
		if (r >= 0)
			r = sd_bus_message_close_container(m);
	} else if (sig[0]) {
		goto usage;
	}
	if (r < 0)
		goto fail;
	r = sd_bus_call(bus, m, timeout, &error, &reply);
	if (r < 0) {
		if (sd_bus_error_is_set(&error)) {
			printf("ERROR %s: %s\n", error.name, error.message ? error.message : "");
			r = 1;
			goto out;
		}
		goto fail;
	}
	r = print_reply(reply);
	r = r < 0 ? 1 : 0;
	goto out;
usage:
	fprintf(stderr, "buscall: unsupported or incomplete arguments for signature \"%s\"\n", sig);
	r = 2;
	goto out;
fail:
	fprintf(stderr, "buscall: %s\n", strerror(-r));
	r = 3;
out:
	sd_bus_error_free(&error);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	sd_bus_flush_close_unref(bus);
	return r;
}
