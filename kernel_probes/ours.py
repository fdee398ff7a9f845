"""Probes of ours, not upstream's: kernel changes after the pinned netmap (89607e14).

Each one switches on a part of our compatibility header, ``netmap_compat.h`` (beside
this file), which the build force-includes so that netmap's sources stay as
upstream wrote them.  Both macros are defined only on kernels newer than those the
pinned netmap supports: on 6.1 and 6.12 the header stays upstream's, macro for macro.
"""

from __future__ import annotations

from kernel_probes.record import Probe, ProbeSet, define

PROBES = ProbeSet(
    "ours",
    probes=(
        Probe(
            "strncpy",
            note="strncpy() was removed from the kernel (7.x); netmap_bdg.c still calls it",
            on_failure=(define("NO_STRNCPY"),),
            code="""\
#include <linux/string.h>

void dummy(char *destination, const char *source)
{
	strncpy(destination, source, 4);
}
""",
        ),
        Probe(
            "kernel_bind_unsized",
            note="kernel_bind() takes a struct sockaddr_unsized * (7.x), not a "
                 "struct sockaddr *; netmap_linux.c passes the latter",
            on_success=(define("KERNEL_BIND_UNSIZED"),),
            # an exact type test: a mere call would build with a warning on older kernels
            code="""\
#include <linux/net.h>
#include <linux/build_bug.h>

void dummy(void)
{
	BUILD_BUG_ON(!__builtin_types_compatible_p(typeof(&kernel_bind),
		int (*)(struct socket *, struct sockaddr_unsized *, int)));
}
""",
        ),
    ),
)

COMPAT_HEADER = "netmap_compat.h"
