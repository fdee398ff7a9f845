"""ixgbevf: driver-specific probes (see drivers/__init__.py)."""

from kernel_probes.record import Probe, ProbeSet, define

PROBES = ProbeSet(
    area="ixgbevf",
    probes=(
        # upstream's success action is `true`: only failure defines a macro
        Probe(
            "ixgbevf_ixgbe_macros",
            note=(
                "ixgbevf descriptor macros are IXGBEVF_RX_DESC and friends; older drivers only"
                " have IXGBE_*"
            ),
            on_failure=(define("IXGBEVF_IXGBE_MACROS"),),
            driver="ixgbevf",
            code="""\
  	#include "ixgbevf/ixgbevf.h"

	void *
	dummy(struct ixgbevf_ring *ring, unsigned int i)
	{
		return IXGBEVF_RX_DESC(ring, i);
	}
""",  # noqa: E101
        ),
        Probe(
            "ixgbevf_ptr_array",
            note="ixgbevf adapter->tx_ring is an array of ring pointers, not of rings",
            on_success=(define("IXGBEVF_PTR_ARRAY"),),
            driver="ixgbevf",
            code="""\
#include "ixgbevf/ixgbevf.h"

struct ixgbevf_ring *
dummy(struct ixgbevf_adapter *adapter) {
	return adapter->tx_ring[0];
}
""",
        ),
        Probe(
            "ixgbevf_have_nta",
            note="ixgbevf rings have next_to_alloc",
            on_success=(define("IXGBEVF_HAVE_NTA"),),
            driver="ixgbevf",
            code="""\
  	#include "ixgbevf/ixgbevf.h"

	u16
	dummy(struct ixgbevf_ring *ring) {
		return ring->next_to_alloc;
	}
""",  # noqa: E101
        ),
    ),
)
