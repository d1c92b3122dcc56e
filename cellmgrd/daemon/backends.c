// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellmgrd: the backends of the installed daemon (see backend.h).  The host tests link their
 * own list instead of this file (tests/host/daemon/backend-test.c).
 */
#include "backend.h"

const struct backend_type *const backend_types[] = { &backend_driver, NULL };
