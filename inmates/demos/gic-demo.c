// SPDX-License-Identifier: GPL-2.0-only
/*
 * gic-demo: the virtual timer through the GIC, at the parameter "rate" (1 to 1000 Hz,
 * default 10).  Each tick prints how late the interrupt was handled (jitter), with the
 * minimum and maximum so far, in ns.  Approves shutdown.
 */
#include <inmate.h>

INMATE_NAME("gic-demo");

#define DEFAULT_HZ	10

static unsigned long ticks;
static uint64_t jitter_min = ~0ULL, jitter_max;

static void tick(uint64_t now, uint64_t due)
{
	uint64_t jitter = timer_ticks_to_ns(now - due);

	ticks++;
	if (jitter < jitter_min)
		jitter_min = jitter;
	if (jitter > jitter_max)
		jitter_max = jitter;
	printf("gic-demo: tick %lu jitter %lu ns min %lu ns max %lu ns\n", ticks,
	       (unsigned long)jitter, (unsigned long)jitter_min, (unsigned long)jitter_max);
}

void inmate_main(void)
{
	const char *params = cell_params();
	uint32_t hz;

	if (params)
		printf("gic-demo: parameters: %s\n", params);
	hz = param_u32("rate", DEFAULT_HZ, 1, 1000);
	if (irq_init())
		return;
	printf("gic-demo: virtual timer at %u Hz on INTID %u, counter at %lu Hz\n", hz,
	       TIMER_VIRT_IRQ, (unsigned long)timer_freq());
	if (ticker_start(hz, tick)) {
		printf("gic-demo: error: cannot start the timer\n");
		return;
	}
	inmate_serve(shutdown_approve);
}
