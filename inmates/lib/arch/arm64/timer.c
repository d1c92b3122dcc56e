// SPDX-License-Identifier: GPL-2.0-only
/* The arm64 generic timer for inmates: the EL1 virtual timer (PPI 27) and counter. */
#include <inmate.h>
#include <arch/sysreg.h>

#define CNTV_CTL_ENABLE		(1U << 0)
#define CNTV_CTL_IMASK		(1U << 1)

static ticker_fn_t ticker_fn;
static uint64_t ticker_period, ticker_due;

uint64_t timer_freq(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0);
	struct cv_comm_region *comm = comm_region();

	if (!freq && comm)
		freq = comm->timer_freq_hz;
	return freq ? freq : 1;
}

uint64_t timer_now(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

uint64_t timer_ticks_to_ns(uint64_t ticks)
{
	uint64_t freq = timer_freq();

	return ticks / freq * 1000000000ULL + ticks % freq * 1000000000ULL / freq;
}

uint64_t timer_ns_to_ticks(uint64_t ns)
{
	uint64_t freq = timer_freq();

	return ns / 1000000000ULL * freq + ns % 1000000000ULL * freq / 1000000000ULL;
}

void timer_arm(uint64_t deadline)
{
	write_sysreg(cntv_cval_el0, deadline);
	write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
}

void timer_disarm(void)
{
	write_sysreg(cntv_ctl_el0, 0);
	isb();
}

void delay_us(uint64_t us)
{
	uint64_t end = timer_now() + timer_ns_to_ticks(us * 1000);

	while (timer_now() < end)
		;
}

static void ticker_irq(unsigned int intid)
{
	uint64_t now = timer_now();
	uint64_t due = ticker_due;

	(void)intid;
	ticker_due += ticker_period;
	/* Fell behind by more than a period (a very slow emulator): skip the missed ticks. */
	if (ticker_due <= now)
		ticker_due = now + ticker_period;
	timer_arm(ticker_due);
	if (ticker_fn)
		ticker_fn(now, due);
}

int ticker_start(unsigned int hz, ticker_fn_t fn)
{
	if (!hz)
		return -1;
	if (irq_request(TIMER_VIRT_IRQ, ticker_irq))
		return -1;
	ticker_fn = fn;
	ticker_period = timer_freq() / hz;
	ticker_due = timer_now() + ticker_period;
	timer_arm(ticker_due);
	return 0;
}

bool ticker_running(void)
{
	return ticker_period != 0;
}
