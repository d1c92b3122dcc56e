/* SPDX-License-Identifier: GPL-2.0-only */
/* Cellvisor: error numbers, with Linux's values (hypercalls return them negated). */
#ifndef _CV_ERRNO_H
#define _CV_ERRNO_H

#define CV_EPERM		1
#define CV_ENOENT		2
#define CV_EIO			5
#define CV_E2BIG		7
#define CV_ENOMEM		12
#define CV_EFAULT		14
#define CV_EBUSY		16
#define CV_EEXIST		17
#define CV_ENODEV		19
#define CV_EINVAL		22
#define CV_ERANGE		34
#define CV_ENOSYS		38
#define CV_ENOTCONN		107
#define CV_ETIMEDOUT		110

#endif
