"""Driver-specific probes: they build against a driver's copied sources (or, for
virtio_net.c, test APIs only that driver uses) and run only when that driver is
selected.  Keyed by our driver names (upstream's ``r8169.c`` is ``realtek``,
``virtio_net.c`` is ``virtio_net``).

Ported from upstream netmap's LINUX/configure at 89607e1406c1, in its order.
Each ``code`` is the heredoc body as the shell writes it (loops expanded), with
only the common leading indentation removed, so answers stay comparable with
upstream's compile by compile; the one exception is realtek's include (see there).
Some bodies indent with both tabs and spaces; they are kept as they are, hence
their ``noqa: E101``.
"""


from kernel_probes.drivers import (
    e1000e,
    i40e,
    ice,
    igb,
    ixgbe,
    ixgbevf,
    realtek,
    virtio_net,
    vmxnet3,
)
from kernel_probes.record import ProbeSet

DRIVER_PROBES: dict[str, ProbeSet] = {
    "e1000e": e1000e.PROBES,
    "realtek": realtek.PROBES,
    "ixgbe": ixgbe.PROBES,
    "ixgbevf": ixgbevf.PROBES,
    "virtio_net": virtio_net.PROBES,
    "i40e": i40e.PROBES,
    "ice": ice.PROBES,
    "igb": igb.PROBES,
    "vmxnet3": vmxnet3.PROBES,
}
