// SPDX-License-Identifier: GPL-2.0-only
/* cellctl: control Cellvisor cells.  This file only dispatches to the verbs. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cellvisor/config.h>

#include "cellctl.h"

const char *cellctl_program = "cellctl";

static const struct cellctl_verb verbs[] = {
	{ "config", "check|compile|show ...",
	  "check, compile and show configuration files (no daemon needed)", cellctl_config },
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
		printf("  %-8s %-26s %s\n", v->name, v->synopsis, v->help);
	printf("\nConfiguration verbs:\n"
	       "  config check [--system FILE] FILE...   check files, each and then together\n"
	       "  config compile [--system FILE] FILE -o OUT\n"
	       "                                         compile JSON to a binary blob\n"
	       "  config show [--json] FILE              describe a JSON or binary file\n"
	       "\nOptions:\n  -h, --help     show this help\n      --version  show the version\n"
	       "\nExit status: 0 success, 1 invalid input or failure, 2 usage error.\n"
	       "See cellctl(1) and cellvisor-config(5).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* '+': stop at the verb; its options are its own. */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help();
			return CELLCTL_EXIT_OK;
		case 'V':
			printf("cellctl (Cellvisor) configuration revision %d\n", CV_CONFIG_REVISION);
			return CELLCTL_EXIT_OK;
		default:
			return cellctl_usage_error("unknown option");
		}
	}
	if (optind == argc)
		return cellctl_usage_error("no verb given");
	for (const struct cellctl_verb *v = verbs; v->name; v++)
		if (!strcmp(v->name, argv[optind])) {
			argc -= optind;
			argv += optind;
			optind = 0;	/* glibc: 0 re-initialises getopt */
			return v->run(argc, argv);
		}
	return cellctl_usage_error("unknown verb '%s'", argv[optind]);
}
