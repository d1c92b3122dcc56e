/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Cellvisor inmate library: what a bare-metal application running in a cell can use.
 *
 * An inmate names itself with INMATE_NAME("my-inmate") and provides inmate_main(), which the
 * library calls on the cell's first CPU after the boot code has set up a stack, cleared the
 * bss, installed exception vectors, found the communication region and chosen the console.
 * Every line the library prints starts with the inmate's name.  See cellvisor-inmates(7).
 */
#ifndef INMATE_H
#define INMATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cellvisor/comm.h>
#include <cellvisor/config.h>
#include <cellvisor/hypercall.h>
#include <cellvisor/link.h>

#include <arch/io.h>

#define noreturn	_Noreturn
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Provided by each inmate. */
extern const char inmate_name[];
#define INMATE_NAME(name)	const char inmate_name[] = name
void inmate_main(void);
/*
 * Optional: the other CPUs of the cell run this once the first one has set the library up
 * (bss cleared, communication region found, console chosen), at the same time as
 * inmate_main(); without it they stay parked.  They must not print (the console is the
 * first CPU's).  Returning parks the CPU.
 */
void inmate_secondary_main(unsigned int cpu);
/* VBAR_EL1 as each CPU arrived at the entry, by MPIDR Aff0 (before the boot code set it). */
extern uint64_t boot_entry_vbar[64];

/* Where the library looks for the communication region (the cell's JSON must agree). */
#ifndef INMATE_COMM_REGION
#define INMATE_COMM_REGION	0x80000000UL
#endif

/*
 * Where the library looks for the cell's parameters: the page that "parameters": {"text":
 * ...} of the cell's JSON loads (its "address" must be this), 1 MiB into the cell's RAM.
 * Images must end below it (the link map checks the library's own).
 */
#ifndef INMATE_PARAMS
#define INMATE_PARAMS		0x40100000UL
#endif

/* Strings and memory. */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/*
 * Parameters: NAME=VALUE words separated by spaces, tabs, newlines or commas, e.g.
 * "rate=20 label=left".  cell_params() is the whole text, NULL when the cell has none (no
 * NUL-terminated printable text at INMATE_PARAMS).  param_str() copies the value of NAME
 * (the last one given) into buf and returns true if it is there and fits.  param_u32()
 * returns the value of NAME (decimal or 0x hex), 'def' when it is not given, and 'def' with
 * a console line saying why when it is not a number from min to max.
 */
const char *cell_params(void);
bool param_str(const char *name, char *buf, size_t size);
uint32_t param_u32(const char *name, uint32_t def, uint32_t min, uint32_t max);

/* Console: PL011 or the hypercall console, whichever the cell has. */
void console_init(void);
void console_putc(char c);
void console_puts(const char *s);
const char *console_describe(void);	/* "pl011 at 0x09000000", "hypercall", "none" */
unsigned int console_type(void);	/* CV_CONSOLE_* */
uintptr_t console_uart_base(void);	/* the PL011's base, 0 if the console isn't one */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

/* PL011 driver (used by the console, and by inmates that drive the UART themselves). */
void pl011_init(uintptr_t base);
void pl011_putc(uintptr_t base, char c);

/* CPU. */
unsigned int cpu_id(void);		/* MPIDR Aff0: the CPU number of cv_cell_config.cpu_set */
uint64_t cpu_affinity(void);		/* MPIDR Aff3.Aff2.Aff1.Aff0, as GICD_IROUTER wants it */
void irq_enable_local(void);		/* unmask IRQs on this CPU */
void irq_disable_local(void);
void cpu_wait_for_interrupt(void);
noreturn void cpu_halt(void);		/* interrupts masked, wfi forever */
void hypercall_console_putc(char c);
long hypercall_console_write(const char *s, size_t len);	/* bytes written or -errno */
/* Reads 32 bits at addr; false (instead of a crash) if the access aborts. */
bool probe_read32(uintptr_t addr, uint32_t *value);

/* Communication region (NULL when the cell runs without a hypervisor). */
struct cv_comm_region *comm_region(void);
struct cv_comm_region *comm_probe(void);	/* used by the boot code */
void comm_set_state(uint32_t state);		/* CV_CELL_STATE_RUNNING(_LOCKED) */
bool comm_shutdown_requested(void);		/* a request that has no answer yet */
void comm_deny_shutdown(void);
void comm_approve_shutdown(void);		/* the caller must stop right after */

/*
 * Shutdown policy: called with 1 for the first request, 2 for the second, ...; returns true
 * to approve.  inmate_poll_shutdown() answers a pending request (printing
 * "<name>: shutdown request <n>: approved/denied"); on approval it stops the CPU and does
 * not return.  inmate_serve() sleeps and polls forever (a 10 Hz tick wakes it up if
 * nothing else does).
 */
typedef bool (*shutdown_policy_t)(unsigned int request);
bool shutdown_approve(unsigned int request);
void inmate_poll_shutdown(shutdown_policy_t policy);
noreturn void inmate_serve(shutdown_policy_t policy);
noreturn void inmate_stop(void);	/* PSCI CPU_OFF, else halt */

/* Interrupts (GICv3): PPIs 16..31 on this CPU, SPIs 32.. routed to this CPU. */
typedef void (*irq_handler_t)(unsigned int intid);
int irq_init(void);				/* 0, or a negative error (printed) */
int irq_request(unsigned int intid, irq_handler_t handler);
int irq_set_edge(unsigned int intid);		/* an SPI raised by software: edge-triggered */
void irq_dispatch(void);			/* called by the IRQ vector */

/* Generic timer: the virtual timer (PPI 27) and counter. */
#define TIMER_VIRT_IRQ		27
uint64_t timer_freq(void);			/* Hz */
uint64_t timer_now(void);			/* CNTVCT_EL0 */
uint64_t timer_ticks_to_ns(uint64_t ticks);
uint64_t timer_ns_to_ticks(uint64_t ns);
void timer_arm(uint64_t deadline);		/* fire at CNTVCT >= deadline */
void timer_disarm(void);
void delay_us(uint64_t us);
/* A periodic tick on the virtual timer: fn(now, due) in IRQ context, due = when it should
 * have fired; the next one is due one period after 'due', so lateness never accumulates. */
typedef void (*ticker_fn_t)(uint64_t now, uint64_t due);
int ticker_start(unsigned int hz, ticker_fn_t fn);
bool ticker_running(void);

/* PSCI, through SMC under the hypervisor, HVC on a plain QEMU virt machine. */
#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	-1
int32_t psci_version(void);
int32_t psci_cpu_off(void);
int32_t psci_system_off(void);		/* under Cellvisor: this cell stops */
int32_t psci_system_reset(void);	/* under Cellvisor: this cell starts again */

/* PCI configuration space through ECAM. */
uintptr_t pci_ecam_base(void);
uint32_t pci_cfg_read(unsigned int bdf, unsigned int reg, unsigned int size);
void pci_cfg_write(unsigned int bdf, unsigned int reg, uint32_t value, unsigned int size);
int pci_find_device(uint16_t vendor, uint16_t device);	/* bdf, or -1 */
unsigned int pci_intx_irq(unsigned int bdf);	/* INTID of its INTx pin, 0 if it has none */
#define PCI_BDF(bus, dev, fn)	(((bus) << 8) | ((dev) << 3) | (fn))

/* A hypercall with up to three arguments: x0 back (reason.h's x1..x3 are dropped). */
long hypercall(uint64_t code, uint64_t a1, uint64_t a2, uint64_t a3);

/*
 * Inter-cell links (include/cellvisor/link.h): shared memory with the other peers, a
 * doorbell interrupt of this cell's own, each peer's state.  link_find() fills in the n-th
 * link (from 0) this cell is a peer of; the others take what it filled in.  Each returns 0
 * or a negative errno (-1 EPERM: not a peer, -107 ENOTCONN: the peer does not run).
 */
struct link {
	unsigned int id;		/* index in the system configuration */
	unsigned int self;		/* this cell's peer index */
	unsigned int num_peers;
	unsigned int irq;		/* this cell's doorbell */
	bool writable;
	volatile uint8_t *mem;		/* the shared memory, at this cell's address */
	uint64_t size;
};
int link_find(unsigned int n, struct link *l);
long link_info(const struct link *l, unsigned int what, unsigned int peer);
int link_ring(const struct link *l, unsigned int peer);
int link_set_state(const struct link *l, uint32_t state);
uint32_t link_peer_state(const struct link *l, unsigned int peer);	/* DOWN on error */
int link_irq_request(const struct link *l, irq_handler_t handler);	/* after irq_init() */

/* Used by the boot code and the exception vectors. */
struct exception_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};
bool boot_is_primary(unsigned int cpu);
void boot_wrong_address(uintptr_t actual);
void comm_init(void);
noreturn void boot_primary(unsigned int cpu);
noreturn void boot_secondary(unsigned int cpu);
void exception_sync(struct exception_frame *frame);
noreturn void exception_unexpected(struct exception_frame *frame, unsigned int vector);

#endif /* INMATE_H */
