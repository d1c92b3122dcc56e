// SPDX-License-Identifier: GPL-2.0-only
/*
 * buslat: latency of D-Bus calls on the system bus, for the cellmgrd benchmark.
 *
 *   buslat [--mark] COUNT SERVICE PATH INTERFACE METHOD
 *   buslat [--mark] COUNT SERVICE PATH INTERFACE --getall
 *
 * Makes COUNT calls of METHOD (no arguments) or of org.freedesktop.DBus.Properties.GetAll
 * for INTERFACE, one after the other on one connection, and prints the median, the 99th
 * percentile and the mean round trip in microseconds.  With --mark, the calls (not the
 * connection) are enclosed in the instruction-counting plugin's markers 2 and 3
 * ("hint #0x72" and "hint #0x73", NOPs on a CPU), after one call to warm up.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-bus.h>

static int cmp_u64(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int call(sd_bus *bus, char **argv, sd_bus_error *error)
{
	sd_bus_message *reply = NULL;
	int r;

	if (strcmp(argv[5], "--getall") == 0)
		r = sd_bus_call_method(bus, argv[2], argv[3], "org.freedesktop.DBus.Properties",
				       "GetAll", error, &reply, "s", argv[4]);
	else
		r = sd_bus_call_method(bus, argv[2], argv[3], argv[4], argv[5], error, &reply, "");
	sd_bus_message_unref(reply);
	return r;
}

int main(int argc, char **argv)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	unsigned long long *lat, sum = 0;
	sd_bus *bus = NULL;
	bool marks = false;
	long count;
	int r;

	if (argc > 1 && strcmp(argv[1], "--mark") == 0) {
		marks = true;
		argc--;
		argv++;
	}
	if (argc != 6 || (count = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: buslat [--mark] COUNT SERVICE PATH INTERFACE "
			"METHOD|--getall\n");
		return 2;
	}
	lat = calloc(count, sizeof(*lat));
	r = sd_bus_open_system(&bus);
	if (r < 0 || !lat) {
		fprintf(stderr, "buslat: cannot connect to the system bus: %s\n", strerror(-r));
		return 1;
	}
	if (marks) {
		r = call(bus, argv, &error);	/* warm-up: the connection's first call */
		if (r < 0) {
			fprintf(stderr, "buslat: the first call failed: %s\n",
				error.message ? error.message : strerror(-r));
			return 1;
		}
		asm volatile("hint #0x72" ::: "memory");
	}
	for (long i = 0; i < count; i++) {
		unsigned long long t0 = now_ns();

		r = call(bus, argv, &error);
		lat[i] = now_ns() - t0;
		sum += lat[i];
		if (r < 0) {
			fprintf(stderr, "buslat: call %ld failed: %s\n", i,
				error.message ? error.message : strerror(-r));
			sd_bus_error_free(&error);
			return 1;
		}
	}
	if (marks)
		asm volatile("hint #0x73" ::: "memory");
	qsort(lat, count, sizeof(*lat), cmp_u64);
	printf("median %llu us, p99 %llu us, mean %llu us over %ld calls\n",
	       lat[count / 2] / 1000, lat[count * 99 / 100] / 1000, sum / count / 1000, count);
	free(lat);
	sd_bus_flush_close_unref(bus);
	return 0;
}
