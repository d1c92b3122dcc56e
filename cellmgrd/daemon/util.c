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
	struct stat st;
	char *buf = NULL, *nb;
	long n = 0, cap, allocated = 0;
	ssize_t k;
	int e = 0;

	if (fd < 0)
		return -errno;
	/* Sized by the file, so an image is one read, not thousands (over 9p, each is a
	 * round trip); a file that grows or says nothing of its size (procfs) grows the buffer. */
	cap = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < max ?
	      (long)st.st_size + 1 : 4096;
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				e = EFBIG;
				break;
			}
			cap = cap > max / 2 ? max : cap * 2;
		}
		if (cap != allocated) {
			nb = realloc(buf, cap + 1);
			if (!nb) {
				e = ENOMEM;
				break;
			}
			buf = nb;
			allocated = cap;
		}
		k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			e = k < 0 ? errno : 0;
			break;
		}
		n += k;
	}
	close(fd);
	if (e) {
		free(buf);
		return -e;
	}
	buf[n] = 0;
	*data = buf;
	return n;
}
