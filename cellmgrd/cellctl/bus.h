/* SPDX-License-Identifier: GPL-2.0-only */
/* cellctl: the verbs that talk to cellmgrd over D-Bus (bus.c, verbs-cells.c). */
#ifndef CELLCTL_BUS_H
#define CELLCTL_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-bus.h>

#include "cellvisor-bus.h"

/*
 * Exit status of the D-Bus verbs, besides CELLCTL_EXIT_OK (0), CELLCTL_EXIT_INVALID (1: the
 * operation failed, or invalid input) and CELLCTL_EXIT_USAGE (2); documented in cellctl(1).
 */
#define CELLCTL_EXIT_CELL_FAILED	3	/* the cell is (or went) "failed" */
#define CELLCTL_EXIT_NOT_AUTHORIZED	4	/* polkit said no */
#define CELLCTL_EXIT_NO_SUCH_CELL	5
#define CELLCTL_EXIT_NO_DAEMON		6	/* cellmgrd cannot be reached */
#define CELLCTL_EXIT_REFUSED		7	/* refused by a cell or the hypervisor's state:
						   shutdown refused, locked, busy, wrong state,
						   not enabled, already enabled */

/* The verbs. */
int cellctl_enable(int argc, char **argv);
int cellctl_disable(int argc, char **argv);
int cellctl_list(int argc, char **argv);
int cellctl_links(int argc, char **argv);
int cellctl_status(int argc, char **argv);
int cellctl_show(int argc, char **argv);
int cellctl_create(int argc, char **argv);
int cellctl_load(int argc, char **argv);
int cellctl_start(int argc, char **argv);
int cellctl_shutdown(int argc, char **argv);
int cellctl_destroy(int argc, char **argv);
int cellctl_console(int argc, char **argv);

/* bus.c */
struct bus_opts {
	const char *host;		/* -H user@host, NULL: the local system bus */
	bool json, json_pretty, no_legend, value, ask_password, quiet, all, no_pager;
	bool follow, wait, notify, destroy, hypervisor;
	const char *config;
	const char **properties;	/* -p, NULL-terminated */
	int num_properties;
	int lines;			/* -n for status */
};

/* Parse the common options; returns the index of the first operand, or -exit status. */
int bus_parse(int argc, char **argv, const char *accepted, struct bus_opts *o);
void bus_opts_free(struct bus_opts *o);
/* Connect (prints the reason and returns NULL on failure). */
sd_bus *bus_connect(const struct bus_opts *o);
/* Report a failed call ("cellctl: WHAT: MESSAGE") and map its error to an exit status. */
int bus_error(const char *what, const sd_bus_error *e, int r);
int bus_exit_status(const sd_bus_error *e, int r);
/* CLOCK_MONOTONIC in ms. */
uint64_t bus_now_ms(void);
/* A method call to the manager object (sd_bus_call_method()). */
int bus_call_manager(sd_bus *bus, const char *method, sd_bus_error *e, sd_bus_message **reply,
		     const char *types, ...);
/* Is a cell's State one of the running ones (CV_CELL_STATE_NAME_RUNNING, ..._LOCKED)? */
bool bus_state_running(const char *state);
/* The object of cell NAME; prints why not and returns the exit status as a negative. */
int bus_get_cell(sd_bus *bus, const char *name, char **path);
/* Stream a console (cell NAME, or the hypervisor's with name NULL) to stdout, following
   it across daemon restarts; with exit_on_stop, return when the cell stops. */
int bus_follow(const struct bus_opts *o, const char *name, bool follow, bool exit_on_stop,
	       bool notify);

/*
 * Page what follows through $CELLCTL_PAGER, else $PAGER, else less (LESS=FRXMK unless set),
 * as systemctl does: only when stdout is a terminal and 'disabled' (--no-pager) is false;
 * "" or "cat" means no pager.  The pager is waited for when cellctl exits.
 */
void pager_open(bool disabled);

#define BUS_LONG_CALL	(10 * 60 * 1000000ULL)	/* shutdowns wait for the cell */

#endif
