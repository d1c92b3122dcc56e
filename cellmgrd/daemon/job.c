// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellmgrd: the job runner.  A method that calls the driver (cell-dbus.c, manager-dbus.c)
 * checks what it can, asks polkit (polkit.c), prepares what the driver needs (a
 * configuration, images) and submits a job; none of that blocks the event loop.  The job's
 * run() makes the driver calls in a detached worker thread, which hands the job back
 * through a pipe.  In the main thread again: the consoles are read (a follower that sees a
 * cell's new state finds its last words), record() keeps what the driver does not, the
 * states are refreshed from the driver (PropertiesChanged, CellNew ...), and exactly one
 * reply goes out: reply(), or a named error for a refusal (errors.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cellconf.h"
#include "cellmgrd.h"

struct job *job_new(struct manager *m, sd_bus_message *msg, struct cell *c)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->m = m;
	j->msg = sd_bus_message_ref(msg);
	j->method = sd_bus_message_get_member(msg);
	caller_of(msg, &j->who);
	if (c) {
		j->cell_id = c->id;
		memcpy(j->cell_name, c->name, sizeof(j->cell_name));
		j->was_running = cell_state_is_running(c->state);
		j->holds = JOB_HOLDS_CELL;
	}
	return j;
}

void job_free(struct job *j)
{
	if (!j)
		return;
	sd_bus_message_unref(j->msg);
	free(j->config_path);
	for (size_t i = 0; i < j->n_images; i++)
		free((void *)j->images[i].data);
	free(j->images);
	for (size_t i = 0; i < j->n_image_specs; i++)
		free(j->image_specs[i].path);
	free(j->image_specs);
	free(j->error_text);
	for (size_t i = 0; i < j->n_linux_specs; i++)
		free(j->linux_specs[i].path);
	free(j->linux_specs);
	cc_free(j->cfg);
	free(j);
}

int job_error(struct job *j, const char *name, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&j->error_text, fmt, ap) < 0)
		j->error_text = NULL;
	va_end(ap);
	j->error_name = name;
	return r;
}

static void *job_thread(void *arg)
{
	struct job *j = arg;

	j->r = j->run(j);
	/* A pointer is smaller than PIPE_BUF: the write is atomic. */
	if (write(j->m->job_pipe[1], &j, sizeof(j)) != sizeof(j))
		abort();
	return NULL;
}

/* Mark what the job holds busy (hold), or not any more. */
static void job_hold(struct job *j, bool hold)
{
	struct manager *m = j->m;
	struct cell *c;

	switch (j->holds) {
	case JOB_HOLDS_CELL:
		c = manager_find_cell_id(m, j->cell_id);
		if (c && !strcmp(c->name, j->cell_name)) {
			c->busy = hold ? j->method : NULL;
			c->quiet_steps = hold && j->quiet_steps;
		}
		break;
	case JOB_HOLDS_MANAGER:
		m->busy = hold ? j->method : NULL;
		break;
	case JOB_CREATES_CELL:
		if (hold)
			m->creating++;
		else
			m->creating--;
		break;
	case JOB_HOLDS_NOTHING:
		break;
	}
}

int job_submit(struct job *j)
{
	pthread_attr_t attr;
	pthread_t t;
	int r;

	job_hold(j, true);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&t, &attr, job_thread, j);
	pthread_attr_destroy(&attr);
	if (r) {
		job_hold(j, false);
		reply_error(j->msg, &j->who, j->cell_name, CV_BUS_ERROR_DRIVER_ERROR,
			    "cannot start a worker thread: %s", strerror(r));
		job_free(j);
		return 1;
	}
	j->m->jobs++;
	manager_update_status(j->m);
	return 1;
}

static void job_finish(struct job *j)
{
	struct manager *m = j->m;

	job_hold(j, false);
	manager_read_consoles(m);	/* before the states: see on_refresh() */
	if (j->r < 0) {
		manager_refresh(m);
		if (j->fail)
			j->fail(j);
		if (j->error_name)
			reply_error(j->msg, &j->who, j->cell_name, j->error_name, "%s",
				    j->error_text ? j->error_text : "out of memory");
		else
			job_reply_refusal(j);
		return;
	}
	if (j->record)
		j->record(j);
	manager_refresh(m);
	if (j->reply)
		j->reply(j);
	else
		sd_bus_reply_method_return(j->msg, "");
}

static int on_job_done(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct manager *m = userdata;
	struct job *j;

	(void)s;
	(void)revents;
	while (read(fd, &j, sizeof(j)) == sizeof(j)) {
		job_finish(j);
		job_free(j);
		m->jobs--;
		manager_update_status(m);
	}
	if (m->exiting && !m->jobs)
		sd_event_exit(m->event, 0);
	return 0;
}

int jobs_init(struct manager *m)
{
	if (pipe2(m->job_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	return sd_event_add_io(m->event, &m->job_source, m->job_pipe[0], EPOLLIN, on_job_done, m);
}

void jobs_done(struct manager *m)
{
	sd_event_source_disable_unref(m->job_source);
	m->job_source = NULL;
	if (m->job_pipe[0] >= 0) {
		close(m->job_pipe[0]);
		close(m->job_pipe[1]);
	}
}
