"""realtek: driver-specific probes (see drivers/__init__.py)."""

from kernel_probes.record import Probe, ProbeSet, define, have

PROBES = ProbeSet(
    area="realtek",
    probes=(
        # upstream includes "r8169.c", which no kernel since 5.x has (the driver became
        # drivers/net/ethernet/realtek/r8169_main.c), and runs these in the e1000e batch;
        # here they belong to the realtek driver and include its real source
        Probe(
            "rtl_open",
            note=(
                "r8169's open routine is rtl8169_open in older drivers, rtl_open in newer ones"
            ),
            on_success=(define("RTL_OPEN", "rtl8169_open"),),
            on_failure=(define("RTL_OPEN", "rtl_open"),),
            driver="realtek",
            code="""\
#include "realtek/r8169_main.c"

static int dummy(struct net_device *dev) {
	return rtl8169_open(dev);
}
""",
        ),
        Probe(
            "rtl_wfq",
            note="r8169 has rtl8169_wait_for_quiescence (older drivers)",
            on_success=(have("RTL_WFQ"),),
            driver="realtek",
            code="""\
#include "realtek/r8169_main.c"

static void dummy(struct net_device *dev) {
	rtl8169_wait_for_quiescence(dev);
}
""",
        ),
    ),
)
