// SPDX-License-Identifier: GPL-2.0-only
/*
 * The communication region: finding it, reporting the cell's state and answering shutdown
 * requests (protocol in include/cellvisor/comm.h).
 */
#include <inmate.h>

static struct cv_comm_region *comm;
static bool answered;		/* the current request has been answered */
static unsigned int requests;

/*
 * Used by the boot code before the bss is cleared: no global state.  Without a hypervisor
 * there is usually nothing at INMATE_COMM_REGION (QEMU virt with 1 GiB of RAM ends there), so
 * the read may abort: probe_read32() turns that into "absent".
 */
struct cv_comm_region *comm_probe(void)
{
	struct cv_comm_region *c = (struct cv_comm_region *)INMATE_COMM_REGION;
	uint32_t magic;

	if (!probe_read32((uintptr_t)&c->magic, &magic) || magic != CV_COMM_MAGIC)
		return NULL;
	return c;
}

struct cv_comm_region *comm_region(void)
{
	return comm;
}

void comm_init(void)
{
	comm = comm_probe();
}

void comm_set_state(uint32_t state)
{
	if (!comm)
		return;
	comm->cell_state = state;
	memory_barrier();
}

bool comm_shutdown_requested(void)
{
	if (!comm)
		return false;
	if (comm->msg_to_cell != CV_MSG_SHUTDOWN_REQUEST) {
		answered = false;
		return false;
	}
	return comm->reply_from_cell == CV_REPLY_NONE || !answered;
}

static void comm_reply(uint32_t reply)
{
	answered = true;
	comm->reply_from_cell = reply;
	memory_barrier();
}

void comm_deny_shutdown(void)
{
	if (comm)
		comm_reply(CV_REPLY_DENIED);
}

void comm_approve_shutdown(void)
{
	if (comm)
		comm_reply(CV_REPLY_APPROVED);
}

bool shutdown_approve(unsigned int request)
{
	(void)request;
	return true;
}

noreturn void inmate_stop(void)
{
	irq_disable_local();
	timer_disarm();
	psci_cpu_off();
	cpu_halt();
}

void inmate_poll_shutdown(shutdown_policy_t policy)
{
	bool approve;

	if (!comm_shutdown_requested())
		return;
	requests++;
	approve = policy(requests);
	/* Print first: once approved, the hypervisor may take the CPU away at any moment. */
	printf("%s: shutdown request %u: %s\n", inmate_name, requests,
	       approve ? "approved" : "denied");
	if (!approve) {
		comm_deny_shutdown();
		return;
	}
	comm_approve_shutdown();
	inmate_stop();
}

noreturn void inmate_serve(shutdown_policy_t policy)
{
	bool sleep = ticker_running() || !comm;

	/* Something must wake the CPU up to look at the communication region. */
	if (!sleep)
		sleep = irq_init() == 0 && ticker_start(10, NULL) == 0;
	for (;;) {
		irq_disable_local();
		inmate_poll_shutdown(policy);
		if (sleep) {
			cpu_wait_for_interrupt();	/* wakes up even with IRQs masked */
			irq_enable_local();		/* ... and takes it here */
		} else {
			delay_us(100000);
		}
	}
}
