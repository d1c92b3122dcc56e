/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef CELLMGRD_BACKEND_TEST_H
#define CELLMGRD_BACKEND_TEST_H

#include "backend.h"

/*
 * Steer the model (test backend only).  'cell' is a cell name, or "" for the hypervisor.
 * Actions: "print" TEXT (console output), "lock", "unlock" (running/locked), "fail" (the
 * cell faults), "answer" "approve|deny|silent [DELAY-MS]" (how it answers shutdown
 * requests), "exits" (count some exits); for the hypervisor, "gic-lines" N (the modelled GIC
 * implements N interrupts: Enable with a configuration that claims more is refused, as the
 * hypervisor refuses it; 0, the default: any number).
 */
int backend_test_control(struct backend *b, const char *cell, const char *action,
			 const char *arg, char **errmsg);

#endif
