// SPDX-License-Identifier: GPL-2.0-only
/* cellctl config check|compile|show: configuration files, no daemon needed. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#include "cellconf.h"
#include "cellctl.h"

enum { OPT_SYSTEM = 256, OPT_JSON, OPT_DEVICE_TREE, OPT_BOOT_STUB };

static const struct option opts[] = {
	{ "system", required_argument, NULL, OPT_SYSTEM },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "device-tree", no_argument, NULL, OPT_DEVICE_TREE },
	{ "boot-stub", no_argument, NULL, OPT_BOOT_STUB },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ NULL, 0, NULL, 0 },
};

struct args {
	const char *system, *output;
	bool json, quiet, device_tree, boot_stub;
	char **files;
	int num_files;
};

enum { ACCEPT_SYSTEM = 1, ACCEPT_JSON = 2, ACCEPT_OUTPUT = 4, ACCEPT_QUIET = 8,
       ACCEPT_DEVICE_TREE = 16 };

static int parse_args(int argc, char **argv, unsigned accepted, struct args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	while ((c = getopt_long(argc, argv, "o:q", opts, NULL)) != -1) {
		unsigned bit = c == OPT_SYSTEM ? ACCEPT_SYSTEM : c == OPT_JSON ? ACCEPT_JSON :
			       c == 'o' ? ACCEPT_OUTPUT : c == 'q' ? ACCEPT_QUIET :
			       c == OPT_DEVICE_TREE || c == OPT_BOOT_STUB ? ACCEPT_DEVICE_TREE : 0;

		if (!(bit & accepted))
			return cellctl_usage_error("config %s: option not accepted here",
						   argv[0]);
		switch (c) {
		case OPT_SYSTEM:
			a->system = optarg;
			break;
		case OPT_JSON:
			a->json = true;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'q':
			a->quiet = true;
			break;
		case OPT_DEVICE_TREE:
			a->device_tree = true;
			break;
		case OPT_BOOT_STUB:
			a->boot_stub = true;
			break;
		}
	}
	a->files = argv + optind;
	a->num_files = argc - optind;
	return 0;
}

/* Load the system configuration named by --system, or the installed one if present. */
static struct cc_config *load_system(const char *name, bool *missing, struct cc_diags *d)
{
	*missing = false;
	if (name)
		return cc_load_file(name, d);
	if (access(DEFAULT_SYSTEM, F_OK) == 0)
		return cc_load_file(DEFAULT_SYSTEM, d);
	*missing = true;
	return NULL;
}

static int finish(struct cc_diags *d, bool quiet, enum cc_severity min)
{
	int ret = d->errors ? CELLCTL_EXIT_INVALID : CELLCTL_EXIT_OK;

	if (!quiet || d->errors)
		cc_diags_print(d, stderr, quiet ? CC_WARNING : min);
	cc_diags_free(d);
	return ret;
}

static int check(int argc, char **argv)
{
	struct cc_config **cfgs, *system = NULL, *installed = NULL;
	struct cc_diags d;
	struct args a;
	int n = 0, systems = 0, ret;
	bool missing;

	if ((ret = parse_args(argc, argv, ACCEPT_SYSTEM | ACCEPT_QUIET, &a)))
		return ret;
	if (!a.num_files)
		return cellctl_usage_error("config check: no file given");
	cc_diags_init(&d);
	cfgs = calloc(a.num_files, sizeof(*cfgs));
	if (!cfgs)
		abort();
	for (int i = 0; i < a.num_files; i++) {
		struct cc_config *c = cc_load_file(a.files[i], &d);

		if (!c)
			continue;
		if (c->kind == CC_KIND_SYSTEM && systems++) {
			cc_report(&d, CC_ERROR, c->file, NULL, "check one machine at a time",
				  "a second system configuration (the first is %s)", system->file);
			cc_free(c);
			continue;
		}
		if (c->kind == CC_KIND_SYSTEM)
			system = c;
		cfgs[n++] = c;
	}
	if (!systems && !a.system) {
		installed = load_system(NULL, &missing, &d);
		system = installed;
	} else if (a.system && !systems) {
		installed = system = cc_load_file(a.system, &d);
	}
	if (installed)
		cc_validate(installed, NULL, 0, &d);
	for (int i = 0; i < n; i++)
		cc_validate(cfgs[i], cfgs[i] == system ? NULL : system, 0, &d);
	if (n > 1)
		cc_validate_set((const struct cc_config *const *)cfgs, n, system, &d);
	cc_diags_print(&d, stderr, a.quiet ? CC_WARNING : CC_NOTE);
	fflush(stderr);
	if (!a.quiet)
		printf("%d file%s checked%s%s: %u error%s, %u warning%s\n", a.num_files,
		       a.num_files == 1 ? "" : "s", installed ? " against " : "",
		       installed ? installed->file : "", d.errors, d.errors == 1 ? "" : "s",
		       d.warnings, d.warnings == 1 ? "" : "s");
	ret = d.errors ? CELLCTL_EXIT_INVALID : CELLCTL_EXIT_OK;
	for (int i = 0; i < n; i++)
		cc_free(cfgs[i]);
	free(cfgs);
	cc_free(installed);
	cc_diags_free(&d);
	return ret;
}

static bool write_file(const char *path, const void *data, size_t len, struct cc_diags *d)
{
	char *tmp;
	FILE *f;
	bool ok;

	if (asprintf(&tmp, "%s.tmp%ld", path, (long)getpid()) < 0)
		abort();
	f = fopen(tmp, "wb");
	ok = f && fwrite(data, 1, len, f) == len;
	if (f && fclose(f))
		ok = false;
	if (ok && rename(tmp, path))
		ok = false;
	if (!ok) {
		cc_report(d, CC_ERROR, path, NULL, "check the directory and its permissions",
			  "cannot write: %s", strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok;
}

static int compile(int argc, char **argv)
{
	struct cc_config *c, *system = NULL;
	struct cc_diags d;
	struct args a;
	bool missing;
	int ret;

	if ((ret = parse_args(argc, argv, ACCEPT_SYSTEM | ACCEPT_OUTPUT | ACCEPT_QUIET, &a)))
		return ret;
	if (a.num_files != 1 || !a.output)
		return cellctl_usage_error("config compile: expected FILE -o OUTPUT");
	cc_diags_init(&d);
	c = cc_load_file(a.files[0], &d);
	if (c && c->kind == CC_KIND_CELL) {
		system = load_system(a.system, &missing, &d);
		if (system)
			cc_validate(system, NULL, 0, &d);
	}
	if (c && !d.errors && cc_validate(c, system, 0, &d))
		write_file(a.output, c->blob, c->blob_size, &d);
	cc_free(c);
	cc_free(system);
	return finish(&d, a.quiet, CC_WARNING);
}

/* FILE, or the installed configuration of the cell NAME if there is no such file. */
static char *config_file(const char *arg)
{
	char *path;

	if (access(arg, F_OK) == 0 || strchr(arg, '/') || !*arg || arg[0] == '.')
		return strdup(arg);
	if (asprintf(&path, "%s/%s.json", DEFAULT_CELLS_DIR, arg) < 0)
		return NULL;
	if (access(path, F_OK) == 0)
		return path;
	free(path);
	return strdup(arg);
}

/*
 * The device tree of a Linux cell, with where its parts go, as text or to a DTB file; or its
 * boot stub to a file.
 */
static void show_device_tree(const struct cc_config *c, const struct args *a,
			     struct cc_diags *d)
{
	struct cc_config *system = NULL;
	struct cc_linux_payload p;
	bool missing;
	int r;

	if (c->kind != CC_KIND_CELL || !c->linux_cfg) {
		cc_report(d, CC_ERROR, c->file, NULL, "only a JSON cell file with \"linux\" has one",
			  "no Linux payload: no %s to show",
			  a->boot_stub ? "boot stub" : "device tree");
		return;
	}
	system = load_system(a->system, &missing, d);
	if (missing)
		cc_report(d, CC_ERROR, c->file, NULL, "give it with --system FILE",
			  "the device tree is generated from the system configuration, and %s "
			  "does not exist", DEFAULT_SYSTEM);
	if (system && !cc_validate(system, NULL, 0, d))
		system = (cc_free(system), NULL);
	if (!system || !cc_validate(c, system, CC_CHECK_FILES, d)) {
		cc_free(system);
		return;
	}
	if (cc_linux_plan(c, system, CC_CHECK_FILES, &p, d) && p.complete) {
		if (a->boot_stub) {
			write_file(a->output, p.stub, sizeof(p.stub), d);
		} else if (a->output) {
			write_file(a->output, p.dtb, p.dtb_size, d);
		} else {
			printf("/*\n * Linux cell \"%s\": boot stub at 0x%llx, kernel at 0x%llx, "
			       "device tree at 0x%llx (%zu bytes)", cc_cell(c)->name,
			       (unsigned long long)p.stub_address,
			       (unsigned long long)p.kernel_address,
			       (unsigned long long)p.dtb_address, p.dtb_size);
			if (p.initrd_size)
				printf(",\n * initrd at 0x%llx (%llu bytes)",
				       (unsigned long long)p.initrd_address,
				       (unsigned long long)p.initrd_size);
			printf("\n */\n");
			r = cellctl_print_fdt(p.dtb, stdout);
			if (r < 0)
				cc_report(d, CC_ERROR, c->file, NULL, "report this as a bug",
					  "cannot print the device tree: %s", fdt_strerror(r));
		}
	}
	cc_linux_payload_free(&p);
	cc_free(system);
}

static int show(int argc, char **argv)
{
	struct cc_config *c;
	struct cc_diags d;
	struct args a;
	char *file;
	int ret;

	if ((ret = parse_args(argc, argv, ACCEPT_JSON | ACCEPT_QUIET | ACCEPT_DEVICE_TREE |
			      ACCEPT_SYSTEM | ACCEPT_OUTPUT, &a)))
		return ret;
	if (a.num_files != 1)
		return cellctl_usage_error("config show: expected one FILE or cell NAME");
	if (a.json && (a.device_tree || a.boot_stub))
		return cellctl_usage_error("config show: --json and --device-tree or --boot-stub "
					   "exclude each other");
	if (a.device_tree && a.boot_stub)
		return cellctl_usage_error("config show: --device-tree or --boot-stub, not both");
	if (a.boot_stub && !a.output)
		return cellctl_usage_error("config show: --boot-stub writes to a file: give -o FILE");
	if ((a.system || a.output) && !a.device_tree && !a.boot_stub)
		return cellctl_usage_error("config show: --system and -o go with --device-tree or "
					   "--boot-stub");
	file = config_file(a.files[0]);
	if (!file)
		abort();
	cc_diags_init(&d);
	c = cc_load_file(file, &d);
	free(file);
	if (c && (a.device_tree || a.boot_stub)) {
		show_device_tree(c, &a, &d);
	} else if (c && a.json) {
		char *json = cc_to_json(c);

		fputs(json, stdout);
		free(json);
	} else if (c) {
		cc_print(c, stdout);
	}
	cc_free(c);
	return finish(&d, a.quiet, CC_WARNING);
}

int cellctl_config(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} sub[] = { { "check", check }, { "compile", compile }, { "show", show },
		    { "create", cellctl_config_create } };

	if (argc < 2)
		return cellctl_usage_error("config: expected check, compile, show or create");
	for (unsigned i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
		if (!strcmp(argv[1], sub[i].name))
			return sub[i].run(argc - 1, argv + 1);
	return cellctl_usage_error("config: unknown command '%s'", argv[1]);
}
