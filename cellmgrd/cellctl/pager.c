// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellctl: long output through a pager, the way systemctl does it: only to a terminal, never
 * with --no-pager, $CELLCTL_PAGER or $PAGER or less.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus.h"
#include "cellctl.h"

static pid_t pager_pid = -1;

static void pager_close(void)
{
	if (pager_pid < 0)
		return;
	fflush(stdout);
	fclose(stdout);		/* the pager sees the end of its input */
	while (waitpid(pager_pid, NULL, 0) < 0 && errno == EINTR)
		;
	pager_pid = -1;
}

void pager_open(bool disabled)
{
	const char *pager = getenv("CELLCTL_PAGER");
	int fds[2];
	pid_t pid;

	if (!pager)
		pager = getenv("PAGER");
	if (disabled || pager_pid >= 0 || !isatty(STDOUT_FILENO) ||
	    (pager && (!*pager || !strcmp(pager, "cat"))))
		return;
	fflush(stdout);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return;		/* no pager: the output goes to the terminal as it is */
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		setenv("LESS", "FRXMK", 0);
		if (pager)
			execl("/bin/sh", "sh", "-c", pager, (char *)NULL);
		execlp("less", "less", (char *)NULL);
		execlp("more", "more", (char *)NULL);
		execlp("cat", "cat", (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	dup2(fds[1], STDOUT_FILENO);
	close(fds[1]);
	pager_pid = pid;
	atexit(pager_close);
}
