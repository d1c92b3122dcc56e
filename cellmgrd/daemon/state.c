// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellmgrd: what the driver does not remember, kept in the state directory (default
 * /run/cellmgrd, preserved across daemon restarts): the system configuration the hypervisor
 * was enabled with, and for each cell its configuration path and blob, its images, the
 * parameter page of a "parameters": {"text": ...}, the boot stub and device tree of a Linux
 * cell, and the timestamps of its transitions.
 * The driver stays the authority on which cells exist and in which state: an entry whose id
 * no longer matches is ignored and replaced.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cellconf.h"
#include "cellmgrd.h"

static bool safe_name(const char *name)
{
	if (!name[0] || name[0] == '.')
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
			return false;
	return true;
}

static char *state_path(struct manager *m, const char *name, const char *suffix)
{
	char *p = NULL;

	if (name)
		xasprintf(&p, "%s/cells/%s%s", m->state_dir, name, suffix);
	else
		xasprintf(&p, "%s/system%s", m->state_dir, suffix);
	return p;
}

static int write_atomic(const char *path, const void *data, size_t n)
{
	char *tmp = NULL;
	FILE *f;
	int r = 0;

	xasprintf(&tmp, "%s.tmp", path);
	if (!tmp)
		return -ENOMEM;
	f = fopen(tmp, "we");
	if (!f) {
		r = -errno;
		goto out;
	}
	if (n && fwrite(data, 1, n, f) != n)
		r = -EIO;
	if (fclose(f) != 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
out:
	if (r)
		log_warning(NULL, "cannot write %s: %s; a restarted cellmgrd will not know what "
			    "it records", path, strerror(-r));
	free(tmp);
	return r;
}

static void ts_line(char **buf, const char *key, const struct dual_ts *ts)
{
	char *n = NULL;

	xasprintf(&n, "%s%s=%" PRIu64 " %" PRIu64 "\n", *buf ? *buf : "", key, ts->realtime,
		  ts->monotonic);
	free(*buf);
	*buf = n;
}

static void str_line(char **buf, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void str_line(char **buf, const char *key, const char *fmt, ...)
{
	char *v = NULL, *n = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&v, fmt, ap) < 0)
		v = NULL;
	va_end(ap);
	xasprintf(&n, "%s%s=%s\n", *buf ? *buf : "", key, v ? v : "");
	free(v);
	free(*buf);
	*buf = n;
}

static void ts_parse(const char *v, struct dual_ts *ts)
{
	if (sscanf(v, "%" SCNu64 " %" SCNu64, &ts->realtime, &ts->monotonic) != 2)
		*ts = (struct dual_ts){ 0, 0 };
}

void state_save_system(struct manager *m)
{
	char *path = state_path(m, NULL, ""), *blob = state_path(m, NULL, ".blob");
	char *text = NULL;

	if (!path || !blob)
		goto out;
	if (!m->system_config_path) {
		unlink(path);
		unlink(blob);
		goto out;
	}
	str_line(&text, "config", "%s", m->system_config_path);
	ts_line(&text, "enabled", &m->enabled_ts);
	if (m->system_blob)
		write_atomic(blob, m->system_blob, m->system_blob_size);
	if (text)
		write_atomic(path, text, strlen(text));
out:
	free(text);
	free(path);
	free(blob);
}

void state_load_system(struct manager *m)
{
	char *path = state_path(m, NULL, ""), *blob = state_path(m, NULL, ".blob");
	char *text = NULL, *data = NULL, *line, *save = NULL;
	long n;

	if (!path || !blob)
		goto out;
	if (read_file(path, &text, 1 << 20) < 0)
		goto out;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "config=", 7)) {
			free(m->system_config_path);
			m->system_config_path = strdup(line + 7);
		} else if (!strncmp(line, "enabled=", 8)) {
			ts_parse(line + 8, &m->enabled_ts);
		}
	}
	n = read_file(blob, &data, CC_MAX_FILE_SIZE);
	if (n > 0) {
		struct cc_diags d;

		cc_diags_init(&d);
		m->system_config = cc_load_blob(m->system_config_path ? m->system_config_path :
						blob, data, n, &d);
		cc_diags_free(&d);
		if (m->system_config) {
			m->system_blob = data;
			m->system_blob_size = n;
			data = NULL;
		} else {
			log_warning(NULL, "%s is not a usable system configuration; cells created "
				    "from now on are checked without it", blob);
		}
	}
out:
	free(data);
	free(text);
	free(path);
	free(blob);
}

void state_save_cell(struct manager *m, const struct cell *c)
{
	char *path, *blob, *text = NULL;

	if (!safe_name(c->name))
		return;
	path = state_path(m, c->name, ".meta");
	blob = state_path(m, c->name, ".blob");
	if (!path || !blob)
		goto out;
	str_line(&text, "id", "%u", c->id);
	if (c->state != CELL_STATE_INVALID)
		str_line(&text, "state", "%s", cell_state_to_string(c->state));
	if (c->config_path)
		str_line(&text, "config", "%s", c->config_path);
	for (size_t i = 0; i < c->n_images; i++)
		str_line(&text, "image", "%#" PRIx64 " %s", c->images[i].address,
			 c->images[i].path);
	ts_line(&text, "created", &c->created);
	ts_line(&text, "loaded", &c->loaded);
	ts_line(&text, "started", &c->started);
	ts_line(&text, "shutdown", &c->shut_down);
	ts_line(&text, "changed", &c->changed);
	if (c->blob)
		write_atomic(blob, c->blob, c->blob_size);
	if (text)
		write_atomic(path, text, strlen(text));
out:
	free(text);
	free(path);
	free(blob);
}

void state_load_cell(struct manager *m, struct cell *c)
{
	char *path, *blob, *text = NULL, *data = NULL, *line, *save = NULL;
	unsigned id = UINT32_MAX;
	long n;

	if (!safe_name(c->name))
		return;
	path = state_path(m, c->name, ".meta");
	blob = state_path(m, c->name, ".blob");
	if (!path || !blob || read_file(path, &text, 1 << 20) < 0)
		goto out;
	if (sscanf(text, "id=%u", &id) != 1 || id != c->id) {
		log_info(c->name, "Cell \"%s\": the record in %s belongs to an older cell of "
			 "that name; starting a new one", c->name, path);
		goto out;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, '=');

		if (!v)
			continue;
		*v++ = 0;
		if (!strcmp(line, "state")) {
			c->state = cell_state_from_string(v);
		} else if (!strcmp(line, "config")) {
			free(c->config_path);
			c->config_path = strdup(v);
		} else if (!strcmp(line, "image")) {
			struct image_spec *ni = realloc(c->images, (c->n_images + 1) * sizeof(*ni));
			uint64_t addr;
			int off = 0;

			if (!ni)
				continue;
			c->images = ni;
			if (sscanf(v, "%" SCNx64 " %n", &addr, &off) != 1 || !off)
				continue;
			ni[c->n_images].address = addr;
			ni[c->n_images].path = strdup(v + off);
			if (ni[c->n_images].path)
				c->n_images++;
		} else if (!strcmp(line, "created")) {
			ts_parse(v, &c->created);
		} else if (!strcmp(line, "loaded")) {
			ts_parse(v, &c->loaded);
		} else if (!strcmp(line, "started")) {
			ts_parse(v, &c->started);
		} else if (!strcmp(line, "shutdown")) {
			ts_parse(v, &c->shut_down);
		} else if (!strcmp(line, "changed")) {
			ts_parse(v, &c->changed);
		}
	}
	n = read_file(blob, &data, CC_MAX_FILE_SIZE);
	if (n > 0) {
		c->blob = data;
		c->blob_size = n;
		data = NULL;
	}
out:
	free(data);
	free(text);
	free(path);
	free(blob);
}

char *state_save_params(struct manager *m, const char *name, const void *page, size_t n)
{
	char *path;

	if (!safe_name(name))
		return NULL;
	path = state_path(m, name, ".params");
	if (path && write_atomic(path, page, n) < 0)
		log_error(name, "Cell \"%s\": cannot keep its parameter page in %s; loading its "
			  "configuration's images will fail until it is created again",
			  name, path);
	return path;
}

char *state_save_image(struct manager *m, const char *name, const char *suffix,
		       const void *data, size_t n, int *err)
{
	char *path;

	*err = -EINVAL;
	if (!safe_name(name))
		return NULL;
	path = state_path(m, name, suffix);
	*err = path ? write_atomic(path, data, n) : -ENOMEM;
	if (*err < 0) {
		free(path);
		return NULL;
	}
	return path;
}

/* Remove the files of cell 'name' with these suffixes (those that exist). */
static void remove_files(struct manager *m, const char *name, const char *const *suffixes,
			 size_t n)
{
	if (!safe_name(name))
		return;
	for (size_t i = 0; i < n; i++) {
		char *path = state_path(m, name, suffixes[i]);

		if (path)
			unlink(path);
		free(path);
	}
}

void state_remove_linux(struct manager *m, const char *name)
{
	static const char *const suffixes[] = { ".boot", ".dtb" };

	remove_files(m, name, suffixes, sizeof(suffixes) / sizeof(suffixes[0]));
}

void state_remove_cell(struct manager *m, const char *name)
{
	static const char *const suffixes[] = { ".meta", ".blob", ".params", ".boot", ".dtb" };

	remove_files(m, name, suffixes, sizeof(suffixes) / sizeof(suffixes[0]));
}
