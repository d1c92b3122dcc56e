// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellconf: the hypervisor's own checks of configuration blobs, compiled from the
 * hypervisor's source (freestanding C that also builds hosted), so that what the validator
 * passes and what the hypervisor accepts can never disagree.  See hv-rules.c.
 */
#include "../../hypervisor/core/config.c"
