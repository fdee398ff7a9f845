"""igb: driver-specific probes (see drivers/__init__.py)."""

from kernel_probes.record import Probe, ProbeSet, have

PROBES = ProbeSet(
    area="igb",
    probes=(
        Probe(
            "igb_rd32",
            note="igb_rd32 declared in igb/e1000_regs.h",
            on_success=(have("IGB_RD32"),),
            driver="igb",
            code="""\
        #include "igb/e1000_regs.h"

	u32
	dummy(struct e1000_hw *hw, u32 reg) {
		return igb_rd32(hw, reg);
	}
""",
        ),
        Probe(
            "igb_nta",
            note="igb rings have next_to_alloc",
            on_success=(have("IGB_NTA"),),
            driver="igb",
            code="""\
       #include "igb/igb.h"

       unsigned int
       dummy(struct igb_ring *ring) {
		return ring->next_to_alloc;
       }
""",
        ),
        Probe(
            "igb_state_indir",
            note="igb adapter->state is a plain unsigned long used with clear_bit",
            on_success=(have("IGB_STATE_INDIR"),),
            driver="igb",
            code="""\
#include "igb/igb.h"

void dummy(struct igb_adapter *adapter) {
	clear_bit(0, &adapter->state);
}
""",
        ),
    ),
)
