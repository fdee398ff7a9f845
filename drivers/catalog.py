"""Every driver record, in upstream's order; the one place that lists them.

`DRIVER_PROBES` is derived from the records: each driver's own probes (its folder's
``probes.py``), keyed by our driver name; a driver without probes has an empty set.
"""

from __future__ import annotations

from drivers import (
    e1000,
    e1000e,
    forcedeth,
    i40e,
    ice,
    igb,
    igc,
    ixgbe,
    ixgbevf,
    realtek,
    stmmac,
    veth,
    virtio_net,
    vmxnet3,
)
from drivers.record import Driver
from kernel_probes.record import ProbeSet

DRIVERS: tuple[Driver, ...] = tuple(
    module.DRIVER
    for module in (stmmac, realtek, virtio_net, forcedeth, veth, e1000, e1000e, igb, igc,
                   ixgbe, ixgbevf, ice, i40e, vmxnet3)
)

DRIVER_PROBES: dict[str, ProbeSet] = {driver.name: driver.probes for driver in DRIVERS}


def by_name(name: str) -> Driver | None:
    """A driver by our name or upstream's (``r8169.c``, ``virtio_net.c``)."""
    for driver in DRIVERS:
        if name in (driver.name, driver.upstream_name):
            return driver
    return None
