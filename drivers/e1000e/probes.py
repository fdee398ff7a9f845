"""e1000e: driver-specific probes (see drivers/__init__.py)."""

from kernel_probes.record import Probe, ProbeSet, SourceGrep, have

PROBES = ProbeSet(
    area="e1000e",
    probes=(
        Probe(
            "e1000e_hwaddr",
            note=(
                "e1000e ring->tail is a register offset added to hw.hw_addr (older driver) "
                "rather than an __iomem pointer"
            ),
            on_success=(have("E1000E_HWADDR"),),
            driver="e1000e",
            code="""\
#include "e1000e/e1000.h"

void* dummy(struct e1000_adapter *adapter,
        struct e1000_ring *ring)
{
	return adapter->hw.hw_addr + ring->tail;
}
""",
        ),
        Probe(
            "e1000e_down2",
            note="e1000e_down takes a second (reset) argument",
            on_success=(have("E1000E_DOWN2"),),
            driver="e1000e",
            code="""\
#include "e1000e/e1000.h"

void dummy(struct e1000_adapter *adapter)
{
	e1000e_down(adapter, false);
}
""",
        ),
        # upstream runs `grep -q '\<e1000_rx_desc_extended\>' $TMPDIR/e1000e/netdev.c && have
        # E1000E_EXT_RXDESC` as the success action of an empty test; path is relative to the
        # probe dir
        SourceGrep(
            "e1000e_ext_rxdesc",
            path="e1000e/netdev.c",
            word="e1000_rx_desc_extended",
            note=(
                "e1000e's netdev.c uses extended rx descriptors (union e1000_rx_desc_extended)"
            ),
            on_success=(have("E1000E_EXT_RXDESC"),),
            driver="e1000e",
        ),
    ),
)
