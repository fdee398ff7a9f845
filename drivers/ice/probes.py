"""ice: driver-specific probes (see drivers/__init__.py)."""

from kernel_probes.record import Probe, ProbeSet, have

PROBES = ProbeSet(
    area="ice",
    probes=(
        Probe(
            "ice_xrings",
            note="ice split struct ice_ring into ice_tx_ring and ice_rx_ring",
            on_success=(have("ICE_XRINGS"),),
            cflags=("-I$(src)/ice",),
            driver="ice",
            code="""\
#include "ice/ice.h"

struct ice_tx_ring *
dummy1(struct ice_vsi *vsi) {
	return vsi->tx_rings[0];
}
struct ice_rx_ring *
dummy2(struct ice_vsi *vsi) {
	return vsi->rx_rings[0];
}
""",
        ),
        Probe(
            "ice_vsi_down",
            note="ice's VSI state enum has ICE_VSI_DOWN (renamed from __ICE_DOWN)",
            on_success=(have("ICE_VSI_DOWN"),),
            cflags=("-I$(src)/ice",),
            driver="ice",
            code="""\
#include "ice/ice.h"

enum ice_vsi_state dummy(void) {
	return ICE_VSI_DOWN;
}
""",
        ),
    ),
)
