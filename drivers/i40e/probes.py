"""i40e: driver-specific probes (see drivers/__init__.py)."""

from kernel_probes.record import Probe, ProbeSet, define

PROBES = ProbeSet(
    area="i40e",
    probes=(
        # upstream's `add_test_flags -I\$M/i40e` (and -I\$M/ice below) becomes -I$(src)/...:
        # kbuild's $(src) is the module (M=) dir, the one make's $M names there
        Probe(
            "i40e_ptr_array",
            note="i40e vsi->tx_rings is an array of ring pointers",
            on_success=(define("I40E_PTR_ARRAY"),),
            cflags=("-I$(src)/i40e",),
            driver="i40e",
            code="""\
#include "i40e/i40e.h"

struct i40e_ring *
dummy(struct i40e_vsi *vsi) {
	return vsi->tx_rings[0];
}
""",
        ),
        Probe(
            "i40e_ptr_state",
            note=(
                "i40e pf->state is a plain unsigned long, not a DECLARE_BITMAP (pointer "
                "mismatch made an error)"
            ),
            on_success=(define("I40E_PTR_STATE"),),
            cflags=("-I$(src)/i40e",),
            driver="i40e",
            code="""\
   	#include "i40e/i40e.h"
	#include <linux/bitops.h>
	#pragma GCC diagnostic error "-Wincompatible-pointer-types"

	int
	dummy(struct i40e_pf *pf) {
		return test_and_set_bit(1, &pf->state);
	}
""",  # noqa: E101
        ),
    ),
)
