// SPDX-License-Identifier: GPL-2.0-only
/* cellmgrd: logging and small helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "util.h"

static bool to_journal;

void log_setup(bool force_stderr)
{
	/* Under systemd our stderr is a journal stream; structured fields need the socket. */
	to_journal = !force_stderr && access("/run/systemd/journal/socket", W_OK) == 0;
}

void log_full(int prio, const char *message_id, const char *cell, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	errno = saved;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	if (to_journal) {
		int r;

		if (cell && message_id)
			r = sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", prio,
					    "MESSAGE_ID=%s", message_id, "CELL=%s", cell, NULL);
		else if (cell)
			r = sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", prio,
					    "CELL=%s", cell, NULL);
		else if (message_id)
			r = sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", prio,
					    "MESSAGE_ID=%s", message_id, NULL);
		else
			r = sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", prio, NULL);
		if (r >= 0) {
			free(msg);
			return;
		}
	}
	if (prio == LOG_DEBUG && !getenv("CELLMGRD_DEBUG")) {
		free(msg);
		return;
	}
	fprintf(stderr, "<%d>cellmgrd: %s%s%s\n", prio, cell ? cell : "", cell ? ": " : "", msg);
	free(msg);
}

void xasprintf(char **out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(out, fmt, ap) < 0)
		*out = NULL;
	va_end(ap);
}

void dual_ts_now(struct dual_ts *ts)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	ts->realtime = (uint64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
	clock_gettime(CLOCK_MONOTONIC, &t);
	ts->monotonic = (uint64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

long read_file(const char *path, char **data, long max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	long n = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		char *nb;
		ssize_t k;

		if (n >= max) {
			free(buf);
			close(fd);
			return -EFBIG;
		}
		nb = realloc(buf, n + 4096 + 1);
		if (!nb) {
			free(buf);
			close(fd);
			return -ENOMEM;
		}
		buf = nb;
		k = read(fd, buf + n, 4096);
		if (k < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(buf);
			close(fd);
			return -e;
		}
		if (k == 0)
			break;
		n += k;
	}
	close(fd);
	buf[n] = 0;
	*data = buf;
	return n;
}
