// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellctl: what the D-Bus verbs share: options, the connection (local system bus,
 * DBUS_SYSTEM_BUS_ADDRESS for tests, or -H user@host over ssh), errors and exit statuses,
 * and console following that survives a restart of cellmgrd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include <cellvisor/names.h>

#include "bus.h"
#include "cellctl.h"

enum {
	OPT_JSON = 256, OPT_NO_LEGEND, OPT_NO_PAGER, OPT_VALUE, OPT_NO_ASK, OPT_WAIT, OPT_NOTIFY,
	OPT_CONFIG, OPT_DESTROY, OPT_HYPERVISOR,
};

/* Long options without a long name of their own: their name for 'accepted'. */
static const struct {
	int val;
	const char *name;
} aliases[] = { { 'P', "property" } };

static const struct option opts[] = {
	{ "host", required_argument, NULL, 'H' },
	{ "json", optional_argument, NULL, OPT_JSON },
	{ "all", no_argument, NULL, 'a' },
	{ "no-legend", no_argument, NULL, OPT_NO_LEGEND },
	{ "no-pager", no_argument, NULL, OPT_NO_PAGER },
	{ "property", required_argument, NULL, 'p' },
	{ "value", no_argument, NULL, OPT_VALUE },
	{ "no-ask-password", no_argument, NULL, OPT_NO_ASK },
	{ "follow", no_argument, NULL, 'f' },
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ "notify", no_argument, NULL, OPT_NOTIFY },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "destroy", no_argument, NULL, OPT_DESTROY },
	{ "hypervisor", no_argument, NULL, OPT_HYPERVISOR },
	{ "quiet", no_argument, NULL, 'q' },
	{ "lines", required_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 },
};

/* 'accepted' names the options a verb takes, by their long names separated by spaces. */
static bool accepts(const char *accepted, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = accepted; (p = strstr(p, name)); p += n)
		if ((p == accepted || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

int bus_parse(int argc, char **argv, const char *accepted, struct bus_opts *o)
{
	int c, idx;

	memset(o, 0, sizeof(*o));
	o->ask_password = isatty(STDIN_FILENO);
	o->lines = 10;
	while ((c = getopt_long(argc, argv, "H:p:P:afqn:", opts, &idx)) != -1) {
		const char *name = NULL;

		if (c == '?')
			return -CELLCTL_EXIT_USAGE;
		for (const struct option *op = opts; op->name; op++)
			if (op->val == c)
				name = op->name;
		for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
			if (aliases[i].val == c)
				name = aliases[i].name;
		if (!name || !accepts(accepted, name)) {
			cellctl_usage_error("%s: option --%s is not accepted here", argv[0],
					    name ? name : "?");
			return -CELLCTL_EXIT_USAGE;
		}
		switch (c) {
		case 'H':
			o->host = optarg;
			break;
		case OPT_JSON:
			/* --json alone is --json=short */
			if (optarg && strcmp(optarg, "short") && strcmp(optarg, "pretty")) {
				cellctl_usage_error("%s: --json=%s: say --json=short or "
						    "--json=pretty", argv[0], optarg);
				return -CELLCTL_EXIT_USAGE;
			}
			o->json = true;
			o->json_pretty = optarg && !strcmp(optarg, "pretty");
			break;
		case 'a':
			o->all = true;
			break;
		case OPT_NO_LEGEND:
			o->no_legend = true;
			break;
		case OPT_NO_PAGER:
			o->no_pager = true;
			break;
		case 'P':	/* -P NAME is --value -p NAME */
		case 'p': {
			const char **n = realloc(o->properties,
						 (o->num_properties + 2) * sizeof(*n));

			if (!n)
				return -CELLCTL_EXIT_INVALID;
			o->properties = n;
			n[o->num_properties++] = optarg;
			n[o->num_properties] = NULL;
			o->value |= c == 'P';
			break;
		}
		case OPT_VALUE:
			o->value = true;
			break;
		case OPT_NO_ASK:
			o->ask_password = false;
			break;
		case 'f':
			o->follow = true;
			break;
		case OPT_WAIT:
			o->wait = true;
			break;
		case OPT_NOTIFY:
			o->notify = true;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_DESTROY:
			o->destroy = true;
			break;
		case OPT_HYPERVISOR:
			o->hypervisor = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'n':
			o->lines = atoi(optarg);
			break;
		}
	}
	return optind;
}

void bus_opts_free(struct bus_opts *o)
{
	free(o->properties);
	o->properties = NULL;
}

/* -H USER@HOST of this command, named when the connection fails. */
static const char *remote_host;

sd_bus *bus_connect(const struct bus_opts *o)
{
	sd_bus *bus = NULL;
	int r;

	if (o->host)
		r = sd_bus_open_system_remote(&bus, o->host);
	else
		r = sd_bus_open_system(&bus);
	if (r < 0) {
		fprintf(stderr, "%s: cannot connect to the system bus%s%s: %s\n", cellctl_program,
			o->host ? " of " : "", o->host ? o->host : "", strerror(-r));
		return NULL;
	}
	sd_bus_set_allow_interactive_authorization(bus, o->ask_password);
	remote_host = o->host;
	return bus;
}

/* The errno of a failure to reach the bus at all, or 0. */
static int transport_errno(const sd_bus_error *e, int r)
{
	int err = e && sd_bus_error_is_set(e) ? sd_bus_error_get_errno(e) : -r;

	if (e && sd_bus_error_is_set(e) && strncmp(e->name, "System.Error.", 13))
		return 0;
	return err == ECONNREFUSED || err == ENOENT || err == ECONNRESET || err == ENOTCONN ||
	       err == EPIPE ? err : 0;
}

int bus_exit_status(const sd_bus_error *e, int r)
{
	static const struct {
		const char *name;
		int status;
	} map[] = {
		{ CV_BUS_ERROR_NOT_AUTHORIZED, CELLCTL_EXIT_NOT_AUTHORIZED },
		{ "org.freedesktop.DBus.Error.AccessDenied", CELLCTL_EXIT_NOT_AUTHORIZED },
		{ CV_BUS_ERROR_NO_SUCH_CELL, CELLCTL_EXIT_NO_SUCH_CELL },
		{ "org.freedesktop.DBus.Error.UnknownObject", CELLCTL_EXIT_NO_SUCH_CELL },
		{ "org.freedesktop.DBus.Error.ServiceUnknown", CELLCTL_EXIT_NO_DAEMON },
		{ "org.freedesktop.DBus.Error.NameHasNoOwner", CELLCTL_EXIT_NO_DAEMON },
		{ "org.freedesktop.DBus.Error.NoReply", CELLCTL_EXIT_NO_DAEMON },
		{ "org.freedesktop.DBus.Error.Spawn.ChildExited", CELLCTL_EXIT_NO_DAEMON },
		{ "org.freedesktop.systemd1.NoSuchUnit", CELLCTL_EXIT_NO_DAEMON },
		{ CV_BUS_ERROR_SHUTDOWN_REFUSED, CELLCTL_EXIT_REFUSED },
		{ CV_BUS_ERROR_HYPERVISOR_LOCKED, CELLCTL_EXIT_REFUSED },
		{ CV_BUS_ERROR_BUSY, CELLCTL_EXIT_REFUSED },
		{ CV_BUS_ERROR_INVALID_STATE, CELLCTL_EXIT_REFUSED },
		{ CV_BUS_ERROR_NOT_ENABLED, CELLCTL_EXIT_REFUSED },
		{ CV_BUS_ERROR_ALREADY_ENABLED, CELLCTL_EXIT_REFUSED },
		{ CV_BUS_ERROR_CELLS_REMAINING, CELLCTL_EXIT_REFUSED },
		{ CV_BUS_ERROR_CPU_BUSY, CELLCTL_EXIT_REFUSED },
		{ CV_BUS_ERROR_MEMORY_BUSY, CELLCTL_EXIT_REFUSED },
		{ CV_BUS_ERROR_DEVICE_BUSY, CELLCTL_EXIT_REFUSED },
		{ CV_BUS_ERROR_CELL_EXISTS, CELLCTL_EXIT_REFUSED },
		{ CV_BUS_ERROR_SHUTDOWN_TIMEOUT, CELLCTL_EXIT_CELL_FAILED },
	};

	/* A local failure (the connection, ssh) comes as an errno, or as "System.Error.E*". */
	if (transport_errno(e, r))
		return CELLCTL_EXIT_NO_DAEMON;
	if (e && sd_bus_error_is_set(e)) {
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (!strcmp(e->name, map[i].name))
				return map[i].status;
	}
	return CELLCTL_EXIT_INVALID;
}

int bus_error(const char *what, const sd_bus_error *e, int r)
{
	int err = transport_errno(e, r);

	if (err && remote_host) {
		fprintf(stderr, "%s: %s: the system bus of %s cannot be reached over ssh: %s\n"
			"%s: does 'ssh %s systemd-stdio-bridge' connect?\n", cellctl_program, what,
			remote_host, strerror(err), cellctl_program, remote_host);
	} else if (e && sd_bus_error_is_set(e)) {
		bool ours = !strncmp(e->name, CV_BUS_ERROR_PREFIX, strlen(CV_BUS_ERROR_PREFIX));

		fprintf(stderr, "%s: %s: %s%s%s%s\n", cellctl_program, what,
			e->message ? e->message : e->name, ours ? "" : " (",
			ours ? "" : e->name, ours ? "" : ")");
	} else {
		fprintf(stderr, "%s: %s: %s\n", cellctl_program, what, strerror(-r));
	}
	if (!remote_host && bus_exit_status(e, r) == CELLCTL_EXIT_NO_DAEMON)
		fprintf(stderr, "%s: is cellmgrd installed and running? "
			"(systemctl status cellmgrd.service)\n", cellctl_program);
	return bus_exit_status(e, r);
}

int bus_get_cell(sd_bus *bus, const char *name, char **path)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *p;
	int r;

	r = bus_call_manager(bus, "GetCell", &e, &reply, "s", name);
	if (r >= 0)
		r = sd_bus_message_read(reply, "o", &p);
	if (r < 0) {
		char what[96];

		snprintf(what, sizeof(what), "cell %s", name);
		r = -bus_error(what, &e, r);
		sd_bus_error_free(&e);
		sd_bus_message_unref(reply);
		return r;
	}
	*path = strdup(p);
	sd_bus_message_unref(reply);
	return *path ? 0 : -CELLCTL_EXIT_INVALID;
}

/* ---- console following ---- */

#define HISTORY		(64 * 1024)

struct follow {
	/* the tail of what we printed, to skip what a new stream repeats after a restart */
	char hist[HISTORY];
	size_t hist_len;
	bool syncing;			/* collecting a new stream's backlog */
	char *pending;
	size_t pending_len;
};

static void out_write(struct follow *f, const char *p, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t k = write(STDOUT_FILENO, p + done, n - done);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		done += k;
	}
	if (n >= HISTORY) {
		memcpy(f->hist, p + n - HISTORY, HISTORY);
		f->hist_len = HISTORY;
	} else {
		if (f->hist_len + n > HISTORY) {
			size_t drop = f->hist_len + n - HISTORY;

			memmove(f->hist, f->hist + drop, f->hist_len - drop);
			f->hist_len -= drop;
		}
		memcpy(f->hist + f->hist_len, p, n);
		f->hist_len += n;
	}
}

/* End of a resync: print what the new stream has beyond what we printed already. */
static void sync_done(struct follow *f)
{
	size_t skip = 0;

	if (f->hist_len && f->pending_len) {
		size_t tail = f->hist_len < 64 ? f->hist_len : 64;
		const char *t = f->hist + f->hist_len - tail;

		/* The last place where the printed tail ends inside the new stream. */
		for (char *p = f->pending; p + tail <= f->pending + f->pending_len;) {
			char *hit = memmem(p, f->pending + f->pending_len - p, t, tail);
			size_t k;

			if (!hit)
				break;
			k = hit - f->pending + tail;
			if (k <= f->hist_len &&
			    !memcmp(f->pending, f->hist + f->hist_len - k, k))
				skip = k;
			p = hit + 1;
		}
	}
	if (f->pending_len > skip)
		out_write(f, f->pending + skip, f->pending_len - skip);
	free(f->pending);
	f->pending = NULL;
	f->pending_len = 0;
	f->syncing = false;
}

int bus_call_manager(sd_bus *bus, const char *method, sd_bus_error *e, sd_bus_message **reply,
		     const char *types, ...)
{
	va_list ap;
	int r;

	va_start(ap, types);
	r = sd_bus_call_methodv(bus, CV_BUS_SERVICE, CV_BUS_MANAGER_PATH, CV_BUS_MANAGER_IFACE,
				method, e, reply, types, ap);
	va_end(ap);
	return r;
}

bool bus_state_running(const char *state)
{
	return !strcmp(state, CV_CELL_STATE_NAME_RUNNING) ||
	       !strcmp(state, CV_CELL_STATE_NAME_RUNNING_LOCKED);
}

/* -1: the cell or the daemon is gone (the caller finds out); 0: it runs; 1: shut down; 2: failed */
static int cell_stopped(sd_bus *bus, const char *path)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char *state = NULL;
	int r = sd_bus_get_property_string(bus, CV_BUS_SERVICE, path, CV_BUS_CELL_IFACE, "State",
					   &e, &state);

	sd_bus_error_free(&e);
	if (r >= 0)
		r = !strcmp(state, CV_CELL_STATE_NAME_SHUT_DOWN) ? 1 :
		    !strcmp(state, CV_CELL_STATE_NAME_FAILED) ? 2 : 0;
	free(state);
	return r < 0 ? -1 : r;
}

static int stop_status(int stopped)
{
	fprintf(stderr, "%s: cell %s\n", cellctl_program,
		stopped == 2 ? CV_CELL_STATE_NAME_FAILED : CV_CELL_STATE_NAME_SHUT_DOWN);
	return stopped == 2 ? CELLCTL_EXIT_CELL_FAILED : CELLCTL_EXIT_OK;
}

uint64_t bus_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * SIGTERM while following a cell to its end (cell@.service stops: its ExecStop= shut the
 * cell down already): print what the console still holds, then go.
 */
static volatile sig_atomic_t follow_terminated;

static void on_sigterm(int sig)
{
	(void)sig;
	follow_terminated = 1;
}

/*
 * One attachment: until the stream ends (daemon or cell gone: returns -1 to retry), or the
 * cell stops (returns the exit status), or SIGTERM (the exit status of a cell that stopped,
 * else 0).  Returns 0 at the end of a non-following stream.
 */
static int follow_once(sd_bus *bus, const char *path, int fd, bool follow, bool exit_on_stop,
		       struct follow *f)
{
	char buf[4096];
	uint64_t last_data = bus_now_ms(), last_check = 0;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = sd_bus_get_fd(bus), .events = sd_bus_get_events(bus) },
		};
		int timeout = 200;
		ssize_t k;

		if (poll(p, 2, timeout) < 0 && errno != EINTR)
			return -1;
		if (follow_terminated) {
			int r = path ? cell_stopped(bus, path) : 0;

			while ((k = read(fd, buf, sizeof(buf))) > 0)
				out_write(f, buf, k);
			return r > 0 ? stop_status(r) : CELLCTL_EXIT_OK;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			k = read(fd, buf, sizeof(buf));
			if (k > 0) {
				last_data = bus_now_ms();
				if (f->syncing) {
					char *n = realloc(f->pending, f->pending_len + k);

					if (n) {
						f->pending = n;
						memcpy(n + f->pending_len, buf, k);
						f->pending_len += k;
					}
					if (f->pending_len >= HISTORY + 4096)
						sync_done(f);
				} else {
					out_write(f, buf, k);
				}
				continue;
			}
			if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR)) {
				if (f->syncing)
					sync_done(f);
				return follow ? -1 : 0;
			}
		}
		if (f->syncing && bus_now_ms() - last_data >= 200)
			sync_done(f);
		/* Keep the connection serviced (we ignore signals; the state is polled). */
		while (sd_bus_process(bus, NULL) > 0)
			;
		if (exit_on_stop && path && bus_now_ms() - last_check >= 250) {
			int r = cell_stopped(bus, path);

			last_check = bus_now_ms();
			if (r == -1)
				return -1;	/* cell or daemon gone: the caller finds out */
			if (r == 0)
				continue;
			/* its last words */
			while ((k = read(fd, buf, sizeof(buf))) > 0)
				out_write(f, buf, k);
			return stop_status(r);
		}
	}
}

/*
 * The same over a connection that cannot carry file descriptors (-H: ssh and
 * systemd-stdio-bridge): GetConsole twice a second, each answer a new backlog of which
 * only what was not printed yet is printed.
 */
static int poll_once(sd_bus *bus, const char *path, bool follow, bool exit_on_stop,
		     struct follow *f)
{
	for (;;) {
		sd_bus_error e = SD_BUS_ERROR_NULL;
		sd_bus_message *reply = NULL;
		const void *data;
		size_t n = 0;
		int r = sd_bus_call_method(bus, CV_BUS_SERVICE, path ? path : CV_BUS_MANAGER_PATH,
					   path ? CV_BUS_CELL_IFACE : CV_BUS_MANAGER_IFACE, "GetConsole", &e,
					   &reply, "");

		if (r >= 0)
			r = sd_bus_message_read_array(reply, 'y', &data, &n);
		if (r >= 0 && n && (f->pending = malloc(n))) {
			memcpy(f->pending, data, n);
			f->pending_len = n;
			sync_done(f);
		}
		r = r < 0 ? r : 0;
		sd_bus_message_unref(reply);
		if (r < 0 && follow && bus_exit_status(&e, r) == CELLCTL_EXIT_NO_DAEMON)
			r = -1;		/* lost the daemon: the caller waits for it */
		else if (r < 0)
			r = bus_error("console", &e, r);
		sd_bus_error_free(&e);
		if (r != 0 || !follow)
			return r;
		r = exit_on_stop && path ? cell_stopped(bus, path) : 0;
		if (r == -1)
			return -1;
		if (r > 0)
			return stop_status(r);
		usleep(500000);
	}
}

int bus_follow(const struct bus_opts *o, const char *name, bool follow, bool exit_on_stop,
	       bool notify)
{
	struct follow *f = calloc(1, sizeof(*f));
	bool attached_once = false, warned = false;
	int ret = CELLCTL_EXIT_INVALID;

	if (!f)
		return CELLCTL_EXIT_INVALID;
	if (follow && exit_on_stop) {
		struct sigaction sa = { .sa_handler = on_sigterm };	/* no SA_RESTART */

		sigaction(SIGTERM, &sa, NULL);
	}
	for (;;) {
		sd_bus_error e = SD_BUS_ERROR_NULL;
		sd_bus_message *reply = NULL;
		sd_bus *bus = bus_connect(o);
		char *path = NULL;
		int r, fd;

		if (!bus) {
			ret = CELLCTL_EXIT_NO_DAEMON;
			if (!attached_once)
				goto done;
			goto retry;
		}
		if (name) {
			r = bus_call_manager(bus, "GetCell", &e, &reply, "s", name);
			if (r >= 0) {
				const char *p;

				r = sd_bus_message_read(reply, "o", &p);
				path = r >= 0 ? strdup(p) : NULL;
			}
			reply = sd_bus_message_unref(reply);
			if (r < 0) {
				ret = bus_exit_status(&e, r);
				if (ret == CELLCTL_EXIT_NO_SUCH_CELL && attached_once) {
					/* destroyed while we followed it */
					if (!o->quiet)
						fprintf(stderr, "%s: cell %s is gone\n",
							cellctl_program, name);
					ret = CELLCTL_EXIT_OK;
					goto done;
				}
				if (ret != CELLCTL_EXIT_NO_DAEMON || !attached_once) {
					char what[96];

					snprintf(what, sizeof(what), "cell %s", name);
					ret = bus_error(what, &e, r);
					goto done;
				}
				goto retry;
			}
		}
		fd = -1;
		if (sd_bus_can_send(bus, SD_BUS_TYPE_UNIX_FD) > 0) {
			r = sd_bus_call_method(bus, CV_BUS_SERVICE, name ? path : CV_BUS_MANAGER_PATH,
					       name ? CV_BUS_CELL_IFACE : CV_BUS_MANAGER_IFACE, "OpenConsole", &e,
					       &reply, "b", follow);
			if (r >= 0)
				r = sd_bus_message_read(reply, "h", &fd);
			if (r < 0) {
				ret = bus_exit_status(&e, r);
				if (ret == CELLCTL_EXIT_NO_DAEMON && attached_once)
					goto retry;
				ret = bus_error("console", &e, r);
				goto done;
			}
			fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
			reply = sd_bus_message_unref(reply);
			if (fd < 0)
				goto done;
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		}
		if (attached_once) {
			f->syncing = true;
			if (warned && !o->quiet)
				fprintf(stderr, "%s: cellmgrd is back, following again\n",
					cellctl_program);
		}
		warned = false;
		if (notify && !attached_once)
			sd_notifyf(0, "READY=1\nSTATUS=Cell %s is running; following its console",
				   name ? name : "hypervisor");
		attached_once = true;
		if (fd < 0) {
			r = poll_once(bus, path, follow, exit_on_stop, f);
		} else {
			r = follow_once(bus, path, fd, follow, exit_on_stop, f);
			close(fd);
		}
		if (r >= 0) {
			ret = r;
			goto done;
		}
retry:
		if (!warned && !o->quiet) {
			fprintf(stderr, "%s: lost cellmgrd; waiting for it to come back\n",
				cellctl_program);
			warned = true;
		}
		if (notify)
			sd_notify(0, "STATUS=Waiting for cellmgrd to come back");
		sd_bus_error_free(&e);
		free(path);
		sd_bus_flush_close_unref(bus);
		usleep(500000);
		continue;
done:
		sd_bus_error_free(&e);
		free(path);
		sd_bus_flush_close_unref(bus);
		break;
	}
	if (f->syncing)
		sync_done(f);
	free(f->pending);
	free(f);
	return ret;
}
