// SPDX-License-Identifier: GPL-2.0-only
/* cellconf: cv_snprintf() for hv-config.c, from the hypervisor's source. */
#include "../../hypervisor/core/lib.c"
