// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellctl: the properties of cellmgrd's objects, read with GetAll, each in two forms: text as
 * "systemctl show" prints it, and JSON.  Used by show and status (verbs-cells.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus.h"
#include "cellctl.h"
#include "props.h"

char *props_timestamp(uint64_t usec)
{
	char buf[64], *s = NULL;
	time_t t = usec / 1000000;
	struct tm tm;

	if (!usec)
		return strdup("");
	localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%a %Y-%m-%d %H:%M:%S %Z", &tm);
	s = strdup(buf);
	return s;
}

void str_append(char **s, const char *fmt, ...)
{
	char *add = NULL, *n = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&add, fmt, ap) < 0)
		add = NULL;
	va_end(ap);
	if (!add)
		return;
	if (asprintf(&n, "%s%s", *s ? *s : "", add) < 0)
		n = NULL;
	free(add);
	if (n) {
		free(*s);
		*s = n;
	}
}

/*
 * Read the variant at the message's position: its text form (systemctl show style) and
 * its JSON form.  Either output may be NULL.
 */
static int read_value(sd_bus_message *m, const char *name, char **text, cJSON **json)
{
	const char *sig;
	char *t = NULL;
	cJSON *j = NULL;
	int r;

	r = sd_bus_message_peek_type(m, NULL, &sig);
	if (r < 0)
		return r;
	r = sd_bus_message_enter_container(m, 'v', sig);
	if (r < 0)
		return r;
	if (!strcmp(sig, "s") || !strcmp(sig, "o")) {
		const char *s;

		r = sd_bus_message_read_basic(m, sig[0], &s);
		if (r >= 0) {
			t = strdup(s);
			j = cJSON_CreateString(s);
		}
	} else if (!strcmp(sig, "b")) {
		int b;

		r = sd_bus_message_read_basic(m, 'b', &b);
		if (r >= 0) {
			t = strdup(b ? "yes" : "no");
			j = cJSON_CreateBool(b);
		}
	} else if (!strcmp(sig, "u") || !strcmp(sig, "t")) {
		uint64_t v = 0;
		uint32_t u;

		if (sig[0] == 'u') {
			r = sd_bus_message_read_basic(m, 'u', &u);
			v = u;
		} else {
			r = sd_bus_message_read_basic(m, 't', &v);
		}
		if (r >= 0) {
			if (strstr(name, "Timestamp") && !strstr(name, "Monotonic"))
				t = props_timestamp(v);
			else if (asprintf(&t, "%" PRIu64, v) < 0)
				t = NULL;
			j = cJSON_CreateNumber((double)v);
		}
	} else if (!strcmp(sig, "au")) {
		uint32_t u;

		j = cJSON_CreateArray();
		t = strdup("");
		r = sd_bus_message_enter_container(m, 'a', "u");
		while (r >= 0 && (r = sd_bus_message_read_basic(m, 'u', &u)) > 0) {
			str_append(&t, "%s%u", t && *t ? " " : "", u);
			cJSON_AddItemToArray(j, cJSON_CreateNumber(u));
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
	} else if (!strcmp(sig, "a(tttas)")) {
		j = cJSON_CreateArray();
		t = strdup("");
		r = sd_bus_message_enter_container(m, 'a', "(tttas)");
		while (r >= 0 && (r = sd_bus_message_enter_container(m, 'r', "tttas")) > 0) {
			uint64_t phys, virt, size;
			const char *flag;
			cJSON *o = cJSON_CreateObject(), *flags = cJSON_CreateArray();
			char *fl = strdup("");

			r = sd_bus_message_read(m, "ttt", &phys, &virt, &size);
			if (r >= 0)
				r = sd_bus_message_enter_container(m, 'a', "s");
			while (r >= 0 && (r = sd_bus_message_read_basic(m, 's', &flag)) > 0) {
				str_append(&fl, "%s%s", fl && *fl ? "," : "", flag);
				cJSON_AddItemToArray(flags, cJSON_CreateString(flag));
			}
			if (r >= 0)
				r = sd_bus_message_exit_container(m);
			if (r >= 0)
				r = sd_bus_message_exit_container(m);
			str_append(&t, "%sphys=%#" PRIx64 " virt=%#" PRIx64 " size=%#" PRIx64 " flags=%s",
			    t && *t ? "; " : "", phys, virt, size, fl ? fl : "");
			free(fl);
			cJSON_AddNumberToObject(o, "phys_start", (double)phys);
			cJSON_AddNumberToObject(o, "virt_start", (double)virt);
			cJSON_AddNumberToObject(o, "size", (double)size);
			cJSON_AddItemToObject(o, "flags", flags);
			cJSON_AddItemToArray(j, o);
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
	} else if (!strcmp(sig, "a(uu)")) {
		uint32_t a, b;

		j = cJSON_CreateArray();
		t = strdup("");
		r = sd_bus_message_enter_container(m, 'a', "(uu)");
		while (r >= 0 && (r = sd_bus_message_read(m, "(uu)", &a, &b)) > 0) {
			cJSON *o = cJSON_CreateObject();

			if (b > 1)
				str_append(&t, "%s%u-%u", t && *t ? " " : "", a, a + b - 1);
			else
				str_append(&t, "%s%u", t && *t ? " " : "", a);
			cJSON_AddNumberToObject(o, "first", a);
			cJSON_AddNumberToObject(o, "count", b);
			cJSON_AddItemToArray(j, o);
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
	} else if (!strcmp(sig, "a(su)")) {
		const char *dev;
		uint32_t irq;

		j = cJSON_CreateArray();
		t = strdup("");
		r = sd_bus_message_enter_container(m, 'a', "(su)");
		while (r >= 0 && (r = sd_bus_message_read(m, "(su)", &dev, &irq)) > 0) {
			cJSON *o = cJSON_CreateObject();

			str_append(&t, "%s%s", t && *t ? " " : "", dev);
			if (irq)
				str_append(&t, "(irq %u)", irq);
			cJSON_AddStringToObject(o, "device", dev);
			cJSON_AddNumberToObject(o, "intx_irq", irq);
			cJSON_AddItemToArray(j, o);
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
	} else if (!strcmp(sig, "a(st)")) {
		const char *path;
		uint64_t addr;

		j = cJSON_CreateArray();
		t = strdup("");
		r = sd_bus_message_enter_container(m, 'a', "(st)");
		while (r >= 0 && (r = sd_bus_message_read(m, "(st)", &path, &addr)) > 0) {
			cJSON *o = cJSON_CreateObject();

			str_append(&t, "%s%s@%#" PRIx64, t && *t ? " " : "", path, addr);
			cJSON_AddStringToObject(o, "path", path);
			cJSON_AddNumberToObject(o, "address", (double)addr);
			cJSON_AddItemToArray(j, o);
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
	} else if (!strcmp(sig, "a{st}")) {
		const char *k;
		uint64_t v;

		j = cJSON_CreateObject();
		t = strdup("");
		r = sd_bus_message_enter_container(m, 'a', "{st}");
		while (r >= 0 && (r = sd_bus_message_read(m, "{st}", &k, &v)) > 0) {
			str_append(&t, "%s%s=%" PRIu64, t && *t ? " " : "", k, v);
			cJSON_AddNumberToObject(j, k, (double)v);
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
	} else {
		r = sd_bus_message_skip(m, sig);
		t = strdup("");
		j = cJSON_CreateNull();
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(m);
	if (r < 0 || !t || !j) {
		free(t);
		cJSON_Delete(j);
		return r < 0 ? r : -ENOMEM;
	}
	if (text)
		*text = t;
	else
		free(t);
	if (json)
		*json = j;
	else
		cJSON_Delete(j);
	return 0;
}

void props_free(struct props *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->p[i].name);
		free(ps->p[i].text);
		cJSON_Delete(ps->p[i].json);
	}
	free(ps->p);
	ps->p = NULL;
	ps->n = 0;
}

const struct prop *prop_get(const struct props *ps, const char *name)
{
	for (size_t i = 0; i < ps->n; i++)
		if (!strcmp(ps->p[i].name, name))
			return &ps->p[i];
	return NULL;
}

const char *prop_text(const struct props *ps, const char *name)
{
	const struct prop *p = prop_get(ps, name);

	return p ? p->text : "";
}

uint64_t prop_num(const struct props *ps, const char *name)
{
	const struct prop *p = prop_get(ps, name);

	return p && cJSON_IsNumber(p->json) ? (uint64_t)p->json->valuedouble : 0;
}

int props_get_all(sd_bus *bus, const char *path, const char *iface, struct props *ps,
		  const char *what)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int r;

	memset(ps, 0, sizeof(*ps));
	r = sd_bus_call_method(bus, CV_BUS_SERVICE, path, "org.freedesktop.DBus.Properties", "GetAll",
			       &e, &reply, "s", iface);
	if (r < 0) {
		r = bus_error(what, &e, r);
		sd_bus_error_free(&e);
		return r;
	}
	r = sd_bus_message_enter_container(reply, 'a', "{sv}");
	while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
		const char *name;
		struct prop *n;

		r = sd_bus_message_read(reply, "s", &name);
		if (r < 0)
			break;
		n = realloc(ps->p, (ps->n + 1) * sizeof(*n));
		if (!n) {
			r = -ENOMEM;
			break;
		}
		ps->p = n;
		n = &ps->p[ps->n];
		memset(n, 0, sizeof(*n));
		n->name = strdup(name);
		r = read_value(reply, name, &n->text, &n->json);
		if (r < 0) {
			free(n->name);
			break;
		}
		ps->n++;
		r = sd_bus_message_exit_container(reply);
	}
	sd_bus_message_unref(reply);
	if (r < 0) {
		fprintf(stderr, "%s: %s: unreadable answer from cellmgrd: %s\n", cellctl_program,
			what, strerror(-r));
		props_free(ps);
		return CELLCTL_EXIT_INVALID;
	}
	return CELLCTL_EXIT_OK;
}
