// SPDX-License-Identifier: GPL-2.0-only
/* cellctl: a flattened device tree as readable DTS-like text (config show --device-tree). */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>

#include <libfdt.h>

#include "cellctl.h"

/* A list of one or more non-empty printable strings, each NUL-terminated. */
static bool is_strings(const char *v, int len)
{
	bool start = true;

	if (len <= 0 || v[len - 1])
		return false;
	for (int i = 0; i < len; i++) {
		if (!v[i] && start)
			return false;		/* an empty string: rather bytes */
		if (v[i] && !isprint((unsigned char)v[i]))
			return false;
		start = !v[i];
	}
	return true;
}

static void print_value(const char *v, int len, FILE *out)
{
	if (is_strings(v, len)) {
		for (int i = 0; i < len; i++) {
			if (i == 0 || !v[i - 1])
				fputs(i ? ", \"" : "\"", out);
			if (!v[i])
				fputc('"', out);
			else if (v[i] == '"' || v[i] == '\\')
				fprintf(out, "\\%c", v[i]);
			else
				fputc(v[i], out);
		}
	} else if (len % 4 == 0) {
		fputc('<', out);
		for (int i = 0; i < len; i += 4)
			fprintf(out, "%s0x%x", i ? " " : "",
				fdt32_to_cpu(*(const fdt32_t *)(const void *)(v + i)));
		fputc('>', out);
	} else {
		fputc('[', out);
		for (int i = 0; i < len; i++)
			fprintf(out, "%s%02x", i ? " " : "", (unsigned char)v[i]);
		fputc(']', out);
	}
}

static void indent(int depth, FILE *out)
{
	while (depth-- > 0)
		fputc('\t', out);
}

static int print_node(const void *fdt, int node, int depth, FILE *out)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	int prop, child, r = 0;

	if (depth > 32)
		return -FDT_ERR_BADSTRUCTURE;
	indent(depth, out);
	fprintf(out, "%s {\n", depth ? name : "/");
	fdt_for_each_property_offset(prop, fdt, node) {
		const char *pname;
		int len;
		const char *v = fdt_getprop_by_offset(fdt, prop, &pname, &len);

		if (!v)
			return len;
		indent(depth + 1, out);
		fputs(pname, out);
		if (len) {
			fputs(" = ", out);
			print_value(v, len, out);
		}
		fputs(";\n", out);
	}
	if (prop != -FDT_ERR_NOTFOUND)
		return prop;
	fdt_for_each_subnode(child, fdt, node) {
		r = print_node(fdt, child, depth + 1, out);
		if (r < 0)
			return r;
	}
	if (child != -FDT_ERR_NOTFOUND)
		return child;
	indent(depth, out);
	fputs("};\n", out);
	return 0;
}

int cellctl_print_fdt(const void *fdt, FILE *out)
{
	int r = fdt_check_header(fdt);

	if (r < 0)
		return r;
	fputs("/dts-v1/;\n\n", out);
	return print_node(fdt, 0, 0, out);
}
