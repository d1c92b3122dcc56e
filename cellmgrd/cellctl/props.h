/* SPDX-License-Identifier: GPL-2.0-only */
/* cellctl: the properties of a cellmgrd object as text and JSON (props.c). */
#ifndef CELLCTL_PROPS_H
#define CELLCTL_PROPS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <systemd/sd-bus.h>

struct prop {
	char *name, *text;		/* text: as "systemctl show" prints it */
	cJSON *json;
};

struct props {
	struct prop *p;
	size_t n;
};

/*
 * All properties of interface 'iface' of object 'path'; on failure, prints why (as 'what')
 * and returns the exit status.
 */
int props_get_all(sd_bus *bus, const char *path, const char *iface, struct props *ps,
		  const char *what);
void props_free(struct props *ps);
/* A property by name, NULL if there is none; its text ("" if none); its number (0). */
const struct prop *prop_get(const struct props *ps, const char *name);
const char *prop_text(const struct props *ps, const char *name);
uint64_t prop_num(const struct props *ps, const char *name);

/* A realtime timestamp in µs as local time, "" for 0 (malloc'ed, NULL without memory). */
char *props_timestamp(uint64_t usec);
/* Append printf-style to a growing malloc'ed string (*s may be NULL; unchanged on ENOMEM). */
void str_append(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
