// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellmgrd: consoles.  Each cell (and the hypervisor) has a ring of its last
 * CONSOLE_RING_SIZE bytes of output, served whole by GetConsole() and streamed by
 * OpenConsole(): the caller gets one end of a socket pair, we write the ring and, with
 * follow, everything that comes later.  A slow reader never blocks the daemon: it keeps a
 * position in the ring and is told how much it lost if the ring overtook it.  The hypervisor's
 * own console is also copied, line by line, into cellmgrd's journal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cellmgrd.h"

struct console_client {
	struct console_client *next;
	struct console *con;
	int fd;
	bool follow;
	uint64_t pos;
	sd_event_source *source;
	char marker[96];
	size_t marker_len;
};

void console_init(struct console *con, struct manager *m)
{
	memset(con, 0, sizeof(*con));
	con->m = m;
}

static void client_close(struct console_client *cl)
{
	struct console_client **pp;

	for (pp = &cl->con->clients; *pp && *pp != cl; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = cl->next;
	sd_event_source_disable_unref(cl->source);
	close(cl->fd);
	free(cl);
}

void console_done(struct console *con)
{
	while (con->clients)
		client_close(con->clients);
	free(con->buf);
	con->buf = NULL;
}

/* Write what the client has not seen; returns false when the client was closed. */
static bool client_flush(struct console_client *cl)
{
	struct console *con = cl->con;

	if (con->written > CONSOLE_RING_SIZE && cl->pos < con->written - CONSOLE_RING_SIZE) {
		uint64_t lost = con->written - CONSOLE_RING_SIZE - cl->pos;

		cl->marker_len = snprintf(cl->marker, sizeof(cl->marker),
					  "\n[cellmgrd: %llu bytes of console output lost]\n",
					  (unsigned long long)lost);
		cl->pos = con->written - CONSOLE_RING_SIZE;
	}
	for (;;) {
		const char *p;
		size_t len;
		ssize_t k;

		if (cl->marker_len) {
			p = cl->marker;
			len = cl->marker_len;
		} else if (cl->pos < con->written) {
			size_t off = cl->pos % CONSOLE_RING_SIZE;

			p = con->buf + off;
			len = con->written - cl->pos;
			if (len > CONSOLE_RING_SIZE - off)
				len = CONSOLE_RING_SIZE - off;
		} else {
			break;
		}
		k = send(cl->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
			sd_event_source_set_io_events(cl->source, EPOLLOUT | EPOLLRDHUP);
			return true;
		}
		if (k < 0) {
			client_close(cl);
			return false;
		}
		if (cl->marker_len) {
			memmove(cl->marker, cl->marker + k, cl->marker_len - k);
			cl->marker_len -= k;
		} else {
			cl->pos += k;
		}
	}
	if (!cl->follow) {
		client_close(cl);
		return false;
	}
	sd_event_source_set_io_events(cl->source, EPOLLRDHUP);
	return true;
}

static int on_client(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct console_client *cl = userdata;

	(void)s;
	(void)fd;
	if (revents & (EPOLLHUP | EPOLLRDHUP | EPOLLERR)) {
		client_close(cl);
		return 0;
	}
	client_flush(cl);
	return 0;
}

static void journal_copy(struct console *con, const char *data, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char ch = data[i];

		if (ch == '\n' || con->line_len == sizeof(con->line) - 1) {
			con->line[con->line_len] = 0;
			if (con->line_len)
				log_full(LOG_INFO, MID_HV_CONSOLE, NULL, "hypervisor: %s", con->line);
			con->line_len = 0;
			if (ch == '\n')
				continue;
		}
		if (ch != '\r')
			con->line[con->line_len++] = ch;
	}
}

void console_append(struct console *con, const char *data, size_t n)
{
	if (!con->buf) {
		con->buf = malloc(CONSOLE_RING_SIZE);
		if (!con->buf)
			return;
	}
	if (con == &con->m->hv_console)
		journal_copy(con, data, n);
	for (size_t i = 0; i < n; i++)
		con->buf[con->written++ % CONSOLE_RING_SIZE] = data[i];
	for (struct console_client *cl = con->clients, *next; cl; cl = next) {
		next = cl->next;
		client_flush(cl);
	}
}

void console_lost(struct console *con, uint64_t lost)
{
	char msg[96];
	int n = snprintf(msg, sizeof(msg), "\n[cellvisor: %llu bytes of console output lost]\n",
			 (unsigned long long)lost);

	console_append(con, msg, n);
}

size_t console_snapshot(struct console *con, char **out)
{
	uint64_t pos = con->written > CONSOLE_RING_SIZE ? con->written - CONSOLE_RING_SIZE : 0;
	size_t n;

	*out = NULL;
	if (!con->buf || pos >= con->written)
		return 0;
	n = con->written - pos;
	*out = malloc(n + 1);
	if (!*out)
		return 0;
	for (size_t i = 0; i < n; i++)
		(*out)[i] = con->buf[(pos + i) % CONSOLE_RING_SIZE];
	(*out)[n] = 0;
	return n;
}

int console_open(struct console *con, bool follow)
{
	struct console_client *cl;
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
		return -errno;
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(sv[0]);
		close(sv[1]);
		return -ENOMEM;
	}
	cl->con = con;
	cl->fd = sv[0];
	cl->follow = follow;
	cl->pos = con->written > CONSOLE_RING_SIZE ? con->written - CONSOLE_RING_SIZE : 0;
	r = sd_event_add_io(con->m->event, &cl->source, cl->fd, EPOLLRDHUP, on_client, cl);
	if (r < 0) {
		close(sv[0]);
		close(sv[1]);
		free(cl);
		return r;
	}
	cl->next = con->clients;
	con->clients = cl;
	/* The reader's end must be blocking for ordinary programs. */
	fcntl(sv[1], F_SETFL, fcntl(sv[1], F_GETFL) & ~O_NONBLOCK);
	client_flush(cl);
	return sv[1];
}
