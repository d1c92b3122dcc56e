// SPDX-License-Identifier: GPL-2.0-only
/*
 * cellconf: the last word of cc_validate() is the hypervisor's.  config_check_system() and
 * config_check_cell() are the very functions the hypervisor runs on every blob it receives
 * (hypervisor/core/config.c, built into this library by hv-config.c); the validator's own
 * rules only add JSON paths, hints and what needs more than one blob.
 */
#include <cv/config.h>

#include "internal.h"

#define WHY_LEN 256

void cc_check_hypervisor_rules(const struct cc_config *c, const struct cv_system_config *sys,
			       struct cc_diags *d)
{
	char why[WHY_LEN];
	int err;

	if (cc_system(c))
		err = config_check_system(c->blob, c->blob_size, why, sizeof(why));
	else if (sys) {
		err = config_check_cell(c->blob, c->blob_size, &sys->platform, why, sizeof(why));
		if (!err)	/* the peers of links its name makes it */
			err = config_check_cell_links(sys, c->blob, why, sizeof(why));
	}
	else
		return;	/* a cell alone: its platform is unknown (cc_validate() notes that) */
	if (err)
		cc_report(d, CC_ERROR, c->file, NULL,
			  "this is the hypervisor's own check, which enable or create would fail",
			  "the hypervisor refuses it: %s", why);
}
