"""ixgbe: driver-specific probes (see drivers/__init__.py)."""

from kernel_probes.record import Probe, ProbeSet, define, have

PROBES = ProbeSet(
    area="ixgbe",
    probes=(
        Probe(
            "ixgbe_desc_1",
            note="IXGBE_TX_DESC_ADV takes the ring structure itself (oldest ixgbe)",
            on_success=(define("IXGBE_DESC", "1"),),
            driver="ixgbe",
            code="""\
#include "ixgbe/ixgbe.h"

union ixgbe_adv_tx_desc *
dummy(struct ixgbe_ring *ring) {
	return IXGBE_TX_DESC_ADV(*ring, 0);
}
""",
        ),
        Probe(
            "ixgbe_desc_2",
            note="IXGBE_TX_DESC_ADV takes a ring pointer",
            on_success=(define("IXGBE_DESC", "2"),),
            driver="ixgbe",
            code="""\
#include "ixgbe/ixgbe.h"

union ixgbe_adv_tx_desc *
dummy(struct ixgbe_ring *ring) {
	return IXGBE_TX_DESC_ADV(ring, 0);
}
""",
        ),
        Probe(
            "ixgbe_desc_3",
            note="IXGBE_TX_DESC, the descriptor macro once the _ADV suffix was dropped",
            on_success=(define("IXGBE_DESC", "3"),),
            driver="ixgbe",
            code="""\
#include "ixgbe/ixgbe.h"

union ixgbe_adv_tx_desc *
dummy(struct ixgbe_ring *ring) {
	return IXGBE_TX_DESC(ring, 0);
}
""",
        ),
        Probe(
            "ixgbe_ptr_array",
            note="ixgbe adapter->tx_ring is an array of ring pointers, not of rings",
            on_success=(define("IXGBE_PTR_ARRAY"),),
            driver="ixgbe",
            code="""\
#include "ixgbe/ixgbe.h"

struct ixgbe_ring *
dummy(struct ixgbe_adapter *adapter) {
	return adapter->tx_ring[0];
}
""",
        ),
        Probe(
            "ixgbe_have_disable",
            note="ixgbe_main.c has ixgbe_irq_disable_queues",
            on_success=(define("IXGBE_HAVE_DISABLE"),),
            driver="ixgbe",
            code="""\
#include "ixgbe/ixgbe_main.c"

void
dummy(struct ixgbe_adapter *adapter, u64 qmask) {
	ixgbe_irq_disable_queues(adapter, qmask);
}
""",
        ),
        Probe(
            "ixgbe_have_nta",
            note="ixgbe rings have next_to_alloc",
            on_success=(define("IXGBE_HAVE_NTA"),),
            driver="ixgbe",
            code="""\
  	#include "ixgbe/ixgbe.h"

	u16
	dummy(struct ixgbe_ring *ring) {
		return ring->next_to_alloc;
	}
""",  # noqa: E101
        ),
        Probe(
            "ixgbe_rx_bufsz",
            note="ixgbe has the ixgbe_rx_bufsz() helper",
            on_success=(have("IXGBE_RX_BUFSZ"),),
            driver="ixgbe",
            code="""\
#include "ixgbe/ixgbe.h"

unsigned int
dummy(struct ixgbe_ring *ring) {
        return ixgbe_rx_bufsz(ring);
}
""",
        ),
        Probe(
            "ixgbe_state_bitmap",
            note=(
                "ixgbe adapter->state works with test_and_set_bit (configure: 'state bitmap or"
                " unsigned long?')"
            ),
            on_success=(have("IXGBE_STATE_BITMAP"),),
            driver="ixgbe",
            code="""\
#include "ixgbe/ixgbe.h"
int dummy(struct ixgbe_adapter *adapter) {
	return test_and_set_bit(0, &adapter->state);
}
""",
        ),
    ),
)
