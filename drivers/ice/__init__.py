"""The ice driver: Intel E810 100G."""

from pathlib import Path

from drivers.ice.probes import PROBES
from drivers.record import Driver

DRIVER = Driver(
    name="ice",
    kconfig="CONFIG_ICE",
    folder="drivers/net/ethernet/intel/ice",
    modules=("ice",),
    upstream_name="ice",
    home=Path(__file__).parent,
    upstream_patches="ice",
    probes=PROBES,
)
