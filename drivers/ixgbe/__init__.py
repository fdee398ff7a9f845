"""The ixgbe driver: Intel 82599/X540/X550 10G."""

from pathlib import Path

from drivers.ixgbe.probes import PROBES
from drivers.record import Driver

DRIVER = Driver(
    name="ixgbe",
    kconfig="CONFIG_IXGBE",
    folder="drivers/net/ethernet/intel/ixgbe",
    modules=("ixgbe",),
    upstream_name="ixgbe",
    home=Path(__file__).parent,
    upstream_patches="ixgbe",
    probes=PROBES,
)
