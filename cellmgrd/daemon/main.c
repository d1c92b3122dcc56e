// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellmgrd: the Cellvisor manager daemon.  See cellmgrd(8).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "cellmgrd.h"

#ifndef CELLVISOR_VERSION
#error "CELLVISOR_VERSION is set by the build, from debian/changelog"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: cellmgrd [OPTIONS]\n"
		"The Cellvisor manager: owns /dev/cellvisor and publishes the hypervisor and its\n"
		"cells on the system bus as org.cellvisor.cell1.\n\n");
	for (const struct backend_type *const *t = backend_types; *t; t++) {
		int n = fprintf(f, "  --backend=%s", (*t)->syntax);

		fprintf(f, "%*s%s%s\n", n < 29 ? 29 - n : 1, "",
			t == backend_types ? "(default) " : "", (*t)->help);
	}
	fprintf(f,
		"  --state-dir=DIR            where to remember what the driver does not\n"
		"                             (default $RUNTIME_DIRECTORY or /run/cellmgrd)\n"
		"  --log-stderr               log to stderr even when the journal is there\n"
		"  --version                  print the version\n"
		"  -h, --help                 this text\n");
}

static int mkdir_p(const char *dir)
{
	char *p = strdup(dir);

	if (!p)
		return -ENOMEM;
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(p, 0755) < 0 && errno != EEXIST) {
				int e = errno;

				free(p);
				return -e;
			}
			*s = '/';
		}
	free(p);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* The backend named by --backend=NAME[:ARG], or NULL; *arg is ARG or NULL. */
static const struct backend_type *find_backend(const char *spec, const char **arg)
{
	size_t len = strcspn(spec, ":");

	*arg = spec[len] ? spec + len + 1 : NULL;
	for (const struct backend_type *const *t = backend_types; *t; t++)
		if (strlen((*t)->name) == len && !strncmp((*t)->name, spec, len))
			return *t;
	return NULL;
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct manager *m = userdata;

	(void)s;
	log_info(NULL, "Received %s, stopping%s", strsignal(si->ssi_signo),
		 m->jobs ? " once the operations in progress are done" : "");
	m->exiting = true;
	sd_notify(0, "STOPPING=1");
	manager_update_status(m);
	if (!m->jobs)
		sd_event_exit(m->event, 0);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "log-stderr", no_argument, NULL, 'l' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *backend_spec = backend_types[0]->name, *state_dir = NULL, *arg;
	const struct backend_type *type;
	char *cells_dir = NULL, *errmsg = NULL;
	struct backend *backend = NULL;
	struct manager *m = NULL;
	sd_event *event = NULL;
	bool log_stderr = false;
	sigset_t ss;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0) {
		switch (c) {
		case 'b':
			backend_spec = optarg;
			break;
		case 's':
			state_dir = optarg;
			break;
		case 'l':
			log_stderr = true;
			break;
		case 'V':
			printf("cellmgrd %s\n", CELLVISOR_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "cellmgrd: unexpected argument \"%s\"\n", argv[optind]);
		return 2;
	}
	type = find_backend(backend_spec, &arg);
	if (!type) {
		fprintf(stderr, "cellmgrd: unknown backend \"%s\"\n", backend_spec);
		usage(stderr);
		return 2;
	}
	log_setup(log_stderr);
	if (!state_dir)
		state_dir = getenv("RUNTIME_DIRECTORY") ? getenv("RUNTIME_DIRECTORY") :
							  "/run/cellmgrd";

	xasprintf(&cells_dir, "%s/cells", state_dir);
	r = cells_dir ? mkdir_p(cells_dir) : -ENOMEM;
	free(cells_dir);
	if (r < 0) {
		log_error(NULL, "cannot create the state directory %s: %s", state_dir,
			  strerror(-r));
		return 1;
	}

	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);

	r = sd_event_default(&event);
	if (r < 0) {
		log_error(NULL, "cannot create the event loop: %s", strerror(-r));
		return 1;
	}

	r = type->new(event, arg, &backend, &errmsg);
	if (r < 0) {
		log_error(NULL, "cannot start the %s backend: %s", type->name,
			  errmsg ? errmsg : strerror(-r));
		sd_notifyf(0, "STATUS=Failed: %s", errmsg ? errmsg : strerror(-r));
		free(errmsg);
		sd_event_unref(event);
		return 1;
	}

	r = manager_new(&m, event, backend, state_dir);
	if (r < 0) {
		log_error(NULL, "cannot set up: %s", strerror(-r));
		goto out;
	}
	r = sd_event_add_signal(event, NULL, SIGTERM, on_signal, m);
	if (r >= 0)
		r = sd_event_add_signal(event, NULL, SIGINT, on_signal, m);
	if (r >= 0)
		r = sd_event_set_watchdog(event, true);
	if (r < 0) {
		log_error(NULL, "cannot set up the event loop: %s", strerror(-r));
		goto out;
	}
	r = manager_start_bus(m);
	if (r < 0)
		goto out;
	/* The state as the driver has it, before anyone can ask. */
	manager_refresh(m);
	manager_read_consoles(m);
	r = sd_bus_request_name(m->bus, CV_BUS_SERVICE, 0);
	if (r < 0) {
		log_error(NULL, "cannot own the bus name %s: %s (is another cellmgrd running?)",
			  CV_BUS_SERVICE, strerror(-r));
		goto out;
	}
	m->ready = true;
	log_full(LOG_INFO, MID_STARTED, NULL,
		 "cellmgrd %s started with the %s backend; hypervisor %s, %u cell(s)",
		 CELLVISOR_VERSION, backend->ops->name, m->info.enabled ? "enabled" : "disabled",
		 m->info.num_cells);
	sd_notifyf(0, "READY=1\nSTATUS=%s", m->status ? m->status : "Running");

	r = sd_event_loop(event);
	if (r < 0)
		log_error(NULL, "the event loop failed: %s", strerror(-r));
out:
	manager_free(m);
	if (backend)
		backend->ops->free(backend);
	sd_event_unref(event);
	return r < 0 ? 1 : 0;
}
