// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellctl: the verbs that go through cellmgrd (org.cellvisor.cell1 on the system bus):
 * enable, disable, list, status, show, create, load, start, shutdown, destroy, console.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <systemd/sd-daemon.h>

#include <cellvisor/names.h>

#include "bus.h"
#include "cellconf.h"
#include "cellctl.h"
#include "props.h"

/*
 * Parse a verb's options (those named in 'accepted') into *o and check that it has 'min' to
 * 'max' operands.  Returns the index of the first operand, or, with *o freed, the exit
 * status as a negative number.
 */
static int parse(int argc, char **argv, const char *accepted, int min, int max,
		 const char *synopsis, struct bus_opts *o)
{
	int first = bus_parse(argc, argv, accepted, o);

	if (first >= 0 && (argc - first < min || argc - first > max))
		first = -cellctl_usage_error("usage: %s %s", argv[0], synopsis);
	if (first < 0)
		bus_opts_free(o);
	return first;
}

static char *absolute(const char *path)
{
	char *p = realpath(path, NULL);

	if (!p)
		fprintf(stderr, "%s: %s: %s\n", cellctl_program, path, strerror(errno));
	return p;
}

/* Call a method without arguments on a cell or the manager; report errors. */
static int simple_call(sd_bus *bus, const char *path, const char *iface, const char *method,
		       const char *what, const char *sig, ...)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	va_list ap;
	int r;

	r = sd_bus_message_new_method_call(bus, &m, CV_BUS_SERVICE, path, iface, method);
	if (r >= 0 && sig && *sig) {
		va_start(ap, sig);
		r = sd_bus_message_appendv(m, sig, ap);
		va_end(ap);
	}
	if (r >= 0)
		r = sd_bus_call(bus, m, BUS_LONG_CALL, &e, &reply);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	if (r < 0) {
		r = bus_error(what, &e, r);
		sd_bus_error_free(&e);
		return r;
	}
	return CELLCTL_EXIT_OK;
}

static bool wanted(const struct bus_opts *o, const char *name)
{
	if (!o->num_properties)
		return true;
	for (int i = 0; i < o->num_properties; i++) {
		/* -p accepts comma-separated lists too */
		const char *p = o->properties[i];
		size_t n = strlen(name);

		for (const char *s = p; (s = strstr(s, name)); s += n)
			if ((s == p || s[-1] == ',') && (s[n] == ',' || !s[n]))
				return true;
	}
	return false;
}

/* --json, --json=short: one line; --json=pretty: indented. */
static void print_json(const struct bus_opts *o, cJSON *j)
{
	char *s = o->json_pretty ? cJSON_Print(j) : cJSON_PrintUnformatted(j);

	if (s) {
		puts(s);
		free(s);
	}
}

/* ---- verbs ---- */

int cellctl_enable(int argc, char **argv)
{
	struct bus_opts o;
	int first = parse(argc, argv, "host no-ask-password quiet", 0, 1, "[SYSTEM-CONFIG]", &o);

	if (first < 0)
		return -first;
	char *path = absolute(first < argc ? argv[first] : DEFAULT_SYSTEM);
	sd_bus *bus;
	int r = CELLCTL_EXIT_INVALID;

	if (path && (bus = bus_connect(&o))) {
		r = simple_call(bus, CV_BUS_MANAGER_PATH, CV_BUS_MANAGER_IFACE, "Enable", "enable", "s", path);
		sd_bus_flush_close_unref(bus);
	} else if (path) {
		r = CELLCTL_EXIT_NO_DAEMON;
	}
	free(path);
	bus_opts_free(&o);
	return r;
}

int cellctl_disable(int argc, char **argv)
{
	struct bus_opts o;
	int first = parse(argc, argv, "host no-ask-password quiet", 0, 0, "", &o);

	if (first < 0)
		return -first;
	sd_bus *bus = bus_connect(&o);
	int r = CELLCTL_EXIT_NO_DAEMON;

	if (bus) {
		r = simple_call(bus, CV_BUS_MANAGER_PATH, CV_BUS_MANAGER_IFACE, "Disable", "disable",
				NULL);
		sd_bus_flush_close_unref(bus);
	}
	bus_opts_free(&o);
	return r;
}

/* Several operands: each is done; the exit status is the first failure's. */
static void keep_first_failure(int *ret, int r)
{
	if (!*ret)
		*ret = r;
}

static int create_one(const struct bus_opts *o, sd_bus *bus, const char *file)
{
	char *path = absolute(file);
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int r = CELLCTL_EXIT_INVALID;

	if (path) {
		r = bus_call_manager(bus, "CreateCell", &e, &reply, "s", path);
		if (r < 0) {
			r = bus_error("create", &e, r);
		} else {
			const char *obj;

			if (sd_bus_message_read(reply, "o", &obj) >= 0 && !o->quiet)
				printf("%s\n", obj);
			r = CELLCTL_EXIT_OK;
		}
	}
	sd_bus_error_free(&e);
	sd_bus_message_unref(reply);
	free(path);
	return r;
}

int cellctl_create(int argc, char **argv)
{
	struct bus_opts o;
	int first = parse(argc, argv, "host no-ask-password quiet", 1, INT_MAX,
			  "CELL-CONFIG...", &o);

	if (first < 0)
		return -first;
	sd_bus *bus = bus_connect(&o);
	int r = bus ? CELLCTL_EXIT_OK : CELLCTL_EXIT_NO_DAEMON;

	for (int i = first; bus && i < argc; i++)
		keep_first_failure(&r, create_one(&o, bus, argv[i]));
	sd_bus_flush_close_unref(bus);
	bus_opts_free(&o);
	return r;
}

/* A cell method without arguments (Start, Shutdown, Destroy). */
static int cell_call(const struct bus_opts *o, sd_bus *bus, const char *name, const char *method,
		     const char *verb)
{
	char *path = NULL, what[96];
	int r = bus_get_cell(bus, name, &path);

	if (r < 0)
		return -r;
	snprintf(what, sizeof(what), "%s %s", verb, name);
	r = simple_call(bus, path, CV_BUS_CELL_IFACE, method, what, NULL);
	(void)o;
	free(path);
	return r;
}

int cellctl_load(int argc, char **argv)
{
	struct bus_opts o;
	int first = parse(argc, argv, "host no-ask-password quiet", 1, 65,
			  "NAME [IMAGE@ADDRESS...]", &o);

	if (first < 0)
		return -first;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	char *path = NULL, what[96];
	sd_bus *bus = bus_connect(&o);
	int r;

	if (!bus) {
		bus_opts_free(&o);
		return CELLCTL_EXIT_NO_DAEMON;
	}
	r = bus_get_cell(bus, argv[first], &path);
	if (r < 0) {
		r = -r;
		goto out;
	}
	r = sd_bus_message_new_method_call(bus, &m, CV_BUS_SERVICE, path, CV_BUS_CELL_IFACE, "Load");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(st)");
	for (int i = first + 1; r >= 0 && i < argc; i++) {
		char *at = strrchr(argv[i], '@'), *file, *end;
		unsigned long long addr;

		if (!at || at == argv[i]) {
			r = cellctl_usage_error("load: \"%s\" is not IMAGE@ADDRESS", argv[i]);
			goto out;
		}
		addr = strtoull(at + 1, &end, 0);
		if (!at[1] || *end) {
			r = cellctl_usage_error("load: bad address in \"%s\"", argv[i]);
			goto out;
		}
		*at = 0;
		file = absolute(argv[i]);
		if (!file) {
			r = CELLCTL_EXIT_INVALID;
			goto out;
		}
		r = sd_bus_message_append(m, "(st)", file, (uint64_t)addr);
		free(file);
	}
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_call(bus, m, BUS_LONG_CALL, &e, &reply);
	snprintf(what, sizeof(what), "load %s", argv[first]);
	r = r < 0 ? bus_error(what, &e, r) : CELLCTL_EXIT_OK;
out:
	sd_bus_error_free(&e);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	free(path);
	sd_bus_flush_close_unref(bus);
	bus_opts_free(&o);
	return r;
}

/* PropertiesChanged of the cell: note that its State may have changed. */
static int on_cell_changed(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	bool *changed = userdata;
	const char *iface;

	(void)error;
	if (sd_bus_message_read(m, "s", &iface) >= 0 && !strcmp(iface, CV_BUS_CELL_IFACE))
		*changed = true;
	return 0;
}

/*
 * Follow the PropertiesChanged signals of cell object 'path' ('*changed' set on each).  The
 * match is added without waiting for the bus's answer: the bus handles the connection's
 * messages in order, so it is in place for whatever the daemon does on a later call (Start)
 * without costing a round trip of its own.
 */
static int watch_cell(sd_bus *bus, const char *path, sd_bus_slot **slot, bool *changed)
{
	return sd_bus_match_signal_async(bus, slot, CV_BUS_SERVICE, path,
					 "org.freedesktop.DBus.Properties", "PropertiesChanged",
					 on_cell_changed, NULL, changed);
}

/*
 * Wait up to 10 s for cell 'name' (object 'path', watched by watch_cell() before it was
 * started), to run, woken by its PropertiesChanged signals; one found shut down ran and
 * stopped itself already (PSCI SYSTEM_OFF or CPU_OFF, cellvisor(7)), which is no failure.
 * The State is read with Get each time (once, then after each signal), so that a signal
 * queued during a call never overrides a newer answer.  Drops 'slot'.
 */
static int wait_running(sd_bus *bus, const char *name, const char *path, bool quiet,
			sd_bus_slot *slot, bool *changed)
{
	uint64_t deadline = bus_now_ms() + 10000, now;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char *state = NULL;
	int r = 0;

	*changed = true;
	while (r >= 0) {
		if (*changed) {
			*changed = false;
			free(state);
			state = NULL;
			r = sd_bus_get_property_string(bus, CV_BUS_SERVICE, path, CV_BUS_CELL_IFACE,
						       "State", &e, &state);
			if (r < 0 || bus_state_running(state) ||
			    !strcmp(state, CV_CELL_STATE_NAME_FAILED) ||
			    !strcmp(state, CV_CELL_STATE_NAME_SHUT_DOWN))
				break;
		}
		r = sd_bus_process(bus, NULL);
		if (r > 0)
			continue;
		now = bus_now_ms();
		if (r < 0 || now >= deadline)
			break;
		r = sd_bus_wait(bus, (deadline - now) * 1000);
	}
	sd_bus_slot_unref(slot);
	if (r < 0) {
		r = bus_error(name, &e, r);
	} else if (state && bus_state_running(state)) {
		r = CELLCTL_EXIT_OK;
	} else if (state && !strcmp(state, CV_CELL_STATE_NAME_SHUT_DOWN)) {
		if (!quiet)
			fprintf(stderr, "%s: cell %s started and has shut itself down already\n",
				cellctl_program, name);
		r = CELLCTL_EXIT_OK;
	} else if (state && !strcmp(state, CV_CELL_STATE_NAME_FAILED)) {
		fprintf(stderr, "%s: cell %s failed\n", cellctl_program, name);
		r = CELLCTL_EXIT_CELL_FAILED;
	} else {
		fprintf(stderr, "%s: cell %s did not reach \"running\" within 10 s\n",
			cellctl_program, name);
		r = CELLCTL_EXIT_INVALID;
	}
	sd_bus_error_free(&e);
	free(state);
	return r;
}

static int start_one(const struct bus_opts *o, sd_bus *bus, const char *name);

int cellctl_start(int argc, char **argv)
{
	struct bus_opts o;
	int first = parse(argc, argv, "host no-ask-password quiet config wait follow notify", 1,
			  INT_MAX, "NAME...", &o);

	if (first < 0)
		return -first;
	if (argc - first > 1 && (o.config || o.follow || o.notify)) {
		bus_opts_free(&o);
		return cellctl_usage_error("start: --config, --follow and --notify take one NAME");
	}
	sd_bus *bus = bus_connect(&o);
	int r = bus ? CELLCTL_EXIT_OK : CELLCTL_EXIT_NO_DAEMON;

	for (int i = first; bus && i < argc; i++) {
		keep_first_failure(&r, start_one(&o, bus, argv[i]));
		if (o.follow)
			bus = NULL;	/* start_one() closed it to follow the console */
	}
	sd_bus_flush_close_unref(bus);
	bus_opts_free(&o);
	return r;
}

/* Start one cell; with --follow, 'bus' is closed (the follower connects on its own). */
static int start_one(const struct bus_opts *o_, sd_bus *bus, const char *name)
{
	struct bus_opts o = *o_;
	char *path = NULL, *state = NULL, *cfg = NULL, what[96];
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_slot *slot = NULL;
	bool changed = true;
	int r;

	snprintf(what, sizeof(what), "start %s", name);
	if (o.config) {
		/* Bring the cell up from its configuration: create, load, start as needed. */
		cfg = absolute(o.config);
		if (!cfg) {
			r = CELLCTL_EXIT_INVALID;
			goto out;
		}
		r = bus_call_manager(bus, "GetCell", &e, NULL, "s", name);
		if (r < 0 && sd_bus_error_has_name(&e, CV_BUS_ERROR_NO_SUCH_CELL)) {
			sd_bus_error_free(&e);
			r = simple_call(bus, CV_BUS_MANAGER_PATH, CV_BUS_MANAGER_IFACE, "CreateCell", what, "s",
					cfg);
			if (r)
				goto out;
		} else if (r < 0) {
			r = bus_error(what, &e, r);
			goto out;
		}
	}
	r = bus_get_cell(bus, name, &path);
	if (r < 0) {
		r = -r;
		goto out;
	}
	r = sd_bus_get_property_string(bus, CV_BUS_SERVICE, path, CV_BUS_CELL_IFACE, "State", &e, &state);
	if (r < 0) {
		r = bus_error(what, &e, r);
		goto out;
	}
	if (o.wait || o.follow) {
		r = watch_cell(bus, path, &slot, &changed);
		if (r < 0) {
			r = bus_error(what, &e, r);
			goto out;
		}
	}
	if (!bus_state_running(state)) {
		if (o.config) {
			r = simple_call(bus, path, CV_BUS_CELL_IFACE, "Load", what, "a(st)", 0);
			if (r)
				goto out;
		}
		if (o.notify)
			sd_notifyf(0, "STATUS=Starting cell %s", name);
		r = simple_call(bus, path, CV_BUS_CELL_IFACE, "Start", what, NULL);
		if (r)
			goto out;
	} else if (!o.config && !o.follow) {
		if (!o.quiet)
			fprintf(stderr, "%s: %s: cell %s is already running\n", cellctl_program,
				what, name);
		r = CELLCTL_EXIT_REFUSED;
		goto out;
	}
	if (o.wait || o.follow) {
		r = wait_running(bus, name, path, o.quiet, slot, &changed);
		slot = NULL;
		if (r)
			goto out;
	}
	if (o.follow) {
		sd_bus_flush_close_unref(bus);
		bus = NULL;
		r = bus_follow(&o, name, true, true, o.notify);
		goto out;
	}
	if (o.notify)
		sd_notifyf(0, "READY=1\nSTATUS=Cell %s is running", name);
	r = CELLCTL_EXIT_OK;
out:
	sd_bus_slot_unref(slot);
	sd_bus_error_free(&e);
	free(state);
	free(path);
	free(cfg);
	if (o.follow)
		sd_bus_flush_close_unref(bus);
	return r;
}

static int shutdown_one(const struct bus_opts *o, sd_bus *bus, const char *name);

int cellctl_shutdown(int argc, char **argv)
{
	struct bus_opts o;
	int first = parse(argc, argv, "host no-ask-password quiet destroy", 1, INT_MAX,
			  "NAME...", &o);

	if (first < 0)
		return -first;
	sd_bus *bus = bus_connect(&o);
	int r = bus ? CELLCTL_EXIT_OK : CELLCTL_EXIT_NO_DAEMON;

	for (int i = first; bus && i < argc; i++)
		keep_first_failure(&r, shutdown_one(&o, bus, argv[i]));
	sd_bus_flush_close_unref(bus);
	bus_opts_free(&o);
	return r;
}

static int shutdown_one(const struct bus_opts *o, sd_bus *bus, const char *name)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char *path = NULL, *state = NULL, what[96];
	int r;

	if (!o->destroy) {
		r = cell_call(o, bus, name, "Shutdown", "shutdown");
		goto out;
	}
	/* --destroy: for units; a cell that is already gone is fine. */
	snprintf(what, sizeof(what), "shutdown %s", name);
	r = bus_call_manager(bus, "GetCell", &e, NULL, "s", name);
	if (r < 0 && sd_bus_error_has_name(&e, CV_BUS_ERROR_NO_SUCH_CELL)) {
		r = CELLCTL_EXIT_OK;
		goto out;
	}
	r = bus_get_cell(bus, name, &path);
	if (r < 0) {
		r = -r;
		goto out;
	}
	r = sd_bus_get_property_string(bus, CV_BUS_SERVICE, path, CV_BUS_CELL_IFACE, "State", &e, &state);
	if (r < 0) {
		r = bus_error(what, &e, r);
		goto out;
	}
	if (bus_state_running(state)) {
		r = simple_call(bus, path, CV_BUS_CELL_IFACE, "Shutdown", what, NULL);
		if (r && r != CELLCTL_EXIT_CELL_FAILED) {
			/* It refused, or could not be asked: it must not outlive its unit. */
			fprintf(stderr, "%s: cell %s did not shut down; terminating it\n",
				cellctl_program, name);
			snprintf(what, sizeof(what), "terminate %s", name);
			r = simple_call(bus, path, CV_BUS_CELL_IFACE, "Terminate", what, NULL);
			goto out;
		}
	}
	snprintf(what, sizeof(what), "destroy %s", name);
	r = simple_call(bus, path, CV_BUS_CELL_IFACE, "Destroy", what, NULL);
out:
	sd_bus_error_free(&e);
	free(state);
	free(path);
	return r;
}

int cellctl_destroy(int argc, char **argv)
{
	struct bus_opts o;
	int first = parse(argc, argv, "host no-ask-password quiet", 1, INT_MAX, "NAME...", &o);

	if (first < 0)
		return -first;
	sd_bus *bus = bus_connect(&o);
	int r = bus ? CELLCTL_EXIT_OK : CELLCTL_EXIT_NO_DAEMON;

	for (int i = first; bus && i < argc; i++)
		keep_first_failure(&r, cell_call(&o, bus, argv[i], "Destroy", "destroy"));
	sd_bus_flush_close_unref(bus);
	bus_opts_free(&o);
	return r;
}

/* A method without arguments on each cell named; the first failure's exit status. */
static int each_cell_call(int argc, char **argv, const char *method, const char *verb)
{
	struct bus_opts o;
	int first = parse(argc, argv, "host no-ask-password quiet", 1, argc, "NAME...", &o);

	if (first < 0)
		return -first;
	sd_bus *bus = bus_connect(&o);
	int r = bus ? CELLCTL_EXIT_OK : CELLCTL_EXIT_NO_DAEMON;

	for (int i = first; bus && i < argc; i++) {
		int k = cell_call(&o, bus, argv[i], method, verb);

		if (k && !r)
			r = k;
	}
	sd_bus_flush_close_unref(bus);
	bus_opts_free(&o);
	return r;
}

int cellctl_restart(int argc, char **argv)
{
	return each_cell_call(argc, argv, "Restart", "restart");
}

int cellctl_terminate(int argc, char **argv)
{
	return each_cell_call(argc, argv, "Terminate", "terminate");
}

int cellctl_console(int argc, char **argv)
{
	struct bus_opts o;
	int first = parse(argc, argv, "host quiet follow hypervisor no-pager", 0, 1,
			  "NAME|--hypervisor [-f]", &o);

	if (first < 0)
		return -first;
	int r;

	if ((first < argc) == o.hypervisor) {
		bus_opts_free(&o);
		return cellctl_usage_error("console: name a cell, or say --hypervisor");
	}
	if (!o.follow)
		pager_open(o.no_pager);
	r = bus_follow(&o, o.hypervisor ? NULL : argv[first], o.follow, false, false);
	bus_opts_free(&o);
	return r;
}

int cellctl_list(int argc, char **argv)
{
	struct bus_opts o;
	int first = parse(argc, argv, "host json no-legend no-pager quiet all", 0, 0, "", &o);

	if (first < 0)
		return -first;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	sd_bus *bus = bus_connect(&o);
	const char *name, *state, *path;
	cJSON *arr = NULL;
	uint32_t id;
	unsigned count = 0;
	int r;

	if (!bus) {
		bus_opts_free(&o);
		return CELLCTL_EXIT_NO_DAEMON;
	}
	r = bus_call_manager(bus, "ListCells", &e, &reply, "");
	if (r < 0) {
		r = bus_error("list", &e, r);
		goto out;
	}
	if (o.quiet)
		o.no_legend = true;
	pager_open(o.no_pager);
	if (o.json)
		arr = cJSON_CreateArray();
	else if (!o.no_legend)
		printf("%-31s %4s %-15s %s\n", "NAME", "ID", "STATE", "CPUS");
	r = sd_bus_message_enter_container(reply, 'a', "(ssou)");
	while (r >= 0 && (r = sd_bus_message_read(reply, "(ssou)", &name, &state, &path, &id)) > 0) {
		sd_bus_message *cpus = NULL;
		char *text = NULL;
		cJSON *cj = NULL;

		/* sd_bus_get_property() leaves the reply inside the variant. */
		if (sd_bus_get_property(bus, CV_BUS_SERVICE, path, CV_BUS_CELL_IFACE, "CPUs", NULL, &cpus,
					"au") >= 0 &&
		    sd_bus_message_enter_container(cpus, 'a', "u") >= 0) {
			uint32_t cpu;

			cj = cJSON_CreateArray();
			text = strdup("");
			while (sd_bus_message_read_basic(cpus, 'u', &cpu) > 0) {
				str_append(&text, "%s%u", text && *text ? "," : "", cpu);
				cJSON_AddItemToArray(cj, cJSON_CreateNumber(cpu));
			}
		}
		sd_bus_message_unref(cpus);
		if (o.json) {
			cJSON *c = cJSON_CreateObject();

			cJSON_AddStringToObject(c, "name", name);
			cJSON_AddNumberToObject(c, "id", id);
			cJSON_AddStringToObject(c, "state", state);
			cJSON_AddStringToObject(c, "object", path);
			cJSON_AddItemToObject(c, "cpus", cj ? cj : cJSON_CreateArray());
			cj = NULL;
			cJSON_AddItemToArray(arr, c);
		} else {
			printf("%-31s %4u %-15s %s\n", name, id, state, text ? text : "");
		}
		cJSON_Delete(cj);
		free(text);
		count++;
	}
	if (r < 0) {
		fprintf(stderr, "%s: list: unreadable answer: %s\n", cellctl_program, strerror(-r));
		r = CELLCTL_EXIT_INVALID;
		goto out;
	}
	if (o.json)
		print_json(&o, arr);
	else if (!o.no_legend)
		printf("\n%u cell%s listed.\n", count, count == 1 ? "" : "s");
	r = CELLCTL_EXIT_OK;
out:
	cJSON_Delete(arr);
	sd_bus_error_free(&e);
	sd_bus_message_unref(reply);
	sd_bus_flush_close_unref(bus);
	bus_opts_free(&o);
	return r;
}

/* links: ListLinks as a table, one line per peer, or JSON. */
int cellctl_links(int argc, char **argv)
{
	struct bus_opts o;
	int first = parse(argc, argv, "host json no-legend no-pager", 0, 0, "", &o);

	if (first < 0)
		return -first;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	sd_bus *bus = bus_connect(&o);
	const char *name, *cell;
	uint64_t size, address, events;
	uint32_t irq, state, received, sent, coalesced;
	int32_t cell_id;
	int writable;
	cJSON *arr = NULL;
	unsigned count = 0;
	int r;

	if (!bus) {
		bus_opts_free(&o);
		return CELLCTL_EXIT_NO_DAEMON;
	}
	r = bus_call_manager(bus, "ListLinks", &e, &reply, "");
	if (r < 0) {
		r = bus_error("links", &e, r);
		goto out;
	}
	if (o.json)
		arr = cJSON_CreateArray();
	else if (!o.no_legend)
		printf("%-20s %-10s %-12s %4s %-20s %4s %-6s %9s %9s %9s\n", "LINK", "SIZE",
		       "ADDRESS", "PEER", "CELL", "ID", "STATE", "RECEIVED", "SENT", "COALESCED");
	r = sd_bus_message_enter_container(reply, 'a', "(sttubta(siuuuu))");
	while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'r', "sttubta(siuuuu)")) > 0) {
		cJSON *lj = NULL, *peers = NULL;
		char sz[32];
		unsigned p = 0;

		r = sd_bus_message_read(reply, "sttubt", &name, &size, &address, &irq, &writable,
					&events);
		if (r >= 0)
			r = sd_bus_message_enter_container(reply, 'a', "(siuuuu)");
		if (r < 0)
			break;
		cc_format_size(size, sz, sizeof(sz));
		if (o.json) {
			lj = cJSON_CreateObject();
			cJSON_AddStringToObject(lj, "name", name);
			cJSON_AddNumberToObject(lj, "size", (double)size);
			cJSON_AddNumberToObject(lj, "address", (double)address);
			cJSON_AddNumberToObject(lj, "doorbell_irq", irq);
			cJSON_AddBoolToObject(lj, "writable", writable);
			cJSON_AddNumberToObject(lj, "events", (double)events);
			peers = cJSON_AddArrayToObject(lj, "peers");
		}
		while ((r = sd_bus_message_read(reply, "(siuuuu)", &cell, &cell_id, &state,
						&received, &sent, &coalesced)) > 0) {
			char id[16] = "-";

			if (cell_id >= 0)
				snprintf(id, sizeof(id), "%d", cell_id);
			if (o.json) {
				cJSON *pj = cJSON_CreateObject();

				cJSON_AddStringToObject(pj, "cell", cell);
				cJSON_AddNumberToObject(pj, "id", cell_id);
				cJSON_AddStringToObject(pj, "state", state ? "up" : "down");
				cJSON_AddNumberToObject(pj, "state_value", state);
				cJSON_AddNumberToObject(pj, "received", received);
				cJSON_AddNumberToObject(pj, "sent", sent);
				cJSON_AddNumberToObject(pj, "coalesced", coalesced);
				cJSON_AddItemToArray(peers, pj);
			} else {
				char addr[24];

				snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)address);
				printf("%-20s %-10s %-12s %4u %-20s %4s %-6s %9u %9u %9u\n",
				       p ? "" : name, p ? "" : sz, p ? "" : addr, p, cell, id,
				       state ? "up" : "down", received, sent, coalesced);
			}
			p++;
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
		if (o.json)
			cJSON_AddItemToArray(arr, lj);
		count++;
	}
	if (r < 0) {
		fprintf(stderr, "%s: links: unreadable answer: %s\n", cellctl_program, strerror(-r));
		r = CELLCTL_EXIT_INVALID;
		goto out;
	}
	if (o.json)
		print_json(&o, arr);
	else if (!o.no_legend)
		printf("\n%u link%s of the root cell listed.\n", count, count == 1 ? "" : "s");
	r = CELLCTL_EXIT_OK;
out:
	cJSON_Delete(arr);
	sd_bus_error_free(&e);
	sd_bus_message_unref(reply);
	sd_bus_flush_close_unref(bus);
	bus_opts_free(&o);
	return r;
}

/* The wanted properties as one JSON object; their values move into it. */
static cJSON *props_json(struct props *ps, const struct bus_opts *o)
{
	cJSON *obj = cJSON_CreateObject();

	for (size_t i = 0; i < ps->n; i++)
		if (wanted(o, ps->p[i].name)) {
			cJSON_AddItemToObject(obj, ps->p[i].name, ps->p[i].json);
			ps->p[i].json = NULL;
		}
	return obj;
}

static int print_show(const struct bus_opts *o, struct props *ps)
{
	int r = CELLCTL_EXIT_OK;

	if (o->json) {
		cJSON *obj = props_json(ps, o);

		print_json(o, obj);
		cJSON_Delete(obj);
	} else {
		for (size_t i = 0; i < ps->n; i++)
			/* empty values only with --all or when named with -p, as systemctl does */
			if (wanted(o, ps->p[i].name) &&
			    (*ps->p[i].text || o->all || o->num_properties)) {
				if (o->value)
					printf("%s\n", ps->p[i].text);
				else
					printf("%s=%s\n", ps->p[i].name, ps->p[i].text);
			}
	}
	/* A -p that matches nothing is an error, as it is for systemctl. */
	for (int i = 0; i < o->num_properties; i++) {
		bool any = false;

		for (size_t k = 0; k < ps->n; k++) {
			struct bus_opts one = { .properties = &o->properties[i], .num_properties = 1 };

			any |= wanted(&one, ps->p[k].name);
		}
		if (!any) {
			fprintf(stderr, "%s: show: no property \"%s\"\n", cellctl_program,
				o->properties[i]);
			r = CELLCTL_EXIT_INVALID;
		}
	}
	return r;
}

static void print_since(const char *label, uint64_t usec)
{
	char *t = props_timestamp(usec);
	struct timespec now;
	uint64_t ago;

	clock_gettime(CLOCK_REALTIME, &now);
	ago = (uint64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000 - usec;
	if (usec && t)
		printf("%s since %s; %" PRIu64 "s ago\n", label, t, ago / 1000000);
	else
		printf("%s\n", label);
	free(t);
}

/* The last 'lines' lines of a console. */
static void print_tail(sd_bus *bus, const char *path, const char *iface, int lines, cJSON *json)
{
	sd_bus_message *reply = NULL;
	const char *data;
	size_t n = 0, start;
	int seen = 0;

	if (sd_bus_call_method(bus, CV_BUS_SERVICE, path, iface, "GetConsole", NULL, &reply, "") < 0 ||
	    sd_bus_message_read_array(reply, 'y', (const void **)&data, &n) < 0) {
		sd_bus_message_unref(reply);
		return;
	}
	start = n;
	if (start && data[start - 1] == '\n')
		start--;
	while (start > 0 && (data[start - 1] != '\n' || ++seen < lines))
		start--;
	if (json) {
		char *s = strndup(data + start, n - start);

		cJSON_AddStringToObject(json, "console", s ? s : "");
		free(s);
	} else if (n > start && lines > 0) {
		printf("\nConsole (last %d lines):\n", lines);
		fwrite(data + start, 1, n - start, stdout);
		if (data[n - 1] != '\n')
			putchar('\n');
	}
	sd_bus_message_unref(reply);
}

static int print_status(sd_bus *bus, const struct bus_opts *o, const char *path,
			struct props *ps)
{
	if (o->json) {
		cJSON *obj = props_json(ps, o);

		print_tail(bus, path ? path : CV_BUS_MANAGER_PATH,
			   path ? CV_BUS_CELL_IFACE : CV_BUS_MANAGER_IFACE, o->lines, obj);
		print_json(o, obj);
		cJSON_Delete(obj);
		return CELLCTL_EXIT_OK;
	}
	if (!path) {
		bool on = !strcmp(prop_text(ps, "Enabled"), "yes");

		printf("%s Cellvisor hypervisor - %s\n", on ? "\u25cf" : "\u25cb",
		       on ? "enabled" : "not enabled");
		if (on) {
			char label[300];

			snprintf(label, sizeof(label), "    Config: %s\n    Active:",
				 prop_text(ps, "SystemConfigPath"));
			print_since(label, prop_num(ps, "EnableTimestamp"));
			printf("     Cells: %s (root cell included)\n", prop_text(ps, "NumCells"));
			printf("  Mem pool: %" PRIu64 " KiB of %" PRIu64 " KiB used\n",
			       prop_num(ps, "MemPoolUsed") / 1024,
			       prop_num(ps, "MemPoolSize") / 1024);
			printf("Remap pool: %" PRIu64 " KiB of %" PRIu64 " KiB used\n",
			       prop_num(ps, "RemapPoolUsed") / 1024,
			       prop_num(ps, "RemapPoolSize") / 1024);
		}
		printf("   Version: cellmgrd %s, driver API %s, hypervisor ABI %s\n",
		       prop_text(ps, "Version"), prop_text(ps, "DriverAPIVersion"),
		       prop_text(ps, "HypervisorABI"));
		print_tail(bus, CV_BUS_MANAGER_PATH, CV_BUS_MANAGER_IFACE, o->lines, NULL);
		return CELLCTL_EXIT_OK;
	}
	const char *state = prop_text(ps, "State");
	const struct prop *mr = prop_get(ps, "MemoryRegions");
	cJSON *it, *list = mr ? mr->json : NULL;
	bool failed = !strcmp(state, CV_CELL_STATE_NAME_FAILED), firstline = true;
	char label[128];

	printf("%s %s (id %s)\n", failed ? "\u00d7" : bus_state_running(state) ?
	       "\u25cf" : "\u25cb", prop_text(ps, "Name"), prop_text(ps, "Id"));
	printf("    Config: %s\n", *prop_text(ps, "ConfigPath") ?
	       prop_text(ps, "ConfigPath") : "(unknown)");
	snprintf(label, sizeof(label), "     State: %s", state);
	print_since(label, prop_num(ps, "StateChangeTimestamp"));
	printf("      CPUs: %s\n", prop_text(ps, "CPUs"));
	if (*prop_text(ps, "FailedCPUs"))
		printf("Failed CPUs: %s\n", prop_text(ps, "FailedCPUs"));
	cJSON_ArrayForEach(it, list) {
		char *flags = NULL;
		cJSON *f;

		cJSON_ArrayForEach(f, cJSON_GetObjectItem(it, "flags"))
			str_append(&flags, "%s%s", flags ? "," : "", f->valuestring);
		printf("%s %#llx-%#llx -> %#llx (%s)\n",
		       firstline ? "    Memory:" : "           ",
		       (unsigned long long)cJSON_GetObjectItem(it, "phys_start")->valuedouble,
		       (unsigned long long)(cJSON_GetObjectItem(it, "phys_start")->valuedouble +
					    cJSON_GetObjectItem(it, "size")->valuedouble - 1),
		       (unsigned long long)cJSON_GetObjectItem(it, "virt_start")->valuedouble,
		       flags ? flags : "");
		free(flags);
		firstline = false;
	}
	if (*prop_text(ps, "Interrupts"))
		printf("      IRQs: %s\n", prop_text(ps, "Interrupts"));
	if (*prop_text(ps, "Devices"))
		printf("   Devices: %s\n", prop_text(ps, "Devices"));
	if (*prop_text(ps, "Images"))
		printf("    Images: %s\n", prop_text(ps, "Images"));
	printf("     Exits: %s\n", prop_text(ps, "Statistics"));
	print_tail(bus, path, CV_BUS_CELL_IFACE, o->lines, NULL);
	return failed ? CELLCTL_EXIT_CELL_FAILED : CELLCTL_EXIT_OK;
}

/*
 * show and status: read the properties of cell NAME, or of the manager when NAME is NULL,
 * and print them.
 */
static int show_or_status(const struct bus_opts *o, const char *name, bool status)
{
	sd_bus *bus = bus_connect(o);
	struct props ps = { 0 };
	char *path = NULL;
	int r;

	if (!bus)
		return CELLCTL_EXIT_NO_DAEMON;
	if (name) {
		r = bus_get_cell(bus, name, &path);
		r = r < 0 ? -r : props_get_all(bus, path, CV_BUS_CELL_IFACE, &ps, name);
	} else {
		r = props_get_all(bus, CV_BUS_MANAGER_PATH, CV_BUS_MANAGER_IFACE, &ps,
				  status ? "status" : "show");
	}
	if (!r && status && o->quiet)	/* the exit status says it all */
		r = name && !strcmp(prop_text(&ps, "State"), CV_CELL_STATE_NAME_FAILED) ?
		    CELLCTL_EXIT_CELL_FAILED : CELLCTL_EXIT_OK;
	else if (!r)
		r = status ? print_status(bus, o, path, &ps) : print_show(o, &ps);
	props_free(&ps);
	free(path);
	sd_bus_flush_close_unref(bus);
	return r;
}

/* show and status of the manager, or of each NAME, a blank line between two. */
static int show_or_status_all(const struct bus_opts *o, int argc, char **argv, int first,
			      bool status)
{
	int r = CELLCTL_EXIT_OK;

	if (!(status && o->quiet))
		pager_open(o->no_pager);
	if (first == argc)
		return show_or_status(o, NULL, status);
	for (int i = first; i < argc; i++) {
		if (i > first && !o->json && !(status && o->quiet))
			putchar('\n');
		keep_first_failure(&r, show_or_status(o, argv[i], status));
	}
	return r;
}

int cellctl_show(int argc, char **argv)
{
	struct bus_opts o;
	int first = parse(argc, argv, "host json property value no-pager all quiet", 0, INT_MAX,
			  "[NAME...]", &o);

	if (first < 0)
		return -first;
	int r = show_or_status_all(&o, argc, argv, first, false);

	bus_opts_free(&o);
	return r;
}

int cellctl_status(int argc, char **argv)
{
	struct bus_opts o;
	int first = parse(argc, argv, "host json no-pager lines quiet", 0, INT_MAX, "[NAME...]",
			  &o);

	if (first < 0)
		return -first;
	int r = show_or_status_all(&o, argc, argv, first, true);

	bus_opts_free(&o);
	return r;
}
