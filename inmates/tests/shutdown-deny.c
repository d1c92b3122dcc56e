// SPDX-License-Identifier: GPL-2.0-only
/* shutdown-deny: denies the first shutdown request, approves the second. */
#include <inmate.h>

INMATE_NAME("shutdown-deny");

static bool policy(unsigned int request)
{
	return request >= 2;
}

void inmate_main(void)
{
	printf("shutdown-deny: will deny the first shutdown request and approve the second\n");
	inmate_serve(policy);
}
