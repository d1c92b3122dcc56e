// SPDX-License-Identifier: GPL-2.0-only
/* cellctl: control Cellvisor cells.  This file only dispatches to the verbs. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cellvisor/config.h>

#include "bus.h"
#include "cellctl.h"

const char *cellctl_program = "cellctl";

static const struct cellctl_verb verbs[] = {
	{ "config", "check|compile|show|create",
	  "check, compile and show configuration files (no daemon needed)", cellctl_config },
	/* Through cellmgrd on the system bus (bus.h, verbs-cells.c). */
	{ "enable", "[SYSTEM-CONFIG]", "enable the hypervisor", cellctl_enable },
	{ "disable", "", "disable the hypervisor", cellctl_disable },
	{ "list", "[--json] [--no-legend]", "list the cells (the default verb)", cellctl_list },
	{ "status", "[NAME...] [--json] [-n N]", "state and last console lines",
	  cellctl_status },
	{ "show", "[NAME...] [-p|-P PROP] [-a]", "properties as KEY=VALUE",
	  cellctl_show },
	{ "create", "CELL-CONFIG...", "create cells", cellctl_create },
	{ "load", "NAME [IMAGE@ADDRESS...]", "load images (default: its config's)",
	  cellctl_load },
	{ "start", "NAME... [--config F] [--wait]", "start cells", cellctl_start },
	{ "shutdown", "NAME... [--destroy]", "shut cells down", cellctl_shutdown },
	{ "destroy", "NAME...", "destroy cells", cellctl_destroy },
	{ "restart", "NAME...", "load from the config again and start", cellctl_restart },
	{ "terminate", "NAME...", "stop and destroy, without asking", cellctl_terminate },
	{ "console", "NAME|--hypervisor [-f]", "print a console", cellctl_console },
	{ "links", "[--json] [--no-legend]", "the root cell's links and their peers",
	  cellctl_links },
	{ NULL, NULL, NULL, NULL },
};

int cellctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cellctl_program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", cellctl_program);
	return CELLCTL_EXIT_USAGE;
}

static void help(void)
{
	printf("Usage: %s [OPTIONS] VERB [ARGUMENTS]\n\nControl Cellvisor cells.\n\nVerbs:\n",
	       cellctl_program);
	for (const struct cellctl_verb *v = verbs; v->name; v++)
		printf("  %-9s %-29s %s\n", v->name, v->synopsis, v->help);
	printf("\nConfiguration verbs:\n"
	       "  config check [--system FILE] FILE...   check files, each and then together\n"
	       "  config compile [--system FILE] FILE -o OUT\n"
	       "                                         compile JSON to a binary blob\n"
	       "  config show [--json] FILE|NAME         describe a JSON or binary file\n"
	       "  config show --device-tree|--boot-stub [--system FILE] [-o OUT] FILE|NAME\n"
	       "                                         a Linux cell's device tree or boot stub\n"
	       "  config create [-o OUT] [--fdt FILE] [--cmdline FILE] [--hypervisor-size SIZE]\n"
	       "                                         a system configuration for this machine\n"
	       "\nOptions:\n  -h, --help     show this help\n      --version  show the version\n"
	       "  -H, --host=USER@HOST   the cellmgrd of another machine, over ssh\n"
	       "  -q, --quiet            no legend, hints or notes (status: exit status only)\n"
	       "  -p, --property=NAME    show: only these properties; -P NAME: their values\n"
	       "  -a, --all              show: empty properties too\n"
	       "      --json[=short|pretty], --no-legend, --no-pager, --no-ask-password\n"
	       "\nExit status: 0 success, 1 invalid input or failure, 2 usage error.\n"
	       "See cellctl(1) and cellvisor-config(5).\n");
}

/*
 * Options may come before the verb, as with systemctl ("cellctl -H host list"): move the
 * verb, the first word that is neither an option nor an option's argument, to the front.
 */
static bool verb_first(int argc, char **argv)
{
	static const char *const with_arg[] = {
		"-H", "--host", "-p", "-P", "--property", "-n", "--lines", "--config", "-o",
		"--system", "--fdt", "--cmdline", "--hypervisor-size", NULL,
	};
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++)
		for (const char *const *w = with_arg; *w; w++)
			if (!strcmp(argv[i], *w)) {
				i++;
				break;
			}
	if (i >= argc || argv[i][0] == '-')
		return false;
	char *verb = argv[i];

	memmove(argv + 2, argv + 1, (i - 1) * sizeof(*argv));
	argv[1] = verb;
	if (!strcmp(verb, "config"))	/* "config" has verbs of its own */
		verb_first(argc - 1, argv + 1);
	return true;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char **args = NULL;
	int c;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
			 !strcmp(argv[1], "--version")))
		goto parse;
	if (!verb_first(argc, argv)) {
		/* No verb: "list", with the options given ("cellctl -H host"). */
		args = calloc(argc + 2, sizeof(*args));
		if (!args)
			return CELLCTL_EXIT_INVALID;
		args[0] = argv[0];
		args[1] = "list";
		memcpy(args + 2, argv + 1, (argc - 1) * sizeof(*args));
		argv = args;
		argc++;
	}
parse:
	/* '+': stop at the verb; its options are its own. */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help();
			free(args);
			return CELLCTL_EXIT_OK;
		case 'V':
			printf("cellctl (Cellvisor) configuration revision %d\n", CV_CONFIG_REVISION);
			return CELLCTL_EXIT_OK;
		default:
			free(args);
			return cellctl_usage_error("unknown option");
		}
	}
	if (optind == argc) {
		free(args);
		return cellctl_usage_error("no verb given");
	}
	for (const struct cellctl_verb *v = verbs; v->name; v++)
		if (!strcmp(v->name, argv[optind])) {
			argc -= optind;
			argv += optind;
			optind = 0;	/* glibc: 0 re-initialises getopt */
			c = v->run(argc, argv);
			free(args);
			return c;
		}
	free(args);
	return cellctl_usage_error("unknown verb '%s'", argv[optind]);
}
