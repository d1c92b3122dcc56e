// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellmgrd: asynchronous authorization through polkit.  A mutating method calls
 * polkit_check() once its unprivileged checks pass.  Root goes on at once.  For anyone else
 * polkit's CheckAuthorization is called without blocking and the method returns; when
 * polkit says yes, the method is called again with the same message (rewound) and the
 * object now at its path, and polkit_check() lets it through, so every check is made again
 * on the state of that moment.  When polkit says no, or cannot be asked, the caller gets
 * NotAuthorized naming the action.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cellmgrd.h"

struct polkit_query {
	struct polkit_query *next, *prev;
	struct manager *m;
	sd_bus_message *msg;
	sd_bus_message_handler_t method;
	const char *action;
	char *cell;			/* the "cell" detail, or NULL */
	struct caller who;
	sd_bus_slot *slot;
};

static void query_free(struct polkit_query *q)
{
	if (q->prev)
		q->prev->next = q->next;
	else
		q->m->polkit_queries = q->next;
	if (q->next)
		q->next->prev = q->prev;
	sd_bus_slot_unref(q->slot);
	sd_bus_message_unref(q->msg);
	free(q->cell);
	free(q);
}

void polkit_free_queries(struct manager *m)
{
	while (m->polkit_queries)
		query_free(m->polkit_queries);
}

/* Authorized: call the method again on the object now at the message's path. */
static void call_again(struct polkit_query *q)
{
	struct manager *m = q->m;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	void *object = manager_object_at(m, sd_bus_message_get_path(q->msg));
	int r;

	if (!object) {
		reply_error(q->msg, &q->who, q->cell, CV_BUS_ERROR_NO_SUCH_CELL,
			    "cell \"%s\" does not exist any more", q->cell ? q->cell : "?");
		return;
	}
	r = sd_bus_message_rewind(q->msg, true);
	if (r >= 0) {
		m->authorized_msg = q->msg;
		r = q->method(q->msg, object, &e);
		m->authorized_msg = NULL;
	}
	if (r < 0 || sd_bus_error_is_set(&e)) {
		if (!sd_bus_error_is_set(&e))
			sd_bus_error_set_errno(&e, r);
		reply_error(q->msg, &q->who, q->cell, e.name, "%s", e.message ? e.message : "");
	}
	sd_bus_error_free(&e);
}

static int polkit_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
	struct polkit_query *q = userdata;
	const sd_bus_error *e = sd_bus_message_get_error(reply);
	const char *method = sd_bus_message_get_member(q->msg);
	int authorized = 0, challenge = 0, r = 0;

	(void)ret_error;
	if (e) {
		reply_error(q->msg, &q->who, q->cell, CV_BUS_ERROR_NOT_AUTHORIZED,
			    "%s needs authorization (%s), but polkit could not be asked: %s",
			    method, q->action, e->message ? e->message : e->name);
		goto out;
	}
	r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
	if (r >= 0)
		r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
	if (r < 0) {
		reply_error(q->msg, &q->who, q->cell, CV_BUS_ERROR_NOT_AUTHORIZED,
			    "polkit sent an unreadable answer: %s", strerror(-r));
		goto out;
	}
	if (!authorized) {
		log_full(LOG_NOTICE, MID_DENIED, q->cell, "%s refused to %s: polkit said no%s",
			 method, q->who.text, challenge ? " without authentication" : "");
		reply_error(q->msg, &q->who, q->cell, CV_BUS_ERROR_NOT_AUTHORIZED,
			    "%s%s%s is not allowed for %s: it needs the polkit action %s%s",
			    method, q->cell ? " of cell " : "", q->cell ? q->cell : "",
			    q->who.text, q->action,
			    challenge ?
			    " and authentication (run it as root, or allow interactive "
			    "authorization, e.g. without --no-ask-password)" :
			    " (run it as root, or ask the administrator to grant it)");
		goto out;
	}
	call_again(q);
out:
	query_free(q);
	return 0;
}

int polkit_check(struct manager *m, sd_bus_message *msg, const char *action,
		 const char *detail, const char *value, sd_bus_message_handler_t method,
		 sd_bus_error *error)
{
	struct polkit_query *q;
	sd_bus_message *req = NULL;
	uint32_t flags;
	int r;

	if (msg == m->authorized_msg)
		return 1;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	caller_of(msg, &q->who);
	if (q->who.uid == 0) {
		free(q);
		return 1;
	}
	q->m = m;
	q->msg = sd_bus_message_ref(msg);
	q->method = method;
	q->action = action;
	if (detail && !strcmp(detail, "cell"))
		q->cell = strdup(value);
	q->next = m->polkit_queries;
	if (q->next)
		q->next->prev = q;
	m->polkit_queries = q;

	flags = sd_bus_message_get_allow_interactive_authorization(msg) ? 1 : 0;
	r = sd_bus_message_new_method_call(m->bus, &req, "org.freedesktop.PolicyKit1",
					   "/org/freedesktop/PolicyKit1/Authority",
					   "org.freedesktop.PolicyKit1.Authority",
					   "CheckAuthorization");
	if (r >= 0)
		r = sd_bus_message_append(req, "(sa{sv})s", "system-bus-name", 1, "name", "s",
					  sd_bus_message_get_sender(msg), action);
	if (r >= 0)
		r = detail ? sd_bus_message_append(req, "a{ss}", 1, detail, value) :
			     sd_bus_message_append(req, "a{ss}", 0);
	if (r >= 0)
		r = sd_bus_message_append(req, "us", flags, "");
	if (r >= 0)
		r = sd_bus_call_async(m->bus, &q->slot, req, polkit_reply, q,
				      flags ? 5 * 60 * 1000000ULL : 0);
	sd_bus_message_unref(req);
	if (r < 0) {
		query_free(q);
		return sd_bus_error_setf(error, CV_BUS_ERROR_NOT_AUTHORIZED,
					 "%s needs authorization (%s), but polkit could not be "
					 "asked: %s", sd_bus_message_get_member(msg), action,
					 strerror(-r));
	}
	return 0;
}
