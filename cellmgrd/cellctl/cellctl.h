/* SPDX-License-Identifier: GPL-2.0-only */
/* cellctl: the verb table shared by main.c and the files implementing verbs. */
#ifndef CELLCTL_H
#define CELLCTL_H

#include <stdio.h>

/* Exit status of every verb. */
#define CELLCTL_EXIT_OK		0
#define CELLCTL_EXIT_INVALID	1	/* invalid input, or the operation failed */
#define CELLCTL_EXIT_USAGE	2	/* wrong command line */

struct cellctl_verb {
	const char *name;
	const char *synopsis;		/* arguments, for --help */
	const char *help;		/* one line */
	/* argv[0] is the verb's name; getopt state is reset before the call. */
	int (*run)(int argc, char **argv);
};

/* The system configuration when none is named (enable, config). */
#define DEFAULT_SYSTEM		"/etc/cellvisor/system.json"
/* Where the configuration of the cell NAME is: DEFAULT_CELLS_DIR/NAME.json. */
#define DEFAULT_CELLS_DIR	"/etc/cellvisor/cells"

extern const char *cellctl_program;

/* config.c: config check|compile|show (no daemon needed). */
int cellctl_config(int argc, char **argv);
/* config-create.c: config create (a system configuration from this machine's device tree). */
int cellctl_config_create(int argc, char **argv);

/* dts.c: print a flattened device tree as DTS-like text; 0 or a negative FDT_ERR_*. */
int cellctl_print_fdt(const void *fdt, FILE *out);

/* Print "cellctl: MESSAGE" and a pointer to --help to stderr; returns CELLCTL_EXIT_USAGE. */
int cellctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
