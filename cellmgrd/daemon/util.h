/* SPDX-License-Identifier: GPL-2.0-only */
/* cellmgrd: logging and small helpers. */
#ifndef CELLMGRD_UTIL_H
#define CELLMGRD_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

/* Journal message ids, documented in cellmgrd(8). */
#define MID_STARTED		"58c47f2d41bc478c84026b3b32965d4e"
#define MID_ENABLED		"2c871ab9ca9845188a9b56f1bbb1e2fe"
#define MID_DISABLED		"b1409e7b3d8247c78d7e8adbd69fd0a4"
#define MID_CELL_CREATED	"058fc83661444dd4955b0df3bcdc1ff4"
#define MID_CELL_LOADED		"3172e7732dc8411ca36ef10309dd30c7"
#define MID_CELL_STATE		"4950f72c46e443ce8245e4d0099aa255"
#define MID_CELL_FAILED		"e1f113e590264825a125fa12f8d3dce5"
#define MID_CELL_DESTROYED	"b3069f6d4929465089efcedd0be53f8e"
#define MID_DENIED		"35b8ac70c6674069919285903ea2d38f"
#define MID_OP_FAILED		"1f252219ea6e48c1b5b13b8ead17a118"
#define MID_HV_CONSOLE		"025f31c8710f4315af9269c7a40bad95"

/* Log to the journal (with CELL= when 'cell' is not NULL) or, without one, to stderr. */
void log_full(int prio, const char *message_id, const char *cell, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void log_setup(bool force_stderr);

#define log_error(cell, ...)	log_full(LOG_ERR, NULL, cell, __VA_ARGS__)
#define log_warning(cell, ...)	log_full(LOG_WARNING, NULL, cell, __VA_ARGS__)
#define log_info(cell, ...)	log_full(LOG_INFO, NULL, cell, __VA_ARGS__)
#define log_debug(cell, ...)	log_full(LOG_DEBUG, NULL, cell, __VA_ARGS__)

/* asprintf that leaves *out NULL on failure, for optional messages. */
void xasprintf(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct dual_ts {
	uint64_t realtime;	/* µs since the epoch, 0: never */
	uint64_t monotonic;	/* µs of CLOCK_MONOTONIC */
};
void dual_ts_now(struct dual_ts *ts);

/* Read a whole file (less than max bytes, or -EFBIG); NUL-terminated; returns size or -errno. */
long read_file(const char *path, char **data, long max);

#endif
