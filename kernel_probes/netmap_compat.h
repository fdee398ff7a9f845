/*
 * netmap-build's compatibility layer for kernels newer than the pinned netmap.
 *
 * Force-included (-include) before every netmap.ko and patched-driver source,
 * after netmap_linux_config.h has been written; each part is switched on by one of
 * our probes (kernel_probes/ours.py), so on the kernels upstream supports this
 * file is empty and the build is upstream's.
 */
#ifndef NETMAP_BUILD_COMPAT_H
#define NETMAP_BUILD_COMPAT_H

#include "netmap_linux_config.h"

#ifdef NETMAP_LINUX_NO_STRNCPY
/* 7.x removed strncpy(): the same semantics (copy at most count bytes, pad the
 * rest with NULs, no terminator when the source is as long as count) */
#include <linux/types.h>

static inline char *netmap_compat_strncpy(char *destination, const char *source,
					  size_t count)
{
	size_t i = 0;

	for (; i < count && source[i] != '\0'; i++)
		destination[i] = source[i];
	for (; i < count; i++)
		destination[i] = '\0';
	return destination;
}
#define strncpy(destination, source, count) \
	netmap_compat_strncpy(destination, source, count)
#endif /* NETMAP_LINUX_NO_STRNCPY */

#ifdef NETMAP_LINUX_KERNEL_BIND_UNSIZED
/* 7.x: kernel_bind() takes a struct sockaddr_unsized *; the declaration must be
 * seen before the macro (a macro does not expand inside its own expansion) */
#include <linux/net.h>
#define kernel_bind(sock, address, length) \
	kernel_bind(sock, (struct sockaddr_unsized *)(address), length)
#endif /* NETMAP_LINUX_KERNEL_BIND_UNSIZED */

#endif /* NETMAP_BUILD_COMPAT_H */
